# A crawler that stays in bounds, for what test_crawl_misbehave does not
# already hold (redirect loops and count, off-host and file:// redirects,
# body cap, gzip bomb, timeouts are there): no external entity or DTD is ever
# loaded (pages, sitemaps), no URL makes a path outside the store, long URLs
# and other hosts are never requested, a response header block over the cap
# fails the page, --max-pages caps the pages of a run, a site's page cap
# holds across runs, and every non-http(s) start URL is refused.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
SITE=$TMP/site
mkdir -p "$SITE/a"
start_server "$SITE"
printf 'User-agent: *\nDisallow:\nSitemap: /sitemap.xml\n' >"$SITE/robots.txt"
echo "bimatgoc root:x:0:0" >"$TMP/secret.txt" # must never reach the index
long=$(head -c 5000 /dev/zero | tr '\0' a)

# A page with every hostile thing an HTML page can carry.
cat >"$SITE/index.html" <<HTML
<!DOCTYPE html SYSTEM "$BASE/evil-page.dtd" [
  <!ENTITY xxe SYSTEM "file://$TMP/secret.txt">
  <!ENTITY % pe SYSTEM "$BASE/evil-param.dtd"> %pe;
]>
<html><head><meta charset="utf-8"><title>Trang chủ ngoaile</title>
<link rel="stylesheet" href="$BASE/evil.css"></head><body>
<h1>Trang chủ ngoaile &xxe;</h1>
<p>Văn bản: <a href="/a/../../../../etc/passwd">cha</a> <a href="/a/%2e%2e/%2e%2e/x.html">mã hoá</a>
<a href="/a/..%2f..%2fy.html">gạch</a> <a href="/$long.html">dài</a>
<a href="http://localhost:$PORT/khac.html">máy khác</a> <a href="ftp://127.0.0.1/z">ftp</a>
<a href="file://$TMP/secret.txt">tệp</a> <a href="javascript:alert(1)">js</a>
<a href="/a/trang.html">trang</a></p>
<p>Số: 12/TB-UBND (a document of its own, not a listing page, whatever its links)</p>
<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="$BASE/evil-xinclude.html"/>
</body></html>
HTML
cat >"$SITE/a/trang.html" <<HTML
<html><head><meta charset="utf-8"><title>Trang con</title></head><body><h1>Trang con trangcon</h1>
<p>Nội dung.</p></body></html>
HTML
# A sitemap with an external entity, a parameter entity and an entity bomb.
cat >"$SITE/sitemap.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE urlset [
  <!ENTITY xxe SYSTEM "file://$TMP/secret.txt">
  <!ENTITY % pe SYSTEM "$BASE/evil-sitemap.dtd"> %pe;
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>/a/trang.html</loc></url>
  <url><loc>/bom-&f;.html</loc></url>
  <url><loc>/xxe-&xxe;.html</loc></url>
  <url><loc>$BASE/a/trang.html?tu=sitemap</loc></url>
</urlset>
XML

mkdir -p "$TMP/store"
t0=$(date +%s)
run "$TRACUU" crawl --delay 0 --timeout 5 --json --store "$TMP/store" "$BASE/"
took=$(($(date +%s) - t0))
case $RC in 0 | 1) pass ;; *) fail "crawl of the hostile page: exit $RC ($ERR)" ;; esac
[ "$took" -le 30 ] && pass || fail "the entity bomb or the page took $took s"

# 1. No entity or DTD was fetched, none was expanded into the index.
expect_eq "$(requests '/evil')" 0 "no external DTD, parameter entity, stylesheet or XInclude fetched"
run "$TRACUU" search --json bimatgoc
expect_eq "$(grep -c . "$TMP/out")" 0 "a file:// entity never reaches the index"
expect_eq "$(requests '/(bom|xxe)-')" 0 "no entity of the sitemap expanded into a URL"
run "$TRACUU" search --json ngoaile
expect_rc 0 "the hostile page itself is indexed"
expect_eq "$(grep -c . "$TMP/out")" 1 "the hostile page is one document"

# 2. Only http(s) on this host, no long URL, and the link kept in the site.
expect_eq "$(requests '/aaaa')" 0 "a URL over FETCH_MAX_URL is never requested"
expect_eq "$(requests '/khac')" 0 "another host (localhost for 127.0.0.1) is never requested"
expect_eq "$(requests '/a/trang.html')" 1 "the page linked and in the sitemap is fetched once"

# 3. Nothing outside the store: every file the crawl wrote is under it, the
#    index or the test's own files; no path from a URL became a file.
find "$TMP" -newer "$TMP/secret.txt" -type f | grep -v -e "^$TMP/store/" -e "^$TMP/db/" \
  -e "^$TMP/site/" -e "^$TMP/out$" -e "^$TMP/err$" -e "^$TMP/server.log$" -e "^$TMP/port$" \
  -e "^$TMP/server.err$" -e "^$TMP/strays$" >"$TMP/strays" || true
expect_eq "$(cat "$TMP/strays")" "" "no file written outside the store and the index"
if find "$TMP/store" | grep -q -e passwd -e 'x\.html' -e 'y\.html' -e trang; then
  fail "a URL became a path in the store: $(find "$TMP/store" | head)"
else pass; fi
[ -e /etc/passwd.html ] || [ -e "$TMP/x.html" ] || [ -e "$TMP/y.html" ] && fail "a ../ URL escaped" || pass

