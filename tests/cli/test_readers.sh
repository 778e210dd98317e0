# Readers during writes: searches run in a loop while `tracuu index`
# re-indexes the same documents and commits again and again. Every search
# must exit 0 with nothing on stderr and a consistent answer: all the
# documents, each in a version some commit wrote, and the versions in whole
# batches (a commit is atomic: never half of one). A reader that meets
# Xapian's DatabaseModifiedError reopens and repeats (query/search.c; stats
# counts again, export goes on after its last record); the user never sees
# it.
. "$(dirname "$0")/lib.sh"
N=2000     # two batches of INDEXER_BATCH (1000) per run
RUNS=${READERS_WRITER_RUNS:-5}

# records VERSION: the same ids, titles saying which version wrote them.
records() {
  awk -v n="$N" -v v="$1" 'BEGIN {
    for (i = 0; i < n; i++)
      printf "{\"id\":\"r-%05d\",\"title\":\"Lịch tiếp công dân phiên bản %s số %d\"," \
             "\"date\":\"%04d-%02d-%02d\",\"body\":\"Ủy ban nhân dân thông báo lịch tiếp công " \
             "dân, phiên bản %s, văn bản số %d/TB-UBND ngày %d/%d/%d.\"}\n",
             i, v, i, 2000 + i % 25, i % 12 + 1, i % 28 + 1, v, i + 1, i % 28 + 1, i % 12 + 1,
             2000 + i % 25
  }'
}
records A >"$TMP/a.jsonl"
records B >"$TMP/b.jsonl"
"$TRACUU" index --quiet "$TMP/a.jsonl" || fail "first index"

# The writer: A, B, A, B ... each run two commits (at 1000 and at the end).
(
  for i in $(seq "$RUNS"); do
    if [ $((i % 2)) = 1 ]; then f=$TMP/b.jsonl; else f=$TMP/a.jsonl; fi
    "$TRACUU" index --quiet "$f" || echo "writer run $i: exit $?" >>"$TMP/writer.err"
  done
) &
writer=$!

# A reader: every document, with its title (and its snippet: documents read
# while the writer commits).
reader() { # NAME
  local k=0 out err rc a b
  while kill -0 "$writer" 2>/dev/null; do
    k=$((k + 1))
    out=$TMP/$1.$k.out err=$TMP/$1.$k.err
    "$TRACUU" search --json --limit 100000 "tiếp công dân" >"$out" 2>"$err"
    rc=$?
    a=$(grep -c '"title":"Lịch tiếp công dân phiên bản A' "$out")
    b=$(grep -c '"title":"Lịch tiếp công dân phiên bản B' "$out")
    echo "$rc $(wc -c <"$err") $(wc -l <"$out") $a $b" >>"$TMP/$1.log"
    rm -f "$out"
    [ -s "$err" ] && cp "$err" "$TMP/$1.err.kept"
    rm -f "$err"
  done
}
reader r1 &
r1=$!
reader r2 &
r2=$!
# stats and the date listing too, in the same loop as the writer
(while kill -0 "$writer" 2>/dev/null; do
  "$TRACUU" stats --json >"$TMP/stats.out" 2>>"$TMP/stats.err" || echo "stats exit $?" >>"$TMP/stats.err"
  jq -e '.documents == '"$N" "$TMP/stats.out" >/dev/null || echo "stats: $(cat "$TMP/stats.out")" >>"$TMP/stats.err"
done) &
st=$!
# export too: it goes on after the last record it wrote when a commit
# discards what it reads (once it exited 9, "cannot read the index: ",
# about 1 time in 30 while the index committed).
(while kill -0 "$writer" 2>/dev/null; do
  "$TRACUU" export >"$TMP/export.out" 2>>"$TMP/export.err" || echo "export exit $?" >>"$TMP/export.err"
  n=$(grep -c . "$TMP/export.out")
  [ "$n" = "$N" ] || echo "export: $n records, not $N" >>"$TMP/export.err"
  echo x >>"$TMP/exports"
done) &
ex=$!
wait "$writer" "$r1" "$r2" "$st" "$ex"

expect_eq "$(cat "$TMP/writer.err" 2>/dev/null)" "" "every writer run exits 0"
searches=$(cat "$TMP/r1.log" "$TMP/r2.log" | wc -l)
echo "$searches searches during $RUNS writer runs ($((RUNS * 2)) commits)"
[ "$searches" -gt 0 ] && pass || fail "no search ran while the writer worked"
expect_eq "$(awk '$1 != 0' "$TMP/r1.log" "$TMP/r2.log" | wc -l)" 0 "every search exits 0"
expect_eq "$(awk '$2 != 0' "$TMP/r1.log" "$TMP/r2.log" | wc -l)" 0 "no search prints an error"
[ -f "$TMP/r1.err.kept" ] && fail "a search said: $(cat "$TMP/r1.err.kept")"
[ -f "$TMP/r2.err.kept" ] && fail "a search said: $(cat "$TMP/r2.err.kept")"
expect_eq "$(awk -v n="$N" '$3 != n' "$TMP/r1.log" "$TMP/r2.log" | wc -l)" 0 "every search finds every document"
expect_eq "$(awk -v n="$N" '$4 + $5 != n' "$TMP/r1.log" "$TMP/r2.log" | wc -l)" 0 \
  "every document found is in version A or B"
expect_eq "$(awk '$4 % 1000 != 0' "$TMP/r1.log" "$TMP/r2.log" | wc -l)" 0 \
  "versions come in whole batches (commits are atomic)"
expect_eq "$(cat "$TMP/stats.err" 2>/dev/null)" "" "stats during the writes: exit 0, every document"
expect_eq "$(cat "$TMP/export.err" 2>/dev/null)" "" "export during the writes: exit 0, every record once"
echo "$(wc -l <"$TMP/exports" 2>/dev/null || echo 0) exports during the writes"
finish
