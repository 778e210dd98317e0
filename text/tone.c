/* tone.c: one tone placement for syllables that have two spellings.
 *
 * Vietnamese writes the open syllables oa, oe, uy two ways: "hòa, khỏe,
 * thúy" (traditional, tone on the first vowel) and "hoà, khoẻ, thuý" (the
 * 1980s "new" rule). tracuu's canonical form is the TRADITIONAL one: it is
 * what most legal and administrative texts (and the Official Gazette) use, so
 * the exact forms match what users see in the documents. Syllables with a
 * final consonant (hoàn, thuyết, hoạch) are spelled one way in both rules and
 * are left alone, as are three-vowel nuclei (hoài, khuya). */
#include "text/text_internal.h"

static int is_vowel(uint8_t b) {
  switch (b) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': return 1;
    default: return 0;
  }
}

/* The two-vowel nuclei whose tone moves: o+a, o+e, u+y, all without modifier. */
static int is_movable_pair(uint8_t a, uint8_t b) {
  return (a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y');
}

int tx_unify_tone(uint8_t *base, uint8_t *mod, uint8_t *tone, int n) {
  int i = 0;
  while (i < n && !is_vowel(base[i])) i++;
  if (i == n) return 0;
  /* "qu" and "gi" + vowel: the u and the i belong to the initial consonant */
  if (i > 0 && base[i - 1] == 'q' && base[i] == 'u') i++;
  else if (i > 0 && base[i - 1] == 'g' && base[i] == 'i' && i + 1 < n && is_vowel(base[i + 1]))
    i++;
  int j = i;
  while (j < n && is_vowel(base[j])) j++;
  if (j != n || j - i != 2) return 0; /* a final consonant, or not two vowels */
  if (mod[i] || mod[i + 1] || !is_movable_pair(base[i], base[i + 1])) return 0;
  if (tone[i] || !tone[i + 1]) return 0;
  tone[i] = tone[i + 1];
  tone[i + 1] = TX_TONE_NONE;
  return 1;
}
