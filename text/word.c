/* word.c: finishing a token built by text_word.h. Only when a syllable has
 * a movable tone (tone.c) is the exact form written again. */
#include <string.h>

#include "text/text_word.h"

void tx_word_finish(tx_word *w) {
  /* a tone to move needs two vowels at least: "hoà" */
  int n = w->n;
  if (w->all_viet && w->tones == 1 && n >= 2 && n <= 8 && w->tone[n - 1] &&
      (w->base[n - 2] == 'o' || w->base[n - 2] == 'u') &&
      tx_unify_tone(w->base, w->mod, w->tone, n)) {
    w->exact_len = 0;
    for (int i = 0; i < w->n; i++)
      w->exact_len += tx_put_viet(w->exact + w->exact_len, w->base[i], w->mod[i], w->tone[i]);
  }
  w->exact[w->exact_len] = '\0';
  w->folded[w->folded_len] = '\0';
}
