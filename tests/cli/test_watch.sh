# The morning's news: saved searches (tracuu watch) after a crawl of the
# generated portal, search --since, and the Atom feed of tracuu serve read
# by a real feed parser (Debian's python3-feedparser).
#   1. watch run after a crawl prints exactly the new documents matching
#      each watch; a second run prints nothing at all (exit 0); --json too;
#   2. bad input: a name that is not a plain word, options a watch does not
#      keep, a watch whose search no longer parses, a damaged watch file;
#   3. the shipped cron line and systemd unit run watch run after the crawl;
#   4. /feed?q=...: valid Atom, the newest documents first, hostile
#      parameters inert; the results page links to it.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
. "$TRACUU_SRC/tests/web/fixture.sh" # start_serve
export TZ=UTC
E=1735696800
day=86400
FEEDPARSER=/usr/bin/python3 # Debian's python3, which has python3-feedparser
crawl() { TRACUU_NOW=$((E + $1)) "$TRACUU" crawl --delay 0 "$BASE/" >/dev/null 2>"$TMP/crawl.err"; }
W=$TMP/watches.json # beside the index $TMP/db

# The portal: 200 documents, 12 more on night 1, 8 on night 2, 6 on 4 and 5.
start_portal --docs 200 --new 1=12 --new 2=8 --new 4=6 --new 5=6 --epoch $E
crawl 0 || fail "the full crawl: $(cat "$TMP/crawl.err")"
run "$TRACUU" watch add thue thuế
expect_rc 0 "watch add"
expect_err "watch thue added" "add says so on stderr"
expect_eq "$OUT" "" "add prints nothing on stdout"
run "$TRACUU" watch add ke-hoach-gd --type "Kế hoạch" "giáo dục"
expect_rc 0 "watch add with a filter"
run "$TRACUU" watch list
expect_out $'thue\tthuế\tlast run never' "list names the watch and its search"
expect_out $'ke-hoach-gd\t--type "Kế hoạch" "giáo dục"' "list quotes what has spaces"

# 1. Night 1: watch run shows exactly the new documents of each watch.
set_night 1
crawl $day
truth() { curl -sf "$BASE/_/truth" | jq -r --argjson night "$1" --arg topic "$2" --arg kind "$3" \
  '.docs[] | select(.[1] == $night and .[5] == $topic and ($kind == "" or (.[0] % 4 == ($kind | tonumber)))) | .[0]' | sort -n; }
run "$TRACUU" watch run --json
expect_rc 0 "watch run"
expect_eq "$ERR" "" "watch run says nothing on stderr"
urls() { jq -r "select(.watch == \"$1\") | .url" "$TMP/out"; }
docs_of() { urls "$1" | sed -n 's#.*/vb/\([0-9]*\)\.html$#\1#p' | sort -n; }
expect_eq "$(docs_of thue | tr '\n' ' ')" "$(truth 1 thuế '' | tr '\n' ' ')" \
  "thue shows exactly the new documents about thuế"
expect_eq "$(docs_of ke-hoach-gd | tr '\n' ' ')" "$(truth 1 'giáo dục' 2 | tr '\n' ' ')" \
  "ke-hoach-gd exactly the new Kế hoạch about giáo dục"
expect_eq "$(urls thue | grep -v '/vb/' | grep -cvE '/(chuyen-muc/[0-9]+|van-ban)/trang-[0-9]+\.html$' || true)" 0 \
  "any other hit is a short last page of pagination (the extractor takes it for a document)"
