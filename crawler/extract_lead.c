/* extract_lead.c: the document a page presents, read from its title and the
 * first lines of its text when the page prints no header ("Số: ...").
 *
 * Portals post a directive as a short article: the heading names it, the
 * lead sentence cites it, the text itself is in an attached file:
 *   "Công văn số 729/STTTT-BCVT về việc ..."           (a title)
 *   "QĐ 528/QĐ-UBND ngày 29/01/2018 v/v ..."            (a title, abbreviated)
 *   "Toàn văn Chỉ thị số 30/CT-TTg của Thủ tướng Chính phủ xem tại ..."
 *   "Kế hoạch số 02/KH-UBND ngày 03/01/2014 của UBND Thành phố về ..."
 *   "Ngày 14/3/2019, Sở Thông tin và Truyền thông đã ban hành Quyết định số
 *    31/QĐ-STTTT về việc ..."
 * A number is the page's own only where the sentence OPENS with it (its
 * type's words or code, "số", the number; "Toàn văn" may come first), or
 * where a dated sentence says someone issued it ("Ngày D, X đã ban hành
 * ..."): "Căn cứ Quyết định số ...", "Thực hiện Chỉ thị số ..." cite other
 * documents. Its date is the "ngày D" that follows it (or the dated
 * sentence's), its issuer the body named after "của"/"giữa" (or the dated
 * sentence's subject). All words are compared folded, and the types, codes
 * and issuers' first words are the vocabulary's (text/legalvocab.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crawler/extract_internal.h"
#include "text/legalvocab.h"

/* Lines of the text read as its lead. */
#define LEAD_LINES 8
/* Bytes of a line looked at. */
#define LEAD_LINE_MAX 1500
/* Words of an issuer's name at most. */
#define ISSUER_WORDS 16

/* ------------------------------------------------------------------ */
/* Folded text with a map back to the original                          */
/* ------------------------------------------------------------------ */

/* The words of a line, folded, each with its place in the line. */
typedef struct {
  char f[32];        /* folded ("so", "quyet", "2696/qd-ubnd") */
  size_t start, end; /* offsets in the line */
  text_token_kind kind;
} lword;

typedef struct {
  const char *s;
  size_t n;
  lword w[96];
  size_t count;
} lwords;

static int add_word(void *ctx, const text_token *t) {
  lwords *lw = ctx;
  if (lw->count == sizeof lw->w / sizeof lw->w[0]) return 1;
  lword *w = &lw->w[lw->count++];
  size_t k = t->folded_len < sizeof w->f - 1 ? t->folded_len : sizeof w->f - 1;
  memcpy(w->f, t->folded, k);
  w->f[k] = '\0';
  w->start = t->start;
  w->end = t->end;
  w->kind = t->kind;
  return 0;
}

static int words_of(const char *s, size_t n, lwords *lw) {
  lw->s = s;
  lw->n = n;
  lw->count = 0;
  text_status st = text_tokenize(s, n, add_word, lw);
  return st == TEXT_OK || st == TEXT_STOPPED ? 0 : -1;
}

/* 1 when the folded phrase's words stand at word i; *after = the next word. */
static int phrase_at(const lwords *lw, size_t i, const char *phrase, size_t *after) {
  while (*phrase) {
    const char *sp = strchr(phrase, ' ');
    size_t k = sp ? (size_t)(sp - phrase) : strlen(phrase);
    if (i >= lw->count || strlen(lw->w[i].f) != k || memcmp(lw->w[i].f, phrase, k) != 0) return 0;
    i++;
    phrase += k + (sp != NULL);
  }
  if (after) *after = i;
  return 1;
}

static int word_is(const lwords *lw, size_t i, const char *f) {
  return i < lw->count && strcmp(lw->w[i].f, f) == 0;
}

/* The type whose words (or code, "QĐ 528/...") stand at word i. */
static const legal_doctype *type_at(const lwords *lw, size_t i, size_t *after) {
  size_t n;
  const legal_doctype *types = legal_doctypes(&n);
  for (size_t k = 0; k < n; k++)
    if (phrase_at(lw, i, types[k].words, after)) return &types[k];
  if (i < lw->count && lw->w[i].kind == TEXT_TOKEN_WORD) {
    /* a code only in capitals: "KH tổ chức ...", "QĐ 528/..." */
    const char *s = lw->s + lw->w[i].start;
    size_t len = lw->w[i].end - lw->w[i].start;
    for (size_t k = 0; k < len; k++)
      if (islower((unsigned char)s[k])) return NULL;
    const legal_doctype *t = legal_doctype_by_code(lw->w[i].f);
    if (t) *after = i + 1;
    return t;
  }
  return NULL;
}

