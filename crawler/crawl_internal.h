/* crawl_internal: what the files of one crawl share (not a public header).
 *
 * In order of a run:
 *   crawl.c           the run: store, index, fetcher, the loop, answers,
 *                     recovery and the replay of a store into an index
 *   crawl_sites.c     sites and scope, origins and their robots.txt
 *   crawl_frontier.c  what is asked, in which order, within the budget:
 *                     the listings first, new URLs, then due revisits;
 *                     links, the news a listing brings, sitemap dates
 *   crawl_files.c     attachments: the files pages link (PDF, DOCX...),
 *                     read by the reader child while the crawl goes on,
 *                     their text kept in the store and indexed with the
 *                     pages that link them (or alone)
 *   crawl_report.c    the summary, its list of new and changed documents,
 *                     last-crawl.json
 *   crawl_plan.c      the same order, said instead of fetched (--plan)
 * The policy of when a page is due again is schedule.h's.
 */
#ifndef TRACUU_CRAWL_INTERNAL_H
#define TRACUU_CRAWL_INTERNAL_H

#include <stdint.h>

#include "attach/attach.h"
#include "crawler/crawl.h"
#include "crawler/extract.h"
#include "crawler/fetch.h"
#include "crawler/robots.h"
#include "crawler/schedule.h"
#include "indexer/indexer.h"
#include "store/store.h"

#define CRAWL_WINDOW 64        /* URLs taken and not yet answered */
#define CRAWL_BATCH 32         /* rows taken at once */
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
/* tracuu has no web site of its own to name, and a made-up contact URL
 * would send a site's webmaster nowhere: the default names the program and
 * what it does, and the operator names themself with user_agent= (the
 * crawl says so on a terminal when no one did). */
#define CRAWL_USER_AGENT "tracuu/" TRACUU_VERSION " (crawler of public notices)"
#define CRAWL_SITE_NAME 160    /* a site's name: its section, or its start URL's origin */
/* The address space a reader child of files may add to what it starts with
 * (attach.h's max_memory). RLIMIT_AS counts address space, not what is
 * resident: an A4 scan at 300 dpi is read by OCR in ~90 MB resident but
 * needs ~150 MB more address space (measured in a fresh Debian 12 root: at
 * 120 MB it always came back empty, at 140 MB one run in eight), so the
 * cap is ATTACH_MAX_MEMORY's, as for a file read alone. What is resident
 * stays what the file needs: the child ~110 MB for the scans of ../shared,
 * with the crawler (~45 MB, its file-dependent parts capped) under 300 MB
 * together. A page too large for it costs its OCR (one line), never the
 * crawl. */
#define CRAWL_READER_MEMORY ATTACH_MAX_MEMORY

/* A site as the crawl sees it: a [site] of the config, or a start URL. */
typedef struct {
  const config_site *cfg; /* NULL for a command-line URL */
  char name[CRAWL_SITE_NAME];
  config_list origins;    /* its start URLs' origins: the scope without include= */
  long delay_ms;          /* -1: not set */
  const char *user_agent;
  extract_profile profile;
  int has_profile;
  uint64_t max_pages;     /* the most pages the store may know of this site */
  schedule_bounds bounds; /* when its pages are asked again */
  int files_per_page;     /* attachments followed per page (0: none) */
  uint64_t max_files;     /* the most files the store may know of this site */
  size_t max_file_bytes;  /* a larger file is not read */
} site_view;

typedef struct file_job file_job;

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
  int64_t fid; /* frontier row (pages taken from the frontier), else 0 */
  char *url;
  origin *org;
  int depth;   /* pages: links from a start URL (-1 unknown); sitemaps: nesting */
  int known;   /* pages: prev holds what the state knew of it */
  int first;   /* pages: a listing asked first (crawler.firsts counts it) */
  state_page prev;
  item *next;            /* parked: the next page waiting for robots.txt */
  item *fly_prev, *fly_next; /* in the fetcher: crawler.flying */
};

