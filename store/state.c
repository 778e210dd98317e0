/* state: the crawl's memory in SQLite. One prepared statement per query,
 * prepared once at open; every change runs inside the caller's
 * transaction or, when there is none, on its own. */
#include "store/state.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char schema_sql[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;" /* WAL + NORMAL: a killed process loses nothing committed */
    "CREATE TABLE IF NOT EXISTS page("
    " url TEXT PRIMARY KEY, status INTEGER, etag TEXT, last_modified TEXT, hash TEXT,"
    " last_fetch INTEGER, next_due INTEGER DEFAULT 0, gone INTEGER DEFAULT 0,"
    " last_run INTEGER DEFAULT 0, pending INTEGER DEFAULT 0, warc_file TEXT,"
    " warc_offset INTEGER);"
    "CREATE INDEX IF NOT EXISTS page_pending ON page(pending) WHERE pending != 0;"
    "CREATE TABLE IF NOT EXISTS content(hash TEXT PRIMARY KEY, url TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS content_url ON content(url);"
    "CREATE TABLE IF NOT EXISTS frontier(id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT UNIQUE);"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);";

/* The statements, in the order of sql_text[]. */
enum {
  Q_META_GET, Q_META_SET, Q_FRONTIER_COUNT, Q_SEED, Q_FRONTIER_ADD, Q_FRONTIER_EACH,
  Q_FRONTIER_DONE, Q_PAGE_GET, Q_OWNER, Q_PAGE_UPSERT, Q_PAGE_TOUCH, Q_OWN, Q_DISOWN,
  Q_PENDING_EACH, Q_PENDING_CLEAR, Q_COUNTS, Q_KNOWN_EACH, Q_KNOWS, Q_COUNT
};

static const char *const sql_text[Q_COUNT] = {
    [Q_META_GET] = "SELECT value FROM meta WHERE key=?1",
    [Q_META_SET] = "INSERT INTO meta(key,value) VALUES(?1,?2)"
                   " ON CONFLICT(key) DO UPDATE SET value=excluded.value",
    [Q_FRONTIER_COUNT] = "SELECT count(*) FROM frontier",
    [Q_SEED] = "INSERT OR IGNORE INTO frontier(url) SELECT url FROM page"
               " WHERE gone=0 AND next_due<=?1 ORDER BY rowid",
    [Q_FRONTIER_ADD] = "INSERT OR IGNORE INTO frontier(url) SELECT ?1 WHERE NOT EXISTS"
                       " (SELECT 1 FROM page WHERE url=?1 AND last_run=?2)",
    [Q_FRONTIER_EACH] = "SELECT id, url FROM frontier WHERE id>?1 ORDER BY id LIMIT ?2",
    [Q_FRONTIER_DONE] = "DELETE FROM frontier WHERE id=?1",
    [Q_PAGE_GET] = "SELECT status, etag, last_modified, hash, gone, last_run, warc_file, warc_offset FROM page WHERE url=?1",
    [Q_OWNER] = "SELECT url FROM content WHERE hash=?1",
    /* A full update: validators, hash and WARC place of this answer. */
    [Q_PAGE_UPSERT] =
        "INSERT INTO page(url,status,etag,last_modified,hash,last_fetch,next_due,gone,last_run,"
        "pending,warc_file,warc_offset) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
        " ON CONFLICT(url) DO UPDATE SET status=?2, etag=?3, last_modified=?4, hash=?5,"
        " last_fetch=?6, next_due=?7, gone=?8, last_run=?9,"
        " pending=CASE WHEN ?10=0 THEN pending ELSE ?10 END,"
        " warc_file=coalesce(?11,warc_file), warc_offset=coalesce(?12,warc_offset)",
    /* The attempt only (304, failure): content, validators and WARC place stay. */
    [Q_PAGE_TOUCH] =
        "INSERT INTO page(url,status,last_fetch,next_due,last_run) VALUES(?1,?2,?3,?4,?5)"
        " ON CONFLICT(url) DO UPDATE SET status=?2, last_fetch=?3, next_due=?4, last_run=?5,"
        " etag=coalesce(?6,etag), last_modified=coalesce(?7,last_modified)",
    [Q_OWN] = "INSERT OR REPLACE INTO content(hash,url) VALUES(?1,?2)",
    [Q_DISOWN] = "DELETE FROM content WHERE url=?1 AND hash IS NOT ?2",
    [Q_PENDING_EACH] = "SELECT url, pending, warc_file, warc_offset FROM page WHERE pending!=0",
    [Q_PENDING_CLEAR] = "UPDATE page SET pending=0 WHERE pending!=0",
    [Q_COUNTS] = "SELECT count(*), coalesce(sum(gone),0), coalesce(sum(pending!=0),0) FROM page",
    /* UNION ALL + NOT EXISTS on the key: half the time of a UNION's sort */
    [Q_KNOWN_EACH] = "SELECT url FROM page WHERE gone=0 UNION ALL SELECT f.url FROM frontier f"
                     " WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.url=f.url AND p.gone=0)",
    [Q_KNOWS] = "SELECT EXISTS(SELECT 1 FROM page WHERE url=?1)"
                " OR EXISTS(SELECT 1 FROM frontier WHERE url=?1)",
};

