#!/usr/bin/env bash
# bench_nightly.sh: the nightly crawl's schedule, and the cost of --plan on a
# big store.
#
# 0. The issue's night: a portal of 3,000 documents crawled in full, then 25
#    new and 10 changed documents and one night with --max-pages 200: pages
#    asked, new documents indexed (with BENCH_OLD_TRACUU, the same night with
#    a tracuu without the schedule).
# 1. Simulated nights (tests/cli/nightly_sim.py) on the generated portal of
#    tests/server/portal.py: a full crawl, then NIGHTS budgeted nights during
#    which documents appear and change (70% never, 20% with p=0.1 a night,
#    10% with p=0.5). For each schedule: pages asked a night (mean, max),
#    how many nights a new document waits (p50, max), the share of revisits
#    that found a change, and how long a change waits to be indexed (p50,
#    max; the site's max_revisit is the bound). The schedules, in one run:
#      adaptive   the default: min_revisit 1d, revisit 2d, max_revisit 4d
#      fixed      Nutch's DefaultFetchSchedule: every page every 4 days
#      old        BENCH_OLD_TRACUU=path: a tracuu without the schedule (0.1:
#                 every known page every run, new links last), same budget
# 2. --plan on a store of PLAN_URLS (default 1,000,000) URLs: the state is
#    filled directly (SQLite), then `tracuu crawl --plan --max-pages 200`
#    and the full plan (every due URL) are timed (wall and CPU), as is the
#    start of a real run (one page) on that store.
#
#   bench/bench_nightly.sh [issue] [nights] [plan]   (default: all three)
#   TRACUU=... DOCS=600 NIGHTS=14 BUDGET=200 PLAN_URLS=1000000 BENCH_OLD_TRACUU=...
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
TRACUU=${TRACUU:-$src/build/cli/tracuu}
DOCS=${DOCS:-600} NIGHTS=${NIGHTS:-14} BUDGET=${BUDGET:-200} PLAN_URLS=${PLAN_URLS:-1000000}
[ -x "$TRACUU" ] || { echo "bench_nightly: no tracuu at $TRACUU (set TRACUU)" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-bench-nightly.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export TZ=UTC
parts=" ${*:-issue nights plan} "
want() { [[ $parts == *" $1 "* ]]; }
echo "bench_nightly: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

issue_night() { # LABEL TRACUU
  local dir=$TMP/issue-$1
  mkdir -p "$dir"
  python3 "$src/tests/server/portal.py" --docs 3000 --new 1=25 --change 1=10 --log "$dir/log" \
    --port-file "$dir/port" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.05; done
  local base=http://127.0.0.1:$(cat "$dir/port")
  TRACUU_NOW=1735696800 nice "$2" crawl --delay 0 --db "$dir/db" --store "$dir/store" "$base/" >/dev/null 2>&1
  curl -sf "$base/_/night?n=1" >/dev/null
  : >"$dir/log"
  TRACUU_NOW=$((1735696800 + 86400)) nice "$2" crawl --delay 0 --max-pages 200 --db "$dir/db" \
    --store "$dir/store" "$base/" >/dev/null 2>&1 || true
  local asked news
  asked=$(awk '$3 !~ /^\/(robots\.txt|_\/)/' "$dir/log" | wc -l)
  news=$(xapian-delve -A Q -1 "$dir/db" 2>/dev/null | grep -cE '/vb/30(0[1-9]|1[0-9]|2[0-5])\.html$' || true)
  echo "$1: the night after a full crawl of 3000 documents asked $asked pages and indexed $news of the 25 new documents"
  kill "$pid" 2>/dev/null
}
if want issue; then
  echo "== the issue's night =="
  issue_night schedule "$TRACUU"
  [ -z "${BENCH_OLD_TRACUU:-}" ] || issue_night "tracuu 0.1" "$BENCH_OLD_TRACUU"
fi

sim() { # LABEL ARGS...
  local label=$1
  shift
  nice python3 "$src/tests/cli/nightly_sim.py" --tracuu "$TRACUU" --work "$TMP/$label" --label "$label" \
    --docs "$DOCS" --nights "$NIGHTS" --budget "$BUDGET" --json "$TMP/$label.json" "$@" | tail -1
}
if want nights; then
echo "== $NIGHTS nights, $DOCS documents + 3 a night, budget $BUDGET pages a night =="
sim adaptive --min-revisit 1d --revisit 2d --max-revisit 4d
sim fixed --min-revisit 4d --revisit 4d --max-revisit 4d
if [ -n "${BENCH_OLD_TRACUU:-}" ]; then
  TRACUU=$BENCH_OLD_TRACUU sim old --old-config --max-revisit 4d
fi
jq -rs '"schedule  pages/night (max)  new waits p50/max  revisits found a change  change waits p50/max  late",
  (.[] | "\(.label)\t\(.pages_per_night_mean) (\(.pages_per_night_max))\t\(.new_wait_p50)/\(.new_wait_max)\t\(.revisits_changed)/\(.revisits) = \(.revisit_change_share)\t\(.change_delay_p50)/\(.change_delay_max)\t\(.n_late)")' \
  "$TMP"/adaptive.json "$TMP"/fixed.json $( [ -f "$TMP/old.json" ] && echo "$TMP/old.json") | column -t -s $'\t'
jq -rs '"adaptive vs fixed: \(.[0].revisit_change_share / .[1].revisit_change_share * 100 | round / 100)x the share of revisits that found a change, \(.[0].pages_per_night_mean / .[1].pages_per_night_mean * 100 | round / 100)x the pages a night"' \
  "$TMP"/adaptive.json "$TMP"/fixed.json
fi

# --- --plan on a big store --------------------------------------------------
want plan || exit 0
echo "== --plan on a store of $PLAN_URLS URLs =="
python3 "$src/tests/server/portal.py" --docs 10 --log /dev/null --port-file "$TMP/port" >/dev/null 2>&1 &
portal=$!
trap 'kill $portal 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$TMP/port")
store=$TMP/big/store
TRACUU_NOW=1735696800 "$TRACUU" crawl --delay 0 --db "$TMP/big/db" --store "$store" "$base/" >/dev/null 2>&1
t0=$(date +%s.%N)
python3 - "$store/state.sqlite" "$base" "$PLAN_URLS" <<'EOF'
import random, sqlite3, sys
db, base, n = sqlite3.connect(sys.argv[1]), sys.argv[2], int(sys.argv[3])
now, day = 1735696800, 86400
rnd = random.Random(16)
site = db.execute("select site from page where site is not null limit 1").fetchone()[0]
rows = ((("%s/vb/b%d.html" % (base, i)), 200, '"e%d"' % i, "%064x" % i, now, now + rnd.randrange(0, 30 * day),
         1 if i % 20 else 2, 2 if i % 20 else 3, 7 * day, now - rnd.randrange(0, 700 * day), now, site, 1)
        for i in range(n))
db.executemany("insert or ignore into page(url,status,etag,hash,last_fetch,next_due,kind,depth,interval,"
               "changed_at,first_seen,site,last_run) values(?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
db.commit()
EOF
echo "filled in $(echo "$(date +%s.%N) - $t0" | bc | cut -c1-5) s; $(du -sh "$store/state.sqlite" | cut -f1) on disk"
timed() { # LABEL CMD...: wall and CPU seconds (GNU time), output discarded
  local label=$1
  shift
  /usr/bin/time -f "%e %U %S %M" -o "$TMP/time" "$@" >"$TMP/out" 2>&1 || true
  read -r wall user sys rss <"$TMP/time"
  printf '%-44s wall %6.2f s  cpu %6.2f s  peak RSS %5d MB  (%s lines)\n' "$label" "$wall" \
    "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$(wc -l <"$TMP/out")"
}
for days in 0 7; do
  export TRACUU_NOW=$((1735696800 + days * 86400))
  timed "--plan --max-pages 200, $days days on" "$TRACUU" crawl --plan --max-pages 200 --db "$TMP/big/db" --store "$store" "$base/"
  timed "--plan (every due URL), $days days on" "$TRACUU" crawl --plan --db "$TMP/big/db" --store "$store" "$base/"
done
timed "crawl --max-pages 1 (a run's start and end)" "$TRACUU" crawl --delay 0 --max-pages 1 --db "$TMP/big/db" --store "$store" "$base/"
echo "bench_nightly: load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
