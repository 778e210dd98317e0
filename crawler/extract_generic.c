/* extract_generic.c: fields of a page nobody wrote a profile for.
 *
 * One walk over the tree (ex_page_scan) finds the <title>, the first real
 * <h1>, the <meta> values, the breadcrumb and the main content block, and
 * the page's text is taken once, furniture left out. The fields then come
 * from that text, line by line (table cells and blocks are lines):
 *   - property tables: a label line ("Số ký hiệu", "Ngày ban hành"...)
 *     followed by its value, or "Label: value" on one line;
 *   - the document header: "ỦY BAN NHÂN DÂN / QUẬN TÂY HỒ" above
 *     "Số: 215/TB-UBND", "Tây Hồ, ngày 28 tháng 7 năm 2021", and the type
 *     line below ("THÔNG BÁO");
 *   - news lines: "Ngày đăng 03/07/2021 | 10:38", "Thứ Sáu, 20/08/2021";
 *   - the office line that ends an article ("Văn phòng HĐND&UBND quận").
 * Lines are compared folded (no marks, lower case), so NFD text, "Ð" and
 * old tone placement match too.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/extract_internal.h"
#include "text/legal.h"
#include "text/legalvocab.h"

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

/* s folded (marks removed, đ->d, lower case); NULL when it cannot be (and
   *nomem set when that was for want of memory). */
static char *fold(const char *s, size_t n, int *nomem) {
  char *out = NULL;
  text_status st = text_normalize(s, n, 1, &out, NULL);
  if (st == TEXT_NOMEM) *nomem = 1;
  return st == TEXT_OK ? out : NULL;
}

static int starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int has_digit(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (isdigit((unsigned char)s[i])) return 1;
  return 0;
}

/* Letters present and no ASCII lower-case letter: "QUYẾT ĐỊNH", "QUẬN TÂY HỒ". */
static int is_upper(const char *s, size_t n) {
  int letters = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (islower(c)) return 0;
    letters += isupper(c) || c >= 0x80;
  }
  return letters >= 2;
}

static char *dup_field(const char *s, size_t n, int *nomem) {
  char *v = ex_strndup_trim(s, n, EX_MAX_FIELD);
  if (!v) *nomem = 1;
  if (v && !*v) free(v), v = NULL;
  return v;
}

/* dup_field of a C string; NULL stays NULL. */
static char *dup_str(const char *s, int *nomem) {
  return s ? dup_field(s, strlen(s), nomem) : NULL;
}

/* ------------------------------------------------------------------ */
/* Normalizers (also used by profiles)                                  */
/* ------------------------------------------------------------------ */

static int first_date(void *ctx, const text_date *d) {
  memcpy(ctx, d->iso, sizeof d->iso);
  return 1;
}

char *ex_norm_date(const char *s, int *nomem) {
  char iso[11] = "";
  text_date d;
  /* "2021-07-03T10:38:00+07:00" (meta, <time>): the date part */
  if (strlen(s) >= 10 && isdigit((unsigned char)s[0]) && s[4] == '-' && text_parse_date(s, 10, &d))
    memcpy(iso, d.iso, sizeof iso);
  else if (text_find_dates(s, strlen(s), first_date, iso) == TEXT_NOMEM)
    *nomem = 1;
  if (!record_date_valid(iso, NULL, NULL, NULL)) return NULL;
  char *v = strdup(iso);
  if (!v) *nomem = 1;
  return v;
}

static int first_ref(void *ctx, const text_ref *r) {
  *(text_ref *)ctx = *r;
  return 1;
}

char *ex_norm_number(const char *s, int *nomem) {
  size_t n = strlen(s);
  text_ref r;
  memset(&r, 0, sizeof r);
  if (!text_parse_ref(s, n, &r) && text_find_refs(s, n, first_ref, &r) == TEXT_NOMEM) *nomem = 1;
  if (r.canonical[0]) return dup_field(r.canonical, strlen(r.canonical), nomem);
  /* "Không số" and other words are no number; an odd one with digits is
     kept as written */
  return has_digit(s, n) && n <= 64 ? dup_field(s, n, nomem) : NULL;
}

/* A type as records write it ("Quyết định"), from any spelling of its
   words or its code (legalvocab.h); what is no known type stays as written. */
char *ex_norm_type(const char *s, int *nomem) {
  const char *known = legal_type_name(s, strlen(s));
  return dup_str(known ? known : s, nomem);
}

/* The type a document number implies ("31/VBHN-VPQH"), or NULL. */
static const char *type_of_number(const char *number) {
  text_ref r;
  if (!number || !text_parse_ref(number, strlen(number), &r) || !r.kind[0]) return NULL;
  const legal_doctype *t = legal_doctype_by_code(r.kind);
  return t ? t->name : NULL;
}

/* ------------------------------------------------------------------ */
/* The scan                                                             */
/* ------------------------------------------------------------------ */

/* A block that may be the main content, and the text credited to it. */
typedef struct {
  xmlNodePtr node;
  size_t parent; /* 1-based index of the enclosing candidate, 0 = none */
  size_t own, bonus;
  size_t links, link_chars; /* <a href>s and their text, this block and all below */
  size_t all_own;           /* own text, this block and all below */
  size_t text_kids;         /* child blocks that hold text (own or links) */
} candidate;

/* Per element, node->_private holds (candidate index << 2) | in_link << 1
   | furniture_root: the tree is ours until it is freed, and this keeps the
   walk O(nodes) however deep the page nests. */
#define INFO(n) ((uintptr_t)(n)->_private)
#define INFO_MAKE(idx, link, bp) ((void *)(((uintptr_t)(idx) << 2) | ((uintptr_t)(link) << 1) | (uintptr_t)(bp)))

typedef struct {
  ex_page *pg;
  candidate *c;
  size_t n, cap;
  int furniture; /* depth inside page furniture: no text credited there */
  int nomem;
} scan_walk;

static int is_breadcrumb(const xmlNode *n) {
  static const char *const HINTS[] = {"breadcrumb", "box-map", "duong-dan", "duongdan"};
  if (!n->properties) return 0;
  const char *attrs[] = {"class", "id", "aria-label"};
  int hit = 0;
  for (size_t a = 0; a < 3 && !hit; a++) {
    char *v = ex_attr(n, attrs[a]);
    for (char *p = v; p && *p; p++) *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; v && i < sizeof HINTS / sizeof HINTS[0] && !hit; i++)
      hit = strstr(v, HINTS[i]) != NULL;
    xmlFree(v);
  }
  return hit;
}

/* <meta property|name|itemprop=... content=...> values we use. */
static void scan_meta(ex_page *pg, const xmlNode *n) {
  char *key = ex_attr(n, "property");
  if (!key) key = ex_attr(n, "name");
  if (!key) key = ex_attr(n, "itemprop");
  if (!key) return;
  char **slot = NULL;
  if (strcasecmp(key, "og:title") == 0) slot = &pg->og_title;
  else if (strcasecmp(key, "og:site_name") == 0) slot = &pg->og_site;
  else if (strcasecmp(key, "article:published_time") == 0 || strcasecmp(key, "datePublished") == 0 ||
           strcasecmp(key, "pubdate") == 0)
    slot = &pg->published;
  else if (strcasecmp(key, "article:section") == 0) slot = &pg->section;
  xmlFree(key);
  if (slot && !*slot) *slot = ex_attr(n, "content");
}

