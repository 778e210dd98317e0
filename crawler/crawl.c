/* crawl: frontier -> fetch -> store -> extract -> index, one loop.
 *
 * Every state change of one loop turn runs in one SQLite transaction,
 * committed only after the WARC records it names are fsynced: a crash
 * loses at most the turn in progress, whose URLs are still in the
 * frontier and are fetched again by the next run. */
#include "crawler/crawl.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/dynbuf.h"
#include "crawler/extract.h"
#include "crawler/fetch.h"
#include "crawler/robots.h"
#include "crawler/sitemap.h"
#include "indexer/indexer.h"
#include "store/store.h"

#define CRAWL_WINDOW 64        /* URLs taken from the frontier and not yet answered */
#define CRAWL_BATCH 32         /* frontier rows read at once */
#define CRAWL_COMMIT_EVERY 500 /* index commit after this many changes */
#define CRAWL_MAX_ORIGINS 1000
#define CRAWL_MAX_SITEMAPS 100 /* sitemap files fetched per run */
/* New frontier URLs per run: a calendar or session-id trap cannot fill
 * the disk with URLs nobody will ever fetch. */
#define CRAWL_MAX_NEW_URLS 2000000
#define CRAWL_SITEMAP_DEPTH 2  /* sitemap index -> sitemap */
/* One fsync + one state commit for this many answers or this long, which
 * ever comes first: a crash loses at most that much work (its URLs are
 * still in the frontier), and a fast site is not held to one fsync a page. */
#define CRAWL_TURN_ANSWERS 64
#define CRAWL_TURN_MS 250
#define CRAWL_USER_AGENT "tracuu/0.1 (+https://github.com/tracuu/tracuu; crawler of public notices)"

/* A site as the crawl sees it: a [site] of the config, or a start URL. */
typedef struct {
  const config_site *cfg; /* NULL for a command-line URL */
  config_list origins;    /* its start URLs' origins: the scope without include= */
  long delay_ms;          /* -1: not set */
  const char *user_agent;
  extract_profile profile;
  int has_profile;
  uint64_t max_pages;     /* the most pages the store may know of this site */
} site_view;

typedef enum { ROBOTS_UNKNOWN, ROBOTS_PENDING, ROBOTS_READY } robots_phase;

typedef struct item item;

typedef struct {
  char *name; /* scheme://host:port */
  const site_view *site;
  robots *rules;
  robots_phase phase;
  int unreachable; /* robots.txt said 5xx or nothing: no page is fetched */
  item *parked, *parked_tail; /* pages waiting for robots.txt */
} origin;

typedef enum { ITEM_PAGE, ITEM_ROBOTS, ITEM_SITEMAP } item_kind;

struct item {
  item_kind kind;
  int64_t fid; /* frontier row (pages) */
  char *url;
  origin *org;
  int depth; /* sitemaps: 0 for a sitemap named by robots/config */
  item *next;
};

typedef struct {
  const crawl_options *o;
  crawl_summary *sum;
  page_store *store;     /* the crawl's store, open with its lock (NULL when replaying) */
  crawl_state *st;  /* its state (or an in-memory one when replaying) */
  warc_writer *warc;
  indexer *ix;
  fetcher *f;
  site_view *sites;
  size_t n_sites;
  uint64_t *site_known;   /* per site: URLs the store knows (pages, frontier) */
  unsigned char *site_full_said; /* per site: the cap was reported in this run */
  origin *origins[CRAWL_MAX_ORIGINS];
  size_t n_origins;
  int64_t cursor;          /* the last frontier row taken */
  int frontier_dry;        /* nothing after cursor last time we looked */
  size_t parked;
  uint64_t started, max_pages, sitemaps, since_commit, added;
  int in_tx, warc_dirty, fresh_run;
  unsigned turn_answers; /* answers in the open transaction */
  int64_t turn_start;    /* when it opened */
  crawl_status fatal; /* CRAWL_OK until something stops the run */
  char *err;
  size_t errlen;
  int64_t last_progress;
} crawler;

static int64_t mono_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/* Stops the run (the first reason wins) with a message. */
__attribute__((format(printf, 3, 4))) static void stop(crawler *c, crawl_status st,
                                                       const char *fmt, ...) {
  if (c->fatal != CRAWL_OK) return;
  c->fatal = st;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->err, c->errlen, fmt, ap);
  va_end(ap);
}

__attribute__((format(printf, 3, 4))) static void logf_url(crawler *c, const char *url,
                                                           const char *fmt, ...) {
  if (!c->o->log) return;
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->o->log(c->o->ctx, url, msg);
}

/* --- sites and scope ---------------------------------------------------- */

static int add_origin_of(config_list *l, const char *url) {
  char o[FETCH_MAX_URL + 32];
  if (fetch_url_origin(url, o, sizeof o) != 0) return -1;
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->items[i], o) == 0) return 0;
  return config_list_add(l, o);
}

static int in_site(const site_view *s, const char *url) {
  if (s->cfg && s->cfg->include.n) {
    int ok = 0;
    for (size_t i = 0; !ok && i < s->cfg->include.n; i++)
      ok = config_pattern_match(s->cfg->include.items[i], url);
    if (!ok) return 0;
  } else {
    char o[FETCH_MAX_URL + 32];
    int ok = 0;
    if (fetch_url_origin(url, o, sizeof o) != 0) return 0;
    for (size_t i = 0; !ok && i < s->origins.n; i++) ok = strcmp(s->origins.items[i], o) == 0;
    if (!ok) return 0;
  }
  for (size_t i = 0; s->cfg && i < s->cfg->exclude.n; i++)
    if (config_pattern_match(s->cfg->exclude.items[i], url)) return 0;
  return 1;
}

