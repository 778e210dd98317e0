/* legalref.c: recognizes one legal reference number where a token starts.
 *
 * Shapes (N number, Y year, S code segment such as QĐ, UBND, QH14, BCĐ389):
 *   N/S[-S...]          2696/QĐ-UBND, 1184/UBND-NC, 17/CT-UBND
 *   N/Y/S[-S...]        32/2021/NĐ-CP, 97/2019/QH14
 *   N-S[/S...]          03-TB/BCĐ, 139-TB/TU (Party documents), 251-BCĐ
 *   N[/Y]/K/S           144/2002/QĐ/BTC: a kind code, then "/" and a capital
 *                       code, as older documents wrote QĐ-BTC (read as that)
 * with the real world's mess: Ð or đ or d for Đ, lower case, en/em dashes,
 * spaces around "/" or "-" ("1732 /QĐ", "109/UBND - VX").
 *
 * False positives are the danger (dates, fractions, "20/ngày"), so a code
 * needs a letter, spaces around separators are accepted only before a code
 * written in upper case, and a lower-case code needs a year, two segments or
 * a known kind. The lenient mode, for a field that holds one number alone,
 * also accepts a missing slash ("1830 QĐ-UBND"), spaces or "_" between
 * segments ("140/BCĐ VĐ HMTN", "157/TB_UBND") and a "(...)" note after it. */
#include <stdio.h>
#include <string.h>

#include "text/legalvocab.h"
#include "text/text_internal.h"

#define SEG_MAX 24  /* bytes of one segment's canonical form */
#define MAX_SEGS 8 /* 29/2025/TTLT-BTP-BCA-BQP-BTC-TANDTC-VKSNDTC has 7 */
#define MAX_NUMBER_DIGITS 7

typedef struct {
  char canon[SEG_MAX + 1]; /* "QĐ", "UBND", "TTg" */
  char key[SEG_MAX + 1];   /* "QD", "UBND", "TTG" */
  size_t canon_len, key_len, letters;
  int first_upper;         /* written with an upper-case first letter */
  int all_upper;
  int as_canon;            /* written exactly as its canonical spelling ("TTr", "TTg") */
  uint32_t upper_mask;     /* bit i: letter i was written upper case */
} segment;

/* Codes whose canonical spelling the folded key cannot give back. */
static const struct { const char *key, *canon; } RESTORE[] = {
  {"QD", "QĐ"},     {"ND", "NĐ"},     {"HDND", "HĐND"}, {"HD", "HĐ"},     {"BCD", "BCĐ"},
  {"CD", "CĐ"},     {"TDKT", "TĐKT"}, {"HDTDKT", "HĐTĐKT"}, {"HDQT", "HĐQT"}, {"HDTV", "HĐTV"},
  {"DDBQH", "ĐĐBQH"}, {"QDLT", "QĐLT"}, {"NDLT", "NĐLT"}, {"TTG", "TTg"},   {"TTR", "TTr"},
  {"CTR", "CTr"},   {"DU", "ĐU"},     {"HDBC", "HĐBC"},
};

/* The first segment names the kind when it is a kind code of the
 * vocabulary ("QĐ" in 2696/QĐ-UBND), or the code of a body whose numbers it
 * opens like one ("TTg" in 225/TTg-NN): legalvocab.h. key is folded. */
static int is_kind(const char *key) {
  const legal_issuer_code *ic = legal_doctype_by_code(key) ? NULL : legal_issuer_by_code(key);
  return legal_doctype_by_code(key) != NULL || (ic && ic->leads);
}

static int is_space_cp(int32_t cp) { return cp == ' ' || cp == 0xA0 || cp == '\t'; }

static int is_word_cls(int cls) {
  return cls == TX_CL_DIGIT || cls == TX_CL_VIET || cls == TX_CL_LETTER;
}

/* Skips up to 3 spaces; returns how many. */
static int skip_spaces(const char *s, size_t len, size_t *p) {
  int n = 0;
  tx_cluster c;
  while (*p < len && n < 3) {
    size_t q = tx_next(s, len, *p, &c);
    if (!is_space_cp(c.cp)) break;
    *p = q;
    n++;
  }
  return n;
}

