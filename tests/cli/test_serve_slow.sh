# Slow and greedy clients cannot starve the others. Two crowds at once,
# for 14 s (past the 10 s head deadline, and no longer, to keep CI short):
#  - past the limits: 200 sockets that never finish their headers (one
#    byte every 0.5 s, half from 127.0.0.1 like the real client, half from
#    127.0.0.2, reopened as soon as they are closed) and 16 greedy
#    keep-alive clients from 127.0.0.3 asking as fast as they are answered;
#    a real client asking every 0.2 s from 127.0.0.1 still gets every
#    answer, and the slow sockets are closed by the head deadline (10 s) or
#    to make room;
#  - under the limits: 20 slow sockets from 127.0.0.4 (under its 64, and
#    the total stays under 256): the head deadline alone closes them, at
#    10 s, while a second real client from 127.0.0.1 is answered.
# slow_clients.py measures so that a client that runs late on a loaded
# machine cannot fail a sound server: a socket's close lies between the
# last time it was seen open (longest_open) and the time it was seen closed
# (earliest_close), and the real client, in a process of its own, asks on
# a fixed schedule.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
. "$TRACUU_SRC/tests/web/fixture.sh"
"$TRACUU" index --quiet "$TRACUU_SRC/corpus/sample/records.jsonl"
start_serve
python3 "$TRACUU_SRC/tests/server/slow_clients.py" --port "${WEB##*:}" --seconds 14 >"$TMP/slow.json" &
crowd=$!
python3 "$TRACUU_SRC/tests/server/slow_clients.py" --port "${WEB##*:}" --seconds 14 --slow 20 \
  --greedy 0 --sources 127.0.0.4 >"$TMP/under.json"
wait "$crowd"
echo "slow clients: $(cat "$TMP/slow.json")" >&2
echo "slow clients under the limits: $(cat "$TMP/under.json")" >&2
r() { jq -r "$1" "$TMP/slow.json"; }
expect_eq "$(r '.real > 40')" true "the real client asked (every 0.2 s for 13 s)"
expect_eq "$(r .real_failures)" 0 "every answer to the real client was a 200"
expect_eq "$(r '.real_max < 3')" true "none took 3 s or more"
expect_eq "$(r '.closed_by_server > 0')" true "slow sockets were closed by the server"
expect_eq "$(r '.longest_open <= 11.5')" true "none held on past the 10 s head deadline"
expect_eq "$(r '.greedy_answers > 0 and .greedy_errors == 0')" true "the greedy clients were answered too"
r() { jq -r "$1" "$TMP/under.json"; }
expect_eq "$(r .real_failures)" 0 "every answer a 200"
expect_eq "$(r '.closed_by_server >= 20')" true "every slow socket was closed by the server"
expect_eq "$(r '.earliest_close >= 9.5')" true "none closed before the 10 s head deadline"
expect_eq "$(r '.longest_open <= 11.5')" true "none held on past it"
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$WEB/?q=x")
expect_eq "$CODE" 200 "the server is fine afterwards"
stop_serve
finish
