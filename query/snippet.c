/* Snippets: the best window of the body, highlighted on the original text.
 *
 * Matching is on the folded form, highlighting on the pipeline's byte
 * offsets into the original text: "quyet dinh" typed finds "quyết định"
 * written (NFC or NFD) and the highlight covers exactly those characters,
 * which Xapian's own MSet::snippet() cannot do for folded matches. */
#include <stdlib.h>
#include <string.h>

#include "common/dynbuf.h"
#include "query/query_internal.h"
#include "text/text.h"

/* Bodies longer than this many tokens (about 25 KB of text) are only
 * searched for a snippet in their first part: a gazette document runs to
 * 100 KB and more, and re-tokenizing ten of those per query cost
 * milliseconds (bench_query p99). */
#define SNIPPET_SCAN_TOKENS 5000

typedef struct {
  size_t start, end;
  int word; /* index into the highlight set, or -1 */
} snip_token;

typedef struct {
  snip_token *toks;
  size_t n, cap;
  const highlight_set *hs;
  int nomem;
  /* Early stop: once every highlight word has matched, side by side, no
   * later window can score better, so the scan ends a window further on. */
  size_t window;                /* the snippet's length in tokens */
  size_t last[HIGHLIGHT_MAX];   /* 1 + index of each word's last match; 0 = none yet */
  size_t seen;                  /* words matched at least once */
  size_t stop_at;               /* stop when n reaches this (0 = not yet known) */
} snip_scan;

/* Notes a match of word w at token index i; sets stop_at once the last
 * matches of all words fit in one window. */
static void note_match(snip_scan *sc, int w, size_t i) {
  if (sc->last[w] == 0) sc->seen++;
  sc->last[w] = i + 1;
  if (sc->stop_at || sc->seen < sc->hs->n) return;
  size_t first = sc->last[0];
  for (size_t k = 1; k < sc->hs->n; k++)
    if (sc->last[k] < first) first = sc->last[k];
  /* Tight: the words stand (nearly) side by side, as the query put them. */
  if (i + 1 - first < 2 * sc->hs->n) sc->stop_at = i + 1 + sc->window;
}

/* A highlight word matches a token equal to it; one that ends in "/" (a
 * partial legal number: "32/2021/") matches every token it starts. Called
 * for every token of every hit's body: lengths and first bytes are checked
 * before any memcmp. */
static int highlight_matches(const char *word, size_t n, const char *tok, size_t len) {
  if (word[0] != tok[0]) return 0;
  if (word[n - 1] == '/') return len > n && memcmp(word, tok, n) == 0;
  return n == len && memcmp(word, tok, len) == 0;
}

static int collect_token(void *ctx, const text_token *tok) {
  snip_scan *sc = ctx;
  if (sc->n == SNIPPET_SCAN_TOKENS) return 1;
  if (sc->n == sc->cap) {
    size_t cap = sc->cap ? sc->cap * 2 : 256;
    snip_token *p = realloc(sc->toks, cap * sizeof *p);
    if (!p) {
      sc->nomem = 1;
      return 1;
    }
    sc->toks = p;
    sc->cap = cap;
  }
  int word = -1;
  for (size_t i = 0; i < sc->hs->n && word < 0; i++)
    if (highlight_matches(sc->hs->words[i], sc->hs->lens[i], tok->folded, tok->folded_len))
      word = (int)i;
  sc->toks[sc->n] = (snip_token){tok->start, tok->end, word};
  if (word >= 0) note_match(sc, word, sc->n);
  sc->n++;
  return sc->stop_at && sc->n >= sc->stop_at;
}

/* Score of the window [from, from+len): distinct words count most, then
 * matches side by side (the query's words as a phrase), then all matches. */
static unsigned window_score(const snip_token *t, size_t from, size_t len) {
  unsigned long long seen = 0;
  unsigned hits = 0, distinct = 0;
  for (size_t i = from; i < from + len; i++) {
    if (t[i].word < 0) continue;
    hits += i > from && t[i - 1].word >= 0 ? 5 : 1;
    unsigned long long bit = 1ULL << (t[i].word % 64);
    if (!(seen & bit)) {
      seen |= bit;
      distinct++;
    }
  }
  return distinct * 16 + hits;
}

/* '\f' separates the pages of an attached file's text. */
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

/* Appends text[from, to) with runs of white space made one space. */
static void append_collapsed(dynbuf *b, const char *text, size_t from, size_t to) {
  int space = 0;
  for (size_t i = from; i < to; i++) {
    if (is_space(text[i])) {
      space = 1;
      continue;
    }
    if (space && b->len) dynbuf_append_byte(b, ' ');
    space = 0;
    dynbuf_append_byte(b, text[i]);
  }
  if (space && b->len) dynbuf_append_byte(b, ' ');
}

/* The first token of the best window of win tokens: the one with the most
 * distinct highlighted words, then the most matches side by side; it starts
 * a few tokens before its first match so the reader sees some context. 0
 * (the top) when nothing matched. *score: the best window's. */
