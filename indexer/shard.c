#include "indexer/shard.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/dynbuf.h"

/* A stub tracuu wrote is n short lines; anything bigger is not ours. */
#define STUB_MAX_BYTES (64u * 1024)

/* ------------------------------------------------------------------ */
/* The policy                                                           */
/* ------------------------------------------------------------------ */

/* FNV-1a, 64 bits: simple, fast on short keys, and defined byte by byte, so
 * the same id gives the same shard on every machine and every build. */
static uint64_t fnv1a64(const char *s, size_t len) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

/* Lamping & Veach's jump consistent hash: a bucket in [0, n) such that going
 * from n to n + 1 buckets moves a key only into the new bucket. */
static unsigned jump_hash(uint64_t key, unsigned n) {
  int64_t b = -1, j = 0;
  while (j < (int64_t)n) {
    b = j;
    key = key * 2862933555777941757ull + 1;
    j = (int64_t)((double)(b + 1) * ((double)(1ll << 31) / (double)((key >> 33) + 1)));
  }
  return (unsigned)b;
}

unsigned shard_of(const char *id, size_t len, unsigned n) {
  if (n <= 1 || !id) return 0;
  return jump_hash(fnv1a64(id, len), n);
}

/* ------------------------------------------------------------------ */
/* The layout                                                           */
/* ------------------------------------------------------------------ */

int shard_path(const char *dir, unsigned k, char *out, size_t outlen) {
  int w = snprintf(out, outlen, "%s/shard-%u", dir, k);
  return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

static int stub_path(const char *dir, char *out, size_t outlen) {
  int w = snprintf(out, outlen, "%s/%s", dir, SHARD_STUB_NAME);
  return w < 0 || (size_t)w >= outlen ? -1 : 0;
}

static int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Reads the whole (small) file at path into b. Returns 0, or -1. */
static int read_small_file(const char *path, dynbuf *b) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  char chunk[4096];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) dynbuf_append(b, chunk, got);
  int bad = ferror(f) || dynbuf_status(b) != DYNBUF_OK;
  fclose(f);
  return bad ? -1 : 0;
}

/* Checks that line (without its newline) is "auto shard-K". */
static int is_shard_line(const char *line, size_t len, unsigned k) {
  char want[32];
  int w = snprintf(want, sizeof want, "auto shard-%u", k);
  return w > 0 && (size_t)w == len && memcmp(line, want, len) == 0;
}

int shard_count(const char *dir) {
  char path[SHARD_PATH_MAX];
  if (stub_path(dir, path, sizeof path) != 0) return -1;
  dynbuf b;
  dynbuf_init(&b, STUB_MAX_BYTES);
  if (read_small_file(path, &b) != 0) {
    int missing = errno == ENOENT;
    dynbuf_free(&b);
    return missing ? 0 : -1;
  }
  int n = 0;
  const char *p = dynbuf_str(&b);
  while (n >= 0 && *p) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    if (len > 0 && p[0] != '#') n = is_shard_line(p, len, (unsigned)n) && n < SHARD_MAX ? n + 1 : -1;
    p += len + (nl ? 1 : 0);
  }
  dynbuf_free(&b);
  return n;
}

const char *shard_resolve_db(const char *name, char *out, size_t outlen) {
  struct stat st;
  if (!is_dir(name) || stub_path(name, out, outlen) != 0) return name;
  return stat(out, &st) == 0 && S_ISREG(st.st_mode) ? out : name;
}

