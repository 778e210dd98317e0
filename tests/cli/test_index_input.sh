# tracuu index reads its input honestly (issue 19, "silent loss on read
# errors"): a directory is not an empty file, a read error is not the end of
# the input, a file is not an index directory, and the 64 MB line limit holds
# while the line is read, so a longer line never takes more memory than that
# and the lines after it keep their numbers.
. "$(dirname "$0")/lib.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl

# A directory given as the input (once "indexed 0 records", exit 0).
mkdir "$TMP/dir"
run "$TRACUU" index --db "$TMP/db1" "$TMP/dir"
expect_rc 1 "a directory as input: exit 1, not 0"
expect_err "cannot read $TMP/dir: Is a directory" "a directory as input: said so"

# A read error midway: standard input that cannot be read (a directory's
# descriptor) was taken for the end of the input.
run "$TRACUU" index --incremental --db "$TMP/db2" - <"$TMP/dir"
expect_rc 6 "a read error: exit 6, not the end of the input"
expect_err "-:1: cannot read: Is a directory" "a read error: said so, with its line"
expect_one_line_err "a read error"

# A file given as the index (once "FILE/tracuu.stub lists other databases").
echo "not an index" >"$TMP/afile"
run "$TRACUU" index --db "$TMP/afile" "$SAMPLE"
expect_rc 2 "--db FILE: a usage error"
expect_err "$TMP/afile is a file, not an index directory" "--db FILE: said so"
expect_one_line_err "--db FILE"
expect_eq "$(cat "$TMP/afile")" "not an index" "--db FILE: the file is untouched"

# A line of 300 MB, then a good record, then a bad one. The limit is
# enforced while reading: peak memory stays far below the line (once the
# whole line was read first: a 1.5 GB line took 1.48 GB), and the lines
# after it keep their numbers (once, after an out-of-memory, the rest of
# line 1 was reported as line 2).
mkfifo "$TMP/in"
"$TRACUU" index --db "$TMP/db3" - <"$TMP/in" >/dev/null 2>"$TMP/long.err" &
pid=$!
exec 8>"$TMP/in"
{ printf '{"id": "long", "body": "'; head -c 300000000 /dev/zero | tr '\0' a; printf '"}\n'; } >&8
head -n 1 "$SAMPLE" >&8
echo '{"title": "no id"}' >&8
# Peak RSS while it waits for more input, after the long line.
for _ in $(seq 100); do [ -s "$TMP/long.err" ] && break; sleep 0.1; done
sleep 0.5
hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$pid/status" 2>/dev/null)
exec 8>&-
wait "$pid"
rc=$?
expect_eq "$rc" 1 "a 300 MB line: skipped, the rest indexed (exit 1)"
if grep -qF -- "-:1: skipped: line longer than 67108864 bytes" "$TMP/long.err"; then pass; else fail "the long line is line 1: $(cat "$TMP/long.err")"; fi
if grep -qF -- "-:3: skipped: missing \"id\"" "$TMP/long.err"; then pass; else fail "the line after it is line 3: $(cat "$TMP/long.err")"; fi
expect_eq "$("$TRACUU" stats --db "$TMP/db3" --json | jq -r .documents)" 1 "the record after the long line is indexed"
if [ -n "${TRACUU_SANITIZED:-}" ]; then
  echo "peak RSS: ${hwm:-?} MB (not checked under the sanitizers)"
elif [ -n "$hwm" ] && [ "$hwm" -lt 200 ]; then
  echo "peak RSS with a 300 MB line: $hwm MB"
  pass
else
  fail "peak RSS with a 300 MB line: ${hwm:-unknown} MB (the line is held whole?)"
fi
finish
