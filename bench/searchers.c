/* searchers: tracuu and its two anchors behind one interface (searchers.h).
 *
 * The file reads: files (stamps, removal), building the three indexes,
 * opening them, running a query on each.
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include "bench/searchers.h"

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/dynbuf.h"
#include "engine/engine.h"
#include "indexer/indexer.h"
#include "model/schema.h"

/* Room for one record's text or one FTS5 query; the shared data holds no
 * record near this (CORPUS_MAX_FILE bounds a whole file). */
#define SEARCHER_MAX_TEXT CORPUS_MAX_FILE
/* The plain Xapian index commits this often (as tracuu's indexer does). */
#define SEARCHER_BATCH 1000

const char *searcher_name(searcher_kind kind) {
  switch (kind) {
    case SEARCHER_TRACUU: return "tracuu";
    case SEARCHER_XAPIAN: return "plain Xapian BM25";
    case SEARCHER_FTS5: return "SQLite FTS5";
  }
  return "?";
}

void searcher_opts_init(searcher_opts *o) {
  *o = (searcher_opts){.sort = QUERY_SORT_RELEVANCE};
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

int searcher_remove(const char *path) {
  if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0) return 0;
  return errno == ENOENT ? 0 : -1;
}

int searcher_workdir(const char *reuse, const char *prefix, char *dir, size_t cap, char *err,
                     size_t errlen) {
  const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  int n = reuse ? snprintf(dir, cap, "%s", reuse) : snprintf(dir, cap, "%s/%s-XXXXXX", tmp, prefix);
  if (n < 0 || (size_t)n >= cap) return fail(err, errlen, "directory name too long");
  if (reuse ? mkdir(dir, 0777) != 0 && errno != EEXIST : !mkdtemp(dir))
    return fail(err, errlen, "cannot make %s: %s", dir, strerror(errno));
  return 0;
}

/* What the stamp of an index of docs says: enough to notice other data (and,
 * for tracuu, another schema version). */
static void fingerprint(searcher_kind kind, const corpus_docs *docs, char *out, size_t cap) {
  uint64_t bytes = 0;
  for (size_t i = 0; i < docs->count; i++) {
    const record *r = &docs->docs[i].rec;
    bytes += strlen(r->id) + (r->title ? strlen(r->title) : 0) + (r->body ? strlen(r->body) : 0);
  }
  snprintf(out, cap, "%zu documents, %" PRIu64 " bytes of id, title and body%s\n", docs->count,
           bytes, kind == SEARCHER_TRACUU ? ", schema " TRACUU_SCHEMA_VERSION : "");
}

