/* The server's index handles, following the index (dbpool.h). */
#include "web/dbpool.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/schema.h"

#define NAME_MAX_BYTES 4096
#define LEFT_OUT_MAX 1024
#define ERR_MAX 600

typedef struct {
  engine_db *dbs[DBPOOL_MAX_HANDLES];
  double refreshed[DBPOOL_MAX_HANDLES]; /* when each was last refreshed */
  unsigned char busy[DBPOOL_MAX_HANDLES]; /* lent, or being opened */
  unsigned users;
  int retired;
  size_t left_out;
  char left_out_names[LEFT_OUT_MAX];
  double retry_whole_at; /* a partial generation tries to be whole again */
} generation;

struct dbpool {
  char **names;
  size_t n;
  dbpool_config cfg;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  generation *cur;
  int opening;
  engine_status last_st; /* of the last failed open; ENGINE_OK after a good one */
  char last_err[ERR_MAX];
  double retry_at;
};

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- opening one handle (no lock held) ---- */

typedef struct {
  size_t n;
  char names[LEFT_OUT_MAX];
} left_out;

static void note_left_out(void *ctx, const char *name, engine_status st, const char *msg) {
  (void)st;
  (void)msg;
  left_out *lo = ctx;
  size_t len = strlen(lo->names);
  if (len < sizeof lo->names)
    snprintf(lo->names + len, sizeof lo->names - len, "%s%s", lo->n ? ", " : "", name);
  lo->n++;
}

/* An index of another schema would answer wrongly (an empty one is fine). */
static engine_status check_schema(engine_db *db, char *err, size_t errlen) {
  char *version = NULL;
  engine_status st = engine_db_get_metadata(db, TRACUU_SCHEMA_KEY, &version);
  if (st != ENGINE_OK) snprintf(err, errlen, "cannot read the index: %s", engine_db_errmsg(db));
  else if (strcmp(version, TRACUU_SCHEMA_VERSION) != 0 && engine_db_doccount(db) > 0) {
    snprintf(err, errlen,
             "the index was built with index schema \"%s\", this tracuu reads schema %s: "
             "rebuild it (tracuu index, or tracuu index --from-store)",
             version, TRACUU_SCHEMA_VERSION);
    st = ENGINE_VERSION;
  }
  free(version);
  return st;
}

static engine_status open_handle(dbpool *p, engine_db **out, left_out *lo, char *err,
                                 size_t errlen) {
  const char **resolved = calloc(p->n, sizeof *resolved);
  char(*bufs)[NAME_MAX_BYTES] = calloc(p->n, sizeof *bufs);
  if (!resolved || !bufs) {
    free(resolved);
    free(bufs);
    snprintf(err, errlen, "out of memory");
    return ENGINE_NOMEM;
  }
  for (size_t i = 0; i < p->n; i++)
    resolved[i] = p->cfg.resolve ? p->cfg.resolve(p->names[i], bufs[i], sizeof bufs[i]) : p->names[i];
  memset(lo, 0, sizeof *lo);
  engine_open_opts eo = {p->cfg.timeout_ms, p->cfg.allow_partial, note_left_out, lo};
  char *msg = NULL;
  engine_status st = engine_db_open_opts(resolved, p->n, &eo, out, &msg);
  if (st != ENGINE_OK) snprintf(err, errlen, "%s", msg ? msg : engine_strerror(st));
  free(msg);
  free(resolved);
  free(bufs);
  if (st == ENGINE_OK && (st = check_schema(*out, err, errlen)) != ENGINE_OK) {
    engine_db_close(*out);
    *out = NULL;
  }
  return st;
}

/* ---- generations (under mu) ---- */

static void generation_free(generation *g) {
  if (!g) return;
  for (size_t i = 0; i < DBPOOL_MAX_HANDLES; i++) engine_db_close(g->dbs[i]);
  free(g);
}

static void retire(dbpool *p, generation *g) {
  g->retired = 1;
  if (p->cur == g) p->cur = NULL;
  if (g->users == 0) generation_free(g);
}

