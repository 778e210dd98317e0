/* legalvocab.c: the legal vocabulary's tables and lookups (legalvocab.h).
 *
 * The names follow Nghị định 30/2020/NĐ-CP (Phụ lục III: the kinds of
 * administrative documents and their abbreviations) and the Law on
 * promulgating legal documents; the issuer codes are those printed in the
 * numbers of ministries, the Government and local bodies. */
#include "text/legalvocab.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "common/dynbuf.h"
#include "text/text.h"

/* Longest words first: a title starting "Thông tư liên tịch" is that, not a
 * "Thông tư". Codes are the canonical spellings of the kind codes. */
static const legal_doctype DOCTYPES[] = {
    {"Chương trình hành động", "chuong trinh hanh dong", "CTHĐ", 0},
    {"Thông tư liên tịch", "thong tu lien tich", "TTLT", 1},
    {"Nghị quyết liên tịch", "nghi quyet lien tich", "NQLT", 1},
    {"Quyết định liên tịch", "quyet dinh lien tich", "QĐLT", 1},
    {"Nghị định liên tịch", "nghi dinh lien tich", "NĐLT", 1},
    {"Hướng dẫn liên tịch", "huong dan lien tich", "HDLT", 1},
    {"Văn bản hợp nhất", "van ban hop nhat", "VBHN", 1},
    {"Nghị định", "nghi dinh", "NĐ", 1},
    {"Nghị quyết", "nghi quyet", "NQ", 1},
    {"Quyết định", "quyet dinh", "QĐ", 1},
    {"Thông tư", "thong tu", "TT", 1},
    {"Thông báo", "thong bao", "TB", 1},
    {"Thông cáo", "thong cao", NULL, 1},
    {"Chỉ thị", "chi thi", "CT", 1},
    {"Công văn", "cong van", "CV", 1},
    {"Công điện", "cong dien", "CĐ", 1},
    {"Kế hoạch", "ke hoach", "KH", 1},
    {"Báo cáo", "bao cao", "BC", 1},
    {"Tờ trình", "to trinh", "TTr", 1},
    {"Hướng dẫn", "huong dan", "HD", 0},
    {"Kết luận", "ket luan", "KL", 0},
    {"Pháp lệnh", "phap lenh", "PL", 1},
    {"Hiến pháp", "hien phap", NULL, 1},
    {"Bộ luật", "bo luat", NULL, 1},
    {"Luật", "luat", NULL, 1},
    {"Lệnh", "lenh", "L", 0},
    {"Quy định", "quy dinh", NULL, 0},
    {"Quy chế", "quy che", "QC", 0},
    {"Chương trình", "chuong trinh", "CTr", 0},
    {"Giấy mời", "giay moi", "GM", 1},
    {"Giấy phép", "giay phep", "GP", 0},
    {"Biên bản", "bien ban", "BB", 0},
    {"Đề án", "de an", "ĐA", 0},
};
#define N_DOCTYPES (sizeof DOCTYPES / sizeof DOCTYPES[0])

