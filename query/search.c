/* Running a parsed query: ranking, the recency blend, hits with snippets,
 * facets, and the reopen-and-retry loop that keeps readers safe while a
 * crawl writes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/dynbuf.h"
#include "model/record.h"
#include "model/schema.h"
#include "model/schema_terms.h"
#include "query/query_internal.h"
#include "text/text.h"

/* In blend mode the recency factor re-ranks this many of the best matches: the
 * factor moves a score by at most QUERY_DEFAULT_RECENCY_WEIGHT (30%), so a
 * document further down than this would need a far bigger score to rise. */
#define BLEND_POOL 50
#define SNIPPET_TOKENS 36
/* A database changed by a writer meanwhile: reopen and search again. */
#define MAX_RETRIES 5

void query_request_init(query_request *req) {
  memset(req, 0, sizeof *req);
  req->sort = QUERY_SORT_BLEND;
  req->limit = 10;
  req->halflife_days = QUERY_DEFAULT_HALFLIFE_DAYS;
  req->recency_weight = QUERY_DEFAULT_RECENCY_WEIGHT;
}

static void hit_clear(query_hit *h) {
  record_clear(&h->rec);
  free(h->snippet);
  free(h->spans);
  free(h->explain);
  free(h->status_by);
}

void query_result_free(query_result *res) {
  if (!res) return;
  for (size_t i = 0; i < res->n_hits; i++) hit_clear(&res->hits[i]);
  free(res->hits);
  for (size_t f = 0; f < res->n_facets; f++) {
    for (size_t i = 0; i < res->facets[f].n; i++) free(res->facets[f].values[i].value);
    free(res->facets[f].values);
  }
  free(res->suggestion);
  free(res->description);
  free(res);
}

