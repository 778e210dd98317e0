/* http_head: the request head parser of `tracuu serve` (http_parse_head,
 * web/http.h) on tricky heads, each decided by RFC 9112 as http.h says:
 * request smuggling shapes, line folding, bare LF and CR, absolute-form
 * targets, HTTP/1.0 and keep-alive, pipelining, NUL bytes, over-long
 * lines, HTTP/0.9. Every row is also held to the fuzz target's contract
 * (fuzz/http_contract.h), cut in two at every place.
 *
 *   test_http_head [CASE...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/http_contract.h"
#include "tests/unit/check.h"
#include "web/http.h"

#define MORE (-1)  /* wants more bytes */

typedef struct {
  const char *name;
  const char *in;
  size_t len;         /* of in: NUL bytes are part of some heads */
  int status;         /* MORE, 0 (a request) or the refusal's status */
  const char *method; /* NULL: not checked */
  const char *target; /* NULL: not checked */
  int keep_alive;     /* a request's; -1: not checked */
  const char *why;    /* a refusal's reason holds this */
} row;

#define IN(s) s, sizeof(s) - 1

/* The row's expectations, and the contract cut at every place. */
static void check_row(const row *r) {
  http_parsed p = http_parse_whole(r->in, r->len);
  int got = p.r == HTTP_HEAD_MORE ? MORE : p.h.refused;
  if (got != r->status) {
    check_failed++;
    fprintf(stderr, "%s: %s: status %d (%s), expected %d\n", check_current_case, r->name, got,
            p.h.why ? p.h.why : "", r->status);
  } else {
    check_passed++;
  }
  if (p.r == HTTP_HEAD_DONE) {
    if (r->method) CHECK_STR(p.h.method, r->method);
    if (r->target) CHECK_STR(p.target, r->target);
    if (!p.h.refused && r->keep_alive >= 0) CHECK_INT(p.h.keep_alive, r->keep_alive);
    if (r->why && (!p.h.why || !strstr(p.h.why, r->why))) {
      check_failed++;
      fprintf(stderr, "%s: %s: reason \"%s\" lacks \"%s\"\n", check_current_case, r->name,
              p.h.why ? p.h.why : "(none)", r->why);
    }
    if (!p.h.refused && r->status == 0) CHECK(p.h.head_len <= r->len);
  }
  http_parsed_free(&p);
  size_t step = r->len > 400 ? r->len / 97 + 1 : 1;
  for (size_t cut = 0; cut <= r->len; cut += step) {
    const char *broken = http_contract_broken(r->in, r->len, cut);
    if (broken) {
      check_failed++;
      fprintf(stderr, "%s: %s: cut at %zu: %s\n", check_current_case, r->name, cut, broken);
      return;
    }
  }
  check_passed++;
}

static void check_rows(const row *rows, size_t n) {
  for (size_t i = 0; i < n; i++) check_row(&rows[i]);
}
#define CHECK_ROWS(rows) check_rows(rows, sizeof rows / sizeof rows[0])

