/* Falco's probe naming, by the rules of the Falco release that asks (see falconame.h).
 *
 * Where each rule comes from (checked against upstream, not copied):
 * - falcosecurity/falco scripts/falco-driver-loader (bash; Falco up to 0.36) and its CHANGELOG
 *   and pull requests, which date each change to a release:
 *     0.28-0.32.0  ubuntu: "ubuntu-aws" when uname -r contains "aws", else "ubuntu-generic";
 *                  amzn: VERSION_ID 2 -> amazonlinux2, else amazonlinux;
 *                  kernel version: sed 's/#\([[:digit:]]\+\).*\/\1/' on uname -v
 *     0.32.1       flatcar names its kernel release after os-release VERSION_ID (#2043)
 *     0.32.2       the bpf probe URL gets the <arch>/ directory too (#2142; the module's
 *                  got it in 0.32.1, #2057): 2.0.0+driver is per-arch
 *     0.33.0       ubuntu flavour from uname -r by -([a-zA-Z]+)(-.*)?$, keeping the tail (#2178)
 *     0.34.0       bottlerocket: kernel version 1_<VERSION_ID>-<VARIANT_ID up to '-'> (#2318)
 *     0.35         amzn 2022/2023 (#2494), talos: kernel version 1_<VERSION_ID> (#2537),
 *                  debian: release rebuilt from uname -v (#2377);
 *     0.35.1       rt/cloud flavour kept on that release (#2627), ubuntu flavour reduced to
 *                  the word and HWE kernel versions such as 26~22.04.1 kept (#2635)
 * - falcosecurity/falcoctl pkg/driver/distro/{generic,debian,ubuntu,amzn,flatcar,bottlerocket,
 *   talos,cos}.go and pkg/driver/kernel (Falco 0.37 and later), which keep the 0.35.1 rules.
 *   Known, deliberately not modelled: falcoctl always names a rewritten Debian release with
 *   kernel version "1" (the bash loader keeps the '#<n>', which is 1 for every Debian build),
 *   and the falcoctl bundled with Falco 0.37.0 had since-fixed kernel-version bugs (falcoctl
 *   #364, #427). Minikube is not modelled: its loader rule reads /etc/VERSION, not os-release.
 *   Falco 0.35.0 itself (before #2627/#2635) is not modelled either; "0.35" means 0.35.1.
 *   COS releases ("6.6.72+") are named as printed: falcoctl lost the '+' until driverkit
 *   0.20.3 (falcoctl#632, falco#3278), the bash loaders never did. */
#include "falconame.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum ubuntu_rule {
	UBUNTU_AWS_OR_GENERIC, /* <= 0.32 */
	UBUNTU_FLAVOUR_TAIL,   /* 0.33, 0.34: "aws-5.0" */
	UBUNTU_FLAVOUR_WORD,   /* >= 0.35: "aws" */
};

struct ruleset {
	const char *name;
	enum ubuntu_rule ubuntu;
	bool flatcar, bottlerocket, amzn_2022_2023, talos, debian_rewrite, ubuntu_hwe_version;
};

/* Ordered oldest first; the last is the newest. */
static const struct ruleset rulesets[] = {
	{ "0.28", UBUNTU_AWS_OR_GENERIC, false, false, false, false, false, false },
	{ "0.32", UBUNTU_AWS_OR_GENERIC, true, false, false, false, false, false },
	{ "0.33", UBUNTU_FLAVOUR_TAIL, true, false, false, false, false, false },
	{ "0.34", UBUNTU_FLAVOUR_TAIL, true, true, false, false, false, false },
	{ "0.35", UBUNTU_FLAVOUR_WORD, true, true, true, true, true, true },
};
#define NRULESETS (sizeof rulesets / sizeof rulesets[0])
#define NEWEST_RULES (rulesets[NRULESETS - 1].name)

/* The driver versions Falco releases shipped (from Falco's build files, per BRIEF.md) and the
 * loader that asks for them; plus Debian's falcosecurity-scap-dkms, a libs snapshot of
 * 2022-03-16 (between Falco 0.31.1 and 0.32.0, so named by 0.28-era rules), which we publish
 * per-arch like every newer version. */
