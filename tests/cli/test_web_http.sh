# tracuu serve without a browser (curl): the pages, the JSON API with the
# keys of `tracuu search --json`, hostile strings escaped for their context,
# the archived original under a no-script CSP, the read-only and bounded
# server, and the --listen checks.
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
. "$TRACUU_SRC/tests/web/fixture.sh"
web_fixture
start_serve

get() { # PATH [curl options...]: body in $TMP/out, headers in $TMP/hdr, status in $CODE
  local path=$1
  shift
  CODE=$(curl -s -o "$TMP/out" -D "$TMP/hdr" -w '%{http_code}' "$@" "$WEB$path")
}
has() { if grep -qF -- "$1" "$TMP/out"; then pass; else fail "$2: lacks \"$1\": $(head -c 300 "$TMP/out")"; fi; }
lacks() { if grep -qF -- "$1" "$TMP/out"; then fail "$2: holds \"$1\""; else pass; fi; }
header() { tr -d '\r' <"$TMP/hdr" | sed -n "s/^$1: //Ip"; }
uri() { jq -rn --arg s "$1" '$s|@uri'; }

# 1. The search page: accents or not, highlights, facets, did you mean.
get "/?q=bang+gia+dat"
expect_eq "$CODE" 200 "search page"
has '<html lang="vi">' "the page's language"
has '<meta name="viewport"' "readable on a phone"
has '<label for="f-q"' "the box has a label"
has '<mark>giá</mark>' "the accent-less query highlights the accented word"
has 'href="/so/38%2F2019%2FQ%C4%90-UBND"' "a legal number links to its page"
has '<h3>Năm</h3>' "facets"
has 'Có phải bạn muốn tìm: <a href="/?q=b%E1%BA%A3ng%20gi%C3%A1%20%C4%91%E1%BA%A5t">' "did you mean, a link"
expect_eq "$(header content-type)" "text/html; charset=utf-8" "UTF-8 HTML"
get "/?q=b%E1%BA%A3ng+gi%C3%A1+%C4%91%E1%BA%A5t&from=2024-01-01&sort=date"
has 'binhduong-2024-0611' "a date filter keeps the newer document"
lacks 'binhduong-2019-1208' "a date filter drops the older one"
get "/style.css"
expect_eq "$(header content-type)" "text/css; charset=utf-8" "the stylesheet"

# 2. The JSON API: the keys of tracuu search --json, one object with "hits".
get "/api/search?q=bang+gia+dat"
"$TRACUU" search --json bang gia dat | head -1 | jq -c keys_unsorted >"$TMP/cli_keys"
expect_eq "$(jq -c '.hits[0]|keys_unsorted' "$TMP/out")" "$(cat "$TMP/cli_keys")" "API hits have the CLI's keys"
expect_eq "$(jq -r '.hits[0].id' "$TMP/out")" "$("$TRACUU" search --json bang gia dat | head -1 | jq -r .id)" \
  "the API and the CLI rank alike"
expect_eq "$(header content-type)" "application/json; charset=utf-8" "JSON"
get "/api/so/$(uri 38/2019/QĐ-UBND)"
expect_eq "$(jq -r '.hits[0].id' "$TMP/out")" "binhduong-2019-1208" "the number's own document first"
has '"binhduong-2024-0611"' "then what cites it"
get "/api/doc/binhduong-2024-0611?q=quyet+dinh"
expect_eq "$(jq -r '.hits[0].number' "$TMP/out")" "27/2024/QĐ-UBND" "a document by id"
expect_eq "$(jq -r '[.related[]|select(.relation=="repeals")]|length' "$TMP/out")" 2 "its relations"
if jq -e '.hits[0].highlights|length > 0' "$TMP/out" >/dev/null; then pass; else fail "highlights over the full text"; fi

# 3. The document and number pages.
get "/doc/binhduong-2024-0611?q=quyet+dinh"
expect_eq "$CODE" 200 "document page"
has '<mark>Quyết</mark> <mark>định</mark> số 38/2019/QĐ-UBND' "the full text highlighted"
has '<span class="rel">Bãi bỏ</span> <a href="/so/38%2F2019%2FQ%C4%90-UBND">' "relations link to number pages"
get "/so/$(uri 38/2019/QĐ-UBND)"
has 'binhduong-2024-0611' "the number page lists what cites it"
get "/so/38/2019/Q%C4%90-UBND"
has 'binhduong-2019-1208' "a number typed with plain slashes"

# 4. Hostile records: every string escaped for where it lands.
get "/?q=kiem+thu+doc+hai"
for bad in '<script>alert' '<img src=x' '<svg onload' "' onmouseover='" '<b onclick' 'href="javascript:' '<style>'; do
  lacks "$bad" "search page: raw $bad"
