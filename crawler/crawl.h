/* crawl: the orchestration. Frontier in, pages fetched politely, stored in
 * WARC, extracted, indexed; the crawl state remembers everything between
 * runs.
 *
 * One run:
 *   1. takes the store's lock (flock on STORE/lock): a second crawl of the
 *      same store gets CRAWL_BUSY at once;
 *   2. finishes the index work a killed run left pending (from the WARC);
 *   3. resumes a killed run, or starts a new one; either way it asks, in
 *      this order (crawl_frontier.c):
 *        a. the listings that are due: the start URLs, the listings near
 *           them (schedule.h: every run), those that revealed new URLs last
 *           time, and, while a listing reveals new URLs, the listings it
 *           links to (the next pages of pagination), shallowest first;
 *        b. the URLs never fetched that they (or sitemaps) reveal;
 *        c. the known pages that are due (schedule.h), the most overdue
 *           first, each with a conditional GET; a sitemap's <lastmod> later
 *           than a page's last fetch makes it due at once;
 *      until nothing is left, or the run's budget (max_pages, max_time_ms)
 *      is spent: what is left waits for the next run;
 *   4. fetches (robots.txt first for every host; disallowed URLs are never
 *      requested), follows in-scope links; new and changed documents are
 *      stored, then indexed in place (id = URL); listing pages (extract.h)
 *      only give their links; 304s, identical bodies and bodies whose
 *      extracted record is the same cost no indexing; a 404 or 5xx is asked
 *      again with backoff and removed only when declared gone (schedule.h);
 *      each page's next visit is learned from what this one found; the
 *      files pages link (PDF, DOCX...) are fetched the same way, read by the
 *      reader child while fetching goes on, kept in the store, and indexed
 *      with the documents that link them (crawl_files.c);
 *   5. writes the summary (with the new and changed documents) to
 *      STORE/last-crawl.json.
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
#include "crawler/schedule.h"
#include "engine/engine.h"
#include "indexer/bulk.h"

#define CRAWL_MAX_PAGES 1000000 /* pages per run when --max-pages is not given */
/* Pages a site may have (known to the store: fetched, or queued) when
 * neither the config's max_pages nor --max-site-pages says: a portal's
 * calendar, search or session-id links cannot grow it without end. */
#define CRAWL_SITE_MAX_PAGES 200000
/* New and changed documents the summary lists, and the bytes their URLs and
 * titles may take (the rest are counted): last-crawl.json stays small. */
#define CRAWL_SUMMARY_DOCS 1000
#define CRAWL_SUMMARY_BYTES (256u * 1024)

typedef enum {
  CRAWL_OK = 0,
  CRAWL_BUSY,    /* another crawl holds the store's lock */
  CRAWL_USAGE,   /* a start URL or the configuration is not usable */
  CRAWL_IO,      /* the store could not be written */
  CRAWL_INDEX,   /* the index said no: see crawl_summary.index_status */
  CRAWL_NOMEM
} crawl_status;

/* A document the run indexed for the first time, or again because it changed. */
typedef struct {
  char *url, *number, *title; /* malloc'ed; number and title may be NULL */
  int changed;                /* 0: new, 1: changed */
} crawl_doc;

typedef struct {
  uint64_t fetched;      /* pages that got an answer or failed (robots/sitemaps not counted) */
  uint64_t new_pages, changed, unchanged, not_modified, duplicate, gone, failed, skipped;
  uint64_t broken;         /* links to URLs that answer 404/410 and never had a page */
  uint64_t robots_blocked; /* frontier URLs robots.txt disallows (never requested) */
  uint64_t capped;         /* links not queued: their site had reached its page cap */
  uint64_t listings;       /* listing pages: links followed, not indexed (extract.h) */
  uint64_t bytes;          /* body bytes received (decoded) */
  uint64_t indexed, removed, recovered;
  uint64_t attachments;    /* files read (their text kept and indexed) */
  uint64_t attachment_pages; /* pages of text they gave */
  uint64_t ocr_pages;      /* ... of which read by OCR */
  uint64_t attachments_failed; /* files that could not be read (one line each:
                                  encrypted, damaged, too big, timed out, not
                                  a document...); the pages linking them are
                                  indexed all the same */
  uint64_t revisits;       /* known documents asked again */
  uint64_t revisits_changed; /* ... whose record had changed */
  uint64_t retrying;       /* known pages that answered 404 or 5xx, asked again later before
                              they are declared gone (schedule.h) */
  uint64_t left_new;       /* at the end: URLs never fetched, waiting for the next run */
  uint64_t left_due;       /* at the end: known pages due and not asked */
  const char *stopped;     /* static: "max-pages" or "max-time" when the budget ended the
                              run, else NULL */
  int64_t started;         /* the run's clock when it started (unix seconds) */
  int64_t clock_back;      /* the clock was this much behind the last run's (seconds) */
  int64_t indexed_after;   /* every document this run indexed first has a larger stamp
                              (indexer.h, ms); 0 without an index */
  crawl_doc *docs;         /* the new and changed documents, up to CRAWL_SUMMARY_DOCS */
  size_t n_docs, docs_bytes;
  uint64_t docs_more;      /* those not listed */
  double seconds;
  int resumed;             /* this run continued a killed one */
  int64_t run;
  engine_status index_status;
} crawl_summary;