struct crawl_state {
  sqlite3 *db;
  sqlite3_stmt *q[Q_COUNT];
  int64_t run;
  char errmsg[512];
};

static int fail(crawl_state *st, const char *what) {
  snprintf(st->errmsg, sizeof st->errmsg, "crawl state: %s: %s", what, sqlite3_errmsg(st->db));
  return -1;
}

const char *state_errmsg(const crawl_state *st) { return st->errmsg; }

/* The statement q, reset and unbound, ready for binding. */
static sqlite3_stmt *stmt(crawl_state *st, int q) {
  sqlite3_reset(st->q[q]);
  sqlite3_clear_bindings(st->q[q]);
  return st->q[q];
}

static void bind_text(sqlite3_stmt *s, int i, const char *v) {
  if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(s, i);
}

/* Runs a statement that returns no rows. */
static int run_done(crawl_state *st, sqlite3_stmt *s, const char *what) {
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc == SQLITE_DONE ? 0 : fail(st, what);
}

static char *column_dup(sqlite3_stmt *s, int i, int *nomem) {
  const unsigned char *t = sqlite3_column_text(s, i);
  if (!t) return NULL;
  char *d = strdup((const char *)t);
  if (!d) *nomem = 1;
  return d;
}

void state_close(crawl_state *st) {
  if (!st) return;
  for (int i = 0; i < Q_COUNT; i++) sqlite3_finalize(st->q[i]);
  sqlite3_close(st->db);
  free(st);
}

int state_open(const char *path, crawl_state **out, char **errmsg) {
  *out = NULL;
  if (errmsg) *errmsg = NULL;
  crawl_state *st = calloc(1, sizeof *st);
  if (!st) {
    if (errmsg) *errmsg = strdup("out of memory");
    return -1;
  }
  int rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(st->db, 5000);
    rc = sqlite3_exec(st->db, schema_sql, NULL, NULL, NULL);
  }
  for (int i = 0; rc == SQLITE_OK && i < Q_COUNT; i++)
    rc = sqlite3_prepare_v3(st->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL);
  if (rc != SQLITE_OK) {
    if (errmsg) {
      char buf[600];
      snprintf(buf, sizeof buf, "cannot open the crawl state %s: %s", path,
               st->db ? sqlite3_errmsg(st->db) : "out of memory");
      *errmsg = strdup(buf);
    }
    state_close(st);
    return -1;
  }
  *out = st;
  return 0;
}

static int exec(crawl_state *st, const char *sql) {
  return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(st, sql);
}

int state_begin(crawl_state *st) { return exec(st, "BEGIN IMMEDIATE"); }
int state_commit(crawl_state *st) { return exec(st, "COMMIT"); }
int state_rollback(crawl_state *st) { return exec(st, "ROLLBACK"); }

int state_meta_get(crawl_state *st, const char *key, char **out) {
  *out = NULL;
  sqlite3_stmt *s = stmt(st, Q_META_GET);
  bind_text(s, 1, key);
  int rc = sqlite3_step(s), nomem = 0;
  if (rc == SQLITE_ROW) *out = column_dup(s, 0, &nomem);
  sqlite3_reset(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(st, "reading meta");
  if (nomem) return fail(st, "out of memory");
  return *out != NULL;
}

int state_meta_set(crawl_state *st, const char *key, const char *value) {
  sqlite3_stmt *s = stmt(st, Q_META_SET);
  bind_text(s, 1, key);
  bind_text(s, 2, value);
  return run_done(st, s, "writing meta");
}

int64_t state_frontier_count(crawl_state *st) {
  sqlite3_stmt *s = stmt(st, Q_FRONTIER_COUNT);
  int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_reset(s);
  if (n < 0) fail(st, "counting the frontier");
  return n;
}

static int read_run(crawl_state *st, int64_t *run) {
  char *v = NULL;
  int got = state_meta_get(st, "run", &v);
  if (got < 0) return -1;
  *run = got ? strtoll(v, NULL, 10) : 0;
  free(v);
  return 0;
}

static int write_run(crawl_state *st, int64_t run) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)run);
  return state_meta_set(st, "run", buf);
}

