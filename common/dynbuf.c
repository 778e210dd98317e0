#include "common/dynbuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dynbuf_init(dynbuf *b, size_t max) {
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->max = max;
  b->status = DYNBUF_OK;
}

void dynbuf_free(dynbuf *b) {
  if (!b) return;
  free(b->data);
  dynbuf_init(b, b->max);
}

void dynbuf_reset(dynbuf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
  b->status = DYNBUF_OK;
}

dynbuf_status_t dynbuf_reserve(dynbuf *b, size_t n, char **out) {
  if (b->status != DYNBUF_OK) return b->status;
  if (n > b->max || b->len > b->max - n) return b->status = DYNBUF_TOO_BIG;
  size_t need = b->len + n + 1; /* + NUL; cannot overflow: max < SIZE_MAX */
  if (need > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) return b->status = DYNBUF_NOMEM;
    b->data = p;
    b->cap = cap;
  }
  if (out) *out = b->data + b->len;
  return DYNBUF_OK;
}

void dynbuf_drop_front(dynbuf *b, size_t n) {
  if (!b->data) return;
  if (n > b->len) n = b->len;
  memmove(b->data, b->data + n, b->len - n);
  b->len -= n;
  b->data[b->len] = '\0';
}

dynbuf_status_t dynbuf_append(dynbuf *b, const void *p, size_t n) {
  char *dst;
  if (dynbuf_reserve(b, n, &dst) != DYNBUF_OK) return b->status;
  if (n) memcpy(dst, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return DYNBUF_OK;
}

dynbuf_status_t dynbuf_append_str(dynbuf *b, const char *s) {
  return dynbuf_append(b, s, strlen(s));
}

dynbuf_status_t dynbuf_append_byte(dynbuf *b, char c) {
  return dynbuf_append(b, &c, 1);
}

dynbuf_status_t dynbuf_printf(dynbuf *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return b->status = DYNBUF_NOMEM;
  if ((size_t)n < sizeof small) return dynbuf_append(b, small, (size_t)n);
  char *dst;
  if (dynbuf_reserve(b, (size_t)n, &dst) != DYNBUF_OK) return b->status;
  va_start(ap, fmt);
  vsnprintf(dst, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return DYNBUF_OK;
}

char *dynbuf_take(dynbuf *b) {
  char *p = b->data;
  if (!p) p = calloc(1, 1);
  dynbuf_init(b, b->max);
  return p;
}

const char *dynbuf_str(const dynbuf *b) { return b->data ? b->data : ""; }

dynbuf_status_t dynbuf_status(const dynbuf *b) { return b->status; }
