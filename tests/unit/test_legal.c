/* test_legal: text/legal.h.
 *
 * 1. A table of small documents (header forms, relation cues) -> fields.
 * 2. The hand-made labels of real gazette documents
 *    (tests/fixtures/legal/congbao_labels.jsonl): precision and recall per
 *    field; number, type and date must reach LABEL_MIN.
 * 3. Bộ Pháp điển's source citations (every row of phapdien): a plain
 *    string reading of each citation against legal_parse_citation; the
 *    agreement must reach CITATION_MIN.
 * Parts 2 and 3 are skipped (with a note) when ../shared is missing. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/corpus.h"
#include "tests/unit/check.h"
#include "text/legal.h"
#include "text/legalvocab.h"

#define LABEL_MIN 0.90
#define CITATION_MIN 0.95

/* ---- 1. small documents ---- */

static const char *rel_kind_of(const legal_info *li, const char *number) {
  text_ref ref;
  if (!text_parse_ref(number, strlen(number), &ref)) return "?";
  for (size_t i = 0; i < li->n_relations; i++)
    if (strcmp(li->relations[i].target.key, ref.key) == 0) return legal_rel_name(li->relations[i].kind);
  return "none";
}

static void test_header(void) {
  const char *doc =
      "ỦY BAN NHÂN DÂN\nQUẬN TÂY HỒ\n\nSố: 215/TB-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
      "Tây Hồ, ngày 28 tháng 7 năm 2021\nTHÔNG BÁO\nVề việc giãn cách xã hội\n"
      "Căn cứ Chỉ thị số 17/CT-UBND ngày 23/7/2021 của UBND Thành phố;\n"
      "Thông báo này thay thế Thông báo số 200/TB-UBND ngày 01/7/2021.\n"
      "Bãi bỏ Quyết định số 12/QĐ-UBND và Quyết định số 13/QĐ-UBND.\n"
      "Kế hoạch số 41/KH-UBND ngày 25/02/2022 hết hiệu lực.\n"
      "Sửa đổi Điều 2 Quyết định số 2411/QĐ-UBND như sau.\n"
      "Luật số 25/2008/QH12 được sửa đổi, bổ sung bởi Luật số 32/2013/QH13.\n"
      "Thông tư này hướng dẫn Nghị định số 145/2020/NĐ-CP.\n"
      "Thông báo có hiệu lực thi hành kể từ ngày 01 tháng 8 năm 2021./.\n"
      "Nơi nhận:\n- Như trên;\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNguyễn Văn An\n";
  legal_info li;
  CHECK_INT(legal_parse(doc, strlen(doc), &li), TEXT_OK);
  CHECK_STR(li.issuer, "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ");
  CHECK_STR(li.number.canonical, "215/TB-UBND");
  CHECK_STR(li.type, "Thông báo");
  CHECK_STR(li.place, "Tây Hồ");
  CHECK_STR(li.date, "2021-07-28");
  CHECK_STR(li.summary, "Về việc giãn cách xã hội");
  CHECK_STR(li.signer, "Nguyễn Văn An");
  CHECK_STR(li.signer_role, "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH");
  CHECK_STR(li.effective, "2021-08-01");
  CHECK_STR(rel_kind_of(&li, "17/CT-UBND"), "basis");
  CHECK_STR(rel_kind_of(&li, "200/TB-UBND"), "replaces");
  CHECK_STR(rel_kind_of(&li, "12/QĐ-UBND"), "repeals");
  CHECK_STR(rel_kind_of(&li, "13/QĐ-UBND"), "repeals");
  CHECK_STR(rel_kind_of(&li, "41/KH-UBND"), "repeals");
  CHECK_STR(rel_kind_of(&li, "2411/QĐ-UBND"), "amends");
  CHECK_STR(rel_kind_of(&li, "25/2008/QH12"), "cites");
  CHECK_STR(rel_kind_of(&li, "32/2013/QH13"), "cites"); /* passive: amended something else */
  CHECK_STR(rel_kind_of(&li, "145/2020/NĐ-CP"), "implements");
  CHECK_STR(rel_kind_of(&li, "215/TB-UBND"), "none"); /* its own number */
  for (size_t i = 0; i < li.n_relations; i++) CHECK(strlen(li.relations[i].sentence) < LEGAL_SENTENCE_MAX);
  legal_info_free(&li);

  /* NFD, a law's header and its date of passing */
  const char *law = "QUÔ\xCC\x81\x43 HÔ\xCC\xA3I\nLuật số: 91/2015/QH13\nLUẬT\nDÂN SỰ\n"
                    "Luật này được Quốc hội khóa XIII thông qua ngày 24 tháng 11 năm 2015.\n";
  CHECK_INT(legal_parse(law, strlen(law), &li), TEXT_OK);
  CHECK_STR(li.number.canonical, "91/2015/QH13");
  CHECK_STR(li.type, "Luật");
  CHECK_STR(li.date, "2015-11-24");
  CHECK(strlen(li.issuer) > 0);
  legal_info_free(&li);

  /* an e-signed PDF's text: the stamped digits away from their "Số:" label,
   * under the motto. The label ends the issuer; the number line is the own
   * number, and a number in running text after it is not */
  const char *signed_pdf = "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố:\n"
                           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n85 /GM-UBND\n"
                           "Độc lập - Tự do - Hạnh phúc\nLâm Đồng, ngày 19 tháng 01 năm 2026\n"
                           "GIẤY MỜI\nThực hiện Kế hoạch số 12/KH-UBND của tỉnh.\n";
  CHECK_INT(legal_parse(signed_pdf, strlen(signed_pdf), &li), TEXT_OK);
  CHECK_STR(li.number.canonical, "85/GM-UBND");
  CHECK_STR(li.type, "Giấy mời");
  CHECK_STR(li.date, "2026-01-19");
  CHECK(strstr(li.issuer, "Số") == NULL);
  CHECK(strstr(li.issuer, "LÂM ĐỒNG") != NULL || strstr(li.issuer, "Lâm Đồng") != NULL);
  legal_info_free(&li);
  const char *no_label = "ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                         "85 /GM-UBND\nĐộc lập - Tự do - Hạnh phúc\n";
  CHECK_INT(legal_parse(no_label, strlen(no_label), &li), TEXT_OK);
  CHECK_STR(li.number.canonical, ""); /* without the label, a number line is no header's */
  legal_info_free(&li);

  /* the digital signature stamp is not a signer; empty input is fine */
  const char *stamp = "Điều 3. Thi hành./.\nNgười ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\n"
                      "Cơ quan: VĂN PHÒNG CHÍNH PHỦ\n";
  CHECK_INT(legal_parse(stamp, strlen(stamp), &li), TEXT_OK);
  CHECK_STR(li.signer, "");
  legal_info_free(&li);
  CHECK_INT(legal_parse("", 0, &li), TEXT_OK);
  CHECK_INT((long long)li.n_relations, 0);
  legal_info_free(&li);

  /* past LEGAL_MAX_RELATIONS plain citations, a repeal still gets in */
  char many[(LEGAL_MAX_RELATIONS + 10) * 64 + 200];
  size_t n = 0;
  for (int i = 1; i <= LEGAL_MAX_RELATIONS + 10; i++)
    n += (size_t)snprintf(many + n, sizeof many - n, "Theo Quyết định số %d/QĐ-UBND. ", i);
  snprintf(many + n, sizeof many - n, "Bãi bỏ Quyết định số 9999/QĐ-UBND.");
  CHECK_INT(legal_parse(many, strlen(many), &li), TEXT_OK);
  CHECK_INT((long long)li.n_relations, LEGAL_MAX_RELATIONS);
  CHECK_INT((long long)li.n_dropped, 11);
  CHECK_STR(rel_kind_of(&li, "9999/QĐ-UBND"), "repeals");
  legal_info_free(&li);

  legal_citation c;
  const char *cit = "(Điều 1 Nghị định số 19/2018/NĐ-CP ngày 02/02/2018 của Chính phủ, có hiệu lực "
                    "thi hành kể từ ngày 02/03/2018)";
  CHECK_INT(legal_parse_citation(cit, strlen(cit), &c), TEXT_OK);
  CHECK_STR(c.number.canonical, "19/2018/NĐ-CP");
  CHECK_STR(c.type, "Nghị định");
  CHECK_STR(c.date, "2018-02-02");
  CHECK_STR(c.effective, "2018-03-02");
}

