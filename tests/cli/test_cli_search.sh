# tracuu search / ref / analyze on the sample corpus: accents, numbers,
# filters, JSON keys, error paths.
. "$(dirname "$0")/lib.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl
"$TRACUU" index --quiet "$SAMPLE" || { echo "cannot index the sample"; exit 1; }

# 1. No index: a clear message and its own exit code.
run "$TRACUU" search --db "$TMP/none" thuế
expect_rc 3 "missing index"
expect_err "no index at $TMP/none" "missing index message"
expect_one_line_err "missing index message is one line"

# 2. JSON keys the contract names, one object per line.
run "$TRACUU" search --json --limit 5 "chính quyền đô thị"
expect_rc 0 "search json"
for key in rank id url title date number score snippet; do
  n=$(jq -c "select(has(\"$key\") | not)" "$TMP/out" | wc -l)
  expect_eq "$n" 0 "every hit has \"$key\""
done
expect_eq "$(wc -l <"$TMP/out")" 5 "--limit 5 gives 5 lines"

# 3. Without accents finds the same documents as with accents.
with=$("$TRACUU" search --json --limit 5 "chính quyền đô thị" | jq -r .id | sort)
without=$("$TRACUU" search --json --limit 5 "chinh quyen do thi" | jq -r .id | sort)
expect_eq "$without" "$with" "accent-less query finds the same top 5"

# 4. A highlight lands on the accented text for an accent-less query.
run "$TRACUU" search --json --limit 1 "chinh quyen do thi"
span=$(jq -r '.snippet as $s | .highlights[0] | "\(.[0]) \(.[1])"' "$TMP/out" | head -n 1)
snippet=$(jq -r .snippet "$TMP/out" | head -n 1)
word=$(printf '%s' "$snippet" | tail -c +$(( ${span% *} + 1 )) | head -c $(( ${span#* } - ${span% *} )))
folded=$("$TRACUU" analyze --json "$word" | jq -r '.tokens | map(.folded) | join(" ")')
case "$folded" in chinh|quyen|do|thi) pass ;; *) fail "highlight covers \"$word\" (folded \"$folded\")" ;; esac
[ "$word" != "$folded" ] && pass || fail "highlight is on the accented original text, not \"$word\""

# 5. A legal number: the document that IS it first, in every spelling.
for q in "1120/QĐ-UBND" "1120/qd-ubnd" "1120/QÐ-UBND" "quyết định 1120/QĐ-UBND" "so:1120/QD-UBND"; do
  first=$("$TRACUU" search --json --limit 3 "$q" | jq -r .number | head -n 1)
  expect_eq "$first" "1120/QĐ-UBND" "number query \"$q\" ranks its document first"
done

# 6. tracuu ref: the document, then those citing it.
run "$TRACUU" ref --json 09/CT-UBND
expect_rc 0 "ref"
expect_eq "$(jq -r .number "$TMP/out" | head -n 1)" "09/CT-UBND" "ref lists the document first"
dates=$(jq -r .date "$TMP/out" | tail -n +2)
expect_eq "$dates" "$(printf '%s\n' "$dates" | sort -r)" "ref lists citing documents newest first"
cites=$(jq -r .id "$TMP/out" | tail -n +2 | sort | tr '\n' ' ')
for id in tayho-2021-0188 tayho-2021-0252; do
  case " $cites " in *" $id "*) pass ;; *) fail "ref 09/CT-UBND lists citing $id (got $cites)" ;; esac
done

# 7. Filters: dates, type, issuer.
run "$TRACUU" search --json --from 2022-01-01 --to 2022-12-31 "kế hoạch"
expect_rc 0 "date filter"
bad=$(jq -r 'select(.date < "2022-01-01" or .date > "2022-12-31") | .id' "$TMP/out")
expect_eq "$bad" "" "date filter keeps 2022 only"
run "$TRACUU" search --json --type "Chỉ thị" --limit 100 ubnd
bad=$(jq -r 'select(.type != "Chỉ thị") | .id' "$TMP/out")
expect_eq "$bad" "" "type filter"
[ -s "$TMP/out" ] && pass || fail "type filter finds something"
run "$TRACUU" search --json --issuer "tay ho" --limit 100 "kế hoạch"
bad=$(jq -r 'select(.issuer | test("Tây Hồ") | not) | .id' "$TMP/out")
expect_eq "$bad" "" "issuer filter by words without accents"

