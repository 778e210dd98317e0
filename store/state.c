/* state: the crawl's memory in SQLite. One prepared statement per query,
 * prepared once at open; every change runs inside the caller's
 * transaction or, when there is none, on its own. */
#include "store/state.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The layout of STATE_VERSION, for a new file. */
static const char create_sql[] =
    "CREATE TABLE page("
    " url TEXT PRIMARY KEY, status INTEGER, etag TEXT, last_modified TEXT, hash TEXT,"
    " last_fetch INTEGER, next_due INTEGER DEFAULT 0, gone INTEGER DEFAULT 0,"
    " last_run INTEGER DEFAULT 0, pending INTEGER DEFAULT 0, warc_file TEXT,"
    " warc_offset INTEGER, kind INTEGER DEFAULT 0, depth INTEGER DEFAULT -1,"
    " interval INTEGER DEFAULT 0, fails INTEGER DEFAULT 0, changed_at INTEGER DEFAULT 0,"
    " first_seen INTEGER DEFAULT 0, site TEXT, rhash TEXT);"
    "CREATE TABLE content(hash TEXT PRIMARY KEY, url TEXT NOT NULL);"
    "CREATE TABLE frontier(id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT UNIQUE,"
    " prio INTEGER DEFAULT 1, rank INTEGER DEFAULT 0, taken INTEGER DEFAULT 0);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);";

/* Tables of version 4 (IF NOT EXISTS: run on each migration too). */
static const char tables_sql[] =
    "CREATE TABLE IF NOT EXISTS link(page TEXT NOT NULL, file TEXT NOT NULL, label TEXT,"
    " ord INTEGER, PRIMARY KEY(page, file));"
    "CREATE TABLE IF NOT EXISTS filetext(url TEXT PRIMARY KEY, warc_file TEXT,"
    " warc_offset INTEGER, ok INTEGER);";

/* What STATE_VERSION added to the layout tracuu 0.1 wrote (user_version 0). */
static const struct {
  const char *table, *column, *decl;
} added_columns[] = {
    {"page", "kind", "INTEGER DEFAULT 0"},       {"page", "depth", "INTEGER DEFAULT -1"},
    {"page", "interval", "INTEGER DEFAULT 0"},   {"page", "fails", "INTEGER DEFAULT 0"},
    {"page", "changed_at", "INTEGER DEFAULT 0"}, {"page", "first_seen", "INTEGER DEFAULT 0"},
    {"page", "site", "TEXT"},                    {"page", "rhash", "TEXT"},
    {"frontier", "prio", "INTEGER DEFAULT 1"},   {"frontier", "rank", "INTEGER DEFAULT 0"},
    {"frontier", "taken", "INTEGER DEFAULT 0"}};

/* Indexes of every version (IF NOT EXISTS: run on each migration). */
static const char index_sql[] =
    "CREATE INDEX IF NOT EXISTS page_pending ON page(pending) WHERE pending != 0;"
    "CREATE INDEX IF NOT EXISTS content_url ON content(url);"
    "CREATE INDEX IF NOT EXISTS page_due ON page(next_due) WHERE gone=0;"
    "CREATE INDEX IF NOT EXISTS page_listing ON page(depth) WHERE kind=2 AND gone=0;"
    "DROP INDEX IF EXISTS page_site;" /* (site, next_due) until kind was in it */
    "CREATE INDEX IF NOT EXISTS page_site_due ON page(site, next_due, kind) WHERE gone=0;"
    "CREATE INDEX IF NOT EXISTS frontier_order ON frontier(taken, prio, rank, id);"
    "CREATE INDEX IF NOT EXISTS link_file ON link(file);";

/* The listings a run asks first: hot (shallow) ones, and those that
 * revealed new URLs last time (interval 0). ?H is the hot depth. */
#define FIRST_LISTINGS(H) "kind=2 AND ((depth>=0 AND depth<=" H ") OR interval=0)"

/* The statements, in the order of sql_text[]. */
enum {
  Q_META_GET, Q_META_SET, Q_FRONTIER_COUNT, Q_UNTAKE, Q_UNPROMOTE, Q_SEED, Q_DEPTH, Q_FRONTIER_ADD,
  Q_PROMOTE, Q_TAKE, Q_MARK_TAKEN, Q_FRONTIER_ORDERED, Q_FRONTIER_DONE, Q_REVISITS,
  Q_LISTINGS_DUE, Q_LASTMOD, Q_EXISTS, Q_SITE_COUNT, Q_SITE_DUE, Q_SHIFT, Q_PAGE_GET, Q_OWNER,
  Q_PAGE_UPSERT, Q_PAGE_TOUCH, Q_OWN, Q_DISOWN, Q_PENDING_EACH, Q_PENDING_CLEAR, Q_COUNTS,
  Q_KNOWN_EACH, Q_KNOWS, Q_DUE_LEFT, Q_FRONTIER_NEW, Q_SITE_GROUPS, Q_UNSITED, Q_LINKS_DROP,
  Q_LINK_ADD, Q_LINKS_OF, Q_LINKED_FROM, Q_TEXT_SET, Q_TEXT_GET, Q_HOLD, Q_SITE_FILES, Q_COUNT
};

