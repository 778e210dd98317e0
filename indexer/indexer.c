#include "indexer/indexer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/dynbuf.h"
#include "model/schema.h"
#include "model/schema_terms.h"
#include "text/legal.h"
#include "text/legalvocab.h"
#include "text/text.h"

_Static_assert(SCHEMA_MAX_TERM == ENGINE_MAX_TERM, "the schema builds terms the engine can store");

struct indexer {
  engine_writer *writer;
  unsigned pending; /* documents added since the last commit */
  int had_docs;       /* the index held documents when opened: look stamps up */
  int64_t floor;      /* the stamps' upper bound when opened */
  int64_t last_stamp; /* the largest stamp given so far */
  int64_t clock_offset_ms;
  dynbuf errmsg;
};

/* ------------------------------------------------------------------ */
/* From record to document                                              */
/* ------------------------------------------------------------------ */

/* State shared by the token callbacks while one field is indexed. */
typedef struct {
  engine_doc *doc;
  engine_status status;  /* first error; ENGINE_OK while all is well */
  const char *text;      /* the field's original text (for adjacency) */
  uint32_t pos_base;     /* position of the field's first token, minus 1 */
  uint32_t wdf;          /* within-document weight of each occurrence */
  int is_title;
  uint32_t next_pos;     /* one past the last position used */
  int have_prev;
  size_t prev_end;
  text_token_kind prev_kind;
  char prev_folded[4 * TEXT_MAX_TOKEN + 1];
  size_t prev_len;
} field_state;

/* Builds prefix + a [+ " " + b] in a stack buffer and adds it as a term. */
static engine_status add_prefixed(engine_doc *doc, const char *prefix, const char *a, size_t alen,
                                  const char *b, size_t blen, uint32_t wdf) {
  char term[ENGINE_MAX_TERM + 1];
  size_t plen = strlen(prefix);
  size_t total = plen + alen + (b ? 1 + blen : 0);
  if (total > ENGINE_MAX_TERM) return ENGINE_OK; /* too long to be useful: skip */
  memcpy(term, prefix, plen);
  memcpy(term + plen, a, alen);
  if (b) {
    term[plen + alen] = ' ';
    memcpy(term + plen + alen + 1, b, blen);
  }
  if (wdf == 0) return engine_doc_add_boolean_term(doc, term, total);
  return engine_doc_add_term(doc, term, total, wdf);
}

/* Two tokens form a bigram when only white space lies between them. */
static int adjacent(const char *text, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (text[i] != ' ' && text[i] != '\t') return 0;
  return 1;
}

static int index_token(void *ctx, const text_token *tok) {
  field_state *fs = ctx;
  uint32_t pos = fs->pos_base + tok->pos + 1;
  engine_status st = engine_doc_add_posting(fs->doc, tok->folded, tok->folded_len, pos, fs->wdf);
  if (st == ENGINE_OK && tok->has_marks)
    st = add_prefixed(fs->doc, PREFIX_EXACT, tok->exact, tok->exact_len, NULL, 0, fs->wdf);
  if (st == ENGINE_OK && fs->is_title)
    st = add_prefixed(fs->doc, PREFIX_TITLE, tok->folded, tok->folded_len, NULL, 0, 1);
  if (st == ENGINE_OK && fs->have_prev && tok->kind == TEXT_TOKEN_WORD &&
      fs->prev_kind == TEXT_TOKEN_WORD && adjacent(fs->text, fs->prev_end, tok->start))
    st = add_prefixed(fs->doc, PREFIX_BIGRAM, fs->prev_folded, fs->prev_len, tok->folded,
                      tok->folded_len, fs->wdf);
  if (st != ENGINE_OK) {
    fs->status = st;
    return 1;
  }
  fs->have_prev = tok->folded_len < sizeof fs->prev_folded;
  if (fs->have_prev) {
    memcpy(fs->prev_folded, tok->folded, tok->folded_len);
    fs->prev_len = tok->folded_len;
    fs->prev_end = tok->end;
    fs->prev_kind = tok->kind;
  }
  fs->next_pos = pos + 1;
  return 0;
}