int state_begin_run(crawl_state *st, int64_t now, int *resumed, int64_t *run) {
  if (state_begin(st) != 0) return -1;
  int64_t left = state_frontier_count(st);
  int rc = left < 0 ? -1 : read_run(st, &st->run);
  *resumed = left > 0;
  if (rc == 0 && !*resumed) {
    st->run++;
    rc = write_run(st, st->run);
    if (rc == 0) {
      sqlite3_stmt *s = stmt(st, Q_SEED);
      sqlite3_bind_int64(s, 1, now);
      rc = run_done(st, s, "seeding the frontier");
    }
  }
  if (rc == 0) rc = state_commit(st);
  else state_rollback(st);
  *run = st->run;
  return rc;
}

int state_frontier_add(crawl_state *st, const char *url) {
  sqlite3_stmt *s = stmt(st, Q_FRONTIER_ADD);
  bind_text(s, 1, url);
  sqlite3_bind_int64(s, 2, st->run);
  if (run_done(st, s, "adding to the frontier") != 0) return -1;
  return sqlite3_changes(st->db) > 0;
}

int state_frontier_each(crawl_state *st, int64_t after, size_t max, state_frontier_cb cb,
                        void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_FRONTIER_EACH);
  sqlite3_bind_int64(s, 1, after);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
  int n = 0, rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    n++;
    if (cb(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1)) != 0) break;
  }
  sqlite3_reset(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(st, "reading the frontier");
  return n;
}

int state_frontier_done(crawl_state *st, int64_t id) {
  sqlite3_stmt *s = stmt(st, Q_FRONTIER_DONE);
  sqlite3_bind_int64(s, 1, id);
  return run_done(st, s, "updating the frontier");
}

void state_page_clear(state_page *p) {
  if (!p) return;
  free(p->etag);
  free(p->last_modified);
  free(p->hash);
  free(p->warc_file);
  memset(p, 0, sizeof *p);
}

