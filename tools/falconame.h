/* Falco's releases and their driver naming: the table of Falco releases (the driver version each
 * asks for, its loader, the layout of each kind of driver, the driver source's content hash), and
 * the file name and repository path a release's loader requests for a host, computed from the
 * host's identity (os-release and uname) by that loader's rules. This is the only place in
 * falco-probes that knows either. */
#ifndef FALCONAME_H
#define FALCONAME_H

#include <stdbool.h>
#include <stddef.h>

/* What a host shows: the fields of /etc/os-release that loaders read, uname(2), and the version
 * minikube writes to /etc/VERSION (empty where there is none). */
struct falconame_host {
	char id[64], version_id[64], build_id[64], variant_id[64];
	char uname_r[256], uname_v[256], uname_m[32];
	char etc_version[128];
};

enum falconame_layout { FALCONAME_LAYOUT_FLAT, FALCONAME_LAYOUT_ARCH };
enum falconame_kind { FALCONAME_BPF, FALCONAME_KMOD };

/* A Falco release, as the table has it. */
struct falconame_release {
	const char *version;        /* "0.43.1" */
	const char *driver_version; /* "9.1.0+driver", or a libs commit for the oldest */
	const char *loader;         /* "falco-driver-loader" or "falcoctl 0.12.2" */
	const char *rules;          /* its naming rule set (falconame_rules_names) */
	enum falconame_layout layout[2]; /* per kind: FALCONAME_BPF, FALCONAME_KMOD */
	bool kinds[2];              /* the kinds of per-kernel driver it has at all */
	const char *tree_sha256;    /* the content of its driver source (falconame.c says which files) */
};

/* The table, oldest first. */
const struct falconame_release *falconame_releases(size_t *n);
/* A release by version, or NULL. */
const struct falconame_release *falconame_release(const char *version);
/* The newest release asking for driver_version's kind, or NULL when none does. */
const struct falconame_release *falconame_release_of(const char *driver_version, enum falconame_kind kind);

struct falconame_opts {
	const char *falco_version;  /* a release of the table: its driver version, rules, layouts */
	const char *driver_version; /* else: a driver version, named as its newest release names it
	                             * (an unknown commit by the oldest rules, anything else by the
	                             * newest ones that ask for the kind) */
	const char *rules;          /* a rule set instead of the release's; NULL: the release's */
	int layout;                 /* enum falconame_layout, or -1: the release's */
	enum falconame_kind kind;
};

enum falconame_status {
	FALCONAME_NAMED = 0,      /* the loader requests repo_path */
	FALCONAME_NOT_ASKED = 1,  /* the loader never asks for this kind of driver for this host
	                           * (a release without legacy probes; falcoctl's choice of driver) */
	FALCONAME_UNSERVABLE = 2, /* the loader asks, but nothing can serve it: a name every such
	                           * host asks for alike (repo_path says which), or no request at all */
};

struct falconame_result {
	char target_id[128];       /* e.g. "debian", "ubuntu-aws", "amazonlinux2" */
	char kernel_release[256];  /* as the loader computes it, e.g. "6.1.176-1-amd64" from 0.35 */
	char kernel_version[256];  /* e.g. "1", "214", "26~22.04.1" */
	char file_name[512];       /* falco_<target>_<release>_<version>.o (.ko for kmod) */
	char repo_path[768];       /* <driver_version>/[<arch>/]<file_name>, '+' not encoded;
	                            * empty when no driver version is known */
	char rules[16];            /* the rule set applied */
	char driver_version[128];  /* the driver version named */
	int layout;                /* the layout applied */
	bool falcoctl;             /* named by falcoctl (how the URL is escaped) */
	char why[256];             /* for NOT_ASKED and UNSERVABLE: why */
};

/* Reads ID, VERSION_ID, BUILD_ID and VARIANT_ID from an os-release file into host (the other
 * fields are left alone). Returns 0, or -1 with a message naming the file in err. */
int falconame_read_os_release(const char *path, struct falconame_host *host, char *err, size_t errlen);

/* Reads UTS_RELEASE from KDIR/include/generated/utsrelease.h and UTS_VERSION from
 * utsversion.h, else compile.h, into host->uname_r and host->uname_v. Returns 0, or -1 with a
 * message naming the file in err. */
int falconame_read_uts(const char *kdir, struct falconame_host *host, char *err, size_t errlen);

/* The rule set names falconame_compute knows, space-separated, oldest first. */
const char *falconame_rules_names(void);

/* The URL a loader requests for a NAMED result: DRIVERS_REPO/repo_path, escaped as that loader
 * escapes it (the bash loaders encode every '+' as %2B; falcoctl only the driver version's).
 * Returns 0, or -1 when it does not fit in outlen. */
int falconame_url(const char *drivers_repo, const struct falconame_result *name, char *out, size_t outlen);

/* Names the host. Returns an enum falconame_status, or -1 with a message in err when the host
 * cannot be named at all (an unknown release or rule set, a uname -v without a '#<number>'). */
int falconame_compute(const struct falconame_host *host, const struct falconame_opts *opts,
		      struct falconame_result *out, char *err, size_t errlen);

#endif