int shard_replace_file(const char *path, const char *content, size_t len) {
  char tmp[SHARD_PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  FILE *f = fopen(tmp, "wb");
  if (!f) return -1;
  /* Durable before it becomes visible: a crash never leaves an empty stub. */
  int rc = fwrite(content, 1, len, f) == len && fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
  int saved = errno;
  if (fclose(f) != 0 && rc == 0) rc = -1, saved = errno;
  if (rc == 0 && rename(tmp, path) != 0) rc = -1, saved = errno;
  if (rc != 0) {
    unlink(tmp);
    errno = saved;
  }
  return rc;
}

int shard_write_stub(const char *dir, unsigned n) {
  char path[SHARD_PATH_MAX];
  if (stub_path(dir, path, sizeof path) != 0) {
    errno = ENAMETOOLONG;
    return -1;
  }
  dynbuf b;
  dynbuf_init(&b, STUB_MAX_BYTES);
  dynbuf_printf(&b, "# tracuu: %u shards, written by tracuu index --shards; Xapian's stub format\n", n);
  for (unsigned k = 0; k < n; k++) dynbuf_printf(&b, "auto shard-%u\n", k);
  int rc = -1;
  if (dynbuf_status(&b) != DYNBUF_OK) errno = ENOMEM;
  else rc = shard_replace_file(path, b.data, b.len);
  dynbuf_free(&b);
  return rc;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

struct shard_set {
  unsigned n;
  indexer **shards;
  dynbuf errmsg;
};

static void set_error(dynbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_error(dynbuf *b, const char *fmt, ...) {
  va_list ap;
  char msg[1024];
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dynbuf_reset(b);
  dynbuf_append_str(b, msg);
}

/* A malloc'ed copy of msg for an *errmsg out-parameter (NULL when out of memory). */
static char *dup_msg(const char *msg) {
  size_t len = strlen(msg) + 1;
  char *p = malloc(len);
  if (p) memcpy(p, msg, len);
  return p;
}

/* Xapian's glass backend marks a database directory with this file. */
static int holds_database(const char *dir) {
  char path[SHARD_PATH_MAX];
  struct stat st;
  return snprintf(path, sizeof path, "%s/iamglass", dir) < (int)sizeof path &&
         stat(path, &st) == 0;
}

/* Decides how many shards to open at dir for a requested n (0 = as is).
 * Returns the count, or 0 with the reason in msg. */
static unsigned decide_count(const char *dir, unsigned n, char *msg, size_t msglen) {
  int have = shard_count(dir);
  if (n > SHARD_MAX) {
    snprintf(msg, msglen, "at most %d shards", SHARD_MAX);
    return 0;
  }
  if (have < 0) {
    snprintf(msg, msglen, "%s/%s lists other databases than shard-0..: tracuu only searches it",
             dir, SHARD_STUB_NAME);
    return 0;
  }
  if (have > 0 && n != 0 && (unsigned)have != n) {
    snprintf(msg, msglen,
             "%s holds %d shards, not %u: index with --shards %d (documents are placed by a hash "
             "of their id; to change the count, tracuu compact them into one index and re-index)",
             dir, have, n, have);
    return 0;
  }
  if (have == 0 && n > 1 && holds_database(dir)) {
    snprintf(msg, msglen, "%s holds an unsharded index: give --shards a new directory", dir);
    return 0;
  }
  if (have > 0) return (unsigned)have;
  return n ? n : 1;
}

/* Opens shard k of s (dir itself when the index is not sharded). */
static engine_status open_one(shard_set *s, const char *dir, unsigned k, char **errmsg) {
  char path[SHARD_PATH_MAX];
  if (s->n == 1 && shard_count(dir) == 0) snprintf(path, sizeof path, "%s", dir);
  else if (shard_path(dir, k, path, sizeof path) != 0) {
    if (errmsg) *errmsg = dup_msg("the index path is too long");
    return ENGINE_INVALID;
  }
  return indexer_open(path, &s->shards[k], errmsg);
}

engine_status shard_set_open(const char *dir, unsigned n, shard_set **out, char **errmsg) {
  char msg[1024];
  if (errmsg) *errmsg = NULL;
  *out = NULL;
  unsigned count = decide_count(dir, n, msg, sizeof msg);
  if (count == 0) {
    if (errmsg) *errmsg = dup_msg(msg);
    return ENGINE_INVALID;
  }
  shard_set *s = calloc(1, sizeof *s);
  indexer **shards = calloc(count, sizeof *shards);
  if (!s || !shards) {
    free(s);
    free(shards);
    return ENGINE_NOMEM;
  }
  *s = (shard_set){.n = count, .shards = shards};
  dynbuf_init(&s->errmsg, 4096);
  engine_status st = ENGINE_OK;
  for (unsigned k = 0; st == ENGINE_OK && k < count; k++) st = open_one(s, dir, k, errmsg);
  /* The stub comes last: it names only shards that exist. */
  if (st == ENGINE_OK && count > 1 && shard_write_stub(dir, count) != 0) {
    snprintf(msg, sizeof msg, "cannot write %s/%s: %s", dir, SHARD_STUB_NAME, strerror(errno));
    if (errmsg) *errmsg = dup_msg(msg);
    st = ENGINE_IO;
  }
  if (st != ENGINE_OK) {
    shard_set_close(s);
    return st;
  }
  *out = s;
  return ENGINE_OK;
}

unsigned shard_set_count(const shard_set *s) { return s ? s->n : 0; }

indexer *shard_set_pick(shard_set *s, const char *id) {
  return s->shards[shard_of(id, id ? strlen(id) : 0, s->n)];
}

/* Keeps the shard's message on the set after a failure. */
static engine_status note(shard_set *s, indexer *ix, engine_status st) {
  if (st != ENGINE_OK) set_error(&s->errmsg, "%s", indexer_errmsg(ix));
  return st;
}

engine_status shard_set_add(shard_set *s, const record *r) {
  indexer *ix = shard_set_pick(s, r->id);
  return note(s, ix, indexer_add(ix, r));
}

engine_status shard_set_remove(shard_set *s, const char *id) {
  indexer *ix = shard_set_pick(s, id);
  return note(s, ix, indexer_remove(ix, id));
}

uint64_t shard_set_doccount(shard_set *s) {
  uint64_t total = 0;
  for (unsigned k = 0; k < s->n; k++) total += indexer_doccount(s->shards[k]);
  return total;
}

engine_status shard_set_commit(shard_set *s) {
  engine_status first = ENGINE_OK;
  for (unsigned k = 0; k < s->n; k++) {
    engine_status st = note(s, s->shards[k], indexer_commit(s->shards[k]));
    if (first == ENGINE_OK) first = st;
  }
  return first;
}

engine_status shard_set_close(shard_set *s) {
  if (!s) return ENGINE_OK;
  engine_status first = ENGINE_OK;
  for (unsigned k = 0; k < s->n; k++) {
    engine_status st = s->shards[k] ? indexer_close(s->shards[k]) : ENGINE_OK;
    if (first == ENGINE_OK) first = st;
  }
  free(s->shards);
  dynbuf_free(&s->errmsg);
  free(s);
  return first;
}

const char *shard_set_errmsg(const shard_set *s) { return s ? dynbuf_str(&s->errmsg) : ""; }
