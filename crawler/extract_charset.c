/* extract_charset.c: which encoding a page is in, and the page as UTF-8.
 *
 * libxml2 must never guess: left alone it parses a page that declares
 * windows-1258 but holds UTF-8 into an EMPTY document, and reads
 * windows-1258 bytes as latin-1 without a word (doc/libraries.md). So the
 * bytes are turned into clean UTF-8 here and libxml2 is told "UTF-8".
 *
 * Order of decisions:
 *  1. a byte order mark (UTF-8, UTF-16LE/BE) settles it: it cannot be there
 *     by accident, and HTML5 lets it override every label;
 *  2. the label: the HTTP Content-Type charset, else the first <meta> one;
 *  3. text_to_utf8 (text/) with that label: valid UTF-8 wins whatever the
 *     label says (the common real-world mislabel is UTF-8 sent as
 *     windows-1258), UTF-8 encoded twice is undone, otherwise the legacy
 *     Vietnamese encodings (windows-1258, TCVN3, VNI, windows-1252) compete
 *     and the label only breaks ties (TCVN3 is routinely labelled latin-1);
 *  4. the result is scrubbed: NUL bytes dropped (libxml2 would stop or
 *     complain there), other control characters made spaces, anything still
 *     not UTF-8 replaced by U+FFFD.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/extract_internal.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t left) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t n;
  uint32_t min, cp;
  if (c >= 0xC2 && c <= 0xDF) n = 2, min = 0x80, cp = c & 0x1Fu;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, min = 0x800, cp = c & 0x0Fu;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, min = 0x10000, cp = c & 0x07u;
  else return 0;
  if (left < n) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp == 0xFFFE || cp == 0xFFFF) return 0; /* libxml2 refuses them */
  return n;
}

/* Appends the UTF-8 form of cp (a valid scalar value). */
static void put_cp(dynbuf *b, uint32_t cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) u[0] = (char)cp, n = 1;
  else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  }
  dynbuf_append(b, u, n);
}

/* Step 4: clean UTF-8 into b. Runs of good bytes are copied in one append. */
static void scrub(dynbuf *b, const char *s, size_t len) {
  const unsigned char *u = (const unsigned char *)s;
  size_t run = 0, i = 0;
  while (i < len) {
    if (u[i] >= 0x20 && u[i] < 0x7F) { /* the common case, markup */
      i++;
      continue;
    }
    size_t n = utf8_seq(u + i, len - i);
    int ctl = n == 1 && (u[i] < 0x20 || u[i] == 0x7F) && u[i] != '\t' && u[i] != '\n' &&
              u[i] != '\r' && u[i] != '\f';
    if (n && !ctl) { i += n; continue; }
    dynbuf_append(b, s + run, i - run);
    if (!n) dynbuf_append(b, "\xEF\xBF\xBD", 3);
    else if (u[i] != 0) dynbuf_append_byte(b, ' ');
    i++;
    run = i;
  }
  dynbuf_append(b, s + run, len - run);
}

