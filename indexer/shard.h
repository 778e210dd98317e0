/* shard: which of N shards a record lives in, and the on-disk layout of a
 * sharded index.
 *
 * Policy: a stable hash of the record id. The shard of id is
 * jump_consistent_hash(fnv1a64(id), n) (Lamping & Veach 2014), so
 *   - the same id always lands on the same shard: re-indexing replaces the
 *     document in place and a removal (a crawled page now 404, which knows
 *     its URL and nothing else) finds it without asking every shard. A policy
 *     by year or by site would put a re-dated document on a second shard and
 *     leave the old copy behind;
 *   - shards stay the same size whatever the corpus looks like (one portal
 *     or one year can be most of a crawl, and hashing does not care);
 *   - going from n to n + 1 shards moves only 1/(n + 1) of the documents
 *     (a plain modulo would move almost all of them).
 * Every search asks every shard whatever the policy (a ranking needs the
 * best of all of them), so nothing is lost by spreading a site or a year.
 * The hash is part of the on-disk format: never change it.
 *
 * Layout. A sharded index is a directory DIR holding DIR/shard-0 ..
 * DIR/shard-(n-1) (plain Xapian databases) and the Xapian stub file
 * DIR/tracuu.stub ("auto shard-K" lines, relative to DIR so that the
 * directory can be moved). Any Xapian tool opens the stub as one database;
 * `tracuu search --db DIR` finds it (shard_resolve_db).
 */
#ifndef TRACUU_SHARD_H
#define TRACUU_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "indexer/indexer.h"
#include "model/record.h"

#define SHARD_MAX 256               /* shards one index may have */
#define SHARD_STUB_NAME "tracuu.stub"
#define SHARD_PATH_MAX 4096

/* The shard (0 .. n-1) of the record whose id is (id, len); 0 when n <= 1. */
unsigned shard_of(const char *id, size_t len, unsigned n);

/* Writes "DIR/shard-K" into out. Returns 0, or -1 when it does not fit. */
int shard_path(const char *dir, unsigned k, char *out /* OUT */, size_t outlen);

/* How many shards the index at dir has: the n of DIR/tracuu.stub when it
 * lists exactly shard-0 .. shard-(n-1) as "auto" lines, 0 when dir holds no
 * stub, -1 when the stub lists anything else (remote lines, other paths:
 * such an index is searched, never written by tracuu). */
int shard_count(const char *dir);

/* The database name to open for `--db name`: name/tracuu.stub when name is
 * a directory holding that stub, else name itself (a database directory, a
 * stub file, "tcp:HOST:PORT"). Writes into out; returns out, or name when
 * the path would not fit. */
const char *shard_resolve_db(const char *name, char *out /* OUT */, size_t outlen);

/* Writes DIR/tracuu.stub for n shards (shard_replace_file). Returns 0, or
 * -1 with errno set. */
int shard_write_stub(const char *dir, unsigned n);

/* Replaces the file at path with content: written to a temporary file
 * beside it, fsync'ed, then renamed over it, so a reader opens the old file
 * or the new one, never half of one. Returns 0, or -1 with errno set. */
int shard_replace_file(const char *path, const char *content, size_t len);

/* ------------------------------------------------------------------ */
/* Writing a sharded index                                              */
/* ------------------------------------------------------------------ */

typedef struct shard_set shard_set;

/* Opens the n shards under dir for writing (creating dir and the shards as
 * needed) and writes the stub. n = 0 means "as many as dir already has"
 * (1 if dir holds no stub: then dir itself is the one database, exactly as
 * an unsharded `tracuu index` writes it). An n that differs from the count
 * of an existing sharded index is refused with ENGINE_INVALID: the ids
 * would move and leave duplicates behind. A sharded dir that also holds a
 * plain database, or the reverse, is refused the same way.
 * On failure *out is NULL and *errmsg (if not NULL) is malloc'ed. */
engine_status shard_set_open(const char *dir, unsigned n, shard_set **out /* OUT */,
                             char **errmsg /* OUT, may be NULL */);

/* The number of shards (1 for a plain index). */
unsigned shard_set_count(const shard_set *s);

/* The indexer of record id's shard (borrowed: valid until shard_set_close). */
indexer *shard_set_pick(shard_set *s, const char *id);

/* indexer_add / indexer_remove on the right shard. */
engine_status shard_set_add(shard_set *s, const record *r);
engine_status shard_set_remove(shard_set *s, const char *id);

/* Documents in all shards, including uncommitted ones. */
uint64_t shard_set_doccount(shard_set *s);

/* Commits every shard; the first failure is returned (the others still
 * commit). */
engine_status shard_set_commit(shard_set *s);

/* Commits and closes every shard and frees the set, even on error (the
 * first failure is returned). NULL is ok. */
engine_status shard_set_close(shard_set *s);

/* The message of the last failure; "" if none. Valid until the next call. */
const char *shard_set_errmsg(const shard_set *s);

#endif
