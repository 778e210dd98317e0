/* extract_internal.h: what the extractor's files share, one section per file.
 *
 * Only files of crawler/extract*.c include this. Names crossing files start
 * with ex_; everything else is static.
 */
#ifndef TRACUU_EXTRACT_INTERNAL_H
#define TRACUU_EXTRACT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "common/dynbuf.h"
#include "crawler/extract.h"

/* Writes "fmt..." into err (if any); returns st, so error paths are one line. */
extract_status ex_fail(extract_status st, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ------------------------------------------------------------------ */
/* Interface to code in extract_charset.c                              */
/* ------------------------------------------------------------------ */

/* The page as clean UTF-8: no NUL bytes, no invalid sequences, no BOM. */
typedef struct {
  char *text;              /* malloc'ed, NUL-terminated */
  size_t len;
  text_encoding enc;       /* what the bytes were / what was repaired */
  char charset[32];        /* the charset decided ("UTF-8", "windows-1258"...) */
} ex_decoded;

/* Decides the encoding (HTTP charset, BOM, valid UTF-8, <meta>, legacy
 * rescue) and converts page to UTF-8 into *out. */
extract_status ex_decode(const char *page, size_t len, const char *content_type,
                         ex_decoded *out /* OUT */, char *err /* OUT */, size_t errlen);

/* The charset parameter of a Content-Type header or of the first <meta>
 * that declares one (within the first EX_META_SCAN bytes), copied into
 * label; 0 when there is none. */
#define EX_META_SCAN (64u * 1024)
int ex_label_from_content_type(const char *ct, char *label /* OUT */, size_t cap);
int ex_label_from_meta(const char *s, size_t len, char *label /* OUT */, size_t cap);

/* ------------------------------------------------------------------ */
/* Interface to code in extract_dom.c                                   */
/* ------------------------------------------------------------------ */

/* Visits the subtree of root in document order without recursion (a page of
 * 100,000 nested tags must not exhaust the stack). enter returns 0 to skip
 * the node's children; leave (may be NULL) runs after the children. Only
 * element and document nodes are descended into. */
typedef int (*ex_enter_fn)(void *ctx, xmlNodePtr n);
typedef void (*ex_leave_fn)(void *ctx, xmlNodePtr n);
void ex_walk(xmlNodePtr root, ex_enter_fn enter, ex_leave_fn leave, void *ctx);

/* What a tag is (bit set): never text (script, style, form controls...),
   a line break (p, div, td...), a possible main block (div, td...), page
   furniture by its name (nav, footer, aside, menu). 0 for other tags. */
#define EX_TAG_DROPPED 1u
#define EX_TAG_BLOCK 2u
#define EX_TAG_CANDIDATE 4u
#define EX_TAG_FURNITURE 8u
unsigned ex_tag(const xmlNode *n);

/* 1 for element nodes named name (ASCII, case-insensitive; HTML names are
 * lower case already). */
int ex_is(const xmlNode *n, const char *name);

/* 1 for nodes whose content is never text: script, style, noscript, form
 * controls, templates, comments, processing instructions. */
int ex_is_dropped(const xmlNode *n);

/* 1 for page furniture: nav/header/footer/aside/menu elements and elements
 * whose class or id says menu, sidebar, footer, breadcrumb, share... */
int ex_is_boilerplate(const xmlNode *n);

/* 1 for elements that break a line (p, div, li, td, h1, br...). */
int ex_is_block(const xmlNode *n);

/* The attribute's value (malloc'ed by libxml2, free with xmlFree) or NULL. */
char *ex_attr(const xmlNode *n, const char *name);

/* Text with whitespace collapsed: runs of spaces become one space, block
 * boundaries one newline, no leading or trailing space on a line. Stops
 * quietly (at a character boundary) when max bytes are reached. */
typedef struct {
  dynbuf b;
  int pending_space, pending_break;
  int full; /* the cap was reached; later text is dropped */
} ex_text;

void ex_text_init(ex_text *t, size_t max);
void ex_text_add(ex_text *t, const char *s, size_t n);
void ex_text_break(ex_text *t);
/* ex_text_add, but each '\n' of s is kept as a line break. */
void ex_text_add_lines(ex_text *t, const char *s);
/* Hands the text over (caller frees); NULL when out of memory. */
char *ex_text_take(ex_text *t);

/* Which subtrees below n ex_node_text leaves out, besides ex_is_dropped:
 * none, furniture by ex_is_boilerplate, or furniture as marked by
 * ex_page_scan (the same answer, without asking again for every node). */
typedef enum { EX_TEXT_ALL = 0, EX_TEXT_CONTENT, EX_TEXT_MARKED } ex_text_mode;

/* ex_page_scan's mark on furniture roots: bit 0 of node->_private (the
 * scan owns _private until the document is freed). */
#define EX_MARKED_FURNITURE(n) (((uintptr_t)(n)->_private & 1u) != 0)

/* The text of the subtree of n (see ex_text). Caller frees; NULL only when
 * out of memory. */
char *ex_node_text(xmlNodePtr n, ex_text_mode mode, size_t max);

/* Copies s[0..n) trimmed of spaces, cut to at most max bytes at a character
 * boundary; NULL when out of memory. */
char *ex_strndup_trim(const char *s, size_t n, size_t max);

/* ------------------------------------------------------------------ */
/* Interface to code in extract_generic.c                               */
/* ------------------------------------------------------------------ */

/* What one pass over the tree collected for the generic extractor. */
typedef struct {
  xmlNodePtr body;       /* <body>, else the root element */
  xmlNodePtr h1;         /* first <h1> outside page furniture */
  xmlNodePtr heading;    /* first element outside the furniture whose class or id
                            says it is a title ("title", "tieu-de"), <h2> or <h3> */
  xmlNodePtr title_el;   /* <title> */
  xmlNodePtr breadcrumb; /* first breadcrumb container */
  xmlNodePtr main;       /* the main content block */
  char *og_title, *og_site, *published, *section; /* <meta> values (xmlFree) */
  char *page_text;       /* the text of body without furniture (malloc'ed) */
  size_t main_links;     /* <a href> elements in main, outside furniture */
  size_t main_chars;     /* non-space bytes of main's text outside links */
  size_t list_links;     /* links of the block most a list of links (list_block) */
  size_t list_link_chars; /* their text's non-space bytes */
  int item_list;         /* the main block is one item of a list (list_block) */
  int main_pager;        /* the main block, or the block around it, holds a
                            list's pager (ex_pager) */
  int main_search;       /* the main block holds a search form (ex_search_page) */
} ex_page;

/* 1 when the page has a listing's shape: its main block is mostly links
   (EXTRACT_LISTING_LINKS, EXTRACT_LISTING_CHARS), or its text is no more
   than a crumb (under EX_LIST_MAIN_CHARS) beside a block of at least
   EX_LIST_LINKS links whose text outweighs the block's own and runs to
   EX_LIST_LINK_CHARS bytes a link (a table of documents: a category page of
   a portal whose items are all links), or its main block is one item of a
   list: it has a summary's length (EX_ITEM_MIN_CHARS), and a block above it
   holds at least EXTRACT_LISTING_LINKS links, three
   times its text and under EX_ITEM_CHARS bytes a link (a title link, a date
   and a summary per item). A page with a number of its own is
   a document whatever its shape (the caller decides). */
/* The main block takes in the blocks around it (a lead paragraph, a
   heading) up to EX_CLIMB_LEVELS levels up, while each adds at most
   EX_CLIMB_CHARS bytes of text (and no more than it holds itself); and,
   at any level, a block around it that holds no other block with text and
   adds text of its own, no more than it holds (the paragraphs before it in
   a chain of tags left open). */
#define EX_CLIMB_LEVELS 3
/* A main block with less text than this, apart from the page's heading,
   gives way to the block around the heading when that holds more. */
#define EX_SHORT_MAIN_CHARS 200
#define EX_CLIMB_CHARS 300
#define EX_LIST_LINKS 8
#define EX_LIST_LINK_CHARS 20
#define EX_LIST_MAIN_CHARS 300
#define EX_ITEM_CHARS 500
#define EX_ITEM_MIN_CHARS 100 /* an item's summary; less is an article's one line */
int ex_list_shaped(const ex_page *pg);

/* A page of a list that shows one item in full (a category page's newest
   article, a list paged one item at a time) holds the list's pager below
   the item, in the main block or in the block around it (the item, "other
   news", the pager), not in another column. Such a page is a listing
   even when the item states a number (the item has a page of its own), as
   long as its main text is under EX_PAGED_ITEM_CHARS bytes: one page of a
   document split over several pages holds more. */
#define EX_PAGED_ITEM_CHARS 2000
int ex_list_item_page(const ex_page *pg);

/* A search page shows what a search form asked for: its main block holds
   the form (a form of under EX_SEARCH_FORM_CHARS bytes of its own text,
   with a text field or a choice list and a submit button, and no text
   area, password or file field: not a comment or login form) and at least
   EXTRACT_LISTING_LINKS links. Such a page is a listing when no number of
   its own was found, whatever text the hit it shows holds. */
#define EX_SEARCH_FORM_CHARS 200
int ex_search_page(const ex_page *pg);

/* Fills in every field of rec that is still NULL from the generic rules.
 * Returns EXTRACT_OK or EXTRACT_NOMEM. */
extract_status ex_generic(ex_page *pg, record *rec);

/* Collects pg (one walk) and its page text. EXTRACT_OK or EXTRACT_NOMEM. */
extract_status ex_page_scan(ex_page *pg, xmlDocPtr doc);
void ex_page_clear(ex_page *pg);

/* Normalizes a field value found somewhere: a date (any Vietnamese form)
 * to YYYY-MM-DD, a number to its canonical form, a type to sentence case.
 * Each takes the raw text and returns a malloc'ed value or NULL (no value,
 * or *nomem set). */
char *ex_norm_date(const char *s, int *nomem);
char *ex_norm_number(const char *s, int *nomem);
char *ex_norm_type(const char *s, int *nomem);

/* ------------------------------------------------------------------ */
/* Interface to code in extract_lead.c                                  */
/* ------------------------------------------------------------------ */

/* The document a page's title and lead sentence present. */
typedef struct {
  int has_number;
  text_ref number;      /* its own number, when has_number */
  const char *type;     /* the type's name (static), or NULL */
  char issuer[256];     /* as written, or "" */
  char date[11];        /* the date of issue, YYYY-MM-DD, or "" */
  int from_title;       /* the number (and date) came from the title */
} ex_lead;

/* Reads title (may be NULL) and then the first lines of text (may be NULL)
   into *out. 0, or -1 when out of memory. */
int ex_read_lead(const char *title, const char *text, ex_lead *out /* OUT */);

/* ------------------------------------------------------------------ */
/* Interface to code in extract_links.c                                 */
/* ------------------------------------------------------------------ */

/* Every <a href> of doc resolved against base (http/https only, fragment
 * dropped), and the subset that points at document files. */
extract_status ex_links(xmlDocPtr doc, const char *base, extract_result *out);

/* 1 when the page links to other pages of itself as a paginated list: at
   least two links whose text is a page number ("2", "3") and whose URL says
   page ("page=", "p=", "trang", "cur=", "/page/"), or one such link and a
   "next" link ("Trang sau", "Tiếp", "»"). A page of a paginated list whose
   main text is under EX_PAGED_MAIN_CHARS bytes is a listing. */
#define EX_PAGED_MAIN_CHARS 600
int ex_paginated(const extract_result *r);

/* The same count over any set of links (url may be an href as written):
   ex_pager_add each, then ex_pager_found says whether they page a list. */
typedef struct {
  size_t numbered, next;
} ex_pager;
void ex_pager_add(ex_pager *p, const char *url, const char *text);
int ex_pager_found(const ex_pager *p);

/* 1 when the URL's path or query names a .pdf .doc .docx .xls .xlsx .zip
 * .rar file. */
int ex_is_attachment_url(const char *url);

/* ------------------------------------------------------------------ */
/* Interface to code in extract_profile.c                               */
/* ------------------------------------------------------------------ */

/* Fills rec's fields from the profile's XPath selectors (fields without a
 * selector, or whose selector matches nothing, stay NULL). */
extract_status ex_profile_apply(xmlDocPtr doc, const extract_profile *p, record *rec,
                                char *err /* OUT */, size_t errlen);

/* ------------------------------------------------------------------ */
/* Caps                                                                 */
/* ------------------------------------------------------------------ */

#define EX_MAX_FIELD EXTRACT_MAX_FIELD
#define EX_MAX_URL EXTRACT_MAX_URL
#define EX_MAX_LINK_TEXT 512u         /* a link's text (bytes) */

#endif