static const site_view *site_for(const crawler *c, const char *url) {
  for (size_t i = 0; i < c->n_sites; i++)
    if (in_site(&c->sites[i], url)) return &c->sites[i];
  return NULL;
}

/* The site whose start URLs or sitemaps share url's origin (sitemaps may
 * live outside a site's include= patterns). */
static const site_view *site_by_origin(const crawler *c, const char *url) {
  char o[FETCH_MAX_URL + 32];
  if (fetch_url_origin(url, o, sizeof o) != 0) return NULL;
  for (size_t i = 0; i < c->n_sites; i++)
    for (size_t k = 0; k < c->sites[i].origins.n; k++)
      if (strcmp(c->sites[i].origins.items[k], o) == 0) return &c->sites[i];
  return NULL;
}

static void sites_free(crawler *c) {
  for (size_t i = 0; i < c->n_sites; i++) {
    config_list *l = &c->sites[i].origins;
    for (size_t k = 0; k < l->n; k++) free(l->items[k]);
    free(l->items);
  }
  free(c->sites);
  free(c->site_known);
  free(c->site_full_said);
}

/* A site's page cap: --max-site-pages over all, else the config's, else
 * CRAWL_SITE_MAX_PAGES. */
static uint64_t site_cap(const crawler *c, long long configured) {
  if (c->o->site_max_pages) return c->o->site_max_pages;
  return configured > 0 ? (uint64_t)configured : CRAWL_SITE_MAX_PAGES;
}

/* One site_view per config site, then one per command-line URL no config
 * site covers. */
static int build_sites(crawler *c) {
  const crawl_config *cfg = c->o->config;
  size_t max = (cfg ? cfg->n_sites : 0) + c->o->n_urls;
  c->sites = calloc(max ? max : 1, sizeof *c->sites);
  c->site_known = calloc(max ? max : 1, sizeof *c->site_known);
  c->site_full_said = calloc(max ? max : 1, 1);
  if (!c->sites || !c->site_known || !c->site_full_said) return -1;
  for (size_t i = 0; cfg && i < cfg->n_sites; i++) {
    site_view *s = &c->sites[c->n_sites++];
    s->cfg = &cfg->sites[i];
    s->delay_ms = s->cfg->delay_ms >= 0 ? s->cfg->delay_ms : cfg->delay_ms;
    s->max_pages = site_cap(c, s->cfg->max_pages ? s->cfg->max_pages : cfg->max_pages);
    s->user_agent = s->cfg->user_agent;
    s->has_profile = config_has_profile(s->cfg);
    config_profile(s->cfg, &s->profile);
    for (size_t k = 0; k < s->cfg->start.n; k++)
      if (add_origin_of(&s->origins, s->cfg->start.items[k]) != 0) return -1;
    for (size_t k = 0; k < s->cfg->sitemap.n; k++)
      if (add_origin_of(&s->origins, s->cfg->sitemap.items[k]) != 0) return -1;
  }
  for (size_t i = 0; i < c->o->n_urls; i++) {
    if (site_for(c, c->o->urls[i])) continue;
    site_view *s = &c->sites[c->n_sites++];
    s->delay_ms = cfg ? cfg->delay_ms : -1;
    s->max_pages = site_cap(c, cfg ? cfg->max_pages : 0);
    if (add_origin_of(&s->origins, c->o->urls[i]) != 0) return -1;
  }
  return 0;
}

static const char *agent_of(const crawler *c, const site_view *s) {
  if (c->o->user_agent) return c->o->user_agent;
  if (s && s->user_agent) return s->user_agent;
  if (c->o->config && c->o->config->user_agent) return c->o->config->user_agent;
  return CRAWL_USER_AGENT;
}

static origin *origin_for(crawler *c, const char *url, const site_view *site) {
  char name[FETCH_MAX_URL + 32];
  if (fetch_url_origin(url, name, sizeof name) != 0) return NULL;
  for (size_t i = 0; i < c->n_origins; i++)
    if (strcmp(c->origins[i]->name, name) == 0) return c->origins[i];
  if (c->n_origins >= CRAWL_MAX_ORIGINS) return NULL;
  origin *o = calloc(1, sizeof *o);
  if (!o || !(o->name = strdup(name))) {
    free(o);
    return NULL;
  }
  o->site = site;
  c->origins[c->n_origins++] = o;
  return o;
}

/* Links worth fetching as pages: not attachments, images, styles. */
static int looks_binary(const char *url) {
  static const char *const ext[] = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
                                    ".zip", ".rar", ".7z",   ".jpg", ".jpeg", ".png",  ".gif",
                                    ".svg", ".webp", ".ico", ".css", ".js",   ".mp3",  ".mp4",
                                    ".avi", ".woff", ".woff2", ".ttf", ".xml", ".gz"};
  size_t n = strcspn(url, "?#");
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    size_t e = strlen(ext[i]);
    if (n > e && strncasecmp(url + n - e, ext[i], e) == 0) return 1;
  }
  return 0;
}

static int robots_says_no(const origin *o, const char *url) {
  char path[FETCH_MAX_URL + 1];
  if (!o || o->phase != ROBOTS_READY || !o->rules) return 0;
  if (fetch_url_path(url, path, sizeof path) != 0) return 1;
  return !robots_allowed(o->rules, path);
}

