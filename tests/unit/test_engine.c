/* engine: the C wrapper over Xapian, against real databases in a fresh
 * temporary directory (removed at the end).
 *
 * Each test_* function is one paragraph of the contract in engine.h, and
 * most also pin a Xapian pitfall from doc/libraries.md: the unique term that
 * replace_document does not add, the 245-byte term that throws a batch away,
 * phrases without positions, the stale reader, the millisecond timeouts.
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include <arpa/inet.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <math.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "tests/unit/check.h"

enum { SLOT_DATE = 0, SLOT_CAT = 1 };

/* ------------------------------------------------------------------ */
/* Helpers                                                              */
/* ------------------------------------------------------------------ */

static char tmpdir[64];

/* A path inside the temporary directory, in the caller's buffer. */
static const char *tmp_path(char *buf, size_t cap, const char *name) {
  snprintf(buf, cap, "%s/%s", tmpdir, name);
  return buf;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  return remove(path);
}

/* A bounded text the callbacks append to: "term:count term:count". */
typedef struct {
  char buf[1024];
  size_t len;
} text;

__attribute__((format(printf, 2, 3))) static void text_add(text *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
  va_end(ap);
  if (n > 0) t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : 0;
}

static int collect_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  text *t = ctx;
  text_add(t, "%s%.*s:%llu", t->len ? " " : "", (int)len, term, (unsigned long long)freq);
  return 0;
}

static int collect_first_two(void *ctx, const char *term, size_t len, uint64_t freq) {
  text *t = ctx;
  collect_term(ctx, term, len, freq);
  return strchr(t->buf, ' ') != NULL; /* stop after the second */
}

static engine_query *T(const char *term) { return engine_query_term(term, strlen(term), 1); }

/* Indexes a document: words (space separated) as positional terms, the date
 * in SLOT_DATE, the category in SLOT_CAT, the id as data, and "Q" + id as
 * unique term. positions = 0 indexes the words without positions. */
static void put_doc(engine_writer *w, const char *id, const char *words, double date,
                    const char *category, int positions) {
  engine_doc *d = engine_doc_new();
  CHECK(d != NULL);
  uint32_t pos = 1;
  for (const char *p = words; *p;) {
    size_t n = strcspn(p, " ");
    if (n) {
      engine_status st = positions ? engine_doc_add_posting(d, p, n, pos++, 1)
                                   : engine_doc_add_term(d, p, n, 1);
      CHECK_INT(st, ENGINE_OK);
    }
    p += n;
    p += strspn(p, " ");
  }
  char key[18];
  size_t klen = engine_sortable_serialise(date, key);
  CHECK_INT(engine_doc_set_value(d, SLOT_DATE, key, klen), ENGINE_OK);
  if (category) CHECK_INT(engine_doc_set_value(d, SLOT_CAT, category, strlen(category)), ENGINE_OK);
  CHECK_INT(engine_doc_set_data(d, id, strlen(id)), ENGINE_OK);
  char uid[64];
  snprintf(uid, sizeof uid, "Q%s", id);
  CHECK_INT(engine_writer_replace(w, uid, strlen(uid), d), ENGINE_OK);
  engine_doc_free(d);
}

static engine_writer *create_db(const char *name) {
  char path[256];
  engine_writer *w = NULL;
  char *err = NULL;
  CHECK_INT(engine_writer_open(tmp_path(path, sizeof path, name), ENGINE_CREATE, &w, &err),
            ENGINE_OK);
  CHECK(err == NULL);
  free(err);
  return w;
}

static engine_db *open_db(const char *name) {
  char path[256];
  const char *names[] = {tmp_path(path, sizeof path, name)};
  engine_db *db = NULL;
  CHECK_INT(engine_db_open(names, 1, 0, &db, NULL), ENGINE_OK);
  return db;
}

/* Runs q and writes the data of the hits, space separated, into out.
 * Takes ownership of q (tests read better that way). */
static engine_status search(engine_db *db, engine_query *q, const engine_search_opts *o,
                            text *out) {
  engine_mset *m = NULL;
  out->len = 0;
  out->buf[0] = '\0';
  engine_status st = engine_db_search(db, q, o, &m);
  engine_query_free(q);
  if (st != ENGINE_OK) {
    CHECK(m == NULL);
    return st;
  }
  for (size_t i = 0; i < engine_mset_size(m); i++) {
    size_t len = 0;
    const char *data = engine_mset_data(m, i, &len);
    text_add(out, "%s%.*s", i ? " " : "", (int)len, data ? data : "");
  }
  st = engine_mset_status(m);
  engine_mset_free(m);
  return st;
}

/* ------------------------------------------------------------------ */
/* Tests                                                                */
/* ------------------------------------------------------------------ */

/* 1. Statuses, version, sortable keys. */
static void test_strings(void) {
  for (int a = ENGINE_OK; a <= ENGINE_INTERNAL; a++) {
    CHECK(engine_strerror(a)[0] != '\0');
    for (int b = ENGINE_OK; b < a; b++) CHECK(strcmp(engine_strerror(a), engine_strerror(b)) != 0);
  }
  CHECK(strcmp(engine_strerror((engine_status)99), engine_strerror(ENGINE_INTERNAL)) != 0);
  CHECK(strncmp(engine_version(), "1.4.", 4) == 0);

  char a[18], b[18];
  size_t la = engine_sortable_serialise(18000.0, a), lb = engine_sortable_serialise(18001.5, b);
  CHECK(la > 0 && la <= 9 && lb > 0 && lb <= 9);
  int c = memcmp(a, b, la < lb ? la : lb);
  CHECK(c < 0 || (c == 0 && la < lb)); /* byte order, a prefix first */
  CHECK(engine_sortable_unserialise(b, lb) == 18001.5);
  CHECK_INT(engine_sortable_serialise(1.0, NULL), 0);
  CHECK(engine_sortable_unserialise(NULL, 3) == 0.0);
  /* The reason engine_query_value_range_n exists. */
  CHECK(memchr(a, '\0', engine_sortable_serialise(2049.0, a)) != NULL);
}

