#!/usr/bin/env python3
"""testserver.py: the HTTP/1.1 server the crawl tests run against.

Serves a directory with ETag / Last-Modified / 304 like a real site, and
misbehaves on demand under /_/ (see BEHAVIOURS below). Binds 127.0.0.1 on a
free port, prints the port on the first line of stdout (and writes it to
--port-file), and logs one line per request to --log:

    T GET /path?query inm=<If-None-Match or -> ims=<If-Modified-Since or -> ua=<User-Agent> host=<Host>

(T: seconds since the epoch, to the millisecond; spaces in values become _)

so a test can check what was (and was not) requested.

Python stdlib only. TCP_NODELAY is set on every accepted socket: without it
Nagle + delayed ACK hold each keep-alive response ~40 ms (90 requests/s).
"""
import argparse
import email.utils
import gzip
import hashlib
import http.server
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse

BEHAVIOURS = """
/_/slow?s=N          sleeps N seconds, then answers 200 (a timeout test)
/_/drip?s=N          sends headers, then one byte a second for N seconds
/_/reset             closes the connection with a TCP reset, no answer
/_/status/CODE       always answers CODE (e.g. 500, 403)
/_/flaky?n=K&code=C  answers C (default 503) K times per path, then 200
/_/429?n=K&after=S   answers 429 with Retry-After: S K times, then 200
/_/loop?i=N          redirects to /_/loop?i=N+1 forever
/_/redirect?to=URL   302 to URL (e.g. another host, file://)
/_/big?mb=N          a body of N MB (default 50)
/_/truncated         Content-Length 100000 but 100 bytes sent, then close
/_/bomb?mb=N         a gzip body that inflates to N MB (default 200)
/_/charset?label=L   Vietnamese text in UTF-8 labelled charset=L
/_/page?n=N          a generated page (with a link to page N+1, up to &max=M)
FILE.gone beside FILE  makes FILE answer 410 Gone
"""

PAGE_TEXT = ("Quyết định số {n}/QĐ-UBND về việc phê duyệt kế hoạch cải cách "
             "hành chính năm 2024 của Ủy ban nhân dân quận Tây Hồ. ")


