# README.md's "Exit codes" table is the single truth: each code it lists is
# produced here by the failure it names, through the real binary, with one
# line on stderr that says what happened. Every code of the table must have
# a case below (the test reads the table and checks), so a code added there
# without a case here fails.
#
# Permissions only mean something to a user who is not root: as root (CI)
# the permission cases run as "nobody" (setpriv); the read-only and full-disk
# cases need root to mount a tmpfs and are skipped without it.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "{\"id\":\"f-%d\",\"title\":\"Thông báo %d\",\"body\":\"Ủy ban nhân dân phường %d thông báo lịch tiếp công dân năm %d.\"}\n", i, i, i, i }' >"$TMP/many.jsonl"
chmod 755 "$TMP" # "nobody" reaches the files below
tested=" "

# code CODE TEXT WHAT -- ARGS...: tracuu ARGS exits CODE, one line on
# stderr holding TEXT.
code() {
  local c=$1 text=$2 what=$3
  shift 4
  run "$@"
  expect_rc "$c" "$what"
  expect_err "$text" "$what: message"
  expect_one_line_err "$what"
  tested="$tested$c "
}

# as_user ARGS...: runs ARGS as a user who is not root.
if [ "$(id -u)" = 0 ]; then
  if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
  else
    as_user() { return 77; }
  fi
else
  as_user() { "$@"; }
fi

"$TRACUU" index --quiet "$SAMPLE" || fail "index the sample"

# 0, 1, 2, 3, 8
run "$TRACUU" search --limit 1 thuế
expect_rc 0 "a search that finds something"
tested="$tested""0 "
printf '%s\n{"title": "no id"}\n' "$(head -n 1 "$SAMPLE")" >"$TMP/bad.jsonl"
run "$TRACUU" index --quiet --db "$TMP/partial" "$TMP/bad.jsonl"
expect_rc 1 "a skipped line"
expect_err "$TMP/bad.jsonl:2: skipped: missing \"id\"" "a skipped line: message"
tested="$tested""1 "
code 2 "unknown option \"--bogus\"" "unknown option" -- "$TRACUU" search --bogus thuế
code 2 "a command is needed" "no command at all (once exit 0)" -- "$TRACUU"
code 3 "no index at $TMP/none" "no index" -- "$TRACUU" search --db "$TMP/none" thuế
code 8 "\"so:abc\" is not a legal number" "a query that cannot be understood" -- "$TRACUU" search so:abc
code 8 "the query \"... ?\" has no word or number to search for" \
  "a query of punctuation alone (once every document, while an empty query is refused)" -- "$TRACUU" search "... ?"

# 4: another tracuu is writing this index.
mkfifo "$TMP/fifo"
"$TRACUU" index --db "$TMP/locked" - <"$TMP/fifo" 2>/dev/null &
writer=$!
exec 9>"$TMP/fifo"
head -n 1 "$SAMPLE" >&9
for _ in $(seq 100); do [ -e "$TMP/locked/flintlock" ] && break; sleep 0.1; done
code 4 "locked" "an index another tracuu writes" -- "$TRACUU" index --db "$TMP/locked" "$SAMPLE"
exec 9>&-
wait "$writer"

# 5: a damaged index, by every reading command (tests/cli/test_damaged_index.sh
# damages random blocks; this one a block Xapian is sure to read first).
cp -r "$TRACUU_DB" "$TMP/damaged"
dd if=/dev/zero of="$TMP/damaged/postlist.glass" bs=8192 seek=0 count=1 conv=notrunc 2>/dev/null
dd if=/dev/zero of="$TMP/damaged/docdata.glass" bs=8192 seek=0 count=1 conv=notrunc 2>/dev/null
for args in "search thuế" "ref 09/CT-UBND" "related 09/CT-UBND" "stats" "export"; do
  # shellcheck disable=SC2086 # the words of the command
  code 5 "\"tracuu check --db $TMP/damaged\" tells what is damaged: rebuild it" \
    "damaged index: $args" -- "$TRACUU" $args --db "$TMP/damaged"
done
code 5 "$TMP/damaged is damaged: Xapian's check" "damaged index: check" -- "$TRACUU" check --db "$TMP/damaged"
run "$TRACUU" check
expect_rc 0 "check: a sound index"
expect_out "$TRACUU_DB: sound (50 documents" "check: a sound index says so"

# 6: the disk said no. Permissions (as a user who is not root):
mkdir -p "$TMP/perm" && cp -r "$TRACUU_DB" "$TMP/perm/db" && chmod -R a+rX "$TMP/perm"
as_user true
if [ $? = 77 ]; then
  echo "permissions: skipped (no setpriv to leave root)"
else
  code 6 "Permission denied" "index into an index the user may not write" -- \
    as_user "$TRACUU" index --db "$TMP/perm/db" "$SAMPLE"
  code 6 "Permission denied" "a new index where the user may not write" -- \
    as_user "$TRACUU" index --db "$TMP/perm/new" "$SAMPLE"
  chmod 700 "$TMP/perm/db"
  code 6 "Permission denied" "search an index the user may not read (once exit 3, no index)" -- \
    as_user "$TRACUU" search --db "$TMP/perm/db" thuế
  chmod 755 "$TMP/perm/db" && chmod 600 "$TMP/perm/db/postlist.glass"
  code 6 "Permission denied" "search an index with a table the user may not read" -- \
    as_user "$TRACUU" search --db "$TMP/perm/db" thuế
  code 6 "Permission denied" "check an index the user may not read" -- \
    as_user "$TRACUU" check --db "$TMP/perm/db"
