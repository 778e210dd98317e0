/* encoding.c: text_to_utf8, bytes of doubtful encoding -> UTF-8.
 *
 * Order of decisions:
 *  1. valid UTF-8 wins, unless it is UTF-8 that was once read as
 *     windows-1252 and encoded again ("Nguyá»…n"): then it is undone;
 *  2. UTF-8 with a few bad bytes (more good multi-byte sequences than bad
 *     bytes, and no legacy label) keeps its text, bad bytes -> U+FFFD;
 *  3. otherwise every legacy candidate (windows-1258, TCVN3, VNI,
 *     windows-1252) decodes the bytes and the most Vietnamese-looking result
 *     wins: words whose non-ASCII letters are all Vietnamese letters with at
 *     most one tone score, foreign letters and stray symbols cost. The label
 *     only breaks ties (labels lie: TCVN3 is routinely sent as latin-1).
 * windows-1258 comes from ICU (its output is decomposed, so NFC after),
 * TCVN3 from glibc iconv ("TCVN5712-1"), VNI and windows-1252 from our own
 * tables. */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include <unicode/ucnv.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "common/dynbuf.h"
#include "text/text_internal.h"

static const uint16_t CP1252_HIGH[32] = {
  0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
  0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
  0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

int32_t tx_cp1252(unsigned char b) {
  return (b >= 0x80 && b < 0xA0) ? CP1252_HIGH[b - 0x80] : b;
}

/* The windows-1252 byte that decodes to cp, or -1. */
static int cp1252_byte(int32_t cp) {
  if (cp < 0x100) return cp; /* latin-1, C1 controls included */
  for (int i = 0; i < 32; i++)
    if (CP1252_HIGH[i] == cp) return 0x80 + i;
  return -1;
}

typedef struct {
  size_t invalid, multibyte;
} utf8_stats;

static utf8_stats utf8_scan(const char *s, size_t len) {
  utf8_stats st = {0, 0};
  for (size_t i = 0; i < len;) {
    if ((unsigned char)s[i] < 0x80) { i++; continue; }
    size_t adv;
    int32_t cp = tx_utf8_decode((const unsigned char *)s + i, len - i, &adv);
    if (cp == 0xFFFD && adv == 1) st.invalid++;
    else st.multibyte++;
    i += adv;
  }
  return st;
}

/* Maps every code point back to its windows-1252 byte; 1 and *out when the
 * bytes are themselves UTF-8 with multi-byte characters. */
static int undo_double(const char *s, size_t len, char **out, size_t *out_len) {
  char *b = malloc(len + 1);
  if (!b) return -1;
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    size_t adv;
    int32_t cp = tx_utf8_decode((const unsigned char *)s + i, len - i, &adv);
    int byte = cp1252_byte(cp);
    if (byte < 0) { free(b); return 0; }
    b[n++] = (char)byte;
    i += adv;
  }
  b[n] = '\0';
  utf8_stats st = utf8_scan(b, n);
  if (st.invalid || !st.multibyte) { free(b); return 0; }
  *out = b;
  *out_len = n;
  return 1;
}

/* UTF-8 with invalid bytes -> UTF-8 with U+FFFD. */
static char *replace_invalid(const char *s, size_t len, size_t *out_len) {
  dynbuf b;
  dynbuf_init(&b, len * 3 + 1);
  for (size_t i = 0; i < len;) {
    size_t adv;
    tx_utf8_decode((const unsigned char *)s + i, len - i, &adv);
    int bad = adv == 1 && (unsigned char)s[i] >= 0x80;
    dynbuf_append(&b, bad ? "\xEF\xBF\xBD" : s + i, bad ? 3 : adv);
    i += adv;
  }
  *out_len = b.len;
  if (dynbuf_status(&b) != DYNBUF_OK) { dynbuf_free(&b); return NULL; }
  return dynbuf_take(&b);
}

/* UTF-16 -> NFC -> malloc'ed UTF-8. */
static text_status nfc_to_utf8(const UChar *u, int32_t n, char **out, size_t *out_len) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
  int32_t cap = n + 16;
  UChar *norm = malloc(sizeof(UChar) * (size_t)cap);
  if (!norm) return TEXT_NOMEM;
  int32_t m = unorm2_normalize(nfc, u, n, norm, cap, &err);
  int32_t need = 0;
  if (U_SUCCESS(err)) u_strToUTF8(NULL, 0, &need, norm, m, &err);
  if (err == U_BUFFER_OVERFLOW_ERROR) err = U_ZERO_ERROR;
  char *res = U_SUCCESS(err) ? malloc((size_t)need + 1) : NULL;
  if (res) u_strToUTF8(res, need + 1, NULL, norm, m, &err);
  free(norm);
  if (U_FAILURE(err) || !res) {
    free(res);
    return res || U_FAILURE(err) ? TEXT_ICU : TEXT_NOMEM;
  }
  *out = res;
  *out_len = (size_t)need;
  return TEXT_OK;
}

