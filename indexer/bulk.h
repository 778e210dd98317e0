/* bulk: a whole index built at once, by N workers in parallel, merged by
 * Xapian's compactor and published in one step.
 *
 * What `tracuu index` uses for a new index, `--from-store` and `--rebuild`
 * (and `--bulk`); an existing index updated record by record goes through
 * indexer.h (incremental: replace by id, a commit every INDEXER_BATCH).
 *
 * How. The caller's thread hands records over (bulk_add); each gets the
 * document id a sequential build would give it (per shard: 1, 2, 3 ... in
 * the order added, after the ids of an index being added to) and goes into
 * the current batch, which is handed to a worker once it holds flush_bytes
 * of records. A worker builds each record's document (indexer_build_document)
 * into a new Xapian database per batch and shard (a "run": no fsync,
 * blocks rewritten in place, one commit at the end), so memory is bounded
 * by the batch size whatever the number of documents (a run commits every
 * 500 documents, without fsync, so Xapian's own pending changes stay small). bulk_finish merges
 * each shard's runs with Xapian's compactor (multipass, ids kept: the runs'
 * id ranges never overlap), settles the ids added twice or removed
 * (below), fsyncs the result and publishes it with one rename(2) (over an
 * existing index: renameat2 RENAME_EXCHANGE).
 *
 * Same index as a sequential build. The documents, terms, statistics and
 * document ids are those `tracuu index --incremental` writes for the same
 * records in the same order, so searches rank alike (ties too). An id added
 * again keeps its first document id with its last content, and a removal
 * drops what came before it, as in a sequential build; the one difference
 * is that the ids of such replaced copies stay unused (a sequential build
 * never hands them out), which changes no ranking on one index.
 *
 * Crash safety. Everything is built in PATH.bulk beside the index (locked
 * with flock: a second bulk build of PATH gets ENGINE_LOCKED); the index at
 * PATH is not touched until the new one is whole and durable. A process
 * killed at any point (SIGKILL) leaves PATH as it was, or already replaced
 * by the complete new index; the next bulk build clears what was left in
 * PATH.bulk. The index being replaced is held locked (Xapian's writer lock)
 * for the whole build, so no incremental writer's change can be lost by
 * the swap.
 *
 * Threads: every bulk_* call comes from one thread (the caller's); the
 * workers are internal. Never prints; messages are kept on the handle.
 */
#ifndef TRACUU_BULK_H
#define TRACUU_BULK_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "model/record.h"

#define BULK_FLUSH_DEFAULT (8u * 1024 * 1024) /* bytes of records per batch */
#define BULK_FLUSH_MIN (64u * 1024)
#define BULK_JOBS_MAX 64
/* A run commits every this many of its documents (no fsync): Xapian's
 * pending changes (a map of every term) stay small (bulk.c says what was
 * measured). */
#define BULK_COMMIT_DOCS 100

/* Told of a record that could not be indexed (the others go on). Called
 * from a worker thread, one call at a time. */
typedef void (*bulk_skip_fn)(void *ctx, const char *id, const char *msg);

typedef struct {
  unsigned jobs;       /* workers; 0 = the number of cores (at most BULK_JOBS_MAX) */
  size_t flush_bytes;  /* bytes of records per batch; 0 = BULK_FLUSH_DEFAULT */
  unsigned commit_docs; /* a run commits every this many documents; 0 = BULK_COMMIT_DOCS */
  unsigned shards;     /* 0 = as many as the index at path has (1 if none) */
  /* 1: the documents already in the index at path stay, as with
   * incremental indexing (ids added again replace theirs). 0: a rebuild:
   * the new index holds only what is added, and replaces the old one
   * whatever its schema or shard count. */
  int keep_existing;
  bulk_skip_fn on_skip; /* may be NULL */
  void *ctx;
} bulk_opts;

/* What a finished build did, for `tracuu index` and bench/. */
typedef struct {
  uint64_t added, removed, skipped;
  uint64_t runs;            /* databases written by the workers */
  uint64_t runs_bytes;      /* their size on disk, before the merge */
  uint64_t index_bytes;     /* the published index's size on disk */
  double build_seconds;     /* wall clock, first add to the last run written */
  double merge_seconds;     /* wall clock of the merge and the id settling */
  double publish_seconds;   /* fsync, rename, removal of the old index */
  double worker_cpu_seconds; /* CPU time of the workers (user + system), build and merge */
  unsigned jobs, shards;
} bulk_stats;

typedef struct bulk bulk;

/* Starts a bulk build of the index at path (creating its parent
 * directories). opts NULL: the defaults (a rebuild into one database).
 * Fails with ENGINE_LOCKED when another bulk build or another writer holds
 * path, ENGINE_VERSION when keep_existing meets an index of another schema,
 * ENGINE_INVALID for a shard count that cannot be (keep_existing with
 * another count than the index has). On failure *out is NULL and *errmsg
 * (if not NULL) is malloc'ed. */
engine_status bulk_open(const char *path, const bulk_opts *opts, bulk **out /* OUT */,
                        char **errmsg /* OUT, may be NULL */);

/* Adds r (copied: the caller keeps it). Returns the first failure of the
 * build so far (a worker's too), after which nothing will be published.
 * Each document gets the stamp of when it was indexed (SLOT_INDEXED, ms),
 * larger than every stamp before it, as indexer_add gives; a document that
 * replaces one of the index being added to keeps that one's stamp. */
engine_status bulk_add(bulk *b, const record *r);

/* bulk_add with the stamp a new document gets (ms since the epoch; 0: as
 * bulk_add gives); one that replaces a document keeps that one's stamp all
 * the same (indexer_add_stamped). */
engine_status bulk_add_stamped(bulk *b, const record *r, int64_t stamp_ms);

/* With keep_existing, the largest stamp of the index being added to (0:
 * none, or a rebuild). */
int64_t bulk_stamp_floor(const bulk *b);

/* The largest stamp handed out so far, or the floor. */
int64_t bulk_last_stamp(const bulk *b);

/* Removes the document with this id, as indexer_remove would at this point
 * of a sequential build (one added after it stays). */
engine_status bulk_remove(bulk *b, const char *id);

/* Records added so far. */
uint64_t bulk_count(const bulk *b);

/* Waits for the workers, merges, settles, publishes; frees b (even on
 * error). On any failure nothing is published: the index at path is as it
 * was, and the status says why (the message in *errmsg, malloc'ed, if not
 * NULL). stats (may be NULL) is filled in either case. */
engine_status bulk_finish(bulk *b, bulk_stats *stats /* OUT, may be NULL */,
                          char **errmsg /* OUT, may be NULL */);

/* Stops the workers and throws everything away: the index at path stays as
 * it was. Frees b; NULL is ok. */
void bulk_abort(bulk *b);

/* The message of the first failure; "" if none. Valid until the next call. */
const char *bulk_errmsg(bulk *b);

#endif
