# tracuu related and the status of search hits on the sample corpus
# (corpus/sample/LINKS.md is the graph the texts describe), and the legal
# metadata of the real gazette documents: indexed WITHOUT their metadata,
# each labelled document is found first by its true number.
. "$(dirname "$0")/lib.sh"
SAMPLE=$TRACUU_SRC/corpus/sample/records.jsonl
LABELS=$TRACUU_SRC/tests/fixtures/legal/congbao_labels.jsonl
"$TRACUU" index --quiet "$SAMPLE" || { echo "cannot index the sample"; exit 1; }

# 1. The graph around 09/CT-UBND: it replaces 05/CT-UBND, 3120/QĐ-UBND repeals it.
run "$TRACUU" related --json 09/CT-UBND
expect_rc 0 "related --json"
expect_eq "$(jq -r 'select(.direction == "self") | .number' "$TMP/out")" "09/CT-UBND" "the document itself first"
expect_eq "$(head -n 1 "$TMP/out" | jq -r .relation)" "self" "self is the first line"
expect_eq "$(jq -r 'select(.relation == "replaces" and .direction == "out") | .number' "$TMP/out")" \
  "05/CT-UBND" "09/CT-UBND replaces 05/CT-UBND"
expect_eq "$(jq -r 'select(.relation == "repeals" and .direction == "in") | .number' "$TMP/out")" \
  "3120/QĐ-UBND" "3120/QĐ-UBND repeals 09/CT-UBND"
for key in relation id number date title sentence direction; do
  n=$(jq -c "select(has(\"$key\") | not)" "$TMP/out" | wc -l)
  expect_eq "$n" 0 "every line has \"$key\""
done
sentence=$(jq -r 'select(.relation == "repeals") | .sentence' "$TMP/out")
case "$sentence" in *"Bãi bỏ Chỉ thị số 09/CT-UBND"*) pass ;; *) fail "the repeal's sentence: $sentence" ;; esac
dates=$(jq -r 'select(.direction != "self") | .date' "$TMP/out")
expect_eq "$dates" "$(printf '%s\n' "$dates" | sort -r)" "related documents newest first"
run "$TRACUU" related --json --limit 1 09/CT-UBND
expect_eq "$(jq -r 'select(.direction != "self") | .number' "$TMP/out")" "3120/QĐ-UBND" "--limit 1 keeps the newest"

# 1b. The whole amend/replace/repeal graph the texts give is LINKS.md's, no more, no less.
expected="06/TB-UBND replaces 08/TB-UBND
09/CT-UBND replaces 05/CT-UBND
1120/QĐ-UBND replaces 862/QĐ-UBND
12/2022/QĐ-UBND amends 38/2019/QĐ-UBND
12/QĐ-UBND amends 45/QĐ-UBND
1987/QĐ-UBND amends 2411/QĐ-UBND
2245/QĐ-UBND replaces 1604/QĐ-UBND
27/2024/QĐ-UBND repeals 12/2022/QĐ-UBND
27/2024/QĐ-UBND repeals 38/2019/QĐ-UBND
27/CT-UBND amends 23/CT-UBND
27/QĐ-UBND replaces 12/QĐ-UBND
27/QĐ-UBND replaces 45/QĐ-UBND
3120/QĐ-UBND repeals 09/CT-UBND
3120/QĐ-UBND repeals 215/TB-UBND
36/KH-UBND replaces 41/KH-UBND
88/KH-UBND replaces 104/KH-UBND"
got=$(jq -r 'select(.number) | .number' "$SAMPLE" | sort -u | while read -r n; do
  "$TRACUU" related --json "$n" | jq -r --arg n "$n" \
    'select(.direction == "out" and (.relation == "amends" or .relation == "replaces" or .relation == "repeals")) | "\($n) \(.relation) \(.number)"'
done | LC_ALL=C sort)
expect_eq "$got" "$(printf '%s\n' "$expected" | LC_ALL=C sort)" "the sample's graph is LINKS.md's"

# 2. Text output names the relations in Vietnamese; other spellings of the number work.
run "$TRACUU" related 09/ct-ubnd
expect_rc 0 "related text"
expect_out "bị bãi bỏ bởi" "text names the repeal"
expect_out "05/CT-UBND" "text lists the replaced document"