/* ------------------------------------------------------------------ */
/* The number, its date, its issuer                                     */
/* ------------------------------------------------------------------ */

/* "1704STTTT-BCVT" (the slash left out) read as 1704/STTTT-BCVT. */
static int glued_number(const char *s, size_t n, text_ref *ref) {
  size_t d = 0;
  while (d < n && isdigit((unsigned char)s[d])) d++;
  if (d == 0 || d == n || d > 6 || !isupper((unsigned char)s[d])) return 0;
  char buf[96];
  if (n + 2 > sizeof buf) return 0;
  memcpy(buf, s, d);
  buf[d] = '/';
  memcpy(buf + d + 1, s + d, n - d);
  return text_parse_ref(buf, n + 1, ref);
}

/* The own number at word i (the word after "số" or the type), or 0. */
static int number_at(const lwords *lw, size_t i, text_ref *ref, size_t *after) {
  if (i >= lw->count) return 0;
  const lword *w = &lw->w[i];
  if (w->kind == TEXT_TOKEN_REF && text_parse_ref(lw->s + w->start, w->end - w->start, ref)) {
    *after = i + 1;
    return 1;
  }
  /* a code in mixed case that running text does not take for a number
     ("974/TTra"): the reference typed alone, as a field would hold it */
  if (w->kind == TEXT_TOKEN_NUMBER && i + 1 < lw->count && lw->s[w->end] == '/' &&
      lw->w[i + 1].start == w->end + 1 && isupper((unsigned char)lw->s[lw->w[i + 1].start]) &&
      text_parse_ref(lw->s + w->start, lw->w[i + 1].end - w->start, ref)) {
    *after = i + 2;
    return 1;
  }
  /* a glued one is two tokens: "1704stttt" "bcvt" */
  size_t end = w->end;
  size_t j = i + 1;
  while (j < lw->count && lw->w[j].start == end + 1 && lw->s[end] == '-') end = lw->w[j++].end;
  if (j > i + 1 && glued_number(lw->s + w->start, end - w->start, ref)) {
    *after = j;
    return 1;
  }
  return 0;
}

static int keep_first_date(void *ctx, const text_date *d) {
  *(text_date *)ctx = *d;
  return 1;
}

/* "ngày 03/5/2012" (or "ngày 03 tháng 5 năm 2012") at word i: the date. */
static int date_at(const lwords *lw, size_t i, char iso[11], size_t *after) {
  if (!word_is(lw, i, "ngay") || i + 1 >= lw->count) return 0;
  size_t from = lw->w[i].start;
  size_t to = from + 48 < lw->n ? from + 48 : lw->n;
  text_date d;
  d.iso[0] = '\0';
  if (text_find_dates(lw->s + from, to - from, keep_first_date, &d) == TEXT_NOMEM || !d.iso[0])
    return 0;
  if (d.start > 12) return 0; /* the date follows "ngày" */
  memcpy(iso, d.iso, 11);
  size_t end = from + d.end;
  size_t j = i + 1;
  while (j < lw->count && lw->w[j].start < end) j++;
  *after = j;
  return 1;
}

/* Words that end an issuer's name in running text. */
static int ends_issuer(const lwords *lw, size_t i) {
  static const char *const STOPS[] = {"ve", "v/v", "ban hanh", "quy dinh", "huong dan", "xem",
                                      "tai", "gui", "da", "ngay", "phe duyet", "trong", "cho",
                                      "doi voi", "voi", "theo", "la", "co", "cua", "kem",
                                      "toan van", "chi tiet", "noi dung", "tiep tuc", "ra",
                                      "ky", "thong bao", "nham", "de", NULL};
  for (size_t k = 0; STOPS[k]; k++)
    if (phrase_at(lw, i, STOPS[k], NULL)) return 1;
  return 0;
}

/* The body named at word i ("Bộ Thông tin và Truyền thông", "UBND Thành
   phố"), up to a word or mark that ends it; copied into out. */
