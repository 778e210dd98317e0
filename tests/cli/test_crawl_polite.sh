# tracuu crawl's manners: per-host delay (Crawl-delay, the config's
# delay=, --delay), an honest User-Agent, robots.txt groups for our agent,
# the config file's scope (include/exclude) and sitemap indexes.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
SITE=$TMP/site
gen_site "$SITE" 6
start_server "$SITE"
# min_gap: the smallest gap (ms) between two consecutive requests.
min_gap() { awk 'NR>1{d=($1-p)*1000; if(m==""||d<m)m=d} {p=$1} END{printf "%d", m}' "$SERVER_LOG"; }

# 1. robots.txt's Crawl-delay (0.4 s, in our own group: RFC 9309 groups do
#    not merge with "*") beats a smaller config delay= (0.2 s).
printf 'User-agent: *\nDisallow: /bai/6.html\n\nUser-agent: tracuu\nCrawl-delay: 0.4\nDisallow: /bai/5.html\n' \
  >"$SITE/robots.txt"
cat >"$TMP/sites.ini" <<INI
[site mau]
start = $BASE/
delay = 0.2
exclude = */bai/4.html
INI
run "$TRACUU" crawl --config "$TMP/sites.ini" --json
expect_rc 0 "crawl with a config"
gap1=$(min_gap)
if [ "$gap1" -ge 380 ]; then pass; else fail "Crawl-delay 0.4 s not honoured: requests $gap1 ms apart"; fi
# Our own group (User-agent: tracuu) replaces the "*" group.
expect_eq "$(requests /bai/5.html)" 0 "disallowed for tracuu: never requested"
expect_eq "$(requests /bai/6.html)" 1 "disallowed only for others: requested"
expect_eq "$(requests /bai/4.html)" 0 "excluded by the config: never requested"
expect_eq "$(jq -r .robots_blocked "$TMP/out")" 1 "one URL blocked by robots.txt"
# An honest User-Agent: tracuu and its version, and no made-up contact URL
# (0.1 named https://github.com/tracuu/tracuu, which does not exist).
VERSION=$("$TRACUU" --version | sed -n '1s/^tracuu //p')
if grep -q "ua=tracuu/${VERSION}_(crawler_of_public_notices)" "$SERVER_LOG"; then pass; else
  fail "User-Agent: $(head -1 "$SERVER_LOG")"; fi
if grep -q 'ua=.*https://' "$SERVER_LOG"; then fail "the default User-Agent names a URL"; else pass; fi

# 2. --delay overrides everything; --user-agent is sent as given.
: >"$SERVER_LOG"
run "$TRACUU" crawl --db "$TMP/db2" --store "$TMP/store2" --delay 0.1 \
  --user-agent "tracuu-test/1 (+https://example.org/bot)" "$BASE/"
expect_rc 0 "crawl with --delay 0.1"
# The gap is the delay plus what each request costs the crawler and the
# server, more on a loaded machine. A 0.4 s delay never gives less than
# 400 ms (so 380 tells them apart on a quiet machine); on a loaded one the
# 0.3 s less that --delay asks shows against the gap of the 0.4 s crawl
# above, measured moments before (0.1 s of it left for the cost to vary).
gap=$(min_gap)
bound=$((gap1 - 200 > 380 ? gap1 - 200 : 380))
if [ "$gap" -ge 90 ] && [ "$gap" -lt "$bound" ]; then pass; else
  fail "--delay 0.1: requests $gap ms apart, $gap1 ms with Crawl-delay 0.4"; fi
expect_eq "$(grep -vc 'ua=tracuu-test/1_(+https://example.org/bot)' "$SERVER_LOG")" 0 "--user-agent sent"

# 3. The config's include= pattern is the scope; a sitemap index leads to
#    a sitemap whose pages are linked from nowhere; its title= selector
#    picks the title.
mkdir -p "$SITE/an"
echo '<html><head><title>Trang ẩn</title></head><body><p>trangan</p></body></html>' >"$SITE/an/1.html"
cat >"$SITE/sm-index.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>$BASE/sm-1.xml</loc></sitemap></sitemapindex>
XML
cat >"$SITE/sm-1.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>/an/1.html</loc><lastmod>2024-01-01</lastmod></url><url><loc>/bai/1.html</loc></url>
</urlset>
XML
cat >"$TMP/sites3.ini" <<INI
[crawl]
delay = 0
[site an]
sitemap = $BASE/sm-index.xml
include = $BASE/an/
title = //p
INI
: >"$SERVER_LOG"
run "$TRACUU" crawl --db "$TMP/db3" --store "$TMP/store3" --config "$TMP/sites3.ini" --json
expect_rc 0 "crawl from a sitemap index"
expect_eq "$(jq -r .new "$TMP/out")" 1 "the page only the sitemap names"
expect_eq "$(requests /bai/)" 0 "outside include=: never requested"
expect_eq "$("$TRACUU" search --db "$TMP/db3" --json trangan | jq -r .url)" "$BASE/an/1.html" "found"
expect_eq "$("$TRACUU" search --db "$TMP/db3" --json trangan | jq -r .title)" "trangan" \
  "the config's XPath title= is used"