done
has '&lt;script&gt;alert(1)&lt;/script&gt; Quyết định độc hại' "a title's markup shown as text"
has '&lt;img src=x onerror=alert(3)&gt;' "an issuer facet shown as text"
has 'issuer=%3Cimg%20src%3Dx%20onerror%3Dalert%283%29%3E' "the facet link encodes the value"
id1='xss-1"><script>alert(6)</script>'
has 'href="/doc/xss-1%22%3E%3Cscript%3Ealert%286%29%3C%2Fscript%3E?q=kiem%20thu%20doc%20hai"' \
  "an id becomes one URL component"
get "/doc/$(uri "$id1")"
expect_eq "$CODE" 200 "the hostile document by its id"
for bad in '<script>' '<img src=x' '<iframe src=javascript' 'href="javascript:' '<svg' '</textarea><script'; do
  lacks "$bad" "document page: raw $bad"
done
has '<dt>Nguồn</dt><dd>javascript:alert(1)</dd>' "a javascript: URL is text, not a link"
get "/doc/xss-2"
has 'href="http://example.invalid/&quot;&gt;&lt;script&gt;alert(10)&lt;/script&gt;"' "an http URL escaped in its attribute"
expect_eq "$(header content-security-policy | grep -c "default-src 'none'")" 1 "the app's pages have a CSP too"

# 5. The archived original: served as fetched, under a CSP without scripts.
if [ "$CRAWL_OK" = 1 ]; then
  get "/doc/$(uri "$HOSTILE_URL")"
  has "<iframe title=\"Bản gốc đã lưu\" sandbox=\"\"" "the original in a sandboxed frame"
  has 'Tải về lúc 20' "with its fetch date"
  lacks "alert('inline" "the document page holds none of the page's scripts"
  get "/doc/$(uri "$HOSTILE_URL")/original"
  expect_eq "$CODE" 200 "the original"
  expect_eq "$(header content-security-policy)" \
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox" "the original's CSP"
  expect_eq "$(header x-content-type-options)" "nosniff" "no sniffing"
  has "alert('inline-body')" "the original is as fetched"
else
  echo "note: no crawl store: the original checks are skipped" >&2
fi
get "/doc/binhduong-2024-0611/original"
expect_eq "$CODE" 404 "a record never crawled has no original"

# 6. Nothing outside the index; read-only; bounded.
get "/doc/..%2F..%2F..%2Fetc%2Fpasswd"
expect_eq "$CODE" 404 "an id is a term, never a path"
lacks 'root:' "no file read"
get "/doc/%2Fetc%2Fpasswd/original"
expect_eq "$CODE" 404 "nor for an original"
get "/etc/passwd"
expect_eq "$CODE" 404 "unknown paths"
get "/" -X POST -d 'x=1'
expect_eq "$CODE" 405 "POST refused"
get "/" -X DELETE
expect_eq "$CODE" 405 "DELETE refused"
# The query's limit is the CLI's (4,096 bytes): a 555-byte question is fine.
question=$(printf 'Trong trường hợp nào thì Ủy ban nhân dân quận được ban hành quyết định về bảng giá đất %.0s' $(seq 6) | head -c 555)
get "/api/search?q=$(uri "$question")"
expect_eq "$CODE" 200 "a 555-byte question"
get "/?q=$(head -c 4096 /dev/zero | tr '\0' a)"
expect_eq "$CODE" 200 "a query of 4,096 bytes"
get "/?q=$(head -c 4097 /dev/zero | tr '\0' a)"
expect_eq "$CODE" 414 "a query past 4,096 bytes"
"$TRACUU" search "$(head -c 4097 /dev/zero | tr '\0' a)" >/dev/null 2>"$TMP/cli.err"
if grep -q "longer than 4096 bytes" "$TMP/cli.err"; then pass; else fail "the CLI's limit is the same: $(cat "$TMP/cli.err")"; fi
get "/?type=$(head -c 513 /dev/zero | tr '\0' a)"
expect_eq "$CODE" 414 "a filter past 512 bytes"
get "/?q=a%00b"
expect_eq "$CODE" 400 "a NUL byte in a parameter"
get "/?from=2021-13-45&q=x"
expect_eq "$CODE" 400 "a bad date"
has 'not a date' "says which parameter"
get "/?q=so%3Aabc"
expect_eq "$CODE" 400 "a query that cannot be understood"
get "/?q=x" -I
expect_eq "$CODE" 200 "HEAD"
# The second page in every order (a page past the first used to kill the
# whole server in Xapian's MSet::fetch with sort=relevance or date).
for sort in relevance date blend; do
  get "/?q=quyet+dinh&sort=$sort&offset=10"
  expect_eq "$CODE" 200 "page 2 sorted by $sort"
  get "/api/search?q=quyet+dinh&sort=$sort&offset=3&limit=2"
  expect_eq "$(jq -r '.hits[0].rank' "$TMP/out")" 4 "API page sorted by $sort starts at rank 4"
