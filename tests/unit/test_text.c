/* test_text: the Vietnamese text pipeline, as a specification.
 *
 * Tables of input -> expected tokens / references / dates, then the hostile
 * inputs (10 MB word, NUL, invalid UTF-8, lone marks), the legacy encodings
 * built here from UTF-8 with ICU, iconv or by hand (VNI), and checks over the
 * shared real data, with ICU's slow paths as oracles. Without ../shared the
 * real-data checks are skipped with a message. */
#define _GNU_SOURCE 1
#include <dirent.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/utf8.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "tests/unit/check.h"
#include "text/text.h"

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
  char joined[8192]; /* "exact:folded exact ..." (":folded" only when it differs) */
  size_t n;
  text_token first, last;
  size_t max_len;
  size_t covered_end; /* end of the last token, to check offsets are increasing */
  int offsets_ok;
  char kinds[256];
} tokens;

static int collect(void *ctx, const text_token *t) {
  tokens *ts = ctx;
  size_t used = strlen(ts->joined);
  if (used + t->exact_len + t->folded_len + 3 < sizeof ts->joined) {
    if (used) ts->joined[used++] = ' ';
    memcpy(ts->joined + used, t->exact, t->exact_len);
    used += t->exact_len;
    if (t->folded_len != t->exact_len || memcmp(t->exact, t->folded, t->exact_len) != 0) {
      ts->joined[used++] = ':';
      memcpy(ts->joined + used, t->folded, t->folded_len);
      used += t->folded_len;
    }
    ts->joined[used] = '\0';
  }
  if (ts->n < sizeof ts->kinds - 1) ts->kinds[ts->n] = (char)('0' + t->kind);
  if (ts->n == 0) ts->first = *t;
  ts->last = *t;
  if (t->exact_len > ts->max_len) ts->max_len = t->exact_len;
  if (t->pos != ts->n || t->start < ts->covered_end || t->end <= t->start ||
      strlen(t->exact) != t->exact_len || strlen(t->folded) != t->folded_len)
    ts->offsets_ok = 0;
  ts->covered_end = t->end;
  ts->n++;
  return 0;
}

static tokens *tokenize(const char *s, size_t len) {
  static tokens ts;
  memset(&ts, 0, sizeof ts);
  ts.offsets_ok = 1;
  text_status st = text_tokenize(s, len, collect, &ts);
  CHECK_INT(st, TEXT_OK);
  CHECK(ts.offsets_ok);
  return &ts;
}

static const char *toks(const char *s) { return tokenize(s, strlen(s))->joined; }

/* ICU normalization of a UTF-8 string into a malloc'ed UTF-8 string. */
static char *icu_norm(const char *s, size_t len, int nfd, size_t *out_len) {
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *n = nfd ? unorm2_getNFDInstance(&err) : unorm2_getNFCInstance(&err);
  int32_t ul = 0;
  UChar *u = malloc(sizeof(UChar) * (len + 1));
  UChar *o = malloc(sizeof(UChar) * (len * 3 + 1));
  char *r = malloc(len * 3 + 1);
  u_strFromUTF8WithSub(u, (int32_t)len + 1, &ul, s, (int32_t)len, 0xFFFD, NULL, &err);
  int32_t ol = unorm2_normalize(n, u, ul, o, (int32_t)(len * 3 + 1), &err);
  int32_t rl = 0;
  u_strToUTF8(r, (int32_t)(len * 3 + 1), &rl, o, ol, &err);
  free(u);
  free(o);
  if (U_FAILURE(err)) {
    free(r);
    return NULL;
  }
  if (out_len) *out_len = (size_t)rl;
  return r;
}

static char *norm(const char *s, int fold) {
  char *out = NULL;
  CHECK_INT(text_normalize(s, strlen(s), fold, &out, NULL), TEXT_OK);
  return out;
}

/* ------------------------------------------------------------------ */
/* 1-3: normalization and tokens                                        */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *in;
  const char *expect;
} tok_case;

static const tok_case TOKEN_CASES[] = {
  /* 1 plain NFC Vietnamese, two forms */
  {"Quyết định", "quyết:quyet định:dinh"},
  {"ỦY BAN NHÂN DÂN", "ủy:uy ban nhân:nhan dân:dan"},
  /* 2 NFD input gives the same tokens */
  {"Quye\xcc\x82\xcc\x81t \xc4\x91i\xcc\xa3nh", "quyết:quyet định:dinh"},
  {"Vie\xcc\xa3\xcc\x82t", "việt:viet"}, /* marks in the other order */
  /* 3 đ, Đ and Ð (U+00D0) and ð (U+00F0) are all đ */
  {"Đà Nẵng đà \xc3\x90\xc3\xa0 \xc3\xb0\xc3\xa0", "đà:da nẵng:nang đà:da đà:da đà:da"},
  /* 3b look-alikes of other scripts are the letters they stand for: Cyrillic
   * С, Р, о in a real vbpl.vn number, U+01A3 (ƣ) for ư from PDF extraction */
  {"\xd0\xa1\xd0\xa0 h\xc6\xa3\xe1\xbb\x9bng c\xd0\xbeng", "cp hướng:huong cong"},
  /* 4 invisible characters are removed and do not split */
  {"Quy\xe2\x80\x8b\xe1\xba\xbft", "quyết:quyet"},           /* ZWSP */
  {"\xef\xbb\xbfQuyết", "quyết:quyet"},                      /* BOM */
  {"Quy\xc2\xad\xe1\xba\xbft", "quyết:quyet"},               /* soft hyphen */
  {"ab\xe2\x80\x8c" "cd\xe2\x80\x8d" "ef\xe2\x81\xa0gh", "abcdefgh"}, /* ZWNJ ZWJ WJ */
  /* 5 tone placement: traditional form (hòa, thúy, khỏe) is canonical */
  {"hoà hòa", "hòa:hoa hòa:hoa"},
  {"thuý thúy", "thúy:thuy thúy:thuy"},
  {"hoá hóa", "hóa:hoa hóa:hoa"},
  {"khoẻ khỏe", "khỏe:khoe khỏe:khoe"},
  {"HUỶ Lũy luỹ", "hủy:huy lũy:luy lũy:luy"},
  {"hoàn quý giá thuyết hoài", "hoàn:hoan quý:quy giá:gia thuyết:thuyet hoài:hoai"},
  /* 6 numbers, dates, times, references are single tokens */
  {"1.000.000 đồng", "1.000.000 đồng:dong"},
  {"3,5 tỷ", "3,5 tỷ:ty"},
  {"2020-2025", "2020 2025"},
  {"ngày 03/07/2021 lúc 10:38", "ngày:ngay 03/07/2021 lúc:luc 10:38"},
  {"21-6-2021 21.6.2021 2021-07-03", "21-6-2021 21.6.2021 2021-07-03"},
  {"21\xe2\x80\x93" "6\xe2\x80\x93" "2021", "21-6-2021"}, /* en dashes */
  {"Quyết định 2696/QĐ-UBND", "quyết:quyet định:dinh 2696/qđ-ubnd:2696/qd-ubnd"},
  {"32/2021/NĐ-CP", "32/2021/nđ-cp:32/2021/nd-cp"},
  {"2403/Q\xc3\x90-UBND", "2403/qđ-ubnd:2403/qd-ubnd"},
  {"32/2021/nd-cp", "32/2021/nđ-cp:32/2021/nd-cp"},
  {"1732 /QĐ-UBND", "1732/qđ-ubnd:1732/qd-ubnd"},
  {"109/UBND \xe2\x80\x93 VX", "109/ubnd-vx"},
  /* 7 splits */
  {"HĐND&UBND", "hđnd:hdnd ubnd"},
  {"e-mail, tp.HCM", "e mail tp hcm"},
  {"1/2", "1 2"},
  /* 8 other scripts and letters go through ICU */
  {"Ärger café", "ärger:arger café:cafe"},
  {"ΑΘΗΝΑ", "αθηνα"},
  {"한국어 Ángström", "한국어 ángström:angstrom"}, /* Hangul stays composed in both forms */
  {"", ""},
};

