/* bench corpus loaders: a small made-up shared folder first (CSV quoting,
 * CRLF, broken files, a missing folder), then the real shared data with the
 * counts its SOURCE.txt files state. Without the shared folder the second
 * part is skipped. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/corpus.h"
#include "tests/unit/check.h"

/* ------------------------------------------------------------------ */
/* A made-up shared folder                                              */
/* ------------------------------------------------------------------ */

static void write_file(const char *dir, const char *name, const char *content) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  CHECK(f != NULL);
  if (!f) return;
  fputs(content, f);
  fclose(f);
}

/* Columns in another order than the real files, CRLF, "" escapes, a
 * newline inside a field, an empty mapc, an empty vbqppl, a CR that does
 * not end a row, a blank line at the end. */
static const char good_csv[] =
    "\xEF\xBB\xBFstt,ten,mapc,noidung,vbqppl,vbqppl_link,chimuc\r\n"
    "0,\"Điều 1. Danh hiệu \"\"Anh hùng\"\"\",123,\"Dòng một,\r\ndòng hai\",(Điều 1 Luật số 08/2007/QH12),"
    "http://vbpl.vn/a#b,1\r\n"
    "1,Điều 2,,Nội dung\r,,,2\r\n"
    "\r\n";

static void check_made_up_csv(const char *shared, const char *dir) {
  char err[512] = "";
  corpus_docs docs;
  corpus_docs_init(&docs);
  write_file(dir, "a.csv", good_csv);
  CHECK_INT(corpus_load_phapdien(shared, &docs, err, sizeof err), 0);
  CHECK_INT(docs.count, 2);
  if (docs.count == 2) {
    const record *r = &docs.docs[0].rec;
    CHECK_STR(r->id, "123");
    CHECK_STR(r->title, "Điều 1. Danh hiệu \"Anh hùng\"");
    CHECK_STR(r->body, "Dòng một,\r\ndòng hai\n\n(Điều 1 Luật số 08/2007/QH12)");
    CHECK_STR(r->url, "http://vbpl.vn/a#b");
    CHECK(r->number == NULL && r->date == NULL && docs.docs[0].law_id == NULL);
    r = &docs.docs[1].rec;
    CHECK_STR(r->id, "a.csv:2"); /* no mapc: file and row */
    CHECK_STR(r->body, "Nội dung\r");
    CHECK(r->url == NULL);
  }

  /* A broken file fails with its line, and the collection keeps what it
   * held before the call. */
  write_file(dir, "b.csv", "mapc,ten,noidung,vbqppl,vbqppl_link\n1,a,b,c,d\n2,\"a\"x,b,c,d\n");
  CHECK_INT(corpus_load_phapdien(shared, &docs, err, sizeof err), -1);
  CHECK(strstr(err, "b.csv:3: ") != NULL);
  CHECK_INT(docs.count, 2);
  write_file(dir, "b.csv", "mapc,ten,noidung,vbqppl,vbqppl_link\n1,\"never closed\n");
  CHECK_INT(corpus_load_phapdien(shared, &docs, err, sizeof err), -1);
  CHECK(strstr(err, "unterminated quote") != NULL);
  write_file(dir, "b.csv", "mapc,ten,noidung,vbqppl,vbqppl_link\n1,2,3\n");
  CHECK_INT(corpus_load_phapdien(shared, &docs, err, sizeof err), -1);
  CHECK(strstr(err, "b.csv:2: 3 fields, the header has 5") != NULL);
  write_file(dir, "b.csv", "mapc,title,noidung\n");
  CHECK_INT(corpus_load_phapdien(shared, &docs, err, sizeof err), -1);
  CHECK(strstr(err, "no column \"ten\"") != NULL);
  CHECK_INT(docs.count, 2);
  corpus_docs_free(&docs);
  CHECK(docs.docs == NULL && docs.count == 0);
  corpus_docs_free(NULL);
}

static void check_missing_folder(void) {
  char err[512] = "";
  corpus_docs docs;
  corpus_questions qs;
  corpus_docs_init(&docs);
  corpus_questions_init(&qs);
  CHECK_INT(corpus_load_congbao("/nonexistent/shared", &docs, err, sizeof err), -1);
  CHECK(strstr(err, "/nonexistent/shared/corpus/congbao: No such file or directory") != NULL);
  CHECK_INT(corpus_load_alqac_questions("/nonexistent/shared", CORPUS_ALQAC_2022, &qs, err,
                                        sizeof err), -1);
  CHECK(strstr(err, "is /nonexistent/shared the shared data folder?") != NULL);
  CHECK_INT(docs.count + qs.count, 0);
  corpus_questions_free(&qs);
}

