# Every example in the manual pages (doc/*.scd, the one source of the docs
# and of `tracuu help`) is run, as jq runs its manual: the docs cannot drift.
# Each example line runs in bash (pipes and redirections as written) with
# `tracuu` on PATH, in a directory holding records.jsonl and corpus/, as a
# user whose index (~/.local/share/tracuu/db) holds corpus/sample. It must
# exit 0, or with N when its comment says "# exit N".
#
# The examples name real places; the test serves them locally:
#   https://tayho.hanoi.gov.vn/, https://vbpl.vn/  a small site on 127.0.0.1
#   /etc/tracuu/sites.ini                          a config naming that site
#   /srv/tracuu/                                   $W/srv/tracuu/ (db: 4 shards;
#                                                  shards: 2; current -> shards)
#   tcp:10.0.0.5:7000, tcp:10.0.0.6:7000           xapian-tcpsrv serving the 2 shards
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"

W=$TMP/work
mkdir -p "$W/srv/tracuu" "$TMP/bin" "$HOME/.local/share"
ln -s "$TRACUU" "$TMP/bin/tracuu"
ln -s "$TRACUU_SRC/corpus" "$W/corpus"
cp "$TRACUU_SRC/corpus/sample/records.jsonl" "$W/"
unset TRACUU_DB
export XDG_DATA_HOME=$HOME/.local/share PATH=$TMP/bin:$PATH
(cd "$W" && tracuu index --quiet corpus/sample/records.jsonl &&
  tracuu index --quiet --shards 4 --db srv/tracuu/db records.jsonl &&
  tracuu index --quiet --shards 2 --db srv/tracuu/shards records.jsonl &&
  ln -s shards srv/tracuu/current) || { fail "setup"; finish; exit 1; }

# A small site: the home page and one directive, at the sample site's delay.
SITE=$TMP/site
mkdir -p "$SITE/van-ban"
cp "$TRACUU_SRC/corpus/site/van-ban/215-tb-ubnd-2021.html" "$SITE/van-ban/"
printf 'User-agent: *\nDisallow: /noi-bo/\n' >"$SITE/robots.txt"
printf '<html><body><a href="/van-ban/215-tb-ubnd-2021.html">215</a></body></html>\n' >"$SITE/index.html"
start_server "$SITE"
printf '[crawl]\ndelay = 0\n\n[site mau]\nstart = %s/\n' "$BASE" >"$W/sites.ini"

# Two shards behind xapian-tcpsrv (each in its own session: it signals its
# process group when it stops).
TCP_PIDS=()
trap 'for p in "${TCP_PIDS[@]}"; do kill -- "-$p" 2>/dev/null; done; stop_server; rm -rf "$TMP"' EXIT
serve_shard() { # SHARD-DIR: prints the port
  local port
  for _ in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$1" >/dev/null 2>&1 &
    TCP_PIDS+=($!)
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "$port"; return; }
      sleep 0.05
    done
  done
}
serve_shard "$W/srv/tracuu/shards/shard-0" >"$TMP/p0"
PORT0=$(cat "$TMP/p0")
serve_shard "$W/srv/tracuu/shards/shard-1" >"$TMP/p1"
PORT1=$(cat "$TMP/p1")

localize() { # the example's places, served here
  sed -e "s|https://tayho.hanoi.gov.vn/|$BASE/|g" -e "s|https://vbpl.vn/|$BASE/|g" \
    -e "s|/etc/tracuu/sites.ini|$W/sites.ini|g" -e "s|/srv/tracuu/|$W/srv/tracuu/|g" \
    -e "s|tcp:10.0.0.5:7000|tcp:127.0.0.1:$PORT0|g" -e "s|tcp:10.0.0.6:7000|tcp:127.0.0.1:$PORT1|g"
}

awk -v mode=examples -f "$TRACUU_SRC/doc/gen-docs.awk" "$TRACUU_SRC"/doc/*.scd >"$TMP/examples"
total=$(wc -l <"$TMP/examples")
if [ "$total" -ge 25 ]; then pass; else fail "only $total examples found in doc/*.scd"; fi
while IFS=$'\t' read -r page want line; do
  cmd=$(printf '%s\n' "$line" | localize)
  (cd "$W" && bash -o pipefail -c "$cmd" </dev/null >"$TMP/out" 2>"$TMP/err")
  RC=$?
  ERR=$(head -c 600 "$TMP/err")
  [ -n "${DOC_EXAMPLES_DEBUG:-}" ] && echo "$RC $cmd: $(wc -l <"$W/records.jsonl")" >&2
  expect_rc "$want" "$(basename "$page"): $line"
done <"$TMP/examples"

# The examples did what they say, not only exit well.
expect_eq "$(head -1 "$W/hits.csv")" "rank,id,number,date,type,issuer,title,url,score,status"$'\r' "hits.csv has the CSV header"
[ -s "$W/graph.svg" ] && grep -q '<svg' "$W/graph.svg" && pass || fail "graph.svg is an SVG"
[ "$(wc -l <"$W/records.jsonl")" -ge 50 ] && pass || fail "tracuu export > records.jsonl wrote the documents"
finish
