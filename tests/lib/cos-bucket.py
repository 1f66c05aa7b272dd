"""A Cloud Storage bucket on 127.0.0.1, for tests/cos.bats: serves a directory as the objects of a
bucket, and the bucket's XML listing (GET /?prefix=P&delimiter=D&marker=M&max-keys=N) the way
Cloud Storage's XML API answers it: keys in lexicographic order, keys holding the delimiter after
the prefix rolled up into CommonPrefixes, at most max-keys entries (keys and prefixes together)
per page, IsTruncated and NextMarker (the last entry of the page) when there is more, every key
and prefix greater than the marker, ETag the quoted MD5 of the object.

    python3 cos-bucket.py [--page-size N] [--lie-etag KEY] [--no-next-marker]

serves the current directory. --page-size is the default max-keys (Cloud Storage's is 1000; the
tests use a small one so that every listing is paginated). --lie-etag gives KEY a wrong ETag in
listings, as a tampered or corrupted copy of the bucket would. --no-next-marker leaves NextMarker
out, as S3 does without a delimiter, so that clients continue from the last entry. Prints
"port N" once listening; logs one line per request ("GET <path>") to stdout."""

import argparse
import hashlib
import http.server
import os
import sys
import urllib.parse
import xml.etree.ElementTree as ET

NS = "http://doc.s3.amazonaws.com/2006-03-01"


def all_keys(root):
    keys = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            path = os.path.join(dirpath, f)
            keys.append(os.path.relpath(path, root).replace(os.sep, "/"))
    # Cloud Storage orders names by their UTF-8 bytes.
    return sorted(keys, key=lambda k: k.encode())


def md5_of(path):
    h = hashlib.md5()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def listing(root, query, args):
    prefix = query.get("prefix", [""])[0]
    delimiter = query.get("delimiter", [""])[0]
    marker = query.get("marker", [""])[0]
    max_keys = int(query.get("max-keys", [str(args.page_size)])[0])
    entries = []  # (name, is_prefix)
    seen_prefixes = set()
    for key in all_keys(root):
        if not key.startswith(prefix):
            continue
        rest = key[len(prefix):]
        if delimiter and delimiter in rest:
            p = prefix + rest[: rest.index(delimiter) + len(delimiter)]
            if p not in seen_prefixes:
                seen_prefixes.add(p)
                entries.append((p, True))
        else:
            entries.append((key, False))
    # Entries after the marker; a marker inside a rolled-up prefix skips that prefix too.
    entries = [e for e in entries if e[0].encode() > marker.encode() and not (e[1] and marker.startswith(e[0]))]
    page, more = entries[:max_keys], len(entries) > max_keys

    ET.register_namespace("", NS)
    top = ET.Element("{%s}ListBucketResult" % NS)
    ET.SubElement(top, "{%s}Name" % NS).text = "cos-tools"
    ET.SubElement(top, "{%s}Prefix" % NS).text = prefix
    ET.SubElement(top, "{%s}Marker" % NS).text = marker
    if more and not args.no_next_marker:
        ET.SubElement(top, "{%s}NextMarker" % NS).text = page[-1][0]
    ET.SubElement(top, "{%s}IsTruncated" % NS).text = "true" if more else "false"
    for name, is_prefix in page:
        if is_prefix:
            cp = ET.SubElement(top, "{%s}CommonPrefixes" % NS)
            ET.SubElement(cp, "{%s}Prefix" % NS).text = name
            continue
        path = os.path.join(root, name)
        st = os.stat(path)
        c = ET.SubElement(top, "{%s}Contents" % NS)
        ET.SubElement(c, "{%s}Key" % NS).text = name
        ET.SubElement(c, "{%s}Generation" % NS).text = str(st.st_mtime_ns // 1000)
        ET.SubElement(c, "{%s}MetaGeneration" % NS).text = "1"
        ET.SubElement(c, "{%s}LastModified" % NS).text = "2024-01-01T00:00:00.000Z"
        etag = md5_of(path)
        if name == args.lie_etag:
            etag = hashlib.md5(etag.encode()).hexdigest()
        ET.SubElement(c, "{%s}ETag" % NS).text = '"%s"' % etag
        ET.SubElement(c, "{%s}Size" % NS).text = str(st.st_size)
    return b"<?xml version='1.0' encoding='UTF-8'?>" + ET.tostring(top)


class Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self):
        print("GET %s" % self.path, flush=True)
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("", "/"):
            body = listing(os.getcwd(), urllib.parse.parse_qs(url.query, keep_blank_values=True), self.server.args)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = os.path.join(os.getcwd(), urllib.parse.unquote(url.path).lstrip("/"))
        if not os.path.isfile(path):
            self.send_error(404)
            return
        super().do_GET()

    def log_message(self, fmt, *a):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--page-size", type=int, default=1000)
    ap.add_argument("--lie-etag", default="")
    ap.add_argument("--no-next-marker", action="store_true")
    args = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.args = args
    print("serving on 127.0.0.1 port %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
