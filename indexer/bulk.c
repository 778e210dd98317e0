/* bulk.c: parallel bulk builds (bulk.h).
 *
 * The file reads in the order of a build: the build directory and its lock,
 * the batches and the workers that turn them into runs, the merge, settling
 * ids added twice or removed, and the publication. */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include "indexer/bulk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/dynbuf.h"
#include "indexer/indexer.h"
#include "indexer/shard.h"
#include "model/schema.h"
#include "model/schema_terms.h"

#define BULK_DIR_SUFFIX ".bulk"
/* Bits of the filter of ids seen (a Bloom filter, 16 MiB whatever the
 * number of documents): an id it may have seen before is written down as
 * a suspect and settled after the merge; at a million ids ~10 are false. */
#define BLOOM_BITS (1u << 27)
#define BLOOM_HASHES 3
/* BULK_COMMIT_DOCS: small commits keep Xapian's pending changes (a map of
 * every term) small, which is faster than one commit per run (on 4,000
 * phapdien records, one job: 4.8-4.9 CPU-s at 500, 5.3-6.5 at 1,000, 8.1
 * with a single commit; a loaded machine, so +-15%) and bounds Xapian's
 * memory whatever the batch size. */

/* ------------------------------------------------------------------ */
/* Small helpers: messages, time, files                                 */
/* ------------------------------------------------------------------ */

static double now_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *dup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *dup_printf(const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return strdup(msg);
}

/* Visits path and everything under it, children first (post-order);
 * stops at the first non-zero return. A missing path visits nothing. */
typedef int (*visit_fn)(const char *path, const struct stat *st, void *ctx);

static int walk(const char *path, visit_fn fn, void *ctx) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char child[SHARD_PATH_MAX];
      int n = snprintf(child, sizeof child, "%s/%s", path, e->d_name);
      rc = n < 0 || (size_t)n >= sizeof child ? -1 : walk(child, fn, ctx);
    }
    closedir(d);
    if (rc != 0) return rc;
  }
  return fn(path, &st, ctx);
}

static int remove_one(const char *path, const struct stat *st, void *ctx) {
  (void)st, (void)ctx;
  return remove(path);
}

static int add_usage(const char *path, const struct stat *st, void *ctx) {
  (void)path;
  *(uint64_t *)ctx += (uint64_t)st->st_blocks * 512;
  return 0;
}

static int sync_one(const char *path, const struct stat *st, void *ctx) {
  (void)ctx;
  if (!S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode)) return 0;
  int fd = open(path, O_RDONLY | (S_ISDIR(st->st_mode) ? O_DIRECTORY : 0));
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static uint64_t disk_usage(const char *path) {
  uint64_t n = 0;
  walk(path, add_usage, &n);
  return n;
}

static int remove_below(const char *path, const struct stat *st, void *root) {
  return strcmp(path, root) == 0 ? 0 : remove_one(path, st, NULL);
}

/* Removes what is inside dir, keeping dir (which must be there). */
static int clear_dir(const char *dir) {
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return -1;
  return walk(dir, remove_below, (void *)dir);
}

