#!/usr/bin/env python3
"""score_pages.py: how well tracuu reads real pages, per site and per field.

Serves FOLDER (a folder of saved pages and files with a truth.json, like
../shared/corpus/portal-pages) on 127.0.0.1 with tests/server/testserver.py,
crawls it with `tracuu crawl` into a fresh index, and compares what the
index holds (`tracuu export`, `tracuu search --json`) with the truth:

  title    token precision and recall >= 0.85 (accents and case ignored)
           against "title" or one of "title_alts"
  date     the date of issue: the record's "date" unless its "date_source"
           says "posted" (then the page stated no date of issue); exact
  posted   the portal's posting date ("posted", else a "date" whose
           date_source is "posted"); exact
  number   exact once accents, spaces and case are gone (Đ = D), against
           "number" or one of "number_alts"
  type     exact, accents and case ignored
  issuer   token precision and recall >= 0.85 against "issuer" or one of
           "issuer_alts"; against "issuer_lenient", every truth token present
  body     "body_phrase" is in the body (accents, case, spaces ignored);
           pages without a body_phrase are not counted
  first    `tracuu search NUMBER` ranks the page (or a page with the same
           truth number) first; pages without a number are not counted
  listing  a page of kind "listing" is not in the index
  att#     an attachment's number, searched, finds the file first (the hit
           is the file, or lists it among its "attachments")
  att"     a phrase of the attachment (its body_phrase, else the first
           words of its title after the type) finds it in the first 10
A null truth field is right only when the index holds nothing there. A
document page that is not in the index is wrong in every field.

    bench/score_pages.py [--tracuu BIN] [--details] [--json] [--keep DIR] FOLDER

prints one row per site and one for all, each cell "right/counted". With
--details, every wrong field of every page (expected, then found). The crawl
starts at FOLDER/index.html when there is one, else at every page and file
of truth.json. Python 3 standard library only; exit 0 when it ran (whatever
the scores), 2 on bad usage.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(HERE)
PAGE_FIELDS = ["title", "date", "posted", "number", "type", "issuer", "body", "first"]
COLUMNS = PAGE_FIELDS + ["listing", "att#", "att\""]


# ---------------------------------------------------------------------------
# Matching rules
# ---------------------------------------------------------------------------

def fold(s):
    """Accents, case and Vietnamese đ gone; Unicode look-alikes left alone."""
    s = unicodedata.normalize("NFD", s or "")
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return s.replace("đ", "d").replace("Đ", "D").replace("Ð", "D").lower()


def tokens(s):
    return re.findall(r"\w+", fold(s))


def token_pr(found, truth):
    """(precision, recall) of found's tokens against truth's, as multisets."""
    f, t = tokens(found), tokens(truth)
    if not f or not t:
        return 0.0, 0.0
    rest = list(t)
    common = 0
    for w in f:
        if w in rest:
            rest.remove(w)
            common += 1
    return common / len(f), common / len(t)


def title_ok(found, truth, alts):
    for t in [truth] + list(alts or []):
        p, r = token_pr(found, t)
        if p >= 0.85 and r >= 0.85:
            return True
    return False


def issuer_ok(found, truth, alts, lenient):
    if title_ok(found, truth, alts):
        return True
    ft = tokens(found)
    return any(tokens(l) and all(w in ft for w in tokens(l)) for l in lenient or [])


def number_key(s):
    return re.sub(r"\s+", "", fold(s))


def number_ok(found, truth, alts):
    return any(number_key(found) == number_key(t) for t in [truth] + list(alts or []))


def phrase_in(phrase, body):
    squash = lambda s: " ".join(tokens(s))
    return squash(phrase) in squash(body)


# ---------------------------------------------------------------------------
# The crawl
# ---------------------------------------------------------------------------

class Run:
    def __init__(self, tracuu, folder, work):
        self.tracuu, self.folder, self.work = tracuu, folder, work
        self.db = os.path.join(work, "db")
        self.server = None
        self.base = None

    def start_server(self):
        port_file = os.path.join(self.work, "port")
        self.server = subprocess.Popen(
            [sys.executable, os.path.join(SRC, "tests/server/testserver.py"), "--root", self.folder,
             "--port-file", port_file], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        with open(port_file) as f:
            self.base = "http://127.0.0.1:%d/" % int(f.read())

    def stop_server(self):
        if self.server:
            self.server.terminate()
            self.server.wait()

    def url(self, path):
        return self.base + urllib.parse.quote(path)

    def tracuu_run(self, *args):
        return subprocess.run([self.tracuu] + list(args), capture_output=True, text=True)

    def crawl(self, starts):
        r = self.tracuu_run("crawl", "--db", self.db, "--store", os.path.join(self.work, "store"),
                            "--delay", "0", "--json", *starts)
        if r.returncode not in (0, 1):
            sys.exit("score_pages: tracuu crawl failed (%d): %s" % (r.returncode, r.stderr[-2000:]))
        return json.loads(r.stdout)

    def export(self):
        r = self.tracuu_run("export", "--db", self.db)
        if r.returncode != 0:
            sys.exit("score_pages: tracuu export failed: " + r.stderr)
        return {rec.get("url") or rec["id"]: rec for rec in map(json.loads, r.stdout.splitlines())}

    def search(self, query, limit):
        r = self.tracuu_run("search", "--db", self.db, "--json", "--limit", str(limit), "--", query)
        if r.returncode not in (0, 1):
            return []
        return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


def hit_urls(hit):
    urls = {hit.get("url"), hit.get("id")}
    for a in hit.get("attachments") or []:
        urls.add(a.get("url") if isinstance(a, dict) else a)
    return urls


# ---------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------

def issue_date(rec):
    return None if rec.get("date_source") == "posted" else rec.get("date")


def posted_date(rec):
    if rec.get("posted"):
        return rec["posted"]
    return rec.get("date") if rec.get("date_source") == "posted" else None


def judge_null(found, truth, ok):
    """A null truth is right only when nothing was found."""
    if truth is None:
        return not found
    return bool(found) and ok(found)


def score_page(p, rec, run, number_pages):
    """{field: (right, expected, found)} for one document page."""
    out = {}
    if rec is None:
        for f in PAGE_FIELDS:
            if f == "body" and not p.get("body_phrase"):
                continue
            if f == "first" and not p.get("number"):
                continue
            out[f] = (False, "indexed", "not in the index")
        return out
    title = rec.get("title")
    out["title"] = (judge_null(title, p.get("title"), lambda v: title_ok(v, p["title"], p.get("title_alts"))),
                    p.get("title"), title)
    d = issue_date(rec)
    out["date"] = (judge_null(d, p.get("date"), lambda v: v == p["date"]), p.get("date"), d)
    po = posted_date(rec)
    out["posted"] = (judge_null(po, p.get("posted"), lambda v: v == p["posted"]), p.get("posted"), po)
    n = rec.get("number")
    out["number"] = (judge_null(n, p.get("number"), lambda v: number_ok(v, p["number"], p.get("number_alts"))),
                     p.get("number"), n)
    t = rec.get("type")
    out["type"] = (judge_null(t, p.get("type"), lambda v: fold(v) == fold(p["type"])), p.get("type"), t)
    i = rec.get("issuer")
    out["issuer"] = (judge_null(i, p.get("issuer"), lambda v: issuer_ok(v, p["issuer"], p.get("issuer_alts"),
                                                                         p.get("issuer_lenient"))),
                     p.get("issuer"), i)
    if p.get("body_phrase"):
        body = rec.get("body") or ""
        out["body"] = (phrase_in(p["body_phrase"], body), p["body_phrase"], body[:160])
    if p.get("number"):
        hits = run.search(p["number"], 1)
        same = number_pages.get(number_key(p["number"]), set())
        got = hits[0].get("url") if hits else None
        out["first"] = (bool(hits) and bool(hit_urls(hits[0]) & same), p["number"], got)
    return out


def type_words(title, typ):
    """The title's words after its type word(s): the trích yếu."""
    words = title.split()
    n = len(tokens(typ)) if typ else 0
    if n and tokens(" ".join(words[:n])) == tokens(typ):
        words = words[n:]
    return words