/* ---- scoring ---- */

typedef struct {
  const char *name;
  unsigned tp, fp, fn;
} score;

/* Compares folded (case, accents, Unicode form and spacing do not count). */
static int same_text(const char *a, const char *b) {
  char *fa = NULL, *fb = NULL;
  text_normalize(a, strlen(a), 1, &fa, NULL);
  text_normalize(b, strlen(b), 1, &fb, NULL);
  int eq = fa && fb;
  for (const char *p = fa, *q = fb; eq;) {
    while (*p == ' ') p++;
    while (*q == ' ') q++;
    if (*p != *q) eq = 0;
    if (!*p || !*q) break;
    p++, q++;
  }
  free(fa);
  free(fb);
  return eq;
}

static int same_number(const char *a, const char *b) {
  text_ref ra, rb;
  return text_parse_ref(a, strlen(a), &ra) && text_parse_ref(b, strlen(b), &rb) &&
         strcmp(ra.key, rb.key) == 0;
}

/* truth NULL: not labelled, not scored. Misses are printed: they are the
 * parser's to-do list. */
static void tally(score *s, const char *file, const char *truth, const char *got,
                  int (*eq)(const char *, const char *)) {
  if (!truth) return;
  if (got && got[0] && eq(truth, got)) {
    s->tp++;
    return;
  }
  s->fn++;
  if (got && got[0]) s->fp++;
  printf("  %s %s: \"%s\", labelled \"%s\"\n", s->name, file, got ? got : "", truth);
}