static double today_days(const char *today) {
  int y, m, d;
  if (today && record_date_valid(today, &y, &m, &d)) return (double)schema_days_from_civil(y, m, d);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  return (double)schema_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* One candidate hit before the final order is known. */
typedef struct {
  size_t index;       /* in the mset */
  double relevance, score, days;
  int has_date;
} candidate;

static int by_score_then_date(const void *a, const void *b) {
  const candidate *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? 1 : -1;
  if (x->days != y->days) return x->days < y->days ? 1 : -1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* ---- facets ---- */

typedef struct {
  query_facet *facet;
  int nomem;
} facet_fill;

static int add_facet_value(void *ctx, const char *value, size_t len, uint64_t count) {
  facet_fill *ff = ctx;
  query_facet *f = ff->facet;
  query_facet_value *p = realloc(f->values, (f->n + 1) * sizeof *p);
  char *v = malloc(len + 1);
  if (!p || !v) {
    if (p) f->values = p;
    free(v);
    ff->nomem = 1;
    return 1;
  }
  memcpy(v, value, len);
  v[len] = '\0';
  f->values = p;
  f->values[f->n++] = (query_facet_value){v, count};
  return 0;
}

static const struct {
  const char *name;
  unsigned slot;
} facet_slots[] = {{"year", SLOT_YEAR}, {"type", SLOT_TYPE}, {"issuer", SLOT_ISSUER},
                   {"signer", SLOT_SIGNER}};
#define N_FACETS (sizeof facet_slots / sizeof facet_slots[0])

/* 1 when the value has a lower-case letter: "UBND quận Tây Hồ" reads
 * better than "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ". Vietnamese words written in
 * lower case always hold some plain ASCII letter, so ASCII is enough here. */
static int has_lower(const char *v) { return strpbrk(v, "abcdefghijklmnopqrstuvwxyz") != NULL; }

static int by_count_then_value(const void *a, const void *b) {
  const query_facet_value *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->value, y->value);
}

/* An issuer facet value with its key (schema_fold_issuer) and its place in
 * the facet (most frequent first), for sorting by key. */
typedef struct {
  char *key;
  size_t at;
} issuer_key;

static int by_key_then_place(const void *a, const void *b) {
  const issuer_key *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : (x->at > y->at) - (x->at < y->at);
}

/* The issuer facet counts an issuer once however it is written: values
 * whose issuer keys are equal are merged (sorted by key, so a facet of
 * thousands of issuers costs n log n), shown as the most frequent
 * spelling that is not all capitals. */
static int merge_issuers(query_facet *f) {
  issuer_key *k = calloc(f->n ? f->n : 1, sizeof *k);
  query_facet_value *merged = calloc(f->n ? f->n : 1, sizeof *merged);
  int rc = k && merged ? 0 : -1;
  for (size_t i = 0; i < f->n && rc == 0; i++) {
    dynbuf b;
    dynbuf_init(&b, ENGINE_MAX_TERM);
    k[i].at = i;
    if (schema_fold_issuer(f->values[i].value, strlen(f->values[i].value), &b) != 0 ||
        !(k[i].key = dynbuf_take(&b)))
      rc = -1;
    dynbuf_free(&b);
  }
  size_t out = 0;
  if (rc == 0) {
    qsort(k, f->n, sizeof *k, by_key_then_place);
    for (size_t i = 0; i < f->n;) {
      size_t shown = k[i].at; /* the most frequent spelling... */
      uint64_t count = 0;
      size_t j = i;
      for (; j < f->n && strcmp(k[j].key, k[i].key) == 0; j++) {
        count += f->values[k[j].at].count;
        /* ...unless it is all capitals and another is not */
        if (!has_lower(f->values[shown].value) && has_lower(f->values[k[j].at].value))
          shown = k[j].at;
      }
      merged[out].value = f->values[shown].value;
      merged[out++].count = count;
      f->values[shown].value = NULL; /* now merged's */
      i = j;
    }
  }
  for (size_t i = 0; k && i < f->n; i++) free(k[i].key);
  free(k);
  if (rc != 0) {
    free(merged);
    return rc;
  }
  for (size_t i = 0; i < f->n; i++) free(f->values[i].value);
  free(f->values);
  f->values = merged;
  f->n = out;
  qsort(f->values, f->n, sizeof *f->values, by_count_then_value);
  return 0;
}

static engine_status collect_facets(engine_mset *m, query_result *res) {
  for (size_t i = 0; i < N_FACETS; i++) {
    query_facet *f = &res->facets[res->n_facets++];
    f->name = facet_slots[i].name;
    facet_fill ff = {f, 0};
    engine_status st = engine_mset_facet(m, facet_slots[i].slot, add_facet_value, &ff);
    if (ff.nomem) return ENGINE_NOMEM;
    if (st != ENGINE_OK) return st;
    if (facet_slots[i].slot == SLOT_ISSUER && merge_issuers(f) != 0) return ENGINE_NOMEM;
  }
  return ENGINE_OK;
}

/* ---- explain ---- */

typedef struct {
  dynbuf *out;
  engine_db *db;
  char id_term[SCHEMA_ID_TERM_MAX];
  size_t id_len;
} explain_ctx;

/* The BM25 weight term alone gives the document with id_term, in this
 * database (the query's scale factors not applied). One tiny search per
 * term: --explain is for people, not for speed. */
static double term_weight(explain_ctx *ec, const char *term, size_t len) {
  engine_query *parts[2] = {engine_query_term(term, len, 1),
                            engine_query_term(ec->id_term, ec->id_len, 1)};
  engine_query *q = parts[0] && parts[1] ? engine_query_combine(ENGINE_OP_FILTER, parts, 2, 0) : NULL;
  engine_search_opts opts;
  engine_search_opts_init(&opts);
  opts.limit = 1;
  engine_mset *m = NULL;
  double w = 0;
  if (q && engine_db_search(ec->db, q, &opts, &m) == ENGINE_OK && engine_mset_size(m) == 1)
    w = engine_mset_weight(m, 0);
  engine_mset_free(m);
  engine_query_free(q);
  engine_query_free(parts[0]);
  engine_query_free(parts[1]);
  return w;
}

static int describe_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  static const struct {
    const char *prefix, *what;
  } kinds[] = {{PREFIX_OWN_YEAR, "own number/year"}, {PREFIX_CITED_YEAR, "cited number/year"},
               {PREFIX_OWN_BARE, "own number"},      {PREFIX_CITED_BARE, "cited number"},
               {PREFIX_OWN_NUMBER, "own number"},    {PREFIX_CITED_NUMBER, "citation"},
               {PREFIX_EXACT, "exact"},              {PREFIX_BIGRAM, "bigram"},
               {PREFIX_TITLE, "title"}};
  explain_ctx *ec = ctx;
  const char *what = "folded";
  size_t skip = 0;
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    size_t k = strlen(kinds[i].prefix);
    if (len > k && memcmp(term, kinds[i].prefix, k) == 0) {
      what = kinds[i].what;
      skip = k;
      break;
    }
  }
  dynbuf_printf(ec->out, "%s%s \"%.*s\" %.3f (in %llu docs)", ec->out->len ? ", " : "", what,
                (int)(len - skip), term + skip, term_weight(ec, term, len),
                (unsigned long long)freq);
  return 0;
}

/* ---- one attempt ---- */