done
get "/?q=x"
expect_eq "$CODE" 200 "the server is still up"

# 7. Under /api/ every answer is UTF-8 JSON, errors {"error": {"code", "message"}}.
api_error() { # STATUS WHAT [curl options...]: the last answer is that error, as JSON
  local status=$1 what=$2
  expect_eq "$CODE" "$status" "$what: status"
  expect_eq "$(header content-type)" "application/json; charset=utf-8" "$what: JSON"
  if iconv -f UTF-8 -t UTF-8 "$TMP/out" >/dev/null 2>&1 &&
    jq -e --argjson s "$status" '(.error|keys) == ["code","message"] and .error.code == $s and
      (.error.message|type == "string" and length > 0)' "$TMP/out" >/dev/null; then
    pass
  else
    fail "$what: not {\"error\": {\"code\": $status, \"message\"}} in UTF-8: $(head -c 300 "$TMP/out")"
  fi
}
get "/api/search?from=2021-13-45&q=x"
api_error 400 "a bad date"
get "/api/search?q=so%3Aabc"
api_error 400 "a query that cannot be understood"
get "/api/so/%ff"
api_error 400 "a number that is not UTF-8"
get "/api/search?q=so%3A%ff"
api_error 400 "so: with a byte that is not UTF-8"
get "/api/search?q=nam%3A%ff"
api_error 400 "nam: with a byte that is not UTF-8"
get "/api/doc/%C3"
api_error 400 "an id cut in the middle of a character"
get "/api/nothing"
api_error 404 "an unknown API path"
get "/api/doc/no-such-id"
api_error 404 "an unknown id"
get "/api/search?q=x" -X POST -d 'x=1'
api_error 405 "POST"
expect_eq "$(header allow)" "GET, HEAD" "405 says what is allowed"
get "/api/search?q=x" -X GET -H 'Content-Length: 3' --data-binary abc
api_error 413 "a request body"
get "/api/search?q=$(head -c 4097 /dev/zero | tr '\0' a)"
api_error 414 "a query past 4,096 bytes"
get "/api/search?q=$(head -c 17000 /dev/zero | tr '\0' a)"
api_error 414 "a URL past 16 KB"
get "/api/search?q=x" -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' b)"
api_error 431 "headers past 32 KB"
get "/api/search?q=x" $(for i in $(seq 120); do printf -- '-H X-H%d:%d ' "$i" "$i"; done)
api_error 431 "more than 100 header lines"
many=$(for i in $(seq 500); do printf 'a%d=1&' "$i"; done)
start=$(date +%s%N)
get "/api/search?${many}q=x" --max-time 5
api_error 400 "500 query arguments"
expect_eq "$(( ($(date +%s%N) - start) / 1000000 < 2000 ))" 1 "500 query arguments are answered promptly"
get "/?${many}q=x"
expect_eq "$CODE" 400 "500 query arguments on the page"
has '<html lang="vi">' "a page's error is a page"
get "/api/search?q=x&q=y"
expect_eq "$CODE" 200 "a repeated parameter: the first counts"
# A raw request a client library would not send: bytes that must be escaped.
printf 'GET /api/so/\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
  curl -s --max-time 5 "telnet://127.0.0.1:${WEB##*:}" >"$TMP/raw" 2>/dev/null || true
if head -1 "$TMP/raw" | grep -q "^HTTP/1.1 400" && tail -1 "$TMP/raw" | jq -e '.error.code == 400' >/dev/null 2>&1; then
  pass
else
  fail "a raw byte in the URL: $(head -c 300 "$TMP/raw")"
fi

# 8. Long ids are reachable: the link the page writes works.
long_id="dai-$(printf 'văn-bản-có-mã-rất-dài-%.0s' $(seq 60))"
printf '{"id": "%s", "title": "Thông báo mã dài lophatdai", "body": "Nội dung lophatdai."}\n' "$long_id" >"$TMP/long.jsonl"
"$TRACUU" index --quiet "$TMP/long.jsonl"
expect_eq "$(( ${#long_id} > 1000 ))" 1 "the id is long"
sleep 0.5
get "/?q=lophatdai"
link=$(grep -o 'href="/doc/dai-[^"?]*' "$TMP/out" | head -1 | sed 's/^href="//')
[ -n "$link" ] && pass || fail "the long id's link: $(head -c 300 "$TMP/out")"
get "$link"
expect_eq "$CODE" 200 "the long id's document page"
has 'lophatdai' "shows the document"
get "/api/doc/${link#/doc/}"
expect_eq "$(jq -r '.hits[0].id' "$TMP/out")" "$long_id" "the long id through the API"