static void credit_text(scan_walk *w, const xmlNode *t) {
  if (w->furniture || !t->parent || t->parent->type != XML_ELEMENT_NODE || !t->content) return;
  uintptr_t info = INFO(t->parent);
  size_t idx = info >> 2;
  if (idx == 0) return;
  size_t n = 0;
  for (const unsigned char *p = t->content; *p; p++) n += !isspace(*p);
  if (info & 2) w->c[idx - 1].link_chars += n; /* link text says nothing about content */
  else w->c[idx - 1].own += n;
}

static size_t push_candidate(scan_walk *w, xmlNodePtr n, size_t parent) {
  if (w->n == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 64;
    candidate *c = cap > SIZE_MAX / sizeof *c ? NULL : realloc(w->c, cap * sizeof *c);
    if (!c) {
      w->nomem = 1;
      return parent;
    }
    w->c = c;
    w->cap = cap;
  }
  w->c[w->n] = (candidate){n, parent, 0, 0, 0, 0, 0, 0};
  return ++w->n;
}

/* An element that says it is a title: <h2>, <h3>, or a class or id with "title",
   "tieude", "tieu-de" ("article-title", "tieude_tin"). */
static int is_heading(const xmlNode *n) {
  static const char *const HINTS[] = {"title", "tieude", "tieu-de", "tieu_de"};
  if (ex_is(n, "h2") || ex_is(n, "h3")) return 1;
  if (!n->properties || ex_is(n, "title") || ex_is(n, "a")) return 0;
  int hit = 0;
  const char *attrs[] = {"class", "id"};
  for (size_t a = 0; a < 2 && !hit; a++) {
    char *v = ex_attr(n, attrs[a]);
    for (char *p = v; p && *p; p++) *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; v && i < sizeof HINTS / sizeof HINTS[0] && !hit; i++) hit = strstr(v, HINTS[i]) != NULL;
    xmlFree(v);
  }
  return hit;
}

static void scan_element(scan_walk *w, xmlNodePtr n, int furniture) {
  ex_page *pg = w->pg;
  if (ex_is(n, "body") && !pg->body) pg->body = n;
  else if (ex_is(n, "title") && !pg->title_el) pg->title_el = n;
  else if (ex_is(n, "meta")) scan_meta(pg, n);
  else if (ex_is(n, "h1") && !pg->h1 && !w->furniture && !furniture) pg->h1 = n;
  else if (ex_is(n, "time") && !pg->published) pg->published = ex_attr(n, "datetime");
  if (!pg->breadcrumb && is_breadcrumb(n)) pg->breadcrumb = n;
  if (!pg->heading && !w->furniture && !furniture && is_heading(n)) pg->heading = n;
}

static int scan_enter(void *ctx, xmlNodePtr n) {
  scan_walk *w = ctx;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    credit_text(w, n);
    return 0;
  }
  if (n->type != XML_ELEMENT_NODE) return n->type == XML_HTML_DOCUMENT_NODE;
  int head = ex_is(n, "head");
  if (!head && ex_is_dropped(n)) return 0;
  uintptr_t pinfo = n->parent && n->parent->type == XML_ELEMENT_NODE ? INFO(n->parent) : 0;
  size_t idx = pinfo >> 2;
  int link = (pinfo & 2) || ex_is(n, "a");
  int furniture = head || ex_is_boilerplate(n);
  scan_element(w, n, furniture);
  if (!furniture && (ex_tag(n) & EX_TAG_CANDIDATE) && !w->nomem) idx = push_candidate(w, n, idx);
  n->_private = INFO_MAKE(idx, link, furniture);
  if (idx && !furniture && !w->furniture && ex_is(n, "a") && xmlHasProp(n, (const xmlChar *)"href"))
    w->c[idx - 1].links++;
  w->furniture += furniture;
  return 1;
}

static void scan_leave(void *ctx, xmlNodePtr n) {
  scan_walk *w = ctx;
  if (n->type == XML_ELEMENT_NODE && (INFO(n) & 1)) w->furniture--;
}

/* 1 when candidate a is candidate b or inside it. */
static int inside(const scan_walk *w, size_t a, size_t b) {
  for (; a; a = w->c[a - 1].parent)
    if (a == b) return 1;
  return 0;
}

/* An article of one line ("Chi tiết xem văn bản đính kèm./.") has less text
   than the crumb above it: then the block around the page's heading, with
   the text under it, is the main block (best is 1-based). */
static size_t best_near_heading(const scan_walk *w, size_t best) {
  xmlNodePtr h = w->pg->h1 ? w->pg->h1 : w->pg->heading;
  if (!best || !h || w->c[best - 1].all_own >= EX_SHORT_MAIN_CHARS) return best;
  size_t hb = (size_t)(INFO(h) >> 2);
  if (!hb || inside(w, hb, best) || inside(w, best, hb)) return best;
  size_t head_text = w->c[hb - 1].all_own;
  for (size_t up = hb, level = 0; up && level < EX_CLIMB_LEVELS; up = w->c[up - 1].parent, level++) {
    const candidate *c = &w->c[up - 1];
    if (c->all_own > head_text + head_text / 2)
      return c->all_own > w->c[best - 1].all_own ? up : best;
  }
  return best;
}

/* The candidate with the most text of its own plus half of what its child
   blocks hold (text spread over sibling <div>s makes their parent win). */
static xmlNodePtr best_block(scan_walk *w) {
  for (size_t i = 0; i < w->n; i++)
    if (w->c[i].parent) w->c[w->c[i].parent - 1].bonus += w->c[i].own / 2;
  /* totals over each block's subtree: children come after their parent */
  for (size_t i = 0; i < w->n; i++) w->c[i].all_own = w->c[i].own;
  for (size_t i = w->n; i-- > 0;)
    if (w->c[i].parent) {
      candidate *up = &w->c[w->c[i].parent - 1];
      up->links += w->c[i].links;
      up->link_chars += w->c[i].link_chars;
      up->all_own += w->c[i].all_own;
      up->text_kids += w->c[i].all_own + w->c[i].link_chars > 0;
    }
  size_t best = 0, best_score = 0;
  for (size_t i = 0; i < w->n; i++) {
    size_t s = w->c[i].own + w->c[i].bonus;
    if (s > best_score) best = i + 1, best_score = s;
  }
  /* no paragraph of the article left out: a lead ("sapo") or a heading
     kept in a sibling block comes in with the block above, as long as that
     adds little text and no more than a couple of links (EX_CLIMB_LEVELS
     such levels). A block above that holds no other block with text, and
     text of its own, is the same content going on: text written around the
     block, or the paragraphs before it when tags are left open (each
     unclosed <div> holds one paragraph and the rest of the page, and the
     score, which looks one level down, rates every link of that chain
     alike). It comes in at any level, as long as it adds no more text than
     the block holds and more text than links. Climbing so from the
     best-scored link reaches the top of such a chain: a paragraph above
     longer than all below would have scored higher itself. An empty wrapper
     is layout, not content: past EX_CLIMB_LEVELS the climb stops there. */
  for (int level = 0; best; level++) {
    const candidate *c = &w->c[best - 1];
    if (!c->parent) break;
    const candidate *up = &w->c[c->parent - 1];
    size_t added = up->all_own - c->all_own, added_links = up->link_chars - c->link_chars;
    if (added > c->all_own || ex_is(up->node, "body")) break;
    int goes_on = up->text_kids == 1 && added > 0 && added_links <= added;
    int little = added <= EX_CLIMB_CHARS && up->links <= c->links + 2;
    if (!goes_on && !(little && level < EX_CLIMB_LEVELS)) break;
    best = c->parent;
  }
  return best ? w->c[best - 1].node : NULL;
}