/* The ASCII separator at *p ('/', '-', '_') and moves past it, or 0. */
static char read_sep(const char *s, size_t len, size_t *p) {
  if (*p >= len) return 0;
  tx_cluster c;
  size_t q = tx_next(s, len, *p, &c);
  if (c.cls != TX_CL_PUNCT) return 0;
  char a = tx_punct_ascii(c.cp);
  if (a != '/' && a != '-' && a != '_') return 0;
  *p = q;
  return a;
}

static size_t read_digits(const char *s, size_t len, size_t p, char *out, size_t max) {
  size_t n = 0;
  while (p + n < len && s[p + n] >= '0' && s[p + n] <= '9') {
    if (n < max) out[n] = s[p + n];
    n++;
  }
  out[n < max ? n : max] = '\0';
  return n;
}

static void restore_canon(segment *g) {
  char letters[SEG_MAX + 1];
  memcpy(letters, g->key, g->letters);
  letters[g->letters] = '\0';
  for (size_t i = 0; i < sizeof RESTORE / sizeof RESTORE[0]; i++) {
    if (strcmp(RESTORE[i].key, letters) != 0) continue;
    size_t cl = strlen(RESTORE[i].canon), tail = g->key_len - g->letters;
    if (cl + tail > SEG_MAX) return;
    memcpy(g->canon, RESTORE[i].canon, cl);
    memcpy(g->canon + cl, g->key + g->letters, tail);
    g->canon_len = cl + tail;
    g->canon[g->canon_len] = '\0';
    return;
  }
  /* a body's code in mixed case (legalvocab.h: "TTra", Thanh tra) */
  const legal_issuer_code *ic = legal_issuer_by_code(letters);
  int mixed = 0;
  for (const char *p = ic ? ic->code : ""; *p; p++) mixed |= *p >= 'a' && *p <= 'z';
  if (!mixed || strlen(ic->code) != g->letters) return;
  size_t tail = g->key_len - g->letters;
  if (g->letters + tail > SEG_MAX) return;
  memcpy(g->canon, ic->code, g->letters);
  memcpy(g->canon + g->letters, g->key + g->letters, tail);
  g->canon_len = g->letters + tail;
  g->canon[g->canon_len] = '\0';
}

/* Which letters of the canonical spelling are upper case (Đ is). */
static uint32_t canon_mask(const segment *g) {
  uint32_t m = 0;
  size_t letter = 0;
  for (size_t i = 0; i < g->canon_len && letter < 32 && letter < g->letters;) {
    unsigned char ch = (unsigned char)g->canon[i];
    if (ch == 0xC4) { /* "Đ" */
      m |= (uint32_t)1 << letter++;
      i += 2;
    } else if (ch >= 'A' && ch <= 'Z') {
      m |= (uint32_t)1 << letter++;
      i++;
    } else if (ch >= 'a' && ch <= 'z') {
      letter++;
      i++;
    } else {
      break; /* the digits after the letters */
    }
  }
  return m;
}

/* A code segment: plain letters (đ allowed), then optional digits. */
static int read_segment(const char *s, size_t len, size_t *p, segment *g) {
  memset(g, 0, sizeof *g);
  g->all_upper = 1;
  size_t q = *p;
  int in_digits = 0;
  while (q < len) {
    tx_cluster c;
    size_t r = tx_next(s, len, q, &c);
    int letter = c.cls == TX_CL_VIET && c.tone == 0 &&
                 (c.mod == TX_MOD_NONE || c.mod == TX_MOD_STROKE) && !in_digits;
    if (c.cls == TX_CL_DIGIT && g->letters > 0) in_digits = 1;
    else if (!letter) break;
    if (g->canon_len + 2 > SEG_MAX) return 0;
    char up = (char)(c.base >= 'a' && c.base <= 'z' ? c.base - 32 : c.base);
    if (letter && c.mod == TX_MOD_STROKE) {
      memcpy(g->canon + g->canon_len, "\xC4\x90", 2);
      g->canon_len += 2;
    } else {
      g->canon[g->canon_len++] = up;
    }
    g->key[g->key_len++] = up;
    if (letter) {
      if (g->letters == 0) g->first_upper = c.upper;
      if (!c.upper) g->all_upper = 0;
      if (c.upper && g->letters < 32) g->upper_mask |= (uint32_t)1 << g->letters;
      g->letters++;
    }
    q = r;
  }
  if (g->letters == 0) return 0;
  if (q < len) { /* a segment ends where the word ends ("QĐ-Về" is no code) */
    tx_cluster c;
    tx_next(s, len, q, &c);
    if (is_word_cls(c.cls)) return 0;
  }
  restore_canon(g);
  g->as_canon = g->all_upper || canon_mask(g) == g->upper_mask;
  *p = q;
  return 1;
}

