/* fuzz_util: what every fuzz target shares. Not a library: header-only,
 * included by each fuzz_<target>.c.
 *
 * A target checks the CONTRACT of the function it drives (the header's
 * promises: offsets inside the input, NUL-terminated valid UTF-8 out, caps
 * respected), not just that it does not crash. A broken promise aborts with
 * one line naming it, which libFuzzer reports as a crash with the input. */
#ifndef TRACUU_FUZZ_UTIL_H
#define TRACUU_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(cond, what)                                                          \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      fprintf(stderr, "fuzz: contract broken at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
              what, #cond);                                                             \
      abort();                                                                          \
    }                                                                                   \
  } while (0)

/* 1 when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
static inline int fuzz_utf8_valid(const char *s, size_t len) {
  const unsigned char *p = (const unsigned char *)s, *e = p + len;
  while (p < e) {
    unsigned c = *p;
    size_t n;
    unsigned cp;
    if (c < 0x80) {
      p++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3, cp = c & 0x07;
    } else {
      return 0;
    }
    if ((size_t)(e - p) <= n) return 0;
    for (size_t i = 1; i <= n; i++) {
      if ((p[i] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    p += n + 1;
  }
  return 1;
}

/* A NUL-terminated string field of a fixed-size array: terminated inside it. */
#define FUZZ_CHECK_ARRAY_STR(arr, what) \
  FUZZ_CHECK(memchr((arr), '\0', sizeof(arr)) != NULL, what " is NUL-terminated in its array")

/* Splits data at the first NUL: head (NUL-terminated copy, malloc'ed) and the
 * rest. The caller frees *head. A target uses it to take a small parameter
 * (a label, a content type) from the input itself. */
static inline char *fuzz_take_head(const uint8_t **data, size_t *size, size_t max) {
  const uint8_t *nul = memchr(*data, '\0', *size < max ? *size : max);
  size_t n = nul ? (size_t)(nul - *data) : 0;
  char *head = malloc(n + 1);
  if (!head) abort();
  memcpy(head, *data, n);
  head[n] = '\0';
  if (nul) {
    *data += n + 1;
    *size -= n + 1;
  }
  return head;
}

#endif
