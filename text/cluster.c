/* cluster.c: UTF-8 in, one normalized "cluster" (a starter character and the
 * combining marks that follow it) out, with its original byte offsets.
 *
 * Why clusters: NFC composition happens inside a cluster, so decoding one
 * cluster at a time gives NFC text while every output character still knows
 * the original bytes it came from (NFD input, invisible characters).
 *
 * The fast path handles what Vietnamese text is made of: ASCII, the Latin
 * letters of the generated tables, and the eight Vietnamese combining marks,
 * all by table and arithmetic. Anything else (other marks, other scripts)
 * goes through ICU, one cluster at a time. */
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "text/text_internal.h"

int32_t tx_utf8_decode(const unsigned char *s, size_t len, size_t *adv) {
  unsigned char b = s[0];
  *adv = 1;
  if (b < 0x80) return b;
  size_t need;
  int32_t cp, min;
  if (b >= 0xC2 && b <= 0xDF) { need = 1; cp = b & 0x1F; min = 0x80; }
  else if (b >= 0xE0 && b <= 0xEF) { need = 2; cp = b & 0x0F; min = 0x800; }
  else if (b >= 0xF0 && b <= 0xF4) { need = 3; cp = b & 0x07; min = 0x10000; }
  else return 0xFFFD;
  if (len < need + 1) return 0xFFFD;
  for (size_t i = 1; i <= need; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  /* overlong forms, surrogates and values past U+10FFFF are invalid */
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0xFFFD;
  *adv = need + 1;
  return cp;
}

size_t tx_utf8_encode(int32_t cp, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

char tx_punct_ascii(int32_t cp) {
  if (cp < 0x80) return (char)cp;
  switch (cp) {
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2212:
    case 0xFE63: case 0xFF0D:
      return '-';
    case 0xFF0F: case 0x2044: case 0x2215:
      return '/';
    default:
      return 0;
  }
}

static const tx_letter *table_entry(int32_t cp) {
  if (cp < TX_LATIN_END) return &tx_latin[cp];
  if (cp >= TX_EXT_BEGIN && cp < TX_EXT_END) return &tx_latin_ext[cp - TX_EXT_BEGIN];
  return NULL;
}

/* A Vietnamese mark as (modifier, tone); 0 when cp is not one. */
static int viet_mark(int32_t cp, int *mod, int *tone) {
  *mod = 0;
  *tone = 0;
  switch (cp) {
    case 0x0300: case 0x0340: *tone = TX_TONE_GRAVE; return 1;
    case 0x0301: case 0x0341: *tone = TX_TONE_ACUTE; return 1;
    case 0x0309: *tone = TX_TONE_HOOK; return 1;
    case 0x0303: *tone = TX_TONE_TILDE; return 1;
    case 0x0323: *tone = TX_TONE_DOT; return 1;
    case 0x0306: *mod = TX_MOD_BREVE; return 1;
    case 0x0302: *mod = TX_MOD_CIRCUMFLEX; return 1;
    case 0x031B: *mod = TX_MOD_HORN; return 1;
    default: return 0;
  }
}

static const tx_letter *table_entry(int32_t cp);

static int is_mark(int32_t cp) {
  if (cp >= 0x0300 && cp <= 0x036F) return 1;
  const tx_letter *l = table_entry(cp); /* Vietnamese letters: no ICU call */
  if (l) return l->cls == TX_CL_MARK;
  if (cp < 0x0483) return 0; /* no combining marks below U+0483 but that block */
  return tx_classify(cp) == TX_CL_MARK;
}

/* Tries to put the marks on a Vietnamese letter arithmetically. */
static int apply_viet_marks(tx_cluster *c, const int32_t *marks, int n) {
  int mod = c->mod, tone = c->tone;
  for (int i = 0; i < n; i++) {
    int m, t;
    if (!viet_mark(marks[i], &m, &t)) return 0;
    if (m) {
      if (mod) return 0;
      mod = m;
    }
    if (t) {
      if (tone) return 0;
      tone = t;
    }
  }
  int bi = tx_base_index(c->base);
  if (bi < 0 || mod == TX_MOD_STROKE || tx_compose[bi][mod][tone][0] == '\0') return 0;
  c->mod = (uint8_t)mod;
  c->tone = (uint8_t)tone;
  return 1;
}

/* Letters of other scripts that real Vietnamese pages put in place of the
 * Latin ones they look like (a font's or an editor's slip: "NĐ-СР" with
 * Cyrillic С and Р; "hƣớng" with U+01A3, the Latin letter "oi", from PDF
 * extraction where "ư" belongs), read as what they stand for. */
static int32_t lookalike(int32_t cp) {
  static const struct {
    uint16_t from, to;
  } MAP[] = {
      {0x01A2, 0x01AF}, {0x01A3, 0x01B0}, /* Ƣ ƣ -> Ư ư */
      {0x0405, 'S'}, {0x0406, 'I'}, {0x0408, 'J'}, {0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'},
      {0x041A, 'K'}, {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'}, {0x0421, 'C'},
      {0x0422, 'T'}, {0x0423, 'Y'}, {0x0425, 'X'}, {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'},
      {0x0440, 'p'}, {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0455, 's'}, {0x0456, 'i'},
      {0x0458, 'j'},
  };
  if (cp < 0x01A2 || cp > 0x0458) return cp;
  for (size_t i = 0; i < sizeof MAP / sizeof MAP[0]; i++)
    if (MAP[i].from == cp) return MAP[i].to;
  return cp;
}

#define ICU_BUF (8 * (TX_MAX_MARKS + 1)) /* full case folding may triple a character */

/* The folded form as ICU's "NFD; [:Nonspacing Mark:] Remove; NFC" gives it,
 * plus đ -> d, and a look-alike its marks hid read as what it stands for
 * (Cyrillic ї is і and a diaeresis: folded, i; found by fuzz_text: else
 * folding the folded text again changed it). Returns its length in
 * bare[ICU_BUF], or -1. */
static int32_t icu_strip_marks(const UChar *low, int32_t llen, UChar *bare) {
  UErrorCode err = U_ZERO_ERROR;
  UChar dec[ICU_BUF], kept[ICU_BUF];
  int32_t dlen = unorm2_normalize(unorm2_getNFDInstance(&err), low, llen, dec, ICU_BUF, &err);
  if (U_FAILURE(err)) return -1;
  int32_t klen = 0;
  for (int32_t k = 0; k < dlen;) {
    int32_t cp;
    U16_NEXT(dec, k, dlen, cp);
    if (u_charType(cp) == U_NON_SPACING_MARK) continue;
    if (cp == 0x0111 || cp == 0x00F0) cp = 'd';
    cp = lookalike(cp);
    U16_APPEND_UNSAFE(kept, klen, cp);
  }
  int32_t blen = unorm2_normalize(unorm2_getNFCInstance(&err), kept, klen, bare, ICU_BUF, &err);
  return U_FAILURE(err) ? -1 : blen;
}

static uint8_t to_form(char *out, const UChar *u, int32_t n) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t n8 = 0;
  u_strToUTF8(out, TX_CLUSTER_FORM - 1, &n8, u, n, &err);
  return (uint8_t)(U_SUCCESS(err) && err != U_STRING_NOT_TERMINATED_WARNING ? n8 : 0);
}

/* The ICU road for one cluster: NFC, case fold, then either back into the
 * base+mod+tone form (when ICU produced a Vietnamese letter) or kept as
 * strings. On any ICU failure the marks are dropped and the starter stays. */
static void icu_cluster(tx_cluster *c, int32_t starter, const int32_t *marks, int n) {
  UChar in[ICU_BUF], nfc[ICU_BUF], folded[ICU_BUF], low[ICU_BUF], bare[ICU_BUF];
  int32_t ulen = 0;
  UErrorCode err = U_ZERO_ERROR;
  U16_APPEND_UNSAFE(in, ulen, starter);
  for (int i = 0; i < n; i++) U16_APPEND_UNSAFE(in, ulen, marks[i]);
  const UNormalizer2 *nfc_form = unorm2_getNFCInstance(&err);
  int32_t nlen = unorm2_normalize(nfc_form, in, ulen, nfc, ICU_BUF, &err);
  int32_t flen = u_strFoldCase(folded, ICU_BUF, nfc, nlen, U_FOLD_CASE_DEFAULT, &err);
  /* Folding can make a look-alike: Old Cyrillic wide es (U+1C83) folds to
   * Cyrillic с, which is Latin c (found by fuzz_text: else normalizing the
   * output again changed it). Every look-alike is one BMP unit, as is what
   * it stands for, so the mapping is in place. */
  for (int32_t k = 0; U_SUCCESS(err) && k < flen; k++)
    if (!U16_IS_SURROGATE(folded[k])) folded[k] = (UChar)lookalike(folded[k]);
  /* Folding can leave text that is not NFC: İ folds to i + U+0307 (class
   * 230), which must then sort after a following class-220 mark; and a
   * look-alike read as Latin composes with its marks (с + U+0301 is ć).
   * Without this second NFC, normalizing the output again would change it. */
  int32_t llen = unorm2_normalize(nfc_form, folded, flen, low, ICU_BUF, &err);
  if (U_FAILURE(err)) { /* keep the starter alone */
    llen = 0;
    U16_APPEND_UNSAFE(low, llen, u_foldCase(starter, U_FOLD_CASE_DEFAULT));
  }
  /* one code point that the tables know: back to the fast representation */
  int32_t first = 0, i16 = 0;
  U16_NEXT(low, i16, llen, first);
  const tx_letter *l = i16 == llen ? table_entry(first) : NULL;
  if (l && l->cls == TX_CL_VIET) {
    c->cls = TX_CL_VIET;
    c->base = l->base;
    c->mod = l->mod;
    c->tone = l->tone;
    return;
  }
  int32_t blen = icu_strip_marks(low, llen, bare);
  c->exact_len = to_form(c->exact, low, llen);
  c->folded_len = blen < 0 ? 0 : to_form(c->folded, bare, blen);
  if (c->folded_len == 0) { /* never lose the letter: fall back to the exact form */
    memcpy(c->folded, c->exact, c->exact_len);
    c->folded_len = c->exact_len;
  }
  /* a form that cannot be represented makes the cluster a separator */
  c->cls = c->exact_len ? TX_CL_LETTER : TX_CL_PUNCT;
}

size_t tx_cluster_slow(const char *s, size_t len, size_t p, tx_cluster *c) {
  const unsigned char *u = (const unsigned char *)s;
  size_t adv;
  int32_t cp = lookalike(tx_utf8_decode(u + p, len - p, &adv));
  size_t q = p + adv;
  c->start = p;
  c->cp = cp ? cp : ' ';
  c->mod = c->tone = c->base = c->upper = 0;
  c->exact_len = c->folded_len = 0;

  const tx_letter *l = table_entry(cp);
  if (l) {
    c->cls = l->cls;
    c->base = l->base;
    c->mod = l->mod;
    c->tone = l->tone;
    c->upper = l->upper;
  } else {
    c->cls = (uint8_t)tx_classify(cp);
    c->upper = (uint8_t)(c->cls == TX_CL_LETTER && u_isupper(cp));
  }
  if (c->cls == TX_CL_LETTER && l) {
    c->exact_len = (uint8_t)strlen(l->exact);
    memcpy(c->exact, l->exact, c->exact_len + 1u);
    c->folded_len = (uint8_t)strlen(l->folded);
    memcpy(c->folded, l->folded, c->folded_len + 1u);
  }

  /* gather the combining marks that follow */
  int32_t marks[TX_MAX_MARKS];
  int n = 0;
  while (q < len && n < TX_MAX_MARKS && u[q] >= 0x80) {
    size_t madv;
    int32_t m = tx_utf8_decode(u + q, len - q, &madv);
    if (!is_mark(m)) break;
    marks[n++] = m;
    q += madv;
  }
  c->end = q;
  if (c->cls == TX_CL_MARK) {
    c->cls = TX_CL_DROP; /* a mark with nothing to sit on is removed */
    return q;
  }
  /* marks on digits, spaces and punctuation are dropped */
  if (c->cls != TX_CL_VIET && c->cls != TX_CL_LETTER) return q;
  if (c->cls == TX_CL_VIET && (n == 0 || apply_viet_marks(c, marks, n))) return q;
  if (c->cls == TX_CL_LETTER && l && n == 0) return q; /* the table has its forms */
  icu_cluster(c, cp, marks, n);
  return q;
}