static const struct {
	const char *driver_version, *rules;
	enum falconame_layout layout;
} known_drivers[] = {
	{ "5c0b863ddade7a45568c0ac97d037422c9efb750", "0.28", FALCONAME_LAYOUT_FLAT }, /* 0.28.1 */
	{ "17f5df52a7d9ed6bb12d3b1768460def8439936d", "0.28", FALCONAME_LAYOUT_FLAT }, /* 0.29.1 */
	{ "3aa7a83bf7b9e6229a3824e3fd1f4452d1e95cb4", "0.28", FALCONAME_LAYOUT_FLAT }, /* 0.30.0 */
	{ "319368f1ad778691164d33d59945e00c5752cd27", "0.28", FALCONAME_LAYOUT_FLAT }, /* 0.31.0 */
	{ "b7eb0dd65226a8dc254d228c8d950d07bf3521d2", "0.28", FALCONAME_LAYOUT_FLAT }, /* 0.31.1 */
	{ "39ae7d40496793cf3d3e7890c9bbdc202263836b", "0.28", FALCONAME_LAYOUT_FLAT }, /* 0.32.0 */
	{ "2.0.0+driver", "0.32", FALCONAME_LAYOUT_ARCH },                              /* 0.32.2 */
	{ "3.0.1+driver", "0.33", FALCONAME_LAYOUT_ARCH },                              /* 0.33.1 */
	{ "4.0.0+driver", "0.34", FALCONAME_LAYOUT_ARCH },                              /* 0.34.1 */
	{ "5.0.1+driver", "0.35", FALCONAME_LAYOUT_ARCH },                              /* 0.35.1 */
	{ "6.0.1+driver", "0.35", FALCONAME_LAYOUT_ARCH },                              /* 0.36.2 */
	{ "7.0.0+driver", "0.35", FALCONAME_LAYOUT_ARCH },                              /* 0.37.1 */
	{ "7.2.1+driver", "0.35", FALCONAME_LAYOUT_ARCH },                              /* 0.38.2 */
	{ "7.3.0+driver", "0.35", FALCONAME_LAYOUT_ARCH },                              /* 0.39.2 */
	{ "0.1.1dev+git20220316.e5c53d64", "0.28", FALCONAME_LAYOUT_ARCH },             /* Debian dkms */
};

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static bool is_commit(const char *s)
{
	size_t n = strspn(s, "0123456789abcdef");
	return n == 40 && !s[n];
}

static int known_driver(const char *dv)
{
	if (!dv)
		return -1;
	for (size_t i = 0; i < sizeof known_drivers / sizeof known_drivers[0]; i++)
		if (!strcmp(known_drivers[i].driver_version, dv))
			return (int)i;
	return -1;
}

const char *falconame_default_rules(const char *driver_version)
{
	int k = known_driver(driver_version);
	if (k >= 0)
		return known_drivers[k].rules;
	/* An unknown commit is an old-style version, asked for by an old loader; anything else
	 * (an unknown X.Y.Z+driver tag, a local build) by a current one. */
	if (driver_version && is_commit(driver_version))
		return "0.28";
	return NEWEST_RULES;
}

int falconame_default_layout(const char *driver_version)
{
	int k = known_driver(driver_version);
	if (k >= 0)
		return known_drivers[k].layout;
	if (driver_version && is_commit(driver_version))
		return FALCONAME_LAYOUT_FLAT;
	return FALCONAME_LAYOUT_ARCH;
}

const char *falconame_rules_names(void)
{
	return "0.28 0.32 0.33 0.34 0.35";
}

static const struct ruleset *find_rules(const char *name)
{
	for (size_t i = 0; i < NRULESETS; i++)
		if (!strcmp(rulesets[i].name, name))
			return &rulesets[i];
	return NULL;
}

/* ---- os-release ---- */

/* One value as os-release(5) allows it: unquoted, or in single or double quotes with the
 * shell's backslash escapes inside double quotes (loaders source the file with bash). */
