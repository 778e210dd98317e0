/* text_internal.h: declarations shared by the files of text/ (not public).
 *
 * Sections follow the source files, so reading this header gives the map:
 *   viet_tables.c (generated)   per-code-point tables and the composition table
 *   uclass.c                    ICU character classes (shared with the generator)
 *   cluster.c                   UTF-8 -> normalized "clusters" with original offsets
 *   word.c, tone.c              clusters -> a token's exact and folded forms
 *   scan.c                      the tokenizer loop (words, numbers, dates, refs)
 *   legalref.c, date.c          matchers for reference numbers and dates
 *   reffind.c, date.c           the reference and date finders over the tokens
 *   textscan.c                  text_scan: one pass, tokens + references + dates
 *   vni.c, encoding.c           legacy encodings
 */
#ifndef TRACUU_TEXT_INTERNAL_H
#define TRACUU_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "text/text.h"

/* ---- classes of a cluster (a starter character and its combining marks) ---- */
enum {
  TX_CL_SPACE = 0,  /* white space, controls, NUL: separates tokens */
  TX_CL_PUNCT = 1,  /* everything else that is not part of a word; also U+FFFD */
  TX_CL_DROP = 2,   /* invisible: ZWSP, ZWJ, BOM, soft hyphen... removed, joins */
  TX_CL_MARK = 3,   /* a combining mark with no base: removed */
  TX_CL_DIGIT = 4,  /* ASCII digit; base holds it */
  TX_CL_LETTER = 5, /* a letter described by its exact/folded strings */
  TX_CL_VIET = 6    /* a letter described by base + modifier + tone (all of a-z too) */
};

/* Vowel modifiers and tones: a Vietnamese letter is base + modifier + tone. */
enum { TX_MOD_NONE, TX_MOD_BREVE, TX_MOD_CIRCUMFLEX, TX_MOD_HORN, TX_MOD_STROKE, TX_MOD_COUNT };
enum { TX_TONE_NONE, TX_TONE_GRAVE, TX_TONE_ACUTE, TX_TONE_HOOK, TX_TONE_TILDE, TX_TONE_DOT,
       TX_TONE_COUNT };

/* Bases that can carry a modifier or tone, in tx_compose order. */
#define TX_VIET_BASES "aeiouyd"

/* ---- interface to the generated viet_tables.c ---- */
#define TX_SMALL_FORM 8
#define TX_LATIN_END 0x250
#define TX_EXT_BEGIN 0x1E00
#define TX_EXT_END 0x1F00

typedef struct {
  uint8_t cls;            /* TX_CL_* */
  uint8_t base, mod, tone; /* TX_CL_VIET: lower-case ASCII base; TX_CL_DIGIT: the digit */
  uint8_t upper;          /* the code point is an upper-case letter */
  char exact[TX_SMALL_FORM];  /* TX_CL_LETTER: case-folded NFC UTF-8 */
  char folded[TX_SMALL_FORM]; /* TX_CL_LETTER: the same without marks */
} tx_letter;

extern const tx_letter tx_latin[TX_LATIN_END];
extern const tx_letter tx_latin_ext[TX_EXT_END - TX_EXT_BEGIN];
/* [base index in TX_VIET_BASES][mod][tone] -> lower-case UTF-8, "" when no such letter. */
extern const char tx_compose[7][TX_MOD_COUNT][TX_TONE_COUNT][4];
/* strlen of each tx_compose entry */
extern const uint8_t tx_compose_len[7][TX_MOD_COUNT][TX_TONE_COUNT];

/* ---- interface to uclass.c ---- */
/* The TX_CL_* class of any code point, from ICU properties. */
int tx_classify(int32_t cp);

/* ---- interface to cluster.c ---- */
#define TX_MAX_MARKS 7         /* combining marks kept on one base; more are dropped */
#define TX_CLUSTER_FORM 40     /* bytes of a cluster's exact or folded form */

typedef struct {
  size_t start, end;   /* original bytes [start, end) */
  int32_t cp;          /* the starter code point (U+FFFD for invalid bytes, ' ' for NUL) */
  uint8_t cls;         /* TX_CL_* */
  uint8_t base, mod, tone, upper;
  uint8_t exact_len, folded_len;         /* TX_CL_LETTER only */
  char exact[TX_CLUSTER_FORM], folded[TX_CLUSTER_FORM];
} tx_cluster;

/* Decodes the cluster at s[p] (p < len) into *c and returns the position after it. */
size_t tx_cluster_slow(const char *s, size_t len, size_t p, tx_cluster *c);

