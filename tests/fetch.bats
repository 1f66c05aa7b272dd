#!/usr/bin/env bats
# fetch: downloads to OUT atomically, pinned to a SHA-256, resumable, conditional on --refresh.
# Everything is served on 127.0.0.1 by python3's http.server, or, where the stock server cannot
# misbehave the way a test needs, by the small server written in setup_file.

setup_file() {
	# A server that misbehaves on purpose, one mode per run:
	#   once    the first GET of each path sends the headers of the whole file, half of it, and
	#           closes the connection; later GETs are answered properly, with Range honoured
	#   always  every GET does that
	#   norange like once, but Range is ignored: every later GET sends the whole file with 200
	#   etag    serves with an ETag (the file's SHA-256) and answers If-None-Match with 304
	#   reset   like once, but the connection is reset (RST) mid-body instead of closed
	#   err500  the first GET of each path is answered 500, later ones properly
	#   loop    every GET is redirected to itself
	#   huge    every answer carries a 1 MiB header
	#   trickle every GET sends its body a byte every 0.2 s
	# It logs "GET <path> range=<Range> inm=<If-None-Match>" for every request.
	cat >"$BATS_FILE_TMPDIR/flaky.py" <<'PY'
import hashlib, http.server, os, re, socket, struct, sys, time

mode = sys.argv[1]
seen = set()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        rng = self.headers.get("Range")
        inm = self.headers.get("If-None-Match")
        print(f"GET {self.path} range={rng} inm={inm}", flush=True)
        path = os.path.join(os.getcwd(), self.path.lstrip("/"))
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            self.send_error(404)
            return
        etag = '"' + hashlib.sha256(data).hexdigest() + '"'
        if mode == "loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "err500" and self.path not in seen:
            seen.add(self.path)
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "etag" and inm == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        first = self.path not in seen
        seen.add(self.path)
        start = 0
        if rng and mode != "norange":
            start = int(re.match(r"bytes=(\d+)-", rng).group(1))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        if mode == "etag":
            self.send_header("ETag", etag)
        if mode == "huge":
            self.send_header("X-Padding", "x" * (1 << 20))
        self.end_headers()
        if mode == "trickle":
            for b in body:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.2)
            return
        if first and mode == "reset":
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if mode == "always" or (first and mode in ("once", "norange")):
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):
        pass

server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(f"serving on port {server.server_address[1]}", flush=True)
server.serve_forever()
PY
}

setup() {
	load lib/common
	FETCH=${FP_BIN:?}/fetch
	SRV=$BATS_TEST_TMPDIR/srv
	OUTDIR=$BATS_TEST_TMPDIR/out
	mkdir -p "$SRV" "$OUTDIR"
	# 256 KiB, so that half of it is a real partial transfer.
	head -c 262144 /dev/urandom >"$SRV/pkg.deb"
	SHA=$(fp_sha256 "$SRV/pkg.deb")
}

teardown() {
	fp_http_stop_all
}

@test "fetch: a served file is fetched with the right --sha256 and --size" {
	fp_http_start "$SRV"
	run "$FETCH" --sha256 "$SHA" --size 262144 "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	[ ! -e "$OUTDIR/pkg.deb.part" ]
	grep -q '"GET /pkg.deb HTTP/1.1" 200' "$FP_HTTP_LOG"
}

@test "fetch: a wrong --sha256 is refused, naming URL, expected and actual, leaving nothing" {
	fp_http_start "$SRV"
	wrong=$(printf 'not it' | sha256sum | cut -d' ' -f1)
	run "$FETCH" --retries 0 --sha256 "$wrong" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$FP_HTTP_URL/pkg.deb"* ]]
	[[ "$output" == *"$wrong"* ]]
	[[ "$output" == *"$SHA"* ]]
	[ ! -e "$OUTDIR/pkg.deb" ]
	[ ! -e "$OUTDIR/pkg.deb.part" ]
}

