/* test_extract: the page extractor, as a specification.
 *
 *  1. fields of each layout, on small pages written for these tests
 *     (tests/fixtures/html/): portal news, document header, property table,
 *     og: metadata, <title> only, broken markup;
 *  2. links and attachments: resolution, schemes, fragments, javascript:
 *     download calls, file types in the query string, raw Vietnamese hrefs;
 *  3. charsets: windows-1258 declared but UTF-8, real windows-1258 bytes,
 *     TCVN3 labelled latin-1, VNI, UTF-8 encoded twice, invalid UTF-8, NFD,
 *     BOMs (UTF-8, UTF-16LE);
 *  4. hostile input: 16 MB+, NUL bytes, not HTML, 100,000 nested tags, XXE,
 *     truncation, too many links, huge fields, a bad profile; 300 mutated
 *     copies of the fixtures;
 *  5. the 14 real vbpl.vn pages (and anle.toaan.gov.vn), generic and with
 *     the "vbpl" profile (skipped when ../shared is missing);
 *  6. the team's sample portal (corpus/site/), special pages included;
 *  7. listing pages told from documents, on the portal and on vbpl.vn,
 *     and shapes written here (an item above its list's pager, a search
 *     form above its hits).
 * Every extraction runs with stderr redirected: libxml2 must print nothing.
 *
 * `test_extract --dump FILE [URL [PROFILE]]` prints what is extracted;
 * `test_extract --bench FILE N` measures pages per second.
 */
#include <dirent.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crawler/extract.h"
#include "tests/unit/check.h"

#define FIXTURES TRACUU_SOURCE_DIR "/tests/fixtures/html/"
#define VBPL TRACUU_SHARED_DIR "/corpus/vbpl-html/"
#define SITE TRACUU_SOURCE_DIR "/corpus/site/"
#define PORTAL TRACUU_SHARED_DIR "/corpus/portal-pages/"

static long stderr_bytes; /* what extraction wrote to stderr: must stay 0 */

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *b = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (b = malloc((size_t)n + 1))) {
      if (fread(b, 1, (size_t)n, f) == (size_t)n) b[n] = '\0', *len = (size_t)n;
      else free(b), b = NULL;
    }
  }
  fclose(f);
  return b;
}

/* extract_page with fd 2 pointed at a temporary file; counts its bytes. */
static extract_status run(const char *page, size_t len, const char *url, const char *ct,
                          const extract_profile *prof, extract_result *r, char *err, size_t errlen) {
  fflush(stderr);
  int saved = dup(2);
  FILE *tmp = tmpfile();
  if (saved < 0 || !tmp) {
    if (tmp) fclose(tmp);
    if (saved >= 0) close(saved);
    return extract_page(page, len, url, ct, prof, r, err, errlen);
  }
  dup2(fileno(tmp), 2);
  extract_status st = extract_page(page, len, url, ct, prof, r, err, errlen);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  struct stat sb;
  if (fstat(fileno(tmp), &sb) == 0 && sb.st_size > 0) {
    stderr_bytes += (long)sb.st_size;
    fprintf(stderr, "  extraction of %s wrote %ld bytes to stderr\n", url, (long)sb.st_size);
  }
  fclose(tmp);
  return st;
}

static extract_status run_file(const char *path, const char *url, const extract_profile *prof,
                               extract_result *r) {
  size_t len = 0;
  char *page = slurp(path, &len);
  if (!page) {
    fprintf(stderr, "cannot read %s\n", path);
    CHECK(page != NULL);
    memset(r, 0, sizeof *r);
    return EXTRACT_NOT_HTML;
  }
  char err[256];
  extract_status st = run(page, len, url, NULL, prof, r, err, sizeof err);
  if (st != EXTRACT_OK) fprintf(stderr, "  %s: %s\n", path, err);
  free(page);
  return st;
}

static int contains(const char *hay, const char *needle) {
  return hay && strstr(hay, needle) != NULL;
}

/* NULL expected = the field must be absent. */
#define CHECK_FIELD(got, want)                                                  \
  do {                                                                          \
    if (want) CHECK_STR(got, want);                                             \
    else if (got) {                                                             \
      fprintf(stderr, "  unexpected value \"%s\"\n", got);                    \
      CHECK((got) == NULL);                                                     \
    }                                                                           \
  } while (0)

typedef struct {
  const char *file, *url, *profile;
  const char *title, *date, *number, *type, *issuer, *category;
  const char *body_has[3];     /* strings the body must contain */
  const char *body_lacks[8];   /* strings it must not (menus, scripts...) */
} field_case;

static void check_case(const char *dir, const field_case *c) {
  char path[1024];
  snprintf(path, sizeof path, "%s%s", dir, c->file);
  extract_result r;
  extract_status st = run_file(path, c->url, extract_builtin_profile(c->profile), &r);
  CHECK_INT(st, EXTRACT_OK);
  if (st != EXTRACT_OK) return;
  CHECK_STR(r.rec.id, c->url);
  CHECK_STR(r.rec.url, c->url);
  CHECK_FIELD(r.rec.title, c->title);
  CHECK_FIELD(r.rec.date, c->date);
  CHECK_FIELD(r.rec.number, c->number);
  CHECK_FIELD(r.rec.type, c->type);
  CHECK_FIELD(r.rec.issuer, c->issuer);
  CHECK_FIELD(r.rec.category, c->category);
  for (size_t i = 0; i < 3 && c->body_has[i]; i++)
    if (!contains(r.rec.body, c->body_has[i])) {
      fprintf(stderr, "  %s: body lacks \"%s\"\n", c->file, c->body_has[i]);
      CHECK(0);
    }
  for (size_t i = 0; i < 8 && c->body_lacks[i]; i++)
    if (contains(r.rec.body, c->body_lacks[i])) {
      fprintf(stderr, "  %s: body has \"%s\"\n", c->file, c->body_lacks[i]);
      CHECK(0);
    }
  extract_result_clear(&r);
}

/* ------------------------------------------------------------------ */
/* 1. Layouts                                                           */
/* ------------------------------------------------------------------ */

static const field_case FIXTURE_CASES[] = {
  {"portal_news.html", "https://portal.example/tin-tuc/kiem-tra.html", NULL,
   "Kiểm tra việc thực hiện mô hình chính quyền đô thị tại các Phường trên địa bàn Quận Tây Hồ",
   "2021-07-03", NULL, NULL, "Văn phòng HĐND&UBND quận", "Cải cách hành chính",
   {"Chiều ngày 02/7/2021, đồng chí", "Nghị định số 32/2021/NĐ-CP ngày 29/3/2021",
    "Một số hình ảnh tại buổi kiểm tra\nThanh Hằng\nVăn phòng HĐND&UBND quận"},
   {"SCRIPT-MARKER", "STYLE-MARKER", "NOSCRIPT-MARKER", "COMMENT-MARKER", "SIDEBAR-MARKER",
    "FOOTER-MARKER", "SEARCH-MARKER", "In bài viết"}},
  {"doc_header.html", "https://portal.example/van-ban/215-tb-ubnd-2021.html", NULL,
   "Thông báo về việc thực hiện giãn cách xã hội trên địa bàn quận Tây Hồ", "2021-07-28",
   "215/TB-UBND", "Thông báo", "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", "Văn bản chỉ đạo điều hành",
   {"THÔNG BÁO\nV/v thực hiện", "2. Tạm dừng hoạt động các chợ tạm"},
   {"Trang chủ"}},
  {"doc_properties.html", "https://portal.example/csdl/1732.html", NULL,
   "Quyết định về việc ban hành Quy chế tổ chức và hoạt động của Bộ phận một cửa", "2021-08-12",
   "1732/QĐ-UBND", "Quyết định", "UBND quận Tây Hồ", "Hành chính" /* Lĩnh vực over breadcrumb */,
   {"Điều 1. Ban hành kèm theo", "Điều 2. Quyết định có hiệu lực"},
   {"Số ký hiệu"}},
  {"news_og.html", "https://portal.example/tin-tuc/ho-tro.html", NULL,
   "Hỗ trợ kịp thời người dân gặp khó khăn trong thời gian giãn cách", "2021-08-20", NULL, NULL,
   NULL, "Phòng chống dịch",
   {"Thực hiện Thông báo số 215/TB-UBND", "1.200 suất quà", "đường dây nóng"},
   {0}},
  {"title_only.html", "https://portal.example/lich.html", NULL, "Lịch tiếp công dân tháng 9",
   NULL, NULL, NULL, NULL, NULL, {"tiếp công dân vào sáng thứ Năm"}, {0}},
  /* thuvienphapluat.vn's layout, with its profile and without */
  {"tvpl_document.html", "https://thuvienphapluat.vn/van-ban/Thuong-mai/qd-1234.aspx", "thuvienphapluat",
   "Quyết định 1234/QĐ-UBND năm 2024 ban hành Quy chế quản lý cụm công nghiệp trên địa bàn tỉnh Ninh Bình",
   "2024-10-15", "1234/QĐ-UBND", "Quyết định", "Tỉnh Ninh Bình", "Thương mại",
   {"Số: 1234/QĐ-UBND", "Điều 2. Quyết định có hiệu lực"},
   {"Văn bản liên quan", "Thông tư 14/2024", "FOOTER-MARKER", "Ngày công báo", "Tìm kiếm"}},
  {"tvpl_document.html", "https://thuvienphapluat.vn/van-ban/Thuong-mai/qd-1234.aspx", NULL,
   "Quyết định 1234/QĐ-UBND năm 2024 ban hành Quy chế quản lý cụm công nghiệp trên địa bàn tỉnh Ninh Bình",
   "2024-10-15", "1234/QĐ-UBND", "Quyết định", "Tỉnh Ninh Bình", "Thương mại",
   {"Số: 1234/QĐ-UBND", "Điều 2. Quyết định có hiệu lực"},
   {"Văn bản liên quan", "Thông tư 14/2024", "FOOTER-MARKER", "Ngày công báo", "Tìm kiếm"}},
  {"broken.html", "https://portal.example/tin-tuc/ra-quan.html", NULL,
   "Phường Xuân La ra quân tổng vệ sinh môi trường", "2022-01-23", NULL, NULL,
   NULL /* the signer's line is after the main block that the stray </div>s closed */,
   "Tài nguyên - Môi trường",
   {"tổ chức ra quân tổng vệ sinh", "hơn 5 tấn rác thải"}, {0}},
};

