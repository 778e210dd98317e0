/* fuzz_query: the query language, parse_request (query/query_internal.h),
 * the pure part of query_run: query text and filters in, an engine query
 * out. No database is needed.
 *
 * Input: NUL-separated fields: text, from, to, type, issuer, category (the
 * ones missing are NULL), so flags and typed fields are fuzzed together.
 * Checked: the status is one of the documented ones, ENGINE_OK comes with a
 * query, ENGINE_BAD_QUERY with a one-line message, and nothing leaks. */
#include "fuzz/fuzz_util.h"
#include "query/query_internal.h"

#define N_PARTS 6

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 8192) return 0; /* MAX_QUERY_BYTES is 4096; a little past it is enough */
  char *copy = malloc(size + 1);
  if (!copy) return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  const char *part[N_PARTS] = {0};
  size_t np = 0;
  for (char *p = copy; np < N_PARTS && p <= copy + size; np++) {
    part[np] = p;
    p += strlen(p) + 1;
  }
  query_request req;
  query_request_init(&req);
  req.text = part[0];
  req.from = part[1];
  req.to = part[2];
  req.type = part[3];
  req.issuer = part[4];
  req.category = part[5];
  parsed_query pq;
  memset(&pq, 0, sizeof pq);
  char err[256];
  err[0] = '\0';
  engine_status st = parse_request(&req, &pq, err, sizeof err);
  if (st == ENGINE_OK) {
    FUZZ_CHECK(pq.query != NULL, "ENGINE_OK gives a query");
    FUZZ_CHECK(pq.highlight.n <= HIGHLIGHT_MAX, "at most HIGHLIGHT_MAX highlighted words");
    parsed_query_free(&pq);
  } else {
    FUZZ_CHECK(st == ENGINE_BAD_QUERY || st == ENGINE_NOMEM, "a documented status");
    if (st == ENGINE_BAD_QUERY) FUZZ_CHECK(err[0] && strchr(err, '\n') == NULL, "ENGINE_BAD_QUERY says why in one line");
    parsed_query_free(&pq);
  }
  free(copy);
  return 0;
}
