/* apt-release: the first link of apt's chain of trust, and the hashes it vouches for.
 *
 *   apt-release --keyring FILE (--inrelease FILE | --release FILE --signature FILE)
 *               --suite NAME [--now EPOCH] [--gpgv PROGRAM] INDEX...
 *
 * The Release file is checked with gpgv against KEYRING as apt checks it (one good signature by a
 * key of KEYRING with a digest stronger than SHA-1, and no bad one: judge_signatures), and only
 * the bytes gpgv vouches for are read. It must name NAME as its Suite or Codename (a mirror must not answer bookworm with
 * another suite's file) and, where it has Valid-Until, must not have expired (a mirror must not
 * replay an old, vulnerable index). For each INDEX, such as main/binary-amd64/Packages, the
 * compressed form the Release lists is chosen (.gz decompresses fastest, then .xz) and
 *   <sha256> <size> <path to fetch, relative to dists/NAME/>
 * is printed; the path is the by-hash one where the archive offers it, so a mirror updating
 * during our run cannot hand us a file that does not match. Any failure names the file and
 * exits 1: nothing downstream is built from an unverified index. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char *release_label; /* what messages name: the Release file */

/* What gpgv's status lines say of the signatures, one NEWSIG block each, judged as apt judges
 * them: the file is trusted when at least one signature is good (GOODSIG and VALIDSIG, by a key
 * of the keyring, with a digest stronger than SHA-1) and none is bad (BADSIG: a signature by a
 * known key that does not match, i.e. the file was altered). A signature by a key the keyring
 * lacks (ERRSIG/NO_PUBKEY: Ubuntu 16.04's InRelease still carries one by its 2004 key beside the
 * 2012 key's), an expired or revoked key (EXPKEYSIG, REVKEYSIG) or a weak digest vouches for
 * nothing, but does not spoil a good one. gpgv's exit status is not the verdict: it is 2 for the
 * first case although apt accepts the file. Returns NULL when trusted, else the reason. */
static const char *judge_signatures(char *status, char *why, size_t whylen)
{
	int good = 0, weak = 0, unknown = 0, expired = 0, revoked = 0;
	bool goodsig = false;
	char bad_key[64] = "";
	for (char *line = strtok(status, "\n"); line; line = strtok(NULL, "\n")) {
		if (strncmp(line, "[GNUPG:] ", 9))
			continue;
		const char *kw = line + 9;
		if (!strncmp(kw, "NEWSIG", 6)) {
			goodsig = false;
		} else if (!strncmp(kw, "GOODSIG ", 8)) {
			goodsig = true;
		} else if (!strncmp(kw, "BADSIG ", 7)) {
			snprintf(bad_key, sizeof bad_key, "%.*s", (int)strcspn(kw + 7, " "), kw + 7);
		} else if (!strncmp(kw, "ERRSIG ", 7)) {
			unknown++;
		} else if (!strncmp(kw, "EXPKEYSIG ", 10)) {
			expired++;
		} else if (!strncmp(kw, "REVKEYSIG ", 10)) {
			revoked++;
		} else if (!strncmp(kw, "VALIDSIG ", 9) && goodsig) {
			/* VALIDSIG <fpr> <date> <time> <expire> <version> <reserved> <pk algo> <hash algo> ... */
			char *f[12];
			char copy[512];
			snprintf(copy, sizeof copy, "%s", kw + 9);
			size_t n = split_fields(copy, ' ', f, 12);
			int hash = n > 7 ? atoi(f[7]) : 0;
			if (hash == 1 || hash == 2 || hash == 3) /* MD5, SHA-1, RIPEMD-160 */
				weak++;
			else if (hash)
				good++;
			goodsig = false;
		}
	}
	if (bad_key[0]) {
		snprintf(why, whylen, "a bad signature by key %s (the file is not what was signed)", bad_key);
		return why;
	}
	if (good)
		return NULL;
	snprintf(why, whylen, "no good signature%s%s%s%s", unknown ? " (signed by a key not in the keyring)" : "",
		 expired ? " (signed by an expired key)" : "", revoked ? " (signed by a revoked key)" : "",
		 weak ? " (only a weak digest, SHA-1 or older)" : "");
	return why;
}

