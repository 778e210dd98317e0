/* extract.c: extract_page, the one door into the extractor.
 *
 * Steps: decode the bytes to clean UTF-8 (extract_charset.c), parse them
 * with a private libxml2 context whose error handler counts instead of
 * printing, then fill the record: profile selectors first
 * (extract_profile.c), the generic rules for whatever is still empty
 * (extract_generic.c), then links and attachments (extract_links.c).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "crawler/extract_internal.h"

const char *extract_strerror(extract_status st) {
  switch (st) {
    case EXTRACT_OK: return "ok";
    case EXTRACT_NOMEM: return "out of memory";
    case EXTRACT_TOO_BIG: return "page too big";
    case EXTRACT_NOT_HTML: return "not an HTML page";
    case EXTRACT_BAD_PROFILE: return "bad extraction profile";
  }
  return "unknown extract status";
}

extract_status ex_fail(extract_status st, char *err, size_t errlen, const char *fmt, ...) {
  if (err && errlen) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return st;
}

void extract_global_init(void) {
  xmlInitParser();
}

void extract_result_clear(extract_result *r) {
  if (!r) return;
  record_clear(&r->rec);
  for (size_t i = 0; i < r->n_links; i++) free(r->links[i].url), free(r->links[i].text);
  for (size_t i = 0; i < r->n_attachments; i++)
    free(r->attachments[i].url), free(r->attachments[i].text);
  free(r->links);
  free(r->attachments);
  memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */
/* ------------------------------------------------------------------ */

/* Where the per-context error handler counts (ctxt->_private). */
typedef struct {
  int errors;
} parse_log;

/* libxml2 hands structured errors here (ctxt->sax->serror) with the
   context's userData, which is the context itself. Counting is all we do:
   a library never prints. */
static void on_parse_error(void *user, xmlErrorPtr e) {
  (void)e;
  xmlParserCtxtPtr ctxt = user;
  if (ctxt && ctxt->_private) ((parse_log *)ctxt->_private)->errors++;
}

/* The unstructured channels, for any message that bypasses serror. */
static void on_parse_message(void *user, const char *fmt, ...) {
  (void)fmt;
  on_parse_error(user, NULL);
}

/* RECOVER: broken markup is the norm. NONET and no NOENT/DTDLOAD: no
   entity or DTD is ever fetched (an XXE page loads nothing). IGNORE_ENC:
   the bytes are UTF-8 by now, whatever their <meta> says. No NOBLANKS: it
   would glue "<b>a</b> <i>b</i>" into "ab". */
#define EX_PARSE_OPTIONS \
  (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | \
   HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC)

static extract_status parse(const ex_decoded *d, const char *url, xmlDocPtr *doc,
                            int *errors, char *err, size_t errlen) {
  *doc = NULL;
  if (d->len > INT32_MAX)
    return ex_fail(EXTRACT_TOO_BIG, err, errlen, "decoded page of %zu bytes", d->len);
  htmlParserCtxtPtr ctxt = htmlNewParserCtxt();
  if (!ctxt) return ex_fail(EXTRACT_NOMEM, err, errlen, "out of memory creating a parser");
  parse_log log = {0};
  ctxt->_private = &log;
  /* serror is consulted only when the handler says it is SAX2-aware */
  ctxt->sax->initialized = XML_SAX2_MAGIC;
  ctxt->sax->serror = on_parse_error;
  ctxt->sax->error = on_parse_message;
  ctxt->sax->warning = on_parse_message;
  ctxt->sax->fatalError = on_parse_message;
  ctxt->vctxt.error = on_parse_message;
  ctxt->vctxt.warning = on_parse_message;
  *doc = htmlCtxtReadMemory(ctxt, d->text, (int)d->len, url, "UTF-8", EX_PARSE_OPTIONS);
  *errors = log.errors;
  htmlFreeParserCtxt(ctxt);
  if (!*doc || !xmlDocGetRootElement(*doc)) {
    xmlFreeDoc(*doc);
    *doc = NULL;
    return ex_fail(EXTRACT_NOT_HTML, err, errlen, "libxml2 made no document of the page");
  }
  return EXTRACT_OK;
}

/* Files that are surely not pages: PDF, ZIP/DOCX/XLSX, OLE2 (.doc .xls),
   RAR, PNG, JPEG, GIF. libxml2 would make a "document" of any of them. */