static int issuer_at(const lwords *lw, size_t i, char *out, size_t cap, size_t *end) {
  const char *const *starts = legal_issuer_starts();
  int ok = 0;
  for (size_t k = 0; starts[k] && !ok; k++) ok = phrase_at(lw, i, starts[k], NULL);
  if (!ok) return 0;
  size_t j = i + 1;
  while (j < lw->count && j < i + ISSUER_WORDS && !ends_issuer(lw, j)) {
    /* marks between two words end it: ":", ",", ".", "(", quotes */
    int stop = 0;
    for (size_t p = lw->w[j - 1].end; p < lw->w[j].start && !stop; p++)
      stop = strchr(":,.;(\"", lw->s[p]) != NULL || (unsigned char)lw->s[p] == 0xE2;
    if (stop) break;
    j++;
  }
  size_t a = lw->w[i].start, b = lw->w[j - 1].end;
  if (b - a + 1 > cap) return 0;
  if (end) *end = j;
  memcpy(out, lw->s + a, b - a);
  out[b - a] = '\0';
  return 1;
}

/* After the number: "ngày D", "năm YYYY", then "của X" / "giữa X". */
static void after_number(const lwords *lw, size_t i, ex_lead *out) {
  char iso[11];
  size_t next;
  if (date_at(lw, i, iso, &next)) {
    if (!out->date[0]) memcpy(out->date, iso, 11);
    i = next;
  } else {
    /* "... số 12/QĐ-UBND do Chủ tịch UBND tỉnh ký ban hành ngày 15/5/2020" */
    for (size_t k = i; k < lw->count && k < i + 16 && !out->date[0]; k++) {
      size_t a;
      if ((phrase_at(lw, k, "ban hanh", &a) || phrase_at(lw, k, "ky", &a)) && date_at(lw, a, iso, &next))
        memcpy(out->date, iso, 11);
    }
  }
  if (word_is(lw, i, "nam") && i + 1 < lw->count && lw->w[i + 1].kind == TEXT_TOKEN_NUMBER) i += 2;
  if ((word_is(lw, i, "cua") || word_is(lw, i, "giua")) && !out->issuer[0])
    issuer_at(lw, i + 1, out->issuer, sizeof out->issuer, NULL);
}

/* A sentence that opens with its own number: ["Toàn văn"] TYPE ["số"] N.
   One that says no more and has no "số" ("Luật 31/VBHN-VPQH", over a
   diagram of its relations) labels a page about the document: a number
   presented alone is "Hướng dẫn số: 1212/HD-STTTT-KHTC". */
static int opens_with_number(const lwords *lw, ex_lead *out) {
  size_t i = 0;
  if (phrase_at(lw, 0, "toan van", &i) == 0) i = 0;
  size_t after;
  const legal_doctype *t = type_at(lw, i, &after);
  if (!t) return 0;
  i = after;
  int so = word_is(lw, i, "so");
  i += so;
  text_ref ref;
  if (!number_at(lw, i, &ref, &after) || (!so && after >= lw->count)) return 0;
  out->number = ref;
  out->has_number = 1;
  out->type = t->name;
  after_number(lw, after, out);
  return 1;
}

/* "Ngày 14/3/2019, Sở ... đã ban hành Quyết định số 31/QĐ-STTTT ...",
   "Ngày 26/3/2014 của Bộ ... đã có công văn số 859/BTTTT-CTS ...". */
static int dated_issue(const lwords *lw, ex_lead *out) {
  char iso[11];
  size_t i;
  if (!date_at(lw, 0, iso, &i)) return 0;
  size_t subject = word_is(lw, i, "cua") ? i + 1 : i;
  for (size_t k = subject; k + 1 < lw->count && k < subject + 24; k++) {
    size_t after;
    if (!phrase_at(lw, k, "ban hanh", &after) && !phrase_at(lw, k, "da co", &after) &&
        !phrase_at(lw, k, "ky", &after))
      continue;
    const legal_doctype *t = type_at(lw, after, &after);
    if (!t) continue;
    if (word_is(lw, after, "so")) after++;
    text_ref ref;
    if (!number_at(lw, after, &ref, &after)) continue;
    out->number = ref;
    out->has_number = 1;
    out->type = t->name;
    memcpy(out->date, iso, 11);
    issuer_at(lw, subject, out->issuer, sizeof out->issuer, NULL);
    return 1;
  }
  return 0;
}

/* "Sở Thông tin và Truyền thông Hà Nội thông báo lịch ...": the body that
   does what the page's type says (a Thông báo's "thông báo"). */
