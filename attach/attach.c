/* attach.c: the module's entry points: options, type sniffing, the reader
 * dispatch, and the final pass every reader's text goes through (legacy
 * rescue, valid UTF-8, caps, counts). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attach/attach_internal.h"
#include "common/dynbuf.h"
#include "text/text.h"

/* A page with fewer letters than this may be only a scan's signature block. */
#define ATTACH_SHORT_PAGE_LETTERS 400
/* Usable text: at least this share of words are Vietnamese syllables, and at
 * least this share carry marks (real Vietnamese: ~0.9 and ~0.6; a garbage
 * OCR layer of a Vietnamese scan: ~0.4 and under 0.05). */
#define ATTACH_MIN_SYLLABLE_SHARE 0.6
#define ATTACH_MIN_MARKED_SHARE 0.2
#define ATTACH_MIN_LETTERS 20

void attach_options_default(attach_options *opt) {
  memset(opt, 0, sizeof *opt);
  opt->max_bytes = ATTACH_MAX_BYTES;
  opt->max_pages = ATTACH_MAX_PAGES;
  opt->max_chars = ATTACH_MAX_CHARS;
  opt->ocr = 1;
  opt->max_ocr_pages = ATTACH_MAX_OCR_PAGES;
  opt->ocr_page_seconds = ATTACH_OCR_PAGE_SECONDS;
  opt->seconds = ATTACH_MAX_SECONDS;
  opt->max_memory = ATTACH_MAX_MEMORY;
}

const char *attach_type_name(attach_type t) {
  switch (t) {
    case ATTACH_TYPE_PDF: return "pdf";
    case ATTACH_TYPE_DOCX: return "docx";
    case ATTACH_TYPE_ODT: return "odt";
    case ATTACH_TYPE_DOC: return "doc";
    case ATTACH_TYPE_RTF: return "rtf";
    default: return "unknown";
  }
}

const char *attach_strerror(attach_status st) {
  switch (st) {
    case ATTACH_OK: return "ok";
    case ATTACH_NOMEM: return "out of memory";
    case ATTACH_UNSUPPORTED: return "not a document tracuu reads";
    case ATTACH_TOO_BIG: return "too big";
    case ATTACH_ENCRYPTED: return "encrypted";
    case ATTACH_DAMAGED: return "damaged";
    case ATTACH_TIMEOUT: return "took too long";
    case ATTACH_CRASHED: return "the reader failed";
    case ATTACH_TOOL: return "a reader is missing";
    case ATTACH_SYSTEM: return "system error";
  }
  return "unknown status";
}

attach_type attach_sniff(const char *data, size_t len) {
  static const char OLE[8] = {'\xD0', '\xCF', '\x11', '\xE0', '\xA1', '\xB1', '\x1A', '\xE1'};
  /* signatures at offset 0 first: a zip or an OLE file may hold "%PDF-" */
  if (len >= 8 && memcmp(data, OLE, 8) == 0) return ATTACH_TYPE_DOC;
  if (len >= 5 && memcmp(data, "{\\rtf", 5) == 0) return ATTACH_TYPE_RTF;
  if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) return ax_zip_kind(data, len);
  /* a PDF header may follow some junk: readers accept it in the first 1024 bytes */
  size_t head = len < 1024 ? len : 1024;
  for (size_t i = 0; i + 5 <= head; i++)
    if (data[i] == '%' && memcmp(data + i, "%PDF-", 5) == 0) return ATTACH_TYPE_PDF;
  return ATTACH_TYPE_UNKNOWN;
}

