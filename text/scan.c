/* scan.c: the tokenizer loop.
 *
 * One pass over the input, one cluster at a time (cluster.c). Where a token
 * starts with a digit, the reference and date matchers get the first word:
 * "2696/QĐ-UBND", "03/07/2021" and "10:38" become single tokens. Otherwise
 * a token is a run of letters and digits, with "." or "," kept between digits
 * ("1.000.000", "3,5"). Invisible characters (ZWSP, BOM, soft hyphen) inside
 * a run are skipped without splitting it; everything else splits. A run
 * longer than TEXT_MAX_TOKEN bytes is cut into pieces of at most that size.
 *
 * Memory is bounded whatever the input: one token's units, on the stack. */
#include <ctype.h>
#include <string.h>

#include "text/text_internal.h"
#include "text/text_word.h"

typedef struct {
  const char *s;
  size_t len;
  int lenient;
  tx_token_cb cb;
  void *ctx;
  uint32_t pos;
  tx_word word;
  char exact[TX_FORM_CAP], folded[TX_FORM_CAP]; /* forms of references and dates */
} scanner;

static int is_word_cls(int cls) {
  return cls == TX_CL_DIGIT || cls == TX_CL_VIET || cls == TX_CL_LETTER;
}

static text_status emit(scanner *sc, text_token_kind kind, size_t start, size_t end,
                        const char *exact, size_t exact_len, const char *folded,
                        size_t folded_len, int has_marks, const text_ref *ref) {
  tx_token t;
  t.tok.exact = exact;
  t.tok.exact_len = exact_len;
  t.tok.folded = folded;
  t.tok.folded_len = folded_len;
  t.tok.pos = sc->pos++;
  t.tok.start = start;
  t.tok.end = end;
  t.tok.kind = kind;
  t.tok.has_marks = has_marks;
  t.ref = ref;
  return sc->cb(sc->ctx, &t) ? TEXT_STOPPED : TEXT_OK;
}

static text_status flush_word(scanner *sc) {
  tx_word *w = &sc->word;
  if (w->n == 0) return TEXT_OK;
  tx_word_finish(w);
  text_status st = emit(sc, w->letters ? TEXT_TOKEN_WORD : TEXT_TOKEN_NUMBER, w->start, w->end,
                        w->exact, w->exact_len, w->folded, w->folded_len, w->has_marks, NULL);
  tx_word_clear(w);
  return st;
}

/* Copies s lower-cased ("QĐ" -> "qđ"): the exact form of a reference. */
static size_t lower_ref(const char *in, char *out) {
  size_t o = 0;
  for (size_t i = 0; in[i]; i++) {
    unsigned char b = (unsigned char)in[i];
    if (b == 0xC4 && (unsigned char)in[i + 1] == 0x90) { /* Đ -> đ */
      out[o++] = (char)0xC4;
      out[o++] = (char)0x91;
      i++;
    } else {
      out[o++] = (char)tolower(b);
    }
  }
  out[o] = '\0';
  return o;
}

/* References and dates at a token that starts with a digit. Sets *next past
 * the token when one matched. */
static text_status try_special(scanner *sc, size_t p, size_t *next, int *matched) {
  text_ref ref;
  *matched = 0;
  if (tx_match_ref(sc->s, sc->len, p, sc->lenient, &ref)) {
    size_t xl = lower_ref(ref.canonical, sc->exact);
    size_t fl = lower_ref(ref.key, sc->folded);
    *matched = 1;
    *next = ref.end;
    return emit(sc, TEXT_TOKEN_REF, ref.start, ref.end, sc->exact, xl, sc->folded, fl,
                strcmp(sc->exact, sc->folded) != 0, &ref);
  }
  size_t dl;
  size_t end = tx_match_date_token(sc->s, sc->len, p, sc->exact, &dl);
  if (end) {
    memcpy(sc->folded, sc->exact, dl + 1);
    *matched = 1;
    *next = end;
    return emit(sc, TEXT_TOKEN_DATE, p, end, sc->exact, dl, sc->folded, dl, 0, NULL);
  }
  return TEXT_OK;
}

