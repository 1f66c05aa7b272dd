/* fetch: download one URL to one file, atomically, optionally pinned to a SHA-256.
 *
 *   fetch [--sha256 HEX] [--size N] [--refresh] [--retries N] [--stall-seconds N] [--quiet] URL OUT
 *
 * With --sha256 the download is refused unless it hashes to HEX, and an OUT that already has
 * that hash is left alone without any request: packages are addressed by their hash, so a
 * package shared by many kernels is downloaded once. With --refresh an existing OUT is asked for
 * again, conditionally on the ETag kept in OUT.etag; whatever comes back, OUT is replaced only
 * when its content changed, so make sees a newer file only for a changed index. (Times are no
 * use for that: mirrors copy files with their original times, so Last-Modified can lie.)
 * An interrupted pinned download is resumed from OUT.part. OUT only ever appears whole.
 * Exit status: 0 done, 1 failed or refused, 2 usage, 4 the server has no such file, 5 the server
 * could not be reached (its name does not resolve, or it refuses connections), after the retries. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

struct transfer {
	FILE *out;
	char etag[256];
};

static size_t on_header(char *buf, size_t size, size_t nitems, void *user)
{
	struct transfer *t = user;
	size_t len = size * nitems;
	if (len > 5 && strncasecmp(buf, "etag:", 5) == 0) {
		size_t i = 5, j = len;
		while (i < j && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		while (j > i && (buf[j - 1] == '\r' || buf[j - 1] == '\n' || buf[j - 1] == ' '))
			j--;
		if (j - i < sizeof t->etag) {
			memcpy(t->etag, buf + i, j - i);
			t->etag[j - i] = 0;
		}
	}
	return len;
}

static void read_etag(const char *path, char *etag, size_t len)
{
	etag[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(etag, (int)len, f))
		etag[0] = 0;
	etag[strcspn(etag, "\r\n")] = 0;
	fclose(f);
}

static void write_etag(const char *path, const char *etag)
{
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (!etag[0]) {
		unlink(path);
		return;
	}
	FILE *f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s\n", etag);
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

static bool same_content(const char *a, const char *b)
{
	char ha[SHA256_HEX_SIZE], hb[SHA256_HEX_SIZE];
	unsigned long long sa, sb;
	return sha256_file(a, ha, &sa) == 0 && sha256_file(b, hb, &sb) == 0 && sa == sb &&
	       strcmp(ha, hb) == 0;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
	struct transfer *t = user;
	return fwrite(ptr, size, nmemb, t->out);
}

/* Transient failures are worth another try; a 404 or a TLS verification failure is not. */
static bool transient(CURLcode rc, long status)
{
	if (rc == CURLE_OK)
		return status == 408 || status == 429 || status >= 500;
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

/* What one download asks for. */
struct request {
	const char *url, *part;
	const char *etag; /* for If-None-Match, or "" */
	bool pinned;      /* a --sha256 download, which may be resumed */
	long long want_size;
	int retries;
	long stall_seconds; /* under 1 KiB/s for this long is a failed attempt */
	bool quiet;
};

enum outcome { GOT, NOT_MODIFIED, NOT_FOUND, UNREACHABLE, FAILED };

/* Downloads rq->url into rq->part, retrying what is worth retrying, and reports a failure itself.
 * Every way out frees the curl handle and headers: a sanitizer build counts whatever is left at
 * exit as a leak, and LeakSanitizer's report changes the exit status the callers rely on. */
static enum outcome download(const struct request *rq, struct transfer *t)
{
	CURL *curl = curl_easy_init();
	if (!curl) {
		warn("cannot initialise libcurl");
		return FAILED;
	}
	struct curl_slist *headers = NULL;
	if (rq->etag[0]) {
		char h[300];
		snprintf(h, sizeof h, "If-None-Match: %s", rq->etag);
		headers = curl_slist_append(headers, h);
	}
	char errbuf[CURL_ERROR_SIZE];
	enum outcome result = FAILED;
	for (int attempt = 0;; attempt++) {
		/* Resume only pinned downloads: the hash proves the joined file right. */
		struct stat pst;
		off_t resume_from = 0;
		if (rq->pinned && stat(rq->part, &pst) == 0 && pst.st_size > 0 &&
		    (rq->want_size < 0 || pst.st_size < rq->want_size))
			resume_from = pst.st_size;
		FILE *f = fopen(rq->part, resume_from ? "ab" : "wb");
		if (!f) {
			warn_at(rq->part, "%s", strerror(errno));
			break;
		}
		t->out = f;
		t->etag[0] = 0;
		errbuf[0] = 0;
		curl_easy_reset(curl);
		curl_easy_setopt(curl, CURLOPT_URL, rq->url);
		curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
		curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
		curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(curl, CURLOPT_HEADERDATA, t);
		if (headers)
			curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
		/* A stalled mirror must not hang a nightly build: under 1 KiB/s for a minute fails. */
		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
		curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, rq->stall_seconds);
		curl_easy_setopt(curl, CURLOPT_USERAGENT, "falco-probes-fetch/1");
		if (resume_from)
			curl_easy_setopt(curl, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)resume_from);
		CURLcode rc = curl_easy_perform(curl);
		long status = 0;
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
		if (fclose(f) != 0) {
			warn_at(rq->part, "%s", strerror(errno));
			break;
		}
		if (rc == CURLE_OK && status == 304) {
			result = NOT_MODIFIED;
			break;
		}
		/* A server that ignores the range sends the whole file again: start over. */
		if (rc == CURLE_OK && resume_from && status == 200) {
			unlink(rq->part);
			if (attempt < rq->retries)
				continue;
		}
		if (rc == CURLE_OK && (status < 400 || status == 0)) {
			result = GOT;
			break;
		}
		if (rc == CURLE_RANGE_ERROR || status == 416 || !rq->pinned)
			unlink(rq->part);
		if (attempt >= rq->retries || !(transient(rc, status) || rc == CURLE_RANGE_ERROR || status == 416)) {
			unlink(rq->part);
			if (status == 404 || status == 410 || rc == CURLE_FILE_COULDNT_READ_FILE) {
				warn_at(rq->url, "not found");
				result = NOT_FOUND;
			} else if (rc != CURLE_OK) {
				/* curl gives up on an oversized header as if memory had run out. */
				warn_at(rq->url, "%s", rc == CURLE_OUT_OF_MEMORY ? "the answer's headers are too large to read" :
						       errbuf[0]                 ? errbuf :
										   curl_easy_strerror(rc));
				if (rc == CURLE_COULDNT_RESOLVE_HOST || rc == CURLE_COULDNT_CONNECT)
					result = UNREACHABLE;
			} else {
				warn_at(rq->url, "HTTP %ld", status);
			}
			break;
		}
		unsigned delay = 1u << (attempt < 5 ? attempt : 5);
		if (!rq->quiet)
			warn_at(rq->url, "%s, retrying in %us",
				rc != CURLE_OK ? (errbuf[0] ? errbuf : curl_easy_strerror(rc)) : "server error", delay);
		sleep(delay);
	}
	curl_easy_cleanup(curl);
	curl_slist_free_all(headers);
	return result;
}

