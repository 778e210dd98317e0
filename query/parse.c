/* Query text and filters -> one engine query.
 *
 * Free words go through the text pipeline as one piece (so "1732 /QĐ" and
 * bigrams survive), and each becomes a weighted disjunction of its folded
 * form and, when typed with accents, its exact form. Quoted phrases, +/-
 * words, fields (so:, loai:, coquan:, linhvuc:, tu:, den:, nam:) and the
 * filter flags are handled here too. The weights are named below; they were
 * tuned on the relevance harness in bench/ (see README). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynbuf.h"
#include "query_internal.h"
#include "record.h"
#include "schema.h"
#include "schema_terms.h"
#include "text.h"

#define EXACT_BOOST 0.5   /* an accented word also matching its exact form */
#define STOPWORD_WEIGHT 0.2
#define BIGRAM_WEIGHT 1.0
#define OWN_NUMBER_BOOST 10.0  /* the document that IS the number */
#define CITED_NUMBER_BOOST 2.0 /* documents citing it */
#define MAX_QUERY_BYTES 4096

/* ------------------------------------------------------------------ */
/* A list of owned subqueries                                           */
/* ------------------------------------------------------------------ */

typedef struct {
  engine_query **q;
  size_t n, cap;
  int nomem;
} qlist;

/* Takes ownership of q (NULL marks the list as out of memory). */
static void qlist_push(qlist *l, engine_query *q) {
  if (!q) {
    l->nomem = 1;
    return;
  }
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    engine_query **p = realloc(l->q, cap * sizeof *p);
    if (!p) {
      engine_query_free(q);
      l->nomem = 1;
      return;
    }
    l->q = p;
    l->cap = cap;
  }
  l->q[l->n++] = q;
}

static void qlist_free(qlist *l) {
  for (size_t i = 0; i < l->n; i++) engine_query_free(l->q[i]);
  free(l->q);
  memset(l, 0, sizeof *l);
}

/* Combines the list into one query and empties it. NULL when empty. */
static engine_query *qlist_combine(qlist *l, engine_query_op op) {
  engine_query *q = NULL;
  if (l->n == 1) {
    q = l->q[0];
    l->n = 0;
  } else if (l->n > 1) {
    q = engine_query_combine(op, l->q, l->n, 0);
    if (!q) l->nomem = 1;
  }
  int nomem = l->nomem;
  qlist_free(l);
  l->nomem = nomem;
  return q;
}

static engine_query *term_query(const char *prefix, const char *s, size_t len) {
  char term[ENGINE_MAX_TERM + 1];
  size_t plen = strlen(prefix);
  if (plen + len > ENGINE_MAX_TERM) return engine_query_match_nothing();
  memcpy(term, prefix, plen);
  memcpy(term + plen, s, len);
  return engine_query_term(term, plen + len, 1);
}

static engine_query *scaled(engine_query *q, double factor) {
  if (!q) return NULL;
  engine_query *s = engine_query_scale(q, factor);
  engine_query_free(q);
  return s;
}

/* OR of two owned queries. */
static engine_query *either(engine_query *a, engine_query *b) {
  qlist l = {0};
  qlist_push(&l, a);
  qlist_push(&l, b);
  if (l.nomem) {
    qlist_free(&l);
    return NULL;
  }
  return qlist_combine(&l, ENGINE_OP_OR);
}

/* ------------------------------------------------------------------ */
/* Legal numbers                                                        */
/* ------------------------------------------------------------------ */

/* The document with this number, strongly, or one citing it. */
static engine_query *ref_query(const text_ref *ref) {
  return either(scaled(term_query(PREFIX_OWN_NUMBER, ref->key, strlen(ref->key)), OWN_NUMBER_BOOST),
                scaled(term_query(PREFIX_CITED_NUMBER, ref->key, strlen(ref->key)),
                       CITED_NUMBER_BOOST));
}

