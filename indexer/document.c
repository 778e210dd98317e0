/* document.c: a record into the terms, values and data of its Xapian
 * document (indexer_build_document, indexer.h), following model/schema.h.
 *
 * What it costs, and why it is built this way (measured with callgrind on
 * the phapdien + congbao records; see bench/bench_index.c):
 *  - The body is read by the tokenizer once. legal_parse_scan's pass over
 *    the whole text (relations, dates) also hands us every token (the
 *    folded, exact, bigram terms) and every legal number (the XR terms).
 *    Before, the body was tokenized four or five times: for the terms, for
 *    the cited numbers, for the own number, and twice inside legal_parse.
 *  - Terms are written once, prefix and all, into one buffer (term_list)
 *    and cross into C++ in one call per document (engine_doc_add_terms):
 *    no prefix copied into a scratch buffer, no std::string allocated, no
 *    exception guard per term.
 * Xapian's own Document (a std::map of terms) is the rest of the cost.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dynbuf.h"
#include "indexer/indexer.h"
#include "model/schema.h"
#include "model/schema_terms.h"
#include "text/legal.h"
#include "text/legalvocab.h"
#include "text/text.h"

/* ------------------------------------------------------------------ */
/* The terms of one document                                            */
/* ------------------------------------------------------------------ */

/* Bytes of terms one document may have (its text is at most
 * TEXT_MAX_INPUT; each word gives a few short terms). */
#define TERM_BYTES_MAX (1024u * 1024 * 1024)

typedef struct {
  char *bytes;        /* every term's bytes, back to back */
  size_t len, cap;
  engine_term *terms; /* pointing into bytes */
  size_t n, n_cap;
  int failed;         /* out of memory or past TERM_BYTES_MAX */
} term_list;

static void terms_init(term_list *tl) { memset(tl, 0, sizeof *tl); }

static void terms_free(term_list *tl) {
  free(tl->bytes);
  free(tl->terms);
}

/* Doubles what is needed; 0 when memory or the bound says no. */
static int terms_grow(term_list *tl, size_t more) {
  if (more > TERM_BYTES_MAX - tl->len) return 0;
  size_t cap = tl->cap ? tl->cap : 4096;
  while (cap < tl->len + more) cap *= 2;
  char *b = cap != tl->cap ? realloc(tl->bytes, cap) : tl->bytes;
  if (!b) return 0;
  tl->bytes = b;
  tl->cap = cap;
  if (tl->n == tl->n_cap) {
    size_t n_cap = tl->n_cap ? tl->n_cap * 2 : 256;
    engine_term *t = realloc(tl->terms, n_cap * sizeof *t);
    if (!t) return 0;
    tl->terms = t;
    tl->n_cap = n_cap;
  }
  return 1;
}

/* Makes room for one term of total bytes with its position (0: none) and
 * wdf (0 with no position: boolean); returns where its bytes go, or NULL
 * when it is skipped: a term Xapian could not store (too long to be
 * useful, and it would fail the document), or no memory (tl->failed).
 * Pointers into tl->bytes taken before the call are stale after it. */
static char *terms_new(term_list *tl, size_t total, uint32_t pos, uint32_t wdf) {
  if (total == 0 || total > ENGINE_MAX_TERM || tl->failed) return NULL;
  if ((tl->len + total > tl->cap || tl->n == tl->n_cap) && !terms_grow(tl, total)) {
    tl->failed = 1;
    return NULL;
  }
  tl->terms[tl->n++] = (engine_term){.off = (uint32_t)tl->len, .len = (uint32_t)total, .pos = pos, .wdf = wdf};
  char *p = tl->bytes + tl->len;
  tl->len += total;
  return p;
}

/* Adds prefix + a [+ " " + b] (a and b must not point into tl->bytes). */
static void terms_add(term_list *tl, const char *prefix, size_t plen, const char *a, size_t alen,
                      const char *b, size_t blen, uint32_t pos, uint32_t wdf) {
  char *p = terms_new(tl, plen + alen + (b ? 1 + blen : 0), pos, wdf);
  if (!p) return;
  memcpy(p, prefix, plen);
  memcpy(p + plen, a, alen);
  if (b) {
    p[plen + alen] = ' ';
    memcpy(p + plen + alen + 1, b, blen);
  }
}

#define PREFIXED(tl, prefix, a, alen, pos, wdf) \
  terms_add((tl), (prefix), sizeof(prefix) - 1, (a), (alen), NULL, 0, (pos), (wdf))

static engine_status terms_to_doc(term_list *tl, engine_doc *doc) {
  if (tl->failed) return ENGINE_NOMEM;
  return engine_doc_add_terms(doc, tl->bytes, tl->terms, tl->n);
}