/* "." or "," between two digits stays inside a number. */
static int inner_number_punct(const scanner *sc, const tx_cluster *c, size_t next) {
  return (c->cp == '.' || c->cp == ',') && sc->word.last_cls == TX_CL_DIGIT && sc->word.n > 0 &&
         next < sc->len && sc->s[next] >= '0' && sc->s[next] <= '9';
}

/* Adds the plain ASCII letters and digits from q on, the bulk of any
 * Vietnamese text, straight from the table; returns where it stopped. */
static size_t add_ascii_run(scanner *sc, size_t q) {
  const unsigned char *u = (const unsigned char *)sc->s;
  while (q < sc->len && u[q] < 0x80) {
    const tx_letter *l = &tx_latin[u[q]];
    if ((l->cls != TX_CL_VIET && l->cls != TX_CL_DIGIT) || !tx_no_mark_at(u, sc->len, q + 1) ||
        !tx_word_add_ascii(&sc->word, l, q))
      break;
    q++;
  }
  return q;
}

/* Reads a run of word clusters starting with *c (already decoded, ending at
 * q). Returns in *next where the run ended; when a separator cluster was
 * decoded there, it is left in *c and *after is set past it (else 0), so
 * the caller need not decode it again. */
static text_status scan_word(scanner *sc, tx_cluster *c, size_t q, size_t *next, size_t *after) {
  text_status st = TEXT_OK;
  *after = 0;
  for (;;) {
    if (!tx_word_fits(&sc->word, c)) st = flush_word(sc); /* cut, never drop */
    if (st != TEXT_OK) return st;
    tx_word_add(&sc->word, c);
    q = add_ascii_run(sc, q);
    size_t r = q;
    while (q < sc->len) { /* invisible characters join */
      r = tx_next(sc->s, sc->len, q, c);
      if (c->cls != TX_CL_DROP) break;
      q = r;
    }
    if (q >= sc->len) break;
    if (!is_word_cls(c->cls) && !(c->cls == TX_CL_PUNCT && inner_number_punct(sc, c, r))) {
      *after = r;
      break;
    }
    q = r;
  }
  *next = q;
  return flush_word(sc);
}

text_status tx_scan(const char *s, size_t len, int lenient, tx_token_cb cb, void *ctx) {
  if (len > TEXT_MAX_INPUT) return TEXT_TOO_BIG;
  scanner sc;
  sc.s = s;
  sc.len = len;
  sc.lenient = lenient;
  sc.cb = cb;
  sc.ctx = ctx;
  sc.pos = 0;
  tx_word_clear(&sc.word);
  text_status st = TEXT_OK;
  size_t p = 0, ahead = 0; /* ahead: end of the cluster at p when already decoded */
  tx_cluster c;
  while (p < len && st == TEXT_OK) {
    size_t q = ahead ? ahead : tx_next(s, len, p, &c);
    ahead = 0;
    if (!is_word_cls(c.cls)) {
      p = q;
      continue;
    }
    int matched = 0;
    if (c.cls == TX_CL_DIGIT) st = try_special(&sc, p, &p, &matched);
    if (!matched && st == TEXT_OK) st = scan_word(&sc, &c, q, &p, &ahead);
  }
  return st;
}

/* ---- the public tokenizer ---- */

typedef struct {
  text_token_cb cb;
  void *ctx;
} public_cb;

static int to_public(void *ctx, const tx_token *t) {
  public_cb *pc = ctx;
  return pc->cb(pc->ctx, &t->tok);
}

text_status text_tokenize(const char *s, size_t len, text_token_cb cb, void *ctx) {
  public_cb pc = {cb, ctx};
  return tx_scan(s, len, 0, to_public, &pc);
}