class State:
    """Counters shared by the handler threads (per-path answers so far)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = {}

    def bump(self, key):
        with self.lock:
            self.count[key] = self.count.get(key, 0) + 1
            return self.count[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tracuu-testserver/1"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # the request log replaces stderr noise
        pass

    def log_request_line(self):
        h = self.headers
        line = "%.3f %s %s inm=%s ims=%s ua=%s host=%s\n" % (
            time.time(), self.command, self.path, h.get("If-None-Match", "-"),
            (h.get("If-Modified-Since") or "-").replace(" ", "_"),
            (h.get("User-Agent") or "-").replace(" ", "_"), h.get("Host", "-"))
        with self.server.log_lock:
            self.server.log.write(line)
            self.server.log.flush()

    # --- answers -------------------------------------------------------
    def send_body(self, code, body, ctype="text/html; charset=utf-8", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_status(self, code, extra=()):
        body = ("<html><body><h1>%d</h1></body></html>" % code).encode()
        self.send_body(code, body, extra=extra)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.log_request_line()
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        if url.path.startswith("/_/"):
            return self.misbehave(url.path[3:], q)
        return self.serve_file(urllib.parse.unquote(url.path))

    def serve_file(self, path):
        root = self.server.root
        full = os.path.realpath(os.path.join(root, path.lstrip("/")))
        if not (full == root or full.startswith(root + os.sep)):
            return self.send_status(403)
        if os.path.isdir(full):
            full = os.path.join(full, "index.html")
        if os.path.exists(full + ".gone"):
            return self.send_status(410)
        try:
            with open(full, "rb") as f:
                body = f.read()
            st = os.stat(full)
        except OSError:
            return self.send_status(404)
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        lastmod = email.utils.formatdate(int(st.st_mtime), usegmt=True)
        validators = (("Last-Modified", lastmod),)
        if not self.server.no_etag:
            validators = (("ETag", etag),) + validators
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if self.server.no_etag:
            inm = None
        if (inm is not None and inm == etag) or (inm is None and ims == lastmod):
            self.send_response(304)
            for k, v in validators:
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(200, body, self.guess_type(full), validators)

    @staticmethod
    def guess_type(path):
        if path.endswith((".html", ".htm")):
            return "text/html; charset=utf-8"
        if path.endswith(".txt"):
            return "text/plain; charset=utf-8"
        if path.endswith(".xml"):
            return "application/xml"
        if path.endswith(".pdf"):
            return "application/pdf"
        return "application/octet-stream"

    def misbehave(self, what, q):
        n = int(q.get("n", "1"))
        if what == "slow":
            time.sleep(float(q.get("s", "10")))
            return self.send_body(200, b"<html><title>slow</title></html>")
        if what == "drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(int(q.get("s", "10"))):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(1)
            return
        if what == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if what.startswith("status/"):
            return self.send_status(int(what[7:]))
        if what in ("flaky", "429"):
            if self.server.state.bump(self.path) <= n:
                code = 429 if what == "429" else int(q.get("code", "503"))
                extra = (("Retry-After", q["after"]),) if "after" in q else ()
                return self.send_status(code, extra)
            return self.send_body(200, ("<html><head><title>%s ok</title></head><body>"
                                        "<p>Recovered after %d tries.</p></body></html>"
                                        % (what, n)).encode())
        if what == "loop":
            i = int(q.get("i", "0"))
            return self.redirect("/_/loop?i=%d" % (i + 1))
        if what == "redirect":
            return self.redirect(q.get("to", "/"))
        if what == "big":
            return self.send_big(int(q.get("mb", "50")))
        if what == "truncated":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body>" + b"x" * 88)
            self.wfile.flush()
            self.close_connection = True
            return
        if what == "bomb":
            return self.send_bomb(int(q.get("mb", "200")))
        if what == "charset":
            body = ("<html><head><title>Thông báo</title></head><body><p>"
                    + PAGE_TEXT.format(n=7) + "</p></body></html>").encode()
            return self.send_body(200, body, "text/html; charset=" + q.get("label", "iso-8859-1"))
        if what == "page":
            return self.send_generated(n, int(q.get("max", "1000")))
        return self.send_status(404)

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send_big(self, mb):
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(mb << 20))
        self.end_headers()
        chunk = b"<p>" + b"a" * 1017 + b"</p>\n"
        try:
            for _ in range(mb << 10):
                self.wfile.write(chunk)
        except OSError:  # the client gave up, as it should
            self.close_connection = True

    def send_bomb(self, mb):
        zero = bytes(1 << 20)
        co = gzip.compress(zero * mb, compresslevel=1)  # fast; zeros shrink ~1000:1 anyway
        self.send_body(200, co, "text/html", (("Content-Encoding", "gzip"),))

    def send_generated(self, n, last):
        nxt = '<a href="/_/page?n=%d&amp;max=%d">Trang sau</a>' % (n + 1, last) if n < last else ""
        body = ("<html><head><meta charset='utf-8'><title>Văn bản %d</title></head><body>"
                "<h1>Quyết định %d/QĐ-UBND</h1><p>%s</p>%s</body></html>"
                % (n, n, PAGE_TEXT.format(n=n) * 20, nxt)).encode()
        self.send_body(200, body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description=__doc__ + BEHAVIOURS,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True, help="the directory served")
    ap.add_argument("--log", default=os.devnull, help="one line per request")
    ap.add_argument("--port-file", help="also write the port here")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--no-etag", action="store_true",
                    help="send Last-Modified only, like Python's own http.server")
    args = ap.parse_args()
    srv = Server(("127.0.0.1", args.port), Handler)
    srv.root = os.path.realpath(args.root)
    srv.log = open(args.log, "a", encoding="utf-8")
    srv.log_lock = threading.Lock()
    srv.state = State()
    srv.no_etag = args.no_etag
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
