# tracuu crawl against a misbehaving server: each bad page is one clear
# failure and the crawl goes on; retries are bounded and honour
# Retry-After; redirects stay on the host; caps hold (body, gzip bomb).
. "$(dirname "$0")/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
SITE=$TMP/site
mkdir -p "$SITE"
printf 'User-agent: *\nDisallow:\n' >"$SITE/robots.txt"
start_server "$SITE"
OTHER=http://localhost:$PORT # the same server under another host name: out of scope
cat >"$SITE/index.html" <<HTML
<html><head><meta charset="utf-8"><title>Trang chủ</title></head><body>
<a href="/_/flaky?n=2">flaky</a> <a href="/_/429?n=1&amp;after=1">429</a>
<a href="/_/429?n=5&amp;after=3600">429 long</a> <a href="/_/status/500">500</a>
<a href="/_/loop">loop</a> <a href="/_/redirect?to=$OTHER/offsite.html">offsite redirect</a>
<a href="/_/redirect?to=file:///etc/passwd">file redirect</a>
<a href="/_/redirect?to=/good.html">good redirect</a> <a href="/_/reset">reset</a>
<a href="/_/slow?s=6">slow</a> <a href="/_/big?mb=50">big</a> <a href="/_/truncated">truncated</a>
<a href="/_/bomb?mb=40">bomb</a> <a href="/_/charset?label=iso-8859-1">charset</a>
<a href="$OTHER/offsite-link.html">off-site link</a> <a href="/good.html">good</a>
</body></html>
HTML
cat >"$SITE/good.html" <<HTML
<html><head><meta charset="utf-8"><title>Trang tốt</title></head><body><h1>Trang tốt</h1>
<p>Nội dung kiểm thử trangtot.</p></body></html>
HTML
found() { "$TRACUU" search --json --limit 50 "$@" | jq -r .url; }
attempts() { grep -cF " $1 " "$SERVER_LOG" || true; }

start=$(date +%s)
run "$TRACUU" crawl --delay 0 --timeout 2 --json "$BASE/"
took=$(($(date +%s) - start))
expect_rc 1 "some pages failed: exit code 1"
expect_err "$BASE/_/status/500: failed: HTTP 500 after 3 attempts" "500: bounded retries"
expect_eq "$(attempts /_/status/500)" 3 "500: asked exactly 3 times"
expect_eq "$(attempts '/_/flaky?n=2')" 3 "503 twice, then 200"
expect_eq "$(attempts '/_/429?n=1&after=1')" 2 "429 then 200"
gap=$(grep -F ' /_/429?n=1&after=1 ' "$SERVER_LOG" | awk 'NR==1{a=$1} NR==2{printf "%d", ($1-a)*1000}')
if [ "${gap:-0}" -ge 950 ]; then pass; else fail "Retry-After: 1 not honoured (second try after $gap ms)"; fi
expect_err "429: asked to retry after 3600 s, over the 120 s limit" "a long Retry-After gives up"
expect_eq "$(attempts '/_/429?n=5&after=3600')" 1 "a long Retry-After is not waited for"
expect_err "$BASE/_/loop: failed: more than 5 redirects" "redirect loop"
expect_err "redirected to another host or scheme: $OTHER/offsite.html" "off-host redirect refused"
expect_err "$BASE/_/redirect?to=file:///etc/passwd: failed: redirected to an unsupported URL" "file:// refused"
expect_err "$BASE/_/reset: failed:" "connection reset"
# 3 attempts; libcurl itself retries once more when a reused keep-alive
# connection turns out dead, so the server may see a fourth.
n=$(attempts /_/reset)
if [ "$n" -ge 3 ] && [ "$n" -le 4 ]; then pass; else fail "reset: $n requests, expected 3 (or 4)"; fi
expect_err "$BASE/_/slow?s=6: failed: timed out" "slow page times out"
expect_err "$BASE/_/big?mb=50: failed: body larger than the 16777216-byte limit" "50 MB body over the cap"
expect_err "$BASE/_/truncated: failed: truncated" "truncated body"
expect_err "$BASE/_/bomb?mb=40: failed: body larger than the 16777216-byte limit (after decompression)" "gzip bomb"
expect_eq "$(requests /offsite)" 0 "out-of-scope URLs never requested"
expect_eq "$(jq -r .failed "$TMP/out")" 10 "ten failures"
if [ "$took" -lt 30 ]; then pass; else fail "the misbehaving crawl took $took s"; fi
# The crawl went on: the good pages are indexed, the redirected one under its final URL.
expect_eq "$(found trangtot)" "$BASE/good.html" "good page indexed once, under its own URL"
if found "kế hoạch cải cách" | grep -qF "/_/charset"; then pass; else fail "page with a wrong charset label"; fi
if found recovered | grep -qF "/_/flaky?n=2"; then pass; else fail "the flaky page, after its retries"; fi
expect_eq "$(ids "$TRACUU_DB" | grep -c '_/\(big\|bomb\|truncated\|reset\|loop\)')" 0 "no failed page indexed"
finish
