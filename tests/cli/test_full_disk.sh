# A full disk: tracuu index --incremental stops with exit 6 and one line
# naming the problem, and the index keeps every batch committed before (it
# opens, and a search lists exactly what stats counts). Once there is room
# again, a re-run completes it. A bulk build (--rebuild) on a full disk
# stops the same way and leaves the index exactly as it was.
#
# The disk: a 3 MB tmpfs when this runs as root and mount works (ENOSPC);
# else a file size limit (ulimit -f, with SIGXFSZ ignored so the write fails
# with EFBIG instead of killing the process). Both are tried when possible.
. "$(dirname "$0")/lib.sh"
N=3000

awk -v n="$N" 'BEGIN {
  for (i = 0; i < n; i++)
    printf "{\"id\":\"f-%05d\",\"title\":\"Thông báo số %d/TB-UBND về lịch tiếp công dân\"," \
           "\"date\":\"%04d-%02d-%02d\",\"body\":\"Ủy ban nhân dân phường %d thông báo lịch tiếp " \
           "công dân và kế hoạch cải cách hành chính năm %d, căn cứ văn bản số %d/QĐ-UBND.\"}\n",
           i, i + 1, 2000 + i % 25, i % 12 + 1, i % 28 + 1, i % 17, 2000 + i % 25, i * 7 % 5000 + 1
}' >"$TMP/records.jsonl"

# After the failure: exit 6, the reason on one line, nothing half-committed.
check_full() { # DB WHAT REASON
  local db=$1 what=$2 reason=$3
  expect_rc 6 "$what: exit code"
  cp "$TMP/err" "$TMP/err.reason"
  expect_one_line_err "$what"
  expect_err "$reason" "$what: the line names the cause"
  expect_err "make room and run the same command again" "$what: the line says what to do"
  run "$TRACUU" stats --db "$db" --json
  expect_rc 0 "$what: the index opens after the failure"
  local count
  count=$(jq -r .documents "$TMP/out")
  echo "$what: $count documents kept; said: $(cat "$TMP/err.reason")"
  case $count in
  0 | 1000 | 2000) pass ;;
  *) fail "$what: $count documents: not a whole number of committed batches" ;;
  esac
  run "$TRACUU" search --db "$db" --json --limit 100000 --from 1900-01-01
  expect_rc 0 "$what: search after the failure"
  expect_eq "$(grep -c . "$TMP/out")" "$count" "$what: a search lists what stats counts"
}

# 1. tmpfs: No space left on device.
mnt=$TMP/mnt
mkdir "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=3m tmpfs "$mnt" 2>/dev/null; then
  trap 'umount "$mnt" 2>/dev/null; rm -rf "$TMP"' EXIT
  run "$TRACUU" index --incremental --db "$mnt/db" "$TMP/records.jsonl"
  check_full "$mnt/db" "full tmpfs" "No space left on device"
  # Room again: the same index, moved to a roomy disk, completes.
  cp -r "$mnt/db" "$TMP/db-moved"
  umount "$mnt"
  run "$TRACUU" index --quiet --db "$TMP/db-moved" "$TMP/records.jsonl"
  expect_rc 0 "full tmpfs: re-run with room"
  expect_eq "$("$TRACUU" stats --db "$TMP/db-moved" --json | jq -r .documents)" "$N" \
    "full tmpfs: re-run with room holds every record"
else
  echo "full tmpfs: skipped (needs root and mount)"
fi

# 2. A file size limit: File too large.
run bash -c 'trap "" XFSZ; ulimit -f 1024; exec "$0" index --incremental --db "$1" "$2"' \
  "$TRACUU" "$TMP/limited" "$TMP/records.jsonl"
check_full "$TMP/limited" "file size limit" "File too large"
run "$TRACUU" index --quiet --db "$TMP/limited" "$TMP/records.jsonl"
expect_rc 0 "file size limit: re-run without the limit"
expect_eq "$("$TRACUU" stats --db "$TMP/limited" --json | jq -r .documents)" "$N" \
  "file size limit: re-run holds every record"

# 3. A bulk build that runs out of room: exit 6, one line, and the index
#    that was there is whole and alone (its build directory removed).
head -100 "$TMP/records.jsonl" >"$TMP/few.jsonl"
check_bulk_full() { # DB WHAT
  expect_rc 6 "$2: exit code"
  expect_one_line_err "$2"
  expect_err "make room and run the same command again" "$2: the line says what to do"
  expect_err "the index is as it was before" "$2: the line says nothing changed"
  echo "$2: said: $ERR"
  expect_eq "$("$TRACUU" stats --db "$1" --json | jq -r .documents)" 100 "$2: the old index is whole"
  run "$TRACUU" search --db "$1" --json --limit 100000 --from 1900-01-01
  expect_eq "$(grep -c . "$TMP/out")" 100 "$2: the old index answers searches"
  [ ! -e "$1.bulk" ] && pass || fail "$2: the build directory was left behind"
}
mkdir "$TMP/mnt2"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=3m tmpfs "$TMP/mnt2" 2>/dev/null; then
  trap 'umount "$mnt" 2>/dev/null; umount "$TMP/mnt2" 2>/dev/null; rm -rf "$TMP"' EXIT
  run "$TRACUU" index --quiet --db "$TMP/mnt2/db" "$TMP/few.jsonl"
  expect_rc 0 "bulk, full tmpfs: the small index fits"
  run "$TRACUU" index --rebuild --db "$TMP/mnt2/db" "$TMP/records.jsonl"
  check_bulk_full "$TMP/mnt2/db" "bulk, full tmpfs"
  umount "$TMP/mnt2"
else
  echo "bulk, full tmpfs: skipped (needs root and mount)"
fi
run "$TRACUU" index --quiet --db "$TMP/limited2" "$TMP/few.jsonl"
run bash -c 'trap "" XFSZ; ulimit -f 1024; exec "$0" index --rebuild --db "$1" "$2"' \
  "$TRACUU" "$TMP/limited2" "$TMP/records.jsonl"
check_bulk_full "$TMP/limited2" "bulk, file size limit"
finish
