#!/usr/bin/env bash
# The first command of the README: install what is missing, build, then run
# the main job on the embedded default: serve the bundled sample portal
# (corpus/site) on 127.0.0.1, crawl it, index it, and search it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target tracuu >/dev/null
tracuu=$PWD/build/cli/tracuu
out=$PWD/out/demo
export TRACUU_DB=$out/db
rm -rf "$out"
mkdir -p "$out"

# The sample portal, served by the test suite's own small HTTP server.
python3 tests/server/testserver.py --root corpus/site --port-file "$out/port" \
  --log "$out/server.log" >/dev/null 2>"$out/server.err" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$out/port" ] && break; sleep 0.05; done
site=http://127.0.0.1:$(cat "$out/port")/

echo "== tracuu crawl --delay 0 $site"
"$tracuu" crawl --delay 0 "$site"
echo
echo "== tracuu stats"
"$tracuu" stats
for q in "chinh quyen do thi" "215/TB-UBND" "quyết định 1732/qd-ubnd" "thông báo --from 2021-07-01 --to 2021-12-31" \
  "thả diều" "rác cồng kềnh"; do # the last two live only in attached files (an old TCVN3 RTF, a scan)
  echo
  echo "== tracuu search $q"
  # shellcheck disable=SC2086  # the last example passes flags on purpose
  "$tracuu" search --limit 3 $q
done
echo
echo "== tracuu ref 09/CT-UBND"
"$tracuu" ref 09/CT-UBND
echo
echo "The index is in $TRACUU_DB and the archived pages in $out/store."
echo "Try: TRACUU_DB=$TRACUU_DB $tracuu search --help"
