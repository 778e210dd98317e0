#!/usr/bin/env python3
"""portal.py: a generated district portal, night after night.

What the nightly-crawl tests and bench/bench_nightly.py crawl: a portal like
most district portals, its documents reachable only through paginated
listings (no sitemap unless --sitemap), every answer with an ETag and a
Last-Modified (304 to a matching If-None-Match, else to an If-Modified-Since
not older than Last-Modified), and a model of time. The test sets the night
(GET /_/night?n=K); between two nights new documents are published at the
top of the listings, some documents change and some go (404).

Everything follows from --seed and the night, so a test can ask the server
what is true (/_/truth) and compare it with what the crawl found; the model
is also importable (Model) for a harness written in Python.

Paths:
  /robots.txt                   Disallow: /_/ (and Sitemap: with --sitemap)
  /                             home: the 20 newest documents, the categories
  /van-ban/  /van-ban/trang-P.html          every document, newest first, 20 a page
  /chuyen-muc/C/  /chuyen-muc/C/trang-P.html  the documents of category C
  /vb/ID.html                   document ID (a sidebar lists the 5 newest)
  /sitemap.xml                  with --sitemap: every document with <lastmod>
Control (never crawled: robots.txt disallows /_/):
  /_/night?n=K                  the night from now on (answers "K")
  /_/status?path=P&code=N       path P answers N from now on (code=0: normal again)
  /_/truth                      JSON: the night, and per document
                                [id, first night, version, gone, category, topic]
  /_/changes                    JSON: {"ID": [nights it changed], ...}

Model: documents 1..--docs exist before night 0 (published every 6 hours
before it); night K >= 1 publishes --new-per-night documents, or the COUNT of
--new K=COUNT. A document changes at night K (K >= 1, if it existed at K-1)
when picked by --change K=COUNT, or at random by its class in
--change-rates ("share:probability per night,..."). --gone K=COUNT makes
COUNT documents answer 404 from night K on. A change shows as a new
"phienbanV" word in the body; the body's unique word is "vbsoID".

Requests are logged as testserver.py logs them (--log). Python stdlib only.
"""
import argparse
import email.utils
import hashlib
import json
import os
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testserver  # noqa: E402  (the request log, TCP_NODELAY, the server class)

DAY = 86400
PER_PAGE = 20
TYPES = [("Quyết định", "QĐ"), ("Thông báo", "TB"), ("Kế hoạch", "KH"), ("Công văn", "UBND")]
TOPICS = [("thuế", "thu thuế và phí"), ("đất đai", "quản lý đất đai"),
          ("giáo dục", "tuyển sinh giáo dục"), ("y tế", "phòng chống dịch y tế"),
          ("xây dựng", "trật tự xây dựng"), ("giao thông", "an toàn giao thông"),
          ("môi trường", "vệ sinh môi trường"), ("văn hóa", "hoạt động văn hóa")]
CATEGORIES = ["Chỉ đạo điều hành", "Quy hoạch - Xây dựng", "Tài chính - Ngân sách",
              "Văn hóa - Xã hội", "Nội vụ", "Tư pháp"]


