/* fuzz_text: the text pipeline on any bytes — text_tokenize and
 * text_normalize (both folds), the paths every document, query and snippet
 * go through.
 *
 * Checked: tokens come in order with offsets inside the input; both forms are
 * NUL-terminated, as long as they say, valid UTF-8 and at most
 * TEXT_MAX_TOKEN bytes (exact form); positions count up from 0. Normalized
 * text is valid UTF-8 of the length reported, and normalizing it again
 * changes nothing. */
#include "fuzz/fuzz_util.h"
#include "text/text.h"

typedef struct {
  const char *s;
  size_t len;
  size_t last_start;
  uint32_t next_pos;
  size_t n;
} tok_state;

static int on_token(void *ctx, const text_token *t) {
  tok_state *st = ctx;
  FUZZ_CHECK(t->start <= t->end && t->end <= st->len, "token offsets inside the input");
  FUZZ_CHECK(t->start >= st->last_start, "tokens in input order");
  FUZZ_CHECK(t->pos == st->next_pos, "positions count 0, 1, 2 ...");
  FUZZ_CHECK(t->exact && strlen(t->exact) == t->exact_len, "exact form NUL-terminated, length as said");
  FUZZ_CHECK(t->folded && strlen(t->folded) == t->folded_len, "folded form NUL-terminated, length as said");
  FUZZ_CHECK(t->exact_len > 0 && t->exact_len <= TEXT_MAX_TOKEN, "exact form 1..TEXT_MAX_TOKEN bytes");
  FUZZ_CHECK(fuzz_utf8_valid(t->exact, t->exact_len), "exact form is valid UTF-8");
  FUZZ_CHECK(fuzz_utf8_valid(t->folded, t->folded_len), "folded form is valid UTF-8");
  FUZZ_CHECK(t->kind >= TEXT_TOKEN_WORD && t->kind <= TEXT_TOKEN_REF, "a known token kind");
  st->last_start = t->start;
  st->next_pos++;
  st->n++;
  return 0;
}

static void check_normalize(const char *s, size_t len, int fold) {
  char *out = NULL;
  size_t out_len = 0;
  text_status st = text_normalize(s, len, fold, &out, &out_len);
  if (st != TEXT_OK) {
    FUZZ_CHECK(st == TEXT_NOMEM || st == TEXT_TOO_BIG || st == TEXT_ICU, "a documented status");
    free(out);
    return;
  }
  FUZZ_CHECK(out && strlen(out) == out_len, "normalized text NUL-terminated, length as said");
  FUZZ_CHECK(fuzz_utf8_valid(out, out_len), "normalized text is valid UTF-8");
  char *again = NULL;
  size_t again_len = 0;
  if (text_normalize(out, out_len, fold, &again, &again_len) == TEXT_OK) {
    FUZZ_CHECK(again_len == out_len && memcmp(again, out, out_len) == 0,
               "normalizing normalized text changes nothing");
  }
  free(again);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  tok_state st = {.s = s, .len = size};
  text_status rc = text_tokenize(s, size, on_token, &st);
  FUZZ_CHECK(rc == TEXT_OK || rc == TEXT_NOMEM || rc == TEXT_TOO_BIG || rc == TEXT_ICU,
             "tokenize returns a documented status");
  check_normalize(s, size, 0);
  check_normalize(s, size, 1);
  return 0;
}