static void test_layouts(void) {
  for (size_t i = 0; i < sizeof FIXTURE_CASES / sizeof FIXTURE_CASES[0]; i++)
    check_case(FIXTURES, &FIXTURE_CASES[i]);
}

/* Schema 2's legal metadata, where a page states it. */
static void test_legal_metadata(void) {
  static const struct {
    const char *path, *place, *summary, *effective, *signer;
  } CASES[] = {
    {FIXTURES "doc_header.html", "Tây Hồ", "V/v thực hiện giãn cách xã hội trên địa bàn quận Tây Hồ",
     NULL, NULL},
    {FIXTURES "doc_properties.html", NULL, NULL, "2021-08-15", NULL},
    {VBPL "vbpl_thuoctinh.html", NULL, NULL, "2018-01-01", NULL},
    {VBPL "vbpl_initial.html", "Hà Nội", "HÌNH SỰ", "2018-01-01", NULL},
    {SITE "van-ban/quang-an-27-qd-ubnd-2023.html", "Quảng An",
     "Ban hành Quy chế làm việc của Ủy ban nhân dân phường Quảng An", "2023-05-15",
     "Nguyễn Thị Bích Ngọc"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    struct stat sb;
    if (stat(CASES[i].path, &sb) != 0) continue; /* shared data or site missing: said elsewhere */
    extract_result r;
    if (run_file(CASES[i].path, "https://p.example/m", NULL, &r) != EXTRACT_OK) continue;
    int before = check_failed;
    CHECK_FIELD(r.rec.place, CASES[i].place);
    CHECK_FIELD(r.rec.summary, CASES[i].summary);
    CHECK_FIELD(r.rec.effective, CASES[i].effective);
    CHECK_FIELD(r.rec.signer, CASES[i].signer);
    if (check_failed != before) fprintf(stderr, "  ^ in %s\n", CASES[i].path);
    extract_result_clear(&r);
  }
}

/* ------------------------------------------------------------------ */
/* 2. Links and attachments                                             */
/* ------------------------------------------------------------------ */

static void test_links(void) {
  extract_result r;
  CHECK_INT(run_file(FIXTURES "doc_header.html", "https://portal.example/van-ban/chi-tiet/x.html",
                     NULL, &r),
            EXTRACT_OK);
  static const char *const LINKS[][2] = {
    {"https://portal.example/", "Trang chủ"},
    {"https://portal.example/van-ban/", "Văn bản"},
    {"https://portal.example/", "Trang chủ"},
    {"https://portal.example/van-ban/", "Văn bản chỉ đạo điều hành"},
    {"https://portal.example/files/215-TB-UBND.PDF", "Tải về"},
    {"https://portal.example/van-ban/files/phu%20luc%201.docx", "Phụ lục 1"},
    {"https://portal.example/van-ban/chi-tiet/download.aspx?file=bang-ke.xlsx&id=3", "Bảng kê"},
    {"https://other.example/a.pdf?x=1", "Bản PDF"},
    {"https://portal.example/files/bieu-mau.doc", "Biểu mẫu"},
    {"https://portal.example/files/anh.pdf.html", "Not a file"},
    /* ftp:, mailto: and "#top" are gone; raw letters are percent-encoded */
    {"https://portal.example/van-ban/th%C3%B4ng%20b%C3%A1o.html", "Văn bản có dấu"},
  };
  size_t n = sizeof LINKS / sizeof LINKS[0];
  CHECK_INT(r.n_links, n);
  for (size_t i = 0; i < n && i < r.n_links; i++) {
    CHECK_STR(r.links[i].url, LINKS[i][0]);
    CHECK_STR(r.links[i].text, LINKS[i][1]);
  }
  static const size_t ATT[] = {4, 5, 6, 7, 8}; /* indexes into LINKS */
  CHECK_INT(r.n_attachments, sizeof ATT / sizeof ATT[0]);
  for (size_t i = 0; i < sizeof ATT / sizeof ATT[0] && i < r.n_attachments; i++)
    CHECK_STR(r.attachments[i].url, LINKS[ATT[i]][0]);
  extract_result_clear(&r);

  /* <base href> changes what relative links mean */
  static const char BASE[] = "<html><head><base href=\"https://cdn.example/docs/\"></head>"
                             "<body><a href=\"a.pdf\">A</a></body></html>";
  char err[128];
  CHECK_INT(run(BASE, sizeof BASE - 1, "https://portal.example/x/y.html", NULL, NULL, &r, err,
                sizeof err),
            EXTRACT_OK);
  CHECK_INT(r.n_links, 1);
  if (r.n_links) CHECK_STR(r.links[0].url, "https://cdn.example/docs/a.pdf");
  CHECK_INT(r.n_attachments, 1);
  extract_result_clear(&r);
}

/* ------------------------------------------------------------------ */
/* 3. Charsets                                                          */
/* ------------------------------------------------------------------ */

#define CS_TITLE "Thông báo lịch tiếp công dân của Ủy ban nhân dân quận Tây Hồ"
#define CS_BODY "Số: 06/TB-UBND. Tây Hồ, ngày 03 tháng 01 năm 2024. Lãnh đạo UBND quận tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở tiếp công dân."

/* A page with the given <meta charset> (or none) around CS_TITLE/CS_BODY. */
static char *cs_page(const char *meta) {
  char *p = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&p, &n);
  if (!f) return NULL;
  fprintf(f, "<html><head>");
  if (meta) fprintf(f, "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">", meta);
  fprintf(f, "<title>" CS_TITLE "</title></head><body><h1>" CS_TITLE "</h1><p>" CS_BODY
             "</p></body></html>");
  fclose(f);
  return p;
}

/* s (UTF-8) converted to charset `to` by glibc iconv; NULL if it cannot. */
static char *to_charset(const char *to, const char *s, size_t *out_len) {
  iconv_t cd = iconv_open(to, "UTF-8");
  if (cd == (iconv_t)-1) return NULL;
  size_t il = strlen(s), ol = il * 4 + 16;
  char *out = malloc(ol), *o = out, *in = (char *)s;
  if (out && iconv(cd, &in, &il, &o, &ol) == (size_t)-1) free(out), out = NULL;
  iconv_close(cd);
  if (out) *out_len = (size_t)(o - out);
  return out;
}

/* UTF-8 read as windows-1252 and written out as UTF-8 again. */
static char *double_encode(const char *s, size_t *out_len) {
  static const unsigned short HIGH[32] = {
    0x20AC, 0x81, 0x201A, 0x192, 0x201E, 0x2026, 0x2020, 0x2021, 0x2C6, 0x2030, 0x160,
    0x2039, 0x152, 0x8D, 0x17D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x2DC, 0x2122, 0x161, 0x203A, 0x153, 0x9D, 0x17E, 0x178};
  size_t n = strlen(s);
  char *out = malloc(n * 3 + 1), *o = out;
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned c = (unsigned char)s[i];
    unsigned cp = c >= 0x80 && c < 0xA0 ? HIGH[c - 0x80] : c;
    if (cp < 0x80) *o++ = (char)cp;
    else if (cp < 0x800) *o++ = (char)(0xC0 | cp >> 6), *o++ = (char)(0x80 | (cp & 0x3F));
    else *o++ = (char)(0xE0 | cp >> 12), *o++ = (char)(0x80 | ((cp >> 6) & 0x3F)),
         *o++ = (char)(0x80 | (cp & 0x3F));
  }
  *out_len = (size_t)(o - out);
  return out;
}

typedef struct {
  const char *what;
  char *bytes;
  size_t len;
  const char *content_type;
  text_encoding enc;
  const char *charset;
} cs_case;

static void check_cs(const cs_case *c, const char *title, const char *body_has) {
  if (!c->bytes) {
    fprintf(stderr, "  skipped charset case %s: could not build its bytes\n", c->what);
    return;
  }
  extract_result r;
  char err[128];
  extract_status st = run(c->bytes, c->len, "https://portal.example/cs.html", c->content_type,
                          NULL, &r, err, sizeof err);
  CHECK_INT(st, EXTRACT_OK);
  if (r.encoding != c->enc || strcmp(r.charset, c->charset) != 0)
    fprintf(stderr, "  %s: got %s / %s\n", c->what, text_encoding_name(r.encoding), r.charset);
  CHECK_INT(r.encoding, c->enc);
  CHECK_STR(r.charset, c->charset);
  CHECK_STR(r.rec.title, title);
  if (!contains(r.rec.body, body_has)) fprintf(stderr, "  %s: body \"%s\"\n", c->what, r.rec.body);
  CHECK(contains(r.rec.body, body_has));
  extract_result_clear(&r);
}