/* The directory holding path, for an fsync after a rename. */
static int sync_parent(const char *path) {
  char parent[SHARD_PATH_MAX];
  snprintf(parent, sizeof parent, "%s", path);
  char *slash = strrchr(parent, '/');
  if (slash == parent) slash[1] = '\0';
  else if (slash) *slash = '\0';
  else snprintf(parent, sizeof parent, ".");
  int fd = open(parent, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

static int holds_glass(const char *dir) {
  char p[SHARD_PATH_MAX];
  struct stat st;
  return snprintf(p, sizeof p, "%s/iamglass", dir) < (int)sizeof p && stat(p, &st) == 0;
}

/* ------------------------------------------------------------------ */
/* Batches                                                              */
/* ------------------------------------------------------------------ */

/* One record in a batch: this header, then its JSON (len bytes, no NUL). */
typedef struct {
  uint64_t docid;
  int64_t stamp; /* SLOT_INDEXED, ms */
  uint32_t shard;
  uint32_t len;
} item;

typedef struct batch {
  struct batch *next;
  uint64_t no;  /* 0, 1, 2 ... in the order the records came */
  dynbuf data;  /* items */
  size_t n;
} batch;

static batch *batch_new(uint64_t no) {
  batch *bt = calloc(1, sizeof *bt);
  if (!bt) return NULL;
  bt->no = no;
  dynbuf_init(&bt->data, (size_t)1 << 40);
  return bt;
}

static void batch_free(batch *bt) {
  if (!bt) return;
  dynbuf_free(&bt->data);
  free(bt);
}

/* A run written by a worker: shard k's documents of batch no. */
typedef struct {
  uint64_t no;
  unsigned shard;
} run_id;

/* Events the merge must settle, written by the caller's thread to a file
 * in the build directory (not kept in memory: there may be many). */
enum { EV_REMOVE = 1, EV_SUSPECT = 2 };
typedef struct {
  uint32_t type, shard;
  uint64_t at;  /* EV_REMOVE: the last document id handed out in the shard */
  uint32_t len; /* then the id, len bytes */
} event;

struct bulk {
  char path[SHARD_PATH_MAX - 256]; /* the index */
  char dir[SHARD_PATH_MAX - 128];  /* path.bulk: runs, events, out */
  bulk_opts o;
  unsigned jobs, shards;
  int lock_fd;
  int existing;              /* an index is at path */
  engine_writer **old;       /* its shards, held for their locks (existing) */
  unsigned n_old;
  engine_db **old_read;      /* the same, read (keep_existing: ids already there) */
  uint64_t *next_id;         /* per shard: the last document id handed out */
  uint8_t *bloom;
  FILE *events;
  uint64_t n_events, added, removed;
  int64_t last_stamp;        /* the largest stamp handed out (or in the old index) */
  int64_t floor;             /* the old index's largest stamp (keep_existing) */
  batch *cur;
  uint64_t n_batches;
  double t_start;

  pthread_mutex_t mu;        /* guards everything below */
  pthread_cond_t work, space;
  batch *head, *tail;
  unsigned queued;
  int closing;
  engine_status failed;      /* first failure */
  dynbuf errmsg;
  run_id *runs;
  size_t n_runs, cap_runs;
  uint64_t skipped;
  double worker_cpu;
  pthread_t *threads;
  unsigned n_threads;
};

static void fail_locked(bulk *b, engine_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail_locked(bulk *b, engine_status st, const char *fmt, ...) {
  if (b->failed != ENGINE_OK) return;
  b->failed = st;
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dynbuf_reset(&b->errmsg);
  dynbuf_append_str(&b->errmsg, msg);
}

#define FAIL(b, st, ...)                 \
  do {                                   \
    pthread_mutex_lock(&(b)->mu);        \
    fail_locked((b), (st), __VA_ARGS__); \
    pthread_cond_broadcast(&(b)->space); \
    pthread_mutex_unlock(&(b)->mu);      \
  } while (0)

static engine_status failed_status(bulk *b) {
  pthread_mutex_lock(&b->mu);
  engine_status st = b->failed;
  pthread_mutex_unlock(&b->mu);
  return st;
}

const char *bulk_errmsg(bulk *b) {
  if (!b) return "";
  return dynbuf_str(&b->errmsg); /* written once, before failed is set */
}

uint64_t bulk_count(const bulk *b) { return b ? b->added : 0; }

int64_t bulk_stamp_floor(const bulk *b) { return b ? b->floor : 0; }

int64_t bulk_last_stamp(const bulk *b) { return b ? b->last_stamp : 0; }

/* ------------------------------------------------------------------ */
/* The workers: a batch into runs                                       */
/* ------------------------------------------------------------------ */

static int run_path(const bulk *b, unsigned shard, uint64_t no, char *out, size_t len) {
  int n = snprintf(out, len, "%s/runs/%u/%012llu", b->dir, shard, (unsigned long long)no);
  return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void note_skip(bulk *b, const char *id, const char *msg) {
  pthread_mutex_lock(&b->mu);
  b->skipped++;
  if (b->o.on_skip) b->o.on_skip(b->o.ctx, id, msg);
  pthread_mutex_unlock(&b->mu);
}

/* Opens (once) the run of shard k for batch bt. */
static engine_status run_writer(bulk *b, const batch *bt, unsigned k, engine_writer **w) {
  if (*w) return ENGINE_OK;
  char path[SHARD_PATH_MAX];
  char *msg = NULL;
  if (run_path(b, k, bt->no, path, sizeof path) != 0) {
    FAIL(b, ENGINE_INVALID, "the index path is too long");
    return ENGINE_INVALID;
  }
  engine_status st = engine_writer_open_bulk(path, w, &msg);
  if (st == ENGINE_OK) st = engine_writer_set_metadata(*w, TRACUU_SCHEMA_KEY, TRACUU_SCHEMA_VERSION);
  if (st != ENGINE_OK) FAIL(b, st, "%s", msg ? msg : engine_writer_errmsg(*w));
  free(msg);
  return st;
}

static engine_status build_item(bulk *b, const batch *bt, const item *it, const char *json,
                                engine_writer **w) {
  record r = {0};
  char err[256];
  if (record_parse_stored(json, it->len, &r, err, sizeof err) != 0) {
    FAIL(b, ENGINE_INTERNAL, "a record did not read back: %s", err);
    return ENGINE_INTERNAL;
  }
  engine_doc *doc = NULL;
  engine_status st = indexer_build_document(&r, &doc);
  if (st == ENGINE_INVALID) { /* this record only: told, skipped */
    note_skip(b, r.id, "cannot build the document: invalid argument");
    st = ENGINE_OK;
  } else if (st != ENGINE_OK) {
    FAIL(b, st, "%s: cannot build the document: %s", r.id, engine_strerror(st));
  } else if ((st = run_writer(b, bt, it->shard, &w[it->shard])) == ENGINE_OK) {
    char term[SCHEMA_ID_TERM_MAX], key[18];
    size_t tlen = schema_id_term(r.id, term);
    st = engine_doc_set_value(doc, SLOT_INDEXED, key,
                              engine_sortable_serialise((double)it->stamp, key));
    if (st == ENGINE_OK) st = engine_writer_put(w[it->shard], it->docid, term, tlen, doc);
    if (st != ENGINE_OK) FAIL(b, st, "%s", engine_writer_errmsg(w[it->shard]));
  }
  engine_doc_free(doc);
  record_clear(&r);
  return st;
}

static void add_run(bulk *b, uint64_t no, unsigned k) {
  pthread_mutex_lock(&b->mu);
  if (b->n_runs == b->cap_runs) {
    size_t cap = b->cap_runs ? b->cap_runs * 2 : 64;
    run_id *r = realloc(b->runs, cap * sizeof *r);
    if (!r) fail_locked(b, ENGINE_NOMEM, "out of memory");
    else b->runs = r, b->cap_runs = cap;
  }
  if (b->n_runs < b->cap_runs) b->runs[b->n_runs++] = (run_id){no, k};
  pthread_mutex_unlock(&b->mu);
}

static void build_batch(bulk *b, const batch *bt) {
  engine_writer **w = calloc(b->shards, sizeof *w);
  if (!w) {
    FAIL(b, ENGINE_NOMEM, "out of memory");
    return;
  }
  unsigned *pending = calloc(b->shards, sizeof *pending);
  engine_status st = pending ? ENGINE_OK : ENGINE_NOMEM;
  for (size_t off = 0; st == ENGINE_OK && off < bt->data.len;) {
    item it;
    memcpy(&it, bt->data.data + off, sizeof it);
    st = build_item(b, bt, &it, bt->data.data + off + sizeof it, w);
    off += sizeof it + it.len;
    /* Small commits keep Xapian's pending changes (and so its sorting and
     * memory) small; without fsync they cost little. */
    if (st == ENGINE_OK && w[it.shard] && ++pending[it.shard] >= b->o.commit_docs) {
      pending[it.shard] = 0;
      st = engine_writer_commit(w[it.shard]);
      if (st != ENGINE_OK) FAIL(b, st, "cannot write a run: %s", engine_writer_errmsg(w[it.shard]));
    }
    if (st == ENGINE_OK) st = failed_status(b); /* another worker failed: stop */
  }
  free(pending);
  for (unsigned k = 0; k < b->shards; k++) {
    if (!w[k]) continue;
    engine_status cst = engine_writer_close(w[k]); /* one commit, no fsync */
    if (cst != ENGINE_OK && st == ENGINE_OK) FAIL(b, st = cst, "cannot write a run: %s", engine_strerror(cst));
    if (cst == ENGINE_OK) add_run(b, bt->no, k);
  }
  free(w);
}

static void *worker(void *arg) {
  bulk *b = arg;
  double cpu0 = now_seconds(CLOCK_THREAD_CPUTIME_ID);
  for (;;) {
    pthread_mutex_lock(&b->mu);
    while (!b->head && !b->closing) pthread_cond_wait(&b->work, &b->mu);
    batch *bt = b->head;
    if (bt) {
      b->head = bt->next;
      if (!b->head) b->tail = NULL;
      b->queued--;
      pthread_cond_broadcast(&b->space);
    }
    int skip = b->failed != ENGINE_OK;
    pthread_mutex_unlock(&b->mu);
    if (!bt) break;
    if (!skip) build_batch(b, bt);
    batch_free(bt);
  }
  double cpu = now_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  pthread_mutex_lock(&b->mu);
  b->worker_cpu += cpu;
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* Hands the current batch to the workers, waiting while jobs batches
 * already wait (the bound on memory). */
static engine_status submit(bulk *b) {
  batch *bt = b->cur;
  b->cur = NULL;
  if (!bt) return ENGINE_OK;
  if (bt->n == 0) {
    batch_free(bt);
    return ENGINE_OK;
  }
  pthread_mutex_lock(&b->mu);
  while (b->queued >= b->jobs && b->failed == ENGINE_OK) pthread_cond_wait(&b->space, &b->mu);
  engine_status st = b->failed;
  if (st == ENGINE_OK) {
    if (b->tail) b->tail->next = bt;
    else b->head = bt;
    b->tail = bt;
    b->queued++;
    bt = NULL;
    pthread_cond_signal(&b->work);
  }
  pthread_mutex_unlock(&b->mu);
  batch_free(bt);
  return st;
}

/* Stops the workers (after the queue is done, or at once on failure). */
static void join_workers(bulk *b) {
  pthread_mutex_lock(&b->mu);
  b->closing = 1;
  pthread_cond_broadcast(&b->work);
  pthread_mutex_unlock(&b->mu);
  for (unsigned i = 0; i < b->n_threads; i++) pthread_join(b->threads[i], NULL);
  b->n_threads = 0;
}

/* ------------------------------------------------------------------ */
/* Adding and removing                                                  */
/* ------------------------------------------------------------------ */

static uint64_t fnv1a64(const char *s, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* 1 when the filter may have seen id before (then it has now for sure). */
static int bloom_seen(bulk *b, const char *id, size_t len) {
  uint64_t h1 = fnv1a64(id, len, 0xcbf29ce484222325ULL), h2 = fnv1a64(id, len, 0x84222325cbf29ce4ULL) | 1;
  int seen = 1;
  for (unsigned i = 0; i < BLOOM_HASHES; i++) {
    uint64_t bit = (h1 + i * h2) % BLOOM_BITS;
    uint8_t mask = (uint8_t)(1u << (bit & 7));
    if (!(b->bloom[bit >> 3] & mask)) seen = 0;
    b->bloom[bit >> 3] |= mask;
  }
  return seen;
}

static engine_status write_event(bulk *b, uint32_t type, unsigned shard, uint64_t at, const char *id) {
  event e = {.type = type, .shard = shard, .at = at, .len = (uint32_t)strlen(id)};
  if (fwrite(&e, sizeof e, 1, b->events) != 1 || fwrite(id, 1, e.len, b->events) != e.len) {
    FAIL(b, ENGINE_IO, "cannot write %s/events: %s", b->dir, strerror(errno));
    return ENGINE_IO;
  }
  b->n_events++;
  return ENGINE_OK;
}

/* Could id already have a document here? Ids seen in this build (the
 * filter), and with keep_existing, the ids of the index being added to. */
static int suspect(bulk *b, unsigned k, const char *id) {
  size_t len = strlen(id);
  int seen = bloom_seen(b, id, len);
  if (!seen && b->old_read) {
    char term[SCHEMA_ID_TERM_MAX];
    size_t tlen = schema_id_term(id, term);
    seen = engine_db_termfreq(b->old_read[k], term, tlen) > 0;
  }
  return seen;
}

engine_status bulk_add(bulk *b, const record *r) { return bulk_add_stamped(b, r, 0); }

/* Now in ms, made larger than every stamp before (as indexer.c does). */
static int64_t next_stamp(bulk *b, int64_t given) {
  int64_t stamp = given;
  if (stamp <= 0) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    stamp = now > b->last_stamp ? now : b->last_stamp + 1;
  }
  if (stamp > b->last_stamp) b->last_stamp = stamp;
  return stamp;
}

engine_status bulk_add_stamped(bulk *b, const record *r, int64_t stamp_ms) {
  engine_status st = failed_status(b);
  if (st != ENGINE_OK) return st;
  if (!r || !r->id || !r->id[0]) return ENGINE_INVALID; /* this record only */
  char *json = record_to_json(r);
  if (!json) {
    FAIL(b, ENGINE_NOMEM, "out of memory");
    return ENGINE_NOMEM;
  }
  unsigned k = shard_of(r->id, strlen(r->id), b->shards);
  item it = {.docid = ++b->next_id[k], .stamp = next_stamp(b, stamp_ms), .shard = k,
             .len = (uint32_t)strlen(json)};
  if (suspect(b, k, r->id)) st = write_event(b, EV_SUSPECT, k, it.docid, r->id);
  if (st == ENGINE_OK && !b->cur && !(b->cur = batch_new(b->n_batches++))) st = ENGINE_NOMEM;
  if (st == ENGINE_OK && (dynbuf_append(&b->cur->data, &it, sizeof it) != DYNBUF_OK ||
                          dynbuf_append(&b->cur->data, json, it.len) != DYNBUF_OK))
    st = ENGINE_NOMEM;
  free(json);
  if (st == ENGINE_NOMEM) FAIL(b, st, "out of memory");
  if (st != ENGINE_OK) return st;
  b->cur->n++;
  b->added++;
  if (b->cur->data.len >= b->o.flush_bytes) st = submit(b);
  return st;
}

engine_status bulk_remove(bulk *b, const char *id) {
  engine_status st = failed_status(b);
  if (st != ENGINE_OK) return st;
  if (!id || !id[0]) return ENGINE_OK;
  unsigned k = shard_of(id, strlen(id), b->shards);
  st = write_event(b, EV_REMOVE, k, b->next_id[k], id);
  if (st == ENGINE_OK) b->removed++;
  return st;
}

/* ------------------------------------------------------------------ */
/* Opening                                                              */
/* ------------------------------------------------------------------ */

static void release(bulk *b) {
  for (unsigned k = 0; b->old && k < b->n_old; k++) engine_writer_close(b->old[k]);
  for (unsigned k = 0; b->old_read && k < b->n_old; k++) engine_db_close(b->old_read[k]);
  free(b->old);
  free(b->old_read);
  b->old = NULL;
  b->old_read = NULL;
  b->n_old = 0;
}

static void bulk_free(bulk *b, int remove_dir) {
  if (!b) return;
  if (b->n_threads) join_workers(b);
  for (batch *bt = b->head; bt;) {
    batch *next = bt->next;
    batch_free(bt);
    bt = next;
  }
  batch_free(b->cur);
  if (b->events) fclose(b->events);
  release(b);
  if (remove_dir && b->dir[0]) walk(b->dir, remove_one, NULL);
  if (b->lock_fd >= 0) close(b->lock_fd); /* releases the flock */
  pthread_mutex_destroy(&b->mu);
  pthread_cond_destroy(&b->work);
  pthread_cond_destroy(&b->space);
  dynbuf_free(&b->errmsg);
  free(b->threads);
  free(b->runs);
  free(b->next_id);
  free(b->bloom);
  free(b);
}

/* path.bulk, created if needed, locked, emptied of what a killed build left. */
static engine_status take_build_dir(bulk *b, char **errmsg) {
  if (snprintf(b->dir, sizeof b->dir, "%s%s", b->path, BULK_DIR_SUFFIX) >= (int)sizeof b->dir) {
    if (errmsg) *errmsg = dup_printf("the index path is too long");
    return ENGINE_INVALID;
  }
  if (mkdir(b->dir, 0777) != 0 && errno != EEXIST) {
    if (errmsg) *errmsg = dup_printf("cannot create %s: %s", b->dir, strerror(errno));
    return ENGINE_IO;
  }
  b->lock_fd = open(b->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (b->lock_fd < 0) {
    if (errmsg) *errmsg = dup_printf("cannot open %s: %s", b->dir, strerror(errno));
    return ENGINE_IO;
  }
  if (flock(b->lock_fd, LOCK_EX | LOCK_NB) != 0) {
    int busy = errno == EWOULDBLOCK;
    if (errmsg)
      *errmsg = dup_printf(busy ? "%s: another bulk build of this index is running"
                                : "cannot lock %s: %s", b->dir, strerror(errno));
    b->dir[0] = '\0'; /* not ours to remove */
    return busy ? ENGINE_LOCKED : ENGINE_IO;
  }
  char runs[SHARD_PATH_MAX];
  if (clear_dir(b->dir) != 0 || snprintf(runs, sizeof runs, "%s/runs", b->dir) >= (int)sizeof runs ||
      mkdir(runs, 0777) != 0) {
    if (errmsg) *errmsg = dup_printf("cannot clear %s: %s", b->dir, strerror(errno));
    return ENGINE_IO;
  }
  for (unsigned k = 0; k < b->shards; k++) {
    char sub[SHARD_PATH_MAX + 16];
    snprintf(sub, sizeof sub, "%s/%u", runs, k);
    if (mkdir(sub, 0777) != 0) {
      if (errmsg) *errmsg = dup_printf("cannot create %s: %s", sub, strerror(errno));
      return ENGINE_IO;
    }
  }
  char ev[SHARD_PATH_MAX];
  snprintf(ev, sizeof ev, "%s/events", b->dir);
  b->events = fopen(ev, "w+b");
  if (!b->events) {
    if (errmsg) *errmsg = dup_printf("cannot create %s: %s", ev, strerror(errno));
    return ENGINE_IO;
  }
  return ENGINE_OK;
}

/* The paths of the index's databases: path itself, or its shards. */
static int old_path(const bulk *b, unsigned k, char *out, size_t len) {
  if (b->n_old == 1 && shard_count(b->path) == 0) return snprintf(out, len, "%s", b->path) >= (int)len ? -1 : 0;
  return shard_path(b->path, k, out, len);
}

/* Holds the index at path locked (its writer) for the whole build, and
 * with keep_existing checks its schema and notes its last ids. */
static engine_status hold_existing(bulk *b, int have, char **errmsg) {
  b->n_old = have > 0 ? (unsigned)have : 1;
  b->old = calloc(b->n_old, sizeof *b->old);
  if (!b->old) return ENGINE_NOMEM;
  for (unsigned k = 0; k < b->n_old; k++) {
    char p[SHARD_PATH_MAX];
    char *msg = NULL;
    if (old_path(b, k, p, sizeof p) != 0) return ENGINE_INVALID;
    engine_status st = engine_writer_open(p, ENGINE_OPEN_EXISTING, &b->old[k], &msg);
    if (st != ENGINE_OK && !b->o.keep_existing && st != ENGINE_LOCKED && st != ENGINE_IO) {
      free(msg); /* a rebuild replaces a damaged or old-format index too */
      continue;
    }
    if (st != ENGINE_OK) {
      if (errmsg) *errmsg = msg;
      else free(msg);
      return st;
    }
    if (!b->o.keep_existing) continue;
    char *version = NULL;
    st = engine_writer_get_metadata(b->old[k], TRACUU_SCHEMA_KEY, &version);
    if (st == ENGINE_OK && strcmp(version, TRACUU_SCHEMA_VERSION) != 0 &&
        engine_writer_doccount(b->old[k]) > 0) {
      if (errmsg)
        *errmsg = dup_printf("index %s was built with schema version \"%s\", this tracuu writes "
                             "version %s: rebuild it (tracuu index --rebuild)",
                             p, version, TRACUU_SCHEMA_VERSION);
      st = ENGINE_VERSION;
    }
    free(version);
    if (st != ENGINE_OK) return st;
    b->next_id[k] = engine_writer_lastdocid(b->old[k]);
    char *v = NULL;
    size_t vlen = 0;
    st = engine_writer_value_upper_bound(b->old[k], SLOT_INDEXED, &v, &vlen);
    int64_t top = v && vlen ? (int64_t)engine_sortable_unserialise(v, vlen) : 0;
    free(v);
    if (st != ENGINE_OK) return st;
    if (top > b->last_stamp) b->last_stamp = b->floor = top;
  }
  if (!b->o.keep_existing) return ENGINE_OK;
  b->old_read = calloc(b->n_old, sizeof *b->old_read);
  if (!b->old_read) return ENGINE_NOMEM;
  for (unsigned k = 0; k < b->n_old; k++) {
    char p[SHARD_PATH_MAX];
    const char *names[1] = {p};
    old_path(b, k, p, sizeof p);
    engine_status st = engine_db_open(names, 1, 0, &b->old_read[k], errmsg);
    if (st != ENGINE_OK) return st;
  }
  return ENGINE_OK;
}

/* Decides the shard count and whether an index is there. */
static engine_status look_at_path(bulk *b, int *have, char **errmsg) {
  struct stat st;
  *have = shard_count(b->path);
  b->existing = *have > 0 || holds_glass(b->path);
  if (*have < 0) {
    if (errmsg)
      *errmsg = dup_printf("%s/%s lists other databases than shard-0..: tracuu only searches it",
                           b->path, SHARD_STUB_NAME);
    return ENGINE_INVALID;
  }
  if (!b->existing && stat(b->path, &st) == 0) {
    DIR *d = S_ISDIR(st.st_mode) ? opendir(b->path) : NULL;
    int empty = d != NULL;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
      if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) empty = 0;
    if (d) closedir(d);
    if (!empty) {
      if (errmsg) *errmsg = dup_printf("%s exists and is not an index: give another --db", b->path);
      return ENGINE_INVALID;
    }
  }
  unsigned existing_n = *have > 0 ? (unsigned)*have : 1;
  if (b->o.keep_existing && b->existing && b->o.shards && b->o.shards != existing_n) {
    if (errmsg)
      *errmsg = dup_printf("%s holds %u shard%s, not %u: index with --shards %u, or rebuild it "
                           "(--rebuild) to change the count", b->path, existing_n,
                           existing_n == 1 ? "" : "s", b->o.shards, existing_n);
    return ENGINE_INVALID;
  }
  b->shards = b->o.shards ? b->o.shards : b->existing ? existing_n : 1;
  if (b->shards > SHARD_MAX) {
    if (errmsg) *errmsg = dup_printf("at most %d shards", SHARD_MAX);
    return ENGINE_INVALID;
  }
  return ENGINE_OK;
}

static unsigned cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > BULK_JOBS_MAX ? BULK_JOBS_MAX : (unsigned)n;
}

engine_status bulk_open(const char *path, const bulk_opts *opts, bulk **out, char **errmsg) {
  if (errmsg) *errmsg = NULL;
  *out = NULL;
  bulk *b = NULL;
  if (!path || !*path || strlen(path) >= sizeof b->path) {
    if (errmsg) *errmsg = dup_printf("no index path, or one too long");
    return ENGINE_INVALID;
  }
  b = calloc(1, sizeof *b);
  if (!b) return ENGINE_NOMEM;
  b->lock_fd = -1;
  pthread_mutex_init(&b->mu, NULL);
  pthread_cond_init(&b->work, NULL);
  pthread_cond_init(&b->space, NULL);
  dynbuf_init(&b->errmsg, 4096);
  if (opts) b->o = *opts;
  b->jobs = b->o.jobs ? (b->o.jobs > BULK_JOBS_MAX ? BULK_JOBS_MAX : b->o.jobs) : cores();
  if (!b->o.flush_bytes) b->o.flush_bytes = BULK_FLUSH_DEFAULT;
  if (b->o.flush_bytes < BULK_FLUSH_MIN) b->o.flush_bytes = BULK_FLUSH_MIN;
  if (!b->o.commit_docs) b->o.commit_docs = BULK_COMMIT_DOCS;
  /* A trailing slash would make path.bulk a child of the index. */
  snprintf(b->path, sizeof b->path, "%s", path);
  for (size_t n = strlen(b->path); n > 1 && b->path[n - 1] == '/'; n--) b->path[n - 1] = '\0';
  b->t_start = now_seconds(CLOCK_MONOTONIC);
  int have = 0;
  engine_status st = indexer_make_parents(b->path) == 0 ? ENGINE_OK : ENGINE_IO;
  if (st != ENGINE_OK && errmsg) *errmsg = dup_printf("cannot create the parent directories of %s", b->path);
  if (st == ENGINE_OK) st = look_at_path(b, &have, errmsg);
  if (st == ENGINE_OK) {
    b->next_id = calloc(b->shards, sizeof *b->next_id);
    b->bloom = calloc(BLOOM_BITS / 8, 1);
    b->threads = calloc(b->jobs, sizeof *b->threads);
    if (!b->next_id || !b->bloom || !b->threads) st = ENGINE_NOMEM;
  }
  if (st == ENGINE_OK) st = take_build_dir(b, errmsg);
  if (st == ENGINE_OK && b->existing) st = hold_existing(b, have, errmsg);
  for (unsigned i = 0; st == ENGINE_OK && i < b->jobs; i++) {
    if (pthread_create(&b->threads[i], NULL, worker, b) != 0) {
      if (errmsg) *errmsg = dup_printf("cannot start a worker thread: %s", strerror(errno));
      st = ENGINE_NOMEM;
    } else {
      b->n_threads++;
    }
  }
  if (st != ENGINE_OK) {
    if (st == ENGINE_NOMEM && errmsg && !*errmsg) *errmsg = dup_printf("out of memory");
    bulk_free(b, b->lock_fd >= 0);
    return st;
  }
  *out = b;
  return ENGINE_OK;
}

void bulk_abort(bulk *b) { bulk_free(b, 1); }

/* ------------------------------------------------------------------ */
/* The merge                                                            */
/* ------------------------------------------------------------------ */

static int by_run(const void *a, const void *b) {
  const run_id *x = a, *y = b;
  if (x->shard != y->shard) return x->shard < y->shard ? -1 : 1;
  return x->no < y->no ? -1 : x->no > y->no;
}

/* Where shard k of the new index is built: dir/out, or dir/out/shard-k. */
static int out_path(const bulk *b, unsigned k, char *out, size_t len) {
  char base[SHARD_PATH_MAX];
  snprintf(base, sizeof base, "%s/out", b->dir);
  if (b->shards == 1) return snprintf(out, len, "%s", base) >= (int)len ? -1 : 0;
  return shard_path(base, k, out, len);
}

/* Shard k: its runs (and, with keep_existing, the old shard first) merged
 * into out_path, ids kept. No source at all: an empty database. */
static engine_status merge_shard(bulk *b, unsigned k, const run_id *runs, size_t n, char **errmsg) {
  char dest[SHARD_PATH_MAX];
  out_path(b, k, dest, sizeof dest);
  size_t n_src = n + (b->old_read ? 1 : 0);
  if (n_src == 0) {
    engine_writer *w = NULL;
    engine_status st = engine_writer_open_bulk(dest, &w, errmsg);
    if (st == ENGINE_OK) st = engine_writer_set_metadata(w, TRACUU_SCHEMA_KEY, TRACUU_SCHEMA_VERSION);
    engine_status cst = engine_writer_close(w);
    return st != ENGINE_OK ? st : cst;
  }
  char (*paths)[SHARD_PATH_MAX] = calloc(n_src, sizeof *paths);
  const char **src = calloc(n_src, sizeof *src);
  engine_status st = paths && src ? ENGINE_OK : ENGINE_NOMEM;
  size_t i = 0;
  if (st == ENGINE_OK && b->old_read) old_path(b, k, paths[i], sizeof paths[i]), src[i] = paths[i], i++;
  for (size_t r = 0; st == ENGINE_OK && r < n; r++, i++) {
    run_path(b, k, runs[r].no, paths[i], sizeof paths[i]);
    src[i] = paths[i];
  }
  if (st == ENGINE_OK)
    st = engine_compact_flags(src, n_src, dest, ENGINE_COMPACT_MULTIPASS | ENGINE_COMPACT_KEEP_IDS, errmsg);
  free(paths);
  free(src);
  return st;
}

/* The merges, shard by shard, spread over the job threads. */
typedef struct {
  bulk *b;
  pthread_mutex_t mu;
  unsigned next;           /* next shard to merge */
  engine_status st;
  char *msg;
} merge_pool;

static void *merge_worker(void *arg) {
  merge_pool *mp = arg;
  bulk *b = mp->b;
  double cpu0 = now_seconds(CLOCK_THREAD_CPUTIME_ID);
  for (;;) {
    pthread_mutex_lock(&mp->mu);
    unsigned k = mp->st == ENGINE_OK ? mp->next++ : b->shards;
    pthread_mutex_unlock(&mp->mu);
    if (k >= b->shards) break;
    size_t first = 0, n = 0;
    while (first < b->n_runs && b->runs[first].shard < k) first++;
    while (first + n < b->n_runs && b->runs[first + n].shard == k) n++;
    char *msg = NULL;
    engine_status st = merge_shard(b, k, b->runs + first, n, &msg);
    pthread_mutex_lock(&mp->mu);
    if (st != ENGINE_OK && mp->st == ENGINE_OK) {
      mp->st = st;
      mp->msg = msg;
      msg = NULL;
    }
    pthread_mutex_unlock(&mp->mu);
    free(msg);
  }
  double cpu = now_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0;
  pthread_mutex_lock(&mp->mu);
  b->worker_cpu += cpu;
  pthread_mutex_unlock(&mp->mu);
  return NULL;
}

static engine_status merge_all(bulk *b, char **errmsg) {
  qsort(b->runs, b->n_runs, sizeof *b->runs, by_run);
  char out[SHARD_PATH_MAX];
  snprintf(out, sizeof out, "%s/out", b->dir);
  if (b->shards > 1 && mkdir(out, 0777) != 0) {
    if (errmsg) *errmsg = dup_printf("cannot create %s: %s", out, strerror(errno));
    return ENGINE_IO;
  }
  merge_pool mp = {.b = b, .st = ENGINE_OK};
  pthread_mutex_init(&mp.mu, NULL);
  unsigned n = b->jobs < b->shards ? b->jobs : b->shards;
  pthread_t *t = calloc(n, sizeof *t);
  unsigned started = 0;
  for (; t && started < n; started++)
    if (pthread_create(&t[started], NULL, merge_worker, &mp) != 0) break;
  if (started == 0) merge_worker(&mp); /* no thread to be had: this one merges */
  for (unsigned i = 0; i < started; i++) pthread_join(t[i], NULL);
  free(t);
  pthread_mutex_destroy(&mp.mu);
  if (mp.st != ENGINE_OK && errmsg) *errmsg = mp.msg ? mp.msg : dup_printf("the merge failed");
  else free(mp.msg);
  if (mp.st == ENGINE_OK && b->shards > 1 && shard_write_stub(out, b->shards) != 0) {
    if (errmsg) *errmsg = dup_printf("cannot write %s/%s: %s", out, SHARD_STUB_NAME, strerror(errno));
    return ENGINE_IO;
  }
  return mp.st;
}

/* ------------------------------------------------------------------ */
/* Settling ids added twice or removed                                  */
/* ------------------------------------------------------------------ */

/* Reads the next event of type want; 1 read, 0 at the end, -1 on error. */
static int next_event(FILE *f, uint32_t want, event *e, char *id, size_t cap) {
  for (;;) {
    if (fread(e, sizeof *e, 1, f) != 1) return feof(f) ? 0 : -1;
    if (e->len >= cap) return -1;
    if (fread(id, 1, e->len, f) != e->len) return -1;
    id[e->len] = '\0';
    if (e->type == want) return 1;
  }
}

/* A removal at "at": every document of id with a document id up to at
 * (added before the removal) goes. */
static engine_status settle_remove(engine_writer *w, const char *id, uint64_t at) {
  char term[SCHEMA_ID_TERM_MAX];
  size_t tlen = schema_id_term(id, term);
  uint64_t *ids = NULL;
  size_t n = 0;
  engine_status st = engine_writer_postings(w, term, tlen, &ids, &n);
  for (size_t i = 0; st == ENGINE_OK && i < n && ids[i] <= at; i++) st = engine_writer_delete_id(w, ids[i]);
  free(ids);
  return st;
}

/* An id with several documents left (after the removals): the last one's
 * content at the first one's id, as replace_document would have done. */
static engine_status settle_twice(engine_writer *w, const char *id) {
  char term[SCHEMA_ID_TERM_MAX];
  size_t tlen = schema_id_term(id, term);
  uint64_t *ids = NULL;
  size_t n = 0;
  engine_status st = engine_writer_postings(w, term, tlen, &ids, &n);
  if (st == ENGINE_OK && n >= 2) {
    for (size_t i = 1; st == ENGINE_OK && i + 1 < n; i++) st = engine_writer_delete_id(w, ids[i]);
    if (st == ENGINE_OK) st = engine_writer_move(w, ids[n - 1], ids[0], SLOT_INDEXED);
  }
  free(ids);
  return st;
}

static engine_status settle(bulk *b, char **errmsg) {
  if (b->n_events == 0) return ENGINE_OK;
  engine_writer **w = calloc(b->shards, sizeof *w);
  if (!w) return ENGINE_NOMEM;
  engine_status st = ENGINE_OK;
  for (unsigned k = 0; st == ENGINE_OK && k < b->shards; k++) {
    char p[SHARD_PATH_MAX];
    out_path(b, k, p, sizeof p);
    st = engine_writer_open(p, ENGINE_OPEN_EXISTING, &w[k], errmsg);
  }
  char *id = malloc(64 * 1024);
  if (!id) st = ENGINE_NOMEM;
  static const uint32_t passes[] = {EV_REMOVE, EV_SUSPECT};
  for (size_t p = 0; st == ENGINE_OK && p < 2; p++) {
    event e;
    int got;
    rewind(b->events);
    while ((got = next_event(b->events, passes[p], &e, id, 64 * 1024)) == 1) {
      if (e.shard >= b->shards) {
        got = -1;
        break;
      }
      st = passes[p] == EV_REMOVE ? settle_remove(w[e.shard], id, e.at) : settle_twice(w[e.shard], id);
      if (st != ENGINE_OK) {
        if (errmsg) *errmsg = dup_printf("%s", engine_writer_errmsg(w[e.shard]));
        break;
      }
    }
    if (st == ENGINE_OK && got < 0) {
      if (errmsg) *errmsg = dup_printf("cannot read back %s/events", b->dir);
      st = ENGINE_IO;
    }
  }
  free(id);
  for (unsigned k = 0; k < b->shards; k++) {
    engine_status cst = engine_writer_close(w[k]);
    if (st == ENGINE_OK && cst != ENGINE_OK) {
      st = cst;
      if (errmsg) *errmsg = dup_printf("cannot commit the settled ids: %s", engine_strerror(cst));
    }
  }
  free(w);
  return st;
}

/* ------------------------------------------------------------------ */
/* Publishing                                                           */
/* ------------------------------------------------------------------ */

/* dir/out becomes path: durable first, then one rename. Over an existing
 * index the two are exchanged (the old one then lies in dir/out and goes
 * with dir); where the file system cannot exchange, the old one is moved
 * aside first, which leaves a moment without an index at path. */
static engine_status publish(bulk *b, char **errmsg) {
  char out[SHARD_PATH_MAX], aside[SHARD_PATH_MAX];
  snprintf(out, sizeof out, "%s/out", b->dir);
  snprintf(aside, sizeof aside, "%s/old", b->dir);
  if (walk(out, sync_one, NULL) != 0) {
    if (errmsg) *errmsg = dup_printf("cannot sync %s: %s", out, strerror(errno));
    return ENGINE_IO;
  }
  int rc;
  if (!b->existing) {
    rc = rename(out, b->path);
  } else {
    rc = renameat2(AT_FDCWD, out, AT_FDCWD, b->path, RENAME_EXCHANGE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS) && rename(b->path, aside) == 0) {
      rc = rename(out, b->path);
      int saved = errno;
      if (rc != 0 && rename(aside, b->path) == 0) errno = saved; /* the old one back */
    }
  }
  if (rc != 0) {
    if (errmsg)
      *errmsg = dup_printf("cannot put the new index at %s: %s%s", b->path, strerror(errno),
                           errno == ENOTEMPTY || errno == EEXIST
                               ? " (something was written there during the build)" : "");
    return ENGINE_IO;
  }
  if (sync_parent(b->path) != 0) {
    if (errmsg) *errmsg = dup_printf("cannot sync the directory of %s: %s", b->path, strerror(errno));
    return ENGINE_IO;
  }
  return ENGINE_OK;
}

engine_status bulk_finish(bulk *b, bulk_stats *stats, char **errmsg) {
  if (errmsg) *errmsg = NULL;
  bulk_stats s;
  memset(&s, 0, sizeof s);
  if (!b) {
    if (stats) *stats = s;
    return ENGINE_INVALID;
  }
  s.jobs = b->jobs;
  s.shards = b->shards;
  s.added = b->added;
  s.removed = b->removed;
  engine_status st = submit(b);
  if (st == ENGINE_OK && b->events && fflush(b->events) != 0) FAIL(b, st = ENGINE_IO, "cannot write the events: %s", strerror(errno));
  join_workers(b);
  double t_built = now_seconds(CLOCK_MONOTONIC);
  s.build_seconds = t_built - b->t_start;
  s.runs = b->n_runs;
  s.skipped = b->skipped;
  st = b->failed;
  if (st != ENGINE_OK && errmsg) *errmsg = strdup(dynbuf_str(&b->errmsg));
  char runs[SHARD_PATH_MAX];
  snprintf(runs, sizeof runs, "%s/runs", b->dir);
  s.runs_bytes = disk_usage(runs);
  if (st == ENGINE_OK) st = merge_all(b, errmsg);
  if (st == ENGINE_OK) walk(runs, remove_one, NULL); /* room on the disk before the swap */
  if (st == ENGINE_OK) st = settle(b, errmsg);
  double t_merged = now_seconds(CLOCK_MONOTONIC);
  s.merge_seconds = t_merged - t_built;
  if (st == ENGINE_OK) {
    char out[SHARD_PATH_MAX];
    snprintf(out, sizeof out, "%s/out", b->dir);
    s.index_bytes = disk_usage(out);
    st = publish(b, errmsg);
  }
  release(b); /* the old index's locks: it is in dir now, or still at path */
  s.worker_cpu_seconds = b->worker_cpu;
  bulk_free(b, 1);
  s.publish_seconds = now_seconds(CLOCK_MONOTONIC) - t_merged;
  if (stats) *stats = s;
  return st;
}