static int stamp_path(const char *path, char *out, size_t cap) {
  int n = snprintf(out, cap, "%s.done", path);
  return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* 1 when the stamp next to path holds exactly want. */
static int stamp_matches(const char *stamp, const char *want) {
  char have[256] = "";
  FILE *f = fopen(stamp, "r");
  if (!f) return 0;
  size_t n = fread(have, 1, sizeof have - 1, f);
  fclose(f);
  have[n] = '\0';
  return strcmp(have, want) == 0;
}

static int stamp_write(const char *stamp, const char *text) {
  FILE *f = fopen(stamp, "w");
  if (!f) return -1;
  int ok = fputs(text, f) >= 0;
  return fclose(f) == 0 && ok ? 0 : -1;
}

/* The whole text of a record as the anchors index it: title, blank line, body. */
static int anchor_text(const record *r, dynbuf *b) {
  dynbuf_reset(b);
  if (r->title && *r->title) {
    dynbuf_append_str(b, r->title);
    dynbuf_append_str(b, "\n\n");
  }
  if (r->body) dynbuf_append_str(b, r->body);
  return dynbuf_status(b) == DYNBUF_OK ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Building                                                             */
/* ------------------------------------------------------------------ */

static int build_tracuu(const char *path, const corpus_docs *docs, char *err, size_t errlen) {
  char *msg = NULL;
  indexer *ix;
  engine_status st = indexer_open(path, &ix, &msg);
  if (st != ENGINE_OK) {
    fail(err, errlen, "%s", msg ? msg : engine_strerror(st));
    free(msg);
    return -1;
  }
  size_t i;
  for (i = 0; st == ENGINE_OK && i < docs->count; i++) st = indexer_add(ix, &docs->docs[i].rec);
  if (st != ENGINE_OK)
    fail(err, errlen, "record %s: %s", docs->docs[i - 1].rec.id, indexer_errmsg(ix));
  engine_status cst = indexer_close(ix);
  if (st == ENGINE_OK && cst != ENGINE_OK)
    return fail(err, errlen, "closing the index: %s", engine_strerror(cst));
  return st == ENGINE_OK ? 0 : -1;
}

/* One document of the plain index: the text, the position in docs as data,
 * "Q" + position as its unique term. */
static engine_status xapian_put(engine_writer *w, const record *r, size_t pos) {
  engine_doc *doc = engine_doc_new();
  if (!doc) return ENGINE_NOMEM;
  char data[32], uid[34];
  int n = snprintf(data, sizeof data, "%zu", pos);
  snprintf(uid, sizeof uid, "Q%s", data);
  const char *title = r->title ? r->title : "", *body = r->body ? r->body : "";
  engine_status st = engine_doc_index_text_plain(doc, title, strlen(title));
  if (st == ENGINE_OK) st = engine_doc_index_text_plain(doc, body, strlen(body));
  if (st == ENGINE_OK) st = engine_doc_set_data(doc, data, (size_t)n);
  if (st == ENGINE_OK) st = engine_writer_replace(w, uid, strlen(uid), doc);
  engine_doc_free(doc);
  return st;
}

static int build_xapian(const char *path, const corpus_docs *docs, char *err, size_t errlen) {
  char *msg = NULL;
  engine_writer *w;
  engine_status st = engine_writer_open(path, ENGINE_CREATE, &w, &msg);
  if (st != ENGINE_OK) {
    fail(err, errlen, "%s", msg ? msg : engine_strerror(st));
    free(msg);
    return -1;
  }
  for (size_t i = 0; st == ENGINE_OK && i < docs->count; i++) {
    st = xapian_put(w, &docs->docs[i].rec, i);
    if (st == ENGINE_OK && (i + 1) % SEARCHER_BATCH == 0) st = engine_writer_commit(w);
    if (st != ENGINE_OK)
      fail(err, errlen, "record %s: %s", docs->docs[i].rec.id,
           *engine_writer_errmsg(w) ? engine_writer_errmsg(w) : engine_strerror(st));
  }
  engine_status cst = engine_writer_close(w);
  if (st == ENGINE_OK && cst != ENGINE_OK)
    return fail(err, errlen, "closing the index: %s", engine_strerror(cst));
  return st == ENGINE_OK ? 0 : -1;
}

static int sql_check(sqlite3 *db, int rc, const char *what, char *err, size_t errlen) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return 0;
  return fail(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static int fts5_rows(sqlite3 *db, const corpus_docs *docs, char *err, size_t errlen) {
  sqlite3_stmt *ins = NULL;
  int rc = sql_check(db,
                     sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE t USING fts5(body, "
                                  "tokenize='unicode61 remove_diacritics 2');"
                                  "BEGIN",
                                  NULL, NULL, NULL),
                     "create", err, errlen);
  if (rc == 0)
    rc = sql_check(db, sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?, ?)", -1, &ins,
                                          NULL),
                   "prepare", err, errlen);
  dynbuf text;
  dynbuf_init(&text, SEARCHER_MAX_TEXT);
  for (size_t i = 0; rc == 0 && i < docs->count; i++) {
    if (anchor_text(&docs->docs[i].rec, &text) != 0) {
      rc = fail(err, errlen, "record %s: out of memory", docs->docs[i].rec.id);
      break;
    }
    sqlite3_bind_int64(ins, 1, (sqlite3_int64)i + 1);
    sqlite3_bind_text(ins, 2, dynbuf_str(&text), (int)text.len, SQLITE_STATIC);
    rc = sql_check(db, sqlite3_step(ins), "insert", err, errlen);
    sqlite3_reset(ins);
  }
  dynbuf_free(&text);
  sqlite3_finalize(ins);
  if (rc == 0) rc = sql_check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit", err, errlen);
  return rc;
}

static int build_fts5(const char *path, const corpus_docs *docs, char *err, size_t errlen) {
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  rc = sql_check(db, rc, path, err, errlen);
  if (rc == 0) rc = fts5_rows(db, docs, err, errlen);
  if (sqlite3_close(db) != SQLITE_OK && rc == 0) rc = fail(err, errlen, "cannot close %s", path);
  return rc;
}

int searcher_build(searcher_kind kind, const char *path, const corpus_docs *docs, int reuse,
                   int *built, char *err, size_t errlen) {
  char stamp[4096], print[256];
  *built = 0;
  if (stamp_path(path, stamp, sizeof stamp) != 0) return fail(err, errlen, "path too long");
  fingerprint(kind, docs, print, sizeof print);
  if (reuse && stamp_matches(stamp, print)) return 0;
  if (searcher_remove(stamp) != 0 || searcher_remove(path) != 0)
    return fail(err, errlen, "cannot remove the earlier %s: %s", path, strerror(errno));
  int rc = kind == SEARCHER_TRACUU   ? build_tracuu(path, docs, err, errlen)
           : kind == SEARCHER_XAPIAN ? build_xapian(path, docs, err, errlen)
                                     : build_fts5(path, docs, err, errlen);
  if (rc == 0 && stamp_write(stamp, print) != 0)
    rc = fail(err, errlen, "cannot write %s: %s", stamp, strerror(errno));
  *built = rc == 0;
  return rc;
}

/* ------------------------------------------------------------------ */
/* Opening                                                              */
/* ------------------------------------------------------------------ */

/* tracuu's hits name their record by id: this maps it back to a position. */
typedef struct {
  const char *id;
  size_t pos;
} id_slot;

struct searcher {
  searcher_kind kind;
  searcher_opts opts;
  const corpus_docs *docs;
  engine_db *db;       /* tracuu, plain Xapian */
  id_slot *ids;        /* tracuu: sorted by id */
  sqlite3 *sql;        /* FTS5 */
  sqlite3_stmt *stmt;
  dynbuf query;        /* FTS5: the MATCH expression */
};

static int by_id(const void *a, const void *b) {
  return strcmp(((const id_slot *)a)->id, ((const id_slot *)b)->id);
}

static int open_engine(searcher *s, const char *path, char *err, size_t errlen) {
  char *msg = NULL;
  const char *names[] = {path};
  engine_status st = engine_db_open(names, 1, 0, &s->db, &msg);
  if (st != ENGINE_OK) {
    fail(err, errlen, "%s", msg ? msg : engine_strerror(st));
    free(msg);
    return -1;
  }
  if (s->kind != SEARCHER_TRACUU) return 0;
  size_t n = s->docs->count;
  s->ids = calloc(n ? n : 1, sizeof *s->ids);
  if (!s->ids) return fail(err, errlen, "out of memory");
  for (size_t i = 0; i < n; i++) s->ids[i] = (id_slot){s->docs->docs[i].rec.id, i};
  qsort(s->ids, n, sizeof *s->ids, by_id);
  return 0;
}

static int open_fts5(searcher *s, const char *path, char *err, size_t errlen) {
  int rc = sqlite3_open_v2(path, &s->sql, SQLITE_OPEN_READONLY, NULL);
  if (sql_check(s->sql, rc, path, err, errlen) != 0) return -1;
  rc = sqlite3_prepare_v2(s->sql, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank LIMIT ?2",
                          -1, &s->stmt, NULL);
  return sql_check(s->sql, rc, "prepare", err, errlen);
}

int searcher_open(searcher_kind kind, const char *path, const corpus_docs *docs,
                  const searcher_opts *opts, searcher **out, char *err, size_t errlen) {
  *out = NULL;
  searcher *s = calloc(1, sizeof *s);
  if (!s) return fail(err, errlen, "out of memory");
  s->kind = kind;
  s->docs = docs;
  if (opts)
    s->opts = *opts;
  else
    searcher_opts_init(&s->opts);
  dynbuf_init(&s->query, SEARCHER_MAX_TEXT);
  int rc = kind == SEARCHER_FTS5 ? open_fts5(s, path, err, errlen)
                                 : open_engine(s, path, err, errlen);
  if (rc != 0) {
    searcher_close(s);
    return -1;
  }
  *out = s;
  return 0;
}

void searcher_close(searcher *s) {
  if (!s) return;
  engine_db_close(s->db);
  free(s->ids);
  sqlite3_finalize(s->stmt);
  sqlite3_close(s->sql);
  dynbuf_free(&s->query);
  free(s);
}

/* ------------------------------------------------------------------ */
/* Running                                                              */
/* ------------------------------------------------------------------ */

static int run_tracuu(searcher *s, const char *text, size_t k, size_t *hits, size_t *n_hits,
                      char *err, size_t errlen) {
  query_request req;
  query_request_init(&req);
  req.text = text;
  req.sort = s->opts.sort;
  req.limit = (uint32_t)k;
  query_result *res = NULL;
  engine_status qs = query_run(s->db, &req, &res, err, errlen);
  if (qs == ENGINE_BAD_QUERY) return 1;
  if (qs != ENGINE_OK) return -1;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < res->n_hits && i < k; i++) {
    id_slot key = {res->hits[i].rec.id ? res->hits[i].rec.id : "", 0};
    const id_slot *found = bsearch(&key, s->ids, s->docs->count, sizeof *s->ids, by_id);
    if (found)
      hits[(*n_hits)++] = found->pos;
    else
      rc = fail(err, errlen, "hit \"%s\" is not one of the indexed records", key.id);
  }
  query_result_free(res);
  return rc;
}

