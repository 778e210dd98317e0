/* feed: /feed?q=... an Atom feed (RFC 4287) of any search of the search
 * page, with the page's filters (from, to, type, issuer, category): the
 * WEB_FEED_SIZE documents matching it that were first indexed most
 * recently, newest first, each with when it was first indexed as its
 * <updated> and <published>. A feed reader polling it sees each new
 * directive once.
 *
 * Every string goes through html_text (XML 1.0's text and attribute
 * escaping is HTML's, with the C0 controls dropped), after feed_text drops
 * the two noncharacters XML forbids as well (U+FFFE, U+FFFF); links are
 * relative to the feed's own URL, so they stay right behind a reverse
 * proxy, whatever Host the request claims. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/timefmt.h"
#include "web/html.h"
#include "web/web_internal.h"

#define WEB_FEED_SIZE 20

/* s as XML character data: html_text without U+FFFE and U+FFFF. */
static void feed_text(dynbuf *b, const char *s) {
  const char *from = s ? s : "";
  for (const char *p = from; *p; p++) {
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == 0xEF && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF)) {
      html_text_n(b, from, (size_t)(p - from));
      from = p + 3;
      p += 2;
    }
  }
  html_text(b, from);
}

static void element(dynbuf *b, const char *name, const char *text) {
  dynbuf_printf(b, "<%s>", name);
  feed_text(b, text);
  dynbuf_printf(b, "</%s>\n", name);
}

/* An instant for <updated>: the stamp, else the document's date, else the epoch. */
static void instant(dynbuf *b, const char *name, int64_t ms, const char *date) {
  char iso[TIMEFMT_ISO_LEN];
  int64_t t = 0;
  if (ms > 0) t = ms / 1000;
  else if (date) timefmt_parse_iso(date, &t);
  dynbuf_printf(b, "<%s>%s</%s>\n", name, timefmt_iso(t, iso), name);
}

static int is_web_url(const char *u) {
  return u && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
}

/* A permanent IRI naming the document: its own URL, or a URN of its id. */
static void entry_id(dynbuf *b, const record *r) {
  dynbuf_append_str(b, "<id>");
  if (is_web_url(r->url)) feed_text(b, r->url);
  else {
    dynbuf url;
    dynbuf_init(&url, 16 * 1024);
    dynbuf_append_str(&url, "urn:tracuu:doc:");
    html_url_part(&url, r->id);
    feed_text(b, dynbuf_str(&url));
    dynbuf_free(&url);
  }
  dynbuf_append_str(b, "</id>\n");
}