static const char *const sql_text[Q_COUNT] = {
    [Q_META_GET] = "SELECT value FROM meta WHERE key=?1",
    [Q_META_SET] = "INSERT INTO meta(key,value) VALUES(?1,?2)"
                   " ON CONFLICT(key) DO UPDATE SET value=excluded.value",
    [Q_FRONTIER_COUNT] = "SELECT count(*) FROM frontier",
    [Q_UNTAKE] = "UPDATE frontier SET taken=0 WHERE taken!=0",
    /* known pages a past run put first and had no budget for: due or not,
       this run decides again */
    [Q_UNPROMOTE] = "DELETE FROM frontier WHERE prio=0 AND EXISTS"
                    " (SELECT 1 FROM page p WHERE p.url=frontier.url)",
    [Q_SEED] = "INSERT OR IGNORE INTO frontier(url,prio,rank) SELECT url, 0, max(depth,0)"
               " FROM page WHERE gone=0 AND " FIRST_LISTINGS("?3") " AND next_due<=?1"
               " AND last_run!=?2 ORDER BY depth",
    [Q_DEPTH] = "UPDATE page SET depth=?2 WHERE url=?1 AND (depth<0 OR depth>?2)",
    [Q_FRONTIER_ADD] = "INSERT OR IGNORE INTO frontier(url,prio,rank) SELECT ?1, ?2, ?3"
                       " WHERE NOT EXISTS (SELECT 1 FROM page WHERE url=?1"
                       " AND (gone=0 OR next_due>?4 OR last_run=?5))",
    [Q_PROMOTE] = "INSERT OR IGNORE INTO frontier(url,prio,rank) SELECT url, ?2, max(depth,0)"
                  " FROM page WHERE url=?1 AND gone=0 AND last_run!=?3 AND (?4=0 OR kind=2)",
    [Q_TAKE] = "SELECT id, url, prio, rank FROM frontier WHERE taken=0 ORDER BY prio, rank, id"
               " LIMIT ?1",
    [Q_MARK_TAKEN] = "UPDATE frontier SET taken=1 WHERE id=?1",
    [Q_FRONTIER_ORDERED] = "SELECT id, url, prio, rank FROM frontier ORDER BY prio, rank, id"
                           " LIMIT ?1",
    [Q_FRONTIER_DONE] = "DELETE FROM frontier WHERE id=?1",
    [Q_REVISITS] = "SELECT rowid, url, next_due FROM page WHERE gone=0 AND next_due<=?1"
                   " AND (next_due, rowid) > (?2, ?3) AND last_run!=?4"
                   " AND NOT (" FIRST_LISTINGS("?5") ")"
                   " AND NOT EXISTS (SELECT 1 FROM frontier f WHERE f.url=page.url)"
                   " ORDER BY next_due, rowid LIMIT ?6",
    [Q_LISTINGS_DUE] = "SELECT url, next_due FROM page WHERE gone=0 AND " FIRST_LISTINGS("?2")
                       " AND next_due<=?1 ORDER BY depth LIMIT ?3",
    [Q_LASTMOD] = "UPDATE page SET next_due=?2 WHERE url=?1 AND gone=0 AND next_due>?2"
                  " AND (last_fetch IS NULL OR last_fetch<?2)",
    [Q_EXISTS] = "SELECT 1 FROM page WHERE url=?1",
    [Q_SITE_COUNT] = "SELECT count(*), coalesce(sum(kind=2),0),"
                     " min(CASE WHEN next_due>?2 THEN next_due END)"
                     " FROM page WHERE gone=0 AND site IS ?1",
    [Q_SITE_DUE] = "SELECT count(*) FROM page WHERE gone=0 AND site IS ?1 AND next_due<=?2",
    [Q_SHIFT] = "UPDATE page SET last_fetch=last_fetch+?1, next_due=next_due+?1,"
                " changed_at=CASE WHEN changed_at>0 THEN changed_at+?1 ELSE 0 END,"
                " first_seen=CASE WHEN first_seen>0 THEN first_seen+?1 ELSE 0 END",
    [Q_PAGE_GET] = "SELECT status, etag, last_modified, hash, gone, last_run, warc_file,"
                   " warc_offset, last_fetch, next_due, interval, changed_at, first_seen, kind,"
                   " depth, fails, rhash, site FROM page WHERE url=?1",
    [Q_OWNER] = "SELECT url FROM content WHERE hash=?1",
    /* A full update: validators, hash and WARC place of this answer. */
    [Q_PAGE_UPSERT] =
        "INSERT INTO page(url,status,etag,last_modified,hash,last_fetch,next_due,gone,last_run,"
        "pending,warc_file,warc_offset,kind,depth,interval,fails,changed_at,first_seen,site,rhash)"
        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?6,?18,?19)"
        " ON CONFLICT(url) DO UPDATE SET status=?2, etag=?3, last_modified=?4, hash=?5,"
        " last_fetch=?6, next_due=?7, gone=?8, last_run=?9,"
        " pending=CASE WHEN ?10=0 THEN pending ELSE ?10 END,"
        " warc_file=coalesce(?11,warc_file), warc_offset=coalesce(?12,warc_offset),"
        " kind=CASE WHEN ?13=0 THEN kind ELSE ?13 END,"
        " depth=CASE WHEN ?14<0 THEN depth WHEN depth<0 OR ?14<depth THEN ?14 ELSE depth END,"
        " interval=?15, fails=?16, changed_at=CASE WHEN ?17=0 THEN changed_at ELSE ?17 END,"
        " first_seen=CASE WHEN first_seen=0 OR (gone=1 AND ?8=0) THEN ?6 ELSE first_seen END,"
        " site=coalesce(?18,site), rhash=coalesce(?19,rhash)",
    /* The attempt only (304, failure): content, validators and WARC place stay. */
    [Q_PAGE_TOUCH] =
        "INSERT INTO page(url,status,last_fetch,next_due,last_run,kind,depth,interval,fails,"
        "changed_at,first_seen,site) VALUES(?1,?2,?3,?4,?5,?8,?9,?10,?11,?12,?3,?13)"
        " ON CONFLICT(url) DO UPDATE SET status=?2, last_fetch=?3, next_due=?4, last_run=?5,"
        " etag=coalesce(?6,etag), last_modified=coalesce(?7,last_modified),"
        " kind=CASE WHEN ?8=0 THEN kind ELSE ?8 END,"
        " depth=CASE WHEN ?9<0 THEN depth WHEN depth<0 OR ?9<depth THEN ?9 ELSE depth END,"
        " interval=?10, fails=?11, changed_at=CASE WHEN ?12=0 THEN changed_at ELSE ?12 END,"
        " site=coalesce(?13,site)",
    [Q_OWN] = "INSERT OR REPLACE INTO content(hash,url) VALUES(?1,?2)",
    [Q_DISOWN] = "DELETE FROM content WHERE url=?1 AND hash IS NOT ?2",
    [Q_PENDING_EACH] = "SELECT url, pending, warc_file, warc_offset FROM page WHERE pending!=0",
    /* pending 3: a file whose text is still being read stays pending */
    [Q_PENDING_CLEAR] = "UPDATE page SET pending=0 WHERE pending IN (1,2)",
    [Q_COUNTS] = "SELECT count(*), coalesce(sum(gone),0), coalesce(sum(pending!=0),0) FROM page",
    /* UNION ALL + NOT EXISTS on the key: half the time of a UNION's sort */
    [Q_KNOWN_EACH] = "SELECT url FROM page WHERE gone=0 UNION ALL SELECT f.url FROM frontier f"
                     " WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.url=f.url AND p.gone=0)",
    [Q_KNOWS] = "SELECT EXISTS(SELECT 1 FROM page WHERE url=?1)"
                " OR EXISTS(SELECT 1 FROM frontier WHERE url=?1)",
    [Q_FRONTIER_NEW] = "SELECT count(*) FROM frontier f WHERE NOT EXISTS"
                       " (SELECT 1 FROM page p WHERE p.url=f.url)",
    [Q_SITE_GROUPS] = "SELECT site, count(*) FROM page WHERE gone=0 AND site IS NOT NULL GROUP BY site",
    [Q_UNSITED] = "SELECT url FROM page WHERE gone=0 AND site IS NULL UNION ALL SELECT f.url FROM"
                  " frontier f WHERE NOT EXISTS (SELECT 1 FROM page p WHERE p.url=f.url AND p.gone=0)",
    [Q_DUE_LEFT] = "SELECT count(*) FROM page WHERE gone=0 AND next_due<=?1 AND last_run!=?2",
    [Q_LINKS_DROP] = "DELETE FROM link WHERE page=?1",
    [Q_LINK_ADD] = "INSERT OR IGNORE INTO link(page,file,label,ord) VALUES(?1,?2,?3,?4)",
    [Q_LINKS_OF] = "SELECT file, label FROM link WHERE page=?1 ORDER BY ord",
    /* documents (not listings, not gone) linking a file */
    [Q_LINKED_FROM] = "SELECT l.page FROM link l JOIN page p ON p.url=l.page"
                      " WHERE l.file=?1 AND p.gone=0 AND p.kind!=2 ORDER BY p.rowid",
    [Q_TEXT_SET] = "INSERT INTO filetext(url,warc_file,warc_offset,ok) VALUES(?1,?2,?3,?4)"
                   " ON CONFLICT(url) DO UPDATE SET warc_file=?2, warc_offset=?3, ok=?4",
    /* its own text, else that of the URL owning the same bytes */
    [Q_TEXT_GET] = "SELECT warc_file, warc_offset, ok FROM filetext WHERE url=?1 UNION ALL"
                   " SELECT t.warc_file, t.warc_offset, t.ok FROM page p JOIN content c"
                   " ON c.hash=p.hash JOIN filetext t ON t.url=c.url WHERE p.url=?1 LIMIT 1",
    [Q_HOLD] = "UPDATE page SET pending=?2 WHERE url=?1",
    [Q_SITE_FILES] = "SELECT site, count(*) FROM page WHERE gone=0 AND kind=3 GROUP BY site",
};