static int all_digits(const char *s, size_t n) {
  if (n == 0 || n > 8) return 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

/* "32/2021": a number and a year, as typed in "nghị định 32/2021". */
static int number_year(const char *s, size_t n) {
  const char *slash = memchr(s, '/', n);
  if (!slash) return 0;
  size_t a = (size_t)(slash - s), b = n - a - 1;
  return all_digits(s, a) && b == 4 && all_digits(slash + 1, 4) && (slash[1] == '1' || slash[1] == '2');
}

/* A partial number: the bare "2696" or "32/2021". NULL when s is neither. */
static engine_query *partial_number_query(const char *s, size_t n) {
  const char *own, *cited;
  if (all_digits(s, n)) {
    own = PREFIX_OWN_BARE;
    cited = PREFIX_CITED_BARE;
  } else if (number_year(s, n)) {
    own = PREFIX_OWN_YEAR;
    cited = PREFIX_CITED_YEAR;
  } else {
    return NULL;
  }
  return either(scaled(term_query(own, s, n), OWN_NUMBER_BOOST),
                scaled(term_query(cited, s, n), CITED_NUMBER_BOOST));
}

/* ------------------------------------------------------------------ */
/* Words                                                                */
/* ------------------------------------------------------------------ */

typedef struct {
  qlist *out;           /* where each word's query goes */
  highlight_set *hs;
  const char *text;
  int phrase;           /* collecting plain folded terms for a phrase */
  int with_extras;      /* numbers and bigrams too (free text only) */
  int have_prev;
  size_t prev_end;
  char prev[4 * TEXT_MAX_TOKEN + 1];
  size_t prev_len;
  int nomem;
} word_state;

static engine_query *word_query(const text_token *tok) {
  engine_query *q = term_query("", tok->folded, tok->folded_len);
  if (tok->has_marks)
    q = either(q, scaled(term_query(PREFIX_EXACT, tok->exact, tok->exact_len), EXACT_BOOST));
  if (text_is_stopword(tok->folded, tok->folded_len)) q = scaled(q, STOPWORD_WEIGHT);
  return q;
}

static int only_spaces(const char *s, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (s[i] != ' ' && s[i] != '\t') return 0;
  return 1;
}

static int add_word(void *ctx, const text_token *tok) {
  word_state *ws = ctx;
  int stop = text_is_stopword(tok->folded, tok->folded_len);
  if ((ws->phrase || !stop) && highlight_set_add(ws->hs, tok->folded, tok->folded_len) != 0)
    ws->nomem = 1;
  if (ws->phrase) {
    qlist_push(ws->out, term_query("", tok->folded, tok->folded_len));
    return ws->out->nomem;
  }
  qlist_push(ws->out, word_query(tok));
  if (ws->with_extras) {
    engine_query *num = partial_number_query(tok->folded, tok->folded_len);
    if (num) qlist_push(ws->out, num);
    if (ws->have_prev && tok->kind == TEXT_TOKEN_WORD && only_spaces(ws->text, ws->prev_end, tok->start)) {
      char pair[sizeof ws->prev + 1 + 4 * TEXT_MAX_TOKEN + 1];
      int n = snprintf(pair, sizeof pair, "%.*s %.*s", (int)ws->prev_len, ws->prev,
                       (int)tok->folded_len, tok->folded);
      if (n > 0 && (size_t)n < sizeof pair)
        qlist_push(ws->out, scaled(term_query(PREFIX_BIGRAM, pair, (size_t)n), BIGRAM_WEIGHT));
    }
    ws->have_prev = tok->kind == TEXT_TOKEN_WORD && tok->folded_len < sizeof ws->prev;
    if (ws->have_prev) {
      memcpy(ws->prev, tok->folded, tok->folded_len);
      ws->prev_len = tok->folded_len;
      ws->prev_end = tok->end;
    }
  }
  return ws->out->nomem || ws->nomem;
}

static int add_ref(void *ctx, const text_ref *ref) {
  qlist *out = ctx;
  qlist_push(out, ref_query(ref));
  return out->nomem;
}

/* Free text: every word, its bigrams, and the legal numbers it contains. */
static int add_free_text(const char *text, size_t len, qlist *scored, highlight_set *hs) {
  word_state ws = {.out = scored, .hs = hs, .text = text, .with_extras = 1};
  if (text_tokenize(text, len, add_word, &ws) == TEXT_NOMEM || ws.nomem) return -1;
  if (text_find_refs(text, len, add_ref, scored) == TEXT_NOMEM) return -1;
  return scored->nomem ? -1 : 0;
}

/* A phrase (or a single +/- word): its folded terms in order. */
static engine_query *phrase_query(const char *text, size_t len, highlight_set *hs, int *nomem) {
  qlist terms = {0};
  word_state ws = {.out = &terms, .hs = hs, .text = text, .phrase = 1};
  text_tokenize(text, len, add_word, &ws);
  if (ws.nomem) terms.nomem = 1;
  engine_query *q = qlist_combine(&terms, ENGINE_OP_PHRASE);
  if (terms.nomem) {
    engine_query_free(q);
    *nomem = 1;
    return NULL;
  }
  return q;
}

/* ------------------------------------------------------------------ */
/* Filters                                                              */
/* ------------------------------------------------------------------ */

int query_parse_date(const char *s, int end, char iso[11]) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  text_date d;
  size_t n = strlen(s);
  if (n == 4 && all_digits(s, 4)) {
    snprintf(iso, 11, "%.4s-%s", s, end ? "12-31" : "01-01");
    return 1;
  }
  if (n == 7 && s[4] == '-' && all_digits(s, 4) && all_digits(s + 5, 2)) {
    int y = atoi(s), m = atoi(s + 5);
    if (m < 1 || m > 12) return 0;
    int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    snprintf(iso, 11, "%04d-%02d-%02d", y, m, end ? last : 1);
    return 1;
  }
  if (record_date_valid(s, NULL, NULL, NULL)) {
    memcpy(iso, s, 11);
    return 1;
  }
  if (text_parse_date(s, n, &d)) {
    memcpy(iso, d.iso, 11);
    return 1;
  }
  return 0;
}