# 9. Raw heads on one connection (tests/unit/test_http_head.c has the
# parser's table; here the server acts on its decisions): every answer
# sent until the server closes, at most 5 s.
raw() { # PRINTF-FORMAT: the bytes to send
  timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "$2" >&3 && cat <&3' _ "${WEB##*:}" "$1" \
    >"$TMP/raw" 2>/dev/null
  RAW_RC=$?
}
statuses() { tr -d '\r' <"$TMP/raw" | grep -a '^HTTP/1.1 ' | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//'; }
raw 'GET /?q=quyet+dinh HTTP/1.1\r\nHost: x\r\n\r\nHEAD /api/search?q=x HTTP/1.1\r\nHost: x\r\n\r\nGET /api/doc/binhduong-2024-0611 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
expect_eq "$(statuses)" "200 200 200" "three pipelined requests in one packet, answered in order"
expect_eq "$RAW_RC" 0 "the connection closes after the one that asked"
expect_eq "$(tr -d '\r' <"$TMP/raw" | tail -1 | jq -r '.hits[0].id' 2>/dev/null)" "binhduong-2024-0611" \
  "the last answer is the document's"
raw 'GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/doc/binhduong-2024-0611 HTTP/1.1\r\nHost: x\r\n\r\n'
expect_eq "$(statuses)" "400" "Content-Length with Transfer-Encoding: one 400, the smuggled request never answered"
expect_eq "$RAW_RC" 0 "and the connection closed"
raw 'GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 7\r\n\r\nGET / HTTP/1.1\r\n\r\n'
expect_eq "$(statuses)" "400" "two Content-Lengths: 400 and closed"
raw 'GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n'
expect_eq "$(statuses)" "400" "an obs-fold line: 400"
if tr -d '\r' <"$TMP/raw" | tail -1 | jq -e '.error.message|test("folding")' >/dev/null 2>&1; then pass; else fail "the API's 400 says why: $(tail -c 200 "$TMP/raw")"; fi
start=$(date +%s%N)
raw 'GET /\r\n'
expect_eq "$(statuses)" "400" "an HTTP/0.9 request: 400"
expect_eq "$(( ($(date +%s%N) - start) / 1000000 < 2000 ))" 1 "at once, not at the head deadline"
raw 'GET http://example.org/api/doc/binhduong-2024-0611 HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n'
expect_eq "$(statuses)" "200" "an absolute-form target is served as its path"
raw 'GET /?q=x HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /?q=y HTTP/1.0\r\n\r\n'
expect_eq "$(statuses)" "200 200" "HTTP/1.0 with keep-alive: a second request on the connection"
expect_eq "$(tr -d '\r' <"$TMP/raw" | grep -ai '^connection:' | tr '\n' ' ')" "Connection: keep-alive Connection: close " \
  "kept for the first, closed after the second"
raw 'GET /api/search?q=x HTTP/1.1\r\nAccept: */*\r\n\r\n'
expect_eq "$(statuses)" "400" "HTTP/1.1 without Host"
raw 'GET /api/search?q=x HTTP/2.0\r\nHost: x\r\n\r\n'
expect_eq "$(statuses)" "505" "HTTP/2.0: 505"
if tr -d '\r' <"$TMP/raw" | tail -1 | jq -e '.error.code == 505' >/dev/null 2>&1; then pass; else fail "505 as JSON: $(tail -c 200 "$TMP/raw")"; fi
raw 'HEAD /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde'
expect_eq "$(statuses)" "413" "a HEAD with a body: 413"
expect_eq "$(tr -d '\r' <"$TMP/raw" | sed '1,/^$/d' | wc -c)" 0 "and, as a HEAD answer, no body"
raw 'GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nX-A: a\000b\r\n\r\n'
expect_eq "$(statuses)" "400" "a NUL byte in a header value"
get "/?q=x"
expect_eq "$CODE" 200 "the server is fine afterwards"

# 10. --listen.
stop_serve
run "$TRACUU" serve --listen nowhere
expect_rc 2 "--listen without a port"
run "$TRACUU" serve --listen 999.1.1.1:0
expect_rc 2 "--listen with a bad address"
expect_err "not an IPv4 address" "says so"
run "$TRACUU" serve --threads 9
expect_rc 2 "--threads past 4"
run "$TRACUU" serve --db "$TMP/none"
expect_rc 3 "no index"
start_serve --listen 0.0.0.0:0 2>/dev/null || true
if grep -q "no authentication" "$TMP/serve.err"; then pass; else fail "no warning for 0.0.0.0: $(cat "$TMP/serve.err")"; fi
stop_serve
finish