typedef struct {
  engine_db *db;
  const query_request *req;
  parsed_query *pq;
  const engine_query *q;  /* pq->query, or pq->fallback when that found nothing */
  query_result *res;
  engine_mset *mset;
  int damaged; /* a record did not parse: retried on a reopened database first */
} attempt;

/* The snippet of the text that matched best: the body's, or an attached
 * file's (h->snippet_from says which, h->snippet_ocr whether any of it
 * was read by OCR); ties go to the body. 0, or -1 out of memory. */
static int snippet_choose(const record *rec, const highlight_set *hs, query_hit *h) {
  const char *body = rec->body ? rec->body : "";
  snippet_info best;
  h->snippet_from = -1;
  if (snippet_make(body, strlen(body), hs, SNIPPET_TOKENS, &h->snippet, &h->spans, &h->n_spans,
                   &best) != 0)
    return -1;
  for (size_t k = 0; k < rec->n_attachments; k++) {
    const record_attachment *a = &rec->attachments[k];
    if (!a->text || !a->text[0]) continue;
    char *snip;
    query_span *spans;
    size_t n_spans;
    snippet_info info;
    if (snippet_make(a->text, strlen(a->text), hs, SNIPPET_TOKENS, &snip, &spans, &n_spans, &info) != 0)
      return -1;
    /* a body with no text at all gives way to a file even when no word matched */
    if (info.score > best.score || (!body[0] && h->snippet_from < 0)) {
      free(h->snippet);
      free(h->spans);
      h->snippet = snip;
      h->spans = spans;
      h->n_spans = n_spans;
      h->snippet_from = (int)k;
      h->snippet_ocr = record_attachment_ocr_in(a, info.start, info.end);
      best = info;
    } else {
      free(snip);
      free(spans);
    }
  }
  return 0;
}

static engine_status fill_hit(attempt *at, const candidate *c, query_hit *h, char *err, size_t errlen) {
  size_t len = 0;
  const char *data = engine_mset_data(at->mset, c->index, &len);
  if (!data) {
    snprintf(err, errlen, "%s", engine_mset_errmsg(at->mset));
    return engine_mset_status(at->mset);
  }
  h->docid = engine_mset_docid(at->mset, c->index);
  size_t slen = 0;
  const char *stamp = engine_mset_value(at->mset, c->index, SLOT_INDEXED, &slen);
  h->indexed_ms = stamp && slen ? (int64_t)engine_sortable_unserialise(stamp, slen) : 0;
  h->relevance = c->relevance;
  h->score = c->score;
  char perr[160];
  if (record_parse_stored(data, len, &h->rec, perr, sizeof perr) != 0) {
    snprintf(err, errlen, "document %llu holds a damaged record (%s)",
             (unsigned long long)h->docid, perr);
    at->damaged = 1;
    return ENGINE_CORRUPT;
  }
  if (snippet_choose(&h->rec, &at->pq->highlight, h) != 0) return ENGINE_NOMEM;
  engine_status sq = status_fill_hit(at->db, h, err, errlen);
  if (sq != ENGINE_OK) return sq;
  if (at->req->explain) {
    dynbuf b;
    dynbuf_init(&b, 8192);
    explain_ctx ec = {.out = &b, .db = at->db};
    ec.id_len = schema_id_term(h->rec.id, ec.id_term);
    engine_mset_matching_terms(at->mset, c->index, describe_term, &ec);
    if (at->req->sort == QUERY_SORT_BLEND && c->has_date)
      dynbuf_printf(&b, "; bm25 %.3f x recency %.3f", c->relevance, c->score / (c->relevance ? c->relevance : 1));
    else
      dynbuf_printf(&b, "; bm25 %.3f", c->relevance);
    h->explain = dynbuf_take(&b);
  }
  return ENGINE_OK;
}

/* The engine's part of one attempt: in blend mode a pool of the best matches
 * that the recency factor re-ranks, else just the page asked for. */
static void search_options(const attempt *at, int blend, engine_search_opts *opts) {
  static const unsigned slots[] = {SLOT_YEAR, SLOT_TYPE, SLOT_ISSUER, SLOT_SIGNER};
  const query_request *req = at->req;
  uint32_t want = req->offset + req->limit;
  engine_search_opts_init(opts);
  opts->offset = blend ? 0 : req->offset;
  opts->limit = blend ? (want > BLEND_POOL ? want : BLEND_POOL) : req->limit;
  opts->sort_slot = req->sort == QUERY_SORT_INDEXED ? SLOT_INDEXED : SLOT_DATE;
  opts->sort_descending = 1;
  opts->sort = (req->sort == QUERY_SORT_DATE || req->sort == QUERY_SORT_INDEXED || !at->pq->has_text)
                   ? ENGINE_SORT_VALUE
                   : ENGINE_SORT_RELEVANCE;
  if (req->facets) {
    opts->facet_slots = slots;
    opts->n_facet_slots = N_FACETS;
  }
}