static bool unquote(const char *v, char *out, size_t outlen)
{
	size_t o = 0;
	char quote = 0;
	for (; *v; v++) {
		char c = *v;
		if (!quote && (c == '"' || c == '\'')) {
			quote = c;
			continue;
		}
		if (quote && c == quote) {
			quote = 0;
			continue;
		}
		if (!quote && (c == ' ' || c == '\t' || c == '\r'))
			break; /* trailing blanks or a comment */
		/* A backslash escapes the next character, except inside single quotes and,
		 * inside double quotes, before anything but " \ $ ` (then it stays). */
		if (c == '\\' && v[1] && quote != '\'' && (!quote || strchr("\"\\$`", v[1])))
			c = *++v;
		if (o + 1 >= outlen)
			return false;
		out[o++] = c;
	}
	out[o] = 0;
	return true;
}

int falconame_read_os_release(const char *path, struct falconame_host *host, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct {
		const char *key;
		char *dst;
		size_t len;
	} keys[] = {
		{ "ID", host->id, sizeof host->id },
		{ "VERSION_ID", host->version_id, sizeof host->version_id },
		{ "BUILD_ID", host->build_id, sizeof host->build_id },
		{ "VARIANT_ID", host->variant_id, sizeof host->variant_id },
	};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		keys[k].dst[0] = 0;
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		const char *p = line + strspn(line, " \t");
		if (!*p || *p == '#')
			continue;
		const char *eq = strchr(p, '=');
		if (!eq)
			continue;
		for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			size_t n = strlen(keys[k].key);
			if ((size_t)(eq - p) != n || strncmp(p, keys[k].key, n))
				continue;
			if (!unquote(eq + 1, keys[k].dst, keys[k].len)) {
				seterr(err, errlen, "%s:%ld: %s is longer than %zu characters", path, lineno,
				       keys[k].key, keys[k].len - 1);
				rc = -1;
			}
		}
		if (rc)
			break;
	}
	if (!rc && ferror(f)) {
		seterr(err, errlen, "%s: read error", path);
		rc = -1;
	}
	free(line);
	fclose(f);
	if (!rc && !host->id[0]) {
		seterr(err, errlen, "%s: no ID= line, so no loader could name this host", path);
		rc = -1;
	}
	return rc;
}

/* ---- kernel headers ---- */

/* The string of `#define NAME "..."` in a generated header; 1 found, 0 absent, -1 error. */
static int read_define(const char *path, const char *name, char *out, size_t outlen, char *err,
		       size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	size_t n = strlen(name);
	while (!found && getline(&line, &cap, f) >= 0) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, "#define", 7))
			continue;
		p += 7;
		p += strspn(p, " \t");
		if (strncmp(p, name, n) || (p[n] != ' ' && p[n] != '\t'))
			continue;
		p += n;
		p += strspn(p, " \t");
		char *end = *p == '"' ? strchr(p + 1, '"') : NULL;
		if (!end) {
			seterr(err, errlen, "%s: %s is not a quoted string", path, name);
			found = -1;
			break;
		}
		if ((size_t)(end - p - 1) >= outlen) {
			seterr(err, errlen, "%s: %s is longer than %zu characters", path, name, outlen - 1);
			found = -1;
			break;
		}
		memcpy(out, p + 1, (size_t)(end - p - 1));
		out[end - p - 1] = 0;
		found = 1;
	}
	free(line);
	fclose(f);
	return found;
}

