#!/usr/bin/env python3
"""make_corpus.py OUTDIR: the seed corpora of the fuzz targets, one folder per
target (OUTDIR/<target>/), generated from the project's own fixtures:
corpus/sample and corpus/broken (JSONL), corpus/site (pages, robots.txt,
sitemap.xml), tests/fixtures/html. Nothing generated is committed; run.sh
and .ci/run call this script.

Seeds follow each target's input layout (see the fuzz_<target>.c header):
fuzz_encoding and fuzz_extract take a first byte choosing the label / the
Content-Type and profile; fuzz_query takes NUL-separated text and filters;
fuzz_http takes two bytes choosing where the request is cut in two.
"""
import hashlib
import json
import os
import sys

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(rel):
    with open(os.path.join(SRC, rel), "rb") as f:
        return f.read()


def files_under(rel, exts):
    out = []
    for root, _dirs, names in os.walk(os.path.join(SRC, rel)):
        for n in sorted(names):
            if n.endswith(exts):
                out.append(os.path.relpath(os.path.join(root, n), SRC))
    return sorted(out)


class Corpus:
    def __init__(self, outdir):
        self.outdir = outdir
        self.counts = {}

    def add(self, target, data, limit=64 * 1024):
        if isinstance(data, str):
            data = data.encode("utf-8")
        data = data[:limit]
        d = os.path.join(self.outdir, target)
        os.makedirs(d, exist_ok=True)
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        self.counts[target] = self.counts.get(target, 0) + 1


