/* vni.c: VNI-Windows bytes -> UTF-8. No converter exists for VNI (neither
 * ICU nor iconv), so here is ours.
 *
 * VNI writes a Vietnamese letter as an ASCII base letter followed by one
 * byte carrying its marks ("Vieät" = Việt: e + 0xE4 circumflex+dot below);
 * ơ, ư, đ and the toned i have bytes of their own (0xF4, 0xF6, 0xF1, 0xEC...).
 * The mark bytes come in a lower-case set (after a lower-case vowel) and an
 * upper-case set; both are accepted after either. Any other byte >= 0x80 is
 * read as windows-1252. */
#include <stdlib.h>

#include <unicode/uchar.h>

#include "common/dynbuf.h"
#include "text/text_internal.h"

typedef struct {
  unsigned char byte;
  uint8_t mod, tone;
} vni_mark;

static const vni_mark MARKS[] = {
  /* lower-case set */
  {0xF9, 0, TX_TONE_ACUTE}, {0xF8, 0, TX_TONE_GRAVE}, {0xFB, 0, TX_TONE_HOOK},
  {0xF5, 0, TX_TONE_TILDE}, {0xEF, 0, TX_TONE_DOT},
  {0xE2, TX_MOD_CIRCUMFLEX, 0}, {0xE1, TX_MOD_CIRCUMFLEX, TX_TONE_ACUTE},
  {0xE0, TX_MOD_CIRCUMFLEX, TX_TONE_GRAVE}, {0xE5, TX_MOD_CIRCUMFLEX, TX_TONE_HOOK},
  {0xE3, TX_MOD_CIRCUMFLEX, TX_TONE_TILDE}, {0xE4, TX_MOD_CIRCUMFLEX, TX_TONE_DOT},
  {0xEA, TX_MOD_BREVE, 0}, {0xE9, TX_MOD_BREVE, TX_TONE_ACUTE}, {0xE8, TX_MOD_BREVE, TX_TONE_GRAVE},
  {0xFA, TX_MOD_BREVE, TX_TONE_HOOK}, {0xFC, TX_MOD_BREVE, TX_TONE_TILDE},
  {0xEB, TX_MOD_BREVE, TX_TONE_DOT},
  /* upper-case set */
  {0xD9, 0, TX_TONE_ACUTE}, {0xD8, 0, TX_TONE_GRAVE}, {0xDB, 0, TX_TONE_HOOK},
  {0xD5, 0, TX_TONE_TILDE}, {0xCF, 0, TX_TONE_DOT},
  {0xC2, TX_MOD_CIRCUMFLEX, 0}, {0xC1, TX_MOD_CIRCUMFLEX, TX_TONE_ACUTE},
  {0xC0, TX_MOD_CIRCUMFLEX, TX_TONE_GRAVE}, {0xC5, TX_MOD_CIRCUMFLEX, TX_TONE_HOOK},
  {0xC3, TX_MOD_CIRCUMFLEX, TX_TONE_TILDE}, {0xC4, TX_MOD_CIRCUMFLEX, TX_TONE_DOT},
  {0xCA, TX_MOD_BREVE, 0}, {0xC9, TX_MOD_BREVE, TX_TONE_ACUTE}, {0xC8, TX_MOD_BREVE, TX_TONE_GRAVE},
  {0xDA, TX_MOD_BREVE, TX_TONE_HOOK}, {0xDC, TX_MOD_BREVE, TX_TONE_TILDE},
  {0xCB, TX_MOD_BREVE, TX_TONE_DOT},
};

typedef struct {
  unsigned char byte;
  char base;      /* lower-case base */
  uint8_t mod, tone, upper;
} vni_letter;

/* Letters with a byte of their own. */
static const vni_letter LETTERS[] = {
  {0xF4, 'o', TX_MOD_HORN, 0, 0}, {0xD4, 'o', TX_MOD_HORN, 0, 1},
  {0xF6, 'u', TX_MOD_HORN, 0, 0}, {0xD6, 'u', TX_MOD_HORN, 0, 1},
  {0xF1, 'd', TX_MOD_STROKE, 0, 0}, {0xD1, 'd', TX_MOD_STROKE, 0, 1},
  {0xEC, 'i', 0, TX_TONE_GRAVE, 0}, {0xED, 'i', 0, TX_TONE_ACUTE, 0},
  {0xE6, 'i', 0, TX_TONE_HOOK, 0}, {0xF3, 'i', 0, TX_TONE_TILDE, 0},
  {0xF2, 'i', 0, TX_TONE_DOT, 0},
  {0xCC, 'i', 0, TX_TONE_GRAVE, 1}, {0xCD, 'i', 0, TX_TONE_ACUTE, 1},
  {0xC6, 'i', 0, TX_TONE_HOOK, 1}, {0xD3, 'i', 0, TX_TONE_TILDE, 1},
  {0xD2, 'i', 0, TX_TONE_DOT, 1},
};

static const vni_mark *find_mark(unsigned char b) {
  for (size_t i = 0; i < sizeof MARKS / sizeof MARKS[0]; i++)
    if (MARKS[i].byte == b) return &MARKS[i];
  return NULL;
}

/* The letter starting at s[0], or 0 when s[0] starts none. */
static int letter_at(unsigned char b, vni_letter *l) {
  if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')) {
    l->byte = b;
    l->base = (char)(b | 0x20);
    l->mod = 0;
    l->tone = 0;
    l->upper = b < 'a';
    return 1;
  }
  for (size_t i = 0; i < sizeof LETTERS / sizeof LETTERS[0]; i++)
    if (LETTERS[i].byte == b) {
      *l = LETTERS[i];
      return 1;
    }
  return 0;
}

static int combinable(const vni_letter *l, const vni_mark *m) {
  int bi = tx_base_index(l->base);
  if (bi < 0 || l->mod == TX_MOD_STROKE || l->tone || (m->mod && l->mod)) return 0;
  int mod = m->mod ? m->mod : l->mod;
  return tx_compose[bi][mod][m->tone][0] != '\0';
}

static void put_cp(dynbuf *out, int32_t cp) {
  char u8[4];
  dynbuf_append(out, u8, tx_utf8_encode(cp, u8));
}

static void put_letter(dynbuf *out, const vni_letter *l) {
  int bi = tx_base_index(l->base);
  int32_t cp = (unsigned char)l->base;
  if (bi >= 0 && (l->mod || l->tone)) {
    size_t adv;
    const char *form = tx_compose[bi][l->mod][l->tone];
    cp = tx_utf8_decode((const unsigned char *)form, 4, &adv);
  }
  put_cp(out, l->upper ? u_toupper(cp) : cp);
}

char *tx_decode_vni(const char *s, size_t len, size_t *out_len) {
  const unsigned char *u = (const unsigned char *)s;
  dynbuf out;
  dynbuf_init(&out, len * 3 + 1);
  for (size_t i = 0; i < len; i++) {
    vni_letter l;
    if (!letter_at(u[i], &l)) {
      put_cp(&out, u[i] < 0x80 ? u[i] : tx_cp1252(u[i]));
      continue;
    }
    const vni_mark *m = i + 1 < len ? find_mark(u[i + 1]) : NULL;
    if (m && combinable(&l, m)) {
      if (m->mod) l.mod = m->mod;
      l.tone = m->tone;
      i++;
    }
    put_letter(&out, &l);
  }
  *out_len = out.len;
  if (dynbuf_status(&out) != DYNBUF_OK) {
    dynbuf_free(&out);
    return NULL;
  }
  return dynbuf_take(&out);
}