# 3. --format dot is a graph Graphviz accepts, with both edges.
run "$TRACUU" related --format dot 09/CT-UBND
expect_rc 0 "related dot"
expect_out '"3120/QĐ-UBND" -> "09/CT-UBND" [label="repeals"]' "dot edge of the repeal"
expect_out '"09/CT-UBND" -> "05/CT-UBND" [label="replaces"]' "dot edge of the replacement"
if command -v dot >/dev/null; then
  dot -Tsvg "$TMP/out" >"$TMP/graph.svg" 2>"$TMP/dot.err" && grep -q "<svg" "$TMP/graph.svg" && pass ||
    fail "dot -Tsvg rejects the graph: $(cat "$TMP/dot.err")"
else
  echo "(graphviz not installed: dot -Tsvg not run)"
fi

# 4. Errors: not a number, no number, a number nothing knows.
run "$TRACUU" related "not a number"
expect_rc 8 "related with a non-number"
expect_one_line_err "non-number message is one line"
run "$TRACUU" related
expect_rc 2 "related without a number"
run "$TRACUU" related --json 999/QĐ-XYZ
expect_rc 0 "unknown number"
expect_eq "$(wc -l <"$TMP/out")" 0 "unknown number: no lines"

# 5. Search shows the status beside the hit, and in JSON.
run "$TRACUU" search --limit 1 09/CT-UBND
expect_out "bị bãi bỏ bởi 3120/QĐ-UBND" "search shows 09/CT-UBND repealed by 3120/QĐ-UBND"
run "$TRACUU" search --json --limit 1 1120/QĐ-UBND
expect_eq "$(jq -r .status "$TMP/out")" "in-force" "1120/QĐ-UBND is in force"
run "$TRACUU" search --json --limit 1 862/QĐ-UBND
expect_eq "$(jq -r '.status + " " + .status_by' "$TMP/out")" "replaced 1120/QĐ-UBND" "862/QĐ-UBND replaced by 1120/QĐ-UBND"
run "$TRACUU" search --json --limit 1 2411/QĐ-UBND
expect_eq "$(jq -r '.status + " " + .status_by' "$TMP/out")" "amended 1987/QĐ-UBND" "2411/QĐ-UBND amended by 1987/QĐ-UBND"

# 6. --status filters: every hit has that status; the statuses partition the index.
total=$("$TRACUU" stats --json | jq -r '.documents // .doccount // empty')
sum=0
for st in in-force amended replaced repealed unknown; do
  run "$TRACUU" search --json --limit 1000 --status "$st"
  expect_rc 0 "--status $st"
  bad=$(jq -r "select(.status != \"$st\") | .id" "$TMP/out")
  expect_eq "$bad" "" "--status $st keeps $st hits only"
  sum=$((sum + $(wc -l <"$TMP/out")))
done
[ -z "$total" ] || expect_eq "$sum" "$total" "the five statuses cover every document once"
run "$TRACUU" search --json --status repealed --limit 100 ubnd
expect_out '"number":"09/CT-UBND"' "--status repealed finds 09/CT-UBND"
run "$TRACUU" search --status valid ubnd
expect_rc 2 "--status with an unknown value"

# 7. The legal metadata a record lacks comes from its text; what it gives wins.
cat >"$TMP/header.jsonl" <<'JSONL'
{"id": "h1", "body": "ỦY BAN NHÂN DÂN\nQUẬN TÂY HỒ\nSố: 215/TB-UBND\nTây Hồ, ngày 28 tháng 7 năm 2021\nTHÔNG BÁO\nVề việc giãn cách xã hội\nCăn cứ Chỉ thị số 17/CT-UBND ngày 23/7/2021;\nThông báo này thay thế Thông báo số 200/TB-UBND.\nThông báo có hiệu lực kể từ ngày ký./.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn An"}
{"id": "h2", "type": "Kế hoạch", "body": "Số: 16/KH-UBND\nHà Nội, ngày 05 tháng 01 năm 2022\nKẾ HOẠCH"}
JSONL
run "$TRACUU" index --db "$TMP/hdb" "$TMP/header.jsonl"
expect_rc 0 "index header records"
run "$TRACUU" search --db "$TMP/hdb" --json --limit 1 215/TB-UBND
expect_eq "$(jq -r '[.number, .type, .issuer_as_written, .date, .signer, .effective] | join("|")' "$TMP/out")" \
  "215/TB-UBND|Thông báo|ỦY BAN NHÂN DÂN QUẬN TÂY HỒ|2021-07-28|Nguyễn Văn An|2021-07-28" \
  "metadata from the header"
# the issuer is shown one way, whatever the header's capitals (issue 15)
expect_eq "$(jq -r .issuer "$TMP/out")" "UBND quận Tây Hồ" "the issuer as shown"
# and a type by its code is the type's name, in hits and in facets
printf '%s\n' '{"id": "t1", "type": "QĐ", "number": "5/QĐ-UBND", "body": "Quyết định thử loaima."}' \
  '{"id": "t2", "type": "Quyết định", "body": "Quyết định thử loaima."}' >"$TMP/types.jsonl"
