/* state: what the crawler knows between runs, in one SQLite file (WAL).
 *
 *   page(url, status, etag, last_modified, hash, last_fetch, next_due, gone,
 *        last_run, pending, warc_file, warc_offset,
 *        kind, depth, interval, fails, changed_at, first_seen, site, rhash)
 *   content(hash, url)   which page owns each body: identical content under
 *                        two URLs is stored and indexed once, under the URL
 *                        that had it first
 *   frontier(id, url, prio, rank, taken)
 *                        URLs to fetch that are not due revisits of known
 *                        pages: URLs never fetched, and the listings a run
 *                        asks first. A row goes only when its page is
 *                        recorded, so a killed run resumes where it stopped,
 *                        and rows a run had no budget for wait for the next
 *                        one
 *   meta(key, value)     the run number, whether a run is open, the latest
 *                        clock a run started at, where the WARC store ends
 *   link(page, file, label, ord)
 *                        the files (PDF, DOCX ...) a document page links, in
 *                        its order, with the links' texts, as its last
 *                        extraction found them
 *   filetext(url, warc_file, warc_offset, ok)
 *                        where a file's text, as read, is kept: a WARC
 *                        "conversion" record (ok 0: the read failed, and the
 *                        record says why)
 *
 * The hash is the SHA-256 of the body as served (after Content-Encoding is
 * undone), in hex; rhash is the caller's digest of what the page says (the
 * extracted record), so that a page whose furniture changed (a sidebar of
 * the newest documents) is not taken for a changed document. A page's index
 * work is "pending" from the moment its fetch is recorded until the caller
 * says the index committed it (state_pending_clear), so a crash between the
 * two is repaired on the next run by replaying the page from the WARC store.
 * A file whose text is being read is held pending (state_pending_hold)
 * until its text is recorded: a commit meanwhile leaves it pending.
 *
 * The schedule (crawler/schedule.h) is decided by the caller; the state keeps
 * it (kind, depth, interval, fails, next_due) and answers what is due, in
 * order: state_frontier_take for the frontier (by prio, rank, then
 * insertion), state_revisits for the due pages (the most overdue first).
 *
 * Versions. PRAGMA user_version says which layout a file has: 0 is what
 * tracuu 0.1 wrote (no schedule columns), 2 the first with the schedule,
 * 3 the last before attachments, STATE_VERSION this one. Opening an older file migrates it in one
 * transaction (columns and indexes added, every page and frontier row
 * kept); a newer one is refused, untouched.
 *
 * Never prints. Every function returns 0 (or a count / flag >= 0) on
 * success and -1 on error, with the message in state_errmsg().
 * ":memory:" is a valid path (tracuu index --from-store uses one).
 */
#ifndef TRACUU_STATE_H
#define TRACUU_STATE_H

#include <stddef.h>
#include <stdint.h>

#define STATE_VERSION 4

typedef struct crawl_state crawl_state;

/* Opens or creates the state at path, migrating an older layout. On failure
 * (also: a state written by a newer tracuu) *out is NULL and *errmsg (if not
 * NULL) is malloc'ed. */
int state_open(const char *path, crawl_state **out /* OUT */, char **errmsg /* OUT */);
void state_close(crawl_state *st); /* NULL is ok */
const char *state_errmsg(const crawl_state *st);

/* For readers that must never write the state (the search page showing an
 * archived original, maybe from a read-only mount): where the last answer
 * for url is kept, read from the file at path opened read-only, whatever
 * its version (no migration). Returns 1 with *warc_file malloc'ed, 0 when
 * url has no archived answer, -1 with err set. */
int state_page_location(const char *path, const char *url, char **warc_file /* OUT */,
                        int64_t *warc_offset /* OUT */, char *err /* OUT */, size_t errlen);

/* Transactions around a batch of changes (nesting is not supported). */
int state_begin(crawl_state *st);
int state_commit(crawl_state *st);
int state_rollback(crawl_state *st);

/* Frontier priorities: lower first. */
enum {
  STATE_PRIO_LISTING = 0, /* listings asked first (rank: their depth) */
  STATE_PRIO_NEW = 1      /* URLs never fetched (rank: depth of the link) */
};

typedef struct {
  int64_t now;       /* the run's clock (unix seconds) */
  int64_t due_by;    /* pages with next_due <= due_by are due */
  int hot_depth;     /* listings this deep or shallower are asked every run */
} state_run_opts;

/* Starts a run. When the last run did not end (state_end_run) this one
 * resumes it (*resumed = 1, same run number), else a new run number is
 * taken, and the known pages a past run put first without asking them
 * leave the frontier. Either way the frontier's rows are all takeable again, and the
 * listings due that are hot (depth <= hot_depth) or revealed new URLs last
 * time (interval 0) are added to it at STATE_PRIO_LISTING, by depth.
 * When now is earlier than the clock of a past run start (the clock went
 * backwards), every stored time is moved back by the difference, so the
 * schedule keeps its shape, and *clock_back says by how much (0 else). */
int state_begin_run(crawl_state *st, const state_run_opts *o, int *resumed /* OUT */,
                    int64_t *run /* OUT */, int64_t *clock_back /* OUT */);