/* A new generation with one handle, opened without the lock. */
static engine_status open_generation(dbpool *p, generation **out, char *err, size_t errlen) {
  p->opening = 1;
  pthread_mutex_unlock(&p->mu);
  generation *g = calloc(1, sizeof *g);
  engine_status st = ENGINE_NOMEM;
  left_out lo;
  if (!g) snprintf(err, errlen, "out of memory");
  else st = open_handle(p, &g->dbs[0], &lo, err, errlen);
  double t = now_ms();
  pthread_mutex_lock(&p->mu);
  p->opening = 0;
  pthread_cond_broadcast(&p->cv);
  if (st != ENGINE_OK) {
    free(g);
    p->last_st = st;
    snprintf(p->last_err, sizeof p->last_err, "%s", err);
    p->retry_at = t + p->cfg.retry_ms;
    return st;
  }
  g->refreshed[0] = t;
  g->left_out = lo.n;
  snprintf(g->left_out_names, sizeof g->left_out_names, "%s", lo.names);
  g->retry_whole_at = t + p->cfg.retry_ms;
  p->last_st = ENGINE_OK;
  *out = g;
  return ENGINE_OK;
}

static engine_status last_failure(dbpool *p, char *err, size_t errlen) {
  snprintf(err, errlen, "%s", p->last_err);
  return p->last_st;
}

/* Makes p->cur a usable generation: 0, or a status to fail the lease with. */
static engine_status current(dbpool *p, char *err, size_t errlen) {
  for (;;) {
    double t = now_ms();
    generation *g = p->cur;
    if (g && g->left_out && t >= g->retry_whole_at && !p->opening) {
      generation *whole = NULL;
      g->retry_whole_at = t + p->cfg.retry_ms;
      if (open_generation(p, &whole, err, errlen) == ENGINE_OK) {
        if (p->cur == g && whole->left_out < g->left_out) {
          retire(p, g);
          p->cur = whole;
        } else {
          generation_free(whole);
        }
      }
      p->last_st = ENGINE_OK; /* the partial one still serves */
      continue;
    }
    if (g) return ENGINE_OK;
    if (p->opening) {
      if (p->last_st != ENGINE_OK) return last_failure(p, err, errlen); /* fail fast */
      pthread_cond_wait(&p->cv, &p->mu);
      continue;
    }
    if (p->last_st != ENGINE_OK && t < p->retry_at) return last_failure(p, err, errlen);
    engine_status st = open_generation(p, &g, err, errlen);
    if (st != ENGINE_OK) return st;
    if (p->cur) generation_free(g); /* cannot happen: opening was ours */
    else p->cur = g;
  }
}

/* ---- leases ---- */

/* A free slot of g, reserved; DBPOOL_MAX_HANDLES when all are busy. */
static unsigned reserve_slot(dbpool *p, generation *g) {
  unsigned spare = p->cfg.handles;
  for (unsigned i = 0; i < p->cfg.handles; i++) {
    if (g->busy[i]) continue;
    if (g->dbs[i]) {
      spare = i;
      break;
    }
    if (spare == p->cfg.handles) spare = i;
  }
  if (spare < p->cfg.handles) {
    g->busy[spare] = 1;
    g->users++;
  }
  return spare < p->cfg.handles ? spare : DBPOOL_MAX_HANDLES;
}

static void unreserve(dbpool *p, generation *g, unsigned slot, int broken) {
  g->busy[slot] = 0;
  g->users--;
  if (broken && !g->retired) retire(p, g); /* frees it when unused */
  else if (g->retired && g->users == 0) generation_free(g);
  pthread_cond_broadcast(&p->cv);
}

/* Opens (when needed) and refreshes the reserved handle, without the lock.
 * 0: ready; 1: moved or broken, lease another. */