static double precision(const score *s) { return s->tp + s->fp ? (double)s->tp / (s->tp + s->fp) : 1; }
static double recall(const score *s) { return s->tp + s->fn ? (double)s->tp / (s->tp + s->fn) : 1; }


/* ---- 1b. the vocabulary: one table, every reader agrees with it ---- */

/* Each type of the table is known by its words and its code to every
 * reader: the type field's normalizer, the words before "số" in a citation
 * (reffind.c) and a number's kind code (legal.c). Once these were three
 * lists, and they had drifted. */
static void test_vocabulary(void) {
  size_t n;
  const legal_doctype *types = legal_doctypes(&n);
  CHECK(n >= 30);
  for (size_t i = 0; i < n; i++) {
    const legal_doctype *t = &types[i];
    int before = check_failed;
    CHECK_STR(legal_type_name(t->name, strlen(t->name)), t->name);
    CHECK_STR(legal_type_name(t->words, strlen(t->words)), t->name);
    char cite[160];
    snprintf(cite, sizeof cite, "theo %s số 12/2020/XY-UBND", t->name);
    text_ref ref;
    memset(&ref, 0, sizeof ref);
    CHECK(text_parse_ref(cite + 5, strlen(cite + 5), &ref));
    CHECK_STR(ref.doctype, t->name);
    char doc[512];
    legal_info li;
    if (t->code) {
      CHECK_STR(legal_type_name(t->code, strlen(t->code)), t->name);
      CHECK(legal_doctype_by_code(t->code) == t);
      snprintf(doc, sizeof doc, "Số: 15/%s-UBND\n", t->code);
      CHECK_INT(legal_parse(doc, strlen(doc), &li), TEXT_OK);
      CHECK_STR(li.type, t->name);
      legal_info_free(&li);
    }
    if (check_failed != before) fprintf(stderr, "  ^ type %s\n", t->name);
  }
  /* the longest words win: "Thông tư liên tịch số" is no "Thông tư" */
  text_ref ref;
  CHECK(text_parse_ref("Thông tư liên tịch số 15/2016/TTLT-BTTTT-BXD", 46, &ref));
  CHECK_STR(ref.doctype, "Thông tư liên tịch");
  /* codes in any spelling; QH names no single type */
  CHECK_STR(legal_type_name("qđ", strlen("qđ")), "Quyết định");
  CHECK_STR(legal_type_name("TTR", 3), "Tờ trình");
  CHECK_STR(legal_type_name("QUYẾT ĐỊNH", strlen("QUYẾT ĐỊNH")), "Quyết định");
  CHECK(legal_type_name("QH", 2) == NULL);
  CHECK(legal_type_name("tin tức", strlen("tin tức")) == NULL);
  /* issuer codes and abbreviations */
  const legal_issuer_code *ic = legal_issuer_by_code("stttt");
  CHECK(ic && strcmp(ic->name, "Sở Thông tin và Truyền thông") == 0 && ic->local);
  ic = legal_issuer_by_code("HDND");
  CHECK(ic && strcmp(ic->code, "HĐND") == 0);
  ic = legal_issuer_by_code("TTg");
  CHECK(ic && ic->leads && !ic->local);
  CHECK(legal_issuer_by_code("XYZ") == NULL);
  CHECK_STR(legal_issuer_word("ubnd"), "uy ban nhan dan");
  CHECK(legal_issuer_word("quan") == NULL);
  /* a kind code or a leading issuer code opens a number in lower case too */
  CHECK(text_parse_ref("225/ttg-nn", 10, &ref));
  CHECK(text_parse_ref("12/ctr-ubnd", 11, &ref));
}