/* Date keys are sortable_serialise() bytes, which may hold NULs: lengths
 * travel with them. */
static engine_query *date_range(const char *from, const char *to) {
  char lo[18], hi[18];
  size_t lo_len = 0, hi_len = 0;
  int y, m, d;
  if (from && record_date_valid(from, &y, &m, &d))
    lo_len = engine_sortable_serialise((double)schema_days_from_civil(y, m, d), lo);
  if (to && record_date_valid(to, &y, &m, &d))
    hi_len = engine_sortable_serialise((double)schema_days_from_civil(y, m, d), hi);
  return engine_query_value_range_n(SLOT_DATE, lo_len ? lo : NULL, lo_len, hi_len ? hi : NULL,
                                    hi_len);
}

/* loai:/--type, linhvuc:/--category: the whole folded value. coquan:/--issuer:
 * every folded word, so "tay ho" finds "UBND quận Tây Hồ". */
static engine_query *facet_filter(const char *prefix, const char *value, int by_word) {
  dynbuf folded;
  dynbuf_init(&folded, ENGINE_MAX_TERM);
  if (schema_fold_value(value, strlen(value), &folded) != 0) return NULL;
  engine_query *q;
  if (!by_word) {
    q = term_query(prefix, dynbuf_str(&folded), folded.len);
  } else {
    qlist words = {0};
    for (const char *w = dynbuf_str(&folded); *w;) {
      const char *sp = strchr(w, ' ');
      size_t n = sp ? (size_t)(sp - w) : strlen(w);
      qlist_push(&words, term_query(PREFIX_ISSUER_WORD, w, n));
      w += n + (sp != NULL);
    }
    q = words.n ? qlist_combine(&words, ENGINE_OP_AND) : engine_query_match_all();
    if (words.nomem) {
      engine_query_free(q);
      q = NULL;
    }
  }
  dynbuf_free(&folded);
  return q;
}

/* ------------------------------------------------------------------ */
/* The query language                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
  qlist scored, required, excluded, filters;
  highlight_set hs;
  dynbuf free_text;
  char from[11], to[11];
  char *err;
  size_t errlen;
  int bad, nomem;
} parse_state;

static size_t quote_len(const char *s, size_t n) {
  if (n >= 1 && s[0] == '"') return 1;
  /* “ ” (U+201C, U+201D): what phones and word processors type. */
  if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
      ((unsigned char)s[2] == 0x9C || (unsigned char)s[2] == 0x9D))
    return 3;
  return 0;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void fail(parse_state *ps, const char *fmt, const char *arg) {
  if (!ps->bad) snprintf(ps->err, ps->errlen, fmt, arg);
  ps->bad = 1;
}

static void set_date(parse_state *ps, char dst[11], const char *value, int end) {
  if (!query_parse_date(value, end, dst))
    fail(ps, "invalid date \"%s\": write it as YYYY-MM-DD (or dd/mm/yyyy, YYYY-MM, YYYY)", value);
}

static int highlight_token(void *ctx, const text_token *tok) {
  return highlight_set_add(ctx, tok->folded, tok->folded_len) != 0;
}