int falconame_read_uts(const char *kdir, struct falconame_host *host, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/include/generated/utsrelease.h", kdir);
	int r = read_define(path, "UTS_RELEASE", host->uname_r, sizeof host->uname_r, err, errlen);
	if (r < 0)
		return -1;
	if (r == 0) {
		if (access(path, F_OK) != 0)
			seterr(err, errlen, "%s: no such file (is %s a prepared kernel build tree?)", path, kdir);
		else
			seterr(err, errlen, "%s: no #define UTS_RELEASE", path);
		return -1;
	}
	/* Kernels since 5.19 keep UTS_VERSION in utsversion.h; older ones in compile.h. */
	snprintf(path, sizeof path, "%s/include/generated/utsversion.h", kdir);
	r = read_define(path, "UTS_VERSION", host->uname_v, sizeof host->uname_v, err, errlen);
	if (r == 0) {
		snprintf(path, sizeof path, "%s/include/generated/compile.h", kdir);
		r = read_define(path, "UTS_VERSION", host->uname_v, sizeof host->uname_v, err, errlen);
		if (r == 0)
			seterr(err, errlen, "%s/include/generated: neither utsversion.h nor compile.h defines UTS_VERSION",
			       kdir);
	}
	return r == 1 ? 0 : -1;
}

/* ---- the rules ---- */

