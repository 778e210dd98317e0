/* gen_viet_tables: writes text/viet_tables.c (into the build dir) from ICU's
 * own character data, so the fast path of the text pipeline agrees with ICU
 * by construction instead of by a hand-typed table.
 *
 * For every code point below U+0250 and in U+1E00..U+1EFF it records
 *   - the class the tokenizer needs (letter, digit, space, invisible, mark...)
 *   - for Vietnamese letters: base ASCII letter + modifier + tone, so that
 *     combining marks and tone placement can be handled arithmetically;
 *   - for other letters: the case-folded NFC form and the mark-free form.
 * and a composition table (base, modifier, tone) -> lower-case UTF-8.
 *
 * Usage: gen_viet_tables OUT.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "text/text_internal.h"

static const UChar32 MOD_MARK[TX_MOD_COUNT] = {0, 0x0306, 0x0302, 0x031B, 0};
static const UChar32 TONE_MARK[TX_TONE_COUNT] = {0, 0x0300, 0x0301, 0x0309, 0x0303, 0x0323};

static void die(const char *what) {
  fprintf(stderr, "gen_viet_tables: %s\n", what);
  exit(1);
}

static int to_utf8(const UChar *u, int32_t ulen, char *out, size_t cap) {
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = 0;
  u_strToUTF8(out, (int32_t)cap, &n, u, ulen, &err);
  if (U_FAILURE(err) || (size_t)n >= cap) die("UTF-8 form too long");
  out[n] = '\0';
  return n;
}

/* Splits NFD(cp) into an ASCII base and Vietnamese modifier/tone. Returns 0
 * when cp is not (base letter + Vietnamese marks). */
static int viet_decompose(UChar32 cp, int *base, int *mod, int *tone) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
  UChar in[4], out[16];
  int32_t n = 0;
  U16_APPEND_UNSAFE(in, n, cp);
  int32_t m = unorm2_normalize(nfd, in, n, out, 16, &err);
  if (U_FAILURE(err) || m < 1) die("NFD failed");
  if (cp == 0x0111 || cp == 0x00F0) { /* đ, and ð read as đ */
    *base = 'd'; *mod = TX_MOD_STROKE; *tone = 0;
    return 1;
  }
  if (out[0] >= 0x80 || !((out[0] >= 'a' && out[0] <= 'z'))) return 0;
  *base = out[0]; *mod = 0; *tone = 0;
  for (int32_t i = 1; i < m; i++) {
    int found = 0;
    for (int k = 1; k < TX_MOD_COUNT && !found; k++)
      if (MOD_MARK[k] == out[i] && *mod == 0) { *mod = k; found = 1; }
    for (int k = 1; k < TX_TONE_COUNT && !found; k++)
      if (TONE_MARK[k] == out[i] && *tone == 0) { *tone = k; found = 1; }
    if (!found) return 0;
  }
  return 1;
}

/* NFC composition of base + marks, or 0 when it is not one code point. */
static UChar32 compose(int base, int mod, int tone) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
  UChar in[4], out[8];
  int32_t n = 0;
  if (mod == TX_MOD_STROKE) return (base == 'd' && tone == 0) ? 0x0111 : 0;
  in[n++] = (UChar)base;
  if (mod) in[n++] = (UChar)MOD_MARK[mod];
  if (tone) in[n++] = (UChar)TONE_MARK[tone];
  int32_t m = unorm2_normalize(nfc, in, n, out, 8, &err);
  if (U_FAILURE(err)) die("NFC failed");
  if (m != 1) return 0;
  /* Keep only the letters Vietnamese uses: i and y take no modifier, ă/â
   * only on a, ê only on e, ô/ơ only on o, ư only on u. */
  static const char *const OK[TX_MOD_COUNT] = {"aeiouy", "a", "aeo", "ou", ""};
  if (!strchr(OK[mod], base)) return 0;
  return out[0];
}

