# tracuu analyze --file: an attachment's text through attach/ (a child
# process), its facts in the first line or JSON, bad files as one line.
# tracuu index FILE: a document file as a document of its own.
. "$(dirname "$0")/lib.sh"

# 1. An RTF written in a TCVN3 font (.VnTime): the text is decoded, the
#    number found, the facts given.
printf '{\\rtf1\\ansi{\\fonttbl{\\f0 .VnTime;}}\\f0 S\\'"'"'e8: 12/2003/TT-BTC\\par Th\\'"'"'abng t\\'"'"'ad\\par}' >"$TMP/a.rtf"
run "$TRACUU" analyze --json --file "$TMP/a.rtf"
expect_rc 0 "analyze an RTF"
expect_eq "$(jq -r .file.type "$TMP/out")" rtf "the type is read from the bytes"
expect_eq "$(jq -r .file.encoding "$TMP/out")" tcvn3 "the TCVN3 font is found"
expect_eq "$(jq -r .file.ocr "$TMP/out")" false "no OCR in an RTF"
expect_eq "$(jq -r '.refs[0].canonical' "$TMP/out")" 12/2003/TT-BTC "its number"
expect_eq "$(jq -r '[.tokens[].exact] | join(" ")' "$TMP/out")" "số 12/2003/tt-btc thông tư" "its words, decoded"

# 2. Not a document (named .pdf): exit 1, one line naming the file.
printf '\211PNG\r\n\032\n\0\0\0\rIHDR' >"$TMP/scan.pdf"
run "$TRACUU" analyze --file "$TMP/scan.pdf"
expect_rc 1 "an image named .pdf"
expect_err "$TMP/scan.pdf: skipped: not a document tracuu reads: an image" "why it was skipped"
expect_one_line_err "an image named .pdf"

# 3. A missing file is a usage error; TEXT and --file together too.
run "$TRACUU" analyze --file "$TMP/nope.docx"
expect_rc 2 "missing file"
run "$TRACUU" analyze --file "$TMP/a.rtf" "more text"
expect_rc 2 "TEXT and --file"

# 4. tracuu index FILE.rtf: its own document, found by its number and its
#    words; search --json lists the file; a bad file is one line, the rest
#    is indexed (exit 1).
printf '{\\rtf1\\ansi{\\fonttbl{\\f0 .VnTime;}}\\f0 S\\'"'"'e8: 12/2003/TT-BTC\\par Th\\'"'"'abng t\\'"'"'ad h\\'"'"'edng d\\'"'"'abn thu\\'"'"'d5 tr\\'"'"'adc b\\'"'"'ca\\par}' >"$TMP/tt.rtf"
run "$TRACUU" index --db "$TMP/db" --no-ocr "$TMP/tt.rtf" "$TMP/scan.pdf"
expect_rc 1 "a document file and a bad one"
expect_err "$TMP/scan.pdf: skipped: not a document tracuu reads: an image" "the bad one in one line"
run "$TRACUU" search --db "$TMP/db" --json 12/2003/TT-BTC
expect_rc 0 "search the file's number"
expect_eq "$(jq -r .id "$TMP/out")" "$(realpath "$TMP/tt.rtf")" "its id is its path"
expect_eq "$(jq -r .number "$TMP/out")" 12/2003/TT-BTC "its number from its text"
expect_eq "$(jq -r .type "$TMP/out")" "Thông tư" "its type from its number"
expect_eq "$(jq -r '.attachments[0] | [.type, .pages, .ocr, (.url | test("tt.rtf$"))] | @tsv' "$TMP/out")" \
  "$(printf 'rtf\t1\tfalse\ttrue')" "attachments: [{url, type, pages, chars, ocr}]"
expect_eq "$(jq -r '.attachments[0].chars > 10' "$TMP/out")" true "its characters"
run "$TRACUU" search --db "$TMP/db" --json "thuế trước bạ"
expect_eq "$(jq -r .snippet_from "$TMP/out")" "$(realpath "$TMP/tt.rtf")" "the snippet comes from the file"
expect_eq "$(jq -r .snippet_ocr "$TMP/out")" false "not read by OCR"
run "$TRACUU" search --db "$TMP/db" "thuế trước bạ"
expect_out "from tt.rtf:" "the text output says where the snippet comes from"

finish
