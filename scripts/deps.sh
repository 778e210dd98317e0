#!/usr/bin/env bash
# Installs what tracuu needs to build and test on Debian 12 (as root), and
# nothing when it is all there already. Used by quickstart.sh, test.sh and CI.
#   bash scripts/deps.sh          # building, the quickstart, the man pages, the package
#   bash scripts/deps.sh --test   # and everything the test suite runs (test.sh uses this)
set -euo pipefail

packages=(
  build-essential cmake pkg-config      # toolchain
  libxapian-dev xapian-tools            # the engine (and xapian-tcpsrv for shards)
  libjemalloc-dev                       # malloc for Xapian's writer (bulk builds)
  libicu-dev                            # the Vietnamese text pipeline
  libjson-c-dev                         # JSON Lines in and out
  libcurl4-openssl-dev libxml2-dev      # crawler and extractor
  libsqlite3-dev sqlite3                # crawl state; FTS5 baseline in bench/
  zlib1g-dev libssl-dev                 # the WARC store (gzip members, SHA-256 digests)
  libinih-dev                           # the crawl config (INI)
  libpoppler-glib-dev libcairo2-dev     # attachments: PDF text and rendering for OCR
  libpoppler-cpp-dev                    # attachments: the text a PDF's stamps draw
  libtesseract-dev tesseract-ocr-vie    # attachments: OCR of scans (Vietnamese data)
  libzip-dev antiword                   # attachments: DOCX/ODT zips; legacy .doc (a program)
  fonts-dejavu-core                     # test_attach draws its scan with a real font
  poppler-utils tesseract-ocr           # bench_attach's baseline (pdftotext, tesseract CLI)
  icu-devtools                          # bench_analyze.sh's baseline (uconv)
  python3 jq bc                         # test helpers: the HTTP server, JSON checks; bench_crawl
  python3-feedparser                    # test_watch: the Atom feed checked by a real feed parser
  graphviz                              # test_cli_related: dot -Tsvg checks "tracuu related --format dot"
  scdoc man-db groff-base               # the man pages (doc/*.scd) and test_native's check of them
  dpkg-dev fakeroot                     # cpack -G DEB (dpkg-shlibdeps computes the Depends)
)

if [ "${1:-}" = --test ]; then
  packages+=(
    curl                                # test_web_http's requests
    chromium                            # test_web_browser drives it headless (about 80 MB)
  )
  # test_web_browser runs playwright-core under node (npm ci fetches it from
  # the npm registry on its first run): Debian's node unless one is on PATH.
  command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
  packages+=(ca-certificates)           # npm's registry is https
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "tracuu: missing packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "tracuu: installed ${missing[*]}" >&2
