# The search page in a real browser: tests/web/e2e.mjs (playwright-core
# driving the system's Chromium; no browser is ever downloaded) against
# `tracuu serve` over the sample corpus, hostile records and a crawled page
# with scripts. Screenshots go to $TRACUU_BUILD/web-screenshots.
#
# Skips (exit 77, ctest SKIP_RETURN_CODE) when Chromium, node or the npm
# package is unavailable. To run it: apt-get install chromium (Debian 12),
# then `ctest -R test_web_browser` (the first run installs playwright-core
# from package-lock.json with npm ci into $TRACUU_BUILD/web-node).
. "$TRACUU_SRC/tests/cli/lib.sh"
. "$TRACUU_SRC/tests/server/server.sh"
. "$TRACUU_SRC/tests/web/fixture.sh"
TEST_NAME=test_web_browser
skip() { echo "test_web_browser: SKIPPED: $*"; exit 77; }

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || skip "no Chromium at $CHROMIUM (apt-get install chromium)"
command -v node >/dev/null && command -v npm >/dev/null || skip "node and npm are needed"
BUILD=${TRACUU_BUILD:-$TMP}
NODE_DIR=$BUILD/web-node
if [ ! -d "$NODE_DIR/node_modules/playwright-core" ]; then
  mkdir -p "$NODE_DIR"
  cp "$TRACUU_SRC/tests/web/package.json" "$TRACUU_SRC/tests/web/package-lock.json" "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --ignore-scripts --no-audit --no-fund >"$TMP/npm.log" 2>&1) ||
    skip "npm ci of playwright-core failed: $(tail -2 "$TMP/npm.log")"
fi
SHOTS=$BUILD/web-screenshots
rm -rf "$SHOTS" && mkdir -p "$SHOTS"

web_fixture
start_serve
WEB=$WEB NODE_MODULES_DIR=$NODE_DIR/node_modules SHOTS=$SHOTS CHROMIUM=$CHROMIUM USER_DATA_DIR=$TMP/chromium-profile \
  HOSTILE_URL=$HOSTILE_URL CRAWL_OK=$CRAWL_OK timeout 300 node "$TRACUU_SRC/tests/web/e2e.mjs" >"$TMP/e2e.out" 2>&1
RC=$?
cat "$TMP/e2e.out"
if [ "$RC" = 0 ]; then pass; else fail "the browser walk (exit $RC)"; fi
echo "screenshots: $SHOTS"
finish