[ "$(truth 1 thuế '' | wc -l)" -gt 0 ] && pass || fail "night 1 publishes nothing about thuế: a test that cannot fail"
run "$TRACUU" watch run
expect_rc 0 "a second watch run"
expect_eq "$OUT$ERR" "" "a second run prints nothing at all"
set_night 2
crawl $((2 * day))
run "$TRACUU" watch run thue
expect_rc 0 "watch run NAME"
expect_out "== watch thue: $(truth 2 thuế '' | wc -l) new (thuế) ==" "the text run names the watch and counts"
for i in $(truth 2 thuế ''); do expect_out "$BASE/vb/$i.html" "night 2's document $i"; done
run "$TRACUU" watch run
expect_eq "$(grep -c '^== watch thue' "$TMP/out")" 0 "thue was just run: nothing new for it"
run "$TRACUU" watch rm ke-hoach-gd
expect_rc 0 "watch rm"
run "$TRACUU" watch list --json
expect_eq "$(jq -r .name "$TMP/out")" thue "rm forgets the watch"
expect_eq "$("$TRACUU" search --json --since 2025-01-02 --limit 100 vbso205 | jq -r .url)" "$BASE/vb/205.html" \
  "search --since DATE finds a document first indexed that day"
expect_eq "$("$TRACUU" search --json --since 2025-01-03T00:00Z --limit 100 vbso205 | wc -l)" 0 \
  "and not after it"

# 2. Bad input: each one line, nothing stored lost.
cp "$W" "$TMP/watches.before"
run "$TRACUU" watch add "thuế đất" thuế
expect_rc 2 "a name that is not a plain word"
expect_err "\"thuế đất\" is not a plain word" "the name is refused"
expect_one_line_err "a bad name: one line"
run "$TRACUU" watch add x-y --json thuế
expect_rc 2 "an option a watch does not keep"
expect_err "\"--json\" is not an option a watch keeps" "the option is named"
run "$TRACUU" watch add so-sai so:abc
expect_rc 8 "a watch whose search does not parse"
expect_err "is not a legal number" "the reason is said"
run "$TRACUU" watch add thue thuế
expect_rc 2 "a name taken"
run "$TRACUU" watch rm nowhere
expect_rc 2 "rm of an unknown watch"
run "$TRACUU" watch run nowhere
expect_rc 2 "run of an unknown watch"
if cmp -s "$W" "$TMP/watches.before"; then pass; else fail "a refused command changed the watch file"; fi
# A watch whose search no longer parses (a file edited by hand): said, kept,
# the others run.
"$TRACUU" watch add gd "giáo dục" 2>/dev/null
jq '(.watches[] | select(.name == "thue") | .args) = ["--from", "2021-13-01", "thuế"]' "$W" >"$W.new" && mv "$W.new" "$W"
mark=$(jq '.watches[] | select(.name == "thue") | .mark' "$W")
set_night 3
crawl $((3 * day))
run "$TRACUU" watch run
expect_rc 8 "a run with a broken watch"
expect_err "watch thue: its search no longer parses" "the broken watch is named"
expect_eq "$(jq '.watches[] | select(.name == "thue") | .mark' "$W")" "$mark" "its mark stays"
expect_eq "$(jq -r '.watches[] | select(.name == "gd") | .last_run' "$W" | cut -c1-4)" "$(date -u +%Y)" \
  "the other watch ran"
cp "$W" "$TMP/watches.good"
echo '{"watches": 7}' >"$W"
run "$TRACUU" watch run
expect_rc 5 "a damaged watch file"
expect_err "is not a watch file" "it is named"
expect_eq "$(cat "$W")" '{"watches": 7}' "and left as it is"
cp "$TMP/watches.good" "$W"

# 3. The shipped cron line and systemd unit run the crawl, then watch run,
#    which prints only news: nothing at all on a night without any.
VAR=$TMP/var/lib/tracuu
mkdir -p "$VAR"
printf '[crawl]\ndelay = 0\n[site portal]\nstart = %s/\n' "$BASE" >"$TMP/sites.ini"
shipped() { sed -e "s#/usr/local/bin/tracuu#$TRACUU#g" -e "s#/var/lib/tracuu#$VAR#g" \
  -e "s#/etc/tracuu/sites.ini#$TMP/sites.ini#g"; }