@test "fetch: a wrong --size is refused, leaving nothing" {
	fp_http_start "$SRV"
	run "$FETCH" --retries 0 --sha256 "$SHA" --size 262145 "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$FP_HTTP_URL/pkg.deb"* ]]
	[[ "$output" == *262145* ]]
	[ ! -e "$OUTDIR/pkg.deb" ]
	[ ! -e "$OUTDIR/pkg.deb.part" ]
}

@test "fetch: an OUT that already has the pinned hash is not requested again" {
	fp_http_start "$SRV"
	"$FETCH" --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	url=$FP_HTTP_URL/pkg.deb
	before=$(fp_mtime "$OUTDIR/pkg.deb")
	# With the server gone, any request would fail (and --retries 0 makes that quick).
	fp_http_stop
	run "$FETCH" --retries 0 --sha256 "$SHA" "$url" "$OUTDIR/pkg.deb"
	[ "$status" -eq 0 ]
	[ "$(fp_mtime "$OUTDIR/pkg.deb")" = "$before" ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	# The same with the server gone is an error when OUT does not hold that hash: the check
	# above could not have passed by accident.
	echo corrupted >"$OUTDIR/pkg.deb"
	run "$FETCH" --retries 0 --sha256 "$SHA" "$url" "$OUTDIR/pkg.deb"
	[ "$status" -eq 5 ]
	[[ "$output" == *"$url"* ]]
	[ "$(cat "$OUTDIR/pkg.deb")" = corrupted ]
}

@test "fetch: a pinned OUT with other content is replaced by the right one" {
	fp_http_start "$SRV"
	echo stale >"$OUTDIR/pkg.deb"
	run "$FETCH" --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
}

@test "fetch: an unpinned OUT is not asked for again without --refresh" {
	fp_http_start "$SRV"
	echo v1 >"$SRV/Index"
	"$FETCH" "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	echo v2 >"$SRV/Index"
	run "$FETCH" "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUTDIR/Index")" = v1 ]
	[ "$(grep -c 'GET /Index' "$FP_HTTP_LOG")" -eq 1 ]
}

@test "fetch: --refresh keeps an unchanged OUT's mtime and replaces a changed one" {
	fp_http_start "$SRV"
	echo v1 >"$SRV/Index"
	"$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$(cat "$OUTDIR/Index")" = v1 ]
	touch -d '2001-02-03 04:05:06' "$OUTDIR/Index"
	old=$(fp_mtime "$OUTDIR/Index")

	run "$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$status" -eq 0 ]
	[ "$(fp_mtime "$OUTDIR/Index")" = "$old" ]
	[ "$(grep -c 'GET /Index' "$FP_HTTP_LOG")" -eq 2 ]

	echo v2 >"$SRV/Index"
	run "$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUTDIR/Index")" = v2 ]
	[ "$(fp_mtime "$OUTDIR/Index")" -gt "$old" ]
	[ ! -e "$OUTDIR/Index.part" ]
}

@test "fetch: --refresh asks with the ETag it kept and keeps OUT on 304" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" etag
	echo v1 >"$SRV/Index"
	etag=\"$(fp_sha256 "$SRV/Index")\"
	"$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$(cat "$OUTDIR/Index.etag")" = "$etag" ]
	touch -d '2001-02-03 04:05:06' "$OUTDIR/Index"
	old=$(fp_mtime "$OUTDIR/Index")
	run "$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$status" -eq 0 ]
	grep -qF "GET /Index range=None inm=$etag" "$FP_HTTP_LOG"
	[ "$(fp_mtime "$OUTDIR/Index")" = "$old" ]
	# Changed on the server: the old ETag no longer matches, the new content and ETag land.
	echo v2 >"$SRV/Index"
	run "$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$status" -eq 0 ]
	[ "$(cat "$OUTDIR/Index")" = v2 ]
	[ "$(cat "$OUTDIR/Index.etag")" = \"$(fp_sha256 "$SRV/Index")\" ]
}

