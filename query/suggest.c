/* "Did you mean": the accented reading of an accent-less query that the
 * index itself supports.
 *
 * First choice, in context: the texts of the hits already found. Each query
 * word votes for the accented spellings its folded form has there, and a
 * spelling that stands beside the next or previous query word (a "bigram" in
 * the original text) counts ten times as much: "chinh quyen do thi" reads
 * "chính quyền đô thị", not "chính quyền độ thị".
 *
 * Without hits, one pass over the exact terms of the index ("Equyết") gives,
 * for each word, the accented spelling found in the most documents. That pass
 * costs one fold per distinct accented word in the index (a few ms). */
#include <stdlib.h>
#include <string.h>

#include "common/dynbuf.h"
#include "model/schema.h"
#include "query/query_internal.h"
#include "text/text.h"

#define SUGGEST_MAX_WORDS 16
#define SUGGEST_MAX_VARIANTS 8
#define BIGRAM_VOTE 10

typedef struct {
  char text[4 * TEXT_MAX_TOKEN + 1];
  uint64_t votes;
  uint64_t beside; /* votes from standing beside a neighbouring query word */
} variant;

typedef struct {
  char folded[4 * TEXT_MAX_TOKEN + 1];
  size_t start, end; /* where the word is in the query */
  variant v[SUGGEST_MAX_VARIANTS];
  size_t n_v;
} suggest_word;

typedef struct {
  suggest_word w[SUGGEST_MAX_WORDS];
  size_t n;
  int accented; /* the query already has marks: nothing to suggest */
} suggest_state;

static int collect_word(void *ctx, const text_token *tok) {
  suggest_state *ss = ctx;
  if (tok->has_marks) ss->accented = 1;
  if (tok->kind != TEXT_TOKEN_WORD || ss->n == SUGGEST_MAX_WORDS ||
      tok->folded_len >= sizeof ss->w[0].folded)
    return ss->accented;
  suggest_word *w = &ss->w[ss->n++];
  memcpy(w->folded, tok->folded, tok->folded_len);
  w->folded[tok->folded_len] = '\0';
  w->n_v = 0;
  w->start = tok->start;
  w->end = tok->end;
  return ss->accented;
}

static int same(const char *a, const char *b, size_t blen) {
  return strlen(a) == blen && memcmp(a, b, blen) == 0;
}

static void vote(suggest_word *w, const char *exact, size_t len, uint64_t votes, int beside) {
  if (len >= sizeof w->v[0].text) return;
  size_t i = 0;
  while (i < w->n_v && !same(w->v[i].text, exact, len)) i++;
  if (i == w->n_v) {
    if (w->n_v == SUGGEST_MAX_VARIANTS) return;
    memcpy(w->v[i].text, exact, len);
    w->v[i].text[len] = '\0';
    w->v[i].votes = w->v[i].beside = 0;
    w->n_v++;
  }
  w->v[i].votes += votes;
  if (beside) w->v[i].beside += votes;
}

/* ---- in context: the texts of the hits ---- */

typedef struct {
  suggest_state *ss;
  int prev_word;      /* index of the query word the previous token matched, or -1 */
  char prev_exact[4 * TEXT_MAX_TOKEN + 1];
  size_t prev_len;
} context_scan;

static int vote_in_context(void *ctx, const text_token *tok) {
  context_scan *cs = ctx;
  suggest_state *ss = cs->ss;
  int matched = -1;
  for (size_t i = 0; i < ss->n; i++) {
    if (!same(ss->w[i].folded, tok->folded, tok->folded_len)) continue;
    matched = (int)i;
    /* Beside the query word before it: both spellings get the bigram vote. */
    int follows = cs->prev_word >= 0 && (size_t)cs->prev_word + 1 == i;
    vote(&ss->w[i], tok->exact, tok->exact_len, follows ? BIGRAM_VOTE : 1, follows);
    if (follows) vote(&ss->w[i - 1], cs->prev_exact, cs->prev_len, BIGRAM_VOTE, 1);
    if (follows || i + 1 >= ss->n || cs->prev_word < 0) break;
  }
  cs->prev_word = matched;
  if (matched >= 0 && tok->exact_len < sizeof cs->prev_exact) {
    memcpy(cs->prev_exact, tok->exact, tok->exact_len);
    cs->prev_len = tok->exact_len;
  } else {
    cs->prev_word = -1;
  }
  return 0;
}

static void vote_from_hits(suggest_state *ss, const query_result *res) {
  for (size_t h = 0; h < res->n_hits; h++) {
    const char *fields[] = {res->hits[h].rec.title, res->hits[h].rec.body};
    for (size_t f = 0; f < 2; f++) {
      if (!fields[f]) continue;
      context_scan cs = {.ss = ss, .prev_word = -1};
      text_tokenize(fields[f], strlen(fields[f]), vote_in_context, &cs);
    }
  }
}

/* ---- without context: the exact terms of the index ---- */

static int vote_from_term(void *ctx, const char *term, size_t len, uint64_t freq) {
  suggest_state *ss = ctx;
  size_t plen = strlen(PREFIX_EXACT);
  char *folded = NULL;
  size_t flen = 0;
  if (text_normalize(term + plen, len - plen, 1, &folded, &flen) != TEXT_OK) return 1;
  for (size_t i = 0; i < ss->n; i++)
    if (same(ss->w[i].folded, folded, flen)) vote(&ss->w[i], term + plen, len - plen, freq, 0);
  free(folded);
  return 0;
}

/* The spelling to suggest for w. In a query of several words, only one
 * seen beside a neighbouring query word: "hom nay" must not become "hom
 * này" because "này" is common on its own. */
static const char *best_variant(const suggest_word *w, int alone) {
  const variant *best = NULL;
  for (size_t i = 0; i < w->n_v; i++) {
    uint64_t score = alone ? w->v[i].votes : w->v[i].beside;
    if (score && (!best || score > (alone ? best->votes : best->beside))) best = &w->v[i];
  }
  return best ? best->text : NULL;
}

char *suggest_accents(engine_db *db, const char *text, const query_result *res) {
  if (!text || !*text) return NULL;
  size_t len = strlen(text);
  suggest_state ss = {.n = 0};
  text_tokenize(text, len, collect_word, &ss);
  if (ss.accented || ss.n == 0) return NULL;
  if (res && res->n_hits) vote_from_hits(&ss, res);
  else if (engine_db_allterms(db, PREFIX_EXACT, vote_from_term, &ss) != ENGINE_OK) return NULL;
  dynbuf b;
  dynbuf_init(&b, 4 * len + 64);
  size_t at = 0;
  int changed = 0;
  for (size_t i = 0; i < ss.n; i++) {
    const char *best = best_variant(&ss.w[i], ss.n == 1 || !(res && res->n_hits));
    if (!best || strcmp(best, ss.w[i].folded) == 0) continue;
    dynbuf_append(&b, text + at, ss.w[i].start - at);
    dynbuf_append_str(&b, best);
    at = ss.w[i].end;
    changed = 1;
  }
  dynbuf_append_str(&b, text + at);
  if (!changed || dynbuf_status(&b) != DYNBUF_OK) {
    dynbuf_free(&b);
    return NULL;
  }
  return dynbuf_take(&b);
}
