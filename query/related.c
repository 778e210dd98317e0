/* The citation graph around one number: the document itself (its own
 * relations are in its stored record), then every document whose relation
 * terms (schema.h) target it, each one posting list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/record.h"
#include "model/schema.h"
#include "model/schema_terms.h"
#include "query/query_internal.h"
#include "text/text.h"

/* Incoming relations read per kind; the graph of one document is small. */
#define RELATED_MAX_PER_KIND 10000

static const char *const KINDS[] = {"basis", "amends", "replaces", "repeals", "implements"};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

typedef struct {
  query_related *rel;
  size_t cap;
  const char *key;  /* the folded key of the number asked about */
  int nomem;
} graph;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void item_free(query_related_item *it) {
  free(it->number);
  free(it->id);
  free(it->date);
  free(it->title);
  free(it->sentence);
}

void query_related_free(query_related *rel) {
  if (!rel) return;
  for (size_t i = 0; i < rel->n; i++) item_free(&rel->items[i]);
  free(rel->items);
  free(rel);
}

/* A new item from a document (rec may be NULL: a number only). NULL when out of memory. */
static query_related_item *push(graph *g, const char *relation, int incoming, const record *rec,
                                const char *number, const char *sentence) {
  query_related *rel = g->rel;
  if (rel->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 16;
    query_related_item *p = realloc(rel->items, cap * sizeof *p);
    if (!p) return NULL;
    rel->items = p;
    g->cap = cap;
  }
  query_related_item *it = &rel->items[rel->n];
  memset(it, 0, sizeof *it);
  it->relation = relation;
  it->incoming = incoming;
  it->number = dup_or_null(rec && rec->number ? rec->number : number);
  it->sentence = dup_or_null(sentence);
  if (rec) {
    it->id = dup_or_null(rec->id);
    it->date = dup_or_null(rec->date);
    it->title = dup_or_null(rec->title);
  }
  if ((!it->number && (number || (rec && rec->number))) || (sentence && !it->sentence) ||
      (rec && ((rec->id && !it->id) || (rec->date && !it->date) || (rec->title && !it->title)))) {
    item_free(it);
    return NULL;
  }
  rel->n++;
  return it;
}

/* Whether the relation names the key, by its parsed number. */
static int relation_targets(const record_relation *r, const char *key) {
  text_ref ref;
  return text_parse_ref(r->number, strlen(r->number), &ref) && strcmp(ref.key, key) == 0;
}

/* The sentence in which rec says `relation` of key, or NULL. */
static const char *sentence_of(const record *rec, const char *relation, const char *key) {
  for (size_t i = 0; i < rec->n_relations; i++)
    if (strcmp(rec->relations[i].relation, relation) == 0 && relation_targets(&rec->relations[i], key))
      return rec->relations[i].sentence;
  return NULL;
}

static int seen_id(const query_related *rel, const char *id) {
  for (size_t i = 0; id && i < rel->n; i++)
    if (rel->items[i].id && strcmp(rel->items[i].id, id) == 0) return 1;
  return 0;
}

/* ---- the document itself and what it does ---- */

typedef struct {
  graph *g;
  record_relation *out; /* copies of its non-citation relations */
  size_t n_out;
} self_state;

static int on_self(void *ctx, const record *rec) {
  self_state *ss = ctx;
  if (!push(ss->g, "self", 0, rec, NULL, NULL)) return -1;
  ss->out = calloc(rec->n_relations ? rec->n_relations : 1, sizeof *ss->out);
  if (!ss->out) return -1;
  for (size_t i = 0; i < rec->n_relations; i++) {
    const record_relation *r = &rec->relations[i];
    if (strcmp(r->relation, "cites") == 0) continue;
    record_relation *c = &ss->out[ss->n_out++];
    c->relation = strdup(r->relation);
    c->number = strdup(r->number);
    c->sentence = dup_or_null(r->sentence);
    if (!c->relation || !c->number || (r->sentence && !c->sentence)) return -1;
  }
  return 1;
}

typedef struct {
  graph *g;
  const record_relation *r;
  int found;
} target_state;

static int on_target(void *ctx, const record *rec) {
  target_state *ts = ctx;
  ts->found = 1;
  return push(ts->g, ts->r->relation, 0, rec, ts->r->number, ts->r->sentence) ? 1 : -1;
}

