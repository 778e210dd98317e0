/* test_query: the query module over a real index built from a dozen records
 * written here, one named case per promise of query.h. Every expected order
 * or score is computed from what the records say (their dates, the blend
 * formula), not copied from a run.
 *
 *   test_query                 every case
 *   test_query CASE...         only these (a failure names its case)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "indexer/indexer.h"
#include "model/record.h"
#include "query/query.h"
#include "tests/unit/check.h"

/* The index every case reads; built once by main. */
static engine_db *db;
static char dir[] = "/tmp/tracuu-test-query.XXXXXX";

#define TODAY "2024-06-01"

typedef struct {
  const char *id, *title, *date, *number, *type, *issuer, *body;
} doc;

/* Two spellings of one issuer, numbers that cite each other, two documents
 * alike but for their dates, a long body whose match is far from its top. */
static const doc DOCS[] = {
    {"qd-2696", "Quyết định về phòng chống dịch bệnh", "2021-07-03", "2696/QĐ-UBND", "Quyết định",
     "UBND quận Tây Hồ",
     "Quyết định phòng chống dịch bệnh COVID-19 trên địa bàn quận Tây Hồ. Giao các phường "
     "thực hiện."},
    {"tb-cite-new", "Thông báo triển khai", "2021-08-01", "15/TB-UBND", "Thông báo",
     "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ",
     "Thực hiện Quyết định số 2696/QĐ-UBND của quận về phòng chống dịch, các phường báo cáo."},
    {"kh-cite-old", "Kế hoạch của phường", "2021-07-20", "7/KH-UBND", "Kế hoạch", "UBND phường Bưởi",
     "Căn cứ Quyết định số 2696/QĐ-UBND, phường Bưởi lập kế hoạch tuyên truyền."},
    {"ts-old", "Tuyển sinh", "1990-05-01", NULL, "Thông báo", "Phòng Giáo dục",
     "Kế hoạch tuyển sinh lớp mười, tuyển sinh lớp mười năm học mới."},
    {"ts-new", "Tuyển sinh", "2024-05-01", NULL, "Thông báo", "Phòng Giáo dục",
     "Kế hoạch tuyển sinh lớp mười năm học mới của quận."},
    {"cv-1", "Công văn về đất đai", "2022-03-10", "101/UBND-TNMT", "Công văn", "UBND quận Tây Hồ",
     "Về việc cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình trên địa bàn quận."},
    {"cv-2", "Công văn về xây dựng", "2022-04-11", "102/UBND-QLĐT", "Công văn", "UBND quận Tây Hồ",
     "Về việc cấp phép xây dựng nhà ở riêng lẻ trên địa bàn quận."},
    {"tb-3", "Thông báo lịch tiếp dân", "2023-01-05", "3/TB-UBND", "Thông báo", "UBND quận Tây Hồ",
     "Lịch tiếp công dân định kỳ của lãnh đạo quận trong quý I."},
    {"tb-4", "Thông báo nghỉ Tết", "2023-01-15", "4/TB-UBND", "Thông báo", "UBND quận Tây Hồ",
     "Cán bộ công chức của quận nghỉ Tết Nguyên đán theo quy định."},
    {"qd-5", "Quyết định khen thưởng", "2023-02-01", "5/QĐ-UBND", "Quyết định", "UBND quận Tây Hồ",
     "Khen thưởng tập thể và cá nhân của quận có thành tích xuất sắc."},
    {"qd-6", "Quyết định thành lập tổ công tác", "2023-03-01", "6/QĐ-UBND", "Quyết định",
     "UBND quận Tây Hồ", "Thành lập tổ công tác chuyển đổi số của quận."},
    {"long", "Báo cáo dài", "2023-04-01", NULL, "Báo cáo", "UBND quận Tây Hồ", NULL /* built */},
};
#define N_DOCS (sizeof DOCS / sizeof DOCS[0])