static size_t pick_window(const snip_token *t, size_t n, size_t win, unsigned *score) {
  size_t best = 0;
  unsigned best_score = 0;
  /* Windows worth trying start at a match (or at the top): bounded work
   * even for long bodies. */
  for (size_t c = 0; win && c < n; c++) {
    if (c > 0 && t[c].word < 0) continue;
    size_t from = c + win <= n ? c : n - win;
    unsigned s = window_score(t, from, win);
    if (s > best_score) {
      best_score = s;
      best = from;
    }
  }
  *score = best_score;
  if (!best_score || best == 0) return best;
  /* Lead with some context, but never so much that a match at the end of
   * the window falls out of it. */
  size_t first = best, last = best;
  for (size_t i = best; i < best + win; i++) {
    if (t[i].word < 0) continue;
    if (t[first].word < 0) first = i;
    last = i;
  }
  size_t room = win - 1 - (last - first);
  size_t lead = win / 6 < room ? win / 6 : room;
  best = first > lead ? first - lead : 0;
  return best + win > n ? n - win : best;
}

/* Tokens [from, from + win) of text as one line (white space collapsed, "…"
 * where text was cut), with a span for each highlighted token. 0, or -1
 * when out of memory (nothing is returned then). */
static int render_window(const char *text, const snip_token *t, size_t n, size_t from, size_t win,
                         char **out, query_span **spans, size_t *n_spans) {
  dynbuf b;
  dynbuf_init(&b, 64 * 1024);
  query_span *sp = win ? calloc(win, sizeof *sp) : NULL;
  size_t nsp = 0;
  if (win && !sp) return -1;
  if (win) {
    if (from > 0) dynbuf_append_str(&b, "… ");
    size_t cursor = t[from].start;
    for (size_t i = from; i < from + win; i++) {
      append_collapsed(&b, text, cursor, t[i].start);
      size_t s = b.len;
      append_collapsed(&b, text, t[i].start, t[i].end);
      if (t[i].word >= 0) sp[nsp++] = (query_span){s, b.len};
      cursor = t[i].end;
    }
    if (from + win < n) dynbuf_append_str(&b, " …");
  }
  if (dynbuf_status(&b) != DYNBUF_OK && dynbuf_status(&b) != DYNBUF_TOO_BIG) {
    dynbuf_free(&b);
    free(sp);
    return -1;
  }
  /* A snippet cut by the size cap keeps only spans that still fit. */
  while (nsp && sp[nsp - 1].end > b.len) nsp--;
  *out = dynbuf_take(&b);
  if (!*out) {
    free(sp);
    return -1;
  }
  *spans = sp;
  *n_spans = nsp;
  return 0;
}

int snippet_make(const char *text, size_t len, const highlight_set *hs, size_t max_tokens,
                 char **out, query_span **spans, size_t *n_spans, snippet_info *info) {
  *out = NULL;
  *spans = NULL;
  *n_spans = 0;
  snip_scan sc = {.hs = hs, .window = max_tokens};
  if (text && len) text_tokenize(text, len, collect_token, &sc);
  int rc = -1;
  if (!sc.nomem) {
    size_t win = sc.n < max_tokens ? sc.n : max_tokens;
    unsigned score = 0;
    size_t from = pick_window(sc.toks, sc.n, win, &score);
    if (info) *info = (snippet_info){score, win ? sc.toks[from].start : 0,
                                     win ? sc.toks[from + win - 1].end : 0};
    rc = render_window(text, sc.toks, sc.n, from, win, out, spans, n_spans);
  }
  free(sc.toks);
  return rc;
}

/* ---- the whole text highlighted (a document page) ---- */

typedef struct {
  query_span *spans;
  size_t n, cap;
  const highlight_set *hs;
  int nomem;
} span_scan;

static int collect_span(void *ctx, const text_token *tok) {
  span_scan *sc = ctx;
  int match = 0;
  for (size_t i = 0; i < sc->hs->n && !match; i++)
    match = highlight_matches(sc->hs->words[i], sc->hs->lens[i], tok->folded, tok->folded_len);
  if (!match) return 0;
  if (sc->n == HIGHLIGHT_MAX_SPANS) return 1;
  if (sc->n == sc->cap) {
    size_t cap = sc->cap ? sc->cap * 2 : 64;
    query_span *p = realloc(sc->spans, cap * sizeof *p);
    if (!p) {
      sc->nomem = 1;
      return 1;
    }
    sc->spans = p;
    sc->cap = cap;
  }
  sc->spans[sc->n++] = (query_span){tok->start, tok->end};
  return 0;
}

int highlight_text(const char *text, size_t len, const highlight_set *hs, query_span **spans,
                   size_t *n_spans) {
  span_scan sc = {.hs = hs};
  *spans = NULL;
  *n_spans = 0;
  if (text && len && hs->n) text_tokenize(text, len, collect_span, &sc);
  if (sc.nomem) {
    free(sc.spans);
    return -1;
  }
  *spans = sc.spans;
  *n_spans = sc.n;
  return 0;
}