/* UTF-16 (after its BOM) to UTF-8; unpaired surrogates become U+FFFD. */
static void from_utf16(dynbuf *b, const unsigned char *s, size_t len, int big_endian) {
  for (size_t i = 0; i + 1 < len; i += 2) {
    uint32_t u = big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
      uint32_t lo = big_endian ? (uint32_t)(s[i + 2] << 8 | s[i + 3])
                               : (uint32_t)(s[i + 3] << 8 | s[i + 2]);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        put_cp(b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        i += 2;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    put_cp(b, u);
  }
}

/* Copies the value after "charset" (p points just past the word) into
 * label: optional spaces, '=', optional quote, then up to a delimiter. */
static int copy_charset_value(const char *p, const char *end, char *label, size_t cap) {
  while (p < end && isspace((unsigned char)*p)) p++;
  if (p >= end || *p != '=') return 0;
  p++;
  while (p < end && isspace((unsigned char)*p)) p++;
  if (p < end && (*p == '"' || *p == '\'')) p++;
  size_t n = 0;
  while (p + n < end && (isalnum((unsigned char)p[n]) || strchr("-_.:", p[n])) && n + 1 < cap) n++;
  if (n == 0) return 0;
  memcpy(label, p, n);
  label[n] = '\0';
  return 1;
}

/* Case-insensitive search for the ASCII word w in [p, end). */
static const char *find_ci(const char *p, const char *end, const char *w) {
  size_t n = strlen(w);
  for (; p + n <= end; p++)
    if (strncasecmp(p, w, n) == 0) return p;
  return NULL;
}

int ex_label_from_content_type(const char *ct, char *label, size_t cap) {
  if (!ct || cap == 0) return 0;
  const char *end = ct + strlen(ct);
  for (const char *p = find_ci(ct, end, "charset"); p; p = find_ci(p + 7, end, "charset"))
    if (copy_charset_value(p + 7, end, label, cap)) return 1;
  return 0;
}

int ex_label_from_meta(const char *s, size_t len, char *label, size_t cap) {
  const char *end = s + (len < EX_META_SCAN ? len : EX_META_SCAN);
  for (const char *m = find_ci(s, end, "<meta"); m; m = find_ci(m + 5, end, "<meta")) {
    const char *close = memchr(m, '>', (size_t)(end - m));
    const char *tag_end = close ? close : end;
    for (const char *p = find_ci(m, tag_end, "charset"); p; p = find_ci(p + 7, tag_end, "charset"))
      if (copy_charset_value(p + 7, tag_end, label, cap)) return 1;
  }
  return 0;
}

static const char *charset_name(text_encoding enc) {
  switch (enc) {
    case TEXT_ENC_WINDOWS_1258: return "windows-1258";
    case TEXT_ENC_TCVN3: return "TCVN3";
    case TEXT_ENC_VNI: return "VNI";
    case TEXT_ENC_LATIN1: return "windows-1252";
    default: return "UTF-8"; /* also repaired double-encoded or invalid UTF-8 */
  }
}

/* Finishes out from the dynbuf b (consumed). */
static extract_status finish(dynbuf *b, ex_decoded *out, char *err, size_t errlen) {
  if (dynbuf_status(b) != DYNBUF_OK) {
    dynbuf_free(b);
    return ex_fail(EXTRACT_NOMEM, err, errlen, "out of memory decoding the page");
  }
  out->len = b->len;
  out->text = dynbuf_take(b);
  if (!out->text) return ex_fail(EXTRACT_NOMEM, err, errlen, "out of memory decoding the page");
  return EXTRACT_OK;
}

extract_status ex_decode(const char *page, size_t len, const char *content_type,
                         ex_decoded *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (len > EXTRACT_MAX_PAGE)
    return ex_fail(EXTRACT_TOO_BIG, err, errlen, "page of %zu bytes is over the %u byte limit",
                   len, EXTRACT_MAX_PAGE);
  const unsigned char *u = (const unsigned char *)page;
  dynbuf b;
  /* scrubbing can triple the size (one bad byte -> U+FFFD); the page is
     at most 16 MB so this cannot overflow */
  dynbuf_init(&b, len * 3 + 16);
  out->enc = TEXT_ENC_UTF8;
  if (len >= 2 && (u[0] == 0xFF || u[0] == 0xFE) && u[1] == (u[0] ^ 0x01)) {
    int be = u[0] == 0xFE;
    snprintf(out->charset, sizeof out->charset, "%s", be ? "UTF-16BE" : "UTF-16LE");
    /* each UTF-16 unit gives at most 3 bytes of UTF-8 */
    dynbuf utf8;
    dynbuf_init(&utf8, len * 2 + 16);
    from_utf16(&utf8, u + 2, len - 2, be);
    if (dynbuf_status(&utf8) != DYNBUF_OK) {
      dynbuf_free(&utf8);
      dynbuf_free(&b);
      return ex_fail(EXTRACT_NOMEM, err, errlen, "out of memory decoding UTF-16");
    }
    scrub(&b, dynbuf_str(&utf8), utf8.len);
    dynbuf_free(&utf8);
    return finish(&b, out, err, errlen);
  }
  if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
    snprintf(out->charset, sizeof out->charset, "UTF-8");
    scrub(&b, page + 3, len - 3);
    return finish(&b, out, err, errlen);
  }
  char label[32];
  int labelled = ex_label_from_content_type(content_type, label, sizeof label) ||
                 ex_label_from_meta(page, len, label, sizeof label);
  char *utf8 = NULL;
  size_t utf8_len = 0;
  text_status ts = text_to_utf8(page, len, labelled ? label : NULL, &utf8, &utf8_len, &out->enc);
  if (ts != TEXT_OK) {
    dynbuf_free(&b);
    return ex_fail(ts == TEXT_NOMEM ? EXTRACT_NOMEM : EXTRACT_NOT_HTML, err, errlen,
                   "cannot decode the page: %s", text_strerror(ts));
  }
  snprintf(out->charset, sizeof out->charset, "%s", charset_name(out->enc));
  scrub(&b, utf8, utf8_len);
  free(utf8);
  return finish(&b, out, err, errlen);
}