/* The body of "long": filler, then the one sentence a query can find. */
static char *long_body(void) {
  size_t cap = 8192, n = 0;
  char *b = malloc(cap);
  if (!b) return NULL;
  for (int i = 0; i < 60; i++)
    n += (size_t)snprintf(b + n, cap - n, "Nội dung báo cáo phần %d về công tác thường kỳ. ", i);
  snprintf(b + n, cap - n, "Đề nghị tổ chức tiêm chủng vắc xin cho người cao tuổi. Hết.");
  return b;
}

/* Documents with attached files (record.h "attachments"):
 *   att-page  a portal page that says only "see the attachment", posted
 *             2024-01-05; its file's header has the number, the date of
 *             issue and the issuer, and its second page was read by OCR
 *   att-both  a page stating its own number; its file states another
 *   att-alone a file given alone (no title, no body)
 *   att-name  a file whose stamped number OCR misread (81512), named
 *             after its number */
static const char ATT_PAGE_TEXT[] =
    "ỦY BAN NHÂN DÂN\nQUẬN BA ĐÌNH\nSố: 215/TB-UBND\nBa Đình, ngày 20 tháng 12 năm 2023\n"
    "THÔNG BÁO\nVề việc phòng chống dịch cúm gia cầm\nCác phường kiểm tra đàn gà.\n"
    "Ủy ban nhân dân các phường rà soát các hộ chăn nuôi, lập danh sách, báo cáo số lượng "
    "theo từng tổ dân phố, tổ chức tuyên truyền cho người dân về các biện pháp phòng bệnh, "
    "vệ sinh chuồng trại và khử trùng định kỳ hằng tuần trên toàn địa bàn quận.\f"
    "Trang hai: tiêu hủy gia cầm bị bệnh theo quy định của thú y.";

