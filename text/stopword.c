/* stopword.c: lookup in the stopword table generated from stopwords/vi.txt.
 * The table is sorted byte-wise by the generator; keys are EXACT forms (NFC,
 * lower case, marks kept), because folded keys collide with content words:
 * "của" (of) and "cửa" (door), "có" (has) and "cơ" (as in "cơ quan"), "là"
 * and "lá" all fold to the same string. */
#include <string.h>

#include "text/text_internal.h"

int text_is_stopword(const char *exact, size_t len) {
  size_t lo = 0, hi = tx_stopword_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *k = tx_stopwords[mid];
    size_t kl = strlen(k);
    int c = memcmp(k, exact, kl < len ? kl : len);
    if (c == 0) c = kl < len ? -1 : kl > len ? 1 : 0;
    if (c == 0) return 1;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return 0;
}
