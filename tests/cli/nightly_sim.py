#!/usr/bin/env python3
"""nightly_sim.py: simulated nights of `tracuu crawl` on the generated portal.

Starts tests/server/portal.py, crawls it fully on night 0, then for each
night 1..K moves the portal to that night (new documents at the top of the
listings, some documents changed) and runs one budgeted crawl with the
clock set to that night (TRACUU_NOW). After each night it reads the
server's request log and the index (tracuu export) and compares them with
what the portal says is true (its model, imported from portal.py):

  requests     pages asked that night (robots.txt and sitemaps apart)
  new waits    for each document published on night k, the first night it
               is in the index, minus k
  revisits     documents asked again; "found a change" when the portal's
               version of the document differs from the one last fetched
  delay        for each change (document i changed on night c), the first
               night its new text is in the index, minus c

With --check, exits 1 (saying why) unless every night stays within the
budget, every new document is indexed the night it appears, and every change
is in the index within the site's max_revisit (changes whose window runs past
the last night are checked as far as it goes). --json writes the figures.
Used by tests/cli/test_nightly.sh and bench/bench_nightly.sh.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
import portal  # noqa: E402

DAY = 86400
UNITS = {"s": 1, "m": 60, "h": 3600, "d": DAY, "w": 7 * DAY}


def seconds(duration):
    return sum(int(n) * UNITS[u] for n, u in re.findall(r"(\d+)([smhdw])", duration))


class Sim:
    def __init__(self, a):
        self.a = a
        self.work = a.work
        os.makedirs(self.work, exist_ok=True)
        self.db = os.path.join(self.work, "db")
        self.store = os.path.join(self.work, "store")
        self.log = os.path.join(self.work, "server.log")
        self.model = portal.Model(a.docs, a.new_per_night, a.new, a.change, None, a.change_rates,
                                  a.categories, a.seed, a.epoch)
        self.server = None
        self.base = None
        self.nights = []       # per night: a dict of figures
        self.fetched = {}      # doc id -> night of its last fetch (by the log)
        self.fetched_version = {}
        self.first_indexed = {}  # doc id -> first night it was in the index
        self.index_version = {}  # doc id -> version in the index after the last night
        self.changes_seen = {}   # (doc, change night) -> night its text was indexed
        self.offset = 0

    # --- the portal ----------------------------------------------------
    def start(self):
        port_file = os.path.join(self.work, "port")
        if os.path.exists(port_file):
            os.remove(port_file)
        cmd = [sys.executable, os.path.join(HERE, "..", "server", "portal.py"), "--docs",
               str(self.a.docs), "--new-per-night", str(self.a.new_per_night), "--categories",
               str(self.a.categories), "--seed", str(self.a.seed), "--epoch", str(self.a.epoch),
               "--log", self.log, "--port-file", port_file]
        for k in self.a.new or []:
            cmd += ["--new", k]
        for k in self.a.change or []:
            cmd += ["--change", k]
        if self.a.change_rates:
            cmd += ["--change-rates", self.a.change_rates]
        self.server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file) as f:
            self.base = "http://127.0.0.1:%d" % int(f.read())
        config = os.path.join(self.work, "sites.ini")
        with open(config, "w") as f:
            f.write("[crawl]\ndelay = 0\n")
            if not self.a.old_config:
                f.write("min_revisit = %s\nrevisit = %s\nmax_revisit = %s\n"
                        % (self.a.min_revisit, self.a.revisit, self.a.max_revisit))
            f.write("[site portal]\nstart = %s/\n" % self.base)
        self.config = config

    def stop(self):
        if self.server:
            self.server.terminate()
            self.server.wait()

    def set_night(self, n):
        with urllib.request.urlopen("%s/_/night?n=%d" % (self.base, n)) as r:
            r.read()

    # --- one night ---------------------------------------------------------
    def crawl(self, n, budget):
        env = dict(os.environ, TRACUU_NOW=str(self.a.epoch + n * DAY), TZ="UTC")
        cmd = [self.a.tracuu, "crawl", "--config", self.config, "--db", self.db, "--store",
               self.store, "--json"]
        if budget:
            cmd += ["--max-pages", str(budget)]
        t0 = time.time()
        p = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = time.time() - t0
        if p.returncode not in (0, 1):
            sys.exit("night %d: tracuu crawl exited %d: %s" % (n, p.returncode, p.stderr[-2000:]))
        try:
            summary = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            summary = {}  # an older tracuu may print none with --json
        return summary, wall

    def requests(self):
        """Paths asked since the last call."""
        with open(self.log, encoding="utf-8") as f:
            f.seek(self.offset)
            lines = f.readlines()
            self.offset = f.tell()
        return [ln.split()[2] for ln in lines if len(ln.split()) > 2]

    def indexed(self):
        """doc id -> version of its text in the index."""
        p = subprocess.run([self.a.tracuu, "export", "--db", self.db], capture_output=True,
                           text=True, env=dict(os.environ, TZ="UTC"))
        out = {}
        for line in p.stdout.splitlines():
            rec = json.loads(line)
            m = re.search(r"/vb/(\d+)\.html$", rec.get("id", ""))
            if not m:
                continue
            versions = [int(v) for v in re.findall(r"phienban(\d+)", rec.get("body", ""))]
            out[int(m.group(1))] = max(versions) if versions else 0
        return out

    def night(self, n, budget):
        if n > 0:
            self.set_night(n)
        summary, wall = self.crawl(n, budget)
        paths = self.requests()
        paths = [p for p in paths if not p.startswith("/_/")]  # the test's own control requests
        pages = [p for p in paths if not p.startswith(("/robots.txt", "/sitemap"))]
        docs = [int(m.group(1)) for m in (re.match(r"^/vb/(\d+)\.html$", p) for p in pages) if m]
        revisits = found = 0
        for i in docs:
            v = self.model.version(i, n)
            if i in self.fetched:
                revisits += 1
                found += v != self.fetched_version[i]
            self.fetched[i] = n
            self.fetched_version[i] = v
        idx = self.indexed()
        for i, v in idx.items():
            self.first_indexed.setdefault(i, n)
            for k, c in enumerate(self.model.changes(i, n)):
                if v >= k + 1:
                    self.changes_seen.setdefault((i, c), n)
        self.index_version = idx
        fig = {"night": n, "requests": len(paths), "pages": len(pages), "documents": len(docs),
               "listings": len(pages) - len(docs), "revisits": revisits, "revisits_changed": found,
               "new_published": self.model.published(n) - self.model.published(n - 1) if n else 0,
               "seconds": round(wall, 2), "summary": {k: summary.get(k) for k in (
                   "fetched", "new", "changed", "revisits", "revisits_changed", "left_new",
                   "left_due", "stopped")}}
        self.nights.append(fig)
        return fig

    # --- figures -------------------------------------------------------------
    def figures(self):
        last = self.a.nights
        max_days = seconds(self.a.max_revisit) // DAY
        waits = []
        for i in range(self.model.published(0) + 1, self.model.published(last) + 1):
            k = self.model.first_night(i)
            waits.append(self.first_indexed.get(i, last + 1) - k)
        delays, late = [], []
        for i in range(1, self.model.published(last) + 1):
            for c in self.model.changes(i, last):
                d = self.changes_seen.get((i, c))
                if d is not None:
                    delays.append(d - c)
                    if d - c > max_days:
                        late.append((i, c, d))
                elif last - c >= max_days:  # its window ended and it is not there
                    late.append((i, c, None))
        nights = self.nights[1:]
        pages = [f["pages"] for f in nights]
        rv = sum(f["revisits"] for f in nights)
        rc = sum(f["revisits_changed"] for f in nights)
        pct = lambda xs, q: sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] if xs else None
        return {
            "label": self.a.label, "docs": self.a.docs, "nights": last, "budget": self.a.budget,
            "bounds": [self.a.min_revisit, self.a.revisit, self.a.max_revisit],
            "pages_per_night_mean": round(statistics.mean(pages), 1) if pages else 0,
            "pages_per_night_max": max(pages) if pages else 0,
            "new_documents": len(waits), "new_wait_p50": pct(waits, 0.5),
            "new_wait_max": max(waits) if waits else None,
            "revisits": rv, "revisits_changed": rc,
            "revisit_change_share": round(rc / rv, 3) if rv else None,
            "changes": len(delays) + sum(1 for x in late if x[2] is None),
            "change_delay_p50": pct(delays, 0.5), "change_delay_max": max(delays) if delays else None,
            "late_changes": late[:20], "n_late": len(late),
            "per_night": self.nights}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tracuu", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--label", default="adaptive")
    ap.add_argument("--docs", type=int, default=400)
    ap.add_argument("--nights", type=int, default=14)
    ap.add_argument("--budget", type=int, default=200)
    ap.add_argument("--new-per-night", type=int, default=3)
    ap.add_argument("--new", action="append")
    ap.add_argument("--change", action="append")
    ap.add_argument("--change-rates", default="0.7:0,0.2:0.1,0.1:0.5")
    ap.add_argument("--categories", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--epoch", type=int, default=1735696800)
    ap.add_argument("--min-revisit", default="1d")
    ap.add_argument("--revisit", default="2d")
    ap.add_argument("--max-revisit", default="4d")
    ap.add_argument("--old-config", action="store_true",
                    help="no revisit keys in the config (a tracuu without a schedule)")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    sim = Sim(a)
    try:
        sim.start()
        sim.night(0, 0)
        for n in range(1, a.nights + 1):
            f = sim.night(n, a.budget)
            print("night %2d: %3d pages (%3d listings, %3d documents: %3d revisits, %2d found a "
                  "change), %d published, %.1f s" % (n, f["pages"], f["listings"], f["documents"],
                                                    f["revisits"], f["revisits_changed"],
                                                    f["new_published"], f["seconds"]),
                  flush=True)
    finally:
        sim.stop()
    fig = sim.figures()
    print("%s: %s pages a night on average (max %s, budget %s); new documents wait p50 %s, max %s "
          "nights; %s of %s revisits found a change (%s); changes indexed after p50 %s, max %s "
          "nights (max_revisit %s); %d late"
          % (fig["label"], fig["pages_per_night_mean"], fig["pages_per_night_max"], a.budget,
             fig["new_wait_p50"], fig["new_wait_max"], fig["revisits_changed"], fig["revisits"],
             fig["revisit_change_share"], fig["change_delay_p50"], fig["change_delay_max"],
             a.max_revisit, fig["n_late"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(fig, f, indent=1)
    if not a.check:
        return 0
    problems = []
    if fig["pages_per_night_max"] > a.budget:
        problems.append("a night asked %d pages, over the budget of %d" % (fig["pages_per_night_max"], a.budget))
    if fig["new_wait_max"] not in (0, None):
        problems.append("a new document waited %s nights" % fig["new_wait_max"])
    if fig["n_late"]:
        problems.append("%d changes not indexed within max_revisit (doc, changed, indexed): %s"
                        % (fig["n_late"], fig["late_changes"][:5]))
    if not fig["revisits"]:
        problems.append("no revisit at all")
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
