/* check: every stored record parses and carries its own schema terms. */
#include "indexer/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/indexer.h"
#include "model/record.h"
#include "model/schema.h"
#include "model/schema_terms.h"

#define CHECK_PROGRESS_EVERY 1000
#define CHECK_MAX_TERMS 100000 /* schema terms of one document: far above any real one */

/* A sorted list of terms (both sources give them in byte order). */
typedef struct {
  char **v;
  size_t n, cap;
  int nomem;
} term_list;

static void terms_free(term_list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  memset(l, 0, sizeof *l);
}

/* A schema term checked against the record: an upper-case prefix
 * (schema.h) other than the text's (E, S, B) and the cited numbers' and
 * relations' (XR...). Those last depend on whether the record that was
 * indexed stated its relations or they were read from its text (a document
 * without a number of its own only cites what it "replaces"), which the
 * stored record does not say: rebuilt from it, a read relation becomes a
 * stated one. */
static int schema_term(const char *t, size_t len) {
  return len > 0 && t[0] >= 'A' && t[0] <= 'Z' && t[0] != PREFIX_EXACT[0] &&
         t[0] != PREFIX_TITLE[0] && t[0] != PREFIX_BIGRAM[0] &&
         !(len >= 2 && memcmp(t, PREFIX_CITED_NUMBER, 2) == 0);
}

static int keep_schema_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  term_list *l = ctx;
  (void)freq;
  if (!schema_term(term, len)) return 0;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 32;
    char **v = cap <= CHECK_MAX_TERMS ? realloc(l->v, cap * sizeof *v) : NULL;
    if (!v) {
      l->nomem = 1;
      return 1;
    }
    l->v = v;
    l->cap = cap;
  }
  if (!(l->v[l->n] = strndup(term, len))) {
    l->nomem = 1;
    return 1;
  }
  l->n++;
  return 0;
}

static int by_bytes(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

typedef struct {
  engine_db *db;
  const index_check_callbacks *cb;
  index_check_counts *counts;
  engine_status st; /* a failure that stops the walk */
  char *err;
  size_t errlen;
} walk;

static void fault(walk *w, uint64_t docid, const char *what) {
  if (w->cb && w->cb->fault) w->cb->fault(w->cb->ctx, docid, what);
}

/* The schema terms r gives (its id term included), sorted, into *want. */
static engine_status terms_of_record(const record *r, term_list *want) {
  engine_doc *doc = NULL;
  engine_status st = indexer_build_document(r, &doc);
  if (st != ENGINE_OK) return st;
  st = engine_doc_each_term(doc, keep_schema_term, want);
  engine_doc_free(doc);
  char id[SCHEMA_ID_TERM_MAX];
  size_t len = schema_id_term(r->id, id);
  if (st == ENGINE_OK) keep_schema_term(want, id, len, 0); /* added by the writer's replace */
  if (st == ENGINE_OK && want->nomem) st = ENGINE_NOMEM;
  if (st == ENGINE_OK) qsort(want->v, want->n, sizeof *want->v, by_bytes);
  return st;
}

/* The first difference of two sorted lists, described into out; 0 when equal. */
static int differ(const term_list *want, const term_list *have, char *out, size_t len) {
  size_t i = 0, j = 0;
  while (i < want->n || j < have->n) {
    int c = i == want->n ? 1 : j == have->n ? -1 : strcmp(want->v[i], have->v[j]);
    if (c < 0) {
      snprintf(out, len, "lacks the schema term \"%.80s\" its record gives", want->v[i]);
      return 1;
    }
    if (c > 0) {
      snprintf(out, len, "holds the schema term \"%.80s\" its record does not give", have->v[j]);
      return 1;
    }
    i++, j++;
  }
  return 0;
}

static int check_document(void *ctx, uint64_t docid, const char *data, size_t len) {
  walk *w = ctx;
  index_check_counts *c = w->counts;
  char why[320], perr[200];
  record r;
  if (++c->documents % CHECK_PROGRESS_EVERY == 0 && w->cb && w->cb->progress)
    w->cb->progress(w->cb->ctx, c->documents);
  if (record_parse_stored(data, len, &r, perr, sizeof perr) != 0) {
    c->bad_records++;
    snprintf(why, sizeof why, "its stored record does not parse (%s)", perr);
    fault(w, docid, why);
    return 0;
  }
  term_list want = {0}, have = {0};
  w->st = terms_of_record(&r, &want);
  if (w->st == ENGINE_OK) w->st = engine_db_document_terms(w->db, docid, keep_schema_term, &have);
  if (w->st == ENGINE_OK && have.nomem) w->st = ENGINE_NOMEM;
  if (w->st == ENGINE_OK && differ(&want, &have, why, sizeof why)) {
    c->bad_terms++;
    fault(w, docid, why);
  } else if (w->st != ENGINE_OK && w->st != ENGINE_NOMEM) {
    snprintf(w->err, w->errlen, "document %llu: %s", (unsigned long long)docid,
             engine_db_errmsg(w->db));
  }
  terms_free(&want);
  terms_free(&have);
  record_clear(&r);
  return w->st != ENGINE_OK;
}

engine_status indexer_check(engine_db *db, const index_check_callbacks *cb,
                            index_check_counts *counts, char *err, size_t errlen) {
  memset(counts, 0, sizeof *counts);
  err[0] = '\0';
  walk w = {db, cb, counts, ENGINE_OK, err, errlen};
  engine_status st = engine_db_each_document(db, check_document, &w);
  if (st != ENGINE_OK) {
    snprintf(err, errlen, "%s", engine_db_errmsg(db));
    return st;
  }
  if (w.st == ENGINE_NOMEM) snprintf(err, errlen, "out of memory");
  return w.st;
}