/* The fetcher's redirect hook: in scope and not disallowed. */
static int allow_redirect(void *ctx, const char *url, char *why, size_t whylen) {
  crawler *c = ctx;
  const site_view *s = site_for(c, url);
  if (!s) {
    snprintf(why, whylen, "out of the crawl's scope");
    return 0;
  }
  char name[FETCH_MAX_URL + 32];
  for (size_t i = 0; fetch_url_origin(url, name, sizeof name) == 0 && i < c->n_origins; i++)
    if (strcmp(c->origins[i]->name, name) == 0 && robots_says_no(c->origins[i], url)) {
      snprintf(why, whylen, "disallowed by robots.txt");
      return 0;
    }
  return 1;
}

/* --- the state transaction of one loop turn ------------------------------- */

static int ensure_tx(crawler *c) {
  if (c->in_tx) return 0;
  if (state_begin(c->st) != 0) {
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return -1;
  }
  c->in_tx = 1;
  c->turn_answers = 0;
  c->turn_start = mono_ms();
  return 0;
}

static void index_commit(crawler *c) {
  if (!c->ix || c->fatal != CRAWL_OK) return;
  engine_status es = indexer_commit(c->ix);
  if (es != ENGINE_OK) {
    c->sum->index_status = es;
    stop(c, CRAWL_INDEX, "%s", indexer_errmsg(c->ix));
  } else if (state_pending_clear(c->st) != 0) {
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
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
    if (!ok) stop(c, CRAWL_IO, "%s", err);
    snprintf(end, sizeof end, "%lld", (long long)warc_end(c->warc));
    ok = ok && state_meta_set(c->st, "warc_file", warc_current(c->warc)) == 0 &&
         state_meta_set(c->st, "warc_end", end) == 0;
  }
  ok = ok && state_commit(c->st) == 0;
  if (!ok) {
    if (c->fatal == CRAWL_OK) stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    state_rollback(c->st);
  }
  c->in_tx = c->warc_dirty = 0;
  if (c->since_commit >= CRAWL_COMMIT_EVERY) index_commit(c);
}

/* --- frontier --------------------------------------------------------------- */

/* Counts, per site, the URLs the store knows: one pass when a run starts,
 * so that a site's cap holds across runs (a calendar that makes a new URL
 * every night stops growing at the cap). */
static int count_known(void *ctx, const char *url) {
  crawler *c = ctx;
  const site_view *s = site_for(c, url);
  if (s) c->site_known[s - c->sites]++;
  return 0;
}

/* 1 when site s already knows its max_pages URLs and url is a new one: it
 * is then not queued (the pages it knows are still revisited). Said once
 * per site and run. */
static int site_full(crawler *c, const site_view *s, const char *url) {
  size_t k = (size_t)(s - c->sites);
  if (c->site_known[k] < s->max_pages) return 0;
  int known = state_knows(c->st, url);
  if (known < 0) { /* the store failed: the run stops, nothing is queued */
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return 1;
  }
  if (known) return 0; /* already known: adding it changes nothing */
  c->sum->capped++;
  if (!c->site_full_said[k]) {
    c->site_full_said[k] = 1;
    char why[160];
    snprintf(why, sizeof why, "not queued: the site has reached its cap of %llu pages "
             "(max_pages in the config, or --max-site-pages)", (unsigned long long)s->max_pages);
    logf_url(c, url, "%s", why);
  }
  return 1;
}

/* Adds url (already absolute) to the frontier when it is in scope.
 * robots.txt is asked when the URL is taken, so that a disallowed URL is
 * counted once per run. */
static void frontier_add(crawler *c, const char *url) {
  if (c->added >= CRAWL_MAX_NEW_URLS) return;
  char *norm = fetch_url_resolve(NULL, url);
  if (!norm) return;
  const site_view *s = site_for(c, norm);
  if (s && !looks_binary(norm) && !site_full(c, s, norm) && ensure_tx(c) == 0) {
    int added = state_frontier_add(c->st, norm);
    if (added < 0) stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    else if (added) {
      c->frontier_dry = 0;
      c->added++;
      c->site_known[s - c->sites]++;
    }
  }
  free(norm);
}