static int add_attached(indexer *ix) {
  struct {
    const char *id, *title, *number, *date, *date_source, *body, *url, *text;
    int ocr_page;
  } A[] = {
      {"att-page", "Thông báo của quận", NULL, "2024-01-05", "posted",
       "Chi tiết xem văn bản đính kèm.", "http://q.gov.vn/files/tb-15.pdf", ATT_PAGE_TEXT, 2},
      {"att-both", "Kế hoạch số 77/KH-UBND về thể thao", "77/KH-UBND", "2023-05-05", "title",
       "Kế hoạch tổ chức giải bóng bàn.", "http://q.gov.vn/files/kh.docx",
       "ỦY BAN NHÂN DÂN QUẬN BA ĐÌNH\nSố: 88/KH-UBND\nKẾ HOẠCH\nGiải bóng bàn cán bộ.", 0},
      {"att-alone", NULL, NULL, NULL, NULL, NULL, "/srv/files/qd-9.pdf",
       "ỦY BAN NHÂN DÂN\nQUẬN BA ĐÌNH\nSố: 9/QĐ-UBND\nBa Đình, ngày 02 tháng 3 năm 2022\n"
       "QUYẾT ĐỊNH\nVề việc thành lập đội phản ứng nhanh\nĐiều 1. Thành lập đội.",
       0},
      {"att-name", "Văn bản của Bộ", NULL, "2023-09-09", "posted", "Xem tệp.",
       "http://q.gov.vn/files/bnv-8151-bnv-cchc-lay-y-kien.pdf",
       "BỘ NỘI VỤ\nSố: 81512/BNV-CCHC\nV/v lấy ý kiến góp ý dự thảo báo cáo", 1},
      /* handwritten digits OCR could not read; the names hold them */
      {"att-hand", NULL, NULL, NULL, NULL, NULL, "http://q.gov.vn/files/1716-qd-thanh-lap.pdf",
       "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 4⁄6 /QĐÐ-UBND Lâm Đồng, ngày 16 tháng 10 năm 2025\n"
       "QUYẾT ĐỊNH\nVề việc thành lập Hội đồng thẩm định", 1},
      {"att-hand2", NULL, NULL, NULL, NULL, NULL, "http://q.gov.vn/files/1_4409.signed.pdf",
       "BỘ CÔNG AN\nSố: 409 /BCA-C04 Hà Nội, ngày 01 tháng 10 năm 2025\nV/v tham gia ý kiến", 1},
      /* a scanner's name; digits garbled; a line of the text begins "số" */
      {"att-hand3", NULL, NULL, NULL, NULL, NULL, "http://q.gov.vn/files/3980_0001-1.pdf",
       "BỘ CÔNG AN\nSố: 3 3#/C04-P6 Hà Nội, ngày #Š năm 2025\nV/v chuẩn bị triển khai\n"
       "Đề nghị cấp giấy chứng nhận theo Quyết định\nsố 984/QĐ-BCA-C04 ngày 21/02/2025 của Bộ "
       "Công an phê duyệt Đề án.", 1},
      /* an upload's id for a name, its first digit not the header's */
      {"att-hand4", NULL, NULL, NULL, NULL, NULL, "http://q.gov.vn/files/28125.pdf",
       "BỘ CÔNG AN\nSố: 4đÝ/TTr-CAT-PC04 Lâm Đồng, ngày 1P tháng 12 năm 2025\nTỜ TRÌNH", 1},
  };
  for (size_t i = 0; i < sizeof A / sizeof A[0]; i++) {
    record_attachment *a = calloc(1, sizeof *a);
    record r = {.id = strdup(A[i].id), .title = A[i].title ? strdup(A[i].title) : NULL,
                .number = A[i].number ? strdup(A[i].number) : NULL,
                .date = A[i].date ? strdup(A[i].date) : NULL,
                .date_source = A[i].date_source ? strdup(A[i].date_source) : NULL,
                .body = A[i].body ? strdup(A[i].body) : NULL, .attachments = a, .n_attachments = 1};
    a->url = strdup(A[i].url);
    a->type = strdup("pdf");
    a->text = strdup(A[i].text);
    a->pages = 2;
    if (A[i].ocr_page) {
      a->ocr_pages = 1;
      a->ocr_at = malloc(sizeof *a->ocr_at);
      a->ocr_at[0] = A[i].ocr_page;
      a->n_ocr_at = 1;
    }
    engine_status st = indexer_add(ix, &r);
    record_clear(&r);
    if (st != ENGINE_OK) return -1;
  }
  return 0;
}

static int build_index(void) {
  char path[sizeof dir + 8];
  snprintf(path, sizeof path, "%s/db", dir);
  indexer *ix = NULL;
  char *msg = NULL;
  if (indexer_open(path, &ix, &msg) != ENGINE_OK) {
    fprintf(stderr, "cannot build the test index: %s\n", msg ? msg : "?");
    free(msg);
    return -1;
  }
  int rc = 0;
  for (size_t i = 0; i < N_DOCS && rc == 0; i++) {
    const doc *d = &DOCS[i];
    char *body = d->body ? strdup(d->body) : long_body();
    record r = {.id = strdup(d->id), .title = strdup(d->title), .date = strdup(d->date),
                .number = d->number ? strdup(d->number) : NULL, .type = strdup(d->type),
                .issuer = strdup(d->issuer), .body = body};
    if (indexer_add(ix, &r) != ENGINE_OK) rc = -1;
    record_clear(&r);
  }
  if (rc == 0 && add_attached(ix) != 0) rc = -1;
  if (indexer_close(ix) != ENGINE_OK) rc = -1;
  const char *names[] = {path};
  if (rc == 0 && engine_db_open(names, 1, 0, &db, &msg) != ENGINE_OK) {
    fprintf(stderr, "cannot open the test index: %s\n", msg ? msg : "?");
    free(msg);
    rc = -1;
  }
  return rc;
}

/* Runs text (with sort, offset, limit) and returns the result, or NULL
 * after a failed CHECK. */