static int ends_with_ci(const char *s, size_t n, const char *suffix) {
  size_t k = strlen(suffix);
  return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

int attach_url_wanted(const char *url, const char *content_type) {
  static const char *const EXT[] = {".pdf", ".doc", ".docx", ".odt", ".rtf"};
  static const char *const TYPES[] = {
      "application/pdf", "application/msword", "application/rtf", "text/rtf",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.oasis.opendocument.text"};
  if (url) {
    size_t n = strcspn(url, "?#");
    for (size_t i = 0; i < sizeof EXT / sizeof *EXT; i++)
      if (ends_with_ci(url, n, EXT[i])) return 1;
  }
  if (content_type) {
    size_t n = strcspn(content_type, "; \t");
    for (size_t i = 0; i < sizeof TYPES / sizeof *TYPES; i++)
      if (strlen(TYPES[i]) == n && strncasecmp(content_type, TYPES[i], n) == 0) return 1;
  }
  return 0;
}

void ax_note(attach_doc *doc, const char *fmt, ...) {
  size_t used = strlen(doc->note);
  if (used + 3 >= sizeof doc->note) return;
  if (used) {
    memcpy(doc->note + used, "; ", 3);
    used += 2;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(doc->note + used, sizeof doc->note - used, fmt, ap);
  va_end(ap);
  for (char *p = doc->note; *p; p++)
    if (*p == '\n' || *p == '\r') *p = ' ';
}

attach_status ax_fail(attach_status st, char *err, size_t errlen, const char *fmt, ...) {
  if (errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    for (char *p = err; *p; p++)
      if (*p == '\n' || *p == '\r') *p = ' ';
  }
  return st;
}

/* Length of the longest prefix of s[0..n) that ends on a character boundary. */
static size_t utf8_cut(const char *s, size_t n) {
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  return n;
}

int ax_add_page(ax_out *o, const char *text, size_t len, int ocr) {
  attach_doc *d = o->doc;
  if (o->full) return 0;
  if (o->bytes + len > o->opt->max_chars) {
    size_t room = o->opt->max_chars - o->bytes;
    len = room < len ? utf8_cut(text, room) : len;
    o->full = 1;
    ax_note(d, "text cut at %zu bytes", o->opt->max_chars);
  }
  if (d->n_page == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 8;
    attach_page *p = realloc(d->page, cap * sizeof *p);
    if (!p) return -1;
    d->page = p;
    o->cap = cap;
  }
  char *copy = malloc(len + 1);
  if (!copy) return -1;
  memcpy(copy, text, len);
  copy[len] = '\0';
  d->page[d->n_page++] = (attach_page){copy, len, ocr};
  o->bytes += len;
  if (ocr) d->ocr_pages++;
  return 0;
}

int ax_add_paged(ax_out *o, const char *text, size_t len) {
  size_t start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && text[i] != '\f') continue;
    if (ax_add_page(o, text + start, i - start, 0) < 0) return -1;
    start = i + 1;
  }
  return 0;
}

/* Length of the well-formed UTF-8 sequence at s[0..n) of more than one
 * byte, or 0 (overlong, surrogate, past U+10FFFF, truncated). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  size_t k;
  unsigned cp;
  if (c >= 0xC2 && c <= 0xDF) k = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) k = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) k = 4, cp = c & 0x07;
  else return 0;
  if (n < k) return 0;
  for (size_t i = 1; i < k; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return k;
}

/* Valid UTF-8, no NUL or C0 controls but tab and newline (a form feed or a
 * vertical tab becomes a newline, the rest a space, a bad byte U+FFFD). */
static char *clean_text(const char *s, size_t len, size_t *out_len) {
  dynbuf b;
  dynbuf_init(&b, len * 3 + 1);
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < len;) {
    if (u[i] < 0x80) {
      char x = (char)u[i];
      if (x == '\f' || x == '\v') x = '\n';
      else if ((u[i] < 0x20 && x != '\t' && x != '\n') || u[i] == 0x7F) x = ' ';
      dynbuf_append(&b, &x, 1);
      i++;
      continue;
    }
    size_t k = utf8_seq(u + i, len - i);
    if (k) dynbuf_append(&b, s + i, k), i += k;
    else dynbuf_append(&b, "\xEF\xBF\xBD", 3), i++;
  }
  *out_len = b.len;
  if (dynbuf_status(&b) != DYNBUF_OK) { dynbuf_free(&b); return NULL; }
  return dynbuf_take(&b);
}

static size_t count_chars(const char *s, size_t len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) n += ((unsigned char)s[i] & 0xC0) != 0x80;
  return n;
}