# 4. Start URLs: only http and https.
for u in "file://$TMP/secret.txt" "ftp://127.0.0.1/" "gopher://127.0.0.1/" "javascript:alert(1)" \
  "http:/nohost" "$BASE/$long"; do
  run "$TRACUU" crawl --delay 0 --store "$TMP/store2" --db "$TMP/db2" "$u"
  [ "$RC" != 0 ] && pass || fail "start URL ${u:0:60} was accepted"
done

# 5. --max-pages caps the pages fetched in a run.
gen_site "$TMP/many" 30
start_server "$TMP/many"
run "$TRACUU" crawl --delay 0 --max-pages 5 --json --store "$TMP/store3" --db "$TMP/db3" "$BASE/"
case $RC in 0 | 1) pass ;; *) fail "--max-pages crawl: exit $RC ($ERR)" ;; esac
pages=$(awk '$3 !~ /^\/(robots\.txt|sitemap)/' "$SERVER_LOG" | wc -l)
[ "$pages" -le 5 ] && pass || fail "--max-pages 5 fetched $pages pages"

# 5b. A site never grows past its page cap (--max-site-pages, max_pages=):
#     the cap counts what the store knows, so it holds across runs, and
#     the pages already known are still revisited.
pages_asked() { awk '$3 !~ /^\/(robots\.txt|sitemap)/ {print $3}' "$SERVER_LOG" | sort -u; }
: >"$SERVER_LOG"
run "$TRACUU" crawl --delay 0 --max-site-pages 6 --json --store "$TMP/store5" --db "$TMP/db5" "$BASE/"
expect_rc 0 "a crawl with --max-site-pages 6"
expect_eq "$(pages_asked | wc -l)" 6 "--max-site-pages 6: six pages fetched"
capped=$(sed -n 's/.*"capped":\([0-9]*\).*/\1/p' "$TMP/out")
[ "${capped:-0}" -gt 0 ] && pass || fail "the summary counts the links not followed (capped: '$capped')"
expect_err "reached its cap of 6 pages" "the cap is said"
expect_eq "$(grep -c "reached its cap" "$TMP/err")" 1 "the cap is said once"
pages_asked >"$TMP/first-pages"
: >"$SERVER_LOG"
# 60 days on, every known page is due again (schedule.h: at most 30 days)
TRACUU_NOW=$(($(date +%s) + 60 * 86400)) \
  run "$TRACUU" crawl --delay 0 --max-site-pages 6 --json --store "$TMP/store5" --db "$TMP/db5" "$BASE/"
expect_rc 0 "a second crawl at the cap"
expect_eq "$(pages_asked)" "$(cat "$TMP/first-pages")" "at the cap: the same six pages revisited, no new one"
expect_eq "$(ids "$TMP/db5" | wc -l)" 5 "five pages in the index (the sixth is the listing)"
# (links a full site did not follow are found again when their page changes;
# fresh stores here)
for caps in "9 8 8" "7 - 7"; do
  set -- $caps
  printf '[crawl]\nmax_pages = %s\n[site many]\nstart = %s/\n' "$1" "$BASE" >"$TMP/cap.ini"
  [ "$2" = - ] || echo "max_pages = $2" >>"$TMP/cap.ini"
  : >"$SERVER_LOG"
  run "$TRACUU" crawl --delay 0 --config "$TMP/cap.ini" --store "$TMP/store-$1" --db "$TMP/db-$1"
  expect_rc 0 "a crawl with max_pages $1 in [crawl], $2 in the site"
  expect_eq "$(pages_asked | wc -l)" "$3" "[crawl] max_pages = $1, site max_pages = $2: $3 pages"
done
printf '[site many]\nstart = %s/\nmax_pages = 0\n' "$BASE" >"$TMP/cap0.ini"
run "$TRACUU" crawl --delay 0 --config "$TMP/cap0.ini" --store "$TMP/store5" --db "$TMP/db5"
expect_rc 2 "max_pages = 0 is refused"
expect_err "bad value for max_pages" "the bad max_pages is named"
run "$TRACUU" crawl --max-site-pages none --store "$TMP/store5" --db "$TMP/db5" "$BASE/"
expect_rc 2 "--max-site-pages none is refused"
expect_one_line_err "--max-site-pages none"

# 6. A response header block over FETCH_MAX_HEADERS (64 KB) fails the page.
python3 - "$TMP/hport" >/dev/null 2>&1 <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
def serve(c):
    try:
        req = c.recv(65536).decode("latin-1")
        path = req.split(" ")[1] if " " in req else "/"
        if path == "/robots.txt":
            c.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        else:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
            head += b"".join(b"X-Padding-%d: %s\r\n" % (i, b"p" * 1000) for i in range(200))
            c.sendall(head + b"Content-Length: 20\r\n\r\n<html>hello</html>\r\n")
    except OSError:
        pass
    c.close()
for _ in range(20):
    c, _a = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
hpid=$!
for _ in $(seq 100); do [ -s "$TMP/hport" ] && break; sleep 0.05; done
run "$TRACUU" crawl --delay 0 --timeout 5 --store "$TMP/store4" --db "$TMP/db4" \
  "http://127.0.0.1:$(cat "$TMP/hport")/"
case $RC in 1 | 7) pass ;; *) fail "a page with 200 KB of headers: exit $RC, expected 1 or 7" ;; esac
expect_err "headers larger than the 65536-byte limit" "the header cap says so"
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
finish