static query_result *run(const char *text, query_sort sort, uint32_t offset, uint32_t limit) {
  query_request req;
  query_request_init(&req);
  req.text = text;
  req.sort = sort;
  req.offset = offset;
  req.limit = limit;
  req.today = TODAY;
  query_result *res = NULL;
  char err[256] = "";
  engine_status qs = query_run(db, &req, &res, err, sizeof err);
  if (qs != ENGINE_OK) fprintf(stderr, "query \"%s\": %s\n", text, err);
  CHECK_INT(qs, ENGINE_OK);
  return qs == ENGINE_OK ? res : NULL;
}

/* The ids of the hits, space-separated, into out. */
static const char *ids(const query_result *res, char *out, size_t cap) {
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; res && i < res->n_hits && n < cap; i++)
    n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? " " : "", res->hits[i].rec.id);
  return out;
}

static int rank_of(const query_result *res, const char *id) {
  for (size_t i = 0; res && i < res->n_hits; i++)
    if (strcmp(res->hits[i].rec.id, id) == 0) return (int)i + 1;
  return 0;
}

static double days_of(const char *ymd) {
  int y, m, d;
  if (!record_date_valid(ymd, &y, &m, &d)) return 0;
  /* days from civil (Howard Hinnant's algorithm), for the expected factor */
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (double)(era * 146097 + doe - 719468);
}

TEST(accentless_finds_what_accented_finds) {
  char a[512], b[512];
  query_result *accented = run("phòng chống dịch", QUERY_SORT_RELEVANCE, 0, 20);
  query_result *plain = run("phong chong dich", QUERY_SORT_RELEVANCE, 0, 20);
  CHECK(accented && accented->n_hits >= 2);
  ids(accented, a, sizeof a);
  ids(plain, b, sizeof b);
  /* The same documents; an accented query may order exact spellings first,
   * so compare as sets. */
  for (size_t i = 0; accented && plain && i < accented->n_hits; i++)
    CHECK(rank_of(plain, accented->hits[i].rec.id) > 0);
  CHECK_INT(plain ? plain->n_hits : 0, accented ? accented->n_hits : 1);
  query_result_free(accented);
  query_result_free(plain);
}

TEST(own_number_ranks_first_then_its_citations) {
  /* Ranked orders; --sort date stays newest first (query_ref below puts
   * the own number first in date order). */
  for (int sort = QUERY_SORT_BLEND; sort <= QUERY_SORT_RELEVANCE; sort++) {
    query_result *res = run("2696/QĐ-UBND", (query_sort)sort, 0, 10);
    CHECK(res && res->n_hits == 3);
    if (!res || res->n_hits != 3) continue;
    CHECK_STR(res->hits[0].rec.id, "qd-2696");
    CHECK(rank_of(res, "tb-cite-new") > 1 && rank_of(res, "kh-cite-old") > 1);
    query_result_free(res);
  }
  /* Spelled without accents and in lower case, and by its bare number. */
  query_result *res = run("2696/qd-ubnd", QUERY_SORT_BLEND, 0, 10);
  CHECK(res && res->n_hits == 3 && strcmp(res->hits[0].rec.id, "qd-2696") == 0);
  query_result_free(res);
  query_result *ref = NULL;
  char err[256];
  CHECK_INT(query_ref(db, "2696/QĐ-UBND", 10, &ref, err, sizeof err), ENGINE_OK);
  CHECK(ref && ref->n_hits == 3 && strcmp(ref->hits[0].rec.id, "qd-2696") == 0);
  /* query_ref: then newest first */
  CHECK(ref && ref->n_hits == 3 && rank_of(ref, "tb-cite-new") < rank_of(ref, "kh-cite-old"));
  query_result_free(ref);
}