/* Frees the summary's lists (the counts stay). NULL is ok. */
void crawl_summary_clear(crawl_summary *s);

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
  int64_t max_time_ms;       /* the run stops taking work after this long; 0 = no limit */
  int64_t clock_offset;      /* seconds added to the system clock: the schedule's time,
                                for tests (tracuu reads TRACUU_NOW) */
  int no_ocr;                /* files' pages without a text layer are not read by OCR */
  const char *const *attach_reader; /* the reader program of files (attach.h's
                                opt->reader), or NULL: a forked child reads */
  crawl_log_fn log;
  crawl_progress_fn progress;
  void *ctx;                 /* for log and progress */
} crawl_options;

/* Runs one crawl. *out is filled even on error (the counts so far). */
crawl_status crawl_run(const crawl_options *o, crawl_summary *out /* OUT */, char *err /* OUT */,
                       size_t errlen);

/* Rebuilds the index at db from the WARC files of store, without network:
 * every stored answer is replayed in order through the same rules as a
 * crawl (new/changed indexed, duplicates and 404/410 removed), and each
 * document gets the stamp the crawl gave it (when its page was first
 * fetched, made larger than the one before: SLOT_INDEXED). bo: a bulk
 * build (indexer/bulk.h: nothing is published unless the whole replay
 * is), or NULL: record by record into the index as it is. */
crawl_status crawl_index_store(const char *store, const char *db, const bulk_opts *bo,
                               crawl_log_fn log, void *ctx, crawl_summary *out /* OUT */,
                               char *err /* OUT */, size_t errlen);

/* The summary as one JSON object (no newline). Caller frees; NULL on NOMEM. */
char *crawl_summary_json(const crawl_summary *s);

/* --- the plan: what a run would fetch now, without fetching -------------- */

typedef enum {
  CRAWL_PLAN_LISTING,  /* a listing due (asked first) */
  CRAWL_PLAN_NEW,      /* a URL never fetched */
  CRAWL_PLAN_REVISIT   /* a known page due: overdue by now - due */
} crawl_plan_reason;

typedef struct {
  const char *url, *site;
  crawl_plan_reason reason;
  int depth;           /* listings and new URLs: links from a start URL (-1 unknown) */
  int64_t due;         /* revisits and listings: when it fell due */
} crawl_plan_item;

typedef struct {
  const char *site;    /* the site's name (config section, or the start URL's origin) */
  int64_t pages, listings; /* known, not gone */
  int64_t due_now, due_day, due_week; /* due by now (+ slack), in 24 h, in 7 days */
  int64_t next_due;    /* the soonest page due after now; 0 none */
  int64_t waiting;     /* URLs never fetched in the frontier */
  schedule_bounds bounds;
} crawl_plan_site;

typedef struct {
  void (*item)(void *ctx, const crawl_plan_item *it);   /* in the order a run takes them */
  void (*site)(void *ctx, const crawl_plan_site *s);
  void *ctx;
} crawl_plan_fns;

/* Says, without fetching or writing anything, what crawl_run with o would
 * ask now (up to its max_pages) and why, then each site's schedule. Reads
 * the store's state without its lock (a crawl may be running). */
crawl_status crawl_plan(const crawl_options *o, const crawl_plan_fns *fns, char *err /* OUT */,
                        size_t errlen);

const char *crawl_strerror(crawl_status st);

#endif