def jsonl_lines():
    lines = []
    for rel in ("corpus/sample/records.jsonl", "corpus/broken/records.jsonl"):
        lines += [l for l in read(rel).split(b"\n") if l.strip()]
    return lines


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py OUTDIR")
    c = Corpus(sys.argv[1])
    lines = jsonl_lines()
    texts = []  # field values of the sample records: real running text
    for line in lines:
        c.add("record", line)
        try:
            rec = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(rec, dict):
            texts += [v for v in rec.values() if isinstance(v, str) and v]
    # A few hand-written record edges: escapes, NUL, surrogates, nesting.
    for extra in ('{"id":"a\\u0000b","body":"x"}', '{"id":"\\ud800","title":"\\udc00\\ud83d\\ude00"}',
                  '{"id":"x","date":"2024-02-29"}', '{"id":"x","date":"2023-02-29"}',
                  '{"id":"x","body":[1,{"a":null}]}', '{"id":"x"} {"id":"y"}', '[]', '{"id":1}'):
        c.add("record", extra)

    pages = files_under("corpus/site", (".html",)) + files_under("tests/fixtures/html", (".html",))
    for i, rel in enumerate(pages):
        page = read(rel)
        c.add("extract", bytes([i % 8]) + page, limit=256 * 1024)
        c.add("extract", bytes([0x80 | (i % 8)]) + page[:16 * 1024])  # the vbpl profile
        c.add("encoding", b"\x00" + page[:8192])
        c.add("encoding", b"\x03" + page[:8192])  # declared windows-1258

    for t in texts:
        b = t.encode("utf-8")
        for target in ("text", "refs", "dates"):
            c.add(target, b[:4096])
        c.add("encoding", b"\x01" + b[:4096])
    # Legacy bytes: windows-1258 (decomposed marks), TCVN3-looking, double UTF-8.
    viet = "Quyết định số 2696/QĐ-UBND ngày 21 tháng 6 năm 2021 của Ủy ban nhân dân"
    for enc in ("cp1258", "latin-1"):
        try:
            c.add("encoding", b"\x00" + viet.encode(enc, errors="replace"))
        except LookupError:
            pass
    c.add("encoding", b"\x00" + viet.encode("utf-8").decode("latin-1").encode("utf-8"))
    c.add("encoding", b"\x00" + b"Quy\xd5t \xae\xfbnh s\xe8 2696")  # TCVN3-ish

    for q in ("chinh quyen do thi", "32/2021/NĐ-CP", "2696/qd-ubnd", "1732 /QÐ-UBND",
              '"phòng chống dịch" -covid +quyết OR định', "so:2696/QĐ-UBND loai:\"Quyết định\"",
              "tu:2021-01-01 den:31/12/2021 nam:2021", "coquan:UBND linhvuc:\"Y tế\"",
              "“tiếp công dân” -“tháng 3”", "nghị định 32/2021", "so:abc", "tu:2021-13-01"):
        c.add("query", q)
    c.add("query", b"quyet dinh\x002021-01-01\x002021-12-31\x00Quy\xe1\xba\xbft \xc4\x91\xe1\xbb\x8bnh\x00UBND\x00Y t\xe1\xba\xbf")
    for t in texts[:200]:
        c.add("query", t.encode("utf-8")[:200])

    for d in ("2021-07-03", "2021-07", "2021", "03/07/2021", "21-6-2021", "ngày 21 tháng 6 năm 2021",
              "Ngày đăng 03/07/2021 | 10:38", "31/02/2021", "29/02/2024", "Thứ Sáu, 20/08/2021 - 14:20"):
        c.add("dates", d)
    for r in ("Số: 215/TB-UBND", "Quyết định số 1732 /QÐ-UBND", "Nghị định 32/2021/NĐ-CP",
              "Luật số 59/2020/QH14", "văn bản 01/VBHN-VPQH", "2696/qd-ubnd"):
        c.add("refs", r)

    c.add("robots", read("corpus/site/robots.txt"))
    c.add("robots", "User-agent: tracuu\nAllow: /a/*.html$\nDisallow: /a/\nCrawl-delay: 0.5\n"
                    "User-agent: *\nDisallow: /\nSitemap: https://x.example/sm.xml\n")
    c.add("robots", "\ufeffUSER-AGENT: *\r\nDisallow: /*a*a*a*a*a*a*a*a*b$\r\nDisallow:\r\n")

    c.add("sitemap", read("corpus/site/sitemap.xml"))
    c.add("sitemap", '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                     "<sitemap><loc> /s1.xml </loc><lastmod>2024-01-01</lastmod></sitemap>"
                     "<sitemap><loc><![CDATA[/s2.xml]]></loc></sitemap></sitemapindex>")
    c.add("sitemap", '<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY a "aaaaaaaaaa">'
                     '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x SYSTEM "file:///etc/passwd">]>'
                     "<urlset><url><loc>&b;&x;</loc></url></urlset>")

    # Request heads for fuzz_http: two bytes choosing the cut, then what a
    # client sends: the tests' own requests and the shapes http.h decides.
    heads = [
        "GET /?q=quyet+dinh HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/search?q=b%E1%BA%A3ng+gi%C3%A1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\n"
        "Accept: */*\r\n\r\n",
        "HEAD /doc/tayho-2019-0031 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /so/45%2FKH-UBND HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET http://example.org/api/doc/x?q=1 HTTP/1.1\r\nHost: example.org\r\n\r\n",
        "GET http://example.org?q=1 HTTP/1.1\r\nHost: example.org\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nHEAD /c HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/1.1\nHost: x\n\nGET /b HTTP/1.1\nHost: x\n\n",
        "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nabcde",
        "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",
        "GET /\r\n",
        "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
        "GET /" + "a" * 17000 + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b" * 33000 + "\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\n" + "".join("X-H%d: %d\r\n" % (i, i) for i in range(120)) + "\r\n",
    ]
    for i, h in enumerate(heads):
        data = h.encode("latin-1")
        cut = (len(data) * (i % 4)) // 4
        c.add("http", bytes([cut & 0xff, cut >> 8 & 0xff]) + data)

    # Attachments: the sample site's own files (corpus/site/files), and small
    # hand-made ones. fuzz_pdf prepends "%PDF-1.4\n", fuzz_docx a kind byte,
    # fuzz_legacy a reader byte and the format's signature (see the targets).
    for rel in files_under("corpus/site/files", (".pdf",)):
        data = read(rel)
        c.add("pdf", data[data.find(b"\n") + 1:] if data.startswith(b"%PDF") else data, limit=256 * 1024)
    for rel in files_under("corpus/site/files", (".docx", ".odt")):
        c.add("docx", read(rel), limit=256 * 1024)
    c.add("pdf", b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R]"
                 b" /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99]"
                 b" /Contents 4 0 R >> endobj\n4 0 obj << /Length 20 >> stream\nBT (S\xe8 12) Tj ET\n"
                 b"endstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    # a signature widget whose appearance draws the number (attach_pdf_drawn.cc)
    c.add("pdf", b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R]"
                 b" /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 99 99]"
                 b" /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R /Annots [5 0 R] >> endobj\n"
                 b"4 0 obj << /Length 48 >> stream\nBT /F1 9 Tf 5 50 Td (So:) Tj 40 0 Td (/GM) Tj ET\nendstream endobj\n"
                 b"5 0 obj << /Type /Annot /Subtype /Widget /FT /Sig /F 4 /Rect [20 45 40 60] /AP << /N 7 0 R >> >> endobj\n"
                 b"6 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n"
                 b"7 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 20 15] /Resources << /Font << /F1 6 0 R >> >>"
                 b" /Length 29 >> stream\nBT /F1 9 Tf 1 3 Td (85) Tj ET\nendstream endobj\n"
                 b"trailer << /Root 1 0 R >>\n%%EOF\n")
    c.add("docx", b"\x00<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>S\xe1\xbb\x91: 45/GM-UBND</w:t>"
                  b"<w:tab/><w:br w:type=\"page\"/></w:r></w:p></w:body></w:document>")
    c.add("docx", b"\x01<office:document-content><text:p>TH\xc3\x94NG B\xc3\x81O<text:s text:c=\"3\"/>"
                  b"</text:p><text:soft-page-break/></office:document-content>")
    c.add("legacy", b"\x01\\ansi{\\fonttbl{\\f0 .VnTime;}}\\f0 Th\\'abng t\\'ad s\\'e8 12/2003/TT-BTC\\par "
                    b"Vi\\u7879?t\\page{\\*\\x y}{\\pict 00}\\bin3 abc}")
    c.add("legacy", b"\x00" + bytes(range(256)))
    for t in sorted(c.counts):
        print(f"{t}: {c.counts[t]} seeds")


if __name__ == "__main__":
    main()
