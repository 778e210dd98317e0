# Every bad input has a clear message: each error path of the command line
# gives exactly one line on stderr that says what is wrong (and, where there
# is something to do, what), and the exit code of README.md's "Exit codes".
. "$(dirname "$0")/lib.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl

# case CODE TEXT WHAT -- ARGS...: runs tracuu ARGS, expects exit CODE, one
# line on stderr holding TEXT, and nothing on stdout.
case_() {
  local code=$1 text=$2 what=$3
  shift 4
  run "$TRACUU" "$@"
  expect_rc "$code" "$what"
  expect_err "$text" "$what: message"
  expect_one_line_err "$what"
  expect_eq "$(wc -c <"$TMP/out")" 0 "$what: nothing on stdout"
}

# 1. No index where one was expected (3), by every reader.
case_ 3 "no index at $TMP/db: build one with \"tracuu index" "missing database (search)" -- search thuế
case_ 3 "no index at $TMP/nope" "missing database (--db)" -- search --db "$TMP/nope" thuế
case_ 3 "no index at $TMP/db" "missing database (stats)" -- stats
case_ 3 "no index at $TMP/db" "missing database (ref)" -- ref 2696/QĐ-UBND

"$TRACUU" index --quiet "$SAMPLE" || fail "index the sample"

# 2. Usage (2): unknown command, unknown option, missing argument, bad values.
case_ 2 "no command \"frobnicate\"; \"tracuu --help\" lists them" "unknown command" -- frobnicate
case_ 2 "no command \"nope\"" "help for an unknown command" -- help nope
case_ 2 "unknown option \"--bogus\"" "unknown option (search)" -- search --bogus thuế
case_ 2 "try \"tracuu help search\"" "unknown option says what to do" -- search --bogus thuế
case_ 2 "unknown option \"--bogus\"" "unknown option (index)" -- index --bogus "$SAMPLE"
case_ 2 "unknown option \"-Z\"" "unknown short option (stats)" -- stats -Z
case_ 2 "unknown option \"--bogus\"" "unknown option (crawl)" -- crawl --bogus http://127.0.0.1:9/
case_ 2 "\"--limit\" needs a value" "missing argument (--limit)" -- search thuế --limit
case_ 2 "try \"tracuu help search\"" "missing argument says what to do" -- search thuế --limit
case_ 2 "\"--db\" needs a value" "missing argument (index --db)" -- index --db
case_ 2 "index needs at least one FILE.jsonl" "index without a file" -- index
case_ 2 "crawl needs a start URL or --config FILE" "crawl without a URL" -- crawl
case_ 2 "search needs a QUERY or a filter" "search without a query" -- search
case_ 2 "--from expects a date as YYYY-MM-DD" "invalid date in --from" -- search --from 2021-13-01 thuế
case_ 2 "not \"2021-13-01\"" "invalid date is quoted" -- search --from 2021-13-01 thuế
case_ 2 "--to expects a date" "invalid date in --to" -- search --to 31/02/2021 thuế
case_ 2 "--limit expects a whole number" "bad number" -- search --limit abc thuế
case_ 2 "--sort must be relevance, date or blend" "bad --sort" -- search --sort bogus thuế
case_ 2 "--color must be auto, always or never" "bad --color" -- search --color=pink thuế
case_ 2 "is not an http:// or https:// URL" "crawl a file:// URL" -- crawl file:///etc/passwd

# 3. Unreadable or bad crawl config (2), with the file named.
case_ 2 "cannot read $TMP/nope.ini: No such file" "missing config" -- crawl --config "$TMP/nope.ini"
mkdir "$TMP/dir.ini" # fopen() takes a directory: it was read as an empty config
case_ 2 "cannot read $TMP/dir.ini: Is a directory" "config that is a directory" -- crawl --config "$TMP/dir.ini"
# (a crash once: the "nothing to crawl" path asked a store never opened)
printf '# only a comment\n[crawl]\ndelay = 1\n' >"$TMP/empty.ini"
case_ 2 "nothing to crawl: give a start URL or a config" "config without a site" -- crawl --config "$TMP/empty.ini"
# (once "crawl stopped: out of memory", exit 9)
printf '[site a]\nstart = file:///etc/passwd\n' >"$TMP/file.ini"
case_ 2 "$TMP/file.ini:2: start must be an http:// or https:// URL" "config with a file:// start" \
  -- crawl --config "$TMP/file.ini"
printf '[site\nurl = http://127.0.0.1:9/\n' >"$TMP/bad.ini"
case_ 2 "$TMP/bad.ini:1:" "config with a broken line names the line" -- crawl --config "$TMP/bad.ini"
if [ "$(id -u)" != 0 ]; then # root reads anything
  printf '[site]\nurl = http://127.0.0.1:9/\n' >"$TMP/secret.ini"
  chmod 000 "$TMP/secret.ini"
  case_ 2 "$TMP/secret.ini" "unreadable config" -- crawl --config "$TMP/secret.ini"
fi

# 4. The query cannot be understood (8).
case_ 8 "\"so:abc\" is not a legal number" "malformed legal number" -- search so:abc
case_ 8 "invalid date \"2021-99-99\"" "malformed date field" -- search tu:2021-99-99 thuế
case_ 8 "the date range is empty" "empty date range" -- search tu:2022-01-01 den:2021-01-01 thuế
case_ 8 "\"loai:\" needs a value" "field without a value" -- search loai: thuế
long=$(head -c 5000 /dev/zero | tr '\0' a)
case_ 8 "longer than 4096 bytes" "query too long" -- search "$long"

# 5. Another writer holds the index (4): a reader still works meanwhile.
mkfifo "$TMP/fifo"
"$TRACUU" index --db "$TMP/locked" - <"$TMP/fifo" 2>/dev/null &
writer=$!
exec 9>"$TMP/fifo"
head -n 1 "$SAMPLE" >&9
for _ in $(seq 100); do [ -e "$TMP/locked/flintlock" ] && break; sleep 0.1; done
case_ 4 "locked" "locked database" -- index --db "$TMP/locked" "$SAMPLE"
exec 9>&-
wait "$writer"

# 6. An index of another schema, or not an index at all (5): rebuild it.
"$TRACUU" index --quiet --db "$TMP/old" "$SAMPLE"
xapian-metadata set "$TMP/old" tracuu.schema 0
case_ 5 "rebuild it" "index of another schema" -- search --db "$TMP/old" thuế
mkdir "$TMP/junk" && echo "not a database" >"$TMP/junk/iamglass"
run "$TRACUU" search --db "$TMP/junk" thuế
expect_rc 5 "a directory that is not an index"
expect_one_line_err "a directory that is not an index"

finish
