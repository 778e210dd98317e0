/* oneline.c: see oneline.h. */
#include "common/oneline.h"

const char *oneline_quote(const char *s, char *buf, size_t size) {
  size_t n = 0;
  for (; s[n] && n + 1 < size; n++)
    buf[n] = ((unsigned char)s[n] < 0x20 || s[n] == 0x7f) ? ' ' : s[n];
  if (s[n]) /* cut: back to the start of the character cut in two */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
  buf[n] = '\0';
  return buf;
}