TEST(blend_multiplies_relevance_by_recency) {
  /* ts-old says the words twice and is 34 years old; ts-new once, and new. */
  query_result *rel = run("tuyển sinh lớp mười", QUERY_SORT_RELEVANCE, 0, 10);
  query_result *blend = run("tuyển sinh lớp mười", QUERY_SORT_BLEND, 0, 10);
  CHECK(rel && blend && rel->n_hits == 2 && blend->n_hits == 2);
  if (!rel || !blend || rel->n_hits != 2 || blend->n_hits != 2) goto out;
  CHECK_STR(rel->hits[0].rec.id, "ts-old"); /* more of the words: more relevant */
  double now = days_of(TODAY), w = QUERY_DEFAULT_RECENCY_WEIGHT;
  double expected_first = 0;
  for (size_t i = 0; i < 2; i++) {
    const query_hit *h = &blend->hits[i];
    double age = now - days_of(h->rec.date);
    double factor = 1 - w + w * pow(0.5, age / QUERY_DEFAULT_HALFLIFE_DAYS);
    CHECK(fabs(h->score - h->relevance * factor) < 1e-9);
    if (i == 0) expected_first = h->score;
    else CHECK(expected_first >= h->score);
  }
  /* Whichever wins, it is the one whose blended score is higher. */
  int old_wins = rel->hits[0].relevance * (1 - w + w * pow(0.5, (now - days_of("1990-05-01")) /
                                                                   QUERY_DEFAULT_HALFLIFE_DAYS)) >
                 rel->hits[1].relevance *
                     (1 - w + w * pow(0.5, (now - days_of("2024-05-01")) / QUERY_DEFAULT_HALFLIFE_DAYS));
  CHECK_STR(blend->hits[0].rec.id, old_wins ? "ts-old" : "ts-new");
out:
  query_result_free(rel);
  query_result_free(blend);
}

TEST(every_sort_order_pages_with_offsets) {
  static const char *const names[] = {"blend", "relevance", "date"};
  for (int sort = QUERY_SORT_BLEND; sort <= QUERY_SORT_DATE; sort++) {
    char all_ids[1024], paged[1024] = "", page[512];
    query_result *all = run("quận", (query_sort)sort, 0, 100);
    CHECK(all && all->n_hits >= 8);
    ids(all, all_ids, sizeof all_ids);
    for (uint32_t off = 0; all && off < all->n_hits; off += 3) {
      query_result *p = run("quận", (query_sort)sort, off, 3);
      if (!p) break;
      for (size_t i = 0; i < p->n_hits; i++) CHECK_INT(p->hits[i].rank, off + i + 1);
      size_t n = strlen(paged);
      snprintf(paged + n, sizeof paged - n, "%s%s", n ? " " : "", ids(p, page, sizeof page));
      query_result_free(p);
    }
    if (strcmp(paged, all_ids) != 0) fprintf(stderr, "sort %s: pages %s\n", names[sort], paged);
    CHECK_STR(paged, all_ids);
    if (sort == QUERY_SORT_DATE)
      for (size_t i = 1; all && i < all->n_hits; i++)
        CHECK(strcmp(all->hits[i - 1].rec.date, all->hits[i].rec.date) >= 0);
    query_result_free(all);
  }
}

TEST(issuer_facet_merges_spellings) {
  query_request req;
  query_request_init(&req);
  req.text = "phòng chống dịch";
  req.facets = 1;
  req.today = TODAY;
  query_result *res = NULL;
  char err[256];
  CHECK_INT(query_run(db, &req, &res, err, sizeof err), ENGINE_OK);
  const query_facet *issuer = NULL;
  for (size_t f = 0; res && f < res->n_facets; f++)
    if (strcmp(res->facets[f].name, "issuer") == 0) issuer = &res->facets[f];
  CHECK(issuer != NULL);
  uint64_t tay_ho = 0;
  for (size_t i = 0; issuer && i < issuer->n; i++) {
    CHECK(strcmp(issuer->values[i].value, "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ") != 0); /* merged away */
    if (strcmp(issuer->values[i].value, "UBND quận Tây Hồ") == 0) tay_ho = issuer->values[i].count;
  }
  CHECK_INT(tay_ho, 2);
  query_result_free(res);
  /* And the filter finds both spellings. */
  query_request_init(&req);
  req.text = "phòng chống dịch";
  req.issuer = "UBND quận Tây Hồ";
  CHECK_INT(query_run(db, &req, &res, err, sizeof err), ENGINE_OK);
  CHECK(res && rank_of(res, "qd-2696") && rank_of(res, "tb-cite-new"));
  query_result_free(res);
}

