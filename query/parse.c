/* Query text and filters -> one engine query.
 *
 * Free words go through the text pipeline as one piece (so "1732 /QĐ" and
 * bigrams survive), and each becomes a weighted disjunction of its folded
 * form and, when typed with accents, its exact form. Quoted phrases, +/-
 * words, fields (so:, loai:, coquan:, linhvuc:, tu:, den:, nam:) and the
 * filter flags are handled here too. The weights are named below; they were
 * tuned on the relevance harness in bench/ (see README). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/dynbuf.h"
#include "common/oneline.h"
#include "model/record.h"
#include "model/schema.h"
#include "model/schema_terms.h"
#include "query/query_internal.h"
#include "text/text.h"

#define EXACT_BOOST 0.5   /* an accented word also matching its exact form */
#define STOPWORD_WEIGHT 0.2
#define BIGRAM_WEIGHT 1.0
/* A long question (a pasted paragraph, an ALQAC question of ~20 words)
 * ranks by its LONG_QUERY_ELITE rarest words and bigrams in the index
 * (engine_query_rarest), which decide the ranking anyway; the common ones
 * were most of the matching time. Chosen from the whole collection's
 * counts, so a sharded index ranks as one index does (Xapian's own
 * OP_ELITE_SET chooses in each shard apart: on 100,000 documents only 418
 * of 520 questions then gave the same top 10 on 1 shard, 4 shards and 4
 * xapian-tcpsrv). Measured figures: README, "Where the time goes". */
#define LONG_QUERY_ELITE 18
#define OWN_NUMBER_BOOST 10.0  /* the document that IS the number */
#define CITED_NUMBER_BOOST 2.0 /* documents citing it */
/* Up to this many content words, every one is required (with a fallback to
 * any of them when that finds nothing); longer queries rank by how many match. */
#define STRICT_MAX_WORDS 4

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