static void test_token_table(void) {
  for (size_t i = 0; i < sizeof TOKEN_CASES / sizeof TOKEN_CASES[0]; i++) {
    const char *got = toks(TOKEN_CASES[i].in);
    if (strcmp(got, TOKEN_CASES[i].expect) != 0)
      fprintf(stderr, "token case %zu: \"%s\"\n", i, TOKEN_CASES[i].in);
    CHECK_STR(got, TOKEN_CASES[i].expect);
  }
}

static void test_kinds(void) {
  tokens *t = tokenize("Số: 215/TB-UBND ngày 03/07/2021 10:38 có 1.000 người",
                       strlen("Số: 215/TB-UBND ngày 03/07/2021 10:38 có 1.000 người"));
  CHECK_STR(t->kinds, "03022010");
}

/* Offsets point into the original input, whatever its form. */
static void test_offsets(void) {
  const char *nfd = "Quye\xcc\x82\xcc\x81t \xef\xbb\xbf\xc4\x91i\xcc\xa3nh";
  tokens *t = tokenize(nfd, strlen(nfd));
  CHECK_INT(t->n, 2);
  CHECK_INT(t->first.start, 0);
  CHECK_INT(t->first.end, 9);  /* Q u y e ◌̂ ◌́ t = 5 + 2 + 2 */
  CHECK_INT(t->last.start, 13); /* after the BOM: the BOM is skipped, not a token */
  CHECK_INT(t->last.end, strlen(nfd));
  const char *zw = "ab\xe2\x80\x8b" "cd x";
  t = tokenize(zw, strlen(zw));
  CHECK_INT(t->first.start, 0);
  CHECK_INT(t->first.end, 7);
  const char *ref = "theo 1732 /QĐ-UBND.";
  t = tokenize(ref, strlen(ref));
  CHECK_INT(t->last.start, 5);
  CHECK_INT(t->last.end, strlen(ref) - 1);
}

static void test_normalize(void) {
  char *s = norm("Ủy ban Nhân dân HOÀ BÌNH\xe2\x80\x8b, Ðà", 0);
  CHECK_STR(s, "ủy ban nhân dân hòa bình, đà");
  free(s);
  s = norm("Ủy ban Nhân dân HOÀ BÌNH, Ðà", 1);
  CHECK_STR(s, "uy ban nhan dan hoa binh, da");
  free(s);
  s = norm("a\xffz\xc3", 0); /* invalid bytes: U+FFFD each, nothing lost */
  CHECK_STR(s, "a\xef\xbf\xbdz\xef\xbf\xbd");
  free(s);
  char *out = NULL;
  size_t n = 0;
  CHECK_INT(text_normalize("a\0b", 3, 0, &out, &n), TEXT_OK);
  CHECK_STR(out, "a b"); /* NUL is a separator */
  CHECK_INT(n, 3);
  free(out);
}

/* ------------------------------------------------------------------ */
/* hostile input                                                        */
/* ------------------------------------------------------------------ */

static void test_hostile(void) {
  /* invalid UTF-8 splits, never truncates */
  CHECK_STR(toks("ab\xff" "cd \xe1\xbb tiếp"), "ab cd tiếp:tiep");
  CHECK_STR(toks("\xc0\xaf \xed\xa0\x80 ok"), "ok"); /* overlong, surrogate */
  /* NUL bytes are separators */
  tokens *t = tokenize("abc\0def\0", 8);
  CHECK_STR(t->joined, "abc def");
  /* lone combining marks are removed */
  CHECK_STR(toks("\xcc\x81" "abc \xcc\x81\xcc\x81 d"), "abc d");
  CHECK_STR(toks("5\xcc\x81 ."), "5");
  /* 10 MB single word: cut into TEXT_MAX_TOKEN pieces, none dropped */
  size_t big = 10u * 1024 * 1024;
  char *w = malloc(big);
  CHECK(w != NULL);
  if (!w) return;
  memset(w, 'a', big);
  t = tokenize(w, big);
  CHECK_INT(t->n, (big + TEXT_MAX_TOKEN - 1) / TEXT_MAX_TOKEN);
  CHECK_INT(t->max_len, TEXT_MAX_TOKEN);
  CHECK_INT(t->last.end, big);
  /* 10 MB of Vietnamese in NFD, no spaces: same cut, offsets still increasing */
  for (size_t i = 0; i + 4 <= big; i += 4) memcpy(w + i, "e\xcc\x82\x00", 4);
  for (size_t i = 3; i < big; i += 4) w[i] = 'x';
  t = tokenize(w, big);
  CHECK(t->max_len <= TEXT_MAX_TOKEN);
  CHECK_INT(t->last.end, big);
  /* 10 MB of combining marks */
  for (size_t i = 0; i + 2 <= big; i += 2) memcpy(w + i, "\xcc\x81", 2);
  t = tokenize(w, big);
  CHECK_INT(t->n, 0);
  free(w);
  /* too big */
  CHECK_INT(text_tokenize("", (size_t)TEXT_MAX_INPUT + 1, collect, NULL), TEXT_TOO_BIG);
}

