/* fuzz_refs: the legal reference number recognizers — text_find_refs over
 * running text, text_parse_ref over a number typed alone, the number a
 * file's name is shaped after (text_ref_from_name) and the code a header
 * prints when its digits cannot be read (legal_header_code).
 *
 * Checked: references come in order, inside the input, every fixed-size
 * field NUL-terminated and valid UTF-8; a number typed alone that parses
 * once parses again from its own canonical form to the same key; a name's
 * number and a header's code (as "1/" + code) parse as numbers. */
#include "fuzz/fuzz_util.h"
#include "text/legal.h"
#include "text/text.h"

static void check_ref(const text_ref *r, size_t len) {
  FUZZ_CHECK(r->start <= r->end && r->end <= len, "reference offsets inside the input");
  FUZZ_CHECK_ARRAY_STR(r->canonical, "canonical");
  FUZZ_CHECK_ARRAY_STR(r->key, "key");
  FUZZ_CHECK_ARRAY_STR(r->number, "number");
  FUZZ_CHECK_ARRAY_STR(r->year, "year");
  FUZZ_CHECK_ARRAY_STR(r->kind, "kind");
  FUZZ_CHECK_ARRAY_STR(r->issuer, "issuer");
  FUZZ_CHECK_ARRAY_STR(r->doctype, "doctype");
  FUZZ_CHECK(fuzz_utf8_valid(r->canonical, strlen(r->canonical)), "canonical is valid UTF-8");
  FUZZ_CHECK(fuzz_utf8_valid(r->key, strlen(r->key)), "key is valid UTF-8");
  FUZZ_CHECK(fuzz_utf8_valid(r->kind, strlen(r->kind)), "kind is valid UTF-8");
  FUZZ_CHECK(fuzz_utf8_valid(r->issuer, strlen(r->issuer)), "issuer is valid UTF-8");
  FUZZ_CHECK(fuzz_utf8_valid(r->doctype, strlen(r->doctype)), "doctype is valid UTF-8");
  FUZZ_CHECK(r->key[0] != '\0', "a reference has a key");
}

typedef struct {
  size_t len, last_start, n;
} find_state;

static int on_ref(void *ctx, const text_ref *r) {
  find_state *st = ctx;
  check_ref(r, st->len);
  FUZZ_CHECK(r->start >= st->last_start, "references in input order");
  st->last_start = r->start;
  st->n++;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  find_state st = {.len = size};
  text_status rc = text_find_refs(s, size, on_ref, &st);
  FUZZ_CHECK(rc == TEXT_OK || rc == TEXT_NOMEM || rc == TEXT_TOO_BIG || rc == TEXT_ICU,
             "find_refs returns a documented status");

  text_ref ref;
  if (size <= 4096 && text_parse_ref(s, size, &ref)) {
    check_ref(&ref, size);
    text_ref again;
    FUZZ_CHECK(text_parse_ref(ref.canonical, strlen(ref.canonical), &again),
               "a parsed number's canonical form parses");
    FUZZ_CHECK(strcmp(again.key, ref.key) == 0, "the canonical form has the same key");
  }
  if (size <= 4096 && text_ref_from_name(s, size, &ref)) {
    FUZZ_CHECK_ARRAY_STR(ref.canonical, "name's canonical");
    text_ref again;
    FUZZ_CHECK(text_parse_ref(ref.canonical, strlen(ref.canonical), &again) &&
                   strcmp(again.key, ref.key) == 0,
               "a name's number parses back to its key");
  }
  legal_code code;
  if (legal_header_code(s, size, &code)) {
    FUZZ_CHECK_ARRAY_STR(code.code, "header code");
    FUZZ_CHECK_ARRAY_STR(code.kind, "header kind");
    FUZZ_CHECK_ARRAY_STR(code.digits, "header digits");
    FUZZ_CHECK(code.code[0] && fuzz_utf8_valid(code.code, strlen(code.code)), "a code, valid UTF-8");
    for (const char *p = code.digits; *p; p++) FUZZ_CHECK(*p >= '0' && *p <= '9', "digits only");
    char num[128];
    snprintf(num, sizeof num, "1/%s", code.code);
    FUZZ_CHECK(text_parse_ref(num, strlen(num), &ref), "1/CODE is a number");
  }
  return 0;
}