# 8. Sort by date: newest first.
run "$TRACUU" search --json --sort date --limit 20 "cải cách hành chính"
sorted=$(jq -r .date "$TMP/out" | sort -r)
expect_eq "$(jq -r .date "$TMP/out")" "$sorted" "--sort date is newest first"

# 9. Exclusion and phrase.
run "$TRACUU" search --json --limit 100 "kế hoạch -\"cải cách\""
bad=$(jq -r 'select((.title + " " + .snippet) | test("cải cách"; "i")) | .id' "$TMP/out")
expect_eq "$bad" "" "-\"phrase\" excludes"

# 10. Bad flags and queries: one line, exit codes.
run "$TRACUU" search --from 2021-13-01 thuế
expect_rc 2 "invalid --from"
expect_one_line_err "invalid --from message"
run "$TRACUU" search --sort fastest thuế
expect_rc 2 "invalid --sort"
run "$TRACUU" search --limit many thuế
expect_rc 2 "invalid --limit"
run "$TRACUU" search "so:abc"
expect_rc 8 "so: with no number"
expect_one_line_err "bad so: message"
run "$TRACUU" search
expect_rc 2 "search with nothing"

# 11. analyze --json: the keys scripts rely on.
run "$TRACUU" analyze --json "Quyết định số 2696/QĐ-UBND ngày 21/6/2021"
expect_rc 0 "analyze"
expect_eq "$(jq -r '.refs[0].canonical' "$TMP/out")" "2696/QĐ-UBND" "analyze finds the number"
expect_eq "$(jq -r '.dates[0].iso' "$TMP/out")" "2021-06-21" "analyze finds the date"
expect_eq "$(jq -r '.tokens[0] | [.exact, .folded, .pos, .start, .end] | join(",")' "$TMP/out")" \
  "quyết,quyet,0,0,7" "analyze token keys (byte offsets)"
# 12. Partial numbers: "nghị định 32/2021" and the bare "1120".
run "$TRACUU" search --json --limit 3 "nghị định 32/2021"
expect_rc 0 "number/year query"
bad=$(jq -r 'select(.snippet | test("32/2021/NĐ-CP") | not) | .id' "$TMP/out")
expect_eq "$bad" "" "every hit of \"nghị định 32/2021\" shows 32/2021/NĐ-CP"
expect_eq "$(jq -r '.highlights | length > 0' "$TMP/out" | sort -u)" "true" "the number is highlighted"
expect_eq "$("$TRACUU" search --json --limit 1 1120 | jq -r .number)" "1120/QĐ-UBND" "bare number finds its document first"

# 13. A short query requires every word; when none has them all, any word.
run "$TRACUU" search --json --limit 50 "đất đai"
words=$(jq -r '.title + " " + .snippet' "$TMP/out" | "$TRACUU" analyze --json | jq -r '[.tokens[].folded] | unique | join(" ")')
case " $words " in *" dat "*) pass ;; *) fail "short query: hits have \"dat\"" ;; esac
case " $words " in *" dai "*) pass ;; *) fail "short query: hits have \"dai\"" ;; esac
# Typed with accents, the exact spelling outranks the folded one ("trôi dạt ... kéo dài").
exact_last=$(jq -r 'select((.title + " " + .snippet) | test("[Đđ]ất")) | .rank' "$TMP/out" | tail -n 1)
folded_first=$(jq -r 'select((.title + " " + .snippet) | test("[Đđ]ất") | not) | .rank' "$TMP/out" | head -n 1)
[ -n "$exact_last" ] && [ "${folded_first:-999}" -gt "$exact_last" ] && pass ||
  fail "exact \"đất\" hits (last rank $exact_last) before folded-only ones (first rank $folded_first)"
run "$TRACUU" search --limit 3 "đất xyzzyqq"
expect_rc 0 "relaxed query"
expect_err "no document has every word" "relaxed query is announced"

# 14. Did you mean: the accented reading the index supports, in context.
run "$TRACUU" search --limit 5 "chinh quyen do thi"
expect_err "did you mean: chính quyền đô thị" "suggestion in context (đô, not độ)"
run "$TRACUU" search --limit 5 "chính quyền"
if grep -q "did you mean" "$TMP/err"; then fail "no suggestion for an accented query"; else pass; fi