/* Reads "S (sep S)*" from *p. Spaces around a separator need an upper-case
 * segment after them. */
static int read_code(const char *s, size_t len, size_t *p, int lenient, int allow_slash,
                     segment *segs, char *seps) {
  int n = 0;
  if (!read_segment(s, len, p, &segs[n])) return 0;
  n++;
  while (n < MAX_SEGS) {
    size_t q = *p;
    int sp = skip_spaces(s, len, &q);
    char sep = read_sep(s, len, &q);
    if (sep == '_' && !lenient) sep = 0;
    /* a slash after the kind code, as older documents write it: "QĐ/BTC"
       in 144/2002/QĐ/BTC is the QĐ-BTC of today (a capital code after it) */
    int kind_slash = sep == '/' && !allow_slash && n == 1 && is_kind(segs[0].key);
    if (sep == '/' && !allow_slash && !kind_slash) sep = 0;
    if (sep) sp += skip_spaces(s, len, &q);
    else if (!(lenient && sp)) break; /* lenient: a space alone separates */
    segment next;
    if (!read_segment(s, len, &q, &next)) break;
    if (sp && !next.first_upper) break;
    if (kind_slash && !next.all_upper) break;
    segs[n] = next;
    seps[n] = sep == '/' && !kind_slash ? '/' : '-';
    n++;
    *p = q;
  }
  return n;
}

/* A trailing "(...)" note, lenient mode only: "26/KH-BCĐ (138)". */
static void skip_note(const char *s, size_t len, size_t *p) {
  size_t q = *p;
  skip_spaces(s, len, &q);
  if (q >= len || s[q] != '(') return;
  const char *close = memchr(s + q, ')', len - q);
  if (close && (size_t)(close - s) - q <= 40) *p = (size_t)(close - s) + 1;
}

static int append(char *dst, size_t cap, size_t *at, const char *src) {
  size_t n = strlen(src);
  if (*at + n >= cap) return 0;
  memcpy(dst + *at, src, n + 1);
  *at += n;
  return 1;
}

/* Fills the text_ref from the parts; 0 when it would not fit. */
static int build_ref(text_ref *ref, const char *number, const char *year, int party,
                     const segment *segs, const char *seps, int n) {
  size_t c = 0, k = 0, is = 0;
  int ok = append(ref->canonical, sizeof ref->canonical, &c, number) &&
           append(ref->key, sizeof ref->key, &k, number);
  if (year[0]) {
    ok = ok && append(ref->canonical, sizeof ref->canonical, &c, "/") &&
         append(ref->canonical, sizeof ref->canonical, &c, year) &&
         append(ref->key, sizeof ref->key, &k, "/") && append(ref->key, sizeof ref->key, &k, year);
  }
  for (int i = 0; i < n && ok; i++) {
    const char *sep = i == 0 ? (party ? "-" : "/") : (seps[i] == '/' ? "/" : "-");
    ok = append(ref->canonical, sizeof ref->canonical, &c, sep) &&
         append(ref->canonical, sizeof ref->canonical, &c, segs[i].canon) &&
         append(ref->key, sizeof ref->key, &k, sep) &&
         append(ref->key, sizeof ref->key, &k, segs[i].key);
  }
  if (!ok || c > TEXT_MAX_TOKEN) return 0;
  snprintf(ref->number, sizeof ref->number, "%s", number);
  snprintf(ref->year, sizeof ref->year, "%s", year);
  int first_is_kind = is_kind(segs[0].key);
  int qh = strncmp(segs[0].key, "QH", 2) == 0 && segs[0].letters == 2 && segs[0].key_len > 2;
  if (first_is_kind) {
    if (strlen(segs[0].canon) >= sizeof ref->kind) return 0;
    strcpy(ref->kind, segs[0].canon);
  } else if (qh) {
    strcpy(ref->kind, "QH"); /* laws and resolutions of the National Assembly: 97/2019/QH14 */
  }
  for (int i = (first_is_kind ? 1 : 0); i < n; i++) {
    if ((is > 0 && !append(ref->issuer, sizeof ref->issuer, &is, "-")) ||
        !append(ref->issuer, sizeof ref->issuer, &is, segs[i].canon))
      return 0;
  }
  return 1;
}