int attach_page_usable(const char *text, size_t len, int *short_text) {
  text_viet_measure m;
  text_measure_vietnamese(text, len, &m);
  if (short_text) *short_text = m.letters < ATTACH_SHORT_PAGE_LETTERS;
  if (m.letters < ATTACH_MIN_LETTERS || m.words == 0) return 0;
  return (double)m.syllables >= ATTACH_MIN_SYLLABLE_SHARE * (double)m.words &&
         (double)m.marked >= ATTACH_MIN_MARKED_SHARE * (double)m.words;
}

/* Joins the pages with "\n\f\n" (a page's own form feeds were made newlines
 * by clean_text), rescues legacy encodings once over the whole text, and
 * splits them back. */
static attach_status rescue_pages(attach_doc *d, char *err, size_t errlen) {
  dynbuf all;
  dynbuf_init(&all, TEXT_MAX_INPUT);
  for (size_t i = 0; i < d->n_page; i++) {
    if (i) dynbuf_append(&all, "\n\f\n", 3);
    dynbuf_append(&all, d->page[i].text, d->page[i].len);
  }
  if (dynbuf_status(&all) != DYNBUF_OK) {
    dynbuf_free(&all);
    return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory joining the pages");
  }
  char *out = NULL;
  size_t out_len = 0;
  text_encoding found;
  text_status ts = text_rescue_legacy(all.data ? all.data : "", all.len, &out, &out_len, &found);
  dynbuf_free(&all);
  if (ts != TEXT_OK)
    return ax_fail(ts == TEXT_NOMEM ? ATTACH_NOMEM : ATTACH_DAMAGED, err, errlen,
                   "legacy encoding rescue: %s", text_strerror(ts));
  if (found != TEXT_ENC_UTF8) {
    snprintf(d->encoding, sizeof d->encoding, "%s", text_encoding_name(found));
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= out_len && k < d->n_page; i++) {
      if (i < out_len && !(out[i] == '\n' && i + 2 < out_len && out[i + 1] == '\f' &&
                           out[i + 2] == '\n'))
        continue;
      char *t = malloc(i - start + 1);
      if (!t) { free(out); return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory"); }
      memcpy(t, out + start, i - start);
      t[i - start] = '\0';
      free(d->page[k].text);
      d->page[k].text = t;
      d->page[k].len = i - start;
      k++;
      start = i + 3;
      i += 2;
    }
  }
  free(out);
  return ATTACH_OK;
}

/* The final pass: every page valid and clean, rescued, counted. */
static attach_status finish(ax_out *o, char *err, size_t errlen) {
  attach_doc *d = o->doc;
  for (size_t i = 0; i < d->n_page; i++) {
    size_t n;
    char *t = clean_text(d->page[i].text, d->page[i].len, &n);
    if (!t) return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
    free(d->page[i].text);
    d->page[i].text = t;
    d->page[i].len = n;
  }
  if (!o->rescued && d->n_page) {
    attach_status st = rescue_pages(d, err, errlen);
    if (st != ATTACH_OK) return st;
  }
  d->chars = 0;
  for (size_t i = 0; i < d->n_page; i++) d->chars += count_chars(d->page[i].text, d->page[i].len);
  return ATTACH_OK;
}