static engine_status text_status_to_engine(text_status ts) {
  switch (ts) {
  case TEXT_OK:
  case TEXT_STOPPED: return ENGINE_OK;
  case TEXT_NOMEM: return ENGINE_NOMEM;
  case TEXT_TOO_BIG: return ENGINE_INVALID;
  default: return ENGINE_INTERNAL;
  }
}

/* Indexes one free-text field; returns the next free position. */
static engine_status index_field(engine_doc *doc, const char *text, uint32_t pos_base,
                                 uint32_t wdf, int is_title, uint32_t *next_pos) {
  field_state fs = {.doc = doc, .status = ENGINE_OK, .text = text, .pos_base = pos_base,
                    .wdf = wdf, .is_title = is_title, .next_pos = pos_base + 1};
  if (text) {
    text_status ts = text_tokenize(text, strlen(text), index_token, &fs);
    if (fs.status == ENGINE_OK) fs.status = text_status_to_engine(ts);
  }
  *next_pos = fs.next_pos;
  return fs.status;
}

/* Legal numbers: the record's own one, and every one its text cites. */
typedef struct {
  engine_doc *doc;
  engine_status status;
  char own_key[sizeof(((text_ref *)0)->key)];
} refs_state;

/* Number terms carry a within-document frequency of 1 rather than being
 * boolean: a boolean term adds no weight in BM25, and the query wants the
 * document that IS a number to outrank those that cite it. */
static engine_status add_ref_terms(engine_doc *doc, const text_ref *ref, int own) {
  engine_status st = add_prefixed(doc, own ? PREFIX_OWN_NUMBER : PREFIX_CITED_NUMBER, ref->key,
                                  strlen(ref->key), NULL, 0, 1);
  if (st == ENGINE_OK && ref->number[0])
    st = add_prefixed(doc, own ? PREFIX_OWN_BARE : PREFIX_CITED_BARE, ref->number,
                      strlen(ref->number), NULL, 0, 1);
  if (st == ENGINE_OK && ref->number[0] && ref->year[0]) {
    char ny[sizeof ref->number + sizeof ref->year + 1];
    snprintf(ny, sizeof ny, "%s/%s", ref->number, ref->year);
    st = add_prefixed(doc, own ? PREFIX_OWN_YEAR : PREFIX_CITED_YEAR, ny, strlen(ny), NULL, 0, 1);
  }
  return st;
}

static int index_cited_ref(void *ctx, const text_ref *ref) {
  refs_state *rs = ctx;
  if (strcmp(ref->key, rs->own_key) == 0) return 0; /* the document naming itself */
  rs->status = add_ref_terms(rs->doc, ref, 0);
  return rs->status != ENGINE_OK;
}

/* The document's own number: the record's "number" when given, else the
 * first number the text presents as its own ("Số: 215/TB-UBND"). */
static int find_own_ref(void *ctx, const text_ref *ref) {
  text_ref *own = ctx;
  if (!ref->own) return 0;
  *own = *ref;
  return 1;
}