def score_attachment(a, run):
    out = {}
    url = run.url(a["path"])
    if a.get("number"):
        hits = run.search(a["number"], 1)
        got = hits[0].get("url") if hits else None
        out["att#"] = (bool(hits) and url in hit_urls(hits[0]), a["number"], got)
    phrase = a.get("body_phrase")
    if not phrase and a.get("title"):
        words = [w for w in type_words(a["title"], a.get("type")) if re.search(r"\w", w)]
        phrase = " ".join(words[:8])
    if phrase:
        hits = run.search('"%s"' % phrase.replace('"', " "), 10)
        out["att\""] = (any(url in hit_urls(h) for h in hits), phrase, [h.get("url") for h in hits[:3]])
    return out


def site_of(entry):
    return entry.get("site") or entry["path"].split("/")[0]


def score(truth, run, records):
    """[(site, path, {column: (right, expected, found)})]."""
    rows = []
    number_pages = {}
    for p in truth.get("pages", []):
        if p.get("kind") != "listing":
            for n in [p.get("number")] + list(p.get("number_alts") or []):
                if n:
                    number_pages.setdefault(number_key(n), set()).add(run.url(p["path"]))
    for p in truth.get("pages", []):
        url = run.url(p["path"])
        if p.get("kind") == "listing":
            indexed = url in records
            rows.append((site_of(p), p["path"], {"listing": (not indexed, "not indexed",
                                                             "indexed" if indexed else "not indexed")}))
        else:
            rows.append((site_of(p), p["path"], score_page(p, records.get(url), run, number_pages)))
    for a in truth.get("attachments", []):
        rows.append((site_of(a), a["path"], score_attachment(a, run)))
    return rows


