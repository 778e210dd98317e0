#!/usr/bin/env python3
"""Slow and greedy clients against a server on 127.0.0.1, and a real one.

For --seconds, at the same time:
  - --slow sockets (spread over --sources, by default 127.0.0.1 and
    127.0.0.2, and reopened when the server closes them) send a request line and then one header byte
    every --drip seconds, never finishing their headers (slowloris);
  - --greedy keep-alive connections from 127.0.0.3 ask for search pages as
    fast as the server answers them;
  - one real client from 127.0.0.1 asks for PATH every 0.2 s on a new
    connection and records each answer's status and time.
Prints one JSON object: the real client's answers (count, failures, p50,
max seconds), how often the server closed a slow socket, how long slow
sockets were held, and the greedy answers. Bounded in count and time;
traffic only to the loopback addresses above.

Measured so that a loaded machine (a client thread that runs late) cannot
make a sound server look wrong:
  - a slow socket watches for the server's close while it waits to drip,
    and its close is known to lie between the last time it was seen open
    and the time it was seen closed: "longest_open" is the longest a socket
    was *seen open* (the server held it at least that long), and
    "earliest_close" the shortest time to a close *seen* (the server held
    it at most that long), both from the start of the connect;
  - the real client runs in a process of its own (the crowd's 200 threads
    do not hold it up on the interpreter's lock) and asks on a fixed
    0.2 s schedule: an ask that was due while the one before it was
    answered goes at once, so waking up late does not thin its asks.
"""
import argparse
import json
import multiprocessing
import select
import socket
import threading
import time


def slow_worker(port, source, drip, until, out, lock):
    while time.time() < until:
        start = time.time()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
        except OSError:
            with lock:
                out["connect_failures"] += 1
            time.sleep(0.05)
            continue
        connected = time.time()
        seen_open = connected
        closed = False
        try:
            s.sendall(b"GET /?q=cham HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            while time.time() < until:
                # The server never answers a head that has not ended: input
                # here is its close (EOF, or a reset).
                t = time.time()
                readable, _, _ = select.select([s], [], [], drip)
                if readable:
                    if not s.recv(1):
                        raise OSError("closed")
                    continue
                seen_open = t + drip  # nothing came for the whole wait
                s.sendall(b"a")
        except OSError:
            closed = True
        seen_closed = time.time()
        s.close()
        with lock:
            out["longest_open"] = max(out["longest_open"], seen_open - connected)
            if closed:
                out["closed_by_server"] += 1
                out["earliest_close"] = min(out["earliest_close"], seen_closed - start)
        if closed:
            time.sleep(0.05)


def read_answer(s):
    """Status of one HTTP/1.1 answer with Content-Length, read whole."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise OSError("closed")
        body += chunk
    return status


def greedy_worker(port, until, out, lock):
    while time.time() < until:
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=("127.0.0.3", 0))
            while time.time() < until:
                s.sendall(b"GET /?q=quyet+dinh HTTP/1.1\r\nHost: x\r\n\r\n")
                status = read_answer(s)
                with lock:
                    out["greedy_answers"] += 1
                    if status != 200:
                        out["greedy_errors"] += 1
            s.close()
        except OSError:
            time.sleep(0.05)


def real_client(port, path, start, until, conn):
    """Asks at start, start + 0.2, start + 0.4 ... until `until` (at once
    when an ask is due already); sends its figures through conn."""
    out = {"real": 0, "real_failures": 0}
    times = []
    due = start
    while due < until:
        time.sleep(max(0.0, due - time.time()))
        due += 0.2
        asked = time.time()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=("127.0.0.1", 0))
            s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            status = read_answer(s)
            s.close()
        except OSError as e:
            status = "error: %s" % e
        times.append(time.time() - asked)
        out["real"] += 1
        if status != 200:
            out["real_failures"] += 1
            out.setdefault("real_failure_examples", []).append(str(status))
    times.sort()
    out["real_p50"] = round(times[len(times) // 2], 3) if times else None
    out["real_max"] = round(times[-1], 3) if times else None
    conn.send(out)
    conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--slow", type=int, default=200)
    ap.add_argument("--greedy", type=int, default=16)
    ap.add_argument("--drip", type=float, default=0.5)
    ap.add_argument("--seconds", type=float, default=14)
    ap.add_argument("--path", default="/api/search?q=quyet+dinh")
    ap.add_argument("--sources", default="127.0.0.1,127.0.0.2", help="addresses of the slow sockets")
    a = ap.parse_args()
    until = time.time() + a.seconds
    out = {"closed_by_server": 0, "longest_open": 0.0, "earliest_close": a.seconds,
           "connect_failures": 0, "greedy_answers": 0, "greedy_errors": 0}
    # The real client first, forked before any thread exists; it starts
    # asking once the slow sockets are in place.
    ours, theirs = multiprocessing.Pipe(duplex=False)
    real = multiprocessing.get_context("fork").Process(
        target=real_client, args=(a.port, a.path, time.time() + 1.0, until, theirs))
    real.start()
    theirs.close()
    lock = threading.Lock()
    threads = []
    sources = a.sources.split(",")
    for i in range(a.slow):
        source = sources[i % len(sources)]
        threads.append(threading.Thread(target=slow_worker, args=(a.port, source, a.drip, until, out, lock)))
    for _ in range(a.greedy):
        threads.append(threading.Thread(target=greedy_worker, args=(a.port, until, out, lock)))
    for t in threads:
        t.daemon = True
        t.start()
    try:
        out.update(ours.recv())
    except EOFError:
        out.update(real=0, real_failures=1, real_failure_examples=["the real client died"])
    real.join()
    for t in threads:
        t.join(timeout=15)
    out["longest_open"] = round(out["longest_open"], 1)
    out["earliest_close"] = round(out["earliest_close"], 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
