# tracuu index: the sample corpus, re-indexing, the broken corpus, locks.
. "$(dirname "$0")/lib.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl
BROKEN=$TRACUU_SRC/corpus/broken/records.jsonl
count() { "$TRACUU" stats --json "$@" | jq -r .documents; }

# 1. A missing file is reported and counted as skipped.
run "$TRACUU" index "$TMP/nope.jsonl"
expect_rc 1 "missing input file"
expect_err "cannot read $TMP/nope.jsonl" "missing input file message"

# 2. The sample corpus: every line indexed.
lines=$(grep -c . "$SAMPLE")
run "$TRACUU" index "$SAMPLE"
expect_rc 0 "index sample"
expect_eq "$(count)" "$lines" "documents after indexing the sample"
expect_err "indexed $lines records" "summary line"

# 3. Re-indexing replaces: the count does not grow.
run "$TRACUU" index "$SAMPLE"
expect_rc 0 "re-index sample"
expect_eq "$(count)" "$lines" "documents after re-indexing"

# 4. The broken corpus, into its own index: each bad line named with its
#    number and reason, the good ones (and the repaired one) indexed.
run "$TRACUU" index --db "$TMP/broken" "$BROKEN"
expect_rc 1 "broken corpus exit code says lines were skipped"
expect_err "records.jsonl:2: skipped: not valid JSON" "line 2: not JSON"
expect_err "records.jsonl:3: skipped: missing \"id\"" "line 3: no id"
expect_err "records.jsonl:4: skipped: \"id\" must be a string" "line 4: id not a string"
expect_err "records.jsonl:7: invalid UTF-8 replaced" "line 7: repaired"
expect_err "records.jsonl:8: skipped: \"date\" is \"28/7/2021\"" "line 8: bad date"
expect_err "records.jsonl:10: skipped: not a JSON object" "line 10: array"
expect_err "records.jsonl:11: skipped: not valid JSON" "line 11: truncated"
expect_eq "$(count --db "$TMP/broken")" 4 "broken corpus keeps 4 records"
run "$TRACUU" search --db "$TMP/broken" --json "broken"
expect_rc 0 "search the repaired record"
if jq -e . "$TMP/out" >/dev/null 2>&1; then pass; else fail "search output with a repaired record is valid JSON"; fi

# 5. Standard input, and a second writer while the first holds the lock.
mkfifo "$TMP/fifo"
"$TRACUU" index --db "$TMP/locked" - <"$TMP/fifo" 2>/dev/null &
writer=$!
exec 9>"$TMP/fifo"
head -n 1 "$SAMPLE" >&9
for _ in $(seq 50); do [ -e "$TMP/locked/flintlock" ] && break; sleep 0.1; done
run "$TRACUU" index --db "$TMP/locked" "$SAMPLE"
expect_rc 4 "second writer gets the lock exit code"
expect_err "locked" "second writer is told the database is locked"
expect_one_line_err "locked database message"
exec 9>&-
wait "$writer"
expect_eq "$?" 0 "first writer finishes"
expect_eq "$(count --db "$TMP/locked")" 1 "first writer's record is stored"

# 6. Usage errors.
run "$TRACUU" index
expect_rc 2 "index without files"
run "$TRACUU" index --bogus "$SAMPLE"
expect_rc 2 "unknown option"
# 7. An index of another schema version is refused, for reading and writing,
#    with what to do (xapian-metadata is Xapian's own tool).
"$TRACUU" index --quiet --db "$TMP/old" "$SAMPLE"
xapian-metadata set "$TMP/old" tracuu.schema 0
run "$TRACUU" search --db "$TMP/old" thuế
expect_rc 5 "search an index of another schema"
expect_err "rebuild it" "schema message says what to do"
expect_one_line_err "schema message"
run "$TRACUU" index --db "$TMP/old" "$SAMPLE"
expect_rc 5 "index into an index of another schema"
finish
