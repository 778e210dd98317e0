# server.sh: starts tests/server/testserver.py (or the generated portal,
# portal.py) for a crawl test (sourced after tests/cli/lib.sh). start_server
# ROOT sets PORT, BASE (the site's URL) and SERVER_LOG (one line per request:
# "TIME METHOD PATH inm=.. ims=.."); the server is stopped when the test exits.
SERVER_PID=
stop_server() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true # killed: 143, which must not stop a set -e script
  fi
  SERVER_PID=
  return 0
}
trap 'stop_server; rm -rf "$TMP"' EXIT

start_server() { # ROOT [testserver.py options...]
  local root=$1
  shift
  start_python "$TRACUU_SRC/tests/server/testserver.py" --root "$root" "$@"
}

# start_portal [portal.py options...]: the generated portal of
# tests/server/portal.py instead (its night is set with set_night N).
start_portal() { start_python "$TRACUU_SRC/tests/server/portal.py" "$@"; }
set_night() { curl -sf "$BASE/_/night?n=$1" >/dev/null; }

start_python() { # SCRIPT [options...]
  stop_server
  SERVER_LOG=$TMP/server.log
  : >"$SERVER_LOG"
  rm -f "$TMP/port"
  python3 "$@" --log "$SERVER_LOG" --port-file "$TMP/port" >/dev/null 2>"$TMP/server.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
  PORT=$(cat "$TMP/port" 2>/dev/null)
  [ -n "$PORT" ] || { echo "test server did not start: $(cat "$TMP/server.err")" >&2; exit 1; }
  BASE=http://127.0.0.1:$PORT
}

# requests PATTERN: how many logged requests have a path matching the
# extended regex PATTERN (anchored at the path's start).
requests() { awk '{print $3}' "$SERVER_LOG" | grep -cE "^$1" || true; }

# ids DB: the document ids of an index, one per line, sorted.
ids() { xapian-delve -A Q -1 "$1" 2>/dev/null | sed -n 's/^Q//p' | sort; }

# gen_site DIR N [PARAS]: a site of N article pages listed 20 a page
# (listing pagination: index.html, trang-2.html, ...), each with its own
# words ("baiviet<i>") and a legal number, PARAS (default 1) extra
# paragraphs of body text, and a robots.txt without rules.
gen_site() {
  local dir=$1 n=$2 paras=${3:-1} per=20 i p pages filler
  filler=$(for _ in $(seq "$paras"); do
    echo "<p>Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; xét đề nghị của Trưởng phòng Nội vụ quận, UBND quận yêu cầu các phòng, ban, đơn vị và UBND 8 phường triển khai thực hiện nghiêm túc, báo cáo kết quả trước ngày 15 hằng tháng về Văn phòng HĐND và UBND quận để tổng hợp.</p>"
  done)
  mkdir -p "$dir/bai"
  printf 'User-agent: *\nDisallow:\n' >"$dir/robots.txt"
  pages=$(((n + per - 1) / per))
  for p in $(seq 1 "$pages"); do
    local f=$dir/trang-$p.html
    [ "$p" = 1 ] && f=$dir/index.html
    {
      echo "<html><head><meta charset=\"utf-8\"><title>Danh sách trang $p</title></head><body><ul>"
      for i in $(seq $(((p - 1) * per + 1)) $((p * per > n ? n : p * per))); do
        echo "<li><a href=\"/bai/$i.html\">Bài $i</a></li>"
      done
      echo "</ul>"
      [ "$p" -lt "$pages" ] && echo "<a href=\"/trang-$((p + 1)).html\">Trang sau</a>"
      echo "</body></html>"
    } >"$f"
  done
  for i in $(seq 1 "$n"); do
    cat >"$dir/bai/$i.html" <<HTML
<html><head><meta charset="utf-8"><title>Thông báo $i/TB-UBND về baiviet$i</title></head><body>
<h1>Thông báo số $i/TB-UBND về việc baiviet$i</h1>
<div class="content"><p>Ủy ban nhân dân quận Tây Hồ thông báo kế hoạch cải cách hành chính,
chuyển đổi số và tiếp công dân năm 2024 (baiviet$i). Quyết định số $((i + 1000))/QĐ-UBND.</p>
<p>Các phòng, ban chuyên môn và UBND các phường tổ chức thực hiện nghiêm túc.</p>
$filler</div>
</body></html>
HTML
  done
}