/* The block that is most a list of links: the most link text, where it
   outweighs the block's own (a table of documents, a category page's
   list), for telling a listing whose items are all links, and whose main
   block of text is therefore a crumb, from an article. */
static void list_block(ex_page *pg, const scan_walk *w) {
  for (size_t i = 0; i < w->n; i++) {
    const candidate *c = &w->c[i];
    if (c->link_chars <= pg->list_link_chars || c->link_chars < 2 * c->all_own) continue;
    pg->list_links = c->links;
    pg->list_link_chars = c->link_chars;
  }
  /* the main block is one item of a list: a news list's item (a title
     link, a date, a summary), among as many as the block above has links */
  size_t m = pg->main ? (size_t)(INFO(pg->main) >> 2) : 0;
  const candidate *main = m && w->c[m - 1].all_own >= EX_ITEM_MIN_CHARS ? &w->c[m - 1] : NULL;
  for (size_t up = main ? main->parent : 0, level = 0; up && level < 8; up = w->c[up - 1].parent, level++) {
    const candidate *c = &w->c[up - 1];
    if (c->links >= EXTRACT_LISTING_LINKS && main->all_own * 3 < c->all_own &&
        c->all_own < EX_ITEM_CHARS * c->links) {
      pg->item_list = 1;
      break;
    }
  }
}

int ex_list_shaped(const ex_page *pg) {
  if (pg->main_links >= EXTRACT_LISTING_LINKS && pg->main_chars < EXTRACT_LISTING_CHARS * pg->main_links)
    return 1;
  if (pg->item_list) return 1;
  return pg->list_links >= EX_LIST_LINKS && pg->list_link_chars >= EX_LIST_LINK_CHARS * pg->list_links &&
         pg->main_chars < EX_LIST_MAIN_CHARS;
}

/* Links and text of the main block, for telling a list of links (a
   portal's listing page) from a document. */
typedef struct {
  size_t links, own;
} block_count;

static int count_enter(void *ctx, xmlNodePtr n) {
  block_count *b = ctx;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    if (n->parent && n->parent->type == XML_ELEMENT_NODE && !(INFO(n->parent) & 2) && n->content)
      for (const unsigned char *p = n->content; *p; p++) b->own += !isspace(*p);
    return 0;
  }
  if (n->type != XML_ELEMENT_NODE || ex_is_dropped(n) || EX_MARKED_FURNITURE(n)) return 0;
  if (ex_is(n, "a") && xmlHasProp(n, (const xmlChar *)"href")) b->links++;
  return 1;
}

static void count_main(ex_page *pg) {
  block_count b = {0, 0};
  xmlNodePtr root = pg->main ? pg->main : pg->body; /* no block: the page is one */
  if (root) ex_walk(root, count_enter, NULL, &b);
  pg->main_links = b.links;
  pg->main_chars = b.own;
}

/* The controls of a form and its own text, for telling a search form (a
   keyword box, choice lists, a button) from one that takes a comment, a
   login or a file. */
typedef struct {
  size_t fields, submits, others, chars;
} form_count;

static int form_enter(void *ctx, xmlNodePtr n) {
  form_count *f = ctx;
  if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
    for (const unsigned char *p = n->content; p && *p; p++) f->chars += !isspace(*p);
    return 0;
  }
  if (n->type != XML_ELEMENT_NODE) return 0;
  if (ex_is(n, "select")) {
    f->fields++;
  } else if (ex_is(n, "textarea")) {
    f->others++;
  } else if (ex_is(n, "input") || ex_is(n, "button")) {
    char *t = ex_attr(n, "type");
    const char *type = t ? t : ex_is(n, "button") ? "submit" : "text";
    if (strcasecmp(type, "text") == 0 || strcasecmp(type, "search") == 0) f->fields++;
    else if (strcasecmp(type, "submit") == 0 || strcasecmp(type, "image") == 0) f->submits++;
    else if (strcasecmp(type, "password") == 0 || strcasecmp(type, "file") == 0 ||
             strcasecmp(type, "email") == 0)
      f->others++;
    xmlFree(t);
  } else if (ex_is(n, "a")) { /* a script link is a form's button too (ASP.NET) */
    char *href = ex_attr(n, "href");
    f->submits += href && strncasecmp(href, "javascript:", 11) == 0;
    xmlFree(href);
  }
  return !ex_is_dropped(n);
}

static int search_form(xmlNodePtr form) {
  form_count f = {0, 0, 0, 0};
  ex_walk(form, form_enter, NULL, &f);
  return f.fields && f.submits && !f.others && f.chars < EX_SEARCH_FORM_CHARS;
}

/* What the main block holds besides text: a search form (outside
   furniture: a site's search box in a header is not the page's), and,
   there or in the block around it, a list's pager (counted in furniture
   too: pagers are often marked so). */
typedef struct {
  xmlNodePtr main;
  int pager_wanted; /* the main text is short enough for a pager to matter */
  ex_pager pager;
  int search;
  int furniture; /* depth inside furniture */
  int nomem;
} marks_walk;

static int in_block(const xmlNode *n, const xmlNode *block) {
  for (; n; n = n->parent)
    if (n == block) return 1;
  return 0;
}

static int marks_enter(void *ctx, xmlNodePtr n) {
  marks_walk *w = ctx;
  if (n->type != XML_ELEMENT_NODE) return 0;
  w->furniture += EX_MARKED_FURNITURE(n); /* marks_leave takes it off */
  if (w->nomem) return 0;
  if (ex_is(n, "form") && n != w->main && !w->furniture && in_block(n, w->main) && search_form(n))
    w->search = 1;
  if (ex_is_dropped(n)) return 0;
  if (!w->pager_wanted || !ex_is(n, "a")) return 1;
  char *href = ex_attr(n, "href");
  if (href) {
    char *text = ex_node_text(n, EX_TEXT_ALL, EX_MAX_LINK_TEXT);
    if (text) ex_pager_add(&w->pager, href, text);
    else w->nomem = 1;
    free(text);
    xmlFree(href);
  }
  return 1;
}

static void marks_leave(void *ctx, xmlNodePtr n) {
  marks_walk *w = ctx;
  if (n->type == XML_ELEMENT_NODE) w->furniture -= EX_MARKED_FURNITURE(n);
}

static int whole_page(const xmlNode *n) {
  return !n || n->type != XML_ELEMENT_NODE || ex_is(n, "body") || ex_is(n, "html");
}

/* The pager of a list closes the list's block: the main block when it
   holds the list, or the block around it when the main block is the item
   shown (its text, then "other news" and the pager). A main block that is
   the whole page (no block found) says nothing of where on the page a
   pager or a form is. 0, or -1 when out of memory. */
static int mark_main(ex_page *pg) {
  xmlNodePtr m = pg->main;
  if (whole_page(m)) return 0;
  marks_walk w = {m, pg->main_chars < EX_PAGED_ITEM_CHARS, {0, 0}, 0, 0, 0};
  ex_walk(!w.pager_wanted || whole_page(m->parent) ? m : m->parent, marks_enter, marks_leave, &w);
  pg->main_pager = ex_pager_found(&w.pager);
  pg->main_search = w.search;
  return w.nomem ? -1 : 0;
}

