/* http_contract: what http_parse_head promises (web/http.h), checked on one
 * input. Header-only, shared by fuzz_http (a broken promise aborts) and the
 * table of tricky heads in tests/unit/test_web_http.c (it fails the case),
 * so the two check the same things.
 *
 * The promises:
 *   - done by HTTP_MAX_HEAD bytes: only a shorter input may want more;
 *   - a refusal has a status the server words, a reason, closes the
 *     connection, and keeps at most HTTP_PREFIX_MAX bytes of the target;
 *   - a request is GET or HEAD, HTTP/1.0 or 1.1, its target starts with
 *     "/" and is visible ASCII within HTTP_MAX_TARGET bytes, its head ends
 *     in LF within the input and HTTP_MAX_HEAD, at most HTTP_MAX_HEADERS
 *     header lines; its head alone parses the same, one byte less is not
 *     yet a head;
 *   - fed in two pieces (split) or a byte at a time (in 64 pieces past
 *     HTTP_CONTRACT_BYTEWISE bytes), the result is the one of the whole
 *     input.
 */
#ifndef TRACUU_FUZZ_HTTP_CONTRACT_H
#define TRACUU_FUZZ_HTTP_CONTRACT_H

#include <stdlib.h>
#include <string.h>

#include "web/http.h"

#define HTTP_CONTRACT_BYTEWISE 2048

/* A whole parse of buf[0, len): the result, the head and its target. */
typedef struct {
  http_head_result r;
  http_head h;
  char *target; /* malloc'ed when r is DONE, else NULL */
} http_parsed;

static inline void http_parsed_free(http_parsed *p) {
  free(p->target);
  p->target = NULL;
}

/* Feeds buf[0, len) to a fresh head in pieces ending at each of cuts[0..n)
 * (increasing, each <= len) and then whole. Each piece is copied to a
 * buffer of exactly its size, so a read past it shows under ASan. NULL
 * target means out of memory. */
static inline http_parsed http_parse_pieces(const char *buf, size_t len, const size_t *cuts, size_t n) {
  http_parsed p = {HTTP_HEAD_MORE, {0}, NULL};
  http_head_init(&p.h);
  for (size_t i = 0; i <= n && p.r == HTTP_HEAD_MORE; i++) {
    size_t upto = i < n ? cuts[i] : len;
    char *copy = malloc(upto ? upto : 1);
    if (!copy) abort();
    if (upto) memcpy(copy, buf, upto);
    p.r = http_parse_head(&p.h, copy, upto);
    if (p.r == HTTP_HEAD_DONE) p.target = http_head_target(&p.h, copy);
    free(copy);
  }
  if (p.r == HTTP_HEAD_DONE && !p.target) abort();
  return p;
}

static inline http_parsed http_parse_whole(const char *buf, size_t len) {
  return http_parse_pieces(buf, len, NULL, 0);
}

/* NULL when a and b are the same result, else what differs. */
static inline const char *http_parsed_differ(const http_parsed *a, const http_parsed *b) {
  if (a->r != b->r) return "one wants more bytes, the other is done";
  if (a->r == HTTP_HEAD_MORE) return NULL;
  if (a->h.refused != b->h.refused) return "the refusal differs";
  if (a->h.why != b->h.why) return "the reason differs";
  if (strcmp(a->h.method, b->h.method) != 0) return "the method differs";
  if (strcmp(a->target, b->target) != 0) return "the target differs";
  if (a->h.version != b->h.version) return "the version differs";
  if (a->h.head_only != b->h.head_only) return "head_only differs";
  if (a->h.keep_alive != b->h.keep_alive) return "keep_alive differs";
  if (a->h.head_len != b->h.head_len) return "head_len differs";
  if (a->h.headers != b->h.headers) return "the count of header lines differs";
  return NULL;
}