static bool has_prefix(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

/* Leftmost match of -([a-zA-Z]+)(-.*)?$ ; POSIX and Go engines agree on this pattern. */
static bool ubuntu_flavour(const char *release, const char **word, size_t *wordlen, const char **tail)
{
	for (const char *p = release; (p = strchr(p, '-')); p++) {
		const char *w = p + 1, *e = w;
		while (isalpha((unsigned char)*e))
			e++;
		if (e == w || (*e && *e != '-'))
			continue;
		*word = w;
		*wordlen = (size_t)(e - w);
		*tail = e;
		return true;
	}
	return false;
}

/* Leftmost match of -?(rt-|cloud-|)(amd64|arm64) in a Debian release: the flavour to keep. */
static bool debian_arch_extra(const char *release, char *out, size_t outlen)
{
	static const char *const flavours[] = { "rt-", "cloud-", "" };
	for (const char *p = release; *p; p++) {
		const char *q = *p == '-' ? p + 1 : p;
		for (size_t f = 0; f < 3; f++) {
			if (!has_prefix(q, flavours[f]))
				continue;
			const char *a = q + strlen(flavours[f]);
			if (has_prefix(a, "amd64") || has_prefix(a, "arm64")) {
				snprintf(out, outlen, "-%s%.5s", flavours[f], a);
				return true;
			}
		}
	}
	return false;
}

/* Leftmost match of [0-9]+\.[0-9]+\.[0-9]+-[0-9]+ (Debian's upstream version and ABI
 * revision, e.g. "6.1.176-1" in "... Debian 6.1.176-1 (2026-07-02)"). */
static bool debian_version(const char *v, const char **start, size_t *len)
{
	for (const char *p = v; *p; p++) {
		if (!isdigit((unsigned char)*p) || (p > v && isdigit((unsigned char)p[-1])))
			continue;
		const char *q = p;
		bool ok = true;
		for (int part = 0; part < 4 && ok; part++) {
			const char *d = q;
			while (isdigit((unsigned char)*q))
				q++;
			ok = q > d && (part == 3 || *q++ == (part == 2 ? '-' : '.'));
		}
		if (ok) {
			*start = p;
			*len = (size_t)(q - p);
			return true;
		}
	}
	return false;
}

/* A name component ends up in a file name and a URL path: no '/', no blanks or controls. */
static bool clean_component(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == '\\' || (unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int falconame_compute(const struct falconame_host *host, const struct falconame_opts *opts,
		      struct falconame_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *dv = opts->driver_version && *opts->driver_version ? opts->driver_version : NULL;
	const char *rules_name = opts->rules && *opts->rules ? opts->rules : falconame_default_rules(dv);
	const struct ruleset *rs = find_rules(rules_name);
	if (!rs) {
		seterr(err, errlen, "unknown rule set '%s' (known: %s)", rules_name, falconame_rules_names());
		return -1;
	}
	int layout = opts->layout >= 0 ? opts->layout : falconame_default_layout(dv);
	if (layout != FALCONAME_LAYOUT_FLAT && layout != FALCONAME_LAYOUT_ARCH) {
		seterr(err, errlen, "unknown layout %d", layout);
		return -1;
	}
	snprintf(out->rules, sizeof out->rules, "%s", rs->name);
	out->layout = layout;

	if (!host->uname_r[0]) {
		seterr(err, errlen, "empty uname -r");
		return -1;
	}
	/* KERNEL_VERSION: the number after the leading '#'. The loaders' sed keeps any text before
	 * the '#' and passes a version without one through whole; a kernel always prints
	 * "#<n> ...", so anything else is refused rather than named. */
	const char *v = host->uname_v;
	if (v[0] != '#' || !isdigit((unsigned char)v[1])) {
		seterr(err, errlen, "uname -v '%s' does not begin with '#<number>'", v);
		return -1;
	}
	size_t nd = strspn(v + 1, "0123456789");
	char kversion[sizeof out->kernel_version];
	if (nd >= sizeof kversion) {
		seterr(err, errlen, "uname -v '%s': build number too long", v);
		return -1;
	}
	memcpy(kversion, v + 1, nd);
	kversion[nd] = 0;
	char krelease[sizeof out->kernel_release];
	snprintf(krelease, sizeof krelease, "%s", host->uname_r);

	char id[sizeof host->id];
	snprintf(id, sizeof id, "%s", host->id);
	lower(id);
	char target[sizeof out->target_id];
	int tn = 0;

	if (!id[0]) {
		seterr(err, errlen, "os-release has no ID");
		return -1;
	} else if (!strcmp(id, "amzn")) {
		const char *vid = host->version_id;
		if (!strcmp(vid, "2"))
			tn = snprintf(target, sizeof target, "amazonlinux2");
		else if (rs->amzn_2022_2023 && (!strcmp(vid, "2022") || !strcmp(vid, "2023")))
			tn = snprintf(target, sizeof target, "amazonlinux%s", vid);
		else
			tn = snprintf(target, sizeof target, "amazonlinux");
	} else if (!strcmp(id, "ubuntu")) {
		const char *word, *tail;
		size_t wlen;
		if (rs->ubuntu == UBUNTU_AWS_OR_GENERIC)
			tn = snprintf(target, sizeof target, "ubuntu-%s",
				      strstr(host->uname_r, "aws") ? "aws" : "generic");
		else if (!ubuntu_flavour(host->uname_r, &word, &wlen, &tail))
			tn = snprintf(target, sizeof target, "ubuntu-generic");
		else
			tn = snprintf(target, sizeof target, "ubuntu-%.*s%s", (int)wlen, word,
				      rs->ubuntu == UBUNTU_FLAVOUR_TAIL ? tail : "");
		/* HWE kernels print "#26~22.04.1-Ubuntu SMP ...": newer loaders keep "26~22.04.1"
		 * (everything after '#' up to '-', '\' or ' '). */
		const char *tilde = v + 1 + nd;
		if (rs->ubuntu_hwe_version && *tilde == '~') {
			const char *dash = strchr(tilde, '-');
			if (dash && has_prefix(dash, "-Ubuntu ")) {
				size_t n = strcspn(v + 1, "-\\ ");
				if (n >= sizeof kversion) {
					seterr(err, errlen, "uname -v '%s': version too long", v);
					return -1;
				}
				memcpy(kversion, v + 1, n);
				kversion[n] = 0;
			}
		}
	} else if (!strcmp(id, "debian") && rs->debian_rewrite) {
		/* The release names the ABI (6.1.0-50-amd64); the loader names the real upstream
		 * version from uname -v and keeps the flavour: 6.1.176-1-amd64. */
		tn = snprintf(target, sizeof target, "debian");
		const char *dvs;
		size_t dvl;
		char extra[16] = "";
		debian_arch_extra(host->uname_r, extra, sizeof extra);
		if (debian_version(v, &dvs, &dvl) &&
		    snprintf(krelease, sizeof krelease, "%.*s%s", (int)dvl, dvs, extra) >= (int)sizeof krelease) {
			seterr(err, errlen, "uname -v '%s': release too long", v);
			return -1;
		}
	} else if (!strcmp(id, "flatcar") && rs->flatcar) {
		/* Flatcar kernels are found by OS version, not the other way round. */
		if (!host->version_id[0]) {
			seterr(err, errlen, "flatcar os-release has no VERSION_ID");
			return -1;
		}
		tn = snprintf(target, sizeof target, "flatcar");
		snprintf(krelease, sizeof krelease, "%s", host->version_id);
	} else if (!strcmp(id, "bottlerocket") && rs->bottlerocket) {
		tn = snprintf(target, sizeof target, "bottlerocket");
		int n = snprintf(kversion, sizeof kversion, "1_%s-%.*s", host->version_id,
				 (int)strcspn(host->variant_id, "-"), host->variant_id);
		if (n >= (int)sizeof kversion) {
			seterr(err, errlen, "bottlerocket VERSION_ID/VARIANT_ID too long");
			return -1;
		}
	} else if (!strcmp(id, "talos") && rs->talos) {
		tn = snprintf(target, sizeof target, "talos");
		if (snprintf(kversion, sizeof kversion, "1_%s", host->version_id) >= (int)sizeof kversion) {
			seterr(err, errlen, "talos VERSION_ID too long");
			return -1;
		}
	} else {
		tn = snprintf(target, sizeof target, "%s", id);
	}
	if (tn < 0 || tn >= (int)sizeof target) {
		seterr(err, errlen, "target id too long");
		return -1;
	}

	const struct {
		const char *what, *value;
	} parts[] = { { "target id", target }, { "kernel release", krelease }, { "kernel version", kversion } };
	for (size_t i = 0; i < 3; i++)
		if (!clean_component(parts[i].value)) {
			seterr(err, errlen, "%s '%s' cannot be part of a file name", parts[i].what, parts[i].value);
			return -1;
		}
	snprintf(out->target_id, sizeof out->target_id, "%s", target);
	snprintf(out->kernel_release, sizeof out->kernel_release, "%s", krelease);
	snprintf(out->kernel_version, sizeof out->kernel_version, "%s", kversion);
	int n = snprintf(out->file_name, sizeof out->file_name, "falco_%s_%s_%s.%s", target, krelease, kversion,
			 opts->kind == FALCONAME_KMOD ? "ko" : "o");
	if (n < 0 || n >= (int)sizeof out->file_name) {
		seterr(err, errlen, "file name too long");
		return -1;
	}
	if (!dv)
		return 0; /* no driver version: no repository path */
	if (!clean_component(dv)) {
		seterr(err, errlen, "driver version '%s' cannot be a directory name", dv);
		return -1;
	}
	if (layout == FALCONAME_LAYOUT_ARCH) {
		if (!clean_component(host->uname_m)) {
			seterr(err, errlen, "uname -m '%s' cannot be a directory name", host->uname_m);
			return -1;
		}
		n = snprintf(out->repo_path, sizeof out->repo_path, "%s/%s/%s", dv, host->uname_m, out->file_name);
	} else {
		n = snprintf(out->repo_path, sizeof out->repo_path, "%s/%s", dv, out->file_name);
	}
	if (n < 0 || n >= (int)sizeof out->repo_path) {
		seterr(err, errlen, "repository path too long");
		return -1;
	}
	return 0;
}

int falconame_url(const char *drivers_repo, const struct falconame_result *name, char *out, size_t outlen)
{
	/* The bash loaders encode every '+' of the URL (sed s/+/%2B/g); falcoctl escapes the
	 * driver version. Encoding each '+' of the path serves both. */
	size_t base = strlen(drivers_repo);
	while (base && drivers_repo[base - 1] == '/')
		base--;
	int n = snprintf(out, outlen, "%.*s/", (int)base, drivers_repo);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	size_t o = (size_t)n;
	for (const char *p = name->repo_path; *p; p++) {
		const char *piece = *p == '+' ? "%2B" : NULL;
		size_t len = piece ? 3 : 1;
		if (o + len >= outlen)
			return -1;
		if (piece)
			memcpy(out + o, piece, 3);
		else
			out[o] = *p;
		o += len;
	}
	out[o] = 0;
	return 0;
}