static void test_charsets(void) {
  char *utf8 = cs_page(NULL), *w1258_meta = cs_page("windows-1258");
  char *latin1_meta = cs_page("iso-8859-1"), *utf8_meta = cs_page("utf-8");
  cs_case c[12];
  size_t n = 0;
  /* the real-world lie: UTF-8 bytes under a windows-1258 label */
  c[n++] = (cs_case){"windows-1258 declared, UTF-8 bytes", strdup(w1258_meta), strlen(w1258_meta),
                     NULL, TEXT_ENC_UTF8, "UTF-8"};
  c[n++] = (cs_case){"HTTP says windows-1258, UTF-8 bytes", strdup(utf8), strlen(utf8),
                     "text/html; charset=windows-1258", TEXT_ENC_UTF8, "UTF-8"};
  /* real windows-1258 bytes (tones as combining bytes), labelled or not */
  c[n] = (cs_case){"windows-1258 bytes", NULL, 0, NULL, TEXT_ENC_WINDOWS_1258, "windows-1258"};
  c[n].bytes = to_charset("WINDOWS-1258", w1258_meta, &c[n].len);
  n++;
  c[n] = (cs_case){"windows-1258 bytes, HTTP says utf-8", NULL, 0, "text/html; charset=UTF-8",
                   TEXT_ENC_WINDOWS_1258, "windows-1258"};
  c[n].bytes = to_charset("WINDOWS-1258", utf8, &c[n].len);
  n++;
  /* TCVN3 sent as latin-1 */
  c[n] = (cs_case){"TCVN3 labelled latin-1", NULL, 0, "text/html; charset=ISO-8859-1",
                   TEXT_ENC_TCVN3, "TCVN3"};
  c[n].bytes = to_charset("TCVN5712-1", latin1_meta, &c[n].len);
  n++;
  /* UTF-8 encoded twice ("Thá»‹") */
  c[n] = (cs_case){"double-encoded UTF-8", NULL, 0, NULL, TEXT_ENC_DOUBLE_UTF8, "UTF-8"};
  c[n].bytes = double_encode(utf8_meta, &c[n].len);
  n++;
  /* a UTF-8 BOM, and UTF-16LE with its BOM */
  c[n] = (cs_case){"UTF-8 BOM", NULL, 0, "text/html; charset=windows-1258", TEXT_ENC_UTF8, "UTF-8"};
  if ((c[n].bytes = malloc(strlen(utf8) + 4)))
    memcpy(c[n].bytes, "\xEF\xBB\xBF", 3), strcpy(c[n].bytes + 3, utf8), c[n].len = strlen(utf8) + 3;
  n++;
  c[n] = (cs_case){"UTF-16LE BOM", NULL, 0, NULL, TEXT_ENC_UTF8, "UTF-16LE"};
  char *u16 = to_charset("UTF-16LE", utf8, &c[n].len);
  if (u16 && (c[n].bytes = malloc(c[n].len + 2)))
    memcpy(c[n].bytes, "\xFF\xFE", 2), memcpy(c[n].bytes + 2, u16, c[n].len), c[n].len += 2;
  free(u16);
  n++;
  for (size_t i = 0; i < n; i++) {
    check_cs(&c[i], CS_TITLE, "định kỳ vào ngày 15 hằng tháng");
    free(c[i].bytes);
  }

  /* VNI (no converter exists anywhere: bytes written by hand, base letter
     + mark byte): "Tiếng Việt được ban hành" */
  static const char VNI[] = "<html><head><meta charset=\"windows-1252\"><title>Tie\xe1ng Vie\xe4t "
                            "\xf1\xf6\xf4\xef" "c ban ha\xf8nh</title></head><body><p>Tie\xe1ng "
                            "Vie\xe4t \xf1\xf6\xf4\xef" "c ban ha\xf8nh</p></body></html>";
  cs_case vni = {"VNI", strdup(VNI), sizeof VNI - 1, NULL, TEXT_ENC_VNI, "VNI"};
  check_cs(&vni, "Tiếng Việt được ban hành", "Tiếng Việt được ban hành");
  free(vni.bytes);

  /* UTF-8 with a few invalid bytes: kept, bad bytes become U+FFFD */
  char *bad = malloc(strlen(utf8) + 8);
  if (bad) {
    strcpy(bad, utf8);
    char *p = strstr(bad, "Trụ sở");
    if (p) p[0] = '\xff'; /* "Trụ" -> "\xffrụ" */
    cs_case inv = {"invalid UTF-8", bad, strlen(bad), NULL, TEXT_ENC_INVALID_UTF8, "UTF-8"};
    check_cs(&inv, CS_TITLE, "tại \xEF\xBF\xBDrụ sở");
    free(bad);
  }
  free(utf8), free(w1258_meta), free(latin1_meta), free(utf8_meta);
}

/* NFD text and "Ð" (U+00D0): the header rules fold before they compare. */
static void test_nfd_and_eth(void) {
  /* "Số: 215/TB-UBND", "ngày 28 tháng 7 năm 2021", "THÔNG BÁO" decomposed */
  static const char NFD[] =
    "<html><body><table><tr><td>U\xCC\x89Y BAN NHA\xCC\x82N DA\xCC\x82N<br>QUA\xCC\x82\xCC\xA3N "
    "TA\xCC\x82Y HO\xCC\x82\xCC\x80<br>So\xCC\x82\xCC\x81: 215/TB-UBND</td><td>Ta\xCC\x82y "
    "Ho\xCC\x82\xCC\x80, nga\xCC\x80y 28 tha\xCC\x81ng 7 na\xCC\x86m 2021</td></tr></table>"
    "<p>THO\xCC\x82NG BA\xCC\x81O</p><p>Ve\xCC\x82\xCC\x80 vie\xCC\xA3\xCC\x82\x63 tie\xCC\x82"
    "\xCC\x81p co\xCC\x82ng da\xCC\x82n</p><p>No\xCC\xA3\xCC\x82i dung.</p></body></html>";
  extract_result r;
  char err[128];
  CHECK_INT(run(NFD, sizeof NFD - 1, "https://portal.example/nfd.html", NULL, NULL, &r, err,
                sizeof err),
            EXTRACT_OK);
  CHECK_STR(r.rec.number, "215/TB-UBND");
  CHECK_STR(r.rec.date, "2021-07-28");
  CHECK_STR(r.rec.type, "Thông báo");
  CHECK(r.rec.issuer && strncmp(r.rec.issuer, "U\xCC\x89Y BAN", 6) == 0);
  extract_result_clear(&r);

  static const char ETH[] = "<html><body><p>ỦY BAN NHÂN DÂN QUẬN TÂY HỒ</p><p>Số: 1732/Q\xC3\x90-UBND"
                            "</p><p>Tây Hồ, ngày 12 tháng 8 năm 2021</p><p>QUYẾT ĐỊNH</p>"
                            "<p>Về việc ban hành Quy chế</p></body></html>";
  CHECK_INT(run(ETH, sizeof ETH - 1, "https://portal.example/eth.html", NULL, NULL, &r, err,
                sizeof err),
            EXTRACT_OK);
  CHECK_STR(r.rec.number, "1732/QĐ-UBND");
  CHECK_STR(r.rec.type, "Quyết định");
  CHECK_STR(r.rec.title, "Quyết định về việc ban hành Quy chế");
  CHECK_STR(r.rec.issuer, "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ");
  extract_result_clear(&r);
}

/* ------------------------------------------------------------------ */
/* 4. Hostile input                                                     */
/* ------------------------------------------------------------------ */

static void expect_status(const char *what, const char *page, size_t len, extract_status want,
                          const char *err_has) {
  extract_result r;
  char err[256] = "";
  extract_status st = run(page, len, "https://portal.example/h.html", NULL, NULL, &r, err, sizeof err);
  if (st != want) fprintf(stderr, "  %s: %s (%s)\n", what, extract_strerror(st), err);
  CHECK_INT(st, want);
  if (err_has && !contains(err, err_has)) fprintf(stderr, "  %s: error \"%s\"\n", what, err);
  if (err_has) CHECK(contains(err, err_has));
  if (st != EXTRACT_OK) { /* cleared on error */
    CHECK(r.rec.id == NULL && r.links == NULL && r.n_links == 0);
  }
  extract_result_clear(&r);
}

static char *repeat(const char *unit, size_t times, const char *head, const char *tail,
                    size_t *len) {
  size_t u = strlen(unit), h = strlen(head), t = strlen(tail);
  char *p = malloc(h + u * times + t + 1);
  if (!p) return NULL;
  memcpy(p, head, h);
  for (size_t i = 0; i < times; i++) memcpy(p + h + i * u, unit, u);
  memcpy(p + h + u * times, tail, t + 1);
  *len = h + u * times + t;
  return p;
}

