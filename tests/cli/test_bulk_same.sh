# A bulk build gives the index a sequential one gives: the same hits, in the
# same order, with the same scores (within 1e-9), merged into one database
# or kept as shards, and when records are added to an existing index
# (--bulk against record by record). The records include ties (identical
# texts under several ids: only the document ids can order them), an id
# given twice and, for --bulk, ids already in the index.
#
# The 520 ALQAC questions and 500 numbers on the 27,535 shared records are
# checked by bench/bench_index.c (its last line); this is the sample.
. "$(dirname "$0")/lib.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl

# 600 generated records, every 7th text the same as the one before it
# (ties), and one id twice with two texts (the second must win, at the
# first one's place).
awk 'BEGIN {
  for (i = 0; i < 600; i++) {
    t = (i % 7 == 0 && i > 0) ? i - 1 : i
    printf "{\"id\":\"g-%04d\",\"title\":\"Thông báo số %d/TB-UBND về lịch tiếp công dân\",\"date\":\"%04d-%02d-%02d\"," \
           "\"body\":\"Ủy ban nhân dân phường %d thông báo lịch tiếp công dân, căn cứ Quyết định số %d/QĐ-UBND " \
           "về cải cách hành chính và chuyển đổi số năm %d.\"}\n",
           i, t % 50 + 1, 2010 + t % 15, t % 12 + 1, t % 28 + 1, t % 13, t % 40 + 100, 2010 + t % 15
  }
  printf "{\"id\":\"g-0003\",\"title\":\"Kế hoạch chuyển đổi số\",\"date\":\"2024-01-02\",\"body\":\"Kế hoạch chuyển đổi số của phường, căn cứ Quyết định số 120/QĐ-UBND.\"}\n"
}' >"$TMP/gen.jsonl"
cat "$SAMPLE" "$TMP/gen.jsonl" >"$TMP/all.jsonl"
head -300 "$TMP/all.jsonl" >"$TMP/first.jsonl"
# The rest, and ten records of the first part again with new texts.
tail -n +301 "$TMP/all.jsonl" >"$TMP/rest.jsonl"
sed -n '60,69p' "$TMP/all.jsonl" | sed 's/"body":"/"body":"Đã sửa đổi: /' >>"$TMP/rest.jsonl"

QUERIES=("tiếp công dân" "chuyen doi so" "cải cách hành chính" "120/QĐ-UBND" "105/QĐ-UBND"
         "ủy ban nhân dân phường" "kế hoạch" "lịch tiếp" "2696/QĐ-UBND" "thông báo")

# Every query, in both orders: one line per hit (query, rank, id, score).
hits() { # DB
  local q sort
  for sort in relevance blend; do
    for q in "${QUERIES[@]}"; do
      "$TRACUU" search --db "$1" --json --sort "$sort" --limit 10 "$q" |
        jq -r --arg q "$sort $q" '[$q, .rank, .id, .score] | @tsv'
    done
  done
}

