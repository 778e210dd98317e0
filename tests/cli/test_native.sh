# A tool that feels native on Debian: --version, the configuration and its
# precedence (tracuu config), export -> index -> export, CSV quoting, stats,
# the man pages (no groff warnings), the bash completion.
# TRACUU_BUILD (set by ctest) is the build directory: doc/man, doc/completion.
. "$(dirname "$0")/lib.sh"
: "${TRACUU_BUILD:=$(dirname "$(dirname "$TRACUU")")}"
"$TRACUU" index --quiet "$TRACUU_SRC/corpus/sample/records.jsonl" 2>/dev/null

# 1. --version: tracuu's, then the libraries it runs with.
run "$TRACUU" --version
expect_rc 0 "--version"
for lib in tracuu Xapian ICU libcurl libxml2; do
  if grep -qE "^$lib [0-9]+\.[0-9]+" "$TMP/out"; then pass; else fail "--version lacks \"$lib X.Y\": $OUT"; fi
done

# 2. Configuration: default < /etc < ~/.config < environment < flag.
mkdir -p "$TMP/etc" "$XDG_CONFIG_HOME/tracuu"
source_of() { jq -r ".$1.source" "$TMP/out"; }
value_of() { jq -r ".$1.value" "$TMP/out"; }
run env -u TRACUU_DB "$TRACUU" config --json
expect_eq "$(source_of limit)/$(value_of limit)" "default/10" "limit: the default"
expect_eq "$(value_of db)" "$XDG_DATA_HOME/tracuu/db" "db: the default is under XDG_DATA_HOME"
printf '# system\nlimit = 3\nsort = date\ndb = /srv/sys-db\n' >"$TMP/etc/tracuu.conf"
run env -u TRACUU_DB "$TRACUU" config --json
expect_eq "$(source_of limit)/$(value_of limit)" "$TMP/etc/tracuu.conf:2/3" "limit: the system file, with its line"
expect_eq "$(value_of db)" "/srv/sys-db" "db: the system file"
printf '[tracuu]\nlimit = 5\ndb = /srv/user-db\n' >"$XDG_CONFIG_HOME/tracuu/tracuu.conf"
run env -u TRACUU_DB "$TRACUU" config --json
expect_eq "$(source_of limit)/$(value_of limit)" "$XDG_CONFIG_HOME/tracuu/tracuu.conf:2/5" "limit: the user's file wins"
expect_eq "$(source_of sort)/$(value_of sort)" "$TMP/etc/tracuu.conf:3/date" "sort: still the system file"
expect_eq "$(value_of db)" "/srv/user-db" "db: the user's file"
run "$TRACUU" config --json
expect_eq "$(source_of db)/$(value_of db)" "env TRACUU_DB/$TMP/db" "db: the environment wins over the files"
run "$TRACUU" config --json --limit 7 --db /x
expect_eq "$(source_of limit)/$(value_of limit)/$(source_of db)" "flag/7/flag" "a flag wins over everything"
run "$TRACUU" config
expect_out "limit = 5	# $XDG_CONFIG_HOME/tracuu/tracuu.conf:2" "tracuu config as text"
# ... and the settings act: limit 5 and sort date from the files, --limit wins.
run "$TRACUU" search --json ubnd
expect_eq "$(grep -c . "$TMP/out")" 5 "search shows limit = 5 hits"
dates=$(jq -r '.date // ""' "$TMP/out")
expect_eq "$dates" "$(printf '%s\n' "$dates" | sort -r)" "sort = date from the system file: newest first"
run "$TRACUU" search --json --limit 2 ubnd
expect_eq "$(grep -c . "$TMP/out")" 2 "--limit overrides the files"
# Mistakes in a file: one line naming the file and line, exit code 2.
printf 'limit = lots\n' >>"$XDG_CONFIG_HOME/tracuu/tracuu.conf"
run "$TRACUU" search thuế
expect_rc 2 "a bad value in the user's file"
expect_err "tracuu.conf:4: limit must be a whole number" "the bad value's file and line"
printf 'colour = never\n' >"$XDG_CONFIG_HOME/tracuu/tracuu.conf"
run "$TRACUU" stats
expect_rc 2 "an unknown setting"
expect_err "tracuu.conf:1: unknown setting \"colour\"" "the unknown setting's line"
expect_one_line_err "an unknown setting"
rm "$XDG_CONFIG_HOME/tracuu/tracuu.conf" "$TMP/etc/tracuu.conf"

# 3. export -> index into a new index -> export: identical.
run "$TRACUU" export
expect_rc 0 "export"
expect_eq "$(grep -c . "$TMP/out")" 50 "every record exported"
cp "$TMP/out" "$TMP/export1.jsonl"
run "$TRACUU" index --db "$TMP/db2" "$TMP/export1.jsonl"
expect_rc 0 "index the export"
run "$TRACUU" export --db "$TMP/db2" "$TMP/export2.jsonl"
expect_rc 0 "export to a FILE"
if cmp -s "$TMP/export1.jsonl" "$TMP/export2.jsonl"; then pass; else fail "export -> index -> export differs"; fi
run "$TRACUU" index --db "$TMP/db3" --shards 3 "$TMP/export1.jsonl"
run "$TRACUU" export --db "$TMP/db3" -
if cmp -s "$TMP/export1.jsonl" "$TMP/out"; then pass; else fail "a sharded index exports the same"; fi
run "$TRACUU" export --db "$TMP/none"
expect_rc 3 "export of no index"