/* ------------------------------------------------------------------ */
/* Free text: title and body                                            */
/* ------------------------------------------------------------------ */

/* State of the token callback while one field is indexed. */
typedef struct {
  term_list *tl;
  const char *text;      /* the field's original text (for adjacency) */
  uint32_t pos_base;     /* position of the field's first token, minus 1 */
  uint32_t wdf;          /* within-document weight of each occurrence */
  int is_title;
  uint32_t next_pos;     /* one past the last position used */
  int have_prev;
  size_t prev_end;
  text_token_kind prev_kind;
  size_t prev_off, prev_len; /* the previous folded form, in tl->bytes */
} field_state;

/* Two tokens form a bigram when only white space lies between them. */
static int adjacent(const char *text, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (text[i] != ' ' && text[i] != '\t') return 0;
  return 1;
}

/* B + the previous token's folded form (at prev_off in tl->bytes, where its
 * own term put it) + " " + this one's. */
static void add_bigram(term_list *tl, size_t prev_off, size_t prev_len, const char *cur,
                       size_t cur_len, uint32_t wdf) {
  size_t plen = sizeof PREFIX_BIGRAM - 1;
  char *p = terms_new(tl, plen + prev_len + 1 + cur_len, 0, wdf);
  if (!p) return;
  memcpy(p, PREFIX_BIGRAM, plen);
  memcpy(p + plen, tl->bytes + prev_off, prev_len); /* read after terms_new's realloc */
  p[plen + prev_len] = ' ';
  memcpy(p + plen + prev_len + 1, cur, cur_len);
}

