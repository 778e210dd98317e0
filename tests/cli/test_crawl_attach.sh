# Attachments in a crawl (issue 15 item 3), on a site served by the test's
# own server with real files made by corpus/site/files/make_files.c: a page
# and the files it links are one document; a file only a listing links is
# a document of its own; bad files are one line each and their pages still
# indexed; --from-store gives the same index; files are revisited with their
# validators and read again only when they change; --no-ocr and the
# config's caps.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"

SITE=$TMP/site
mkdir -p "$SITE/files" "$SITE/vb"
"$MAKE_SAMPLE_FILES" "$SITE/files" || { echo "make_sample_files failed" >&2; exit 1; }

# The committed sample files are make_files.c's output, byte for byte.
for f in 77-qd-ubnd-2024.pdf 31-tb-ubnd-2024-scan.pdf 45-kh-ubnd-2024.docx 02-ct-ubnd-2005.rtf; do
  expect_eq "$(cmp -s "$SITE/files/$f" "$TRACUU_SRC/corpus/site/files/$f" && echo same)" same \
    "corpus/site/files/$f is make_files.c's"
done

# Hostile files: a PDF cut short, an image named .pdf, and one over the cap.
head -c 300 "$SITE/files/77-qd-ubnd-2024.pdf" >"$SITE/files/cut.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR' >"$SITE/files/anh.pdf"
{ cat "$SITE/files/77-qd-ubnd-2024.pdf"; head -c 200000 /dev/zero; } >"$SITE/files/big.pdf"

page() { # FILE TITLE POSTED LINKS...: a portal page that says "see the attachment"
  local f=$1 title=$2 posted=$3
  shift 3
  {
    printf '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>%s - Cổng TTĐT</title></head><body>\n' "$title"
    printf '<div class="news-detail"><h1 class="title">%s</h1><div class="meta">Ngày đăng %s | 08:00</div>\n' "$title" "$posted"
    printf '<div class="content"><p>Ủy ban nhân dân quận ban hành văn bản.</p><p>Chi tiết xem văn bản đính kèm.</p>\n'
    for l in "$@"; do printf '<p>Tệp: <a href="%s">%s</a></p>\n' "$l" "${l##*/}"; done
    printf '</div></div></body></html>\n'
  } >"$SITE/$f"
}
page vb/qd77.html "Quyết định của quận về đầm sen" 06/03/2024 /files/77-qd-ubnd-2024.pdf /files/45-kh-ubnd-2024.docx
page vb/tb31.html "Thông báo của quận" 13/04/2024 /files/31-tb-ubnd-2024-scan.pdf /files/cut.pdf /files/anh.pdf
page vb/ct02.html "Văn bản lưu trữ năm 2005" 12/01/2005 /files/02-ct-ubnd-2005.rtf /files/big.pdf
{ # the home page: a listing of the pages, and one file linked from it alone
  printf '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trang chủ</title></head><body><ul>\n'
  for p in vb/qd77.html vb/tb31.html vb/ct02.html; do printf '<li><a href="/%s">Văn bản %s</a></li>\n' "$p" "$p"; done
  printf '<li><a href="/vb/none1.html">a</a></li><li><a href="/vb/none2.html">b</a></li>\n'
  printf '<li><a href="/files/rieng.rtf">Văn bản riêng</a></li></ul></body></html>\n'
} >"$SITE/index.html"
printf '{\\rtf1\\ansi\\f0 S\\u7889? 9/TB-UBND\\par TH\\u212?NG B\\u193?O\\par V\\u7873? vi\\u7879?c nu\\u244?i ong m\\u7853?t\\par}' >"$SITE/files/rieng.rtf"
start_server "$SITE"
export TRACUU_DB=$TMP/db
STORE=$TMP/store
cat >"$TMP/sites.ini" <<EOF
[site t]
start = $BASE/
max_attachment_size = 100k
EOF
json() { jq -r ".$1" "$TMP/out"; }
hit() { "$TRACUU" search --json --limit 1 "$@" | jq -r "$JQ"; }

# 1. The crawl reads the files while it fetches.
run "$TRACUU" crawl --delay 0 --json --store "$STORE" --config "$TMP/sites.ini"
expect_rc 0 "a crawl with attachments"
expect_eq "$(json attachments)" 5 "five files read (text PDF, scan, DOCX, two RTF)"
expect_eq "$(json attachments_failed)" 3 "three not read"
expect_eq "$(json ocr_pages)" 1 "the scan's page by OCR"
expect_err "cut.pdf: attachment not read: damaged" "a truncated PDF: one line"
expect_err "anh.pdf: attachment not read: not a document tracuu reads: an image" "an image named .pdf: one line"
expect_err "big.pdf: attachment not read: too big" "a file over max_attachment_size: one line"
expect_eq "$(grep -c 'attachment not read' "$TMP/err")" 3 "one line each"
JQ=.url hit "đầm sen" >"$TMP/u"
expect_eq "$(cat "$TMP/u")" "$BASE/vb/qd77.html" "words only the PDF holds find its page"
JQ='[.number, .date, .date_source, .posted, .type, .issuer] | @tsv' hit "đầm sen" >"$TMP/f"
expect_eq "$(cat "$TMP/f")" "$(printf '77/QĐ-UBND\t2024-03-05\theader\t2024-03-06\tQuyết định\tUBND quận Tây Hồ')" \
  "number, date of issue, type, issuer from the file's header; the page's posting date kept"
