# The nightly crawl at portal scale, on the generated district portal of
# tests/server/portal.py (documents reachable only through paginated
# listings, ETag and Last-Modified, new and changed documents between
# nights). The schedule's clock is set with TRACUU_NOW.
#   1. a full crawl, then 25 new and 10 changed documents: one budgeted
#      night (--max-pages 200) indexes every new one and lists them;
#   2. a run right after asks no document that is not due, exactly what
#      --plan said it would;
#   3. 14 simulated nights (nightly_sim.py): within the budget every night,
#      every new document the night it appears, every change within
#      max_revisit, and the share of revisits that found a change reported;
#   4. --max-time ends a run on time and says what was left;
#   5. a sitemap's <lastmod> makes changed pages due at once;
#   6. a page answering 503 is asked again with backoff, then declared gone.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
export TZ=UTC
E=1735696800 # 2025-01-01T02:00:00Z, the portal's night 0
day=86400
crawl() { # NIGHT-SECONDS ARGS...: a crawl with the clock at E + NIGHT-SECONDS
  local at=$1
  shift
  TRACUU_NOW=$((E + at)) run "$TRACUU" crawl --delay 0 --json "$@"
}
json() { jq -r ".$1" "$TMP/out"; }
pages_asked() { awk '$3 !~ /^\/(robots\.txt|sitemap|_\/)/ {print $3}' "$SERVER_LOG"; } # not the test's control requests
in_index() { ids "$TRACUU_DB" | grep -c "^$BASE/vb/" || true; }

# 1. The issue's portal: 3,000 documents, 25 new and 10 changed on night 1.
start_portal --docs 3000 --new 1=25 --change 1=10 --epoch $E
crawl 0 "$BASE/"
expect_rc 0 "the full crawl"
expect_eq "$(in_index)" 3000 "the full crawl indexes the 3000 documents"
set_night 1
: >"$SERVER_LOG"
crawl $day --max-pages 200 "$BASE/"
expect_rc 0 "the budgeted night"
asked=$(pages_asked | wc -l)
[ "$asked" -le 200 ] && pass || fail "the budgeted night asked $asked pages, over 200"
expect_eq "$(in_index)" 3025 "every new document indexed in one budgeted night"
for i in 3001 3013 3025; do
  expect_eq "$(ids "$TRACUU_DB" | grep -c "/vb/$i.html$")" 1 "new document $i indexed"
done
expect_eq "$(jq '[.documents[] | select(.change == "new" and (.url | test("/vb/[0-9]+[.]html$")))] | length' "$TMP/out")" 25 \
  "the summary lists the 25 new documents"
expect_eq "$(jq -r '.documents[] | select(.url | endswith("/vb/3025.html")) | .number' "$TMP/out")" "3025/TB-UBND" \
  "with their numbers"
expect_err "3025/TB-UBND  Thông báo" "the text summary lists them with number and title"
expect_eq "$(json left_new)" 0 "no new URL left for the next night"
expect_eq "$("$TRACUU" search --json --since last-crawl --limit 100 vbso3007 | jq -r .url)" "$BASE/vb/3007.html" \
  "search --since last-crawl finds a new document"

# 2. A run right after asks only what --plan said is due: no document that
#    is not due.
TRACUU_NOW=$((E + day + 600)) run "$TRACUU" crawl --plan --json --max-pages 200 "$BASE/"
expect_rc 0 "--plan right after"
jq -r 'select(.url) | .url' "$TMP/out" | sed "s#^$BASE##" | sort >"$TMP/planned"
jq -r 'select(.reason == "revisit") | .url | select(test("/vb/"))' "$TMP/out" >"$TMP/planned-revisits"
[ "$(wc -l <"$TMP/planned-revisits")" -lt 20 ] && pass || fail "right after a night, $(wc -l <"$TMP/planned-revisits") revisits due"
known=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from page where gone=0").fetchone()[0])' "$TMP/store/state.sqlite")
expect_eq "$(jq -r 'select(.pages) | .pages' "$TMP/out")" "$known" "--plan counts the site's pages"
: >"$SERVER_LOG"
crawl $((day + 600)) --max-pages 200 "$BASE/"
expect_rc 0 "the run right after"
pages_asked | sort >"$TMP/asked"
expect_eq "$(comm -23 "$TMP/asked" "$TMP/planned" | wc -l)" 0 "it asks nothing --plan did not list"
expect_eq "$(grep -c '^/vb/' "$TMP/asked")" "$(wc -l <"$TMP/planned-revisits")" \
  "the only documents asked are the due revisits"