/* Runs gpgv and returns the verified content (malloc'ed), or dies with the reason and gpgv's own
 * words. */
static char *verified_content(const char *gpgv, const char *keyring, const char *inrelease,
			      const char *release, const char *signature)
{
	char tmpl[] = "/tmp/apt-release.XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd < 0)
		die_at(release_label, "mkstemp: %s", strerror(errno));
	close(fd);
	char errtmpl[] = "/tmp/apt-release-err.XXXXXX";
	int errfd = mkstemp(errtmpl);
	if (errfd < 0)
		die_at(release_label, "mkstemp: %s", strerror(errno));
	char sttmpl[] = "/tmp/apt-release-status.XXXXXX";
	int stfd = mkstemp(sttmpl);
	if (stfd < 0)
		die_at(release_label, "mkstemp: %s", strerror(errno));
	unlink(errtmpl);
	unlink(sttmpl);
	pid_t pid = fork();
	if (pid < 0)
		die_at(release_label, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(errfd, 2);
		dup2(errfd, 1);
		dup2(stfd, 3);
		if (inrelease)
			execlp(gpgv, gpgv, "--quiet", "--status-fd", "3", "--keyring", keyring, "--output", tmpl,
			       inrelease, (char *)NULL);
		else
			execlp(gpgv, gpgv, "--quiet", "--status-fd", "3", "--keyring", keyring, signature, release,
			       (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", gpgv, strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	char msg[2048] = "";
	lseek(errfd, 0, SEEK_SET);
	ssize_t msglen = read(errfd, msg, sizeof msg - 1);
	msg[msglen > 0 ? msglen : 0] = 0;
	close(errfd);
	char st[16384] = "";
	lseek(stfd, 0, SEEK_SET);
	ssize_t stn = read(stfd, st, sizeof st - 1);
	st[stn > 0 ? stn : 0] = 0;
	close(stfd);
	char why[256];
	const char *refused = judge_signatures(st, why, sizeof why);
	if (!refused && !WIFEXITED(status))
		refused = "gpgv did not finish";
	if (refused) {
		unlink(tmpl);
		die_at(release_label, "signature check against %s failed: %s: refusing it\n%s", keyring, refused, msg);
	}
	const char *content_path = inrelease ? tmpl : release;
	FILE *f = fopen(content_path, "r");
	if (!f)
		die_at(release_label, "%s: %s", content_path, strerror(errno));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	unlink(tmpl);
	return buf;
}

static time_t parse_date(const char *s, const char *field)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%a, %d %b %Y %H:%M:%S", &tm);
	if (!end)
		die_at(release_label, "%s '%s' is not a date", field, s);
	return timegm(&tm);
}

struct entry {
	char sha256[65];
	unsigned long long size;
	char path[512];
};

/* What a verified Release says: its SHA256 entries and whether the archive serves by hash. */
struct release {
	struct entry *entries;
	size_t nentries;
	bool by_hash;
};

/* Reads the verified content (cut into lines in place): it must name suite and not have
 * expired at now, and it must list hashes. */
static struct release read_release(char *content, const char *suite, time_t now)
{
	struct release r = { 0 };
	bool suite_ok = false, in_sha256 = false;
	int lineno = 0;
	char *save = NULL;
	for (char *line = strtok_r(content, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (line[0] == ' ') {
			if (!in_sha256)
				continue;
			struct entry e;
			if (sscanf(line, " %64s %llu %511s", e.sha256, &e.size, e.path) != 3 || !is_sha256_hex(e.sha256))
				die_at(release_label, "line %d: malformed SHA256 entry", lineno);
			r.entries = xrealloc(r.entries, (r.nentries + 1) * sizeof *r.entries);
			r.entries[r.nentries++] = e;
			continue;
		}
		in_sha256 = strcmp(line, "SHA256:") == 0;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = 0;
		char *v = colon + 1;
		while (*v == ' ')
			v++;
		/* As apt: a suite such as Debian 10's security "buster/updates" is checked by the part
		 * before the slash, which is what its Release names. */
		size_t suite_len = strcspn(suite, "/");
		if ((!strcmp(line, "Suite") || !strcmp(line, "Codename")) &&
		    (!strcmp(v, suite) || (strlen(v) == suite_len && !strncmp(v, suite, suite_len))))
			suite_ok = true;
		else if (!strcmp(line, "Acquire-By-Hash"))
			r.by_hash = !strcmp(v, "yes");
		else if (!strcmp(line, "Valid-Until") && parse_date(v, "Valid-Until") < now)
			die_at(release_label, "expired on %s: refusing a stale index", v);
	}
	if (!suite_ok)
		die_at(release_label, "names neither Suite nor Codename '%s': refusing it", suite);
	if (!r.nentries)
		die_at(release_label, "lists no SHA256 hashes: refusing it");
	return r;
}

/* Prints the line of index (main/binary-amd64/Packages): its preferred compressed form. */
static void print_index(const struct release *r, const char *index)
{
	static const char *const preference[] = { ".gz", ".xz", "" };
	const struct entry *pick = NULL;
	for (size_t p = 0; p < sizeof preference / sizeof *preference && !pick; p++) {
		char want[600];
		snprintf(want, sizeof want, "%s%s", index, preference[p]);
		for (size_t k = 0; k < r->nentries; k++)
			if (!strcmp(r->entries[k].path, want)) {
				pick = &r->entries[k];
				break;
			}
	}
	if (!pick)
		die_at(release_label, "lists no %s (.gz, .xz or plain)", index);
	if (r->by_hash) {
		char dir[512];
		snprintf(dir, sizeof dir, "%s", pick->path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		printf("%s %llu %s%sby-hash/SHA256/%s\n", pick->sha256, pick->size, slash ? dir : "",
		       slash ? "/" : "", pick->sha256);
	} else {
		printf("%s %llu %s\n", pick->sha256, pick->size, pick->path);
	}
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	const char *keyring = NULL, *inrelease = NULL, *release = NULL, *signature = NULL, *suite = NULL;
	const char *gpgv = "gpgv";
	time_t now = time(NULL);
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (i + 1 >= argc)
			break;
		if (!strcmp(argv[i], "--keyring"))
			keyring = argv[++i];
		else if (!strcmp(argv[i], "--inrelease"))
			inrelease = argv[++i];
		else if (!strcmp(argv[i], "--release"))
			release = argv[++i];
		else if (!strcmp(argv[i], "--signature"))
			signature = argv[++i];
		else if (!strcmp(argv[i], "--suite"))
			suite = argv[++i];
		else if (!strcmp(argv[i], "--gpgv"))
			gpgv = argv[++i];
		else if (!strcmp(argv[i], "--now"))
			now = (time_t)strtoll(argv[++i], NULL, 10);
		else
			break;
	}
	if (!keyring || !suite || i >= argc || !(inrelease || (release && signature))) {
		fprintf(stderr, "usage: apt-release --keyring FILE (--inrelease FILE | --release FILE --signature FILE)\n"
				"                   --suite NAME [--now EPOCH] [--gpgv PROGRAM] INDEX...\n");
		return 2;
	}
	release_label = inrelease ? inrelease : release;
	if (access(keyring, R_OK) != 0)
		die_at(release_label, "keyring %s: %s", keyring, strerror(errno));

	char *content = verified_content(gpgv, keyring, inrelease, release, signature);
	struct release r = read_release(content, suite, now);
	for (; i < argc; i++)
		print_index(&r, argv[i]);
	free(r.entries);
	free(content);
	return fflush(stdout) == 0 ? 0 : 1;
}
