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
p50, p99, rss_kb, fds), the trend of RSS and open descriptors over every
sample (the least-squares line's rise from the first sample's time to the
last's: a leak rises steadily, a one-off spike hardly moves it), and the
visibility delays.
"""
import argparse
import array
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
        self.window = []               # seconds, of the answers since the last sample
        self.lat = array.array("d")    # seconds, of every answer (8 bytes each)
        self.errors = []
        self.n_errors = 0
        self.requests = 0


def client(port, until, st, paths):
    i = 0
    s, buf = None, b""
    while time.time() < until:
        path = paths[i % len(paths)]
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
            st.window.append(end - start)
            st.lat.append(end - start)
            if status != 200 and len(st.errors) < 1000:
                st.errors.append("%s %s %s" % (path, status, body[:200].decode("utf-8", "replace")))
            if status != 200:
                st.n_errors += 1
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
            committed = int(ms) / 1000
            first = time.time() - committed  # how late the first look was
            polls, statuses = 0, {}
            while True:
                asked = time.time()
                status = get_status(port, path)
                polls += 1
                statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status == 200 or time.time() - committed >= 10:
                    break
                time.sleep(0.01)
            delay = time.time() - committed
            # The delay, and what it is made of: the first look's lateness,
            # the looks and their answers, the last answer's own time.
            vis.append((ident, round(delay * 1000), {"first_ms": round(first * 1000), "polls": polls,
                                                     "statuses": statuses,
                                                     "last_ms": round((time.time() - asked) * 1000)}))
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


def trend(timeline, key):
    """The least-squares line of key over t, as its rise over the samples' span."""
    pts = [(x["t"], x[key]) for x in timeline]
    if len(pts) < 2:
        return None
    n = len(pts)
    mt = sum(t for t, _ in pts) / n
    mv = sum(v for _, v in pts) / n
    var = sum((t - mt) ** 2 for t, _ in pts)
    if var == 0:
        return None
    slope = sum((t - mt) * (v - mv) for t, v in pts) / var
    return round(slope * (pts[-1][0] - pts[0][0]), 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--sample", type=float, default=10)
    ap.add_argument("--commits", default=None)
    ap.add_argument("--paths", default=None, help="a file of paths to ask for, one a line (default: PATHS)")
    ap.add_argument("--ready", default=None, help="a file written once the clients and the checker run")
    a = ap.parse_args()
    paths = PATHS
    if a.paths:
        with open(a.paths) as f:
            paths = [line.strip() for line in f if line.strip()]
    start = time.time()
    until = start + a.seconds
    st = Stats()
    vis = []
    threads = [threading.Thread(target=client, args=(a.port, until, st, paths[i % len(paths):] + paths[:i % len(paths)]))
               for i in range(a.clients)]
    if a.commits:
        threads.append(threading.Thread(target=checker, args=(a.port, a.commits, until, vis)))
    for t in threads:
        t.daemon = True
        t.start()
    if a.ready:  # the writers wait for this: a commit before the checker runs would look late
        with open(a.ready, "w") as f:
            f.write("ready\n")
    timeline = []
    last = start
    while time.time() < until:
        time.sleep(min(a.sample, max(0.0, until - time.time())))
        now = time.time()
        with st.lock:
            window, st.window = st.window, []
        rss, fds = proc(a.pid)
        timeline.append({"t": round(now - start, 1), "rps": round(len(window) / max(now - last, 1e-9)),
                         "p50_ms": pct(window, 0.5), "p99_ms": pct(window, 0.99), "rss_kb": rss, "fds": fds})
        last = now
    for t in threads:
        t.join(timeout=20)
    lat = st.lat
    out = {
        "seconds": round(time.time() - start, 1),
        "clients": a.clients,
        "requests": st.requests,
        "errors": st.n_errors,
        "error_examples": st.errors[:5],
        "rps": round(st.requests / a.seconds),
        "p50_ms": pct(lat, 0.5),
        "p99_ms": pct(lat, 0.99),
        "timeline": timeline,
        "rss_trend_kb": trend(timeline, "rss_kb"),
        "fds_trend": trend(timeline, "fds"),
        "rss_max_kb": max((x["rss_kb"] for x in timeline), default=None),
        "fds_max": max((x["fds"] for x in timeline), default=None),
        "visible": len(vis),
        "visible_max_ms": max((v[1] for v in vis), default=None),
        "visible_over_2s": [v for v in vis if v[1] > 2000],
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
