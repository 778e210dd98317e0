/* extract_dom.c: walking libxml2's tree, telling content from furniture,
 * and turning a subtree into readable text.
 *
 * Nothing here recurses: hostile pages nest tags 100,000 deep, and libxml2's
 * HTML parser builds such trees happily.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/extract_internal.h"

void ex_walk(xmlNodePtr root, ex_enter_fn enter, ex_leave_fn leave, void *ctx) {
  xmlNodePtr n = root;
  while (n) {
    int descend = enter(ctx, n);
    int container = n->type == XML_ELEMENT_NODE || n->type == XML_DOCUMENT_NODE ||
                    n->type == XML_HTML_DOCUMENT_NODE;
    if (descend && container && n->children) {
      n = n->children;
      continue;
    }
    /* n is finished: leave it, then every ancestor that has no next sibling */
    for (;;) {
      if (leave) leave(ctx, n);
      if (n == root) return;
      if (n->next) { n = n->next; break; }
      n = n->parent;
      if (!n) return;
    }
  }
}

int ex_is(const xmlNode *n, const char *name) {
  return n && n->type == XML_ELEMENT_NODE && n->name &&
         strcasecmp((const char *)n->name, name) == 0;
}

/* Every tag the extractor cares about, sorted for bsearch, with what it is:
   one lookup per node instead of a strcmp per list. */
typedef struct {
  const char *name;
  unsigned flags;
} tag_info;

static const tag_info TAGS[] = {
#define D EX_TAG_DROPPED
#define B EX_TAG_BLOCK
#define C EX_TAG_CANDIDATE
#define F EX_TAG_FURNITURE
  {"address", B}, {"article", B | C}, {"aside", B | F}, {"blockquote", B | C}, {"body", B | C},
  {"br", B}, {"button", D}, {"canvas", D}, {"caption", B}, {"center", B | C}, {"dd", B | C},
  {"details", B}, {"div", B | C}, {"dl", B}, {"dt", B}, {"embed", D}, {"fieldset", B},
  {"figcaption", B}, {"figure", B}, {"footer", B | F}, {"form", B | C}, {"h1", B}, {"h2", B},
  {"h3", B}, {"h4", B}, {"h5", B}, {"h6", B}, {"head", D}, {"header", B}, {"hr", B},
  {"html", B}, {"iframe", D}, {"input", D}, {"legend", B}, {"li", B}, {"main", B | C},
  {"map", D}, {"menu", B | F}, {"nav", B | F}, {"noscript", D}, {"object", D}, {"ol", B},
  {"option", D}, {"p", B}, {"pre", B}, {"script", D}, {"section", B | C}, {"select", D},
  {"style", D}, {"summary", B}, {"svg", D}, {"table", B}, {"tbody", B}, {"td", B | C},
  {"template", D}, {"textarea", D}, {"tfoot", B}, {"th", B}, {"thead", B}, {"title", B},
  {"tr", B}, {"ul", B},
#undef D
#undef B
#undef C
#undef F
};

static int tag_cmp(const void *key, const void *elem) {
  return strcmp(key, ((const tag_info *)elem)->name);
}

unsigned ex_tag(const xmlNode *n) {
  if (!n || n->type != XML_ELEMENT_NODE || !n->name) return 0;
  const void *hit = bsearch(n->name, TAGS, sizeof TAGS / sizeof TAGS[0], sizeof TAGS[0], tag_cmp);
  return hit ? ((const tag_info *)hit)->flags : 0;
}

char *ex_attr(const xmlNode *n, const char *name) {
  return (char *)xmlGetNoNsProp((xmlNodePtr)n, (const xmlChar *)name);
}

/* A <form> is not dropped: ASP.NET (vbpl.vn, SharePoint portals) and
   Oracle ADF (anle.toaan.gov.vn) pages wrap the whole page in one. Its
   controls are, and search or login forms are furniture by their class. */