TEST(snippet_window_shows_the_match) {
  query_result *res = run("tiêm chủng vắc xin", QUERY_SORT_RELEVANCE, 0, 1);
  CHECK(res && res->n_hits == 1);
  if (!res || res->n_hits != 1) goto out;
  const query_hit *h = &res->hits[0];
  CHECK_STR(h->rec.id, "long");
  /* The match is some 600 words in: the window starts there, after "… ". */
  CHECK(strncmp(h->snippet, "… ", strlen("… ")) == 0);
  CHECK(strstr(h->snippet, "tiêm chủng vắc xin") != NULL);
  CHECK(h->n_spans >= 4);
  for (size_t i = 0; i < h->n_spans; i++) {
    const query_span *sp = &h->spans[i];
    CHECK(sp->start < sp->end && sp->end <= strlen(h->snippet));
    /* every span covers one of the query's words */
    char word[32];
    snprintf(word, sizeof word, "%.*s", (int)(sp->end - sp->start), h->snippet + sp->start);
    CHECK(strstr("tiêm chủng vắc xin", word) != NULL);
  }
  /* a little context before the first match */
  CHECK(h->spans[0].start > strlen("… "));
out:
  query_result_free(res);
}

/* The first hit of text, or NULL (checked). */
static const query_hit *first_hit(query_result *res) {
  CHECK(res && res->n_hits >= 1);
  return res && res->n_hits ? &res->hits[0] : NULL;
}

TEST(attachment_number_and_words_find_the_page) {
  query_result *res = run("215/TB-UBND", QUERY_SORT_RELEVANCE, 0, 3);
  const query_hit *h = first_hit(res);
  if (h) CHECK_STR(h->rec.id, "att-page");
  query_result_free(res);
  /* words only the file's second page holds: the snippet comes from it, read by OCR */
  res = run("tiêu hủy gia cầm", QUERY_SORT_RELEVANCE, 0, 3);
  h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-page");
    CHECK_INT(h->snippet_from, 0);
    CHECK_INT(h->snippet_ocr, 1);
    CHECK(strstr(h->snippet, "tiêu hủy gia cầm") != NULL);
    CHECK(h->n_spans >= 3);
  }
  query_result_free(res);
  /* words of its first page: from the file, not read by OCR */
  res = run("kiểm tra đàn gà", QUERY_SORT_RELEVANCE, 0, 3);
  h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-page");
    CHECK_INT(h->snippet_from, 0);
    CHECK_INT(h->snippet_ocr, 0);
  }
  query_result_free(res);
  /* words of the page itself: from the body */
  res = run("chi tiết xem văn bản đính kèm", QUERY_SORT_RELEVANCE, 0, 3);
  h = first_hit(res);
  if (h) CHECK_INT(h->snippet_from, -1);
  query_result_free(res);
}

TEST(attachment_header_fills_what_the_page_lacks) {
  query_result *res = run("215/TB-UBND", QUERY_SORT_RELEVANCE, 0, 1);
  const query_hit *h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.title, "Thông báo của quận"); /* the page's own */
    CHECK_STR(h->rec.number, "215/TB-UBND");
    CHECK_STR(h->rec.date, "2023-12-20"); /* the date of issue, not the posting date */
    CHECK_STR(h->rec.date_source, "header");
    CHECK_STR(h->rec.type, "Thông báo");
    CHECK_STR(h->rec.issuer, "UBND quận Ba Đình");
    CHECK(h->rec.n_attachments == 1 && h->rec.attachments[0].ocr_pages == 1);
  }
  query_result_free(res);
}