static int index_token(void *ctx, const text_token *tok) {
  field_state *fs = ctx;
  term_list *tl = fs->tl;
  uint32_t pos = fs->pos_base + tok->pos + 1;
  /* The folded form is written first: the previous token's copy of it is
   * where the next bigram reads it from. */
  size_t folded_off = tl->len;
  terms_add(tl, "", 0, tok->folded, tok->folded_len, NULL, 0, pos, fs->wdf);
  int stored = tl->len == folded_off + tok->folded_len;
  if (tok->has_marks) PREFIXED(tl, PREFIX_EXACT, tok->exact, tok->exact_len, 0, fs->wdf);
  if (fs->is_title) PREFIXED(tl, PREFIX_TITLE, tok->folded, tok->folded_len, 0, 1);
  if (fs->have_prev && tok->kind == TEXT_TOKEN_WORD && fs->prev_kind == TEXT_TOKEN_WORD &&
      adjacent(fs->text, fs->prev_end, tok->start))
    add_bigram(tl, fs->prev_off, fs->prev_len, tok->folded, tok->folded_len, fs->wdf);
  if (tl->failed) return 1;
  fs->have_prev = stored && tok->folded_len <= 4 * TEXT_MAX_TOKEN;
  fs->prev_off = folded_off;
  fs->prev_len = tok->folded_len;
  fs->prev_end = tok->end;
  fs->prev_kind = tok->kind;
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

static field_state field_start(term_list *tl, const char *text, uint32_t pos_base, uint32_t wdf,
                               int is_title) {
  return (field_state){.tl = tl, .text = text, .pos_base = pos_base, .wdf = wdf,
                       .is_title = is_title, .next_pos = pos_base + 1};
}

/* ------------------------------------------------------------------ */
/* Legal numbers: the record's own one, and every one its text cites     */
/* ------------------------------------------------------------------ */

/* What the XR terms need of each number the body cites, gathered during
 * the one pass over the body (the own number is known only after it). */
typedef struct {
  char key[sizeof(((text_ref *)0)->key)];
  char number[sizeof(((text_ref *)0)->number)];
  char year[sizeof(((text_ref *)0)->year)];
  int own;
} cited;

/* Beyond this many bytes of cited numbers (~8,000) the body is read once
 * more instead (text_find_refs): same terms, bounded memory. */
#define CITED_MAX (1024u * 1024)

/* Number terms carry a within-document frequency of 1 rather than being
 * boolean: a boolean term adds no weight in BM25, and the query wants the
 * document that IS a number to outrank those that cite it. */
static void add_ref_terms(term_list *tl, const char *key, const char *number, const char *year,
                          int own) {
  if (own) PREFIXED(tl, PREFIX_OWN_NUMBER, key, strlen(key), 0, 1);
  else PREFIXED(tl, PREFIX_CITED_NUMBER, key, strlen(key), 0, 1);
  if (!number[0]) return;
  size_t nlen = strlen(number);
  if (own) PREFIXED(tl, PREFIX_OWN_BARE, number, nlen, 0, 1);
  else PREFIXED(tl, PREFIX_CITED_BARE, number, nlen, 0, 1);
  if (!year[0]) return;
  char ny[sizeof ((text_ref *)0)->number + sizeof ((text_ref *)0)->year + 1];
  int n = snprintf(ny, sizeof ny, "%s/%s", number, year);
  if (own) PREFIXED(tl, PREFIX_OWN_YEAR, ny, (size_t)n, 0, 1);
  else PREFIXED(tl, PREFIX_CITED_YEAR, ny, (size_t)n, 0, 1);
}

/* The own numbers of a document's attached files ("Số: ..." in each
 * file's header), besides the record's own: a file linked from a page is
 * found first by its own number too. At most MAX_FILE_OWN of them. */
#define MAX_FILE_OWN 16
typedef struct {
  text_ref ref[MAX_FILE_OWN];
  size_t n;
} file_owns;

static int is_file_own(const file_owns *fo, const char *key) {
  for (size_t i = 0; fo && i < fo->n; i++)
    if (strcmp(fo->ref[i].key, key) == 0) return 1;
  return 0;
}

typedef struct {
  term_list *tl;
  const char *own_key;
  const file_owns *fo;
} cite_state;

static int index_cited_ref(void *ctx, const text_ref *ref) {
  cite_state *cs = ctx;
  /* not the document naming itself */
  if (strcmp(ref->key, cs->own_key) != 0 && !is_file_own(cs->fo, ref->key))
    add_ref_terms(cs->tl, ref->key, ref->number, ref->year, 0);
  return cs->tl->failed;
}

static int find_own_ref(void *ctx, const text_ref *ref) {
  text_ref *own = ctx;
  if (!ref->own) return 0;
  *own = *ref;
  return 1;
}

/* The XN/XR terms. view is the enriched record; body_refs the numbers of
 * the body and file passes (overflowed: read the texts again); fo the
 * files' own numbers. */
static engine_status index_refs(term_list *tl, const record *view, const dynbuf *body_refs,
                                int overflowed, const file_owns *fo) {
  const cited *refs = (const cited *)(const void *)body_refs->data;
  size_t n_refs = body_refs->len / sizeof *refs;
  text_ref own;
  int have_own = 0;
  const char *number = view->number && view->number[0] ? view->number : NULL;
  memset(&own, 0, sizeof own);
  if (number) {
    have_own = text_parse_ref(number, strlen(number), &own);
  } else if (overflowed && view->body) {
    text_find_refs(view->body, strlen(view->body), find_own_ref, &own);
    have_own = own.key[0] != '\0';
  } else {
    for (size_t i = 0; i < n_refs && !have_own; i++)
      if (refs[i].own) {
        snprintf(own.key, sizeof own.key, "%s", refs[i].key);
        snprintf(own.number, sizeof own.number, "%s", refs[i].number);
        snprintf(own.year, sizeof own.year, "%s", refs[i].year);
        have_own = 1;
      }
  }
  if (have_own || number) PREFIXED(tl, PREFIX_HAS_NUMBER, "", 0, 0, 0);
  if (have_own) {
    add_ref_terms(tl, own.key, own.number, own.year, 1);
  } else if (number) {
    /* A number the recognizer does not know: keep it findable as written. */
    dynbuf folded;
    dynbuf_init(&folded, ENGINE_MAX_TERM);
    if (schema_fold_value(number, strlen(number), &folded) != 0) return ENGINE_NOMEM;
    for (char *p = folded.data; p && *p; p++)
      if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 'a' + 'A');
    PREFIXED(tl, PREFIX_OWN_NUMBER, dynbuf_str(&folded), folded.len, 0, 1);
    dynbuf_free(&folded);
  }
  for (size_t i = 0; i < fo->n; i++)
    if (!have_own || strcmp(fo->ref[i].key, own.key) != 0)
      add_ref_terms(tl, fo->ref[i].key, fo->ref[i].number, fo->ref[i].year, 1);
  cite_state cs = {tl, have_own ? own.key : "", fo};
  text_status ts = TEXT_OK;
  if (view->title) ts = text_find_refs(view->title, strlen(view->title), index_cited_ref, &cs);
  if (ts != TEXT_OK && ts != TEXT_STOPPED) return text_status_to_engine(ts);
  if (overflowed) {
    if (view->body) ts = text_find_refs(view->body, strlen(view->body), index_cited_ref, &cs);
    for (size_t i = 0; i < view->n_attachments && (ts == TEXT_OK || ts == TEXT_STOPPED); i++)
      if (view->attachments[i].text)
        ts = text_find_refs(view->attachments[i].text, strlen(view->attachments[i].text),
                            index_cited_ref, &cs);
    if (ts != TEXT_OK && ts != TEXT_STOPPED) return text_status_to_engine(ts);
  } else {
    for (size_t i = 0; i < n_refs; i++)
      if (strcmp(refs[i].key, cs.own_key) != 0 && !is_file_own(fo, refs[i].key))
        add_ref_terms(tl, refs[i].key, refs[i].number, refs[i].year, 0);
  }
  return tl->failed ? ENGINE_NOMEM : ENGINE_OK;
}