@test "fetch: --refresh of a file the server no longer has exits 4 and keeps OUT" {
	fp_http_start "$SRV"
	echo v1 >"$SRV/Index"
	"$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	rm "$SRV/Index"
	run "$FETCH" --refresh "$FP_HTTP_URL/Index" "$OUTDIR/Index"
	[ "$status" -eq 4 ]
	[ "$(cat "$OUTDIR/Index")" = v1 ]
	[ ! -e "$OUTDIR/Index.part" ]
}

@test "fetch: HTTP 404 exits 4 naming the URL, leaving nothing" {
	fp_http_start "$SRV"
	run "$FETCH" "$FP_HTTP_URL/no-such.deb" "$OUTDIR/x"
	[ "$status" -eq 4 ]
	[[ "$output" == *"$FP_HTTP_URL/no-such.deb"* ]]
	[ ! -e "$OUTDIR/x" ]
	[ ! -e "$OUTDIR/x.part" ]
	# A 404 is not retried.
	[ "$(grep -c 'GET /no-such.deb' "$FP_HTTP_LOG")" -eq 1 ]
}

@test "fetch: file:// URLs work, pinned, and a missing file exits 4" {
	run "$FETCH" --sha256 "$SHA" --size 262144 "file://$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	run "$FETCH" "file://$SRV/nothing" "$OUTDIR/nothing"
	[ "$status" -eq 4 ]
	[ ! -e "$OUTDIR/nothing" ]
}

@test "fetch: a pinned download cut off mid-transfer is resumed where it stopped" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" once
	run "$FETCH" --sha256 "$SHA" --size 262144 "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	[ ! -e "$OUTDIR/pkg.deb.part" ]
	# The second request asked for the rest only.
	grep -q '^GET /pkg.deb range=None' "$FP_HTTP_LOG"
	grep -q '^GET /pkg.deb range=bytes=131072-' "$FP_HTTP_LOG"
}

@test "fetch: an unpinned download cut off mid-transfer starts again from the beginning" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" once
	run "$FETCH" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$(grep -c '^GET /pkg.deb range=None' "$FP_HTTP_LOG")" -eq 2 ]
	[ "$(grep -c 'range=bytes' "$FP_HTTP_LOG")" -eq 0 ]
}

@test "fetch: a server that ignores Range after a cut-off still yields the whole file" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" norange
	run "$FETCH" --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	[ ! -e "$OUTDIR/pkg.deb.part" ]
	# It did try to resume, got the whole file instead, and started again.
	grep -q '^GET /pkg.deb range=bytes=131072-' "$FP_HTTP_LOG"
	[ "$(grep -c '^GET /pkg.deb' "$FP_HTTP_LOG")" -eq 3 ]
}

@test "fetch: a server that always dies mid-transfer fails cleanly, leaving no OUT" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" always
	run "$FETCH" --retries 1 --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$FP_HTTP_URL/pkg.deb"* ]]
	[ ! -e "$OUTDIR/pkg.deb" ]
	[ ! -e "$OUTDIR/pkg.deb.part" ]
	[ "$(grep -c '^GET /pkg.deb' "$FP_HTTP_LOG")" -eq 2 ]
	run "$FETCH" --retries 0 "$FP_HTTP_URL/pkg.deb" "$OUTDIR/index"
	[ "$status" -eq 1 ]
	[ ! -e "$OUTDIR/index" ]
	[ ! -e "$OUTDIR/index.part" ]
}

@test "fetch: usage errors exit 2, a malformed --sha256 is refused" {
	run "$FETCH" only-one-argument
	[ "$status" -eq 2 ]
	run "$FETCH" --sha256 ABC "file:///dev/null" "$OUTDIR/x"
	[ "$status" -ne 0 ]
	[[ "$output" == *ABC* ]]
	[ ! -e "$OUTDIR/x" ]
}