static int stop_at_two(void *ctx, const text_token *t) {
  (void)t;
  return ++*(int *)ctx == 2;
}

static void test_stop(void) {
  int n = 0;
  CHECK_INT(text_tokenize("a b c d", 7, stop_at_two, &n), TEXT_STOPPED);
  CHECK_INT(n, 2);
}

/* ------------------------------------------------------------------ */
/* 4: legal reference numbers                                           */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *in;
  const char *canonical, *key, *number, *year, *kind, *issuer;
  int own;
  const char *doctype;
} ref_case;

static const ref_case REF_CASES[] = {
  {"2696/QĐ-UBND", "2696/QĐ-UBND", "2696/QD-UBND", "2696", "", "QĐ", "UBND", 0, ""},
  {"32/2021/NĐ-CP", "32/2021/NĐ-CP", "32/2021/ND-CP", "32", "2021", "NĐ", "CP", 0, ""},
  {"1184/UBND-NC", "1184/UBND-NC", "1184/UBND-NC", "1184", "", "", "UBND-NC", 0, ""},
  {"97/2019/QH14", "97/2019/QH14", "97/2019/QH14", "97", "2019", "QH", "QH14", 0, ""},
  {"01/VBHN-VPQH", "01/VBHN-VPQH", "01/VBHN-VPQH", "01", "", "VBHN", "VPQH", 0, ""},
  {"17/CT-UBND", "17/CT-UBND", "17/CT-UBND", "17", "", "CT", "UBND", 0, ""},
  {"13/2026/TT-NHNN", "13/2026/TT-NHNN", "13/2026/TT-NHNN", "13", "2026", "TT", "NHNN", 0, ""},
  {"2403/Q\xc3\x90-UBND", "2403/QĐ-UBND", "2403/QD-UBND", "2403", "", "QĐ", "UBND", 0, ""},
  {"32/2021/nd-cp", "32/2021/NĐ-CP", "32/2021/ND-CP", "32", "2021", "NĐ", "CP", 0, ""},
  {"2696/qđ-ubnd", "2696/QĐ-UBND", "2696/QD-UBND", "2696", "", "QĐ", "UBND", 0, ""},
  {"1732 /QĐ-UBND", "1732/QĐ-UBND", "1732/QD-UBND", "1732", "", "QĐ", "UBND", 0, ""},
  {"4510/ KH-UBND", "4510/KH-UBND", "4510/KH-UBND", "4510", "", "KH", "UBND", 0, ""},
  {"32 / 2021 / NĐ \xe2\x80\x94 CP", "32/2021/NĐ-CP", "32/2021/ND-CP", "32", "2021", "NĐ", "CP", 0,
   ""},
  {"10/QĐ-HĐND8", "10/QĐ-HĐND8", "10/QD-HDND8", "10", "", "QĐ", "HĐND8", 0, ""},
  {"155/QĐ-TTg", "155/QĐ-TTg", "155/QD-TTG", "155", "", "QĐ", "TTg", 0, ""},
  {"03-TB/BCĐ", "03-TB/BCĐ", "03-TB/BCD", "03", "", "TB", "BCĐ", 0, ""},
  {"07/2025/NĐ-\xd0\xa1\xd0\xa0", "07/2025/NĐ-CP", "07/2025/ND-CP", "07", "2025", "NĐ", "CP", 0, ""},
  {"1830 QĐ-UBND", "1830/QĐ-UBND", "1830/QD-UBND", "1830", "", "QĐ", "UBND", 0, ""},
  {"157/TB_UBND", "157/TB-UBND", "157/TB-UBND", "157", "", "TB", "UBND", 0, ""},
  {"12/BCĐ (CAT-PC02)", "12/BCĐ", "12/BCD", "12", "", "", "BCĐ", 0, ""},
  {"Quyết định số 2696/QĐ-UBND", "2696/QĐ-UBND", "2696/QD-UBND", "2696", "", "QĐ", "UBND", 0,
   "Quyết định"},
  {"Số: 215/TB-UBND", "215/TB-UBND", "215/TB-UBND", "215", "", "TB", "UBND", 1, ""},
  {"Luật số 42/2013/QH13", "42/2013/QH13", "42/2013/QH13", "42", "2013", "QH", "QH13", 0, "Luật"},
  {"Luật số: 41/2024/QH15", "41/2024/QH15", "41/2024/QH15", "41", "2024", "QH", "QH15", 1, "Luật"},
  {"SỐ 17/CT-UBND", "17/CT-UBND", "17/CT-UBND", "17", "", "CT", "UBND", 1, ""},
  /* a slash after the kind, as older documents write QĐ-BTC */
  {"SỐ: 144 /2002/QĐ/BTC", "144/2002/QĐ-BTC", "144/2002/QD-BTC", "144", "2002", "QĐ", "BTC", 1, ""},
  {"van ban so 1184/UBND-NC", "1184/UBND-NC", "1184/UBND-NC", "1184", "", "", "UBND-NC", 0,
   "văn bản"},
};