static const legal_issuer_code ISSUERS[] = {
    {"CP", "Chính phủ", 0, 0},
    {"TTg", "Thủ tướng Chính phủ", 0, 1},
    {"QH", "Quốc hội", 0, 0},
    {"UBTVQH", "Ủy ban Thường vụ Quốc hội", 0, 0},
    {"VPQH", "Văn phòng Quốc hội", 0, 0},
    {"CTN", "Chủ tịch nước", 0, 0},
    {"VPCP", "Văn phòng Chính phủ", 0, 0},
    {"TTCP", "Thanh tra Chính phủ", 0, 0},
    {"TTra", "Thanh tra", 0, 0},
    {"NHNN", "Ngân hàng Nhà nước Việt Nam", 0, 0},
    {"KTNN", "Kiểm toán nhà nước", 0, 0},
    {"TANDTC", "Tòa án nhân dân tối cao", 0, 0},
    {"VKSNDTC", "Viện kiểm sát nhân dân tối cao", 0, 0},
    {"BHXH", "Bảo hiểm xã hội Việt Nam", 0, 0},
    {"BCA", "Bộ Công an", 0, 0},
    {"BQP", "Bộ Quốc phòng", 0, 0},
    {"BNG", "Bộ Ngoại giao", 0, 0},
    {"BNV", "Bộ Nội vụ", 0, 0},
    {"BTP", "Bộ Tư pháp", 0, 0},
    {"BTC", "Bộ Tài chính", 0, 0},
    {"BCT", "Bộ Công Thương", 0, 0},
    {"BXD", "Bộ Xây dựng", 0, 0},
    {"BYT", "Bộ Y tế", 0, 0},
    {"BTTTT", "Bộ Thông tin và Truyền thông", 0, 0},
    {"BKHCN", "Bộ Khoa học và Công nghệ", 0, 0},
    {"BKHĐT", "Bộ Kế hoạch và Đầu tư", 0, 0},
    {"BGDĐT", "Bộ Giáo dục và Đào tạo", 0, 0},
    {"BGTVT", "Bộ Giao thông vận tải", 0, 0},
    {"BTNMT", "Bộ Tài nguyên và Môi trường", 0, 0},
    {"BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn", 0, 0},
    {"BNNMT", "Bộ Nông nghiệp và Môi trường", 0, 0},
    {"BLĐTBXH", "Bộ Lao động - Thương binh và Xã hội", 0, 0},
    {"BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", 0, 0},
    {"BDTTG", "Ban Dân tộc", 0, 0},
    {"UBDT", "Ủy ban Dân tộc", 0, 0},
    {"BBCVT", "Bộ Bưu chính, Viễn thông", 0, 0},
    {"UBND", "Ủy ban nhân dân", 1, 0},
    {"HĐND", "Hội đồng nhân dân", 1, 0},
    {"UBMTTQ", "Ủy ban Mặt trận Tổ quốc", 1, 0},
    {"HĐBC", "Hội đồng bầu cử", 1, 1},
    {"BCĐ", "Ban Chỉ đạo", 1, 0},
    {"CAT", "Công an tỉnh", 1, 0},
    {"STTTT", "Sở Thông tin và Truyền thông", 1, 0},
    {"SNV", "Sở Nội vụ", 1, 0},
    {"STP", "Sở Tư pháp", 1, 0},
    {"STC", "Sở Tài chính", 1, 0},
    {"SYT", "Sở Y tế", 1, 0},
    {"SXD", "Sở Xây dựng", 1, 0},
    {"SCT", "Sở Công Thương", 1, 0},
    {"SGDĐT", "Sở Giáo dục và Đào tạo", 1, 0},
    {"SKHĐT", "Sở Kế hoạch và Đầu tư", 1, 0},
    {"SKHCN", "Sở Khoa học và Công nghệ", 1, 0},
    {"STNMT", "Sở Tài nguyên và Môi trường", 1, 0},
    {"SGTVT", "Sở Giao thông vận tải", 1, 0},
    {"SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", 1, 0},
    {"SLĐTBXH", "Sở Lao động - Thương binh và Xã hội", 1, 0},
    {"SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", 1, 0},
};
#define N_ISSUERS (sizeof ISSUERS / sizeof ISSUERS[0])

/* Words that open a body's name, folded, longest first. */
static const char *const ISSUER_STARTS[] = {
    "bao hiem xa hoi", "tong lien doan", "vien kiem sat", "chu tich nuoc", "uy ban",
    "chinh phu", "thu tuong", "quoc hoi", "ngan hang", "hoi dong", "van phong", "toa an",
    "kiem toan", "tong cuc", "mat tran", "kho bac", "thanh tra", "dang uy", "hoc vien",
    "dai hoc", "bo", "so", "phong", "ban", "cuc", "doan", "truong", "ubnd", "hdnd", "ubmttq",
    NULL};

const char *const *legal_issuer_starts(void) { return ISSUER_STARTS; }

/* Abbreviated words of issuers' names, folded. */
static const struct {
  const char *abbr, *full;
} ISSUER_WORDS[] = {
    {"ubnd", "uy ban nhan dan"},   {"hdnd", "hoi dong nhan dan"},
    {"ubmttq", "uy ban mat tran to quoc"}, {"mttq", "mat tran to quoc"},
    {"tp", "thanh pho"},           {"tw", "trung uong"},
    {"vp", "van phong"},           {"bch", "ban chap hanh"},
};

/* ------------------------------------------------------------------ */
/* Folding                                                              */
/* ------------------------------------------------------------------ */

/* A code folded to lower-case ASCII: Đ, đ and Ð are d. 0 when it does not
 * fit or holds something else than letters and digits. */
static int fold_code(const char *s, char *out, size_t cap) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    char c;
    if ((p[0] == 0xC4 && (p[1] == 0x90 || p[1] == 0x91)) || (p[0] == 0xC3 && p[1] == 0x90)) {
      c = 'd';
      p++;
    } else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
      c = (char)*p;
    } else if (*p >= 'A' && *p <= 'Z') {
      c = (char)(*p - 'A' + 'a');
    } else {
      return 0;
    }
    if (n + 1 >= cap) return 0;
    out[n++] = c;
  }
  out[n] = '\0';
  return n > 0;
}

