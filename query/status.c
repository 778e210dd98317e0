/* A document's force from the citation graph: the relation terms other
 * documents hold for its number (schema.h: XRX repeals, XRP replaces, XRA
 * amends). Per hit this is up to three term frequencies and, when one is
 * non-zero, one tiny search for the newest document holding the term. The
 * --status filter enumerates the targets of each relation once per query
 * and turns them into own-number terms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/record.h"
#include "model/schema.h"
#include "query/query_internal.h"
#include "text/text.h"

#define MAX_RETRIES 5

static const char *const STATUS_NAMES[] = {"unknown", "in-force", "amended", "replaced",
                                           "repealed"};

const char *query_doc_status_name(query_doc_status st) {
  return (unsigned)st < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0] ? STATUS_NAMES[st] : "unknown";
}

int query_doc_status_parse(const char *name, query_doc_status *st) {
  for (size_t i = 0; i < sizeof STATUS_NAMES / sizeof STATUS_NAMES[0]; i++)
    if (strcmp(name, STATUS_NAMES[i]) == 0) {
      *st = (query_doc_status)i;
      return 1;
    }
  return 0;
}

/* The evidence, strongest first. */
static const struct {
  const char *prefix;
  query_doc_status status;
} EVIDENCE[] = {{PREFIX_REL_REPEALS, QUERY_DOC_REPEALED},
                {PREFIX_REL_REPLACES, QUERY_DOC_REPLACED},
                {PREFIX_REL_AMENDS, QUERY_DOC_AMENDED}};
#define N_EVIDENCE (sizeof EVIDENCE / sizeof EVIDENCE[0])

/* prefix + key as one term into out; 0 when it would be too long. */
static size_t make_term(const char *prefix, const char *key, char out[ENGINE_MAX_TERM + 1]) {
  size_t p = strlen(prefix), k = strlen(key);
  if (p + k > ENGINE_MAX_TERM) return 0;
  memcpy(out, prefix, p);
  memcpy(out + p, key, k + 1);
  return p + k;
}

/* ---- the documents holding one term ---- */

/* Hands each hit's record to cb. *retry = 1 when it failed before cb saw
 * anything, in a way a reopened database may not fail: the database
 * changed under the read, or a record that does not parse (read in the
 * middle of a writer's commit, it may be whole on the next revision). */
static engine_status visit_mset(engine_mset *m, term_doc_cb cb, void *ctx, int *retry, char *err,
                               size_t errlen) {
  size_t n = engine_mset_size(m);
  *retry = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len = 0;
    const char *data = engine_mset_data(m, i, &len);
    if (!data) {
      snprintf(err, errlen, "%s", engine_mset_errmsg(m));
      *retry = i == 0 && engine_mset_status(m) == ENGINE_RETRY;
      return engine_mset_status(m);
    }
    record rec;
    char perr[160];
    if (record_parse_stored(data, len, &rec, perr, sizeof perr) != 0) {
      snprintf(err, errlen, "a damaged record (%s)", perr);
      *retry = i == 0;
      return ENGINE_CORRUPT;
    }
    int stop = cb(ctx, &rec);
    record_clear(&rec);
    if (stop < 0) return ENGINE_NOMEM;
    if (stop) break;
  }
  return ENGINE_OK;
}

engine_status term_docs(engine_db *db, const char *prefix, const char *key, uint32_t limit,
                       term_doc_cb cb, void *ctx, char *err, size_t errlen) {
  char term[ENGINE_MAX_TERM + 1];
  size_t tlen = make_term(prefix, key, term);
  if (tlen == 0) return ENGINE_OK;
  engine_query *q = engine_query_term(term, tlen, 1);
  if (!q) return ENGINE_NOMEM;
  engine_search_opts opts;
  engine_search_opts_init(&opts);
  opts.limit = limit;
  opts.sort = ENGINE_SORT_VALUE;
  opts.sort_slot = SLOT_DATE;
  opts.sort_descending = 1;
  engine_status qs;
  for (int tries = 0;; tries++) {
    engine_mset *m = NULL;
    qs = engine_db_search(db, q, &opts, &m);
    int retry = qs == ENGINE_RETRY;
    if (qs == ENGINE_OK) {
      qs = visit_mset(m, cb, ctx, &retry, err, errlen);
      engine_mset_free(m);
    } else {
      snprintf(err, errlen, "%s", engine_db_errmsg(db));
    }
    /* Not repeated once cb saw documents, but told apart from damage. */
    if (qs == ENGINE_RETRY && !retry && engine_db_retry_reopen(db) == ENGINE_CORRUPT) {
      snprintf(err, errlen, "%s", engine_db_errmsg(db));
      qs = ENGINE_CORRUPT;
    }
    if (!retry || tries == MAX_RETRIES) break;
    engine_status rs = engine_db_retry_reopen(db); /* CORRUPT: nothing newer to read */
    if (rs != ENGINE_OK) {
      if (qs != ENGINE_CORRUPT) snprintf(err, errlen, "%s", engine_db_errmsg(db));
      qs = rs;
      break;
    }
  }
  engine_query_free(q);
  return qs;
}

/* ---- one hit ---- */

static int keep_number(void *ctx, const record *rec) {
  char **by = ctx;
  const char *n = rec->number ? rec->number : rec->id;
  *by = strdup(n);
  return *by ? 1 : -1;
}