static int run_xapian(searcher *s, const char *text, size_t k, size_t *hits, size_t *n_hits,
                      char *err, size_t errlen) {
  engine_query *q = engine_query_parse_plain(text, strlen(text));
  if (!q) {
    fail(err, errlen, "QueryParser refused the text");
    return 1;
  }
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.limit = (uint32_t)k;
  if (s->opts.bm25_k1 > 0 || s->opts.bm25_b > 0) { /* the others at Xapian's defaults */
    o.bm25_k1 = s->opts.bm25_k1 > 0 ? s->opts.bm25_k1 : 1.0;
    o.bm25_k3 = 1.0;
    o.bm25_b = s->opts.bm25_b > 0 ? s->opts.bm25_b : 0.5;
    o.bm25_min_normlen = 0.5;
  }
  engine_mset *m = NULL;
  engine_status st = engine_db_search(s->db, q, &o, &m);
  engine_query_free(q);
  if (st != ENGINE_OK) {
    fail(err, errlen, "%s", engine_db_errmsg(s->db));
    return st == ENGINE_BAD_QUERY ? 1 : -1;
  }
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < engine_mset_size(m) && i < k; i++) {
    const char *data = engine_mset_data(m, i, NULL);
    char *end = NULL;
    unsigned long long pos = data ? strtoull(data, &end, 10) : 0;
    if (!data || end == data || *end || pos >= s->docs->count)
      rc = fail(err, errlen, "document data \"%s\" is not a record position", data ? data : "");
    else
      hits[(*n_hits)++] = (size_t)pos;
  }
  if (rc == 0 && engine_mset_status(m) != ENGINE_OK)
    rc = fail(err, errlen, "%s", engine_mset_errmsg(m));
  engine_mset_free(m);
  return rc;
}