static int has_binary_magic(const char *s, size_t len) {
  static const struct {
    const char *magic;
    size_t len;
  } MAGIC[] = {{"%PDF-", 5}, {"PK\x03\x04", 4}, {"\xD0\xCF\x11\xE0", 4}, {"Rar!", 4},
               {"\x89PNG", 4}, {"\xFF\xD8\xFF", 3}, {"GIF8", 4}};
  for (size_t i = 0; i < sizeof MAGIC / sizeof MAGIC[0]; i++)
    if (len >= MAGIC[i].len && memcmp(s, MAGIC[i].magic, MAGIC[i].len) == 0) return 1;
  return 0;
}

/* Some tag ("<p", "<!DOCTYPE", "</div") near the start: a page of plain text
   is not something to extract fields from. */
static int has_tag(const char *s, size_t len) {
  size_t n = len < EX_META_SCAN ? len : EX_META_SCAN;
  for (const char *p = memchr(s, '<', n); p && p + 1 < s + n;
       p = memchr(p + 1, '<', (size_t)(s + n - p - 1))) {
    char c = (char)(p[1] | 0x20);
    if ((c >= 'a' && c <= 'z') || p[1] == '!') return 1;
  }
  return 0;
}

static extract_status set_str(char **field, const char *s) {
  if (!s) return EXTRACT_OK;
  *field = strdup(s);
  return *field ? EXTRACT_OK : EXTRACT_NOMEM;
}

static extract_status fill(xmlDocPtr doc, const char *url, const extract_profile *profile,
                           extract_result *out, char *err, size_t errlen) {
  extract_status st = set_str(&out->rec.id, url);
  if (st == EXTRACT_OK) st = set_str(&out->rec.url, url);
  if (st == EXTRACT_OK && profile) st = ex_profile_apply(doc, profile, &out->rec, err, errlen);
  if (st != EXTRACT_OK) return st;
  ex_page pg;
  st = ex_page_scan(&pg, doc);
  out->main_links = pg.main_links;
  out->main_chars = pg.main_chars;
  if (st == EXTRACT_OK) st = ex_generic(&pg, &out->rec);
  int list_shaped = ex_list_shaped(&pg);
  size_t main_chars = pg.main_chars;
  ex_page_clear(&pg);
  if (st == EXTRACT_OK) st = ex_links(doc, url, out);
  /* a page of a paginated list whose text is short is one of the list's pages */
  int paged = st == EXTRACT_OK && main_chars < EX_PAGED_MAIN_CHARS && ex_paginated(out);
  out->listing = (list_shaped || paged) && !out->rec.number;
  if (st == EXTRACT_NOMEM) ex_fail(st, err, errlen, "out of memory extracting fields");
  return st;
}

extract_status extract_page(const char *page, size_t len, const char *url,
                            const char *content_type, const extract_profile *profile,
                            extract_result *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  if (err && errlen) err[0] = '\0';
  if (!page && len) return ex_fail(EXTRACT_NOT_HTML, err, errlen, "no page");
  if (!url) url = "";
  extract_global_init();
  if (len > EXTRACT_MAX_PAGE) /* before sniffing: a huge file is refused as such */
    return ex_fail(EXTRACT_TOO_BIG, err, errlen, "page of %zu bytes is over the %u byte limit",
                   len, EXTRACT_MAX_PAGE);
  if (has_binary_magic(page ? page : "", len))
    return ex_fail(EXTRACT_NOT_HTML, err, errlen, "the page is a binary file");
  ex_decoded d;
  extract_status st = ex_decode(page ? page : "", len, content_type, &d, err, errlen);
  if (st != EXTRACT_OK) return st;
  if (!has_tag(d.text, d.len)) {
    free(d.text);
    return ex_fail(EXTRACT_NOT_HTML, err, errlen, "no HTML tag in the first %u bytes",
                   EX_META_SCAN);
  }
  out->encoding = d.enc;
  snprintf(out->charset, sizeof out->charset, "%s", d.charset);
  xmlDocPtr doc;
  st = parse(&d, url, &doc, &out->parse_errors, err, errlen);
  free(d.text);
  if (st == EXTRACT_OK) st = fill(doc, url, profile, out, err, errlen);
  xmlFreeDoc(doc);
  if (st != EXTRACT_OK) extract_result_clear(out);
  return st;
}