int ex_is_dropped(const xmlNode *n) {
  if (n->type == XML_COMMENT_NODE || n->type == XML_PI_NODE || n->type == XML_DTD_NODE)
    return 1;
  return (ex_tag(n) & EX_TAG_DROPPED) != 0;
}

/* Class tokens and ids that mean page furniture: the whole token, or a part
   of it for the SUBSTR list ("main-menu", "left-sidebar", "box-share"). */
static const char *const HINT_EXACT[] = {
  "nav", "navbar", "navigation", "header", "footer", "aside", "banner", "top", "topbar",
  "logo", "slogan", "tools", "toolbar", "search", "search-box", "searchbox", "login",
  "pager", "ads", "ad", "hidden", "print", "skip", "tabs",
  /* hidden on small screens: sidebars and menus, never the content */
  "hidden-xs", "hidden-sm", "d-none", NULL};
static const char *const HINT_SUBSTR[] = {
  "menu", "sidebar", "navbar", "breadcrumb", "footer", "banner", "social", "share",
  "comment", "advert", "widget", "pagination", "related", "copyright", "cookie", "popup",
  "site-header", "page-header", NULL};

static int token_is_hint(const char *t, size_t n) {
  char low[64];
  if (n == 0 || n >= sizeof low) return 0;
  for (size_t i = 0; i < n; i++) low[i] = (char)tolower((unsigned char)t[i]);
  low[n] = '\0';
  for (size_t i = 0; HINT_EXACT[i]; i++)
    if (strcmp(low, HINT_EXACT[i]) == 0) return 1;
  for (size_t i = 0; HINT_SUBSTR[i]; i++)
    if (strstr(low, HINT_SUBSTR[i])) return 1;
  return 0;
}

static int attr_has_hint(const char *v) {
  if (!v) return 0;
  for (const char *p = v; *p;) {
    while (*p && isspace((unsigned char)*p)) p++;
    const char *s = p;
    while (*p && !isspace((unsigned char)*p)) p++;
    if (token_is_hint(s, (size_t)(p - s))) return 1;
  }
  return 0;
}

/* display:none blocks (download dialogs, hidden menus) are not content. */
static int style_hidden(const char *style) {
  if (!style) return 0;
  const char *p = strstr(style, "display");
  if (!p) return 0;
  p += 7;
  while (*p == ' ' || *p == ':') p++;
  return strncasecmp(p, "none", 4) == 0;
}

/* An HTML5 <header> is furniture for the page, not inside an article. */
static int header_in_article(const xmlNode *n) {
  int hops = 0; /* bounded: deep nesting must not make this quadratic */
  for (const xmlNode *a = n->parent; a && hops < 32; a = a->parent, hops++)
    if (ex_is(a, "article") || ex_is(a, "main")) return 1;
  return 0;
}

int ex_is_boilerplate(const xmlNode *n) {
  if (!n || n->type != XML_ELEMENT_NODE) return 0;
  if (ex_tag(n) & EX_TAG_FURNITURE) return 1;
  if (ex_is(n, "header") && !header_in_article(n)) return 1;
  if (!n->properties) return 0; /* the common case: no attributes at all */
  /* the page itself is never furniture: a print view's <body
     class="portal-popup"> holds the whole article */
  if (ex_is(n, "body") || ex_is(n, "html")) return 0;
  char *v = ex_attr(n, "class");
  int hit = attr_has_hint(v);
  xmlFree(v);
  if (!hit) {
    v = ex_attr(n, "id");
    hit = attr_has_hint(v);
    xmlFree(v);
  }
  if (!hit) {
    v = ex_attr(n, "style");
    hit = style_hidden(v);
    xmlFree(v);
  }
  if (!hit) {
    v = ex_attr(n, "role");
    hit = v && (strcmp(v, "navigation") == 0 || strcmp(v, "banner") == 0 ||
                strcmp(v, "contentinfo") == 0);
    xmlFree(v);
  }
  return hit;
}

int ex_is_block(const xmlNode *n) {
  return (ex_tag(n) & EX_TAG_BLOCK) != 0;
}