/* Marks the run ended: the next one starts afresh. */
int state_end_run(crawl_state *st);

/* Adds url (a link found, a start URL, a sitemap entry) unless a page has
 * it, or unless it is already waiting: 1 if added, 0 if not. A gone page
 * comes back only when it is due by due_by. When url is a known page its
 * depth is lowered to depth if that is less (*known = 1). */
int state_frontier_add(crawl_state *st, const char *url, int prio, int depth, int64_t due_by,
                       int *known /* OUT, may be NULL */);

/* Puts a known page, not yet fetched in this run, into the frontier at
 * prio (rank: its depth); with listing_only, only when it is a listing.
 * 1 if added, 0 if not. */
int state_frontier_promote(crawl_state *st, const char *url, int prio, int listing_only);

/* Takes up to max rows not yet taken in this run, best first (prio, rank,
 * insertion), marks them taken and calls cb for each. cb returns 0 to go
 * on. Returns the number of rows taken. */
typedef int (*state_row_cb)(void *ctx, int64_t id, const char *url, int prio, int rank);
int state_frontier_take(crawl_state *st, size_t max, state_row_cb cb, void *ctx);
/* The same order without taking, from the start (for a plan): every row. */
int state_frontier_each(crawl_state *st, size_t max, state_row_cb cb, void *ctx);
int state_frontier_done(crawl_state *st, int64_t id);
int64_t state_frontier_count(crawl_state *st); /* -1 on error */
/* Frontier rows whose URL no page has: URLs never fetched. -1 on error. */
int64_t state_frontier_new_count(crawl_state *st);

/* Known pages due by due_by and not fetched in this run, the most overdue
 * first, except the listings begin_run puts in the frontier. *cursor
 * (zeroed before the first call) remembers where the last call stopped, so
 * that pages taken but not yet recorded are not given twice. cb gets the
 * page's next_due. Returns the number of pages given. */
typedef struct {
  int64_t due, rowid;
} state_cursor;
typedef int (*state_due_cb)(void *ctx, const char *url, int64_t next_due);
int state_revisits(crawl_state *st, int64_t due_by, int hot_depth, state_cursor *cursor /* IN/OUT */,
                   size_t max, state_due_cb cb, void *ctx);
/* The listings begin_run would put in the frontier, by depth (for a plan). */
int state_listings_due(crawl_state *st, int64_t due_by, int hot_depth, size_t max,
                       state_due_cb cb, void *ctx);

/* A sitemap's <lastmod> for url (unix seconds): when url is a known page
 * fetched before lastmod, it becomes due at lastmod (if that is sooner).
 * Returns 1 when url is a known page, 0 when not. */
int state_sitemap_lastmod(crawl_state *st, const char *url, int64_t lastmod);

/* For a plan: a site's pages (not gone), listings among them, and how many
 * fall due by each of the n times in by[] (ascending); *next is the soonest
 * next_due after by[0] (0 when none). site NULL: pages without a site. */
int state_site_due(crawl_state *st, const char *site, const int64_t *by, size_t n,
                   int64_t *pages /* OUT */, int64_t *listings /* OUT */,
                   int64_t *due /* OUT: n counts */, int64_t *next /* OUT */);

/* Known pages due by due_by and not fetched in this run. -1 on error. */
int64_t state_due_left(crawl_state *st, int64_t due_by);

/* What is known of a page; strings are malloc'ed or NULL. */
typedef struct {
  long status;
  char *etag, *last_modified, *hash;
  int gone;
  int64_t last_run;
  char *warc_file;     /* the store's file holding its last answer, or NULL */
  int64_t warc_offset; /* that answer's member in it */
  int64_t last_fetch, next_due, interval, changed_at, first_seen;
  int kind, depth, fails;  /* kind: schedule_kind; depth < 0 unknown */
  char *rhash, *site;
} state_page;
/* Returns 1 with *out filled, 0 when the page is unknown (*out zeroed). */
int state_page_get(crawl_state *st, const char *url, state_page *out /* OUT */);
void state_page_clear(state_page *p);

/* What a response means for the index. */
typedef enum {
  STATE_NEW,          /* a page never seen (or gone and back): index it */
  STATE_CHANGED,      /* new content: index it again, in place */
  STATE_UNCHANGED,    /* same content (a 200 with the same hash) */
  STATE_SAME_TEXT,    /* a new body saying the same (same rhash): nothing to index
                         or store; the hash, validators and ownership move on */
  STATE_NOT_MODIFIED, /* a 304 */
  STATE_DUPLICATE,    /* another URL owns this content: not indexed here */
  STATE_GONE,         /* 404/410 for a page we had: remove it */
  STATE_MISSING,      /* 404/410 for a page we never had */
  STATE_FAILED,       /* no usable answer, or a 404/5xx not yet taken for gone:
                         nothing changes but the attempt and the schedule */
  STATE_SKIPPED       /* an answer not indexed (redirect, not HTML...) */
} state_verdict;

const char *state_verdict_name(state_verdict v);