struct crawl_state {
  sqlite3 *db;
  sqlite3_stmt *q[Q_COUNT];
  int64_t run;
  char errmsg[512];
};

static int fail(crawl_state *st, const char *what) {
  /* Both parts bounded: a message is cut, never the build (-Wformat-truncation). */
  snprintf(st->errmsg, sizeof st->errmsg, "crawl state: %.160s: %.320s", what,
           sqlite3_errmsg(st->db));
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

/* Runs a statement that returns one integer. */
static int64_t run_int(crawl_state *st, sqlite3_stmt *s, const char *what) {
  int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_reset(s);
  if (n < 0) fail(st, what);
  return n;
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

/* --- versions --------------------------------------------------------- */

static int exec(crawl_state *st, const char *sql) {
  return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(st, sql);
}

static int user_version(crawl_state *st, int *v) {
  sqlite3_stmt *s;
  if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
    return fail(st, "reading its version");
  int rc = sqlite3_step(s);
  *v = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
  sqlite3_finalize(s);
  return rc == SQLITE_ROW ? 0 : fail(st, "reading its version");
}

/* 1 when table has column, 0 when not, -1 on error. */
static int has_column(crawl_state *st, const char *table, const char *column) {
  char sql[128];
  sqlite3_stmt *s;
  snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
  if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) return fail(st, sql);
  int found = 0, rc;
  while (!found && (rc = sqlite3_step(s)) == SQLITE_ROW)
    found = strcmp((const char *)sqlite3_column_text(s, 1), column) == 0;
  sqlite3_finalize(s);
  return found || rc == SQLITE_DONE ? found : fail(st, sql);
}

/* Brings an older file to STATE_VERSION, in one transaction: nothing is
 * half migrated. 0: new, or tracuu 0.1's (the schedule's columns are
 * added); 2: the first layout with a schedule (an index grew a column);
 * 3: before attachments (the link and filetext tables are added). */
static int migrate(crawl_state *st) {
  if (exec(st, "BEGIN IMMEDIATE") != 0) return -1;
  int rc = has_column(st, "page", "url"), old = rc == 1;
  if (rc == 0) rc = exec(st, create_sql);
  for (size_t i = 0; old && rc >= 0 && i < sizeof added_columns / sizeof added_columns[0]; i++) {
    rc = has_column(st, added_columns[i].table, added_columns[i].column);
    if (rc == 0) {
      char sql[160];
      snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN %s %s", added_columns[i].table,
               added_columns[i].column, added_columns[i].decl);
      rc = exec(st, sql);
    }
  }
  /* 0.1 kept no first sight: its last fetch is the best we know */
  if (old && rc >= 0) rc = exec(st, "UPDATE page SET first_seen=coalesce(last_fetch,0)");
  if (rc >= 0) rc = exec(st, tables_sql);
  if (rc >= 0) rc = exec(st, index_sql);
  if (rc >= 0) {
    char sql[48];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d", STATE_VERSION);
    rc = exec(st, sql);
  }
  if (rc >= 0) return exec(st, "COMMIT");
  exec(st, "ROLLBACK");
  return -1;
}

