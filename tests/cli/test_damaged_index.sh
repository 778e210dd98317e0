# A property test of damaged indexes: random blocks of a real index are
# damaged (tests/damage/damage_blocks.py: zeroed, random, a block copied over
# another, a few bytes, a tail), and every reading command runs on it. The
# properties, for each command and each damage:
#   - it ends with 0 (the damage was not on its way) or 5, never a signal,
#     never 9 ("a bug"), never another code;
#   - on 5, one line on stderr that names "tracuu check" (check itself: "is
#     damaged"); on 0, nothing on stderr and its JSON parses;
#   - when any reader exits 5, tracuu check exits 5 too (it finds at least
#     what the readers find);
#   - tracuu serve answers 200 or 500 with the rebuild message, and lives on;
#   - every command answers within its time (120 s; check 300 s): Xapian
#     1.4.22 loops for ever on a block whose directory end is off by one
#     (found here: stats in Document::get_data); the watchdog ends such a
#     read after 10 s of CPU with 5 (test_damaged_hang), so no answer in
#     120 s is a failure.
#
# ROUNDS damages (default 10; 4 under the sanitizers), or as many as fit in
# TRACUU_DAMAGE_SECONDS (the long run: TRACUU_DAMAGE_SECONDS=1800 ctest -R
# test_damaged_index). The rounds' seeds are fixed (from 9202), so the suite
# gives the same verdict on the same code; the long run starts from the
# clock, to meet new damage. TRACUU_DAMAGE_SEED=N replays one damage. A
# failure names its seed; the damaged index is kept in $TRACUU_DAMAGE_KEEP
# if set. Under ASan, memory errors that libxapian's own reads of a damaged
# block make are not tracuu's: tests/damage/xapian-asan.supp says which.
. "$(dirname "$0")/lib.sh"
if [ -n "${TRACUU_SANITIZED:-}" ]; then N=800 ROUNDS=${ROUNDS:-4}; else N=3000 ROUNDS=${ROUNDS:-10}; fi
SECONDS_LEFT=${TRACUU_DAMAGE_SECONDS:-0}
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl
SERVE_PID=
trap '[ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null; rm -rf "$TMP"' EXIT

# Documents that cite, replace and repeal each other, so that ref, related,
# facets and status have real work; plus the sample's real text.
awk -v n="$N" 'BEGIN {
  split("Quyết định|Thông báo|Chỉ thị|Kế hoạch", types, "|")
  split("UBND quận Tây Hồ|UBND phường Nhật Tân|HĐND quận Tây Hồ", issuers, "|")
  for (i = 1; i <= n; i++) {
    t = types[i % 4 + 1]
    printf "{\"id\":\"d-%05d\",\"title\":\"%s số %d/QĐ-UBND về kế hoạch cải cách hành chính đợt %d\"," \
           "\"number\":\"%d/QĐ-UBND\",\"type\":\"%s\",\"issuer\":\"%s\",\"date\":\"%04d-%02d-%02d\"," \
           "\"body\":\"Căn cứ Quyết định số %d/QĐ-UBND; Quyết định này thay thế Quyết định số %d/QĐ-UBND " \
           "và bãi bỏ Chỉ thị số %d/CT-UBND. Ủy ban nhân dân yêu cầu các phòng ban thực hiện chuyển đổi số, " \
           "tiếp công dân và báo cáo kết quả trước ngày %d hằng tháng, từ khóa k%d và m%d.\"}\n",
           i, t, i, i % 97, i, t, issuers[i % 3 + 1], 2000 + i % 25, i % 12 + 1, i % 28 + 1,
           (i * 7) % n + 1, (i + 1) % n + 1, i % 50 + 1, i % 28 + 1, i % 300, i % 41
  }
}' >"$TMP/records.jsonl"
"$TRACUU" index --quiet --db "$TMP/good" "$TMP/records.jsonl" "$SAMPLE" || { fail "build the index"; finish; exit; }
run "$TRACUU" check --db "$TMP/good"
expect_rc 0 "the index is sound before any damage"

# The readers, as "NAME|ARGS": JSON where there is JSON, so it can be parsed.
READERS=("search|search --json --limit 50 cải cách hành chính"
  "search-facets|search --json --facets --limit 20 --sort relevance chuyển đổi số"
  "search-date|search --json --sort date --from 2010-01-01 --limit 30 tiếp công dân"
  "search-number|search --json 1234/QĐ-UBND"
  "search-status|search --json --status repealed --limit 20 quyết định"
  "ref|ref --json 77/QĐ-UBND"
  "related|related --json 12/CT-UBND"
  "stats|stats --json"
  "export|export")

# A server that exited is a zombie until waited for, and kill -0 finds a
# zombie: its state says.
serve_alive() { [ -r "/proc/$SERVE_PID/stat" ] && ! awk '{ exit !($3 == "Z") }' "/proc/$SERVE_PID/stat"; }
serve_state() { # sets STATE
  if serve_alive; then STATE="the server is alive"
  elif [ -z "${SERVE_RC:-}" ]; then wait "$SERVE_PID"; SERVE_RC=$?; STATE="the server exited with $SERVE_RC"
  else STATE="the server exited with $SERVE_RC"; fi
}