engine_status status_fill_hit(engine_db *db, query_hit *h, char *err, size_t errlen) {
  text_ref ref;
  const char *num = h->rec.number;
  h->status = QUERY_DOC_UNKNOWN;
  if (!num || !text_parse_ref(num, strlen(num), &ref)) return ENGINE_OK;
  h->status = QUERY_DOC_IN_FORCE;
  for (size_t i = 0; i < N_EVIDENCE; i++) {
    char term[ENGINE_MAX_TERM + 1];
    size_t tlen = make_term(EVIDENCE[i].prefix, ref.key, term);
    if (tlen == 0 || engine_db_termfreq(db, term, tlen) == 0) continue;
    h->status = EVIDENCE[i].status;
    return term_docs(db, EVIDENCE[i].prefix, ref.key, 1, keep_number, &h->status_by, err, errlen);
  }
  return ENGINE_OK;
}

/* ---- the filter ---- */

/* A growing OR of own-number terms. */
typedef struct {
  engine_query **q;
  size_t n, cap;
  size_t prefix_len;
  int nomem;
} term_set;

static int add_target(void *ctx, const char *term, size_t len, uint64_t freq) {
  (void)freq;
  term_set *ts = ctx;
  char own[ENGINE_MAX_TERM + 1];
  size_t klen = len - ts->prefix_len;
  size_t plen = strlen(PREFIX_OWN_NUMBER);
  if (plen + klen > ENGINE_MAX_TERM) return 0;
  if (ts->n == ts->cap) {
    size_t cap = ts->cap ? ts->cap * 2 : 64;
    engine_query **p = realloc(ts->q, cap * sizeof *p);
    if (!p) {
      ts->nomem = 1;
      return 1;
    }
    ts->q = p;
    ts->cap = cap;
  }
  memcpy(own, PREFIX_OWN_NUMBER, plen);
  memcpy(own + plen, term + ts->prefix_len, klen);
  ts->q[ts->n] = engine_query_term(own, plen + klen, 1);
  if (!ts->q[ts->n]) {
    ts->nomem = 1;
    return 1;
  }
  ts->n++;
  return 0;
}

static void term_set_free(term_set *ts) {
  for (size_t i = 0; i < ts->n; i++) engine_query_free(ts->q[i]);
  free(ts->q);
}

/* The documents whose own number is a target of any relation in
 * EVIDENCE[from..to). Never NULL unless out of memory. */
static engine_query *targets(engine_db *db, size_t from, size_t to, engine_status *est) {
  term_set ts = {0};
  for (size_t i = from; i < to && !ts.nomem && *est == ENGINE_OK; i++) {
    ts.prefix_len = strlen(EVIDENCE[i].prefix);
    *est = engine_db_allterms(db, EVIDENCE[i].prefix, add_target, &ts);
  }
  engine_query *q = NULL;
  if (!ts.nomem && *est == ENGINE_OK)
    q = ts.n ? engine_query_combine(ENGINE_OP_OR, ts.q, ts.n, 0) : engine_query_match_nothing();
  term_set_free(&ts);
  return q;
}

static engine_query *pair(engine_query_op op, engine_query *a, engine_query *b) {
  engine_query *parts[2] = {a, b};
  engine_query *q = a && b ? engine_query_combine(op, parts, 2, 0) : NULL;
  engine_query_free(a);
  engine_query_free(b);
  return q;
}

/* Status s as a query: the documents with that evidence and no stronger. */
static engine_query *status_query(engine_db *db, query_doc_status s, engine_status *est) {
  char has[ENGINE_MAX_TERM + 1];
  size_t hlen = make_term(PREFIX_HAS_NUMBER, "", has);
  switch (s) {
  case QUERY_DOC_REPEALED: return targets(db, 0, 1, est);
  case QUERY_DOC_REPLACED: return pair(ENGINE_OP_AND_NOT, targets(db, 1, 2, est), targets(db, 0, 1, est));
  case QUERY_DOC_AMENDED: return pair(ENGINE_OP_AND_NOT, targets(db, 2, 3, est), targets(db, 0, 2, est));
  case QUERY_DOC_IN_FORCE:
    return pair(ENGINE_OP_AND_NOT, engine_query_term(has, hlen, 1), targets(db, 0, N_EVIDENCE, est));
  case QUERY_DOC_UNKNOWN: break;
  }
  return pair(ENGINE_OP_AND_NOT, engine_query_match_all(), engine_query_term(has, hlen, 1));
}

static engine_query *filtered(const engine_query *q, const engine_query *f) {
  engine_query *parts[2] = {(engine_query *)q, (engine_query *)f};
  return engine_query_combine(ENGINE_OP_FILTER, parts, 2, 0);
}

engine_status status_filter(engine_db *db, const char *name, parsed_query *pq, char *err,
                           size_t errlen) {
  query_doc_status s;
  if (!query_doc_status_parse(name, &s)) {
    snprintf(err, errlen, "--status must be in-force, amended, replaced, repealed or unknown, not \"%s\"",
             query_shown(name, &(query_shown_text){0}));
    return ENGINE_BAD_QUERY;
  }
  engine_status est = ENGINE_OK;
  engine_query *f = status_query(db, s, &est);
  if (est != ENGINE_OK) {
    engine_query_free(f);
    snprintf(err, errlen, "%s", engine_db_errmsg(db));
    return est;
  }
  if (!f) return ENGINE_NOMEM;
  engine_query *q = filtered(pq->query, f);
  engine_query *fb = pq->fallback ? filtered(pq->fallback, f) : NULL;
  engine_query_free(f);
  if (!q || (pq->fallback && !fb)) {
    engine_query_free(q);
    engine_query_free(fb);
    return ENGINE_NOMEM;
  }
  engine_query_free(pq->query);
  engine_query_free(pq->fallback);
  pq->query = q;
  pq->fallback = fb;
  return ENGINE_OK;
}
