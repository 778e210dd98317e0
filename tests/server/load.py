#!/usr/bin/env python3
"""Steady, bounded load on tracuu serve (127.0.0.1 only), with figures.

--clients keep-alive connections each ask, in turn, for the search page,
the search API, a document and a number page (PATHS) as fast as they are
answered, for --seconds. Meanwhile:
  - every --sample seconds the server's RSS and open descriptors are read
    from /proc/--pid;
  - each line "EPOCH_MS ID" appended to --commits (by the writers, after a
    commit) is checked: /api/doc/ID is asked until it answers 200, and the
    delay from the commit is recorded.
Prints one JSON object: requests, errors (any answer but 200, with
examples), requests/s, p50/p99 latency, the timeline (per sample: t, rps,
p50, p99, rss_kb, fds), and the visibility delays.
"""
import argparse
import json
import os
import socket
import threading
import time
import urllib.parse

PATHS = [
    "/?q=quyet+dinh",
    "/api/search?q=b%E1%BA%A3ng+gi%C3%A1+%C4%91%E1%BA%A5t",
    "/api/search?q=cai+cach+hanh+chinh&sort=date",
    "/doc/tayho-2019-0031",
    "/api/doc/tayho-2019-0031",
    "/so/45%2FKH-UBND",
    "/api/so/45%2FKH-UBND",
]


def read_answer(s, buf):
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("closed by the server")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("closed by the server")
        rest += chunk
    return status, rest[:length], rest[length:]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.lat = []       # (time, seconds)
        self.errors = []
        self.requests = 0


def client(port, until, st):
    i = 0
    s, buf = None, b""
    while time.time() < until:
        path = PATHS[i % len(PATHS)]
        i += 1
        start = time.time()
        try:
            if s is None:
                s = socket.create_connection(("127.0.0.1", port), timeout=30)
                buf = b""
            s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n")
            status, body, buf = read_answer(s, buf)
        except OSError as e:
            status, body = "error: %s" % e, b""
            if s:
                s.close()
            s = None
        end = time.time()
        with st.lock:
            st.requests += 1
            st.lat.append((end, end - start))
            if status != 200:
                st.errors.append("%s %s %s" % (path, status, body[:200].decode("utf-8", "replace")))
    if s:
        s.close()


def get_status(port, path):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status, _, _ = read_answer(s, b"")
        s.close()
        return status
    except OSError:
        return None


def checker(port, commits, until, vis):
    seen = 0
    while time.time() < until + 3:
        try:
            with open(commits) as f:
                lines = f.read().splitlines()
        except OSError:
            lines = []
        for line in lines[seen:]:
            ms, ident = line.split(" ", 1)
            path = "/api/doc/" + urllib.parse.quote(ident, safe="")
            while get_status(port, path) != 200 and time.time() - int(ms) / 1000 < 10:
                time.sleep(0.01)
            delay = time.time() - int(ms) / 1000
            vis.append((ident, round(delay * 1000)))
        seen = len(lines)
        if time.time() > until:
            break
        time.sleep(0.05)


def proc(pid):
    rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return rss, len(os.listdir("/proc/%d/fd" % pid))


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p))] * 1000, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--sample", type=float, default=10)
    ap.add_argument("--commits", default=None)
    a = ap.parse_args()
    start = time.time()
    until = start + a.seconds
    st = Stats()
    vis = []
    threads = [threading.Thread(target=client, args=(a.port, until, st)) for _ in range(a.clients)]
    if a.commits:
        threads.append(threading.Thread(target=checker, args=(a.port, a.commits, until, vis)))
    for t in threads:
        t.daemon = True
        t.start()
    timeline = []
    last = start
    while time.time() < until:
        time.sleep(min(a.sample, max(0.0, until - time.time())))
        now = time.time()
        with st.lock:
            window = [d for (t, d) in st.lat if last < t <= now]
        rss, fds = proc(a.pid)
        timeline.append({"t": round(now - start), "rps": round(len(window) / max(now - last, 1e-9)),
                         "p50_ms": pct(window, 0.5), "p99_ms": pct(window, 0.99), "rss_kb": rss, "fds": fds})
        last = now
    for t in threads:
        t.join(timeout=20)
    lat = [d for (_, d) in st.lat]
    out = {
        "seconds": round(time.time() - start, 1),
        "clients": a.clients,
        "requests": st.requests,
        "errors": len(st.errors),
        "error_examples": st.errors[:5],
        "rps": round(st.requests / a.seconds),
        "p50_ms": pct(lat, 0.5),
        "p99_ms": pct(lat, 0.99),
        "timeline": timeline,
        "visible": len(vis),
        "visible_max_ms": max((d for _, d in vis), default=None),
        "visible_over_2s": [v for v in vis if v[1] > 2000],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
