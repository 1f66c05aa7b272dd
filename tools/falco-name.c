/* falco-name: the file name and repository path a Falco driver loader requests for a host.
 *
 *   falco-name [--driver-version DV] [--rules R] [--layout flat|arch] [--kind bpf|kmod]
 *              [--drivers-repo URL] --os-release FILE
 *              (--uname-r R --uname-v V | --uts-from KDIR) --uname-m M [--field NAME]
 *
 * Prints one TAB-separated line: target_id, kernel_release, kernel_version, file_name,
 * repo_path; or, with --field, just that one (also: rules, layout, url). The rules and the
 * layout default from the driver version (tools/falconame.c holds them, with their sources).
 * --uts-from reads uname -r and -v from a kernel build tree's generated headers, as the
 * kernel itself will print them. Exit status: 0 named, 1 cannot be named, 2 usage. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "falconame.h"

static void usage(FILE *to, int status)
{
	fprintf(to,
		"usage: falco-name [--driver-version DV] [--rules R] [--layout flat|arch]\n"
		"                  [--kind bpf|kmod] [--drivers-repo URL] --os-release FILE\n"
		"                  (--uname-r R --uname-v V | --uts-from KDIR) --uname-m M\n"
		"                  [--field target_id|kernel_release|kernel_version|file_name|repo_path|url|rules|layout]\n"
		"Prints target_id, kernel_release, kernel_version, file_name and repo_path, TAB-separated.\n"
		"Rule sets R (named after the first Falco release using each): %s;\n"
		"the default and the layout follow the driver version.\n",
		falconame_rules_names());
	exit(status);
}

static void set(char *dst, size_t len, const char *what, const char *value)
{
	if (snprintf(dst, len, "%s", value) >= (int)len) {
		fprintf(stderr, "falco-name: %s is longer than %zu characters\n", what, len - 1);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "driver-version", required_argument, NULL, 'd' },
		{ "rules", required_argument, NULL, 'R' },
		{ "layout", required_argument, NULL, 'l' },
		{ "kind", required_argument, NULL, 'k' },
		{ "drivers-repo", required_argument, NULL, 'D' },
		{ "os-release", required_argument, NULL, 'o' },
		{ "uname-r", required_argument, NULL, 'r' },
		{ "uname-v", required_argument, NULL, 'v' },
		{ "uname-m", required_argument, NULL, 'm' },
		{ "uts-from", required_argument, NULL, 'u' },
		{ "field", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct falconame_opts opts = { .layout = -1, .kind = FALCONAME_BPF };
	struct falconame_host host = { 0 };
	const char *os_release = NULL, *uname_r = NULL, *uname_v = NULL, *uname_m = NULL, *kdir = NULL;
	const char *field = NULL, *repo = "https://download.falco.org/driver";
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
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
		case 'r': uname_r = optarg; break;
		case 'v': uname_v = optarg; break;
		case 'm': uname_m = optarg; break;
		case 'u': kdir = optarg; break;
		case 'f': field = optarg; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc || !os_release || !uname_m || (kdir ? uname_r || uname_v : !uname_r || !uname_v))
		usage(stderr, 2);

	char err[1024];
	if (falconame_read_os_release(os_release, &host, err, sizeof err) != 0 ||
	    (kdir && falconame_read_uts(kdir, &host, err, sizeof err) != 0)) {
		fprintf(stderr, "falco-name: %s\n", err);
		return 1;
	}
	if (!kdir) {
		set(host.uname_r, sizeof host.uname_r, "--uname-r", uname_r);
		set(host.uname_v, sizeof host.uname_v, "--uname-v", uname_v);
	}
	set(host.uname_m, sizeof host.uname_m, "--uname-m", uname_m);

	struct falconame_result name;
	if (falconame_compute(&host, &opts, &name, err, sizeof err) != 0) {
		fprintf(stderr, "falco-name: %s (%s): %s\n", os_release, host.uname_r, err);
		return 1;
	}
	bool needs_dv = !field || !strcmp(field, "repo_path") || !strcmp(field, "url");
	if (needs_dv && !name.repo_path[0]) {
		fprintf(stderr, "falco-name: the repository path needs --driver-version\n");
		return 2;
	}
	if (!field) {
		printf("%s\t%s\t%s\t%s\t%s\n", name.target_id, name.kernel_release, name.kernel_version,
		       name.file_name, name.repo_path);
		return 0;
	}
	char url[2048];
	const char *value = NULL;
	if (!strcmp(field, "target_id"))
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
		value = name.layout == FALCONAME_LAYOUT_FLAT ? "flat" : "arch";
	else if (!strcmp(field, "url")) {
		if (falconame_url(repo, &name, url, sizeof url) != 0) {
			fprintf(stderr, "falco-name: URL too long\n");
			return 1;
		}
		value = url;
	} else
		usage(stderr, 2);
	printf("%s\n", value);
	return 0;
}
