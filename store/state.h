/* state: what the crawler knows between runs, in one SQLite file (WAL).
 *
 *   page(url, status, etag, last_modified, hash, last_fetch, next_due, gone,
 *        last_run, pending, warc_file, warc_offset)
 *   content(hash, url)   which page owns each body: identical content under
 *                        two URLs is stored and indexed once, under the URL
 *                        that had it first
 *   frontier(id, url)    URLs still to fetch in this run, in order; a row
 *                        goes only when its page is recorded, so a killed
 *                        run resumes where it stopped
 *   meta(key, value)     the run number, where the WARC store ends
 *
 * The hash is the SHA-256 of the body as served (after Content-Encoding is
 * undone), in hex. A page's index work is "pending" from the moment its
 * fetch is recorded until the caller says the index committed it
 * (state_pending_clear), so a crash between the two is repaired on the next
 * run by replaying the page from the WARC store.
 *
 * Never prints. Every function returns 0 (or a count / flag >= 0) on
 * success and -1 on error, with the message in state_errmsg().
 * ":memory:" is a valid path (tracuu index --from-store uses one).
 */
#ifndef TRACUU_STATE_H
#define TRACUU_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct crawl_state crawl_state;

/* Opens or creates the state at path. On failure *out is NULL and *errmsg
 * (if not NULL) is malloc'ed. */
int state_open(const char *path, crawl_state **out /* OUT */, char **errmsg /* OUT */);
void state_close(crawl_state *st); /* NULL is ok */
const char *state_errmsg(const crawl_state *st);

/* Transactions around a batch of changes (nesting is not supported). */
int state_begin(crawl_state *st);
int state_commit(crawl_state *st);
int state_rollback(crawl_state *st);

/* Starts a run: when the frontier still holds URLs the last run was killed
 * and this one resumes it (*resumed = 1, same run number); otherwise a new
 * run number is taken and every known page that is not gone and is due by
 * now is put in the frontier (revisited conditionally). */
int state_begin_run(crawl_state *st, int64_t now, int *resumed /* OUT */, int64_t *run /* OUT */);

/* Puts url at the end of the frontier unless it is there already or its
 * page was fetched in this run. Returns 1 if added, 0 if not. */
int state_frontier_add(crawl_state *st, const char *url);

/* Calls cb for up to max frontier rows with id > after, in order. cb
 * returns 0 to go on. Returns the number of rows visited. */
typedef int (*state_frontier_cb)(void *ctx, int64_t id, const char *url);
int state_frontier_each(crawl_state *st, int64_t after, size_t max, state_frontier_cb cb, void *ctx);
int state_frontier_done(crawl_state *st, int64_t id);
int64_t state_frontier_count(crawl_state *st); /* -1 on error */

/* What is known of a page; strings are malloc'ed or NULL. */
typedef struct {
  long status;
  char *etag, *last_modified, *hash;
  int gone;
  int64_t last_run;
  char *warc_file;     /* the store's file holding its last answer, or NULL */
  int64_t warc_offset; /* that answer's member in it */
} state_page;
/* Returns 1 with *out filled, 0 when the page is unknown (*out zeroed). */
int state_page_get(crawl_state *st, const char *url, state_page *out /* OUT */);
void state_page_clear(state_page *p);

/* What a response means for the index. */
typedef enum {
  STATE_NEW,          /* a page never seen (or gone and back): index it */
  STATE_CHANGED,      /* new content: index it again, in place */
  STATE_UNCHANGED,    /* same content (a 200 with the same hash) */
  STATE_NOT_MODIFIED, /* a 304 */
  STATE_DUPLICATE,    /* another URL owns this content: not indexed here */
  STATE_GONE,         /* 404/410 for a page we had: remove it */
  STATE_MISSING,      /* 404/410 for a page we never had */
  STATE_FAILED,       /* no usable answer; nothing changes but the attempt */
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
  int64_t revisit_after;             /* seconds until the page is due again */
} state_fetch;

/* Records f under verdict v in this run: updates the page, content
 * ownership and the pending index work (NEW/CHANGED -> add,
 * GONE/DUPLICATE -> remove). */
int state_record(crawl_state *st, const state_fetch *f, state_verdict v);

/* The index work not yet committed. cb gets pending = 1 (add from the WARC
 * record at file/offset) or 2 (remove); returns 0 to go on. */
typedef int (*state_pending_cb)(void *ctx, const char *url, int pending, const char *warc_file,
                                int64_t warc_offset);
int state_pending_each(crawl_state *st, state_pending_cb cb, void *ctx);
/* Declares every pending change committed to the index. */
int state_pending_clear(crawl_state *st);

/* Small key/value settings (the WARC end, ...). get returns 1 when found
 * (*out malloc'ed), 0 when not. */
int state_meta_get(crawl_state *st, const char *key, char **out /* OUT */);
int state_meta_set(crawl_state *st, const char *key, const char *value);

/* Every URL the store knows of, once each: pages not gone and the URLs
 * waiting in the frontier. cb returns 0 to go on. 0, or -1 on error. */
typedef int (*state_url_cb)(void *ctx, const char *url);
int state_known_each(crawl_state *st, state_url_cb cb, void *ctx);

/* 1 when url is a page (gone or not) or in the frontier, 0 if not, -1 on error. */
int state_knows(crawl_state *st, const char *url);

/* Counts of pages known, gone, and with index work pending. */
int state_counts(crawl_state *st, int64_t *pages, int64_t *gone, int64_t *pending);

#endif