static item *item_new(item_kind kind, const char *url, origin *o, int64_t fid, int depth) {
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

static void item_free(item *it) {
  if (!it) return;
  free(it->url);
  free(it);
}

static void frontier_done(crawler *c, int64_t fid) {
  if (ensure_tx(c) == 0 && state_frontier_done(c->st, fid) != 0)
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
}

static void note(crawler *c, const state_fetch *sf, state_verdict v) {
  if (ensure_tx(c) == 0 && state_record(c->st, sf, v) != 0)
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
}

/* A page that will not be requested in this run (robots.txt unreachable). */
static void page_not_fetched(crawler *c, item *it, const char *why) {
  state_fetch sf = {.url = it->url, .fetched_at = (int64_t)time(NULL)};
  note(c, &sf, STATE_FAILED);
  frontier_done(c, it->fid);
  c->sum->fetched++;
  c->sum->failed++;
  logf_url(c, it->url, "%s", why);
  item_free(it);
}

static void submit(crawler *c, item *it, const char *etag, const char *last_modified) {
  fetch_error e = fetch_add(c->f, it->url, etag, last_modified, it);
  if (e == FETCH_OK) return;
  if (it->kind == ITEM_PAGE) {
    page_not_fetched(c, it, fetch_strerror(e));
    return;
  }
  item_free(it);
}

static void start_page(crawler *c, item *it) {
  if (it->org->unreachable) {
    page_not_fetched(c, it, "not fetched: robots.txt could not be read");
    return;
  }
  if (robots_says_no(it->org, it->url)) {
    /* Noted as done in this run, so that other links to it are not queued. */
    state_fetch sf = {.url = it->url, .fetched_at = (int64_t)time(NULL)};
    note(c, &sf, STATE_SKIPPED);
    c->sum->robots_blocked++;
    frontier_done(c, it->fid);
    item_free(it);
    return;
  }
  state_page p;
  if (state_page_get(c->st, it->url, &p) < 0) {
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    item_free(it);
    return;
  }
  c->started++;
  /* A gone page is asked again unconditionally. */
  submit(c, it, p.gone ? NULL : p.etag, p.gone ? NULL : p.last_modified);
  state_page_clear(&p);
}

static void park(crawler *c, origin *o, item *it) {
  if (o->parked_tail) o->parked_tail->next = it;
  else o->parked = it;
  o->parked_tail = it;
  c->parked++;
}

/* Asks for o's robots.txt unless it is known or on its way. */
static void ensure_robots(crawler *c, origin *o) {
  if (o->phase != ROBOTS_UNKNOWN) return;
  char url_robots[FETCH_MAX_URL + 64];
  snprintf(url_robots, sizeof url_robots, "%s/robots.txt", o->name);
  item *r = item_new(ITEM_ROBOTS, url_robots, o, 0, 0);
  if (!r) {
    stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  o->phase = ROBOTS_PENDING;
  fetch_set_host_delay(c->f, o->name, 0); /* robots.txt first, at once */
  submit(c, r, NULL, NULL);
}

static void take_row(crawler *c, int64_t fid, const char *url) {
  const site_view *s = site_for(c, url);
  origin *o = s ? origin_for(c, url, s) : NULL;
  if (!o) { /* out of scope now (the config changed), or too many hosts */
    frontier_done(c, fid);
    return;
  }
  item *it = item_new(ITEM_PAGE, url, o, fid, 0);
  if (!it) {
    stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  if (o->phase == ROBOTS_READY) {
    start_page(c, it);
    return;
  }
  park(c, o, it);
  ensure_robots(c, o);
}

typedef struct {
  int64_t id;
  char *url;
} row;

typedef struct {
  row rows[CRAWL_BATCH];
  size_t n;
} row_batch;

static int collect_row(void *ctx, int64_t id, const char *url) {
  row_batch *b = ctx;
  b->rows[b->n].id = id;
  b->rows[b->n].url = strdup(url ? url : "");
  b->n++;
  return 0;
}

/* Takes frontier rows while the window has room. */
static void top_up(crawler *c) {
  while (c->fatal == CRAWL_OK && !c->frontier_dry && c->started < c->max_pages &&
         fetch_pending(c->f) + c->parked < CRAWL_WINDOW) {
    row_batch b = {.n = 0};
    size_t room = CRAWL_WINDOW - (fetch_pending(c->f) + c->parked);
    if (room > CRAWL_BATCH) room = CRAWL_BATCH;
    if (room > c->max_pages - c->started) room = (size_t)(c->max_pages - c->started);
    int n = state_frontier_each(c->st, c->cursor, room, collect_row, &b);
    if (n < 0) stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    if (n <= 0) c->frontier_dry = 1;
    for (size_t i = 0; i < b.n; i++) {
      c->cursor = b.rows[i].id;
      if (b.rows[i].url && c->fatal == CRAWL_OK) take_row(c, b.rows[i].id, b.rows[i].url);
      else if (!b.rows[i].url) stop(c, CRAWL_NOMEM, "out of memory");
      free(b.rows[i].url);
    }
  }
}

/* --- answers ----------------------------------------------------------- */

static long site_delay(const crawler *c, const origin *o) {
  if (c->o->delay_ms >= 0) return c->o->delay_ms; /* --delay overrides all */
  long d = o->site && o->site->delay_ms >= 0 ? o->site->delay_ms : 1000;
  long robots_d = o->rules ? robots_crawl_delay_ms(o->rules) : -1;
  return robots_d > d ? robots_d : d;
}

static void submit_sitemap(crawler *c, const char *url, int depth) {
  if (c->sitemaps >= CRAWL_MAX_SITEMAPS) return;
  const site_view *s = site_for(c, url);
  if (!s) s = site_by_origin(c, url);
  origin *o = s ? origin_for(c, url, s) : NULL;
  if (!o || robots_says_no(o, url)) return;
  item *it = item_new(ITEM_SITEMAP, url, o, 0, depth);
  if (!it) return;
  c->sitemaps++;
  submit(c, it, NULL, NULL);
}

/* On a new run, the sitemaps robots.txt and the config name for origin o. */
static void submit_sitemaps(crawler *c, origin *o) {
  if (!c->fresh_run) return;
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
  const char *ua = agent_of(c, o->site);
  if (r->error == FETCH_OK && r->code == 200)
    o->rules = robots_parse(r->body->data ? r->body->data : "", r->body->len, ua);
  else if (r->error == FETCH_OK && r->code >= 400 && r->code < 500)
    o->rules = robots_allow_all(); /* RFC 9309: unavailable means no rules */
  else {
    o->rules = robots_disallow_all(); /* unreachable: assume complete disallow */
    o->unreachable = 1;
    logf_url(c, it->url, "robots.txt could not be read (%s): this host is skipped",
             r->error != FETCH_OK ? r->message : "HTTP error");
  }
  if (!o->rules) {
    stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  o->phase = ROBOTS_READY;
  fetch_set_host_delay(c->f, o->name, site_delay(c, o));
  submit_sitemaps(c, o);
  while (o->parked && c->fatal == CRAWL_OK) {
    item *p = o->parked;
    o->parked = p->next;
    p->next = NULL;
    c->parked--;
    start_page(c, p);
  }
  o->parked_tail = NULL;
}

typedef struct {
  crawler *c;
  const char *base;
  int nested; /* 1: locs are sitemaps */
  int depth;
} sitemap_ctx;

static int on_sitemap_loc(void *ctx, const char *loc, const char *lastmod) {
  (void)lastmod; /* every known page is revisited conditionally anyway */
  sitemap_ctx *sc = ctx;
  char *u = fetch_url_resolve(sc->base, loc);
  if (!u) return 0;
  if (!sc->nested) frontier_add(sc->c, u);
  else if (sc->depth + 1 < CRAWL_SITEMAP_DEPTH) submit_sitemap(sc->c, u, sc->depth + 1);
  free(u);
  return sc->c->fatal != CRAWL_OK;
}

static void on_sitemap(crawler *c, item *it, const fetch_result *r) {
  if (r->error != FETCH_OK || r->code != 200) {
    logf_url(c, it->url, "sitemap not read: %s", r->error ? r->message : "HTTP error");
    return;
  }
  sitemap_ctx sc = {c, r->final_url, 0, it->depth};
  char err[256];
  /* An index names sitemaps: followed CRAWL_SITEMAP_DEPTH levels down only. */
  int n = sitemap_parse(r->body->data ? r->body->data : "", r->body->len, on_sitemap_loc, &sc,
                        &sc.nested, err, sizeof err);
  if (n < 0) logf_url(c, it->url, "sitemap not read: %s", err);
}

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
    stop(c, CRAWL_INDEX, "%s", indexer_errmsg(c->ix));
  }
}

/* Extracts a page and hands it to the index (a listing page only gives
 * its links); links go to the frontier when follow is set. Returns 0, or -1
 * when the page could not be used (logged, counted as failed). */
static int use_page(crawler *c, const site_view *s, const char *url, const char *type,
                    const char *body, size_t len, int follow) {
  extract_result x;
  char err[512];
  extract_status es = extract_page(body ? body : "", len, url, type,
                                   s && s->has_profile ? &s->profile : NULL, &x, err, sizeof err);
  if (es != EXTRACT_OK) {
    logf_url(c, url, "not indexed: %s", err);
    return -1;
  }
  for (size_t i = 0; follow && i < x.n_links && c->fatal == CRAWL_OK; i++)
    frontier_add(c, x.links[i].url);
  int rc = 0;
  if (x.listing) { /* read for its links; a search should find what it lists */
    c->sum->listings++;
    unindex(c, url, 0); /* a page that turned into a listing */
  } else if (c->ix) {
    engine_status st = indexer_add(c->ix, &x.rec);
    if (st == ENGINE_OK) {
      c->sum->indexed++;
      c->since_commit++;
    } else if (st == ENGINE_INVALID) {
      logf_url(c, url, "not indexed: %s", indexer_errmsg(c->ix));
      rc = -1;
    } else {
      c->sum->index_status = st;
      stop(c, CRAWL_INDEX, "%s", indexer_errmsg(c->ix));
      rc = -1;
    }
  }
  extract_result_clear(&x);
  return rc;
}

static int store_answer(crawler *c, const fetch_result *r, const char *url, const char *hash,
                        state_fetch *sf) {
  char err[512];
  const char *file;
  warc_exchange x = {.url = url, .date = r->date, .request = r->request->data,
                     .request_len = r->request->len, .response = r->response->data,
                     .response_len = r->response->len, .body = r->body->data,
                     .body_len = r->body->len, .digest_hex = hash};
  if (ensure_tx(c) != 0) return -1;
  if (warc_append(c->warc, &x, &file, &sf->warc_offset, err, sizeof err) != 0) {
    stop(c, CRAWL_IO, "%s", err);
    return -1;
  }
  sf->warc_file = file;
  c->warc_dirty = 1;
  return 0;
}

/* A 200: new, changed, unchanged or a duplicate of another URL. */
static state_verdict on_ok(crawler *c, const site_view *s, const fetch_result *r, const char *url,
                           state_fetch *sf, char *hash) {
  if (!is_html(r->content_type)) {
    logf_url(c, url, "skipped: not HTML (%s)", r->content_type ? r->content_type : "");
    return STATE_SKIPPED;
  }
  warc_sha256_hex(r->body->data ? r->body->data : "", r->body->len, hash);
  sf->hash = hash;
  state_verdict v;
  int store;
  if (state_classify(c->st, url, hash, &v, &store) != 0) {
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return STATE_FAILED;
  }
  if (store && store_answer(c, r, url, hash, sf) != 0) return STATE_FAILED;
  note(c, sf, v);
  if (v == STATE_NEW || v == STATE_CHANGED) {
    if (use_page(c, s, url, r->content_type, r->body->data, r->body->len, 1) != 0)
      c->sum->failed++;
  } else if (v == STATE_DUPLICATE) {
    unindex(c, url, 0);
  }
  return v;
}

/* A 404/410: a page we had is gone; one we never had is a broken link. */
static state_verdict on_gone(crawler *c, const fetch_result *r, const char *url,
                             state_fetch *sf) {
  state_page p;
  int known = state_page_get(c->st, url, &p);
  int had = known > 0 && !p.gone && p.hash;
  state_page_clear(&p);
  if (known < 0) {
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return STATE_FAILED;
  }
  if (!had) return STATE_MISSING;
  if (store_answer(c, r, url, NULL, sf) != 0) return STATE_FAILED;
  note(c, sf, STATE_GONE);
  unindex(c, url, 1);
  return STATE_GONE;
}

static void count(crawler *c, state_verdict v) {
  crawl_summary *s = c->sum;
  switch (v) {
  case STATE_NEW: s->new_pages++; break;
  case STATE_CHANGED: s->changed++; break;
  case STATE_UNCHANGED: s->unchanged++; break;
  case STATE_NOT_MODIFIED: s->not_modified++; break;
  case STATE_DUPLICATE: s->duplicate++; break;
  case STATE_GONE: s->gone++; break;
  case STATE_MISSING: s->broken++; break;
  case STATE_FAILED: s->failed++; break;
  case STATE_SKIPPED: s->skipped++; break;
  }
}

/* The verdict of a page's answer, with its effects done except the record
 * for verdicts on_ok/on_gone do not record themselves. */
static state_verdict judge(crawler *c, const site_view *s, const fetch_result *r, const char *url,
                           state_fetch *sf, char *hash, int *recorded) {
  char msg[64];
  *recorded = 1;
  if (r->error != FETCH_OK) {
    logf_url(c, url, "failed: %s", r->message);
    *recorded = 0;
    return STATE_FAILED;
  }
  if (r->code == 200) return on_ok(c, s, r, url, sf, hash);
  if (r->code == 404 || r->code == 410) {
    state_verdict v = on_gone(c, r, url, sf);
    if (v == STATE_MISSING) {
      logf_url(c, url, "broken link: HTTP %s", r->code == 404 ? "404" : "410");
      *recorded = 0;
    }
    return v;
  }
  *recorded = 0;
  if (r->code == 304) return STATE_NOT_MODIFIED;
  snprintf(msg, sizeof msg, "%ld", r->code);
  logf_url(c, url, "failed: HTTP %s", msg);
  return STATE_FAILED;
}

/* The URL redirected: the first URL is recorded as a redirect, the answer
 * belongs to the final one (unless that was already done in this run). */
static int redirected_done(crawler *c, const fetch_result *r, int64_t run) {
  state_fetch sf = {.url = r->url, .status = 301, .fetched_at = r->date};
  note(c, &sf, STATE_SKIPPED);
  state_page p;
  int known = state_page_get(c->st, r->final_url, &p);
  int done = known > 0 && p.last_run == run;
  state_page_clear(&p);
  return done;
}

static void on_page(crawler *c, item *it, const fetch_result *r) {
  const char *url = r->error == FETCH_OK ? r->final_url : r->url;
  c->sum->fetched++;
  c->sum->bytes += r->body->len;
  state_verdict v;
  if (strcmp(url, r->url) != 0 && redirected_done(c, r, c->sum->run)) {
    v = STATE_SKIPPED;
  } else {
    char hash[65];
    int recorded;
    state_fetch sf = {.url = url, .status = r->code, .etag = r->etag,
                      .last_modified = r->last_modified, .fetched_at = r->date};
    v = judge(c, it->org->site, r, url, &sf, hash, &recorded);
    if (!recorded) note(c, &sf, v);
  }
  count(c, v);
  frontier_done(c, it->fid);
}

static void on_done(void *ctx, const fetch_result *r) {
  crawler *c = ctx;
  item *it = r->user;
  c->turn_answers++;
  if (c->fatal == CRAWL_OK) {
    if (it->kind == ITEM_ROBOTS) on_robots(c, it, r);
    else if (it->kind == ITEM_SITEMAP) on_sitemap(c, it, r);
    else on_page(c, it, r);
  }
  item_free(it);
}

/* --- recovery: index work a killed run left ------------------------------ */

typedef struct {
  crawler *c;
  store_reader *rd;
} replay_ctx;

static const site_view *site_or_null(crawler *c, const char *url) { return site_for(c, url); }

static int replay_pending(void *ctx, const char *url, int pending, const char *file, int64_t off) {
  replay_ctx *rc = ctx;
  crawler *c = rc->c;
  if (pending == 2) {
    unindex(c, url, 1);
  } else if (file) {
    char err[512];
    warc_record rec;
    int got = store_reader_get(rc->rd, file, off, &rec, err, sizeof err);
    if (got == 1 && rec.http_status == 200)
      use_page(c, site_or_null(c, url), url, rec.content_type, rec.body, rec.body_len, 0);
    else
      logf_url(c, url, "cannot replay from the store: %s",
               got == 1 ? "the stored answer is not a page" : err);
  }
  c->sum->recovered++;
  return c->fatal != CRAWL_OK;
}

static void recover(crawler *c) {
  replay_ctx rc = {.c = c, .rd = store_reader_new(c->o->store)};
  if (!rc.rd) stop(c, CRAWL_NOMEM, "out of memory");
  else if (state_pending_each(c->st, replay_pending, &rc) != 0)
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  store_reader_free(rc.rd);
  c->sum->indexed = c->sum->removed = 0; /* recovered work is counted apart */
  index_commit(c);
}

/* --- setup and the loop ------------------------------------------------- */

static int open_store(crawler *c) {
  store_options so = {.warc_rotate_bytes = c->o->warc_rotate_bytes, .software = CRAWL_USER_AGENT};
  char err[512];
  int rc = store_open(c->o->store, &so, &c->store, err, sizeof err);
  if (rc != 0) {
    stop(c, rc > 0 ? CRAWL_BUSY : CRAWL_IO, "%s", err);
    return -1;
  }
  c->st = store_state(c->store);
  c->warc = store_warc(c->store);
  return 0;
}

static int open_index(crawler *c) {
  if (c->o->no_index) return 0;
  char *msg = NULL;
  engine_status st = indexer_open(c->o->db, &c->ix, &msg);
  if (st == ENGINE_OK) return 0;
  c->sum->index_status = st;
  stop(c, CRAWL_INDEX, "%s", msg ? msg : engine_strerror(st));
  free(msg);
  return -1;
}

/* 1 when a site's own start or sitemap URL is on a private address
 * (localhost, 127.0.0.1, a LAN address): only then may the crawl connect to
 * such addresses. Else a public site can neither redirect nor link (nor
 * resolve) the crawler into the local network or a cloud metadata service. */
static int sites_name_private(const crawler *c) {
  for (size_t i = 0; i < c->n_sites; i++)
    for (size_t k = 0; k < c->sites[i].origins.n; k++)
      if (fetch_url_private(c->sites[i].origins.items[k])) return 1;
  return 0;
}

static int open_fetcher(crawler *c) {
  fetch_options fo;
  fetch_options_default(&fo);
  fo.user_agent = agent_of(c, c->n_sites ? &c->sites[0] : NULL);
  if (c->o->delay_ms >= 0) fo.delay_ms = c->o->delay_ms;
  if (c->o->timeout_ms > 0) fo.timeout_ms = c->o->timeout_ms;
  if (c->o->timeout_ms > 0 && fo.connect_timeout_ms > c->o->timeout_ms)
    fo.connect_timeout_ms = c->o->timeout_ms;
  if (c->o->retry_base_ms > 0) fo.retry_base_ms = c->o->retry_base_ms;
  for (size_t i = 0; i < c->n_sites; i++)
    if (c->sites[i].cfg && c->sites[i].cfg->include.n) fo.cross_host_redirects = 1;
  fo.refuse_private = !sites_name_private(c);
  fo.allow = allow_redirect;
  fo.allow_ctx = c;
  c->f = fetch_create(&fo);
  if (!c->f) stop(c, CRAWL_NOMEM, "out of memory");
  return c->f ? 0 : -1;
}

static void seed(crawler *c) {
  int resumed;
  if (state_begin_run(c->st, (int64_t)time(NULL), &resumed, &c->sum->run) != 0) {
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return;
  }
  c->sum->resumed = resumed;
  c->fresh_run = !resumed;
  if (state_known_each(c->st, count_known, c) != 0) {
    stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return;
  }
  for (size_t i = 0; i < c->o->n_urls; i++) frontier_add(c, c->o->urls[i]);
  const crawl_config *cfg = c->o->config;
  for (size_t i = 0; cfg && i < cfg->n_sites; i++) {
    const config_site *cs = &cfg->sites[i];
    for (size_t k = 0; k < cs->start.n; k++) frontier_add(c, cs->start.items[k]);
    /* A site known only by its sitemaps: its robots.txt, then them. */
    for (size_t k = 0; c->fresh_run && k < cs->sitemap.n; k++) {
      const site_view *s = site_by_origin(c, cs->sitemap.items[k]);
      origin *o = s ? origin_for(c, cs->sitemap.items[k], s) : NULL;
      if (o) ensure_robots(c, o);
    }
  }
  flush_turn(c);
}

static void progress(crawler *c, int64_t t0, int force) {
  int64_t now = mono_ms();
  c->sum->seconds = (double)(now - t0) / 1000.0;
  if (!c->o->progress || (!force && now - c->last_progress < 100)) return;
  c->last_progress = now;
  int64_t left = c->st ? state_frontier_count(c->st) : 0; /* no store opened: nothing left */
  c->o->progress(c->o->ctx, c->sum, left < 0 ? 0 : (uint64_t)left);
}

static void loop(crawler *c, int64_t t0) {
  while (c->fatal == CRAWL_OK) {
    top_up(c);
    if (fetch_pending(c->f) == 0 && c->parked == 0) break;
    if (fetch_perform(c->f, 100, on_done, c) != FETCH_OK) stop(c, CRAWL_NOMEM, "libcurl failed");
    if (c->turn_answers >= CRAWL_TURN_ANSWERS || mono_ms() - c->turn_start >= CRAWL_TURN_MS)
      flush_turn(c);
    progress(c, t0, 0);
  }
  flush_turn(c);
}

/* Frees origins and their parked items (they stay in the frontier). */
static void origins_free(crawler *c) {
  for (size_t i = 0; i < c->n_origins; i++) {
    origin *o = c->origins[i];
    while (o->parked) {
      item *it = o->parked;
      o->parked = it->next;
      item_free(it);
    }
    robots_free(o->rules);
    free(o->name);
    free(o);
  }
}

char *crawl_summary_json(const crawl_summary *s) {
  const struct {
    const char *key;
    uint64_t value;
  } counts[] = {{"fetched", s->fetched},     {"new", s->new_pages},
                {"changed", s->changed},     {"unchanged", s->unchanged},
                {"not_modified", s->not_modified}, {"duplicate", s->duplicate},
                {"failed", s->failed},       {"gone", s->gone},
                {"broken", s->broken},       {"skipped", s->skipped},
                {"robots_blocked", s->robots_blocked}, {"capped", s->capped},
                {"listings", s->listings},   {"bytes", s->bytes},
                {"indexed", s->indexed},     {"removed", s->removed},
                {"recovered", s->recovered}};
  json_object *o = json_object_new_object();
  int ok = o && json_object_object_add(o, "run", json_object_new_int64(s->run)) == 0 &&
           json_object_object_add(o, "resumed", json_object_new_boolean(s->resumed)) == 0;
  for (size_t i = 0; ok && i < sizeof counts / sizeof counts[0]; i++)
    ok = json_object_object_add(o, counts[i].key, json_object_new_uint64(counts[i].value)) == 0;
  char secs[32]; /* to the millisecond, written as such */
  snprintf(secs, sizeof secs, "%.3f", s->seconds);
  ok = ok && json_object_object_add(o, "seconds", json_object_new_double_s(s->seconds, secs)) == 0;
  const char *text = ok ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;
  char *out = text ? strdup(text) : NULL;
  json_object_put(o);
  return out;
}

static void write_last_crawl(crawler *c) {
  char err[512];
  char *json = crawl_summary_json(c->sum);
  if (!json) return;
  if (store_report_write(c->o->store, json, err, sizeof err) != 0) stop(c, CRAWL_IO, "%s", err);
  free(json);
}

static crawl_status finish_run(crawler *c) {
  if (c->ix) {
    engine_status es = indexer_close(c->ix);
    c->ix = NULL;
    if (es != ENGINE_OK) {
      c->sum->index_status = es;
      stop(c, CRAWL_INDEX, "the index could not commit: %s", engine_strerror(es));
    } else if (c->fatal == CRAWL_OK && !c->o->no_index && state_pending_clear(c->st) != 0) {
      stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    }
  }
  if (c->st) write_last_crawl(c);
  fetch_destroy(c->f);
  origins_free(c);
  char err[512];
  if (store_close(c->store, err, sizeof err) != 0) stop(c, CRAWL_IO, "%s", err);
  c->store = NULL;
  c->st = NULL;
  c->warc = NULL;
  sites_free(c);
  return c->fatal;
}

crawl_status crawl_run(const crawl_options *o, crawl_summary *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  crawler c = {.o = o, .sum = out, .err = err, .errlen = errlen};
  c.max_pages = o->max_pages ? o->max_pages : CRAWL_MAX_PAGES;
  err[0] = '\0';
  int64_t t0 = mono_ms();
  if (build_sites(&c) != 0) stop(&c, CRAWL_NOMEM, "out of memory");
  else if (c.n_sites == 0) stop(&c, CRAWL_USAGE, "nothing to crawl: give a start URL or a config");
  if (c.fatal == CRAWL_OK && open_store(&c) == 0 && open_index(&c) == 0 && open_fetcher(&c) == 0) {
    if (c.ix) recover(&c);
    seed(&c);
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

/* One stored answer, through the same rules as the crawl that stored it. */
static void replay_record(crawler *c, const warc_record *rec) {
  const char *url = rec->target_uri;
  char hash[65];
  state_fetch sf = {.url = url, .status = rec->http_status, .fetched_at = (int64_t)time(NULL)};
  state_verdict v = STATE_SKIPPED;
  int store;
  c->sum->fetched++;
  c->sum->bytes += rec->body_len;
  if (rec->http_status == 200 && is_html(rec->content_type)) {
    record_hash(rec, hash);
    sf.hash = hash;
    if (state_classify(c->st, url, hash, &v, &store) != 0) {
      stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
      return;
    }
    note(c, &sf, v);
    if (v == STATE_NEW || v == STATE_CHANGED) {
      if (use_page(c, site_for(c, url), url, rec->content_type, rec->body, rec->body_len, 0) != 0)
        c->sum->failed++;
    } else if (v == STATE_DUPLICATE) {
      unindex(c, url, 0);
    }
  } else if (rec->http_status == 404 || rec->http_status == 410) {
    state_page p;
    int known = state_page_get(c->st, url, &p);
    v = known > 0 && !p.gone && p.hash ? STATE_GONE : STATE_MISSING;
    state_page_clear(&p);
    note(c, &sf, v);
    if (v == STATE_GONE) unindex(c, url, 1);
  }
  count(c, v);
}

static int replay_answer(void *ctx, const warc_record *rec) {
  crawler *c = ctx;
  replay_record(c, rec);
  if (c->in_tx && c->sum->fetched % 256 == 0) flush_turn(c);
  return c->fatal != CRAWL_OK;
}

/* A file that cannot be read, or a torn tail (a crash after the last
 * recorded page): reported, and the replay goes on with the next file. */
static void replay_error(void *ctx, const char *path, const char *msg, int unopened) {
  crawler *c = ctx;
  logf_url(c, path, "%s", msg);
  if (unopened) c->sum->failed++;
}

crawl_status crawl_index_store(const char *store, const char *db, crawl_log_fn log, void *ctx,
                               crawl_summary *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  crawl_options o = {.db = db, .store = store, .delay_ms = -1, .log = log, .ctx = ctx};
  crawler c = {.o = &o, .sum = out, .err = err, .errlen = errlen};
  err[0] = '\0';
  int64_t t0 = mono_ms();
  char *msg = NULL;
  int64_t run;
  int resumed;
  if (state_open(":memory:", &c.st, &msg) != 0) {
    snprintf(err, errlen, "%s", msg ? msg : "out of memory");
    free(msg);
    return CRAWL_NOMEM;
  }
  if (state_begin_run(c.st, 0, &resumed, &run) != 0) stop(&c, CRAWL_IO, "%s", state_errmsg(c.st));
  else if (open_index(&c) == 0) {
    store_replay_fns fns = {.record = replay_answer, .on_error = replay_error, .ctx = &c};
    if (store_replay(store, &fns, err, errlen) < 0) c.fatal = CRAWL_IO;
    flush_turn(&c);
  }
  out->seconds = (double)(mono_ms() - t0) / 1000.0;
  if (c.ix) {
    engine_status es = indexer_close(c.ix);
    if (es != ENGINE_OK) {
      out->index_status = es;
      stop(&c, CRAWL_INDEX, "the index could not commit: %s", engine_strerror(es));
    }
  }
  state_close(c.st);
  return c.fatal;
}