static int check_version(crawl_state *st) {
  int v;
  if (user_version(st, &v) != 0) return -1;
  if (v > STATE_VERSION) {
    snprintf(st->errmsg, sizeof st->errmsg,
             "it was written by a newer tracuu (state version %d; this one reads up to %d): "
             "use that version, or crawl into a new store", v, STATE_VERSION);
    return -1;
  }
  return v < STATE_VERSION ? migrate(st) : 0;
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
    /* WAL + NORMAL: a killed process loses nothing committed */
    rc = sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL, NULL,
                      NULL);
  }
  const char *why = NULL;
  if (rc == SQLITE_OK && check_version(st) != 0) {
    rc = SQLITE_ERROR;
    why = st->errmsg;
  }
  for (int i = 0; rc == SQLITE_OK && i < Q_COUNT; i++)
    rc = sqlite3_prepare_v3(st->db, sql_text[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL);
  if (rc != SQLITE_OK) {
    if (errmsg) {
      char buf[800];
      snprintf(buf, sizeof buf, "cannot open the crawl state %s: %s", path,
               why ? why : st->db ? sqlite3_errmsg(st->db) : "out of memory");
      *errmsg = strdup(buf);
    }
    state_close(st);
    return -1;
  }
  *out = st;
  return 0;
}