static void check_ref(const text_ref *r, const ref_case *c) {
  CHECK_STR(r->canonical, c->canonical);
  CHECK_STR(r->key, c->key);
  CHECK_STR(r->number, c->number);
  CHECK_STR(r->year, c->year);
  CHECK_STR(r->kind, c->kind);
  CHECK_STR(r->issuer, c->issuer);
  CHECK_INT(r->own, c->own);
  CHECK_STR(r->doctype, c->doctype);
}

/* A file's name shaped like its number (text_ref_from_name), or not. */
static void test_ref_from_name(void) {
  static const struct {
    const char *name, *canonical; /* NULL: no number */
  } CASES[] = {
      {"bnv-8977-bnv-tcpcp", "8977/BNV-TCPCP"},
      {"qd-2536-qd-ubnd-sap-nhap-dls", "2536/QĐ-UBND"},
      {"QĐ 2536 SÁP NHẬP", "2536/QĐ"},
      {"cd-2003-vpcp-07102025-2-signed", "2003/CĐ-VPCP"},
      {"binhphuoc-2008-23.QD-991-UBND", "991/QĐ-UBND"},
      {"nd-285-2025-nd-cp", "285/2025/NĐ-CP"},
      {"bnv-8151-bnv-cchc-lay-y-kien", "8151/BNV-CCHC"},
      {"cantho-2005-QD-256", "256/QĐ"},
      {"560-gm", "560/GM"},
      {"3980-c04-p6", "3980/C04-P6"},
      {"qd932", "932/QĐ"},
      {"28-pt.signed", NULL},
      {"1_4409.signed", NULL},
      {"28125", NULL},
      {"1774256810651", NULL},
      {"giay-moi-hop-cchc-14g-22-01-2026", NULL},
      {"ke-hoach-ctmtqg-pcmt-2030-draft", NULL},
      {"", NULL},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    text_ref r;
    int ok = text_ref_from_name(CASES[i].name, strlen(CASES[i].name), &r);
    if (ok != (CASES[i].canonical != NULL))
      fprintf(stderr, "name \"%s\": %s\n", CASES[i].name, ok ? r.canonical : "no number");
    CHECK_INT(ok, CASES[i].canonical != NULL);
    if (ok && CASES[i].canonical) CHECK_STR(r.canonical, CASES[i].canonical);
  }
}

static void test_parse_ref(void) {
  for (size_t i = 0; i < sizeof REF_CASES / sizeof REF_CASES[0]; i++) {
    text_ref r;
    int ok = text_parse_ref(REF_CASES[i].in, strlen(REF_CASES[i].in), &r);
    if (!ok) fprintf(stderr, "ref case %zu not parsed: \"%s\"\n", i, REF_CASES[i].in);
    CHECK(ok);
    if (ok) check_ref(&r, &REF_CASES[i]);
  }
  static const char *const NOT_REFS[] = {"03/07/2021", "1/2", "20/ngày", "2021", "QĐ-UBND",
                                         "12/QĐ-UBND và 13/QĐ-UBND", "abc 12/QĐ", ""};
  for (size_t i = 0; i < sizeof NOT_REFS / sizeof NOT_REFS[0]; i++) {
    text_ref r;
    CHECK_INT(text_parse_ref(NOT_REFS[i], strlen(NOT_REFS[i]), &r), 0);
  }
}

typedef struct {
  text_ref refs[16];
  int n;
} ref_list;

static int collect_ref(void *ctx, const text_ref *r) {
  ref_list *l = ctx;
  if (l->n < 16) l->refs[l->n++] = *r;
  return 0;
}

static void test_find_refs(void) {
  const char *text =
      "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
      "Số: 215/TB-UBND\t\tTây Hồ, ngày 03 tháng 7 năm 2021\n"
      "Căn cứ Nghị định số 32/2021/NĐ-CP ngày 29/3/2021; Thông tư số 13/2026/TT-NHNN; "
      "Luật số 97/2019/QH14; văn bản số 1184/UBND-NC; Quyết định 2696/Q\xc3\x90-UBND, "
      "tỷ lệ 1/2, ngày 03/07/2021, 20/ngày.";
  ref_list l;
  memset(&l, 0, sizeof l);
  CHECK_INT(text_find_refs(text, strlen(text), collect_ref, &l), TEXT_OK);
  CHECK_INT(l.n, 6);
  if (l.n != 6) return;
  CHECK_STR(l.refs[0].canonical, "215/TB-UBND");
  CHECK_INT(l.refs[0].own, 1);
  CHECK_STR(l.refs[1].canonical, "32/2021/NĐ-CP");
  CHECK_STR(l.refs[1].doctype, "Nghị định");
  CHECK_INT(l.refs[1].own, 0);
  CHECK_STR(l.refs[2].doctype, "Thông tư");
  CHECK_STR(l.refs[3].doctype, "Luật");
  CHECK_STR(l.refs[4].doctype, "văn bản");
  CHECK_STR(l.refs[5].canonical, "2696/QĐ-UBND");
  CHECK_STR(l.refs[5].doctype, "Quyết định");
  /* "Biểu số:" names a form, not the document */
  const char *form = "Biểu số: 103/LĐVL-SỞ";
  memset(&l, 0, sizeof l);
  text_find_refs(form, strlen(form), collect_ref, &l);
  CHECK_INT(l.n, 1);
  CHECK_INT(l.refs[0].own, 0);
  memset(&l, 0, sizeof l);
  text_find_refs(text, strlen(text), collect_ref, &l);
  /* offsets: the number itself */
  const char *at = strstr(text, "32/2021");
  CHECK_INT(l.refs[1].start, at - text);
  CHECK_INT(l.refs[1].end, at - text + strlen("32/2021/NĐ-CP"));
}

/* ------------------------------------------------------------------ */
/* 5: dates                                                             */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *in;
  const char *isos; /* space separated */
} date_case;

static const date_case DATE_CASES[] = {
  {"03/07/2021", "2021-07-03"},
  {"ngày 21/6/2021", "2021-06-21"},
  {"ngày 21 tháng 6 năm 2021", "2021-06-21"},
  {"ngay 21 thang 6 nam 2021", "2021-06-21"},
  {"nga\xcc\x80y 21 tha\xcc\x81ng 6 na\xcc\x86m 2021", "2021-06-21"}, /* NFD */
  {"21-6-2021 và 21.6.2021", "2021-06-21 2021-06-21"},
  {"Ngày đăng 03/07/2021 | 10:38", "2021-07-03"},
  {"31/02/2021 29/02/2020 29/02/2021", "2020-02-29"}, /* invalid calendar dates skipped */
  {"10:38 1/2 2021", ""},
  {"Tây Hồ, ngày 03 tháng 7 năm 2021", "2021-07-03"},
};