attach_status attach_read(const char *data, size_t len, const char *url,
                          const char *content_type, const attach_options *opt,
                          attach_doc *doc, char *err, size_t errlen) {
  memset(doc, 0, sizeof *doc);
  if (errlen) err[0] = '\0';
  attach_options defaults;
  if (!opt) {
    attach_options_default(&defaults);
    opt = &defaults;
  }
  if (len > opt->max_bytes)
    return ax_fail(ATTACH_TOO_BIG, err, errlen, "%zu bytes, over the cap of %zu", len,
                   opt->max_bytes);
  attach_type t = attach_sniff(data, len);
  doc->type = t;
  if (t == ATTACH_TYPE_UNKNOWN) {
    const char *what = len >= 4 && (memcmp(data, "\x89PNG", 4) == 0 || memcmp(data, "\xFF\xD8\xFF", 3) == 0 ||
                                   memcmp(data, "GIF8", 4) == 0)
                           ? "an image" : len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0 ? "a zip of no document"
                           : len == 0 ? "empty" : "no PDF, DOCX, ODT, DOC or RTF";
    return ax_fail(ATTACH_UNSUPPORTED, err, errlen, "%s (it begins with no known signature)%s%s",
                   what, content_type ? "; sent as " : "", content_type ? content_type : "");
  }
  if (content_type && !attach_url_wanted(NULL, content_type))
    ax_note(doc, "sent as %.60s", content_type);
  (void)url;
  ax_out o = {doc, opt, 0, 0, 0, 0};
  attach_status st;
  switch (t) {
    case ATTACH_TYPE_PDF: st = ax_read_pdf(data, len, &o, err, errlen); break;
    case ATTACH_TYPE_DOCX:
    case ATTACH_TYPE_ODT: st = ax_read_zip(data, len, t, &o, err, errlen); break;
    case ATTACH_TYPE_RTF: st = ax_read_rtf(data, len, &o, err, errlen); break;
    default: st = ax_read_doc(data, len, &o, err, errlen); break;
  }
  if (st == ATTACH_OK) st = finish(&o, err, errlen);
  if (st != ATTACH_OK) {
    attach_doc_clear(doc);
    doc->type = t;
  }
  return st;
}

char *attach_doc_text(const attach_doc *doc, size_t *len) {
  dynbuf b;
  dynbuf_init(&b, (size_t)-1);
  for (size_t i = 0; i < doc->n_page; i++) {
    if (i) dynbuf_append(&b, "\n\n", 2);
    dynbuf_append(&b, doc->page[i].text, doc->page[i].len);
  }
  dynbuf_append(&b, "", 0);
  if (len) *len = b.len;
  if (dynbuf_status(&b) != DYNBUF_OK) { dynbuf_free(&b); return NULL; }
  char *s = dynbuf_take(&b);
  if (!s) s = calloc(1, 1);
  return s;
}

void attach_doc_clear(attach_doc *doc) {
  if (!doc) return;
  for (size_t i = 0; i < doc->n_page; i++) free(doc->page[i].text);
  free(doc->page);
  memset(doc, 0, sizeof *doc);
}

static char *dup_or_null(const char *s) { return s && s[0] ? strdup(s) : NULL; }

int attach_doc_to_record(const attach_doc *doc, const char *url, const char *label,
                         record_attachment *out) {
  memset(out, 0, sizeof *out);
  dynbuf text;
  dynbuf_init(&text, (size_t)-1);
  for (size_t i = 0; i < doc->n_page; i++) {
    if (i) dynbuf_append_byte(&text, '\f');
    dynbuf_append(&text, doc->page[i].text, doc->page[i].len);
  }
  dynbuf_append(&text, "", 0);
  out->url = strdup(url);
  out->label = dup_or_null(label);
  out->type = strdup(attach_type_name(doc->type));
  out->encoding = dup_or_null(doc->encoding);
  out->note = dup_or_null(doc->note);
  out->pages = doc->pages;
  out->chars = (long long)doc->chars;
  out->ocr_pages = doc->ocr_pages;
  int bad = dynbuf_status(&text) != DYNBUF_OK || !out->url || !out->type ||
            (label && label[0] && !out->label) || (doc->encoding[0] && !out->encoding) ||
            (doc->note[0] && !out->note);
  out->text = bad ? NULL : dynbuf_take(&text);
  dynbuf_free(&text);
  if (!bad && !out->text) out->text = strdup(""); /* no page at all */
  if (!bad && doc->ocr_pages) {
    out->ocr_at = calloc((size_t)doc->ocr_pages, sizeof *out->ocr_at);
    bad = !out->ocr_at;
    for (size_t i = 0; !bad && i < doc->n_page && out->n_ocr_at < (size_t)doc->ocr_pages; i++)
      if (doc->page[i].ocr) out->ocr_at[out->n_ocr_at++] = (int)i + 1;
  }
  if (bad || !out->text) {
    record_attachment_clear(out);
    return -1;
  }
  return 0;
}
