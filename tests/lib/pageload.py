#!/usr/bin/env python3
"""Load a page in headless Chromium and say how long it took, from the page's own clock.

    pageload.py [--wait JS] [--dom FILE] [--screenshot FILE] [--size WxH] [--timeout S] URL

Chromium runs with the DevTools protocol on a pipe (--remote-debugging-pipe: fds 3 and 4), so
nothing listens on a port and no package beyond the standard library is needed. Prints one JSON
object:
  load_ms    the navigation's loadEventEnd (performance.getEntriesByType('navigation'))
  ready_ms   performance.now() once the load event fired and a layout was forced: what a user
             waits for before the page is drawn
  wait_ms    performance.now() once --wait's JavaScript expression was true (e.g. a search that
             loads a script first); absent without --wait
  bytes      the main document's size (transferSize is 0 for file://, so the decoded body size)
--dom writes document.documentElement.outerHTML after the wait; --screenshot a PNG. Exit 1 when
the page does not load, or --wait does not become true, within --timeout (default 60 s).
A wall-clock time is no measure here: Chromium's own start takes seconds on a busy machine."""

import argparse
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def chromium():
    for name in ("chromium", "chromium-browser"):
        p = shutil.which(name)
        if p:
            return p
    sys.exit("pageload: chromium is not installed (mk/packages.txt lists it)")


class Pipe:
    def __init__(self, proc, rfd, wfd):
        self.proc, self.rfd, self.wfd = proc, rfd, wfd
        self.buf, self.seq, self.events = b"", 0, []

    def _read(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                raise EOFError("chromium closed the DevTools pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, deadline=None):
        self.seq += 1
        msg = {"id": self.seq, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.wfd, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read(deadline or time.monotonic() + 60)
            if m.get("id") == self.seq:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, deadline):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    del self.events[i]
                    return m
            self.events.append(self._read(deadline))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--wait")
    ap.add_argument("--dom")
    ap.add_argument("--screenshot")
    ap.add_argument("--size", default="1400x1000")
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    w, h = (int(x) for x in a.size.split("x"))
    deadline = time.monotonic() + a.timeout
    profile = tempfile.mkdtemp(prefix="pageload.")
    # Chromium reads commands on its fd 3 and answers on its fd 4.
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def child_fds():
        # Out of the way first: either end may already be 3 or 4.
        r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(r, 3)
        os.dup2(w, 4)

    proc = subprocess.Popen(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-pipe",
         "--user-data-dir=" + profile, "--window-size=%d,%d" % (w, h), "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=child_fds, pass_fds=(3, 4))
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    p = Pipe(proc, from_chrome_r, to_chrome_w)
    out = {}
    try:
        target = p.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
        s = p.call("Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline)["sessionId"]
        p.call("Page.enable", session=s, deadline=deadline)
        p.call("Emulation.setDeviceMetricsOverride",
               {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False}, session=s, deadline=deadline)
        p.call("Page.navigate", {"url": a.url}, session=s, deadline=deadline)
        p.wait_event("Page.loadEventFired", deadline)

        def evaluate(expr):
            r = p.call("Runtime.evaluate", {"expression": expr, "awaitPromise": True, "returnByValue": True},
                       session=s, deadline=deadline)
            if "exceptionDetails" in r:
                raise RuntimeError("%s: %s" % (expr[:60], r["exceptionDetails"].get("text")))
            return r["result"].get("value")

        nav = evaluate("(() => { var n = performance.getEntriesByType('navigation')[0];"
                       " document.body.getBoundingClientRect(); void document.body.offsetHeight;"
                       " return {load: n.loadEventEnd, bytes: n.decodedBodySize, now: performance.now()}; })()")
        out["load_ms"] = round(nav["load"], 1)
        out["ready_ms"] = round(nav["now"], 1)
        out["bytes"] = nav["bytes"]
        if a.wait:
            left = max(1, deadline - time.monotonic()) * 1000
            got = evaluate("new Promise(function (ok) { var t0 = performance.now(); (function poll() {"
                           " var v = false; try { v = !!(%s); } catch (e) {}"
                           " if (v || performance.now() - t0 > %d) ok(v ? performance.now() : null);"
                           " else setTimeout(poll, 10); })(); })" % (a.wait, left))
            if got is None:
                print(json.dumps(out))
                sys.exit("pageload: %s: never true: %s" % (a.url, a.wait))
            out["wait_ms"] = round(got, 1)
        if a.dom:
            with open(a.dom, "w") as f:
                f.write(evaluate("document.documentElement.outerHTML"))
        if a.screenshot:
            png = p.call("Page.captureScreenshot", {"format": "png"}, session=s, deadline=deadline)["data"]
            with open(a.screenshot, "wb") as f:
                f.write(base64.b64decode(png))
    except TimeoutError:
        print(json.dumps(out))
        sys.exit("pageload: %s: no answer within %g s" % (a.url, a.timeout))
    finally:
        try:
            p.call("Browser.close", deadline=time.monotonic() + 5)
        except Exception:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
