/* crawl: frontier -> fetch -> store -> extract -> index, one loop.
 *
 * Every state change of one loop turn runs in one SQLite transaction,
 * committed only after the WARC records it names are fsynced: a crash
 * loses at most the turn in progress, whose URLs are still in the
 * frontier (or still due) and are fetched again by the next run. What is
 * asked, and in which order, is crawl_frontier.c's; when a page is due
 * again, schedule.h's. */
#include "crawler/crawl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "crawler/crawl_internal.h"
#include "crawler/sitemap.h"

int64_t crawl_mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t crawl_clock(const crawler *c) { return (int64_t)time(NULL) + c->o->clock_offset; }

const char *crawl_strerror(crawl_status st) {
  switch (st) {
  case CRAWL_OK: return "ok";
  case CRAWL_BUSY: return "another crawl is running";
  case CRAWL_USAGE: return "bad start URL or configuration";
  case CRAWL_IO: return "the store could not be written";
  case CRAWL_INDEX: return "the index could not be written";
  case CRAWL_NOMEM: return "out of memory";
  }
  return "?";
}

void crawl_stop(crawler *c, crawl_status st, const char *fmt, ...) {
  if (c->fatal != CRAWL_OK) return;
  c->fatal = st;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, c->errlen, fmt, ap);
  va_end(ap);
}

void crawl_log(crawler *c, const char *url, const char *fmt, ...) {
  if (!c->o->log) return;
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->o->log(c->o->ctx, url, msg);
}

/* --- the state transaction of one loop turn ------------------------------- */

int crawl_ensure_tx(crawler *c) {
  if (c->in_tx) return 0;
  if (c->fatal != CRAWL_OK) return -1;
  if (state_begin(c->st) != 0) {
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return -1;
  }
  c->in_tx = 1;
  c->turn_answers = 0;
  c->turn_start = crawl_mono_ms();
  return 0;
}

static void index_commit(crawler *c) {
  if (!c->ix || c->fatal != CRAWL_OK) return;
  engine_status es = indexer_commit(c->ix);
  if (es != ENGINE_OK) {
    c->sum->index_status = es;
    crawl_stop(c, CRAWL_INDEX, "%s", indexer_errmsg(c->ix));
  } else if (state_pending_clear(c->st) != 0) {
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  }
  c->since_commit = 0;
}

/* Makes the turn durable: WARC first, then the state that names it. */
static void flush_turn(crawler *c) {
  if (!c->in_tx) return;
  c->turn_answers = 0;
  char err[512], end[32];
  int ok = c->fatal == CRAWL_OK;
  if (ok && c->warc_dirty) {
    ok = warc_sync(c->warc, err, sizeof err) == 0;
    if (!ok) crawl_stop(c, CRAWL_IO, "%s", err);
    snprintf(end, sizeof end, "%lld", (long long)warc_end(c->warc));
    ok = ok && state_meta_set(c->st, "warc_file", warc_current(c->warc)) == 0 &&
         state_meta_set(c->st, "warc_end", end) == 0;
  }
  ok = ok && state_commit(c->st) == 0;
  if (!ok) {
    if (c->fatal == CRAWL_OK) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    state_rollback(c->st);
  }
  c->in_tx = c->warc_dirty = 0;
  if (c->since_commit >= CRAWL_COMMIT_EVERY) index_commit(c);
}

void crawl_note(crawler *c, const state_fetch *sf, state_verdict v) {
  if (crawl_ensure_tx(c) == 0 && state_record(c->st, sf, v) != 0)
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
}

item *crawl_item_new(item_kind kind, const char *url, origin *o, int64_t fid, int depth) {
  item *it = calloc(1, sizeof *it);
  if (!it || !(it->url = strdup(url))) {
    free(it);
    return NULL;
  }
  it->kind = kind;
  it->org = o;
  it->fid = fid;
  it->depth = depth;
  return it;
}

void crawl_page_done(crawler *c, item *it) {
  c->firsts -= it->first != 0;
  crawl_frontier_done(c, it->fid);
  crawl_item_free(it);
}

void crawl_item_free(item *it) {
  if (!it) return;
  state_page_clear(&it->prev);
  free(it->url);
  free(it);
}

/* --- the schedule of one page ---------------------------------------------- */

/* What one answer (or its absence) says, while it is being recorded. */
typedef struct {
  item *it;
  const fetch_result *r;    /* NULL: the page was not asked */
  const char *url;          /* the page the answer belongs to (after redirects) */
  const site_view *site;
  int known;                /* prev holds what the state knew of url */
  const state_page *prev;
  state_page final_prev;    /* prev of the final URL after a redirect */
  state_fetch sf;
  char hash[65], rhash[65];
  schedule_kind kind;
  schedule_outcome outcome;
} answer;

/* When the page's content last changed, as far as anyone says. */
static int64_t modified_at(const answer *a) {
  int64_t t;
  if (a->r && a->r->last_modified && timefmt_parse_http(a->r->last_modified, &t) == 0) return t;
  if (!a->known) return 0;
  if (a->prev->last_modified && timefmt_parse_http(a->prev->last_modified, &t) == 0) return t;
  return a->prev->changed_at ? a->prev->changed_at : a->prev->first_seen;
}