typedef struct {
  char isos[512];
  text_date last;
} date_list;

static int collect_date(void *ctx, const text_date *d) {
  date_list *l = ctx;
  size_t n = strlen(l->isos);
  snprintf(l->isos + n, sizeof l->isos - n, "%s%s", n ? " " : "", d->iso);
  l->last = *d;
  return 0;
}

static void test_dates(void) {
  for (size_t i = 0; i < sizeof DATE_CASES / sizeof DATE_CASES[0]; i++) {
    date_list l;
    memset(&l, 0, sizeof l);
    CHECK_INT(text_find_dates(DATE_CASES[i].in, strlen(DATE_CASES[i].in), collect_date, &l),
              TEXT_OK);
    CHECK_STR(l.isos, DATE_CASES[i].isos);
  }
  date_list l;
  memset(&l, 0, sizeof l);
  const char *s = "ngày 21 tháng 6 năm 2021.";
  text_find_dates(s, strlen(s), collect_date, &l);
  CHECK_INT(l.last.start, strlen("ngày "));
  CHECK_INT(l.last.end, strlen(s) - 1);

  static const struct { const char *in, *iso; } PARSE[] = {
    {"2021-07-03", "2021-07-03"}, {"2021-07", "2021-07"}, {"2021", "2021"},
    {" 03/07/2021 ", "2021-07-03"}, {"ngày 21 tháng 6 năm 2021", "2021-06-21"},
    {"21-6-2021", "2021-06-21"},
  };
  for (size_t i = 0; i < sizeof PARSE / sizeof PARSE[0]; i++) {
    text_date d;
    CHECK_INT(text_parse_date(PARSE[i].in, strlen(PARSE[i].in), &d), 1);
    CHECK_STR(d.iso, PARSE[i].iso);
  }
  static const char *const BAD[] = {"2021-13", "31/02/2021", "hôm qua 03/07/2021", "abc", "",
                                    "2021-02-30"};
  for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
    text_date d;
    CHECK_INT(text_parse_date(BAD[i], strlen(BAD[i]), &d), 0);
  }
}

/* ------------------------------------------------------------------ */
/* 6: legacy encodings                                                  */
/* ------------------------------------------------------------------ */

static const char SAMPLE[] = "Căn cứ Luật Tổ chức chính quyền địa phương, được ban hành "
                             "ngày 19 tháng 6 năm 2015; tiếng Việt";

static char *to_iconv(const char *to, const char *s, size_t *out_len) {
  iconv_t cd = iconv_open(to, "UTF-8");
  CHECK(cd != (iconv_t)-1);
  char *out = malloc(4096), *o = out, *in = (char *)s;
  size_t il = strlen(s), ol = 4096;
  CHECK(iconv(cd, &in, &il, &o, &ol) != (size_t)-1);
  iconv_close(cd);
  *out_len = (size_t)(o - out);
  return out;
}

static void check_decoded(const char *bytes, size_t n, const char *label, text_encoding want,
                          const char *expect) {
  char *out = NULL;
  size_t ol = 0;
  text_encoding found;
  CHECK_INT(text_to_utf8(bytes, n, label, &out, &ol, &found), TEXT_OK);
  if (found != want) fprintf(stderr, "  found %s, label %s\n", text_encoding_name(found), label);
  CHECK_INT(found, want);
  CHECK_STR(out, expect);
  CHECK_INT(ol, out ? strlen(out) : 0);
  free(out);
}

static void test_encodings(void) {
  size_t n;
  /* valid UTF-8 wins */
  check_decoded(SAMPLE, strlen(SAMPLE), "windows-1258", TEXT_ENC_UTF8, SAMPLE);
  /* windows-1258, labelled or not: precomposed ă ê ư đ..., tones as combining
   * bytes (0xEC acute, 0xF2 dot below, 0xCC grave), NFC after */
  static const char W1258[] = "Ti\xea\xecng Vi\xea\xf2t \xf0\xfd\xf5\xf2" "c ban ha\xccnh, "
                              "C\xe3n c\xfd\xec \xd0i\xea\xccu";
  static const char W1258_UTF8[] = "Tiếng Việt được ban hành, Căn cứ Điều";
  check_decoded(W1258, sizeof W1258 - 1, "windows-1258", TEXT_ENC_WINDOWS_1258, W1258_UTF8);
  check_decoded(W1258, sizeof W1258 - 1, NULL, TEXT_ENC_WINDOWS_1258, W1258_UTF8);
  /* TCVN3 bytes mislabelled as latin-1 */
  char *b = to_iconv("TCVN5712-1", "căn cứ luật tổ chức chính quyền địa phương, tiếng việt", &n);
  check_decoded(b, n, "iso-8859-1", TEXT_ENC_TCVN3,
                "căn cứ luật tổ chức chính quyền địa phương, tiếng việt");
  free(b);
  /* VNI, written by hand: base letter + mark byte */
  /* written with the lower-case mark bytes: e + 0xE1 = ế, e + 0xE4 = ệ ... */
  static const char VNI2[] = "Tie\xe1ng Vie\xe4t \xf1\xf6\xf4\xef" "c ban ha\xf8nh, "
                             "Nguye\xe3n Th\xf6\xf9, ch\xe6 ngh\xf3";
    check_decoded(VNI2, sizeof VNI2 - 1, "windows-1252", TEXT_ENC_VNI,
                "Tiếng Việt được ban hành, Nguyễn Thứ, chỉ nghĩ");
  /* double-encoded UTF-8: "Nguyá»…n" */
  UErrorCode err = U_ZERO_ERROR;
  UChar u[1024];
  int32_t ul = ucnv_convert("UTF-8", "windows-1252", NULL, 0, SAMPLE, (int32_t)strlen(SAMPLE), &err);
  err = U_ZERO_ERROR;
  UConverter *cv = ucnv_open("windows-1252", &err);
  ul = ucnv_toUChars(cv, u, 1024, SAMPLE, (int32_t)strlen(SAMPLE), &err);
  ucnv_close(cv);
  char dbl[4096];
  int32_t dl = 0;
  u_strToUTF8(dbl, sizeof dbl, &dl, u, ul, &err);
  CHECK(U_SUCCESS(err));
  check_decoded(dbl, (size_t)dl, "utf-8", TEXT_ENC_DOUBLE_UTF8, SAMPLE);
  check_decoded("Nguy\xc3\xa1\xc2\xbb\xe2\x80\xa6n", 12, NULL, TEXT_ENC_DOUBLE_UTF8, "Nguyễn");
  /* UTF-8 with a stray byte */
  check_decoded("tiếng Việt \xff ok", strlen("tiếng Việt \xff ok"), NULL, TEXT_ENC_INVALID_UTF8,
                "tiếng Việt \xef\xbf\xbd ok");
  /* plain latin-1 that is not Vietnamese */
  check_decoded("Fran\xe7" "ais \xe0 Z\xfcrich", 17, "iso-8859-1", TEXT_ENC_LATIN1,
                "Français à Zürich");
}

