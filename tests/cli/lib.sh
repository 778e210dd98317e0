# lib.sh: the helpers of the command-line tests. Each test script sources it,
# runs the real tracuu binary on real files in a fresh temporary directory,
# and ends with `finish`, which prints "NAME: N passed, N failed".
#
# Environment (set by ctest): TRACUU (the binary), TRACUU_SRC (source tree),
# TRACUU_SHARED (../shared, may be missing).
set -u
: "${TRACUU:?TRACUU must name the tracuu binary}"
: "${TRACUU_SRC:?TRACUU_SRC must name the source tree}"
TRACUU_SHARED=${TRACUU_SHARED:-$TRACUU_SRC/../shared}
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tracuu-$TEST_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# Never touch the user's own index or config.
export HOME=$TMP/home XDG_DATA_HOME=$TMP/data XDG_CONFIG_HOME=$TMP/config
export TRACUU_DB=$TMP/db
export TRACUU_SYSTEM_CONFIG=$TMP/etc/tracuu.conf # not the machine's /etc/tracuu/tracuu.conf
unset NO_COLOR
mkdir -p "$HOME"
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# run CMD...: runs a command; its stdout is in $TMP/out ($OUT), stderr in
# $TMP/err ($ERR), exit code in $RC.
run() {
  "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

expect_rc() { # CODE WHAT
  if [ "$RC" = "$1" ]; then pass; else fail "$2: exit code $RC, expected $1 (stderr: $ERR)"; fi
}
expect_out() { # TEXT WHAT
  if grep -qF -- "$1" "$TMP/out"; then pass; else fail "$2: stdout lacks \"$1\": $(head -c 400 "$TMP/out")"; fi
}
expect_err() { # TEXT WHAT
  if grep -qF -- "$1" "$TMP/err"; then pass; else fail "$2: stderr lacks \"$1\": $ERR"; fi
}
expect_eq() { # ACTUAL EXPECTED WHAT
  if [ "$1" = "$2" ]; then pass; else fail "$3: got \"$1\", expected \"$2\""; fi
}
# The number of lines (one per line of stderr) saying what is wrong: exactly one.
expect_one_line_err() { # WHAT
  if [ "$(grep -c . "$TMP/err")" = 1 ]; then pass; else fail "$1: expected a one-line message, got: $ERR"; fi
}

# serve_port ERRFILE PID: the port a `tracuu serve` started in the
# background says it serves on (its "serving on" line, in ERRFILE), waiting
# up to 10 s while PID lives; empty when it did not start. Empty ERRFILE
# before starting the server: the job's own redirection runs in the child,
# maybe after the first look here, and a reused file gives the last
# server's port (found in CI: both requests refused, "serve said" nothing).
serve_port() {
  local err=$1 pid=$2 port=
  for _ in $(seq 200); do
    port=$(sed -n 's|.*serving on http://[0-9.]*:\([0-9]*\)/.*|\1|p' "$err" 2>/dev/null)
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "$port"
}

finish() {
  echo "$TEST_NAME: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}