/* ------------------------------------------------------------------ */
/* Dates and metadata                                                   */
/* ------------------------------------------------------------------ */

static engine_status index_date(term_list *tl, engine_doc *doc, const char *date) {
  int y, m, d;
  if (!date || !record_date_valid(date, &y, &m, &d)) return ENGINE_OK;
  char term[16], key[18];
  snprintf(term, sizeof term, "%04d%02d%02d", y, m, d);
  PREFIXED(tl, PREFIX_DAY, term, 8, 0, 0);
  PREFIXED(tl, PREFIX_YEAR, term, 4, 0, 0);
  PREFIXED(tl, PREFIX_MONTH, term, 6, 0, 0);
  size_t klen = engine_sortable_serialise((double)schema_days_from_civil(y, m, d), key);
  engine_status st = engine_doc_set_value(doc, SLOT_DATE, key, klen);
  if (st == ENGINE_OK) st = engine_doc_set_value(doc, SLOT_YEAR, term, 4);
  return st;
}

/* A metadata field: a boolean term of the whole folded value, a value slot
 * for facets, and (for the issuer and the signer) one boolean term per word. */
static engine_status index_facet(term_list *tl, engine_doc *doc, const char *value,
                                 const char *prefix, unsigned slot, const char *word_prefix) {
  if (!value || !value[0]) return ENGINE_OK;
  dynbuf folded;
  dynbuf_init(&folded, ENGINE_MAX_TERM);
  if (schema_fold_facet(prefix, value, strlen(value), &folded) != 0) return ENGINE_NOMEM;
  if (folded.len) terms_add(tl, prefix, strlen(prefix), folded.data, folded.len, NULL, 0, 0, 0);
  engine_status st = engine_doc_set_value(doc, slot, value, strlen(value));
  size_t wplen = word_prefix ? strlen(word_prefix) : 0;
  for (char *w = folded.data; st == ENGINE_OK && word_prefix && w && *w;) {
    char *sp = strchr(w, ' ');
    size_t n = sp ? (size_t)(sp - w) : strlen(w);
    terms_add(tl, word_prefix, wplen, w, n, NULL, 0, 0, 0);
    w = sp ? sp + 1 : w + n;
  }
  dynbuf_free(&folded);
  return st;
}

/* ------------------------------------------------------------------ */
/* Legal metadata from the text (text/legal.h)                          */
/* ------------------------------------------------------------------ */

/* The record as indexed and stored: r's own fields, and where r has none,
 * what its text says: its body first, then its attached files, in order
 * (what the page states wins over what a file states). view borrows every
 * string from r, li, file_li or the made strings, and must never be
 * cleared; rels is the view's relation array. */
typedef struct {
  record view;
  legal_info li;
  legal_info *file_li;  /* one per attachment (empty for one without text) */
  file_owns fo;         /* the files' own numbers, and their names' */
  record_relation *rels;
  char *issuer_shown;   /* the view's issuer when shown another way than written */
  char *title_made;     /* a title made from a file's header or first line */
  char *number_made;    /* a number taken from a file's name */
} enriched;