typedef struct {
  const crawl_options *o;
  crawl_summary *sum;
  page_store *store; /* the crawl's store, open with its lock (NULL when replaying) */
  crawl_state *st;  /* its state (or an in-memory one when replaying) */
  warc_writer *warc;
  indexer *ix;
  int64_t last_stamp; /* the last first-indexed stamp given (ms): crawl_new_stamp */
  fetcher *f;
  site_view *sites;
  size_t n_sites;
  uint64_t *site_known;   /* per site: URLs the store knows (pages, frontier) */
  unsigned char *site_full_said; /* per site: the cap was reported in this run */
  uint64_t *site_files;   /* per site: files the store knows, and files queued */
  unsigned char *site_files_said; /* per site: the file cap was reported */
  store_reader *reader;   /* answers read back (a page assembled with its files) */
  attach_options aopt;    /* how files are read */
  file_job *jobs, *jobs_tail; /* files waiting for the reader, in order */
  file_job *reading;      /* the one being read */
  attach_job *job;        /* its reader child */
  origin *origins[CRAWL_MAX_ORIGINS];
  size_t n_origins;
  int64_t now;             /* the run's clock when it started (unix seconds) */
  int64_t due_by;          /* pages due by this time are asked (now + SCHEDULE_SLACK) */
  int64_t deadline;        /* mono_ms() after which no work is taken; 0: none */
  state_cursor revisit_at; /* where the due pages were last read */
  int frontier_dry;        /* the frontier gave nothing last time we looked */
  int revisits_dry;        /* nor did the due pages */
  unsigned sitemaps_pending; /* sitemaps asked and not answered: revisits wait for them */
  unsigned firsts;         /* listings asked first and not answered: revisits wait for them
                              too (they may reveal new URLs, which go before revisits) */
  size_t parked;
  item *flying;            /* requests in the fetcher (freed at the end if dropped) */
  uint64_t started, max_pages, sitemaps, since_commit, added;
  int in_tx, warc_dirty;
  unsigned turn_answers; /* answers in the open transaction */
  int64_t turn_start;    /* when it opened */
  crawl_status fatal; /* CRAWL_OK until something stops the run */
  char *err;
  size_t errlen;
  int64_t last_progress;
} crawler;