static void emit_entry(FILE *f, UChar32 cp) {
  int cls = tx_classify(cp);
  int base = 0, mod = 0, tone = 0, upper = 0;
  char exact[TX_SMALL_FORM] = "", folded[TX_SMALL_FORM] = "";
  if (cls == TX_CL_LETTER) {
    UChar32 low = u_foldCase(cp, U_FOLD_CASE_DEFAULT);
    if (cp == 0x00D0) low = 0x00F0;
    upper = (low != cp);
    if (viet_decompose(low, &base, &mod, &tone) &&
        ((mod == 0 && tone == 0) || mod == TX_MOD_STROKE || compose(base, mod, tone))) {
      cls = TX_CL_VIET;
    } else {
      UErrorCode err = U_ZERO_ERROR;
      const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
      UChar in[4], dec[16], keep[16];
      int32_t n = 0, k = 0;
      U16_APPEND_UNSAFE(in, n, low);
      to_utf8(in, n, exact, sizeof exact);
      int32_t m = unorm2_normalize(nfd, in, n, dec, 16, &err);
      if (U_FAILURE(err)) die("NFD failed");
      /* Fold case again once the marks are gone: "İ" (U+0130) has no simple
       * case folding, so it stayed upper case until its dot was dropped. */
      for (int32_t i = 0; i < m; i++)
        if (u_charType(dec[i]) != U_NON_SPACING_MARK)
          keep[k++] = (UChar)u_foldCase(dec[i], U_FOLD_CASE_DEFAULT);
      UChar comp[16];
      const UNormalizer2 *nfc = unorm2_getNFCInstance(&err);
      int32_t c = unorm2_normalize(nfc, keep, k, comp, 16, &err);
      if (U_FAILURE(err)) die("NFC failed");
      to_utf8(comp, c, folded, sizeof folded);
      base = mod = tone = 0;
    }
  } else if (cls == TX_CL_DIGIT) {
    base = (int)cp;
  }
  fprintf(f, "  {%d, %d, %d, %d, %d, \"", cls, base, mod, tone, upper);
  for (const char *p = exact; *p; p++) fprintf(f, "\\x%02x", (unsigned char)*p);
  fprintf(f, "\", \"");
  for (const char *p = folded; *p; p++) fprintf(f, "\\x%02x", (unsigned char)*p);
  fprintf(f, "\"}, /* U+%04X */\n", (unsigned)cp);
}

static void emit_compose(FILE *f) {
  static const char BASES[] = TX_VIET_BASES;
  fprintf(f, "const char tx_compose[%d][TX_MOD_COUNT][TX_TONE_COUNT][4] = {\n",
          (int)(sizeof BASES - 1));
  for (size_t b = 0; b + 1 < sizeof BASES; b++) {
    fprintf(f, "  { /* %c */\n", BASES[b]);
    for (int mod = 0; mod < TX_MOD_COUNT; mod++) {
      fprintf(f, "    {");
      for (int tone = 0; tone < TX_TONE_COUNT; tone++) {
        UChar32 cp = compose(BASES[b], mod, tone);
        char u8[8] = "";
        if (cp) {
          UChar u[2];
          int32_t n = 0;
          U16_APPEND_UNSAFE(u, n, cp);
          to_utf8(u, n, u8, sizeof u8);
        }
        fprintf(f, "\"");
        for (const char *p = u8; *p; p++) fprintf(f, "\\x%02x", (unsigned char)*p);
        fprintf(f, "\"%s", tone + 1 < TX_TONE_COUNT ? ", " : "");
      }
      fprintf(f, "},\n");
    }
    fprintf(f, "  },\n");
  }
  fprintf(f, "};\n\nconst uint8_t tx_compose_len[%d][TX_MOD_COUNT][TX_TONE_COUNT] = {\n",
          (int)(sizeof BASES - 1));
  for (size_t b = 0; b + 1 < sizeof BASES; b++) {
    fprintf(f, "  {");
    for (int mod = 0; mod < TX_MOD_COUNT; mod++) {
      fprintf(f, "{");
      for (int tone = 0; tone < TX_TONE_COUNT; tone++) {
        UChar32 cp = compose(BASES[b], mod, tone);
        fprintf(f, "%d%s", cp ? U8_LENGTH(cp) : 0, tone + 1 < TX_TONE_COUNT ? ", " : "");
      }
      fprintf(f, "}%s", mod + 1 < TX_MOD_COUNT ? ", " : "");
    }
    fprintf(f, "},\n");
  }
  fprintf(f, "};\n");
}

int main(int argc, char **argv) {
  if (argc != 2) die("usage: gen_viet_tables OUT.c");
  FILE *f = fopen(argv[1], "w");
  if (!f) die("cannot open output");
  fprintf(f, "/* do not edit; generated by text/gen_viet_tables.c from ICU %s character data */\n",
          U_ICU_VERSION);
  fprintf(f, "#include \"text/text_internal.h\"\n\n");
  fprintf(f, "const tx_letter tx_latin[TX_LATIN_END] = {\n");
  for (UChar32 cp = 0; cp < TX_LATIN_END; cp++) emit_entry(f, cp);
  fprintf(f, "};\n\nconst tx_letter tx_latin_ext[TX_EXT_END - TX_EXT_BEGIN] = {\n");
  for (UChar32 cp = TX_EXT_BEGIN; cp < TX_EXT_END; cp++) emit_entry(f, cp);
  fprintf(f, "};\n\n");
  emit_compose(f);
  if (fclose(f) != 0) die("write failed");
  return 0;
}
