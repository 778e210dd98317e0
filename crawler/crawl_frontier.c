/* crawl_frontier: what a run asks, in which order, within its budget.
 *
 * The order (crawl.h): listings due (the start URLs first, then by depth),
 * the URLs never fetched, then the known pages due, the most overdue
 * first. The first two come from the state's frontier table (prio, rank);
 * the due pages are read from the page table as they are needed, so a
 * store of a million pages costs no million-row frontier each night. Due
 * pages wait while a sitemap (whose <lastmod> can make pages due) or a
 * robots.txt is on its way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "crawler/crawl_internal.h"

/* --- what each site knows: its cap ------------------------------------- */

/* Counts, per site, the URLs the store knows when a run starts, so that a
 * site's cap holds across runs (a calendar that makes a new URL every night
 * stops growing at the cap): by the site each page was recorded with, and
 * by its URL when none was (a frontier row, a page of an older tracuu). */
/* Files per site (state_site_files), for their own cap. */
static int count_files(void *ctx, const char *site, const char *url, int64_t n) {
  crawler *c = ctx;
  (void)url;
  for (size_t i = 0; site && i < c->n_sites; i++)
    if (strcmp(c->sites[i].name, site) == 0) c->site_files[i] += (uint64_t)n;
  return 0;
}

static int count_known(void *ctx, const char *site, const char *url, int64_t n) {
  crawler *c = ctx;
  const site_view *s = NULL;
  for (size_t i = 0; site && !s && i < c->n_sites; i++)
    if (strcmp(c->sites[i].name, site) == 0) s = &c->sites[i];
  if (!site) s = crawl_site_for(c, url);
  if (s) c->site_known[s - c->sites] += (uint64_t)n;
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
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return 1;
  }
  if (known) return 0; /* already known: adding it changes nothing */
  c->sum->capped++;
  if (!c->site_full_said[k]) {
    c->site_full_said[k] = 1;
    char why[160];
    snprintf(why, sizeof why, "not queued: the site has reached its cap of %llu pages "
             "(max_pages in the config, or --max-site-pages)", (unsigned long long)s->max_pages);
    crawl_log(c, url, "%s", why);
  }
  return 1;
}

/* --- adding URLs -------------------------------------------------------- */

/* url normalized when it is in scope and worth fetching as a page
 * (malloc'ed), else NULL; *site is its site. */
static char *in_scope(const crawler *c, const char *url, const site_view **site) {
  char *norm = fetch_url_resolve(NULL, url);
  *site = norm ? crawl_site_for(c, norm) : NULL;
  if (*site && !crawl_looks_binary(norm)) return norm;
  free(norm);
  return NULL;
}