/* s folded (text_normalize), white space runs as one space, trimmed; NULL
 * when out of memory or empty. */
static char *fold_words(const char *s, size_t n) {
  char *f = NULL;
  if (text_normalize(s, n, 1, &f, NULL) != TEXT_OK) return NULL;
  size_t w = 0;
  int space = 0;
  for (size_t i = 0; f[i]; i++) {
    char c = f[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = w > 0;
      continue;
    }
    if (space) f[w++] = ' ';
    space = 0;
    f[w++] = c;
  }
  f[w] = '\0';
  if (!w) free(f), f = NULL;
  return f;
}

/* ------------------------------------------------------------------ */
/* Types                                                                */
/* ------------------------------------------------------------------ */

const legal_doctype *legal_doctypes(size_t *n) {
  *n = N_DOCTYPES;
  return DOCTYPES;
}

const legal_doctype *legal_doctype_by_words(const char *words, size_t n) {
  for (size_t i = 0; i < N_DOCTYPES; i++)
    if (strlen(DOCTYPES[i].words) == n && memcmp(DOCTYPES[i].words, words, n) == 0) return &DOCTYPES[i];
  return NULL;
}

const legal_doctype *legal_doctype_by_code(const char *code) {
  char want[16], have[16];
  if (!fold_code(code, want, sizeof want)) return NULL;
  for (size_t i = 0; i < N_DOCTYPES; i++)
    if (DOCTYPES[i].code && fold_code(DOCTYPES[i].code, have, sizeof have) && strcmp(want, have) == 0)
      return &DOCTYPES[i];
  return NULL;
}

const char *legal_type_name(const char *s, size_t n) {
  char *f = fold_words(s, n);
  if (!f) return NULL;
  const legal_doctype *t = legal_doctype_by_words(f, strlen(f));
  if (!t) t = legal_doctype_by_code(f);
  free(f);
  return t ? t->name : NULL;
}

/* ------------------------------------------------------------------ */
/* Issuers                                                              */
/* ------------------------------------------------------------------ */

const legal_issuer_code *legal_issuer_codes(size_t *n) {
  *n = N_ISSUERS;
  return ISSUERS;
}

const legal_issuer_code *legal_issuer_by_code(const char *code) {
  char want[24], have[24];
  if (!fold_code(code, want, sizeof want)) return NULL;
  for (size_t i = 0; i < N_ISSUERS; i++)
    if (fold_code(ISSUERS[i].code, have, sizeof have) && strcmp(want, have) == 0) return &ISSUERS[i];
  return NULL;
}

const char *legal_issuer_word(const char *folded) {
  for (size_t i = 0; i < sizeof ISSUER_WORDS / sizeof ISSUER_WORDS[0]; i++)
    if (strcmp(folded, ISSUER_WORDS[i].abbr) == 0) return ISSUER_WORDS[i].full;
  return NULL;
}

/* ------------------------------------------------------------------ */
/* An issuer as shown                                                   */
/* ------------------------------------------------------------------ */

#define DISPLAY_MAX 1024
#define MAX_WORDS 48

/* Words of rank that stand before a place's name, written in lower case. */
static const char *const RANKS[] = {"tinh", "thanh pho", "quan", "huyen", "thi xa", "xa",
                                    "phuong", "thi tran", NULL};

/* Names written as a whole word group, and how ("Ủy ban nhân dân" -> "UBND"). */
static const struct {
  const char *words, *shown;
} SHORT_NAMES[] = {{"uy ban nhan dan", "UBND"}, {"hoi dong nhan dan", "HĐND"}};

typedef struct {
  const char *s[MAX_WORDS]; /* the word as written */
  size_t n[MAX_WORDS];
  const char *f[MAX_WORDS]; /* folded, NUL-terminated inside the fold buffer */
  size_t count;
} word_list;

/* Splits the written text and its fold (same spaces) into aligned words. */
static int split_words(const char *s, size_t len, char *fold, word_list *w) {
  w->count = 0;
  size_t i = 0;
  char *fp = fold;
  while (i < len && w->count < MAX_WORDS) {
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    if (i == len) break;
    size_t start = i;
    while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') i++;
    if (!fp || !*fp) return 0;
    char *fe = strchr(fp, ' ');
    w->s[w->count] = s + start;
    w->n[w->count] = i - start;
    w->f[w->count] = fp;
    w->count++;
    if (fe) *fe = '\0', fp = fe + 1;
    else fp = NULL;
  }
  return w->count > 0 && (!fp || !*fp); /* the two agree word for word */
}