int state_page_location(const char *path, const char *url, char **warc_file,
                        int64_t *warc_offset, char *err, size_t errlen) {
  *warc_file = NULL;
  *warc_offset = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int found = -1, nomem = 0;
  /* These two columns are in every layout since 0.1. */
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT warc_file, warc_offset FROM page WHERE url=?1", -1, &s,
                         NULL) == SQLITE_OK &&
      sqlite3_bind_text(s, 1, url, -1, SQLITE_TRANSIENT) == SQLITE_OK) {
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_TEXT) {
      *warc_file = column_dup(s, 0, &nomem);
      *warc_offset = sqlite3_column_int64(s, 1);
      found = nomem ? -1 : 1;
    } else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
      found = 0;
    }
  }
  if (found < 0)
    snprintf(err, errlen, "cannot read the crawl state %.300s: %.300s", path,
             nomem ? "out of memory" : db ? sqlite3_errmsg(db) : "out of memory");
  sqlite3_finalize(s);
  sqlite3_close(db);
  return found;
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
  return run_int(st, stmt(st, Q_FRONTIER_COUNT), "counting the frontier");
}

/* A number kept in meta; *v = dflt when unset. */
static int meta_int(crawl_state *st, const char *key, int64_t dflt, int64_t *v) {
  char *s = NULL;
  int got = state_meta_get(st, key, &s);
  if (got < 0) return -1;
  *v = got ? strtoll(s, NULL, 10) : dflt;
  free(s);
  return 0;
}

static int meta_set_int(crawl_state *st, const char *key, int64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", (long long)v);
  return state_meta_set(st, key, buf);
}

int state_shift_times(crawl_state *st, int64_t delta) {
  sqlite3_stmt *s = stmt(st, Q_SHIFT);
  sqlite3_bind_int64(s, 1, delta);
  return run_done(st, s, "moving the schedule");
}

/* The clock of the latest run start: when now is earlier, everything
 * stored moves back with it. */
static int follow_clock(crawl_state *st, int64_t now, int64_t *back) {
  int64_t last;
  *back = 0;
  if (meta_int(st, "clock", 0, &last) != 0) return -1;
  if (last > now) {
    *back = last - now;
    if (state_shift_times(st, -*back) != 0) return -1;
  }
  return meta_set_int(st, "clock", now);
}

int state_begin_run(crawl_state *st, const state_run_opts *o, int *resumed, int64_t *run,
                    int64_t *clock_back) {
  int64_t open_run = 0;
  *clock_back = 0;
  if (state_begin(st) != 0) return -1;
  int rc = meta_int(st, "run", 0, &st->run);
  if (rc == 0) rc = meta_int(st, "run_open", 0, &open_run);
  *resumed = open_run != 0;
  if (rc == 0 && !*resumed) {
    st->run++;
    rc = meta_set_int(st, "run", st->run);
    if (rc == 0) rc = run_done(st, stmt(st, Q_UNPROMOTE), "resetting the frontier");
  }
  if (rc == 0) rc = meta_set_int(st, "run_open", 1);
  if (rc == 0) rc = follow_clock(st, o->now, clock_back);
  if (rc == 0) rc = run_done(st, stmt(st, Q_UNTAKE), "resetting the frontier");
  if (rc == 0) {
    sqlite3_stmt *s = stmt(st, Q_SEED);
    sqlite3_bind_int64(s, 1, o->due_by);
    sqlite3_bind_int64(s, 2, st->run);
    sqlite3_bind_int(s, 3, o->hot_depth);
    rc = run_done(st, s, "seeding the frontier");
  }
  if (rc == 0) rc = state_commit(st);
  else state_rollback(st);
  *run = st->run;
  return rc;
}

int state_end_run(crawl_state *st) { return meta_set_int(st, "run_open", 0); }