/* An issuer is shown one way, however it is written. */
static void test_issuer_display(void) {
  static const struct {
    const char *in, *out;
  } CASES[] = {
      {"ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", "UBND quận Tây Hồ"},
      {"Ủy ban nhân dân quận Tây Hồ", "UBND quận Tây Hồ"},
      {"UBND quận Tây Hồ", "UBND quận Tây Hồ"},
      {"ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "UBND thành phố Hà Nội"},
      {"HỘI ĐỒNG NHÂN DÂN TỈNH LÂM ĐỒNG", "HĐND tỉnh Lâm Đồng"},
      {"BỘ THÔNG TIN VÀ TRUYỀN THÔNG", "Bộ Thông tin và Truyền thông"},
      {"SỞ TƯ PHÁP TỈNH LÂM ĐỒNG", "Sở Tư pháp tỉnh Lâm Đồng"},
      {"QUỐC HỘI", "Quốc hội"},
      {"  Bộ   Xây dựng ", "Bộ Xây dựng"},
      {"Văn phòng HĐND&UBND quận", "Văn phòng HĐND&UBND quận"},
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    char *got = legal_issuer_display(CASES[i].in, strlen(CASES[i].in));
    CHECK_STR(got, CASES[i].out);
    free(got);
  }
  CHECK(legal_issuer_display("   ", 3) == NULL);
}

/* The header of a document inside a web page's text: menus and a
 * property table above it, the same reading as legal_parse's. */
static void test_header_in_page(void) {
  const char *page =
      "Trang chủ\nVĂN BẢN\nTIN TỨC\nNgày có hiệu lực: 01/01/2018\nQUỐC HỘI\nSố: 100/2015/QH13\n"
      "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
      "Hà Nội, ngày 27 tháng 11 năm 2015\nBỘ LUẬT\nHÌNH SỰ\nCăn cứ Hiến pháp;\n";
  legal_info li;
  CHECK_INT(legal_parse_header(page, strlen(page), &li), TEXT_OK);
  CHECK_STR(li.issuer, "QUỐC HỘI");
  CHECK(li.has_number && strcmp(li.number.canonical, "100/2015/QH13") == 0);
  CHECK_STR(li.date, "2015-11-27");
  CHECK_STR(li.place, "Hà Nội");
  CHECK_STR(li.type, "Bộ luật");
  CHECK_STR(li.header_type, "Bộ luật");
  CHECK_STR(li.summary, "HÌNH SỰ"); /* a summary in capitals */
  /* the issuer above a rule and a number line without a number */
  const char *noso = "Menu\nỦY BAN NHÂN DÂN\nQUẬN TÂY HỒ\n-------\nSố: Không số\nTHÔNG BÁO\nV/v thử\n";
  CHECK_INT(legal_parse_header(noso, strlen(noso), &li), TEXT_OK);
  CHECK_STR(li.issuer, "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ");
  CHECK(!li.has_number);
  CHECK_STR(li.type, "Thông báo");
  /* no header at all: nothing */
  const char *news = "Tin tức\nNgày 3/2/2016, Bộ Thông tin và Truyền thông ra Thông báo.\n";
  CHECK_INT(legal_parse_header(news, strlen(news), &li), TEXT_OK);
  CHECK_STR(li.issuer, "");
  CHECK_STR(li.type, "");
  CHECK(!li.has_number);
}

/* ---- 2. labelled gazette documents ---- */

static const char *label_str(json_object *o, const char *key) {
  json_object *v;
  return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
             ? json_object_get_string(v)
             : NULL;
}

static const record *find_doc(const corpus_docs *docs, const char *file) {
  char id[512];
  /* "docs/<topic>/<slug>.json" -> "<topic>/<slug>" */
  if (strncmp(file, "docs/", 5) != 0) return NULL;
  snprintf(id, sizeof id, "%s", file + 5);
  char *dot = strstr(id, ".json");
  if (dot) *dot = '\0';
  for (size_t i = 0; i < docs->count; i++)
    if (strcmp(docs->docs[i].rec.id, id) == 0) return &docs->docs[i].rec;
  return NULL;
}

static int has_relation(const legal_info *li, const char *kind, const char *number) {
  text_ref ref;
  if (!kind || !number || !text_parse_ref(number, strlen(number), &ref)) return 0;
  for (size_t i = 0; i < li->n_relations; i++)
    if (strcmp(li->relations[i].target.key, ref.key) == 0 &&
        strcmp(legal_rel_name(li->relations[i].kind), kind) == 0)
      return 1;
  return 0;
}

/* Recall over the labelled relations; where the label lists them all,
 * every other relation found (plain citations aside) is a false positive. */
static void score_relations(json_object *lab, const legal_info *li, score *s, score *complete) {
  json_object *arr, *c;
  if (!json_object_object_get_ex(lab, "relations", &arr)) return;
  int all = json_object_object_get_ex(lab, "relations_complete", &c) && json_object_get_boolean(c);
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    json_object *r = json_object_array_get_idx(arr, i);
    const char *kind = label_str(r, "relation"), *num = label_str(r, "number");
    int ok = has_relation(li, kind, num);
    s->tp += ok;
    s->fn += !ok;
    if (all) complete->tp += ok, complete->fn += !ok;
    if (!ok) printf("  relation missed: %s %s (got %s)\n", kind, num, num ? rel_kind_of(li, num) : "?");
  }
  for (size_t k = 0; all && k < li->n_relations; k++) {
    const legal_relation *got = &li->relations[k];
    if (got->kind == LEGAL_REL_CITES) continue;
    int labelled = 0;
    for (size_t i = 0; i < n && !labelled; i++) {
      json_object *r = json_object_array_get_idx(arr, i);
      const char *kind = label_str(r, "relation"), *num = label_str(r, "number");
      text_ref ref;
      labelled = kind && num && strcmp(kind, legal_rel_name(got->kind)) == 0 &&
                 text_parse_ref(num, strlen(num), &ref) && strcmp(ref.key, got->target.key) == 0;
    }
    if (!labelled) {
      complete->fp++;
      printf("  relation not labelled: %s %s\n", legal_rel_name(got->kind), got->target.canonical);
    }
  }
}

