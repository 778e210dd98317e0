/* extract_links.c: every <a href> of a page, resolved, and the attachments.
 *
 * Real hrefs hold raw Vietnamese letters and spaces, which libxml2's URI
 * parser refuses; they are percent-encoded first. vbpl.vn hides its files
 * behind javascript:downloadfile('x.doc','/path/x.doc'): the quoted path of
 * such a call is taken as an attachment.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/uri.h>

#include "crawler/extract_internal.h"

static const char *const DOC_EXT[] = {".pdf", ".docx", ".doc", ".odt", ".rtf", ".xlsx",
                                      ".xls", ".zip", ".rar", NULL};

/* 1 when an extension from DOC_EXT ends at p (case-insensitive) and the
   name ends there too (end of path, of a query value, of the string). */
static int doc_ext_at(const char *p) {
  for (size_t i = 0; DOC_EXT[i]; i++) {
    size_t n = strlen(DOC_EXT[i]);
    if (strncasecmp(p, DOC_EXT[i], n) == 0 && (p[n] == '\0' || strchr("?&#;'\"", p[n])))
      return 1;
  }
  return 0;
}

int ex_is_attachment_url(const char *url) {
  if (!url) return 0;
  for (const char *p = strchr(url, '.'); p; p = strchr(p + 1, '.')) {
    if (*p == '#') break;
    if (doc_ext_at(p)) return 1;
  }
  return 0;
}

/* The href with leading/trailing blanks gone, inner tabs/newlines dropped
   (browsers do both), and bytes a URI cannot hold percent-encoded. */
static char *clean_href(const char *h) {
  while (*h && isspace((unsigned char)*h)) h++;
  size_t n = strlen(h);
  while (n && isspace((unsigned char)h[n - 1])) n--;
  if (n > EX_MAX_URL) return NULL;
  char *out = malloc(n * 3 + 1); /* n <= EX_MAX_URL: no overflow */
  if (!out) return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)h[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", c)) {
      static const char HEX[] = "0123456789ABCDEF";
      out[o++] = '%', out[o++] = HEX[c >> 4], out[o++] = HEX[c & 15];
    } else {
      out[o++] = (char)c;
    }
  }
  out[o] = '\0';
  return out;
}

/* href resolved against base: malloc'ed absolute http(s) URL without its
   fragment, or NULL (other scheme, unparsable, too long, no memory). */
static char *resolve(const char *href, const char *base) {
  char *clean = clean_href(href);
  if (!clean) return NULL;
  xmlChar *abs = xmlBuildURI((const xmlChar *)clean, (const xmlChar *)base);
  free(clean);
  if (!abs) return NULL;
  const char *a = (const char *)abs;
  size_t n = strcspn(a, "#");
  char *url = NULL;
  if ((strncasecmp(a, "http://", 7) == 0 || strncasecmp(a, "https://", 8) == 0) &&
      n <= EX_MAX_URL && (url = malloc(n + 1))) {
    memcpy(url, a, n);
    url[n] = '\0';
    /* A scheme is case-insensitive and written in lower case (RFC 3986,
       3.1): "hTtp://" is "http://", for the crawl's scope and for callers. */
    for (char *c = url; *c != ':'; c++) *c = (char)tolower((unsigned char)*c);
  }
  xmlFree(abs);
  return url;
}

/* The last quoted argument of a javascript: href that names a document
   file, e.g. '/TW/Lists/vbpq/Attachments/96172/101.2015.QH13.doc'; NULL
   when there is none (or no memory: the link is then just missing). */
static char *js_file_arg(const char *href) {
  char *best = NULL;
  for (const char *p = href; (p = strpbrk(p, "'\"")) != NULL;) {
    const char *end = strchr(p + 1, *p);
    if (!end) break;
    size_t n = (size_t)(end - p - 1);
    char *s = n > 0 && n <= EX_MAX_URL ? strndup(p + 1, n) : NULL;
    if (s && ex_is_attachment_url(s)) {
      free(best);
      best = s;
    } else {
      free(s);
    }
    p = end + 1;
  }
  return best;
}

typedef struct {
  extract_result *out;
  size_t cap_links, cap_att;
  char *base;       /* the page URL, or <base href> resolved against it */
  int nomem;
} link_walk;

static int push(extract_link **arr, size_t *n, size_t *cap, char *url, const char *text) {
  if (*n >= EXTRACT_MAX_LINKS) return 1; /* cap reached: counted by the caller (links_over) */
  if (*n == *cap) {
    size_t c = *cap ? *cap * 2 : 16;
    if (c > EXTRACT_MAX_LINKS) c = EXTRACT_MAX_LINKS;
    extract_link *a = realloc(*arr, c * sizeof *a);
    if (!a) return 0;
    *arr = a;
    *cap = c;
  }
  char *u = strdup(url), *t = strdup(text);
  if (!u || !t) {
    free(u), free(t);
    return 0;
  }
  (*arr)[*n].url = u;
  (*arr)[*n].text = t;
  (*n)++;
  return 1;
}

