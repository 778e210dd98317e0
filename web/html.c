#include "web/html.h"

#include <string.h>

/* The entity for c, or NULL when c is written as it is. */
static const char *entity(unsigned char c) {
  switch (c) {
  case '&': return "&amp;";
  case '<': return "&lt;";
  case '>': return "&gt;";
  case '"': return "&quot;";
  case '\'': return "&#39;";
  default: return NULL;
  }
}

static int dropped(unsigned char c) { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f; }

void html_text_n(dynbuf *b, const char *s, size_t n) {
  size_t run = 0; /* start of the bytes not yet written */
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *e = entity(c);
    if (!e && !dropped(c)) continue;
    dynbuf_append(b, s + run, i - run);
    if (e) dynbuf_append_str(b, e);
    run = i + 1;
  }
  dynbuf_append(b, s + run, n - run);
}

void html_text(dynbuf *b, const char *s) {
  if (s) html_text_n(b, s, strlen(s));
}

static int unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void html_url_part(dynbuf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (unreserved(c)) {
      dynbuf_append_byte(b, (char)c);
      continue;
    }
    char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
    dynbuf_append(b, esc, 3);
  }
}

void html_marked(dynbuf *b, const char *text, const query_span *spans, size_t n) {
  size_t len = text ? strlen(text) : 0, at = 0;
  for (size_t i = 0; i < n; i++) {
    if (spans[i].start < at || spans[i].end <= spans[i].start || spans[i].end > len) continue;
    html_text_n(b, text + at, spans[i].start - at);
    dynbuf_append_str(b, "<mark>");
    html_text_n(b, text + spans[i].start, spans[i].end - spans[i].start);
    dynbuf_append_str(b, "</mark>");
    at = spans[i].end;
  }
  html_text_n(b, text + at, len - at);
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Length of the well-formed UTF-8 sequence at s[0..n), 0 when it is not
 * one (overlong forms, surrogates and code points past U+10FFFF are not). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (!len || len > n) return 0;
  for (size_t i = 1; i < len; i++)
    if ((s[i] & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && s[1] < 0xA0) return 0; /* overlong */
  if (c == 0xED && s[1] > 0x9F) return 0; /* surrogate */
  if (c == 0xF0 && s[1] < 0x90) return 0; /* overlong */
  if (c == 0xF4 && s[1] > 0x8F) return 0; /* past U+10FFFF */
  return len;
}

int html_utf8_valid(const char *s, size_t n) {
  for (size_t i = 0, len; i < n; i += len)
    if (!(len = utf8_seq((const unsigned char *)s + i, n - i))) return 0;
  return 1;
}

html_decode_status html_url_decode_arg(const char *s, size_t n, int plus, char *out, size_t cap,
                                       size_t *len) {
  size_t o = 0;
  *len = 0;
  if (cap == 0) return HTML_DECODE_TOO_LONG;
  for (size_t i = 0; i < n; i++) {
    int c = (unsigned char)s[i];
    if (c == '%') {
      int h = i + 2 < n ? hex_value(s[i + 1]) : -1, l = i + 2 < n ? hex_value(s[i + 2]) : -1;
      if (h < 0 || l < 0) return HTML_DECODE_MALFORMED;
      c = h * 16 + l;
      i += 2;
    } else if (c == '+' && plus) {
      c = ' ';
    }
    if (c == 0) return HTML_DECODE_MALFORMED;
    if (o + 1 >= cap) return HTML_DECODE_TOO_LONG;
    out[o++] = (char)c;
  }
  out[o] = '\0';
  if (!html_utf8_valid(out, o)) return HTML_DECODE_NOT_UTF8;
  *len = o;
  return HTML_DECODED;
}

long html_url_decode(const char *s, size_t n, char *out, size_t cap) {
  size_t len;
  return html_url_decode_arg(s, n, 0, out, cap, &len) == HTML_DECODED ? (long)len : -1;
}
