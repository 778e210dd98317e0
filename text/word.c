/* word.c: the units of one token -> its exact and folded forms.
 *
 * A token is built unit by unit (one unit per cluster) and rendered once:
 * Vietnamese letters stay as base + modifier + tone until the end, so the
 * tone can still be moved (tone.c) and folding is just "write the base". */
#include <string.h>

#include "text_internal.h"

static int is_viet_marked(const tx_unit *u) {
  return u->cls == TX_CL_VIET && (u->mod || u->tone);
}

size_t tx_cluster_exact_len(const tx_cluster *c) {
  if (c->cls == TX_CL_LETTER) return c->exact_len;
  if (c->cls == TX_CL_VIET && (c->mod || c->tone)) {
    int bi = tx_base_index(c->base);
    return strlen(tx_compose[bi][c->mod][c->tone]);
  }
  return 1;
}

void tx_word_add(tx_word *w, const tx_cluster *c) {
  tx_unit *u = &w->unit[w->n++];
  if (w->n == 1) w->start = c->start;
  u->cls = c->cls;
  u->base = c->cls == TX_CL_PUNCT ? (uint8_t)c->cp : c->base;
  u->mod = c->mod;
  u->tone = c->tone;
  u->end = c->end;
  if (c->cls == TX_CL_LETTER) {
    u->exact_len = c->exact_len;
    u->folded_len = c->folded_len;
    memcpy(u->exact, c->exact, c->exact_len);
    memcpy(u->folded, c->folded, c->folded_len);
  }
  if (c->cls == TX_CL_LETTER || c->cls == TX_CL_VIET) w->letters++;
  w->exact_len += tx_cluster_exact_len(c);
}

size_t tx_unit_form(const tx_unit *u, int fold, char *out) {
  if (u->cls == TX_CL_LETTER) {
    size_t n = fold ? u->folded_len : u->exact_len;
    memcpy(out, fold ? u->folded : u->exact, n);
    return n;
  }
  if (!fold && is_viet_marked(u)) {
    const char *form = tx_compose[tx_base_index(u->base)][u->mod][u->tone];
    size_t n = strlen(form);
    memcpy(out, form, n);
    return n;
  }
  out[0] = (char)u->base; /* ASCII letter, folded letter (đ -> d), digit, '.' */
  return 1;
}

int tx_word_render(tx_word *w, char *exact, size_t *exact_len, char *folded, size_t *folded_len) {
  int all_viet = 1;
  for (int i = 0; i < w->n && all_viet; i++) all_viet = w->unit[i].cls == TX_CL_VIET;
  if (all_viet) tx_unify_tone(w->unit, w->n);
  size_t x = 0, f = 0;
  /* exact_len <= TEXT_MAX_TOKEN by construction; a folded unit is never
   * longer than its exact form by more than TX_CLUSTER_FORM, and the buffers
   * hold twice the token size, so the bounds below are checks, not cuts. */
  for (int i = 0; i < w->n; i++) {
    if (x + TX_CLUSTER_FORM < TX_FORM_CAP) x += tx_unit_form(&w->unit[i], 0, exact + x);
    if (f + TX_CLUSTER_FORM < TX_FORM_CAP) f += tx_unit_form(&w->unit[i], 1, folded + f);
  }
  exact[x] = '\0';
  folded[f] = '\0';
  *exact_len = x;
  *folded_len = f;
  return x != f || memcmp(exact, folded, x) != 0;
}
