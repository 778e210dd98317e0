/* crawl_plan: what a run would ask now and why, read from the state in the
 * order crawl_frontier.c takes it, without fetching or writing anything. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crawler/crawl_internal.h"

typedef struct {
  crawler *c;
  const crawl_plan_fns *fns;
  uint64_t emitted;
  char **listed; /* the listings said so far (start URLs, due listings) */
  size_t n_listed;
  int nomem;
} plan;

static int full(const plan *p) { return p->emitted >= p->c->max_pages || p->nomem; }

static int was_listed(const plan *p, const char *url) {
  for (size_t i = 0; i < p->n_listed; i++)
    if (strcmp(p->listed[i], url) == 0) return 1;
  return 0;
}

static void remember(plan *p, const char *url) {
  char **l = realloc(p->listed, (p->n_listed + 1) * sizeof *l);
  if (!l || !(l[p->n_listed] = strdup(url))) {
    if (l) p->listed = l;
    p->nomem = 1;
    return;
  }
  p->listed = l;
  p->n_listed++;
}

static void say(plan *p, const char *url, crawl_plan_reason why, int depth, int64_t due) {
  if (full(p)) return;
  const site_view *s = crawl_site_for(p->c, url);
  crawl_plan_item it = {.url = url, .site = s ? s->name : NULL, .reason = why, .depth = depth,
                        .due = due};
  p->fns->item(p->fns->ctx, &it);
  p->emitted++;
  if (why == CRAWL_PLAN_LISTING) remember(p, url);
}

static void say_start(plan *p, const char *url) {
  char *norm = fetch_url_resolve(NULL, url);
  if (!norm || was_listed(p, norm)) {
    free(norm);
    return;
  }
  state_page pg;
  int known = p->c->st ? state_page_get(p->c->st, norm, &pg) : 0;
  if (known < 0) crawl_stop(p->c, CRAWL_IO, "%s", state_errmsg(p->c->st));
  else say(p, norm, known && !pg.gone ? CRAWL_PLAN_LISTING : CRAWL_PLAN_NEW, 0,
           known ? pg.next_due : 0);
  if (known > 0) state_page_clear(&pg);
  free(norm);
}

static int on_listing(void *ctx, const char *url, int64_t due) {
  plan *p = ctx;
  if (!was_listed(p, url)) {
    state_page pg;
    int known = state_page_get(p->c->st, url, &pg);
    say(p, url, CRAWL_PLAN_LISTING, known > 0 ? pg.depth : -1, due);
    if (known > 0) state_page_clear(&pg);
  }
  return full(p);
}

static int on_row(void *ctx, int64_t id, const char *url, int prio, int rank) {
  plan *p = ctx;
  (void)id;
  if (prio == STATE_PRIO_LISTING && was_listed(p, url)) return full(p);
  say(p, url, prio == STATE_PRIO_LISTING ? CRAWL_PLAN_LISTING : CRAWL_PLAN_NEW, rank, 0);
  return full(p);
}

static int on_due(void *ctx, const char *url, int64_t due) {
  plan *p = ctx;
  say(p, url, CRAWL_PLAN_REVISIT, -1, due);
  return full(p);
}

/* URLs never fetched, per site. */
typedef struct {
  crawler *c;
  int64_t *waiting;
} waiting_ctx;

static int count_waiting(void *ctx, int64_t id, const char *url, int prio, int rank) {
  waiting_ctx *w = ctx;
  (void)id;
  (void)rank;
  const site_view *s = prio == STATE_PRIO_NEW ? crawl_site_for(w->c, url) : NULL;
  if (s) w->waiting[s - w->c->sites]++;
  return 0;
}

