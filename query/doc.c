/* One document by its id, its whole text highlighted for a query. */
#include <stdlib.h>
#include <string.h>

#include "model/schema.h"
#include "model/schema_terms.h"
#include "query/query_internal.h"

typedef struct {
  record *rec;
  int found;
} doc_keep;

/* Keeps a copy of the record term_docs hands over (valid during the call only). */
static int keep_record(void *ctx, const record *rec) {
  doc_keep *k = ctx;
  char *json = record_to_json(rec);
  if (!json) return -1;
  int repaired;
  char perr[160];
  int rc = record_parse_json(json, strlen(json), k->rec, &repaired, perr, sizeof perr);
  free(json);
  if (rc != 0) return -1;
  k->found = 1;
  return 1;
}

/* The query's words highlighted over the whole body (into h->snippet). */
static engine_status highlight_body(const char *text, query_hit *h) {
  const char *body = h->rec.body ? h->rec.body : "";
  h->snippet = strdup(body);
  if (!h->snippet) return ENGINE_NOMEM;
  if (!text || !text[0]) return ENGINE_OK;
  query_request req;
  query_request_init(&req);
  req.text = text;
  parsed_query pq;
  char perr[200];
  if (parse_request(&req, &pq, perr, sizeof perr) != ENGINE_OK) return ENGINE_OK; /* no highlights */
  int rc = highlight_text(h->snippet, strlen(h->snippet), &pq.highlight, &h->spans, &h->n_spans);
  parsed_query_free(&pq);
  return rc == 0 ? ENGINE_OK : ENGINE_NOMEM;
}

/* When the document of id term was first indexed (schema.h SLOT_INDEXED), or 0. */
static int64_t stamp_of(engine_db *db, const char *term) {
  engine_query *q = engine_query_term(term, strlen(term), 1);
  engine_search_opts o;
  engine_search_opts_init(&o);
  o.limit = 1;
  engine_mset *m = NULL;
  int64_t stamp = 0;
  if (q && engine_db_search(db, q, &o, &m) == ENGINE_OK && engine_mset_size(m)) {
    size_t len = 0;
    const char *v = engine_mset_value(m, 0, SLOT_INDEXED, &len);
    if (v && len) stamp = (int64_t)engine_sortable_unserialise(v, len);
  }
  engine_mset_free(m);
  engine_query_free(q);
  return stamp;
}

engine_status query_doc(engine_db *db, const char *id, const char *text, query_result **out,
                       char *err, size_t errlen) {
  *out = calloc(1, sizeof **out);
  if (!*out) return ENGINE_NOMEM;
  query_hit *h = calloc(1, sizeof *h);
  if (h) h->snippet_from = -1; /* the whole body; the files are in h->rec */
  if (!h) {
    free(*out);
    *out = NULL;
    return ENGINE_NOMEM;
  }
  char term[SCHEMA_ID_TERM_MAX];
  schema_id_term(id, term);
  doc_keep k = {.rec = &h->rec};
  engine_status qs = term_docs(db, "", term, 1, keep_record, &k, err, errlen);
  if (qs == ENGINE_OK && k.found) {
    h->rank = 1;
    h->indexed_ms = stamp_of(db, term);
    qs = highlight_body(text, h);
    if (qs == ENGINE_OK) qs = status_fill_hit(db, h, err, errlen);
  }
  (*out)->hits = h;
  (*out)->n_hits = k.found ? 1 : 0;
  (*out)->estimated = (*out)->n_hits;
  if (qs != ENGINE_OK) {
    query_result_free(*out);
    *out = NULL;
  }
  return qs;
}