static int make_ready(dbpool *p, generation *g, unsigned slot, char *err, size_t errlen) {
  double t = now_ms();
  if (!g->dbs[slot]) {
    left_out lo;
    if (open_handle(p, &g->dbs[slot], &lo, err, errlen) != ENGINE_OK) return 1;
    g->refreshed[slot] = t;
    return lo.n != g->left_out; /* another set of shards than its generation's */
  }
  engine_db *db = g->dbs[slot];
  if (engine_db_moved(db)) return 1;
  if (t - g->refreshed[slot] < p->cfg.refresh_ms) return 0;
  int moved = 0;
  if (engine_db_refresh(db, &moved) != ENGINE_OK || moved) return 1;
  g->refreshed[slot] = t;
  return 0;
}

engine_status dbpool_acquire(dbpool *p, dbpool_lease *l, char *err, size_t errlen) {
  memset(l, 0, sizeof *l);
  pthread_mutex_lock(&p->mu);
  engine_status st = ENGINE_OK;
  for (int tries = 0;; tries++) {
    st = current(p, err, errlen);
    if (st != ENGINE_OK) break;
    generation *g = p->cur;
    unsigned slot = reserve_slot(p, g);
    if (slot == DBPOOL_MAX_HANDLES) {
      pthread_cond_wait(&p->cv, &p->mu);
      continue;
    }
    pthread_mutex_unlock(&p->mu);
    int stale = make_ready(p, g, slot, err, errlen);
    pthread_mutex_lock(&p->mu);
    if (!stale) {
      *l = (dbpool_lease){g->dbs[slot], g->left_out, g->left_out_names, g, slot};
      break;
    }
    engine_db_close(g->dbs[slot]); /* never lent again */
    g->dbs[slot] = NULL;
    unreserve(p, g, slot, 1);
    if (tries == 3) {
      st = ENGINE_INTERNAL;
      snprintf(err, errlen, "the index keeps changing under the server: try again");
      break;
    }
  }
  pthread_mutex_unlock(&p->mu);
  return st;
}

void dbpool_release(dbpool *p, dbpool_lease *l, int broken) {
  if (!p || !l->gen_) return;
  pthread_mutex_lock(&p->mu);
  unreserve(p, l->gen_, l->slot_, broken);
  pthread_mutex_unlock(&p->mu);
  memset(l, 0, sizeof *l);
}

/* ---- the pool ---- */

void dbpool_close(dbpool *p) {
  if (!p) return;
  if (p->cur) generation_free(p->cur);
  for (size_t i = 0; i < p->n; i++) free(p->names[i]);
  free(p->names);
  pthread_cond_destroy(&p->cv);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

engine_status dbpool_open(const dbpool_config *cfg, dbpool **out, char *err, size_t errlen) {
  *out = NULL;
  if (!cfg->names || cfg->n == 0 || cfg->handles < 1 || cfg->handles > DBPOOL_MAX_HANDLES) {
    snprintf(err, errlen, "a name and 1 to %d handles are needed", DBPOOL_MAX_HANDLES);
    return ENGINE_INVALID;
  }
  dbpool *p = calloc(1, sizeof *p);
  if (p) p->names = calloc(cfg->n, sizeof *p->names);
  if (!p || !p->names) {
    free(p);
    snprintf(err, errlen, "out of memory");
    return ENGINE_NOMEM;
  }
  p->cfg = *cfg;
  p->cfg.names = NULL;
  if (!p->cfg.refresh_ms) p->cfg.refresh_ms = DBPOOL_REFRESH_MS;
  if (!p->cfg.retry_ms) p->cfg.retry_ms = DBPOOL_RETRY_MS;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  engine_status st = ENGINE_OK;
  for (; p->n < cfg->n && st == ENGINE_OK; p->n++)
    if (!(p->names[p->n] = strdup(cfg->names[p->n]))) st = ENGINE_NOMEM;
  if (st != ENGINE_OK) snprintf(err, errlen, "out of memory");
  pthread_mutex_lock(&p->mu);
  if (st == ENGINE_OK) st = current(p, err, errlen);
  pthread_mutex_unlock(&p->mu);
  if (st != ENGINE_OK) {
    dbpool_close(p);
    return st;
  }
  *out = p;
  return ENGINE_OK;
}
