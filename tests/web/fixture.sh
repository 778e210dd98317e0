# fixture.sh: what the web tests serve. Sourced after tests/cli/lib.sh and
# tests/server/server.sh.
#
# web_fixture: indexes corpus/sample/records.jsonl and tests/web/hostile.jsonl
#   into $TRACUU_DB, then crawls tests/web/hostile-site (served on 127.0.0.1:
#   a page with inline scripts, handlers, a refresh to javascript:) into the
#   same index and its store $STORE. Sets HOSTILE_URL (the crawled page's URL
#   and id) and CRAWL_OK (1 when that crawl worked, else 0).
# start_serve [ARGS...]: tracuu serve on a free loopback port; sets WEB (the
#   base URL). Stopped when the test exits.
STORE=$TMP/store
SERVE_PID=

web_fixture() {
  "$TRACUU" index --quiet "$TRACUU_SRC/corpus/sample/records.jsonl" "$TRACUU_SRC/tests/web/hostile.jsonl" \
    >"$TMP/index.out" 2>&1 || { echo "indexing failed: $(cat "$TMP/index.out")" >&2; exit 1; }
  cp -r "$TRACUU_SRC/tests/web/hostile-site" "$TMP/site"
  start_server "$TMP/site"
  HOSTILE_URL=$BASE/van-ban/doc-hai.html
  CRAWL_OK=0
  if "$TRACUU" crawl --delay 0 --store "$STORE" "$BASE/" >"$TMP/crawl.out" 2>&1 &&
    "$TRACUU" search --json 88/TB-XSS | grep -qF "$HOSTILE_URL"; then
    CRAWL_OK=1
  else
    echo "note: the crawl of the hostile site failed, its checks are skipped: $(tail -3 "$TMP/crawl.out")" >&2
  fi
  stop_server # the originals come from the store from now on
}

stop_serve() {
  if [ -n "$SERVE_PID" ]; then
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  SERVE_PID=
  return 0
}
trap 'stop_serve; stop_server; rm -rf "$TMP"' EXIT

start_serve() { # [ARGS...]
  stop_serve
  rm -f "$TMP/serve.err" # else the last server's port may be read before the new one writes
  "$TRACUU" serve --listen 127.0.0.1:0 --store "$STORE" "$@" 2>"$TMP/serve.err" &
  SERVE_PID=$!
  local port
  port=$(serve_port "$TMP/serve.err" "$SERVE_PID") # lib.sh
  [ -n "$port" ] || { echo "tracuu serve did not start: $(cat "$TMP/serve.err")" >&2; exit 1; }
  WEB=http://127.0.0.1:$port
}