TEST(plain_requests) {
  static const row rows[] = {
      {"GET", IN("GET /?q=quyet+dinh HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "GET", "/?q=quyet+dinh", 1, NULL},
      {"HEAD", IN("HEAD /doc/a HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"), 0, "HEAD", "/doc/a", 1, NULL},
      {"curl's head", IN("GET /api/search?q=x HTTP/1.1\r\nHost: 127.0.0.1:1\r\nUser-Agent: curl/7.88.1\r\n"
                         "Accept: */*\r\n\r\n"), 0, "GET", "/api/search?q=x", 1, NULL},
      {"nothing yet", IN(""), MORE, NULL, NULL, -1, NULL},
      {"no empty line yet", IN("GET / HTTP/1.1\r\nHost: x\r\n"), MORE, NULL, NULL, -1, NULL},
      {"half a CR LF", IN("GET / HTTP/1.1\r\nHost: x\r\n\r"), MORE, NULL, NULL, -1, NULL},
      {"OWS around a value", IN("GET / HTTP/1.1\r\nHost: \t x \t\r\n\r\n"), 0, "GET", "/", 1, NULL},
      {"an empty value", IN("GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\n\r\n"), 0, "GET", "/", 1, NULL},
      {"obs-text in a value", IN("GET / HTTP/1.1\r\nHost: x\r\nX-V: Tr\xc3\xa1 c\xe1\xbb\xa9u\r\n\r\n"), 0,
       "GET", "/", 1, NULL},
      {"a percent-encoded target", IN("GET /so/45%2FKH-UBND HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "GET",
       "/so/45%2FKH-UBND", 1, NULL},
  };
  CHECK_ROWS(rows);
}

/* RFC 9112 6.1, 6.3: no request body here, and no guessing where a request
 * ends: every shape that could be read two ways is refused and closed. */
TEST(smuggling_shapes_are_refused) {
  static const row rows[] = {
      {"Content-Length then Transfer-Encoding",
       IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400,
       "GET", "/", -1, "Content-Length together with Transfer-Encoding"},
      {"Transfer-Encoding then Content-Length",
       IN("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n"), 400, NULL,
       NULL, -1, "Content-Length together with Transfer-Encoding"},
      {"two Content-Lengths", IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nabcde"),
       400, NULL, NULL, -1, "two Content-Length headers"},
      {"two equal Content-Lengths", IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\ncontent-length: 0\r\n\r\n"),
       400, NULL, NULL, -1, "two Content-Length headers"},
      {"a Content-Length list", IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 0\r\n\r\n"), 400, NULL, NULL,
       -1, "Content-Length is not a number"},
      {"a signed Content-Length", IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n"), 400, NULL, NULL,
       -1, "not a number"},
      {"an empty Content-Length", IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"), 400, NULL, NULL, -1,
       "not a number"},
      {"Transfer-Encoding: chunked on a GET", IN("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
       400, NULL, NULL, -1, "Transfer-Encoding in a request"},
      {"Transfer-Encoding: identity", IN("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n"), 400,
       NULL, NULL, -1, "Transfer-Encoding"},
      {"Transfer-Encoding in HTTP/1.0", IN("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400, NULL, NULL,
       -1, "Transfer-Encoding"},
      {"a spaced-out Transfer-Encoding name", IN("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n"),
       400, NULL, NULL, -1, "header name is malformed"},
      {"a body", IN("GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"), 413, "GET",
       "/api/search?q=x", -1, "request body"},
      {"a huge Content-Length", IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999999\r\n\r\n"),
       413, NULL, NULL, -1, NULL},
      {"Content-Length 0 is no body", IN("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 000\r\n\r\n"), 0, "GET", "/",
       1, NULL},
      {"a POST with a body", IN("POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"), 405, "POST",
       "/api/search", -1, "GET and HEAD"},
  };
  CHECK_ROWS(rows);
}

TEST(line_ends) {
  static const row rows[] = {
      {"bare LF", IN("GET / HTTP/1.1\nHost: x\n\n"), 0, "GET", "/", 1, NULL},
      {"CR LF and LF mixed", IN("GET /m HTTP/1.1\r\nHost: x\n\r\n"), 0, "GET", "/m", 1, NULL},
      {"bare CR inside a header line", IN("GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n"), 400, NULL, NULL, -1,
       "CR not followed by LF"},
      {"bare CR inside the request line", IN("GET /\r HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1,
       "CR not followed by LF"},
      {"CR CR LF", IN("GET / HTTP/1.1\r\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, "CR not followed by LF"},
      {"CR as the head's end", IN("GET / HTTP/1.1\r\nHost: x\r\n\r\r\n"), 400, NULL, NULL, -1, NULL},
      {"empty lines before the request line", IN("\r\n\n\r\nGET /e HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "GET", "/e",
       1, NULL},
      {"only empty lines", IN("\r\n\r\n\n"), MORE, NULL, NULL, -1, NULL},
  };
  CHECK_ROWS(rows);
}

/* RFC 9112 5.1, 5.2, RFC 9110 5.5. */
TEST(header_lines) {
  static const row rows[] = {
      {"obs-fold with a space", IN("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"), 400, NULL, NULL, -1,
       "obsolete line folding"},
      {"obs-fold with a tab", IN("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\t2\r\n\r\n"), 400, NULL, NULL, -1,
       "obsolete line folding"},
      {"a folded first header", IN("GET / HTTP/1.1\r\n Host: x\r\n\r\n"), 400, NULL, NULL, -1, "folding"},
      {"a space before the colon", IN("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400, NULL, NULL, -1,
       "header name is malformed"},
      {"no colon", IN("GET / HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n"), 400, NULL, NULL, -1, "malformed"},
      {"an empty name", IN("GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n"), 400, NULL, NULL, -1, "malformed"},
      {"NUL in a value", IN("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n"), 400, NULL, NULL, -1,
       "control byte"},
      {"NUL in a name", IN("GET / HTTP/1.1\r\nHost: x\r\nX\0A: 1\r\n\r\n"), 400, NULL, NULL, -1,
       "header name is malformed"},
      {"DEL in a value", IN("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7f\r\n\r\n"), 400, NULL, NULL, -1,
       "control byte"},
      {"ESC in a value", IN("GET / HTTP/1.1\r\nHost: x\r\nX-A: \x1b[31m\r\n\r\n"), 400, NULL, NULL, -1,
       "control byte"},
      {"a tab in a value", IN("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\tb\r\n\r\n"), 0, "GET", "/", 1, NULL},
  };
  CHECK_ROWS(rows);
}

/* RFC 9112 3.2: Host. */
TEST(host_header) {
  static const row rows[] = {
      {"HTTP/1.1 without Host", IN("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"), 400, "GET", "/", -1, "needs a Host"},
      {"two Hosts", IN("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, NULL, NULL, -1, "two Host headers"},
      {"a Host with a space", IN("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), 400, NULL, NULL, -1, "host[:port]"},
      {"a Host with a path", IN("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400, NULL, NULL, -1, "host[:port]"},
      {"a Host with userinfo", IN("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n"), 400, NULL, NULL, -1, "host[:port]"},
      {"an IPv6 Host", IN("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), 0, "GET", "/", 1, NULL},
      {"an empty Host", IN("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 0, "GET", "/", 1, NULL},
      {"HTTP/1.0 needs none", IN("GET / HTTP/1.0\r\n\r\n"), 0, "GET", "/", 0, NULL},
  };
  CHECK_ROWS(rows);
}

/* RFC 9112 3.2: origin-form and absolute-form (which a server MUST accept). */
TEST(request_targets) {
  static const row rows[] = {
      {"absolute-form", IN("GET http://example.org/api/doc/x?q=1 HTTP/1.1\r\nHost: example.org\r\n\r\n"), 0, "GET",
       "/api/doc/x?q=1", 1, NULL},
      {"absolute-form, HTTPS in capitals", IN("GET HTTPS://Example.org:8443/ HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "GET",
       "/", 1, NULL},
      {"absolute-form without a path", IN("GET http://example.org HTTP/1.1\r\nHost: example.org\r\n\r\n"), 0, "GET",
       "/", 1, NULL},
      {"absolute-form without a path, with a query", IN("GET http://example.org?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"), 0,
       "GET", "/?q=1", 1, NULL},
      {"absolute-form without a host", IN("GET http:///x HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1,
       "neither /PATH nor http://HOST/PATH"},
      {"absolute-form with userinfo", IN("GET http://u:p@h/ HTTP/1.1\r\nHost: h\r\n\r\n"), 400, NULL, NULL, -1,
       "neither"},
      {"another scheme", IN("GET ftp://h/ HTTP/1.1\r\nHost: h\r\n\r\n"), 400, NULL, NULL, -1, "neither"},
      {"asterisk-form on a GET", IN("GET * HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, "neither"},
      {"OPTIONS *", IN("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), 405, "OPTIONS", "*", -1, "GET and HEAD"},
      {"authority-form", IN("CONNECT example.org:443 HTTP/1.1\r\nHost: example.org\r\n\r\n"), 405, "CONNECT", NULL, -1,
       NULL},
      {"two spaces", IN("GET  / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, "METHOD TARGET"},
      {"a raw non-ASCII byte", IN("GET /api/so/\xff HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, "/api/so/\xff", -1,
       "percent-encoded"},
      {"a NUL in the target", IN("GET /a\0b HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, "percent-encoded"},
      {"a tab in the target", IN("GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, "percent-encoded"},
      {"a refusal keeps the start of the target", IN("POST /api/search?q=x HTTP/1.1\r\nHost: x\r\n\r\n"), 405, "POST",
       "/api/search?q=x", -1, NULL},
  };
  CHECK_ROWS(rows);
}

/* RFC 9112 2.3, 3, 9.3; RFC 9110 6.2, 9.1. */
TEST(versions_methods_keep_alive) {
  static const row rows[] = {
      {"HTTP/1.0 closes", IN("GET / HTTP/1.0\r\n\r\n"), 0, "GET", "/", 0, NULL},
      {"HTTP/1.0 with keep-alive", IN("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 0, "GET", "/", 1, NULL},
      {"HTTP/1.0 with Keep-Alive in capitals", IN("GET / HTTP/1.0\r\nconnection: Keep-Alive\r\n\r\n"), 0, "GET",
       "/", 1, NULL},
      {"HTTP/1.1 keeps", IN("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0, "GET", "/", 1, NULL},
      {"HTTP/1.1 with close", IN("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 0, "GET", "/", 0, NULL},
      {"close, then keep-alive", IN("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n"),
       0, "GET", "/", 0, NULL},
      {"keep-alive, close in one list", IN("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), 0, "GET", "/",
       0, NULL},
      {"a token that only starts with close", IN("GET / HTTP/1.1\r\nHost: x\r\nConnection: closed\r\n\r\n"), 0,
       "GET", "/", 1, NULL},
      {"HTTP/1.2 is taken as 1.1", IN("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 0, "GET", "/", 1, NULL},
      {"HTTP/2.0", IN("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505, "GET", "/", -1, "HTTP/1.0 and HTTP/1.1"},
      {"the HTTP/2 preface", IN("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 505, NULL, NULL, -1, NULL},
      {"a lowercase version", IN("GET / http/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, "METHOD TARGET HTTP/1.x"},
      {"a space after the version", IN("GET / HTTP/1.1 \r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, NULL},
      {"HTTP/0.9, answered at once", IN("GET /\r\n"), 400, "GET", "/", -1, "HTTP/0.9"},
      {"HTTP/0.9 with a bare LF", IN("GET /api/search?q=x\n"), 400, NULL, "/api/search?q=x", -1, "HTTP/0.9"},
      {"a lowercase method", IN("get / HTTP/1.1\r\nHost: x\r\n\r\n"), 405, "get", NULL, -1, "GET and HEAD"},
      {"DELETE", IN("DELETE /doc/a HTTP/1.1\r\nHost: x\r\n\r\n"), 405, "DELETE", NULL, -1, NULL},
      {"a long method", IN("AAAAAAAAAAAAAAAAAAAA / HTTP/1.1\r\nHost: x\r\n\r\n"), 405, "", NULL, -1, NULL},
      {"a method that is not a token", IN("G(T / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1,
       "method is malformed"},
      {"a NUL before the method", IN("\0GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, "method"},
      {"an empty method", IN(" / HTTP/1.1\r\nHost: x\r\n\r\n"), 400, NULL, NULL, -1, NULL},
      {"a 405 is decided at the request line", IN("POST /api/search HTTP/1.1\r\n"), 405, NULL, NULL, -1, NULL},
  };
  CHECK_ROWS(rows);
}

/* Several requests in one packet: one head at a time, each ending where
 * the next starts, as the server reads them. */
TEST(pipelined_requests_one_at_a_time) {
  static const char in[] = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                           "HEAD /b HTTP/1.1\nHost: x\n\n"
                           "GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                           "GET /d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                           "GET /e HTTP/1.1\r\nHost: x\r\n\r\n";
  static const char *const want[] = {"/a", "/b", "/c", "/d"};
  size_t at = 0, len = sizeof in - 1;
  for (size_t i = 0; i < 4; i++) {
    http_parsed p = http_parse_whole(in + at, len - at);
    CHECK_INT(p.r, HTTP_HEAD_DONE);
    if (p.r != HTTP_HEAD_DONE) return;
    CHECK_INT(p.h.refused, 0);
    CHECK_STR(p.target, want[i]);
    CHECK_INT(p.h.head_only, i == 1);
    CHECK_INT(p.h.keep_alive, i < 3);
    CHECK(http_contract_broken(in + at, len - at, 7) == NULL);
    at += p.h.head_len;
    http_parsed_free(&p);
  }
  CHECK_STR(in + at, "GET /e HTTP/1.1\r\nHost: x\r\n\r\n"); /* /d closes: /e is never read */
}

/* A buffer of n bytes: prefix, then fill up to n - strlen(suffix), then suffix. */
static char *make_head(const char *prefix, char fill, const char *suffix, size_t n) {
  char *b = malloc(n + 1);
  size_t pl = strlen(prefix), sl = strlen(suffix);
  if (!b || pl + sl > n) abort();
  memcpy(b, prefix, pl);
  memset(b + pl, fill, n - pl - sl);
  memcpy(b + n - sl, suffix, sl);
  b[n] = '\0';
  return b;
}

static void check_made(const char *name, char *in, size_t len, int status, const char *why) {
  row r = {name, in, len, status, NULL, NULL, -1, why};
  check_row(&r);
  free(in);
}

/* HTTP_MAX_TARGET, HTTP_MAX_LINE, HTTP_MAX_HEAD, HTTP_MAX_HEADERS: up to
 * each limit a request, past it a refusal, and without the end of the
 * line as soon as the limit's bytes came. */
TEST(limits) {
  size_t head = strlen("GET  HTTP/1.1\r\nHost: x\r\n\r\n");
  check_made("a target of HTTP_MAX_TARGET bytes", make_head("GET /", 'a', " HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_MAX_TARGET + head), HTTP_MAX_TARGET + head, 0, NULL);
  check_made("a target one byte longer", make_head("GET /", 'a', " HTTP/1.1\r\nHost: x\r\n\r\n", HTTP_MAX_TARGET + 1 + head), HTTP_MAX_TARGET + 1 + head, 414, "too long");
  check_made("a request line past HTTP_MAX_LINE, not ended", make_head("GET /", 'a', "", HTTP_MAX_LINE + 1), HTTP_MAX_LINE + 1, 414, "too long");
  check_made("a request line of HTTP_MAX_LINE, not ended", make_head("GET /", 'a', "", HTTP_MAX_LINE), HTTP_MAX_LINE, MORE, NULL);
  check_made("a head of HTTP_MAX_HEAD bytes", make_head("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", 'b', "\r\n\r\n", HTTP_MAX_HEAD), HTTP_MAX_HEAD, 0, NULL);
  check_made("a head one byte longer", make_head("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", 'b', "\r\n\r\n", HTTP_MAX_HEAD + 1), HTTP_MAX_HEAD + 1, 431, "too large");
  check_made("HTTP_MAX_HEAD bytes of a header, not ended", make_head("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", 'b', "", HTTP_MAX_HEAD), HTTP_MAX_HEAD, 431, "too large");
  check_made("a byte less, not ended", make_head("GET / HTTP/1.1\r\nHost: x\r\nX-Big: ", 'b', "", HTTP_MAX_HEAD - 1), HTTP_MAX_HEAD - 1, MORE, NULL);
  check_made("empty lines up to HTTP_MAX_HEAD", make_head("", '\n', "", HTTP_MAX_HEAD), HTTP_MAX_HEAD, 431, "too large");

  /* Header lines: HTTP_MAX_HEADERS of them (Host counted) is a request, one more is not. */
  for (int extra = 0; extra <= 1; extra++) {
    char *b = malloc(64 * (HTTP_MAX_HEADERS + 2));
    if (!b) abort();
    size_t n = (size_t)sprintf(b, "GET / HTTP/1.1\r\nHost: x\r\n");
    for (int i = 1; i < HTTP_MAX_HEADERS + extra; i++) n += (size_t)sprintf(b + n, "X-H%d: %d\r\n", i, i);
    n += (size_t)sprintf(b + n, "\r\n");
    check_made(extra ? "one header line too many" : "HTTP_MAX_HEADERS header lines", b, n, extra ? 431 : 0,
               extra ? "too many header lines" : NULL);
  }
}

/* Fed in pieces, the parser resumes where it stopped: a slow client
 * sending one byte at a time costs linear work, and the result is the
 * whole head's. */
TEST(fed_a_byte_at_a_time) {
  static const char in[] = "\r\nGET /api/search?q=thu%E1%BA%BF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  http_head h;
  http_head_init(&h);
  size_t n = sizeof in - 1, i;
  for (i = 0; i < n; i++) CHECK_INT(http_parse_head(&h, in, i), HTTP_HEAD_MORE);
  CHECK_INT(http_parse_head(&h, in, n), HTTP_HEAD_DONE);
  CHECK_INT(h.refused, 0);
  CHECK_INT(h.head_len, n);
  CHECK_INT(h.keep_alive, 0);
  /* Done stays done, whatever comes after. */
  CHECK_INT(http_parse_head(&h, in, n), HTTP_HEAD_DONE);
  CHECK_INT(h.head_len, n);
}

int main(int argc, char **argv) {
  check_init(argc, argv);
  RUN(plain_requests);
  RUN(smuggling_shapes_are_refused);
  RUN(line_ends);
  RUN(header_lines);
  RUN(host_header);
  RUN(request_targets);
  RUN(versions_methods_keep_alive);
  RUN(pipelined_requests_one_at_a_time);
  RUN(limits);
  RUN(fed_a_byte_at_a_time);
  return check_summary("test_http_head");
}
