"""A proxy for a real mirror, on 127.0.0.1, that can do to chosen files what a bad mirror or
network does: for fault tests of the fetcher, apt and mmdebstrap against the real archive.

    mirror-proxy.py UPSTREAM [--corrupt SUBSTR]... [--status SUBSTR=CODE]... [--truncate SUBSTR]...
                   [--trickle SUBSTR]...

Serves UPSTREAM/<path> for GET and HEAD. A path containing a --corrupt SUBSTR has one byte of its
body flipped (same length); --status answers CODE with no body; --truncate sends the headers of
the full length and half the body, then closes; --trickle sends the body a byte every 0.2 s. Prints "port N" once it listens and logs one line
per request (method, path, what was done to it)."""
import sys
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

upstream = sys.argv[1].rstrip("/")
corrupt, status, truncate, trickle = [], {}, [], []
args = sys.argv[2:]
while args:
    opt, val = args[0], args[1]
    args = args[2:]
    if opt == "--corrupt":
        corrupt.append(val)
    elif opt == "--status":
        k, v = val.rsplit("=", 1)
        status[k] = int(v)
    elif opt == "--truncate":
        truncate.append(val)
    elif opt == "--trickle":
        trickle.append(val)
    else:
        sys.exit("mirror-proxy.py: unknown option " + opt)


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one(self, send_body):
        for k, code in status.items():
            if k in self.path:
                self.log_message('"%s %s" %d status', self.command, self.path, code)
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        try:
            with urllib.request.urlopen(upstream + self.path, timeout=60) as r:
                body, code, ctype = r.read(), r.status, r.headers.get("Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as e:
            body, code, ctype = e.read(), e.code, "text/plain"
        what = "passed"
        if code == 200 and body and any(c in self.path for c in corrupt):
            mid = len(body) // 2
            body = body[:mid] + bytes([body[mid] ^ 0xFF]) + body[mid + 1 :]
            what = "corrupted"
        cut = code == 200 and any(t in self.path for t in truncate)
        self.log_message('"%s %s" %d %s', self.command, self.path, code, "truncated" if cut else what)
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if cut:
            self.send_header("Connection", "close")
        self.end_headers()
        if send_body and code == 200 and any(t in self.path for t in trickle):
            for b in body:
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.2)
        elif send_body:
            self.wfile.write(body[: len(body) // 2] if cut else body)
        if cut:
            self.close_connection = True

    def do_GET(self):
        self.handle_one(True)

    def do_HEAD(self):
        self.handle_one(False)


server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
print("mirror-proxy on 127.0.0.1 port %d for %s" % (server.server_address[1], upstream), flush=True)
server.serve_forever()