/* The recency blend: relevance * (1 - w + w * 0.5 ^ (age / halflife)); a
 * document with no date gets the factor of a very old one. */
static double blended(const query_request *req, double relevance, int has_date, double age) {
  double w = req->recency_weight;
  if (!has_date) return relevance * (1.0 - w);
  return relevance * (1.0 - w + w * pow(0.5, (age < 0 ? 0 : age) / req->halflife_days));
}

/* The mset's matches as candidates with their scores, in final order (the
 * engine's, or re-sorted by the blended score). NULL when out of memory. */
static candidate *score_candidates(const attempt *at, int blend, size_t *n /* OUT */) {
  *n = engine_mset_size(at->mset);
  candidate *cands = calloc(*n ? *n : 1, sizeof *cands);
  if (!cands) return NULL;
  double now = today_days(at->req->today);
  for (size_t i = 0; i < *n; i++) {
    candidate *c = &cands[i];
    c->index = i;
    c->relevance = c->score = engine_mset_weight(at->mset, i);
    size_t vlen = 0;
    const char *v = engine_mset_value(at->mset, i, SLOT_DATE, &vlen);
    c->has_date = v && vlen > 0;
    c->days = c->has_date ? engine_sortable_unserialise(v, vlen) : -1e9;
    if (blend) c->score = blended(at->req, c->relevance, c->has_date, now - c->days);
  }
  if (blend) qsort(cands, *n, sizeof *cands, by_score_then_date);
  return cands;
}

/* The page of hits: candidates [offset, offset + limit) of the blend order,
 * or all of them when the engine already cut the page. */
static engine_status fill_hits(attempt *at, const candidate *cands, size_t n, int blend, char *err,
                              size_t errlen) {
  const query_request *req = at->req;
  size_t first = blend ? req->offset : 0;
  size_t count = first < n ? n - first : 0;
  if (count > req->limit) count = req->limit;
  query_result *res = at->res;
  res->hits = calloc(count ? count : 1, sizeof *res->hits);
  engine_status qs = res->hits ? ENGINE_OK : ENGINE_NOMEM;
  for (size_t i = 0; qs == ENGINE_OK && i < count; i++) {
    res->hits[i].rank = (unsigned)(req->offset + i + 1);
    qs = fill_hit(at, &cands[first + i], &res->hits[i], err, errlen);
    res->n_hits = i + 1;
  }
  return qs;
}

static engine_status fill_facets(attempt *at, char *err, size_t errlen) {
  engine_status st = collect_facets(at->mset, at->res);
  if (st != ENGINE_OK && st != ENGINE_NOMEM) snprintf(err, errlen, "%s", engine_mset_errmsg(at->mset));
  return st;
}

static engine_status run_once(attempt *at, char *err, size_t errlen) {
  int blend = at->req->sort == QUERY_SORT_BLEND && at->pq->has_text;
  engine_search_opts opts;
  search_options(at, blend, &opts);
  engine_status st = engine_db_search(at->db, at->q, &opts, &at->mset);
  if (st != ENGINE_OK) {
    snprintf(err, errlen, "%s", engine_db_errmsg(at->db));
    return st;
  }
  size_t n;
  candidate *cands = score_candidates(at, blend, &n);
  if (!cands) return ENGINE_NOMEM;
  engine_status qs = fill_hits(at, cands, n, blend, err, errlen);
  free(cands);
  at->res->estimated = engine_mset_estimated(at->mset);
  if (qs == ENGINE_OK && at->req->facets) qs = fill_facets(at, err, errlen);
  return qs;
}

/* One search, reopening the database and repeating when a writer changed
 * it meanwhile. */
