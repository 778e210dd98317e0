/* text: the Vietnamese text pipeline, shared by indexing, querying and snippets.
 *
 * Input is (pointer, length) UTF-8 of any origin: NFC or NFD, "Ð" (U+00D0)
 * for "Đ", old or new tone placement, zero-width characters, invalid bytes.
 * The pipeline normalizes it (NFC, Ð->Đ, one tone placement, invisible
 * characters removed, case folded, invalid UTF-8 replaced by U+FFFD) and
 * splits it into tokens. Each token comes in two forms:
 *   exact   diacritics kept, case folded          "quyết", "2696/qđ-ubnd"
 *   folded  every mark removed and đ -> d          "quyet",  "2696/qd-ubnd"
 * and carries byte offsets into the ORIGINAL input, so highlights land on the
 * right characters whatever the input form.
 *
 * Numbers, dates ("03/07/2021", "10:38") and legal reference numbers
 * ("2696/QĐ-UBND", "32/2021/NĐ-CP") are single tokens, never broken apart.
 *
 * Decisions (tests/unit/test_text.c shows each one):
 *  - Tone placement: the TRADITIONAL spelling is canonical in the exact form
 *    ("hoà" -> "hòa", "thuý" -> "thúy", "khoẻ" -> "khỏe"); only open oa/oe/uy
 *    syllables differ between the two rules. Folded forms never differ.
 *  - Invisible characters (general category Cf: ZWSP, ZWNJ, ZWJ, WORD JOINER,
 *    BOM, soft hyphen, bidi marks) are removed and do not split a word.
 *  - Each invalid UTF-8 byte becomes U+FFFD, which separates tokens (and stays
 *    in text_normalize's output). NUL separates (a space in text_normalize).
 *  - Combining marks with no letter to sit on (at the start, after a space,
 *    digit or punctuation, or more than 7 on one letter) are removed.
 *  - "1.000.000" and "3,5" are one NUMBER; a range "2020-2025" is two numbers.
 *    DATE tokens ("03/07/2021", "21-6-2021", "2021-07-03", "10:38") keep their
 *    digits with ASCII separators. A REF token's exact form is the canonical
 *    number lower-cased ("2696/qđ-ubnd"), its folded form the key lower-cased.
 *  - Letters outside Latin go through ICU one character cluster at a time
 *    (NFC, case fold, marks removed for the folded form); non-ASCII digits
 *    are letters of words, never numbers.
 *
 * This module depends on ICU (and glibc iconv for TCVN3) and nothing else of
 * tracuu's. It keeps no state between calls and never prints.
 */
#ifndef TRACUU_TEXT_H
#define TRACUU_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Longest token kept, in bytes of its exact form; longer runs are cut into
 * pieces of at most this size (never silently dropped). */
#define TEXT_MAX_TOKEN 64

typedef enum {
  TEXT_OK = 0,
  TEXT_NOMEM = 1,     /* out of memory */
  TEXT_TOO_BIG = 2,   /* input larger than TEXT_MAX_INPUT */
  TEXT_STOPPED = 3,   /* the callback asked to stop */
  TEXT_ICU = 4        /* ICU (or iconv) reported an error or lacks a converter; the
                         module keeps no per-call state, so text_strerror() is all */
} text_status;

/* Inputs larger than this are refused (bytes). */
#define TEXT_MAX_INPUT (64u * 1024 * 1024)

const char *text_strerror(text_status st);

/* What kind of token it is. */
typedef enum {
  TEXT_TOKEN_WORD = 0,    /* a syllable or word of letters */
  TEXT_TOKEN_NUMBER = 1,  /* digits, possibly with . , as in "1.000.000" */
  TEXT_TOKEN_DATE = 2,    /* "03/07/2021", "21-6-2021", "10:38" (time) */
  TEXT_TOKEN_REF = 3      /* a legal reference number "2696/QĐ-UBND" */
} text_token_kind;

typedef struct {
  const char *exact;   /* NUL-terminated; borrowed, valid during the callback */
  size_t exact_len;
  const char *folded;  /* NUL-terminated; borrowed, valid during the callback */
  size_t folded_len;
  uint32_t pos;        /* 0-based position among the tokens of this text */
  size_t start, end;   /* byte offsets [start, end) into the original input */
  text_token_kind kind;
  int has_marks;       /* exact != folded (the word carries Vietnamese marks or đ) */
} text_token;

/* Called once per token, in order. Return non-zero to stop (text_tokenize
 * then returns TEXT_STOPPED). */
typedef int (*text_token_cb)(void *ctx, const text_token *tok);

/* Tokenizes s[0..len). Never reads past len; NUL bytes are separators. */
text_status text_tokenize(const char *s, size_t len, text_token_cb cb, void *ctx);