int state_frontier_add(crawl_state *st, const char *url, int prio, int depth, int64_t due_by,
                       int *known) {
  sqlite3_stmt *s = stmt(st, Q_DEPTH);
  bind_text(s, 1, url);
  sqlite3_bind_int(s, 2, depth);
  if (run_done(st, s, "updating a depth") != 0) return -1;
  s = stmt(st, Q_FRONTIER_ADD);
  bind_text(s, 1, url);
  sqlite3_bind_int(s, 2, prio);
  sqlite3_bind_int(s, 3, depth);
  sqlite3_bind_int64(s, 4, due_by);
  sqlite3_bind_int64(s, 5, st->run);
  if (run_done(st, s, "adding to the frontier") != 0) return -1;
  int added = sqlite3_changes(st->db) > 0;
  if (known) {
    if (added) *known = 0;
    else {
      s = stmt(st, Q_EXISTS);
      bind_text(s, 1, url);
      int rc = sqlite3_step(s);
      *known = rc == SQLITE_ROW;
      sqlite3_reset(s);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(st, "looking up a page");
    }
  }
  return added;
}

int state_frontier_promote(crawl_state *st, const char *url, int prio, int listing_only) {
  sqlite3_stmt *s = stmt(st, Q_PROMOTE);
  bind_text(s, 1, url);
  sqlite3_bind_int(s, 2, prio);
  sqlite3_bind_int64(s, 3, st->run);
  sqlite3_bind_int(s, 4, listing_only);
  if (run_done(st, s, "adding to the frontier") != 0) return -1;
  return sqlite3_changes(st->db) > 0;
}

typedef struct {
  int64_t id;
  char *url;
  int prio, rank;
} taken_row;

int state_frontier_take(crawl_state *st, size_t max, state_row_cb cb, void *ctx) {
  if (max == 0) return 0;
  taken_row *rows = calloc(max, sizeof *rows);
  if (!rows) return fail(st, "out of memory");
  sqlite3_stmt *s = stmt(st, Q_TAKE);
  sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
  size_t n = 0;
  int rc, nomem = 0;
  while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    rows[n].id = sqlite3_column_int64(s, 0);
    rows[n].url = column_dup(s, 1, &nomem);
    rows[n].prio = sqlite3_column_int(s, 2);
    rows[n].rank = sqlite3_column_int(s, 3);
    n++;
  }
  sqlite3_reset(s);
  int out = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(st, "reading the frontier");
  if (nomem && out == 0) out = fail(st, "out of memory");
  size_t i = 0;
  for (; out == 0 && i < n; i++) { /* marked before cb: cb may add rows */
    s = stmt(st, Q_MARK_TAKEN);
    sqlite3_bind_int64(s, 1, rows[i].id);
    out = run_done(st, s, "taking from the frontier");
  }
  int stopped = 0;
  for (i = 0; i < n; i++) {
    if (out == 0 && !stopped)
      stopped = cb(ctx, rows[i].id, rows[i].url ? rows[i].url : "", rows[i].prio, rows[i].rank) != 0;
    free(rows[i].url);
  }
  free(rows);
  return out == 0 ? (int)n : -1;
}

int state_frontier_each(crawl_state *st, size_t max, state_row_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_FRONTIER_ORDERED);
  sqlite3_bind_int64(s, 1, (sqlite3_int64)max);
  int n = 0, rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    n++;
    if (cb(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
           sqlite3_column_int(s, 2), sqlite3_column_int(s, 3)) != 0)
      break;
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

/* Calls cb(url, column 2) for each row of s; stops when cb says so. */
static int each_due(crawl_state *st, sqlite3_stmt *s, int url_col, state_due_cb cb, void *ctx,
                    state_cursor *cursor) {
  int n = 0, rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    n++;
    int64_t due = sqlite3_column_int64(s, url_col + 1);
    if (cursor) {
      cursor->rowid = sqlite3_column_int64(s, 0);
      cursor->due = due;
    }
    if (cb(ctx, (const char *)sqlite3_column_text(s, url_col), due) != 0) break;
  }
  sqlite3_reset(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail(st, "reading the due pages");
  return n;
}

int state_revisits(crawl_state *st, int64_t due_by, int hot_depth, state_cursor *cursor,
                   size_t max, state_due_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_REVISITS);
  sqlite3_bind_int64(s, 1, due_by);
  sqlite3_bind_int64(s, 2, cursor->due);
  sqlite3_bind_int64(s, 3, cursor->rowid);
  sqlite3_bind_int64(s, 4, st->run);
  sqlite3_bind_int(s, 5, hot_depth);
  sqlite3_bind_int64(s, 6, (sqlite3_int64)max);
  /* a first call starts before every page */
  if (cursor->due == 0 && cursor->rowid == 0) sqlite3_bind_int64(s, 2, INT64_MIN);
  return each_due(st, s, 1, cb, ctx, cursor);
}