fi
# A read-only mount and a full disk (root: a tmpfs of our own).
mnt=$TMP/mnt
mkdir "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then
  trap 'umount "$mnt" 2>/dev/null; stop_server; rm -rf "$TMP"' EXIT
  cp -r "$TRACUU_DB" "$mnt/db"
  mount -o remount,ro "$mnt"
  code 6 "Read-only file system" "index into a read-only mount (once exit 4, locked)" -- \
    "$TRACUU" index --db "$mnt/db" "$SAMPLE"
  code 6 "Read-only file system" "a new index on a read-only mount" -- \
    "$TRACUU" index --db "$mnt/new" "$SAMPLE"
  run "$TRACUU" search --db "$mnt/db" thuế
  expect_rc 0 "a read-only index is searched"
  mount -o remount,rw "$mnt"
  rm -rf "$mnt/db"
  code 6 "No space left on device" "index into a full disk" -- "$TRACUU" index --incremental --db "$mnt/db" "$TMP/many.jsonl"
  expect_err "make room and run the same command again" "a full disk: what to do"
  umount "$mnt"
else
  echo "read-only mount and full disk: skipped (needs root and mount)"
fi
# Standard output that cannot be written (once exit 0, silently).
for args in "stats" "analyze Quyết định 2696/QĐ-UBND" "config" "help search" "--version" "search thuế" "export"; do
  # shellcheck disable=SC2086 # the words of the command
  "$TRACUU" $args >/dev/full 2>"$TMP/err"
  RC=$? ERR=$(cat "$TMP/err")
  expect_rc 6 "stdout on a full disk: $args"
  expect_err "No space left on device" "stdout on a full disk: $args: message"
  expect_one_line_err "stdout on a full disk: $args"
done

# 7: a remote shard or site that cannot be reached.
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
code 7 "a shard is out of reach: tcp:127.0.0.1:$closed" "a remote shard down" -- \
  "$TRACUU" search --db "tcp:127.0.0.1:$closed" --timeout 1000 thuế
run "$TRACUU" crawl --delay 0 --timeout 2 --db "$TMP/crawled" "http://127.0.0.1:$closed/"
expect_rc 7 "a site down"
expect_err "robots.txt could not be read" "a site down: message"
tested="$tested""7 "

# 9: a bug (here: a fault, as a bug would make): one line, never a bare
# "Segmentation fault"; with an index open, the line names it and check.
mkfifo "$TMP/in"
"$TRACUU" analyze <"$TMP/in" >/dev/null 2>"$TMP/crash.err" & # reads its text from stdin
pid=$!
exec 8>"$TMP/in"
sleep 0.5
kill -SEGV "$pid"
wait "$pid"
RC=$?
exec 8>&-
expect_eq "$RC" 9 "a fault exits 9"
expect_eq "$(cat "$TMP/crash.err")" "tracuu: crashed (a bug: please report it)" "a fault: one line"
tested="$tested""9 "
"$TRACUU" index --quiet --db "$TMP/many" "$TMP/many.jsonl" || fail "index many"
mkfifo "$TMP/out.fifo" # an export of 3000 records blocks on a pipe nobody reads
"$TRACUU" export --db "$TMP/many" >"$TMP/out.fifo" 2>"$TMP/err" &
pid=$!
exec 7<"$TMP/out.fifo"
head -c 1 <&7 >/dev/null
kill -SEGV "$pid"
wait "$pid"
RC=$?
exec 7<&-
ERR=$(cat "$TMP/err")
expect_eq "$RC" 5 "a fault while an index is read exits 5"
expect_err "tracuu: crashed reading the index $TMP/many (Xapian faults on some damaged blocks): \"tracuu check --db $TMP/many\" tells what is damaged" \
  "a fault while an index is read: the line names it and tracuu check"
expect_one_line_err "a fault while an index is read"

# 10: another crawl holds the store.
mkdir -p "$TMP/site"
printf 'User-agent: *\nDisallow:\n' >"$TMP/site/robots.txt"
echo '<html><body><a href="/_/slow?s=4">slow</a></body></html>' >"$TMP/site/index.html"
start_server "$TMP/site"
"$TRACUU" crawl --delay 0 --db "$TMP/busy" "$BASE/" >/dev/null 2>&1 &
first=$!
for _ in $(seq 100); do grep -q slow "$SERVER_LOG" && break; sleep 0.1; done
code 10 "another crawl is running" "a second crawl of one store" -- "$TRACUU" crawl --delay 0 --db "$TMP/busy" "$BASE/"
wait "$first"

# Every code of the README's table has its case above.
for c in $(awk -F'|' '/^### Exit codes/ { t = 1 } t && /^\| *[0-9]+ *\|/ { gsub(/ /, "", $2); print $2 }' \
  "$TRACUU_SRC/README.md"); do
  case $tested in *" $c "*) pass ;; *) fail "README's exit code $c has no case in $TEST_NAME" ;; esac
done
finish
