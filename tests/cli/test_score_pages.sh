#!/usr/bin/env bash
# test_score_pages: bench/score_pages.py, the real-portal scorer, end to end.
#
# It serves tests/fixtures/portal (pages written for these tests in the
# layouts of real portals: a Liferay-like article with its lead beside it,
# a WordPress-like post, a news item, a document with its header in a table,
# a table of documents and a news list), crawls it with the real tracuu and
# scores what the index holds against the folder's truth.json. Every field
# of every page is right and no listing is indexed; the records carry the
# contract's keys (posted, date_source, issuer_as_written). A folder without
# truth.json is a usage error.
. "$(dirname "$0")/lib.sh"

run python3 "$TRACUU_SRC/bench/score_pages.py" --tracuu "$TRACUU" --json "$TRACUU_SRC/tests/fixtures/portal"
expect_rc 0 "score the fixture portal"
for field in title date posted number type issuer body first listing; do
  expect_eq "$(jq -r --arg f "all $field" '.scores[$f] | "\(.right)/\(.counted)"' "$TMP/out")" \
    "$(jq -r --arg f "all $field" '.scores[$f] | "\(.counted)/\(.counted)"' "$TMP/out")" "every page's $field"
done
expect_eq "$(jq -r '.scores["all listing"].counted' "$TMP/out")" "2" "both listings counted"

# the records as export writes them: the new keys, a posting date said so
run python3 "$TRACUU_SRC/bench/score_pages.py" --tracuu "$TRACUU" --keep "$TMP/keep" "$TRACUU_SRC/tests/fixtures/portal"
expect_rc 0 "score again, keeping the index"
run "$TRACUU" export --db "$TMP/keep/db"
expect_rc 0 "export the scored index"
expect_out '"date_source":"text"' "a date of issue read from the lead"
expect_out '"date_source":"posted"' "a news item dated by its posting date"
expect_out '"issuer":"UBND huyện Lạc Sơn","issuer_as_written":"ỦY BAN NHÂN DÂN HUYỆN LẠC SƠN"' \
  "an issuer shown one way, as written kept"

mkdir -p "$TMP/empty"
run python3 "$TRACUU_SRC/bench/score_pages.py" --tracuu "$TRACUU" "$TMP/empty"
expect_rc 2 "a folder without truth.json"
expect_err "has no truth.json" "says what is missing"
finish
