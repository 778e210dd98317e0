/* crawl: the orchestration. Frontier in, pages fetched politely, stored in
 * WARC, extracted, indexed; the crawl state remembers everything between
 * runs.
 *
 * One run:
 *   1. takes the store's lock (flock on STORE/lock): a second crawl of the
 *      same store gets CRAWL_BUSY at once;
 *   2. finishes the index work a killed run left pending (from the WARC);
 *   3. resumes the frontier a killed run left, or starts a new run: every
 *      known page is revisited with a conditional GET, start URLs and
 *      sitemap URLs are added;
 *   4. fetches (robots.txt first for every host; disallowed URLs are never
 *      requested), follows in-scope links (listing pagination included);
 *      new and changed pages are stored, then indexed in place (id = URL),
 *      except listing pages (extract.h), which only give their links;
 *      304s and identical bodies cost nothing; 404/410 pages are removed;
 *   5. writes the summary to STORE/last-crawl.json.
 *
 * Scope: a URL is crawled when it matches a site (config.h): the site's
 * include patterns, or else the scheme+host+port of its start URLs; and no
 * exclude pattern. A start URL given without a config is a site of its own.
 *
 * The store directory (store/store.h) holds the crawl state, the WARC
 * files of every page kept, the lock and the last run's report.
 *
 * Never prints: per-page messages and progress go to the callbacks.
 */
#ifndef TRACUU_CRAWL_H
#define TRACUU_CRAWL_H

#include <stddef.h>
#include <stdint.h>

#include "crawler/config.h"
#include "engine/engine.h"

#define CRAWL_MAX_PAGES 1000000 /* pages per run when --max-pages is not given */
/* Pages a site may have (known to the store: fetched, or queued) when
 * neither the config's max_pages nor --max-site-pages says: a portal's
 * calendar, search or session-id links cannot grow it without end. */
#define CRAWL_SITE_MAX_PAGES 200000

typedef enum {
  CRAWL_OK = 0,
  CRAWL_BUSY,    /* another crawl holds the store's lock */
  CRAWL_USAGE,   /* a start URL or the configuration is not usable */
  CRAWL_IO,      /* the store could not be written */
  CRAWL_INDEX,   /* the index said no: see crawl_summary.index_status */
  CRAWL_NOMEM
} crawl_status;

typedef struct {
  uint64_t fetched;      /* pages that got an answer or failed (robots/sitemaps not counted) */
  uint64_t new_pages, changed, unchanged, not_modified, duplicate, gone, failed, skipped;
  uint64_t broken;         /* links to URLs that answer 404/410 and never had a page */
  uint64_t robots_blocked; /* frontier URLs robots.txt disallows (never requested) */
  uint64_t capped;         /* links not queued: their site had reached its page cap */
  uint64_t listings;       /* listing pages: links followed, not indexed (extract.h) */
  uint64_t bytes;          /* body bytes received (decoded) */
  uint64_t indexed, removed, recovered;
  double seconds;
  int resumed;             /* this run continued a killed one */
  int64_t run;
  engine_status index_status;
} crawl_summary;

/* Per-page messages: url and one line (a failure, a skipped page...). */
typedef void (*crawl_log_fn)(void *ctx, const char *url, const char *msg);
/* Called about every 100 ms with the counts so far. */
typedef void (*crawl_progress_fn)(void *ctx, const crawl_summary *s, uint64_t queued);

typedef struct {
  const char *db;            /* the index (ignored with no_index) */
  const char *store;         /* the store directory */
  const crawl_config *config; /* sites, or NULL */
  const char *const *urls;   /* start URLs from the command line */
  size_t n_urls;
  long delay_ms;             /* -1: site/robots/1 s; else this for every host */
  long timeout_ms;           /* per request; 0 = fetch's default */
  uint64_t max_pages;        /* 0 = CRAWL_MAX_PAGES */
  uint64_t site_max_pages;   /* 0 = each site's max_pages, else CRAWL_SITE_MAX_PAGES */
  int no_index;
  const char *user_agent;    /* NULL = config's, else the built-in one */
  uint64_t warc_rotate_bytes; /* 0 = WARC_ROTATE_BYTES */
  long retry_base_ms;        /* 0 = fetch's default */
  crawl_log_fn log;
  crawl_progress_fn progress;
  void *ctx;                 /* for log and progress */
} crawl_options;

/* Runs one crawl. *out is filled even on error (the counts so far). */
crawl_status crawl_run(const crawl_options *o, crawl_summary *out /* OUT */, char *err /* OUT */,
                       size_t errlen);

/* Rebuilds the index at db from the WARC files of store, without network:
 * every stored answer is replayed in order through the same rules as a
 * crawl (new/changed indexed, duplicates and 404/410 removed). */
crawl_status crawl_index_store(const char *store, const char *db, crawl_log_fn log, void *ctx,
                               crawl_summary *out /* OUT */, char *err /* OUT */, size_t errlen);

/* The summary as one JSON object (no newline). Caller frees; NULL on NOMEM. */
char *crawl_summary_json(const crawl_summary *s);

const char *crawl_strerror(crawl_status st);

#endif