/* Cannot a combining mark start at u[q]? (ASCII, or the lead byte of a
 * two-byte block without marks: U+0080..U+02FF, U+0370..U+047F and
 * U+04C0..U+057F, or a Vietnamese letter of U+1E80..U+1EFF: the common
 * cases.) Lead bytes 0xD2 and 0xD6..0xDF hold Cyrillic, Hebrew, Arabic,
 * Syriac, Thaana and NKo marks (U+0483, U+0591, U+064B, U+07AB ...). */
static inline int tx_no_mark_at(const unsigned char *u, size_t len, size_t q) {
  if (q >= len) return 1;
  unsigned char b = u[q];
  if (b < 0x80 || (b >= 0xC2 && b < 0xCC) || (b >= 0xCE && b < 0xD2) || (b >= 0xD3 && b < 0xD6))
    return 1;
  return b == 0xE1 && q + 1 < len && (u[q + 1] == 0xBA || u[q + 1] == 0xBB);
}

/* Fills c from a table entry; 0 when the entry needs the slow path. */
static inline int tx_from_table(const tx_letter *l, int32_t cp, size_t p, size_t end,
                                tx_cluster *c) {
  if (l->cls == TX_CL_LETTER || l->cls == TX_CL_MARK) return 0;
  c->start = p;
  c->end = end;
  c->cp = cp ? cp : ' ';
  c->cls = l->cls;
  c->base = l->base;
  c->mod = l->mod;
  c->tone = l->tone;
  c->upper = l->upper;
  return 1;
}

static inline size_t tx_next(const char *s, size_t len, size_t p, tx_cluster *c) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned char b = u[p];
  /* One table load, no decoding, for ASCII and for precomposed Latin and
   * Vietnamese letters that no combining mark follows. */
  if (b < 0x80) {
    if (tx_no_mark_at(u, len, p + 1) && tx_from_table(&tx_latin[b], b, p, p + 1, c)) return p + 1;
  } else if (b >= 0xC2 && b < 0xE0 && p + 1 < len && (u[p + 1] & 0xC0) == 0x80) {
    int32_t cp = ((int32_t)(b & 0x1F) << 6) | (u[p + 1] & 0x3F);
    if (cp < TX_LATIN_END && tx_no_mark_at(u, len, p + 2) &&
        tx_from_table(&tx_latin[cp], cp, p, p + 2, c))
      return p + 2;
  } else if (b == 0xE1 && p + 2 < len && (u[p + 1] == 0xB8 || u[p + 1] == 0xB9 || u[p + 1] == 0xBA ||
                                          u[p + 1] == 0xBB) && (u[p + 2] & 0xC0) == 0x80) {
    int32_t cp = 0x1000 | ((int32_t)(u[p + 1] & 0x3F) << 6) | (u[p + 2] & 0x3F);
    if (tx_no_mark_at(u, len, p + 3) &&
        tx_from_table(&tx_latin_ext[cp - TX_EXT_BEGIN], cp, p, p + 3, c))
      return p + 3;
  }
  return tx_cluster_slow(s, len, p, c);
}

/* ASCII stand-in for punctuation that matters in numbers: every dash -> '-'. */
char tx_punct_ascii(int32_t cp);

/* Index of base in TX_VIET_BASES, or -1. */
static inline int tx_base_index(int base) {
  switch (base) {
    case 'a': return 0;
    case 'e': return 1;
    case 'i': return 2;
    case 'o': return 3;
    case 'u': return 4;
    case 'y': return 5;
    case 'd': return 6;
    default: return -1;
  }
}

/* ---- interface to word.c and tone.c ---- */
/* One token being built. Both forms are written as clusters arrive (the hot
 * path: no second pass); base/mod/tone are kept per unit so that tone.c can
 * move a tone and word.c re-render the exact form when it does. */
#define TX_FORM_CAP (TEXT_MAX_TOKEN * 2 + TX_CLUSTER_FORM + 1)
typedef struct {
  char exact[TX_FORM_CAP], folded[TX_FORM_CAP];
  size_t exact_len, folded_len;
  uint8_t base[TEXT_MAX_TOKEN], mod[TEXT_MAX_TOKEN], tone[TEXT_MAX_TOKEN];
  int n;              /* units */
  int letters;        /* units that are letters */
  int all_viet;       /* every unit is TX_CL_VIET (tone placement applies) */
  int tones;          /* units with a tone */
  int has_marks;      /* exact differs from folded */
  uint8_t last_cls;   /* class of the last unit */
  size_t start, end;  /* original offsets of the token */
} tx_word;