static void test_hostile(void) {
  /* too big: refused before anything is decoded */
  size_t big = EXTRACT_MAX_PAGE + 1;
  char *huge = malloc(big);
  if (huge) {
    memset(huge, 'a', big);
    memcpy(huge, "<html><body>", 12);
    expect_status("16 MB + 1", huge, big, EXTRACT_TOO_BIG, "limit");
    free(huge);
  }
  /* not HTML */
  expect_status("empty", "", 0, EXTRACT_NOT_HTML, NULL);
  expect_status("NULL page", NULL, 5, EXTRACT_NOT_HTML, NULL);
  static const char TEXT[] = "Đây là một tệp văn bản thuần, không có thẻ nào. 3 < 4 và 5 > 2.";
  expect_status("plain text", TEXT, sizeof TEXT - 1, EXTRACT_NOT_HTML, "no HTML tag");
  static const char PDF[] = "%PDF-1.4\n1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n";
  expect_status("PDF", PDF, sizeof PDF - 1, EXTRACT_NOT_HTML, "binary");
  static const char ZIP[] = "PK\x03\x04\x14\x00\x06\x00<html>";
  expect_status("DOCX", ZIP, sizeof ZIP - 1, EXTRACT_NOT_HTML, "binary");

  extract_result r;
  char err[256];
  /* a date label cut short after a number ("Ngày ban hành 12", "Ngày ký 3-"):
     no date, and nothing read past the line's end (ASan watches) */
  static const char CUT[] = "<html><body><h1>Tin</h1><p>Ngày ký 3-</p><p>Ngày ký xác thực 1/2/</p>"
                            "<p>Ngày ban hành 1/2/20256</p><p>Ngày ban hành 12</p></body></html>";
  CHECK_INT(run(CUT, sizeof CUT - 1, "https://p.example/c", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK(r.rec.date == NULL);
  extract_result_clear(&r);
  /* NUL bytes: dropped, the text after them kept */
  static const char NUL[] = "<html><body><h1>Tiêu\0 đề</h1><p>trước\0sau NUL</p>\0<p>cuối</p></body></html>";
  CHECK_INT(run(NUL, sizeof NUL - 1, "https://p.example/n", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK_STR(r.rec.title, "Tiêu đề");
  CHECK(contains(r.rec.body, "trướcsau NUL"));
  CHECK(contains(r.rec.body, "cuối"));
  extract_result_clear(&r);

  /* 100,000 nested tags: no stack overflow anywhere, and nothing lost: the
     tree stops growing at its depth limit (extract.c, EX_MAX_DEPTH) and the
     text at the bottom goes to the element there (libxml2's own limit of
     256 once dropped it). */
  size_t len;
  char *deep = repeat("<div><span>", 100000, "<html><body><h1>Tiêu đề</h1><p>đầu trang</p>",
                      "<p>đáy sâu</p></body></html>", &len);
  if (deep) {
    CHECK_INT(run(deep, len, "https://p.example/deep", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
    CHECK_STR(r.rec.title, "Tiêu đề");
    CHECK(contains(r.rec.body, "đầu trang"));
    CHECK(contains(r.rec.body, "đáy sâu"));
    CHECK(r.parse_flattened > 0);
    CHECK_INT(r.parsed_text_chars, r.page_text_chars);
    extract_result_clear(&r);
    free(deep);
  }
  /* XXE: an external entity and an external DTD; nothing may be loaded */
  static const char XXE[] =
    "<!DOCTYPE html SYSTEM \"file:///etc/passwd\" [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
    "<html><head><title>XXE &xxe;</title></head><body><p>a &xxe; b</p>"
    "<p>c <!ENTITY y SYSTEM \"file:///etc/hostname\"> &y; d</p></body></html>";
  CHECK_INT(run(XXE, sizeof XXE - 1, "https://p.example/x", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK(!contains(r.rec.body, "root:"));
  CHECK(!contains(r.rec.title, "root:"));
  extract_result_clear(&r);

  /* truncated: the first 60% of a page */
  size_t plen = 0;
  char *page = slurp(FIXTURES "portal_news.html", &plen);
  if (page) {
    CHECK_INT(run(page, plen * 6 / 10, "https://p.example/t", NULL, NULL, &r, err, sizeof err),
              EXTRACT_OK);
    CHECK_STR(r.rec.date, "2021-07-03");
    CHECK(contains(r.rec.title, "Kiểm tra việc thực hiện"));
    extract_result_clear(&r);
    free(page);
  }
  /* malformed markup is counted, not printed */
  CHECK_INT(run_file(FIXTURES "broken.html", "https://p.example/b", NULL, &r), EXTRACT_OK);
  CHECK(r.parse_errors > 0);
  extract_result_clear(&r);

  /* too many links: EXTRACT_MAX_LINKS kept */
  char *links = repeat("<a href=\"/f.pdf\">f</a>", EXTRACT_MAX_LINKS + 1000, "<html><body>",
                       "</body></html>", &len);
  if (links) {
    CHECK_INT(run(links, len, "https://p.example/l", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
    CHECK_INT(r.n_links, EXTRACT_MAX_LINKS);
    CHECK_INT(r.n_attachments, EXTRACT_MAX_LINKS);
    extract_result_clear(&r);
    free(links);
  }
  /* a 30,000-letter title is cut at a character boundary */
  char *longt = repeat("Đường ", 5000, "<html><body><h1>", "</h1><p>x</p></body></html>", &len);
  if (longt) {
    CHECK_INT(run(longt, len, "https://p.example/lt", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
    CHECK(r.rec.title && strlen(r.rec.title) <= EXTRACT_MAX_FIELD && strlen(r.rec.title) > 1000);
    CHECK(r.rec.title && strncmp(r.rec.title + strlen(r.rec.title) - 2, "\xC4\x90", 2) != 0 &&
          ((unsigned char)r.rec.title[strlen(r.rec.title) - 1] & 0xC0) != 0xC0);
    extract_result_clear(&r);
    free(longt);
  }
  /* a profile whose XPath does not compile */
  extract_profile bad = {.title = "//h1[", .date = NULL};
  static const char OK[] = "<html><body><h1>x</h1></body></html>";
  CHECK_INT(run(OK, sizeof OK - 1, "https://p.example/p", NULL, &bad, &r, err, sizeof err),
            EXTRACT_BAD_PROFILE);
  CHECK(contains(err, "title") && contains(err, "//h1["));
  CHECK(r.rec.id == NULL);
  extract_result_clear(&r);
  extract_result_clear(NULL);
  CHECK(extract_builtin_profile("nope") == NULL);
  CHECK(extract_builtin_profile(NULL) == NULL);
  CHECK_STR(extract_strerror(EXTRACT_TOO_BIG), "page too big");
}

/* Mutated fixtures (fixed seed): random bytes overwritten, inserted '<',
   '>', '"', NUL and high bytes, cuts anywhere. Every result is OK or
   NOT_HTML, every field valid UTF-8 (ASan/UBSan builds watch the rest). */
static int valid_utf8(const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  while (s && *u) {
    int n = *u < 0x80 ? 1 : (*u >> 5) == 6 ? 2 : (*u >> 4) == 14 ? 3 : (*u >> 3) == 30 ? 4 : 0;
    if (!n) return 0;
    for (int i = 1; i < n; i++)
      if ((u[i] & 0xC0) != 0x80) return 0;
    u += n;
  }
  return 1;
}

static void test_mutations(void) {
  static const char *const FILES[] = {"portal_news.html", "doc_header.html", "doc_properties.html",
                                      "news_og.html", "broken.html"};
  static const char NASTY[] = "<>\"'&;/=\0\xff\xc3\xe1\x80";
  unsigned seed = 12345;
  for (size_t f = 0; f < sizeof FILES / sizeof FILES[0]; f++) {
    char path[512];
    snprintf(path, sizeof path, FIXTURES "%s", FILES[f]);
    size_t len = 0;
    char *orig = slurp(path, &len);
    CHECK(orig != NULL);
    for (int round = 0; orig && round < 60; round++) {
      char *p = malloc(len + 1);
      if (!p) break;
      memcpy(p, orig, len + 1);
      size_t n = len;
      for (int k = 0; k < 1 + round % 8; k++) {
        seed = seed * 1103515245u + 12345u;
        p[(seed >> 8) % n] = NASTY[(seed >> 20) % (sizeof NASTY - 1)];
      }
      if (round % 3 == 0) n = (seed >> 4) % n + 1; /* truncated too */
      extract_result r;
      char err[128];
      extract_status st = run(p, n, "https://p.example/m", NULL,
                              round % 2 ? extract_builtin_profile("vbpl") : NULL, &r, err, sizeof err);
      CHECK(st == EXTRACT_OK || st == EXTRACT_NOT_HTML);
      const char *fields[] = {r.rec.title, r.rec.date, r.rec.number, r.rec.type, r.rec.issuer,
                              r.rec.category, r.rec.body};
      for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) CHECK(valid_utf8(fields[i]));
      for (size_t i = 0; i < r.n_links; i++) CHECK(valid_utf8(r.links[i].text));
      extract_result_clear(&r);
      free(p);
    }
    free(orig);
  }
}

/* ------------------------------------------------------------------ */
/* 5. Real vbpl.vn pages                                                */
/* ------------------------------------------------------------------ */

#define U "https://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=1"
static const field_case VBPL_CASES[] = {
  /* thuộc tính: the property table */
  {"vbpl_thuoctinh.html", U, "vbpl", "Bộ luật 101/2015/QH13 Tố tụng hình sự", "2015-11-27",
   "101/2015/QH13", "Bộ luật", "Quốc hội", "Văn bản pháp luật",
   {"Số ký hiệu\n101/2015/QH13", "Nguyễn Sinh Hùng"}, {"Tải về", "CSDL Trung ương"}},
  /* generic: the <title> "Trung ương" only names a section (a crumb), so
     the page's own crumb is the title */
  {"vbpl_thuoctinh.html", U, NULL, "Bộ luật 101/2015/QH13", "2015-11-27", "101/2015/QH13", "Bộ luật",
   "Quốc hội", "Văn bản pháp luật", {"Số ký hiệu\n101/2015/QH13"}, {"Tải về"}},
  {"vbpl_thuoctinh_2.html", U, "vbpl", "Hiến pháp Không số Hiến pháp năm 2013", "2013-11-28",
   NULL, "Hiến pháp", "Quốc hội", "Văn bản pháp luật", {"Công báo số 1003+1004"}, {0}},
  {"vbpl_thuoctinh_2.html", U, NULL, "Hiến pháp Không số", "2013-11-28", NULL, "Hiến pháp", "Quốc hội",
   "Văn bản pháp luật", {"Công báo số 1003+1004"}, {0}},
  /* văn bản hợp nhất (thuộc tính) */
  {"vbpl_v2.html", U, "vbpl", "Luật 31/VBHN-VPQH hợp nhất Luật Xử lý vi phạm hành chính",
   "2020-12-07", "31/VBHN-VPQH", "Văn bản hợp nhất", "Văn phòng Quốc hội", "Văn bản hợp nhất",
   {"Nguyễn Hạnh Phúc"}, {0}},
  {"vbpl_v2.html", U, NULL, "Luật 31/VBHN-VPQH", "2020-12-07", "31/VBHN-VPQH", "Văn bản hợp nhất",
   "Văn phòng Quốc hội", "Văn bản hợp nhất", {"Nguyễn Hạnh Phúc"}, {0}},
  /* toàn văn: the header table and div#toanvancontent */
  {"vbpl_initial.html", U, "vbpl", "Bộ luật 100/2015/QH13", "2015-11-27", "100/2015/QH13",
   "Bộ luật", "QUỐC HỘI", "Văn bản pháp luật",
   {"BỘ LUẬT\nHÌNH SỰ", "Điều 1. Nhiệm vụ của Bộ luật hình sự"}, {"Toàn văn\n", "Lược đồ"}},
  {"vbpl_initial.html", U, NULL, "Bộ luật hình sự", "2015-11-27", "100/2015/QH13", "Bộ luật",
   "QUỐC HỘI", "Văn bản pháp luật", {"Điều 1. Nhiệm vụ của Bộ luật hình sự"}, {"Lược đồ"}},
  {"vbpl_v3.html", U, "vbpl", "Bộ luật 101/2015/QH13", "2015-11-27", "101/2015/QH13", "Bộ luật",
   "QUỐC HỘI", "Văn bản pháp luật", {"BỘ LUẬT\nTỐ TỤNG HÌNH SỰ"}, {0}},
  {"vbpl_v1.html", U, "vbpl", "Hiến pháp Không số", "2013-11-28", NULL, "Hiến pháp", "QUỐC HỘI",
   "Văn bản pháp luật", {"HIẾN PHÁP", "LỜI NÓI ĐẦU"}, {0}},
  {"vbpl_v1_older.html", U, "vbpl", "Hiến pháp Không số", "2001-12-25", NULL, "Hiến pháp",
   "QUỐC HỘI", "Văn bản pháp luật", {"LỜI NÓI ĐẦU"}, {0}},
  {"vbpl_v2_older.html", U, "vbpl", "Hiến pháp Không số", "2013-11-28", NULL, "Hiến pháp",
   "QUỐC HỘI", "Văn bản pháp luật", {"LỜI NÓI ĐẦU"}, {0}},
  /* lược đồ, liên quan: the breadcrumb, and the date the diagram's info
     block gives its document ("Ngày ký xác thực: 07/12/2020") */
  {"vbpl_luocdo_hopnhat.html", U, "vbpl", "Luật 31/VBHN-VPQH", "2020-12-07", NULL, NULL, NULL,
   "Văn bản hợp nhất", {0}, {0}},
  {"vbpl_luocdo_phaply.html", U, "vbpl", "Hiến pháp Không số", NULL, NULL, NULL, NULL,
   "Văn bản pháp luật", {0}, {0}},
  /* the "Ngày ban hành: ..." lines of the related list are the other
     documents' dates, not this page's */
  {"vbpl_related_doc.html", U, "vbpl", "Hiến pháp Không số", NULL, NULL, NULL, NULL,
   "Văn bản pháp luật", {"Hiến pháp năm 1992"}, {0}},
  /* search result fragments: a list is not a document, no fields */
  {"vbpl_search.html", U, "vbpl", NULL, NULL, NULL, NULL, NULL, NULL, {0}, {0}},
  {"vbpl_search_initial.html", U, "vbpl", NULL, NULL, NULL, NULL, NULL, NULL, {0}, {0}},
  /* anle.toaan.gov.vn (Oracle ADF, the page wrapped in a <form>) */
  {"anle_thuoctinh.html", "https://anle.toaan.gov.vn/webcenter/portal/anle/chitietanle", NULL,
   "63/2023/AL", "2023-02-01", "63/2023/AL", NULL, NULL, "Hành chính", {0}, {0}},
};
#undef U

static int have_dir(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static void test_vbpl(void) {
  if (!have_dir(VBPL)) {
    printf("test_extract: %s missing, real vbpl.vn checks skipped\n", VBPL);
    return;
  }
  for (size_t i = 0; i < sizeof VBPL_CASES / sizeof VBPL_CASES[0]; i++) {
    int before = check_failed;
    check_case(VBPL, &VBPL_CASES[i]);
    if (check_failed != before)
      fprintf(stderr, "  ^ in %s (profile %s)\n", VBPL_CASES[i].file,
              VBPL_CASES[i].profile ? VBPL_CASES[i].profile : "none");
  }
  /* attachments hidden in javascript:downloadfile(...) and WopiFrame links */
  extract_result r;
  CHECK_INT(run_file(VBPL "vbpl_thuoctinh.html", "https://vbpl.vn/TW/Pages/vbpq-thuoctinh.aspx", NULL, &r),
            EXTRACT_OK);
  CHECK_INT(r.n_attachments, 5);
  if (r.n_attachments >= 3) {
    CHECK_STR(r.attachments[0].url, "https://vbpl.vn/TW/Lists/vbpq/Attachments/96172/101.2015.QH13.doc");
    CHECK_STR(r.attachments[2].url,
              "https://vbpl.vn/FileData/TW/Lists/vbpq/Attachments/96172/VanBanGoc_101.2015.QH13.P1.pdf");
  }
  extract_result_clear(&r);
}

/* ------------------------------------------------------------------ */
/* 6. The sample portal (corpus/site)                                   */
/* ------------------------------------------------------------------ */

#define S "http://127.0.0.1:8000/"
static const field_case SITE_CASES[] = {
  /* (a) news */
  {"tin-tuc/cac-phuong-van-hanh-chinh-quyen-do-thi.html", S "tin-tuc/a.html", NULL,
   "Các phường trên địa bàn quận Tây Hồ chính thức vận hành mô hình chính quyền đô thị",
   "2021-07-01", NULL, NULL, "Văn phòng HĐND&UBND quận", "Cải cách hành chính",
   {"Từ ngày 01/7/2021"}, {"Văn bản mới", "Liên kết website", "Đang truy cập"}},
  /* (b) og: metadata */
  {"tin-tuc/ho-tro-nguoi-dan-kho-khan-trong-gian-cach.html", S "tin-tuc/b.html", NULL,
   "Hỗ trợ kịp thời người dân gặp khó khăn trong thời gian giãn cách xã hội", "2021-08-20",
   NULL, NULL, NULL, "Phòng chống dịch", {0}, {0}},
  /* (c) document header */
  {"van-ban/215-tb-ubnd-2021.html", S "van-ban/c.html", NULL,
   "Thông báo về việc thực hiện giãn cách xã hội trên địa bàn quận Tây Hồ", "2021-07-28",
   "215/TB-UBND", "Thông báo", "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", "Văn bản chỉ đạo điều hành",
   {"Căn cứ Chỉ thị số 17/CT-UBND"}, {0}},
  {"van-ban/1325-ubnd-nv-2021.html", S "van-ban/cv.html", NULL, NULL, "2021-06-30",
   "1325/UBND-NV", "Công văn", "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", NULL, {0}, {0}},
  /* (d) property table */
  {"van-ban/quang-an-27-qd-ubnd-2023.html", S "van-ban/d.html", NULL, NULL, "2023-05-08",
   "27/QĐ-UBND", "Quyết định", "UBND phường Quảng An", "Tổ chức bộ máy", {0}, {0}},
  /* specials: windows-1258 bytes, "Ð", NFD, a charset lie, broken and truncated */
  {"van-ban/06-tb-ubnd-2024.html", S "van-ban/cp1258.html", NULL, NULL, "2024-01-03",
   "06/TB-UBND", "Thông báo", "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", NULL, {"08/TB-UBND"}, {0}},
  {"van-ban/1732-qd-ubnd-2021.html", S "van-ban/eth.html", NULL, NULL, "2021-08-12",
   "1732/QĐ-UBND", "Quyết định", "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", NULL, {0}, {0}},
  {"tin-tuc/huong-dan-nop-ho-so-truc-tuyen.html", S "tin-tuc/nfd.html", NULL, NULL, "2022-10-04",
   NULL, NULL, NULL, NULL, {0}, {0}},
  {"tin-tuc/ky-niem-25-nam-thanh-lap-quan.html", S "tin-tuc/lie.html", NULL,
   "Kỷ niệm 25 năm ngày thành lập quận Tây Hồ", "2020-10-28", NULL, NULL, NULL, NULL, {0}, {0}},
  {"tin-tuc/ra-quan-tong-ve-sinh-moi-truong.html", S "tin-tuc/broken.html", NULL,
   "Phường Xuân La ra quân tổng vệ sinh môi trường đón Tết Nhâm Dần", "2022-01-23", NULL, NULL,
   NULL, NULL, {0}, {0}},
};
#undef S

/* Fields given as NULL in SITE_CASES are "don't care" when marked here. */
static void test_site(void) {
  if (!have_dir(SITE "van-ban")) {
    printf("test_extract: %s missing, sample portal checks skipped\n", SITE);
    return;
  }
  for (size_t i = 0; i < sizeof SITE_CASES / sizeof SITE_CASES[0]; i++) {
    field_case c = SITE_CASES[i];
    char path[1024];
    snprintf(path, sizeof path, "%s%s", SITE, c.file);
    extract_result r;
    if (run_file(path, c.url, NULL, &r) != EXTRACT_OK) {
      CHECK(0);
      continue;
    }
    int before = check_failed;
    /* on the site only the fields the case names are checked */
    if (c.title) CHECK_STR(r.rec.title, c.title);
    if (c.date) CHECK_STR(r.rec.date, c.date);
    if (c.number) CHECK_STR(r.rec.number, c.number);
    if (c.type) CHECK_STR(r.rec.type, c.type);
    if (c.issuer) CHECK_STR(r.rec.issuer, c.issuer);
    if (c.category) CHECK_STR(r.rec.category, c.category);
    for (size_t k = 0; k < 3 && c.body_has[k]; k++) CHECK(contains(r.rec.body, c.body_has[k]));
    for (size_t k = 0; k < 8 && c.body_lacks[k]; k++) CHECK(!contains(r.rec.body, c.body_lacks[k]));
    if (check_failed != before) fprintf(stderr, "  ^ in %s\n", c.file);
    extract_result_clear(&r);
  }
  /* the windows-1258 page is decoded, the lying one is UTF-8 */
  extract_result r;
  if (run_file(SITE "van-ban/06-tb-ubnd-2024.html", "http://x/1", NULL, &r) == EXTRACT_OK)
    CHECK_STR(r.charset, "windows-1258");
  extract_result_clear(&r);
  if (run_file(SITE "tin-tuc/ky-niem-25-nam-thanh-lap-quan.html", "http://x/2", NULL, &r) == EXTRACT_OK)
    CHECK_STR(r.charset, "UTF-8");
  extract_result_clear(&r);
}

/* ------------------------------------------------------------------ */
/* 7. Listing pages: lists of links are told from documents             */
/* ------------------------------------------------------------------ */

static int is_listing_name(const char *name) {
  return strcmp(name, "index.html") == 0 || strncmp(name, "trang-", 6) == 0;
}

static void check_listing(const char *path, int want) {
  extract_result r;
  if (run_file(path, "http://127.0.0.1:8000/x.html", NULL, &r) != EXTRACT_OK) {
    CHECK(0);
    return;
  }
  if (r.listing != want)
    fprintf(stderr, "%s: listing %d, expected %d (%zu links, %zu bytes of own text)\n", path,
            r.listing, want, r.main_links, r.main_chars);
  CHECK_INT(r.listing, want);
  extract_result_clear(&r);
}

/* Every page of the sample portal: its home, news and document lists
 * (index.html, trang-N.html) are listings; every article and document,
 * whatever its sidebar of other news, is not. On the real vbpl.vn pages,
 * the related-documents list and the relation diagram are listings; full
 * texts, property pages and the case-law page are not. */
static void test_listings(void) {
  static const char *const dirs[] = {"", "tin-tuc/", "van-ban/"};
  int pages = 0;
  for (size_t d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s%s", SITE, dirs[d]);
    DIR *dp = opendir(dir);
    if (!dp) continue;
    struct dirent *e;
    while ((e = readdir(dp))) {
      size_t n = strlen(e->d_name);
      if (n < 6 || strcmp(e->d_name + n - 5, ".html") != 0) continue;
      char path[2048];
      snprintf(path, sizeof path, "%s%s", dir, e->d_name);
      check_listing(path, is_listing_name(e->d_name));
      pages++;
    }
    closedir(dp);
  }
  CHECK(pages >= 38);
  if (!have_dir(VBPL)) return;
  static const struct {
    const char *file;
    int listing;
  } vbpl[] = {{"vbpl_related_doc.html", 1},  {"vbpl_luocdo_phaply.html", 1},
              {"vbpl_v3.html", 0},           {"vbpl_initial.html", 0},
              {"vbpl_v1.html", 0},           {"vbpl_thuoctinh.html", 0},
              {"vbpl_thuoctinh_2.html", 0},  {"vbpl_v2.html", 0},
              {"vbpl_luocdo_hopnhat.html", 0}, {"anle_thuoctinh.html", 0}};
  for (size_t i = 0; i < sizeof vbpl / sizeof vbpl[0]; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s%s", VBPL, vbpl[i].file);
    check_listing(path, vbpl[i].listing);
  }
}


/* ------------------------------------------------------------------ */
/* 8. Real portals' conventions (issue 15): one rule per case           */
/* ------------------------------------------------------------------ */

/* A department portal's article page, the way Liferay and most provincial
 * portals lay it out: a <title> with the category and the site's name
 * appended, a menu, a heading in a div, a posting line, the text. */
static char *portal_page(const char *title_tag, const char *heading, const char *posted,
                         const char *text) {
#define PORTAL_FMT                                                                                  \
  "<html><head><meta charset='utf-8'><title>%s</title></head><body>"                               \
  "<nav><a href='/'>Trang chủ</a> <a href='/tin'>Tin tức</a> <a href='/vb'>Văn bản</a></nav>"     \
  "<div class='dd_chuyenmuc'><span><a href='/'>Trang chủ</a></span><span><p>Văn bản chỉ đạo</p>" \
  "</span></div><div class='asset'><div class='asset-full-content-title'>%s</div>"               \
  "<div class='assetPublishDate'>%s</div><div class='journal-content-article'>%s</div></div>"     \
  "<footer>Sở Thông tin và Truyền thông tỉnh Hòa Bình</footer></body></html>"
  size_t n = strlen(PORTAL_FMT) + strlen(title_tag) + strlen(heading) + strlen(posted) + strlen(text) + 1;
  char *page = malloc(n);
  if (page) snprintf(page, n, PORTAL_FMT, title_tag, heading, posted, text);
  return page;
#undef PORTAL_FMT
}

typedef struct {
  const char *rule;
  const char *title_tag, *heading, *posted, *text;
  const char *title, *date, *date_source, *posted_out, *number, *type, *issuer;
} portal_case;

static const portal_case PORTAL_CASES[] = {
    {"the title without ' - category - site', from the heading the page prints",
     "Công văn về việc thử nghiệm - Văn bản chỉ đạo - Sở Thông Tin Và Truyền Thông",
     "Công văn về việc thử nghiệm", "31/07/2017 | 2:20 PM",
     "<p>Công văn số 729/STTTT-BCVT ngày 03/5/2017 của Sở Thông tin và Truyền thông về việc thử nghiệm.</p>"
     "<p>Chi tiết xem văn bản đính kèm./.</p>",
     "Công văn về việc thử nghiệm", "2017-05-03", "text", "2017-07-31", "729/STTTT-BCVT", "Công văn",
     "Sở Thông tin và Truyền thông"},
    {"number, type and date from the title; an abbreviated type ('QĐ 528/...')",
     "QĐ 528/QĐ-UBND ngày 29/01/2018 v/v công bố thủ tục - Văn bản - Cổng thông tin",
     "QĐ 528/QĐ-UBND ngày 29/01/2018 v/v công bố thủ tục", "05/02/2018 | 9:00 AM",
     "<p>Chi tiết xem tại văn bản đính kèm.</p>",
     "QĐ 528/QĐ-UBND ngày 29/01/2018 v/v công bố thủ tục", "2018-01-29", "title", "2018-02-05",
     "528/QĐ-UBND", "Quyết định", NULL},
    {"'Toàn văn TYPE số N của ISSUER': the lead's own number and issuer, no date: posted",
     "Chỉ thị về việc tăng cường tiết kiệm - Văn bản - Sở X", "Chỉ thị về việc tăng cường tiết kiệm",
     "Publish date 06/05/2014 | 12:00 AM | View count: 571",
     "<p>Toàn văn Chỉ thị số 30/CT-TTg của Thủ tướng Chính phủ xem tại file đính kèm./.</p>",
     "Chỉ thị về việc tăng cường tiết kiệm", "2014-05-06", "posted", "2014-05-06", "30/CT-TTg", "Chỉ thị",
     "Thủ tướng Chính phủ"},
    {"'Ngày D, ISSUER đã ban hành TYPE số N': the dated lead; the number's type wins the title's",
     "Công khai số liệu dự toán năm 2019", "Công khai số liệu dự toán năm 2019", "Ngày đăng 05/04/2019 | 10:10 AM",
     "<p>Ngày 14/3/2019, Sở Tư pháp đã ban hành Quyết định số 31/QĐ-STP về việc công khai số liệu.</p>",
     "Công khai số liệu dự toán năm 2019", "2019-03-14", "text", "2019-04-05", "31/QĐ-STP", "Quyết định",
     "Sở Tư pháp"},
    {"a cited number is not the page's own ('Căn cứ ...', 'Thực hiện ...')",
     "Thông báo lịch thi tuyển công chức", "Thông báo lịch thi tuyển công chức", "23/08/2022 | 2:28 PM",
     "<p>Căn cứ Thông báo số 2468/TB-HĐTT ngày 22/8/2022 của Hội đồng thi tuyển;</p>"
     "<p>Sở Nội vụ tỉnh Hòa Bình thông báo lịch tổ chức thi tuyển công chức năm 2022.</p>",
     "Thông báo lịch thi tuyển công chức", "2022-08-23", "posted", "2022-08-23", NULL, "Thông báo",
     "Sở Nội vụ tỉnh Hòa Bình"},
    {"the issuer from the number's code, with the place the page names",
     "Quy định về quản lý cột ăng ten trên địa bàn tỉnh Hòa Bình", "Quy định về quản lý cột ăng ten trên địa bàn tỉnh Hòa Bình",
     "31/07/2017 | 3:45 PM",
     "<p>Quyết định số 07/2017/QĐ-UBND ngày 17/3/2017 về ban hành Quy định.</p>",
     "Quy định về quản lý cột ăng ten trên địa bàn tỉnh Hòa Bình", "2017-03-17", "text", "2017-07-31",
     "07/2017/QĐ-UBND", "Quyết định", "Ủy ban nhân dân tỉnh Hòa Bình"},
    {"a number written without its slash ('1704STTTT-BCVT'); joint issuers of a TTLT",
     "Công văn số 1704STTTT-BCVT về việc ngừng dịch vụ (Lần 4)", "Công văn số 1704STTTT-BCVT về việc ngừng dịch vụ (Lần 4)",
     "04/11/2013 | 12:00 AM", "<p>Chi tiết xem tại văn bản đính kèm./.</p>",
     "Công văn số 1704STTTT-BCVT về việc ngừng dịch vụ (Lần 4)", "2013-11-04", "posted", "2013-11-04",
     "1704/STTTT-BCVT", "Công văn", "Sở Thông tin và Truyền thông"},
    {"a mixed-case code the vocabulary knows ('974/TTra'); the date after it, the issuer after 'của'",
     "Công văn về ảnh hưởng của sóng điện từ - Trạm BTS - Sở X", "Công văn về ảnh hưởng của sóng điện từ",
     "31/07/2017 | 2:20 PM",
     "<p>Công văn số 974/TTra ngày 03/5/2012 của Thanh tra Bộ Thông tin và Truyền thông về ảnh hưởng.</p>",
     "Công văn về ảnh hưởng của sóng điện từ", "2012-05-03", "text", "2017-07-31", "974/TTra", "Công văn",
     "Thanh tra Bộ Thông tin và Truyền thông"},
    {"the title's number, dated by the lead that cites it again",
     "Nghị định số 84/2014/NĐ-CP của Chính phủ: Quy định chi tiết", "Nghị định số 84/2014/NĐ-CP của Chính phủ: Quy định chi tiết",
     "Publish date 12/09/2014 | 12:00 AM",
     "<p>Nghị định số 84/2014/NĐ-CP ngày 08/09/2014 của Chính phủ: Quy định chi tiết. Chi tiết xem tại văn bản đính kèm./.</p>",
     "Nghị định số 84/2014/NĐ-CP của Chính phủ: Quy định chi tiết", "2014-09-08", "text", "2014-09-12",
     "84/2014/NĐ-CP", "Nghị định", "Chính phủ"},
    {"a <title> that is only the site's name gives way to the heading; a date alone under it is the "
     "posting date; 'ký ban hành ngày D' after the number is its date",
     "Cổng thông tin điện tử huyện Lạc Sơn", "Quyết định phê duyệt quy hoạch chung xây dựng xã", "20/05/2020",
     "<p>Quyết định số 1520/QĐ-UBND do Chủ tịch UBND huyện Lạc Sơn ký ban hành ngày 15/5/2020 về việc phê "
     "duyệt quy hoạch.</p>",
     "Quyết định phê duyệt quy hoạch chung xây dựng xã", "2020-05-15", "text", "2020-05-20", "1520/QĐ-UBND",
     "Quyết định", "Ủy ban nhân dân huyện Lạc Sơn"},
    {"a news item: no number, no type, no issuer; its date is the posting date",
     "Chuẩn hóa 35 thủ tục hành chính", "Chuẩn hóa 35 thủ tục hành chính", "12/09/2016 | 9:00 AM",
     "<p>Ngày 29/8, Ủy ban nhân dân Thành phố ban hành quyết định chuẩn hóa thủ tục hành chính.</p>",
     "Chuẩn hóa 35 thủ tục hành chính", "2016-09-12", "posted", "2016-09-12", NULL, NULL, NULL},
    {"Cyrillic look-alikes in a title's number read as Latin",
     "Nghị định số 07/2025/NĐ-\xd0\xa1\xd0\xa0 sửa đổi một số điều", "Nghị định số 07/2025/NĐ-\xd0\xa1\xd0\xa0 sửa đổi một số điều",
     "", "<p>Chính phủ ban hành Nghị định.</p>",
     "Nghị định số 07/2025/NĐ-\xd0\xa1\xd0\xa0 sửa đổi một số điều", NULL, NULL, NULL, "07/2025/NĐ-CP",
     "Nghị định", "Chính phủ"},
};

static void test_portal_rules(void) {
  for (size_t i = 0; i < sizeof PORTAL_CASES / sizeof PORTAL_CASES[0]; i++) {
    const portal_case *c = &PORTAL_CASES[i];
    char *page = portal_page(c->title_tag, c->heading, c->posted, c->text);
    extract_result r;
    char err[256];
    int before = check_failed;
    CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/a.html", NULL, NULL, &r, err, sizeof err),
              EXTRACT_OK);
    CHECK_FIELD(r.rec.title, c->title);
    CHECK_FIELD(r.rec.date, c->date);
    CHECK_FIELD(r.rec.date_source, c->date_source);
    CHECK_FIELD(r.rec.posted, c->posted_out);
    CHECK_FIELD(r.rec.number, c->number);
    CHECK_FIELD(r.rec.type, c->type);
    CHECK_FIELD(r.rec.issuer, c->issuer);
    CHECK_INT(r.listing, 0);
    if (check_failed != before) fprintf(stderr, "  ^ portal rule: %s\n", c->rule);
    extract_result_clear(&r);
    free(page);
  }
}

/* No paragraph dropped: a lead kept in a block beside the article's
 * ("sapo") is part of the body, and its number the page's own; a print
 * view whose <body> has a "popup" class is read like any page. */
static void test_portal_body(void) {
  const char *page =
      "<html><head><meta charset='utf-8'><title>Phê duyệt Chương trình - Sở X</title></head>"
      "<body class='portal-popup'><div class='portlet-body'><div class='asset-full-content-title'>Phê duyệt "
      "Chương trình</div><div class='asset-content'><div class='sapo-wrapper'><p class='sapo'><strong>Quyết "
      "định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ:</strong></p></div><div class='article'>"
      "<h2>Về việc phê duyệt Đề án xác định Bộ chỉ số đánh giá chuyển đổi số của các bộ, cơ quan ngang bộ, "
      "cơ quan thuộc Chính phủ và các tỉnh, thành phố trực thuộc Trung ương.</h2><p><a href='/vb.pdf'>Nội "
      "dung chi tiết văn bản tại đây.</a></p></div></div></div></body></html>";
  extract_result r;
  char err[256];
  CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/p.html", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK(contains(r.rec.body, "Quyết định số 749/QĐ-TTg"));
  CHECK(contains(r.rec.body, "Bộ chỉ số đánh giá"));
  CHECK_STR(r.rec.number, "749/QĐ-TTg");
  CHECK_STR(r.rec.date, "2020-06-03");
  CHECK_STR(r.rec.issuer, "Thủ tướng Chính phủ");
  extract_result_clear(&r);
  /* an article of one line under its heading, a longer category label above:
     the article is the body, the label is no issuer */
  const char *short_page =
      "<html><head><meta charset='utf-8'><title>Luật thực hành tiết kiệm - Sở X</title></head><body>"
      "<div class='cm'><span><a href='/'>Home</a></span><span><p>Phòng chống tham nhũng và thực hành tiết "
      "kiệm chống lãng phí</p></span></div><div class='asset'><div class='asset-title'>Luật thực hành tiết "
      "kiệm</div><div class='date'>06/05/2014 | 12:00 AM</div><div class='text'>Chi tiết xem tại file "
      "đính kèm./.</div></div></body></html>";
  CHECK_INT(run(short_page, strlen(short_page), "http://127.0.0.1:8000/s.html", NULL, NULL, &r, err, sizeof err),
            EXTRACT_OK);
  CHECK(contains(r.rec.body, "Chi tiết xem tại file đính kèm"));
  CHECK(r.rec.issuer == NULL);
  CHECK_STR(r.rec.type, "Luật");
  extract_result_clear(&r);
  /* a fragment with no <title> and no <h1>: its <h3>, on one line; a
     citation in parentheses is no number of its own */
  const char *fragment =
      "\xef\xbb\xbf<h3>\n  Đề mục 41.10\n  <br />\n  Quy chế đặt tên đường, phố\n</h3><div class='_content'>"
      "<p>Điều 41.10.NĐ.1.</p><p>(Điều 1 Nghị định số 91/2005/NĐ-CP ngày 11/07/2005 của Chính phủ)</p>"
      "<p>Việc đặt tên, đổi tên đường, phố và công trình công cộng phải bảo đảm các nguyên tắc sau đây.</p></div>";
  CHECK_INT(run(fragment, strlen(fragment), "http://127.0.0.1:8000/f.html", NULL, NULL, &r, err, sizeof err),
            EXTRACT_OK);
  CHECK_STR(r.rec.title, "Đề mục 41.10 Quy chế đặt tên đường, phố");
  CHECK(r.rec.number == NULL);
  CHECK(r.rec.type == NULL);
  extract_result_clear(&r);
}

/* The built-in profiles on real pages (../shared): vbpl.vn's 2025/26
 * layout reads its Ant Design property table (a consolidated text's "Ngày
 * ký xác thực"); the Liferay view_content article reads its heading and
 * its lead with the text. */
static void test_profiles_real(void) {
  if (!have_dir(PORTAL "vbpl.vn")) {
    printf("test_extract: %s missing, real portal profile checks skipped\n", PORTAL);
    return;
  }
  static const struct {
    const char *file, *profile, *date, *number, *type, *issuer, *title_starts, *body_has;
  } CASES[] = {
      {"vbpl.vn/vbhn-8376-vbhn-btp.html", "vbpl", "2025-12-18", "8376/VBHN-BTP", "Văn bản hợp nhất", "Bộ Tư pháp",
       "Văn bản hợp nhất số 8376", NULL},
      {"vbpl.vn/vbhn-06-vbhn-bnv.html", "vbpl", "2026-02-11", "06/VBHN-BNV", "Văn bản hợp nhất", "Bộ Nội vụ",
       "Văn bản hợp nhất số 06/VBHN-BNV Quy định chi tiết", NULL}, /* as written: "hƣớng" */
      /* the generic extractor too: "Ngày ký xác thực11/02/2026", label and
         value adjacent spans of one line */
      {"vbpl.vn/vbhn-06-vbhn-bnv.html", NULL, "2026-02-11", "06/VBHN-BNV", "Văn bản hợp nhất", "Bộ Nội vụ",
       "Văn bản hợp nhất số 06/VBHN-BNV Quy định chi tiết", NULL},
      {"vbpl.vn/vbhn-8376-vbhn-btp.html", NULL, "2025-12-18", "8376/VBHN-BTP", "Văn bản hợp nhất", "Bộ Tư pháp",
       "Văn bản hợp nhất số 8376", NULL},
      {"vbpl.vn/nq-66.15-2026-nq-cp.html", "vbpl", "2026-02-13", "66.15/2026/NQ-CP", "Nghị quyết", NULL,
       "Nghị quyết số 66.15/2026/NQ-CP", "Căn cứ Luật Nhà ở"},
      {"vbpl.vn/nd-07-2025-nd-cp.html", NULL, "2025-01-09", "07/2025/NĐ-CP", "Nghị định", NULL,
       "Nghị định số 07/2025/NĐ-", "Căn cứ Luật Hộ tịch"}, /* the title's Cyrillic "СР" as written */
      {"sotttt.hanoi.gov.vn/a26-4378879-phe-duyet-chuong-trinh-chuyen-doi-so-quoc-gia-den-nam-2025-d.html",
       "liferay", "2020-06-03", "749/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", "Phê duyệt Chương trình",
       "Quyết định số 749/QĐ-TTg"},
      {"sotttt.hanoi.gov.vn/a26-4378879-phe-duyet-chuong-trinh-chuyen-doi-so-quoc-gia-den-nam-2025-d.html",
       NULL, "2020-06-03", "749/QĐ-TTg", "Quyết định", "Thủ tướng Chính phủ", "Phê duyệt Chương trình",
       "Quyết định số 749/QĐ-TTg"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s%s", PORTAL, CASES[i].file);
    extract_result r;
    int before = check_failed;
    if (run_file(path, "https://example.vn/a.html", extract_builtin_profile(CASES[i].profile), &r) != EXTRACT_OK) {
      CHECK(0);
      continue;
    }
    CHECK_STR(r.rec.date, CASES[i].date);
    CHECK_STR(r.rec.number, CASES[i].number);
    CHECK_STR(r.rec.type, CASES[i].type);
    if (CASES[i].issuer) CHECK_STR(r.rec.issuer, CASES[i].issuer);
    CHECK(r.rec.title && strncmp(r.rec.title, CASES[i].title_starts, strlen(CASES[i].title_starts)) == 0);
    if (CASES[i].body_has) CHECK(contains(r.rec.body, CASES[i].body_has));
    if (check_failed != before)
      fprintf(stderr, "  ^ in %s (profile %s)\n", CASES[i].file, CASES[i].profile ? CASES[i].profile : "none");
    extract_result_clear(&r);
  }
  CHECK(extract_builtin_profile("liferay") != NULL);
  CHECK(extract_builtin_profile("thuvienphapluat") != NULL);
}

/* Listings, both ways: a category page whose items are all links (a table
 * of documents) and a news list (title link, date, summary per item) are
 * listings; an article with a few links in its text is not. */
static void test_portal_listings(void) {
  char rows[8192] = "<table><tr><th>Tiêu đề</th></tr>";
  for (int i = 0; i < 12; i++) {
    char row[512];
    snprintf(row, sizeof row, "<tr><td><a href='/vb/%d.html'>Quyết định số %d/QĐ-UBND về việc ban hành quy chế %d</a></td></tr>",
             i, 100 + i, i);
    strcat(rows, row);
  }
  strcat(rows, "</table>");
  char *page = portal_page("Văn bản chỉ đạo - Sở X", "Văn bản chỉ đạo", "", rows);
  extract_result r;
  char err[256];
  CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/l.html", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK_INT(r.listing, 1);
  CHECK(r.rec.number == NULL);
  extract_result_clear(&r);
  free(page);
  char items[16384] = "";
  for (int i = 0; i < 8; i++) {
    char item[1024];
    snprintf(item, sizeof item,
             "<div class='item'><div class='c'><h3><a href='/tin/%d.html'>Triển khai nhiệm vụ chuyển đổi số đợt %d</a></h3>"
             "<div class='d'>10/08/2016 | 10:17 AM</div><div class='s'>Ngày 02/8/2016, Ủy ban nhân dân tỉnh có văn bản về "
             "việc triển khai các nhiệm vụ chuyển đổi số trên địa bàn, giao các sở, ngành và địa phương thực hiện đợt %d.</div></div></div>",
             i, i, i);
    strcat(items, item);
  }
  /* an item's summary that cites a number the header's way is no header */
  strcat(items, "<div class='item'><div class='c'><h3><a href='/vb/hd.html'>Hướng dẫn triển khai</a></h3>"
                "<div class='s'>Hướng dẫn số: 12/HD-STP</div></div></div>");
  page = portal_page("Tin tức - Sở X", "Tin tức", "", items);
  CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/n.html", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK_INT(r.listing, 1);
  extract_result_clear(&r);
  free(page);
  /* a search page: a few hits, then its pages */
  page = portal_page("Tìm kiếm - Sở X", "Kết quả tìm kiếm", "",
                     "<p><a href='/a.html'>Quy hoạch chung</a></p><p><a href='/b.html'>Thông báo tuyển dụng</a></p>"
                     "<p><a href='/tim?q=x&amp;page=2'>2</a> <a href='/tim?q=x&amp;page=3'>3</a> "
                     "<a href='/tim?q=x&amp;page=2'>Trang sau</a></p>");
  CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/tim?q=x", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK_INT(r.listing, 1);
  extract_result_clear(&r);
  free(page);
  page = portal_page("Kế hoạch chuyển đổi số", "Kế hoạch chuyển đổi số", "01/02/2021 | 8:00 AM",
                     "<p>Kế hoạch số 12/KH-UBND ngày 20/01/2021 triển khai <a href='/a'>Nghị quyết</a>, "
                     "<a href='/b'>Chỉ thị</a> và <a href='/c'>Quyết định</a> của Thành phố.</p>");
  CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/k.html", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
  CHECK_INT(r.listing, 0);
  CHECK_STR(r.rec.number, "12/KH-UBND");
  extract_result_clear(&r);
  free(page);
}

/* A category page that shows its newest item in full, a news list paged
 * one item at a time: the item (with its own number), "other news", then
 * the list's pager, in the block around the item. page holds the pager
 * there (where = 1), in a sidebar's box of new documents (where = 2), or
 * nowhere (where = 0). */
static char *item_page(int where) {
  char other[2048] = "", pager[1024] = "";
  for (int i = 0; i < 4; i++) {
    char li[512];
    snprintf(li, sizeof li, "<li><a href='/thong-bao/-/view/%d-ke-hoach-so-%d.html'>Kế hoạch kiểm tra số %d"
             "</a> (0%d/02/2023)</li>", 900 + i, 30 + i, 30 + i, i + 1);
    strcat(other, li);
  }
  for (int i = 1; i <= 5; i++) {
    char a[256];
    snprintf(a, sizeof a, "<a href='/thong-bao?cur=%d'>%d</a> ", i, i);
    strcat(pager, a);
  }
  strcat(pager, "<a href='/thong-bao?cur=2'>Tiếp</a>");
#define ITEM_FMT                                                                                    \
      "<html><head><meta charset='utf-8'><title>Thông báo - Sở Y tế</title></head><body>" \
      "<div class='hd'><a href='/'>Trang chủ</a> <a href='/thong-bao'>Thông báo</a></div>" \
      "<div class='wrap'><div class='col-main'><div class='cat'>Thông báo</div>" \
      "<div class='news-detail'><h2 class='news-title'>Kế hoạch kiểm tra an toàn thực phẩm năm 2023</h2>" \
      "<div class='time'>14/02/2023 | 9:05 AM</div>" \
      "<div class='content'><p><b>Kế hoạch số 35/KH-SYT ngày 10/02/2023 của Sở Y tế</b></p>" \
      "<p>Về việc kiểm tra điều kiện bảo đảm an toàn thực phẩm đối với các cơ sở sản xuất, kinh doanh " \
      "thực phẩm trên địa bàn tỉnh trong dịp Tết Nguyên đán và mùa lễ hội năm 2023.</p>" \
      "<p><a href='/files/kh-35.pdf'>Xem chi tiết văn bản</a></p></div>" \
      "<div class='other'><div>Tin cùng chuyên mục</div><ul>%s</ul></div>" \
      "<div class='trang'>%s</div></div></div>" \
      "<div class='col-right'><div class='box'><div>Văn bản mới</div><ul>%s</ul><div class='trang'>%s</div></div></div>" \
      "</div><div class='ft'>Sở Y tế tỉnh Yên Bái</div></body></html>"
  size_t n = strlen(ITEM_FMT) + 3 * sizeof other;
  char *page = malloc(n);
  if (page)
    snprintf(page, n, ITEM_FMT, other, where == 1 ? pager : "", where == 2 ? other : "", where == 2 ? pager : "");
  return page;
#undef ITEM_FMT
}

/* Listing shapes that used to be taken for documents: a category page
 * showing its newest item in full above the list's pager (whatever number
 * the item states), and a search page whose filter form (choice lists, a
 * keyword box, a button) sits above the one hit it shows in full and links
 * to the other hits. And what stays a document: the same item without the
 * pager, or with a pager in a sidebar's box; an article with a comment form
 * and links in its text. */
static void test_listing_shapes(void) {
  static const struct {
    int where, listing;
  } ITEM[] = {{1, 1}, {0, 0}, {2, 0}};
  extract_result r;
  char err[256];
  for (size_t i = 0; i < sizeof ITEM / sizeof ITEM[0]; i++) {
    char *page = item_page(ITEM[i].where);
    CHECK(page != NULL);
    if (!page) return;
    CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/thong-bao", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
    if (r.listing != ITEM[i].listing) fprintf(stderr, "item page, pager at %d: listing %d\n", ITEM[i].where, r.listing);
    CHECK_INT(r.listing, ITEM[i].listing);
    CHECK_STR(r.rec.number, "35/KH-SYT");
    extract_result_clear(&r);
    free(page);
  }
  static const char *const FORMS[] = {
      /* a search page: filters, then the first hit in full, then the others */
      "<form action='/tthc' method='get'><table><tr><td>Lĩnh vực</td><td><select name='lv'><option>Y tế dự phòng"
      "</option><option>Dược</option></select></td></tr><tr><td>Từ khóa</td><td><input name='q' type='text'>"
      "</td><td><button type='submit'>Tìm kiếm</button></td></tr></table></form>",
      /* an article: what readers write back */
      "<form action='/y-kien' method='post'><p>Họ tên <input name='ten'></p><p>Ý kiến <textarea name='nd'>"
      "</textarea></p><input type='submit' value='Gửi'></form>"};
  for (size_t i = 0; i < 2; i++) {
    char hits[2048] = "";
    for (int k = 0; k < 6; k++) {
      char li[256];
      snprintf(li, sizeof li, "<li><a href='/tthc?id=%d'>Thủ tục cấp giấy phép hành nghề số %d</a></li>", 4100 + k, k);
      strcat(hits, li);
    }
    char body[8192];
    snprintf(body, sizeof body,
             "%s<table><tr><td>Tên thủ tục</td><td>Cấp chứng chỉ hành nghề dược</td></tr>"
             "<tr><td>Trình tự thực hiện</td><td>Tổ chức, cá nhân nộp hồ sơ đề nghị cấp chứng chỉ hành nghề dược "
             "tại Bộ phận tiếp nhận và trả kết quả; trong thời hạn 20 ngày kể từ ngày nhận đủ hồ sơ, Sở Y tế cấp "
             "chứng chỉ hoặc trả lời bằng văn bản và nêu rõ lý do.</td></tr><tr><td>Thành phần hồ sơ</td><td>Đơn đề "
             "nghị, bản sao văn bằng chuyên môn, giấy xác nhận thời gian thực hành, giấy chứng nhận đủ sức khỏe, "
             "phiếu lý lịch tư pháp và hai ảnh chân dung cỡ 4 x 6 cm chụp trong vòng sáu tháng.</td></tr>"
             "<tr><td>Yêu cầu, điều kiện</td><td>Có văn bằng chuyên môn phù hợp với vị trí hành nghề, có thời gian "
             "thực hành chuyên môn tại cơ sở dược hợp pháp theo quy định, có giấy chứng nhận đủ sức khỏe do cơ sở "
             "khám bệnh, chữa bệnh cấp và không thuộc trường hợp đang bị truy cứu trách nhiệm hình sự hoặc đang "
             "chấp hành bản án, quyết định của Tòa án; không trong thời gian bị cấm hành nghề.</td></tr></table>"
             "<p>Các thủ tục liên quan khác</p><ul>%s</ul>",
             FORMS[i], hits);
    char *page = portal_page("Thủ tục hành chính - Sở Y tế", "Thủ tục hành chính", "", body);
    CHECK(page != NULL);
    if (!page) return;
    CHECK_INT(run(page, strlen(page), "http://127.0.0.1:8000/tthc?id=4099", NULL, NULL, &r, err, sizeof err), EXTRACT_OK);
    if (r.listing != (i == 0)) fprintf(stderr, "form %zu: listing %d (%zu links)\n", i, r.listing, r.main_links);
    CHECK_INT(r.listing, i == 0);
    extract_result_clear(&r);
    free(page);
  }
}

/* ------------------------------------------------------------------ */
/* Tools                                                                */
/* ------------------------------------------------------------------ */

static int dump(const char *path, const char *url, const char *prof) {
  size_t len;
  char *page = slurp(path, &len);
  if (!page) return perror(path), 1;
  extract_result r;
  char err[256] = "";
  extract_status st = extract_page(page, len, url, NULL, extract_builtin_profile(prof), &r, err, sizeof err);
  free(page);
  printf("status %s %s\ncharset %s enc %s errors %d\n", extract_strerror(st), err, r.charset,
         text_encoding_name(r.encoding), r.parse_errors);
  printf("title: %s\ndate: %s\nnumber: %s\ntype: %s\nissuer: %s\ncategory: %s\n", r.rec.title,
         r.rec.date, r.rec.number, r.rec.type, r.rec.issuer, r.rec.category);
  printf("body (%zu bytes):\n%s\n", r.rec.body ? strlen(r.rec.body) : 0, r.rec.body ? r.rec.body : "");
  printf("links %zu attachments %zu listing %d (main block: %zu links, %zu bytes)\n", r.n_links,
         r.n_attachments, r.listing, r.main_links, r.main_chars);
  for (size_t i = 0; i < r.n_attachments; i++)
    printf("  attachment %s [%s]\n", r.attachments[i].url, r.attachments[i].text);
  extract_result_clear(&r);
  return 0;
}

static int bench(const char *path, int n) {
  size_t len;
  char *page = slurp(path, &len);
  if (!page) return perror(path), 1;
  /* CPU time of this process: the machine is shared, wall time lies */
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  for (int i = 0; i < n; i++) {
    extract_result r;
    char err[128];
    extract_page(page, len, "http://127.0.0.1:8000/x.html", NULL, NULL, &r, err, sizeof err);
    extract_result_clear(&r);
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%s: %zu bytes, %d pages in %.3f s of CPU: %.0f pages/s\n", path, len, n, s, n / s);
  free(page);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "--dump") == 0)
    return dump(argv[2], argc > 3 ? argv[3] : "https://example.vn/a/b.html", argc > 4 ? argv[4] : NULL);
  if (argc >= 4 && strcmp(argv[1], "--bench") == 0) return bench(argv[2], atoi(argv[3]));
  extract_global_init();
  test_layouts();
  test_legal_metadata();
  test_links();
  test_charsets();
  test_nfd_and_eth();
  test_hostile();
  test_mutations();
  test_vbpl();
  test_site();
  test_listings();
  test_portal_rules();
  test_portal_listings();
  test_listing_shapes();
  test_portal_body();
  test_profiles_real();
  CHECK_INT(stderr_bytes, 0);
  return check_summary("test_extract");
}