enum { F_NUMBER, F_TYPE, F_ISSUER, F_DATE, F_SIGNER, F_EFFECTIVE, F_RELATIONS, F_RELATIONS_ALL,
       N_FIELDS };

typedef struct {
  score s[N_FIELDS];
  unsigned docs;
} scores;

static void scores_init(scores *sc) {
  static const char *names[N_FIELDS] = {"number", "type",      "issuer",
                                        "date",   "signer",    "effective",
                                        "relations (recall only)",
                                        "relations, complete sets"};
  memset(sc, 0, sizeof *sc);
  for (int f = 0; f < N_FIELDS; f++) sc->s[f].name = names[f];
}

static void score_doc(scores *sc, json_object *lab, const record *r) {
  legal_info li;
  if (legal_parse(r->body, strlen(r->body), &li) != TEXT_OK) return;
  score *s = sc->s;
  const char *f = r->id;
  sc->docs++;
  tally(&s[F_NUMBER], f, label_str(lab, "number"), li.has_number ? li.number.canonical : "",
        same_number);
  tally(&s[F_TYPE], f, label_str(lab, "type"), li.type, same_text);
  tally(&s[F_ISSUER], f, label_str(lab, "issuer"), li.issuer, same_text);
  tally(&s[F_DATE], f, label_str(lab, "date"), li.date, same_text);
  tally(&s[F_SIGNER], f, label_str(lab, "signer"), li.signer, same_text);
  tally(&s[F_EFFECTIVE], f, label_str(lab, "effective"), li.effective, same_text);
  score_relations(lab, &li, &s[F_RELATIONS], &s[F_RELATIONS_ALL]);
  legal_info_free(&li);
}