int ex_list_item_page(const ex_page *pg) {
  return pg->main_pager && pg->main_chars < EX_PAGED_ITEM_CHARS;
}

int ex_search_page(const ex_page *pg) {
  return pg->main_search && pg->main_links >= EXTRACT_LISTING_LINKS;
}

extract_status ex_page_scan(ex_page *pg, xmlDocPtr doc) {
  memset(pg, 0, sizeof *pg);
  scan_walk w = {pg, NULL, 0, 0, 0, 0};
  ex_walk((xmlNodePtr)doc, scan_enter, scan_leave, &w);
  if (!pg->body) pg->body = xmlDocGetRootElement(doc);
  pg->main = w.nomem ? NULL : best_block(&w);
  list_block(pg, &w);
  if (pg->main && !pg->item_list) { /* an item of a list stays the list's */
    size_t m = (size_t)(INFO(pg->main) >> 2);
    if (m) pg->main = w.c[best_near_heading(&w, m) - 1].node;
  }
  count_main(pg);
  free(w.c);
  if (w.nomem || mark_main(pg) != 0) return EXTRACT_NOMEM;
  pg->page_text = ex_node_text(pg->body, EX_TEXT_MARKED, EXTRACT_MAX_BODY);
  return pg->page_text ? EXTRACT_OK : EXTRACT_NOMEM;
}

void ex_page_clear(ex_page *pg) {
  xmlFree(pg->og_title);
  xmlFree(pg->og_site);
  xmlFree(pg->published);
  xmlFree(pg->section);
  free(pg->page_text);
  memset(pg, 0, sizeof *pg);
}

/* ------------------------------------------------------------------ */
/* Lines                                                                */
/* ------------------------------------------------------------------ */

#define FOLD_PREFIX 96    /* bytes of a line folded for matching */
#define FOLD_MAX_LINE 200 /* longer lines are never folded */

typedef struct {
  const char *s;
  size_t n;
  char *fold; /* the first FOLD_PREFIX bytes folded, or NULL */
  int whole;  /* fold covers the whole line */
} line;

typedef struct {
  line *v;
  size_t n;
} lines;

static void lines_free(lines *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i].fold);
  free(l->v);
}