int state_listings_due(crawl_state *st, int64_t due_by, int hot_depth, size_t max,
                       state_due_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_LISTINGS_DUE);
  sqlite3_bind_int64(s, 1, due_by);
  sqlite3_bind_int(s, 2, hot_depth);
  sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
  return each_due(st, s, 0, cb, ctx, NULL);
}

int state_sitemap_lastmod(crawl_state *st, const char *url, int64_t lastmod) {
  sqlite3_stmt *s = stmt(st, Q_LASTMOD);
  bind_text(s, 1, url);
  sqlite3_bind_int64(s, 2, lastmod);
  if (run_done(st, s, "reading a sitemap date") != 0) return -1;
  if (sqlite3_changes(st->db) > 0) return 1;
  s = stmt(st, Q_EXISTS);
  bind_text(s, 1, url);
  int rc = sqlite3_step(s), known = rc == SQLITE_ROW;
  sqlite3_reset(s);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? known : fail(st, "looking up a page");
}

int state_site_due(crawl_state *st, const char *site, const int64_t *by, size_t n,
                   int64_t *pages, int64_t *listings, int64_t *due, int64_t *next) {
  sqlite3_stmt *s = stmt(st, Q_SITE_COUNT);
  bind_text(s, 1, site);
  sqlite3_bind_int64(s, 2, n ? by[0] : 0);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    *pages = sqlite3_column_int64(s, 0);
    *listings = sqlite3_column_int64(s, 1);
    *next = sqlite3_column_int64(s, 2); /* NULL reads as 0 */
  }
  sqlite3_reset(s);
  if (rc != SQLITE_ROW) return fail(st, "counting a site's pages");
  for (size_t i = 0; i < n; i++) {
    s = stmt(st, Q_SITE_DUE);
    bind_text(s, 1, site);
    sqlite3_bind_int64(s, 2, by[i]);
    if ((due[i] = run_int(st, s, "counting a site's due pages")) < 0) return -1;
  }
  return 0;
}

int64_t state_frontier_new_count(crawl_state *st) {
  return run_int(st, stmt(st, Q_FRONTIER_NEW), "counting the frontier");
}

int64_t state_due_left(crawl_state *st, int64_t due_by) {
  sqlite3_stmt *s = stmt(st, Q_DUE_LEFT);
  sqlite3_bind_int64(s, 1, due_by);
  sqlite3_bind_int64(s, 2, st->run);
  return run_int(st, s, "counting the due pages");
}

void state_page_clear(state_page *p) {
  if (!p) return;
  free(p->etag);
  free(p->last_modified);
  free(p->hash);
  free(p->warc_file);
  free(p->rhash);
  free(p->site);
  memset(p, 0, sizeof *p);
}

int state_page_get(crawl_state *st, const char *url, state_page *out) {
  memset(out, 0, sizeof *out);
  out->depth = -1;
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
    out->last_fetch = sqlite3_column_int64(s, 8);
    out->next_due = sqlite3_column_int64(s, 9);
    out->interval = sqlite3_column_int64(s, 10);
    out->changed_at = sqlite3_column_int64(s, 11);
    out->first_seen = sqlite3_column_int64(s, 12);
    out->kind = sqlite3_column_int(s, 13);
    out->depth = sqlite3_column_int(s, 14);
    out->fails = sqlite3_column_int(s, 15);
    out->rhash = column_dup(s, 16, &nomem);
    out->site = column_dup(s, 17, &nomem);
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
  sqlite3_bind_int64(s, 4, f->next_due);
  sqlite3_bind_int64(s, 5, st->run);
  bind_text(s, 6, f->etag);
  bind_text(s, 7, f->last_modified);
  sqlite3_bind_int(s, 8, f->kind);
  sqlite3_bind_int(s, 9, f->depth);
  sqlite3_bind_int64(s, 10, f->interval);
  sqlite3_bind_int(s, 11, f->fails);
  sqlite3_bind_int64(s, 12, f->changed_at);
  bind_text(s, 13, f->site);
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
  sqlite3_bind_int64(s, 7, f->next_due);
  sqlite3_bind_int(s, 8, gone);
  sqlite3_bind_int64(s, 9, st->run);
  sqlite3_bind_int(s, 10, pending);
  bind_text(s, 11, f->warc_file);
  if (f->warc_file) sqlite3_bind_int64(s, 12, f->warc_offset);
  sqlite3_bind_int(s, 13, f->kind);
  sqlite3_bind_int(s, 14, f->depth);
  sqlite3_bind_int64(s, 15, f->interval);
  sqlite3_bind_int(s, 16, f->fails);
  sqlite3_bind_int64(s, 17, f->changed_at);
  bind_text(s, 18, f->site);
  bind_text(s, 19, f->rhash);
  return run_done(st, s, "recording a page");
}