def table(rows):
    sites = sorted({r[0] for r in rows})
    counts = {}
    for site, _, res in rows:
        for col, (ok, _, _) in res.items():
            for key in (site, "all"):
                c = counts.setdefault((key, col), [0, 0])
                c[0] += bool(ok)
                c[1] += 1
    width = max([len(s) for s in sites] + [4])
    lines = ["%-*s" % (width, "site") + "".join("%11s" % c for c in COLUMNS)]
    for site in sites + ["all"]:
        cells = []
        for col in COLUMNS:
            c = counts.get((site, col))
            cells.append("%11s" % ("%d/%d" % tuple(c) if c else "-"))
        lines.append("%-*s" % (width, site) + "".join(cells))
    cells = []
    for col in COLUMNS:
        c = counts.get(("all", col))
        cells.append("%11s" % ("%.2f" % (c[0] / c[1]) if c and c[1] else "-"))
    lines.append("%-*s" % (width, "share") + "".join(cells))
    return "\n".join(lines), counts


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder")
    ap.add_argument("--tracuu", default=os.environ.get("TRACUU", os.path.join(SRC, "build/cli/tracuu")))
    ap.add_argument("--details", action="store_true", help="list every wrong field")
    ap.add_argument("--json", action="store_true", help="the counts as one JSON object")
    ap.add_argument("--keep", help="crawl into this directory (kept) instead of a temporary one")
    args = ap.parse_args()
    folder = os.path.realpath(args.folder)
    truth_path = os.path.join(folder, "truth.json")
    if not os.path.isfile(truth_path):
        ap.error("%s has no truth.json" % folder)
    if not os.access(args.tracuu, os.X_OK):
        ap.error("no tracuu at %s (--tracuu or TRACUU)" % args.tracuu)
    with open(truth_path, encoding="utf-8") as f:
        truth = json.load(f)
    work = args.keep or tempfile.mkdtemp(prefix="tracuu-score-")
    if args.keep:
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    env_home = os.path.join(work, "home")
    os.makedirs(env_home, exist_ok=True)
    os.environ.update(HOME=env_home, XDG_CONFIG_HOME=env_home, XDG_DATA_HOME=env_home,
                      TRACUU_SYSTEM_CONFIG=os.path.join(env_home, "none.conf"))
    run = Run(args.tracuu, folder, work)
    try:
        run.start_server()
        if os.path.isfile(os.path.join(folder, "index.html")):
            starts = [run.url("index.html")]
        else:
            starts = [run.url(e["path"]) for e in truth.get("pages", []) + truth.get("attachments", [])]
        summary = run.crawl(starts)
        records = run.export()
        rows = score(truth, run, records)
    finally:
        run.stop_server()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    text, counts = table(rows)
    if args.json:
        out = {"%s %s" % k: {"right": v[0], "counted": v[1]} for k, v in sorted(counts.items())}
        print(json.dumps({"crawl": summary, "scores": out}, ensure_ascii=False))
    else:
        print(text)
        print("(crawl: %d fetched, %d indexed, %d listings; %.1f s)" % (
            summary.get("fetched", 0), summary.get("indexed", 0), summary.get("listings", 0),
            summary.get("seconds", 0)))
    if args.details:
        for site, path, res in rows:
            for col, (ok, expected, found) in res.items():
                if not ok:
                    print("WRONG %-7s %s\n    expected: %s\n    found:    %s" % (col, path, expected, found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