/* Decodes with an ICU converter (windows-1258, ...), then NFC. */
static text_status decode_icu(const char *name, const char *s, size_t len, char **out,
                              size_t *out_len) {
  UErrorCode err = U_ZERO_ERROR;
  UConverter *cv = ucnv_open(name, &err);
  if (U_FAILURE(err)) return TEXT_ICU;
  /* single-byte charsets: at most 2 UTF-16 units per byte */
  int32_t cap = (int32_t)len * 2 + 16;
  UChar *u = malloc(sizeof(UChar) * (size_t)cap);
  if (!u) { ucnv_close(cv); return TEXT_NOMEM; }
  int32_t n = ucnv_toUChars(cv, u, cap, s, (int32_t)len, &err);
  ucnv_close(cv);
  text_status st = U_FAILURE(err) ? TEXT_ICU : nfc_to_utf8(u, n, out, out_len);
  free(u);
  return st;
}

/* UTF-8 -> NFC UTF-8. */
static text_status utf8_nfc(const char *s, size_t len, char **out, size_t *out_len) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t cap = (int32_t)len + 16, n = 0;
  UChar *u = malloc(sizeof(UChar) * (size_t)cap);
  if (!u) return TEXT_NOMEM;
  u_strFromUTF8WithSub(u, cap, &n, s, (int32_t)len, 0xFFFD, NULL, &err);
  text_status st = U_FAILURE(err) ? TEXT_ICU : nfc_to_utf8(u, n, out, out_len);
  free(u);
  return st;
}

/* TCVN3 through glibc iconv; a byte it refuses becomes U+FFFD. */
static text_status decode_tcvn3(const char *s, size_t len, char **out, size_t *out_len) {
  iconv_t cd = iconv_open("UTF-8", "TCVN5712-1");
  if (cd == (iconv_t)-1) return TEXT_ICU;
  size_t cap = len * 4 + 16;
  char *buf = malloc(cap);
  if (!buf) { iconv_close(cd); return TEXT_NOMEM; }
  char *in = (char *)s, *o = buf;
  size_t inleft = len, oleft = cap - 1;
  while (inleft > 0) {
    if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1) break;
    if (errno != EILSEQ && errno != EINVAL) break;
    if (oleft < 3) break;
    memcpy(o, "\xEF\xBF\xBD", 3);
    o += 3;
    oleft -= 3;
    in++;
    inleft--;
  }
  iconv(cd, NULL, NULL, &o, &oleft); /* flush a pending base letter */
  iconv_close(cd);
  text_status st = utf8_nfc(buf, (size_t)(o - buf), out, out_len);
  free(buf);
  return st;
}

static char *decode_cp1252(const char *s, size_t len, size_t *out_len) {
  dynbuf b;
  dynbuf_init(&b, len * 3 + 1);
  for (size_t i = 0; i < len; i++) {
    char u8[4];
    dynbuf_append(&b, u8, tx_utf8_encode(tx_cp1252((unsigned char)s[i]), u8));
  }
  *out_len = b.len;
  if (dynbuf_status(&b) != DYNBUF_OK) { dynbuf_free(&b); return NULL; }
  return dynbuf_take(&b);
}

/* ---- scoring: how Vietnamese a decoding looks ---- */

#define SYL_MAX 8

/* A letter of a syllable being checked: folded base, 'D' for đ. */
static char syl_letter(const tx_cluster *c) {
  return c->mod == TX_MOD_STROKE ? 'D' : (char)c->base;
}

static int is_vowel_letter(char b) { return b && strchr("aeiouy", b) != NULL; }

static int starts_with(const char *s, size_t n, const char *prefix) {
  size_t pl = strlen(prefix);
  return pl <= n && memcmp(s, prefix, pl) == 0;
}

/* Initial consonant + 1..3 vowels + final consonant, at most one tone. The
 * shape alone tells Vietnamese from the garbage a wrong decoding makes. */