/* ------------------------------------------------------------------ */
/* 7: stopwords                                                         */
/* ------------------------------------------------------------------ */

static void test_stopwords(void) {
  static const char *const YES[] = {"của", "và", "các", "là", "có", "những", "này"};
  static const char *const NO[] = {"cửa", "cơ", "lá", "theo", "bằng", "cho", "không", "cua", ""};
  for (size_t i = 0; i < sizeof YES / sizeof YES[0]; i++)
    CHECK_INT(text_is_stopword(YES[i], strlen(YES[i])), 1);
  for (size_t i = 0; i < sizeof NO / sizeof NO[0]; i++)
    CHECK_INT(text_is_stopword(NO[i], strlen(NO[i])), 0);
}

/* ------------------------------------------------------------------ */
/* real data (../shared)                                                */
/* ------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  fclose(f);
  if (b) b[n] = '\0';
  *len = (size_t)n;
  return b;
}

/* The next CSV field (RFC 4180) of the record at *p, unquoted into out. */
static int csv_field(const char **p, char *out, size_t cap, int *end_of_record) {
  const char *s = *p;
  size_t n = 0;
  if (!*s) return 0;
  if (*s == '"') {
    for (s++; *s; s++) {
      if (*s == '"' && s[1] == '"') s++;
      else if (*s == '"') { s++; break; }
      if (n + 1 < cap) out[n++] = *s;
    }
  } else {
    while (*s && *s != ',' && *s != '\n' && *s != '\r') {
      if (n + 1 < cap) out[n++] = *s;
      s++;
    }
  }
  out[n] = '\0';
  if (*s == '\r') s++;
  *end_of_record = *s == '\n' || !*s;
  if (*s) s++;
  *p = s;
  return 1;
}

static void test_binhduong(const char *shared) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/binhduong/data_vanbanphapluatBinhDuong.csv", shared);
  size_t len;
  char *data = read_file(path, &len);
  CHECK(data != NULL);
  if (!data) return;
  const char *p = data;
  char field[4096];
  int eor = 0, col = 0, row = 0, parsed = 0, nonempty = 0, eth = 0;
  while (csv_field(&p, field, sizeof field, &eor)) {
    if (row > 0 && col == 1 && field[0]) {
      nonempty++;
      text_ref r;
      if (text_parse_ref(field, strlen(field), &r)) parsed++;
      else fprintf(stderr, "binhduong: not parsed: \"%s\"\n", field);
      if (strstr(field, "\xc3\x90")) {
        eth++;
        CHECK(strstr(r.canonical, "Đ") != NULL);
      }
    }
    col++;
    if (eor) { row++; col = 0; }
  }
  printf("binhduong: %d of %d numbers parsed (%d with U+00D0)\n", parsed, nonempty, eth);
  CHECK_INT(parsed, nonempty);
  CHECK(eth >= 49);
  CHECK(nonempty > 4000);
  free(data);
}

/* Calls fn on every line of every phapdien CSV that has a combining mark. */
static int has_combining(const char *s, size_t n) {
  for (size_t i = 0; i + 1 < n; i++)
    if (((unsigned char)s[i] == 0xCC && (unsigned char)s[i + 1] >= 0x80) ||
        ((unsigned char)s[i] == 0xCD && (unsigned char)s[i + 1] < 0xB0))
      return 1;
  return 0;
}

typedef struct {
  UTransliterator *oracle;
  long lines, marked, same, fold_checked, fold_same, slices, slices_ok;
} phapdien_stats;

static char joined_a[8192];

typedef struct {
  const char *text;
  long checked, ok;
} slice_check;

/* text_normalize(original[start, end)) == exact, for words not cut short. */
static int check_slice(void *ctx, const text_token *t) {
  slice_check *sc = ctx;
  if (t->kind != TEXT_TOKEN_WORD || t->exact_len >= TEXT_MAX_TOKEN - 4) return 0;
  char *out = NULL;
  size_t ol = 0;
  sc->checked++;
  if (text_normalize(sc->text + t->start, t->end - t->start, 0, &out, &ol) == TEXT_OK &&
      ol == t->exact_len && memcmp(out, t->exact, ol) == 0)
    sc->ok++;
  else if (sc->checked - sc->ok <= 3)
    fprintf(stderr, "slice [%zu,%zu) \"%s\" != \"%s\"\n", t->start, t->end, out ? out : "", t->exact);
  free(out);
  return 0;
}

