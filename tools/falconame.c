/* Falco's releases and their driver naming (see falconame.h).
 *
 * Where each fact comes from (checked against upstream at each tag, not copied):
 * - The releases: cmake/modules/driver.cmake (falcosecurity-libs.cmake, sysdig.cmake before
 *   0.32.1) gives DRIVER_VERSION; cmake/modules/falcoctl.cmake the falcoctl bundled from 0.37.
 *   libs 10.2.0+driver (Falco 0.44) has no driver/bpf and falcoctl 0.13 no ebpf type: 0.44 asks
 *   for kernel modules only. A release's driver source is pinned by content: the SHA-256 of the
 *   "<sha256>  <path>" lines (sha256sum's format, LC_ALL=C order) of the regular files under
 *   driver/ (less driver/modern_bpf/, which neither per-kernel driver uses and some archives
 *   lack) and cmake/modules/ of the libs tree at DRIVER_VERSION.
 * - Naming by the bash loader, scripts/falco-driver-loader, 0.28.0-0.36.2:
 *     0.28-0.32.0  flat layout for both kinds; ubuntu: "ubuntu-aws" when uname -r contains
 *                  "aws", else "ubuntu-generic"; amzn: VERSION_ID 2 -> amazonlinux2, else
 *                  amazonlinux; kernel version: the digits after '#' in uname -v; IDs matched
 *                  as written, any other lowercased
 *     0.32.1       flatcar names its kernel release after VERSION_ID; the kernel module moves
 *                  to <driver version>/<arch>/, the probe stays flat (per-arch from 0.32.2)
 *     0.33.0       ubuntu flavour from uname -r by -([a-zA-Z]+)(-.*)?$, tail kept; minikube
 *                  (/etc/VERSION): kernel version 1_<x.y.z>
 *     0.34.0       bottlerocket: kernel version 1_<VERSION_ID>-<VARIANT_ID up to '-'>
 *     0.35.0       amzn 2022/2023, talos (kernel version 1_<VERSION_ID>); debian: release
 *                  rebuilt from uname -v (<x.y.z-n> of its package version) keeping only
 *                  -amd64/-arm64, so cloud and rt hosts ask for the plain flavour's name
 *     0.35.1       debian keeps -rt-/-cloud-; ubuntu flavour reduced to the word; HWE kernel
 *                  versions (#26~22.04.1-Ubuntu) kept as 26~22.04.1
 * - Naming by falcoctl (Falco 0.37 and later), pkg/driver/distro/<distro>.go at each bundled version,
 *   with driverkit's kernel release parser (pkg/kernelrelease) of its go.mod:
 *     0.37.0  falcoctl 0.7.1: IDs lowercased; ubuntu kernel version is the text after '#' up to
 *             a space, less "-Ubuntu" (#47.1-Ubuntu -> 47.1); debian kernel version "1" when
 *             the release is rebuilt; a release the parser rejects (COS's 6.6.72+) is empty,
 *             so every such host asks for falco_<id>__<n>: unservable; generic kernel version:
 *             the text after '#' up to a space
 *     0.37.1  falcoctl 0.7.2: generic kernel version: the digits of #(\d+)
 *     0.38    falcoctl 0.8, 0.9: a kind is asked for only when falcoctl would pick it: the probe
 *             for releases >= 4.14 (x86_64) / 4.17 (aarch64), the module >= 2.6 / 3.16, never
 *             the module on COS nor on Oracle's UEK; a release the parser rejects asks for
 *             nothing
 *     0.39    falcoctl 0.10-0.12: the parser takes X.Y.Z+ (COS asks for falco_cos_6.6.72+_1.o)
 *     0.44    falcoctl 0.13: the module from 3.10 on x86_64; the parser takes X and X.Y
 *   falcoctl escapes only the driver version in the URL (a '+' of the file name goes raw); the
 *   bash loaders encode every '+'. */
#include "falconame.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FLAT FALCONAME_LAYOUT_FLAT
#define ARCH FALCONAME_LAYOUT_ARCH

