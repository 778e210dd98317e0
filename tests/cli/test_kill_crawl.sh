# tracuu crawl killed with SIGKILL at many points (seeded random delays over
# the length of an uninterrupted crawl, and twice in a row): after each kill
# the index opens and a search answers with documents of the reference crawl
# only; the next crawl of the same store resumes and ends with exactly the
# documents of an uninterrupted crawl. (test_crawl_resume kills once, at a
# fixed point; this one walks the whole run.)
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
N=60
ROUNDS=${KILL_ROUNDS:-5}
RANDOM=${KILL_SEED:-7123}
gen_site "$TMP/site" "$N"
start_server "$TMP/site"
DELAY=0.02 # seconds between requests: a run long enough to be cut anywhere

now_ms() { date +%s%3N; }
sleep_ms() { sleep "$(printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)))"; }

# 1. The reference.
t0=$(now_ms)
run "$TRACUU" crawl --db "$TMP/ref" --store "$TMP/ref-store" --delay "$DELAY" "$BASE/"
ref_ms=$(($(now_ms) - t0))
expect_rc 0 "uninterrupted crawl"
ids "$TMP/ref" >"$TMP/ids_ref"
pages=$(wc -l <"$TMP/ids_ref")
[ "$pages" -ge "$N" ] && pass || fail "uninterrupted crawl indexed $pages pages"

after_kill() { # DB STORE WHAT
  local db=$1 store=$2 what=$3 count
  if [ -e "$db/iamglass" ]; then
    run "$TRACUU" stats --db "$db" --json
    expect_rc 0 "$what: the index opens"
    count=$(jq -r .documents "$TMP/out")
    run "$TRACUU" search --db "$db" --json --limit 1000 "thông báo"
    expect_rc 0 "$what: search works"
    ids "$db" >"$TMP/ids_now"
    expect_eq "$(wc -l <"$TMP/ids_now")" "$count" "$what: the ids are what stats counts"
    expect_eq "$(comm -23 "$TMP/ids_now" "$TMP/ids_ref" | wc -l)" 0 "$what: only pages of the reference"
    echo "$what: $count documents"
  else
    echo "$what: no index yet"
  fi
  run "$TRACUU" crawl --db "$db" --store "$store" --delay 0 "$BASE/"
  case $RC in 0 | 1) pass ;; *) fail "$what: the resumed crawl: exit $RC ($ERR)" ;; esac
  ids "$db" >"$TMP/ids_after"
  if cmp -s "$TMP/ids_after" "$TMP/ids_ref"; then pass; else
    fail "$what: resumed crawl differs from the reference: $(diff "$TMP/ids_ref" "$TMP/ids_after" | head -3)"
  fi
}

# 2. Kills at seeded random points, 5% to 100% of the reference's length.
for round in $(seq "$ROUNDS"); do
  d=$((ref_ms * (5 + RANDOM % 96) / 100))
  "$TRACUU" crawl --db "$TMP/db$round" --store "$TMP/store$round" --delay "$DELAY" "$BASE/" \
    >/dev/null 2>&1 &
  pid=$!
  sleep_ms "$d"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  after_kill "$TMP/db$round" "$TMP/store$round" "kill after $d of $ref_ms ms"
done

# 3. Killed twice, then resumed.
for d in $((ref_ms / 4)) $((ref_ms / 3)); do
  "$TRACUU" crawl --db "$TMP/db-twice" --store "$TMP/store-twice" --delay "$DELAY" "$BASE/" \
    >/dev/null 2>&1 &
  pid=$!
  sleep_ms "$d"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done
after_kill "$TMP/db-twice" "$TMP/store-twice" "killed twice"

# 4. The store alone rebuilds the same index after a kill.
run "$TRACUU" index --quiet --db "$TMP/rebuilt" --from-store "$TMP/store-twice"
expect_rc 0 "index --from-store after kills"
ids "$TMP/rebuilt" >"$TMP/ids_rebuilt"
if cmp -s "$TMP/ids_rebuilt" "$TMP/ids_ref"; then pass; else fail "--from-store after kills differs"; fi
finish