TEST(page_states_win_and_the_files_number_finds_it_too) {
  query_result *res = run("88/KH-UBND", QUERY_SORT_RELEVANCE, 0, 1);
  const query_hit *h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-both");
    CHECK_STR(h->rec.number, "77/KH-UBND");
    CHECK_STR(h->rec.date, "2023-05-05");
  }
  query_result_free(res);
}

TEST(file_alone_takes_its_title_from_its_header) {
  query_result *res = run("9/QĐ-UBND", QUERY_SORT_RELEVANCE, 0, 1);
  const query_hit *h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-alone");
    CHECK_STR(h->rec.title, "Quyết định về việc thành lập đội phản ứng nhanh");
    CHECK_STR(h->rec.date, "2022-03-02");
  }
  query_result_free(res);
}

TEST(file_named_after_its_number_is_found_by_it) {
  /* the header's stamped number was misread; the name says 8151/BNV-CCHC */
  query_result *res = run("8151/BNV-CCHC", QUERY_SORT_RELEVANCE, 0, 1);
  const query_hit *h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-name");
    CHECK_STR(h->rec.number, "81512/BNV-CCHC"); /* what the text says is shown */
  }
  query_result_free(res);
  res = run("bnv cchc", QUERY_SORT_RELEVANCE, 0, 1); /* the name's words */
  h = first_hit(res);
  if (h) CHECK_STR(h->rec.id, "att-name");
  query_result_free(res);
}

TEST(name_and_header_make_the_number_ocr_could_not_read) {
  query_result *res = run("1716/QĐ-UBND", QUERY_SORT_RELEVANCE, 0, 1);
  const query_hit *h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-hand");
    CHECK_STR(h->rec.number, "1716/QĐ-UBND"); /* the text gave none */
  }
  query_result_free(res);
  res = run("4409/BCA-C04", QUERY_SORT_RELEVANCE, 0, 1);
  h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-hand2");
    CHECK_STR(h->rec.number, "409/BCA-C04"); /* what the text says is shown */
  }
  query_result_free(res);
  res = run("3980/C04-P6", QUERY_SORT_RELEVANCE, 0, 1);
  h = first_hit(res);
  if (h) {
    CHECK_STR(h->rec.id, "att-hand3");
    CHECK_STR(h->rec.number, "3980/C04-P6"); /* not the 984/QĐ-BCA-C04 it cites */
  }
  query_result_free(res);
  res = run("so:28125/TTr-CAT-PC04", QUERY_SORT_RELEVANCE, 0, 1);
  CHECK(res && res->n_hits == 0); /* no number made of an upload's id */
  query_result_free(res);
  res = run("984/QĐ-BCA-C04", QUERY_SORT_RELEVANCE, 0, 1);
  h = first_hit(res);
  if (h) CHECK_STR(h->rec.number, "3980/C04-P6"); /* it cites 984, as a citer */
  query_result_free(res);
}

TEST(explain_says_why) {
  query_request req;
  query_request_init(&req);
  req.text = "2696/QĐ-UBND";
  req.explain = 1;
  req.today = TODAY;
  query_result *res = NULL;
  char err[256];
  CHECK_INT(query_run(db, &req, &res, err, sizeof err), ENGINE_OK);
  CHECK(res && res->n_hits >= 1 && res->hits[0].explain && res->description);
  if (res && res->n_hits >= 1 && res->hits[0].explain) {
    CHECK(strstr(res->hits[0].explain, "own number") != NULL);
    CHECK(strstr(res->hits[0].explain, "bm25 ") != NULL);
  }
  if (res && res->n_hits >= 2 && res->hits[1].explain)
    CHECK(strstr(res->hits[1].explain, "citation") != NULL);
  query_result_free(res);
}