static void print_scores(const char *what, const scores *sc) {
  printf("%s: %u documents\n", what, sc->docs);
  printf("  %-24s %9s %9s  (tp fp fn)\n", "field", "precision", "recall");
  for (int f = 0; f < N_FIELDS; f++)
    printf("  %-24s %9.3f %9.3f  (%u %u %u)\n", sc->s[f].name, precision(&sc->s[f]),
           recall(&sc->s[f]), sc->s[f].tp, sc->s[f].fp, sc->s[f].fn);
}

static void add_scores(scores *all, const scores *part) {
  all->docs += part->docs;
  for (int f = 0; f < N_FIELDS; f++) {
    all->s[f].tp += part->s[f].tp;
    all->s[f].fp += part->s[f].fp;
    all->s[f].fn += part->s[f].fn;
  }
}

static void test_labels(const char *shared) {
  char path[1024], err[512];
  snprintf(path, sizeof path, "%s/tests/fixtures/legal/congbao_labels.jsonl", TRACUU_SOURCE_DIR);
  FILE *fp = fopen(path, "r");
  corpus_docs docs;
  corpus_docs_init(&docs);
  if (!fp || corpus_load_congbao(shared, &docs, err, sizeof err) != 0) {
    printf("labels: skipped (%s)\n", fp ? err : path);
    if (fp) fclose(fp);
    corpus_docs_free(&docs);
    return;
  }
  scores dev, heldout, all;
  scores_init(&dev);
  scores_init(&heldout);
  scores_init(&all);
  char line[8192];
  while (fgets(line, sizeof line, fp)) {
    json_object *lab = json_tokener_parse(line);
    const record *r = lab ? find_doc(&docs, label_str(lab, "file")) : NULL;
    CHECK(r != NULL);
    const char *split = lab ? label_str(lab, "split") : NULL;
    if (r) score_doc(split && strcmp(split, "heldout") == 0 ? &heldout : &dev, lab, r);
    json_object_put(lab);
  }
  fclose(fp);
  /* every document of the corpus, labelled or not: parses, within the caps
   * (under the sanitizers this is the memory-safety run on real text) */
  size_t with_number = 0, relations = 0, dropped = 0;
  for (size_t i = 0; i < docs.count; i++) {
    legal_info li;
    const char *body = docs.docs[i].rec.body ? docs.docs[i].rec.body : "";
    CHECK_INT(legal_parse(body, strlen(body), &li), TEXT_OK);
    with_number += li.has_number;
    relations += li.n_relations;
    dropped += li.n_dropped;
    CHECK(li.n_relations <= LEGAL_MAX_RELATIONS);
    for (size_t k = 0; k < li.n_relations; k++) CHECK(strlen(li.relations[k].sentence) < LEGAL_SENTENCE_MAX);
    legal_info_free(&li);
  }
  printf("congbao: %zu documents, %zu with an own number, %zu relations (%zu past the cap)\n",
         docs.count, with_number, relations, dropped);
  corpus_docs_free(&docs);
  add_scores(&all, &dev);
  add_scores(&all, &heldout);
  print_scores("congbao labels, dev (seen while tuning)", &dev);
  print_scores("congbao labels, held out (never tuned on)", &heldout);
  print_scores("congbao labels, all", &all);
  CHECK(all.docs >= 40);
  int strict[] = {F_NUMBER, F_TYPE, F_DATE};
  for (size_t i = 0; i < 3; i++) {
    CHECK(precision(&all.s[strict[i]]) >= LABEL_MIN);
    CHECK(recall(&all.s[strict[i]]) >= LABEL_MIN);
  }
}

