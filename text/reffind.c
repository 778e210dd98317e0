/* reffind.c: text_find_refs and text_parse_ref over the token stream.
 *
 * legalref.c recognizes the number itself; this file looks at the words in
 * front of it: "Quyết định số", "Nghị định số", "văn bản số", "Luật số"
 * (doctype), and "Số:" (also "Luật số:") or "Số" at the start of a line (the
 * document's own number, as printed in its header). Words are compared folded, so the
 * prefixes work without accents and in NFD. */
#include <stdio.h>
#include <string.h>

#include "text/legalvocab.h"
#include "text/text_internal.h"

/* The words that may stand before "số" and a number: every document type
 * of the vocabulary (longest first: "Thông tư liên tịch" before "Thông
 * tư"), and "văn bản", which names none in particular. */
static const char GENERIC_WORDS[] = "van ban";
static const char GENERIC_NAME[] = "văn bản";

#define RING TX_REF_RING
#define WORD_CAP TX_REF_WORD_CAP

typedef tx_ref_seen seen;
typedef tx_ref_finder ref_finder;

/* Only white space (and one ':' when allowed) between a and b. */
static int gap_ok(const char *s, size_t a, size_t b, int allow_colon, int *colon) {
  int colons = 0;
  for (size_t i = a; i < b; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (c == 0xC2 && i + 1 < b && (unsigned char)s[i + 1] == 0xA0) { i++; continue; }
    if (c == ':' && allow_colon && colons++ == 0) continue;
    return 0;
  }
  if (colon) *colon = colons;
  return 1;
}

static int at_line_start(const char *s, size_t p) {
  while (p > 0 && (s[p - 1] == ' ' || s[p - 1] == '\t')) p--;
  return p == 0 || s[p - 1] == '\n' || s[p - 1] == '\r';
}

static int is_word(const seen *w, const char *folded, size_t n) {
  return w->kind == TEXT_TOKEN_WORD && strlen(w->folded) == n && memcmp(w->folded, folded, n) == 0;
}

/* Do the folded words end at ring[at], right before offset `before`? Sets *start. */
static int doctype_at(const ref_finder *f, const char *words, int at, size_t before, size_t *start) {
  const char *end = words + strlen(words);
  size_t next_start = before;
  int i = at;
  while (end > words) { /* compare words from the last one backwards */
    const char *w = end;
    while (w > words && w[-1] != ' ') w--;
    if (i >= f->have || !is_word(&f->ring[i], w, (size_t)(end - w)) ||
        !gap_ok(f->s, f->ring[i].end, next_start, 0, NULL))
      return 0;
    next_start = f->ring[i].start;
    i++;
    end = w > words ? w - 1 : w;
  }
  *start = next_start;
  return 1;
}

/* The type name (or "văn bản") whose words end right before `before`. */
static const char *doctype_before(const ref_finder *f, int at, size_t before, size_t *start) {
  size_t n;
  const legal_doctype *types = legal_doctypes(&n);
  for (size_t d = 0; d < n; d++)
    if (doctype_at(f, types[d].words, at, before, start)) return types[d].name;
  return doctype_at(f, GENERIC_WORDS, at, before, start) ? GENERIC_NAME : NULL;
}

static void describe(ref_finder *f, text_ref *ref, size_t *prefix_start) {
  int at = 0, colon = 0, has_so = 0;
  *prefix_start = ref->start;
  if (f->have > 0 && is_word(&f->ring[0], "so", 2) &&
      gap_ok(f->s, f->ring[0].end, ref->start, 1, &colon)) {
    has_so = 1;
    at = 1;
    *prefix_start = f->ring[0].start;
  }
  size_t before = has_so ? f->ring[0].start : ref->start;
  size_t start;
  const char *name = doctype_before(f, at, before, &start);
  if (name) {
    snprintf(ref->doctype, sizeof ref->doctype, "%s", name);
    *prefix_start = start;
  }
  /* The header's forms: "Số: 215/TB-UBND" or "Số 215/TB-UBND" first on its
   * line, "Luật số: 41/2024/QH15" (the colon: citations in running text go
   * without). "Biểu số: 103/LĐVL-Sở", "Mã số: ..." are not the document's. */
  ref->own = has_so && (ref->doctype[0] ? colon : at_line_start(f->s, f->ring[0].start));
}

static void remember(ref_finder *f, const text_token *t) {
  memmove(&f->ring[1], &f->ring[0], sizeof f->ring[0] * (RING - 1));
  seen *w = &f->ring[0];
  w->folded[0] = '\0';
  if (t->folded_len < WORD_CAP) memcpy(w->folded, t->folded, t->folded_len + 1);
  w->kind = t->kind;
  w->start = t->start;
  w->end = t->end;
  if (f->have < RING) f->have++;
}

void tx_ref_finder_init(tx_ref_finder *f, const char *s, text_ref_cb cb, void *ctx) {
  memset(f, 0, sizeof *f);
  f->s = s;
  f->cb = cb;
  f->ctx = ctx;
}

int tx_ref_finder_token(tx_ref_finder *f, const tx_token *t) {
  int stop = 0;
  if (t->ref) {
    text_ref ref = *t->ref;
    size_t prefix_start;
    describe(f, &ref, &prefix_start);
    f->refs++;
    f->last = ref;
    f->last_prefix_start = prefix_start;
    if (f->cb) stop = f->cb(f->ctx, &ref);
  }
  remember(f, &t->tok);
  return stop;
}

static int on_token(void *ctx, const tx_token *t) { return tx_ref_finder_token(ctx, t); }

text_status text_find_refs(const char *s, size_t len, text_ref_cb cb, void *ctx) {
  ref_finder f;
  tx_ref_finder_init(&f, s, cb, ctx);
  return tx_scan(s, len, 0, on_token, &f);
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int text_parse_ref(const char *s, size_t len, text_ref *ref) {
  size_t a = 0, b = len;
  while (a < b && is_blank(s[a])) a++;
  while (b > a && is_blank(s[b - 1])) b--;
  ref_finder f;
  memset(&f, 0, sizeof f);
  f.s = s + a;
  if (tx_scan(s + a, b - a, 1, on_token, &f) != TEXT_OK || f.refs != 1 ||
      f.last.end != b - a || f.last_prefix_start != 0)
    return 0;
  *ref = f.last;
  ref->start += a;
  ref->end += a;
  return 1;
}