/* ------------------------------------------------------------------ */
/* Collapsed text                                                       */
/* ------------------------------------------------------------------ */

void ex_text_init(ex_text *t, size_t max) {
  dynbuf_init(&t->b, max);
  t->pending_space = t->pending_break = t->full = 0;
}

/* Bytes of whitespace at s (0 when none): ASCII blanks, U+00A0 and the
   U+2000..U+200A spaces that Word-made pages are full of. */
static size_t space_len(const unsigned char *s, size_t left) {
  if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f') return 1;
  if (left >= 2 && s[0] == 0xC2 && s[1] == 0xA0) return 2;
  if (left >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] <= 0x8A) return 3;
  return 0;
}

/* Appends s[0..n) (no whitespace inside), cut at a character boundary when
   the cap is reached. */
static void put_word(ex_text *t, const char *s, size_t n) {
  if (t->full) return;
  size_t sep = t->b.len > 0 && (t->pending_break || t->pending_space);
  size_t room = t->b.max - t->b.len;
  if (sep + n > room) {
    t->full = 1;
    if (room <= sep) return;
    n = room - sep;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--; /* s[n] starts a char */
    if (n == 0) return;
  }
  if (sep) dynbuf_append_byte(&t->b, t->pending_break ? '\n' : ' ');
  dynbuf_append(&t->b, s, n);
  t->pending_space = t->pending_break = 0;
}

void ex_text_add(ex_text *t, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n && !t->full) {
    size_t sp = space_len(u + i, n - i);
    if (sp) {
      t->pending_space = 1;
      i += sp;
      continue;
    }
    /* one append for a whole run of already-clean text: words separated
       by single ASCII spaces come out exactly as they went in */
    size_t start = i;
    for (;;) {
      while (i < n && !space_len(u + i, n - i)) i++;
      if (i + 1 < n && u[i] == ' ' && !space_len(u + i + 1, n - i - 1)) i++;
      else break;
    }
    put_word(t, s + start, i - start);
  }
}

void ex_text_add_lines(ex_text *t, const char *s) {
  for (const char *e; (e = strchr(s, '\n')) != NULL; s = e + 1) {
    ex_text_add(t, s, (size_t)(e - s));
    ex_text_break(t);
  }
  ex_text_add(t, s, strlen(s));
}

void ex_text_break(ex_text *t) {
  t->pending_break = 1;
}

char *ex_text_take(ex_text *t) {
  if (dynbuf_status(&t->b) != DYNBUF_OK) {
    dynbuf_free(&t->b);
    return NULL;
  }
  return dynbuf_take(&t->b);
}

typedef struct {
  ex_text t;
  xmlNodePtr root;
  ex_text_mode mode;
} text_walk;

static int text_enter(void *ctx, xmlNodePtr n) {
  text_walk *w = ctx;
  if (w->t.full || ex_is_dropped(n)) return 0;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (n->content) ex_text_add(&w->t, (const char *)n->content, strlen((const char *)n->content));
    return 0;
  }
  if (n != w->root && w->mode == EX_TEXT_CONTENT && ex_is_boilerplate(n)) return 0;
  if (n != w->root && w->mode == EX_TEXT_MARKED && EX_MARKED_FURNITURE(n)) return 0;
  if (ex_is_block(n)) ex_text_break(&w->t);
  return 1;
}

static void text_leave(void *ctx, xmlNodePtr n) {
  text_walk *w = ctx;
  if (ex_is_block(n)) ex_text_break(&w->t);
}

char *ex_node_text(xmlNodePtr n, ex_text_mode mode, size_t max) {
  text_walk w;
  ex_text_init(&w.t, max);
  w.root = n;
  w.mode = mode;
  if (n) ex_walk(n, text_enter, text_leave, &w);
  return ex_text_take(&w.t);
}

char *ex_strndup_trim(const char *s, size_t n, size_t max) {
  ex_text t;
  ex_text_init(&t, max);
  ex_text_add(&t, s, n); /* also collapses inner runs of spaces */
  return ex_text_take(&t);
}