static void acting_issuer(const lwords *lw, const legal_doctype *t, ex_lead *out) {
  for (size_t k = 0; k < lw->count && !out->issuer[0]; k++) {
    char name[sizeof out->issuer];
    size_t end;
    if (issuer_at(lw, k, name, sizeof name, &end) && phrase_at(lw, end, t->words, NULL))
      memcpy(out->issuer, name, sizeof name);
  }
}

/* ------------------------------------------------------------------ */
/* Putting it together                                                  */
/* ------------------------------------------------------------------ */

static int read_sentence(const char *s, size_t n, ex_lead *out, int from_title) {
  lwords *lw = malloc(sizeof *lw);
  if (!lw) return -1;
  int found = 0;
  if (words_of(s, n, lw) == 0) {
    found = opens_with_number(lw, out) || dated_issue(lw, out);
    if (found) out->from_title = from_title;
    if (!found && from_title && !out->type) { /* "Công văn đề nghị ..." */
      size_t after;
      const legal_doctype *t = type_at(lw, 0, &after);
      if (t && t->title_alone && after < lw->count && lw->w[after].kind == TEXT_TOKEN_WORD)
        out->type = t->name;
    }
  }
  free(lw);
  return found;
}

/* The lead's lines one by one: the first LEAD_LINES lines of the text, each
   cut to LEAD_LINE_MAX bytes at a character boundary. */
typedef struct {
  const char *p;
  int lines;
} lead_lines;

static int next_lead_line(lead_lines *it, const char **s, size_t *n) {
  if (!it->p || !*it->p || it->lines++ >= LEAD_LINES) return 0;
  const char *e = strchr(it->p, '\n');
  size_t len = e ? (size_t)(e - it->p) : strlen(it->p);
  if (len > LEAD_LINE_MAX) len = LEAD_LINE_MAX;
  while (len > 0 && ((unsigned char)it->p[len] & 0xC0) == 0x80) len--; /* whole characters */
  *s = it->p;
  *n = len;
  it->p = e ? e + 1 : NULL;
  return 1;
}

/* The acting body in the lead lines of a page typed by its title alone. */
static int lead_actor(const char *text, ex_lead *out) {
  const legal_doctype *t = NULL;
  size_t n;
  const legal_doctype *types = legal_doctypes(&n);
  for (size_t i = 0; i < n && !t; i++)
    if (types[i].name == out->type) t = &types[i];
  lwords *lw = t ? malloc(sizeof *lw) : NULL;
  if (t && !lw) return -1;
  lead_lines it = {text, 0};
  const char *p;
  size_t len;
  while (lw && !out->issuer[0] && next_lead_line(&it, &p, &len))
    if (words_of(p, len, lw) == 0) acting_issuer(lw, t, out);
  free(lw);
  return 0;
}

/* A title's number, cited again by the lead with its date or issuer
   ("Nghị định số 84/2014/NĐ-CP của Chính phủ: ..." over "Nghị định số
   84/2014/NĐ-CP ngày 08/09/2014 của Chính phủ ..."): what the title lacked. */
static int lead_details(const char *text, ex_lead *out) {
  lead_lines it = {text, 0};
  const char *p;
  size_t n;
  while (next_lead_line(&it, &p, &n)) {
    ex_lead again;
    memset(&again, 0, sizeof again);
    if (read_sentence(p, n, &again, 0) < 0) return -1;
    if (again.has_number && strcmp(again.number.key, out->number.key) == 0) {
      if (!out->date[0] && again.date[0]) {
        memcpy(out->date, again.date, sizeof out->date);
        out->from_title = 0; /* the date is the text's */
      }
      if (!out->issuer[0]) memcpy(out->issuer, again.issuer, sizeof out->issuer);
      if (out->date[0] && out->issuer[0]) return 0;
    }
  }
  return 0;
}

int ex_read_lead(const char *title, const char *text, ex_lead *out) {
  memset(out, 0, sizeof *out);
  if (title) {
    int r = read_sentence(title, strlen(title), out, 1);
    if (r < 0) return -1;
    if (r) return out->date[0] && out->issuer[0] ? 0 : lead_details(text, out);
  }
  lead_lines it = {text, 0};
  const char *p;
  size_t n;
  while (next_lead_line(&it, &p, &n)) {
    const char *title_type = out->type;
    out->type = NULL;
    int r = read_sentence(p, n, out, 0);
    if (r < 0) return -1;
    if (r) return 0;
    out->type = title_type;
  }
  return out->type && text ? lead_actor(text, out) : 0;
}