# 15. Facets count over all matches; explain says why.
run "$TRACUU" search --json --facets --limit 1 "cải cách hành chính"
total=$(jq -r 'select(has("facets")) | .total' "$TMP/out")
years=$(jq -r 'select(has("facets")) | [.facets.year[].count] | add' "$TMP/out")
expect_eq "$years" "$total" "year facet counts add up to the matches (all dated)"
run "$TRACUU" search --explain --limit 1 --color=never "32/2021/NĐ-CP"
expect_out "why: " "explain line"
expect_out "citation \"32/2021/ND-CP\"" "explain names the citation"

# 16. Pages: --offset N --limit K is the slice N+1..N+K of the whole list,
#     in every sort order (--sort relevance and date with an offset used to
#     crash inside Xapian's MSet::fetch), and past the end says so.
for sort in blend relevance date; do
  whole=$("$TRACUU" search --json --limit 50 --sort "$sort" quận | jq -r .id | sed -n 4,8p)
  run "$TRACUU" search --json --offset 3 --limit 5 --sort "$sort" quận
  expect_rc 0 "--offset 3 --sort $sort"
  expect_eq "$(jq -r .id "$TMP/out")" "$whole" "--offset 3 --limit 5 --sort $sort: hits 4 to 8"
  expect_eq "$(jq -r .rank "$TMP/out" | head -1)" 4 "--offset 3 --sort $sort: ranks count from 4"
done
run "$TRACUU" search --offset 10000 --sort relevance quận
expect_rc 0 "an offset past the end"
expect_err "documents match; none in the range" "an offset past the end says so"
run "$TRACUU" search --limit 0 --facets quận
expect_rc 0 "--limit 0 --facets"
expect_out "issuer: " "--limit 0 still counts the facets"
expect_err "documents match; none in the range" "--limit 0 does not say nothing matched"

# 17. One issuer however it is written: capitals, "UBND" or the words in
#     full are one filter and one facet value (shown in lower case).
cat >"$TMP/issuers.jsonl" <<'JSONL'
{"id": "i1", "title": "Thông báo lịch tiếp dân", "issuer": "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", "body": "lịch tiếp dân"}
{"id": "i2", "title": "Kế hoạch tiếp dân", "issuer": "UBND quận Tây Hồ", "body": "kế hoạch tiếp dân"}
{"id": "i3", "title": "Quyết định tiếp dân", "issuer": "Ủy ban nhân dân quận Tây Hồ", "body": "quyết định tiếp dân"}
{"id": "i4", "title": "Nghị quyết tiếp dân", "issuer": "HĐND quận Tây Hồ", "body": "nghị quyết tiếp dân"}
{"id": "i5", "title": "Thông báo tiếp dân", "issuer": "Văn phòng HĐND&UBND quận", "body": "thông báo tiếp dân"}
JSONL
"$TRACUU" index --quiet --db "$TMP/issuers" "$TMP/issuers.jsonl"
ids_of() { "$TRACUU" search --db "$TMP/issuers" --json "$@" | jq -r .id | sort | tr '\n' ' '; }
expect_eq "$(ids_of --issuer "UBND quận Tây Hồ" tiếp)" "i1 i2 i3 " "--issuer UBND finds every spelling"
expect_eq "$(ids_of --issuer "ủy ban nhân dân tây hồ" tiếp)" "i1 i2 i3 " "--issuer in full words, no accents"
expect_eq "$(ids_of 'coquan:"HĐND quận Tây Hồ"' tiếp)" "i4 " "coquan: HĐND is not UBND"
expect_eq "$(ids_of coquan:ubnd tiếp)" "i1 i2 i3 i5 " "coquan:ubnd: every issuer with UBND in its name"
facet=$("$TRACUU" search --db "$TMP/issuers" --json --facets tiếp | jq -c 'select(.facets) | .facets.issuer')
expect_eq "$(jq -r '.[0].count' <<<"$facet")" 3 "the facet counts the three spellings as one issuer"
case $(jq -r '.[0].value' <<<"$facet") in
  "UBND quận Tây Hồ" | "Ủy ban nhân dân quận Tây Hồ") pass ;;
  *) fail "the facet shows $(jq -r '.[0].value' <<<"$facet"), not a lower-case spelling" ;;
esac
expect_eq "$(jq length <<<"$facet")" 3 "three issuers in the facet"
finish
