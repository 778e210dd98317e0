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

/* Decodes %XX escapes of s[0..n) into out (NUL-terminated, at most cap-1
 * bytes). Returns the decoded length, or -1 when the result would not fit,
 * holds a NUL byte, or an escape is malformed. '+' is left as it is (the
 * HTTP library already turned it into a space in query arguments). */
long html_url_decode(const char *s, size_t n, char *out /* OUT */, size_t cap);

#endif