/* The OR of the k rarest subqueries in db (engine_query_rarest). */
static engine_query *qlist_rarest(qlist *l, engine_db *db, size_t k) {
  engine_query *q = engine_query_rarest(db, l->q, l->n, k);
  int nomem = l->nomem || !q;
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

/* Words of free text become clauses, one per content word: the word's
 * folded form, its exact form when typed with accents, and, for a legal
 * number or part of one, the number terms. Stopwords and bigrams only add
 * weight. A short query requires every clause (AND); a long one, like a
 * question, ranks by how many match (OR). */
typedef struct {
  qlist clauses;        /* one per content word */
  qlist optional;       /* stopwords and bigrams: weight only */
  highlight_set *hs;
  const char *text;
  int phrase;           /* collecting plain folded terms for a phrase */
  int short_query;      /* few content words: exact forms boosted, stopwords weighed */
  int have_prev;        /* the previous token, for bigrams and "32/2021" */
  size_t prev_end;
  text_token_kind prev_kind;
  int prev_is_clause;
  char prev[4 * TEXT_MAX_TOKEN + 1];
  size_t prev_len;
  int nomem;
} word_state;

/* A typed word: its folded form, plus (with_exact) its exact form when it
 * carries marks. */
static engine_query *word_query(const text_token *tok, int with_exact) {
  engine_query *q = term_query("", tok->folded, tok->folded_len);
  if (with_exact && tok->has_marks)
    q = either(q, scaled(term_query(PREFIX_EXACT, tok->exact, tok->exact_len), EXACT_BOOST));
  return q;
}

/* The clause of one content word: the word, or the legal number it is. */
static engine_query *clause_query(const text_token *tok, highlight_set *hs, int with_exact) {
  char prefix[4 * TEXT_MAX_TOKEN + 2];
  engine_query *q = word_query(tok, with_exact);
  engine_query *num = partial_number_query(tok->folded, tok->folded_len);
  if (num) q = either(q, num);
  if (num && tok->folded_len + 1 < sizeof prefix) {
    memcpy(prefix, tok->folded, tok->folded_len);
    prefix[tok->folded_len] = '/';
    if (highlight_set_add(hs, prefix, tok->folded_len + 1) != 0) return engine_query_free(q), NULL;
  }
  text_ref ref;
  if (tok->kind == TEXT_TOKEN_REF && text_parse_ref(tok->exact, tok->exact_len, &ref))
    q = either(q, ref_query(&ref));
  return q;
}

/* Only white space (and at most one slash when slash is set) between. */
static int joined_by(const char *s, size_t from, size_t to, int slash) {
  int slashes = 0;
  for (size_t i = from; i < to; i++) {
    if (s[i] == '/') slashes++;
    else if (s[i] != ' ' && s[i] != '\t') return 0;
  }
  return slash ? slashes == 1 : slashes == 0;
}

/* "32/2021" reaches the tokenizer as "32" and "2021": the pair is one
 * clause, either both numbers or the number/year of a legal reference. */
static int merge_number_year(word_state *ws, const text_token *tok) {
  if (!(ws->have_prev && ws->prev_is_clause && ws->prev_kind == TEXT_TOKEN_NUMBER &&
        tok->kind == TEXT_TOKEN_NUMBER && joined_by(ws->text, ws->prev_end, tok->start, 1)))
    return 0;
  char ny[2 * sizeof ws->prev];
  int n = snprintf(ny, sizeof ny, "%.*s/%.*s", (int)ws->prev_len, ws->prev, (int)tok->folded_len,
                   tok->folded);
  engine_query *partial = n > 0 && (size_t)n < sizeof ny ? partial_number_query(ny, (size_t)n) : NULL;
  if (!partial) return 0;
  /* Highlight the references it is part of: "32/2021/NĐ-CP". */
  ny[n] = '/';
  if (highlight_set_add(ws->hs, ny, (size_t)n + 1) != 0) ws->nomem = 1;
  qlist pair = {0};
  qlist_push(&pair, ws->clauses.q[--ws->clauses.n]);
  qlist_push(&pair, clause_query(tok, ws->hs, ws->short_query));
  qlist_push(&ws->clauses, either(qlist_combine(&pair, ENGINE_OP_AND), partial));
  if (pair.nomem) ws->nomem = 1;
  return 1;
}

static void add_bigram(word_state *ws, const text_token *tok) {
  if (!(ws->have_prev && ws->prev_kind == TEXT_TOKEN_WORD && tok->kind == TEXT_TOKEN_WORD &&
        joined_by(ws->text, ws->prev_end, tok->start, 0)))
    return;
  char pair[sizeof ws->prev + 1 + 4 * TEXT_MAX_TOKEN + 1];
  int n = snprintf(pair, sizeof pair, "%.*s %.*s", (int)ws->prev_len, ws->prev,
                   (int)tok->folded_len, tok->folded);
  if (n > 0 && (size_t)n < sizeof pair)
    qlist_push(&ws->optional, scaled(term_query(PREFIX_BIGRAM, pair, (size_t)n), BIGRAM_WEIGHT));
}

static int add_word(void *ctx, const text_token *tok) {
  word_state *ws = ctx;
  int stop = text_is_stopword(tok->exact, tok->exact_len);
  if ((ws->phrase || !stop) && highlight_set_add(ws->hs, tok->folded, tok->folded_len) != 0)
    ws->nomem = 1;
  if (ws->phrase) {
    qlist_push(&ws->clauses, term_query("", tok->folded, tok->folded_len));
    return ws->clauses.nomem || ws->nomem;
  }
  int is_clause = 0;
  if (stop) {
    /* In a long question a stopword alone adds nothing a ranking can use
     * (MRR@10 on ALQAC unchanged) but a long posting list to walk (a quarter
     * of the latency): it counts only inside its bigrams there. */
    if (ws->short_query)
      qlist_push(&ws->optional, scaled(word_query(tok, ws->short_query), STOPWORD_WEIGHT));
  } else if (!merge_number_year(ws, tok)) {
    qlist_push(&ws->clauses, clause_query(tok, ws->hs, ws->short_query));
    is_clause = 1;
  }
  add_bigram(ws, tok);
  ws->have_prev = tok->folded_len < sizeof ws->prev;
  if (ws->have_prev) {
    memcpy(ws->prev, tok->folded, tok->folded_len);
    ws->prev_len = tok->folded_len;
    ws->prev_end = tok->end;
    ws->prev_kind = tok->kind;
    ws->prev_is_clause = is_clause;
  }
  return ws->clauses.nomem || ws->optional.nomem || ws->nomem;
}

/* Free text as two queries: *strict requires every content word (NULL for
 * long queries, where requiring them all would find nothing), *loose ranks
 * by how many match. Both are weighted up by stopwords and bigrams. */
static int count_content_word(void *ctx, const text_token *tok) {
  if (!text_is_stopword(tok->exact, tok->exact_len)) ++*(size_t *)ctx;
  return 0;
}

static int add_free_text(const char *text, size_t len, highlight_set *hs, engine_db *db,
                         engine_query **strict, engine_query **loose) {
  /* The exact-form boost decides which word a short query means ("đất" is
   * not "dạt"). In a long question it moved MRR@10 on ALQAC by 0.001 and
   * cost a quarter of the latency (bench_relevance), so it is left out. */
  size_t words = 0;
  text_tokenize(text, len, count_content_word, &words);
  word_state ws = {.hs = hs, .text = text, .short_query = words <= STRICT_MAX_WORDS};
  *strict = *loose = NULL;
  if (text_tokenize(text, len, add_word, &ws) == TEXT_NOMEM) ws.nomem = 1;
  int nomem = ws.nomem || ws.clauses.nomem || ws.optional.nomem;
  if (!nomem && ws.clauses.n > 0 && ws.clauses.n <= STRICT_MAX_WORDS) {
    /* Combining does not take ownership: the clauses serve both queries. */
    engine_query *all = engine_query_combine(ENGINE_OP_AND, ws.clauses.q, ws.clauses.n, 0);
    engine_query *extra =
        ws.optional.n ? engine_query_combine(ENGINE_OP_OR, ws.optional.q, ws.optional.n, 0) : NULL;
    if (all && extra) {
      engine_query *pair[2] = {all, extra};
      *strict = engine_query_combine(ENGINE_OP_AND_MAYBE, pair, 2, 0);
    } else {
      *strict = all ? engine_query_scale(all, 1.0) : NULL;
    }
    if (!*strict || (ws.optional.n && !extra)) nomem = 1;
    engine_query_free(all);
    engine_query_free(extra);
  }
  for (size_t i = 0; !nomem && i < ws.optional.n; i++) {
    qlist_push(&ws.clauses, ws.optional.q[i]);
    ws.optional.q[i] = NULL;
  }
  ws.optional.n = 0;
  if (nomem) *loose = NULL;
  else if (ws.short_query || !db) *loose = qlist_combine(&ws.clauses, ENGINE_OP_OR);
  else *loose = qlist_rarest(&ws.clauses, db, LONG_QUERY_ELITE);
  qlist_free(&ws.clauses);
  qlist_free(&ws.optional);
  if (nomem || (!*loose && *strict)) {
    engine_query_free(*strict);
    engine_query_free(*loose);
    *strict = *loose = NULL;
    return -1;
  }
  return 0;
}

/* A phrase (or a single +/- word): its folded terms in order. */
static engine_query *phrase_query(const char *text, size_t len, highlight_set *hs, int *nomem) {
  word_state ws = {.hs = hs, .text = text, .phrase = 1};
  text_tokenize(text, len, add_word, &ws);
  if (ws.nomem) ws.clauses.nomem = 1;
  engine_query *q = qlist_combine(&ws.clauses, ENGINE_OP_PHRASE);
  if (ws.clauses.nomem) {
    engine_query_free(q);
    *nomem = 1;
    return NULL;
  }
  return q;
}

/* ------------------------------------------------------------------ */
/* Filters                                                              */
/* ------------------------------------------------------------------ */

/* The first (end = 0) or last day of month m of year y, or of the year
 * when m is 0. */
static void period_bound(int y, int m, int end, char iso[11]) {
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 0) {
    snprintf(iso, 11, "%04d-%s", y, end ? "12-31" : "01-01");
    return;
  }
  int last = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
  snprintf(iso, 11, "%04d-%02d-%02d", y, m, end ? last : 1);
}