/* Content hashes of the libs trees (see above). */
#define T_5C0B "5a35430ee0f91c0eb3380b6d9db8a716414682b5e1ae9734eabc40832d109c73"
#define T_17F5 "631b4487877fa3f7bace2779d1b865c35fb781b1d37d8273fa7a9b36b0849e07"
#define T_3AA7 "4618d7012980928319b6a31cfa13d0d155da64e52fea933abc5859a2fc647179"
#define T_3193 "bd6ac9401a8abf7e3a6d68c2bfa5674605dd9e11580c88cfc472dd2bc9388b29"
#define T_B7EB "ee313e65e9faf14cb5d4bd939c484c845df999121abda5973b0f308960a8d1c7"
#define T_39AE "22572749f3b70ed903cbdec5a9f00f0a9620caaf6a6084e35300b1bb5fc840b1"
#define T_200 "e71feba3126a313a01b1d25c7fa8ac4e27a9170d6f7286be747b8dc2f2f19282"
#define T_301 "7b17181cc92cd1dcee2da6f05ce60f7477a9fe9436d37c6a822db0ea36e53db7"
#define T_400 "eacf77149419e4ed2ce080f01573ec2fd4ea70af53791fed90c3f7db621cf652"
#define T_501 "9347c859e8d8f8af6520f3e1304a6531023a80b96bb8aa9d02bbbf13778f0871"
#define T_601 "095875beee88f67a4db93a8245903cdf36106b625d48e26ab6b75c3cbbd66850"
#define T_700 "ea36cf898cce34cc0a02374c2227cb1cbd9c92aa40e0490cbbc00f55e0a10a40"
#define T_720 "e2092c5f7c1ffc88c5bcafaac59cc5aeab28851d912a62fc90a1d6ed64b72f0e"
#define T_721 "04e4961dca20634fb9ffac9b1be54bb58feaf2a72e3f1c52b8a80ba5076f3119"
#define T_730 "a3cd5240d6e4c77f22c877c26d1f3b78321b77a63a3066493498bbd710166858"
#define T_800 "4ea56318c393795e32ce1c95618b0d2d5795e479e35e046e352417a45784bce5"
#define T_810 "a7b241b2007b423636b6da98268d114b96b60b6d97d0a5b3382c26fdaa68c621"
#define T_900 "391d6761575afd63cbc38b08fc3e400b003bf2cca68b498660dae2471b29586b"
#define T_910 "9432c1c551d0b693f369bdae3ed479a397c04c449364ed5cb1d9b0780e713369"
#define T_1020 "3970f56a02d02944bd35cd74b305c23ed0fe42aa4e9a70e188e45fa7034878cb"

#define BASH "falco-driver-loader"
#define BOTH { true, true }
#define KMOD_ONLY { false, true }

static const struct falconame_release releases[] = {
	{ "0.28.0", "5c0b863ddade7a45568c0ac97d037422c9efb750", BASH, "0.28", { FLAT, FLAT }, BOTH, T_5C0B },
	{ "0.28.1", "5c0b863ddade7a45568c0ac97d037422c9efb750", BASH, "0.28", { FLAT, FLAT }, BOTH, T_5C0B },
	{ "0.29.0", "17f5df52a7d9ed6bb12d3b1768460def8439936d", BASH, "0.28", { FLAT, FLAT }, BOTH, T_17F5 },
	{ "0.29.1", "17f5df52a7d9ed6bb12d3b1768460def8439936d", BASH, "0.28", { FLAT, FLAT }, BOTH, T_17F5 },
	{ "0.30.0", "3aa7a83bf7b9e6229a3824e3fd1f4452d1e95cb4", BASH, "0.28", { FLAT, FLAT }, BOTH, T_3AA7 },
	{ "0.31.0", "319368f1ad778691164d33d59945e00c5752cd27", BASH, "0.28", { FLAT, FLAT }, BOTH, T_3193 },
	{ "0.31.1", "b7eb0dd65226a8dc254d228c8d950d07bf3521d2", BASH, "0.28", { FLAT, FLAT }, BOTH, T_B7EB },
	{ "0.32.0", "39ae7d40496793cf3d3e7890c9bbdc202263836b", BASH, "0.28", { FLAT, FLAT }, BOTH, T_39AE },
	{ "0.32.1", "2.0.0+driver", BASH, "0.32", { FLAT, ARCH }, BOTH, T_200 },
	{ "0.32.2", "2.0.0+driver", BASH, "0.32", { ARCH, ARCH }, BOTH, T_200 },
	{ "0.33.0", "3.0.1+driver", BASH, "0.33", { ARCH, ARCH }, BOTH, T_301 },
	{ "0.33.1", "3.0.1+driver", BASH, "0.33", { ARCH, ARCH }, BOTH, T_301 },
	{ "0.34.0", "4.0.0+driver", BASH, "0.34", { ARCH, ARCH }, BOTH, T_400 },
	{ "0.34.1", "4.0.0+driver", BASH, "0.34", { ARCH, ARCH }, BOTH, T_400 },
	{ "0.35.0", "5.0.1+driver", BASH, "0.35.0", { ARCH, ARCH }, BOTH, T_501 },
	{ "0.35.1", "5.0.1+driver", BASH, "0.35.1", { ARCH, ARCH }, BOTH, T_501 },
	{ "0.36.0", "6.0.1+driver", BASH, "0.35.1", { ARCH, ARCH }, BOTH, T_601 },
	{ "0.36.1", "6.0.1+driver", BASH, "0.35.1", { ARCH, ARCH }, BOTH, T_601 },
	{ "0.36.2", "6.0.1+driver", BASH, "0.35.1", { ARCH, ARCH }, BOTH, T_601 },
	{ "0.37.0", "7.0.0+driver", "falcoctl 0.7.1", "0.37", { ARCH, ARCH }, BOTH, T_700 },
	{ "0.37.1", "7.0.0+driver", "falcoctl 0.7.2", "0.37.1", { ARCH, ARCH }, BOTH, T_700 },
	{ "0.38.0", "7.2.0+driver", "falcoctl 0.8.0", "0.38", { ARCH, ARCH }, BOTH, T_720 },
	{ "0.38.1", "7.2.0+driver", "falcoctl 0.8.0", "0.38", { ARCH, ARCH }, BOTH, T_720 },
	{ "0.38.2", "7.2.1+driver", "falcoctl 0.9.0", "0.38", { ARCH, ARCH }, BOTH, T_721 },
	{ "0.39.0", "7.3.0+driver", "falcoctl 0.10.0", "0.39", { ARCH, ARCH }, BOTH, T_730 },
	{ "0.39.1", "7.3.0+driver", "falcoctl 0.10.0", "0.39", { ARCH, ARCH }, BOTH, T_730 },
	{ "0.39.2", "7.3.0+driver", "falcoctl 0.10.1", "0.39", { ARCH, ARCH }, BOTH, T_730 },
	{ "0.40.0", "8.0.0+driver", "falcoctl 0.11.0", "0.39", { ARCH, ARCH }, BOTH, T_800 },
	{ "0.41.0", "8.1.0+driver", "falcoctl 0.11.2", "0.39", { ARCH, ARCH }, BOTH, T_810 },
	{ "0.41.1", "8.1.0+driver", "falcoctl 0.11.2", "0.39", { ARCH, ARCH }, BOTH, T_810 },
	{ "0.41.2", "8.1.0+driver", "falcoctl 0.11.2", "0.39", { ARCH, ARCH }, BOTH, T_810 },
	{ "0.41.3", "8.1.0+driver", "falcoctl 0.11.2", "0.39", { ARCH, ARCH }, BOTH, T_810 },
	{ "0.42.0", "9.0.0+driver", "falcoctl 0.11.4", "0.39", { ARCH, ARCH }, BOTH, T_900 },
	{ "0.42.1", "9.0.0+driver", "falcoctl 0.11.4", "0.39", { ARCH, ARCH }, BOTH, T_900 },
	{ "0.43.0", "9.1.0+driver", "falcoctl 0.12.2", "0.39", { ARCH, ARCH }, BOTH, T_910 },
	{ "0.43.1", "9.1.0+driver", "falcoctl 0.12.2", "0.39", { ARCH, ARCH }, BOTH, T_910 },
	{ "0.44.0", "10.2.0+driver", "falcoctl 0.13.0", "0.44", { ARCH, ARCH }, KMOD_ONLY, T_1020 },
	{ "0.44.1", "10.2.0+driver", "falcoctl 0.13.0", "0.44", { ARCH, ARCH }, KMOD_ONLY, T_1020 },
};
#define NRELEASES (sizeof releases / sizeof releases[0])