int main(int argc, char **argv)
{
	set_prog(argv[0]);
	const char *want_sha = NULL;
	long long want_size = -1;
	bool refresh = false, quiet = false;
	int retries = 4;
	long stall_seconds = 60;
	static const struct option longopts[] = {
		{ "sha256", required_argument, NULL, 's' },
		{ "size", required_argument, NULL, 'z' },
		{ "refresh", no_argument, NULL, 'r' },
		{ "retries", required_argument, NULL, 'n' },
		{ "stall-seconds", required_argument, NULL, 't' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			want_sha = optarg;
			if (!is_sha256_hex(want_sha))
				die("--sha256 needs 64 lowercase hex digits, got '%s'", optarg);
			break;
		case 'z': {
			char *end;
			want_size = strtoll(optarg, &end, 10);
			if (*end || want_size < 0)
				die("--size needs a byte count, got '%s'", optarg);
			break;
		}
		case 'r':
			refresh = true;
			break;
		case 't':
			stall_seconds = atol(optarg);
			if (stall_seconds < 1)
				die("--stall-seconds %s: expected a number of seconds", optarg);
			break;
		case 'n':
			retries = atoi(optarg);
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			printf("usage: fetch [--sha256 HEX] [--size N] [--refresh] [--retries N] [--stall-seconds N] [--quiet] URL OUT\n");
			return 0;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: fetch [--sha256 HEX] [--size N] [--refresh] [--retries N] [--stall-seconds N] [--quiet] URL OUT\n");
		return 2;
	}
	const char *url = argv[optind], *out = argv[optind + 1];

	char hex[SHA256_HEX_SIZE];
	unsigned long long have_size;
	struct stat st;
	bool have = stat(out, &st) == 0;
	if (want_sha && have && sha256_file(out, hex, &have_size) == 0 && strcmp(hex, want_sha) == 0)
		return 0; /* already here, and exactly what was asked for */

	char part[4096], etag_path[4096], old_etag[256] = "";
	if (snprintf(part, sizeof part, "%s.part", out) >= (int)sizeof part ||
	    snprintf(etag_path, sizeof etag_path, "%s.etag", out) >= (int)sizeof etag_path)
		die_at(out, "path too long");
	if (have && !want_sha && !refresh)
		return 0; /* an unpinned file is asked for again only with --refresh */
	if (refresh && have)
		read_etag(etag_path, old_etag, sizeof old_etag);

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		die("cannot initialise libcurl");
	const struct request rq = { .url = url, .part = part, .etag = old_etag, .pinned = want_sha != NULL,
				    .want_size = want_size, .retries = retries, .stall_seconds = stall_seconds,
				    .quiet = quiet };
	struct transfer t = { 0 };
	enum outcome got = download(&rq, &t);
	curl_global_cleanup();
	if (got == NOT_FOUND)
		return 4;
	if (got == UNREACHABLE)
		return 5;
	if (got == FAILED)
		return 1;
	if (got == NOT_MODIFIED) {
		unlink(part);
		return 0;
	}

	if (want_sha) {
		if (sha256_file(part, hex, &have_size) != 0)
			die_at(part, "%s", strerror(errno));
		if (want_size >= 0 && have_size != (unsigned long long)want_size) {
			unlink(part);
			die_at(url, "size %llu, expected %lld: refusing it", have_size, want_size);
		}
		if (strcmp(hex, want_sha) != 0) {
			unlink(part);
			die_at(url, "SHA-256 %s, expected %s: refusing it", hex, want_sha);
		}
	}
	if (refresh && have && same_content(part, out)) {
		unlink(part);
		write_etag(etag_path, t.etag);
		return 0;
	}
	if (rename(part, out) != 0)
		die_at(out, "%s", strerror(errno));
	if (refresh)
		write_etag(etag_path, t.etag);
	return 0;
}
