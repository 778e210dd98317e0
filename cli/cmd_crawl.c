/* tracuu crawl: fetch sites politely into the store and the index. */
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/duration.h"
#include "common/timefmt.h"
#include "cli/settings.h"
#include "crawler/config.h"
#include "crawler/crawl.h"
#include "crawler/fetch.h"

typedef struct {
  int tty;         /* stderr is a terminal: progress line */
  int progress_on; /* a progress line is showing */
} crawl_view;

static void clear_progress(crawl_view *v) {
  if (v->progress_on) fputs("\r\033[K", stderr);
  v->progress_on = 0;
}

static void on_log(void *ctx, const char *url, const char *msg) {
  clear_progress(ctx);
  fprintf(stderr, "tracuu: %s: %s\n", url, msg);
}

static void on_progress(void *ctx, const crawl_summary *s, uint64_t queued) {
  crawl_view *v = ctx;
  if (!v->tty) return; /* cron: quiet except the summary */
  fprintf(stderr, "\r\033[Kcrawling: %llu fetched (%llu new, %llu changed, %llu failed), %llu to go, %.0f s",
          (unsigned long long)s->fetched, (unsigned long long)s->new_pages,
          (unsigned long long)s->changed, (unsigned long long)s->failed,
          (unsigned long long)queued, s->seconds);
  v->progress_on = 1;
}

/* Documents listed in the text summary; the JSON has them all (up to
 * CRAWL_SUMMARY_DOCS). */
#define SUMMARY_TEXT_DOCS 50

static void print_docs(const crawl_summary *s) {
  uint64_t fresh = 0, changed = 0;
  for (size_t i = 0; i < s->n_docs; i++) {
    if (s->docs[i].changed) changed++;
    else fresh++;
  }
  if (!s->n_docs) return;
  fprintf(stderr, "tracuu: %llu new and %llu changed document%s:\n", (unsigned long long)fresh,
          (unsigned long long)changed, fresh + changed == 1 ? "" : "s");
  for (size_t i = 0; i < s->n_docs && i < SUMMARY_TEXT_DOCS; i++) {
    const crawl_doc *d = &s->docs[i];
    fprintf(stderr, "  %-8s %s%s%s  %s\n", d->changed ? "changed" : "new", d->number ? d->number : "",
            d->number ? "  " : "", d->title ? d->title : "(no title)", d->url);
  }
  uint64_t more = s->docs_more + (s->n_docs > SUMMARY_TEXT_DOCS ? s->n_docs - SUMMARY_TEXT_DOCS : 0);
  if (more)
    fprintf(stderr, "  ... and %llu more: tracuu search --since last-crawl\n", (unsigned long long)more);
}

static void print_summary(const crawl_summary *s) {
  fprintf(stderr,
          "tracuu: crawl %s in %.1f s: %llu fetched, %llu new, %llu changed, %llu unchanged "
          "(%llu not modified), %llu failed, %llu gone, %llu duplicate, %.1f MB",
          s->resumed ? "resumed and done" : "done", s->seconds, (unsigned long long)s->fetched,
          (unsigned long long)s->new_pages, (unsigned long long)s->changed,
          (unsigned long long)(s->unchanged + s->not_modified), (unsigned long long)s->not_modified,
          (unsigned long long)s->failed, (unsigned long long)s->gone,
          (unsigned long long)s->duplicate, (double)s->bytes / 1e6);
  if (s->revisits)
    fprintf(stderr, ", %llu revisits (%llu found a change)", (unsigned long long)s->revisits,
            (unsigned long long)s->revisits_changed);
  if (s->retrying)
    fprintf(stderr, ", %llu pages asked again later (404 or 5xx)", (unsigned long long)s->retrying);
  if (s->broken) fprintf(stderr, ", %llu broken links", (unsigned long long)s->broken);
  if (s->robots_blocked)
    fprintf(stderr, ", %llu disallowed by robots.txt", (unsigned long long)s->robots_blocked);
  if (s->listings)
    fprintf(stderr, ", %llu listing pages (links followed, not indexed)",
            (unsigned long long)s->listings);
  if (s->capped)
    fprintf(stderr, ", %llu links not followed (site page cap)", (unsigned long long)s->capped);
  if (s->recovered)
    fprintf(stderr, ", %llu recovered from the store", (unsigned long long)s->recovered);
  if (s->attachments || s->attachments_failed)
    fprintf(stderr, ", %llu attachments read (%llu pages, %llu by OCR), %llu not read",
            (unsigned long long)s->attachments, (unsigned long long)s->attachment_pages,
            (unsigned long long)s->ocr_pages, (unsigned long long)s->attachments_failed);
  fputc('\n', stderr);
  if (s->stopped)
    fprintf(stderr, "tracuu: stopped by --%s: %llu URLs never fetched and %llu pages due are left "
            "for the next run\n", s->stopped, (unsigned long long)s->left_new,
            (unsigned long long)s->left_due);
  print_docs(s);
}

