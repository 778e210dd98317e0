# tracuu index --incremental (record by record, a commit every 1,000) killed
# with SIGKILL at many points: after some documents, in
# the middle of a commit, during the final close. After every kill the index
# must open, answer a search with exactly the documents it says it holds (a
# committed batch, never half of one), and a re-run must end with exactly the
# documents of an uninterrupted run.
#
# The delays are random but seeded (KILL_SEED, default 20211) and spread over
# the length of an uninterrupted run measured here, so the test means the same
# on a fast and on a loaded machine. KILL_ROUNDS (default 4) sets how many.
. "$(dirname "$0")/lib.sh"
N=2200 # three commits (INDEXER_BATCH is 1000) and the close
ROUNDS=${KILL_ROUNDS:-4}
RANDOM=${KILL_SEED:-20211}

# Generated records: every one has a date, so a date filter lists them all.
awk -v n="$N" 'BEGIN {
  for (i = 0; i < n; i++)
    printf "{\"id\":\"k-%05d\",\"title\":\"Thông báo số %d/TB-UBND về việc tiếp công dân tháng %d\"," \
           "\"date\":\"%04d-%02d-%02d\",\"body\":\"Ủy ban nhân dân phường %d thông báo lịch tiếp " \
           "công dân ngày %d/%d/%d tại trụ sở, căn cứ văn bản số %d/QĐ-UBND.\"}\n",
           i, i + 1, i % 12 + 1, 2000 + i % 25, i % 12 + 1, i % 28 + 1, i % 17, i % 28 + 1,
           i % 12 + 1, 2000 + i % 25, (i * 7) % 5000 + 1
}' >"$TMP/records.jsonl"

now_ms() { date +%s%3N; }
doc_count() { "$TRACUU" stats --db "$1" --json | jq -r .documents; }
# Every document, one JSON line each, sorted: ids and stored fields alike.
all_docs() { "$TRACUU" search --db "$1" --json --sort date --limit 100000 --from 1900-01-01 | jq -c '{id, title, date}' | sort; }

# 1. The uninterrupted run: what every interrupted one must end with.
t0=$(now_ms)
run "$TRACUU" index --quiet --incremental --db "$TMP/ref" "$TMP/records.jsonl"
t1=$(now_ms)
expect_rc 0 "uninterrupted run"
ref_ms=$((t1 - t0))
all_docs "$TMP/ref" >"$TMP/ref.docs"
expect_eq "$(doc_count "$TMP/ref")" "$N" "uninterrupted run holds every record"
expect_eq "$(wc -l <"$TMP/ref.docs")" "$N" "a search lists every record"

# After a kill: the index opens (or was never created), its count is a whole
# number of batches, a search lists exactly those documents, and each listed
# document is one of the reference's, unchanged.
check_after_kill() { # DB WHAT
  local db=$1 what=$2 count
  if [ ! -e "$db/iamglass" ]; then
    run "$TRACUU" stats --db "$db" --json
    expect_rc 3 "$what: killed before the index existed, stats says there is none"
    echo "$what: no index yet"
    return
  fi
  run "$TRACUU" stats --db "$db" --json
  expect_rc 0 "$what: stats after the kill"
  count=$(jq -r .documents "$TMP/out")
  echo "$what: $count documents committed"
  case $count in
  0 | 1000 | 2000 | "$N") pass ;;
  *) fail "$what: $count documents: not a whole number of committed batches" ;;
  esac
  run "$TRACUU" search --db "$db" --json --sort date --limit 100000 --from 1900-01-01
  expect_rc 0 "$what: search after the kill"
  jq -c '{id, title, date}' "$TMP/out" | sort >"$TMP/got.docs"
  expect_eq "$(wc -l <"$TMP/got.docs")" "$count" "$what: a search lists what stats counts"
  expect_eq "$(comm -23 "$TMP/got.docs" "$TMP/ref.docs" | wc -l)" 0 \
    "$what: every document found is one of the uninterrupted run's"
}

rerun_and_compare() { # DB WHAT
  run "$TRACUU" index --quiet --incremental --db "$1" "$TMP/records.jsonl"
  expect_rc 0 "$2: re-run"
  expect_eq "$(doc_count "$1")" "$N" "$2: re-run holds every record"
  all_docs "$1" >"$TMP/rerun.docs"
  if cmp -s "$TMP/rerun.docs" "$TMP/ref.docs"; then pass; else
    fail "$2: re-run differs from the uninterrupted run: $(diff "$TMP/ref.docs" "$TMP/rerun.docs" | head -3)"
  fi
}

# 2. Kills at seeded random points of the run (5% to 105% of its length).
for round in $(seq "$ROUNDS"); do
  delay_ms=$((ref_ms * (5 + RANDOM % 100) / 100))
  db=$TMP/kill$round
  "$TRACUU" index --quiet --incremental --db "$db" "$TMP/records.jsonl" 2>/dev/null &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  check_after_kill "$db" "kill after ${delay_ms} ms of ${ref_ms}"
  rerun_and_compare "$db" "kill after ${delay_ms} ms"
done

# 3. A kill in the middle of a commit: once the first commit has rewritten
#    iamglass (Xapian's version file, replaced at the end of every commit),
#    the moment postlist.glass changes again the second commit is writing
#    its blocks. Kill then: the first batch must stand, whole.
db=$TMP/midcommit
"$TRACUU" index --quiet --incremental --db "$db" "$TMP/records.jsonl" 2>/dev/null &
pid=$!
size() { stat -c %s "$db/postlist.glass" 2>/dev/null || echo 0; }
phase=0 version0="" first=0
while kill -0 "$pid" 2>/dev/null; do
  version=$(stat -c %y "$db/iamglass" 2>/dev/null)
  case $phase in
  0) [ -n "$version" ] && version0=$version && phase=1 ;;
  1) [ "$version" != "$version0" ] && first=$(size) && phase=2 ;;
  2) if [ "$(size)" != "$first" ]; then
       kill -KILL "$pid" 2>/dev/null
       break
     fi ;;
  esac
done
wait "$pid" 2>/dev/null
check_after_kill "$db" "kill during a commit"
rerun_and_compare "$db" "kill during a commit"

# 4. Killed twice in a row, then resumed: the second kill lands on an index
#    the first one interrupted.
db=$TMP/twice
for d in $((ref_ms / 3)) $((ref_ms / 2)); do
  "$TRACUU" index --quiet --incremental --db "$db" "$TMP/records.jsonl" 2>/dev/null &
  pid=$!
  sleep "$(printf '%d.%03d' $((d / 1000)) $((d % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done
check_after_kill "$db" "killed twice"
rerun_and_compare "$db" "killed twice"
finish