/* Decides the verdict of a 200 response with this body hash (read only).
 * *store says whether the answer must go to the WARC store so that a
 * replay of the store reaches the same index: NEW and CHANGED, and a
 * DUPLICATE that replaces content this URL had. */
int state_classify(crawl_state *st, const char *url, const char *hash, state_verdict *out /* OUT */,
                   int *store /* OUT */);

/* One fetch, as recorded. */
typedef struct {
  const char *url;
  long status;                       /* HTTP status; 0 when none */
  const char *etag, *last_modified;  /* validators of the answer, or NULL */
  const char *hash;                  /* body hash for NEW/CHANGED/UNCHANGED/DUPLICATE */
  const char *warc_file;             /* where the answer is stored, or NULL */
  int64_t warc_offset;
  int64_t fetched_at;                /* unix seconds */
  /* The schedule after this fetch (crawler/schedule.h decides it). */
  int64_t next_due, interval;
  int fails;
  int kind;                          /* schedule_kind; 0 keeps the stored one */
  int depth;                         /* < 0 keeps the stored one (else the lesser) */
  int64_t changed_at;                /* 0 keeps the stored one */
  const char *rhash, *site;          /* NULL keeps the stored one */
} state_fetch;

/* Records f under verdict v in this run: updates the page, its schedule,
 * content ownership and the pending index work (NEW/CHANGED -> add,
 * GONE/DUPLICATE -> remove). A page recorded for the first time gets
 * first_seen = fetched_at. */
int state_record(crawl_state *st, const state_fetch *f, state_verdict v);

/* The index work not yet committed. cb gets pending = 1 (add from the WARC
 * record at file/offset), 2 (remove) or 3 (a file whose text was not read
 * yet: read it from the WARC record); returns 0 to go on. */
typedef int (*state_pending_cb)(void *ctx, const char *url, int pending, const char *warc_file,
                                int64_t warc_offset);
int state_pending_each(crawl_state *st, state_pending_cb cb, void *ctx);
/* Declares every pending change committed to the index (files held
 * pending stay so). */
int state_pending_clear(crawl_state *st);

/* hold 1: url is a file whose text is being read (pending 3: it stays
 * pending through commits); 0: its text is recorded (pending 1). */
int state_pending_hold(crawl_state *st, const char *url, int hold);



/* Small key/value settings (the WARC end, ...). get returns 1 when found
 * (*out malloc'ed), 0 when not. */
int state_meta_get(crawl_state *st, const char *key, char **out /* OUT */);
int state_meta_set(crawl_state *st, const char *key, const char *value);

/* Every URL the store knows of, once each: pages not gone and the URLs
 * waiting in the frontier. cb returns 0 to go on. 0, or -1 on error. */
typedef int (*state_url_cb)(void *ctx, const char *url);
int state_known_each(crawl_state *st, state_url_cb cb, void *ctx);

/* What the store knows per site, cheaply: cb gets each site name the
 * pages not gone were recorded with and how many there are; then each URL
 * no site was recorded for (pages of an older tracuu, frontier rows), with
 * site NULL and n 1. cb returns 0 to go on. 0, or -1 on error. */
typedef int (*state_site_cb)(void *ctx, const char *site, const char *url, int64_t n);
int state_site_counts(crawl_state *st, state_site_cb cb, void *ctx);

/* 1 when url is a page (gone or not) or in the frontier, 0 if not, -1 on error. */
int state_knows(crawl_state *st, const char *url);

/* Moves every stored time (fetches, due dates, changes) by delta seconds. */
int state_shift_times(crawl_state *st, int64_t delta);

/* Counts of pages known, gone, and with index work pending. */
int state_counts(crawl_state *st, int64_t *pages, int64_t *gone, int64_t *pending);

/* --- attachments ----------------------------------------------------------- */

typedef struct {
  const char *file;  /* the file's URL */
  const char *label; /* the link's text, or NULL */
} state_link;

/* Replaces the files page links (n of them, in order). */
int state_links_set(crawl_state *st, const char *page, const state_link *links, size_t n);
/* The files page links, in order; cb returns 0 to go on. */
typedef int (*state_link_cb)(void *ctx, const state_link *link);
int state_links_of(crawl_state *st, const char *page, state_link_cb cb, void *ctx);
/* The documents (pages not gone, not listings) that link file. */
int state_linked_from(crawl_state *st, const char *file, state_url_cb cb, void *ctx);

/* Where file url's text is kept (a WARC conversion record), and whether
 * it was read (ok 0: the record holds why not). */
int state_file_text_set(crawl_state *st, const char *url, const char *warc_file,
                        int64_t warc_offset, int ok);
/* 1 with *warc_file malloc'ed, *warc_offset and *ok, or 0 when url's text
 * (or that of the URL owning the same bytes) is not recorded. */
int state_file_text_get(crawl_state *st, const char *url, char **warc_file /* OUT */,
                        int64_t *warc_offset /* OUT */, int *ok /* OUT */);
/* Per site, the files (kind SCHEDULE_ATTACHMENT) the store knows, not gone:
 * cb(ctx, site, NULL, n). */
int state_site_files(crawl_state *st, state_site_cb cb, void *ctx);

#endif