/* Seconds (fractions allowed) into milliseconds; -1 after printing the error. */
static long parse_seconds(const char *flag, const char *arg) {
  char *end;
  double d = strtod(arg, &end);
  if (end == arg || *end || !(d >= 0 && d <= 3600)) {
    cli_error("%s expects seconds from 0 to 3600, not \"%s\"", flag, arg);
    return -1;
  }
  return lround(d * 1000.0);
}

static int exit_for(crawl_status st, const crawl_summary *s) {
  switch (st) {
  case CRAWL_OK: break;
  case CRAWL_BUSY: return EXIT_BUSY;
  case CRAWL_USAGE: return EXIT_USAGE;
  case CRAWL_IO: return EXIT_IO;
  case CRAWL_INDEX: return s ? cli_exit_for(s->index_status) : EXIT_INTERNAL;
  case CRAWL_NOMEM: return EXIT_INTERNAL;
  }
  if (!s) return EXIT_OK;
  uint64_t answered = s->new_pages + s->changed + s->unchanged + s->not_modified +
                      s->duplicate + s->gone + s->skipped + s->broken;
  if (s->failed && !answered) return EXIT_NETWORK; /* no site answered at all */
  return s->failed ? EXIT_PARTIAL : EXIT_OK;
}

static const struct option crawl_options_long[] = {
    {"db", required_argument, NULL, 'd'},       {"store", required_argument, NULL, 's'},
    {"config", required_argument, NULL, 'c'},   {"delay", required_argument, NULL, 'D'},
    {"max-pages", required_argument, NULL, 'm'}, {"no-index", no_argument, NULL, 'n'},
    {"max-site-pages", required_argument, NULL, 'M'},
    {"json", no_argument, NULL, 'j'},           {"user-agent", required_argument, NULL, 'u'},
    {"timeout", required_argument, NULL, 't'},  {"help", no_argument, NULL, 'h'},
    {"max-time", required_argument, NULL, 'T'}, {"plan", no_argument, NULL, 'P'},
    {"no-ocr", no_argument, NULL, 'O'},
    {NULL, 0, NULL, 0}};

typedef struct {
  const char *db, *store, *config;
  int json, plan;
} crawl_args;

/* Parses flags into o and a; returns -1 (usage printed), 0, or 1 for --help. */
static int parse_args(int argc, char **argv, crawl_options *o, crawl_args *a) {
  int opt;
  unsigned max;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:s:c:D:m:M:nju:t:hT:P", crawl_options_long, NULL)) != -1) {
    switch (opt) {
    case 'd': a->db = optarg; break;
    case 's': a->store = optarg; break;
    case 'c': a->config = optarg; break;
    case 'D':
      if ((o->delay_ms = parse_seconds("--delay", optarg)) < 0) return -1;
      break;
    case 't':
      if ((o->timeout_ms = parse_seconds("--timeout", optarg)) < 0) return -1;
      break;
    case 'm':
      if (cli_parse_uint("--max-pages", optarg, CRAWL_MAX_PAGES, &max) != 0) return -1;
      o->max_pages = max;
      break;
    case 'M':
      if (cli_parse_uint("--max-site-pages", optarg, 1000000000u, &max) != 0) return -1;
      o->site_max_pages = max;
      break;
    case 'n': o->no_index = 1; break;
    case 'j': a->json = 1; break;
    case 'u':
      if (!fetch_header_value_ok(optarg)) {
        cli_error("--user-agent must be one line of at most %d bytes without control characters "
                  "(a CR or LF would add headers of its own)", FETCH_MAX_HEADER_VALUE);
        return -1;
      }
      o->user_agent = optarg;
      break;
    case 'T': {
      int64_t secs;
      if (duration_parse(optarg, &secs) != 0 || secs <= 0) {
        cli_error("--max-time expects a duration such as 90m or 2h, not \"%s\"", optarg);
        return -1;
      }
      o->max_time_ms = secs * 1000;
      break;
    }
    case 'P': a->plan = 1; break;
    case 'O': o->no_ocr = 1; break;
    case 'h': return 1;
    default: cli_usage_error("crawl", "d:s:c:D:m:M:nju:t:hT:P", argc, argv); return -1;
    }
  }
  return 0;
}