static inline void tx_word_clear(tx_word *w) {
  w->exact_len = w->folded_len = 0;
  w->n = w->letters = w->tones = w->has_marks = 0;
  w->all_viet = 1;
  w->last_cls = TX_CL_SPACE;
}

/* tx_word_fits, tx_word_add: in text_word.h (inline: once per character). */
/* Finishes the forms: unified tone placement, NUL terminators. */
void tx_word_finish(tx_word *w);
/* Moves the tone of a new-style syllable (hoà, thuý, khoẻ) to the traditional
 * vowel (hòa, thúy, khỏe). Returns 1 when it moved one. */
int tx_unify_tone(uint8_t *base, uint8_t *mod, uint8_t *tone, int n);

/* ---- interface to scan.c ---- */
typedef struct {
  text_token tok;
  const text_ref *ref;  /* set for TEXT_TOKEN_REF */
} tx_token;

typedef int (*tx_token_cb)(void *ctx, const tx_token *t);
/* The tokenizer. lenient: also accept the sloppier reference spellings that
 * only a field holding one number can afford ("1830 QĐ-UBND", "140/BCĐ VĐ"). */
text_status tx_scan(const char *s, size_t len, int lenient, tx_token_cb cb, void *ctx);

/* ---- interface to reffind.c and date.c: their finders as token consumers,
 * so that one pass can feed several of them (text_scan, textscan.c) ---- */
#define TX_REF_RING 6
#define TX_REF_WORD_CAP 24
typedef struct {
  char folded[TX_REF_WORD_CAP];
  text_token_kind kind;
  size_t start, end;
} tx_ref_seen;

typedef struct {
  const char *s;
  text_ref_cb cb;
  void *ctx;
  tx_ref_seen ring[TX_REF_RING]; /* ring[0] is the newest token */
  int have;
  /* text_parse_ref: what the last reference looked like */
  int refs;
  text_ref last;
  size_t last_prefix_start;
} tx_ref_finder;

/* text_find_refs one token at a time: returns what cb returned (0 when the
 * token is no reference). s is the whole text the tokens come from. */
void tx_ref_finder_init(tx_ref_finder *f, const char *s, text_ref_cb cb, void *ctx);
int tx_ref_finder_token(tx_ref_finder *f, const tx_token *t);

#define TX_DATE_RING 4
typedef struct {
  char folded[8];
  text_token_kind kind;
  size_t start, end, digits;
  int value;
} tx_date_recent;

typedef struct {
  text_date_cb cb;
  void *ctx;
  tx_date_recent ring[TX_DATE_RING]; /* ring[0] is the newest */
  int have;
} tx_date_finder;

/* text_find_dates one token at a time: returns what cb returned (0 when no
 * date ends at the token). */
void tx_date_finder_init(tx_date_finder *f, text_date_cb cb, void *ctx);
int tx_date_finder_token(tx_date_finder *f, const tx_token *t);

/* ---- interface to legalref.c ---- */
/* Matches a reference starting at the digit s[p]; fills *ref (start/end too). */
int tx_match_ref(const char *s, size_t len, size_t p, int lenient, text_ref *ref);

/* ---- interface to date.c ---- */
/* Matches a date or time token at the digit s[p]. Writes its normalized text
 * (ASCII, dashes -> '-') into out (>= 24 bytes) and returns the end offset, or 0. */
size_t tx_match_date_token(const char *s, size_t len, size_t p, char *out, size_t *out_len);

/* ---- interface to utf8 helpers in cluster.c ---- */
/* Decodes one code point; invalid or truncated sequences give U+FFFD for one byte. */
int32_t tx_utf8_decode(const unsigned char *s, size_t len, size_t *adv);
/* Encodes cp; returns bytes written (1..4). */
size_t tx_utf8_encode(int32_t cp, char *out);

/* ---- interface to encoding.c ---- */
/* windows-1252 byte -> code point (0x80..0x9F holes stay C1 controls). */
int32_t tx_cp1252(unsigned char b);

/* ---- interface to the generated stopword table (stopwords/) ---- */
extern const char *const tx_stopwords[];
extern const size_t tx_stopword_count;

/* ---- interface to vni.c ---- */
/* Decodes VNI-Windows bytes into UTF-8 NFC (malloc'ed). NULL when out of memory. */
char *tx_decode_vni(const char *s, size_t len, size_t *out_len);

#endif