/* Our folding against ICU's transliterator + đ -> d + case fold. */
static void check_fold(phapdien_stats *st, const char *line, size_t n) {
  if (n > 1000) n = 1000;
  while (n > 0 && ((unsigned char)line[n - 1] & 0xC0) == 0x80) n--; /* whole characters */
  if (n > 0 && (unsigned char)line[n - 1] >= 0xC0) n--;
  UChar u[2048], f[2048];
  UErrorCode err = U_ZERO_ERROR;
  int32_t ul = 0;
  u_strFromUTF8WithSub(u, 2048, &ul, line, (int32_t)n, 0xFFFD, NULL, &err);
  int32_t fl = u_strFoldCase(f, 2048, u, ul, U_FOLD_CASE_DEFAULT, &err);
  int32_t limit = fl;
  utrans_transUChars(st->oracle, f, &fl, 2048, 0, &limit, &err);
  /* our documented differences: đ -> d, and invisible characters removed */
  int32_t kept = 0;
  for (int32_t i = 0; i < fl; i++) {
    if (f[i] == 0x00AD || (f[i] >= 0x200B && f[i] <= 0x200D) || f[i] == 0x2060 || f[i] == 0xFEFF)
      continue;
    f[kept++] = (f[i] == 0x0111 || f[i] == 0x00F0) ? 'd' : f[i];
  }
  fl = kept;
  char oracle[6144];
  int32_t ol = 0;
  u_strToUTF8(oracle, sizeof oracle, &ol, f, fl, &err);
  if (U_FAILURE(err)) return;
  char *ours = NULL;
  char *slice = malloc(n + 1);
  memcpy(slice, line, n);
  slice[n] = '\0';
  text_normalize(slice, n, 1, &ours, NULL);
  /* our normalization drops invisible characters; the oracle keeps them */
  st->fold_checked++;
  if (ours && strcmp(ours, oracle) == 0) st->fold_same++;
  else if (st->fold_checked - st->fold_same <= 3)
    fprintf(stderr, "fold differs:\n ours:   %.200s\n oracle: %.200s\n", ours ? ours : "", oracle);
  free(ours);
  free(slice);
}

static void check_line(phapdien_stats *st, const char *line, size_t n) {
  st->lines++;
  if (st->lines % 97 == 0) check_fold(st, line, n);
  if (!has_combining(line, n)) return;
  st->marked++;
  strcpy(joined_a, tokenize(line, n)->joined);
  size_t nl;
  char *nfc = icu_norm(line, n, 0, &nl);
  if (!nfc) return;
  tokens *b = tokenize(nfc, nl);
  if (strcmp(joined_a, b->joined) == 0) st->same++;
  else if (st->marked - st->same <= 3)
    fprintf(stderr, "NFD/NFC differ:\n %.300s\n %.300s\n", joined_a, b->joined);
  free(nfc);
  /* offsets: each token's original slice normalizes to the token */
  slice_check sc = {line, 0, 0};
  text_tokenize(line, n, check_slice, &sc);
  st->slices += sc.checked;
  st->slices_ok += sc.ok;
}

static void test_phapdien(const char *shared) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/corpus/phapdien", shared);
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  if (!d) return;
  phapdien_stats st;
  memset(&st, 0, sizeof st);
  UErrorCode err = U_ZERO_ERROR;
  static const UChar RULES[] = u"NFD; [:Nonspacing Mark:] Remove; NFC";
  st.oracle = utrans_openU(RULES, -1, UTRANS_FORWARD, NULL, 0, NULL, &err);
  CHECK(U_SUCCESS(err));
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t nl = strlen(e->d_name);
    if (nl < 4 || strcmp(e->d_name + nl - 4, ".csv") != 0) continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t len;
    char *data = read_file(path, &len);
    if (!data) continue;
    for (char *line = data; line < data + len;) {
      char *nlp = memchr(line, '\n', (size_t)(data + len - line));
      size_t ll = nlp ? (size_t)(nlp - line) : (size_t)(data + len - line);
      check_line(&st, line, ll);
      line += ll + 1;
    }
    free(data);
  }
  closedir(d);
  utrans_close(st.oracle);
  printf("phapdien: %ld lines, %ld with combining marks, %ld give the same tokens as NFC\n",
         st.lines, st.marked, st.same);
  printf("phapdien: folding equals ICU transliterator on %ld of %ld sampled lines\n", st.fold_same,
         st.fold_checked);
  printf("phapdien: %ld of %ld word tokens of those lines: original slice normalizes to the token\n",
         st.slices_ok, st.slices);
  CHECK_INT(st.slices_ok, st.slices);
  CHECK(st.slices > 10000);
  CHECK(st.marked >= 827);
  CHECK_INT(st.same, st.marked);
  CHECK(st.fold_checked > 1000);
  CHECK_INT(st.fold_same, st.fold_checked);
}

/* Every entry point on pseudo-random mixtures of the pieces real text is
 * made of (fixed seed): nothing may crash or leak (ASan), statuses are OK. */
static int ignore_ref(void *ctx, const text_ref *r) { (void)ctx; (void)r; return 0; }
static int ignore_date(void *ctx, const text_date *d) { (void)ctx; (void)d; return 0; }

static void test_random_input(void) {
  static const char *const PIECES[] = {
    "a", "Đ", "\xc3\x90", "e\xcc\x82\xcc\x81", "\xcc\x81", "\xe2\x80\x8b", "\xef\xbb\xbf", "\xc2\xad",
    "/", "-", "\xe2\x80\x93", " ", "\n", "0", "12", "2021", ":", ".", ",", "QĐ", "UBND", "số",
    "ngày", "tháng", "năm", "\xff", "\xc3", "\xe1\xbb", "\0", "\xf0\x9f\x98\x80", "ß", "ǅ", "Ω",
    "(", ")", "&", "_", "hoà", "\xed\xa0\x80"};
  uint32_t seed = 12345;
  char buf[4096];
  int ok = 1;
  for (int iter = 0; iter < 2000; iter++) {
    size_t n = 0;
    size_t target = (size_t)(seed % 600);
    while (n < target) {
      seed = seed * 1103515245u + 12345u;
      const char *p = PIECES[(seed >> 16) % (sizeof PIECES / sizeof PIECES[0])];
      size_t pl = p[0] ? strlen(p) : 1; /* "\0" is one NUL byte */
      if (n + pl > sizeof buf) break;
      memcpy(buf + n, p, pl);
      n += pl;
    }
    tokens ts;
    memset(&ts, 0, sizeof ts);
    ts.offsets_ok = 1;
    ok &= text_tokenize(buf, n, collect, &ts) == TEXT_OK && ts.offsets_ok && ts.max_len <= TEXT_MAX_TOKEN;
    ok &= text_find_refs(buf, n, ignore_ref, NULL) == TEXT_OK;
    ok &= text_find_dates(buf, n, ignore_date, NULL) == TEXT_OK;
    text_ref r;
    text_date d;
    text_parse_ref(buf, n, &r);
    text_parse_date(buf, n, &d);
    char *out = NULL;
    size_t ol = 0;
    ok &= text_normalize(buf, n, iter & 1, &out, &ol) == TEXT_OK && out && strlen(out) == ol;
    free(out);
    text_encoding enc;
    out = NULL;
    ok &= text_to_utf8(buf, n, (iter & 2) ? "windows-1252" : NULL, &out, &ol, &enc) == TEXT_OK;
    free(out);
    seed = seed * 1103515245u + 12345u;
  }
  CHECK(ok);
}

