/* indexer: records in, Xapian documents out.
 *
 * Turns each record into the terms and values described in schema.h, using
 * the text pipeline for every field, and writes them through the engine in
 * batches (a commit every INDEXER_BATCH documents: measured faster than
 * Xapian's default of 10,000, and a crash loses at most one batch, which a
 * re-run puts back because re-adding an id replaces it).
 *
 * First-indexed stamps. Each document carries, in SLOT_INDEXED (schema.h),
 * when it was first indexed, in milliseconds since the epoch: re-adding an
 * id keeps the stamp it had; a new id gets max(now, the last stamp + 1 ms),
 * the last stamp starting from the index's upper bound when it is opened.
 * So stamps only grow, even when the clock goes back, and a document that
 * becomes visible later always has a larger stamp than every document
 * visible before (one writer at a time: Xapian's lock): "new since stamp S"
 * never misses nor repeats a document.
 *
 * The indexer never prints; messages are kept on the handle.
 */
#ifndef TRACUU_INDEXER_H
#define TRACUU_INDEXER_H

#include <stdint.h>

#include "engine/engine.h"
#include "indexer/bulk.h"
#include "model/record.h"

#define INDEXER_BATCH 1000

typedef struct indexer indexer;

/* Opens (creating it and its parent directories if needed) the database at
 * path for writing. An index built with another schema version is refused
 * with ENGINE_VERSION and a message that says how to rebuild.
 * On failure *out is NULL and *errmsg (if not NULL) is malloc'ed. */
engine_status indexer_open(const char *path, indexer **out /* OUT */,
                           char **errmsg /* OUT, may be NULL */);

/* Opens path for a bulk build (bulk.h) behind the calls below: add and
 * remove go to bulk_add and bulk_remove, commit does nothing, close merges
 * and publishes the whole index (its status says if that failed: nothing
 * is published then), indexer_abort throws the build away. */
engine_status indexer_open_bulk(const char *path, const bulk_opts *opts, indexer **out /* OUT */,
                                char **errmsg /* OUT, may be NULL */);

/* Adds r, or replaces the document with the same id (keeping its stamp). */
engine_status indexer_add(indexer *ix, const record *r);

/* indexer_add with the stamp a new document gets (ms since the epoch; 0:
 * as indexer_add gives), for a caller that keeps its own sequence of
 * stamps (the crawl: when the page was fetched, made larger than the last
 * one). A document that replaces one keeps that one's stamp all the same. */
engine_status indexer_add_stamped(indexer *ix, const record *r, int64_t stamp_ms);

/* Milliseconds added to the system clock for new stamps (tests set the
 * clock through tracuu's TRACUU_NOW). */
void indexer_set_clock(indexer *ix, int64_t offset_ms);

/* The largest stamp in the index when it was opened (0: none): every
 * document this indexer adds for the first time gets a larger one. */
int64_t indexer_stamp_floor(const indexer *ix);

/* At least the largest stamp in the index and given so far (a bulk build
 * counts the stamps given to ids added again too). */
int64_t indexer_last_stamp(const indexer *ix);

/* Removes the document with this id (none is not an error). */
engine_status indexer_remove(indexer *ix, const char *id);

/* Makes everything added so far durable and searchable. */
engine_status indexer_commit(indexer *ix);

/* Documents in the index, including uncommitted ones. */
uint64_t indexer_doccount(indexer *ix);

/* Commits, releases the lock and frees the indexer, even on error. NULL is ok. */
engine_status indexer_close(indexer *ix);

/* After a failure that must not be published: a bulk build is thrown away
 * (the index stays as it was); an incremental one is closed, keeping what
 * it committed. NULL is ok. */
void indexer_abort(indexer *ix);

/* The message of the last error; "" if none. Valid until the next call. */
const char *indexer_errmsg(const indexer *ix);

/* Creates every missing parent directory of path (not path itself).
 * Returns 0, or -1 with errno set. */
int indexer_make_parents(const char *path);

/* Builds the Xapian document of r (exposed for benchmarks and tests).
 * *out is owned by the caller (engine_doc_free). */
engine_status indexer_build_document(const record *r, engine_doc **out /* OUT */);

#endif
