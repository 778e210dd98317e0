# tracuu crawl, nightly safety: one crawl per store (EXIT_BUSY), a crawl
# killed with SIGKILL resumes where it stopped and ends with exactly the
# index an uninterrupted crawl builds; --max-pages; --no-index.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
N=80
gen_site "$TMP/site" "$N"
start_server "$TMP/site"
PAGES=$((N + 4)) # articles + 4 listing pages

# 1. The reference: one uninterrupted crawl.
run "$TRACUU" crawl --db "$TMP/ref" --store "$TMP/ref-store" --delay 0 --json "$BASE/"
expect_rc 0 "uninterrupted crawl"
expect_eq "$(jq -r .new "$TMP/out")" "$PAGES" "uninterrupted crawl: every page new"
ids "$TMP/ref" >"$TMP/ids_ref"
expect_eq "$(jq -r .listings "$TMP/out")" 4 "uninterrupted crawl: the 4 listing pages known as such"
expect_eq "$(wc -l <"$TMP/ids_ref")" "$N" "uninterrupted crawl: every article indexed, no listing"

# 2. A slow crawl in the background; a second crawl of the same store is
#    refused at once with a one-line message and exit code 10.
: >"$SERVER_LOG"
"$TRACUU" crawl --db "$TMP/db" --store "$TMP/store" --delay 0.05 "$BASE/" >/dev/null 2>"$TMP/bg.err" &
bg=$!
for _ in $(seq 200); do [ "$(requests /bai/)" -ge 30 ] && break; sleep 0.05; done
start=$(date +%s%N)
run "$TRACUU" crawl --db "$TMP/db" --store "$TMP/store" --delay 0 "$BASE/"
took=$((($(date +%s%N) - start) / 1000000))
expect_rc 10 "second concurrent crawl"
expect_err "another crawl is running" "second crawl says why"
expect_one_line_err "busy message"
if [ "$took" -lt 2000 ]; then pass; else fail "the busy crawl took $took ms to give up"; fi

# 3. SIGKILL half way, then a re-run: it resumes, fetches what was left
#    (not everything again) and ends with the same documents.
kill -9 "$bg"
wait "$bg" 2>/dev/null
before=$(requests /bai/)
if [ "$before" -lt "$N" ]; then pass; else fail "the crawl finished before it was killed ($before)"; fi
run "$TRACUU" crawl --db "$TMP/db" --store "$TMP/store" --delay 0 --json "$BASE/"
expect_rc 0 "crawl after SIGKILL"
expect_eq "$(jq -r .resumed "$TMP/out")" true "the run says it resumed"
ids "$TMP/db" >"$TMP/ids_resumed"
if cmp -s "$TMP/ids_ref" "$TMP/ids_resumed"; then pass; else
  fail "resumed index differs: $(diff "$TMP/ids_ref" "$TMP/ids_resumed" | head -5)"; fi
total=$(requests /bai/)
# Each article fetched once, but for those of the last turn (state commits
# every 64 answers or 250 ms: about 5 pages at --delay 0.05) and the one
# in flight when the kill came. On a machine busy with other work the
# 250 ms turn can hold more pages than that,
# so the bound is a fifth of the site: far below a crawl that started over.
if [ "$total" -le $((N + N / 5)) ]; then pass; else fail "resume re-fetched too much: $total requests for $N articles"; fi
# The store rebuilds the same index too (a torn WARC tail is cut off).
run "$TRACUU" index --db "$TMP/rebuilt" --from-store "$TMP/store"
expect_rc 0 "--from-store after a kill"
ids "$TMP/rebuilt" >"$TMP/ids_rebuilt"
if cmp -s "$TMP/ids_ref" "$TMP/ids_rebuilt"; then pass; else
  fail "rebuilt index differs: $(diff "$TMP/ids_ref" "$TMP/ids_rebuilt" | head -5)"; fi

# 4. --max-pages stops early; the next run goes on from there.
run "$TRACUU" crawl --db "$TMP/mp" --store "$TMP/mp-store" --delay 0 --max-pages 10 --json "$BASE/"
expect_rc 0 "--max-pages 10"
expect_eq "$(jq -r .fetched "$TMP/out")" 10 "--max-pages: 10 fetched"
run "$TRACUU" crawl --db "$TMP/mp" --store "$TMP/mp-store" --delay 0 --json "$BASE/"
expect_eq "$(ids "$TMP/mp" | wc -l)" "$N" "the next run finishes the site"

# 5. --no-index fetches and stores only; the next run indexes the backlog
#    from the store without downloading it again.
run "$TRACUU" crawl --db "$TMP/ni" --store "$TMP/ni-store" --delay 0 --no-index --json "$BASE/"
expect_rc 0 "--no-index"
expect_eq "$(jq -r .new "$TMP/out")" "$PAGES" "--no-index fetched every page"
[ -e "$TMP/ni" ] && fail "--no-index created an index" || pass
run "$TRACUU" crawl --db "$TMP/ni" --store "$TMP/ni-store" --delay 0 --json "$BASE/"
expect_eq "$(jq -r .recovered "$TMP/out")/$(jq -r .bytes "$TMP/out")" "$PAGES/0" \
  "the backlog indexed from the store, nothing downloaded"
ids "$TMP/ni" >"$TMP/ids_ni"
if cmp -s "$TMP/ids_ref" "$TMP/ids_ni"; then pass; else fail "--no-index then index differs"; fi
finish
