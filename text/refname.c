/* refname.c: the legal number a file's name is shaped after
 * (text_ref_from_name, text.h).
 *
 * Offices and portals name files after their number: "bnv-8977-bnv-tcpcp",
 * "QĐ 2536 SÁP NHẬP", "cd-2003-vpcp-07102025-2-signed",
 * "nd-285-2025-nd-cp". A name shaped like a number is a run of digits (the
 * number), an optional year, then code words; a kind code right before the
 * number ("QĐ 2536", "cd-2003-vpcp") is its first code. A code word is a
 * kind or issuer code of the vocabulary (legalvocab.h), or an abbreviation:
 * letters with no vowel ("tcpcp", "cchc", "bttp"), digits allowed after
 * them ("c04"). The run stops at the first other word ("sap", "signed",
 * "lay"). A number needs two codes, or one that the vocabulary knows:
 * "28-pt" is no number, "560-gm" is 560/GM. Words are compared folded. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "text/legalvocab.h"
#include "text/text.h"

#define NAME_WORDS 48
#define NAME_WORD_MAX 24 /* bytes of a code word, folded */

typedef struct {
  char w[NAME_WORD_MAX + 1]; /* upper-case ASCII, đ as D */
  int digits;                /* all digits */
  int letters;               /* letters, then maybe digits */
} name_word;

/* Splits the name into words at spaces and punctuation, and where digits
 * follow a kind code or letters follow digits ("qd932" -> "qd" "932",
 * "02144qd" -> "02144" "qd"; "c04" stays one code word). Letters are
 * folded to upper-case ASCII (đ, Đ -> D); a letter with other marks makes
 * a word that is no code. */
static size_t split(const char *s, size_t len, name_word *out) {
  size_t n = 0, i = 0;
  while (i < len && n < NAME_WORDS) {
    unsigned char c = (unsigned char)s[i];
    int dd = c == 0xC4 && i + 1 < len && ((unsigned char)s[i + 1] | 1) == 0x91; /* Đ đ */
    if (!isalnum(c) && c < 0x80) {
      i++;
      continue;
    }
    name_word *w = &out[n++];
    memset(w, 0, sizeof *w);
    size_t o = 0;
    int ok = 1, letters = 0, digits = 0;
    for (;;) {
      if (dd) {
        c = 'D';
      } else if (c >= 0x80) {
        ok = 0; /* a letter with marks: a word of the language, not a code */
      }
      int digit = isdigit(c) != 0;
      if (digit && letters && !digits) { /* letters, then digits: a kind code splits */
        w->w[o] = '\0';
        if (legal_doctype_by_code(w->w)) break;
      }
      if (!digit && digits) break; /* digits, then letters: always splits */
      if (digit) digits++;
      else letters++;
      if (o < NAME_WORD_MAX) w->w[o++] = (char)(c < 0x80 ? toupper(c) : '?');
      else ok = 0;
      i += dd ? 2 : c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
      if (i >= len) break;
      c = (unsigned char)s[i];
      dd = c == 0xC4 && i + 1 < len && ((unsigned char)s[i + 1] | 1) == 0x91;
      if (!isalnum(c) && c < 0x80) break;
    }
    w->w[o] = '\0';
    w->digits = !letters;
    w->letters = ok && letters;
  }
  return n;
}

static int has_vowel(const char *w) {
  for (; *w && !isdigit((unsigned char)*w); w++)
    if (strchr("AEIOUY", *w)) return 1;
  return 0;
}

static int known_code(const char *w) {
  char letters[NAME_WORD_MAX + 1];
  size_t n = 0;
  while (w[n] && !isdigit((unsigned char)w[n])) letters[n] = w[n], n++;
  letters[n] = '\0';
  return legal_doctype_by_code(letters) != NULL || legal_issuer_by_code(letters) != NULL;
}

static int code_word(const name_word *w) {
  size_t n = strlen(w->w);
  return w->letters && n >= 2 && n <= 12 && (known_code(w->w) || !has_vowel(w->w));
}

static int is_year(const name_word *w) {
  return w->digits && strlen(w->w) == 4 && (w->w[0] == '1' || w->w[0] == '2');
}

int text_ref_from_name(const char *s, size_t len, text_ref *ref) {
  name_word words[NAME_WORDS];
  size_t n = split(s, len, words);
  int best_score = 0;
  text_ref best;
  for (size_t i = 0; i < n; i++) {
    if (!words[i].digits || strlen(words[i].w) > 7) continue;
    char buf[256];
    int o = snprintf(buf, sizeof buf, "%s", words[i].w);
    size_t j = i + 1;
    if (j + 1 < n && is_year(&words[j]) && code_word(&words[j + 1]))
      o += snprintf(buf + o, sizeof buf - (size_t)o, "/%s", words[j++].w);
    int segs = 0, known = 0;
    if (i > 0 && words[i - 1].letters && legal_doctype_by_code(words[i - 1].w) &&
        !(j < n && legal_doctype_by_code(words[j].w))) {
      o += snprintf(buf + o, sizeof buf - (size_t)o, "/%s", words[i - 1].w);
      segs = known = 1;
    }
    for (; j < n && code_word(&words[j]) && segs < 6 && o < 200; j++, segs++) {
      o += snprintf(buf + o, sizeof buf - (size_t)o, "%s%s", segs ? "-" : "/", words[j].w);
      known += known_code(words[j].w);
    }
    if (segs < 2 && !known) continue;
    /* more codes win; of two alike, a number that is no year ("cantho 2005 QD 256") */
    int score = 2 * segs + !is_year(&words[i]);
    text_ref r;
    if (score > best_score && text_parse_ref(buf, (size_t)o, &r)) {
      best = r;
      best_score = score;
    }
  }
  if (!best_score) return 0;
  *ref = best;
  return 1;
}