/* Normalizes s into a malloc'ed NUL-terminated string (caller frees):
 * NFC, Ð->Đ, unified tone placement, invisible characters removed, invalid
 * UTF-8 replaced. fold = 0: case folded only; fold = 1: also every mark
 * removed and đ->d. */
text_status text_normalize(const char *s, size_t len, int fold, char **out /* OUT */,
                           size_t *out_len /* OUT, may be NULL */);

/* ------------------------------------------------------------------ */
/* Legal reference numbers                                              */
/* ------------------------------------------------------------------ */

typedef struct {
  size_t start, end;     /* byte offsets of the reference in the original input
                            (the number itself, without "Quyết định số") */
  char canonical[96];    /* "2696/QĐ-UBND", "32/2021/NĐ-CP": upper case, Đ restored
                            on known kind codes, no spaces, ASCII hyphen */
  char key[96];          /* folded canonical for lookups: "2696/QD-UBND" */
  char number[16];       /* "2696" */
  char year[8];          /* "2021" or "" */
  char kind[32];         /* "QĐ", "NĐ", "TB", "VBHN", "QH" ... or "" */
  char issuer[48];       /* "UBND", "CP", "VPQH", "QH14" ... or "" */
  int own;               /* 1 when the text presents it as its own number ("Số: ...") */
  char doctype[48];      /* the prefix word when present: "Quyết định", "Nghị định",
                            "văn bản", "Luật" ... else "" */
} text_ref;

typedef int (*text_ref_cb)(void *ctx, const text_ref *ref);

/* Finds every legal reference number in s, in order. A code written in
 * lower case needs a year, two parts or a known kind ("20/ngày" is no
 * reference); spaces around "/" or "-" are accepted before upper case only. */
text_status text_find_refs(const char *s, size_t len, text_ref_cb cb, void *ctx);

/* Parses one reference typed alone (a query, a flag value, a metadata field:
 * "2696/qd-ubnd", "32/2021/nd-cp", "1732 /QĐ"). Returns 1 and fills *ref when
 * the whole trimmed input is one reference, optionally after its prefix
 * ("Số:", "Quyết định số"), else 0. Being alone, it also accepts spellings
 * text_find_refs refuses in running text: a missing slash ("1830 QĐ-UBND"),
 * "_" or spaces between code parts ("157/TB_UBND", "140/BCĐ VĐ HMTN"), and a
 * trailing note in parentheses ("26/KH-BCĐ (138)", not in canonical). */
int text_parse_ref(const char *s, size_t len, text_ref *ref /* OUT */);

/* The legal number a file's name is shaped after ("bnv-8977-bnv-tcpcp" ->
 * 8977/BNV-TCPCP, "QĐ 2536 SÁP NHẬP" -> 2536/QĐ, "nd-285-2025-nd-cp" ->
 * 285/2025/NĐ-CP): digits, an optional year and code words (refname.c says
 * which). s is the name without its extension. Returns 1 and fills *ref,
 * or 0 when the name is shaped like no number ("28125", "1_4409.signed",
 * "giay-moi-hop-cchc-14g-22-01-2026"). */
int text_ref_from_name(const char *s, size_t len, text_ref *ref /* OUT */);

/* ------------------------------------------------------------------ */
/* Dates                                                                */
/* ------------------------------------------------------------------ */

typedef struct {
  size_t start, end;  /* byte offsets in the original input */
  int year, month, day;
  char iso[11];       /* "2021-07-03" */
} text_date;

typedef int (*text_date_cb)(void *ctx, const text_date *date);

/* Finds dates: "03/07/2021", "ngày 21/6/2021", "ngày 21 tháng 6 năm 2021",
 * "21-6-2021", "Ngày đăng 03/07/2021 | 10:38" (dd/mm order). Invalid
 * calendar dates (31/02/2021) are skipped. start/end cover the date itself
 * ("21 tháng 6 năm 2021"), not the word "ngày". */
text_status text_find_dates(const char *s, size_t len, text_date_cb cb, void *ctx);

/* Parses one date typed alone: ISO "2021-07-03", "2021-07", "2021", or the
 * Vietnamese forms above. Returns 1 on success. */
int text_parse_date(const char *s, size_t len, text_date *date /* OUT */);

/* ------------------------------------------------------------------ */
/* All three in one pass                                                */
/* ------------------------------------------------------------------ */

/* The callbacks of text_scan; any of them may be NULL. */
typedef struct {
  text_token_cb on_token; /* every token, as text_tokenize */
  text_ref_cb on_ref;     /* every reference, as text_find_refs */
  text_date_cb on_date;   /* every date, as text_find_dates */
  void *ctx;              /* handed to all three */
} text_scan_cbs;