/* Debian's falcosecurity-scap-dkms, a libs snapshot of 2022-03-16 (between Falco 0.31.1 and
 * 0.32.0) that no release asks for: named by the rules of its time, published per-arch. */
#define DEBIAN_DKMS "0.1.1dev+git20220316.e5c53d64"

enum loader { LOADER_BASH, LOADER_FALCOCTL };
enum ubuntu_target { U_AWS_OR_GENERIC, U_FLAVOUR_TAIL, U_FLAVOUR_WORD };
enum ubuntu_version { UV_DIGITS, UV_HWE, UV_FALCOCTL };
enum debian_rule { D_NONE, D_ARCH_ONLY, D_KEEP_FLAVOUR };
enum generic_version { GV_BASH, GV_FALCOCTL_071, GV_FALCOCTL };
/* driverkit's kernel release parser, by the driverkit version falcoctl builds with. */
enum release_parse { RP_NONE, RP_DK16, RP_DK19, RP_DK203, RP_DK231 };
enum kind_filter { KF_NONE, KF_038, KF_044 };

struct ruleset {
	const char *name;
	enum loader loader;
	enum ubuntu_target ubuntu;
	enum ubuntu_version uversion;
	enum debian_rule debian;
	bool flatcar, minikube, bottlerocket, amzn_2022_2023, talos;
	enum generic_version gversion;
	enum release_parse parse;
	enum kind_filter filter;
};

