# The crawler's caps are counted and said, never quiet (issue 19): a page's
# links past the 5,000 it may give and a sitemap's URLs past the 50,000 it
# may list are counted as "capped" in the summary (once both said capped: 0)
# with a line on stderr; and a sitemap is fetched up to the 50 MB its parser
# reads (once the 16 MB page limit refused a 20 MB one).
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
SITE=$TMP/site
mkdir -p "$SITE"
start_server "$SITE"
printf 'User-agent: *\nDisallow:\nSitemap: %s/big-sitemap.xml\n' "$BASE" >"$SITE/robots.txt"
# A page with 6,000 links.
{
  echo '<html><head><meta charset="utf-8"><title>Danh sách</title></head><body><ul>'
  awk 'BEGIN { for (i = 1; i <= 6000; i++) printf "<li><a href=\"/l/%d.html\">Văn bản %d</a></li>\n", i, i }'
  echo '</ul></body></html>'
} >"$SITE/index.html"
# A sitemap of 50,100 URLs, padded to about 20 MB (whitespace is allowed
# around <loc>).
pad=$(printf '%*s' 330 '')
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
  awk -v base="$BASE" -v pad="$pad" 'BEGIN { for (i = 1; i <= 50100; i++) printf "<url><loc>%s/s/%d.html</loc>%s</url>\n", base, i, pad }'
  echo '</urlset>'
} >"$SITE/big-sitemap.xml"
size=$(wc -c <"$SITE/big-sitemap.xml")
[ "$size" -gt $((16 * 1024 * 1024)) ] && pass || fail "the sitemap is only $size bytes"

run "$TRACUU" crawl --delay 0 --max-pages 3 --json "$BASE/"
expect_rc 0 "the crawl"
expect_err "$BASE/: capped: 1000 links past the 5000 a page may give are not followed" "links past the cap: said"
expect_err "$BASE/big-sitemap.xml: capped: 100 URLs past the 50000 a sitemap may list are not followed" \
  "sitemap URLs past the cap: said"
if grep -qF "body larger than" "$TMP/err"; then fail "the 20 MB sitemap was refused: $ERR"; else pass; fi
expect_eq "$(jq -r .capped "$TMP/out")" 1100 "capped in the summary: 1,000 links and 100 sitemap URLs"
finish