/* 2. Create, add, commit, search; readers see only what is committed. */
static void test_create_search(void) {
  engine_writer *w = create_db("basic");
  put_doc(w, "cv1", "công văn về luật đất đai", 18000, "cv", 1);
  put_doc(w, "qd1", "quyết định ban hành luật", 18100, "qd", 1);
  put_doc(w, "tb1", "thông báo lịch tiếp dân", 18200, "tb", 1);
  CHECK_INT(engine_writer_doccount(w), 3);

  engine_db *db = open_db("basic");
  CHECK_INT(engine_db_doccount(db), 0); /* nothing committed yet */
  CHECK_INT(engine_writer_commit(w), ENGINE_OK);
  CHECK_STR(engine_writer_errmsg(w), "");
  CHECK_INT(engine_db_reopen(db), ENGINE_OK);
  CHECK_INT(engine_db_doccount(db), 3);
  CHECK_INT(engine_db_termfreq(db, "luật", strlen("luật")), 2);
  CHECK_INT(engine_db_termfreq(db, "không", strlen("không")), 0);
  CHECK_INT(engine_db_termfreq(db, "", 0), 0);

  text hits;
  CHECK_INT(search(db, T("luật"), NULL, &hits), ENGINE_OK);
  CHECK(strcmp(hits.buf, "cv1 qd1") == 0 || strcmp(hits.buf, "qd1 cv1") == 0);
  CHECK_INT(search(db, T("dân"), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "tb1");

  /* Every term under a prefix, in byte order, with its frequency; the
   * callback can stop early. */
  text terms = {0};
  CHECK_INT(engine_db_allterms(db, "Q", collect_term, &terms), ENGINE_OK);
  CHECK_STR(terms.buf, "Qcv1:1 Qqd1:1 Qtb1:1");
  text two = {0};
  CHECK_INT(engine_db_allterms(db, "Q", collect_first_two, &two), ENGINE_OK);
  CHECK_STR(two.buf, "Qcv1:1 Qqd1:1");

  /* Estimated count and weights. */
  engine_mset *m = NULL;
  engine_query *q = T("luật");
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.limit = 1;
  CHECK_INT(engine_db_search(db, q, &o, &m), ENGINE_OK);
  CHECK_INT(engine_mset_size(m), 1);
  CHECK_INT(engine_mset_estimated(m), 2);
  CHECK(engine_mset_weight(m, 0) > 0.0);
  CHECK(engine_mset_docid(m, 0) == 1 || engine_mset_docid(m, 0) == 2);
  size_t len = 0;
  CHECK(engine_mset_value(m, 0, SLOT_CAT, &len) != NULL && len == 2);
  CHECK_INT(engine_mset_status(m), ENGINE_OK);
  /* Out of range: NULL/0, and the status says so from then on. */
  CHECK(engine_mset_data(m, 5, &len) == NULL);
  CHECK_INT(len, 0);
  CHECK_INT(engine_mset_docid(m, 5), 0);
  CHECK_INT(engine_mset_status(m), ENGINE_INVALID);
  CHECK(strstr(engine_mset_errmsg(m), "range") != NULL);
  engine_mset_free(m);
  engine_query_free(q);

  engine_db_close(db);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
}

/* 3. Replacing by unique term three times leaves one document. */
static void test_replace(void) {
  engine_writer *w = create_db("replace");
  put_doc(w, "x", "bản một", 1, NULL, 1);
  put_doc(w, "x", "bản hai", 2, NULL, 1);
  put_doc(w, "x", "bản ba", 3, NULL, 1);
  CHECK_INT(engine_writer_doccount(w), 1);
  put_doc(w, "y", "khác", 4, NULL, 1);
  CHECK_INT(engine_writer_delete(w, "Qy", 2), ENGINE_OK);
  CHECK_INT(engine_writer_delete(w, "Qnone", 5), ENGINE_OK); /* absent: not an error */
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("replace");
  CHECK_INT(engine_db_doccount(db), 1);
  CHECK_INT(engine_db_termfreq(db, "Qx", 2), 1);
  text hits;
  CHECK_INT(search(db, T("ba"), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "x");
  CHECK_INT(search(db, T("hai"), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "");
  engine_db_close(db);
}

/* 4. Phrases need positions: without them Xapian silently runs an AND. */
static engine_query *phrase2(const char *a, const char *b) {
  engine_query *subs[] = {T(a), T(b)};
  engine_query *q = engine_query_combine(ENGINE_OP_PHRASE, subs, 2, 0);
  engine_query_free(subs[0]);
  engine_query_free(subs[1]);
  return q;
}

static void test_phrase(void) {
  engine_writer *w = create_db("phrase");
  put_doc(w, "a", "ủy ban nhân dân tỉnh", 1, NULL, 1);
  put_doc(w, "b", "nhân viên ủy quyền ban hành", 2, NULL, 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  w = create_db("nopos");
  put_doc(w, "a", "ủy ban nhân dân tỉnh", 1, NULL, 0);
  put_doc(w, "b", "nhân viên ủy quyền ban hành", 2, NULL, 0);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  text hits;
  engine_db *db = open_db("phrase");
  CHECK_INT(search(db, phrase2("ủy", "ban"), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "a");
  CHECK_INT(search(db, phrase2("ban", "ủy"), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "");
  engine_db_close(db);

  db = open_db("nopos");
  CHECK_INT(search(db, phrase2("ban", "ủy"), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "a b");
  engine_db_close(db);
}

/* 5. Dates as sortable values: range filters and sorting. */
static engine_query *date_range(double lo, double hi) {
  char l[18], h[18];
  size_t ll = engine_sortable_serialise(lo, l), hl = engine_sortable_serialise(hi, h);
  return engine_query_value_range_n(SLOT_DATE, l, ll, h, hl);
}

static engine_query *filtered(engine_query *q, engine_query *filter) {
  engine_query *subs[] = {q, filter};
  engine_query *f = engine_query_combine(ENGINE_OP_FILTER, subs, 2, 0);
  engine_query_free(q);
  engine_query_free(filter);
  return f;
}

static void test_values(void) {
  engine_writer *w = create_db("values");
  put_doc(w, "d18000", "quyết định", 18000, NULL, 1);
  put_doc(w, "d19500", "quyết định", 19500, NULL, 1);
  put_doc(w, "d18500", "quyết định", 18500, NULL, 1);
  put_doc(w, "d19000", "quyết định", 19000, NULL, 1);
  put_doc(w, "d2049", "quyết định", 2049, NULL, 1);
  put_doc(w, "d2050", "quyết định", 2050, NULL, 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("values");
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.sort = ENGINE_SORT_VALUE;
  o.sort_slot = SLOT_DATE;
  text hits;
  CHECK_INT(search(db, filtered(T("quyết"), date_range(18400, 19100)), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "d18500 d19000");
  o.sort_descending = 1;
  CHECK_INT(search(db, T("định"), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "d19500 d19000 d18500 d18000 d2050 d2049");
  /* Open bounds. */
  char k[18];
  size_t kl = engine_sortable_serialise(19000, k);
  CHECK_INT(search(db, filtered(T("định"), engine_query_value_range_n(SLOT_DATE, k, kl, NULL, 0)),
                   &o, &hits),
            ENGINE_OK);
  CHECK_STR(hits.buf, "d19500 d19000");
  CHECK_INT(search(db, filtered(T("định"), engine_query_value_range_n(SLOT_DATE, NULL, 0, k, kl)),
                   &o, &hits),
            ENGINE_OK);
  CHECK_STR(hits.buf, "d19000 d18500 d18000 d2050 d2049");
  /* A key with a NUL byte: exact with lengths, wrong with C strings. */
  CHECK_INT(search(db, filtered(T("định"), date_range(2049, 2049)), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "d2049");
  /* Relevance with the date breaking ties (all weights are equal here). */
  o.sort = ENGINE_SORT_RELEVANCE;
  o.sort_descending = 0;
  CHECK_INT(search(db, T("định"), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "d2049 d2050 d18000 d18500 d19000 d19500");
  engine_db_close(db);
}

/* 6. Facets count the whole match set, not only the page shown. */
static void test_facets(void) {
  engine_writer *w = create_db("facets");
  static const char *cats[] = {"cv", "qd", "cv", "tb", "cv", "qd"};
  char id[16];
  for (int i = 0; i < 60; i++) {
    snprintf(id, sizeof id, "f%d", i);
    put_doc(w, id, i % 2 ? "thông báo" : "thông tin", i, cats[i % 6], 1);
  }
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("facets");
  unsigned slots[] = {SLOT_CAT};
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.limit = 1;
  o.facet_slots = slots;
  o.n_facet_slots = 1;
  engine_mset *m = NULL;
  engine_query *q = T("thông");
  CHECK_INT(engine_db_search(db, q, &o, &m), ENGINE_OK);
  CHECK_INT(engine_mset_size(m), 1);
  text counts = {0};
  CHECK_INT(engine_mset_facet(m, SLOT_CAT, collect_term, &counts), ENGINE_OK);
  CHECK_STR(counts.buf, "cv:30 qd:20 tb:10");
  text top = {0};
  CHECK_INT(engine_mset_facet(m, SLOT_CAT, collect_first_two, &top), ENGINE_OK);
  CHECK_STR(top.buf, "cv:30 qd:20");
  CHECK_INT(engine_mset_facet(m, SLOT_DATE, collect_term, &counts), ENGINE_INVALID);
  CHECK(strstr(engine_mset_errmsg(m), "facet") != NULL);
  engine_mset_free(m);
  engine_query_free(q);

  /* Only the matches are counted. */
  q = T("báo");
  CHECK_INT(engine_db_search(db, q, &o, &m), ENGINE_OK);
  counts.len = 0;
  CHECK_INT(engine_mset_facet(m, SLOT_CAT, collect_term, &counts), ENGINE_OK);
  CHECK_STR(counts.buf, "qd:20 tb:10");
  engine_mset_free(m);
  engine_query_free(q);
  engine_db_close(db);
}

/* 7. Metadata. */
static void test_metadata(void) {
  engine_writer *w = create_db("meta");
  char *v = NULL;
  CHECK_INT(engine_writer_set_metadata(w, "schema", "3"), ENGINE_OK);
  CHECK_INT(engine_writer_get_metadata(w, "schema", &v), ENGINE_OK);
  CHECK_STR(v, "3");
  free(v);
  CHECK_INT(engine_writer_get_metadata(w, "unset", &v), ENGINE_OK);
  CHECK_STR(v, "");
  free(v);
  CHECK_INT(engine_writer_set_metadata(w, "", "x"), ENGINE_INVALID);
  char long_key[ENGINE_MAX_TERM + 2];
  memset(long_key, 'k', sizeof long_key - 1);
  long_key[sizeof long_key - 1] = '\0';
  CHECK_INT(engine_writer_set_metadata(w, long_key, "x"), ENGINE_INVALID);
  CHECK(engine_writer_errmsg(w)[0] != '\0');
  CHECK_INT(engine_writer_set_metadata(w, "crawl", "2026-11-27T09:00:00Z"), ENGINE_OK);
  CHECK_STR(engine_writer_errmsg(w), ""); /* cleared by the call that worked */
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("meta");
  CHECK_INT(engine_db_get_metadata(db, "schema", &v), ENGINE_OK);
  CHECK_STR(v, "3");
  free(v);
  CHECK_INT(engine_db_get_metadata(db, "crawl", &v), ENGINE_OK);
  CHECK_STR(v, "2026-11-27T09:00:00Z");
  free(v);
  CHECK_INT(engine_db_get_metadata(db, NULL, &v), ENGINE_INVALID);
  CHECK(v == NULL);
  engine_db_close(db);
}

/* 8. Recency re-weights equally relevant matches and adds none. */
static void test_recency(void) {
  engine_writer *w = create_db("recency");
  put_doc(w, "old", "nghị định mới", 100, NULL, 1);
  put_doc(w, "new", "nghị định mới", 200, NULL, 1);
  put_doc(w, "other", "thông tư", 200, NULL, 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("recency");
  engine_search_opts o;
  engine_search_opts_init(&o);
  text hits;
  CHECK_INT(search(db, T("nghị"), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "old new"); /* a tie: document order */

  o.recency_slot = SLOT_DATE;
  o.recency_now = 200;
  o.recency_halflife = 50;
  o.recency_weight = 2.0;
  CHECK_INT(search(db, T("nghị"), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "new old");

  /* The boosts are exactly weight * 0.5^(age / halflife): 2.0 and 0.5. */
  engine_query *base_q = T("nghị");
  engine_search_opts plain;
  engine_search_opts_init(&plain);
  engine_mset *base = NULL, *m = NULL;
  CHECK_INT(engine_db_search(db, base_q, &plain, &base), ENGINE_OK);
  CHECK_INT(engine_db_search(db, base_q, &o, &m), ENGINE_OK);
  double bm25 = engine_mset_weight(base, 0);
  CHECK(fabs(engine_mset_weight(m, 0) - (bm25 + 2.0)) < 1e-9);
  CHECK(fabs(engine_mset_weight(m, 1) - (bm25 + 0.5)) < 1e-9);
  CHECK_INT(engine_mset_size(m), 2); /* "other" is new but does not match */
  engine_mset_free(base);
  engine_mset_free(m);
  engine_query_free(base_q);

  /* A future date gets the full weight, never more. */
  o.recency_now = 150;
  CHECK_INT(search(db, T("nghị"), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "new old");
  engine_db_close(db);
}

/* 9. Which query terms hit each document. */
static void test_matching_terms(void) {
  engine_writer *w = create_db("matching");
  put_doc(w, "m1", "đất đai thu hồi", 1, NULL, 1);
  put_doc(w, "m2", "thu hồi giấy phép", 2, NULL, 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("matching");
  engine_query *subs[] = {T("đất"), T("giấy"), T("thu")};
  engine_query *q = engine_query_combine(ENGINE_OP_OR, subs, 3, 0);
  for (int i = 0; i < 3; i++) engine_query_free(subs[i]);
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.sort = ENGINE_SORT_VALUE;
  o.sort_slot = SLOT_DATE;
  engine_mset *m = NULL;
  CHECK_INT(engine_db_search(db, q, &o, &m), ENGINE_OK);
  engine_query_free(q); /* the mset keeps what it needs */
  CHECK_INT(engine_mset_size(m), 2);
  text t1 = {0}, t2 = {0};
  CHECK_INT(engine_mset_matching_terms(m, 0, collect_term, &t1), ENGINE_OK);
  CHECK_INT(engine_mset_matching_terms(m, 1, collect_term, &t2), ENGINE_OK);
  CHECK_STR(t1.buf, "thu:2 đất:1"); /* byte order, not query order */
  CHECK_STR(t2.buf, "giấy:1 thu:2");
  CHECK_INT(engine_mset_matching_terms(m, 2, collect_term, &t1), ENGINE_INVALID);
  CHECK_INT(engine_mset_matching_terms(m, 0, NULL, NULL), ENGINE_INVALID);
  engine_mset_free(m);
  engine_db_close(db);
}

/* 10. A term over 245 bytes is refused up front, so the batch survives. */
static void test_long_term(void) {
  engine_writer *w = create_db("longterm");
  char id[16];
  for (int i = 0; i < 10; i++) {
    snprintf(id, sizeof id, "ok%d", i);
    put_doc(w, id, "văn bản", i, NULL, 1);
  }
  char term[ENGINE_MAX_TERM + 1];
  memset(term, 'x', sizeof term);
  engine_doc *d = engine_doc_new();
  CHECK_INT(engine_doc_add_posting(d, term, ENGINE_MAX_TERM + 1, 1, 1), ENGINE_INVALID);
  CHECK_INT(engine_doc_add_term(d, term, ENGINE_MAX_TERM + 1, 1), ENGINE_INVALID);
  CHECK_INT(engine_doc_add_boolean_term(d, term, ENGINE_MAX_TERM + 1), ENGINE_INVALID);
  CHECK_INT(engine_writer_replace(w, term, ENGINE_MAX_TERM + 1, d), ENGINE_INVALID);
  CHECK(strstr(engine_writer_errmsg(w), "too long") != NULL);
  CHECK_INT(engine_writer_delete(w, term, ENGINE_MAX_TERM + 1), ENGINE_INVALID);
  /* Exactly at the limit is fine, prefix included. */
  term[0] = 'Q';
  CHECK_INT(engine_doc_add_posting(d, "văn", strlen("văn"), 1, 1), ENGINE_OK);
  CHECK_INT(engine_doc_add_term(d, term + 1, ENGINE_MAX_TERM - 1, 1), ENGINE_OK);
  CHECK_INT(engine_writer_replace(w, term, ENGINE_MAX_TERM, d), ENGINE_OK);
  engine_doc_free(d);
  CHECK_INT(engine_writer_commit(w), ENGINE_OK);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("longterm");
  CHECK_INT(engine_db_doccount(db), 11);
  CHECK_INT(engine_db_termfreq(db, term, ENGINE_MAX_TERM), 1);
  /* Asking for a term too long to exist is not an error. */
  char longer[400];
  memset(longer, 'y', sizeof longer);
  CHECK_INT(engine_db_termfreq(db, longer, sizeof longer), 0);
  CHECK_STR(engine_db_errmsg(db), "");
  engine_db_close(db);
}

/* 11. Opening what is not there. */
static void test_missing(void) {
  char path[256];
  const char *names[] = {tmp_path(path, sizeof path, "no-such-db")};
  engine_db *db = (engine_db *)1;
  char *err = NULL;
  CHECK_INT(engine_db_open(names, 1, 0, &db, &err), ENGINE_NO_INDEX);
  CHECK(db == NULL);
  CHECK(err != NULL && strstr(err, path) != NULL);
  free(err);

  engine_writer *w = (engine_writer *)1;
  err = NULL;
  CHECK_INT(engine_writer_open(path, ENGINE_OPEN_EXISTING, &w, &err), ENGINE_NO_INDEX);
  CHECK(w == NULL);
  CHECK(err != NULL && strstr(err, path) != NULL);
  free(err);

  /* Xapian does not create parents. */
  tmp_path(path, sizeof path, "no/such/parent/db");
  CHECK_INT(engine_writer_open(path, ENGINE_CREATE, &w, &err), ENGINE_NO_INDEX);
  CHECK(w == NULL);
  CHECK(err != NULL && strstr(err, path) != NULL);
  free(err);
  /* errmsg is optional. */
  CHECK_INT(engine_writer_open(path, ENGINE_CREATE, &w, NULL), ENGINE_NO_INDEX);

  /* An empty directory is no database either. */
  const char *empty[] = {tmp_path(path, sizeof path, "empty")};
  CHECK_INT(mkdir(path, 0700), 0);
  CHECK_INT(engine_db_open(empty, 1, 0, &db, NULL), ENGINE_NO_INDEX);
}

/* 12. One writer at a time. */
static void test_locked(void) {
  engine_writer *w1 = create_db("locked");
  engine_writer *w2 = (engine_writer *)1;
  char path[256], *err = NULL;
  CHECK_INT(engine_writer_open(tmp_path(path, sizeof path, "locked"), ENGINE_CREATE, &w2, &err),
            ENGINE_LOCKED);
  CHECK(w2 == NULL);
  CHECK(err != NULL && strstr(err, "lock") != NULL);
  free(err);
  CHECK_INT(engine_writer_close(w1), ENGINE_OK);
  /* Released by close. */
  CHECK_INT(engine_writer_open(path, ENGINE_OPEN_EXISTING, &w2, NULL), ENGINE_OK);
  CHECK_INT(engine_writer_close(w2), ENGINE_OK);
}

/* 13. Damaged files. Garbage in a table gives DatabaseCorruptError; a table
 * cut to nothing gives a plain DatabaseError ("EOF reading block"), which
 * the engine also reports as ENGINE_CORRUPT. */
static engine_status damage_and_open(const char *name, int truncate_only) {
  engine_writer *w = create_db(name);
  char id[16];
  for (int i = 0; i < 50; i++) {
    snprintf(id, sizeof id, "c%d", i);
    put_doc(w, id, "tài liệu hỏng", i, NULL, 1);
  }
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  char dir[256], file[300];
  snprintf(file, sizeof file, "%s/postlist.glass", tmp_path(dir, sizeof dir, name));
  FILE *f = fopen(file, "r+b");
  CHECK(f != NULL);
  if (!f) return ENGINE_OK;
  if (truncate_only) {
    CHECK_INT(ftruncate(fileno(f), 0), 0);
  } else {
    for (int i = 0; i < 16384; i++) fputc((i * 131) ^ 0xA5, f);
  }
  fclose(f);

  const char *names[] = {dir};
  engine_db *db = NULL;
  engine_status st = engine_db_open(names, 1, 0, &db, NULL);
  if (st == ENGINE_OK) { /* no damage seen yet: it must show at search */
    text hits;
    st = search(db, T("hỏng"), NULL, &hits);
    engine_db_close(db);
  }
  return st;
}

static void test_corrupt(void) {
  CHECK_INT(damage_and_open("garbage", 0), ENGINE_CORRUPT);
  CHECK_INT(damage_and_open("truncated", 1), ENGINE_CORRUPT);
}

/* 13b. A format this Xapian does not know, and a disk that says no. The
 * tests run as root, where permissions prove nothing; a file size limit
 * (with SIGXFSZ ignored) makes write() fail with EFBIG for any user. */
static void test_version_and_io(void) {
  engine_writer *w = create_db("future");
  put_doc(w, "v1", "phiên bản", 1, NULL, 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  char dir[256], file[300];
  snprintf(file, sizeof file, "%s/iamglass", tmp_path(dir, sizeof dir, "future"));
  FILE *f = fopen(file, "r+b");
  CHECK(f != NULL);
  if (f) { /* the format version follows the 14-byte magic */
    CHECK_INT(fseek(f, 14, SEEK_SET), 0);
    int c = fgetc(f);
    CHECK_INT(fseek(f, 14, SEEK_SET), 0);
    fputc(c + 1, f);
    fclose(f);
  }
  const char *names[] = {dir};
  engine_db *db = (engine_db *)1;
  char *err = NULL;
  CHECK_INT(engine_db_open(names, 1, 0, &db, &err), ENGINE_VERSION);
  CHECK(db == NULL);
  CHECK(err != NULL && strstr(err, dir) != NULL);
  free(err);

  w = create_db("full");
  struct rlimit old, small;
  CHECK_INT(getrlimit(RLIMIT_FSIZE, &old), 0);
  small = old;
  small.rlim_cur = 64 * 1024;
  void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
  CHECK_INT(setrlimit(RLIMIT_FSIZE, &small), 0);
  /* Incompressible data (glass compresses), 800 KB: blocks get written
   * while documents are added, so the failure may come before the commit. */
  engine_status st = ENGINE_OK;
  uint32_t x = 12345;
  char data[4000], id[16];
  for (int i = 0; st == ENGINE_OK && i < 200; i++) {
    for (size_t k = 0; k < sizeof data; k++) data[k] = (char)((x = x * 1103515245u + 12345u) >> 24);
    engine_doc *d = engine_doc_new();
    CHECK_INT(engine_doc_set_data(d, data, sizeof data), ENGINE_OK);
    snprintf(id, sizeof id, "Q%d", i);
    st = engine_writer_replace(w, id, strlen(id), d);
    engine_doc_free(d);
  }
  if (st == ENGINE_OK) st = engine_writer_commit(w);
  CHECK_INT(st, ENGINE_IO);
  CHECK(engine_writer_errmsg(w)[0] != '\0');
  CHECK_INT(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, old_handler);
  engine_writer_close(w); /* whatever it says now, the lock is released */
}

/* 14. A reader held across two commits must reopen. A reader pins the
 * revision it opened; glass may reuse that revision's blocks two commits
 * later. 1000 documents whose searched term changes wdf each time make the
 * postings move for certain (measured: 100 documents did not). */
static void rewrite_all(engine_writer *w, int n, uint32_t wdf) {
  char id[16];
  for (int i = 0; i < n; i++) {
    engine_doc *d = engine_doc_new();
    CHECK_INT(engine_doc_add_term(d, "chung", 5, wdf), ENGINE_OK);
    CHECK_INT(engine_doc_set_data(d, "dữ liệu", strlen("dữ liệu")), ENGINE_OK);
    snprintf(id, sizeof id, "Q%d", i);
    CHECK_INT(engine_writer_replace(w, id, strlen(id), d), ENGINE_OK);
    engine_doc_free(d);
  }
  CHECK_INT(engine_writer_commit(w), ENGINE_OK);
}

static void test_retry(void) {
  engine_writer *w = create_db("retry");
  rewrite_all(w, 1000, 1);
  engine_db *db = open_db("retry");
  rewrite_all(w, 1000, 2);
  rewrite_all(w, 1000, 3);

  text hits;
  engine_status st = search(db, T("chung"), NULL, &hits);
  CHECK_INT(st, ENGINE_RETRY);
  CHECK(strstr(engine_db_errmsg(db), "reopen") != NULL);
  CHECK_INT(engine_db_reopen(db), ENGINE_OK);
  CHECK_INT(search(db, T("chung"), NULL, &hits), ENGINE_OK);
  CHECK(strncmp(hits.buf, "dữ liệu", strlen("dữ liệu")) == 0);
  CHECK_INT(engine_db_doccount(db), 1000);
  engine_db_close(db);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
}

/* 15. Several databases as one: a list of names, and a stub file. */
static void test_shards_and_compact(void) {
  engine_writer *w = create_db("shard1");
  put_doc(w, "s1a", "chỉ thị", 1, "ct", 1);
  put_doc(w, "s1b", "chỉ thị", 2, "ct", 1);
  put_doc(w, "s1c", "công điện", 3, "cd", 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  w = create_db("shard2");
  put_doc(w, "s2a", "chỉ thị", 4, "ct", 1);
  put_doc(w, "s2b", "công điện", 5, "cd", 1);
  CHECK_INT(engine_writer_set_metadata(w, "who", "shard2"), ENGINE_OK);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  char p1[256], p2[256], stub[256], dest[256];
  const char *names[] = {tmp_path(p1, sizeof p1, "shard1"), tmp_path(p2, sizeof p2, "shard2")};
  engine_db *db = NULL;
  CHECK_INT(engine_db_open(names, 2, 0, &db, NULL), ENGINE_OK);
  CHECK_INT(engine_db_doccount(db), 5);
  CHECK_INT(engine_db_termfreq(db, "chỉ", strlen("chỉ")), 3);
  char *v = NULL;
  CHECK_INT(engine_db_get_metadata(db, "who", &v), ENGINE_OK); /* the first shard's */
  CHECK_STR(v, "");
  free(v);
  engine_db_close(db);

  FILE *f = fopen(tmp_path(stub, sizeof stub, "both.stub"), "w");
  CHECK(f != NULL);
  if (f) {
    fprintf(f, "auto shard1\nauto shard2\n"); /* relative to the stub's directory */
    fclose(f);
  }
  const char *stubs[] = {stub};
  CHECK_INT(engine_db_open(stubs, 1, 0, &db, NULL), ENGINE_OK);
  CHECK_INT(engine_db_doccount(db), 5);
  engine_db_close(db);

  /* One bad name among good ones: the message names it. */
  char missing[256], *err = NULL;
  const char *bad[] = {p1, tmp_path(missing, sizeof missing, "shard9")};
  CHECK_INT(engine_db_open(bad, 2, 0, &db, &err), ENGINE_NO_INDEX);
  CHECK(db == NULL);
  CHECK(err != NULL && strncmp(err, missing, strlen(missing)) == 0);
  free(err);

  CHECK_INT(engine_compact(names, 2, tmp_path(dest, sizeof dest, "compacted"), &err), ENGINE_OK);
  CHECK(err == NULL);
  db = open_db("compacted");
  CHECK_INT(engine_db_doccount(db), 5);
  text hits;
  CHECK_INT(search(db, T("điện"), NULL, &hits), ENGINE_OK);
  CHECK(strcmp(hits.buf, "s1c s2b") == 0 || strcmp(hits.buf, "s2b s1c") == 0);
  engine_db_close(db);

  CHECK_INT(engine_compact(bad, 2, tmp_path(dest, sizeof dest, "compacted2"), &err),
            ENGINE_NO_INDEX);
  CHECK(err != NULL && strncmp(err, missing, strlen(missing)) == 0);
  free(err);
}

/* 16. tcp:HOST:PORT, against xapian-tcpsrv serving shard1 and shard2 as
 * one database, and against a listener that never answers. */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A loopback socket: listening (the port is in *port) or connected to port. */
static int loopback(unsigned *port, int do_listen) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)(do_listen ? 0 : *port));
  socklen_t alen = sizeof a;
  int ok = s >= 0 &&
           (do_listen ? bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 4) == 0 &&
                            getsockname(s, (struct sockaddr *)&a, &alen) == 0
                      : connect(s, (struct sockaddr *)&a, sizeof a) == 0);
  if (!ok) {
    if (s >= 0) close(s);
    return -1;
  }
  *port = ntohs(a.sin_port);
  return s;
}

/* Starts xapian-tcpsrv on a free loopback port; returns its pid, or 0 when
 * it is not installed or does not come up within 5 s. It runs in a session
 * of its own because when it stops it signals its whole process group. */
static pid_t start_tcpsrv(const char *db1, const char *db2, unsigned *port) {
  int probe = loopback(port, 1); /* a free port, released just before use */
  if (probe < 0) return 0;
  close(probe);
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    char p[16];
    snprintf(p, sizeof p, "%u", *port);
    execlp("xapian-tcpsrv", "xapian-tcpsrv", "--quiet", "--interface", "127.0.0.1", "--port", p,
           db1, db2, (char *)NULL);
    _exit(127);
  }
  for (double t0 = now_s(); pid > 0 && now_s() - t0 < 5.0;) {
    int c = loopback(port, 0);
    if (c >= 0) {
      close(c);
      return pid;
    }
    if (waitpid(pid, NULL, WNOHANG) == pid) return 0;
    usleep(20000);
  }
  if (pid > 0) {
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
  }
  return 0;
}

static void stop_tcpsrv(pid_t pid) {
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
}

static void test_tcpsrv(void) {
  char p1[256], p2[256], name[64];
  unsigned port = 0;
  pid_t srv = start_tcpsrv(tmp_path(p1, sizeof p1, "shard1"), tmp_path(p2, sizeof p2, "shard2"),
                           &port);
  if (!srv) {
    fprintf(stderr, "test_engine: xapian-tcpsrv did not start: remote search not tested\n");
    return;
  }
  snprintf(name, sizeof name, "tcp:127.0.0.1:%u", port);
  const char *names[] = {p1, name}; /* a local shard and a remote one */
  engine_db *db = NULL;
  char *err = NULL;
  CHECK_INT(engine_db_open(names, 2, 2000, &db, &err), ENGINE_OK);
  CHECK(err == NULL);
  free(err);
  CHECK_INT(engine_db_doccount(db), 3 + 5);

  unsigned slots[] = {SLOT_CAT};
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.facet_slots = slots;
  o.n_facet_slots = 1;
  engine_mset *m = NULL;
  engine_query *q = T("chỉ");
  CHECK_INT(engine_db_search(db, q, &o, &m), ENGINE_OK);
  CHECK_INT(engine_mset_size(m), 2 + 3); /* shard1 twice: locally and remotely */
  text counts = {0};
  CHECK_INT(engine_mset_facet(m, SLOT_CAT, collect_term, &counts), ENGINE_OK);
  CHECK_STR(counts.buf, "ct:5");
  size_t len = 0;
  CHECK(engine_mset_data(m, 0, &len) != NULL && len == 3);
  engine_mset_free(m);

  /* xapian-tcpsrv cannot know the engine's recency source. */
  o.recency_slot = SLOT_DATE;
  o.recency_now = 5;
  o.recency_halflife = 1;
  o.recency_weight = 1;
  CHECK_INT(engine_db_search(db, q, &o, &m), ENGINE_BAD_QUERY);
  CHECK(m == NULL);
  CHECK(strstr(engine_db_errmsg(db), "PostingSource") != NULL);

  /* The server goes away under an open database. */
  stop_tcpsrv(srv);
  text hits;
  engine_search_opts_init(&o);
  CHECK_INT(engine_db_search(db, q, &o, &m), ENGINE_NETWORK);
  CHECK(engine_db_errmsg(db)[0] != '\0');
  engine_query_free(q);
  engine_db_close(db);
  (void)hits;
}

/* A listening socket that never answers makes the handshake time out:
 * this checks that timeout_ms really is milliseconds (Xapian's parameter
 * type says microseconds). */
static void test_remote(void) {
  unsigned port = 0;
  int s = loopback(&port, 1);
  CHECK(s >= 0);
  char name[64], *err = NULL;
  snprintf(name, sizeof name, "tcp:127.0.0.1:%u", port);
  const char *names[] = {name};
  engine_db *db = (engine_db *)1;
  double t0 = now_s();
  CHECK_INT(engine_db_open(names, 1, 300, &db, &err), ENGINE_NETWORK);
  double took = now_s() - t0;
  CHECK(took > 0.25 && took < 5.0);
  CHECK(db == NULL);
  CHECK(err != NULL && strncmp(err, name, strlen(name)) == 0);
  free(err);
  close(s);

  static const char *malformed[] = {"tcp:", "tcp:host", "tcp:host:", "tcp::80",
                                    "tcp:host:0", "tcp:host:65536", "tcp:host:-1", "tcp:host:8x"};
  for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) {
    const char *one[] = {malformed[i]};
    CHECK_INT(engine_db_open(one, 1, 100, &db, NULL), ENGINE_INVALID);
  }
  test_tcpsrv();
}

/* 17. Queries: construction, description, what the engine refuses. */
static void test_queries(void) {
  CHECK(engine_query_term(NULL, 0, 1) == NULL);
  CHECK(engine_query_term("", 0, 1) == NULL); /* Xapian's "" means every document */
  engine_query *a = T("a"), *all = engine_query_match_all(), *none = engine_query_match_nothing();
  CHECK(!engine_query_is_empty(a) && !engine_query_is_empty(all));
  CHECK(engine_query_is_empty(none));
  CHECK(engine_query_is_empty(NULL));
  CHECK(engine_query_scale(a, -1.0) == NULL);
  CHECK(engine_query_scale(a, NAN) == NULL);
  engine_query *scaled = engine_query_scale(a, 2.0);
  char *desc = engine_query_describe(scaled);
  CHECK_STR(desc, "Query(2 * a)");
  free(desc);
  engine_query *subs[] = {a, NULL};
  CHECK(engine_query_combine(ENGINE_OP_AND, subs, 2, 0) == NULL);
  CHECK(engine_query_combine(ENGINE_OP_AND, NULL, 2, 0) == NULL);
  CHECK(engine_query_combine((engine_query_op)42, subs, 1, 0) == NULL);
  engine_query *empty_and = engine_query_combine(ENGINE_OP_AND, NULL, 0, 0);
  CHECK(empty_and != NULL && engine_query_is_empty(empty_and));
  engine_query *b = T("b");
  engine_query *near_subs[] = {a, b};
  engine_query *near = engine_query_combine(ENGINE_OP_NEAR, near_subs, 2, 5);
  desc = engine_query_describe(near);
  CHECK_STR(desc, "Query((a NEAR 5 b))");
  free(desc);
  /* Xapian 1.4 refuses, as it builds them, phrases over anything but terms
   * (and ORs of terms): NULL, like the other refusals. */
  engine_query *and_q = engine_query_combine(ENGINE_OP_AND, near_subs, 2, 0);
  engine_query *phrase_subs[] = {and_q, b};
  CHECK(engine_query_combine(ENGINE_OP_PHRASE, phrase_subs, 2, 0) == NULL);
  engine_query *or_q = engine_query_combine(ENGINE_OP_OR, near_subs, 2, 0);
  phrase_subs[0] = or_q;
  engine_query *phrase_or = engine_query_combine(ENGINE_OP_PHRASE, phrase_subs, 2, 0);
  CHECK(phrase_or != NULL);
  engine_query_free(and_q);
  engine_query_free(or_q);
  engine_query_free(phrase_or);
  engine_query_free(b);
  engine_query *range = engine_query_value_range(3, "a", NULL);
  desc = engine_query_describe(range);
  CHECK_STR(desc, "Query(VALUE_GE 3 a)");
  free(desc);
  CHECK(engine_query_describe(NULL) == NULL);
  engine_query_free(a);
  engine_query_free(all);
  engine_query_free(none);
  engine_query_free(scaled);
  engine_query_free(empty_and);
  engine_query_free(near);
  engine_query_free(range);
  engine_query_free(NULL);
}

/* 18. Options the engine refuses before Xapian sees them. (A query that
 * fails while it runs, ENGINE_BAD_QUERY, is in test_remote: through the C
 * interface only the recency source on a remote shard does that.) */
static void test_opts(void) {
  engine_writer *w = create_db("badq");
  put_doc(w, "b1", "a b c", 1, NULL, 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  engine_db *db = open_db("badq");
  text hits;

  engine_search_opts o;
  engine_search_opts_init(&o);
  o.sort = ENGINE_SORT_VALUE; /* without a slot */
  CHECK_INT(search(db, T("a"), &o, &hits), ENGINE_INVALID);
  engine_search_opts_init(&o);
  o.bm25_k1 = -1;
  CHECK_INT(search(db, T("a"), &o, &hits), ENGINE_INVALID);
  engine_search_opts_init(&o);
  o.recency_weight = 1;
  o.recency_slot = SLOT_DATE;
  o.recency_halflife = 0;
  CHECK_INT(search(db, T("a"), &o, &hits), ENGINE_INVALID);
  engine_search_opts_init(&o);
  o.n_facet_slots = 1;
  CHECK_INT(search(db, T("a"), &o, &hits), ENGINE_INVALID);
  CHECK(engine_db_errmsg(db)[0] != '\0');

  /* Explicit BM25 parameters are used as given. */
  engine_search_opts_init(&o);
  o.bm25_k1 = 1.2;
  o.bm25_b = 0.75;
  CHECK_INT(search(db, T("a"), &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "b1");
  CHECK_STR(engine_db_errmsg(db), "");
  engine_db_close(db);
}

/* 19b. engine_query_rarest keeps the subqueries whose terms are rarest
 * over the whole database (and drops those it does not hold); a search from
 * an offset returns the rest of the ranking in every sort order (Xapian
 * 1.4.22's MSet::fetch crashed on one). */
static void test_elite_and_offset(void) {
  engine_writer *w = create_db("elite");
  put_doc(w, "e1", "common rare", 1, NULL, 1);
  put_doc(w, "e2", "common mid", 2, NULL, 1);
  put_doc(w, "e3", "common mid", 3, NULL, 1);
  put_doc(w, "e4", "common", 4, NULL, 1);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  engine_db *db = open_db("elite");
  text hits;
  engine_search_opts o;
  engine_search_opts_init(&o);
  engine_query *subs[] = {T("common"), T("absent"), T("mid"), T("rare")};
  CHECK(engine_query_rarest(NULL, subs, 4, 1) == NULL);
  engine_query *q = engine_query_rarest(db, subs, 4, 1);
  char *desc = engine_query_describe(q);
  CHECK_STR(desc, "Query(rare)");
  free(desc);
  CHECK_INT(search(db, q, &o, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "e1");
  q = engine_query_rarest(db, subs, 4, 2); /* in the order given, "absent" left out */
  desc = engine_query_describe(q);
  CHECK_STR(desc, "Query((mid OR rare))");
  free(desc);
  engine_query_free(q);
  q = engine_query_rarest(db, subs, 4, 10);
  desc = engine_query_describe(q);
  CHECK_STR(desc, "Query((common OR mid OR rare))");
  free(desc);
  engine_query_free(q);
  for (size_t i = 0; i < 4; i++) engine_query_free(subs[i]);
  static const engine_sort sorts[] = {ENGINE_SORT_RELEVANCE, ENGINE_SORT_VALUE};
  for (size_t i = 0; i < 2; i++) {
    engine_search_opts_init(&o);
    o.sort = sorts[i];
    o.sort_slot = SLOT_DATE;
    o.sort_descending = 1;
    text all;
    CHECK_INT(search(db, T("common"), &o, &all), ENGINE_OK);
    o.offset = 2;
    CHECK_INT(search(db, T("common"), &o, &hits), ENGINE_OK);
    CHECK_STR(hits.buf, strchr(strchr(all.buf, ' ') + 1, ' ') + 1); /* the 3rd and 4th */
  }
  engine_db_close(db);
}

/* 20. The plain-Xapian baseline (bench/): TermGenerator without stemmer,
 * QueryParser with OR as the default operator; positions kept. */
static void plain_doc(engine_writer *w, const char *id, const char *title, const char *body) {
  engine_doc *d = engine_doc_new();
  CHECK_INT(engine_doc_index_text_plain(d, title, strlen(title)), ENGINE_OK);
  CHECK_INT(engine_doc_index_text_plain(d, body, strlen(body)), ENGINE_OK);
  CHECK_INT(engine_doc_set_data(d, id, strlen(id)), ENGINE_OK);
  char uid[64];
  snprintf(uid, sizeof uid, "Q%s", id);
  CHECK_INT(engine_writer_replace(w, uid, strlen(uid), d), ENGINE_OK);
  engine_doc_free(d);
}

static engine_query *P(const char *q) { return engine_query_parse_plain(q, strlen(q)); }

static void test_plain(void) {
  engine_writer *w = create_db("plain");
  plain_doc(w, "qd", "Quyết định", "về phòng chống dịch bệnh");
  plain_doc(w, "tb", "Thông báo", "lịch tiếp dân, phòng họp");
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  engine_db *db = open_db("plain");
  /* Lower-cased, accents kept, no stemmed "Z" terms. */
  CHECK_INT(engine_db_termfreq(db, "quyết", strlen("quyết")), 1);
  CHECK_INT(engine_db_termfreq(db, "quyet", strlen("quyet")), 0);
  CHECK_INT(engine_db_termfreq(db, "phòng", strlen("phòng")), 2);
  CHECK_INT(engine_db_termfreq(db, "Zphòng", strlen("Zphòng")), 0);

  text hits;
  /* OR by default: either word finds its document. */
  CHECK_INT(search(db, P("dịch tiếp"), NULL, &hits), ENGINE_OK);
  CHECK(strcmp(hits.buf, "qd tb") == 0 || strcmp(hits.buf, "tb qd") == 0);
  /* Positions go on across the two calls, so a phrase can span them
   * ("định" is the title's last word, "về" the body's first). */
  CHECK_INT(search(db, P("\"định về\""), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "qd");
  CHECK_INT(search(db, P("\"phòng dịch\""), NULL, &hits), ENGINE_OK);
  CHECK_STR(hits.buf, "");
  engine_query *q = P("a b");
  char *desc = engine_query_describe(q);
  CHECK_STR(desc, "Query((a@1 OR b@2))");
  free(desc);
  engine_query_free(q);
  q = P("");
  CHECK(q != NULL && engine_query_is_empty(q));
  engine_query_free(q);

  CHECK(engine_query_parse_plain(NULL, 1) == NULL);
  CHECK_INT(engine_doc_index_text_plain(NULL, "a", 1), ENGINE_INVALID);
  engine_doc *d = engine_doc_new();
  CHECK_INT(engine_doc_index_text_plain(d, NULL, 1), ENGINE_INVALID);
  CHECK_INT(engine_doc_index_text_plain(d, NULL, 0), ENGINE_OK);
  engine_doc_free(d);
  engine_db_close(db);
}

/* 19. NULL everywhere: a status or a NULL, never a crash. */
static void test_null_arguments(void) {
  engine_doc_free(NULL);
  CHECK_INT(engine_doc_add_posting(NULL, "a", 1, 1, 1), ENGINE_INVALID);
  engine_doc *d = engine_doc_new();
  CHECK_INT(engine_doc_add_posting(d, NULL, 0, 1, 1), ENGINE_INVALID);
  CHECK_INT(engine_doc_add_posting(d, "a", 0, 1, 1), ENGINE_INVALID);
  CHECK_INT(engine_doc_add_posting(d, "a", 1, 0, 1), ENGINE_INVALID); /* positions start at 1 */
  CHECK_INT(engine_doc_set_value(d, 0, NULL, 3), ENGINE_INVALID);
  CHECK_INT(engine_doc_set_value(d, 0, NULL, 0), ENGINE_OK);
  CHECK_INT(engine_doc_set_data(NULL, "x", 1), ENGINE_INVALID);
  CHECK_INT(engine_doc_set_data(d, NULL, 0), ENGINE_OK);

  engine_writer *w = (engine_writer *)1;
  char *err = NULL;
  CHECK_INT(engine_writer_open(NULL, ENGINE_CREATE, &w, &err), ENGINE_INVALID);
  CHECK(w == NULL);
  free(err);
  CHECK_INT(engine_writer_open("/tmp/x", 7, &w, NULL), ENGINE_INVALID);
  CHECK_INT(engine_writer_open("/tmp/x", ENGINE_CREATE, NULL, NULL), ENGINE_INVALID);
  CHECK_INT(engine_writer_replace(NULL, "Qa", 2, d), ENGINE_INVALID);
  CHECK_INT(engine_writer_delete(NULL, "Qa", 2), ENGINE_INVALID);
  CHECK_INT(engine_writer_commit(NULL), ENGINE_INVALID);
  CHECK_INT(engine_writer_set_metadata(NULL, "k", "v"), ENGINE_INVALID);
  char *v = (char *)1;
  CHECK_INT(engine_writer_get_metadata(NULL, "k", &v), ENGINE_INVALID);
  CHECK(v == NULL);
  CHECK_INT(engine_writer_doccount(NULL), 0);
  CHECK_INT(engine_writer_close(NULL), ENGINE_OK);
  CHECK_STR(engine_writer_errmsg(NULL), "");

  w = create_db("nulls");
  CHECK_INT(engine_writer_replace(w, "Qa", 2, NULL), ENGINE_INVALID);
  CHECK_INT(engine_writer_replace(w, "", 0, d), ENGINE_INVALID);
  CHECK_INT(engine_writer_set_metadata(w, "k", NULL), ENGINE_INVALID);
  CHECK_INT(engine_writer_get_metadata(w, "k", NULL), ENGINE_INVALID);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  engine_doc_free(d);

  engine_db *db = (engine_db *)1;
  CHECK_INT(engine_db_open(NULL, 1, 0, &db, &err), ENGINE_INVALID);
  CHECK(db == NULL);
  CHECK(err != NULL);
  free(err);
  const char *names[] = {NULL};
  CHECK_INT(engine_db_open(names, 1, 0, &db, NULL), ENGINE_INVALID);
  CHECK_INT(engine_db_open(names, 0, 0, &db, NULL), ENGINE_INVALID);
  CHECK_INT(engine_db_open(names, 1, 0, NULL, NULL), ENGINE_INVALID);
  engine_db_close(NULL);
  CHECK_STR(engine_db_errmsg(NULL), "");
  CHECK_INT(engine_db_reopen(NULL), ENGINE_INVALID);
  CHECK_INT(engine_db_doccount(NULL), 0);
  CHECK_INT(engine_db_termfreq(NULL, "a", 1), 0);
  CHECK_INT(engine_db_get_metadata(NULL, "k", &v), ENGINE_INVALID);
  CHECK_INT(engine_db_allterms(NULL, "", collect_term, NULL), ENGINE_INVALID);

  db = open_db("nulls");
  engine_mset *m = (engine_mset *)1;
  CHECK_INT(engine_db_search(db, NULL, NULL, &m), ENGINE_INVALID);
  CHECK(m == NULL);
  CHECK_INT(engine_db_search(NULL, NULL, NULL, &m), ENGINE_INVALID);
  CHECK_INT(engine_db_allterms(db, NULL, NULL, NULL), ENGINE_INVALID);
  engine_db_close(db);

  CHECK_INT(engine_mset_size(NULL), 0);
  CHECK_INT(engine_mset_estimated(NULL), 0);
  CHECK_INT(engine_mset_docid(NULL, 0), 0);
  CHECK(engine_mset_weight(NULL, 0) == 0.0);
  size_t len = 7;
  CHECK(engine_mset_data(NULL, 0, &len) == NULL && len == 0);
  CHECK(engine_mset_value(NULL, 0, 0, NULL) == NULL);
  CHECK_INT(engine_mset_matching_terms(NULL, 0, collect_term, NULL), ENGINE_INVALID);
  CHECK_INT(engine_mset_facet(NULL, 0, collect_term, NULL), ENGINE_INVALID);
  CHECK_INT(engine_mset_status(NULL), ENGINE_INVALID);
  CHECK_STR(engine_mset_errmsg(NULL), "");
  engine_mset_free(NULL);
  engine_search_opts_init(NULL);

  CHECK_INT(engine_compact(NULL, 1, "/tmp/x", &err), ENGINE_INVALID);
  free(err);
  CHECK_INT(engine_compact(names, 0, NULL, NULL), ENGINE_INVALID);
}

/* 23. A long-lived reader follows its names: new commits (reopen), a
 * symlink swapped to another database, a stub rewritten, a directory
 * deleted or replaced in place: each is seen, and a handle whose names
 * moved is never reopened into a mix of two databases. */
static void put_n(const char *name, const char *word, int n) {
  engine_writer *w = create_db(name);
  for (int i = 0; i < n; i++) {
    char id[32];
    snprintf(id, sizeof id, "%s%d", word, i);
    put_doc(w, id, word, i, NULL, 1);
  }
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
}

static void test_refresh(void) {
  char v1[256], v2[256], cur[256], tmp[256], stub[256];
  put_n("follow-v1", "mot", 3);
  put_n("follow-v2", "hai", 5);
  tmp_path(v1, sizeof v1, "follow-v1");
  tmp_path(v2, sizeof v2, "follow-v2");
  CHECK(symlink(v1, tmp_path(cur, sizeof cur, "follow-cur")) == 0);
  const char *names[] = {cur};
  engine_db *db = NULL;
  CHECK_INT(engine_db_open(names, 1, 0, &db, NULL), ENGINE_OK);
  CHECK_INT(engine_db_moved(db), 0);
  int moved = -1;
  CHECK_INT(engine_db_refresh(db, &moved), ENGINE_OK);
  CHECK_INT(moved, 0);

  /* A commit: the same handle sees it. */
  engine_writer *w = NULL;
  CHECK_INT(engine_writer_open(v1, ENGINE_OPEN_EXISTING, &w, NULL), ENGINE_OK);
  put_doc(w, "mot-new", "mot", 9, NULL, 1);
  CHECK_INT(engine_writer_commit(w), ENGINE_OK);
  CHECK_INT(engine_db_doccount(db), 3);
  CHECK_INT(engine_db_refresh(db, &moved), ENGINE_OK);
  CHECK_INT(moved, 0);
  CHECK_INT(engine_db_doccount(db), 4);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  /* The symlink swapped (what compact --swap does): moved, not reopened. */
  CHECK(symlink(v2, tmp_path(tmp, sizeof tmp, "follow-cur.new")) == 0);
  CHECK(rename(tmp, cur) == 0);
  CHECK_INT(engine_db_moved(db), 1);
  CHECK_INT(engine_db_refresh(db, &moved), ENGINE_OK);
  CHECK_INT(moved, 1);
  CHECK(strstr(engine_db_errmsg(db), "another database") != NULL);
  text hits;
  CHECK_INT(search(db, T("mot"), NULL, &hits), ENGINE_OK); /* still the old one, whole */
  CHECK(strstr(hits.buf, "mot-new") != NULL);
  engine_db_close(db);
  CHECK_INT(engine_db_open(names, 1, 0, &db, NULL), ENGINE_OK);
  CHECK_INT(engine_db_doccount(db), 5);

  /* Replaced in place (deleted, made again under the same name): moved,
   * by the directory's identity or else by the UUID. */
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", v2);
  CHECK(system(cmd) == 0);
  CHECK_INT(engine_db_refresh(db, &moved), ENGINE_OK);
  CHECK_INT(moved, 1); /* deleted */
  put_n("follow-v2", "ba", 2);
  CHECK_INT(engine_db_refresh(db, &moved), ENGINE_OK);
  CHECK_INT(moved, 1);
  engine_db_close(db);

  /* A stub rewritten to name other shards. */
  FILE *f = fopen(tmp_path(stub, sizeof stub, "follow.stub"), "w");
  CHECK(f != NULL);
  if (f) fprintf(f, "auto follow-v1\n"), fclose(f);
  const char *stubs[] = {stub};
  CHECK_INT(engine_db_open(stubs, 1, 0, &db, NULL), ENGINE_OK);
  CHECK_INT(engine_db_refresh(db, &moved), ENGINE_OK);
  CHECK_INT(moved, 0);
  f = fopen(stub, "a");
  CHECK(f != NULL);
  if (f) fprintf(f, "auto follow-v2\n"), fclose(f);
  CHECK_INT(engine_db_refresh(db, &moved), ENGINE_OK);
  CHECK_INT(moved, 1);
  engine_db_close(db);

  CHECK_INT(engine_db_moved(NULL), 1);
  CHECK_INT(engine_db_refresh(NULL, &moved), ENGINE_INVALID);
  CHECK_INT(engine_db_refresh(db = NULL, NULL), ENGINE_INVALID);
}

/* Bulk building: a document's terms in one call, chosen ids, runs merged
 * with their ids kept, ids added twice settled by move and delete. */
static engine_doc *terms_doc(const char *data) {
  static const char base[] = "quyetdinhEquyếtBquyet dinh";
  const engine_term terms[] = {{0, 5, 1, 1}, {5, 4, 2, 1}, {9, 8, 0, 1}, {17, 11, 0, 1}};
  engine_doc *d = engine_doc_new();
  CHECK_INT(engine_doc_add_terms(d, base, terms, 4), ENGINE_OK);
  CHECK_INT(engine_doc_set_data(d, data, strlen(data)), ENGINE_OK);
  return d;
}

static void test_bulk(void) {
  /* One bad term refuses the whole call and leaves the document as it was. */
  engine_doc *d = engine_doc_new();
  const engine_term bad[] = {{0, 3, 1, 1}, {0, 0, 0, 0}};
  CHECK_INT(engine_doc_add_terms(d, "abc", bad, 2), ENGINE_INVALID);
  CHECK_INT(engine_doc_add_terms(NULL, "abc", bad, 1), ENGINE_INVALID);
  engine_doc_free(d);

  /* Two runs with ids of their own choosing, one id in both. */
  char r1[256], r2[256], out[256];
  tmp_path(r1, sizeof r1, "run1");
  tmp_path(r2, sizeof r2, "run2");
  tmp_path(out, sizeof out, "merged");
  engine_writer *w = NULL;
  CHECK_INT(engine_writer_open_bulk(r1, &w, NULL), ENGINE_OK);
  for (uint64_t id = 1; id <= 3; id++) {
    char data[16], q[16];
    snprintf(data, sizeof data, "a%llu", (unsigned long long)id);
    snprintf(q, sizeof q, "Qa%llu", (unsigned long long)id);
    d = terms_doc(data);
    CHECK_INT(engine_writer_put(w, id, q, strlen(q), d), ENGINE_OK);
    engine_doc_free(d);
  }
  d = terms_doc("x");
  CHECK_INT(engine_writer_put(w, 0, "Qx", 2, d), ENGINE_INVALID);
  engine_doc_free(d);
  CHECK_INT(engine_writer_lastdocid(w), 3);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);
  CHECK_INT(engine_writer_open_bulk(r2, &w, NULL), ENGINE_OK);
  d = terms_doc("a2 again");
  CHECK_INT(engine_writer_put(w, 7, "Qa2", 3, d), ENGINE_OK);
  engine_doc_free(d);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  /* Merged with the ids kept (7 stays 7); overlapping ranges are refused. */
  const char *src[] = {r1, r2};
  CHECK_INT(engine_compact_flags(src, 2, out, ENGINE_COMPACT_MULTIPASS | ENGINE_COMPACT_KEEP_IDS, NULL),
            ENGINE_OK);
  char again[256];
  const char *twice[] = {r1, r1};
  char *msg = NULL;
  CHECK(engine_compact_flags(twice, 2, tmp_path(again, sizeof again, "overlap"),
                             ENGINE_COMPACT_KEEP_IDS, &msg) != ENGINE_OK);
  CHECK(msg != NULL);
  free(msg);

  CHECK_INT(engine_writer_open(out, ENGINE_OPEN_EXISTING, &w, NULL), ENGINE_OK);
  CHECK_INT(engine_writer_lastdocid(w), 7);
  uint64_t *ids = NULL;
  size_t n = 0;
  CHECK_INT(engine_writer_postings(w, "Qa2", 3, &ids, &n), ENGINE_OK);
  CHECK_INT(n, 2);
  if (n == 2) CHECK(ids[0] == 2 && ids[1] == 7);
  free(ids);
  /* What a sequential replace would have left: the last text at the first id. */
  CHECK_INT(engine_writer_move(w, 7, 2, -1), ENGINE_OK);
  CHECK_INT(engine_writer_delete_id(w, 3), ENGINE_OK);
  CHECK_INT(engine_writer_delete_id(w, 99), ENGINE_OK); /* none: not an error */
  CHECK_INT(engine_writer_delete_id(w, 0), ENGINE_INVALID);
  CHECK_INT(engine_writer_close(w), ENGINE_OK);

  engine_db *db = open_db("merged");
  CHECK_INT(engine_db_doccount(db), 2);
  CHECK_INT(engine_db_termfreq(db, "Qa2", 3), 1);
  CHECK_INT(engine_db_termfreq(db, "Bquyet dinh", 11), 2);
  text hits;
  engine_query *subs[] = {T("quyet"), T("dinh")};
  engine_query *phrase = engine_query_combine(ENGINE_OP_PHRASE, subs, 2, 0);
  engine_query_free(subs[0]);
  engine_query_free(subs[1]);
  CHECK_INT(search(db, phrase, NULL, &hits), ENGINE_OK); /* positions survived the move */
  CHECK_STR(hits.buf, "a1 a2 again");
  engine_db_close(db);
}

int main(void) {
  strcpy(tmpdir, "/tmp/test_engine.XXXXXX");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  test_strings();
  test_create_search();
  test_replace();
  test_phrase();
  test_values();
  test_facets();
  test_metadata();
  test_recency();
  test_matching_terms();
  test_long_term();
  test_missing();
  test_locked();
  test_corrupt();
  test_version_and_io();
  test_retry();
  test_shards_and_compact();
  test_remote();
  test_queries();
  test_opts();
  test_elite_and_offset();
  test_null_arguments();
  test_plain();
  test_refresh();
  test_bulk();
  nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
  return check_summary("test_engine");
}