expect_eq "$(json new)" 0 "nothing new right after"

# 3. Fourteen nights.
python3 "$TRACUU_SRC/tests/cli/nightly_sim.py" --tracuu "$TRACUU" --work "$TMP/sim" --docs 400 \
  --nights 14 --budget 150 --new-per-night 3 --min-revisit 1d --revisit 2d --max-revisit 4d \
  --check --json "$TMP/sim.json" >"$TMP/sim.out" 2>&1
RC=$?
expect_rc 0 "14 simulated nights: $(tail -1 "$TMP/sim.out")"
share=$(jq -r .revisit_change_share "$TMP/sim.json")
awk -v s="$share" 'BEGIN { exit !(s > 0 && s < 1) }' && pass || fail "the share of revisits that found a change: $share"
echo "nightly: $(grep '^adaptive' "$TMP/sim.out")"

# 4. --max-time ends a run on time: 30 days on everything is due, and at a
#    tenth of a second a request it cannot be done in 2 seconds.
t0=$(date +%s%N)
TRACUU_NOW=$((E + 30 * day)) run "$TRACUU" crawl --delay 0.1 --json --max-time 2s "$BASE/"
ms=$((($(date +%s%N) - t0) / 1000000))
expect_rc 0 "a run with --max-time 2s"
[ "$ms" -lt 4500 ] && pass || fail "--max-time 2s took $ms ms"
expect_eq "$(json stopped)" max-time "the summary says the time budget ended it"
[ "$(json left_due)" -gt 100 ] && pass || fail "what was left is said: left_due $(json left_due)"
expect_err "stopped by --max-time" "and so does the text summary"
run "$TRACUU" crawl --max-time 90 "$BASE/"
expect_rc 2 "--max-time without a unit"
expect_err "--max-time expects a duration such as 90m or 2h, not \"90\"" "the bad duration is named"

# 5. A sitemap's <lastmod>: pages changed since their last fetch are asked
#    at once, due or not.
start_portal --docs 200 --change 1=5 --sitemap --epoch $E
rm -rf "$TMP/db" "$TMP/store"
crawl 0 "$BASE/"
expect_rc 0 "crawl of the portal with a sitemap"
set_night 1
: >"$SERVER_LOG"
crawl $day "$BASE/"
changed=$(curl -sf "$BASE/_/changes" | jq -r 'keys[]' | sort -n | tr '\n' ' ')
expect_eq "$(jq -r '[.documents[] | select(.change == "changed") | .url | capture("/vb/(?<n>[0-9]+)").n | tonumber] | sort | map(tostring) | join(" ")' "$TMP/out") " \
  "$changed" "the 5 documents the sitemap dates as changed are re-indexed the next night"

# 6. A page that answers 503 keeps its place until its fifth 503 in a row,
#    asked again 1, 2, 4 and 8 days apart (40 days on, it is due).
curl -sf "$BASE/_/status?path=/vb/7.html&code=503" >/dev/null
at=$((40 * day))
for visit in 1 2 3 4; do
  crawl $at --timeout 5 "$BASE/"
  expect_eq "$(ids "$TRACUU_DB" | grep -c '/vb/7.html$')" 1 "after 503 number $visit the page stays"
  at=$((at + (1 << (visit - 1)) * day))
done
expect_err "/vb/7.html: HTTP 503 after 3 attempts: asked again in 8d (4 of 5 before it is declared gone)" \
  "each 503 says when it is asked again"
crawl $at --timeout 5 "$BASE/"
expect_eq "$(json gone)" 1 "the fifth 503 in a row: gone"
expect_eq "$(ids "$TRACUU_DB" | grep -c '/vb/7.html$')" 0 "and removed from the index"
finish