/* The start URLs, checked and normalized into urls (caller frees each). */
static int start_urls(int n, char **argv, char **urls) {
  for (int i = 0; i < n; i++) {
    urls[i] = fetch_url_resolve(NULL, argv[i]);
    if (!urls[i]) {
      cli_error("\"%s\" is not an http:// or https:// URL", argv[i]);
      return -1;
    }
  }
  return 0;
}

static int run_crawl(crawl_options *o, const crawl_args *a) {
  crawl_view view = {.tty = isatty(2)};
  o->log = on_log;
  o->progress = on_progress;
  o->ctx = &view;
  crawl_summary s;
  char err[1024];
  crawl_status st = crawl_run(o, &s, err, sizeof err);
  clear_progress(&view);
  if (st == CRAWL_BUSY) {
    cli_error("%s; try again when it ends", err);
    return EXIT_BUSY;
  }
  if (st == CRAWL_USAGE) { /* nothing was tried: no summary of nothing */
    cli_error("%s", err);
    return EXIT_USAGE;
  }
  const char *advice = st == CRAWL_IO || (st == CRAWL_INDEX && s.index_status == ENGINE_IO)
                           ? cli_io_advice(err) : NULL;
  if (advice)
    cli_error("crawl stopped: %s; the store and the index keep what was committed: %s (it goes "
              "on where this one stopped)", err, advice);
  else if (st != CRAWL_OK) cli_error("crawl stopped: %s", err);
  if (st == CRAWL_OK || s.run) print_summary(&s); /* else nothing was tried */
  if (a->json) {
    char *json = crawl_summary_json(&s);
    if (json) puts(json);
    free(json);
  }
  int rc = exit_for(st, &s);
  crawl_summary_clear(&s);
  return rc;
}

/* --- --plan ----------------------------------------------------------------- */

typedef struct {
  int json;
  int64_t now;
} plan_view;

static void plan_item(void *ctx, const crawl_plan_item *it) {
  plan_view *v = ctx;
  static const char *const reasons[] = {"listing", "new", "revisit"};
  char span[32], iso[TIMEFMT_ISO_LEN], why[96];
  if (v->json) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "url", json_object_new_string(it->url));
    json_object_object_add(o, "site", it->site ? json_object_new_string(it->site) : NULL);
    json_object_object_add(o, "reason", json_object_new_string(reasons[it->reason]));
    json_object_object_add(o, "depth", it->depth >= 0 ? json_object_new_int(it->depth) : NULL);
    json_object_object_add(o, "due", it->due ? json_object_new_string(timefmt_iso(it->due, iso)) : NULL);
    json_object_object_add(o, "overdue", it->due ? json_object_new_int64(v->now - it->due) : NULL);
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return;
  }
  if (it->reason == CRAWL_PLAN_REVISIT)
    snprintf(why, sizeof why, "due, overdue by %s", duration_format(v->now - it->due, span, sizeof span));
  else if (it->depth == 0)
    snprintf(why, sizeof why, "%s", it->reason == CRAWL_PLAN_NEW ? "a start URL never fetched" : "a start URL");
  else if (it->depth > 0)
    snprintf(why, sizeof why, "%s, %d link%s from a start URL",
             it->reason == CRAWL_PLAN_NEW ? "never fetched" : "due", it->depth, it->depth == 1 ? "" : "s");
  else
    snprintf(why, sizeof why, "%s", it->reason == CRAWL_PLAN_NEW ? "never fetched" : "due");
  printf("%-8s %s  (%s)\n", reasons[it->reason], it->url, why);
}

static void plan_site(void *ctx, const crawl_plan_site *s) {
  plan_view *v = ctx;
  char iso[TIMEFMT_ISO_LEN], a[32], b[32], c[32];
  if (v->json) {
    json_object *o = json_object_new_object();
    json_object_object_add(o, "site", s->site ? json_object_new_string(s->site) : NULL);
    const struct {
      const char *key;
      int64_t value;
    } n[] = {{"pages", s->pages}, {"listings", s->listings}, {"waiting", s->waiting},
             {"due_now", s->due_now}, {"due_24h", s->due_day}, {"due_7d", s->due_week},
             {"min_revisit", s->bounds.min_revisit}, {"revisit", s->bounds.revisit},
             {"max_revisit", s->bounds.max_revisit}};
    for (size_t i = 0; i < sizeof n / sizeof n[0]; i++)
      json_object_object_add(o, n[i].key, json_object_new_int64(n[i].value));
    json_object_object_add(o, "next_due", s->next_due ? json_object_new_string(timefmt_iso(s->next_due, iso)) : NULL);
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return;
  }
  printf("site %s: %lld pages (%lld listings), %lld URLs never fetched; due now %lld, within 24 h "
         "%lld, within 7 days %lld; then next at %s; revisits every %s to %s (%s at first)\n",
         s->site ? s->site : "(pages of no configured site)", (long long)s->pages,
         (long long)s->listings, (long long)s->waiting, (long long)s->due_now, (long long)s->due_day,
         (long long)s->due_week, s->next_due ? timefmt_iso(s->next_due, iso) : "-",
         duration_format(s->bounds.min_revisit, a, sizeof a),
         duration_format(s->bounds.max_revisit, b, sizeof b), duration_format(s->bounds.revisit, c, sizeof c));
}