static void add_link(link_walk *w, xmlNodePtr a, const char *href) {
  char *url = NULL;
  if (strncasecmp(href, "javascript:", 11) == 0) {
    char *arg = js_file_arg(href);
    if (arg) url = resolve(arg, w->base);
    free(arg);
  } else {
    url = resolve(href, w->base);
  }
  if (!url) return;
  char *text = ex_node_text(a, EX_TEXT_ALL, EX_MAX_LINK_TEXT);
  if (text && !*text) { /* an icon link: its title says what it is */
    char *title = ex_attr(a, "title");
    if (title) {
      free(text);
      text = ex_strndup_trim(title, strlen(title), EX_MAX_LINK_TEXT);
      xmlFree(title);
    }
  }
  extract_result *o = w->out;
  o->links_over += o->n_links >= EXTRACT_MAX_LINKS;
  if (!text || !push(&o->links, &o->n_links, &w->cap_links, url, text) ||
      (ex_is_attachment_url(url) &&
       !push(&o->attachments, &o->n_attachments, &w->cap_att, url, text)))
    w->nomem = 1;
  free(text);
  free(url);
}

static void set_base(link_walk *w, xmlNodePtr n) {
  char *href = ex_attr(n, "href");
  char *abs = href ? resolve(href, w->base) : NULL;
  xmlFree(href);
  if (abs) {
    free(w->base);
    w->base = abs;
  }
}

static int link_enter(void *ctx, xmlNodePtr n) {
  link_walk *w = ctx;
  if (w->nomem || n->type != XML_ELEMENT_NODE) return n->type == XML_HTML_DOCUMENT_NODE;
  if (ex_is(n, "base")) {
    set_base(w, n);
    return 0;
  }
  if (ex_is(n, "script") || ex_is(n, "style")) return 0;
  if (!ex_is(n, "a")) return 1;
  char *href = ex_attr(n, "href");
  const char *h = href;
  while (h && isspace((unsigned char)*h)) h++;
  if (h && *h && *h != '#') add_link(w, n, h); /* "#top" is this page again */
  xmlFree(href);
  return 1; /* links should not nest, but unclosed <a>s of broken pages do */
}

extract_status ex_links(xmlDocPtr doc, const char *base, extract_result *out) {
  link_walk w = {out, 0, 0, strdup(base ? base : ""), 0};
  if (!w.base) return EXTRACT_NOMEM;
  ex_walk((xmlNodePtr)doc, link_enter, NULL, &w);
  free(w.base);
  return w.nomem ? EXTRACT_NOMEM : EXTRACT_OK;
}

/* The link says "page N" in its URL ("?page=2", "&p=3", "_cur=4", "/page/5",
   "trang-6"). */
static int page_url(const char *url) {
  static const char *const MARKS[] = {"page=", "p=", "trang=", "cur=", "/page/", "trang-", "pageindex=",
                                      "pagenumber=", "start="};
  char low[EX_MAX_URL + 1];
  size_t n = 0;
  for (; url[n] && n < EX_MAX_URL; n++) low[n] = (char)tolower((unsigned char)url[n]);
  low[n] = '\0';
  for (size_t i = 0; i < sizeof MARKS / sizeof MARKS[0]; i++)
    if (strstr(low, MARKS[i])) return 1;
  return 0;
}

static int page_number_text(const char *t) {
  size_t n = strlen(t);
  if (n == 0 || n > 4) return 0;
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)t[i])) return 0;
  return 1;
}

static int next_text(const char *t) {
  static const char *const NEXT[] = {"Trang sau", "trang sau", "Tiếp", "tiếp", "Sau", "»", "›", ">>",
                                     "Next", "next", "Trang tiếp", "Cuối", "cuối"};
  for (size_t i = 0; i < sizeof NEXT / sizeof NEXT[0]; i++)
    if (strcmp(t, NEXT[i]) == 0) return 1;
  return 0;
}

void ex_pager_add(ex_pager *p, const char *url, const char *text) {
  if (!url || !text || !page_url(url)) return;
  p->numbered += page_number_text(text);
  p->next += next_text(text);
}

int ex_pager_found(const ex_pager *p) {
  return p->numbered >= 2 || (p->numbered >= 1 && p->next >= 1);
}

int ex_paginated(const extract_result *r) {
  ex_pager p = {0, 0};
  for (size_t i = 0; i < r->n_links; i++) ex_pager_add(&p, r->links[i].url, r->links[i].text);
  return ex_pager_found(&p);
}