static void entry(dynbuf *b, const query_hit *h) {
  const record *r = &h->rec;
  dynbuf link;
  dynbuf_init(&link, 16 * 1024);
  dynbuf_append_str(&link, "doc/"); /* relative to /feed: /doc/ID */
  html_url_part(&link, r->id);
  dynbuf_append_str(b, "<entry>\n");
  element(b, "title", r->title ? r->title : r->id);
  entry_id(b, r);
  dynbuf_append_str(b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
  feed_text(b, dynbuf_str(&link));
  dynbuf_append_str(b, "\"/>\n");
  dynbuf_free(&link);
  if (is_web_url(r->url)) {
    dynbuf_append_str(b, "<link rel=\"via\" href=\"");
    feed_text(b, r->url);
    dynbuf_append_str(b, "\"/>\n");
  }
  instant(b, "updated", h->indexed_ms, r->date);
  instant(b, "published", h->indexed_ms, r->date);
  if (r->issuer) {
    dynbuf_append_str(b, "<author><name>");
    feed_text(b, r->issuer);
    dynbuf_append_str(b, "</name></author>\n");
  }
  if (r->type) {
    dynbuf_append_str(b, "<category term=\"");
    feed_text(b, r->type);
    dynbuf_append_str(b, "\"/>\n");
  }
  dynbuf_append_str(b, "<summary type=\"text\">");
  const char *parts[] = {r->number, r->date, r->type, r->issuer};
  int any = 0;
  for (size_t i = 0; i < 4; i++) {
    if (!parts[i] || !parts[i][0]) continue;
    if (any) dynbuf_append_str(b, " · ");
    feed_text(b, parts[i]);
    any = 1;
  }
  if (h->snippet && h->snippet[0]) {
    if (any) dynbuf_append_str(b, " — ");
    feed_text(b, h->snippet);
  }
  dynbuf_append_str(b, "</summary>\n</entry>\n");
}

/* What the feed is of, for people: the words and filters. */
static void feed_title(dynbuf *b, const web_params *p) {
  dynbuf t;
  dynbuf_init(&t, 8 * 1024);
  dynbuf_append_str(&t, "tracuu: ");
  dynbuf_append_str(&t, p->q[0] ? p->q : "văn bản mới");
  const char *f[][2] = {{"loại", p->type}, {"cơ quan", p->issuer}, {"lĩnh vực", p->category},
                        {"từ", p->from},   {"đến", p->to}};
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
    if (f[i][1][0]) dynbuf_printf(&t, ", %s %s", f[i][0], f[i][1]);
  element(b, "title", dynbuf_str(&t));
  dynbuf_free(&t);
}

void feed_search(const web_req *rq, web_reply *out) {
  query_request req;
  char from[11], to[11], err[1024];
  query_result *res = NULL;
  if (web_request_of(rq->p, &req, from, to, err, sizeof err) != 0) {
    page_error(400, err, out);
    return;
  }
  req.sort = QUERY_SORT_INDEXED; /* what is new first, whatever the page's order */
  req.offset = 0;
  req.limit = WEB_FEED_SIZE;
  req.facets = req.suggest = 0;
  engine_status qs = query_run(rq->db, &req, &res, err, sizeof err);
  if (qs == ENGINE_BAD_QUERY) /* nothing to search for: a feed reader gets a valid, empty feed */
    res = calloc(1, sizeof *res);
  else if (qs != ENGINE_OK) {
    page_error(web_status_of(qs, err, sizeof err), err, out);
    return;
  }
  if (!res) {
    page_error(500, "out of memory", out);
    return;
  }
  dynbuf *b = &out->body;
  dynbuf self, page, id;
  dynbuf_init(&self, 16 * 1024);
  dynbuf_init(&page, 16 * 1024);
  dynbuf_init(&id, 16 * 1024);
  web_params canon = *rq->p;
  canon.sort[0] = '\0';
  canon.offset = 0;
  web_search_url(&self, "feed", &canon); /* relative to /feed itself */
  web_search_url(&page, "./", &canon);
  dynbuf_append_str(&id, "urn:tracuu:feed:");
  html_url_part(&id, dynbuf_str(&self));
  dynbuf_append_str(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                       "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"vi\">\n");
  feed_title(b, rq->p);
  dynbuf_append_str(b, "<subtitle>Văn bản mới được lập chỉ mục khớp với tìm kiếm này</subtitle>\n");
  element(b, "id", dynbuf_str(&id));
  dynbuf_append_str(b, "<link rel=\"self\" type=\"application/atom+xml\" href=\"");
  feed_text(b, dynbuf_str(&self));
  dynbuf_append_str(b, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
  feed_text(b, dynbuf_str(&page));
  dynbuf_append_str(b, "\"/>\n");
  instant(b, "updated", res->n_hits ? res->hits[0].indexed_ms : 0,
          res->n_hits ? res->hits[0].rec.date : NULL);
  dynbuf_append_str(b, "<author><name>tracuu</name></author>\n<generator>tracuu</generator>\n");
  for (size_t i = 0; i < res->n_hits; i++) entry(b, &res->hits[i]);
  dynbuf_append_str(b, "</feed>\n");
  dynbuf_free(&self);
  dynbuf_free(&page);
  dynbuf_free(&id);
  query_result_free(res);
  out->status = 200;
  out->content_type = "application/atom+xml; charset=utf-8";
}
