/* extract.c: extract_page, the one door into the extractor.
 *
 * Steps: decode the bytes to clean UTF-8 (extract_charset.c), parse them
 * with a private libxml2 context whose error handler counts instead of
 * printing, then fill the record: profile selectors first
 * (extract_profile.c), the generic rules for whatever is still empty
 * (extract_generic.c), then links and attachments (extract_links.c).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
/* What one parse saw, and the tree builder's own callbacks, which the
   ones below wrap (the context's SAX handler is its own copy). */
typedef struct {
  int errors;
  unsigned skipped;          /* open elements not built (deeper than EX_MAX_DEPTH) */
  unsigned dropped_at;       /* skipped level of an open <script>/<style>..., 0 none */
  unsigned long flattened;   /* elements not built */
  startElementSAXFunc start;
  endElementSAXFunc end;
  charactersSAXFunc characters;
  cdataBlockSAXFunc cdata;
} parse_log;

/* libxml2 hands structured errors here (ctxt->sax->serror) with the
   context's userData, which is the context itself. Counting is all we do:
   a library never prints. */
static void on_parse_error(void *user, xmlErrorPtr e) {
  (void)e;
  xmlParserCtxtPtr ctxt = user;
  if (ctxt && ctxt->_private) ((parse_log *)ctxt->_private)->errors++;
}

/* Depth. libxml2 stops building a tree 256 elements deep ("Excessive
   depth", and the rest of the page is lost: 300 unclosed <div>s kept
   paragraphs 1-255; 4 MB of nested <div>s before the text, nothing), and
   XML_PARSE_HUGE lifts the limit altogether (16 MB of nested <div>s then
   took 650 MB and 4 s). So XML_PARSE_HUGE is given, and the tree stops
   growing at EX_MAX_DEPTH instead: deeper elements are not built, their
   text goes to the element at that depth, a line break where a block began
   or ended, and the text of a <script> or <style> down there stays out.
   Every byte of text is kept, and the tree never passes the limit. Real
   pages nest 20 to 60 deep; hand-written ones that never close a tag, a
   few hundred. */
#define EX_MAX_DEPTH 1000

static int deep(xmlParserCtxtPtr ctxt) { return ctxt->nodeNr >= EX_MAX_DEPTH; }

static unsigned tag_flags(const xmlChar *name) {
  xmlNode n = {.type = XML_ELEMENT_NODE, .name = name};
  return ex_tag(&n);
}

static void on_start(void *user, const xmlChar *name, const xmlChar **atts) {
  xmlParserCtxtPtr ctxt = user;
  parse_log *log = ctxt->_private;
  if (!log->skipped && !deep(ctxt)) {
    log->start(user, name, atts);
    return;
  }
  log->skipped++;
  log->flattened++;
  unsigned flags = tag_flags(name);
  if ((flags & EX_TAG_DROPPED) && !log->dropped_at) log->dropped_at = log->skipped;
  else if ((flags & EX_TAG_BLOCK) && !log->dropped_at) log->characters(user, (const xmlChar *)"\n", 1);
}

static void on_end(void *user, const xmlChar *name) {
  xmlParserCtxtPtr ctxt = user;
  parse_log *log = ctxt->_private;
  if (!log->skipped) {
    log->end(user, name);
    return;
  }
  if (log->dropped_at == log->skipped) log->dropped_at = 0;
  else if ((tag_flags(name) & EX_TAG_BLOCK) && !log->dropped_at)
    log->characters(user, (const xmlChar *)"\n", 1);
  log->skipped--;
}

static void on_characters(void *user, const xmlChar *ch, int len) {
  parse_log *log = ((xmlParserCtxtPtr)user)->_private;
  if (!log->dropped_at) log->characters(user, ch, len);
}

static void on_cdata(void *user, const xmlChar *ch, int len) {
  parse_log *log = ((xmlParserCtxtPtr)user)->_private;
  if (!log->dropped_at) log->cdata(user, ch, len);
}

/* The unstructured channels, for any message that bypasses serror. */
static void on_parse_message(void *user, const char *fmt, ...) {
  (void)fmt;
  on_parse_error(user, NULL);
}

/* RECOVER: broken markup is the norm. NONET and no NOENT/DTDLOAD: no
   entity or DTD is ever fetched (an XXE page loads nothing). IGNORE_ENC:
   the bytes are UTF-8 by now, whatever their <meta> says. No NOBLANKS: it
   would glue "<b>a</b> <i>b</i>" into "ab". HUGE: no depth limit of
   libxml2's, EX_MAX_DEPTH is ours (below); the page is capped already
   (EXTRACT_MAX_PAGE). */
#define EX_PARSE_OPTIONS \
  (HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET | \
   HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC | XML_PARSE_HUGE)

