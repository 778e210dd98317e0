/* schedule: when each known URL is asked again, learned from what each
 * visit found.
 *
 * The reference is Nutch's AdaptiveFetchSchedule: a page that changed is
 * asked again sooner (its interval times 1 - SCHEDULE_DEC_RATE), one that
 * did not, later (times 1 + SCHEDULE_INC_RATE), within a site's bounds
 * (min_revisit= and max_revisit=; revisit= is where a new page starts).
 * Like Nutch's sync_delta, a page whose content is older than its interval
 * (by its Last-Modified, or since tracuu last saw it change) waits at least
 * that long: a directive unchanged for two years is not asked about every
 * day. Unlike Nutch, the next visit is never moved before the time of the
 * visit that computed it.
 *
 * Kinds of pages get different rules:
 *   listings    (a home page, a category, a page of pagination: extract.h)
 *               "changed" means the visit revealed URLs the store did not
 *               know. The start URLs and listings one link from them (the
 *               home page, categories, their first pages) are asked every
 *               run; deeper ones every run after they revealed something,
 *               else at an interval that doubles from min_revisit up to
 *               max_revisit (the first revisit spread as documents' are);
 *   documents   (everything else) "changed" means the extracted record
 *               changed (a new sidebar or date on the page is no change).
 *               The first revisit of a new page falls anywhere between
 *               min_revisit and its interval (spread by a hash of its URL),
 *               so the pages of a first full crawl do not all fall due on
 *               the same night.
 *   attachments (files pages link: PDF, DOCX ...) as documents, "changed"
 *               meaning other bytes, but a file rarely changes: a new one
 *               starts at max_revisit rather than revisit (each visit asks
 *               with its ETag and Last-Modified).
 * Failures: a 404, a 5xx (after the fetcher's own retries) or no answer at
 * all is asked again after SCHEDULE_RETRY_BASE, then twice that, and so on
 * (never past max_revisit). A page is declared gone at its
 * SCHEDULE_GONE_AFTER-th 404 in a row, or its SCHEDULE_GONE_AFTER_5XX-th 5xx
 * in a row; a 410 says so at once; no answer at all (a site down) never
 * makes a page gone.
 *
 * A page is due when its next visit is at most SCHEDULE_SLACK away, so that
 * a nightly run that starts a little earlier than the last one does not
 * skip pages by minutes.
 *
 * Pure functions: no clock (the caller gives every time, in unix seconds),
 * no I/O. Never prints.
 */
#ifndef TRACUU_SCHEDULE_H
#define TRACUU_SCHEDULE_H

#include <stdint.h>

#define SCHEDULE_DAY 86400
#define SCHEDULE_DEFAULT_REVISIT (7 * SCHEDULE_DAY)
#define SCHEDULE_DEFAULT_MIN_REVISIT SCHEDULE_DAY
#define SCHEDULE_DEFAULT_MAX_REVISIT (30 * SCHEDULE_DAY)
#define SCHEDULE_INC_RATE 0.4 /* unchanged: interval * 1.4 */
#define SCHEDULE_DEC_RATE 0.3 /* changed: interval * 0.7 */
#define SCHEDULE_HOT_DEPTH 1  /* listings this close to a start URL: every run */
#define SCHEDULE_RETRY_BASE SCHEDULE_DAY
#define SCHEDULE_GONE_AFTER 3
#define SCHEDULE_GONE_AFTER_5XX 5
#define SCHEDULE_SLACK (3 * 3600)

typedef enum {
  SCHEDULE_UNKNOWN = 0, /* not fetched with success yet (or before tracuu kept kinds) */
  SCHEDULE_DOCUMENT = 1,
  SCHEDULE_LISTING = 2,
  SCHEDULE_ATTACHMENT = 3 /* a file a page links (PDF, DOCX, ...) */
} schedule_kind;

/* A site's bounds, in seconds; min <= revisit <= max (schedule_bounds_check). */
typedef struct {
  int64_t min_revisit, revisit, max_revisit;
} schedule_bounds;

/* The defaults above. */
void schedule_bounds_default(schedule_bounds *b /* OUT */);
/* 0 when 0 < min <= revisit <= max, else -1 with a reason in why. */
int schedule_bounds_check(const schedule_bounds *b, const char **why /* OUT */);

typedef enum {
  SCHEDULE_NEW,       /* the first answer with a page */
  SCHEDULE_CHANGED,   /* a document's record changed; a listing revealed new URLs */
  SCHEDULE_UNCHANGED, /* 304, the same body, the same record, no new URL */
  SCHEDULE_NO_ANSWER, /* network error, timeout, a body refused: never gone */
  SCHEDULE_NOT_FOUND, /* 404 */
  SCHEDULE_SERVER,    /* 5xx (and other errors) after the fetcher's retries */
  SCHEDULE_REMOVED    /* 410 Gone: gone at once */
} schedule_outcome;

/* One visit and what the page had before it. */
typedef struct {
  schedule_kind kind;       /* what the page is now (UNKNOWN: a document) */
  int depth;                /* links from a start URL (0: a start URL); < 0 unknown */
  schedule_outcome outcome;
  int64_t fetched_at;
  int64_t modified_at;      /* Last-Modified, else when tracuu last saw a change;
                               0 when unknown. Ignored when later than fetched_at */
  int64_t interval;         /* the page's interval before this visit; 0: none */
  int fails;                /* failed visits in a row before this one */
  uint64_t url_hash;        /* any stable hash of the URL (spreads first revisits) */
} schedule_visit;

typedef struct {
  int64_t interval;  /* to store for the next visit */
  int64_t next_due;  /* when the page is next due */
  int fails;         /* failed visits in a row, this one included */
  int gone;          /* 1: declare the page gone now */
} schedule_next;

/* The next visit of a page after v, within b. */
void schedule_after_visit(const schedule_bounds *b, const schedule_visit *v,
                          schedule_next *out /* OUT */);

/* Whether a listing at depth is asked every run whatever it reveals. */
int schedule_listing_hot(int depth);

/* A stable 64-bit hash of a URL for schedule_visit.url_hash (FNV-1a). */
uint64_t schedule_url_hash(const char *url);

#endif
