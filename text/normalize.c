/* normalize.c: text_normalize, the whole text in normalized form.
 *
 * The same clusters and the same word rendering as the tokenizer, so a
 * normalized string and the tokens of the original always agree; what lies
 * between words (spaces, punctuation) is copied as its starter character.
 * Worst-case growth is 3x (one invalid byte -> U+FFFD). */
#include <stdlib.h>

#include "common/dynbuf.h"
#include "text/text_internal.h"
#include "text/text_word.h"

static void flush(tx_word *w, int fold, dynbuf *out) {
  if (w->n == 0) return;
  tx_word_finish(w);
  if (fold) dynbuf_append(out, w->folded, w->folded_len);
  else dynbuf_append(out, w->exact, w->exact_len);
  tx_word_clear(w);
}

text_status text_normalize(const char *s, size_t len, int fold, char **out, size_t *out_len) {
  *out = NULL;
  if (out_len) *out_len = 0;
  if (len > TEXT_MAX_INPUT) return TEXT_TOO_BIG;
  dynbuf b;
  dynbuf_init(&b, len * 3 + 1);
  tx_word w;
  tx_word_clear(&w);
  for (size_t p = 0; p < len;) {
    tx_cluster c;
    p = tx_next(s, len, p, &c);
    if (c.cls == TX_CL_DROP) continue;
    if (c.cls == TX_CL_VIET || c.cls == TX_CL_LETTER || c.cls == TX_CL_DIGIT) {
      if (!tx_word_fits(&w, &c)) flush(&w, fold, &b);
      tx_word_add(&w, &c);
      continue;
    }
    flush(&w, fold, &b);
    char u8[4];
    dynbuf_append(&b, u8, tx_utf8_encode(c.cp, u8));
  }
  flush(&w, fold, &b);
  if (dynbuf_status(&b) != DYNBUF_OK) {
    dynbuf_free(&b);
    return TEXT_NOMEM;
  }
  size_t n = b.len;
  char *res = dynbuf_take(&b);
  if (!res) return TEXT_NOMEM;
  *out = res;
  if (out_len) *out_len = n;
  return TEXT_OK;
}
