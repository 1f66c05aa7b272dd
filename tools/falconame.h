/* Falco's probe naming: the file name and repository path a Falco driver loader requests for a
 * host, computed from the host's identity (os-release and uname) by the rules of the Falco
 * release that asks. This is the only place in falco-probes that knows those rules. */
#ifndef FALCONAME_H
#define FALCONAME_H

#include <stddef.h>

/* What a host shows: the fields of /etc/os-release that loaders read, and uname(2). */
struct falconame_host {
	char id[64], version_id[64], build_id[64], variant_id[64];
	char uname_r[256], uname_v[256], uname_m[32];
};

enum falconame_layout { FALCONAME_LAYOUT_FLAT, FALCONAME_LAYOUT_ARCH };
enum falconame_kind { FALCONAME_BPF, FALCONAME_KMOD };

struct falconame_opts {
	const char *driver_version;     /* e.g. "2.0.0+driver" or a libs commit hash */
	const char *rules;              /* loader rule set: "0.28", "0.32", "0.33", "0.34", "0.35"
	                                 * (named after the first Falco release using it; see
	                                 * falconame.c); NULL: the default for driver_version */
	int layout;                     /* enum falconame_layout, or -1 for the default */
	enum falconame_kind kind;
};

struct falconame_result {
	char target_id[128];       /* e.g. "debian", "ubuntu-aws", "amazonlinux2" */
	char kernel_release[256];  /* as the loader computes it, e.g. "6.1.176-1-amd64" from 0.35 */
	char kernel_version[128];  /* e.g. "1", "214", "26~22.04.1" */
	char file_name[512];       /* falco_<target>_<release>_<version>.o (.ko for kmod) */
	char repo_path[768];       /* <driver_version>/[<arch>/]<file_name>, '+' not encoded;
	                            * empty when no driver version was given */
	char rules[16];            /* the rule set applied */
	int layout;                /* the layout applied */
};

/* Reads ID, VERSION_ID, BUILD_ID and VARIANT_ID from an os-release file into host (the uname
 * fields are left alone). Returns 0, or -1 with a message naming the file in err. */
int falconame_read_os_release(const char *path, struct falconame_host *host, char *err, size_t errlen);

/* The default rule set and layout for a driver version (from the table of Falco releases). */
const char *falconame_default_rules(const char *driver_version);
int falconame_default_layout(const char *driver_version);

/* Reads UTS_RELEASE from KDIR/include/generated/utsrelease.h and UTS_VERSION from
 * utsversion.h, else compile.h, into host->uname_r and host->uname_v. Returns 0, or -1 with a
 * message naming the file in err. */
int falconame_read_uts(const char *kdir, struct falconame_host *host, char *err, size_t errlen);

/* The rule set names falconame_compute knows, space-separated, oldest first. */
const char *falconame_rules_names(void);

/* The URL a loader requests: DRIVERS_REPO/repo_path with each '+' encoded as %2B.
 * Returns 0, or -1 when it does not fit in outlen. */
int falconame_url(const char *drivers_repo, const struct falconame_result *name, char *out, size_t outlen);

/* Computes the name. Returns 0, or -1 with a message in err when the host cannot be named
 * (for example a uname -v without a '#<number>'). */
int falconame_compute(const struct falconame_host *host, const struct falconame_opts *opts,
		      struct falconame_result *out, char *err, size_t errlen);

#endif
