# tracuu analyze --file: an attachment's text through attach/ (a child
# process), its facts in the first line or JSON, bad files as one line.
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

finish