static void check_made_up(void) {
  char shared[] = "/tmp/test_bench_corpus.XXXXXX", dir[1024];
  if (!mkdtemp(shared)) {
    CHECK(!"mkdtemp");
    return;
  }
  snprintf(dir, sizeof dir, "%s/corpus", shared);
  mkdir(dir, 0777);
  snprintf(dir, sizeof dir, "%s/corpus/phapdien", shared);
  mkdir(dir, 0777);
  check_made_up_csv(shared, dir);
  check_missing_folder();
  const char *names[] = {"a.csv", "b.csv"};
  for (size_t i = 0; i < 2; i++) {
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    unlink(path);
  }
  rmdir(dir);
  snprintf(dir, sizeof dir, "%s/corpus", shared);
  rmdir(dir);
  rmdir(shared);
}

/* ------------------------------------------------------------------ */
/* The real shared data                                                 */
/* ------------------------------------------------------------------ */

static int starts_with(const char *s, const char *prefix) {
  return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Ids must be unique: the indexer would silently replace a duplicate. */
static size_t distinct_ids(const corpus_docs *docs) {
  char **ids = malloc((docs->count + 1) * sizeof *ids);
  if (!ids) return 0;
  for (size_t i = 0; i < docs->count; i++) ids[i] = docs->docs[i].rec.id;
  qsort(ids, docs->count, sizeof *ids, cmp_str);
  size_t n = docs->count ? 1 : 0;
  for (size_t i = 1; i < docs->count; i++) n += strcmp(ids[i - 1], ids[i]) != 0;
  free(ids);
  return n;
}

static const record *find(const corpus_docs *docs, const char *id) {
  for (size_t i = 0; i < docs->count; i++)
    if (strcmp(docs->docs[i].rec.id, id) == 0) return &docs->docs[i].rec;
  return NULL;
}

/* Combining marks U+0300..U+036F in UTF-8: CC 80..CD AF. */
static int has_combining_mark(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; p && p[0] && p[1]; p++)
    if ((p[0] == 0xCC && p[1] >= 0x80) || (p[0] == 0xCD && p[1] >= 0x80 && p[1] <= 0xAF)) return 1;
  return 0;
}

static void check_phapdien(const char *shared) {
  char err[512] = "";
  corpus_docs docs;
  corpus_docs_init(&docs);
  CHECK_INT(corpus_load_phapdien(shared, &docs, err, sizeof err), 0);
  CHECK_INT(docs.count, 27121);
  CHECK_INT(distinct_ids(&docs), 27121);
  size_t nfd = 0, untitled = 0;
  for (size_t i = 0; i < docs.count; i++) {
    nfd += has_combining_mark(docs.docs[i].rec.body);
    untitled += docs.docs[i].rec.title == NULL || docs.docs[i].rec.body == NULL;
  }
  CHECK_INT(nfd, 864); /* 827 in noidung (SOURCE.txt), 37 more in the citations */
  CHECK_INT(untitled, 0);
  if (docs.count) {
    const record *r = &docs.docs[0].rec;
    CHECK_STR(r->id, "4000100000000000100000000000000000000000");
    CHECK_STR(r->title, "Điều 40.1.LQ.1. Phạm vi điều chỉnh");
    CHECK(starts_with(r->body, "Luật này quy định nguyên tắc,"));
    CHECK(strstr(r->body, "tương trợ tư pháp.\n\n\n(Điều 1 Luật số 08/2007/QH12") != NULL);
    CHECK_STR(r->url, "http://vbpl.vn/TW/Pages/vbpq-toanvan.aspx?ItemID=26995#Chuong_I_Dieu_1");
  }
  const record *q = find(&docs, "2900100000000000575001400000000000000000001000000000000000000080"
                                "2677900070001500");
  CHECK(q != NULL);
  if (q) CHECK_STR(q->title, "Điều 29.1.TT.27.15. Danh hiệu \"Tập thể lao động xuất sắc\"");
  corpus_docs_free(&docs);
}