run "$TRACUU" index --db "$TMP/tdb" "$TMP/types.jsonl"
expect_rc 0 "index records typed by code and by name"
run "$TRACUU" search --db "$TMP/tdb" --json loaima
expect_eq "$(jq -r .type "$TMP/out" | sort -u)" "Quyết định" "QĐ shown as Quyết định"
run "$TRACUU" search --db "$TMP/tdb" --type "Quyết định" --json loaima
expect_eq "$(grep -c . "$TMP/out")" 2 "one type, however written"
run "$TRACUU" search --db "$TMP/hdb" --json --limit 1 16/KH-UBND
expect_eq "$(jq -r '.type + "|" + .date' "$TMP/out")" "Kế hoạch|2022-01-05" "explicit type kept, date from text"
run "$TRACUU" search --db "$TMP/hdb" --json --signer "nguyen van an" --limit 5
expect_eq "$(jq -r .id "$TMP/out")" "h1" "--signer filters by the signer's words"
run "$TRACUU" search --db "$TMP/hdb" --json --facets --limit 5 --from 2021-01-01
expect_eq "$(jq -r 'select(.facets) | .facets.signer[0].value' "$TMP/out")" "Nguyễn Văn An" "signer facet"
run "$TRACUU" search --db "$TMP/hdb" --json --issuer "tay ho" --type "Thông báo" --limit 5
expect_eq "$(jq -r .id "$TMP/out")" "h1" "issuer and type from the text filter"
run "$TRACUU" related --db "$TMP/hdb" --json 200/TB-UBND
expect_eq "$(jq -r 'select(.relation == "replaces") | .number' "$TMP/out")" "215/TB-UBND" "replacement found from the text"

# 8. Old-format records (no legal keys) still index; a bad "relations" is reported.
printf '%s\n' '{"id": "o1", "title": "x", "relations": [{"relation": "voids", "number": "1/QĐ"}]}' \
  '{"id": "o2", "title": "y", "relations": [{"relation": "repeals", "number": "09/CT-UBND", "sentence": "s"}]}' >"$TMP/rel.jsonl"
run "$TRACUU" index --db "$TMP/rdb" "$TMP/rel.jsonl"
expect_rc 1 "a bad relation is skipped"
expect_err 'rel.jsonl:1: skipped: "relations"[0]' "bad relation message"
run "$TRACUU" related --db "$TMP/rdb" --json 09/CT-UBND
expect_eq "$(jq -r 'select(.relation == "repeals") | .id' "$TMP/out")" "o2" "explicit relations are indexed"

# 9. Real gazette text: index congbao with only id and body, then each
#    labelled document's true number must find that document first.
CONGBAO=$TRACUU_SHARED/corpus/congbao/docs
if [ -d "$CONGBAO" ] && [ -f "$LABELS" ]; then
  # Under the sanitizers (ten times slower) only the labelled documents are
  # indexed; the normal build indexes all 414 as competitors.
  if [ -n "${TRACUU_SANITIZED:-}" ]; then
    mapfile -t docs < <(jq -r .file "$LABELS")
  else
    mapfile -t docs < <(cd "$TRACUU_SHARED/corpus/congbao" && printf '%s\n' docs/*/*.json)
  fi
  (cd "$TRACUU_SHARED/corpus/congbao" && jq -c '{id: input_filename, body: .full_text}' "${docs[@]}") >"$TMP/congbao.jsonl"
  "$TRACUU" index --quiet --db "$TMP/cdb" "$TMP/congbao.jsonl" || fail "index congbao"
  n=0 first=0
  while IFS=$'\t' read -r file number; do
    [ -n "$number" ] || continue
    n=$((n + 1))
    got=$("$TRACUU" search --db "$TMP/cdb" --json --limit 1 "so:$number" | jq -r .id)
    if [ "$got" = "$file" ]; then first=$((first + 1)); else echo "  $number: first is $got, not $file"; fi
  done < <(jq -r '[.file, (.number // "")] | @tsv' "$LABELS")
  echo "congbao number lookup: $first of $n labelled documents first by their true number"
  [ "$n" -gt 0 ] && [ $((first * 100)) -ge $((n * 85)) ] && pass || fail "number lookup: $first of $n"
else
  echo "(no shared congbao corpus or labels: number lookup skipped)"
fi

finish
