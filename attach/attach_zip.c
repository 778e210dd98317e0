/* attach_zip.c: DOCX and ODT, the zip (libzip) and the XML of their body
 * (libxml2's streaming reader, so a large part never becomes a tree).
 *
 * Zip bombs: a part is refused before a byte is inflated when the directory
 * says it inflates past ATTACH_ZIP_MAX_ENTRY or more than ATTACH_ZIP_MAX_RATIO
 * times its compressed size, and reading stops where the directory said it
 * ends (a directory that lies cannot make it longer). Entities are never
 * expanded and nothing is fetched (no XML_PARSE_NOENT, XML_PARSE_NONET).
 *
 * DOCX: the text of word/document.xml: runs (w:t), tabs, breaks, paragraph
 * ends; text boxes once (the mc:Fallback copy of a drawing is skipped);
 * deleted text and field codes skipped; a page break (w:br w:type="page",
 * w:lastRenderedPageBreak) starts a new page. ODT: content.xml's text:p and
 * text:h, text:s spaces, text:tab, text:line-break, text:soft-page-break. */
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#include "attach/attach_internal.h"
#include "common/dynbuf.h"

static zip_t *open_zip(const char *data, size_t len) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
  if (!src) { zip_error_fini(&ze); return NULL; }
  zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
  if (!z) zip_source_free(src);
  zip_error_fini(&ze);
  return z;
}

attach_type ax_zip_kind(const char *data, size_t len) {
  zip_t *z = open_zip(data, len);
  if (!z) return ATTACH_TYPE_UNKNOWN;
  attach_type t = ATTACH_TYPE_UNKNOWN;
  if (zip_name_locate(z, "word/document.xml", 0) >= 0) {
    t = ATTACH_TYPE_DOCX;
  } else if (zip_name_locate(z, "content.xml", 0) >= 0) {
    /* an ODF package names its kind in "mimetype": only text documents */
    zip_int64_t i = zip_name_locate(z, "mimetype", 0);
    zip_file_t *f = i >= 0 ? zip_fopen_index(z, (zip_uint64_t)i, 0) : NULL;
    char buf[64] = {0};
    if (f) {
      zip_int64_t n = zip_fread(f, buf, sizeof buf - 1);
      if (n > 0 && strncmp(buf, "application/vnd.oasis.opendocument.text", 39) == 0)
        t = ATTACH_TYPE_ODT;
      zip_fclose(f);
    }
  }
  zip_discard(z);
  return t;
}