TEST(bad_queries_say_why) {
  query_request req;
  query_request_init(&req);
  query_result *res = NULL;
  char err[256] = "";
  req.text = "so:abc";
  CHECK_INT(query_run(db, &req, &res, err, sizeof err), ENGINE_BAD_QUERY);
  CHECK(strstr(err, "not a legal number") != NULL);
  CHECK(res == NULL);
  req.text = "tu:2021-13-01";
  CHECK_INT(query_run(db, &req, &res, err, sizeof err), ENGINE_BAD_QUERY);
  CHECK(strstr(err, "invalid date") != NULL);
}

/* The stamp (SLOT_INDEXED) of the one hit of text in the index at path. */
static int64_t stamp_in(const char *path, const char *text) {
  engine_db *d = NULL;
  const char *names[] = {path};
  int64_t stamp = -1;
  if (engine_db_open(names, 1, 0, &d, NULL) != ENGINE_OK) return -1;
  query_request req;
  query_request_init(&req);
  req.text = text;
  query_result *res = NULL;
  char err[256];
  if (query_run(d, &req, &res, err, sizeof err) == ENGINE_OK && res->n_hits == 1)
    stamp = res->hits[0].indexed_ms;
  query_result_free(res);
  engine_db_close(d);
  return stamp;
}

/* A stamp given is a new document's: an id added again, before a commit
 * too, keeps the stamp it had, record by record and in a bulk build alike
 * (what lets --from-store give each page the stamp the crawl gave it). */
TEST(an_id_added_again_keeps_its_first_stamp) {
  for (int as_bulk = 0; as_bulk < 2; as_bulk++) {
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/stamps-%d", dir, as_bulk);
    indexer *ix = NULL;
    bulk_opts bo = {.jobs = 1};
    CHECK_INT(as_bulk ? indexer_open_bulk(path, &bo, &ix, NULL) : indexer_open(path, &ix, NULL),
              ENGINE_OK);
    if (!ix) return;
    record first = {.id = "a", .title = "Thông báo thứ nhất", .body = "Nội dung cũ."};
    record again = {.id = "a", .title = "Thông báo thứ nhất", .body = "Nội dung mới."};
    record other = {.id = "b", .title = "Thông báo khác", .body = "Nội dung khác."};
    CHECK_INT(indexer_add_stamped(ix, &first, 1000000), ENGINE_OK);
    CHECK_INT(indexer_add_stamped(ix, &again, 5000000), ENGINE_OK);
    CHECK_INT(indexer_add_stamped(ix, &other, 2000000), ENGINE_OK);
    CHECK(indexer_last_stamp(ix) >= 2000000); /* a bound: a bulk build cannot tell */
    CHECK_INT(indexer_close(ix), ENGINE_OK);
    CHECK_INT(stamp_in(path, "mới"), 1000000);
    CHECK_INT(stamp_in(path, "khác"), 2000000);
  }
}

int main(int argc, char **argv) {
  check_init(argc, argv);
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  if (build_index() == 0) {
    RUN(accentless_finds_what_accented_finds);
    RUN(own_number_ranks_first_then_its_citations);
    RUN(blend_multiplies_relevance_by_recency);
    RUN(every_sort_order_pages_with_offsets);
    RUN(issuer_facet_merges_spellings);
    RUN(snippet_window_shows_the_match);
    RUN(explain_says_why);
    RUN(attachment_number_and_words_find_the_page);
    RUN(attachment_header_fills_what_the_page_lacks);
    RUN(page_states_win_and_the_files_number_finds_it_too);
    RUN(file_alone_takes_its_title_from_its_header);
    RUN(file_named_after_its_number_is_found_by_it);
    RUN(name_and_header_make_the_number_ocr_could_not_read);
    RUN(bad_queries_say_why);
    RUN(an_id_added_again_keeps_its_first_stamp);
  } else {
    CHECK(!"the test index could be built");
  }
  engine_db_close(db);
  char cmd[sizeof dir + 16];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  return check_summary("test_query");
}
