/* dbpool: the index handles of `tracuu serve`, following the index while it
 * changes under a server that runs for months.
 *
 * A pool holds a *generation*: up to `handles` engine handles (one per
 * worker, opened as needed) over the same names. For each request a worker
 * leases one handle, and the lease is fresh:
 *   - the names are looked at on every lease (engine_db_moved: stat(2)
 *     only): a symlink or stub swapped by `tracuu compact --swap`, a stub
 *     rewritten, a directory deleted or replaced retires the generation and
 *     a new one is opened; requests still running on the old one finish on
 *     it, and its handles are closed when the last ends. A deleted index is
 *     never served: while the names lead nowhere, leases fail (NO_INDEX);
 *   - new commits: a handle not refreshed for `refresh_ms` is refreshed
 *     (engine_db_refresh: Xapian's reopen, a small file read per local shard,
 *     one round trip per remote one) before it is lent;
 *   - a lease given back as broken (the request met a remote shard that
 *     dropped, ENGINE_NETWORK, or an error that a fresh handle may not
 *     meet) retires the generation: the next lease reconnects.
 * A failed open is not tried again for `retry_ms`; leases meanwhile fail
 * at once with the same status and message. With allow_partial, shards out
 * of reach are left out (the lease says how many and which) and a complete
 * generation is tried again every retry_ms.
 *
 * Thread-safe. Never prints. */
#ifndef TRACUU_WEB_DBPOOL_H
#define TRACUU_WEB_DBPOOL_H

#include <stddef.h>

#include "engine/engine.h"

#define DBPOOL_MAX_HANDLES 16
#define DBPOOL_REFRESH_MS 200
#define DBPOOL_RETRY_MS 1000

/* Resolves one --db name before each open (a directory holding a sharded
 * index stands for its stub): writes into buf and returns it, or returns
 * name itself. */
typedef const char *(*dbpool_resolve)(const char *name, char *buf, size_t cap);

typedef struct {
  const char *const *names; /* copied */
  size_t n;
  dbpool_resolve resolve;   /* NULL: the names as they are */
  unsigned timeout_ms;      /* remote shards (0: the engine's default) */
  int allow_partial;
  unsigned handles;         /* 1 to DBPOOL_MAX_HANDLES */
  unsigned refresh_ms;      /* 0: DBPOOL_REFRESH_MS */
  unsigned retry_ms;        /* 0: DBPOOL_RETRY_MS */
} dbpool_config;

typedef struct dbpool dbpool;

typedef struct {
  engine_db *db;            /* this request's handle */
  size_t left_out;          /* shards left out (allow_partial), 0 when whole */
  const char *left_out_names; /* "tcp:HOST:PORT, ..." or ""; valid until release */
  void *gen_;               /* private */
  unsigned slot_;
} dbpool_lease;

/* Opens the pool and its first handle, so that a bad --db is seen at
 * start. On failure *out is NULL, the status says why (ENGINE_NO_INDEX,
 * ENGINE_NETWORK, ENGINE_VERSION for an index of another schema ...) and
 * err holds the message. */
engine_status dbpool_open(const dbpool_config *cfg, dbpool **out /* OUT */, char *err /* OUT */,
                          size_t errlen);

/* A fresh handle for one request. ENGINE_OK, or the status and message of
 * the last failed open (no index there, a shard out of reach, ...). */
engine_status dbpool_acquire(dbpool *p, dbpool_lease *l /* OUT */, char *err /* OUT */,
                             size_t errlen);

/* Gives the handle back; broken = 1 retires its generation (see above). */
void dbpool_release(dbpool *p, dbpool_lease *l, int broken);

/* Closes every handle; no lease may be out. NULL is ok. */
void dbpool_close(dbpool *p);

#endif