static engine_status run_query(engine_db *db, const query_request *req, parsed_query *pq,
                              const engine_query *q, query_result **out, char *err, size_t errlen) {
  *out = NULL;
  for (int tries = 0;; tries++) {
    query_result *res = calloc(1, sizeof *res);
    if (!res) return ENGINE_NOMEM;
    attempt at = {db, req, pq, q, res, NULL, 0};
    engine_status qs = run_once(&at, err, errlen);
    engine_mset_free(at.mset);
    if (qs == ENGINE_OK) {
      *out = res;
      return ENGINE_OK;
    }
    query_result_free(res);
    /* Read in the middle of a commit, a record may be whole after a reopen:
     * only one that stays damaged (nothing newer to reopen) is reported. */
    int damaged = qs == ENGINE_CORRUPT && at.damaged;
    if ((qs != ENGINE_RETRY && !damaged) || tries == MAX_RETRIES) return qs;
    engine_status rs = engine_db_retry_reopen(db);
    if (rs != ENGINE_OK) {
      if (!damaged) snprintf(err, errlen, "%s", engine_db_errmsg(db)); /* else the record's words */
      return rs;
    }
  }
}

static engine_status run_parsed(engine_db *db, const query_request *req, parsed_query *pq,
                               query_result **out, char *err, size_t errlen) {
  const engine_query *q = pq->query;
  engine_status qs = run_query(db, req, pq, q, out, err, errlen);
  if (qs == ENGINE_OK && (*out)->estimated == 0 && pq->fallback && !req->strict) {
    query_result_free(*out);
    q = pq->fallback;
    qs = run_query(db, req, pq, q, out, err, errlen);
    if (qs == ENGINE_OK) (*out)->relaxed = 1;
  }
  if (qs != ENGINE_OK) return qs;
  if (req->explain) (*out)->description = engine_query_describe(q);
  if (req->suggest) (*out)->suggestion = suggest_accents(db, req->text, *out);
  return ENGINE_OK;
}

engine_status query_run(engine_db *db, const query_request *req, query_result **out, char *err,
                       size_t errlen) {
  parsed_query pq;
  *out = NULL;
  engine_status qs = parse_request_db(req, db, &pq, err, errlen);
  if (qs != ENGINE_OK) return qs;
  if (req->status) qs = status_filter(db, req->status, &pq, err, errlen);
  if (qs == ENGINE_OK) qs = run_parsed(db, req, &pq, out, err, errlen);
  parsed_query_free(&pq);
  return qs;
}

engine_status query_check(const query_request *req, char *err, size_t errlen) {
  parsed_query pq;
  engine_status qs = parse_request(req, &pq, err, errlen);
  if (qs == ENGINE_OK) parsed_query_free(&pq);
  if (qs == ENGINE_OK && req->status) {
    query_doc_status st;
    if (!query_doc_status_parse(req->status, &st)) {
      snprintf(err, errlen, "--status must be in-force, amended, replaced, repealed or unknown, not \"%s\"",
               req->status);
      qs = ENGINE_BAD_QUERY;
    }
  }
  return qs;
}

engine_status query_latest_stamp(engine_db *db, int64_t *stamp, char *err, size_t errlen) {
  char *v = NULL;
  size_t len = 0;
  *stamp = 0;
  engine_status st = engine_db_value_upper_bound(db, SLOT_INDEXED, &v, &len);
  if (st == ENGINE_OK && len) *stamp = (int64_t)engine_sortable_unserialise(v, len);
  free(v);
  if (st != ENGINE_OK) snprintf(err, errlen, "%s", engine_db_errmsg(db));
  return st;
}

/* Moves the hits whose own number is key to the front, keeping the order
 * of the rest, and renumbers the ranks. */
static void own_number_first(query_result *res, const char *key) {
  size_t front = 0;
  for (size_t i = 0; i < res->n_hits; i++) {
    text_ref ref;
    const char *num = res->hits[i].rec.number;
    if (!num || !text_parse_ref(num, strlen(num), &ref) || strcmp(ref.key, key) != 0) continue;
    query_hit own = res->hits[i];
    memmove(&res->hits[front + 1], &res->hits[front], (i - front) * sizeof own);
    res->hits[front++] = own;
  }
  for (size_t i = 0; i < res->n_hits; i++) res->hits[i].rank = (unsigned)(i + 1);
}

engine_status query_ref(engine_db *db, const char *number, uint32_t limit, query_result **out,
                       char *err, size_t errlen) {
  char text[300];
  if (snprintf(text, sizeof text, "so:\"%s\"", number) >= (int)sizeof text) {
    snprintf(err, errlen, "the number is too long");
    return ENGINE_BAD_QUERY;
  }
  query_request req;
  query_request_init(&req);
  req.text = text;
  req.limit = limit;
  req.sort = QUERY_SORT_DATE;
  engine_status qs = query_run(db, &req, out, err, errlen);
  text_ref ref;
  if (qs == ENGINE_OK && text_parse_ref(number, strlen(number), &ref)) own_number_first(*out, ref.key);
  return qs;
}