static void apply_field(parse_state *ps, const char *name, const char *value) {
  if (!value[0]) {
    fail(ps, "\"%s:\" needs a value", name);
    return;
  }
  if (strcmp(name, "so") == 0) {
    text_ref ref;
    size_t n = strlen(value);
    engine_query *q = text_parse_ref(value, n, &ref) ? ref_query(&ref) : NULL;
    if (!q) {
      char folded[64];
      snprintf(folded, sizeof folded, "%s", value);
      q = partial_number_query(folded, strlen(folded));
    }
    if (!q) fail(ps, "\"so:%s\" is not a legal number (e.g. so:2696/QĐ-UBND, so:32/2021, so:2696)", value);
    else qlist_push(&ps->required, q);
    /* Highlight the number where the text writes it, in any spelling. */
    text_tokenize(value, n, highlight_token, &ps->hs);
  } else if (strcmp(name, "loai") == 0) {
    qlist_push(&ps->filters, facet_filter(PREFIX_TYPE, value, 0));
  } else if (strcmp(name, "coquan") == 0) {
    qlist_push(&ps->filters, facet_filter(PREFIX_ISSUER, value, 1));
  } else if (strcmp(name, "linhvuc") == 0) {
    qlist_push(&ps->filters, facet_filter(PREFIX_CATEGORY, value, 0));
  } else if (strcmp(name, "tu") == 0) {
    set_date(ps, ps->from, value, 0);
  } else if (strcmp(name, "den") == 0) {
    set_date(ps, ps->to, value, 1);
  } else if (strcmp(name, "nam") == 0) {
    set_date(ps, ps->from, value, 0);
    set_date(ps, ps->to, value, 1);
  }
}

static const char *const field_names[] = {"so", "loai", "coquan", "linhvuc", "tu", "den", "nam"};

/* The field name a word starts with ("so:..."), or NULL. */
static const char *field_of(const char *w, size_t n) {
  for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++) {
    size_t k = strlen(field_names[i]);
    if (n > k && w[k] == ':' && strncmp(w, field_names[i], k) == 0) return field_names[i];
  }
  return NULL;
}

/* Reads a quoted run at s[i] (after its opening quote); returns the index
 * after the closing quote (or the end). */
static size_t read_quoted(const char *s, size_t n, size_t i, size_t *from, size_t *to) {
  *from = i;
  while (i < n && !quote_len(s + i, n - i)) i++;
  *to = i;
  return i < n ? i + quote_len(s + i, n - i) : i;
}

static void lex(parse_state *ps, const char *s, size_t n) {
  size_t i = 0;
  while (i < n && !ps->bad && !ps->nomem) {
    while (i < n && is_space(s[i])) i++;
    if (i == n) break;
    char mod = 0;
    if ((s[i] == '-' || s[i] == '+') && i + 1 < n && !is_space(s[i + 1])) mod = s[i++];
    size_t q = quote_len(s + i, n - i);
    size_t from, to;
    if (q) {
      i = read_quoted(s, n, i + q, &from, &to);
      engine_query *pq = phrase_query(s + from, to - from, &ps->hs, &ps->nomem);
      if (pq) qlist_push(mod == '-' ? &ps->excluded : &ps->required, pq);
      continue;
    }
    from = i;
    while (i < n && !is_space(s[i]) && !quote_len(s + i, n - i)) i++;
    to = i;
    const char *field = field_of(s + from, to - from);
    if (field) {
      size_t vfrom = from + strlen(field) + 1, vto = to;
      if (vfrom == to && (q = quote_len(s + i, n - i)) != 0) i = read_quoted(s, n, i + q, &vfrom, &vto);
      char value[256];
      snprintf(value, sizeof value, "%.*s", (int)(vto - vfrom), s + vfrom);
      apply_field(ps, field, value);
    } else if (mod) {
      engine_query *wq = phrase_query(s + from, to - from, &ps->hs, &ps->nomem);
      if (wq) qlist_push(mod == '-' ? &ps->excluded : &ps->required, wq);
    } else if (!(to - from == 2 && strncmp(s + from, "OR", 2) == 0)) {
      /* "OR" only joins: the default already ranks by how many words match. */
      dynbuf_append(&ps->free_text, s + from, to - from);
      dynbuf_append_byte(&ps->free_text, ' ');
    }
  }
}

static void apply_flags(parse_state *ps, const query_request *req) {
  if (req->from) set_date(ps, ps->from, req->from, 0);
  if (req->to) set_date(ps, ps->to, req->to, 1);
  if (req->type) qlist_push(&ps->filters, facet_filter(PREFIX_TYPE, req->type, 0));
  if (req->issuer) qlist_push(&ps->filters, facet_filter(PREFIX_ISSUER, req->issuer, 1));
  if (req->category) qlist_push(&ps->filters, facet_filter(PREFIX_CATEGORY, req->category, 0));
  if (!ps->bad && ps->from[0] && ps->to[0] && strcmp(ps->from, ps->to) > 0)
    fail(ps, "the date range is empty: from %s is after to", ps->from);
}