/* The promises about one parse of buf[0, len) on their own. */
static inline const char *http_result_broken(const http_parsed *p, const char *buf, size_t len) {
  const http_head *h = &p->h;
  if (p->r == HTTP_HEAD_MORE) return len < HTTP_MAX_HEAD ? NULL : "wants more than HTTP_MAX_HEAD bytes";
  if (h->target_off + h->target_len > len) return "the target lies past the input";
  if (h->refused) {
    int st = h->refused;
    if (st != 400 && st != 405 && st != 413 && st != 414 && st != 431 && st != 505)
      return "a refusal's status is not one the server words";
    if (!h->why || !h->why[0] || strchr(h->why, '\n')) return "a refusal has no one-line reason";
    if (h->keep_alive) return "a refusal keeps the connection";
    if (strlen(p->target) > HTTP_PREFIX_MAX + 1) return "a refusal keeps more than the target's prefix";
    return NULL;
  }
  if (h->why) return "a request has a refusal's reason";
  if (strcmp(h->method, "GET") != 0 && strcmp(h->method, "HEAD") != 0) return "a request is not GET or HEAD";
  if (h->head_only != (strcmp(h->method, "HEAD") == 0)) return "head_only is not HEAD";
  if (h->version != 10 && h->version != 11) return "a request is not HTTP/1.0 or 1.1";
  if (h->keep_alive != 0 && h->keep_alive != 1) return "keep_alive is not 0 or 1";
  if (p->target[0] != '/') return "a request's target does not start with /";
  size_t tl = strlen(p->target);
  if (tl > HTTP_MAX_TARGET + 1) return "a request's target is past HTTP_MAX_TARGET";
  for (size_t i = 0; i < tl; i++)
    if ((unsigned char)p->target[i] <= 0x20 || (unsigned char)p->target[i] >= 0x7f)
      return "a request's target holds a byte that is not visible ASCII";
  if (h->head_len == 0 || h->head_len > len || h->head_len > HTTP_MAX_HEAD) return "head_len out of bounds";
  if (buf[h->head_len - 1] != '\n') return "the head does not end in LF";
  if (h->headers > HTTP_MAX_HEADERS) return "more than HTTP_MAX_HEADERS header lines";
  return NULL;
}

/* Every promise for buf[0, len), with the two-piece feed cut at split
 * (taken modulo len + 1). NULL when all hold, else the broken one. */
static inline const char *http_contract_broken(const char *buf, size_t len, size_t split) {
  const char *broken = NULL;
  http_parsed whole = http_parse_whole(buf, len);
  broken = http_result_broken(&whole, buf, len);

  size_t cut = split % (len + 1);
  http_parsed two = http_parse_pieces(buf, len, &cut, 1);
  if (!broken && http_parsed_differ(&whole, &two)) broken = "two pieces do not give the result of one";
  http_parsed_free(&two);

  /* A byte at a time, on the whole buffer (the work stays linear); past
   * HTTP_CONTRACT_BYTEWISE bytes, in 64 pieces, so that large inputs do
   * not slow the fuzzer down. */
  http_parsed bytes = {HTTP_HEAD_MORE, {0}, NULL};
  http_head_init(&bytes.h);
  size_t step = len <= HTTP_CONTRACT_BYTEWISE ? 1 : len / 64;
  for (size_t i = 0; bytes.r == HTTP_HEAD_MORE; i += step) {
    bytes.r = http_parse_head(&bytes.h, buf, i < len ? i : len);
    if (i >= len) break;
  }
  if (bytes.r == HTTP_HEAD_DONE && !(bytes.target = http_head_target(&bytes.h, buf))) abort();
  if (!broken && http_parsed_differ(&whole, &bytes)) broken = "a byte at a time does not give the result of one piece";
  http_parsed_free(&bytes);

  if (!broken && whole.r == HTTP_HEAD_DONE && !whole.h.refused) {
    http_parsed head = http_parse_whole(buf, whole.h.head_len);
    if (http_parsed_differ(&whole, &head)) broken = "the head alone does not parse the same";
    http_parsed_free(&head);
    http_parsed shorter = http_parse_whole(buf, whole.h.head_len - 1);
    if (!broken && shorter.r != HTTP_HEAD_MORE) broken = "decided before the head's last byte";
    http_parsed_free(&shorter);
  }
  http_parsed_free(&whole);
  return broken;
}

#endif