int state_record(crawl_state *st, const state_fetch *f, state_verdict v) {
  switch (v) {
  case STATE_NEW:
  case STATE_CHANGED:
    if (set_owner(st, f->url, f->hash) != 0) return -1;
    return upsert_page(st, f, 0, 1);
  case STATE_SAME_TEXT:
    if (set_owner(st, f->url, f->hash) != 0) return -1;
    return upsert_page(st, f, 0, 0);
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

int state_site_counts(crawl_state *st, state_site_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_SITE_GROUPS);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
    stop = cb(ctx, (const char *)sqlite3_column_text(s, 0), NULL, sqlite3_column_int64(s, 1)) != 0;
  sqlite3_reset(s);
  if (!stop && rc != SQLITE_DONE) return fail(st, "counting the sites' pages");
  s = stmt(st, Q_UNSITED);
  while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
    stop = cb(ctx, NULL, (const char *)sqlite3_column_text(s, 0), 1) != 0;
  sqlite3_reset(s);
  return stop || rc == SQLITE_DONE ? 0 : fail(st, "counting the sites' pages");
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
  static const char *const names[] = {"new",       "changed", "unchanged", "same text",
                                      "not modified", "duplicate", "gone", "missing",
                                      "failed",    "skipped"};
  return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

/* --- attachments --------------------------------------------------------- */

int state_links_set(crawl_state *st, const char *page, const state_link *links, size_t n) {
  sqlite3_stmt *s = stmt(st, Q_LINKS_DROP);
  bind_text(s, 1, page);
  if (run_done(st, s, "dropping a page's links") != 0) return -1;
  for (size_t i = 0; i < n; i++) {
    s = stmt(st, Q_LINK_ADD);
    bind_text(s, 1, page);
    bind_text(s, 2, links[i].file);
    bind_text(s, 3, links[i].label);
    sqlite3_bind_int64(s, 4, (int64_t)i);
    if (run_done(st, s, "recording a page's link") != 0) return -1;
  }
  return 0;
}

int state_links_of(crawl_state *st, const char *page, state_link_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_LINKS_OF);
  bind_text(s, 1, page);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    state_link l = {(const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1)};
    stop = cb(ctx, &l) != 0;
  }
  sqlite3_reset(s);
  return stop || rc == SQLITE_DONE ? 0 : fail(st, "reading a page's links");
}

int state_linked_from(crawl_state *st, const char *file, state_url_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_LINKED_FROM);
  bind_text(s, 1, file);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
    stop = cb(ctx, (const char *)sqlite3_column_text(s, 0)) != 0;
  sqlite3_reset(s);
  return stop || rc == SQLITE_DONE ? 0 : fail(st, "reading the pages linking a file");
}

int state_file_text_set(crawl_state *st, const char *url, const char *warc_file,
                        int64_t warc_offset, int ok) {
  sqlite3_stmt *s = stmt(st, Q_TEXT_SET);
  bind_text(s, 1, url);
  bind_text(s, 2, warc_file);
  sqlite3_bind_int64(s, 3, warc_offset);
  sqlite3_bind_int(s, 4, ok);
  return run_done(st, s, "recording a file's text");
}

int state_file_text_get(crawl_state *st, const char *url, char **warc_file, int64_t *warc_offset,
                        int *ok) {
  *warc_file = NULL;
  sqlite3_stmt *s = stmt(st, Q_TEXT_GET);
  bind_text(s, 1, url);
  int rc = sqlite3_step(s), nomem = 0, found = 0;
  if (rc == SQLITE_ROW) {
    *warc_file = column_dup(s, 0, &nomem);
    *warc_offset = sqlite3_column_int64(s, 1);
    *ok = sqlite3_column_int(s, 2);
    found = *warc_file != NULL;
  }
  sqlite3_reset(s);
  if (nomem) {
    snprintf(st->errmsg, sizeof st->errmsg, "crawl state: out of memory");
    return -1;
  }
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? found : fail(st, "reading a file's text");
}

int state_pending_hold(crawl_state *st, const char *url, int hold) {
  sqlite3_stmt *s = stmt(st, Q_HOLD);
  bind_text(s, 1, url);
  sqlite3_bind_int(s, 2, hold ? 3 : 1);
  return run_done(st, s, "marking a file's text pending");
}

int state_site_files(crawl_state *st, state_site_cb cb, void *ctx) {
  sqlite3_stmt *s = stmt(st, Q_SITE_FILES);
  int rc, stop = 0;
  while (!stop && (rc = sqlite3_step(s)) == SQLITE_ROW)
    stop = cb(ctx, (const char *)sqlite3_column_text(s, 0), NULL, sqlite3_column_int64(s, 1)) != 0;
  sqlite3_reset(s);
  return stop || rc == SQLITE_DONE ? 0 : fail(st, "counting the sites' files");
}
