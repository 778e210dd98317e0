# What comes from outside never drives a terminal or a reader of tracuu's
# output (issue 19): control characters in records reach neither a terminal
# nor a CSV file (once printed raw), and a User-Agent cannot add headers to
# the crawler's requests (once --user-agent $'x\r\nX-Injected: yes' did).
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"

# Records whose fields carry ESC sequences, a CR, a bell, a C1 CSI (U+009B).
cat >"$TMP/hostile.jsonl" <<'JSONL'
{"id": "esc", "title": "Thông báo \u001b[31mđỏ\u001b[0m \u001b]0;owned\u0007 số 1/TB-UBND", "body": "Nội dung thông báo kiểm thử\r ghi đè \u009b2J xoá màn hình.", "issuer": "UBND \u001b[2J phường", "url": "http://127.0.0.1/esc\u001b[1m"}
{"id": "plain", "title": "Thông báo số 2/TB-UBND", "body": "Nội dung thông báo kiểm thử bình thường."}
JSONL
"$TRACUU" index --quiet "$TMP/hostile.jsonl" || fail "index the hostile records"
has_ctl() { LC_ALL=C grep -c "$(printf '[\001-\010\013-\037\177]')" "$1" || true; }
has_c1() { LC_ALL=C grep -c "$(printf '\302[\200-\237]')" "$1" || true; }
for mode in text color csv; do
  case $mode in
  text) run "$TRACUU" search --limit 5 thông báo kiểm thử ;;
  color) run "$TRACUU" search --color=always --explain --facets --limit 5 thông báo kiểm thử ;;
  csv) run "$TRACUU" search --format csv --limit 5 thông báo kiểm thử ;;
  esac
  expect_rc 0 "$mode: the search"
  # --color=always writes its own ESC sequences: only those may be there.
  if [ "$mode" = color ]; then
    sed 's/\x1b\[[0-9;]*m//g' "$TMP/out" >"$TMP/out.nocolor"
    expect_eq "$(has_ctl "$TMP/out.nocolor")" 0 "$mode: no control character from the records"
  else
    expect_eq "$(has_ctl "$TMP/out" | tr -d ' ')" "$([ "$mode" = csv ] && grep -c . "$TMP/out" || echo 0)" \
      "$mode: no control character from the records (CSV: only each line's CR)"
  fi
  expect_eq "$(has_c1 "$TMP/out")" 0 "$mode: no C1 control character"
  expect_out "đỏ" "$mode: the text around them is kept"
  expect_out "$(printf '\357\277\275')" "$mode: each is shown as U+FFFD"
done
python3 - "$TMP/out" >"$TMP/csv.check" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
print(len(rows), all(len(r) == 10 for r in rows))
PY
expect_eq "$(cat "$TMP/csv.check")" "3 True" "csv: a header and a row of 10 fields per hit"
run "$TRACUU" related --db "$TRACUU_DB" 1/TB-UBND
expect_eq "$(has_ctl "$TMP/out")" 0 "related: no control character"
# JSON keeps the text exactly, escaped (\u001b): JSON is for programs.
run "$TRACUU" search --json --limit 5 thông báo kiểm thử
expect_out '\u001b[31m' "json: the field as stored, escaped"
expect_eq "$(has_ctl "$TMP/out")" 0 "json: no raw control character"

# A User-Agent with a CR LF: refused before any request is made.
mkdir -p "$TMP/site"
printf 'User-agent: *\nDisallow:\n' >"$TMP/site/robots.txt"
echo '<html><body><p>Trang chủ</p></body></html>' >"$TMP/site/index.html"
start_server "$TMP/site"
run "$TRACUU" crawl --delay 0 --user-agent "$(printf 'x\r\nX-Injected: yes')" "$BASE/"
expect_rc 2 "--user-agent with CR LF: a usage error"
expect_err "--user-agent must be one line" "--user-agent with CR LF: said so"
expect_eq "$(wc -l <"$SERVER_LOG" | tr -d ' ')" 0 "--user-agent with CR LF: no request sent"
printf '[crawl]\nuser_agent = tracuu-test \033[2J\n[site s]\nstart = %s/\n' "$BASE" >"$TMP/ua.ini"
run "$TRACUU" crawl --config "$TMP/ua.ini"
expect_rc 2 "user_agent= with a control character in a config: refused"
expect_err "$TMP/ua.ini:2: bad value for user_agent" "user_agent= refused: file and line named"
run "$TRACUU" crawl --delay 0 --user-agent "tracuu-test (+mailto:ops@example.org)" "$BASE/"
expect_rc 0 "a good --user-agent"
if grep -qF "ua=tracuu-test_(+mailto:ops@example.org)" "$SERVER_LOG"; then pass; else fail "the User-Agent sent: $(head -2 "$SERVER_LOG")"; fi
finish