static void check_congbao(const char *shared) {
  char err[512] = "";
  corpus_docs docs;
  corpus_docs_init(&docs);
  CHECK_INT(corpus_load_congbao(shared, &docs, err, sizeof err), 0);
  CHECK_INT(docs.count, 414);
  CHECK_INT(distinct_ids(&docs), 414); /* 412 slugs: two documents sit under two topics */
  size_t numbered = 0;
  for (size_t i = 0; i < docs.count; i++) numbered += docs.docs[i].rec.number != NULL;
  CHECK_INT(numbered, 0);
  const record *r = find(&docs, "bhxh/luat-so-41-2024-qh15-42576");
  CHECK(r != NULL);
  if (r) {
    CHECK_STR(r->title, "Luật BHXH 2024 (41/2024/QH15)");
    CHECK(starts_with(r->body, " \n \nCÔNG BÁO/Số 987 + 988/Ngày 25-8-2024"));
    CHECK_STR(r->url, "https://congbao.chinhphu.vn/van-ban/luat-so-41-2024-qh15-42576.htm");
    CHECK_STR(r->type, "Luật");
    CHECK_STR(r->category, "Bảo hiểm xã hội");
  }
  CHECK(find(&docs, "hd_khoan/luat-so-91-2015-qh13-18397") != NULL);
  CHECK(find(&docs, "hd_kinh_te/luat-so-91-2015-qh13-18397") != NULL);
  corpus_docs_free(&docs);
}

/* Every relevant pair of every question names a loaded article. */
static size_t unresolved(const corpus_docs *docs, const corpus_questions *qs) {
  size_t missing = 0;
  for (size_t i = 0; i < qs->count; i++)
    for (size_t k = 0; k < qs->items[i].n_relevant; k++) {
      char *id = corpus_alqac_id(qs->items[i].relevant[k].law_id,
                                 qs->items[i].relevant[k].article_id);
      missing += !id || !find(docs, id);
      free(id);
    }
  return missing;
}

static void check_alqac(const char *shared, corpus_alqac_year year, size_t articles,
                        size_t questions, const char *qid, const char *law, const char *art) {
  char err[512] = "";
  corpus_docs docs;
  corpus_questions qs;
  corpus_docs_init(&docs);
  corpus_questions_init(&qs);
  CHECK_INT(corpus_load_alqac_articles(shared, year, &docs, err, sizeof err), 0);
  CHECK_INT(corpus_load_alqac_questions(shared, year, &qs, err, sizeof err), 0);
  CHECK_INT(docs.count, articles);
  CHECK_INT(distinct_ids(&docs), articles);
  CHECK_INT(qs.count, questions);
  CHECK_INT(unresolved(&docs, &qs), 0);
  if (qs.count && qs.items[0].n_relevant) {
    CHECK_STR(qs.items[0].id, qid);
    CHECK_STR(qs.items[0].relevant[0].law_id, law);
    CHECK_STR(qs.items[0].relevant[0].article_id, art);
  }
  if (docs.count) {
    const corpus_doc *d = &docs.docs[0];
    char *id = corpus_alqac_id(d->law_id, d->article_id);
    CHECK_STR(d->rec.id, id);
    CHECK(d->rec.title == NULL && starts_with(d->rec.body, "Phạm vi điều chỉnh\n"));
    free(id);
  }
  corpus_docs_free(&docs);
  corpus_questions_free(&qs);
}

int main(void) {
  check_made_up();
  struct stat st;
  if (stat(TRACUU_SHARED_DIR "/corpus", &st) != 0) {
    printf("test_bench_corpus: %s/corpus not found, real-data checks skipped\n",
           TRACUU_SHARED_DIR);
    return check_summary("test_bench_corpus");
  }
  check_phapdien(TRACUU_SHARED_DIR);
  check_congbao(TRACUU_SHARED_DIR);
  check_alqac(TRACUU_SHARED_DIR, CORPUS_ALQAC_2022, 1377, 520, "q-1", "01/VBHN-VPQH", "418");
  check_alqac(TRACUU_SHARED_DIR, CORPUS_ALQAC_2023, 2249, 100, "DS-1", "Luật Phòng, chống ma túy",
              "32");
  return check_summary("test_bench_corpus");
}