rounds=0
started=$(date +%s)
crashes=0
damaged=0
if [ "$SECONDS_LEFT" -gt 0 ]; then seed0=${TRACUU_DAMAGE_SEED:-$(( $(date +%s) % 100000 ))}
else seed0=${TRACUU_DAMAGE_SEED:-9202}; fi
if [ -n "${TRACUU_SANITIZED:-}" ]; then
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}suppressions=$TRACUU_SRC/tests/damage/xapian-asan.supp"
fi
echo "seeds from $seed0"
while :; do
  if [ "$SECONDS_LEFT" -gt 0 ]; then
    [ $(($(date +%s) - started)) -ge "$SECONDS_LEFT" ] && break
  else
    [ "$rounds" -ge "$ROUNDS" ] && break
    [ -n "${TRACUU_DAMAGE_SEED:-}" ] && [ "$rounds" -ge 1 ] && break
  fi
  seed=$((seed0 + rounds))
  rounds=$((rounds + 1))
  db=$TMP/damaged
  what=$(python3 "$TRACUU_SRC/tests/damage/damage_blocks.py" "$TMP/good" "$db" "$seed" | tr '\n' ',')
  any5=0
  for entry in "${READERS[@]}"; do
    name=${entry%%|*}
    # shellcheck disable=SC2086 # the words of the command
    run timeout 120 "$TRACUU" ${entry#*|} --db "$db"
    [ "$RC" = 124 ] && ERR="no answer in 120 s (the watchdog did not end a loop in Xapian)"
    case $RC in
    0)
      [ -s "$TMP/err" ] && fail "seed $seed ($what) $name: exit 0 but said: $ERR"
      if [ "$name" != export ] || [ -s "$TMP/out" ]; then
        jq -e . "$TMP/out" >/dev/null 2>&1 || fail "seed $seed ($what) $name: exit 0 with output that is not JSON"
      fi
      pass ;;
    5)
      any5=1
      expect_one_line_err "seed $seed ($what) $name: exit 5"
      expect_err "\"tracuu check --db $db\" tells" "seed $seed ($what) $name: exit 5 names tracuu check" ;;
    *)
      [ "$RC" -ge 128 ] && crashes=$((crashes + 1))
      fail "seed $seed ($what) $name: exit $RC: $ERR"
      [ -n "${TRACUU_DAMAGE_KEEP:-}" ] && rm -rf "$TRACUU_DAMAGE_KEEP/$seed" && cp -r "$db" "$TRACUU_DAMAGE_KEEP/$seed" ;;
    esac
  done
  run timeout 300 "$TRACUU" check --db "$db"
  case $RC in
  0) [ "$any5" = 1 ] && fail "seed $seed ($what): a reader exited 5 but check found the index sound" || pass ;;
  5)
    damaged=$((damaged + 1))
    expect_one_line_err "seed $seed ($what) check"
    expect_err "$db is damaged:" "seed $seed ($what) check names the index" ;;
  *)
    [ "$RC" -ge 128 ] && crashes=$((crashes + 1))
    fail "seed $seed ($what) check: exit $RC: $ERR" ;;
  esac
  # The search page: 200, or 500 with the rebuild message; alive after.
  : >"$TMP/serve.err" # a new file for this round (serve_port, lib.sh)
  "$TRACUU" serve --listen 127.0.0.1:0 --db "$db" --store "$TMP/nostore" 2>"$TMP/serve.err" &
  SERVE_PID=$! SERVE_RC=
  port=$(serve_port "$TMP/serve.err" "$SERVE_PID")
  if [ -z "$port" ]; then
    wait "$SERVE_PID"
    rc=$?
    [ "$rc" = 5 ] && pass || fail "seed $seed ($what) serve: exit $rc at start: $(cat "$TMP/serve.err")"
  else
    for q in "c%E1%BA%A3i+c%C3%A1ch" "so%3A77%2FQ%C4%90-UBND"; do
      code=$(curl -sS --max-time 300 -o "$TMP/page" -w "%{http_code}" "http://127.0.0.1:$port/?q=$q" 2>"$TMP/curl.err")
      case $code in
      200) pass ;;
      500) grep -q "tracuu check" "$TMP/page" && pass || fail "seed $seed ($what) serve: 500 without the rebuild message: $(head -c 300 "$TMP/page")" ;;
      *)
        serve_state
        fail "seed $seed ($what) serve: HTTP $code for ?q=$q ($(cat "$TMP/curl.err"); serve said: $(cat "$TMP/serve.err"); $STATE)" ;;
      esac
    done
    if serve_alive; then pass; else crashes=$((crashes + 1)); fail "seed $seed ($what) serve died: $(cat "$TMP/serve.err")"; fi
    kill "$SERVE_PID" 2>/dev/null
    wait "$SERVE_PID" 2>/dev/null
  fi
  SERVE_PID=
done
echo "$rounds damaged copies ($damaged found damaged by check), ${#READERS[@]} readers + check + serve each, $crashes crashes, $(($(date +%s) - started)) s"
[ "$rounds" -gt 0 ] && pass || fail "no round ran"
finish