JQ='[.snippet_from, .snippet_ocr] | @tsv' hit "bằng lăng tím" >"$TMP/f"
expect_eq "$(cat "$TMP/f")" "$(printf '%s\tfalse' "$BASE/files/45-kh-ubnd-2024.docx")" "a snippet from the DOCX"
JQ='[.url, .snippet_ocr] | @tsv' hit "rác cồng kềnh" >"$TMP/f"
expect_eq "$(cat "$TMP/f")" "$(printf '%s\ttrue' "$BASE/vb/tb31.html")" "the scan's words, marked as OCR"
JQ='[.attachments[] | .url | sub(".*/"; "")] | join(" ")' hit "rác cồng kềnh" >"$TMP/f"
expect_eq "$(cat "$TMP/f")" "31-tb-ubnd-2024-scan.pdf" "a page lists the files read, not the bad ones"
JQ='.attachments[0] | [.type, .pages, .ocr, .ocr_pages, (.chars > 100)] | @tsv' hit "rác cồng kềnh" >"$TMP/f"
expect_eq "$(cat "$TMP/f")" "$(printf 'pdf\t1\ttrue\t1\ttrue')" "attachments: {url, type, pages, chars, ocr}"
JQ=.url hit "thả diều" >"$TMP/u"
expect_eq "$(cat "$TMP/u")" "$BASE/vb/ct02.html" "the TCVN3 RTF read and found (its page)"
JQ='[.url, .title, .number] | @tsv' hit "nuôi ong mật" >"$TMP/f"
expect_eq "$(cat "$TMP/f")" "$(printf '%s\tThông báo về việc nuôi ong mật\t9/TB-UBND' "$BASE/files/rieng.rtf")" \
  "a file only a listing links: a document of its own, titled from its header"
run "$TRACUU" search --limit 1 "rác cồng kềnh"
expect_out "from 31-tb-ubnd-2024-scan.pdf (text read by OCR" "the text output marks OCR"
expect_eq "$(ids "$TRACUU_DB" | wc -l)" 4 "three pages and the lone file: files are not documents twice"

# 2. The store gives the same index.
run "$TRACUU" index --db "$TMP/replayed" --from-store "$STORE"
expect_rc 0 "index --from-store"
export_sorted() { "$TRACUU" export --db "$1" | jq -cS . | sort; }
expect_eq "$(export_sorted "$TRACUU_DB" | sha256sum)" "$(export_sorted "$TMP/replayed" | sha256sum)" \
  "--from-store: the same records, files and all"

# 3. Two months on: the files are asked again with their validators; none
#    changed, so none is read again.
day=86400
t0=$(date +%s)
: >"$SERVER_LOG"
TRACUU_NOW=$((t0 + 60 * day)) run "$TRACUU" crawl --delay 0 --json --store "$STORE" --config "$TMP/sites.ini"
expect_rc 0 "the revisit"
expect_eq "$(grep -c ' GET /files/77-qd-ubnd-2024.pdf inm="' "$SERVER_LOG")" 1 "a file asked with its ETag"
expect_eq "$(json attachments)" 0 "an unchanged file is not read again"

# 4. A file changes: read again, its page indexed again with the new text.
printf '{\\rtf1\\ansi\\f0 S\\u7889? 02/CT-UBND\\par Ch\\u7881? th\\u7883? v\\u7873? vi\\u7879?c b\\u7843?o v\\u7879? r\\u7915?ng ng\\u7853?p m\\u7863?n\\par}' >"$SITE/files/02-ct-ubnd-2005.rtf"
TRACUU_NOW=$((t0 + 120 * day)) run "$TRACUU" crawl --delay 0 --json --store "$STORE" --config "$TMP/sites.ini"
expect_eq "$(json attachments)" 1 "the changed file read again"
JQ=.url hit "rừng ngập mặn" >"$TMP/u"
expect_eq "$(cat "$TMP/u")" "$BASE/vb/ct02.html" "its new words find its page"
expect_eq "$("$TRACUU" search --json "thả diều" | jq -r .url | grep -c ct02)" 0 "its old words no longer do"

# 5. --no-ocr: the scan's text is not read; the rest is.
run "$TRACUU" crawl --delay 0 --json --no-ocr --db "$TMP/noocr" --store "$TMP/store2" --config "$TMP/sites.ini"
expect_eq "$(json ocr_pages)" 0 "--no-ocr: no page by OCR"
expect_eq "$("$TRACUU" search --db "$TMP/noocr" --json "rác cồng kềnh" | wc -l)" 0 "the scan's words not found"
expect_eq "$("$TRACUU" search --db "$TMP/noocr" --json "đầm sen" | jq -r .url)" "$BASE/vb/qd77.html" "text files still read"

# 6. attachments_per_page = 1: only a page's first file is followed.
printf '[site t]\nstart = %s/\nattachments_per_page = 1\n' "$BASE" >"$TMP/one.ini"
run "$TRACUU" crawl --delay 0 --json --db "$TMP/one" --store "$TMP/store3" --config "$TMP/one.ini"
expect_eq "$("$TRACUU" search --db "$TMP/one" --json "bằng lăng tím" | wc -l)" 0 "a second file of a page not followed"
printf '[site t]\nstart = %s/\nattachments_per_page = many\n' "$BASE" >"$TMP/bad.ini"
run "$TRACUU" crawl --delay 0 --config "$TMP/bad.ini"
expect_rc 2 "a bad cap"
expect_err "bad value for attachments_per_page: \"many\"" "says which"

finish
