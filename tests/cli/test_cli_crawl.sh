# tracuu crawl on the sample site (corpus/site) served on 127.0.0.1: what
# is indexed, robots.txt, conditional revisits, changed and gone pages,
# the store and `tracuu index --from-store`.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
SITE=$TMP/site
cp -r "$TRACUU_SRC/corpus/site" "$SITE"
start_server "$SITE"
STORE=$TMP/store # the default: "store" beside $TRACUU_DB=$TMP/db
count() { "$TRACUU" stats --json "$@" | jq -r .documents; }
json() { jq -r ".$1" "$TMP/out"; }
found() { "$TRACUU" search --json --limit 50 "$@" | jq -r .url; }

# 1. First crawl: the whole public site, nothing behind robots.txt.
run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_rc 0 "first crawl"
expect_eq "$(json failed)" 0 "no page failed"
expect_eq "$(json broken)" 4 "four broken links (the truncated href of the broken page, the three .doc files)"
listings=$(json listings)
expect_eq "$(json attachments)/$(json attachments_failed)" 11/0 "the eleven files read (9 PDF, a DOCX, an RTF)"
# the documents: listing pages give links only, a file is part of the page linking it
pages=$(($(json new) - listings - $(json attachments)))
answered=$(($(json fetched) - $(json broken))) # duplicates (/ and /index.html) included
if [ "$pages" -ge 33 ]; then pass; else fail "first crawl found only $pages new documents"; fi
expect_eq "$(count)" "$pages" "every new page but the listings indexed"
expect_eq "$(requests /noi-bo)" 0 "robots.txt-disallowed /noi-bo/ never requested"
expect_eq "$(requests '/files/[^ ]*\.doc$')" 3 "each missing .doc file asked once"
expect_eq "$(requests /robots.txt)" 1 "robots.txt read once"
expect_eq "$(requests /sitemap.xml)" 1 "the sitemap named by robots.txt read"
expect_err "crawl done" "summary on stderr"
if jq -e '.fetched > 0' "$STORE/last-crawl.json" >/dev/null; then pass; else fail "last-crawl.json"; fi
ls "$STORE"/tracuu-*.warc.gz >/dev/null 2>&1 && pass || fail "no WARC file in the store"

# ... and search finds its documents, special pages included.
expect_eq "$(found 215/TB-UBND | head -1)" "$BASE/van-ban/215-tb-ubnd-2021.html" "a directive by number"
expect_eq "$(found 06/TB-UBND | head -1)" "$BASE/van-ban/06-tb-ubnd-2024.html" "the windows-1258 page"
expect_eq "$(found 1732/QĐ-UBND | head -1)" "$BASE/van-ban/1732-qd-ubnd-2021.html" "the Ð page"
if found "hướng dẫn nộp hồ sơ trực tuyến" | grep -q huong-dan-nop-ho-so; then pass; else fail "NFD page"; fi
if found "ngày pháp luật" | grep -q ngay-phap-luat-2022; then pass; else fail "page only in the sitemap"; fi
expect_eq "$(found khongduocthuthap | wc -l)" 0 "nothing from /noi-bo/ in the index"
ids "$TRACUU_DB" >"$TMP/ids1"
[ "$(json duplicate)" -ge 1 ] && pass || fail "identical content under / and /index.html: no duplicate"
# Listing pages (home, news and document lists with their pagination) are
# read for their links, not indexed: a search or a citation list shows the
# documents they list, never the list.
if [ "$listings" -ge 5 ]; then pass; else fail "only $listings listing pages found"; fi
expect_eq "$(grep -cE "^$BASE/(index.html|tin-tuc/(index|trang-[0-9]+)\.html|van-ban/(index|trang-[0-9]+)\.html)?\$" "$TMP/ids1")" 0 \
  "no listing page in the index"
expect_eq "$(grep -c "^$BASE/van-ban/.*-20[0-9][0-9]\.html\$" "$TMP/ids1")" \
  "$(ls "$SITE"/van-ban/*-20[0-9][0-9].html | wc -l)" "every document page indexed"