# 4. CSV (RFC 4180): a comma, a double quote and a line break in one title.
printf '%s\n' '{"id":"q\"1","title":"Về việc \"A, B\"\nvà C","body":"zzcsvword","url":"http://h.example/a,b"}' \
  '{"id":"plain","title":"Không có gì","body":"zzcsvword"}' >"$TMP/csv.jsonl"
"$TRACUU" index --quiet --db "$TMP/dbcsv" "$TMP/csv.jsonl"
run "$TRACUU" search --db "$TMP/dbcsv" --format csv --sort relevance zzcsvword
expect_rc 0 "--format csv"
expect_eq "$(head -1 "$TMP/out")" "rank,id,number,date,type,issuer,title,url,score,status"$'\r' "the CSV header, CRLF"
python3 - "$TMP/out" >"$TMP/csv.check" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
byid = {r[1]: r for r in rows[1:]}
print(len(rows), byid['q"1'][6] == 'Về việc "A, B"\nvà C', byid['q"1'][7], byid["plain"][6], byid["plain"][9])
EOF
expect_eq "$(cat "$TMP/csv.check")" "3 True http://h.example/a,b Không có gì unknown" "Python's csv reads back every field"
if grep -q '^1,"q""1",' "$TMP/out" || grep -q '^2,"q""1",' "$TMP/out"; then pass; else fail "a quote doubled inside quotes: $OUT"; fi
run "$TRACUU" search --format xml thuế
expect_rc 2 "--format xml"

# 5. stats --json: the new fields.
run "$TRACUU" stats --json
expect_eq "$(jq -r '[.documents, .terms > 1000, .bytes > 10000, .dates.first, .dates.last, .sites."portal.example", .last_crawl == null] | @tsv' "$TMP/out")" \
  "50	true	true	2019-01-18	2024-08-26	49	true" "stats --json"
mkdir -p "$TMP/store" && echo '{"fetched":3,"failed":0}' >"$TMP/store/last-crawl.json"
run "$TRACUU" stats --json
expect_eq "$(jq -r .last_crawl.fetched "$TMP/out")" 3 "stats reads STORE/last-crawl.json"

# 6. NO_COLOR and --color.
run env NO_COLOR=1 "$TRACUU" search --color=always thuế
if grep -q $'\033\[' "$TMP/out"; then pass; else fail "--color=always colours even with NO_COLOR"; fi
run env NO_COLOR=1 "$TRACUU" search thuế
if grep -q $'\033\[' "$TMP/out"; then fail "NO_COLOR: no colour"; else pass; fi

# 7. The man pages: one per command, plus tracuu(1) and tracuu-sites.conf(5);
#    no warning from groff or man.
MAN=$TRACUU_BUILD/doc/man
for cmd in $("$TRACUU" --help | awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1}'); do
  [ -s "$MAN/tracuu-$cmd.1" ] && pass || fail "no man page tracuu-$cmd.1 in $MAN"
done
[ -s "$MAN/tracuu.1" ] && [ -s "$MAN/tracuu-sites.conf.5" ] && pass || fail "tracuu.1 or tracuu-sites.conf.5 missing"
for page in "$MAN"/*.[15]; do
  warnings=$(groff -k -Tutf8 -ww -man -z "$page" 2>&1; MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
  expect_eq "$warnings" "" "$(basename "$page"): groff/man warnings"
done
MANWIDTH=80 man -l "$MAN/tracuu.1" 2>/dev/null >"$TMP/out"
expect_out "another crawl is running" "tracuu(1) has the exit codes"
# ... the same codes as README's table and cli.h's enum.
readme=$(sed -n '/^### Exit codes/,/^## /p' "$TRACUU_SRC/README.md" | sed -n 's/^| *\([0-9][0-9]*\) |.*/\1/p' | tr '\n' ' ')
man=$(sed -n '/^# EXIT STATUS/,/^# /p' "$TRACUU_SRC/doc/tracuu.1.scd" | sed -n 's/^| *\([0-9][0-9]*\)$/\1/p' | tr '\n' ' ')
enum=$(sed -n 's/^ *EXIT_[A-Z_]* = \([0-9]*\).*/\1/p' "$TRACUU_SRC/cli/cli.h" | tr '\n' ' ')
expect_eq "$man" "0 1 2 3 4 5 6 7 8 9 10 " "tracuu(1) lists the exit codes 0 to 10"
expect_eq "$man" "$readme" "tracuu(1) and README list the same exit codes"
expect_eq "$man" "$enum" "tracuu(1) and cli.h list the same exit codes"

# 8. The bash completion: commands, options, values.
COMPLETION=$TRACUU_BUILD/doc/completion/tracuu
complete_words() { # WORD...: what completes the last word
  bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tracuu; printf "%s\n" "${COMPREPLY[@]}"; complete -p tracuu' \
    _ "$COMPLETION" "$@"
}
run complete_words tracuu se
expect_out "search" "a command"
expect_out "complete -F _tracuu tracuu" "complete -p"
run complete_words tracuu search --so
expect_eq "$OUT" "--sort"$'\n'"complete -F _tracuu tracuu" "an option of search"
run complete_words tracuu search --sort ""
expect_eq "$(head -3 "$TMP/out" | sort | tr '\n' ' ')" "blend date relevance " "the values of --sort"
run complete_words tracuu search --type "Quy"
expect_out 'Quyết\ định' "a --type value, quoted"
run complete_words tracuu search --color = al
expect_out "always" "--color=al"
run complete_words tracuu related --format ""
expect_out "dot" "related --format dot"
run complete_words tracuu search --status r
expect_eq "$(head -2 "$TMP/out" | tr '\n' ' ')" "replaced repealed " "the values of --status"
finish
