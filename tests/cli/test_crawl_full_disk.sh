# A crawl stopped by a full disk keeps its queue: its store fills while the
# URLs of a large sitemap go into the frontier (exit 6, "make room"); once
# there is room, the run the message asks for crawls those URLs (once, it
# said "0 new" and crawled nothing, and only a third run found them). The
# disk: a tmpfs of our own (root only; skipped otherwise).
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
N=20000
mkdir -p "$TMP/site"
start_server "$TMP/site"
printf 'User-agent: *\nDisallow:\nSitemap: %s/sitemap.xml\n' "$BASE" >"$TMP/site/robots.txt"
echo '<html><body><p>Trang chủ</p></body></html>' >"$TMP/site/index.html"
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
  awk -v n="$N" -v base="$BASE" 'BEGIN { for (i = 1; i <= n; i++) printf "<url><loc>%s/_/page?n=%d&amp;max=%d</loc></url>\n", base, i, i }'
  echo '</urlset>'
} >"$TMP/site/sitemap.xml"

mnt=$TMP/mnt
mkdir "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1m tmpfs "$mnt" 2>/dev/null; then
  trap 'umount "$mnt" 2>/dev/null; stop_server; rm -rf "$TMP"' EXIT
  run "$TRACUU" crawl --delay 0 --db "$TMP/db" --store "$mnt/store" "$BASE/"
  expect_rc 6 "a full disk while the sitemap's URLs are queued: exit 6"
  expect_err "make room" "a full disk: says what to do"
  # Room again: the same store, moved to a roomy disk.
  cp -a "$mnt/store" "$TMP/store"
  umount "$mnt"
  before=$(requests '/_/page')
  run "$TRACUU" crawl --delay 0 --max-pages 50 --db "$TMP/db" --store "$TMP/store" "$BASE/"
  after=$(requests '/_/page')
  expect_rc 0 "the run after making room"
  echo "sitemap pages fetched: $before before the full disk, $((after - before)) by the next run"
  if [ $((after - before)) -ge 40 ]; then pass; else fail "the next run crawled $((after - before)) of the sitemap's pages (the queue was lost): $ERR"; fi
else
  echo "skipped: needs root and mount for a tmpfs"
fi
finish
