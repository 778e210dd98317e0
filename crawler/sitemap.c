/* sitemap: <urlset>/<sitemapindex> through xmlTextReader. */
#include "crawler/sitemap.h"

#include <libxml/xmlreader.h>
#include <stdio.h>
#include <string.h>

#include "common/dynbuf.h"

#define SITEMAP_MAX_LOC 4096

static void quiet(void *arg, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr loc) {
  (void)arg, (void)msg, (void)sev, (void)loc; /* libxml2 must not print: errors end the parse */
}

typedef struct {
  dynbuf loc, lastmod;
  dynbuf *text; /* the element whose text is being collected, or NULL */
  int in_entry;
} entry_state;

static const char *trimmed(dynbuf *b) {
  char *s = b->data ? b->data : (char *)"";
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

/* Handles one node; returns 1 when an entry ended and should be reported. */
static int on_node(xmlTextReaderPtr r, entry_state *e, int *is_index, int *root_seen) {
  int type = xmlTextReaderNodeType(r);
  const char *name = (const char *)xmlTextReaderConstLocalName(r);
  if (!name) name = "";
  if (type == XML_READER_TYPE_ELEMENT) {
    if (!*root_seen) {
      *root_seen = 1;
      if (strcmp(name, "sitemapindex") == 0) *is_index = 1;
      else if (strcmp(name, "urlset") != 0) return -1;
    } else if (strcmp(name, "url") == 0 || strcmp(name, "sitemap") == 0) {
      e->in_entry = 1;
      dynbuf_reset(&e->loc);
      dynbuf_reset(&e->lastmod);
    } else if (e->in_entry && strcmp(name, "loc") == 0) {
      e->text = &e->loc;
    } else if (e->in_entry && strcmp(name, "lastmod") == 0) {
      e->text = &e->lastmod;
    }
    if (xmlTextReaderIsEmptyElement(r)) e->text = NULL;
  } else if ((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) && e->text) {
    const char *v = (const char *)xmlTextReaderConstValue(r);
    if (v) dynbuf_append_str(e->text, v); /* capped: an over-long loc is dropped below */
  } else if (type == XML_READER_TYPE_END_ELEMENT) {
    e->text = NULL;
    if (e->in_entry && (strcmp(name, "url") == 0 || strcmp(name, "sitemap") == 0)) {
      e->in_entry = 0;
      return dynbuf_status(&e->loc) == DYNBUF_OK && e->loc.len > 0;
    }
  }
  return 0;
}

int sitemap_parse(const char *xml, size_t len, sitemap_cb cb, void *ctx, int *is_index,
                  size_t *over, char *err, size_t errlen) {
  *is_index = 0;
  if (over) *over = 0;
  if (len > SITEMAP_MAX_BYTES || len > (size_t)__INT_MAX__) {
    snprintf(err, errlen, "sitemap larger than %u bytes", SITEMAP_MAX_BYTES);
    return -1;
  }
  xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, NULL, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if (!r) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  xmlTextReaderSetErrorHandler(r, quiet, NULL);
  entry_state e = {.text = NULL};
  dynbuf_init(&e.loc, SITEMAP_MAX_LOC);
  dynbuf_init(&e.lastmod, 64);
  int n = 0, rc, root_seen = 0, bad = 0;
  while (!bad && (rc = xmlTextReaderRead(r)) == 1) {
    int got = on_node(r, &e, is_index, &root_seen);
    if (got < 0) bad = 1;
    else if (got > 0 && n >= SITEMAP_MAX_URLS) { /* counted, not reported */
      if (!over) break;
      (*over)++;
    } else if (got > 0) {
      const char *lm = dynbuf_status(&e.lastmod) == DYNBUF_OK ? trimmed(&e.lastmod) : "";
      n++;
      if (cb(ctx, trimmed(&e.loc), *lm ? lm : NULL) != 0) break;
    }
  }
  if (bad || !root_seen) {
    snprintf(err, errlen, "not a sitemap (the root element is neither urlset nor sitemapindex)");
    n = -1;
  }
  xmlFreeTextReader(r);
  dynbuf_free(&e.loc);
  dynbuf_free(&e.lastmod);
  return n;
}
