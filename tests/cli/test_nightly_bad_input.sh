# The nightly crawl's bad input: a crawl state written by tracuu 0.1
# (migrated, nothing lost), one written by a newer tracuu (refused,
# untouched), a clock that went backwards, bad schedule settings and a bad
# TRACUU_NOW. Each error is one line.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
export TZ=UTC
E=1735696800
day=86400
STORE=$TMP/store
json() { jq -r ".$1" "$TMP/out"; }
sql() { python3 -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print(*row)' "$STORE/state.sqlite" "$1"; }

# 1. A state.sqlite that tracuu 0.1 wrote (tests/fixtures/state/README.md):
#    35 pages and six URLs its last run left in the frontier, on night 1 of
#    the portal it was made from.
start_portal --docs 30 --categories 2 --new 1=5 --change 1=3 --epoch $E
set_night 1
mkdir -p "$STORE"
python3 -c 'import sqlite3, sys
sql = open(sys.argv[1], encoding="utf-8").read().replace("@PORT@", sys.argv[2])
sqlite3.connect(sys.argv[3]).executescript(sql)' \
  "$TRACUU_SRC/tests/fixtures/state/state-0.1.sql" "$PORT" "$STORE/state.sqlite"
sql "select url from page union select url from frontier" | sort >"$TMP/urls-before"
expect_eq "$(sql 'pragma user_version')" 0 "the fixture is 0.1's layout"
run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_rc 0 "a crawl of 0.1's store"
expect_eq "$(sql 'pragma user_version')" 4 "the state is migrated"
sql "select url from page union select url from frontier" | sort >"$TMP/urls-after"
expect_eq "$(comm -23 "$TMP/urls-before" "$TMP/urls-after" | wc -l)" 0 "no URL the old state knew is lost"
expect_eq "$(ids "$TRACUU_DB" | grep -cE '/vb/3[1-5]\.html$')" 5 \
  "the five documents 0.1 left in its frontier are fetched and indexed"
[ "$(json not_modified)" -ge 30 ] && pass || fail "0.1's validators are used: $(json not_modified) not modified"
expect_eq "$(grep -c ' GET /vb/1\.html inm="' "$SERVER_LOG")" 1 "a known page is asked with 0.1's ETag"
run "$TRACUU" crawl --plan --delay 0 "$BASE/"
expect_rc 0 "--plan on the migrated store"
expect_out "site $BASE:" "it says the site's schedule"

# 2. A state a newer tracuu wrote is refused and left as it is.
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("pragma user_version=5")' "$STORE/state.sqlite"
sum_before=$(sha256sum "$STORE/state.sqlite")
run "$TRACUU" crawl --delay 0 "$BASE/"
expect_rc 6 "a state of a newer tracuu"
expect_err "written by a newer tracuu (state version 5; this one reads up to 4)" "it says so"
expect_one_line_err "one line"
expect_eq "$(sha256sum "$STORE/state.sqlite")" "$sum_before" "and the file is untouched"

# 3. A clock that went backwards: every due date moves back with it, the
#    schedule keeps its shape, nothing is lost, and first-indexed stamps keep
#    growing (a watch still sees what is new).
rm -rf "$STORE" "$TRACUU_DB"
start_portal --docs 100 --new 1=5 --new 2=5 --epoch $E
TRACUU_NOW=$E run "$TRACUU" crawl --delay 0 "$BASE/"
"$TRACUU" watch add alles --from 2000-01-01 2>/dev/null
set_night 1
TRACUU_NOW=$((E + 10 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_eq "$(json clock_back)" 0 "a clock going forward is no news"
"$TRACUU" watch run --json >/dev/null
pages=$(sql "select count(*) from page")
late=$(sql "select max(next_due) from page")
set_night 2
TRACUU_NOW=$((E + 5 * day)) run "$TRACUU" crawl --delay 0 --json "$BASE/"
expect_rc 0 "a crawl with the clock 5 days back"
expect_eq "$(json clock_back)" $((5 * day)) "the summary says how far back"
expect_err "is 5d behind the start of the last run: every due date moved back with it, nothing was lost" \
  "and so does one line on stderr"
[ "$(sql "select count(*) from page")" -ge "$pages" ] && pass || fail "pages were lost"
expect_eq "$(( $(sql "select max(next_due) from page where next_due < $late") <= late ))" 1 "due dates moved back"
run "$TRACUU" watch run --json
expect_rc 0 "watch run after the clock went back"
expect_eq "$(jq -r .url "$TMP/out" | grep -cE '/vb/10[6-9]\.html$|/vb/110\.html$')" 5 \
  "the documents indexed after the clock went back are new to the watch"
old=$("$TRACUU" search --json vbso103 | jq -r .indexed)
new=$("$TRACUU" search --json vbso108 | jq -r .indexed)
[[ "$new" > "$old" ]] && pass || fail "stamps keep growing: night 2's $new after night 1's $old"

# 4. Bad settings: one line each, exit 2.
for bad in "revisit = 7|bad value for revisit: \"7\" (a duration such as 12h, 7d, 2w)" \
  "max_revisit = soon|bad value for max_revisit" \
  "min_revisit = 0d|bad value for min_revisit"; do
  printf '[crawl]\n%s\n[site x]\nstart = %s/\n' "${bad%%|*}" "$BASE" >"$TMP/bad.ini"
  run "$TRACUU" crawl --config "$TMP/bad.ini"
  expect_rc 2 "config: ${bad%%|*}"
  expect_err "${bad#*|}" "the bad value is named"
  expect_one_line_err "${bad%%|*}: one line"
done
printf '[site x]\nstart = %s/\nmin_revisit = 2d\nrevisit = 1d\n' "$BASE" >"$TMP/bad.ini"
run "$TRACUU" crawl --config "$TMP/bad.ini"
expect_rc 2 "min_revisit over revisit"
expect_err "[site x] revisit must not be shorter than min_revisit" "the site and the rule are named"
TRACUU_NOW=yesterday run "$TRACUU" crawl "$BASE/"
expect_rc 2 "a bad TRACUU_NOW"
expect_err "TRACUU_NOW must be unix seconds or a time such as 2025-01-02T02:00:00Z, not \"yesterday\"" \
  "it is named"
finish
