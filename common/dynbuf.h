/* dynbuf: one bounded, growable byte buffer used everywhere in tracuu.
 *
 * A dynbuf owns its memory. The maximum size is part of the buffer: an append
 * that would pass it fails with DYNBUF_TOO_BIG and leaves the buffer as it was,
 * so hostile input (a 50 MB "word", a huge page) cannot grow memory without
 * bound. The content is always NUL-terminated (the NUL is not counted in len).
 *
 * Errors are sticky: after a failed append every later append fails too, so a
 * chain of appends needs one check at the end (dynbuf_status()).
 */
#ifndef TRACUU_DYNBUF_H
#define TRACUU_DYNBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
  DYNBUF_OK = 0,
  DYNBUF_NOMEM,   /* malloc/realloc failed */
  DYNBUF_TOO_BIG  /* the append would pass the buffer's maximum */
} dynbuf_status_t;

typedef struct {
  char *data;        /* NULL until the first append; NUL-terminated after */
  size_t len;        /* bytes used, without the terminating NUL */
  size_t cap;        /* bytes allocated */
  size_t max;        /* largest allowed len */
  dynbuf_status_t status; /* first error seen; DYNBUF_OK if none */
} dynbuf;

/* Prepares an empty buffer that may hold at most max bytes. Allocates nothing. */
void dynbuf_init(dynbuf *b, size_t max);

/* Frees the memory; the buffer is empty and usable again (same max). NULL is ok. */
void dynbuf_free(dynbuf *b);

/* Forgets the content but keeps the memory (and clears a sticky error). */
void dynbuf_reset(dynbuf *b);

dynbuf_status_t dynbuf_append(dynbuf *b, const void *p, size_t n);
dynbuf_status_t dynbuf_append_str(dynbuf *b, const char *s);
dynbuf_status_t dynbuf_append_byte(dynbuf *b, char c);
dynbuf_status_t dynbuf_printf(dynbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Makes room for n more bytes without changing len; *out points at them. */
dynbuf_status_t dynbuf_reserve(dynbuf *b, size_t n, char **out /* OUT */);

/* Drops the first n bytes (all of them when n >= len), keeping the rest and
 * the memory: what a reader does with input it has consumed. */
void dynbuf_drop_front(dynbuf *b, size_t n);

/* Hands the content to the caller, who frees it with free(); the buffer is
 * empty afterwards. Returns an empty string (owned by the caller) if nothing
 * was appended, NULL only when out of memory. */
char *dynbuf_take(dynbuf *b);

/* Content as a C string; "" when empty. Valid until the next append/free. */
const char *dynbuf_str(const dynbuf *b);

dynbuf_status_t dynbuf_status(const dynbuf *b);

#endif