/* ---- 3. phapdien citations, read the plain way ---- */

typedef struct {
  char number[96], type[48], date[11], effective[11];
} plain_citation;

/* "dd/mm/yyyy" at p -> ISO; 1 on success. */
static int plain_date(const char *p, char iso[11]) {
  int d, m, y, n = 0;
  if (sscanf(p, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3 || n < 8) return 0;
  snprintf(iso, 11, "%04d-%02d-%02d", y, m, d);
  return 1;
}

/* "(Điều 56 Thông tư số 45/2018/TT-BCT ngày ..., có hiệu lực thi hành kể từ ngày 01/01/2019)" */
static void read_plain(const char *s, plain_citation *pc) {
  memset(pc, 0, sizeof *pc);
  const char *so = strstr(s, " số ");
  if (!so) return;
  /* the type: the words between "Điều N " and " số" */
  const char *dieu = strstr(s, "Điều ");
  if (dieu && dieu < so) {
    const char *t = dieu + strlen("Điều ");
    while (*t && *t != ' ') t++;
    while (*t == ' ') t++;
    if (t < so) snprintf(pc->type, sizeof pc->type, "%.*s", (int)(so - t), t);
  }
  /* the number: up to a space, comma, semicolon or parenthesis; a space next
   * to "/" or "-" is a typing slip inside it ("36 /2018/TT-BCT", "TT- BYT") */
  const char *num = so + strlen(" số ");
  size_t k = 0, n = 0;
  while (num[k] && !strchr(",;)", num[k]) && n + 1 < sizeof pc->number) {
    if (num[k] == ' ') {
      size_t j = k;
      while (num[j] == ' ') j++;
      if (!(n && (pc->number[n - 1] == '/' || pc->number[n - 1] == '-')) && num[j] != '/' && num[j] != '-')
        break;
      k = j;
      continue;
    }
    pc->number[n++] = num[k++];
  }
  while (n && pc->number[n - 1] == '.') n--;
  pc->number[n] = '\0';
  const char *rest = num + k;
  const char *eff = strstr(rest, "kể từ ngày ");
  if (eff) plain_date(eff + strlen("kể từ ngày "), pc->effective);
  const char *d = strstr(rest, "ngày ");
  if (d && d != (eff ? eff + strlen("kể từ ") : NULL)) plain_date(d + strlen("ngày "), pc->date);
}

static void test_phapdien(const char *shared) {
  corpus_docs docs;
  corpus_docs_init(&docs);
  char err[512];
  if (corpus_load_phapdien(shared, &docs, err, sizeof err) != 0) {
    printf("phapdien: skipped (%s)\n", err);
    corpus_docs_free(&docs);
    return;
  }
  unsigned rows = 0, all_agree = 0, have[4] = {0}, agree[4] = {0};
  for (size_t i = 0; i < docs.count; i++) {
    const char *body = docs.docs[i].rec.body;
    const char *cit = body ? strrchr(body, '(') : NULL;
    const char *sep = body ? strstr(body, "\n\n(") : NULL;
    for (const char *p = sep; p; p = strstr(p + 1, "\n\n(")) sep = p;
    if (!sep) continue;
    cit = sep + 2;
    rows++;
    plain_citation pc;
    read_plain(cit, &pc);
    legal_citation lc;
    if (legal_parse_citation(cit, strlen(cit), &lc) != TEXT_OK) continue;
    const char *want[4] = {pc.number, pc.type, pc.date, pc.effective};
    const char *got[4] = {lc.has_number ? lc.number.canonical : "", lc.type, lc.date, lc.effective};
    int ok = 1;
    for (int f = 0; f < 4; f++) {
      if (!want[f][0]) {
        ok &= !got[f][0] || f == 1; /* the plain reading found nothing: neither should we */
        continue;
      }
      have[f]++;
      int eq = f == 0 ? same_number(want[f], got[f]) : same_text(want[f], got[f]);
      agree[f] += eq;
      ok &= eq;
    }
    all_agree += ok;
  }
  corpus_docs_free(&docs);
  static const char *names[4] = {"number", "type", "date", "effective"};
  printf("phapdien citations: %u rows, all fields agree on %.2f%%\n", rows,
         rows ? 100.0 * all_agree / rows : 0.0);
  for (int f = 0; f < 4; f++)
    printf("  %-10s agree %6.2f%% of %u rows that state it\n", names[f],
           have[f] ? 100.0 * agree[f] / have[f] : 0.0, have[f]);
  CHECK(rows > 20000);
  CHECK(rows && (double)all_agree / rows >= CITATION_MIN);
}

/* The code of an own number whose digits OCR could not read. */
static void test_header_code(void) {
  static const struct {
    const char *text, *code, *kind, *digits; /* code NULL: none */
    int garbled;
  } CASES[] = {
      {"ỦY BAN NHÂN DÂN\nTỈNH LÂM ĐỒNG\nSố: 4⁄6 /QĐÐ-UBND Lâm Đồng, ngày 16", "QĐ-UBND", "QĐ", "46", 1},
      {"Số: 5  Ø/GM-UBND Lâm Đồng", "GM-UBND", "GM", "5", 1},
      {"BỘ CÔNG AN\nSố: 409 /BCA-C04 Hà Nội", "BCA-C04", "", "409", 0},
      {"Số: 4ll2 /CAT-PC04(Đ1) Lâm Đồng", "CAT-PC04", "", "42", 1},
      {"Số: 3 3#/C04-P6 Hà Nội", "C04-P6", "", "33", 1},  /* a handwritten 3980 */
      {"Số:    /QĐ-UBND Lâm Đồng", "QĐ-UBND", "QĐ", "", 0}, /* left blank: nothing misread */
      {"Số:\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n/GM-UBND", NULL, NULL, NULL, 0}, /* not on its line */
      {"Căn cứ Nghị định số 32/2021/NĐ-CP", NULL, NULL, NULL, 0},                /* no "Số:" */
  };
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    legal_code c;
    int got = legal_header_code(CASES[i].text, strlen(CASES[i].text), &c);
    CHECK_INT(got, CASES[i].code != NULL);
    if (!got || !CASES[i].code) continue;
    CHECK_STR(c.code, CASES[i].code);
    CHECK_STR(c.kind, CASES[i].kind);
    CHECK_STR(c.digits, CASES[i].digits);
    CHECK_INT(c.garbled, CASES[i].garbled);
  }
}

int main(void) {
  test_header();
  test_header_code();
  test_vocabulary();
  test_issuer_display();
  test_header_in_page();
  test_labels(TRACUU_SHARED_DIR);
  test_phapdien(TRACUU_SHARED_DIR);
  return check_summary("test_legal");
}