cron=$(grep -E '^[0-9*]' "$TRACUU_SRC/contrib/cron/tracuu" | shipped | cut -d' ' -f7-)
unit=$(sed -n 's/^ExecStart\(Post\)\{0,1\}=//p' "$TRACUU_SRC/contrib/systemd/tracuu-crawl.service" | shipped)
expect_eq "$(grep -c 'watch --db .* run' <<<"$cron$unit")" 2 "the cron line and the unit both run the watches"
TRACUU_NOW=$((E + 3 * day)) bash -c "$cron" >"$TMP/cron.out" 2>&1
"$TRACUU" watch --db "$VAR/db" add thue thuế 2>/dev/null
set_night 4
TRACUU_NOW=$((E + 4 * day)) bash -c "$cron" >"$TMP/cron.out" 2>&1
expect_eq "$(grep -c '^== watch thue' "$TMP/cron.out")" 1 "the cron line mails the night's news"
TRACUU_NOW=$((E + 4 * day + 3600)) bash -c "$cron" >"$TMP/cron.out" 2>&1
expect_eq "$(cat "$TMP/cron.out")" "" "and nothing at all when nothing is new"
set_night 5
: >"$TMP/unit.out"
while read -r line; do TRACUU_NOW=$((E + 5 * day)) bash -c "$line" >>"$TMP/unit.out" 2>&1; done <<<"$unit"
expect_eq "$(grep -c '^== watch thue' "$TMP/unit.out")" 1 "the systemd unit's ExecStartPost runs the watches"

# 4. The Atom feed of a search, as a feed reader reads it.
newest=$(truth 2 thuế '') # the last documents the index of sections 1 and 2 got
stop_server
start_serve
S=$WEB
feed() { # PATH: "bozo version entries status", then each entry's link, id and date
  "$FEEDPARSER" -c 'import feedparser, sys
d = feedparser.parse(sys.argv[1])
print(int(d.bozo), d.version, len(d.entries), d.get("status"))
for e in d.entries: print(e.link, e.id, e.published)' "$S$1"
}
feed "/feed?q=thu%E1%BA%BF" >"$TMP/feed"
expect_eq "$(head -1 "$TMP/feed")" "0 atom10 20 200" "the feed is valid Atom (feedparser: no error), 20 entries"
first=$(sed -n 2p "$TMP/feed" | cut -d' ' -f2 | sed -n 's#^.*/vb/\([0-9]*\)\.html$#\1#p')
grep -qx "${first:-none}" <<<"$newest" && pass ||
  fail "the first entry ($first) is one of the newest documents about thuế"
expect_eq "$(sed -n 2p "$TMP/feed" | cut -d' ' -f1 | cut -c1-$((${#S} + 5)))" "$S/doc/" \
  "entry links resolve to this server's /doc/ pages"
expect_eq "$(sed -n 2p "$TMP/feed" | cut -d' ' -f3 | cut -c1-10)" "2025-01-03" \
  "an entry is dated when it was first indexed"
for q in '%5D%5D%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E' '%01%02%0B%7F%27%22' '%EF%BF%BE%EF%BF%BF' \
  'x&type=%3C%2Ftitle%3E&issuer=%26amp%3B'; do
  feed "/feed?q=$q" >"$TMP/hostile"
  expect_eq "$(head -1 "$TMP/hostile" | cut -d' ' -f1-2)" "0 atom10" "hostile q=$q: still valid Atom"
done
doc_id=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$BASE/vb/205.html")
expect_eq "$(curl -s "$S/api/doc/$doc_id" | jq -r '.hits[0].indexed' | cut -c1-10)" 2025-01-02 \
  "/api/doc says when a document was first indexed"
code() { curl -s -o /dev/null -w '%{http_code}' "$S$1"; }
expect_eq "$(code '/feed?from=2021-13-01')" 400 "a bad date: 400"
expect_eq "$(code "/feed?q=a&type=$(head -c 3000 /dev/zero | tr '\0' a)")" 414 "an overlong parameter: 414"
expect_eq "$(curl -s -o /dev/null -w '%{content_type}' "$S/feed?q=a")" "application/atom+xml; charset=utf-8" \
  "served as Atom"
expect_eq "$(curl -s "$S/?q=thu%E1%BA%BF&sort=date" | grep -c 'href="/feed?q=thu%E1%BA%BF"')" 1 \
  "the results page links to the feed of its search"
finish
