/* text_word.h: building a token's two forms, one cluster at a time.
 *
 * Inline because it runs once per character: a Vietnamese letter writes its
 * composed form (table) to the exact form and its base letter to the folded
 * one (đ -> d); other letters copy the strings their cluster carries. */
#ifndef TRACUU_TEXT_WORD_H
#define TRACUU_TEXT_WORD_H

#include <string.h>

#include "text/text_internal.h"

static inline size_t tx_cluster_exact_len(const tx_cluster *c) {
  if (c->cls == TX_CL_LETTER) return c->exact_len;
  if (c->cls == TX_CL_VIET && (c->mod | c->tone))
    return tx_compose_len[tx_base_index(c->base)][c->mod][c->tone];
  return 1;
}

static inline size_t tx_put_viet(char *out, uint8_t base, uint8_t mod, uint8_t tone) {
  if (!(mod | tone)) {
    out[0] = (char)base;
    return 1;
  }
  int bi = tx_base_index(base);
  size_t n = tx_compose_len[bi][mod][tone];
  memcpy(out, tx_compose[bi][mod][tone], 4); /* entries are 4 bytes: copy all */
  return n;
}

static inline int tx_word_fits(const tx_word *w, const tx_cluster *c) {
  return w->exact_len + tx_cluster_exact_len(c) <= TEXT_MAX_TOKEN &&
         w->folded_len + TX_CLUSTER_FORM < TX_FORM_CAP;
}

static inline void tx_word_add(tx_word *w, const tx_cluster *c) {
  int i = w->n++;
  if (i == 0) w->start = c->start;
  w->end = c->end;
  w->last_cls = c->cls;
  switch (c->cls) {
    case TX_CL_VIET:
      w->base[i] = c->base;
      w->mod[i] = c->mod;
      w->tone[i] = c->tone;
      w->exact_len += tx_put_viet(w->exact + w->exact_len, c->base, c->mod, c->tone);
      w->folded[w->folded_len++] = (char)c->base;
      w->letters++;
      w->tones += c->tone != 0;
      w->has_marks |= (c->mod | c->tone) != 0;
      return;
    case TX_CL_LETTER:
      memcpy(w->exact + w->exact_len, c->exact, c->exact_len);
      w->exact_len += c->exact_len;
      memcpy(w->folded + w->folded_len, c->folded, c->folded_len);
      w->folded_len += c->folded_len;
      w->letters++;
      w->all_viet = 0;
      w->has_marks |= c->exact_len != c->folded_len || memcmp(c->exact, c->folded, c->exact_len);
      return;
    default: /* digits, and "." or "," inside numbers */
      w->all_viet = 0;
      w->exact[w->exact_len++] = (char)(c->cls == TX_CL_DIGIT ? c->base : c->cp);
      w->folded[w->folded_len++] = (char)(c->cls == TX_CL_DIGIT ? c->base : c->cp);
      return;
  }
}

/* The common case of tx_word_add, without a cluster: an ASCII letter or
 * digit with table entry l at original offset p. Returns 0 (and adds
 * nothing) when it does not fit. */
static inline int tx_word_add_ascii(tx_word *w, const tx_letter *l, size_t p) {
  if (w->exact_len >= TEXT_MAX_TOKEN || w->n == 0) return 0;
  int i = w->n++;
  w->base[i] = l->base;
  w->mod[i] = 0;
  w->tone[i] = 0;
  w->exact[w->exact_len++] = (char)l->base;
  w->folded[w->folded_len++] = (char)l->base;
  w->end = p + 1;
  w->last_cls = l->cls;
  if (l->cls == TX_CL_VIET) w->letters++;
  else w->all_viet = 0;
  return 1;
}

#endif
