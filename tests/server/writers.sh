# writers.sh: the writers of a long run, shared by tests/cli/test_serve_longrun.sh
# and bench/bench_serve.sh --long. Sourced after tests/server/server.sh (gen_site,
# start_server); needs TRACUU, TMP.
#
# write_while PID IDX SITE PAGES: rounds of real writers, one after another
# (they share the index's lock), until process PID ends. IDX/current is a
# symlink to the served index IDX/vN; SITE is the directory the test server
# at $BASE serves, PAGES its article count so far. Each round:
#   - tracuu index: a batch of 5 new records (lr-ROUND-1..5);
#   - tracuu crawl: SITE grown by 3 pages, crawled into IDX/current with the
#     store $TMP/store, its clock (TRACUU_NOW) 40 days on each round;
#   - in round 2 and every fourth after it: tracuu compact --swap onto
#     IDX/v(N+1), the old directory then deleted;
#   - a second's pause.
# After each commit a line "EPOCH_MS ID" goes to $TMP/commits (what load.py
# --commits looks for); each round's times to $TMP/writers.log ("round R
# index MS crawl MS compact MS"), the writers' stderr to $TMP/writers.err.
# Sets WRITE_ROUNDS, WRITE_SWAPS, WRITE_FAILURES.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

write_while() { # PID IDX SITE PAGES
  local pid=$1 idx=$2 site=$3 pages=$4 version i old t0 t_index t_crawl t_compact
  version=$(readlink "$idx/current" | sed 's/^v//')
  WRITE_ROUNDS=0 WRITE_SWAPS=0 WRITE_FAILURES=0
  : >>"$TMP/commits"
  while kill -0 "$pid" 2>/dev/null; do
    WRITE_ROUNDS=$((WRITE_ROUNDS + 1))
    local round=$WRITE_ROUNDS
    for i in 1 2 3 4 5; do
      printf '{"id": "lr-%d-%d", "title": "Thông báo vòng %d số %d", "date": "2025-01-%02d", "body": "Nội dung vòng %d, bản %d: kế hoạch cải cách hành chính."}\n' \
        "$round" "$i" "$round" "$i" "$((i + 1))" "$round" "$i"
    done >"$TMP/batch.jsonl"
    t0=$(now_ms)
    if "$TRACUU" index --quiet --db "$idx/current" "$TMP/batch.jsonl" 2>>"$TMP/writers.err"; then
      echo "$(now_ms) lr-$round-5" >>"$TMP/commits"
    else
      WRITE_FAILURES=$((WRITE_FAILURES + 1))
    fi
    t_index=$(($(now_ms) - t0))
    pages=$((pages + 3))
    gen_site "$site" "$pages"
    t0=$(now_ms)
    # The site changes seconds apart: the schedule's clock (TRACUU_NOW) moves
    # 40 days a round, so every page is due again, as on a nightly run.
    if TRACUU_NOW=$(($(date +%s) + round * 40 * 86400)) \
      "$TRACUU" crawl --delay 0 --db "$idx/current" --store "$TMP/store" "$BASE/" >/dev/null 2>>"$TMP/writers.err"; then
      echo "$(now_ms) $BASE/bai/$pages.html" >>"$TMP/commits"
    else
      WRITE_FAILURES=$((WRITE_FAILURES + 1))
    fi
    t_crawl=$(($(now_ms) - t0))
    t_compact=-
    if [ $((round % 4)) = 2 ]; then
      old=$(readlink "$idx/current")
      version=$((version + 1))
      t0=$(now_ms)
      if "$TRACUU" compact --db "$idx/current" --out "$idx/v$version" --swap "$idx/current" 2>>"$TMP/writers.err"; then
        rm -rf "${idx:?}/$old"
        WRITE_SWAPS=$((WRITE_SWAPS + 1))
      else
        WRITE_FAILURES=$((WRITE_FAILURES + 1))
      fi
      t_compact=$(($(now_ms) - t0))
    fi
    echo "round $round index $t_index crawl $t_crawl compact $t_compact" >>"$TMP/writers.log"
    sleep 1
  done
}