/* "w1" OR "w2" OR ...: every whitespace-separated piece quoted (an inner
 * quote doubled), so that no text is an FTS5 syntax error. */
static int fts5_query(const char *text, dynbuf *b) {
  static const char space[] = " \t\r\n\f\v";
  dynbuf_reset(b);
  for (const char *p = text + strspn(text, space); *p; p += strspn(p, space)) {
    size_t n = strcspn(p, space);
    if (b->len) dynbuf_append_str(b, " OR ");
    dynbuf_append_byte(b, '"');
    for (size_t i = 0; i < n; i++) {
      if (p[i] == '"') dynbuf_append_byte(b, '"');
      dynbuf_append_byte(b, p[i]);
    }
    dynbuf_append_byte(b, '"');
    p += n;
  }
  return dynbuf_status(b) == DYNBUF_OK ? 0 : -1;
}

static int run_fts5(searcher *s, const char *text, size_t k, size_t *hits, size_t *n_hits,
                    char *err, size_t errlen) {
  if (fts5_query(text, &s->query) != 0) return fail(err, errlen, "out of memory");
  if (s->query.len == 0) {
    fail(err, errlen, "no words");
    return 1;
  }
  sqlite3_bind_text(s->stmt, 1, dynbuf_str(&s->query), (int)s->query.len, SQLITE_STATIC);
  sqlite3_bind_int64(s->stmt, 2, (sqlite3_int64)k);
  int rc = SQLITE_DONE, out = 0;
  while (out == 0 && (rc = sqlite3_step(s->stmt)) == SQLITE_ROW && *n_hits < k) {
    sqlite3_int64 row = sqlite3_column_int64(s->stmt, 0);
    if (row >= 1 && (uint64_t)row <= s->docs->count)
      hits[(*n_hits)++] = (size_t)(row - 1);
    else
      out = fail(err, errlen, "rowid %lld is not a record position", (long long)row);
  }
  /* SQLITE_ERROR is about this query (FTS5 reports its syntax errors so). */
  if (out == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    sql_check(s->sql, rc, "query", err, errlen);
    out = rc == SQLITE_ERROR ? 1 : -1;
  }
  sqlite3_reset(s->stmt);
  sqlite3_clear_bindings(s->stmt);
  return out;
}

int searcher_run(searcher *s, const char *text, size_t k, size_t *hits, size_t *n_hits,
                 char *err, size_t errlen) {
  *n_hits = 0;
  if (!text) text = "";
  switch (s->kind) {
    case SEARCHER_TRACUU: return run_tracuu(s, text, k, hits, n_hits, err, errlen);
    case SEARCHER_XAPIAN: return run_xapian(s, text, k, hits, n_hits, err, errlen);
    case SEARCHER_FTS5: return run_fts5(s, text, k, hits, n_hits, err, errlen);
  }
  return fail(err, errlen, "unknown searcher");
}