static int split_lines(const char *text, lines *out, int *nomem) {
  size_t count = 1;
  for (const char *p = text; *p; p++) count += *p == '\n';
  out->n = 0;
  out->v = calloc(count, sizeof *out->v);
  if (!out->v) return *nomem = 1, -1;
  for (const char *p = text; *p;) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    line *l = &out->v[out->n++];
    l->s = p, l->n = n;
    /* labels, header lines and bylines are short; paragraphs are not
       folded (that is most of the text, and most of the time) */
    if (n <= FOLD_MAX_LINE) {
      size_t k = n < FOLD_PREFIX ? n : FOLD_PREFIX;
      while (k < n && k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80) k--;
      l->whole = k == n;
      l->fold = fold(p, k, nomem);
      if (*nomem) return -1;
    }
    p += n + (e != NULL);
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Property tables                                                      */
/* ------------------------------------------------------------------ */

typedef enum {
  P_NUMBER, P_DATE, P_TYPE, P_ISSUER, P_CATEGORY, P_EFFECTIVE, P_SIGNER, P_SUMMARY, P_COUNT
} prop_id;

static const struct {
  prop_id id;
  const char *label; /* folded */
} LABELS[] = {
  {P_NUMBER, "so ky hieu"},    {P_NUMBER, "so hieu"},          {P_NUMBER, "so van ban"},
  {P_NUMBER, "ky hieu"},       {P_DATE, "ngay ban hanh"},      {P_DATE, "ngay ky"},
  {P_DATE, "ngay van ban"},    {P_DATE, "ngay xac thuc"},      {P_DATE, "ngay thong qua"},
  {P_DATE, "ngay ky xac thuc"},
  {P_NUMBER, "so an le"},    {P_TYPE, "loai van ban"},       {P_TYPE, "loai vb"},
  {P_TYPE, "hinh thuc van ban"}, {P_ISSUER, "co quan ban hanh"}, {P_ISSUER, "noi ban hanh"},
  {P_ISSUER, "don vi ban hanh"}, {P_ISSUER, "co quan hop nhat"}, {P_CATEGORY, "linh vuc"},
  {P_EFFECTIVE, "ngay co hieu luc"}, {P_EFFECTIVE, "ngay hieu luc"}, {P_SIGNER, "nguoi ky"},
  {P_SUMMARY, "trich yeu"},
};

/* 1 when s is a date and nothing else: "11/02/2026", "1.2.2026". */
static int only_a_date(const char *s) {
  size_t a = strspn(s, "0123456789");
  if (a < 1 || a > 2 || !s[a] || !strchr("/.-", s[a])) return 0; /* strchr finds the NUL too */
  const char *p = s + a + 1;
  size_t b = strspn(p, "0123456789");
  if (b < 1 || b > 2 || p[b] != s[a]) return 0;
  p += b + 1;
  return strspn(p, "0123456789") == 4 && p[4] == '\0';
}

/* When line i is "label", "label:", "label/ more labels" or "label: value",
   the value (the rest of the line, else the next line); *colon tells the
   "label:" forms from a bare label cell. A date label also reads "label
   date" on one line, as a "label:" (a descriptions list whose label and
   value are adjacent spans: "Ngày ký xác thực11/02/2026"). */
static int label_value(const lines *l, size_t i, const char *label, int date_label, const char **v,
                       size_t *vn, int *colon) {
  const line *ln = &l->v[i];
  size_t n = strlen(label);
  if (!ln->fold || strncmp(ln->fold, label, n) != 0) return 0;
  const char *rest = ln->fold + n;
  while (*rest == ' ') rest++;
  size_t rn = strlen(rest);
  if (date_label && only_a_date(rest) && rn <= ln->n &&
      memcmp(ln->s + ln->n - rn, rest, rn) == 0) {
    *colon = 1;
    *v = ln->s + ln->n - rn;
    *vn = rn;
    return 1;
  }
  *colon = *rest == ':';
  if (*colon) {
    const char *c = memchr(ln->s, ':', ln->n);
    if (c) {
      *v = c + 1;
      *vn = ln->n - (size_t)(*v - ln->s);
      while (*vn && **v == ' ') (*v)++, (*vn)--;
      if (*vn) return 1;
    }
  } else if (!(*rest == '\0' && ln->whole) && *rest != '/') {
    return 0;
  }
  if (i + 1 >= l->n) return 0;
  *v = l->v[i + 1].s;
  *vn = l->v[i + 1].n;
  return 1;
}

#define N_LABELS (sizeof LABELS / sizeof LABELS[0])
#define IS_DATE_LABEL(k) (LABELS[k].id == P_DATE || LABELS[k].id == P_EFFECTIVE)

/* props[id]: the first value of each property, malloc'ed or NULL. A
   "Label: value" that comes back several times belongs to a list of other
   documents (vbpl.vn's related documents, search hits), not to this page:
   such a label is ignored in that form. A bare label cell is a table's. */
static void find_props(const lines *l, char *props[P_COUNT], int *nomem) {
  size_t listed[N_LABELS] = {0};
  const char *v;
  size_t vn;
  int colon;
  for (size_t i = 0; i < l->n; i++)
    for (size_t k = 0; k < N_LABELS; k++)
      listed[k] += label_value(l, i, LABELS[k].label, IS_DATE_LABEL(k), &v, &vn, &colon) && colon;
  for (size_t i = 0; i < l->n; i++)
    for (size_t k = 0; k < N_LABELS; k++) {
      if (props[LABELS[k].id] ||
          !label_value(l, i, LABELS[k].label, IS_DATE_LABEL(k), &v, &vn, &colon))
        continue;
      if (colon && listed[k] > 1) continue;
      props[LABELS[k].id] = dup_field(v, vn, nomem);
    }
}

/* ------------------------------------------------------------------ */
/* The document header                                                  */
/* ------------------------------------------------------------------ */

/* The header ("ỦY BAN NHÂN DÂN / QUẬN TÂY HỒ", "Số: 215/TB-UBND", "Tây Hồ,
   ngày ...", "THÔNG BÁO", "V/v ...") is read by legal.c's header reader,
   the one the indexer reads a document's text with (legal_parse_header). */

/* The first word of s in lower case ("Về" -> "về"), the rest as written. */
static void add_lowered_first_word(ex_text *t, const char *s, size_t n, int *nomem) {
  size_t w = 0;
  while (w < n && s[w] != ' ') w++;
  char *low = NULL;
  if (text_normalize(s, w, 0, &low, NULL) == TEXT_NOMEM) *nomem = 1;
  ex_text_add(t, low ? low : s, low ? strlen(low) : w);
  free(low);
  ex_text_add(t, s + w, n - w);
}

/* The type a header's title names: its type line ("THÔNG BÁO"), or for a
   letter, whose "V/v ..." line stands under its number, the number's type
   (a Công văn); NULL when the header has no title. */
static const char *header_title_type(const legal_info *h) {
  if (h->header_type[0]) return h->header_type;
  return strncasecmp(h->summary, "v/v", 3) == 0 && h->type[0] ? h->type : NULL;
}

/* A document's title as the sample records write it: its type and its
   summary line ("Thông báo về việc thực hiện giãn cách xã hội ...", from
   "THÔNG BÁO" / "V/v thực hiện giãn cách xã hội ..."). */
static char *header_title(const legal_info *h, int *nomem) {
  const char *type = header_title_type(h);
  const char *sum = h->summary;
  size_t sn = strlen(sum);
  if (!type || !sn) return NULL;
  ex_text t;
  ex_text_init(&t, EX_MAX_FIELD);
  /* "Kế hoạch cải cách hành chính năm 2024" already names its type */
  char *type_fold = fold(type, strlen(type), nomem);
  char *sum_fold = fold(sum, sn, nomem);
  size_t tl = type_fold ? strlen(type_fold) : 0;
  int named = type_fold && sum_fold && strncmp(sum_fold, type_fold, tl) == 0 && sum_fold[tl] == ' ';
  free(type_fold);
  free(sum_fold);
  if (named) {
    ex_text_add(&t, sum, sn);
  } else {
    ex_text_add(&t, type, strlen(type));
    ex_text_add(&t, " ", 1);
    if (strncasecmp(sum, "v/v", 3) == 0) {
      ex_text_add(&t, "về việc ", strlen("về việc "));
      ex_text_add(&t, sum + 3, sn - 3);
    } else if (is_upper(sum, sn)) { /* "HÌNH SỰ" -> "hình sự" */
      char *low = NULL;
      if (text_normalize(sum, sn, 0, &low, NULL) == TEXT_NOMEM) *nomem = 1;
      if (low) ex_text_add(&t, low, strlen(low));
      free(low);
    } else {
      add_lowered_first_word(&t, sum, sn, nomem);
    }
  }
  char *v = ex_text_take(&t);
  if (!v) *nomem = 1;
  return v;
}

/* "h:mm" somewhere in s[0..n). */
static int has_time(const char *s, size_t n) {
  for (size_t i = 1; i + 2 < n; i++)
    if (s[i] == ':' && isdigit((unsigned char)s[i - 1]) && isdigit((unsigned char)s[i + 1]) &&
        isdigit((unsigned char)s[i + 2]))
      return 1;
  return 0;
}

/* The portal's posting date: a short line with a date and a time ("31/07/2017
   | 2:20 PM", "Thứ Sáu, 20/08/2021 - 14:20") or a posting label ("Ngày đăng
   03/07/2021", "Publish date 29/09/2014 | 12:00 AM"). "Cập nhật" without a
   time is a database's update date, and "Ngày có hiệu lực" none at all. */
/* A line that is a date and nothing else ("12/03/2024", "(12/03/2024)"). */
static int date_only(const line *ln) {
  if (ln->n == 0 || ln->n > 30) return 0;
  for (size_t i = 0; i < ln->n; i++)
    if (!strchr("0123456789/-.() ", ln->s[i])) return 0;
  return has_digit(ln->s, ln->n);
}

/* The posting date printed alone under the page's heading. */
static char *date_under_heading(const lines *l, const char *title, int *nomem) {
  char *want = title ? fold(title, strlen(title), nomem) : NULL;
  char *v = NULL;
  for (size_t i = 0; want && i < l->n && !v && !*nomem; i++) {
    const line *ln = &l->v[i];
    if (!ln->fold || strncmp(ln->fold, want, strlen(ln->fold)) != 0) continue;
    char *whole = fold(ln->s, ln->n, nomem);
    int same = whole && strcmp(whole, want) == 0;
    free(whole);
    for (size_t k = i + 1; same && k < l->n && k <= i + 3 && !v; k++) {
      if (!date_only(&l->v[k])) continue;
      char *text = strndup(l->v[k].s, l->v[k].n);
      if (!text) *nomem = 1;
      else v = ex_norm_date(text, nomem);
      free(text);
    }
  }
  free(want);
  return v;
}

static char *posted_date(const lines *l, int *nomem) {
  static const char *const POSTED[] = {"ngay dang", "dang ngay", "thoi gian dang", "ngay:",
                                       "publish", "posted", "ngay xuat ban", "thu hai", "thu ba",
                                       "thu tu", "thu nam", "thu sau", "thu bay", "chu nhat"};
  for (size_t i = 0; i < l->n; i++) {
    const line *ln = &l->v[i];
    if (!ln->fold || ln->n > 120 || !has_digit(ln->s, ln->n) || strstr(ln->fold, "hieu luc")) continue;
    int hit = has_time(ln->s, ln->n);
    for (size_t k = 0; k < sizeof POSTED / sizeof POSTED[0] && !hit; k++) hit = starts_with(ln->fold, POSTED[k]);
    if (!hit) continue;
    char *text = strndup(ln->s, ln->n);
    if (!text) return *nomem = 1, NULL;
    char *v = ex_norm_date(text, nomem);
    free(text);
    if (v || *nomem) return v;
  }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* Title, category, office line                                         */
/* ------------------------------------------------------------------ */

/* A <title> segment that names the site, not the page. */
static int is_site_name(const char *seg, size_t n, const char *site, int *nomem) {
  static const char *const HINTS[] = {"cong thong tin", "trang thong tin", "cong ttdt",
                                      "trang tin dien tu", "website", "portal", "bao dien tu",
                                      ".vn", ".com", ".gov", ".org"};
  char *f = fold(seg, n, nomem);
  if (!f) return 0;
  int hit = 0;
  for (size_t i = 0; i < sizeof HINTS / sizeof HINTS[0] && !hit; i++) hit = strstr(f, HINTS[i]) != NULL;
  if (!hit && site) {
    char *fs = fold(site, strlen(site), nomem);
    hit = fs && *fs && strcmp(fs, f) == 0;
    free(fs);
  }
  free(f);
  return hit;
}

/* "Page - Site name" -> "Page"; "Site | Page" -> "Page". */
static char *strip_site_name(const char *t, const char *site, int *nomem) {
  static const char *const SEPS[] = {" - ", " | ", " – ", " — ", " :: "};
  const char *start = t, *end = t + strlen(t);
  const char *last = NULL, *first = NULL;
  size_t last_len = 0, first_len = 0;
  for (size_t i = 0; i < sizeof SEPS / sizeof SEPS[0]; i++) {
    size_t sl = strlen(SEPS[i]);
    for (const char *p = strstr(t, SEPS[i]); p; p = strstr(p + sl, SEPS[i])) {
      if (!last || p > last) last = p, last_len = sl;
      if (!first || p < first) first = p, first_len = sl;
    }
  }
  if (last && is_site_name(last + last_len, (size_t)(end - last - last_len), site, nomem))
    end = last;
  if (first && first < end && is_site_name(t, (size_t)(first - t), site, nomem))
    start = first + first_len;
  return dup_field(start, (size_t)(end - start), nomem);
}

/* Where the separators of a declared title are ("A - B | C"): offsets of
   each separator's start and end, in order. */
#define MAX_SEGMENTS 12
typedef struct {
  size_t at[MAX_SEGMENTS], after[MAX_SEGMENTS];
  size_t n;
} separators;

static void find_separators(const char *t, separators *sp) {
  static const char *const SEPS[] = {" - ", " | ", " – ", " — ", " :: ", " » "};
  sp->n = 0;
  for (size_t i = 0; t[i] && sp->n < MAX_SEGMENTS; i++)
    for (size_t k = 0; k < sizeof SEPS / sizeof SEPS[0]; k++)
      if (strncmp(t + i, SEPS[k], strlen(SEPS[k])) == 0) {
        sp->at[sp->n] = i;
        sp->after[sp->n++] = i + strlen(SEPS[k]);
        i += strlen(SEPS[k]) - 1;
        break;
      }
}

/* 1 when s[0..n) is, folded, a whole line of the page's text. */
static int is_page_line(const lines *l, const char *s, size_t n, int *nomem) {
  char *f = fold(s, n, nomem);
  if (!f) return 0;
  size_t fl = strlen(f);
  int hit = 0;
  for (size_t i = 0; i < l->n && !hit && !*nomem; i++) {
    const line *ln = &l->v[i];
    if (ln->n + 8 < fl || ln->n > fl * 2 + 8) continue; /* marks change byte lengths */
    char *g = fold(ln->s, ln->n, nomem);
    hit = g && strcmp(f, g) == 0;
    free(g);
  }
  free(f);
  return hit;
}

/* The page's own title inside a declared one (<title>, og:title) that
   carries the site's furniture ("Page - Category - Site", "Site | Page"):
   the longest run of its first (or last) segments that the page prints as
   a line of its own (its heading). NULL when the page prints none of it. */
static char *title_in_page(const char *t, const lines *l, const char *site, int *nomem) {
  separators sp;
  find_separators(t, &sp);
  size_t len = strlen(t);
  /* the whole, then ever shorter leading runs, then trailing runs */
  for (size_t k = sp.n + 1; k-- > 0;) {
    size_t end = k == sp.n ? len : sp.at[k];
    if (is_page_line(l, t, end, nomem) && !is_site_name(t, end, site, nomem))
      return dup_field(t, end, nomem);
  }
  for (size_t k = 0; k < sp.n; k++) {
    size_t start = sp.after[k];
    if (is_page_line(l, t + start, len - start, nomem) &&
        !is_site_name(t + start, len - start, site, nomem))
      return dup_field(t + start, len - start, nomem);
  }
  return NULL;
}

/* A declared title without its trailing segments that name the site or
   repeat a line of the page that is not its heading (the category). */
static char *strip_furniture(const char *t, const lines *l, const char *site, int *nomem) {
  separators sp;
  find_separators(t, &sp);
  size_t end = strlen(t);
  if (sp.n == 0 && is_site_name(t, end, site, nomem)) return NULL; /* "Cổng thông tin điện tử huyện X" */
  for (size_t k = sp.n; k-- > 0;) {
    const char *seg = t + sp.after[k];
    size_t n = end - sp.after[k];
    if (!is_site_name(seg, n, site, nomem) && !is_page_line(l, seg, n, nomem)) break;
    end = sp.at[k];
  }
  char *cut = dup_field(t, end, nomem);
  if (!cut) return NULL;
  char *v = strip_site_name(cut, site, nomem);
  free(cut);
  return v;
}

static char *node_field(xmlNodePtr n, int *nomem);

static int link_enter(void *ctx, xmlNodePtr n) {
  if (n->type != XML_ELEMENT_NODE) return 0;
  if (ex_is(n, "a") && xmlHasProp(n, (const xmlChar *)"href")) *(int *)ctx = 1;
  return !*(int *)ctx;
}

/* 1 when n holds an <a href>: a heading that links names another page. */
static int has_link(xmlNodePtr n) {
  int found = 0;
  ex_walk(n, link_enter, NULL, &found);
  return found;
}

/* A heading's text when it reads like a title (8 to 400 bytes) and is no
   link to another page (a list's first item). */
static char *heading_field(xmlNodePtr n, int *nomem) {
  if (!n || has_link(n)) return NULL;
  char *v = node_field(n, nomem);
  for (char *p = v; p && *p; p++)
    if (*p == '\n') *p = ' '; /* "Đề mục 41.10<br>Quy chế ..." is one title */
  if (v && (strlen(v) < 8 || strlen(v) > 400)) free(v), v = NULL;
  return v;
}

static char *node_field(xmlNodePtr n, int *nomem) {
  if (!n) return NULL;
  char *s = ex_node_text(n, EX_TEXT_ALL, EX_MAX_FIELD);
  if (!s) return *nomem = 1, NULL;
  char *v = dup_field(s, strlen(s), nomem);
  free(s);
  return v;
}

/* What the breadcrumb says: the sections above the page and the page's own
   crumb (a link to nowhere, href="" or "#": vbpl.vn's "Bộ luật
   101/2015/QH13"). Home crumbs ("Trang chủ", href="/") are left out. */
typedef struct {
  char *last, *prev; /* the last two section crumbs */
  char *current;     /* the page's own crumb */
  dynbuf folded;     /* every section crumb folded, one per line */
  int nomem;
} crumbs;

static int crumb_enter(void *ctx, xmlNodePtr n) {
  crumbs *c = ctx;
  if (!ex_is(n, "a")) return n->type == XML_ELEMENT_NODE;
  char *href = ex_attr(n, "href");
  int self = !href || !*href || href[0] == '#';
  int home = href && (strcmp(href, "/") == 0 || strcasecmp(href, "home") == 0 ||
                      strcasecmp(href, "index.html") == 0);
  xmlFree(href);
  char *text = home ? NULL : node_field(n, &c->nomem);
  char *f = text ? fold(text, strlen(text), &c->nomem) : NULL;
  if (!f || strcmp(f, "trang chu") == 0 || strcmp(f, "home") == 0 || strcmp(f, "trang nhat") == 0) {
    free(text);
  } else if (self) {
    free(c->current);
    c->current = text;
  } else {
    free(c->prev);
    c->prev = c->last;
    c->last = text;
    dynbuf_append_str(&c->folded, f);
    dynbuf_append_byte(&c->folded, '\n');
  }
  free(f);
  return 1; /* broken pages nest the next crumb inside an unclosed <a> */
}

static void crumbs_read(const ex_page *pg, crumbs *c) {
  memset(c, 0, sizeof *c);
  dynbuf_init(&c->folded, EX_MAX_FIELD * 4);
  if (pg->breadcrumb) ex_walk(pg->breadcrumb, crumb_enter, NULL, c);
}

static void crumbs_free(crumbs *c) {
  free(c->last), free(c->prev), free(c->current);
  dynbuf_free(&c->folded);
}

/* 1 when t (a <title>) only names a section of the site: vbpl.vn titles
   every page "Trung ương", one of its breadcrumb's sections. */
static int names_a_section(const crumbs *c, const char *t, int *nomem) {
  char *f = fold(t, strlen(t), nomem);
  int hit = f && *f && strstr(dynbuf_str(&c->folded), f) != NULL;
  free(f);
  return hit;
}

/* Most trusted first: what the page declares (og:title, <title>) where it
   prints it as its heading; its first <h1>; its header's type and summary;
   what it declares without the site's furniture; its own breadcrumb. */
static char *generic_title(const ex_page *pg, const lines *l, const legal_info *h, const crumbs *c,
                           int *nomem) {
  char *declared = node_field(pg->title_el, nomem);
  char *v = pg->og_title ? title_in_page(pg->og_title, l, pg->og_site, nomem) : NULL;
  if (!v && declared) v = title_in_page(declared, l, pg->og_site, nomem);
  if (!v) v = node_field(pg->h1, nomem);
  if (!v) v = header_title(h, nomem);
  if (!v && pg->og_title) v = strip_furniture(pg->og_title, l, pg->og_site, nomem);
  if (!v && declared) v = strip_furniture(declared, l, pg->og_site, nomem);
  if (!v && !ex_list_shaped(pg)) v = heading_field(pg->heading, nomem); /* not a list's first item */
  free(declared);
  if (c->current && (!v || names_a_section(c, v, nomem))) {
    free(v);
    v = dup_str(c->current, nomem);
  }
  return v;
}

/* The last section crumb that is not the page itself. */
static char *crumb_category(const crumbs *c, const char *title, int *nomem) {
  const char *v = c->last && title && strcmp(c->last, title) == 0 ? c->prev : c->last;
  return dup_str(v, nomem);
}

/* The office that signs a news article: "Văn phòng HĐND&UBND quận" alone or
   after the writer's name ("Minh Châu - Văn phòng ..."), in the last lines. */
static char *office_line(const char *body, int *nomem) {
  static const char *const OFFICES[] = {"van phong", "ubnd", "uy ban", "phong ", "so ", "ban ",
                                        "trung tam", "cong an", "hdnd", "quan uy", "toa an",
                                        "chi cuc", "cuc ", "bo "};
  if (!body) return NULL;
  /* only the last few lines matter: start there */
  const char *tail = body + strlen(body);
  for (int nl = 0; tail > body && nl < 6; tail--) nl += tail[-1] == '\n';
  lines l;
  if (split_lines(tail, &l, nomem) < 0) {
    lines_free(&l);
    return NULL;
  }
  char *v = NULL;
  for (size_t i = l.n, seen = 0; i > 0 && seen < 3 && !v && !*nomem; i--) {
    const line *ln = &l.v[i - 1];
    if (ln->n == 0) continue;
    seen++;
    if (ln->n > 120 || !ln->fold) continue;
    /* the part after the last dash, else the whole line */
    const char *seg = ln->s, *fseg = ln->fold;
    const char *d = NULL, *fd = NULL;
    for (size_t k = 0; k + 3 <= ln->n; k++) /* the line is not NUL-terminated */
      if (memcmp(ln->s + k, " - ", 3) == 0) d = ln->s + k;
    for (const char *p = ln->fold; (p = strstr(p, " - ")); p += 3) fd = p;
    if (d && fd) seg = d + 3, fseg = fd + 3;
    /* an office name has no digits or colon ("Ban hành:25/11/2015" is none) */
    size_t seg_n = ln->n - (size_t)(seg - ln->s);
    if (has_digit(seg, seg_n) || memchr(seg, ':', seg_n)) continue;
    for (size_t k = 0; k < sizeof OFFICES / sizeof OFFICES[0] && !v; k++)
      if (starts_with(fseg, OFFICES[k])) v = dup_field(seg, seg_n, nomem);
  }
  lines_free(&l);
  return v;
}

/* ------------------------------------------------------------------ */
/* Putting it together                                                  */
/* ------------------------------------------------------------------ */

/* The legal metadata of record schema 2, where the page states it (the
   indexer fills the rest from the body). */
static void fill_legal(const legal_info *h, char *const props[P_COUNT], record *rec, int *nomem) {
  if (!rec->effective && props[P_EFFECTIVE]) rec->effective = ex_norm_date(props[P_EFFECTIVE], nomem);
  if (!rec->signer) rec->signer = dup_str(props[P_SIGNER], nomem);
  if (!rec->summary) rec->summary = dup_str(props[P_SUMMARY], nomem);
  if (!rec->summary && header_title_type(h)) rec->summary = dup_str(h->summary, nomem);
}

/* "thành phố Hà Nội", "tỉnh Lâm Đồng", "quận Tây Hồ": the first place a
   text names with its rank, for a local body known only by its code. */
/* 1 when the letter at s is a capital (its case-folded form differs). */
static int is_capital(const char *s) {
  size_t n = 1;
  while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80) n++;
  if (isdigit((unsigned char)*s) || !*s) return 0;
  char *low = NULL;
  if (text_normalize(s, n, 0, &low, NULL) != TEXT_OK) return 0;
  int cap = strncmp(low, s, n) != 0 || strlen(low) != n;
  free(low);
  return cap;
}

static char *place_in(const char *text, int *nomem) {
  static const char *const RANKS[] = {"thành phố ", "tỉnh ", "quận ", "huyện ", "thị xã ", "TP ", "TP. "};
  if (!text) return NULL;
  for (const char *p = text; *p; p++) {
    if (p != text && p[-1] != ' ') continue;
    for (size_t k = 0; k < sizeof RANKS / sizeof RANKS[0]; k++) {
      size_t rl = strlen(RANKS[k]);
      /* "thành phố", "Thành phố" (the rank's first letter in either case) */
      int same = strncmp(p, RANKS[k], rl) == 0 ||
                 (tolower((unsigned char)p[0]) == RANKS[k][0] && strncmp(p + 1, RANKS[k] + 1, rl - 1) == 0);
      if (!same) continue;
      /* the capitalized words after the rank */
      const char *q = p + rl, *end = q;
      int words = 0;
      while (*q && words < 3 && is_capital(q)) {
        const char *w = q;
        while (*q && *q != ' ' && *q != ',' && *q != '.' && *q != ';' && *q != '\n' && *q != ')') q++;
        if (q == w) break;
        end = q;
        words++;
        if (*q != ' ') break;
        q++;
      }
      if (words) return dup_field(p, (size_t)(end - p), nomem);
    }
  }
  return NULL;
}

/* The body a number's code names ("1220/STTTT-BCVT": Sở Thông tin và
   Truyền thông; "15/2016/TTLT-BTTTT-BXD": both ministries), a local one
   with the place the page names. NULL when no code is known. */
static char *issuer_of_number(const char *number, const char *title, const char *body, int *nomem) {
  text_ref r;
  if (!number || !text_parse_ref(number, strlen(number), &r) || !r.issuer[0]) return NULL;
  ex_text t;
  ex_text_init(&t, EX_MAX_FIELD);
  int local = 0, named = 0;
  char codes[sizeof r.issuer];
  memcpy(codes, r.issuer, sizeof codes);
  for (char *seg = strtok(codes, "-"); seg; seg = strtok(NULL, "-")) {
    const legal_issuer_code *ic = legal_issuer_by_code(seg);
    if (!ic) {
      if (named) break; /* the unit after the body ("BCVT") */
      continue;
    }
    if (named) ex_text_add(&t, " - ", 3);
    ex_text_add(&t, ic->name, strlen(ic->name));
    local |= ic->local;
    named++;
    if (strcmp(r.kind, "TTLT") != 0 && strcmp(r.kind, "NQLT") != 0) break; /* one body */
  }
  if (named == 1 && local) {
    char *place = place_in(title, nomem);
    if (!place) place = place_in(body, nomem);
    if (place) {
      ex_text_add(&t, " ", 1);
      ex_text_add(&t, place, strlen(place));
    } else if (strncmp(r.issuer, "S", 1) != 0) {
      named = 0; /* "Ủy ban nhân dân" of no place names no one ("Sở ..." names a kind of office) */
    }
    free(place);
  }
  char *v = ex_text_take(&t);
  if (!v) *nomem = 1;
  if (v && !named) free(v), v = NULL;
  return v;
}

static void set_date(record *rec, char *date, const char *source, int *nomem) {
  if (rec->date || !date) {
    free(date);
    return;
  }
  rec->date = date;
  if (!rec->date_source) rec->date_source = dup_str(source, nomem);
}

/* Each rule runs only for a field still empty; each returns a malloc'ed
   value or NULL. Order = trust: property tables, then the document header,
   then the title and lead sentence, then page metadata and news
   conventions. */
static void fill_fields(ex_page *pg, const lines *l, record *rec, int *nomem) {
  char *props[P_COUNT] = {0};
  find_props(l, props, nomem);
  legal_info h;
  if (legal_parse_header(pg->page_text, strlen(pg->page_text), &h) == TEXT_NOMEM) *nomem = 1;
  /* in a list of links, "Hướng dẫn số: 1212/..." is an item's summary: a
     header's own line says "Số: ..." alone, or has its title line */
  int list_shaped = ex_list_shaped(pg);
  if (list_shaped && !h.header_type[0] && h.has_number && h.number.doctype[0]) memset(&h, 0, sizeof h);
  crumbs c;
  crumbs_read(pg, &c);

  if (!rec->title) rec->title = generic_title(pg, l, &h, &c, nomem);
  if (!rec->number && props[P_NUMBER]) rec->number = ex_norm_number(props[P_NUMBER], nomem);
  if (!rec->number && h.has_number) rec->number = dup_str(h.number.canonical, nomem);
  if (props[P_DATE]) set_date(rec, ex_norm_date(props[P_DATE], nomem), "header", nomem);
  set_date(rec, dup_str(h.date[0] ? h.date : NULL, nomem), "header", nomem);
  if (!rec->place) rec->place = dup_str(h.place[0] ? h.place : NULL, nomem);
  /* no header: the title and the lead sentence ("Công văn số 974/TTra ngày ...") */
  ex_lead lead;
  memset(&lead, 0, sizeof lead);
  /* a list of links (a listing's shape) presents no document of its own:
     its title ("Văn bản hợp nhất 31/VBHN-VPQH" over a diagram of others)
     only names the one it is about */
  int headed = rec->number || h.header_type[0] || props[P_TYPE] || list_shaped;
  if (!headed && ex_read_lead(rec->title, rec->body, &lead) < 0) *nomem = 1;
  if (!rec->number && lead.has_number) rec->number = dup_str(lead.number.canonical, nomem);
  if (lead.date[0]) set_date(rec, dup_str(lead.date, nomem), lead.from_title ? "title" : "text", nomem);
  if (!rec->posted && pg->published) rec->posted = ex_norm_date(pg->published, nomem);
  if (!rec->posted) rec->posted = posted_date(l, nomem);
  if (!rec->posted) rec->posted = date_under_heading(l, rec->title, nomem);
  set_date(rec, dup_str(rec->posted, nomem), "posted", nomem);
  if (!rec->type && props[P_TYPE]) rec->type = ex_norm_type(props[P_TYPE], nomem);
  if (!rec->type) rec->type = dup_str(header_title_type(&h), nomem);
  if (!rec->type) rec->type = dup_str(type_of_number(rec->number), nomem);
  if (!rec->type && h.type[0]) rec->type = dup_str(h.type, nomem);
  if (!rec->type) rec->type = dup_str(lead.type, nomem);
  if (!rec->type && rec->number && (lead.has_number || h.has_number)) {
    /* a number with no kind code, only its issuer's ("974/TTra"): a letter */
    text_ref r;
    if (text_parse_ref(rec->number, strlen(rec->number), &r) && !r.kind[0] && r.issuer[0])
      rec->type = dup_str("Công văn", nomem);
  }
  if (!rec->issuer) rec->issuer = dup_str(props[P_ISSUER], nomem);
  if (!rec->issuer) rec->issuer = dup_str(h.issuer[0] ? h.issuer : NULL, nomem);
  if (!rec->issuer) rec->issuer = dup_str(lead.issuer[0] ? lead.issuer : NULL, nomem);
  if (!rec->issuer && (lead.has_number || h.has_number))
    rec->issuer = issuer_of_number(rec->number, rec->title, rec->body, nomem);
  /* a document's own "Lĩnh vực" says more than the site section it sits in */
  if (!rec->category) rec->category = dup_str(props[P_CATEGORY], nomem);
  if (!rec->category) rec->category = crumb_category(&c, rec->title, nomem);
  if (!rec->category) rec->category = dup_str(pg->section, nomem);
  fill_legal(&h, props, rec, nomem);
  if (c.nomem || dynbuf_status(&c.folded) == DYNBUF_NOMEM) *nomem = 1;
  crumbs_free(&c);
  for (size_t i = 0; i < P_COUNT; i++) free(props[i]);
}

extract_status ex_generic(ex_page *pg, record *rec) {
  int nomem = 0;
  if (!rec->body && pg->main) {
    rec->body = ex_node_text(pg->main, EX_TEXT_MARKED, EXTRACT_MAX_BODY);
    if (!rec->body) return EXTRACT_NOMEM;
    if (!*rec->body) free(rec->body), rec->body = NULL;
  }
  lines l;
  if (split_lines(pg->page_text, &l, &nomem) == 0) fill_fields(pg, &l, rec, &nomem);
  if (!nomem && !rec->issuer) rec->issuer = office_line(rec->body, &nomem);
  lines_free(&l);
  return nomem ? EXTRACT_NOMEM : EXTRACT_OK;
}
