/* tone.c: one tone placement for syllables that have two spellings.
 *
 * Vietnamese writes the open syllables oa, oe, uy two ways: "hòa, khỏe,
 * thúy" (traditional, tone on the first vowel) and "hoà, khoẻ, thuý" (the
 * 1980s "new" rule). tracuu's canonical form is the TRADITIONAL one: it is
 * what most legal and administrative texts (and the Official Gazette) use, so
 * the exact forms match what users see in the documents. Syllables with a
 * final consonant (hoàn, thuyết, hoạch) are spelled one way in both rules and
 * are left alone, as are three-vowel nuclei (hoài, khuya). */
#include "text_internal.h"

static int is_vowel(const tx_unit *u) {
  switch (u->base) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': return 1;
    default: return 0;
  }
}

/* The two-vowel nuclei whose tone moves: o+a, o+e, u+y, all without modifier. */
static int is_movable_pair(const tx_unit *a, const tx_unit *b) {
  if (a->mod || b->mod) return 0;
  return (a->base == 'o' && (b->base == 'a' || b->base == 'e')) ||
         (a->base == 'u' && b->base == 'y');
}

void tx_unify_tone(tx_unit *u, int n) {
  int i = 0;
  while (i < n && !is_vowel(&u[i])) i++;
  if (i == n) return;
  /* "qu" and "gi" + vowel: the u and the i belong to the initial consonant */
  if (i > 0 && u[i - 1].base == 'q' && u[i].base == 'u') i++;
  else if (i > 0 && u[i - 1].base == 'g' && u[i].base == 'i' && i + 1 < n && is_vowel(&u[i + 1]))
    i++;
  int j = i;
  while (j < n && is_vowel(&u[j])) j++;
  if (j != n || j - i != 2) return; /* a final consonant, or not two vowels */
  if (!is_movable_pair(&u[i], &u[i + 1]) || u[i].tone || !u[i + 1].tone) return;
  u[i].tone = u[i + 1].tone;
  u[i + 1].tone = TX_TONE_NONE;
}