/* Fills a->sf's schedule from a->outcome; 1 when the page is now gone. */
static int plan_next(crawler *c, answer *a) {
  schedule_bounds dflt;
  schedule_bounds_default(&dflt);
  const schedule_bounds *b = a->site ? &a->site->bounds : &dflt;
  schedule_visit v = {
      .kind = a->kind ? a->kind : a->known ? (schedule_kind)a->prev->kind : SCHEDULE_UNKNOWN,
      .depth = a->it->depth,
      .outcome = a->outcome,
      .fetched_at = a->sf.fetched_at,
      .modified_at = modified_at(a),
      .interval = a->known ? a->prev->interval : 0,
      .fails = a->known ? a->prev->fails : 0,
      .url_hash = schedule_url_hash(a->url)};
  schedule_next n;
  schedule_after_visit(b, &v, &n);
  a->sf.next_due = n.next_due;
  a->sf.interval = n.interval;
  a->sf.fails = n.fails;
  a->sf.kind = v.kind;
  a->sf.depth = a->it->depth;
  a->sf.site = a->site ? a->site->name : NULL;
  if (a->outcome == SCHEDULE_NEW || a->outcome == SCHEDULE_CHANGED) a->sf.changed_at = v.fetched_at;
  (void)c;
  return n.gone;
}

/* A page not asked in this run: robots.txt forbids it, or its origin did
 * not answer. Its schedule moves on as if it had been asked. */
static void not_asked(crawler *c, item *it, schedule_outcome why, state_verdict v, const char *msg) {
  answer a = {.it = it, .url = it->url, .site = it->org->site, .known = it->known > 0,
              .prev = &it->prev, .outcome = why};
  a.sf.url = it->url;
  a.sf.fetched_at = crawl_clock(c);
  plan_next(c, &a);
  if (why == SCHEDULE_UNCHANGED && a.site) a.sf.next_due = a.sf.fetched_at + a.site->bounds.max_revisit;
  crawl_note(c, &a.sf, v);
  if (msg) crawl_log(c, it->url, "%s", msg);
  crawl_page_done(c, it);
}

static void fly(crawler *c, item *it) {
  it->fly_next = c->flying;
  it->fly_prev = NULL;
  if (c->flying) c->flying->fly_prev = it;
  c->flying = it;
}

static void landed(crawler *c, item *it) {
  if (it->fly_prev) it->fly_prev->fly_next = it->fly_next;
  else c->flying = it->fly_next;
  if (it->fly_next) it->fly_next->fly_prev = it->fly_prev;
}

void crawl_submit(crawler *c, item *it, const char *etag, const char *last_modified) {
  /* A sitemap may be as large as its parser takes (the protocol's 50 MB). */
  fetch_error e = fetch_add_max(c->f, it->url, etag, last_modified,
                                it->kind == ITEM_SITEMAP ? SITEMAP_MAX_BYTES : 0, it);
  if (e == FETCH_OK) {
    if (it->kind == ITEM_PAGE) c->started++;
    fly(c, it);
    return;
  }
  if (it->kind == ITEM_PAGE) {
    c->sum->fetched++;
    c->sum->failed++;
    not_asked(c, it, SCHEDULE_NO_ANSWER, STATE_FAILED, fetch_strerror(e));
    return;
  }
  if (it->kind == ITEM_SITEMAP) c->sitemaps_pending--;
  crawl_item_free(it);
}

void crawl_start_page(crawler *c, item *it) {
  if (it->org->unreachable) {
    c->sum->fetched++;
    c->sum->failed++;
    not_asked(c, it, SCHEDULE_NO_ANSWER, STATE_FAILED, "not fetched: robots.txt could not be read");
    return;
  }
  if (crawl_robots_says_no(it->org, it->url)) {
    /* Noted as done in this run, so that other links to it are not queued. */
    c->sum->robots_blocked++;
    not_asked(c, it, SCHEDULE_UNCHANGED, STATE_SKIPPED, NULL);
    return;
  }
  /* A gone page is asked again unconditionally. */
  int cond = it->known > 0 && !it->prev.gone;
  crawl_submit(c, it, cond ? it->prev.etag : NULL, cond ? it->prev.last_modified : NULL);
}

/* --- robots.txt and sitemaps ----------------------------------------------- */

static long site_delay(const crawler *c, const origin *o) {
  if (c->o->delay_ms >= 0) return c->o->delay_ms; /* --delay overrides all */
  long d = o->site && o->site->delay_ms >= 0 ? o->site->delay_ms : 1000;
  long robots_d = o->rules ? robots_crawl_delay_ms(o->rules) : -1;
  return robots_d > d ? robots_d : d;
}

static void submit_sitemap(crawler *c, const char *url, int depth) {
  if (c->sitemaps >= CRAWL_MAX_SITEMAPS) return;
  const site_view *s = crawl_site_for(c, url);
  if (!s) s = crawl_site_by_origin(c, url);
  origin *o = s ? crawl_origin_for(c, url, s) : NULL;
  if (!o || crawl_robots_says_no(o, url)) return;
  item *it = crawl_item_new(ITEM_SITEMAP, url, o, 0, depth);
  if (!it) return;
  c->sitemaps++;
  c->sitemaps_pending++;
  crawl_submit(c, it, NULL, NULL);
}

/* The sitemaps robots.txt and the config name for origin o, on every run:
 * a run stopped by a full disk or killed loses the frontier rows of its last
 * transaction, the URLs a sitemap gave included, and its resumption must
 * find them again (the frontier takes each URL once; once only a third run
 * did). */
static void submit_sitemaps(crawler *c, origin *o) {
  for (size_t i = 0; o->rules && i < robots_sitemap_count(o->rules); i++) {
    char *u = fetch_url_resolve(o->name, robots_sitemap(o->rules, i));
    if (u) submit_sitemap(c, u, 0);
    free(u);
  }
  const config_site *cs = o->site ? o->site->cfg : NULL;
  for (size_t i = 0; cs && i < cs->sitemap.n; i++) {
    char name[FETCH_MAX_URL + 32];
    if (fetch_url_origin(cs->sitemap.items[i], name, sizeof name) == 0 &&
        strcmp(name, o->name) == 0)
      submit_sitemap(c, cs->sitemap.items[i], 0);
  }
}