/* How many words from `at` the folded phrase covers (0 if it does not). */
static size_t phrase_at(const word_list *w, size_t at, const char *phrase) {
  size_t k = at;
  while (*phrase) {
    const char *sp = strchr(phrase, ' ');
    size_t len = sp ? (size_t)(sp - phrase) : strlen(phrase);
    if (k >= w->count || strlen(w->f[k]) != len || memcmp(w->f[k], phrase, len) != 0) return 0;
    k++;
    phrase += len + (sp != NULL);
  }
  return k - at;
}

/* Appends one word in lower case, or with its first letter in upper case. */
static void add_cased(dynbuf *out, const char *s, size_t n, int title) {
  char *low = NULL;
  size_t ln = 0;
  if (text_normalize(s, n, 0, &low, &ln) != TEXT_OK) {
    dynbuf_append(out, s, n);
    return;
  }
  int32_t i = 0; /* ICU's index type: U8_NEXT compares it with the length */
  if (title && ln > 0 && ln <= INT32_MAX) {
    UChar32 c;
    U8_NEXT((const uint8_t *)low, i, (int32_t)ln, c);
    if (c < 0) i = 0;
    else {
      char up[4];
      int32_t k = 0;
      UBool err = 0;
      U8_APPEND((uint8_t *)up, k, 4, u_toupper(c), err);
      if (err) i = 0;
      else dynbuf_append(out, up, (size_t)k);
    }
  }
  dynbuf_append(out, low + i, ln - (size_t)i);
  free(low);
}

static int all_capitals(const char *s, size_t n) {
  int letters = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'a' && c <= 'z') return 0;
    letters += (c >= 'A' && c <= 'Z') || c >= 0x80;
  }
  return letters > 0;
}

/* A known body's name at `at` (the issuer table's names): its length in
 * words, and its spelling in *shown. */
static size_t known_name_at(const word_list *w, size_t at, const char **shown) {
  size_t best = 0;
  for (size_t i = 0; i < N_ISSUERS; i++) {
    char *f = fold_words(ISSUERS[i].name, strlen(ISSUERS[i].name));
    size_t k = f ? phrase_at(w, at, f) : 0;
    free(f);
    if (k > best) best = k, *shown = ISSUERS[i].name;
  }
  return best;
}

char *legal_issuer_display(const char *s, size_t n) {
  char *fold = fold_words(s, n);
  if (!fold) return NULL;
  word_list w;
  dynbuf out;
  dynbuf_init(&out, DISPLAY_MAX);
  if (!split_words(s, n, fold, &w)) { /* odd text (too many words): as written */
    free(fold);
    dynbuf_append(&out, s, n);
    return dynbuf_take(&out);
  }
  int caps = all_capitals(s, n);
  size_t i = 0;
  int after_rank = 0;
  while (i < w.count) {
    const char *shown = NULL;
    size_t k = 0;
    for (size_t j = 0; j < sizeof SHORT_NAMES / sizeof SHORT_NAMES[0] && !k; j++)
      if ((k = phrase_at(&w, i, SHORT_NAMES[j].words))) shown = SHORT_NAMES[j].shown;
    if (!k && caps) k = known_name_at(&w, i, &shown);
    if (out.len) dynbuf_append_byte(&out, ' ');
    if (k) {
      dynbuf_append_str(&out, shown);
      i += k;
      after_rank = 0;
      continue;
    }
    size_t r = 0;
    for (size_t j = 0; RANKS[j] && !r; j++) r = phrase_at(&w, i, RANKS[j]);
    if (!caps) {
      dynbuf_append(&out, w.s[i], w.n[i]);
    } else if (r) {
      add_cased(&out, w.s[i], w.n[i], i == 0);
      for (size_t j = 1; j < r; j++) {
        dynbuf_append_byte(&out, ' ');
        add_cased(&out, w.s[i + j], w.n[i + j], 0);
      }
      i += r - 1;
      after_rank = 1;
    } else { /* the first word and a place's name are capitalized */
      add_cased(&out, w.s[i], w.n[i], i == 0 || after_rank);
    }
    i++;
  }
  free(fold);
  if (dynbuf_status(&out) == DYNBUF_NOMEM) {
    dynbuf_free(&out);
    return NULL;
  }
  return dynbuf_take(&out);
}
