/* store: the crawl's memory between runs, in one directory.
 *
 *   DIR/state.sqlite         what is known of each URL and the frontier (state.h)
 *   DIR/tracuu-NNNNN.warc.gz every answer worth keeping, as fetched (warc.h)
 *   DIR/lock                 held (flock) by the one crawl writing DIR
 *   DIR/last-crawl.json      the summary of the last run
 *
 * The crawler opens a store for writing (store_open: lock, state, WARC
 * writer); readers that only need an archived page or the last report (the
 * search page, `tracuu stats`) use the functions that take the directory
 * and never create anything. Nothing here knows HTTP, HTML or the index:
 * replaying the store into an index is the crawler's (crawl.h), over
 * store_replay.
 *
 * Never prints. Functions return 0 (or 1 where said) on success and -1 on
 * error with a one-line message in err.
 */
#ifndef TRACUU_STORE_H
#define TRACUU_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store/state.h"
#include "store/warc.h"

#define STORE_STATE_FILE "state.sqlite"
#define STORE_LOCK_FILE "lock"
#define STORE_REPORT_FILE "last-crawl.json"

typedef struct page_store page_store;

typedef struct {
  uint64_t warc_rotate_bytes; /* 0 = WARC_ROTATE_BYTES */
  const char *software;       /* named in each WARC file's warcinfo record */
} store_options;

/* Opens DIR for one writer: creates it (and its parents) if missing, takes
 * its lock, opens the state and the WARC writer where the state says the
 * last run stopped. Returns 0 with *out set; 1 when another process holds
 * the lock (err says who); -1 on error. On failure *out is NULL and nothing
 * is left open or locked. */
int store_open(const char *dir, const store_options *o, page_store **out /* OUT */, char *err /* OUT */,
               size_t errlen);

/* The store's parts, owned by it and valid until store_close. */
crawl_state *store_state(page_store *s);
warc_writer *store_warc(page_store *s);
const char *store_dir(const page_store *s);

/* Syncs and closes the WARC writer, closes the state and releases the lock.
 * Returns -1 (err set) when the last sync failed. NULL is ok. */
int store_close(page_store *s, char *err /* OUT */, size_t errlen);

/* --- reading answers back ------------------------------------------------- */

/* Reads stored answers by (file, offset) as the state records them, keeping
 * the last file open so that answers read in order cost one open per file. */
typedef struct store_reader store_reader;

/* NULL when out of memory. */
store_reader *store_reader_new(const char *dir);
/* The record at file/offset: 1 with *rec filled (owned by the reader until
 * the next call), -1 with err set. file must be a plain name in the store. */
int store_reader_get(store_reader *r, const char *file, int64_t offset, warc_record *rec /* OUT */,
                     char *err /* OUT */, size_t errlen);
void store_reader_free(store_reader *r); /* NULL is ok */

/* The last answer archived for url, as fetched. Strings are malloc'ed (body
 * only when want_body) and freed by store_original_clear. */
typedef struct {
  char *content_type; /* or NULL */
  char *date;         /* WARC-Date, or NULL */
  char *body;         /* NUL-terminated copy (want_body), or NULL */
  size_t len;
} store_original;

/* 1 with *out filled, 0 when DIR holds no crawl or url has no archived
 * answer, -1 on error. Never creates a store. */
int store_original_load(const char *dir, const char *url, int want_body,
                        store_original *out /* OUT */, char *err /* OUT */, size_t errlen);
void store_original_clear(store_original *o);

/* Every response and conversion record of every WARC file, in writing
 * order (rec->file names the file). cb returns 0 to go on. A file that cannot be opened (unopened = 1), or ends in a torn
 * record (a crash after the last recorded page; unopened = 0), is reported
 * to on_error and the next file is read. Returns the number of files, or -1 (err set) when the directory
 * cannot be listed. */
typedef struct {
  int (*record)(void *ctx, const warc_record *rec);
  void (*on_error)(void *ctx, const char *path, const char *msg, int unopened);
  void *ctx;
} store_replay_fns;
int store_replay(const char *dir, const store_replay_fns *fns, char *err /* OUT */, size_t errlen);

/* --- the last run's report ------------------------------------------------ */

/* Replaces DIR/last-crawl.json with json (one object) and a newline,
 * atomically (written beside it, then renamed). */
int store_report_write(const char *dir, const char *json, char *err /* OUT */, size_t errlen);

/* The report: 1 with *json malloc'ed and *written_at its modification time
 * (unix seconds), 0 when there is none, -1 on a read error. */
int store_report_read(const char *dir, char **json /* OUT */, int64_t *written_at /* OUT */,
                      char *err /* OUT */, size_t errlen);

/* mkdir -p: 0, or -1 with errno set. */
int store_make_dirs(const char *path);

#endif