static void on_robots(crawler *c, item *it, const fetch_result *r) {
  origin *o = it->org;
  const char *ua = crawl_agent_of(c, o->site);
  if (r->error == FETCH_OK && r->code == 200)
    o->rules = robots_parse(r->body->data ? r->body->data : "", r->body->len, ua);
  else if (r->error == FETCH_OK && r->code >= 400 && r->code < 500)
    o->rules = robots_allow_all(); /* RFC 9309: unavailable means no rules */
  else {
    o->rules = robots_disallow_all(); /* unreachable: assume complete disallow */
    o->unreachable = 1;
    crawl_log(c, it->url, "robots.txt could not be read (%s): this host is skipped",
              r->error != FETCH_OK ? r->message : "HTTP error");
  }
  if (!o->rules) {
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  o->phase = ROBOTS_READY;
  fetch_set_host_delay(c->f, o->name, site_delay(c, o));
  submit_sitemaps(c, o);
  crawl_unpark(c, o);
}

typedef struct {
  crawler *c;
  const char *base;
  int nested; /* 1: locs are sitemaps */
  int depth;
} sitemap_ctx;

static int on_sitemap_loc(void *ctx, const char *loc, const char *lastmod) {
  sitemap_ctx *sc = ctx;
  char *u = fetch_url_resolve(sc->base, loc);
  if (!u) return 0;
  if (!sc->nested) crawl_sitemap_entry(sc->c, u, lastmod);
  else if (sc->depth + 1 < CRAWL_SITEMAP_DEPTH) submit_sitemap(sc->c, u, sc->depth + 1);
  free(u);
  return sc->c->fatal != CRAWL_OK;
}

static void on_sitemap(crawler *c, item *it, const fetch_result *r) {
  c->sitemaps_pending--;
  if (r->error != FETCH_OK || r->code != 200) {
    crawl_log(c, it->url, "sitemap not read: %s", r->error ? r->message : "HTTP error");
    return;
  }
  sitemap_ctx sc = {c, r->final_url, 0, it->depth};
  char err[256];
  /* An index names sitemaps: followed CRAWL_SITEMAP_DEPTH levels down only. */
  size_t over = 0;
  int n = sitemap_parse(r->body->data ? r->body->data : "", r->body->len, on_sitemap_loc, &sc,
                        &sc.nested, &over, err, sizeof err);
  if (n < 0) crawl_log(c, it->url, "sitemap not read: %s", err);
  if (over) { /* counted and said, never dropped quietly */
    c->sum->capped += over;
    crawl_log(c, it->url, "capped: %zu URLs past the %d a sitemap may list are not followed", over,
              SITEMAP_MAX_URLS);
  }
}

/* --- pages: extract, index ------------------------------------------------- */

/* text/html, application/xhtml+xml, or no type at all. */
static int is_html(const char *content_type) {
  if (!content_type) return 1;
  for (const char *p = content_type; *p; p++)
    if (strncasecmp(p, "html", 4) == 0) return 1;
  return 0;
}

/* Removes url from the index; counted when a page we had is gone (a
 * duplicate's removal is mostly of nothing). */
static void unindex(crawler *c, const char *url, int gone) {
  if (!c->ix) return;
  engine_status st = indexer_remove(c->ix, url);
  if (st == ENGINE_OK) {
    c->sum->removed += gone != 0;
    c->since_commit++;
  } else {
    c->sum->index_status = st;
    crawl_stop(c, CRAWL_INDEX, "%s", indexer_errmsg(c->ix));
  }
}

static int extract(crawler *c, const site_view *s, const char *url, const char *type,
                   const char *body, size_t len, extract_result *x) {
  char err[512];
  extract_status es = extract_page(body ? body : "", len, url, type,
                                   s && s->has_profile ? &s->profile : NULL, x, err, sizeof err);
  if (es == EXTRACT_OK) {
    if (extract_text_lost(x)) /* indexed as read, and said: a quote or a tag left open */
      crawl_log(c, url, "text lost in parsing: the HTML parser kept %zu of %zu characters of the "
                "page's text (a quote or a tag left open?)", x->parsed_text_chars, x->page_text_chars);
    return 0;
  }
  crawl_log(c, url, "not indexed: %s", err);
  return -1;
}

/* The stamp a page fetched at (unix seconds) gets if its document is new
 * to the index: its fetch time in ms, made larger than the last one given.
 * A crawl and a replay of its store give the same pages in the same order,
 * so the same stamps. */
static int64_t crawl_new_stamp(const crawler *c, int64_t fetched_at) {
  int64_t ms = fetched_at > 0 ? fetched_at * 1000 : 0;
  return ms > c->last_stamp ? ms : c->last_stamp + 1;
}

/* Hands an extracted page to the index (a listing page only gives its
 * links, and leaves the index). stamp: indexer_add_stamped's; a new page's
 * (!changed) moves the crawl's last stamp on. With report, the document is
 * listed in the summary. 0, or -1 (logged, counted). */
static int index_page(crawler *c, const char *url, const extract_result *x, int64_t stamp,
                      int report, int changed) {
  if (x->listing) { /* read for its links; a search should find what it lists */
    c->sum->listings++;
    unindex(c, url, 0); /* a page that turned into a listing */
    return 0;
  }
  if (!c->ix) return 0;
  engine_status st = indexer_add_stamped(c->ix, &x->rec, stamp);
  if (st == ENGINE_OK) {
    if (!changed && stamp > c->last_stamp) c->last_stamp = stamp;
    c->sum->indexed++;
    c->since_commit++;
    if (report) crawl_report_doc(c->sum, &x->rec, changed);
    return 0;
  }
  if (st == ENGINE_INVALID) {
    crawl_log(c, url, "not indexed: %s", indexer_errmsg(c->ix));
  } else {
    c->sum->index_status = st;
    crawl_stop(c, CRAWL_INDEX, "%s", indexer_errmsg(c->ix));
  }
  return -1;
}

/* Extract and index, for answers read back from the store: the page's
 * links to files recorded, the texts known of them attached. */
static int use_page(crawler *c, const site_view *s, const char *url, const char *type,
                    const char *body, size_t len, int64_t stamp, int changed) {
  extract_result x;
  if (extract(c, s, url, type, body, len, &x) != 0) return -1;
  crawl_files_follow(c, &x, url, -1);
  int rc = x.listing || crawl_files_attach(c, url, &x) == 0 ? index_page(c, url, &x, stamp, 0, changed)
                                                            : -1;
  extract_result_clear(&x);
  return rc;
}

int crawl_extract(crawler *c, const site_view *s, const char *url, const char *type,
                  const char *body, size_t len, extract_result *x) {
  return extract(c, s, url, type, body, len, x);
}

int crawl_index(crawler *c, const char *url, const extract_result *x, int64_t stamp, int report,
                int changed) {
  return index_page(c, url, x, stamp, report, changed);
}

void crawl_unindex(crawler *c, const char *url, int gone) { unindex(c, url, gone); }

int64_t crawl_stamp(crawler *c, int64_t fetched_at) { return crawl_new_stamp(c, fetched_at); }

/* The digest of what a page says: its record as JSON, hashed. */
static int record_digest(const record *r, char hex[65]) {
  char *json = record_to_json(r);
  if (!json) return -1;
  warc_sha256_hex(json, strlen(json), hex);
  free(json);
  return 0;
}

static int store_answer(crawler *c, answer *a) {
  char err[512];
  const char *file;
  const fetch_result *r = a->r;
  warc_exchange x = {.url = a->url, .date = a->sf.fetched_at, .request = r->request->data,
                     .request_len = r->request->len, .response = r->response->data,
                     .response_len = r->response->len, .body = r->body->data,
                     .body_len = r->body->len, .digest_hex = a->sf.hash};
  if (crawl_ensure_tx(c) != 0) return -1;
  if (warc_append(c->warc, &x, &file, &a->sf.warc_offset, err, sizeof err) != 0) {
    crawl_stop(c, CRAWL_IO, "%s", err);
    return -1;
  }
  a->sf.warc_file = file;
  c->warc_dirty = 1;
  return 0;
}

/* New bytes: what the page says decides whether it changed. */
static state_verdict on_new_bytes(crawler *c, answer *a, state_verdict v, int store) {
  const fetch_result *r = a->r;
  extract_result x;
  if (extract(c, a->site, a->url, r->content_type, r->body->data, r->body->len, &x) != 0) {
    a->outcome = v == STATE_NEW ? SCHEDULE_NEW : SCHEDULE_CHANGED;
    plan_next(c, a);
    if (store && store_answer(c, a) != 0) return STATE_FAILED;
    crawl_note(c, &a->sf, v);
    c->sum->failed++;
    return v;
  }
  a->kind = x.listing ? SCHEDULE_LISTING : SCHEDULE_DOCUMENT;
  if (!x.listing && record_digest(&x.rec, a->rhash) == 0) a->sf.rhash = a->rhash;
  if (v == STATE_CHANGED && !x.listing && a->sf.rhash && a->known && a->prev->rhash &&
      strcmp(a->prev->rhash, a->rhash) == 0)
    v = STATE_SAME_TEXT; /* only the furniture changed: a sidebar, a counter */
  uint64_t news = crawl_follow_links(c, &x, a->it->depth);
  if (v != STATE_SAME_TEXT) crawl_files_follow(c, &x, a->url, a->it->depth);
  /* a listing changed when it revealed URLs; on a first visit they all are */
  if (x.listing) a->outcome = v == STATE_NEW ? SCHEDULE_NEW : news ? SCHEDULE_CHANGED : SCHEDULE_UNCHANGED;
  else a->outcome = v == STATE_NEW ? SCHEDULE_NEW : v == STATE_CHANGED ? SCHEDULE_CHANGED : SCHEDULE_UNCHANGED;
  plan_next(c, a);
  if (v != STATE_SAME_TEXT && store && store_answer(c, a) != 0) {
    extract_result_clear(&x);
    return STATE_FAILED;
  }
  crawl_note(c, &a->sf, v);
  if (v != STATE_SAME_TEXT && !x.listing && crawl_files_attach(c, a->url, &x) != 0)
    v = STATE_FAILED; /* the run stopped */
  else if (v != STATE_SAME_TEXT &&
           index_page(c, a->url, &x, crawl_new_stamp(c, a->sf.fetched_at), 1, v == STATE_CHANGED) != 0)
    c->sum->failed++;
  extract_result_clear(&x);
  return v;
}

/* The answer's hash, and what the state makes of it: new, changed,
 * unchanged or a duplicate, and whether its bytes are to be stored. */
static int classify(crawler *c, answer *a, state_verdict *v, int *store) {
  const fetch_result *r = a->r;
  warc_sha256_hex(r->body->data ? r->body->data : "", r->body->len, a->hash);
  a->sf.hash = a->hash;
  if (state_classify(c->st, a->url, a->hash, v, store) == 0) return 0;
  crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  return -1;
}

/* A file (PDF, DOCX...): stored like a page, its text read by the reader
 * child while the crawl goes on (crawl_files.c), its schedule a file's. */
static state_verdict on_file(crawler *c, answer *a) {
  const fetch_result *r = a->r;
  a->kind = SCHEDULE_ATTACHMENT;
  size_t cap = a->site ? a->site->max_file_bytes : (size_t)CONFIG_DEFAULT_MAX_FILE_BYTES;
  if (r->body->len > cap) {
    c->sum->attachments_failed++;
    crawl_log(c, a->url, "attachment not read: too big: %zu bytes, over the cap of %zu "
              "(max_attachment_size)", r->body->len, cap);
    a->outcome = SCHEDULE_UNCHANGED;
    plan_next(c, a);
    crawl_note(c, &a->sf, STATE_SKIPPED);
    return STATE_SKIPPED;
  }
  state_verdict v;
  int store;
  if (classify(c, a, &v, &store) != 0) return STATE_FAILED;
  a->outcome = v == STATE_NEW ? SCHEDULE_NEW : v == STATE_CHANGED ? SCHEDULE_CHANGED : SCHEDULE_UNCHANGED;
  plan_next(c, a);
  if (store && store_answer(c, a) != 0) return STATE_FAILED;
  crawl_note(c, &a->sf, v);
  if (v == STATE_NEW || v == STATE_CHANGED) crawl_files_read(c, a->url, a->sf.warc_file, a->sf.warc_offset);
  else if (v == STATE_DUPLICATE) crawl_files_settle(c, a->url); /* the owner's text is its text */
  return v;
}

/* A 200: new, changed, unchanged or a duplicate of another URL. */
static state_verdict on_ok(crawler *c, answer *a) {
  const fetch_result *r = a->r;
  if (crawl_is_file(a->url, r->content_type, r->body->data, r->body->len)) return on_file(c, a);
  if (!is_html(r->content_type)) {
    crawl_log(c, a->url, "skipped: not HTML (%s)", r->content_type ? r->content_type : "");
    a->outcome = SCHEDULE_UNCHANGED;
    plan_next(c, a);
    a->sf.next_due = a->sf.fetched_at + (a->site ? a->site->bounds.max_revisit : SCHEDULE_DEFAULT_MAX_REVISIT);
    crawl_note(c, &a->sf, STATE_SKIPPED);
    return STATE_SKIPPED;
  }
  state_verdict v;
  int store;
  if (classify(c, a, &v, &store) != 0) return STATE_FAILED;
  if (v == STATE_NEW || v == STATE_CHANGED) return on_new_bytes(c, a, v, store);
  a->outcome = SCHEDULE_UNCHANGED;
  plan_next(c, a);
  if (store && store_answer(c, a) != 0) return STATE_FAILED;
  crawl_note(c, &a->sf, v);
  if (v == STATE_DUPLICATE) unindex(c, a->url, 0);
  return v;
}

/* No usable answer: a network failure, a 404, a 5xx. A page we had is
 * asked again with backoff and removed only when the schedule says it is
 * gone (its answer is then stored, so that a replay removes it too). */
static state_verdict on_failure(crawler *c, answer *a, int *retrying) {
  const fetch_result *r = a->r;
  char msg[200], span[32];
  long code = r->code;
  if (r->error != FETCH_OK && r->error != FETCH_HTTP) a->outcome = SCHEDULE_NO_ANSWER;
  else if (r->error == FETCH_OK && code == 404) a->outcome = SCHEDULE_NOT_FOUND;
  else if (r->error == FETCH_OK && code == 410) a->outcome = SCHEDULE_REMOVED;
  else a->outcome = SCHEDULE_SERVER;
  int had = a->known && !a->prev->gone && a->prev->hash;
  int gone = plan_next(c, a);
  if (!had && (code == 404 || code == 410) && r->error == FETCH_OK) {
    a->sf.next_due = a->sf.fetched_at + (a->site ? a->site->bounds.max_revisit : SCHEDULE_DEFAULT_MAX_REVISIT);
    crawl_note(c, &a->sf, STATE_MISSING);
    crawl_log(c, a->url, "broken link: HTTP %s", code == 404 ? "404" : "410");
    return STATE_MISSING;
  }
  if (had && gone) {
    if (store_answer(c, a) != 0) return STATE_FAILED;
    crawl_note(c, &a->sf, STATE_GONE);
    unindex(c, a->url, 1);
    return STATE_GONE;
  }
  crawl_note(c, &a->sf, STATE_FAILED);
  const char *what = r->error != FETCH_OK ? r->message : NULL;
  char status[32];
  snprintf(status, sizeof status, "HTTP %ld", code);
  if (had && a->outcome != SCHEDULE_NO_ANSWER) {
    int limit = a->outcome == SCHEDULE_NOT_FOUND ? SCHEDULE_GONE_AFTER : SCHEDULE_GONE_AFTER_5XX;
    snprintf(msg, sizeof msg, "%s: asked again in %s (%d of %d before it is declared gone)",
             what ? what : status, duration_format(a->sf.next_due - a->sf.fetched_at, span, sizeof span),
             a->sf.fails, limit);
    *retrying = 1;
    crawl_log(c, a->url, "%s", msg);
    return STATE_FAILED;
  }
  crawl_log(c, a->url, "failed: %s", what ? what : status);
  return STATE_FAILED;
}

static void count(crawler *c, state_verdict v) {
  crawl_summary *s = c->sum;
  switch (v) {
  case STATE_NEW: s->new_pages++; break;
  case STATE_CHANGED: s->changed++; break;
  case STATE_UNCHANGED:
  case STATE_SAME_TEXT: s->unchanged++; break;
  case STATE_NOT_MODIFIED: s->not_modified++; break;
  case STATE_DUPLICATE: s->duplicate++; break;
  case STATE_GONE: s->gone++; break;
  case STATE_MISSING: s->broken++; break;
  case STATE_FAILED: s->failed++; break;
  case STATE_SKIPPED: s->skipped++; break;
  }
}

/* The verdict of a page's answer, with its effects done. */
static state_verdict judge(crawler *c, answer *a, int *retrying) {
  const fetch_result *r = a->r;
  if (r->error == FETCH_OK && r->code == 200) return on_ok(c, a);
  if (r->error == FETCH_OK && r->code == 304) {
    a->outcome = SCHEDULE_UNCHANGED;
    plan_next(c, a);
    crawl_note(c, &a->sf, STATE_NOT_MODIFIED);
    return STATE_NOT_MODIFIED;
  }
  return on_failure(c, a, retrying);
}

/* The URL redirected: the first URL is recorded as a redirect (asked again
 * rarely), the answer belongs to the final one, unless that was already
 * done in this run (1). */
static int redirected(crawler *c, answer *a) {
  const fetch_result *r = a->r;
  state_fetch sf = {.url = r->url, .status = 301, .fetched_at = a->sf.fetched_at,
                    .depth = a->it->depth, .site = a->site ? a->site->name : NULL,
                    .next_due = a->sf.fetched_at + (a->site ? a->site->bounds.max_revisit
                                                            : SCHEDULE_DEFAULT_MAX_REVISIT)};
  crawl_note(c, &sf, STATE_SKIPPED);
  int known = state_page_get(c->st, r->final_url, &a->final_prev);
  if (known < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  a->known = known > 0;
  a->prev = &a->final_prev;
  return known > 0 && a->final_prev.last_run == c->sum->run;
}

static void on_page(crawler *c, item *it, const fetch_result *r) {
  answer a = {.it = it, .r = r, .url = r->error == FETCH_OK ? r->final_url : r->url,
              .site = it->org->site, .known = it->known > 0, .prev = &it->prev};
  c->sum->fetched++;
  c->sum->bytes += r->body->len;
  a.sf = (state_fetch){.url = a.url, .status = r->code, .etag = r->etag,
                       .last_modified = r->last_modified, .fetched_at = crawl_clock(c),
                       .depth = -1};
  state_verdict v;
  int retrying = 0;
  if (strcmp(a.url, r->url) != 0 && redirected(c, &a)) v = STATE_SKIPPED;
  else v = judge(c, &a, &retrying);
  if (retrying) c->sum->retrying++;
  if (!retrying || a.outcome != SCHEDULE_NOT_FOUND) count(c, v); /* a 404 asked again: not a failure yet */
  int revisit = a.known && !a.prev->gone && a.prev->kind != SCHEDULE_LISTING && a.prev->hash;
  if (revisit && (a.outcome == SCHEDULE_CHANGED || a.outcome == SCHEDULE_UNCHANGED)) {
    c->sum->revisits++;
    c->sum->revisits_changed += a.outcome == SCHEDULE_CHANGED;
  }
  state_page_clear(&a.final_prev);
}

static void on_done(void *ctx, const fetch_result *r) {
  crawler *c = ctx;
  item *it = r->user;
  landed(c, it);
  c->turn_answers++;
  if (c->fatal == CRAWL_OK) {
    if (it->kind == ITEM_ROBOTS) on_robots(c, it, r);
    else if (it->kind == ITEM_SITEMAP) on_sitemap(c, it, r);
    else on_page(c, it, r);
  }
  if (it->kind == ITEM_PAGE) crawl_page_done(c, it);
  else crawl_item_free(it);
}

/* --- recovery: index work a killed run left ------------------------------ */

typedef struct {
  crawler *c;
  store_reader *rd;
} replay_ctx;

static int replay_pending(void *ctx, const char *url, int pending, const char *file, int64_t off) {
  replay_ctx *rc = ctx;
  crawler *c = rc->c;
  if (pending == 2) {
    unindex(c, url, 1);
  } else if (pending == 3 && file) { /* a file whose read did not end: read it again */
    crawl_files_read(c, url, file, off);
  } else if (file) {
    char err[512];
    warc_record rec;
    int got = store_reader_get(rc->rd, file, off, &rec, err, sizeof err);
    if (got == 1 && rec.http_status == 200 &&
        crawl_is_file(url, rec.content_type, rec.body, rec.body_len))
      crawl_files_settle(c, url);
    else if (got == 1 && rec.http_status == 200)
      use_page(c, crawl_site_for(c, url), url, rec.content_type, rec.body, rec.body_len, 0, 1);
    else
      crawl_log(c, url, "cannot replay from the store: %s",
                got == 1 ? "the stored answer is not a page" : err);
  }
  c->sum->recovered++;
  return c->fatal != CRAWL_OK;
}

static void recover(crawler *c) {
  replay_ctx rc = {.c = c, .rd = store_reader_new(c->o->store)};
  if (!rc.rd) crawl_stop(c, CRAWL_NOMEM, "out of memory");
  else if (state_pending_each(c->st, replay_pending, &rc) != 0)
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  store_reader_free(rc.rd);
  flush_turn(c); /* what the replay recorded (links, files held), before the run starts */
  c->sum->indexed = c->sum->removed = 0; /* recovered work is counted apart */
  index_commit(c);
  if (c->ix && indexer_last_stamp(c->ix) > c->last_stamp) c->last_stamp = indexer_last_stamp(c->ix);
}

/* --- setup and the loop ------------------------------------------------- */

static int open_store(crawler *c) {
  store_options so = {.warc_rotate_bytes = c->o->warc_rotate_bytes, .software = CRAWL_USER_AGENT};
  char err[512];
  int rc = store_open(c->o->store, &so, &c->store, err, sizeof err);
  if (rc != 0) {
    crawl_stop(c, rc > 0 ? CRAWL_BUSY : CRAWL_IO, "%s", err);
    return -1;
  }
  c->st = store_state(c->store);
  c->warc = store_warc(c->store);
  if (!(c->reader = store_reader_new(c->o->store))) {
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
    return -1;
  }
  return 0;
}

/* The index, record by record, or (bo not NULL) a bulk build of it. */
static int open_index(crawler *c, const bulk_opts *bo) {
  if (c->o->no_index) return 0;
  char *msg = NULL;
  engine_status st = bo ? indexer_open_bulk(c->o->db, bo, &c->ix, &msg)
                          : indexer_open(c->o->db, &c->ix, &msg);
  if (st == ENGINE_OK) {
    indexer_set_clock(c->ix, c->o->clock_offset * 1000);
    c->sum->indexed_after = indexer_stamp_floor(c->ix);
    c->last_stamp = indexer_last_stamp(c->ix);
    return 0;
  }
  c->sum->index_status = st;
  crawl_stop(c, CRAWL_INDEX, "%s", msg ? msg : engine_strerror(st));
  free(msg);
  return -1;
}

static int open_fetcher(crawler *c) {
  fetch_options fo;
  fetch_options_default(&fo);
  fo.user_agent = crawl_agent_of(c, c->n_sites ? &c->sites[0] : NULL);
  if (c->o->delay_ms >= 0) fo.delay_ms = c->o->delay_ms;
  if (c->o->timeout_ms > 0) fo.timeout_ms = c->o->timeout_ms;
  if (c->o->timeout_ms > 0 && fo.connect_timeout_ms > c->o->timeout_ms)
    fo.connect_timeout_ms = c->o->timeout_ms;
  if (c->o->retry_base_ms > 0) fo.retry_base_ms = c->o->retry_base_ms;
  for (size_t i = 0; i < c->n_sites; i++) {
    if (c->sites[i].cfg && c->sites[i].cfg->include.n) fo.cross_host_redirects = 1;
    if (c->sites[i].max_file_bytes > fo.max_body) fo.max_body = c->sites[i].max_file_bytes;
  }
  fo.refuse_private = !crawl_sites_name_private(c);
  fo.allow = crawl_allow_redirect;
  fo.allow_ctx = c;
  c->f = fetch_create(&fo);
  if (!c->f) crawl_stop(c, CRAWL_NOMEM, "out of memory");
  return c->f ? 0 : -1;
}

static void progress(crawler *c, int64_t t0, int force) {
  int64_t now = crawl_mono_ms();
  c->sum->seconds = (double)(now - t0) / 1000.0;
  if (!c->o->progress || (!force && now - c->last_progress < 100)) return;
  c->last_progress = now;
  int64_t left = c->st ? state_frontier_count(c->st) : 0; /* no store opened: nothing left */
  c->o->progress(c->o->ctx, c->sum, left < 0 ? 0 : (uint64_t)left);
}

static void loop(crawler *c, int64_t t0) {
  while (c->fatal == CRAWL_OK) {
    crawl_top_up(c);
    if (c->deadline && crawl_mono_ms() >= c->deadline) {
      c->sum->stopped = "max-time"; /* what is on its way is dropped: asked next run */
      break;
    }
    int reading = crawl_files_pump(c, 0);
    if (fetch_pending(c->f) == 0 && c->parked == 0) {
      if (!reading) break;
      crawl_files_pump(c, 100); /* nothing to fetch: wait on the reader */
    } else if (fetch_perform(c->f, 100, on_done, c) != FETCH_OK) {
      crawl_stop(c, CRAWL_NOMEM, "libcurl failed");
    }
    if (c->turn_answers >= CRAWL_TURN_ANSWERS || crawl_mono_ms() - c->turn_start >= CRAWL_TURN_MS)
      flush_turn(c);
    progress(c, t0, 0);
  }
  flush_turn(c);
  if (c->fatal == CRAWL_OK) crawl_frontier_left(c);
  /* A run that ended (done, or out of budget) is not resumed: the next
   * one starts afresh and reads the due pages again. */
  if (c->fatal == CRAWL_OK && crawl_ensure_tx(c) == 0) {
    if (state_end_run(c->st) != 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    flush_turn(c);
  }
}

static crawl_status finish_run(crawler *c) {
  if (c->ix) {
    engine_status es = indexer_close(c->ix);
    c->ix = NULL;
    if (es != ENGINE_OK) {
      c->sum->index_status = es;
      crawl_stop(c, CRAWL_INDEX, "the index could not commit: %s", engine_strerror(es));
    } else if (c->fatal == CRAWL_OK && !c->o->no_index && state_pending_clear(c->st) != 0) {
      crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    }
  }
  if (c->st) crawl_report_write(c);
  crawl_files_free(c); /* a file still being read stays pending: read next run */
  fetch_destroy(c->f); /* drops what is still on its way (asked again next run) */
  while (c->flying) {
    item *it = c->flying;
    landed(c, it);
    crawl_item_free(it);
  }
  crawl_origins_free(c);
  char err[512];
  if (store_close(c->store, err, sizeof err) != 0) crawl_stop(c, CRAWL_IO, "%s", err);
  c->store = NULL;
  c->st = NULL;
  c->warc = NULL;
  crawl_sites_free(c);
  return c->fatal;
}

crawl_status crawl_run(const crawl_options *o, crawl_summary *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  crawler c = {.o = o, .sum = out, .err = err, .errlen = errlen};
  c.max_pages = o->max_pages ? o->max_pages : CRAWL_MAX_PAGES;
  err[0] = '\0';
  int64_t t0 = crawl_mono_ms();
  c.deadline = o->max_time_ms > 0 ? t0 + o->max_time_ms : 0;
  c.now = out->started = crawl_clock(&c);
  c.due_by = c.now + SCHEDULE_SLACK;
  attach_options_default(&c.aopt);
  c.aopt.ocr = !o->no_ocr;
  c.aopt.reader = o->attach_reader;
  c.aopt.max_memory = CRAWL_READER_MEMORY;
  if (crawl_build_sites(&c) != 0) crawl_stop(&c, CRAWL_NOMEM, "out of memory");
  else if (c.n_sites == 0)
    crawl_stop(&c, CRAWL_USAGE, "nothing to crawl: give a start URL or a config");
  if (c.fatal == CRAWL_OK && open_store(&c) == 0 && open_index(&c, NULL) == 0 && open_fetcher(&c) == 0) {
    if (c.ix) recover(&c);
    crawl_seed(&c);
    loop(&c, t0);
  }
  progress(&c, t0, 1);
  return finish_run(&c);
}

/* --- rebuilding the index from the store ---------------------------------- */

/* The hex SHA-256 of a record's payload: its digest header when it is
 * ours, else computed. */
static void record_hash(const warc_record *rec, char hash[65]) {
  const char *d = rec->payload_digest;
  if (d && strncmp(d, "sha256:", 7) == 0 && strlen(d + 7) == 64 && !strchr(d + 7, ' ')) {
    memcpy(hash, d + 7, 65);
    return;
  }
  warc_sha256_hex(rec->body ? rec->body : "", rec->body_len, hash);
}

/* One stored answer, through the same rules as the crawl that stored it.
 * A page first indexed keeps the time it was first fetched as its stamp. */
static void replay_record(crawler *c, const warc_record *rec) {
  const char *url = rec->target_uri;
  char hash[65];
  int64_t at = 0;
  if (rec->date) timefmt_parse_iso(rec->date, &at);
  state_fetch sf = {.url = url, .status = rec->http_status, .fetched_at = at, .depth = -1,
                    .warc_file = rec->file, .warc_offset = rec->offset};
  state_verdict v = STATE_SKIPPED;
  int store;
  c->sum->fetched++;
  c->sum->bytes += rec->body_len;
  if (rec->http_status == 200 && crawl_is_file(url, rec->content_type, rec->body, rec->body_len)) {
    record_hash(rec, hash); /* a file: its text is the conversion record after it */
    sf.hash = hash;
    sf.kind = SCHEDULE_ATTACHMENT;
    if (state_classify(c->st, url, hash, &v, &store) != 0) {
      crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
      return;
    }
    crawl_note(c, &sf, v);
    if ((v == STATE_NEW || v == STATE_CHANGED) && state_pending_hold(c->st, url, 1) != 0)
      crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    else if (v == STATE_DUPLICATE)
      crawl_files_settle(c, url);
  } else if (rec->http_status == 200 && is_html(rec->content_type)) {
    record_hash(rec, hash);
    sf.hash = hash;
    if (state_classify(c->st, url, hash, &v, &store) != 0) {
      crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
      return;
    }
    crawl_note(c, &sf, v);
    if (v == STATE_NEW || v == STATE_CHANGED) {
      if (use_page(c, crawl_site_for(c, url), url, rec->content_type, rec->body, rec->body_len,
                   crawl_new_stamp(c, at), v == STATE_CHANGED) != 0)
        c->sum->failed++;
    } else if (v == STATE_DUPLICATE) {
      unindex(c, url, 0);
    }
  } else if (rec->http_status >= 400) { /* stored only when the page was declared gone */
    state_page p;
    int known = state_page_get(c->st, url, &p);
    v = known > 0 && !p.gone && p.hash ? STATE_GONE : STATE_MISSING;
    state_page_clear(&p);
    crawl_note(c, &sf, v);
    if (v == STATE_GONE) unindex(c, url, 1);
  }
  count(c, v);
}

static int replay_answer(void *ctx, const warc_record *rec) {
  crawler *c = ctx;
  if (strcmp(rec->type, "conversion") == 0) crawl_files_replayed(c, rec);
  else replay_record(c, rec);
  if (c->in_tx && c->sum->fetched % 256 == 0) flush_turn(c);
  return c->fatal != CRAWL_OK;
}

/* A file that cannot be read, or a torn tail (a crash after the last
 * recorded page): reported, and the replay goes on with the next file. */
static void replay_error(void *ctx, const char *path, const char *msg, int unopened) {
  crawler *c = ctx;
  crawl_log(c, path, "%s", msg);
  if (unopened) c->sum->failed++;
}

crawl_status crawl_index_store(const char *store, const char *db, const bulk_opts *bo,
                               crawl_log_fn log, void *ctx, crawl_summary *out, char *err,
                               size_t errlen) {
  memset(out, 0, sizeof *out);
  crawl_options o = {.db = db, .store = store, .delay_ms = -1, .log = log, .ctx = ctx};
  crawler c = {.o = &o, .sum = out, .err = err, .errlen = errlen};
  err[0] = '\0';
  int64_t t0 = crawl_mono_ms();
  char *msg = NULL;
  int64_t back;
  int resumed;
  if (state_open(":memory:", &c.st, &msg) != 0) {
    snprintf(err, errlen, "%s", msg ? msg : "out of memory");
    free(msg);
    return CRAWL_NOMEM;
  }
  state_run_opts ro = {.hot_depth = SCHEDULE_HOT_DEPTH};
  if (state_begin_run(c.st, &ro, &resumed, &out->run, &back) != 0)
    crawl_stop(&c, CRAWL_IO, "%s", state_errmsg(c.st));
  else if (!(c.reader = store_reader_new(store)))
    crawl_stop(&c, CRAWL_NOMEM, "out of memory");
  else if (open_index(&c, bo) == 0) {
    store_replay_fns fns = {.record = replay_answer, .on_error = replay_error, .ctx = &c};
    if (store_replay(store, &fns, err, errlen) < 0) c.fatal = CRAWL_IO;
    flush_turn(&c);
  }
  out->seconds = (double)(crawl_mono_ms() - t0) / 1000.0;
  if (c.ix && bo && c.fatal != CRAWL_OK) {
    indexer_abort(c.ix); /* a bulk build is whole or nothing: the index stays as it was */
  } else if (c.ix) {
    engine_status es = indexer_close(c.ix);
    if (es != ENGINE_OK) {
      out->index_status = es;
      crawl_stop(&c, CRAWL_INDEX, "the index could not commit: %s", engine_strerror(es));
    }
  }
  crawl_files_free(&c);
  state_close(c.st);
  return c.fatal;
}