int state_page_get(crawl_state *st, const char *url, state_page *out) {
  memset(out, 0, sizeof *out);
  sqlite3_stmt *s = stmt(st, Q_PAGE_GET);
  bind_text(s, 1, url);
  int rc = sqlite3_step(s), nomem = 0;
  if (rc == SQLITE_ROW) {
    out->status = sqlite3_column_int(s, 0);
    out->etag = column_dup(s, 1, &nomem);
    out->last_modified = column_dup(s, 2, &nomem);
    out->hash = column_dup(s, 3, &nomem);
    out->gone = sqlite3_column_int(s, 4);
    out->last_run = sqlite3_column_int64(s, 5);
    out->warc_file = column_dup(s, 6, &nomem);
    out->warc_offset = sqlite3_column_int64(s, 7);
  }
  sqlite3_reset(s);
  if (nomem) {
    state_page_clear(out);
    return fail(st, "out of memory");
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(st, "reading a page");
  return rc == SQLITE_ROW;
}

/* The URL owning content hash, malloc'ed, or NULL (none, or error: *err). */
static char *content_owner(crawl_state *st, const char *hash, int *err) {
  sqlite3_stmt *s = stmt(st, Q_OWNER);
  bind_text(s, 1, hash);
  int rc = sqlite3_step(s), nomem = 0;
  char *owner = rc == SQLITE_ROW ? column_dup(s, 0, &nomem) : NULL;
  sqlite3_reset(s);
  *err = nomem || (rc != SQLITE_ROW && rc != SQLITE_DONE);
  return owner;
}

int state_classify(crawl_state *st, const char *url, const char *hash, state_verdict *out,
                   int *store) {
  int err;
  char *owner = content_owner(st, hash, &err);
  if (err) return fail(st, "reading content owners");
  int owned = owner && strcmp(owner, url) == 0, dup = owner && !owned;
  free(owner);
  state_page p;
  int known = state_page_get(st, url, &p);
  if (known < 0) return -1;
  int had = known && !p.gone && p.hash; /* content of its own, or a duplicate's */
  int same = had && strcmp(p.hash, hash) == 0;
  if (dup) *out = STATE_DUPLICATE;
  else if (same && owned) *out = STATE_UNCHANGED;
  /* Same hash but unowned: it was a duplicate whose owner moved on. */
  else *out = had ? STATE_CHANGED : STATE_NEW;
  *store = *out == STATE_NEW || *out == STATE_CHANGED || (dup && had && !same);
  state_page_clear(&p);
  return 0;
}

/* Gives hash to url (or, with hash NULL, takes every hash from url). */
static int set_owner(crawl_state *st, const char *url, const char *hash) {
  sqlite3_stmt *s = stmt(st, Q_DISOWN);
  bind_text(s, 1, url);
  bind_text(s, 2, hash);
  if (run_done(st, s, "updating content owners") != 0 || !hash) return hash ? -1 : 0;
  s = stmt(st, Q_OWN);
  bind_text(s, 1, hash);
  bind_text(s, 2, url);
  return run_done(st, s, "updating content owners");
}

static int touch_page(crawl_state *st, const state_fetch *f) {
  sqlite3_stmt *s = stmt(st, Q_PAGE_TOUCH);
  bind_text(s, 1, f->url);
  sqlite3_bind_int64(s, 2, f->status);
  sqlite3_bind_int64(s, 3, f->fetched_at);
  sqlite3_bind_int64(s, 4, f->fetched_at + f->revisit_after);
  sqlite3_bind_int64(s, 5, st->run);
  bind_text(s, 6, f->etag);
  bind_text(s, 7, f->last_modified);
  return run_done(st, s, "recording a fetch");
}

static int upsert_page(crawl_state *st, const state_fetch *f, int gone, int pending) {
  sqlite3_stmt *s = stmt(st, Q_PAGE_UPSERT);
  bind_text(s, 1, f->url);
  sqlite3_bind_int64(s, 2, f->status);
  bind_text(s, 3, f->etag);
  bind_text(s, 4, f->last_modified);
  bind_text(s, 5, f->hash);
  sqlite3_bind_int64(s, 6, f->fetched_at);
  sqlite3_bind_int64(s, 7, f->fetched_at + f->revisit_after);
  sqlite3_bind_int(s, 8, gone);
  sqlite3_bind_int64(s, 9, st->run);
  sqlite3_bind_int(s, 10, pending);
  bind_text(s, 11, f->warc_file);
  if (f->warc_file) sqlite3_bind_int64(s, 12, f->warc_offset);
  return run_done(st, s, "recording a page");
}

int state_record(crawl_state *st, const state_fetch *f, state_verdict v) {
  switch (v) {
  case STATE_NEW:
  case STATE_CHANGED:
    if (set_owner(st, f->url, f->hash) != 0) return -1;
    return upsert_page(st, f, 0, 1);
  case STATE_UNCHANGED: return upsert_page(st, f, 0, 0);
  case STATE_DUPLICATE:
    /* The page may have owned (and been indexed with) other content. */
    if (set_owner(st, f->url, NULL) != 0) return -1;
    return upsert_page(st, f, 0, 2);
  case STATE_GONE:
  case STATE_MISSING:
    if (set_owner(st, f->url, NULL) != 0) return -1;
    return upsert_page(st, f, 1, v == STATE_GONE ? 2 : 0);
  case STATE_NOT_MODIFIED:
  case STATE_FAILED:
  case STATE_SKIPPED: return touch_page(st, f);
  }
  return -1;
}

int state_pending_each(crawl_state *st, state_pending_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_PENDING_EACH);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (cb(ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int(s, 1),
           (const char *)sqlite3_column_text(s, 2), sqlite3_column_int64(s, 3)) != 0)
      break;
  }
  sqlite3_reset(s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(st, "reading pending pages");
}

int state_known_each(crawl_state *st, state_url_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_KNOWN_EACH);
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW)
    if (cb(ctx, (const char *)sqlite3_column_text(s, 0)) != 0) break;
  sqlite3_reset(s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(st, "reading the known pages");
}

int state_knows(crawl_state *st, const char *url) {
  sqlite3_stmt *s = stmt(st, Q_KNOWS);
  bind_text(s, 1, url);
  int rc = sqlite3_step(s), known = rc == SQLITE_ROW && sqlite3_column_int(s, 0);
  sqlite3_reset(s);
  return rc == SQLITE_ROW ? known : fail(st, "looking up a page");
}

int state_pending_clear(crawl_state *st) {
  return run_done(st, stmt(st, Q_PENDING_CLEAR), "clearing pending pages");
}

int state_counts(crawl_state *st, int64_t *pages, int64_t *gone, int64_t *pending) {
  sqlite3_stmt *s = stmt(st, Q_COUNTS);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *pages = sqlite3_column_int64(s, 0);
    *gone = sqlite3_column_int64(s, 1);
    *pending = sqlite3_column_int64(s, 2);
  }
  sqlite3_reset(s);
  return rc == SQLITE_ROW ? 0 : fail(st, "counting pages");
}

const char *state_verdict_name(state_verdict v) {
  static const char *const names[] = {"new",       "changed", "unchanged", "not modified",
                                      "duplicate", "gone",    "missing",   "failed",
                                      "skipped"};
  return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}