static int is_syllable(const char *w, size_t n, int tones) {
  static const char *const INITIALS[] = {"ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu",
                                         "th", "tr", "b",  "c",  "d",  "D",  "g",  "h",  "k",
                                         "l",  "m",  "n",  "p",  "r",  "s",  "t",  "v",  "x"};
  static const char *const FINALS[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
  if (tones > 1 || n == 0) return 0;
  size_t i = 0;
  for (size_t k = 0; k < sizeof INITIALS / sizeof INITIALS[0]; k++)
    if (starts_with(w, n, INITIALS[k]) && (strlen(INITIALS[k]) < n)) {
      i = strlen(INITIALS[k]);
      break;
    }
  size_t v = i;
  while (v < n && is_vowel_letter(w[v])) v++;
  if (v == i || v - i > 3) return 0;
  for (size_t k = 0; k < sizeof FINALS / sizeof FINALS[0]; k++)
    if (strlen(FINALS[k]) == n - v && memcmp(w + v, FINALS[k], n - v) == 0) return 1;
  return 0;
}

typedef struct {
  char letters[SYL_MAX];
  size_t n;
  int nonascii, foreign, tones;
} syl_state;

static long end_word(syl_state *w) {
  long score = 0;
  if (w->nonascii) score = (!w->foreign && w->n <= SYL_MAX && is_syllable(w->letters, w->n, w->tones))
                               ? 2 : -2;
  memset(w, 0, sizeof *w);
  return score;
}

/* Valid syllables with marks score, broken ones and stray symbols cost. */
static long viet_score(const char *s, size_t len) {
  long score = 0;
  syl_state w;
  memset(&w, 0, sizeof w);
  for (size_t p = 0; p < len;) {
    tx_cluster c;
    p = tx_next(s, len, p, &c);
    if (c.cls == TX_CL_VIET || c.cls == TX_CL_LETTER) {
      if (c.cls == TX_CL_LETTER) w.foreign = 1;
      if (c.cls == TX_CL_LETTER || c.mod || c.tone) w.nonascii = 1;
      if (c.tone) w.tones++;
      if (w.n < SYL_MAX) w.letters[w.n] = syl_letter(&c);
      w.n++;
      continue;
    }
    score += end_word(&w);
    if (c.cp >= 0x80 && c.cp != 0xA0 && tx_punct_ascii(c.cp) == 0) score -= 1;
    if (c.cp < 0x20 && c.cp != '\n' && c.cp != '\r' && c.cp != '\t') score -= 2;
  }
  return score + end_word(&w);
}

typedef struct {
  text_encoding enc;
  char *text;
  size_t len;
  long score;
} candidate;

/* Case-insensitive "does label contain word". */
static int label_has(const char *label, const char *word) {
  size_t n = strlen(word);
  for (const char *p = label; *p; p++) {
    size_t i = 0;
    while (i < n && p[i] && tolower((unsigned char)p[i]) == word[i]) i++;
    if (i == n) return 1;
  }
  return 0;
}

static text_encoding label_encoding(const char *label) {
  if (!label) return TEXT_ENC_UTF8;
  if (label_has(label, "1258")) return TEXT_ENC_WINDOWS_1258;
  if (label_has(label, "tcvn") || label_has(label, "vn3") || label_has(label, "abc"))
    return TEXT_ENC_TCVN3;
  if (label_has(label, "vni")) return TEXT_ENC_VNI;
  if (label_has(label, "1252") || label_has(label, "8859-1") || label_has(label, "latin"))
    return TEXT_ENC_LATIN1;
  return TEXT_ENC_UTF8;
}

static text_status decode_as(text_encoding enc, const char *s, size_t len, candidate *c) {
  c->enc = enc;
  c->text = NULL;
  switch (enc) {
    case TEXT_ENC_WINDOWS_1258: return decode_icu("windows-1258", s, len, &c->text, &c->len);
    case TEXT_ENC_TCVN3: return decode_tcvn3(s, len, &c->text, &c->len);
    case TEXT_ENC_VNI: c->text = tx_decode_vni(s, len, &c->len); break;
    default: c->text = decode_cp1252(s, len, &c->len); break;
  }
  return c->text ? TEXT_OK : TEXT_NOMEM;
}

static text_status best_legacy(const char *s, size_t len, text_encoding labelled,
                               candidate *best) {
  static const text_encoding ORDER[] = {TEXT_ENC_WINDOWS_1258, TEXT_ENC_TCVN3, TEXT_ENC_VNI,
                                        TEXT_ENC_LATIN1};
  best->enc = TEXT_ENC_LATIN1;
  best->text = NULL;
  best->len = 0;
  best->score = 0;
  text_status st = TEXT_OK;
  for (size_t i = 0; i < sizeof ORDER / sizeof ORDER[0] && st == TEXT_OK; i++) {
    candidate c;
    st = decode_as(ORDER[i], s, len, &c);
    if (st == TEXT_ICU) { st = TEXT_OK; continue; } /* converter missing: not a candidate */
    if (st != TEXT_OK) break;
    c.score = viet_score(c.text, c.len) * 2 + (ORDER[i] == labelled);
    if (!best->text || c.score > best->score) {
      free(best->text);
      *best = c;
    } else {
      free(c.text);
    }
  }
  if (st != TEXT_OK) { free(best->text); best->text = NULL; }
  return st;
}

text_status text_to_utf8(const char *s, size_t len, const char *label, char **out,
                         size_t *out_len, text_encoding *found) {
  *out = NULL;
  *out_len = 0;
  *found = TEXT_ENC_UTF8;
  if (len > TEXT_MAX_INPUT) return TEXT_TOO_BIG;
  utf8_stats st = utf8_scan(s, len);
  text_encoding labelled = label_encoding(label);
  if (st.invalid == 0) {
    int d = undo_double(s, len, out, out_len);
    if (d < 0) return TEXT_NOMEM;
    if (d > 0) { *found = TEXT_ENC_DOUBLE_UTF8; return TEXT_OK; }
    char *copy = malloc(len + 1);
    if (!copy) return TEXT_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    *out = copy;
    *out_len = len;
    return TEXT_OK;
  }
  if (st.multibyte > st.invalid && labelled == TEXT_ENC_UTF8) {
    *out = replace_invalid(s, len, out_len);
    *found = TEXT_ENC_INVALID_UTF8;
    return *out ? TEXT_OK : TEXT_NOMEM;
  }
  candidate best;
  text_status rc = best_legacy(s, len, labelled, &best);
  if (rc != TEXT_OK) return rc;
  *out = best.text;
  *out_len = best.len;
  *found = best.enc;
  return TEXT_OK;
}

/* ---- text a reader decoded with the wrong table ---- */

/* The legacy byte a reader shows as cp: windows-1252, plus the symbols PDF
 * producers map TCVN3 glyphs to (minus for 0xAD "ư", bullet operator for
 * 0xB7 "ã"). -1 when cp is no such byte. */
static int legacy_byte(int32_t cp) {
  if (cp == 0x2212) return 0xAD;
  if (cp == 0x2219) return 0xB7;
  return cp1252_byte(cp);
}

typedef struct {
  size_t start, end;   /* the line in the input, without its '\n' */
  int rescuable;       /* every character maps back to a byte, one of them >= 0x80 */
  long score;          /* viet_score of the line as given */
} rescue_line;

/* Appends the bytes line [start, end) stands for, or returns 0 when one of its
 * characters is not a legacy byte (or none is above ASCII). */
static int line_bytes(const char *s, size_t start, size_t end, dynbuf *b) {
  size_t mark = b->len;
  int high = 0;
  for (size_t i = start; i < end;) {
    size_t adv;
    int32_t cp = tx_utf8_decode((const unsigned char *)s + i, end - i, &adv);
    int byte = (cp == 0xFFFD && adv == 1) ? -1 : legacy_byte(cp);
    if (byte < 0) {
      b->len = mark;
      if (b->data) b->data[mark] = '\0';
      return 0;
    }
    high |= byte >= 0x80;
    char c = (char)byte;
    dynbuf_append(b, &c, 1);
    i += adv;
  }
  if (!high) {
    b->len = mark;
    if (b->data) b->data[mark] = '\0';
    return 0;
  }
  return 1;
}

/* Splits the decoded text into its lines; 0 when the count is not n. */
static int split_lines(const char *d, size_t dlen, size_t n, size_t *starts, size_t *ends) {
  size_t k = 0, p = 0;
  while (k < n) {
    const char *nl = memchr(d + p, '\n', dlen - p);
    size_t e = nl ? (size_t)(nl - d) : dlen;
    starts[k] = p;
    ends[k++] = e;
    if (!nl) break;
    p = e + 1;
  }
  return k == n && (n == 0 || ends[n - 1] == dlen);
}

text_status text_rescue_legacy(const char *s, size_t len, char **out, size_t *out_len,
                               text_encoding *found) {
  static const text_encoding CANDIDATES[] = {TEXT_ENC_TCVN3, TEXT_ENC_VNI,
                                             TEXT_ENC_WINDOWS_1258};
  *out = NULL;
  *out_len = 0;
  *found = TEXT_ENC_UTF8;
  if (len > TEXT_MAX_INPUT) return TEXT_TOO_BIG;
  size_t n_lines = 1;
  for (size_t i = 0; i < len; i++) n_lines += s[i] == '\n';
  rescue_line *lines = calloc(n_lines, sizeof *lines);
  size_t *span = calloc(n_lines * 4 + 1, sizeof *span); /* starts/ends: candidate, best */
  dynbuf bytes;
  dynbuf_init(&bytes, len + n_lines + 1);
  text_status st = (lines && span) ? TEXT_OK : TEXT_NOMEM;
  size_t n_resc = 0;
  for (size_t i = 0, p = 0; st == TEXT_OK && i < n_lines; i++) {
    const char *nl = memchr(s + p, '\n', len - p);
    lines[i].start = p;
    lines[i].end = nl ? (size_t)(nl - s) : len;
    p = lines[i].end + 1;
    if (line_bytes(s, lines[i].start, lines[i].end, &bytes)) {
      lines[i].rescuable = 1;
      lines[i].score = viet_score(s + lines[i].start, lines[i].end - lines[i].start);
      dynbuf_append(&bytes, "\n", 1);
      n_resc++;
    }
  }
  if (st == TEXT_OK && dynbuf_status(&bytes) != DYNBUF_OK) st = TEXT_NOMEM;
  if (bytes.len) bytes.data[--bytes.len] = '\0'; /* the last '\n' */
  candidate best = {TEXT_ENC_UTF8, NULL, 0, 0};
  size_t *cs = span, *ce = span + n_lines, *bs = span + 2 * n_lines, *be = span + 3 * n_lines;
  for (size_t k = 0; st == TEXT_OK && n_resc && k < sizeof CANDIDATES / sizeof *CANDIDATES; k++) {
    candidate c;
    st = decode_as(CANDIDATES[k], bytes.data, bytes.len, &c);
    if (st == TEXT_ICU) { st = TEXT_OK; continue; }
    if (st != TEXT_OK) break;
    c.score = 0;
    if (split_lines(c.text, c.len, n_resc, cs, ce)) {
      for (size_t i = 0, r = 0; i < n_lines; i++)
        if (lines[i].rescuable) {
          c.score += viet_score(c.text + cs[r], ce[r] - cs[r]) - lines[i].score;
          r++;
        }
    }
    if (c.score > 0 && c.score > best.score) {
      free(best.text);
      best = c;
      memcpy(bs, cs, n_resc * sizeof *cs);
      memcpy(be, ce, n_resc * sizeof *ce);
    } else {
      free(c.text);
    }
  }
  dynbuf res;
  dynbuf_init(&res, len * 2 + 1);
  for (size_t i = 0, r = 0; st == TEXT_OK && i < n_lines; i++) {
    const char *from = s + lines[i].start;
    size_t n = lines[i].end - lines[i].start;
    if (lines[i].rescuable && best.text) {
      const char *alt = best.text + bs[r];
      size_t alt_n = be[r] - bs[r];
      r++;
      /* the winner applies to every line it does not make clearly worse
         (an abbreviation like "QĐ" scores lower than the "Q§" it replaces) */
      if (viet_score(alt, alt_n) >= lines[i].score - 2) from = alt, n = alt_n;
    }
    dynbuf_append(&res, from, n);
    if (i + 1 < n_lines) dynbuf_append(&res, "\n", 1);
  }
  if (st == TEXT_OK && dynbuf_status(&res) != DYNBUF_OK) st = TEXT_NOMEM;
  if (st == TEXT_OK) {
    *out_len = res.len;
    *out = dynbuf_take(&res);
    if (!*out) st = TEXT_NOMEM;
    else if (best.text) *found = best.enc;
  }
  dynbuf_free(&res);
  dynbuf_free(&bytes);
  free(best.text);
  free(lines);
  free(span);
  return st;
}

void text_measure_vietnamese(const char *s, size_t len, text_viet_measure *m) {
  memset(m, 0, sizeof *m);
  syl_state w;
  memset(&w, 0, sizeof w);
  int marked = 0;
  for (size_t p = 0; p <= len;) {
    tx_cluster c;
    int letter = 0;
    if (p < len) {
      p = tx_next(s, len, p, &c);
      letter = c.cls == TX_CL_VIET || c.cls == TX_CL_LETTER;
    } else {
      p++;
    }
    if (letter) {
      m->letters++;
      if (c.cls == TX_CL_LETTER) w.foreign = 1;
      if (c.tone) w.tones++;
      marked |= c.mod || c.tone;
      if (w.n < SYL_MAX) w.letters[w.n] = syl_letter(&c);
      w.n++;
      continue;
    }
    if (w.n) {
      m->words++;
      if (!w.foreign && w.n <= SYL_MAX && is_syllable(w.letters, w.n, w.tones)) {
        m->syllables++;
        m->marked += marked != 0;
      }
    }
    memset(&w, 0, sizeof w);
    marked = 0;
  }
}