int query_parse_date(const char *s, int end, char iso[11]) {
  text_date d;
  size_t n = strlen(s);
  if (n == 4 && all_digits(s, 4)) {
    period_bound(atoi(s), 0, end, iso);
    return 1;
  }
  if (n == 7 && s[4] == '-' && all_digits(s, 4) && all_digits(s + 5, 2)) {
    int y = atoi(s), m = atoi(s + 5);
    if (m < 1 || m > 12) return 0;
    period_bound(y, m, end, iso);
    return 1;
  }
  if (record_date_valid(s, NULL, NULL, NULL)) {
    memcpy(iso, s, 11);
    return 1;
  }
  if (text_parse_date(s, n, &d)) {
    /* "2024-5" or a year alone come back partial (iso "2024-05"): a bound
       needs the whole day, or --to 2024-5 would leave May out */
    if (d.month == 0 || d.day == 0) period_bound(d.year, d.month, end, iso);
    else memcpy(iso, d.iso, 11);
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

/* loai:/--type, linhvuc:/--category: the whole folded value. coquan:/--issuer
 * and --signer: every folded word (terms of word_prefix), so "tay ho" finds
 * "UBND quận Tây Hồ"; an issuer's abbreviations are written out on both
 * sides (schema_fold_issuer), so "UBND" finds "ỦY BAN NHÂN DÂN". */
static engine_query *facet_filter(const char *prefix, const char *value, const char *word_prefix) {
  dynbuf folded;
  dynbuf_init(&folded, ENGINE_MAX_TERM);
  if (schema_fold_facet(prefix, value, strlen(value), &folded) != 0) return NULL;
  engine_query *q;
  if (!word_prefix) {
    q = term_query(prefix, dynbuf_str(&folded), folded.len);
  } else {
    qlist words = {0};
    for (const char *w = dynbuf_str(&folded); *w;) {
      const char *sp = strchr(w, ' ');
      size_t n = sp ? (size_t)(sp - w) : strlen(w);
      qlist_push(&words, term_query(word_prefix, w, n));
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
  qlist required, excluded, filters;
  highlight_set hs;
  dynbuf free_text;
  char from[11], to[11];
  char *err;
  size_t errlen;
  int bad, nomem;
  engine_db *db; /* where a long question's rarest parts are counted (may be NULL) */
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

/* Its contract is in query_internal.h. */
const char *query_shown(const char *arg, query_shown_text *out) {
  return oneline_quote(arg, out->s, sizeof out->s);
}

/* The first failure wins: its message is the one the user sees. */
__attribute__((format(printf, 2, 3))) static void fail(parse_state *ps, const char *fmt, ...) {
  if (!ps->bad) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err, ps->errlen, fmt, ap);
    va_end(ap);
  }
  ps->bad = 1;
}

static void set_date(parse_state *ps, char dst[11], const char *value, int end) {
  if (!query_parse_date(value, end, dst))
    fail(ps, "invalid date \"%s\": write it as YYYY-MM-DD (or dd/mm/yyyy, YYYY-MM, YYYY)",
         query_shown(value, &(query_shown_text){0}));
}

static int highlight_token(void *ctx, const text_token *tok) {
  return highlight_set_add(ctx, tok->folded, tok->folded_len) != 0;
}

static void apply_field(parse_state *ps, const char *name, const char *value) {
  if (!value[0]) {
    fail(ps, "\"%s:\" needs a value", query_shown(name, &(query_shown_text){0}));
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
    if (!q)
      fail(ps, "\"so:%s\" is not a legal number (e.g. so:2696/QĐ-UBND, so:32/2021, so:2696)",
           query_shown(value, &(query_shown_text){0}));
    else qlist_push(&ps->required, q);
    /* Highlight the number where the text writes it, in any spelling. */
    text_tokenize(value, n, highlight_token, &ps->hs);
  } else if (strcmp(name, "loai") == 0) {
    qlist_push(&ps->filters, facet_filter(PREFIX_TYPE, value, NULL));
  } else if (strcmp(name, "coquan") == 0) {
    qlist_push(&ps->filters, facet_filter(PREFIX_ISSUER, value, PREFIX_ISSUER_WORD));
  } else if (strcmp(name, "linhvuc") == 0) {
    qlist_push(&ps->filters, facet_filter(PREFIX_CATEGORY, value, NULL));
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

/* First indexed in [since, until] (ms; 0 = open). */
static engine_query *indexed_range(int64_t since, int64_t until) {
  char lo[18], hi[18];
  size_t lo_len = since ? engine_sortable_serialise((double)since, lo) : 0;
  size_t hi_len = until ? engine_sortable_serialise((double)until, hi) : 0;
  return engine_query_value_range_n(SLOT_INDEXED, lo_len ? lo : NULL, lo_len, hi_len ? hi : NULL,
                                    hi_len);
}

static void apply_flags(parse_state *ps, const query_request *req) {
  if (req->from) set_date(ps, ps->from, req->from, 0);
  if (req->to) set_date(ps, ps->to, req->to, 1);
  if (req->type) qlist_push(&ps->filters, facet_filter(PREFIX_TYPE, req->type, NULL));
  if (req->issuer) qlist_push(&ps->filters, facet_filter(PREFIX_ISSUER, req->issuer, PREFIX_ISSUER_WORD));
  if (req->category) qlist_push(&ps->filters, facet_filter(PREFIX_CATEGORY, req->category, NULL));
  if (req->signer) qlist_push(&ps->filters, facet_filter(PREFIX_SIGNER, req->signer, PREFIX_SIGNER_WORD));
  if (req->since_ms || req->until_ms)
    qlist_push(&ps->filters, indexed_range(req->since_ms, req->until_ms));
  if (!ps->bad && ps->from[0] && ps->to[0] && strcmp(ps->from, ps->to) > 0)
    fail(ps, "the date range is empty: from %s is after to",
         query_shown(ps->from, &(query_shown_text){0}));
}

/* Puts the parts together: the free text (weighted), the required parts
 * AND-ed, exclusions cut out, filters applied without weight. Does not
 * consume its arguments. NULL when out of memory. */
static engine_query *assemble(const engine_query *text, const engine_query *required,
                              const engine_query *excluded, const engine_query *filters) {
  engine_query *main;
  if (text && required) {
    engine_query *pair[2] = {(engine_query *)required, (engine_query *)text};
    main = engine_query_combine(ENGINE_OP_AND_MAYBE, pair, 2, 0);
  } else if (text || required) {
    main = engine_query_scale(text ? text : required, 1.0);
  } else {
    main = engine_query_match_all();
  }
  if (main && excluded) {
    engine_query *pair[2] = {main, (engine_query *)excluded};
    engine_query *q = engine_query_combine(ENGINE_OP_AND_NOT, pair, 2, 0);
    engine_query_free(main);
    main = q;
  }
  if (main && filters) {
    engine_query *pair[2] = {main, (engine_query *)filters};
    engine_query *q = engine_query_combine(ENGINE_OP_FILTER, pair, 2, 0);
    engine_query_free(main);
    main = q;
  }
  return main;
}

static void parse_state_free(parse_state *ps) {
  qlist_free(&ps->required);
  qlist_free(&ps->excluded);
  qlist_free(&ps->filters);
  dynbuf_free(&ps->free_text);
}

/* Builds out->query (and out->fallback for a strict short query) from the
 * parsed parts. Returns 0, or -1 when out of memory. */
static int build_queries(parse_state *ps, parsed_query *out) {
  engine_query *strict = NULL, *loose = NULL;
  if (ps->free_text.len &&
      add_free_text(dynbuf_str(&ps->free_text), ps->free_text.len, &ps->hs, ps->db, &strict,
                    &loose) != 0)
    return -1;
  if (ps->from[0] || ps->to[0])
    qlist_push(&ps->filters, date_range(ps->from[0] ? ps->from : NULL, ps->to[0] ? ps->to : NULL));
  int nomem = ps->required.nomem || ps->excluded.nomem || ps->filters.nomem;
  engine_query *required = qlist_combine(&ps->required, ENGINE_OP_AND);
  engine_query *excluded = qlist_combine(&ps->excluded, ENGINE_OP_OR);
  engine_query *filters = qlist_combine(&ps->filters, ENGINE_OP_AND);
  nomem |= ps->required.nomem || ps->excluded.nomem || ps->filters.nomem;
  out->has_text = strict || loose || required;
  if (!nomem) {
    out->query = assemble(strict ? strict : loose, required, excluded, filters);
    if (strict) out->fallback = assemble(loose, required, excluded, filters);
    nomem = !out->query || (strict && !out->fallback);
  }
  engine_query_free(strict);
  engine_query_free(loose);
  engine_query_free(required);
  engine_query_free(excluded);
  engine_query_free(filters);
  return nomem ? -1 : 0;
}

engine_status parse_request(const query_request *req, parsed_query *out, char *err, size_t errlen) {
  return parse_request_db(req, NULL, out, err, errlen);
}

engine_status parse_request_db(const query_request *req, engine_db *db, parsed_query *out,
                              char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  parse_state ps = {.err = err, .errlen = errlen, .db = db};
  dynbuf_init(&ps.free_text, QUERY_MAX_BYTES);
  size_t n = req->text ? strlen(req->text) : 0;
  if (n > QUERY_MAX_BYTES) {
    snprintf(err, errlen, "the query is longer than %d bytes", QUERY_MAX_BYTES);
    dynbuf_free(&ps.free_text);
    return ENGINE_BAD_QUERY;
  }
  if (n) lex(&ps, req->text, n);
  if (!ps.bad && !ps.nomem) apply_flags(&ps, req);
  size_t constraints = ps.excluded.n + ps.filters.n + (ps.from[0] || ps.to[0]);
  if (!ps.bad && !ps.nomem && build_queries(&ps, out) != 0) ps.nomem = 1;
  /* Text that leaves nothing to search for (only punctuation) and no
   * filter would match every document: say so, as for an empty query. */
  if (!ps.bad && !ps.nomem && n && !out->has_text && !constraints) {
    snprintf(err, errlen, "the query \"%s\" has no word or number to search for",
             query_shown(req->text, &(query_shown_text){0}));
    ps.bad = 1;
  }
  parse_state_free(&ps);
  if (ps.bad || ps.nomem) {
    highlight_set_free(&ps.hs);
    parsed_query_free(out);
    if (!ps.bad) snprintf(err, errlen, "out of memory");
    return ps.bad ? ENGINE_BAD_QUERY : ENGINE_NOMEM;
  }
  out->highlight = ps.hs;
  return ENGINE_OK;
}

void parsed_query_free(parsed_query *pq) {
  engine_query_free(pq->query);
  engine_query_free(pq->fallback);
  highlight_set_free(&pq->highlight);
  memset(pq, 0, sizeof *pq);
}

void highlight_set_free(highlight_set *hs) {
  for (size_t i = 0; i < hs->n; i++) free(hs->words[i]);
  hs->n = 0;
}

int highlight_set_has(const highlight_set *hs, const char *word, size_t len) {
  for (size_t i = 0; i < hs->n; i++)
    if (hs->lens[i] == len && memcmp(hs->words[i], word, len) == 0) return 1;
  return 0;
}

int highlight_set_add(highlight_set *hs, const char *word, size_t len) {
  if (hs->n == HIGHLIGHT_MAX || highlight_set_has(hs, word, len)) return 0;
  char *w = malloc(len + 1);
  if (!w) return -1;
  memcpy(w, word, len);
  w[len] = '\0';
  hs->lens[hs->n] = len;
  hs->words[hs->n++] = w;
  return 0;
}