/* Oldest first; each is named after the first Falco release using it. */
static const struct ruleset rulesets[] = {
	{ "0.28", LOADER_BASH, U_AWS_OR_GENERIC, UV_DIGITS, D_NONE, false, false, false, false, false, GV_BASH, RP_NONE, KF_NONE },
	{ "0.32", LOADER_BASH, U_AWS_OR_GENERIC, UV_DIGITS, D_NONE, true, false, false, false, false, GV_BASH, RP_NONE, KF_NONE },
	{ "0.33", LOADER_BASH, U_FLAVOUR_TAIL, UV_DIGITS, D_NONE, true, true, false, false, false, GV_BASH, RP_NONE, KF_NONE },
	{ "0.34", LOADER_BASH, U_FLAVOUR_TAIL, UV_DIGITS, D_NONE, true, true, true, false, false, GV_BASH, RP_NONE, KF_NONE },
	{ "0.35.0", LOADER_BASH, U_FLAVOUR_TAIL, UV_DIGITS, D_ARCH_ONLY, true, true, true, true, true, GV_BASH, RP_NONE, KF_NONE },
	{ "0.35.1", LOADER_BASH, U_FLAVOUR_WORD, UV_HWE, D_KEEP_FLAVOUR, true, true, true, true, true, GV_BASH, RP_NONE, KF_NONE },
	{ "0.37", LOADER_FALCOCTL, U_FLAVOUR_WORD, UV_FALCOCTL, D_KEEP_FLAVOUR, true, true, true, true, true, GV_FALCOCTL_071, RP_DK16, KF_NONE },
	{ "0.37.1", LOADER_FALCOCTL, U_FLAVOUR_WORD, UV_FALCOCTL, D_KEEP_FLAVOUR, true, true, true, true, true, GV_FALCOCTL, RP_DK16, KF_NONE },
	{ "0.38", LOADER_FALCOCTL, U_FLAVOUR_WORD, UV_FALCOCTL, D_KEEP_FLAVOUR, true, true, true, true, true, GV_FALCOCTL, RP_DK19, KF_038 },
	{ "0.39", LOADER_FALCOCTL, U_FLAVOUR_WORD, UV_FALCOCTL, D_KEEP_FLAVOUR, true, true, true, true, true, GV_FALCOCTL, RP_DK203, KF_038 },
	{ "0.44", LOADER_FALCOCTL, U_FLAVOUR_WORD, UV_FALCOCTL, D_KEEP_FLAVOUR, true, true, true, true, true, GV_FALCOCTL, RP_DK231, KF_044 },
};
#define NRULESETS (sizeof rulesets / sizeof rulesets[0])

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
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

const struct falconame_release *falconame_releases(size_t *n)
{
	*n = NRELEASES;
	return releases;
}

const struct falconame_release *falconame_release(const char *version)
{
	for (size_t i = 0; version && i < NRELEASES; i++)
		if (!strcmp(releases[i].version, version))
			return &releases[i];
	return NULL;
}

const struct falconame_release *falconame_release_of(const char *dv, enum falconame_kind kind)
{
	for (size_t i = NRELEASES; dv && i-- > 0;)
		if (!strcmp(releases[i].driver_version, dv) && releases[i].kinds[kind])
			return &releases[i];
	return NULL;
}

const char *falconame_rules_names(void)
{
	return "0.28 0.32 0.33 0.34 0.35.0 0.35.1 (or 0.35) 0.37 0.37.1 0.38 0.39 0.44";
}

