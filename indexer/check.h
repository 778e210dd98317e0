/* check: tracuu's own consistency check of an index, the half of
 * "tracuu check" that Xapian's (engine_check) cannot do: it knows nothing of
 * records. Every document's stored data must parse as the record tracuu
 * stored (model/record.h), and the schema terms it holds (model/schema.h:
 * every prefixed term but the text's E, S and B and the cited numbers' XR...,
 * see check.c) must be exactly those its record gives, id term included. That is what the readers rely on: a
 * search shows the record, a filter or a citation finds the document by its
 * schema terms.
 *
 * Never prints; progress and faults go to the caller's callbacks.
 */
#ifndef TRACUU_INDEXER_CHECK_H
#define TRACUU_INDEXER_CHECK_H

#include <stdint.h>

#include "engine/engine.h"

typedef struct {
  uint64_t documents;   /* documents read */
  uint64_t bad_records; /* stored data that does not parse */
  uint64_t bad_terms;   /* documents whose schema terms are not their record's */
} index_check_counts;

/* Told of every fault (docid, one line), and of progress about every 1,000
 * documents (done so far). Either may be NULL. */
typedef struct {
  void (*fault)(void *ctx, uint64_t docid, const char *what);
  void (*progress)(void *ctx, uint64_t done);
  void *ctx;
} index_check_callbacks;

/* Checks every document of db into *counts (faults counted and reported,
 * never fatal). Returns ENGINE_OK when the walk read everything (the
 * counts say whether it is sound), or the engine's failure that stopped it
 * (ENGINE_CORRUPT for a block Xapian could not read...), its message in err. */
engine_status indexer_check(engine_db *db, const index_check_callbacks *cb,
                            index_check_counts *counts /* OUT */, char *err /* OUT */,
                            size_t errlen);

#endif