static extract_status parse(const ex_decoded *d, const char *url, xmlDocPtr *doc,
                            extract_result *out, char *err, size_t errlen) {
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
  log.start = ctxt->sax->startElement;
  log.end = ctxt->sax->endElement;
  log.characters = ctxt->sax->characters;
  log.cdata = ctxt->sax->cdataBlock ? ctxt->sax->cdataBlock : ctxt->sax->characters;
  ctxt->sax->startElement = on_start;
  ctxt->sax->endElement = on_end;
  ctxt->sax->characters = on_characters;
  ctxt->sax->cdataBlock = on_cdata;
  *doc = htmlCtxtReadMemory(ctxt, d->text, (int)d->len, url, "UTF-8", EX_PARSE_OPTIONS);
  out->parse_errors = log.errors;
  out->parse_flattened = log.flattened;
  htmlFreeParserCtxt(ctxt);
  if (!*doc || !xmlDocGetRootElement(*doc)) {
    xmlFreeDoc(*doc);
    *doc = NULL;
    return ex_fail(EXTRACT_NOT_HTML, err, errlen, "libxml2 made no document of the page");
  }
  return EXTRACT_OK;
}

/* ------------------------------------------------------------------ */
/* Text the parser lost                                                 */
/* ------------------------------------------------------------------ */

/* Characters that count as text, the same way on both sides: letters and
   digits, one per code point (a UTF-8 lead byte or an ASCII alnum), not
   U+00A0. */
static size_t count_text(const unsigned char *p, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (c == 0xC2 && i + 1 < n && p[i + 1] == 0xA0) i++;
    else if (c >= 0xC0 || (c < 0x80 && isalnum(c))) k++;
  }
  return k;
}

static int starts_ci(const char *p, const char *end, const char *word) {
  size_t n = strlen(word);
  return (size_t)(end - p) >= n && strncasecmp(p, word, n) == 0;
}

static const char *find_ci(const char *p, const char *end, const char *word) {
  for (; p < end; p++)
    if (starts_ci(p, end, word)) return p;
  return end;
}

/* The text of the page as a crude reader sees it: a tag ends at the first
   '>' (quotes or not), comments and <script>/<style> bodies are skipped,
   an entity is one character (&nbsp; none). */
static size_t raw_text_chars(const char *s, size_t len) {
  const char *p = s, *end = s + len;
  size_t k = 0;
  while (p < end) {
    const char *lt = memchr(p, '<', (size_t)(end - p));
    const char *stop = lt ? lt : end;
    for (const char *q = p; q < stop;) {
      const char *amp = memchr(q, '&', (size_t)(stop - q));
      const char *upto = amp ? amp : stop;
      k += count_text((const unsigned char *)q, (size_t)(upto - q));
      if (!amp) break;
      const char *semi = memchr(amp, ';', (size_t)(stop - amp) < 12 ? (size_t)(stop - amp) : 12);
      if (!semi) { q = amp + 1; continue; }
      k += !starts_ci(amp, stop, "&nbsp;");
      q = semi + 1;
    }
    if (!lt) break;
    if (starts_ci(lt, end, "<!--")) {
      const char *close = find_ci(lt + 4, end, "-->");
      p = close < end ? close + 3 : end;
    } else if (starts_ci(lt, end, "<script") || starts_ci(lt, end, "<style")) {
      const char *close = find_ci(lt + 1, end, starts_ci(lt, end, "<script") ? "</script" : "</style");
      const char *gt = close < end ? memchr(close, '>', (size_t)(end - close)) : NULL;
      p = gt ? gt + 1 : end;
    } else {
      const char *gt = memchr(lt, '>', (size_t)(end - lt));
      p = gt ? gt + 1 : end;
    }
  }
  return k;
}

static int count_dom_text(void *ctx, xmlNodePtr n) {
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (n->content) *(size_t *)ctx += count_text(n->content, strlen((const char *)n->content));
    return 0;
  }
  return !(ex_is(n, "script") || ex_is(n, "style") || n->type == XML_COMMENT_NODE);
}

/* Compares the text libxml2 built with the text of the bytes: a quote or a
   tag left open swallows the rest of a page into an attribute, and that is
   a loss to report, not a page to index as if whole. */
static void measure_loss(const ex_decoded *d, xmlDocPtr doc, extract_result *out) {
  size_t raw = raw_text_chars(d->text, d->len), built = 0;
  ex_walk((xmlNodePtr)doc, count_dom_text, NULL, &built);
  out->page_text_chars = raw;
  out->parsed_text_chars = built;
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
  int list_shaped = ex_list_shaped(&pg) || ex_search_page(&pg);
  int item_page = ex_list_item_page(&pg); /* its number is the item's */
  size_t main_chars = pg.main_chars;
  ex_page_clear(&pg);
  if (st == EXTRACT_OK) st = ex_links(doc, url, out);
  /* a page of a paginated list whose text is short is one of the list's pages */
  int paged = st == EXTRACT_OK && main_chars < EX_PAGED_MAIN_CHARS && ex_paginated(out);
  out->listing = ((list_shaped || paged) && !out->rec.number) || item_page;
  if (st == EXTRACT_NOMEM) ex_fail(st, err, errlen, "out of memory extracting fields");
  return st;
}

size_t extract_text_lost(const extract_result *r) {
  size_t raw = r->page_text_chars, built = r->parsed_text_chars;
  if (built >= raw || raw - built < EXTRACT_LOST_MIN || built >= raw / 10 * 9) return 0;
  return raw - built;
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
  st = parse(&d, url, &doc, out, err, errlen);
  if (st == EXTRACT_OK) measure_loss(&d, doc, out);
  free(d.text);
  if (st == EXTRACT_OK) st = fill(doc, url, profile, out, err, errlen);
  xmlFreeDoc(doc);
  if (st != EXTRACT_OK) extract_result_clear(out);
  return st;
}