/* Puts the parts together: required AND-ed (and weighted up by the scored
 * words), exclusions cut out, filters applied without weight. */
static engine_query *assemble(parse_state *ps, int *has_text) {
  engine_query *scored = qlist_combine(&ps->scored, ENGINE_OP_OR);
  engine_query *required = qlist_combine(&ps->required, ENGINE_OP_AND);
  *has_text = scored || required;
  engine_query *main;
  if (scored && required) {
    engine_query *pair[2] = {required, scored};
    main = engine_query_combine(ENGINE_OP_AND_MAYBE, pair, 2, 0);
    engine_query_free(scored);
    engine_query_free(required);
  } else {
    main = scored ? scored : required ? required : engine_query_match_all();
  }
  if (ps->from[0] || ps->to[0]) qlist_push(&ps->filters, date_range(ps->from[0] ? ps->from : NULL, ps->to[0] ? ps->to : NULL));
  engine_query *excluded = qlist_combine(&ps->excluded, ENGINE_OP_OR);
  engine_query *filters = qlist_combine(&ps->filters, ENGINE_OP_AND);
  if (main && excluded) {
    engine_query *pair[2] = {main, excluded};
    engine_query *q = engine_query_combine(ENGINE_OP_AND_NOT, pair, 2, 0);
    engine_query_free(main);
    main = q;
  }
  if (main && filters) {
    engine_query *pair[2] = {main, filters};
    engine_query *q = engine_query_combine(ENGINE_OP_FILTER, pair, 2, 0);
    engine_query_free(main);
    main = q;
  }
  engine_query_free(excluded);
  engine_query_free(filters);
  if (ps->scored.nomem || ps->required.nomem || ps->excluded.nomem || ps->filters.nomem) {
    engine_query_free(main);
    return NULL;
  }
  return main;
}

query_status parse_request(const query_request *req, parsed_query *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  parse_state ps = {.err = err, .errlen = errlen};
  dynbuf_init(&ps.free_text, MAX_QUERY_BYTES);
  size_t n = req->text ? strlen(req->text) : 0;
  if (n > MAX_QUERY_BYTES) {
    snprintf(err, errlen, "the query is longer than %d bytes", MAX_QUERY_BYTES);
    dynbuf_free(&ps.free_text);
    return QUERY_BAD;
  }
  if (n) lex(&ps, req->text, n);
  if (!ps.bad && !ps.nomem) apply_flags(&ps, req);
  if (!ps.bad && !ps.nomem && ps.free_text.len &&
      add_free_text(dynbuf_str(&ps.free_text), ps.free_text.len, &ps.scored, &ps.hs) != 0)
    ps.nomem = 1;
  engine_query *q = NULL;
  if (!ps.bad && !ps.nomem) q = assemble(&ps, &out->has_text);
  qlist_free(&ps.scored);
  qlist_free(&ps.required);
  qlist_free(&ps.excluded);
  qlist_free(&ps.filters);
  dynbuf_free(&ps.free_text);
  if (ps.bad || !q) {
    highlight_set_free(&ps.hs);
    engine_query_free(q);
    if (!ps.bad) snprintf(err, errlen, "out of memory");
    return ps.bad ? QUERY_BAD : QUERY_NOMEM;
  }
  out->query = q;
  out->highlight = ps.hs;
  return QUERY_OK;
}

void parsed_query_free(parsed_query *pq) {
  engine_query_free(pq->query);
  highlight_set_free(&pq->highlight);
  memset(pq, 0, sizeof *pq);
}

void highlight_set_free(highlight_set *hs) {
  for (size_t i = 0; i < hs->n; i++) free(hs->words[i]);
  hs->n = 0;
}

int highlight_set_has(const highlight_set *hs, const char *word, size_t len) {
  for (size_t i = 0; i < hs->n; i++)
    if (strlen(hs->words[i]) == len && memcmp(hs->words[i], word, len) == 0) return 1;
  return 0;
}

int highlight_set_add(highlight_set *hs, const char *word, size_t len) {
  if (hs->n == HIGHLIGHT_MAX || highlight_set_has(hs, word, len)) return 0;
  char *w = malloc(len + 1);
  if (!w) return -1;
  memcpy(w, word, len);
  w[len] = '\0';
  hs->words[hs->n++] = w;
  return 0;
}