static engine_status index_refs(engine_doc *doc, const record *r) {
  refs_state rs = {.doc = doc, .status = ENGINE_OK, .own_key = ""};
  text_ref own;
  int have_own = 0;
  if (r->number && r->number[0]) {
    have_own = text_parse_ref(r->number, strlen(r->number), &own);
  } else if (r->body) {
    memset(&own, 0, sizeof own);
    text_find_refs(r->body, strlen(r->body), find_own_ref, &own);
    have_own = own.key[0] != '\0';
  }
  if (have_own || (r->number && r->number[0]))
    rs.status = add_prefixed(doc, PREFIX_HAS_NUMBER, "", 0, NULL, 0, 0);
  if (rs.status != ENGINE_OK) return rs.status;
  if (have_own) {
    snprintf(rs.own_key, sizeof rs.own_key, "%s", own.key);
    rs.status = add_ref_terms(doc, &own, 1);
  } else if (r->number && r->number[0]) {
    /* A number the recognizer does not know: keep it findable as written. */
    dynbuf folded;
    dynbuf_init(&folded, ENGINE_MAX_TERM);
    if (schema_fold_value(r->number, strlen(r->number), &folded) != 0) return ENGINE_NOMEM;
    for (char *p = folded.data; p && *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    rs.status = add_prefixed(doc, PREFIX_OWN_NUMBER, dynbuf_str(&folded), folded.len, NULL, 0, 1);
    dynbuf_free(&folded);
  }
  const char *fields[] = {r->title, r->body};
  for (size_t i = 0; rs.status == ENGINE_OK && i < 2; i++) {
    if (!fields[i]) continue;
    text_status ts = text_find_refs(fields[i], strlen(fields[i]), index_cited_ref, &rs);
    if (rs.status == ENGINE_OK) rs.status = text_status_to_engine(ts);
  }
  return rs.status;
}

static engine_status index_date(engine_doc *doc, const char *date) {
  int y, m, d;
  if (!date || !record_date_valid(date, &y, &m, &d)) return ENGINE_OK;
  char term[16], key[18];
  engine_status st;
  snprintf(term, sizeof term, "%04d%02d%02d", y, m, d);
  st = add_prefixed(doc, PREFIX_DAY, term, 8, NULL, 0, 0);
  if (st == ENGINE_OK) st = add_prefixed(doc, PREFIX_YEAR, term, 4, NULL, 0, 0);
  if (st == ENGINE_OK) st = add_prefixed(doc, PREFIX_MONTH, term, 6, NULL, 0, 0);
  size_t klen = engine_sortable_serialise((double)schema_days_from_civil(y, m, d), key);
  if (st == ENGINE_OK) st = engine_doc_set_value(doc, SLOT_DATE, key, klen);
  if (st == ENGINE_OK) st = engine_doc_set_value(doc, SLOT_YEAR, term, 4);
  return st;
}

/* A metadata field: a boolean term of the whole folded value, a value slot
 * for facets, and (for the issuer) one boolean term per word. */
static engine_status index_facet(engine_doc *doc, const char *value, const char *prefix,
                                 unsigned slot, const char *word_prefix) {
  if (!value || !value[0]) return ENGINE_OK;
  dynbuf folded;
  dynbuf_init(&folded, ENGINE_MAX_TERM);
  if (schema_fold_facet(prefix, value, strlen(value), &folded) != 0) return ENGINE_NOMEM;
  engine_status st = ENGINE_OK;
  if (folded.len) st = add_prefixed(doc, prefix, folded.data, folded.len, NULL, 0, 0);
  if (st == ENGINE_OK) st = engine_doc_set_value(doc, slot, value, strlen(value));
  for (char *w = folded.data; st == ENGINE_OK && word_prefix && w && *w;) {
    char *sp = strchr(w, ' ');
    size_t n = sp ? (size_t)(sp - w) : strlen(w);
    st = add_prefixed(doc, word_prefix, w, n, NULL, 0, 0);
    w = sp ? sp + 1 : w + n;
  }
  dynbuf_free(&folded);
  return st;
}

/* ---- legal metadata from the text (text/legal.h) ---- */

/* The record as indexed and stored: r's own fields, and where r has none,
 * what its text says. view borrows every string from r or li and must never
 * be cleared; rels is the one allocation (the view's relation array). */
typedef struct {
  record view;
  legal_info li;
  record_relation *rels;
  char *issuer_shown; /* the view's issuer when shown another way than written */
} enriched;

static void enriched_free(enriched *e) {
  legal_info_free(&e->li);
  free(e->rels);
  free(e->issuer_shown);
}

/* Types and issuers are shown one way however written (text/legalvocab.h):
 * "QĐ" is "Quyết định"; "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ" is "UBND quận Tây
 * Hồ", and the written form stays in issuer_as_written. */
static engine_status show_one_way(enriched *e) {
  record *v = &e->view;
  const char *type = v->type && v->type[0] ? legal_type_name(v->type, strlen(v->type)) : NULL;
  if (type) v->type = (char *)type; /* static; the view never frees or writes it */
  if (!v->issuer || !v->issuer[0]) return ENGINE_OK;
  e->issuer_shown = legal_issuer_display(v->issuer, strlen(v->issuer));
  if (!e->issuer_shown) return ENGINE_NOMEM;
  if (strcmp(e->issuer_shown, v->issuer) != 0) {
    if (!v->issuer_as_written) v->issuer_as_written = v->issuer;
    v->issuer = e->issuer_shown;
  }
  return ENGINE_OK;
}

static void fill(char **field, char *value) {
  if ((!*field || !(*field)[0]) && value[0]) *field = value;
}

/* Relations of the text, minus the record's own number (when the record
 * gave one the text does not print), as the view's relation array. */
static engine_status text_relations(enriched *e, const char *own_key) {
  legal_info *li = &e->li;
  if (li->n_relations == 0) return ENGINE_OK;
  e->rels = calloc(li->n_relations, sizeof *e->rels);
  if (!e->rels) return ENGINE_NOMEM;
  size_t n = 0;
  for (size_t i = 0; i < li->n_relations; i++) {
    legal_relation *lr = &li->relations[i];
    if (own_key && strcmp(lr->target.key, own_key) == 0) continue;
    /* legal_rel_name is static; the view never frees or writes it */
    e->rels[n++] = (record_relation){(char *)legal_rel_name(lr->kind), lr->target.canonical,
                                     lr->sentence};
  }
  e->view.relations = e->rels;
  e->view.n_relations = n;
  return ENGINE_OK;
}

static engine_status enrich(const record *r, enriched *e) {
  memset(e, 0, sizeof *e);
  e->view = *r;
  text_status ts = TEXT_OK;
  if (r->body) ts = legal_parse(r->body, strlen(r->body), &e->li);
  text_ref own;
  const char *own_key = NULL;
  if (r->number && text_parse_ref(r->number, strlen(r->number), &own)) own_key = own.key;
  else if (e->li.has_number) own_key = e->li.number.key;
  if (ts == TEXT_OK && r->title) ts = legal_add_relations(r->title, strlen(r->title), own_key, &e->li);
  if (ts != TEXT_OK) return text_status_to_engine(ts);
  legal_info *li = &e->li;
  record *v = &e->view;
  if (li->has_number) fill(&v->number, li->number.canonical);
  fill(&v->type, li->type);
  fill(&v->issuer, li->issuer);
  fill(&v->date, li->date);
  fill(&v->signer, li->signer);
  fill(&v->signer_role, li->signer_role);
  fill(&v->place, li->place);
  fill(&v->summary, li->summary);
  fill(&v->effective, li->effective);
  engine_status st = show_one_way(e);
  if (st != ENGINE_OK) return st;
  return r->n_relations ? ENGINE_OK : text_relations(e, own_key);
}

/* One boolean term per relation, so "what repeals X" is one posting list.
 * Plain citations already have their XR term from the text, unless the
 * record gave its relations itself. */
static engine_status index_relations(engine_doc *doc, const record *view, int explicit_rels) {
  engine_status st = ENGINE_OK;
  /* Read from the text, only a legal document (one with a number of its
   * own) can amend, replace or repeal another: a news item or a listing page
   * that says "bãi bỏ" next to a number merely cites it. Relations a record
   * states itself are taken as stated. */
  int binding = explicit_rels || (view->number && view->number[0]);
  for (size_t i = 0; st == ENGINE_OK && i < view->n_relations; i++) {
    const record_relation *rel = &view->relations[i];
    const char *prefix = schema_relation_prefix(rel->relation);
    text_ref ref;
    if (!prefix || !text_parse_ref(rel->number, strlen(rel->number), &ref)) continue;
    if (!binding && strcmp(prefix, PREFIX_REL_BASIS) != 0) prefix = PREFIX_CITED_NUMBER;
    if (strcmp(prefix, PREFIX_CITED_NUMBER) == 0) {
      if (explicit_rels) st = add_ref_terms(doc, &ref, 0);
    } else {
      st = add_prefixed(doc, prefix, ref.key, strlen(ref.key), NULL, 0, 0);
    }
  }
  return st;
}

static engine_status build_view(const record *r, engine_doc *doc);

engine_status indexer_build_document(const record *r, engine_doc **out) {
  *out = NULL;
  engine_doc *doc = engine_doc_new();
  if (!doc) return ENGINE_NOMEM;
  enriched e;
  engine_status st = enrich(r, &e);
  if (st == ENGINE_OK) st = build_view(&e.view, doc);
  if (st == ENGINE_OK) st = index_relations(doc, &e.view, r->n_relations > 0);
  if (st == ENGINE_OK) st = index_facet(doc, e.view.signer, PREFIX_SIGNER, SLOT_SIGNER, PREFIX_SIGNER_WORD);
  enriched_free(&e);
  if (st != ENGINE_OK) {
    engine_doc_free(doc);
    return st;
  }
  *out = doc;
  return ENGINE_OK;
}

/* The terms, values and data of a record, as before legal metadata. */
static engine_status build_view(const record *r, engine_doc *doc) {
  uint32_t next = 0;
  engine_status st = index_field(doc, r->title, 0, SCHEMA_TITLE_WDF, 1, &next);
  if (st == ENGINE_OK) st = index_field(doc, r->body, next + SCHEMA_BODY_POS_GAP, 1, 0, &next);
  if (st == ENGINE_OK) st = index_refs(doc, r);
  if (st == ENGINE_OK) st = index_date(doc, r->date);
  if (st == ENGINE_OK) st = index_facet(doc, r->type, PREFIX_TYPE, SLOT_TYPE, NULL);
  if (st == ENGINE_OK)
    st = index_facet(doc, r->issuer, PREFIX_ISSUER, SLOT_ISSUER, PREFIX_ISSUER_WORD);
  if (st == ENGINE_OK) st = index_facet(doc, r->category, PREFIX_CATEGORY, SLOT_CATEGORY, NULL);
  if (st == ENGINE_OK) {
    char *json = record_to_json(r);
    st = json ? engine_doc_set_data(doc, json, strlen(json)) : ENGINE_NOMEM;
    free(json);
  }
  return st;
}

/* ------------------------------------------------------------------ */
/* The writer                                                           */
/* ------------------------------------------------------------------ */

__attribute__((format(printf, 2, 3))) static void set_error(indexer *ix, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dynbuf_reset(&ix->errmsg);
  dynbuf_append_str(&ix->errmsg, msg);
}

/* Creates every missing parent directory of path (not path itself: Xapian
 * creates the database directory). */
static int make_parents(const char *path) {
  char *copy = strdup(path);
  if (!copy) return -1;
  int rc = 0;
  for (char *p = copy + 1; rc == 0 && (p = strchr(p, '/')) != NULL; p++) {
    *p = '\0';
    if (mkdir(copy, 0777) != 0 && errno != EEXIST) rc = -1;
    *p = '/';
  }
  free(copy);
  return rc;
}

static char *dup_message(const char *a, const char *b) {
  size_t n = strlen(a) + strlen(b) + 1;
  char *m = malloc(n);
  if (m) snprintf(m, n, "%s%s", a, b);
  return m;
}

/* Refuses an index of another schema; marks a new one with ours. */
static engine_status check_schema(engine_writer *w, const char *path, char **errmsg) {
  char *version = NULL;
  engine_status st = engine_writer_get_metadata(w, TRACUU_SCHEMA_KEY, &version);
  if (st != ENGINE_OK) return st;
  if (version[0] == '\0' && engine_writer_doccount(w) == 0) {
    st = engine_writer_set_metadata(w, TRACUU_SCHEMA_KEY, TRACUU_SCHEMA_VERSION);
  } else if (strcmp(version, TRACUU_SCHEMA_VERSION) != 0) {
    st = ENGINE_VERSION;
    if (errmsg) {
      char msg[512];
      snprintf(msg, sizeof msg,
               "index %s was built with schema version \"%s\", this tracuu writes version %s: "
               "remove it and index again",
               path, version, TRACUU_SCHEMA_VERSION);
      *errmsg = strdup(msg);
    }
  }
  free(version);
  return st;
}

/* A stamp (ms) from its sortable key; 0 when there is none. */
static int64_t stamp_of(const char *v, size_t len) {
  return v && len ? (int64_t)engine_sortable_unserialise(v, len) : 0;
}

static engine_status read_floor(indexer *ix) {
  char *v = NULL;
  size_t len = 0;
  engine_status st = engine_writer_value_upper_bound(ix->writer, SLOT_INDEXED, &v, &len);
  ix->floor = ix->last_stamp = stamp_of(v, len);
  ix->had_docs = engine_writer_doccount(ix->writer) > 0;
  free(v);
  return st;
}

void indexer_set_clock(indexer *ix, int64_t offset_ms) { ix->clock_offset_ms = offset_ms; }

int64_t indexer_stamp_floor(const indexer *ix) { return ix->floor; }

/* The stamp of the document with id term: the one it has, else a new one. */
static engine_status stamp_for(indexer *ix, const char *term, size_t tlen, int64_t *stamp) {
  if (ix->had_docs) {
    char *v = NULL;
    size_t len = 0;
    engine_status st = engine_writer_get_value(ix->writer, term, tlen, SLOT_INDEXED, &v, &len);
    *stamp = stamp_of(v, len);
    free(v);
    if (st != ENGINE_OK || *stamp) return st;
  }
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ix->clock_offset_ms;
  *stamp = now > ix->last_stamp ? now : ix->last_stamp + 1;
  return ENGINE_OK;
}

engine_status indexer_open(const char *path, indexer **out, char **errmsg) {
  *out = NULL;
  if (errmsg) *errmsg = NULL;
  if (make_parents(path) != 0) {
    if (errmsg) *errmsg = dup_message("cannot create the parent directories of ", path);
    return ENGINE_IO;
  }
  indexer *ix = calloc(1, sizeof *ix);
  if (!ix) return ENGINE_NOMEM;
  dynbuf_init(&ix->errmsg, 1024);
  engine_status st = engine_writer_open(path, ENGINE_CREATE, &ix->writer, errmsg);
  if (st == ENGINE_OK) st = check_schema(ix->writer, path, errmsg);
  if (st == ENGINE_OK) st = read_floor(ix);
  if (st != ENGINE_OK) {
    if (errmsg && !*errmsg && ix->writer) *errmsg = strdup(engine_writer_errmsg(ix->writer));
    engine_writer_close(ix->writer);
    dynbuf_free(&ix->errmsg);
    free(ix);
    return st;
  }
  *out = ix;
  return ENGINE_OK;
}

engine_status indexer_add(indexer *ix, const record *r) { return indexer_add_stamped(ix, r, 0); }

engine_status indexer_add_stamped(indexer *ix, const record *r, int64_t stamp) {
  engine_doc *doc = NULL;
  engine_status st = indexer_build_document(r, &doc);
  if (st != ENGINE_OK) {
    set_error(ix, "cannot build the document: %s", engine_strerror(st));
    return st;
  }
  char term[SCHEMA_ID_TERM_MAX], key[18];
  size_t tlen = schema_id_term(r->id, term);
  if (stamp <= 0) st = stamp_for(ix, term, tlen, &stamp);
  if (stamp > ix->last_stamp) ix->last_stamp = stamp;
  if (st == ENGINE_OK)
    st = engine_doc_set_value(doc, SLOT_INDEXED, key, engine_sortable_serialise((double)stamp, key));
  if (st == ENGINE_OK) st = engine_writer_replace(ix->writer, term, tlen, doc);
  engine_doc_free(doc);
  if (st != ENGINE_OK) {
    set_error(ix, "%s", engine_writer_errmsg(ix->writer));
    return st;
  }
  if (++ix->pending >= INDEXER_BATCH) return indexer_commit(ix);
  return ENGINE_OK;
}

engine_status indexer_remove(indexer *ix, const char *id) {
  char term[SCHEMA_ID_TERM_MAX];
  size_t tlen = schema_id_term(id, term);
  engine_status st = engine_writer_delete(ix->writer, term, tlen);
  if (st != ENGINE_OK) set_error(ix, "%s", engine_writer_errmsg(ix->writer));
  return st;
}

engine_status indexer_commit(indexer *ix) {
  engine_status st = engine_writer_commit(ix->writer);
  if (st != ENGINE_OK) {
    set_error(ix, "%s", engine_writer_errmsg(ix->writer));
    return st;
  }
  ix->pending = 0;
  return ENGINE_OK;
}

uint64_t indexer_doccount(indexer *ix) { return engine_writer_doccount(ix->writer); }

engine_status indexer_close(indexer *ix) {
  if (!ix) return ENGINE_OK;
  engine_status st = engine_writer_close(ix->writer);
  dynbuf_free(&ix->errmsg);
  free(ix);
  return st;
}

const char *indexer_errmsg(const indexer *ix) { return dynbuf_str(&ix->errmsg); }
