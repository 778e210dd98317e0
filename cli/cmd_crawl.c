/* tracuu crawl: fetch sites politely into the store and the index. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
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

static void print_summary(const crawl_summary *s) {
  fprintf(stderr,
          "tracuu: crawl %s in %.1f s: %llu fetched, %llu new, %llu changed, %llu unchanged "
          "(%llu not modified), %llu failed, %llu gone, %llu duplicate, %.1f MB",
          s->resumed ? "resumed and done" : "done", s->seconds, (unsigned long long)s->fetched,
          (unsigned long long)s->new_pages, (unsigned long long)s->changed,
          (unsigned long long)(s->unchanged + s->not_modified), (unsigned long long)s->not_modified,
          (unsigned long long)s->failed, (unsigned long long)s->gone,
          (unsigned long long)s->duplicate, (double)s->bytes / 1e6);
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
  fputc('\n', stderr);
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
  case CRAWL_INDEX: return cli_exit_for(s->index_status);
  case CRAWL_NOMEM: return EXIT_INTERNAL;
  }
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
    {NULL, 0, NULL, 0}};

typedef struct {
  const char *db, *store, *config;
  int json;
} crawl_args;

/* Parses flags into o and a; returns -1 (usage printed), 0, or 1 for --help. */
static int parse_args(int argc, char **argv, crawl_options *o, crawl_args *a) {
  int opt;
  unsigned max;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:s:c:D:m:M:nju:t:h", crawl_options_long, NULL)) != -1) {
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
    case 'u': o->user_agent = optarg; break;
    case 'h': return 1;
    default: cli_usage_error("crawl", "d:s:c:D:m:M:nju:t:h", argc, argv); return -1;
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
  if (st != CRAWL_OK) cli_error("crawl stopped: %s", err);
  print_summary(&s);
  if (a->json) {
    char *json = crawl_summary_json(&s);
    if (json) puts(json);
    free(json);
  }
  return exit_for(st, &s);
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
    rc = run_crawl(&o, &a);
    fetch_global_cleanup();
  }
  for (int i = 0; urls && i < n; i++) free(urls[i]);
  free(urls);
  if (a.config) config_free(&cfg);
  return rc;
}
