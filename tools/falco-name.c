/* falco-name: the file name and repository path a Falco release's driver loader requests for a
 * host, and the table of Falco releases.
 *
 *   falco-name [--falco-version V | --driver-version DV] [--rules R] [--layout flat|arch]
 *              [--kind bpf|kmod] [--drivers-repo URL] --os-release FILE [--etc-version TEXT]
 *              (--uname-r R --uname-v V | --uts-from KDIR) --uname-m M [--field NAME]
 *   falco-name --all-releases [--drivers-repo URL] --os-release FILE [--etc-version TEXT]
 *              (--uname-r R --uname-v V | --uts-from KDIR) --uname-m M
 *   falco-name --releases        the table, one release a line, tab-separated
 *   falco-name --releases-mk     the table as make variables (mk/falco.mk)
 *
 * Prints one TAB-separated line: target_id, kernel_release, kernel_version, file_name,
 * repo_path; or, with --field, just that one (also: rules, layout, url, driver_version). With
 * --falco-version the release's driver version, rules and layouts apply; with --driver-version
 * alone, those of the newest release asking for that driver version's kind (tools/falconame.c).
 * --uts-from reads uname -r and -v from a kernel build tree's generated headers, as the kernel
 * itself will print them; --etc-version is what a minikube host has in /etc/VERSION.
 *
 * Exit status: 0 named; 1 the host cannot be named; 2 usage; 3 the release never asks for this
 * kind of driver for this host; 4 it asks, but nothing can serve the request (the name, where
 * there is one, is printed all the same). The reason of 3 and 4 goes to stderr.
 *
 * --all-releases prints what every release of the table asks of the host, a line per release
 * and kind, tab-separated: release, kind (bpf, kmod), named|not-asked|unservable, the
 * repository path ("-" for none), and the URL requested or the reason. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "falconame.h"

static void usage(FILE *to, int status)
{
	fprintf(to,
		"usage: falco-name [--falco-version V | --driver-version DV] [--rules R] [--layout flat|arch]\n"
		"                  [--kind bpf|kmod] [--drivers-repo URL] --os-release FILE [--etc-version TEXT]\n"
		"                  (--uname-r R --uname-v V | --uts-from KDIR) --uname-m M\n"
		"                  [--field target_id|kernel_release|kernel_version|file_name|repo_path|url|rules|layout|driver_version]\n"
		"       falco-name --releases | --releases-mk\n"
		"Prints target_id, kernel_release, kernel_version, file_name and repo_path, TAB-separated.\n"
		"Rule sets R (named after the first Falco release using each): %s.\n",
		falconame_rules_names());
	exit(status);
}

static void set(char *dst, size_t len, const char *what, const char *value)
{
	if (snprintf(dst, len, "%s", value) >= (int)len)
		die("%s is longer than %zu characters", what, len - 1);
}

static const char *layout_name(int layout)
{
	return layout == FALCONAME_LAYOUT_FLAT ? "flat" : "arch";
}

static void print_releases(bool as_make)
{
	size_t n;
	const struct falconame_release *r = falconame_releases(&n);
	if (as_make) {
		printf("# The table of Falco releases (tools/falconame.c), written by falco-name --releases-mk.\n");
		printf("FALCO_RELEASES :=");
		for (size_t i = 0; i < n; i++)
			printf(" %s", r[i].version);
		putchar('\n');
	} else {
		printf("release\tdriver_version\tloader\trules\tlayout_o\tlayout_ko\tkinds\tdriver_tree_sha256\n");
	}
	for (size_t i = 0; i < n; i++) {
		const char *kinds = r[i].kinds[FALCONAME_BPF] && r[i].kinds[FALCONAME_KMOD] ? "bpf kmod"
				    : r[i].kinds[FALCONAME_KMOD]                           ? "kmod"
											   : "bpf";
		if (as_make) {
			printf("FALCO_DV.%s := %s\n", r[i].version, r[i].driver_version);
			printf("FALCO_KINDS.%s := %s\n", r[i].version, kinds);
			printf("FALCO_TREE.%s := %s\n", r[i].driver_version, r[i].tree_sha256);
		} else {
			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r[i].version, r[i].driver_version, r[i].loader, r[i].rules,
			       layout_name(r[i].layout[FALCONAME_BPF]), layout_name(r[i].layout[FALCONAME_KMOD]), kinds,
			       r[i].tree_sha256);
		}
	}
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	static const struct option longopts[] = {
		{ "falco-version", required_argument, NULL, 'F' },
		{ "driver-version", required_argument, NULL, 'd' },
		{ "rules", required_argument, NULL, 'R' },
		{ "layout", required_argument, NULL, 'l' },
		{ "kind", required_argument, NULL, 'k' },
		{ "drivers-repo", required_argument, NULL, 'D' },
		{ "os-release", required_argument, NULL, 'o' },
		{ "etc-version", required_argument, NULL, 'e' },
		{ "uname-r", required_argument, NULL, 'r' },
		{ "uname-v", required_argument, NULL, 'v' },
		{ "uname-m", required_argument, NULL, 'm' },
		{ "uts-from", required_argument, NULL, 'u' },
		{ "field", required_argument, NULL, 'f' },
		{ "releases", no_argument, NULL, 'L' },
		{ "all-releases", no_argument, NULL, 'A' },
		{ "releases-mk", no_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct falconame_opts opts = { .layout = -1, .kind = FALCONAME_BPF };
	struct falconame_host host = { 0 };
	const char *os_release = NULL, *uname_r = NULL, *uname_v = NULL, *uname_m = NULL, *kdir = NULL;
	const char *field = NULL, *repo = "https://download.falco.org/driver", *etc_version = NULL;
	bool all = false;
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'A': all = true; break;
		case 'F': opts.falco_version = optarg; break;
		case 'd': opts.driver_version = optarg; break;
		case 'R': opts.rules = optarg; break;
		case 'l':
			if (!strcmp(optarg, "flat"))
				opts.layout = FALCONAME_LAYOUT_FLAT;
			else if (!strcmp(optarg, "arch"))
				opts.layout = FALCONAME_LAYOUT_ARCH;
			else
				usage(stderr, 2);
			break;
		case 'k':
			if (!strcmp(optarg, "bpf"))
				opts.kind = FALCONAME_BPF;
			else if (!strcmp(optarg, "kmod"))
				opts.kind = FALCONAME_KMOD;
			else
				usage(stderr, 2);
			break;
		case 'D': repo = optarg; break;
		case 'o': os_release = optarg; break;
		case 'e': etc_version = optarg; break;
		case 'r': uname_r = optarg; break;
		case 'v': uname_v = optarg; break;
		case 'm': uname_m = optarg; break;
		case 'u': kdir = optarg; break;
		case 'f': field = optarg; break;
		case 'L': print_releases(false); return fflush(stdout) ? 1 : 0;
		case 'M': print_releases(true); return fflush(stdout) ? 1 : 0;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc || !os_release || !uname_m || (kdir ? uname_r || uname_v : !uname_r || !uname_v) ||
	    (opts.falco_version && opts.driver_version))
		usage(stderr, 2);

	char err[1024];
	if (falconame_read_os_release(os_release, &host, err, sizeof err) != 0 ||
	    (kdir && falconame_read_uts(kdir, &host, err, sizeof err) != 0))
		die("%s", err);
	if (!kdir) {
		set(host.uname_r, sizeof host.uname_r, "--uname-r", uname_r);
		set(host.uname_v, sizeof host.uname_v, "--uname-v", uname_v);
	}
	set(host.uname_m, sizeof host.uname_m, "--uname-m", uname_m);
	if (etc_version)
		set(host.etc_version, sizeof host.etc_version, "--etc-version", etc_version);

	struct falconame_result name;
	if (all) {
		size_t n;
		const struct falconame_release *rel = falconame_releases(&n);
		static const char *const kinds[] = { "bpf", "kmod" };
		static const char *const statuses[] = { "named", "not-asked", "unservable" };
		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < 2; k++) {
				struct falconame_opts o = { .falco_version = rel[i].version, .layout = -1, .kind = k };
				char url[2048];
				int st = falconame_compute(&host, &o, &name, err, sizeof err);
				if (st < 0)
					die_at(os_release, "Falco %s: %s: %s", rel[i].version, host.uname_r, err);
				if (st == FALCONAME_NAMED && falconame_url(repo, &name, url, sizeof url) != 0)
					die("URL too long");
				printf("%s\t%s\t%s\t%s\t%s\n", rel[i].version, kinds[k], statuses[st],
				       name.repo_path[0] ? name.repo_path : "-", st == FALCONAME_NAMED ? url : name.why);
			}
		return fflush(stdout) ? 1 : 0;
	}
	int st = falconame_compute(&host, &opts, &name, err, sizeof err);
	if (st < 0)
		die_at(os_release, "%s: %s", host.uname_r, err);
	const char *who = opts.falco_version ? opts.falco_version : name.rules;
	if (st == FALCONAME_NOT_ASKED) {
		fprintf(stderr, "%s: not asked for: %s (%s)\n", prog(), name.why, who);
		return 3;
	}
	if (st == FALCONAME_UNSERVABLE && !name.file_name[0]) {
		fprintf(stderr, "%s: unservable: %s (%s)\n", prog(), name.why, who);
		return 4;
	}
	bool needs_dv = !field || !strcmp(field, "repo_path") || !strcmp(field, "url");
	if (needs_dv && !name.repo_path[0]) {
		fprintf(stderr, "%s: the repository path needs --driver-version or --falco-version\n", prog());
		return 2;
	}
	char url[2048];
	const char *value = NULL;
	if (!field)
		printf("%s\t%s\t%s\t%s\t%s\n", name.target_id, name.kernel_release, name.kernel_version, name.file_name,
		       name.repo_path);
	else if (!strcmp(field, "target_id"))
		value = name.target_id;
	else if (!strcmp(field, "kernel_release"))
		value = name.kernel_release;
	else if (!strcmp(field, "kernel_version"))
		value = name.kernel_version;
	else if (!strcmp(field, "file_name"))
		value = name.file_name;
	else if (!strcmp(field, "repo_path"))
		value = name.repo_path;
	else if (!strcmp(field, "rules"))
		value = name.rules;
	else if (!strcmp(field, "layout"))
		value = layout_name(name.layout);
	else if (!strcmp(field, "driver_version"))
		value = name.driver_version;
	else if (!strcmp(field, "url")) {
		if (falconame_url(repo, &name, url, sizeof url) != 0)
			die("URL too long");
		value = url;
	} else
		usage(stderr, 2);
	if (value)
		printf("%s\n", value);
	if (st == FALCONAME_UNSERVABLE) {
		fprintf(stderr, "%s: unservable: %s (%s)\n", prog(), name.why, who);
		return 4;
	}
	return fflush(stdout) ? 1 : 0;
}
