# Shards against the open-file limit (issue 19): with the usual soft limit
# of 1024 (the hard one higher), `tracuu index --shards 256` and `tracuu
# serve` over 64 shards once failed, the index with "make room", which is
# not the cause. tracuu raises its soft limit up to the hard one (at most
# 65536); under a hard limit too low, the line says to raise it.
. "$(dirname "$0")/lib.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl
hard=$(ulimit -Hn)
# Enough records that every shard opens all its tables.
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "{\"id\":\"f-%d\",\"title\":\"Thông báo %d\",\"body\":\"Ủy ban nhân dân phường %d thông báo lịch tiếp công dân năm %d.\"}\n", i, i, i, i }' >"$TMP/many.jsonl"
if [ "$hard" != unlimited ] && [ "$hard" -lt 4096 ]; then
  echo "skipped: the hard open-file limit is $hard here"
  finish
  exit
fi

# 256 shards under a soft limit of 1024 (--incremental: the writer that
# keeps every shard open; a bulk build writes them in turn).
run bash -c "ulimit -Sn 1024 && exec \"$TRACUU\" index --quiet --incremental --shards 256 --db \"$TMP/s256\" \"$TMP/many.jsonl\""
expect_rc 0 "index --shards 256 under ulimit -Sn 1024"
expect_eq "$(ls -d "$TMP/s256"/shard-* | wc -l)" 256 "256 shards written"
run bash -c "ulimit -Sn 1024 && exec \"$TRACUU\" search --db \"$TMP/s256\" --json thông báo"
expect_rc 0 "a search over 256 shards under ulimit -Sn 1024"
run bash -c "ulimit -Sn 1024 && exec \"$TRACUU\" stats --db \"$TMP/s256\" --json"
expect_rc 0 "stats over 256 shards under ulimit -Sn 1024"
expect_eq "$(jq -r .documents "$TMP/out")" 3000 "every document over 256 shards"

# tracuu serve over 64 shards: each of its 4 workers opens them all.
"$TRACUU" index --quiet --shards 64 --db "$TMP/s64" "$TMP/many.jsonl" || fail "index 64 shards"
(ulimit -Sn 1024 && exec "$TRACUU" serve --listen 127.0.0.1:0 --db "$TMP/s64" --store "$TMP/nostore") 2>"$TMP/serve.err" &
pid=$!
port=$(serve_port "$TMP/serve.err" "$pid")
if [ -n "$port" ]; then
  codes=""
  for _ in 1 2 3 4 5 6 7 8; do # more requests than workers: every worker opens its handle
    codes="$codes $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/?q=th%C3%B4ng+b%C3%A1o")"
  done
  expect_eq "$codes" " 200 200 200 200 200 200 200 200" "serve over 64 shards under ulimit -Sn 1024"
else
  fail "serve over 64 shards did not start: $(cat "$TMP/serve.err")"
fi
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# A hard limit too low: the line names the cause and what to do.
run bash -c "ulimit -n 256 && exec \"$TRACUU\" index --quiet --incremental --shards 256 --db \"$TMP/low\" \"$SAMPLE\""
expect_rc 6 "a hard limit of 256 for 256 shards: exit 6"
expect_err "Too many open files" "a hard limit too low: the cause"
expect_err "raise the limit (ulimit -n" "a hard limit too low: what to do (not \"make room\")"
expect_one_line_err "a hard limit too low"
finish
