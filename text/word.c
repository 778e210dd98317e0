/* word.c: clusters -> one token's exact and folded forms.
 *
 * Both forms grow as clusters arrive: a Vietnamese letter writes its
 * composed form (table) and its base letter; đ folds to d. Only when a
 * syllable has a movable tone (tone.c) is the exact form written again. */
#include <string.h>

#include "text_internal.h"

size_t tx_cluster_exact_len(const tx_cluster *c) {
  if (c->cls == TX_CL_LETTER) return c->exact_len;
  if (c->cls == TX_CL_VIET && (c->mod | c->tone))
    return tx_compose_len[tx_base_index(c->base)][c->mod][c->tone];
  return 1;
}

static size_t put_viet(char *out, uint8_t base, uint8_t mod, uint8_t tone) {
  if (!(mod | tone)) {
    out[0] = (char)base;
    return 1;
  }
  int bi = tx_base_index(base);
  size_t n = tx_compose_len[bi][mod][tone];
  memcpy(out, tx_compose[bi][mod][tone], 4); /* entries are 4 bytes: copy all */
  return n;
}

int tx_word_fits(const tx_word *w, const tx_cluster *c) {
  return w->exact_len + tx_cluster_exact_len(c) <= TEXT_MAX_TOKEN &&
         w->folded_len + TX_CLUSTER_FORM < TX_FORM_CAP;
}

void tx_word_add(tx_word *w, const tx_cluster *c) {
  int i = w->n++;
  if (i == 0) w->start = c->start;
  w->end = c->end;
  w->last_cls = c->cls;
  switch (c->cls) {
    case TX_CL_VIET:
      w->base[i] = c->base;
      w->mod[i] = c->mod;
      w->tone[i] = c->tone;
      w->exact_len += put_viet(w->exact + w->exact_len, c->base, c->mod, c->tone);
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

void tx_word_finish(tx_word *w) {
  /* a tone to move needs two vowels at least: "hoà" */
  if (w->all_viet && w->tones == 1 && w->n >= 2 && w->n <= 8 &&
      tx_unify_tone(w->base, w->mod, w->tone, w->n)) {
    w->exact_len = 0;
    for (int i = 0; i < w->n; i++)
      w->exact_len += put_viet(w->exact + w->exact_len, w->base[i], w->mod[i], w->tone[i]);
  }
  w->exact[w->exact_len] = '\0';
  w->folded[w->folded_len] = '\0';
}