# Same ids in the same order, scores within 1e-9.
same_hits() { # DB_A DB_B WHAT
  hits "$1" >"$TMP/a.tsv"
  hits "$2" >"$TMP/b.tsv"
  local n diff
  n=$(wc -l <"$TMP/a.tsv")
  [ "$n" -gt 100 ] && pass || fail "$3: only $n hits to compare"
  diff=$(paste "$TMP/a.tsv" "$TMP/b.tsv" | awk -F'\t' '
    $1 != $5 || $2 != $6 || $3 != $7 { bad++; next }
    { d = $4 - $8; if (d < 0) d = -d; if (d > 1e-9) bad++ }
    END { print bad + 0 }')
  [ "$(wc -l <"$TMP/b.tsv")" = "$n" ] || diff=lines
  expect_eq "$diff" 0 "$3: hits that differ (of $n)"
}

# 1. One database: record by record against a bulk build, with 1 and 2 jobs.
run "$TRACUU" index --quiet --incremental --db "$TMP/seq" "$TMP/all.jsonl"
expect_rc 0 "sequential build"
run "$TRACUU" index --quiet --jobs 2 --flush 64k --db "$TMP/bulk2" "$TMP/all.jsonl"
expect_rc 0 "bulk build, 2 jobs"
run "$TRACUU" index --quiet --jobs 1 --db "$TMP/bulk1" "$TMP/all.jsonl"
expect_rc 0 "bulk build, 1 job"
same_hits "$TMP/seq" "$TMP/bulk2" "bulk (2 jobs, many runs) against sequential"
same_hits "$TMP/seq" "$TMP/bulk1" "bulk (1 job) against sequential"
expect_eq "$("$TRACUU" stats --db "$TMP/bulk2" --json | jq .documents)" \
  "$("$TRACUU" stats --db "$TMP/seq" --json | jq .documents)" "the same number of documents"
run "$TRACUU" search --db "$TMP/bulk2" --json "Kế hoạch chuyển đổi số của phường"
expect_eq "$(jq -r 'select(.id == "g-0003") | .title' "$TMP/out" | head -1)" "Kế hoạch chuyển đổi số" \
  "an id given twice keeps its last text"

# 2. Shards: record by record into 3 shards against a bulk build kept as 3.
run "$TRACUU" index --quiet --incremental --shards 3 --db "$TMP/seq3" "$TMP/all.jsonl"
expect_rc 0 "sequential build, 3 shards"
run "$TRACUU" index --quiet --shards 3 --flush 64k --db "$TMP/bulk3" "$TMP/all.jsonl"
expect_rc 0 "bulk build, 3 shards"
[ -f "$TMP/bulk3/tracuu.stub" ] && [ -e "$TMP/bulk3/shard-2/iamglass" ] && pass ||
  fail "a bulk build with --shards 3 keeps 3 shards and their stub"
same_hits "$TMP/seq3" "$TMP/bulk3" "bulk 3 shards against sequential 3 shards"

# 3. Adding to an existing index: record by record against --bulk.
run "$TRACUU" index --quiet --incremental --db "$TMP/inc" "$TMP/first.jsonl"
run "$TRACUU" index --quiet --db "$TMP/inc" "$TMP/rest.jsonl"
expect_rc 0 "records added to an index, one by one"
run "$TRACUU" index --quiet --incremental --db "$TMP/add" "$TMP/first.jsonl"
run "$TRACUU" index --quiet --bulk --flush 64k --db "$TMP/add" "$TMP/rest.jsonl"
expect_rc 0 "records added to an index with --bulk"
same_hits "$TMP/inc" "$TMP/add" "--bulk on an existing index against one by one"
expect_eq "$("$TRACUU" stats --db "$TMP/add" --json | jq .documents)" \
  "$("$TRACUU" stats --db "$TMP/inc" --json | jq .documents)" "--bulk replaces, never duplicates"

# 4. --rebuild replaces the index whatever it held; --incremental with --bulk is refused.
run "$TRACUU" index --quiet --rebuild --db "$TMP/add" "$SAMPLE"
expect_rc 0 "--rebuild"
expect_eq "$("$TRACUU" stats --db "$TMP/add" --json | jq .documents)" \
  "$(grep -c . "$SAMPLE")" "--rebuild leaves only the records it was given"
[ ! -e "$TMP/add.bulk" ] && pass || fail "--rebuild left its build directory behind"
run "$TRACUU" index --incremental --bulk --db "$TMP/x" "$SAMPLE"
expect_rc 2 "--incremental with --bulk"
expect_one_line_err "--incremental with --bulk"
run "$TRACUU" index --flush 1k --db "$TMP/x" "$SAMPLE"
expect_rc 2 "--flush below 64k"
expect_err "--flush expects a size" "--flush below 64k says why"
run "$TRACUU" index --jobs 0 --db "$TMP/x" "$SAMPLE"
expect_rc 2 "--jobs 0"
mkdir -p "$TMP/notanindex" && echo x >"$TMP/notanindex/file"
run "$TRACUU" index --db "$TMP/notanindex" "$SAMPLE"
expect_rc 2 "a directory holding something else"
expect_err "is not an index" "a directory holding something else: says why"
[ -f "$TMP/notanindex/file" ] && pass || fail "a directory holding something else is left alone"
finish