/* Tokenizes s once and hands each callback exactly what text_tokenize,
 * text_find_refs and text_find_dates would (the same tokens, references and
 * dates, each kind in text order), for the price of one pass. A callback
 * that returns non-zero stops only itself; the scan returns TEXT_STOPPED
 * when every given callback has stopped, else TEXT_OK (or an error). */
text_status text_scan(const char *s, size_t len, const text_scan_cbs *cbs);

/* ------------------------------------------------------------------ */
/* Legacy encodings                                                     */
/* ------------------------------------------------------------------ */

typedef enum {
  TEXT_ENC_UTF8 = 0,        /* valid UTF-8, nothing repaired */
  TEXT_ENC_WINDOWS_1258,    /* converted from windows-1258 (then NFC) */
  TEXT_ENC_TCVN3,           /* TCVN3 (ABC) bytes, often mislabelled latin-1 */
  TEXT_ENC_VNI,             /* VNI bytes (own table: no converter exists) */
  TEXT_ENC_DOUBLE_UTF8,     /* UTF-8 that was decoded as windows-1252 and re-encoded */
  TEXT_ENC_LATIN1,          /* plain latin-1/windows-1252 fallback */
  TEXT_ENC_INVALID_UTF8     /* UTF-8 with invalid bytes replaced */
} text_encoding;

const char *text_encoding_name(text_encoding enc);

/* Turns bytes of unknown or doubtful encoding into UTF-8. label is the
 * declared charset (HTTP header or <meta>) or NULL. *out is malloc'ed
 * (caller frees; NULL on error); *found tells what was detected and repaired.
 * Valid UTF-8 is returned unchanged unless it is double-encoded; UTF-8 with a
 * few bad bytes (and no legacy label) gets U+FFFD; anything else is decoded
 * as windows-1258, TCVN3, VNI and windows-1252 and the result with the most
 * well-formed Vietnamese syllables wins (the label only breaks ties: labels
 * lie). Legacy results are NFC. */
text_status text_to_utf8(const char *s, size_t len, const char *label, char **out /* OUT */,
                         size_t *out_len /* OUT */, text_encoding *found /* OUT */);

/* Text a reader already turned into UTF-8 from legacy bytes with the wrong
 * table: a Word, RTF or PDF file written in a TCVN3 or VNI font comes out as
 * windows-1252 look-alikes ("Sè: 144 /2002/Q§/BTC", "COÄNG HOØA"), and a PDF
 * maps a few glyphs to symbols (U+2212 for the TCVN3 byte of "ư", U+2219 for
 * "ã"). Each line whose characters all map back to single bytes is decoded
 * again as TCVN3, VNI and windows-1258; the one encoding that gains the most
 * Vietnamese over the whole text is applied to every such line it does not
 * make worse. Lines holding other characters (real Unicode) stay as they are.
 * *out is malloc'ed (caller frees); *found is the encoding applied, or
 * TEXT_ENC_UTF8 when nothing changed (then *out is a copy). */
text_status text_rescue_legacy(const char *s, size_t len, char **out /* OUT */,
                               size_t *out_len /* OUT */, text_encoding *found /* OUT */);

/* How Vietnamese a text reads, to tell a usable text layer from OCR garbage
 * ("ceNG HoA x,l ugr cnu Ncnin"). A word is a run of letters; a syllable is
 * a word shaped like a Vietnamese syllable (initial consonant, 1-3 vowels, a
 * final consonant, at most one tone); marked counts the syllables that carry
 * a mark or đ, which real Vietnamese has on most words and garbage rarely. */
typedef struct {
  size_t letters;   /* letter characters */
  size_t words;     /* runs of letters */
  size_t syllables; /* words shaped like Vietnamese syllables */
  size_t marked;    /* of those, with a tone, a vowel mark or đ */
} text_viet_measure;

void text_measure_vietnamese(const char *s, size_t len, text_viet_measure *m /* OUT */);

/* ------------------------------------------------------------------ */
/* Stopwords                                                            */
/* ------------------------------------------------------------------ */

/* 1 when the EXACT form of a token (text_token.exact: NFC, case folded, marks
 * kept) names a Vietnamese function word of tracuu's list (stopwords/vi.txt,
 * compiled in). Stopwords lower a term's weight; they are never dropped from
 * phrases. The keys are exact, not folded, because folding makes stopwords
 * collide with content words: "của"/"cửa" (door), "có"/"cơ" (as in "cơ quan"),
 * "là"/"lá" all fold alike. */
int text_is_stopword(const char *exact, size_t len);

#endif