static const char *static_relation(const char *name) {
  static const char *const all[] = {"cites", "basis", "amends", "replaces", "repeals", "implements"};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (strcmp(all[i], name) == 0) return all[i];
  return "cites";
}

/* Each outgoing relation, with the target's date and title when indexed. */
static engine_status outgoing(engine_db *db, graph *g, self_state *ss, char *err, size_t errlen) {
  engine_status qs = ENGINE_OK;
  for (size_t i = 0; qs == ENGINE_OK && i < ss->n_out; i++) {
    record_relation r = ss->out[i];
    r.relation = (char *)static_relation(r.relation);
    text_ref ref;
    target_state ts = {g, &r, 0};
    if (text_parse_ref(r.number, strlen(r.number), &ref))
      qs = term_docs(db, PREFIX_OWN_NUMBER, ref.key, 1, on_target, &ts, err, errlen);
    if (qs == ENGINE_OK && !ts.found && !push(g, r.relation, 0, NULL, r.number, r.sentence))
      qs = ENGINE_NOMEM;
  }
  return qs;
}

/* ---- what other documents do to it ---- */

typedef struct {
  graph *g;
  const char *relation;
} in_state;

static int on_incoming(void *ctx, const record *rec) {
  in_state *is = ctx;
  if (seen_id(is->g->rel, rec->id)) return 0;
  const char *sentence = sentence_of(rec, is->relation, is->g->key);
  return push(is->g, is->relation, 1, rec, NULL, sentence) ? 0 : -1;
}

static engine_status incoming(engine_db *db, graph *g, char *err, size_t errlen) {
  engine_status qs = ENGINE_OK;
  for (size_t k = 0; qs == ENGINE_OK && k < N_KINDS; k++) {
    in_state is = {g, KINDS[k]};
    qs = term_docs(db, schema_relation_prefix(KINDS[k]), g->key, RELATED_MAX_PER_KIND, on_incoming,
                   &is, err, errlen);
  }
  if (qs == ENGINE_OK) {
    /* plain citations: every citing document not listed above */
    in_state is = {g, "cites"};
    qs = term_docs(db, PREFIX_CITED_NUMBER, g->key, RELATED_MAX_PER_KIND, on_incoming, &is, err,
                   errlen);
  }
  return qs;
}

static int newest_first(const void *a, const void *b) {
  const query_related_item *x = a, *y = b;
  const char *dx = x->date ? x->date : "", *dy = y->date ? y->date : "";
  int c = strcmp(dy, dx);
  if (c) return c;
  return strcmp(x->number ? x->number : "", y->number ? y->number : "");
}

engine_status query_related_run(engine_db *db, const char *number, uint32_t limit,
                               query_related **out, char *err, size_t errlen) {
  *out = NULL;
  text_ref ref;
  if (!text_parse_ref(number, strlen(number), &ref)) {
    snprintf(err, errlen, "\"%s\" is not a legal number (e.g. 2696/QĐ-UBND, 32/2021/NĐ-CP)",
             query_shown(number, &(query_shown_text){0}));
    return ENGINE_BAD_QUERY;
  }
  query_related *rel = calloc(1, sizeof *rel);
  if (!rel) return ENGINE_NOMEM;
  graph g = {rel, 0, ref.key, 0};
  self_state ss = {&g, NULL, 0};
  engine_status qs = term_docs(db, PREFIX_OWN_NUMBER, ref.key, 1, on_self, &ss, err, errlen);
  if (qs == ENGINE_OK) qs = outgoing(db, &g, &ss, err, errlen);
  if (qs == ENGINE_OK) qs = incoming(db, &g, err, errlen);
  record copies = {0}; /* owns the copies of the outgoing relations */
  copies.relations = ss.out;
  copies.n_relations = ss.n_out;
  record_clear(&copies);
  if (qs != ENGINE_OK) {
    query_related_free(rel);
    return qs;
  }
  size_t first = rel->n && strcmp(rel->items[0].relation, "self") == 0;
  if (rel->n > first) qsort(rel->items + first, rel->n - first, sizeof *rel->items, newest_first);
  if (limit && rel->n - first > limit) {
    for (size_t i = first + limit; i < rel->n; i++) item_free(&rel->items[i]);
    rel->n = first + limit;
  }
  *out = rel;
  return ENGINE_OK;
}
