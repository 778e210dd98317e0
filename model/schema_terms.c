#include "model/schema_terms.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text/legalvocab.h"
#include "text/text.h"

/* Longest value kept after a prefix of up to 3 bytes. */
#define VALUE_MAX (SCHEMA_MAX_TERM - 5)

/* FNV-1a, 64 bits, from a chosen starting point. Two different starts give
 * the 128 bits of a long id's term: stable across runs and machines. */
static uint64_t fnv1a64(const char *s, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

size_t schema_id_term(const char *id, char out[SCHEMA_ID_TERM_MAX]) {
  size_t n = strlen(id);
  size_t plen = strlen(PREFIX_ID);
  if (plen + n < SCHEMA_ID_TERM_MAX && n <= 200) {
    memcpy(out, PREFIX_ID, plen);
    memcpy(out + plen, id, n + 1);
    return plen + n;
  }
  uint64_t a = fnv1a64(id, n, 0xcbf29ce484222325ULL);
  uint64_t b = fnv1a64(id, n, 0x84222325cbf29ce4ULL);
  static const char hex[] = "0123456789abcdef";
  size_t k = strlen(PREFIX_ID_HASHED);
  memcpy(out, PREFIX_ID_HASHED, k);
  for (int i = 15; i >= 0; i--) out[k++] = hex[(a >> (i * 4)) & 15];
  for (int i = 15; i >= 0; i--) out[k++] = hex[(b >> (i * 4)) & 15];
  out[k] = '\0';
  return k;
}

/* Length of the longest prefix of s[0..n) that is at most max bytes and
 * ends on a UTF-8 character boundary. */
static size_t utf8_cut(const char *s, size_t n, size_t max) {
  if (n <= max) return n;
  size_t cut = max;
  while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--;
  return cut;
}

int schema_fold_value(const char *value, size_t len, dynbuf *out) {
  char *folded = NULL;
  size_t flen = 0;
  if (text_normalize(value, len, 1, &folded, &flen) != TEXT_OK) return -1;
  /* Collapse runs of white space and trim, so "UBND  quận" == "UBND quận". */
  size_t w = 0;
  int space = 0;
  for (size_t r = 0; r < flen; r++) {
    char c = folded[r];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = w > 0;
      continue;
    }
    if (space) folded[w++] = ' ';
    space = 0;
    folded[w++] = c;
  }
  size_t keep = utf8_cut(folded, w, VALUE_MAX);
  int rc = dynbuf_append(out, folded, keep) == DYNBUF_OK ? 0 : -1;
  free(folded);
  return rc;
}

static int add_issuer_word(void *ctx, const text_token *t) {
  dynbuf *key = ctx;
  const char *w = t->folded;
  const char *full = legal_issuer_word(w); /* "ubnd" -> "uy ban nhan dan" */
  if (full) w = full;
  if (key->len) dynbuf_append_byte(key, ' ');
  dynbuf_append_str(key, w);
  return dynbuf_status(key) != DYNBUF_OK; /* full: the rest would be cut anyway */
}

int schema_fold_issuer(const char *value, size_t len, dynbuf *out) {
  dynbuf key;
  dynbuf_init(&key, VALUE_MAX + 64);
  text_status st = text_tokenize(value, len, add_issuer_word, &key);
  /* TOO_BIG only stopped the words: what fits stays (the buffer holds
   * every word appended before the one that did not fit). */
  int rc = (st == TEXT_OK || st == TEXT_STOPPED) && dynbuf_status(&key) != DYNBUF_NOMEM ? 0 : -1;
  if (rc == 0 && key.len) {
    size_t keep = utf8_cut(key.data, key.len, VALUE_MAX);
    while (keep > 0 && key.data[keep - 1] == ' ') keep--;
    rc = dynbuf_append(out, key.data, keep) == DYNBUF_OK ? 0 : -1;
  }
  dynbuf_free(&key);
  return rc;
}

int schema_fold_facet(const char *prefix, const char *value, size_t len, dynbuf *out) {
  if (strcmp(prefix, PREFIX_ISSUER) == 0) return schema_fold_issuer(value, len, out);
  return schema_fold_value(value, len, out);
}

long schema_days_from_civil(int y, int m, int d) {
  /* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

const char *schema_relation_prefix(const char *relation) {
  static const struct {
    const char *name, *prefix;
  } map[] = {{"cites", PREFIX_CITED_NUMBER},     {"basis", PREFIX_REL_BASIS},
             {"amends", PREFIX_REL_AMENDS},      {"replaces", PREFIX_REL_REPLACES},
             {"repeals", PREFIX_REL_REPEALS},    {"implements", PREFIX_REL_IMPLEMENTS}};
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(relation, map[i].name) == 0) return map[i].prefix;
  return NULL;
}