static void enriched_free(enriched *e) {
  legal_info_free(&e->li);
  for (size_t i = 0; e->file_li && i < e->view.n_attachments; i++) legal_info_free(&e->file_li[i]);
  free(e->file_li);
  free(e->rels);
  free(e->issuer_shown);
  free(e->title_made);
  free(e->number_made);
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

/* Fills the view's empty fields from one text's legal_info. */
static void fill_from(record *v, legal_info *li) {
  if (li->has_number) fill(&v->number, li->number.canonical);
  fill(&v->type, li->type);
  fill(&v->issuer, li->issuer);
  fill(&v->date, li->date);
  fill(&v->signer, li->signer);
  fill(&v->signer_role, li->signer_role);
  fill(&v->place, li->place);
  fill(&v->summary, li->summary);
  fill(&v->effective, li->effective);
}

/* The relations the texts (body, then files) give, minus the document's
 * own numbers, as the view's relation array. */
static engine_status text_relations(enriched *e, const char *own_key) {
  size_t total = e->li.n_relations;
  for (size_t k = 0; e->file_li && k < e->view.n_attachments; k++) total += e->file_li[k].n_relations;
  if (total == 0) return ENGINE_OK;
  e->rels = calloc(total, sizeof *e->rels);
  if (!e->rels) return ENGINE_NOMEM;
  size_t n = 0;
  for (size_t k = 0; k <= e->view.n_attachments; k++) {
    legal_info *li = k == 0 ? &e->li : e->file_li ? &e->file_li[k - 1] : NULL;
    for (size_t i = 0; li && i < li->n_relations; i++) {
      legal_relation *lr = &li->relations[i];
      if (own_key && strcmp(lr->target.key, own_key) == 0) continue;
      if (is_file_own(&e->fo, lr->target.key)) continue;
      int dup = 0; /* a file repeating what the page says */
      for (size_t j = 0; j < n && !dup; j++)
        dup = strcmp(e->rels[j].number, lr->target.canonical) == 0 &&
              strcmp(e->rels[j].relation, legal_rel_name(lr->kind)) == 0;
      if (dup) continue;
      /* legal_rel_name is static; the view never frees or writes it */
      e->rels[n++] = (record_relation){(char *)legal_rel_name(lr->kind), lr->target.canonical,
                                       lr->sentence};
    }
  }
  e->view.relations = e->rels;
  e->view.n_relations = n;
  return ENGINE_OK;
}

/* What the one pass over the body gathers besides legal_info. */
typedef struct {
  field_state field;   /* the body's terms */
  dynbuf refs;         /* cited entries */
  int overflowed;      /* refs passed CITED_MAX: index_refs reads the body again */
} body_pass;

static int keep_ref(void *ctx, const text_ref *ref) {
  body_pass *bp = ctx;
  cited c;
  memset(&c, 0, sizeof c);
  memcpy(c.key, ref->key, sizeof c.key);
  memcpy(c.number, ref->number, sizeof c.number);
  memcpy(c.year, ref->year, sizeof c.year);
  c.own = ref->own;
  if (dynbuf_append(&bp->refs, &c, sizeof c) != DYNBUF_OK) bp->overflowed = 1;
  return bp->overflowed;
}

/* Bytes of a file's name read for its words and number. */
#define NAME_MAX_BYTES 512

/* A file's name as words: its last path segment without the extension,
 * percent-escapes decoded, "-", "_", "." and "+" as spaces ("QĐ 2536 SÁP
 * NHẬP.pdf", "bnv-8977-bnv-tcpcp.pdf" -> "bnv 8977 bnv tcpcp"). Into out
 * (NUL-terminated, valid UTF-8 or ""). */
static void name_words(const char *url, char out[NAME_MAX_BYTES]) {
  size_t n = strcspn(url, "?#");
  const char *end = url + n, *start = end;
  while (start > url && start[-1] != '/') start--;
  const char *dot = end;
  while (dot > start && dot[-1] != '.') dot--;
  if (dot > start + 1 && end - dot <= 5) end = dot - 1; /* ".pdf", ".docx" */
  size_t o = 0;
  for (const char *p = start; p < end && o + 1 < NAME_MAX_BYTES; p++) {
    char c = *p;
    if (c == '%' && end - p >= 3 && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
      char hex[3] = {p[1], p[2], 0};
      c = (char)strtol(hex, NULL, 16);
      p += 2;
    }
    out[o++] = c == '-' || c == '_' || c == '.' || c == '+' ? ' ' : c;
  }
  out[o] = '\0';
  char *clean = NULL; /* valid UTF-8 (a name in a legacy code page is decoded) */
  size_t clean_len = 0;
  text_encoding found;
  if (text_to_utf8(out, o, "utf-8", &clean, &clean_len, &found) == TEXT_OK &&
      clean_len < NAME_MAX_BYTES)
    memcpy(out, clean, clean_len + 1);
  else
    out[0] = '\0';
  free(clean);
}

/* Indexes one attachment's text (legal_parse_scan: its words, its numbers
 * and what its header says, into *li), then the words of its link's label
 * and its file name, each after a gap of positions. */
static text_status index_file(const record_attachment *a, legal_info *li, body_pass *bp) {
  term_list *tl = bp->field.tl;
  text_status ts = TEXT_OK;
  memset(li, 0, sizeof *li);
  if (a->text && a->text[0]) {
    bp->field = field_start(tl, a->text, bp->field.next_pos + SCHEMA_BODY_POS_GAP, 1, 0);
    ts = legal_parse_scan(a->text, strlen(a->text), li, index_token, keep_ref, bp);
  }
  char name[NAME_MAX_BYTES];
  name_words(a->url, name);
  const char *parts[2] = {a->label, name};
  for (int i = 0; i < 2 && ts == TEXT_OK; i++) {
    if (!parts[i] || !parts[i][0]) continue;
    bp->field = field_start(tl, parts[i], bp->field.next_pos + SCHEMA_BODY_POS_GAP, 1, 0);
    ts = text_tokenize(parts[i], strlen(parts[i]), index_token, &bp->field);
  }
  return ts;
}

/* Bytes of a file's text where its header is looked for. */
#define HEADER_BYTES 65536

/* 1 when a (digits) ends b (digits): the end of "4409" read as "409". */
static int digits_end(const char *a, const char *b) {
  size_t n = strlen(a), m = strlen(b);
  return n >= 3 && n <= m && strcmp(b + m - n, a) == 0;
}

/* A header whose digits OCR garbled ("Số: 3 3#/C04-P6" for a handwritten
 * "3980") and a name with one number-like run whose first digit is the
 * header's ("3980_0001-1.pdf": a scanner adds "_0001", "-1"): run/code
 * into num. Runs with a leading 0 are counters and 19xx/20xx are years,
 * not numbers; more than one candidate, or a first digit that differs
 * ("28125.pdf", an upload's id, for "Số: 4đÝ/TTr-CAT-PC04"), give nothing. */
static void garbled_from_name(const legal_code *hc, const char *name, char *num, size_t size) {
  const char *found = NULL;
  size_t found_len = 0, candidates = 0;
  for (const char *p = name; *p;) {
    size_t n = strspn(p, "0123456789");
    int year = n == 4 && (strncmp(p, "19", 2) == 0 || strncmp(p, "20", 2) == 0);
    if (n >= 2 && n <= 5 && p[0] != '0' && !year) {
      found = p;
      found_len = n;
      candidates++;
    }
    p += n ? n : 1;
  }
  if (candidates == 1 && hc->digits[0] == found[0])
    snprintf(num, size, "%.*s/%s", (int)found_len, found, hc->code);
}

/* The number a file's name and its header give together, when the header
 * prints the code but its digits cannot be read (handwritten, stamped, or
 * misread by OCR: "Số: 4⁄6 /QĐÐ-UBND") and the name holds them: the name's
 * number of the same kind ("1716-qd-thanh-lap.pdf" -> 1716/QĐ-UBND), or a
 * run of digits the header's digits end ("1_4409.signed.pdf", "Số: 409
 * /BCA-C04" -> 4409/BCA-C04), or garbled_from_name's. 1 and *out
 * filled, or 0. */
static int name_and_header(const record_attachment *a, const char *name, text_ref *out) {
  legal_code hc;
  size_t len = a->text ? strlen(a->text) : 0;
  if (!len || !legal_header_code(a->text, len < HEADER_BYTES ? len : HEADER_BYTES, &hc)) return 0;
  char num[160] = "";
  text_ref nr;
  if (text_ref_from_name(name, strlen(name), &nr) && nr.kind[0] && strcmp(nr.kind, hc.kind) == 0) {
    snprintf(num, sizeof num, "%s/%s", nr.number, hc.code);
  } else {
    for (const char *p = name; *p && !num[0];) { /* runs of 3 to 7 digits */
      size_t n = strspn(p, "0123456789");
      if (n >= 3 && n <= 7) {
        char run[8];
        memcpy(run, p, n);
        run[n] = '\0';
        if (digits_end(hc.digits, run)) snprintf(num, sizeof num, "%s/%s", run, hc.code);
      }
      p += n ? n : 1;
    }
  }
  if (!num[0] && hc.garbled) garbled_from_name(&hc, name, num, sizeof num);
  return num[0] && text_parse_ref(num, strlen(num), out);
}

/* The own numbers of the files (their headers'), the numbers their names
 * are shaped after ("bnv-8977-bnv-tcpcp.pdf": an office names a file after
 * its number, which OCR may misread in a stamped field), and those a name
 * and a header give together (name_and_header), first. */
static void gather_file_owns(enriched *e) {
  const record *v = &e->view;
  for (size_t k = 0; k < v->n_attachments && e->fo.n < MAX_FILE_OWN; k++) {
    char name[NAME_MAX_BYTES];
    name_words(v->attachments[k].url, name);
    text_ref ref;
    if (name_and_header(&v->attachments[k], name, &ref) && !is_file_own(&e->fo, ref.key))
      e->fo.ref[e->fo.n++] = ref;
    if (e->fo.n < MAX_FILE_OWN && e->file_li[k].has_number &&
        !is_file_own(&e->fo, e->file_li[k].number.key))
      e->fo.ref[e->fo.n++] = e->file_li[k].number;
    if (e->fo.n < MAX_FILE_OWN && text_ref_from_name(name, strlen(name), &ref) &&
        !is_file_own(&e->fo, ref.key))
      e->fo.ref[e->fo.n++] = ref;
  }
}

/* legal_parse over the body, whose pass also indexes the body's words
 * (bp->field) and gathers its numbers (bp->refs); then each attached
 * file's text the same way. */
static engine_status enrich(const record *r, enriched *e, body_pass *bp) {
  e->view = *r;
  if (e->title_made) e->view.title = e->title_made;
  text_status ts = TEXT_OK;
  if (r->body) ts = legal_parse_scan(r->body, strlen(r->body), &e->li, index_token, keep_ref, bp);
  if (r->n_attachments) {
    e->file_li = calloc(r->n_attachments, sizeof *e->file_li);
    if (!e->file_li) return ENGINE_NOMEM;
  }
  for (size_t k = 0; ts == TEXT_OK && k < r->n_attachments; k++)
    ts = index_file(&r->attachments[k], &e->file_li[k], bp);
  if (ts == TEXT_OK && bp->field.tl->failed) ts = TEXT_NOMEM;
  if (ts != TEXT_OK) return text_status_to_engine(ts);
  record *v = &e->view;
  fill_from(v, &e->li);
  int posted = v->date_source && strcmp(v->date_source, "posted") == 0;
  for (size_t k = 0; k < r->n_attachments; k++) {
    legal_info *fl = &e->file_li[k];
    /* a portal page that states only its posting date takes the file's */
    if (posted && fl->date[0]) {
      v->date = fl->date;
      v->date_source = (char *)"header"; /* static; the view never frees or writes it */
      posted = 0;
    }
    fill_from(v, fl);
  }
  gather_file_owns(e);
  if ((!v->number || !v->number[0]) && e->fo.n) {
    e->number_made = strdup(e->fo.ref[0].canonical); /* a number from a file's name */
    if (!e->number_made) return ENGINE_NOMEM;
    v->number = e->number_made;
  }
  text_ref own;
  const char *own_key = NULL;
  if (v->number && text_parse_ref(v->number, strlen(v->number), &own)) own_key = own.key;
  if (r->title) ts = legal_add_relations(r->title, strlen(r->title), own_key, &e->li);
  if (ts != TEXT_OK) return text_status_to_engine(ts);
  engine_status st = show_one_way(e);
  if (st != ENGINE_OK) return st;
  return r->n_relations ? ENGINE_OK : text_relations(e, own_key);
}

/* A title for a record that has none (a file given alone, or linked from
 * a listing): its first file's header, type and summary ("Quyết định về
 * việc ..."), else that file's first line of text, else its name. NULL
 * when the record has a title, or out of memory (*nomem). */
#define MADE_TITLE_MAX 300
static char *make_title(const record *r, int *nomem) {
  *nomem = 0;
  if ((r->title && r->title[0]) || r->n_attachments == 0) return NULL;
  const record_attachment *a = &r->attachments[0];
  char buf[1024]; /* a header type and summary, a line, or a name; cut below */
  buf[0] = '\0';
  if (a->text && a->text[0]) {
    legal_info li;
    size_t len = strlen(a->text);
    if (legal_parse_header(a->text, len < 65536 ? len : 65536, &li) == TEXT_OK && li.summary[0]) {
      const char *sum = li.summary;
      int lower = li.header_type[0] && (strncmp(sum, "Về", 4) == 0 || strncmp(sum, "V/v", 3) == 0);
      snprintf(buf, sizeof buf, "%s%s%s%s", li.header_type, li.header_type[0] ? " " : "",
               lower ? "v" : "", lower ? sum + 1 : sum);
    }
    for (const char *p = a->text; !buf[0] && *p;) { /* the first line with words */
      size_t n = strcspn(p, "\n\f");
      size_t i = 0;
      while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
      if (n - i >= 4) snprintf(buf, sizeof buf, "%.*s", (int)(n - i), p + i);
      p += n + (p[n] != '\0');
    }
  }
  if (!buf[0]) name_words(a->url, buf);
  size_t n = strlen(buf);
  if (n > MADE_TITLE_MAX) { /* cut at a character boundary */
    n = MADE_TITLE_MAX;
    while (n > 0 && ((unsigned char)buf[n] & 0xC0) == 0x80) n--;
    buf[n] = '\0';
  }
  while (n > 0 && buf[n - 1] == ' ') buf[--n] = '\0';
  if (!buf[0]) return NULL;
  char *t = strdup(buf);
  if (!t) *nomem = 1;
  return t;
}

/* One boolean term per relation, so "what repeals X" is one posting list.
 * Plain citations already have their XR term from the text, unless the
 * record gave its relations itself. */
static void index_relations(term_list *tl, const record *view, int explicit_rels) {
  /* Read from the text, only a legal document (one with a number of its
   * own) can amend, replace or repeal another: a news item or a listing page
   * that says "bãi bỏ" next to a number merely cites it. Relations a record
   * states itself are taken as stated. */
  int binding = explicit_rels || (view->number && view->number[0]);
  for (size_t i = 0; i < view->n_relations; i++) {
    const record_relation *rel = &view->relations[i];
    const char *prefix = schema_relation_prefix(rel->relation);
    text_ref ref;
    if (!prefix || !text_parse_ref(rel->number, strlen(rel->number), &ref)) continue;
    if (!binding && strcmp(prefix, PREFIX_REL_BASIS) != 0) prefix = PREFIX_CITED_NUMBER;
    if (strcmp(prefix, PREFIX_CITED_NUMBER) == 0) {
      if (explicit_rels) add_ref_terms(tl, ref.key, ref.number, ref.year, 0);
    } else {
      terms_add(tl, prefix, strlen(prefix), ref.key, strlen(ref.key), NULL, 0, 0, 0);
    }
  }
}

/* ------------------------------------------------------------------ */
/* The document                                                         */
/* ------------------------------------------------------------------ */

/* Everything but the terms of the title and the body, which are in tl
 * already: numbers, date, facets, relations, the stored record. */
static engine_status build_rest(const enriched *e, const body_pass *bp, term_list *tl,
                                engine_doc *doc, int explicit_rels) {
  const record *v = &e->view;
  engine_status st = index_refs(tl, v, &bp->refs, bp->overflowed, &e->fo);
  if (st == ENGINE_OK) st = index_date(tl, doc, v->date);
  if (st == ENGINE_OK) st = index_facet(tl, doc, v->type, PREFIX_TYPE, SLOT_TYPE, NULL);
  if (st == ENGINE_OK)
    st = index_facet(tl, doc, v->issuer, PREFIX_ISSUER, SLOT_ISSUER, PREFIX_ISSUER_WORD);
  if (st == ENGINE_OK) st = index_facet(tl, doc, v->category, PREFIX_CATEGORY, SLOT_CATEGORY, NULL);
  if (st == ENGINE_OK) {
    char *json = record_to_json(v);
    st = json ? engine_doc_set_data(doc, json, strlen(json)) : ENGINE_NOMEM;
    free(json);
  }
  if (st == ENGINE_OK) index_relations(tl, v, explicit_rels);
  if (st == ENGINE_OK)
    st = index_facet(tl, doc, v->signer, PREFIX_SIGNER, SLOT_SIGNER, PREFIX_SIGNER_WORD);
  return st;
}

engine_status indexer_build_document(const record *r, engine_doc **out) {
  *out = NULL;
  engine_doc *doc = engine_doc_new();
  if (!doc) return ENGINE_NOMEM;
  term_list tl;
  terms_init(&tl);
  enriched e;
  memset(&e, 0, sizeof e);
  int nomem;
  e.title_made = make_title(r, &nomem);
  const char *title_text = e.title_made ? e.title_made : r->title;
  /* The title first: the body's positions start after its last one. */
  field_state title = field_start(&tl, title_text, 0, SCHEMA_TITLE_WDF, 1);
  text_status ts = TEXT_OK;
  if (title_text) ts = text_tokenize(title_text, strlen(title_text), index_token, &title);
  engine_status st = tl.failed || nomem ? ENGINE_NOMEM : text_status_to_engine(ts);
  body_pass bp = {.field = field_start(&tl, r->body, title.next_pos + SCHEMA_BODY_POS_GAP, 1, 0)};
  dynbuf_init(&bp.refs, CITED_MAX);
  if (st == ENGINE_OK) st = enrich(r, &e, &bp);
  if (st == ENGINE_OK) st = build_rest(&e, &bp, &tl, doc, r->n_relations > 0);
  if (st == ENGINE_OK) st = terms_to_doc(&tl, doc);
  enriched_free(&e);
  dynbuf_free(&bp.refs);
  terms_free(&tl);
  if (st != ENGINE_OK) {
    engine_doc_free(doc);
    return st;
  }
  *out = doc;
  return ENGINE_OK;
}