def unit(*parts):
    """A number in [0, 1) that depends only on parts."""
    h = hashlib.sha256("/".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big") / 2.0 ** 64


def night_counts(spec):
    """["3=25", "5=0"] -> {3: 25, 5: 0}"""
    out = {}
    for item in spec or []:
        k, _, v = item.partition("=")
        out[int(k)] = int(v)
    return out


class Model:
    """The portal at any night; pure functions of the options."""

    def __init__(self, docs=3000, new_per_night=0, new=None, change=None, gone=None,
                 change_rates="", categories=4, seed=1, epoch=1735696800):
        self.n0 = docs
        self.new_per_night = new_per_night
        self.new = night_counts(new)
        self.change = night_counts(change)
        self.gone_at = night_counts(gone)
        self.categories = max(1, min(categories, len(CATEGORIES)))
        self.seed = seed
        self.epoch = epoch
        self.rates = []  # [(cumulative share, probability per night)]
        total = 0.0
        for part in filter(None, change_rates.split(",")):
            share, _, p = part.partition(":")
            total += float(share)
            self.rates.append((total, float(p)))
        self.lock = threading.Lock()
        self.cache = {}

    # --- documents and nights ------------------------------------------
    def published(self, night):
        """How many documents exist at night (ids 1..that)."""
        n = self.n0
        for k in range(1, night + 1):
            n += self.new.get(k, self.new_per_night)
        return n

    def first_night(self, i):
        """The night document i first appears (0 for the initial ones)."""
        if i <= self.n0:
            return 0
        k, n = 0, self.n0
        while n < i:
            k += 1
            n += self.new.get(k, self.new_per_night)
        return k

    def pub_time(self, i):
        k = self.first_night(i)
        if k == 0:
            return self.epoch - (self.n0 - i + 1) * 6 * 3600
        return self.epoch + (k - 1) * DAY + 12 * 3600 + (i % 600) * 10

    def picked(self, what, night, count):
        """count documents existing at night-1, chosen by (what, night)."""
        key = (what, night)
        with self.lock:
            if key not in self.cache:
                pool = self.published(night - 1)
                ids = sorted(range(1, pool + 1), key=lambda i: unit(self.seed, what, night, i))
                self.cache[key] = frozenset(ids[:min(count, pool)])
            return self.cache[key]

    def rate(self, i):
        u = unit(self.seed, "class", i)
        for cum, p in self.rates:
            if u < cum:
                return p
        return 0.0

    def changes(self, i, night):
        """The nights (1..night) at which document i changed."""
        out, p, first = [], self.rate(i), self.first_night(i)
        for k in range(first + 1, night + 1):
            hit = k in self.change and i in self.picked("change", k, self.change[k])
            if hit or (p > 0 and unit(self.seed, "change", i, k) < p):
                out.append(k)
        return out

    def gone(self, i, night):
        return any(i in self.picked("gone", k, c)
                   for k, c in self.gone_at.items() if k <= night)

    def version(self, i, night):
        return len(self.changes(i, night))

    def modified(self, i, night):
        ch = self.changes(i, night)
        return self.epoch + (ch[-1] - 1) * DAY + 14 * 3600 if ch else self.pub_time(i)

    def category(self, i):
        return int(unit(self.seed, "cat", i) * self.categories)

    def topic(self, i):
        return int(unit(self.seed, "topic", i) * len(TOPICS))

    def visible(self, night, category=None):
        """Documents listed at night, newest first (cached per night)."""
        key = ("visible", night, category)
        with self.lock:
            hit = self.cache.get(key)
        if hit is not None:
            return hit
        ids = [i for i in range(self.published(night), 0, -1)
               if (category is None or self.category(i) == category) and not self.gone(i, night)]
        with self.lock:
            self.cache[key] = ids
        return ids

    def truth(self, night):
        return {"night": night, "epoch": self.epoch,
                "docs": [[i, self.first_night(i), self.version(i, night),
                          self.gone(i, night), self.category(i), TOPICS[self.topic(i)][0]]
                         for i in range(1, self.published(night) + 1)]}

    # --- pages ---------------------------------------------------------
    def number(self, i):
        return "%d/%s-UBND" % (i, TYPES[i % len(TYPES)][1]) if i % len(TYPES) != 3 \
            else "%d/UBND-VP" % i

    def summary(self, i):
        return "Về việc %s trên địa bàn huyện năm %d" % (
            TOPICS[self.topic(i)][1], dmy(self.pub_time(i))[2])

    def document(self, i, night):
        v = self.version(i, night)
        d, m, y = dmy(self.pub_time(i))
        kind = TYPES[i % len(TYPES)][0]
        topic, phrase = TOPICS[self.topic(i)]
        edits = "".join("<p>Sửa đổi lần thứ %d: điều chỉnh nội dung về %s (phienban%d).</p>"
                        % (k, topic, k) for k in range(1, v + 1))
        newest = "".join('<li><a href="/vb/%d.html">%s</a> - %s</li>' % (j, self.number(j), esc(self.summary(j)))
                         for j in self.visible(night)[:5])
        body = f"""<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/chuyen-muc/{self.category(i)}/">{CATEGORIES[self.category(i)]}</a></div>
<div class="vanban-detail">
<table class="vb-header"><tr><td><b>ỦY BAN NHÂN DÂN<br>HUYỆN MÊ LINH</b><br>Số: {self.number(i)}</td>
<td><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc</b><br><i>Mê Linh, ngày {d} tháng {m} năm {y}</i></td></tr></table>
<p align="center"><b>{kind.upper()}</b></p>
<p align="center"><b>{esc(self.summary(i))}</b></p>
<p>Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; xét đề nghị của các phòng chuyên môn,
Ủy ban nhân dân huyện Mê Linh yêu cầu các cơ quan, đơn vị thực hiện nghiêm công tác {phrase} (vbso{i}).</p>
<p>Các phòng, ban chuyên môn và UBND các xã, thị trấn tổ chức triển khai, báo cáo kết quả về Văn phòng
HĐND và UBND huyện trước ngày 15 hằng tháng để tổng hợp.</p>
{edits}
<p><b>CHỦ TỊCH</b><br>Nguyễn Văn An</p>
</div>"""
        side = f'<div class="col-right sidebar"><h3>Văn bản mới</h3><ul>{newest}</ul></div>'
        return page("%s số %s" % (kind, self.number(i)), body, side, self.categories)

    def listing(self, night, category, p):
        ids = self.visible(night, category)
        pages = max(1, -(-len(ids) // PER_PAGE))
        if p < 1 or p > pages:
            return None
        base = "/van-ban/" if category is None else "/chuyen-muc/%d/" % category
        name = "Văn bản chỉ đạo điều hành" if category is None else CATEGORIES[category]
        rows = "".join(
            '<tr><td class="so"><a href="/vb/%d.html">%s</a></td><td class="ngay">%02d/%02d/%d</td>'
            '<td class="trich-yeu"><a href="/vb/%d.html">%s</a></td></tr>\n'
            % ((i, self.number(i)) + dmy(self.pub_time(i)) + (i, esc(self.summary(i))))
            for i in ids[(p - 1) * PER_PAGE:p * PER_PAGE])
        body = '<h1 class="cat-title">%s</h1>\n<table class="list-vanban"><tbody>\n%s</tbody></table>\n%s' % (
            name, rows, pagination(base, p, pages))
        return page("%s (trang %d)" % (name, p), body, "", self.categories)

    def home(self, night):
        rows = "".join('<li><a href="/vb/%d.html">%s</a> - %s</li>\n' % (i, self.number(i), esc(self.summary(i)))
                       for i in self.visible(night)[:PER_PAGE])
        body = ('<h2><a href="/van-ban/">Văn bản mới ban hành</a></h2><ul class="box-home">\n%s</ul>'
                '<p class="more"><a href="/van-ban/trang-2.html">Văn bản cũ hơn</a></p>' % rows)
        return page("Cổng thông tin điện tử huyện Mê Linh", body, "", self.categories)

    def sitemap(self, night, base):
        locs = "".join("<url><loc>%s/vb/%d.html</loc><lastmod>%s</lastmod></url>\n"
                       % (base, i, iso(self.modified(i, night))) for i in self.visible(night))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n%s</urlset>\n' % locs)


def dmy(t):
    import time
    tm = time.gmtime(t)
    return tm.tm_mday, tm.tm_mon, tm.tm_year


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def pagination(base, p, pages):
    def link(k, text):
        return '<a href="%s">%s</a>' % (base if k == 1 else "%strang-%d.html" % (base, k), text)
    parts = []
    if p > 1:
        parts += [link(1, "Đầu"), link(p - 1, "Trước")]
    parts += [link(k, str(k)) if k != p else "<b>%d</b>" % k
              for k in range(max(1, p - 2), min(pages, p + 2) + 1)]
    if p < pages:
        parts += [link(p + 1, "Sau"), link(pages, "Cuối")]
    return '<div class="pagination">%s</div>' % " ".join(parts)


def page(title, main, side, categories):
    menu = "".join('<li><a href="/chuyen-muc/%d/">%s</a></li>' % (c, CATEGORIES[c])
                   for c in range(categories))
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{esc(title)} - Cổng thông tin điện tử huyện Mê Linh</title></head>
<body><div class="header"><ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/van-ban/">Văn bản</a></li>{menu}</ul></div>
<div class="main"><div class="col-left">
{main}
</div>{side}</div>
<div class="footer"><p>Cổng thông tin điện tử huyện Mê Linh — trang sinh tự động của bộ kiểm thử tracuu, nội dung hư cấu.</p></div>
</body></html>
""".encode()


class Handler(testserver.Handler):
    server_version = "tracuu-portal/1"

    def do_GET(self):
        self.log_request_line()
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        srv = self.server
        if url.path.startswith("/_/"):
            return self.control(url.path[3:], q)
        code = srv.forced.get(url.path)
        if code:
            return self.send_status(code)
        night, model = srv.night, srv.model
        body, modified = self.render(url.path, night, model)
        if body is None:
            return self.send_status(404)
        ctype = "application/xml" if url.path.endswith(".xml") else \
            "text/plain; charset=utf-8" if url.path.endswith(".txt") else "text/html; charset=utf-8"
        self.send_validated(body, ctype, modified)

    def render(self, path, night, model):
        """(body bytes, Last-Modified time) or (None, 0) for a 404."""
        stamp = model.epoch + night * DAY - 3600  # pages built an hour before the crawl
        if path == "/robots.txt":
            text = "User-agent: *\nDisallow: /_/\n"
            if self.server.sitemap:
                text += "Sitemap: http://%s/sitemap.xml\n" % self.headers.get("Host", "")
            return text.encode(), model.epoch - DAY
        if path == "/sitemap.xml" and self.server.sitemap:
            return model.sitemap(night, "http://" + self.headers.get("Host", "")).encode(), stamp
        if path == "/":
            return model.home(night), stamp
        listing = parse_listing(path)
        if listing:
            body = model.listing(night, listing[0], listing[1])
            return (body, stamp) if body else (None, 0)
        if path.startswith("/vb/") and path.endswith(".html"):
            try:
                i = int(path[4:-5])
            except ValueError:
                return None, 0
            if 1 <= i <= model.published(night) and not model.gone(i, night):
                return model.document(i, night), model.modified(i, night)
        return None, 0

    def send_validated(self, body, ctype, modified):
        etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
        lastmod = email.utils.formatdate(modified, usegmt=True)
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        fresh = inm == etag if inm is not None else ims is not None and since(ims) >= modified
        validators = (("ETag", etag), ("Last-Modified", lastmod))
        if fresh:
            self.send_response(304)
            for k, v in validators:
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(200, body, ctype, validators)

    def control(self, what, q):
        srv = self.server
        if what == "night":
            srv.night = int(q.get("n", srv.night))
            return self.send_body(200, b"%d\n" % srv.night, "text/plain")
        if what == "status":
            code = int(q.get("code", "0"))
            if code:
                srv.forced[q["path"]] = code
            else:
                srv.forced.pop(q.get("path"), None)
            return self.send_body(200, b"ok\n", "text/plain")
        if what == "truth":
            night = int(q.get("night", srv.night))
            return self.send_body(200, json.dumps(srv.model.truth(night)).encode(), "application/json")
        if what == "changes":
            night = int(q.get("night", srv.night))
            m = srv.model
            out = {str(i): m.changes(i, night) for i in range(1, m.published(night) + 1)}
            return self.send_body(200, json.dumps({k: v for k, v in out.items() if v}).encode(),
                                  "application/json")
        return self.send_status(404)


def parse_listing(path):
    """(category or None, page) for a listing path, else None."""
    if path.startswith("/van-ban/"):
        cat, rest = None, path[len("/van-ban/"):]
    elif path.startswith("/chuyen-muc/"):
        head, _, rest = path[len("/chuyen-muc/"):].partition("/")
        if not head.isdigit():
            return None
        cat = int(head)
    else:
        return None
    if rest == "":
        return cat, 1
    if rest.startswith("trang-") and rest.endswith(".html") and rest[6:-5].isdigit():
        return cat, int(rest[6:-5])
    return None


def since(http_date):
    try:
        return int(email.utils.parsedate_to_datetime(http_date).timestamp())
    except (TypeError, ValueError):
        return -1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=3000, help="documents before night 0")
    ap.add_argument("--new-per-night", type=int, default=0)
    ap.add_argument("--new", action="append", metavar="NIGHT=COUNT")
    ap.add_argument("--change", action="append", metavar="NIGHT=COUNT")
    ap.add_argument("--gone", action="append", metavar="NIGHT=COUNT")
    ap.add_argument("--change-rates", default="", metavar="SHARE:P,...")
    ap.add_argument("--categories", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--epoch", type=int, default=1735696800,
                    help="unix time of night 0 (default 2025-01-01 02:00 UTC)")
    ap.add_argument("--night", type=int, default=0)
    ap.add_argument("--sitemap", action="store_true")
    ap.add_argument("--log", default=os.devnull)
    ap.add_argument("--port-file")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    srv = testserver.Server(("127.0.0.1", args.port), Handler)
    srv.model = Model(args.docs, args.new_per_night, args.new, args.change, args.gone,
                      args.change_rates, args.categories, args.seed, args.epoch)
    srv.night = args.night
    srv.sitemap = args.sitemap
    srv.forced = {}
    srv.log = open(args.log, "a", encoding="utf-8")
    srv.log_lock = threading.Lock()
    port = srv.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