static void say_sites(plan *p) {
  crawler *c = p->c;
  int64_t *waiting = calloc(c->n_sites ? c->n_sites : 1, sizeof *waiting);
  if (!waiting) {
    p->nomem = 1;
    return;
  }
  waiting_ctx w = {c, waiting};
  if (c->st && state_frontier_each(c->st, (size_t)-1 >> 1, count_waiting, &w) < 0)
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
  const int64_t by[3] = {c->due_by, c->now + SCHEDULE_DAY, c->now + 7 * SCHEDULE_DAY};
  for (size_t i = 0; i <= c->n_sites && c->fatal == CRAWL_OK; i++) {
    crawl_plan_site ps = {.site = i < c->n_sites ? c->sites[i].name : NULL};
    int64_t due[3] = {0, 0, 0};
    if (c->st && state_site_due(c->st, ps.site, by, 3, &ps.pages, &ps.listings, due, &ps.next_due) != 0) {
      crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
      break;
    }
    if (i == c->n_sites && ps.pages == 0) break; /* no page of an unknown site: nothing to say */
    ps.due_now = due[0];
    ps.due_day = due[1];
    ps.due_week = due[2];
    if (i < c->n_sites) {
      ps.waiting = waiting[i];
      ps.bounds = c->sites[i].bounds;
    } else {
      schedule_bounds_default(&ps.bounds);
    }
    p->fns->site(p->fns->ctx, &ps);
  }
  free(waiting);
}

crawl_status crawl_plan(const crawl_options *o, const crawl_plan_fns *fns, char *err,
                        size_t errlen) {
  crawl_summary sum;
  memset(&sum, 0, sizeof sum);
  crawler c = {.o = o, .sum = &sum, .err = err, .errlen = errlen};
  err[0] = '\0';
  c.max_pages = o->max_pages ? o->max_pages : CRAWL_MAX_PAGES;
  c.now = crawl_clock(&c);
  c.due_by = c.now + SCHEDULE_SLACK;
  if (crawl_build_sites(&c) != 0) crawl_stop(&c, CRAWL_NOMEM, "out of memory");
  else if (c.n_sites == 0)
    crawl_stop(&c, CRAWL_USAGE, "nothing to crawl: give a start URL or a config");
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", o->store, STORE_STATE_FILE);
  if (c.fatal == CRAWL_OK && access(path, F_OK) == 0) { /* no store yet: every URL is new */
    char *msg = NULL;
    if (state_open(path, &c.st, &msg) != 0) crawl_stop(&c, CRAWL_IO, "%s", msg ? msg : "out of memory");
    free(msg);
  }
  plan p = {.c = &c, .fns = fns};
  const crawl_config *cfg = o->config;
  for (size_t i = 0; c.fatal == CRAWL_OK && i < o->n_urls; i++) say_start(&p, o->urls[i]);
  for (size_t i = 0; c.fatal == CRAWL_OK && cfg && i < cfg->n_sites; i++)
    for (size_t k = 0; k < cfg->sites[i].start.n; k++) say_start(&p, cfg->sites[i].start.items[k]);
  if (c.fatal == CRAWL_OK && c.st && !full(&p) &&
      (state_listings_due(c.st, c.due_by, SCHEDULE_HOT_DEPTH, c.max_pages, on_listing, &p) < 0 ||
       state_frontier_each(c.st, c.max_pages + p.n_listed, on_row, &p) < 0))
    crawl_stop(&c, CRAWL_IO, "%s", state_errmsg(c.st));
  state_cursor cur = {0, 0};
  if (c.fatal == CRAWL_OK && c.st && !full(&p) &&
      state_revisits(c.st, c.due_by, SCHEDULE_HOT_DEPTH, &cur, c.max_pages - p.emitted, on_due, &p) < 0)
    crawl_stop(&c, CRAWL_IO, "%s", state_errmsg(c.st));
  if (c.fatal == CRAWL_OK && !p.nomem) say_sites(&p);
  if (p.nomem) crawl_stop(&c, CRAWL_NOMEM, "out of memory");
  for (size_t i = 0; i < p.n_listed; i++) free(p.listed[i]);
  free(p.listed);
  state_close(c.st);
  crawl_sites_free(&c);
  return c.fatal;
}