/* The part's bytes, inflated under the caps; *out malloc'ed. */
static attach_status read_part(zip_t *z, const char *name, char **out, size_t *out_len, char *err,
                               size_t errlen) {
  zip_stat_t sb;
  zip_stat_init(&sb);
  if (zip_stat(z, name, 0, &sb) != 0 || !(sb.valid & ZIP_STAT_SIZE) || !(sb.valid & ZIP_STAT_COMP_SIZE))
    return ax_fail(ATTACH_DAMAGED, err, errlen, "zip: no readable %s", name);
  if (sb.size > ATTACH_ZIP_MAX_ENTRY ||
      (sb.size > 1024 * 1024 && sb.size / (sb.comp_size ? sb.comp_size : 1) > ATTACH_ZIP_MAX_RATIO))
    return ax_fail(ATTACH_TOO_BIG, err, errlen,
                   "zip: %s inflates to %llu bytes from %llu (a zip bomb?)", name,
                   (unsigned long long)sb.size, (unsigned long long)sb.comp_size);
  zip_file_t *f = zip_fopen(z, name, 0);
  if (!f) return ax_fail(sb.encryption_method ? ATTACH_ENCRYPTED : ATTACH_DAMAGED, err, errlen,
                         "zip: cannot open %s: %s", name, zip_strerror(z));
  char *buf = malloc(sb.size + 1);
  if (!buf) { zip_fclose(f); return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory"); }
  zip_uint64_t got = 0;
  while (got < sb.size) {
    zip_int64_t n = zip_fread(f, buf + got, sb.size - got);
    if (n < 0) {
      attach_status st = ax_fail(ATTACH_DAMAGED, err, errlen, "zip: %s: %s", name,
                                 zip_error_strerror(zip_file_get_error(f)));
      zip_fclose(f);
      free(buf);
      return st;
    }
    if (n == 0) break;
    got += (zip_uint64_t)n;
  }
  zip_fclose(f);
  buf[got] = '\0';
  *out = buf;
  *out_len = got;
  return ATTACH_OK;
}

typedef struct {
  dynbuf text;
  int skip_depth;   /* >0: inside an element whose text is not the document's */
  int odt;
} walker;

static int is(const xmlChar *name, const char *want) {
  return name && strcmp((const char *)name, want) == 0;
}

/* Elements whose content is skipped whole. */
static int skipped(const xmlChar *name, int odt) {
  if (odt) return is(name, "office:annotation") || is(name, "text:note");
  return is(name, "mc:Fallback") || is(name, "w:delText") || is(name, "w:instrText") ||
         is(name, "w:footnoteReference");
}

static void on_start(walker *w, xmlTextReaderPtr r, const xmlChar *name) {
  if (w->odt) {
    if (is(name, "text:tab")) dynbuf_append(&w->text, "\t", 1);
    else if (is(name, "text:line-break")) dynbuf_append(&w->text, "\n", 1);
    else if (is(name, "text:soft-page-break")) dynbuf_append(&w->text, "\f", 1);
    else if (is(name, "text:s")) {
      xmlChar *c = xmlTextReaderGetAttribute(r, (const xmlChar *)"text:c");
      long n = c ? strtol((const char *)c, NULL, 10) : 1;
      xmlFree(c);
      for (long i = 0; i < (n < 1 ? 1 : n > 64 ? 64 : n); i++) dynbuf_append(&w->text, " ", 1);
    }
    return;
  }
  if (is(name, "w:tab")) dynbuf_append(&w->text, "\t", 1);
  else if (is(name, "w:cr")) dynbuf_append(&w->text, "\n", 1);
  else if (is(name, "w:lastRenderedPageBreak")) dynbuf_append(&w->text, "\f", 1);
  else if (is(name, "w:br")) {
    xmlChar *t = xmlTextReaderGetAttribute(r, (const xmlChar *)"w:type");
    dynbuf_append(&w->text, t && strcmp((const char *)t, "page") == 0 ? "\f" : "\n", 1);
    xmlFree(t);
  }
}

static void on_end(walker *w, const xmlChar *name) {
  if (w->odt ? (is(name, "text:p") || is(name, "text:h")) : is(name, "w:p"))
    dynbuf_append(&w->text, "\n", 1);
  else if (is(name, w->odt ? "table:table-cell" : "w:tc"))
    dynbuf_append(&w->text, "\t", 1);
}

static attach_status walk_xml(const char *xml, size_t len, int odt, const attach_options *opt,
                              char **out, size_t *out_len, char *err, size_t errlen) {
  xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
  if (!r) return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  walker w;
  memset(&w, 0, sizeof w);
  w.odt = odt;
  /* a little more than the cap, so that the cap notes the cut */
  dynbuf_init(&w.text, opt->max_chars + 16);
  int rc;
  while ((rc = xmlTextReaderRead(r)) == 1 && dynbuf_status(&w.text) == DYNBUF_OK) {
    int type = xmlTextReaderNodeType(r);
    const xmlChar *name = xmlTextReaderConstName(r);
    int empty = xmlTextReaderIsEmptyElement(r);
    if (type == XML_READER_TYPE_ELEMENT) {
      if (w.skip_depth || skipped(name, odt)) {
        if (!empty) w.skip_depth++;
        continue;
      }
      on_start(&w, r, name);
      if (empty) on_end(&w, name);
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      if (w.skip_depth) { w.skip_depth--; continue; }
      on_end(&w, name);
    } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                type == XML_READER_TYPE_CDATA) && !w.skip_depth) {
      const xmlChar *v = xmlTextReaderConstValue(r);
      if (v) dynbuf_append_str(&w.text, (const char *)v);
    }
  }
  xmlFreeTextReader(r);
  attach_status st = ATTACH_OK;
  if (dynbuf_status(&w.text) == DYNBUF_NOMEM) st = ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  else if (rc < 0 && w.text.len == 0)
    st = ax_fail(ATTACH_DAMAGED, err, errlen, "the document's XML is malformed");
  if (st != ATTACH_OK) { dynbuf_free(&w.text); return st; }
  *out_len = w.text.len;
  *out = dynbuf_take(&w.text);
  return *out ? ATTACH_OK : ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
}

attach_status ax_read_zip(const char *data, size_t len, attach_type type, ax_out *o, char *err,
                          size_t errlen) {
  zip_t *z = open_zip(data, len);
  if (!z) return ax_fail(ATTACH_DAMAGED, err, errlen, "not a readable zip");
  const char *part = type == ATTACH_TYPE_ODT ? "content.xml" : "word/document.xml";
  char *xml = NULL, *text = NULL;
  size_t xml_len = 0, text_len = 0;
  attach_status st = read_part(z, part, &xml, &xml_len, err, errlen);
  zip_discard(z);
  if (st == ATTACH_OK && xml_len > (size_t)0x7FFFFFFF) st = ax_fail(ATTACH_TOO_BIG, err, errlen, "too big");
  if (st == ATTACH_OK)
    st = walk_xml(xml, xml_len, type == ATTACH_TYPE_ODT, o->opt, &text, &text_len, err, errlen);
  free(xml);
  if (st == ATTACH_OK) {
    if (ax_add_paged(o, text, text_len) < 0) st = ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
    o->doc->pages = (int)o->doc->n_page;
  }
  free(text);
  return st;
}