# 4. A server that sends no ETag (like Python's http.server): the revisit
#    is conditional on Last-Modified alone, and answered 304.
start_server "$SITE" --no-etag
run "$TRACUU" crawl --db "$TMP/db4" --store "$TMP/store4" --delay 0 --json "$BASE/"
expect_rc 0 "first crawl without ETags"
: >"$SERVER_LOG"
run "$TRACUU" crawl --db "$TMP/db4" --store "$TMP/store4" --delay 0 --json "$BASE/"
expect_eq "$(jq -r .new "$TMP/out")/$(jq -r .not_modified "$TMP/out")" "0/$(jq -r .fetched "$TMP/out")" \
  "revisit without ETags: all 304"
expect_eq "$(grep -v /robots.txt "$SERVER_LOG" | grep -c 'ims=-')" 0 "If-Modified-Since on every page"

# 5. Two hosts (127.0.0.1 and localhost: two origins, one server) are
#    fetched in parallel, each at its own pace.
TWO=$TMP/two
mkdir -p "$TWO"
start_server "$TWO"
printf 'User-agent: *\nDisallow:\n' >"$TWO/robots.txt"
{
  echo '<html><head><meta charset="utf-8"><title>Hai máy</title></head><body>'
  for i in 1 2 3 4 5; do
    echo "<a href=\"http://127.0.0.1:$PORT/a$i.html\">a$i</a> <a href=\"http://localhost:$PORT/b$i.html\">b$i</a>"
  done
  echo '</body></html>'
} >"$TWO/index.html"
for i in 1 2 3 4 5; do
  for h in a b; do
    echo "<html><head><title>Trang $h$i</title></head><body><p>noidung$h$i</p></body></html>" >"$TWO/$h$i.html"
  done
done
cat >"$TMP/two.ini" <<INI
[site two]
start = http://127.0.0.1:$PORT/
start = http://localhost:$PORT/b1.html
delay = 0.3
INI
run "$TRACUU" crawl --db "$TMP/db5" --store "$TMP/store5" --config "$TMP/two.ini" --json
expect_rc 0 "crawl of two hosts"
expect_eq "$(jq -r .new "$TMP/out")" 11 "both hosts' pages"
for h in 127.0.0.1 localhost; do
  grep -F " host=$h:$PORT" "$SERVER_LOG" >"$TMP/$h.log"
  gap=$(SERVER_LOG=$TMP/$h.log min_gap)
  if [ "$gap" -ge 280 ]; then pass; else fail "$h: requests $gap ms apart, delay is 300"; fi
done
# In parallel: each host waits out its own delay while the other is asked.
# One queue for both would put every request (robots.txt aside, which is
# asked at once) at least 300 ms after the one before it, whichever its
# host (the server logs a request after the answer to the one before it
# was read); two queues started together ask their pages side by side. The
# server's own clock says so, whatever the machine's load adds to each
# request.
close=$(grep -v ' /robots.txt ' "$SERVER_LOG" | sort -n | awk '
  { split($NF, h, "="); if (NR > 1 && h[2] != ph && ($1 - p) * 1000 < 290) n++; p = $1; ph = h[2] }
  END { print n + 0 }')
echo "two hosts: $close pages asked within 290 ms of the other host's last" >&2
if [ "$close" -ge 1 ]; then pass; else
  fail "two hosts: no page of one asked within 290 ms of the other's: one queue, not in parallel"; fi

# 6. A bad config is a usage error naming the line.
printf '[site x]\nstart = %s/\nspeed = 9\n' "$BASE" >"$TMP/bad.ini"
run "$TRACUU" crawl --config "$TMP/bad.ini"
expect_rc 2 "bad config"
expect_err "bad.ini:3: unknown key \"speed\"" "bad config message"
expect_one_line_err "bad config message is one line"
finish