static const struct ruleset *find_rules(const char *name)
{
	if (!strcmp(name, "0.35"))
		name = "0.35.1";
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

/* The flavour a Debian release keeps: the leftmost -?(rt-|cloud-|)(amd64|arm64), or with
 * only_arch (Falco 0.35.0), the leftmost -(amd64|arm64). */
static bool debian_arch_extra(const char *release, bool only_arch, char *out, size_t outlen)
{
	static const char *const flavours[] = { "rt-", "cloud-", "" };
	for (const char *p = release; *p; p++) {
		if (only_arch) {
			if (*p == '-' && (has_prefix(p + 1, "amd64") || has_prefix(p + 1, "arm64"))) {
				snprintf(out, outlen, "-%.5s", p + 1);
				return true;
			}
			continue;
		}
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

/* The first <digits>.<digits>.<digits> of s (minikube's /etc/VERSION: v1.34.0-...). */
static bool semver3(const char *s, char *out, size_t outlen)
{
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		const char *q = p;
		int parts = 0;
		while (parts < 3) {
			const char *d = q;
			while (isdigit((unsigned char)*q))
				q++;
			if (q == d)
				break;
			parts++;
			if (parts < 3 && *q == '.')
				q++;
			else
				break;
		}
		if (parts == 3) {
			snprintf(out, outlen, "%.*s", (int)(q - p), p);
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

/* ---- driverkit's kernel release parser, as each falcoctl builds with it ---- */

/* The Go patterns of pkg/kernelrelease at driverkit v0.16.0 (falcoctl 0.7), v0.19.2 and v0.20.0
 * (0.8, 0.9), v0.20.3 to v0.22.1 (0.10-0.12) and v0.23.1 (0.13), in POSIX ERE: \d as [0-9],
 * named and non-capturing groups as plain ones. Anchored at both ends, so that whether a
 * release matches does not depend on the engine's choice among submatches. */
static const char *const release_patterns[] = {
	[RP_DK16] = "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)[.+]?(0|[1-9][0-9]*)?"
		    "([-.+](0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)([.+~](0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z_-]*))*)?"
		    "(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$",
	[RP_DK19] = "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)[.+]?(0|[1-9][0-9]*)?"
		    "([-.+]([0-9]+|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)([.+~]([0-9]+|[0-9]*[a-zA-Z-][0-9a-zA-Z_-]*))*)?"
		    "(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$",
	[RP_DK203] = "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)[.+]?(0|[1-9][0-9]*)?"
		     "([-.+]([0-9]+|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)?([.+~]([0-9]+|[0-9]*[a-zA-Z-][0-9a-zA-Z_-]*))*)?"
		     "(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$",
	[RP_DK231] = "^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*)[.+]?(0|[1-9][0-9]*)?)?"
		     "([-.+]([0-9]+|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)?([.+~]([0-9]+|[0-9]*[a-zA-Z-][0-9a-zA-Z_-]*))*)?"
		     "(\\+[0-9a-zA-Z-]+(\\.[0-9a-zA-Z-]+)*)?$",
};

/* A parsed release: its numbers, and where its extraversion starts (kr.FullExtraversion). */
struct kernel_release {
	bool parsed;
	unsigned long version, patchlevel, sublevel;
	const char *extraversion;
};

static int parse_release(const char *r, enum release_parse how, struct kernel_release *kr, char *err, size_t errlen)
{
	memset(kr, 0, sizeof *kr);
	regex_t re;
	int rc = regcomp(&re, release_patterns[how], REG_EXTENDED | REG_NOSUB);
	if (rc) {
		seterr(err, errlen, "cannot compile the kernel release pattern (%d)", rc);
		return -1;
	}
	kr->parsed = regexec(&re, r, 0, NULL, 0) == 0;
	regfree(&re);
	if (!kr->parsed)
		return 0;
	/* version[.patchlevel[[.+]sublevel]]: the digits at the front, as driverkit reads them. */
	char *end;
	kr->version = strtoul(r, &end, 10);
	if (*end == '.' && isdigit((unsigned char)end[1])) {
		kr->patchlevel = strtoul(end + 1, &end, 10);
		if ((*end == '.' || *end == '+') && isdigit((unsigned char)end[1]))
			kr->sublevel = strtoul(end + 1, &end, 10);
	}
	kr->extraversion = end;
	return 0;
}

static int version_cmp(const struct kernel_release *kr, unsigned long v, unsigned long p, unsigned long s)
{
	if (kr->version != v)
		return kr->version < v ? -1 : 1;
	if (kr->patchlevel != p)
		return kr->patchlevel < p ? -1 : 1;
	if (kr->sublevel != s)
		return kr->sublevel < s ? -1 : 1;
	return 0;
}

/* ---- naming ---- */

static int set_name(struct falconame_result *out, const char *target, const char *krelease,
		    const char *kversion, enum falconame_kind kind, const char *dv, const char *uname_m,
		    int layout, bool empty_release_ok, char *err, size_t errlen)
{
	const struct {
		const char *what, *value;
	} parts[] = { { "target id", target }, { "kernel release", krelease }, { "kernel version", kversion } };
	for (size_t i = 0; i < 3; i++)
		if (!(i == 1 && empty_release_ok && !*krelease) && !clean_component(parts[i].value)) {
			seterr(err, errlen, "%s '%s' cannot be part of a file name", parts[i].what, parts[i].value);
			return -1;
		}
	snprintf(out->target_id, sizeof out->target_id, "%s", target);
	snprintf(out->kernel_release, sizeof out->kernel_release, "%s", krelease);
	snprintf(out->kernel_version, sizeof out->kernel_version, "%s", kversion);
	int n = snprintf(out->file_name, sizeof out->file_name, "falco_%s_%s_%s.%s", target, krelease, kversion,
			 kind == FALCONAME_KMOD ? "ko" : "o");
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
		if (!clean_component(uname_m)) {
			seterr(err, errlen, "uname -m '%s' cannot be a directory name", uname_m);
			return -1;
		}
		n = snprintf(out->repo_path, sizeof out->repo_path, "%s/%s/%s", dv, uname_m, out->file_name);
	} else {
		n = snprintf(out->repo_path, sizeof out->repo_path, "%s/%s", dv, out->file_name);
	}
	if (n < 0 || n >= (int)sizeof out->repo_path) {
		seterr(err, errlen, "repository path too long");
		return -1;
	}
	return 0;
}

static int status(struct falconame_result *out, int st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int status(struct falconame_result *out, int st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(out->why, sizeof out->why, fmt, ap);
	va_end(ap);
	return st;
}

/* The bash loader (Falco 0.28.0 - 0.36.2). */
static int name_bash(const struct falconame_host *host, const struct ruleset *rs, enum falconame_kind kind,
		     const char *dv, int layout, struct falconame_result *out, char *err, size_t errlen)
{
	/* KERNEL_VERSION: sed 's/#\([[:digit:]]\+\).*\/\1/' on uname -v. It keeps any text before the
	 * '#' and passes a version without one through whole; a kernel always prints "#<n> ...",
	 * so anything else is refused rather than named. */
	const char *v = host->uname_v;
	if (v[0] != '#' || !isdigit((unsigned char)v[1])) {
		seterr(err, errlen, "uname -v '%s' does not begin with '#<number>'", v);
		return -1;
	}
	size_t nd = strspn(v + 1, "0123456789");
	char kversion[256], krelease[256], target[128];
	if (nd >= sizeof kversion) {
		seterr(err, errlen, "uname -v '%s': build number too long", v);
		return -1;
	}
	snprintf(kversion, sizeof kversion, "%.*s", (int)nd, v + 1);
	snprintf(krelease, sizeof krelease, "%s", host->uname_r);
	const char *id = host->id;
	int tn = 0;

	if (rs->minikube && host->etc_version[0]) {
		/* /etc/VERSION makes a host minikube, whatever its os-release says. */
		char semver[64];
		if (!semver3(host->etc_version, semver, sizeof semver)) {
			seterr(err, errlen, "/etc/VERSION '%s' has no version x.y.z", host->etc_version);
			return -1;
		}
		tn = snprintf(target, sizeof target, "minikube");
		snprintf(kversion, sizeof kversion, "1_%s", semver);
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
		if (rs->ubuntu == U_AWS_OR_GENERIC)
			tn = snprintf(target, sizeof target, "ubuntu-%s", strstr(host->uname_r, "aws") ? "aws" : "generic");
		else if (!ubuntu_flavour(host->uname_r, &word, &wlen, &tail))
			tn = snprintf(target, sizeof target, "ubuntu-generic");
		else
			tn = snprintf(target, sizeof target, "ubuntu-%.*s%s", (int)wlen, word,
				      rs->ubuntu == U_FLAVOUR_TAIL ? tail : "");
		/* HWE kernels print "#26~22.04.1-Ubuntu SMP ...": from 0.35.1 the loader keeps
		 * "26~22.04.1" (everything after '#' up to '-', '\' or ' '). */
		const char *tilde = v + 1 + nd;
		if (rs->uversion == UV_HWE && *tilde == '~') {
			const char *dash = strchr(tilde, '-');
			if (dash && has_prefix(dash, "-Ubuntu ")) {
				size_t n = strcspn(v + 1, "-\\ ");
				snprintf(kversion, sizeof kversion, "%.*s", (int)n, v + 1);
			}
		}
	} else if (!strcmp(id, "debian") && rs->debian != D_NONE) {
		/* The release names the ABI (6.1.0-50-amd64); the loader names the real upstream
		 * version from uname -v and keeps the flavour: 6.1.176-1-amd64. */
		tn = snprintf(target, sizeof target, "debian");
		const char *dvs;
		size_t dvl;
		char extra[16] = "";
		debian_arch_extra(host->uname_r, rs->debian == D_ARCH_ONLY, extra, sizeof extra);
		if (debian_version(v, &dvs, &dvl))
			snprintf(krelease, sizeof krelease, "%.*s%s", (int)dvl, dvs, extra);
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
		snprintf(kversion, sizeof kversion, "1_%s-%.*s", host->version_id, (int)strcspn(host->variant_id, "-"),
			 host->variant_id);
	} else if (!strcmp(id, "talos") && rs->talos) {
		tn = snprintf(target, sizeof target, "talos");
		snprintf(kversion, sizeof kversion, "1_%s", host->version_id);
	} else {
		tn = snprintf(target, sizeof target, "%s", id);
		lower(target);
	}
	if (tn < 0 || tn >= (int)sizeof target) {
		seterr(err, errlen, "target id too long");
		return -1;
	}
	return set_name(out, target, krelease, kversion, kind, dv, host->uname_m, layout, false, err, errlen) ? -1
													       : FALCONAME_NAMED;
}

/* falcoctl (Falco 0.37 and later). */
static int name_falcoctl(const struct falconame_host *host, const struct ruleset *rs, enum falconame_kind kind,
			 const char *dv, int layout, struct falconame_result *out, char *err, size_t errlen)
{
	char id[64];
	snprintf(id, sizeof id, "%s", host->id);
	lower(id);
	char semver[64] = "";
	if (host->etc_version[0] && semver3(host->etc_version, semver, sizeof semver))
		snprintf(id, sizeof id, "minikube");

	struct kernel_release kr;
	if (parse_release(host->uname_r, rs->parse, &kr, err, errlen) != 0)
		return -1;
	const char *krs = kr.parsed ? host->uname_r : ""; /* kr.String() */
	const char *extra = kr.parsed ? kr.extraversion : "";

	/* Which drivers falcoctl would pick for this host, from 0.8 (PreferredDriver). */
	if (rs->filter != KF_NONE) {
		bool arm = !strcmp(host->uname_m, "aarch64");
		if (kind == FALCONAME_KMOD && !strcmp(id, "cos"))
			return status(out, FALCONAME_NOT_ASKED, "falcoctl never picks the kernel module on COS");
		if (kind == FALCONAME_KMOD && !strcmp(id, "ol") && strstr(krs, "uek"))
			return status(out, FALCONAME_NOT_ASKED, "falcoctl never picks the kernel module on Oracle's UEK");
		if (!kr.parsed)
			return status(out, FALCONAME_UNSERVABLE,
				      "falcoctl cannot parse uname -r '%s' and asks for no driver", host->uname_r);
		bool supported = kind == FALCONAME_BPF ? version_cmp(&kr, 4, arm ? 17 : 14, 0) >= 0
				 : arm ? version_cmp(&kr, 3, 16, 0) >= 0
				 : rs->filter == KF_044 ? version_cmp(&kr, 3, 10, 0) >= 0
							: version_cmp(&kr, 2, 6, 0) >= 0;
		if (!supported)
			return status(out, FALCONAME_NOT_ASKED, "falcoctl does not pick the %s for kernel %lu.%lu.%lu",
				      kind == FALCONAME_KMOD ? "kernel module" : "eBPF probe", kr.version, kr.patchlevel,
				      kr.sublevel);
	}

	/* The generic kernel version: the digits of #(\d+), or (0.7.1) the text after '#' up to a
	 * space; uname -v as it is when neither applies. */
	const char *v = host->uname_v;
	char kversion[256], krelease[256], target[128];
	if (rs->gversion == GV_FALCOCTL_071) {
		const char *p = v + strspn(v, "#");
		snprintf(kversion, sizeof kversion, "%.*s", (int)strcspn(p, " "), p);
	} else {
		const char *hash = strchr(v, '#');
		while (hash && !isdigit((unsigned char)hash[1]))
			hash = strchr(hash + 1, '#');
		if (hash)
			snprintf(kversion, sizeof kversion, "%.*s", (int)strspn(hash + 1, "0123456789"), hash + 1);
		else
			snprintf(kversion, sizeof kversion, "%s", v);
	}
	snprintf(krelease, sizeof krelease, "%s", krs);

	if (!strcmp(id, "amzn")) {
		const char *vid = host->version_id;
		if (!vid[0])
			return status(out, FALCONAME_UNSERVABLE, "amzn os-release without VERSION_ID: falcoctl cannot name it");
		if (!strcmp(vid, "2") || !strcmp(vid, "2022") || !strcmp(vid, "2023"))
			snprintf(target, sizeof target, "amazonlinux%s", vid);
		else
			snprintf(target, sizeof target, "amazonlinux");
	} else if (!strcmp(id, "ubuntu")) {
		const char *word, *tail;
		size_t wlen;
		if (ubuntu_flavour(extra, &word, &wlen, &tail))
			snprintf(target, sizeof target, "ubuntu-%.*s", (int)wlen, word);
		else
			snprintf(target, sizeof target, "ubuntu-generic");
		/* The text after '#' up to a space, less "-Ubuntu": #47.1-Ubuntu -> 47.1. */
		const char *p = v + strspn(v, "#");
		size_t n = strcspn(p, " ");
		if (n >= 7 && !strncmp(p + n - 7, "-Ubuntu", 7))
			n -= 7;
		snprintf(kversion, sizeof kversion, "%.*s", (int)n, p);
	} else if (!strcmp(id, "debian")) {
		snprintf(target, sizeof target, "debian");
		const char *dvs;
		size_t dvl;
		char ex[16] = "";
		if (debian_version(v, &dvs, &dvl)) {
			debian_arch_extra(extra, false, ex, sizeof ex);
			snprintf(krelease, sizeof krelease, "%.*s%s", (int)dvl, dvs, ex);
			snprintf(kversion, sizeof kversion, "1");
		}
	} else if (!strcmp(id, "flatcar")) {
		snprintf(target, sizeof target, "flatcar");
		char sv[64];
		if (!semver3(host->version_id, sv, sizeof sv) || strcmp(sv, host->version_id))
			return status(out, FALCONAME_UNSERVABLE, "flatcar VERSION_ID '%s' is not a version falcoctl parses",
				      host->version_id);
		snprintf(krelease, sizeof krelease, "%s", host->version_id);
	} else if (!strcmp(id, "minikube")) {
		snprintf(target, sizeof target, "minikube");
		snprintf(kversion, sizeof kversion, "1_%s", semver);
	} else if (!strcmp(id, "bottlerocket")) {
		if (!host->version_id[0] || !host->variant_id[0])
			return status(out, FALCONAME_UNSERVABLE, "bottlerocket os-release without VERSION_ID or VARIANT_ID");
		snprintf(target, sizeof target, "bottlerocket");
		snprintf(kversion, sizeof kversion, "1_%s-%.*s", host->version_id, (int)strcspn(host->variant_id, "-"),
			 host->variant_id);
	} else if (!strcmp(id, "talos")) {
		snprintf(target, sizeof target, "talos");
		snprintf(kversion, sizeof kversion, "1_%s", host->version_id);
	} else if (!strcmp(id, "cos")) {
		if (!host->build_id[0])
			return status(out, FALCONAME_UNSERVABLE, "COS os-release without BUILD_ID: falcoctl cannot name it");
		snprintf(target, sizeof target, "cos");
	} else {
		snprintf(target, sizeof target, "%s", id);
	}
	if (!*krelease) {
		/* 0.37 names a release it cannot parse with an empty one: one name for every such
		 * host of this ID, which no single driver can serve. */
		if (set_name(out, target, "", kversion, kind, dv, host->uname_m, layout, true, err, errlen))
			return -1;
		return status(out, FALCONAME_UNSERVABLE,
			      "falcoctl cannot parse uname -r '%s': every %s host asks for %s", host->uname_r, id,
			      out->file_name);
	}
	return set_name(out, target, krelease, kversion, kind, dv, host->uname_m, layout, false, err, errlen)
		       ? -1
		       : FALCONAME_NAMED;
}

int falconame_compute(const struct falconame_host *host, const struct falconame_opts *opts,
		      struct falconame_result *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const struct falconame_release *rel = NULL;
	const char *dv = opts->driver_version && *opts->driver_version ? opts->driver_version : NULL;
	const char *rules = NULL;
	int layout = -1;
	if (opts->falco_version && *opts->falco_version) {
		if (!(rel = falconame_release(opts->falco_version))) {
			seterr(err, errlen, "unknown Falco release '%s' (falco-name --releases lists them)", opts->falco_version);
			return -1;
		}
		dv = rel->driver_version;
	} else if (dv && !strcmp(dv, DEBIAN_DKMS)) {
		rules = "0.28", layout = FALCONAME_LAYOUT_ARCH;
	} else if (dv && (rel = falconame_release_of(dv, opts->kind))) {
		/* named as the newest release asking for that kind names it */
	} else if (dv && falconame_release_of(dv, !opts->kind)) {
		return status(out, FALCONAME_NOT_ASKED, "no Falco release asks for driver version %s's %s", dv,
			      opts->kind == FALCONAME_KMOD ? "kernel module" : "eBPF probe");
	} else if (dv && is_commit(dv)) {
		rules = "0.28", layout = FALCONAME_LAYOUT_FLAT;
	} else {
		rules = opts->kind == FALCONAME_KMOD ? "0.44" : "0.39", layout = FALCONAME_LAYOUT_ARCH;
	}
	if (rel) {
		if (!rel->kinds[opts->kind])
			return status(out, FALCONAME_NOT_ASKED, "Falco %s has no %s", rel->version,
				      opts->kind == FALCONAME_KMOD ? "kernel module" : "legacy eBPF probe");
		rules = rel->rules, layout = rel->layout[opts->kind];
	}
	if (opts->rules && *opts->rules)
		rules = opts->rules;
	if (opts->layout >= 0)
		layout = opts->layout;
	const struct ruleset *rs = find_rules(rules);
	if (!rs) {
		seterr(err, errlen, "unknown rule set '%s' (known: %s)", rules, falconame_rules_names());
		return -1;
	}
	if (layout != FALCONAME_LAYOUT_FLAT && layout != FALCONAME_LAYOUT_ARCH) {
		seterr(err, errlen, "unknown layout %d", layout);
		return -1;
	}
	snprintf(out->rules, sizeof out->rules, "%s", rs->name);
	snprintf(out->driver_version, sizeof out->driver_version, "%s", dv ? dv : "");
	out->falcoctl = rs->loader == LOADER_FALCOCTL;
	/* falcoctl asks per-arch, unless told otherwise (a fleet's own loader). */
	if (rs->loader == LOADER_FALCOCTL && opts->layout < 0)
		layout = FALCONAME_LAYOUT_ARCH;
	out->layout = layout;
	if (!host->uname_r[0]) {
		seterr(err, errlen, "empty uname -r");
		return -1;
	}
	if (!host->id[0]) {
		seterr(err, errlen, "os-release has no ID");
		return -1;
	}
	if (rs->loader == LOADER_FALCOCTL)
		return name_falcoctl(host, rs, opts->kind, dv, layout, out, err, errlen);
	return name_bash(host, rs, opts->kind, dv, layout, out, err, errlen);
}

int falconame_url(const char *drivers_repo, const struct falconame_result *name, char *out, size_t outlen)
{
	/* The bash loaders encode every '+' of the URL (sed s/+/%2B/g); falcoctl escapes the
	 * driver version alone (url.QueryEscape), and a '+' of the file name goes as it is. */
	size_t base = strlen(drivers_repo);
	while (base && drivers_repo[base - 1] == '/')
		base--;
	int n = snprintf(out, outlen, "%.*s/", (int)base, drivers_repo);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	size_t o = (size_t)n, dvlen = strlen(name->driver_version);
	for (const char *p = name->repo_path; *p; p++) {
		bool encode = *p == '+' && (!name->falcoctl || (size_t)(p - name->repo_path) < dvlen);
		size_t len = encode ? 3 : 1;
		if (o + len >= outlen)
			return -1;
		if (encode)
			memcpy(out + o, "%2B", 3);
		else
			out[o] = *p;
		o += len;
	}
	out[o] = 0;
	return 0;
}