int crawl_frontier_add(crawler *c, const char *url, int prio, int depth) {
  if (c->added >= CRAWL_MAX_NEW_URLS) return -1;
  const site_view *s;
  char *norm = in_scope(c, url, &s);
  int added = -1;
  if (norm && !site_full(c, s, norm) && crawl_ensure_tx(c) == 0) {
    added = state_frontier_add(c->st, norm, prio, depth, c->due_by, NULL);
    if (added < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    else if (added) {
      c->frontier_dry = 0;
      c->added++;
      c->site_known[s - c->sites]++;
    }
  }
  free(norm);
  return added;
}

/* A file a page links: queued like a new URL, within its site's file cap
 * (said once per site and run; the files the store knows are still
 * revisited). 1 when new to the store, 0 when not, -1 when out of scope,
 * capped or the run stopped. */
int crawl_frontier_add_file(crawler *c, const char *url, int depth) {
  if (c->added >= CRAWL_MAX_NEW_URLS) return -1;
  char *norm = fetch_url_resolve(NULL, url);
  const site_view *s = norm ? crawl_site_for(c, norm) : NULL;
  int added = -1;
  size_t k = s ? (size_t)(s - c->sites) : 0;
  if (s && c->site_files[k] >= s->max_files) {
    int known = state_knows(c->st, norm);
    if (known < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    if (known == 0) {
      c->sum->capped++;
      if (!c->site_files_said[k]) {
        c->site_files_said[k] = 1;
        crawl_log(c, norm, "not queued: the site has reached its cap of %llu attachments "
                  "(max_attachments in the config)", (unsigned long long)s->max_files);
      }
    }
    s = NULL; /* known ones are revisited by their schedule */
  }
  if (s && !site_full(c, s, norm) && crawl_ensure_tx(c) == 0) {
    added = state_frontier_add(c->st, norm, STATE_PRIO_NEW, depth, c->due_by, NULL);
    if (added < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    else if (added) {
      c->frontier_dry = 0;
      c->added++;
      c->site_known[k]++;
      c->site_files[k]++;
    }
  }
  free(norm);
  return added;
}

/* Puts a known page into the frontier for this run: 1 if it went in. */
static int promote(crawler *c, const char *url, int prio, int listing_only) {
  const site_view *s;
  char *norm = in_scope(c, url, &s);
  int in = 0;
  if (norm && crawl_ensure_tx(c) == 0) {
    in = state_frontier_promote(c->st, norm, prio, listing_only);
    if (in < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    if (in > 0) c->frontier_dry = 0;
  }
  free(norm);
  return in > 0;
}

uint64_t crawl_follow_links(crawler *c, const extract_result *x, int depth) {
  uint64_t news = 0;
  int at = depth < 0 ? 1 : depth + 1;
  if (x->links_over) { /* counted and said, never dropped quietly */
    c->sum->capped += x->links_over;
    crawl_log(c, x->rec.url ? x->rec.url : "", "capped: %zu links past the %d a page may give are "
              "not followed", x->links_over, EXTRACT_MAX_LINKS);
  }
  for (size_t i = 0; i < x->n_links && c->fatal == CRAWL_OK; i++)
    news += crawl_frontier_add(c, x->links[i].url, STATE_PRIO_NEW, at) > 0;
  /* A listing that revealed new URLs: the listings it links to (the next
   * pages of its pagination) may hold more, so they are asked now too. */
  for (size_t i = 0; x->listing && news && i < x->n_links && c->fatal == CRAWL_OK; i++)
    promote(c, x->links[i].url, STATE_PRIO_LISTING, 1);
  return news;
}

void crawl_sitemap_entry(crawler *c, const char *url, const char *lastmod) {
  int64_t t;
  const site_view *s;
  if (lastmod && timefmt_parse_iso(lastmod, &t) == 0) {
    char *norm = in_scope(c, url, &s);
    int known = 0;
    if (norm && crawl_ensure_tx(c) == 0) {
      known = state_sitemap_lastmod(c->st, norm, t);
      if (known < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    }
    free(norm);
    if (known) return; /* a known page: due now if it changed since it was fetched */
  }
  crawl_frontier_add(c, url, STATE_PRIO_NEW, 1);
}

void crawl_frontier_done(crawler *c, int64_t fid) {
  if (fid && crawl_ensure_tx(c) == 0 && state_frontier_done(c->st, fid) != 0)
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
}

/* --- the start of a run --------------------------------------------------- */

static void say_clock_back(crawler *c, int64_t back) {
  char span[64], msg[200], iso[TIMEFMT_ISO_LEN];
  snprintf(msg, sizeof msg,
           "the clock (%s) is %s behind the start of the last run: every due date moved back "
           "with it, nothing was lost",
           timefmt_iso(c->now, iso), duration_format(back, span, sizeof span));
  crawl_log(c, c->o->store, "%s", msg);
}

void crawl_seed(crawler *c) {
  state_run_opts ro = {.now = c->now, .due_by = c->due_by, .hot_depth = SCHEDULE_HOT_DEPTH};
  int resumed;
  if (state_begin_run(c->st, &ro, &resumed, &c->sum->run, &c->sum->clock_back) != 0) {
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return;
  }
  c->sum->resumed = resumed;
  if (c->sum->clock_back) say_clock_back(c, c->sum->clock_back);
  if (state_site_counts(c->st, count_known, c) != 0 ||
      state_site_files(c->st, count_files, c) != 0) {
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return;
  }
  /* The start URLs are asked every run, first. */
  const crawl_config *cfg = c->o->config;
  for (size_t i = 0; i < c->o->n_urls; i++)
    if (crawl_frontier_add(c, c->o->urls[i], STATE_PRIO_LISTING, 0) == 0)
      promote(c, c->o->urls[i], STATE_PRIO_LISTING, 0);
  for (size_t i = 0; cfg && i < cfg->n_sites; i++) {
    const config_site *cs = &cfg->sites[i];
    for (size_t k = 0; k < cs->start.n; k++)
      if (crawl_frontier_add(c, cs->start.items[k], STATE_PRIO_LISTING, 0) == 0)
        promote(c, cs->start.items[k], STATE_PRIO_LISTING, 0);
    /* A site known only by its sitemaps: its robots.txt, then them. */
    for (size_t k = 0; k < cs->sitemap.n; k++) {
      const site_view *s = crawl_site_by_origin(c, cs->sitemap.items[k]);
      origin *o = s ? crawl_origin_for(c, cs->sitemap.items[k], s) : NULL;
      if (o) crawl_ensure_robots(c, o);
    }
  }
}

/* --- taking work ----------------------------------------------------------- */

static void park(crawler *c, origin *o, item *it) {
  if (o->parked_tail) o->parked_tail->next = it;
  else o->parked = it;
  o->parked_tail = it;
  c->parked++;
}

void crawl_ensure_robots(crawler *c, origin *o) {
  if (o->phase != ROBOTS_UNKNOWN) return;
  char url_robots[FETCH_MAX_URL + 64];
  snprintf(url_robots, sizeof url_robots, "%s/robots.txt", o->name);
  item *r = crawl_item_new(ITEM_ROBOTS, url_robots, o, 0, 0);
  if (!r) {
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  o->phase = ROBOTS_PENDING;
  fetch_set_host_delay(c->f, o->name, 0); /* robots.txt first, at once */
  crawl_submit(c, r, NULL, NULL);
}

static int robots_pending(const crawler *c) {
  for (size_t i = 0; i < c->n_origins; i++)
    if (c->origins[i]->phase == ROBOTS_PENDING) return 1;
  return 0;
}

/* A page taken: asked now, or parked until its origin's robots.txt. */
static void start_item(crawler *c, const char *url, int64_t fid, int depth, int first) {
  const site_view *s = crawl_site_for(c, url);
  origin *o = s ? crawl_origin_for(c, url, s) : NULL;
  if (!o) { /* out of scope now (the config changed), or too many hosts */
    crawl_frontier_done(c, fid);
    return;
  }
  item *it = crawl_item_new(ITEM_PAGE, url, o, fid, depth);
  if (!it) {
    crawl_stop(c, CRAWL_NOMEM, "out of memory");
    return;
  }
  it->first = first;
  c->firsts += first != 0;
  it->known = state_page_get(c->st, url, &it->prev);
  if (it->known < 0) {
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    crawl_page_done(c, it);
    return;
  }
  if (it->known && it->prev.depth >= 0 && (it->depth < 0 || it->prev.depth < it->depth))
    it->depth = it->prev.depth;
  if (o->phase == ROBOTS_READY) {
    crawl_start_page(c, it);
    return;
  }
  park(c, o, it);
  crawl_ensure_robots(c, o);
}

void crawl_unpark(crawler *c, origin *o) {
  while (o->parked && c->fatal == CRAWL_OK) {
    item *p = o->parked;
    o->parked = p->next;
    p->next = NULL;
    c->parked--;
    crawl_start_page(c, p);
  }
  o->parked_tail = NULL;
}

static int take_row(void *ctx, int64_t id, const char *url, int prio, int rank) {
  crawler *c = ctx;
  start_item(c, url, id, rank, prio == STATE_PRIO_LISTING);
  return c->fatal != CRAWL_OK;
}

static int take_due(void *ctx, const char *url, int64_t due) {
  crawler *c = ctx;
  (void)due;
  start_item(c, url, 0, -1, 0);
  return c->fatal != CRAWL_OK;
}

/* Requests the budget still allows: 0 when it is spent. */
static size_t budget_left(crawler *c) {
  if (c->deadline && crawl_mono_ms() >= c->deadline) {
    if (!c->sum->stopped) c->sum->stopped = "max-time";
    return 0;
  }
  uint64_t used = c->started + c->parked;
  return used < c->max_pages ? (size_t)(c->max_pages - used < CRAWL_BATCH ? c->max_pages - used
                                                                          : CRAWL_BATCH)
                             : 0;
}

void crawl_top_up(crawler *c) {
  size_t room;
  while (c->fatal == CRAWL_OK && (room = budget_left(c)) > 0) {
    size_t busy = fetch_pending(c->f) + c->parked;
    if (busy >= CRAWL_WINDOW) break;
    if (room > CRAWL_WINDOW - busy) room = CRAWL_WINDOW - busy;
    if (crawl_ensure_tx(c) != 0) return;
    int n = 0;
    if (!c->frontier_dry) {
      n = state_frontier_take(c->st, room, take_row, c);
      if (n < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
      if (n == 0) c->frontier_dry = 1;
    }
    if (n == 0 && !c->revisits_dry && !c->firsts && !c->sitemaps_pending && !robots_pending(c)) {
      n = state_revisits(c->st, c->due_by, SCHEDULE_HOT_DEPTH, &c->revisit_at, room, take_due, c);
      if (n < 0) crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
      if (n == 0) c->revisits_dry = 1;
    }
    if (n <= 0) break;
  }
}

void crawl_frontier_left(crawler *c) {
  int64_t waiting = state_frontier_new_count(c->st), due = state_due_left(c->st, c->due_by);
  if (waiting < 0 || due < 0) {
    crawl_stop(c, CRAWL_IO, "%s", state_errmsg(c->st));
    return;
  }
  c->sum->left_new = (uint64_t)waiting;
  c->sum->left_due = (uint64_t)due;
  if (!c->sum->stopped && (waiting || due) && c->started >= c->max_pages)
    c->sum->stopped = "max-pages";
}