/* The JSON string value that starts at p (just after its opening quote),
 * unescaped in place into out; returns its length. Enough JSON for the test. */
static size_t json_string(const char *p, char *out) {
  size_t n = 0;
  for (; *p && *p != '"'; p++) {
    if (*p != '\\') { out[n++] = *p; continue; }
    p++;
    if (!*p) break;
    switch (*p) {
      case 'n': out[n++] = '\n'; break;
      case 't': out[n++] = '\t'; break;
      case 'r': out[n++] = '\r'; break;
      case 'u': {
        unsigned cp = 0;
        if (sscanf(p + 1, "%4x", &cp) != 1) break;
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
          unsigned lo = 0;
          if (sscanf(p + 3, "%4x", &lo) == 1) { cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00); p += 6; }
        }
        UChar32 c32 = (UChar32)cp;
        int32_t k = 0;
        uint8_t u8[4];
        U8_APPEND_UNSAFE(u8, k, c32);
        memcpy(out + n, u8, (size_t)k);
        n += (size_t)k;
        break;
      }
      default: out[n++] = *p; break; /* \" \\ \/ */
    }
  }
  out[n] = '\0';
  return n;
}

/* Gazette documents print their own number in the header: "Số: 13/2026/TT-NHNN". */
static int count_own(void *ctx, const text_ref *r) {
  if (r->own) ++*(int *)ctx;
  return 0;
}

static void test_congbao(const char *shared) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/corpus/congbao/docs", shared);
  DIR *top = opendir(dir);
  CHECK(top != NULL);
  if (!top) return;
  int docs = 0, with_own = 0, own_total = 0;
  struct dirent *t;
  while ((t = readdir(top)) != NULL) {
    if (t->d_name[0] == '.') continue;
    char sub[2048];
    snprintf(sub, sizeof sub, "%s/%s", dir, t->d_name);
    DIR *d = opendir(sub);
    if (!d) continue;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      size_t nl = strlen(e->d_name);
      if (nl < 5 || strcmp(e->d_name + nl - 5, ".json") != 0) continue;
      char path[4096];
      snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
      size_t len;
      char *data = read_file(path, &len);
      if (!data) continue;
      const char *ft = strstr(data, "\"full_text\"");
      int own = 0;
      if (ft && (ft = strchr(ft + 11, '"')) != NULL) {
        char *text = malloc(len + 1);
        size_t tl = json_string(ft + 1, text);
        text_find_refs(text, tl, count_own, &own);
        free(text);
      }
      docs++;
      with_own += own > 0;
      own_total += own;
      free(data);
    }
    closedir(d);
  }
  closedir(top);
  printf("congbao: %d of %d documents show their own number (\"Số: ...\"), %d own numbers found\n",
         with_own, docs, own_total);
  CHECK(docs > 400);
  CHECK(with_own * 10 >= docs * 8);
}

/* The announcement the product was specified from. */
static void test_seed(const char *shared) {
  char path[1024];
  snprintf(path, sizeof path, "%s/corpus/seed/tayho-announcement-2021-07-03.txt", shared);
  size_t len;
  char *data = read_file(path, &len);
  CHECK(data != NULL);
  if (!data) return;
  ref_list l;
  memset(&l, 0, sizeof l);
  CHECK_INT(text_find_refs(data, len, collect_ref, &l), TEXT_OK);
  char got[512] = "";
  for (int i = 0; i < l.n; i++) {
    strcat(got, l.refs[i].canonical);
    strcat(got, " ");
  }
  /* "97/2019/NQ 14" is misprinted in the source (QH14): the part that is a reference */
  CHECK_STR(got, "2696/QĐ-UBND 1184/UBND-NC 32/2021/NĐ-CP 97/2019/NQ 32/2021/NĐ-CP ");
  date_list dl;
  memset(&dl, 0, sizeof dl);
  CHECK_INT(text_find_dates(data, len, collect_date, &dl), TEXT_OK);
  CHECK(strstr(dl.isos, "2021-07-02 2021-06-21 2021-07-01 2021-04-22 2021-03-29") != NULL);
  tokens *t = tokenize(data, len);
  CHECK(strstr(t->joined, " hđnd:hdnd ubnd ") != NULL);
  CHECK(strstr(t->joined, " 2020 2025") != NULL);
  free(data);
}

static void test_real_data(void) {
  const char *shared = TRACUU_SHARED_DIR;
  char probe[1024];
  snprintf(probe, sizeof probe, "%s/corpus/binhduong", shared);
  DIR *d = opendir(probe);
  if (!d) {
    printf("test_text: %s not found, real-data checks skipped\n", shared);
    return;
  }
  closedir(d);
  test_seed(shared);
  test_binhduong(shared);
  test_congbao(shared);
  test_phapdien(shared);
}

int main(void) {
  test_token_table();
  test_kinds();
  test_offsets();
  test_normalize();
  test_hostile();
  test_stop();
  test_parse_ref();
  test_ref_from_name();
  test_find_refs();
  test_dates();
  test_encodings();
  test_stopwords();
  test_random_input();
  test_real_data();
  return check_summary("test_text");
}
