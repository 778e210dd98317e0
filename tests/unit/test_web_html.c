/* web/html.h: every context a crawled string can land in, as a table of
 * input -> expected output, plus the highlight marks and URL decoding. */
#include <stdlib.h>

#include "tests/unit/check.h"
#include "web/html.h"

typedef void (*escape_fn)(dynbuf *b, const char *s);

static const char *escaped(escape_fn f, const char *s, dynbuf *b) {
  dynbuf_reset(b);
  f(b, s);
  return dynbuf_str(b);
}

static const struct {
  const char *in, *text, *url;
} CASES[] = {
    /* 1 */ {"quyết định", "quyết định", "quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh"},
    /* 2 */ {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;",
             "%3Cscript%3Ealert%281%29%3C%2Fscript%3E"},
    /* 3 */ {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
             "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E"},
    /* 4 */ {"' onmouseover='alert(1)", "&#39; onmouseover=&#39;alert(1)", "%27%20onmouseover%3D%27alert%281%29"},
    /* 5 */ {"javascript:alert(1)", "javascript:alert(1)", "javascript%3Aalert%281%29"},
    /* 6 */ {"2696/QĐ-UBND", "2696/QĐ-UBND", "2696%2FQ%C4%90-UBND"},
    /* 7 */ {"a&b=c?d#e", "a&amp;b=c?d#e", "a%26b%3Dc%3Fd%23e"},
    /* 8 */ {"../../etc/passwd", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd"},
    /* 9 */ {"tab\tnl\nbell\acr\r", "tab\tnl\nbellcr", "tab%09nl%0Abell%07cr%0D"},
    /* 10 */ {"", "", ""},
};

static void test_table(dynbuf *b) {
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    CHECK_STR(escaped(html_text, CASES[i].in, b), CASES[i].text);
    CHECK_STR(escaped(html_url_part, CASES[i].in, b), CASES[i].url);
  }
  CHECK_STR(escaped(html_text, NULL, b), "");
}

static void test_marked(dynbuf *b) {
  const char *t = "<b>quyết</b> định";
  query_span ok[] = {{3, 10}, {15, 22}};
  dynbuf_reset(b);
  html_marked(b, t, ok, 2);
  CHECK_STR(dynbuf_str(b), "&lt;b&gt;<mark>quyết</mark>&lt;/b&gt; <mark>định</mark>");
  /* Spans out of order, overlapping, empty or past the end are ignored. */
  query_span bad[] = {{3, 10}, {5, 8}, {12, 12}, {15, 400}, {0, 2}};
  dynbuf_reset(b);
  html_marked(b, t, bad, 5);
  CHECK_STR(dynbuf_str(b), "&lt;b&gt;<mark>quyết</mark>&lt;/b&gt; định");
  query_span hostile[] = {{0, 8}};
  dynbuf_reset(b);
  html_marked(b, "<script>x", hostile, 1);
  CHECK_STR(dynbuf_str(b), "<mark>&lt;script&gt;</mark>x");
}

static void test_decode(void) {
  char out[16];
  CHECK_INT(html_url_decode("2696%2FQ%C4%90", 14, out, sizeof out), 8);
  CHECK_STR(out, "2696/QĐ");
  CHECK_INT(html_url_decode("a+b", 3, out, sizeof out), 3);
  CHECK_STR(out, "a+b");
  CHECK_INT(html_url_decode("%00", 3, out, sizeof out), -1);     /* NUL */
  CHECK_INT(html_url_decode("%4", 2, out, sizeof out), -1);      /* cut escape */
  CHECK_INT(html_url_decode("%zz", 3, out, sizeof out), -1);     /* not hex */
  CHECK_INT(html_url_decode("0123456789abcdef", 16, out, sizeof out), -1); /* too long */
  CHECK_INT(html_url_decode("", 0, out, sizeof out), 0);
  CHECK_INT(html_url_decode("x", 1, out, 0), -1);
  CHECK_INT(html_url_decode("%ff", 3, out, sizeof out), -1);     /* not UTF-8 */

  /* Query arguments: '+' is a space, and each failure says what it is. */
  size_t len = 99;
  CHECK_INT(html_url_decode_arg("b%E1%BA%A3ng+gi%C3%A1", 21, 1, out, sizeof out, &len), HTML_DECODED);
  CHECK_STR(out, "bảng giá");
  CHECK_INT(len, 11);
  CHECK_INT(html_url_decode_arg("so:%ff", 6, 1, out, sizeof out, &len), HTML_DECODE_NOT_UTF8);
  CHECK_INT(len, 0);
  CHECK_INT(html_url_decode_arg("%C4", 3, 1, out, sizeof out, &len), HTML_DECODE_NOT_UTF8); /* cut */
  CHECK_INT(html_url_decode_arg("%C0%AF", 6, 1, out, sizeof out, &len), HTML_DECODE_NOT_UTF8); /* overlong */
  CHECK_INT(html_url_decode_arg("%ED%A0%80", 9, 1, out, sizeof out, &len), HTML_DECODE_NOT_UTF8); /* surrogate */
  CHECK_INT(html_url_decode_arg("%F4%90%80%80", 12, 1, out, sizeof out, &len), HTML_DECODE_NOT_UTF8);
  CHECK_INT(html_url_decode_arg("a%00", 4, 1, out, sizeof out, &len), HTML_DECODE_MALFORMED);
  CHECK_INT(html_url_decode_arg("a%2", 3, 1, out, sizeof out, &len), HTML_DECODE_MALFORMED);
  CHECK_INT(html_url_decode_arg("0123456789abcdef", 16, 1, out, sizeof out, &len), HTML_DECODE_TOO_LONG);
  CHECK_INT(html_utf8_valid("\xF0\x9F\x98\x80 Đ", 7), 1);
  CHECK_INT(html_utf8_valid("\xC3", 1), 0);
}

/* The cap of the buffer holds: a huge hostile title cannot grow a page. */
static void test_bounded(void) {
  dynbuf small;
  dynbuf_init(&small, 8);
  html_text(&small, "<<<<<<<<");
  CHECK_INT(dynbuf_status(&small), DYNBUF_TOO_BIG);
  CHECK(small.len <= 8);
  dynbuf_free(&small);
}

int main(void) {
  dynbuf b;
  dynbuf_init(&b, 1 << 16);
  test_table(&b);
  test_marked(&b);
  test_decode();
  test_bounded();
  dynbuf_free(&b);
  return check_summary("test_web_html");
}