static int run_plan(const crawl_options *o, const crawl_args *a) {
  plan_view v = {.json = a->json, .now = (int64_t)time(NULL) + o->clock_offset};
  crawl_plan_fns fns = {.item = plan_item, .site = plan_site, .ctx = &v};
  char err[1024], iso[TIMEFMT_ISO_LEN];
  if (!a->json)
    printf("plan at %s, budget %llu pages: what a crawl would ask now, in order\n", timefmt_iso(v.now, iso),
           (unsigned long long)(o->max_pages ? o->max_pages : CRAWL_MAX_PAGES));
  crawl_status st = crawl_plan(o, &fns, err, sizeof err);
  if (st == CRAWL_OK) return fflush(stdout) == 0 ? EXIT_OK : EXIT_IO;
  cli_error("%s", err);
  return exit_for(st, NULL);
}

/* 1 when nothing names the crawl's operator: no --user-agent, no
 * user_agent= in the settings, the config's [crawl] or every [site]. */
static int agent_unnamed(const crawl_options *o) {
  if (o->user_agent) return 0;
  if (!o->config) return 1;
  if (o->config->user_agent) return 0;
  for (size_t i = 0; i < o->config->n_sites; i++)
    if (!o->config->sites[i].user_agent) return 1;
  return o->config->n_sites == 0;
}

/* The configuration's user_agent and delay (settings.h); flags override them. */
static void settings_defaults(crawl_options *o) {
  const char *delay = settings_get(SETTING_DELAY);
  o->user_agent = settings_get(SETTING_USER_AGENT);
  if (delay) o->delay_ms = lround(strtod(delay, NULL) * 1000.0); /* checked when it was read */
}

int cmd_crawl(int argc, char **argv) {
  crawl_options o = {.delay_ms = -1};
  crawl_args a = {0};
  settings_defaults(&o);
  int p = parse_args(argc, argv, &o, &a);
  if (p != 0) {
    if (p > 0) cli_help("crawl", stdout);
    return p > 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (cli_clock_offset(&o.clock_offset) != 0) return EXIT_USAGE;
  int n = argc - optind;
  if (n == 0 && !a.config) {
    cli_error("crawl needs a start URL or --config FILE (try \"tracuu help crawl\")");
    return EXIT_USAGE;
  }
  crawl_config cfg;
  char err[1024], store[4200];
  if (a.config && config_load(a.config, &cfg, err, sizeof err) != 0) {
    cli_error("%s", err);
    return EXIT_USAGE;
  }
  char **urls = calloc(n ? (size_t)n : 1, sizeof *urls);
  int rc = urls ? EXIT_OK : EXIT_INTERNAL;
  if (rc == EXIT_OK && start_urls(n, argv + optind, urls) != 0) rc = EXIT_USAGE;
  if (rc == EXIT_OK && fetch_global_init() != 0) rc = EXIT_INTERNAL;
  if (rc == EXIT_OK) {
    o.db = a.db ? a.db : cli_default_db();
    cli_default_store(o.db, store, sizeof store);
    o.store = a.store ? a.store : store;
    o.config = a.config ? &cfg : NULL;
    o.urls = (const char *const *)urls;
    o.n_urls = (size_t)n;
    o.attach_reader = cli_attach_reader();
    /* A person at a terminal is told once; cron's mail is not filled with it. */
    if (!a.plan && agent_unnamed(&o) && isatty(2))
      fprintf(stderr, "tracuu: note: the User-Agent names no contact; set user_agent = NAME "
                      "(+URL or e-mail) so that a site can reach you (tracuu-sites.conf(5))\n");
    rc = a.plan ? run_plan(&o, &a) : run_crawl(&o, &a);
    fetch_global_cleanup();
  }
  for (int i = 0; urls && i < n; i++) free(urls[i]);
  free(urls);
  if (a.config) config_free(&cfg);
  return rc;
}