expect_eq "$("$TRACUU" ref --json 09/CT-UBND | jq -r .url | grep -c -e /index.html -e /trang-)" 0 \
  "the citations of 09/CT-UBND are documents, not the lists that name it"

# 2. Second crawl of the unchanged site, 40 days on (every page is due: the
#    longest revisit interval is 30 days by default): only conditional
#    requests, 304s, nothing stored or indexed again. (TRACUU_NOW is the
#    clock of the schedule, for tests.)
day=86400
t0=$(date +%s)
warc_size=$(cat "$STORE"/tracuu-*.warc.gz | wc -c)
: >"$SERVER_LOG"
TRACUU_NOW=$((t0 + 40 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_rc 0 "second crawl"
expect_eq "$(json new)/$(json changed)/$(json not_modified)" "0/0/$answered" "second crawl: all 304"
expect_eq "$(json bytes)" 0 "second crawl downloads no body"
unconditional=$(grep -v -e '/robots.txt ' -e '/sitemap.xml ' "$SERVER_LOG" | grep -c 'inm=- ' || true)
expect_eq "$unconditional" 0 "every page request is conditional (If-None-Match)"
expect_eq "$(grep -c 'ims=-' "$SERVER_LOG" | tr -d ' ')" 2 "If-Modified-Since sent too (not for robots/sitemap)"
expect_eq "$(cat "$STORE"/tracuu-*.warc.gz | wc -c)" "$warc_size" "nothing new stored"
ids "$TRACUU_DB" >"$TMP/ids2"
if cmp -s "$TMP/ids1" "$TMP/ids2"; then pass; else fail "second crawl changed the index"; fi

# 3. A changed page is re-indexed in place (80 days on: due again).
page=$SITE/tin-tuc/doi-thoai-doanh-nghiep-2023.html
sed -i 's|<div class="content">|<div class="content"><p>Từ khóa mới: thaydoimoi.</p>|' "$page"
TRACUU_NOW=$((t0 + 80 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_rc 0 "crawl after a change"
expect_eq "$(json changed)" 1 "one page changed"
expect_eq "$(found thaydoimoi)" "$BASE/tin-tuc/doi-thoai-doanh-nghiep-2023.html" "the change is searchable"
expect_eq "$(count)" "$pages" "changed in place, not added"

# 4. Pages that now answer 404 and 410 leave the index: a 410 at once, a
#    404 when it answered so three times, a day, then two days apart.
rm "$SITE/tin-tuc/khai-giang-truc-tuyen-2021.html"
touch "$SITE/van-ban/2108-ubnd-tnmt-2024.html.gone"
TRACUU_NOW=$((t0 + 120 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_rc 0 "crawl after removals"
expect_eq "$(json gone)/$(json retrying)" 1/1 "the 410 page gone, the 404 one asked again later"
expect_err "khai-giang-truc-tuyen-2021.html: HTTP 404: asked again in 1d (1 of 3 before it is declared gone)" \
  "the 404 is said, with when it is asked again"
expect_eq "$(found khai giang truc tuyen | grep -c khai-giang-truc-tuyen-2021)" 1 "a first 404 keeps the page"
TRACUU_NOW=$((t0 + 121 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_eq "$(json gone)/$(json retrying)" 0/1 "a second 404: asked again in 2 days"
asked=$(requests /tin-tuc/khai-giang)
TRACUU_NOW=$((t0 + 122 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_eq "$(requests /tin-tuc/khai-giang)" "$asked" "not asked before its retry is due"
TRACUU_NOW=$((t0 + 123 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_eq "$(json gone)" 1 "the third 404 in a row: gone"
expect_eq "$(count)" "$((pages - 2))" "gone pages removed from the index"
expect_eq "$(found 2108/UBND-TNMT | grep -c 2108-ubnd-tnmt-2024)" 0 "the 410 page is not found"
expect_eq "$(found khai giang truc tuyen | grep -c khai-giang-truc-tuyen-2021)" 0 "the 404 page is not found"

# 5. The store alone rebuilds the same index, without network.
stop_server
ids "$TRACUU_DB" >"$TMP/ids_crawl"
run "$TRACUU" index --db "$TMP/rebuilt" --from-store "$STORE"
expect_rc 0 "index --from-store"
ids "$TMP/rebuilt" >"$TMP/ids_rebuilt"
if cmp -s "$TMP/ids_crawl" "$TMP/ids_rebuilt"; then pass; else
  fail "--from-store differs: $(diff "$TMP/ids_crawl" "$TMP/ids_rebuilt" | head -5)"; fi
expect_eq "$(found thaydoimoi --db "$TMP/rebuilt")" "$BASE/tin-tuc/doi-thoai-doanh-nghiep-2023.html" \
  "the rebuilt index has the changed page's new text"
# ... and answers every search as the crawl's index does, with the time each
# page was first indexed: as a bulk build (the default) and record by record.
answers() { # DB
  for q in 215/TB-UBND "thông báo" "ủy ban nhân dân" thaydoimoi "hướng dẫn nộp hồ sơ trực tuyến" \
    "kế hoạch" 2021; do
    "$TRACUU" search --json --limit 50 --db "$1" "$q"
    "$TRACUU" search --json --limit 50 --sort date --db "$1" "$q"
  done
}
answers "$TRACUU_DB" >"$TMP/answers_crawl"
answers "$TMP/rebuilt" >"$TMP/answers_rebuilt"
expect_eq "$(jq -r .indexed "$TMP/answers_crawl" | grep -c '^20[0-9][0-9]-')" "$(grep -c . "$TMP/answers_crawl")" \
  "every hit says when it was first indexed"
if [ "$(jq -r .url "$TMP/answers_crawl" | sort -u | wc -l)" -ge 20 ]; then pass; else
  fail "the searches compared find too few pages: $(jq -r .url "$TMP/answers_crawl" | sort -u | wc -l)"; fi
if cmp -s "$TMP/answers_crawl" "$TMP/answers_rebuilt"; then pass; else
  fail "--from-store (bulk) answers differently: $(diff "$TMP/answers_crawl" "$TMP/answers_rebuilt" | head -4)"; fi
run "$TRACUU" index --incremental --db "$TMP/rebuilt-seq" --from-store "$STORE"
expect_rc 0 "index --from-store --incremental"
answers "$TMP/rebuilt-seq" >"$TMP/answers_seq"
if cmp -s "$TMP/answers_crawl" "$TMP/answers_seq"; then pass; else
  fail "--from-store --incremental answers differently: $(diff "$TMP/answers_crawl" "$TMP/answers_seq" | head -4)"; fi
# Into an index that is there: its documents stay, and the pages it had keep
# their stamps (here: the crawl's own index, rebuilt over itself).
cp -r "$TRACUU_DB" "$TMP/again"
run "$TRACUU" index --db "$TMP/again" --from-store "$STORE"
expect_rc 0 "index --from-store into an index that is there"
answers "$TMP/again" >"$TMP/answers_again"
if cmp -s "$TMP/answers_crawl" "$TMP/answers_again"; then pass; else
  fail "--from-store over the crawl's index answers differently: $(diff "$TMP/answers_crawl" "$TMP/answers_again" | head -4)"; fi

# 6. Usage errors, each one line.
run "$TRACUU" crawl
expect_rc 2 "crawl without URL"
expect_one_line_err "crawl without URL message"
run "$TRACUU" crawl "file:///etc/passwd"
expect_rc 2 "crawl of a file URL"
expect_err "not an http:// or https:// URL" "file URL refused"
run "$TRACUU" crawl --delay soon "$BASE/"
expect_rc 2 "bad --delay"
run "$TRACUU" help crawl
expect_rc 0 "help crawl"
expect_out "--max-pages" "help lists the options"
finish