/* Lower-case code with neither year, second segment nor known kind: "20/ngày". */
/* A code alone, without a year or a second part, is a number when it is a
 * kind or written in capitals, or in its canonical mixed case ("TTg2021",
 * which is how "TTG2021" is written back). */
static int plausible(const segment *segs, int n, const char *year) {
  return year[0] || n >= 2 || is_kind(segs[0].key) || segs[0].all_upper || segs[0].as_canon;
}

int tx_match_ref(const char *s, size_t len, size_t p, int lenient, text_ref *ref) {
  char number[MAX_NUMBER_DIGITS + 1], year[8] = "";
  size_t nd = read_digits(s, len, p, number, MAX_NUMBER_DIGITS);
  if (nd == 0 || nd > MAX_NUMBER_DIGITS) return 0;
  /* a sub-number: "66.15/2026/NQ-CP" (one dot, then digits and "/") */
  if (p + nd + 1 < len && s[p + nd] == '.') {
    char sub[4];
    size_t sd = read_digits(s, len, p + nd + 1, sub, 3);
    if (sd > 0 && sd <= 3 && nd + 1 + sd <= MAX_NUMBER_DIGITS && p + nd + 1 + sd < len &&
        s[p + nd + 1 + sd] == '/') {
      number[nd] = '.';
      memcpy(number + nd + 1, sub, sd + 1);
      nd += 1 + sd;
    }
  }
  size_t q = p + nd;
  segment segs[MAX_SEGS];
  char seps[MAX_SEGS] = {0};
  int n = 0, party = 0;

  int sp = skip_spaces(s, len, &q);
  char sep = read_sep(s, len, &q);
  if (sep == '/') {
    sp += skip_spaces(s, len, &q);
    char y[8];
    size_t yd = read_digits(s, len, q, y, 4);
    if (yd) { /* N/Y/code: the year must be a year and be followed by "/" */
      size_t r = q + yd;
      if (yd != 4 || y[0] < '1' || y[0] > '2') return 0;
      skip_spaces(s, len, &r);
      if (read_sep(s, len, &r) != '/') return 0;
      skip_spaces(s, len, &r);
      memcpy(year, y, 5);
      q = r;
    }
    n = read_code(s, len, &q, lenient, 0, segs, seps);
  } else if (sep == '-' && sp == 0) { /* Party style: 03-TB/BCĐ, 251-BCĐ */
    n = read_code(s, len, &q, lenient, 1, segs, seps);
    party = 1;
    /* upper case, or the canonical spelling of a mixed-case code: 01-TTr-R0
       (the canonical form of 01-TTR-R0 must read back) */
    if (n > 0 && !segs[0].as_canon) return 0;
  } else if (lenient && sp && !sep) { /* "1830 QĐ-UBND" */
    n = read_code(s, len, &q, lenient, 0, segs, seps);
    if (n > 0 && !(segs[0].all_upper && is_kind(segs[0].key))) return 0;
  }
  if (n == 0) return 0;
  if (sp && !segs[0].first_upper) return 0;
  if (!plausible(segs, n, year)) return 0;
  if (lenient) skip_note(s, len, &q);
  if (q < len) { /* a reference ends where the word ends */
    tx_cluster c;
    tx_next(s, len, q, &c);
    if (is_word_cls(c.cls)) return 0;
  }
  memset(ref, 0, sizeof *ref);
  if (!build_ref(ref, number, year, party, segs, seps, n)) return 0;
  ref->start = p;
  ref->end = q;
  return 1;
}
