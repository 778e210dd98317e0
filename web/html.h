/* html: the one place where text becomes HTML or part of a URL.
 *
 * Every string that reaches a page (crawled titles, bodies, numbers, what a
 * visitor typed) goes through one of these, chosen by where it lands:
 *   html_text     element content and double-quoted attribute values:
 *                 & < > " ' become entities (the same function serves both,
 *                 so attributes must always be double-quoted);
 *   html_url_part one component of a URL path or query (id, number, a
 *                 parameter value): every byte but A-Z a-z 0-9 - . _ ~ is
 *                 percent-encoded, so "/", "?", "#", ":" and quotes cannot
 *                 end the component or start a scheme;
 *   html_marked   text with highlight spans: escaped, spans wrapped in <mark>.
 * A URL built with html_url_part is then written into an attribute with
 * html_text. Nothing crawled is ever written into a script, a style or an
 * unquoted attribute. NUL bytes and C0 controls other than tab and newline
 * are dropped from HTML.
 *
 * Appends to a bounded dynbuf (sticky errors: check dynbuf_status once). */
#ifndef TRACUU_HTML_H
#define TRACUU_HTML_H

#include <stddef.h>

#include "common/dynbuf.h"
#include "query/query.h"

void html_text(dynbuf *b, const char *s);
void html_text_n(dynbuf *b, const char *s, size_t n);
void html_url_part(dynbuf *b, const char *s);

/* text with spans (sorted byte offsets into text); spans out of order, out
 * of bounds or overlapping are ignored rather than trusted. */
void html_marked(dynbuf *b, const char *text, const query_span *spans, size_t n);

typedef enum {
  HTML_DECODED = 0,
  HTML_DECODE_TOO_LONG,  /* the result would not fit in cap - 1 bytes */
  HTML_DECODE_MALFORMED, /* a cut or non-hex escape, or a NUL byte */
  HTML_DECODE_NOT_UTF8   /* the bytes are not well-formed UTF-8 */
} html_decode_status;

/* Decodes the %XX escapes of s[0..n) (and, with plus, '+' as a space: a
 * query argument) into out, NUL-terminated, *len bytes. The result must be
 * well-formed UTF-8 without NUL bytes. */
html_decode_status html_url_decode_arg(const char *s, size_t n, int plus, char *out /* OUT */,
                                       size_t cap, size_t *len /* OUT */);

/* The same for a path component ('+' stays): the decoded length, or -1 for
 * any of the failures above. */
long html_url_decode(const char *s, size_t n, char *out /* OUT */, size_t cap);

/* 1 when s[0..n) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF). */
int html_utf8_valid(const char *s, size_t n);

#endif