@test "fetch: every failure frees what it took, so a sanitizer build keeps its exit status (4, 5)" {
	export ASAN_OPTIONS=detect_leaks=1
	fp_http_start "$SRV"
	run "$FETCH" --retries 0 "$FP_HTTP_URL/no-such.deb" "$OUTDIR/x"
	[ "$status" -eq 4 ]
	[[ "$output" != *LeakSanitizer* ]]
	run "$FETCH" --retries 0 "file://$SRV/no-such.deb" "$OUTDIR/x"
	[ "$status" -eq 4 ]
	[[ "$output" != *LeakSanitizer* ]]
	# A port nothing listens on any more: the connection is refused.
	url=$FP_HTTP_URL/pkg.deb
	fp_http_stop
	run "$FETCH" --retries 0 --sha256 "$SHA" "$url" "$OUTDIR/x"
	[ "$status" -eq 5 ]
	[[ "$output" == "fetch: $url: "* ]]
	[[ "$output" != *LeakSanitizer* ]]
	# A transfer cut off, after its retry.
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" always
	run "$FETCH" --retries 1 --quiet "$FP_HTTP_URL/pkg.deb" "$OUTDIR/x"
	[ "$status" -eq 1 ]
	[[ "$output" != *LeakSanitizer* ]]
	[ ! -e "$OUTDIR/x" ]
}

@test "fetch: a connection reset mid-body is resumed on the next try, and the file is whole" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" reset
	run "$FETCH" --sha256 "$SHA" --size 262144 "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	[ ! -e "$OUTDIR/pkg.deb.part" ]
	# The reset was said, with the URL, and the retry asked for the rest.
	[[ "$output" == *"$FP_HTTP_URL/pkg.deb: "*"retrying in 1s"* ]]
	grep -q '^GET /pkg.deb range=bytes=[0-9]*-' "$FP_HTTP_LOG"
}

@test "fetch: a server error is retried with back-off; a mirror that answers 500 and then 200 gives the file" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" err500
	run "$FETCH" --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	echo "$output"
	[ "$status" -eq 0 ]
	cmp "$SRV/pkg.deb" "$OUTDIR/pkg.deb"
	[[ "$output" == *"$FP_HTTP_URL/pkg.deb: server error, retrying in 1s"* ]]
	[ "$(grep -c '^GET /pkg.deb' "$FP_HTTP_LOG")" -eq 2 ]
	# Without retries the 500 is the answer, named.
	run "$FETCH" --retries 0 "$FP_HTTP_URL/other.deb" "$OUTDIR/other.deb"
	[ "$status" -eq 4 ]
}

@test "fetch: a redirect loop, a huge header and a mirror that trickles each fail naming the URL and the fault, leaving nothing" {
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" loop
	run "$FETCH" --retries 1 --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "fetch: $FP_HTTP_URL/pkg.deb: "*"redirect"* ]]
	[ ! -e "$OUTDIR/pkg.deb" ]
	[ ! -e "$OUTDIR/pkg.deb.part" ]
	fp_http_stop
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" huge
	run "$FETCH" --retries 0 --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "fetch: $FP_HTTP_URL/pkg.deb: "*[Hh]eader* ]]
	[ ! -e "$OUTDIR/pkg.deb" ]
	fp_http_stop
	fp_http_start "$SRV" "$BATS_FILE_TMPDIR/flaky.py" trickle
	start=$(date +%s)
	run "$FETCH" --retries 1 --stall-seconds 2 --sha256 "$SHA" "$FP_HTTP_URL/pkg.deb" "$OUTDIR/pkg.deb"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == "fetch: $FP_HTTP_URL/pkg.deb: "*"too slow"* ]]
	[ ! -e "$OUTDIR/pkg.deb" ]
	# It gave up (two attempts of about 2 s, and the back-off), not waited on the trickle.
	[ $(($(date +%s) - start)) -lt 30 ]
}