/* --- crawl.c ------------------------------------------------------------- */
int64_t crawl_mono_ms(void);
/* The schedule's clock: the system's plus the options' offset. */
int64_t crawl_clock(const crawler *c);
/* Stops the run (the first reason wins) with a message. */
void crawl_stop(crawler *c, crawl_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* One line about url to the caller's log. */
void crawl_log(crawler *c, const char *url, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Opens the turn's transaction if none is open: 0, or -1 (the run stops). */
int crawl_ensure_tx(crawler *c);
void crawl_note(crawler *c, const state_fetch *sf, state_verdict v);
/* Queues a page, robots.txt or sitemap request (a page that cannot be
 * queued is recorded as failed). */
void crawl_submit(crawler *c, item *it, const char *etag, const char *last_modified);
/* Asks for a page whose origin's robots.txt is known (or records why not). */
void crawl_start_page(crawler *c, item *it);
item *crawl_item_new(item_kind kind, const char *url, origin *o, int64_t fid, int depth);
void crawl_item_free(item *it);
/* A page item is done with (answered, or not asked): counts, frontier row. */
void crawl_page_done(crawler *c, item *it);

/* --- crawl_sites.c --------------------------------------------------------- */
int crawl_build_sites(crawler *c);
void crawl_sites_free(crawler *c);
const site_view *crawl_site_for(const crawler *c, const char *url);
/* The site whose start URLs or sitemaps share url's origin (sitemaps may
 * live outside a site's include= patterns). */
const site_view *crawl_site_by_origin(const crawler *c, const char *url);
const char *crawl_agent_of(const crawler *c, const site_view *s);
/* The origin of url (made when first seen), or NULL (not a URL, too many). */
origin *crawl_origin_for(crawler *c, const char *url, const site_view *site);
void crawl_origins_free(crawler *c);
int crawl_robots_says_no(const origin *o, const char *url);
/* The fetcher's redirect hook: in scope and not disallowed. */
int crawl_allow_redirect(void *ctx, const char *url, char *why, size_t whylen);
/* Links worth fetching as pages: not attachments, images, styles. */
int crawl_looks_binary(const char *url);
/* 1 when a site's own start or sitemap URL is on a private address. */
int crawl_sites_name_private(const crawler *c);

/* --- crawl_frontier.c ------------------------------------------------------ */
/* Starts the run in the state (new or resumed), counts what each site
 * knows, and puts the start URLs first. */
void crawl_seed(crawler *c);
/* Takes work while the window has room and the budget allows. */
void crawl_top_up(crawler *c);
/* Adds a URL found on a page at depth (or a start URL, depth -1 -> 0):
 * 1 when it is new to the store, 0 when not, -1 when out of scope,
 * capped or the run stopped. */
int crawl_frontier_add(crawler *c, const char *url, int prio, int depth);
/* A file a page at depth-1 links (crawl_files_follow): as crawl_frontier_add,
 * within the site's file cap. */
int crawl_frontier_add_file(crawler *c, const char *url, int depth);
/* The links of a page fetched at depth: new ones queued; when page is a
 * listing that revealed some, the listings it links to are asked in this
 * run too (the next pages of its pagination). Returns how many were new. */
uint64_t crawl_follow_links(crawler *c, const extract_result *x, int depth);
/* A sitemap's <loc> (absolute) with its <lastmod> (or NULL). */
void crawl_sitemap_entry(crawler *c, const char *url, const char *lastmod);
/* Asks for o's robots.txt unless it is known or on its way. */
void crawl_ensure_robots(crawler *c, origin *o);
/* Starts the pages o parked while its robots.txt was on its way. */
void crawl_unpark(crawler *c, origin *o);
void crawl_frontier_done(crawler *c, int64_t fid);
/* What the end of the run leaves: counts, and why it stopped. */
void crawl_frontier_left(crawler *c);

/* Extracts a page (logged when it cannot be): 0, or -1. */
int crawl_extract(crawler *c, const site_view *s, const char *url, const char *type,
                  const char *body, size_t len, extract_result *x /* OUT */);
/* Hands a document to the index (crawl.c's index_page: a listing leaves it). */
int crawl_index(crawler *c, const char *url, const extract_result *x, int64_t stamp, int report,
                int changed);
/* The first-indexed stamp of a document new to the index, fetched at
 * fetched_at (unix seconds): a crawl and a replay give the same. */
int64_t crawl_stamp(crawler *c, int64_t fetched_at);
/* Removes url from the index (gone: counted as removed). */
void crawl_unindex(crawler *c, const char *url, int gone);

/* --- crawl_files.c ---------------------------------------------------------- */
/* The files a page links: for a document, its links to them are recorded
 * (at most the site's attachments_per_page, in page order); in a crawl
 * they are queued like new URLs (within the site's max_attachments). */
void crawl_files_follow(crawler *c, const extract_result *x, const char *page, int depth);
/* Adds the texts known of the files page links to x's record (their
 * labels the links' texts). 0, or -1 (the run stopped). */
int crawl_files_attach(crawler *c, const char *page, extract_result *x);
/* A file's answer stored at warc_file/warc_offset: its text is to be read
 * (queued in a crawl; at once when replaying or recovering). */
void crawl_files_read(crawler *c, const char *url, const char *warc_file, int64_t warc_offset);
/* Reads what is queued while the crawl goes on: ends the read in progress
 * (waiting at most wait_ms) and starts the next. 1 while some file is
 * queued or being read. */
int crawl_files_pump(crawler *c, int wait_ms);
/* A conversion record read back by a replay: the file's text. */
void crawl_files_replayed(crawler *c, const warc_record *rec);
/* Indexes again what a file's text belongs to: the documents linking it,
 * or, when none does, the file alone (id: its URL). */
void crawl_files_settle(crawler *c, const char *file);
/* Stops the reader and drops the queue (the files stay pending). */
void crawl_files_free(crawler *c);
/* Whether an answer is a file to read: its bytes are a document's, or it
 * is not HTML and its URL or Content-Type names a document type. */
int crawl_is_file(const char *url, const char *content_type, const char *body, size_t len);

/* --- crawl_report.c -------------------------------------------------------- */
/* Lists a document the run indexed (new or changed) in the summary. */
void crawl_report_doc(crawl_summary *s, const record *r, int changed);
void crawl_report_write(crawler *c);

#endif
