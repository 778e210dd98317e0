/* legal.c: header metadata and relations of a legal document (legal.h).
 *
 * Everything is matched on folded words from text_tokenize, line by line:
 * a header is a column layout flattened by PDF extraction, so lines (not
 * sentences) are its units. Relations are matched on the folded text of the
 * sentence around each number text_find_refs reports. */
#include "text/legal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/legalvocab.h"

/* Words of one line kept for matching; header lines are short. */
#define LINE_WORDS 24
#define WORD_FOLD 32
/* A relation's sentence is looked for this far either side of its number. */
#define SENTENCE_REACH 600
/* A cue ("bãi bỏ") governs a number at most this many folded bytes later. */
#define CUE_REACH 160
/* Signature blocks tried (one after each "./." end mark). */
#define MAX_END_MARKS 8
#define SIGNATURE_LINES 30
#define SIGNATURE_TAIL 1500
/* Bytes before a date searched for its cue ("có hiệu lực ... từ ngày"). */
#define DATE_CUE_WINDOW 90

/* ------------------------------------------------------------------ */
/* Names                                                                */
/* ------------------------------------------------------------------ */

static const char *const REL_NAMES[LEGAL_REL_COUNT] = {"cites",   "basis",   "amends",
                                                       "replaces", "repeals", "implements"};

const char *legal_rel_name(legal_rel_kind kind) {
  return (unsigned)kind < LEGAL_REL_COUNT ? REL_NAMES[kind] : "cites";
}

int legal_rel_parse(const char *name, legal_rel_kind *kind) {
  for (int i = 0; i < LEGAL_REL_COUNT; i++)
    if (strcmp(name, REL_NAMES[i]) == 0) {
      *kind = (legal_rel_kind)i;
      return 1;
    }
  return 0;
}

/* Document types and their kind codes come from legalvocab.h. */

/* ------------------------------------------------------------------ */
/* Small text helpers                                                   */
/* ------------------------------------------------------------------ */

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

/* Copies s[a..b) into dst with white space runs collapsed to one space and
 * the ends trimmed, cut at a UTF-8 character boundary to fit cap. */
static void copy_clean(char *dst, size_t cap, const char *s, size_t a, size_t b) {
  size_t n = 0;
  int space = 0;
  for (size_t i = a; i < b; i++) {
    if (is_ws(s[i]) || ((unsigned char)s[i] == 0xC2 && i + 1 < b && (unsigned char)s[i + 1] == 0xA0)) {
      if ((unsigned char)s[i] == 0xC2) i++;
      space = n > 0;
      continue;
    }
    if (space) {
      if (n + 1 >= cap) break;
      dst[n++] = ' ';
      space = 0;
    }
    if (n + 1 >= cap) break;
    dst[n++] = s[i];
  }
  /* never end inside a multi-byte character */
  size_t cut = n;
  while (cut > 0 && ((unsigned char)dst[cut - 1] & 0xC0) == 0x80) cut--;
  if (cut > 0 && ((unsigned char)dst[cut - 1] & 0x80)) {
    unsigned char lead = (unsigned char)dst[cut - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (n - (cut - 1) >= need) cut = n;
    else cut--;
  } else {
    cut = n;
  }
  while (cut > 0 && dst[cut - 1] == ' ') cut--;
  dst[cut] = '\0';
}

/* Appends " " + src to dst (size cap), keeping it NUL-terminated. */
static void append_value(char *dst, size_t cap, const char *sep, const char *src) {
  size_t n = strlen(dst);
  if (n && n + strlen(sep) < cap) {
    memcpy(dst + n, sep, strlen(sep) + 1);
    n += strlen(sep);
  }
  copy_clean(dst + n, cap - n, src, 0, strlen(src));
}

/* The last occurrence of needle in hay, or NULL. */
static const char *last_of(const char *hay, const char *needle) {
  const char *found = NULL;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) found = p;
  return found;
}

/* The folded text of s[a..b) with white space collapsed, into buf. Returns
 * its length; -1 when out of memory. */
static long fold_span(const char *s, size_t a, size_t b, char *buf, size_t cap) {
  char *f = NULL;
  size_t flen = 0;
  text_status st = text_normalize(s + a, b - a, 1, &f, &flen);
  if (st == TEXT_NOMEM) return -1;
  if (st != TEXT_OK) {
    buf[0] = '\0';
    return 0;
  }
  copy_clean(buf, cap, f, 0, flen);
  free(f);
  return (long)strlen(buf);
}

/* ------------------------------------------------------------------ */
/* Lines as folded words                                                */
/* ------------------------------------------------------------------ */

typedef struct {
  char f[WORD_FOLD];
  size_t start, end; /* absolute offsets in the document */
  text_token_kind kind;
} lword;

typedef struct {
  size_t start, end; /* the line, without its newline */
  lword w[LINE_WORDS];
  size_t n;
  int upper;         /* letters, and no ASCII lower-case one: a heading */
} lline;

typedef struct {
  lline *ln;
} word_fill;

static int add_line_word(void *ctx, const text_token *tok) {
  lline *ln = ((word_fill *)ctx)->ln;
  if (ln->n == LINE_WORDS) return 1;
  lword *w = &ln->w[ln->n++];
  size_t k = tok->folded_len < WORD_FOLD - 1 ? tok->folded_len : WORD_FOLD - 1;
  memcpy(w->f, tok->folded, k);
  w->f[k] = '\0';
  w->start = ln->start + tok->start;
  w->end = ln->start + tok->end;
  w->kind = tok->kind;
  return 0;
}

static int line_is_upper(const char *s, size_t a, size_t b) {
  int letters = 0;
  for (size_t i = a; i < b; i++) {
    if (s[i] >= 'a' && s[i] <= 'z') return 0;
    if (s[i] >= 'A' && s[i] <= 'Z') letters = 1;
  }
  return letters;
}

/* Reads the line starting at p into ln; returns the start of the next one. */
static size_t read_line(const char *s, size_t len, size_t p, lline *ln) {
  const char *nl = memchr(s + p, '\n', len - p);
  size_t end = nl ? (size_t)(nl - s) : len;
  ln->start = p;
  ln->end = end;
  ln->n = 0;
  word_fill wf = {ln};
  text_tokenize(s + p, end - p, add_line_word, &wf);
  ln->upper = line_is_upper(s, p, end);
  return nl ? end + 1 : len;
}

/* 1 when the line's words from index `from` are the words of pat (folded,
 * single spaces); *after gets the index after them. */
static int words_at(const lline *ln, size_t from, const char *pat, size_t *after) {
  size_t i = from;
  while (*pat) {
    const char *sp = strchr(pat, ' ');
    size_t k = sp ? (size_t)(sp - pat) : strlen(pat);
    if (i >= ln->n || strlen(ln->w[i].f) != k || memcmp(ln->w[i].f, pat, k) != 0) return 0;
    i++;
    pat += k + (sp != NULL);
  }
  if (after) *after = i;
  return 1;
}

static int starts_with_any(const lline *ln, const char *const *pats) {
  for (size_t i = 0; pats[i]; i++)
    if (words_at(ln, 0, pats[i], NULL)) return 1;
  return 0;
}

static const char *line_type_exact(const lline *ln) {
  size_t n;
  const legal_doctype *types = legal_doctypes(&n);
  for (size_t i = 0; i < n; i++) {
    size_t after;
    if (words_at(ln, 0, types[i].words, &after) && after == ln->n) return types[i].name;
  }
  return NULL;
}

/* The type named by the whole line ("NGHỊ ĐỊNH"; "THÔNG TƯ1" with a
 * footnote mark glued on), or NULL. */
static const char *line_type(const lline *ln) {
  const char *t = line_type_exact(ln);
  if (t || ln->n == 0) return t;
  const char *last = ln->w[ln->n - 1].f;
  size_t k = strlen(last);
  while (k > 0 && last[k - 1] >= '0' && last[k - 1] <= '9') k--;
  if (k == 0 || k == strlen(last)) return NULL;
  lline copy = *ln;
  copy.w[ln->n - 1].f[k] = '\0';
  return line_type_exact(&copy);
}

/* Lines that are layout, not content: the gazette's page header, page
 * numbers, the national motto, the digital signature stamp. */
static int is_noise(const char *s, const lline *ln) {
  static const char *const noise[] = {"cong bao", "van ban quy pham phap luat", "cong hoa xa hoi",
                                      "doc lap tu do", "xem tiep", "van ban hop nhat", NULL};
  static const char *const stamp[] = {"nguoi ky", "ky boi", "email", "co quan", "thoi gian ky",
                                      "ngay ky", NULL};
  if (ln->n == 0) return 1;
  if (ln->n <= 2 && ln->w[0].kind == TEXT_TOKEN_NUMBER && (ln->n == 1 || ln->w[1].kind == TEXT_TOKEN_NUMBER))
    return 1;
  if (starts_with_any(ln, noise) && (ln->upper || !words_at(ln, 0, "van ban hop nhat", NULL)))
    return 1;
  for (size_t i = 0; stamp[i]; i++) {
    size_t after;
    if (words_at(ln, 0, stamp[i], &after)) {
      size_t p = ln->w[after - 1].end;
      while (p < ln->end && s[p] == ' ') p++;
      if (p < ln->end && s[p] == ':') return 1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Header fields                                                        */
/* ------------------------------------------------------------------ */

/* "Số: 215/TB-UBND", "Luật số: 91/2015/QH13": a reference whose line starts
 * with at most four words ending in "số". */
static int line_number(const char *s, const lline *ln, text_ref *ref) {
  for (size_t i = 1; i < ln->n && i <= 4; i++) {
    if (ln->w[i].kind != TEXT_TOKEN_REF) {
      if (ln->w[i].kind != TEXT_TOKEN_WORD) return 0;
      continue;
    }
    if (strcmp(ln->w[i - 1].f, "so") != 0) return 0;
    /* "Thông tư số 04/2019/..." in running text is a citation: a doctype
     * word before "số" needs the header's colon ("Luật số: 91/2015/QH13") */
    int colon = memchr(s + ln->w[i - 1].end, ':', ln->w[i].start - ln->w[i - 1].end) != NULL;
    if (i > 1 && !colon) return 0;
    /* a line of running text may begin with "số 984/QĐ-BCA ngày ...": a
     * header without its colon still writes "Số" or "SỐ" */
    if (i == 1 && !colon && s[ln->w[0].start] != 'S') return 0;
    if (!text_parse_ref(s + ln->w[i].start, ln->w[i].end - ln->w[i].start, ref)) return 0;
    /* the words before "số" ("Luật", "Nghị quyết") are the doctype */
    if (i > 1) copy_clean(ref->doctype, sizeof ref->doctype, s, ln->w[0].start, ln->w[i - 1].start);
    return 1;
  }
  return 0;
}


static int only_words(const lline *ln, size_t from) {
  for (size_t i = from; i < ln->n; i++)
    if (ln->w[i].kind != TEXT_TOKEN_WORD) return 0;
  return 1;
}

/* An upper-case line whose words from `from` on name an issuing body. */
static int is_issuer_start(const lline *ln, size_t from) {
  if (!ln->upper || ln->n > 16 + from || from >= ln->n) return 0;
  if (words_at(ln, from, "bo truong", NULL)) return 0;
  if (!only_words(ln, from)) return 0; /* "Số: 12/VBHN-BTC" is no "Sở" */
  const char *const *starts = legal_issuer_starts();
  for (size_t i = 0; starts[i]; i++)
    if (words_at(ln, from, starts[i], NULL)) return 1;
  return 0;
}

/* The line up to "CỘNG HÒA ..." when PDF extraction put both columns on it. */
static size_t issuer_end(const lline *ln) {
  for (size_t i = 1; i < ln->n; i++)
    if (words_at(ln, i, "cong hoa", NULL)) return ln->w[i].start;
  return ln->end;
}

static int keep_first_date(void *ctx, const text_date *d) {
  *(text_date *)ctx = *d;
  return 1;
}

/* "Tây Hồ, ngày 28 tháng 7 năm 2021": up to six words of place, a comma,
 * "ngày" and a date. */
static int line_place_date(const char *s, const lline *ln, char *place, size_t pcap, char date[11]) {
  for (size_t k = 1; k < ln->n && k <= 6; k++) {
    if (ln->w[k].kind != TEXT_TOKEN_WORD) return 0;
    if (strcmp(ln->w[k].f, "ngay") != 0) continue;
    size_t p = ln->w[k].start;
    while (p > ln->start && s[p - 1] == ' ') p--;
    if (p == ln->start || s[p - 1] != ',') return 0;
    text_date d;
    d.iso[0] = '\0';
    text_find_dates(s + ln->w[k].start, ln->end - ln->w[k].start, keep_first_date, &d);
    if (!d.iso[0]) return 0;
    memcpy(date, d.iso, 11);
    copy_clean(place, pcap, s, ln->start, p - 1);
    return 1;
  }
  return 0;
}

/* Signature roles: "TM. CHÍNH PHỦ", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", ... */
static const char *const ROLE_STARTS[] = {
    "tm", "kt", "tl", "tuq", "q", "chu tich", "pho chu tich", "bo truong", "thu truong",
    "thu tuong", "pho thu tuong", "giam doc", "pho giam doc", "thong doc", "pho thong doc",
    "chanh an", "vien truong", "tong kiem toan", "chu nhiem", "truong ban", "pho truong ban",
    "chanh van phong", "tong giam doc", "cuc truong", "tong cuc truong", "truong phong",
    "tong thu ky", "bi thu", "chanh thanh tra", NULL};

/* Upper case in print; web pages often set it in mixed case and let CSS
 * upper-case it ("Chủ tịch Quốc hội"), so a short line will do too. */
static int is_role_line(const lline *ln) {
  return (ln->upper ? ln->n <= 12 : ln->n <= 6) && starts_with_any(ln, ROLE_STARTS);
}

/* A person's name: two to six words of letters, each capitalised, not all
 * upper case (that is a heading: "TÊN DOANH NGHIỆP"), no colon. */
static int is_name_line(const char *s, const lline *ln) {
  if (ln->n < 2 || ln->n > 6 || ln->upper) return 0;
  for (size_t i = 0; i < ln->n; i++) {
    unsigned char c = (unsigned char)s[ln->w[i].start];
    if (ln->w[i].kind != TEXT_TOKEN_WORD || (c >= 'a' && c <= 'z')) return 0;
  }
  for (size_t i = ln->start; i < ln->end; i++)
    if (s[i] == ':' || s[i] == '(' || s[i] == '/' || s[i] == '[' || s[i] == ']') return 0;
  return !starts_with_any(ln, ROLE_STARTS) && !words_at(ln, 0, "noi nhan", NULL);
}

/* ------------------------------------------------------------------ */
/* The header                                                           */
/* ------------------------------------------------------------------ */

/* An issuer printed over one to three lines ("ỦY BAN NHÂN DÂN" / "QUẬN TÂY HỒ"). */
typedef struct {
  char text[LEGAL_FIELD_MAX];
  int open, lines;
} issuer_block;

/* Feeds one line (its words from `from` on) to the block; the issuer is
 * the last block read, copied to dest as it grows. */
static void issuer_line(const char *s, const lline *ln, size_t from, issuer_block *b, char *dest) {
  char part[LEGAL_FIELD_MAX];
  copy_clean(part, sizeof part, s, ln->w[from < ln->n ? from : 0].start, issuer_end(ln));
  if (is_issuer_start(ln, from)) {
    b->text[0] = '\0';
    b->open = 1;
    b->lines = 1;
  } else if (b->open && ln->upper && b->lines < 3 && only_words(ln, 0) && !line_type(ln) &&
             !is_role_line(ln) &&
             !words_at(ln, 0, "xac thuc", NULL) && !words_at(ln, 0, "xac nhan", NULL)) {
    b->lines++;
  } else {
    b->open = 0;
    return;
  }
  append_value(b->text, sizeof b->text, " ", part);
  memcpy(dest, b->text, LEGAL_FIELD_MAX);
}

/* "Số: Không số", "Số:    /QĐ-UBND": the header's number line, without a number. */
static int is_number_label(const char *s, const lline *ln) {
  if (ln->n == 0 || strcmp(ln->w[0].f, "so") != 0) return 0;
  size_t p = ln->w[0].end;
  while (p < ln->end && s[p] == ' ') p++;
  return p < ln->end && s[p] == ':';
}

typedef struct {
  const char *s;
  size_t len;
  legal_info *li;
  char title_type[48];
  issuer_block block;
  int consolidated; /* the gazette files it under "VĂN BẢN HỢP NHẤT" */
  int in_summary, summary_lines, summary_upper;
  int number_label; /* a "Số:" line without its number went by */
} header_state;

/* 1 when the line's first letter is a capital (its case-folded form differs). */
static int starts_capital(const char *s, const lline *ln) {
  if (ln->n == 0 || ln->w[0].kind != TEXT_TOKEN_WORD) return 0;
  size_t a = ln->w[0].start, b = a + 1;
  while (b < ln->w[0].end && ((unsigned char)s[b] & 0xC0) == 0x80) b++;
  char *low = NULL;
  size_t n = 0;
  if (text_normalize(s + a, b - a, 0, &low, &n) != TEXT_OK) return 0;
  int cap = n != b - a || memcmp(low, s + a, n) != 0;
  free(low);
  return cap;
}

static void summary_line(header_state *hs, const lline *ln) {
  static const char *const stop[] = {"can cu", "thuc hien", "theo de nghi", "xet de nghi",
                                     "dieu", "chuong", NULL};
  if (!hs->in_summary) return;
  /* a summary in capitals ("HÌNH SỰ", "BÃI BỎ MỘT SỐ NGHỊ ĐỊNH") goes on in
   * capitals; one in running case ends at the next line in capitals */
  if (!hs->summary_lines) hs->summary_upper = ln->upper;
  /* one in running case goes on only where its line wrapped: in lower case
     ("V/v thực hiện giãn cách\ntrên địa bàn quận"); a capital opens the text */
  int wrapped = hs->summary_lines == 0 || hs->summary_upper || !starts_capital(hs->s, ln);
  if (ln->upper != hs->summary_upper || !wrapped || starts_with_any(ln, stop) || hs->summary_lines == 3) {
    hs->in_summary = 0;
    return;
  }
  char part[LEGAL_FIELD_MAX];
  copy_clean(part, sizeof part, hs->s, ln->start, ln->end);
  append_value(hs->li->summary, sizeof hs->li->summary, " ", part);
  hs->summary_lines++;
}

/* One line of the header. Returns 0 at the end of the header. */
static int header_line(header_state *hs, const lline *ln) {
  static const char *const body_starts[] = {"can cu", "dieu 1", "chuong i", "quyet nghi",
                                            "theo de nghi", NULL};
  legal_info *li = hs->li;
  if (starts_with_any(ln, body_starts)) return 0;
  size_t after;
  if (ln->upper && words_at(ln, 0, "van ban hop nhat", &after)) {
    /* "VĂN BẢN HỢP NHẤT - BỘ Y TẾ": a consolidated text, and maybe its issuer */
    hs->consolidated = 1;
    if (after < ln->n && !li->has_number) issuer_line(hs->s, ln, after, &hs->block, li->issuer);
    return 1;
  }
  if (is_noise(hs->s, ln)) return 1;
  text_ref ref;
  if (!li->has_number && line_number(hs->s, ln, &ref)) {
    li->number = ref;
    li->has_number = 1;
    hs->block.open = 0;
    return 1;
  }
  /* A PDF's text puts the stamped digits of "Số:   85/GM-UBND" lines away
   * from their label, under the motto: a header line that starts with a
   * number, after the label, is the document's. The label ends the issuer. */
  if (!li->has_number && is_number_label(hs->s, ln)) {
    hs->number_label = 1;
    hs->block.open = 0;
    return 1;
  }
  if (!li->has_number && hs->number_label && ln->n && ln->w[0].kind == TEXT_TOKEN_REF &&
      text_parse_ref(hs->s + ln->w[0].start, ln->w[0].end - ln->w[0].start, &ref)) {
    li->number = ref;
    li->has_number = 1;
    return 1;
  }
  if (!li->date[0] && line_place_date(hs->s, ln, li->place, sizeof li->place, li->date)) return 1;
  const char *t = ln->upper ? line_type(ln) : NULL;
  if (t && !hs->title_type[0]) {
    snprintf(hs->title_type, sizeof hs->title_type, "%s", t);
    hs->block.open = 0;
    hs->in_summary = 1;
    return 1;
  }
  if ((words_at(ln, 0, "v/v", NULL) || words_at(ln, 0, "ve viec", NULL) ||
       (ln->n && strcmp(ln->w[0].f, "v") == 0 && ln->n > 1 && strcmp(ln->w[1].f, "v") == 0)) &&
      !li->summary[0]) {
    copy_clean(li->summary, sizeof li->summary, hs->s, ln->start, ln->end);
    /* its first line: only a wrapped one goes on (not "CHỦ TỊCH ..." under it) */
    hs->summary_lines = 1;
    hs->summary_upper = ln->upper;
    return 1;
  }
  if (hs->in_summary) summary_line(hs, ln);
  else if (!li->has_number && !hs->title_type[0]) issuer_line(hs->s, ln, 0, &hs->block, li->issuer);
  return 1;
}

static void decide_type(legal_info *li, const char *title_type);

/* Reads the header from offset p on, line by line, until its end. */
static void parse_header(header_state *hs, size_t p) {
  lline ln;
  size_t lines = 0;
  while (p < hs->len && lines < LEGAL_HEADER_LINES) {
    p = read_line(hs->s, hs->len, p, &ln);
    if (ln.n == 0) continue;
    lines++;
    if (!header_line(hs, &ln)) break;
  }
  snprintf(hs->li->header_type, sizeof hs->li->header_type, "%s",
           hs->consolidated ? "Văn bản hợp nhất" : hs->title_type);
}

/* Lines longer than this are running text, never a header's anchor. */
#define ANCHOR_LINE_MAX 300
/* Upper-case lines above the anchor read as the issuer's block. */
#define ISSUER_LINES_ABOVE 4

/* Where a header starts inside a longer text (a web page's, menus and
 * all): the first line that is the national motto or presents an own
 * number ("Số: 215/TB-UBND"), moved up over the upper-case lines right
 * above it (the issuer: "ỦY BAN NHÂN DÂN" / "QUẬN TÂY HỒ"). */
static int header_start(const char *s, size_t len, size_t *start) {
  size_t above[ISSUER_LINES_ABOVE];
  size_t n_above = 0;
  lline ln;
  for (size_t p = 0; p < len;) {
    const char *nl = memchr(s + p, '\n', len - p);
    size_t end = nl ? (size_t)(nl - s) : len, next = nl ? end + 1 : len;
    if (end - p == 0 || end - p > ANCHOR_LINE_MAX) {
      if (end - p) n_above = 0;
      p = next;
      continue;
    }
    read_line(s, len, p, &ln);
    text_ref ref;
    if ((ln.upper && words_at(&ln, 0, "cong hoa xa hoi chu nghia", NULL)) ||
        line_number(s, &ln, &ref) || is_number_label(s, &ln)) {
      *start = n_above ? above[0] : p;
      return 1;
    }
    if (ln.n == 0) { /* a rule ("-------") between the issuer and its number */
      p = next;
      continue;
    }
    if (ln.upper) {
      if (n_above == ISSUER_LINES_ABOVE) memmove(above, above + 1, sizeof above[0] * --n_above);
      above[n_above++] = p;
    } else {
      n_above = 0;
    }
    p = next;
  }
  return 0;
}

text_status legal_parse_header(const char *s, size_t len, legal_info *out) {
  memset(out, 0, sizeof *out);
  if (len > TEXT_MAX_INPUT) return TEXT_TOO_BIG;
  size_t start;
  if (!header_start(s, len, &start)) return TEXT_OK;
  header_state hs;
  memset(&hs, 0, sizeof hs);
  hs.s = s;
  hs.len = len;
  hs.li = out;
  parse_header(&hs, start);
  decide_type(out, out->header_type);
  return TEXT_OK;
}

/* ------------------------------------------------------------------ */
/* Signature blocks                                                     */
/* ------------------------------------------------------------------ */

typedef struct {
  char role[LEGAL_FIELD_MAX];
  int roles;
  int done;
  issuer_block block; /* a consolidated text prints its issuer here */
} sign_state;

static void signature_line(const char *s, const lline *ln, legal_info *li, sign_state *ss) {
  text_ref ref;
  if (!li->has_number && line_number(s, ln, &ref)) {
    li->number = ref;
    li->has_number = 1;
    return;
  }
  if (!li->date[0] && line_place_date(s, ln, li->place, sizeof li->place, li->date)) return;
  if (!ss->roles && (!li->issuer[0] || ss->block.open)) issuer_line(s, ln, 0, &ss->block, li->issuer);
  if (is_role_line(ln) && ss->roles < 4) {
    char part[LEGAL_FIELD_MAX];
    copy_clean(part, sizeof part, s, ln->start, ln->end);
    append_value(ss->role, sizeof ss->role, " / ", part);
    ss->roles++;
    return;
  }
  if (ss->roles && is_name_line(s, ln)) {
    copy_clean(li->signer, sizeof li->signer, s, ln->start, ln->end);
    memcpy(li->signer_role, ss->role, sizeof ss->role);
    ss->done = 1;
  }
}

/* The block after one end mark: role lines, then a name. */
static void parse_signature_at(const char *s, size_t len, size_t p, legal_info *li) {
  static const char *const stop[] = {"phu luc", "mau so", "mau", NULL};
  sign_state ss;
  memset(&ss, 0, sizeof ss);
  lline ln;
  for (size_t lines = 0; p < len && lines < SIGNATURE_LINES && !ss.done;) {
    p = read_line(s, len, p, &ln);
    if (ln.n == 0 || is_noise(s, &ln)) continue;
    lines++;
    if (ln.upper && starts_with_any(&ln, stop)) break;
    signature_line(s, &ln, li, &ss);
  }
}

/* The end mark of a text: "./.", or "/." after a full stop and white space
 * (web pages put it on a line of its own). Returns a pointer to its "/". */
static const char *find_mark(const char *s, size_t len, size_t from) {
  for (size_t i = from; i + 2 <= len; i++) {
    if (s[i] != '/' || s[i + 1] != '.') continue;
    size_t j = i;
    while (j > 0 && is_ws(s[j - 1])) j--;
    if (j > 0 && s[j - 1] == '.') return s + i;
  }
  return NULL;
}

/* After each end mark "./." until a signer is found; a text without any
 * mark (a web page's announcement) is tried from its last lines. */
static void parse_signatures(const char *s, size_t len, legal_info *li) {
  size_t from = 0;
  int marks = 0;
  for (; marks < MAX_END_MARKS && !li->signer[0]; marks++) {
    const char *m = find_mark(s, len, from);
    if (!m) break;
    from = (size_t)(m - s) + 2;
    parse_signature_at(s, len, from, li);
  }
  if (marks == 0 && len > 0) {
    size_t p = len > SIGNATURE_TAIL ? len - SIGNATURE_TAIL : 0;
    while (p > 0 && s[p - 1] != '\n') p--;
    parse_signature_at(s, len, p, li);
  }
}

/* ------------------------------------------------------------------ */
/* Dates found by their cue: effective, and a law's date of passing      */
/* ------------------------------------------------------------------ */

typedef struct {
  const char *s;
  size_t from;              /* only dates at or after this offset */
  char effective[11];       /* first "có hiệu lực ... từ ngày" date */
  char self_effective[11];  /* first "... này có hiệu lực" date */
  char passed[11];          /* last "thông qua ngày" date */
  char first_plain[11];     /* first date with no effective cue */
  int nomem;
} date_cues;

static int on_cued_date(void *ctx, const text_date *d) {
  date_cues *dc = ctx;
  if (d->start < dc->from) return 0;
  char win[DATE_CUE_WINDOW * 2 + 1];
  size_t a = d->start > DATE_CUE_WINDOW ? d->start - DATE_CUE_WINDOW : 0;
  while (a < d->start && ((unsigned char)dc->s[a] & 0xC0) == 0x80) a++;
  if (fold_span(dc->s, a, d->start, win, sizeof win) < 0) {
    dc->nomem = 1;
    return 1;
  }
  /* the cue must lead to THIS date: "có hiệu lực (thi hành) (kể) từ ngày" */
  const char *eff = last_of(win, "co hieu luc");
  if (eff && strlen(eff) <= 40 && strstr(eff, "ngay")) {
    if (!dc->effective[0]) memcpy(dc->effective, d->iso, 11);
    if (!dc->self_effective[0] && strstr(win, "nay co hieu luc")) memcpy(dc->self_effective, d->iso, 11);
  } else if (!dc->first_plain[0]) {
    memcpy(dc->first_plain, d->iso, 11);
  }
  const char *tq = last_of(win, "thong qua");
  if (tq && strlen(tq) <= 24) memcpy(dc->passed, d->iso, 11);
  return 0;
}

static text_status find_cued_dates(const char *s, size_t len, size_t from, date_cues *dc) {
  memset(dc, 0, sizeof *dc);
  dc->s = s;
  dc->from = from;
  text_status st = text_find_dates(s, len, on_cued_date, dc);
  if (dc->nomem) return TEXT_NOMEM;
  return st == TEXT_STOPPED ? TEXT_OK : st;
}

/* "có hiệu lực (thi hành) kể từ ngày ký": effective on the date itself. */
static text_status effective_on_signing(const char *s, size_t len, int *yes) {
  static const char *const cues[] = {"hieu luc ke tu ngay ky", "hieu luc thi hanh ke tu ngay ky",
                                     "hieu luc tu ngay ky", "hieu luc thi hanh tu ngay ky", NULL};
  char *f = NULL;
  *yes = 0;
  text_status st = text_normalize(s, len, 1, &f, NULL);
  if (st != TEXT_OK) return st;
  for (size_t i = 0; cues[i] && !*yes; i++) *yes = strstr(f, cues[i]) != NULL;
  free(f);
  return TEXT_OK;
}

/* ------------------------------------------------------------------ */
/* Types                                                                */
/* ------------------------------------------------------------------ */

static const char *type_of_words(const char *text) {
  char buf[64];
  size_t n = strlen(text);
  if (fold_span(text, 0, n, buf, sizeof buf) <= 0) return "";
  const legal_doctype *t = legal_doctype_by_words(buf, strlen(buf));
  return t ? t->name : "";
}

static const char *type_of_kind(const char *kind) {
  const legal_doctype *t = kind[0] ? legal_doctype_by_code(kind) : NULL;
  return t ? t->name : "";
}

const char *legal_type_of_ref(const text_ref *ref) {
  const char *t = type_of_kind(ref->kind);
  if (!t[0] && ref->doctype[0]) t = type_of_words(ref->doctype);
  return t;
}

/* The kind code first (unambiguous), then the title line, then the word
 * before the own number, then an issuer-only number: a Công văn. */
static void decide_type(legal_info *li, const char *title_type) {
  const char *t = li->has_number ? type_of_kind(li->number.kind) : "";
  if (!t[0]) t = title_type;
  if (!t[0] && li->has_number && li->number.doctype[0]) t = type_of_words(li->number.doctype);
  if (!t[0] && li->has_number && !li->number.kind[0] && li->number.issuer[0]) t = "Công văn";
  if (!t[0] && (strncmp(li->summary, "V/v", 3) == 0)) t = "Công văn";
  snprintf(li->type, sizeof li->type, "%s", t);
}

/* ------------------------------------------------------------------ */
/* Relations                                                            */
/* ------------------------------------------------------------------ */

static int boundary_at(const char *s, size_t len, size_t i) {
  if (s[i] == ';') {
    /* "chống lãng phí; dự trữ quốc gia; kho bạc" and "a) ...; b) ..." go on:
     * a lower-case ASCII letter after ';' continues the clause */
    size_t j = i + 1;
    while (j < len && is_ws(s[j])) j++;
    return j == len || !(s[j] >= 'a' && s[j] <= 'z');
  }
  if (s[i] == '.' && (i + 1 == len || is_ws(s[i + 1]))) return 1;
  if (s[i] == '\n') { /* a blank line, or a line starting "Căn cứ" or "Điều" */
    size_t j = i + 1;
    while (j < len && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r')) j++;
    return j < len && (s[j] == '\n' || (len - j >= 4 && memcmp(s + j, "C\xC4\x83n", 4) == 0) ||
                       (len - j >= 7 && memcmp(s + j, "\xC4\x90i\xE1\xBB\x81u", 7) == 0));
  }
  return 0;
}

static void sentence_bounds(const char *s, size_t len, size_t start, size_t end, size_t *a, size_t *b) {
  size_t lo = start > SENTENCE_REACH ? start - SENTENCE_REACH : 0;
  size_t i = start;
  while (i > lo && !boundary_at(s, len, i - 1)) i--;
  while (i < start && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
  *a = i;
  size_t hi = end + SENTENCE_REACH < len ? end + SENTENCE_REACH : len;
  size_t j = end;
  while (j < hi && !boundary_at(s, len, j)) j++;
  while (j > end && j < len && ((unsigned char)s[j] & 0xC0) == 0x80) j--;
  *b = j;
}

static const struct {
  const char *cue;
  legal_rel_kind kind;
} CUES[] = {
    {"bai bo", LEGAL_REL_REPEALS},        {"huy bo", LEGAL_REL_REPEALS},
    {"thay the", LEGAL_REL_REPLACES},     {"sua doi", LEGAL_REL_AMENDS},
    {"dinh chinh", LEGAL_REL_AMENDS},
    /* a lone "bổ sung" is also "to supplement" ("rà soát bổ sung chữ ký") */
    {"bo sung mot so", LEGAL_REL_AMENDS}, {"bo sung dieu", LEGAL_REL_AMENDS},
    {"bo sung khoan", LEGAL_REL_AMENDS},  {"bo sung diem", LEGAL_REL_AMENDS},
    {"bo sung phu luc", LEGAL_REL_AMENDS},
    {"huong dan", LEGAL_REL_IMPLEMENTS},  {"quy dinh chi tiet", LEGAL_REL_IMPLEMENTS},
};

/* The relation a cue before the number says, from the folded text before it. */
static legal_rel_kind cue_before(const char *before) {
  size_t n = strlen(before);
  const char *tail = n > CUE_REACH ? before + n - CUE_REACH : before;
  const char *best = NULL;
  size_t best_len = 0;
  legal_rel_kind kind = LEGAL_REL_CITES;
  for (size_t i = 0; i < sizeof CUES / sizeof CUES[0]; i++) {
    const char *p = last_of(tail, CUES[i].cue);
    if (p && (!best || p > best)) {
      best = p;
      best_len = strlen(CUES[i].cue);
      kind = CUES[i].kind;
    }
  }
  if (!best) return LEGAL_REL_CITES;
  /* "thay thế cụm từ “... Nghị định số X ...”": a phrase is edited, not X */
  if (strncmp(best + best_len, " cum tu", 7) == 0) return LEGAL_REL_CITES;
  /* "bãi bỏ khoản 2 Điều 5 Quyết định số X", "thay thế Phụ lục ... X": part
   * of X goes, X stays in force with changes, which is an amendment */
  static const char *const parts[] = {"khoan ", "diem ", "dieu ", "phu luc", "chuong ", "muc ",
                                      "mau ", "bieu mau", NULL};
  if (kind == LEGAL_REL_REPEALS || kind == LEGAL_REL_REPLACES)
    for (size_t i = 0; parts[i]; i++)
      if (strstr(best + best_len, parts[i])) {
        kind = LEGAL_REL_AMENDS;
        break;
      }
  /* "được sửa đổi, bổ sung, thay thế, bãi bỏ bởi", "bị bãi bỏ": another
   * document did it */
  size_t back = (size_t)(best - before) > 40 ? 40 : (size_t)(best - before);
  char ctx[48];
  memcpy(ctx, best - back, back);
  ctx[back] = '\0';
  if (strstr(ctx, "duoc ") || strstr(ctx, "bi ") || strncmp(best + best_len, " boi", 4) == 0)
    return LEGAL_REL_CITES;
  return kind;
}

static legal_rel_kind classify(const char *before, const char *after) {
  const char *b = before;
  while (*b == ' ' || *b == '(' || *b == '-') b++;
  if (strncmp(b, "can cu", 6) == 0) return LEGAL_REL_BASIS;
  legal_rel_kind k = cue_before(before);
  if (k != LEGAL_REL_CITES) return k;
  const char *h = strstr(after, "het hieu luc");
  if (h && h - after < CUE_REACH) return LEGAL_REL_REPEALS;
  return LEGAL_REL_CITES;
}

/* The sentence, cut to LEGAL_SENTENCE_MAX around the number when longer. */
static void relation_sentence(const char *s, size_t a, size_t b, const text_ref *ref, char *out) {
  const size_t keep = LEGAL_SENTENCE_MAX - 1;
  if (b - a > keep) {
    size_t mid = (ref->start + ref->end) / 2;
    size_t na = mid > a + keep / 2 ? mid - keep / 2 : a;
    while (na < b && ((unsigned char)s[na] & 0xC0) == 0x80) na++;
    a = na;
    if (b - a > keep) b = a + keep;
  }
  copy_clean(out, LEGAL_SENTENCE_MAX, s, a, b);
}

typedef struct {
  const char *s;
  size_t len;
  const char *own_key;
  legal_info *li;
  size_t cap;
  int nomem;
  int have_prev;           /* the last other number seen, for governed_by_other */
  size_t prev_start, prev_end;
} rel_state;

/* "Nghị định số 107/2021/NĐ-CP sửa đổi, bổ sung Nghị định số 61/2018/NĐ-CP":
 * when the cue stands between another number of the same sentence and this
 * one, that other document is its subject, and this one is only cited.
 * Returns 1 then, 0 if not, -1 out of memory. */
static int governed_by_other(const rel_state *rs, size_t sentence_start, const text_ref *ref) {
  if (!rs->have_prev || rs->prev_start < sentence_start || rs->prev_end > ref->start) return 0;
  char between[SENTENCE_REACH * 2];
  if (fold_span(rs->s, rs->prev_end, ref->start, between, sizeof between) < 0) return -1;
  return cue_before(between) != LEGAL_REL_CITES;
}

/* Adds a relation, one per (kind, number); a plain citation gives way to a
 * stronger relation of the same number. */
static int add_relation(rel_state *rs, legal_rel_kind kind, const text_ref *ref, size_t a, size_t b) {
  legal_info *li = rs->li;
  for (size_t i = 0; i < li->n_relations; i++) {
    legal_relation *r = &li->relations[i];
    if (strcmp(r->target.key, ref->key) != 0) continue;
    if (r->kind == kind || kind == LEGAL_REL_CITES) return 0;
    if (r->kind == LEGAL_REL_CITES) {
      r->kind = kind;
      r->target = *ref;
      relation_sentence(rs->s, a, b, ref, r->sentence);
      return 0;
    }
  }
  if (li->n_relations == LEGAL_MAX_RELATIONS) {
    /* full: a stronger relation (the repeal in the last article of a long
     * text) takes the place of a plain citation */
    li->n_dropped++;
    for (size_t i = li->n_relations; kind != LEGAL_REL_CITES && i-- > 0;)
      if (li->relations[i].kind == LEGAL_REL_CITES) {
        legal_relation *r = &li->relations[i];
        r->kind = kind;
        r->target = *ref;
        relation_sentence(rs->s, a, b, ref, r->sentence);
        break;
      }
    return 0;
  }
  if (li->n_relations == rs->cap) {
    size_t cap = rs->cap ? rs->cap * 2 : 8;
    if (cap > LEGAL_MAX_RELATIONS) cap = LEGAL_MAX_RELATIONS;
    legal_relation *p = realloc(li->relations, cap * sizeof *p);
    if (!p) {
      rs->nomem = 1;
      return 1;
    }
    li->relations = p;
    rs->cap = cap;
  }
  legal_relation *r = &li->relations[li->n_relations++];
  r->kind = kind;
  r->target = *ref;
  relation_sentence(rs->s, a, b, ref, r->sentence);
  return 0;
}

/* "Mẫu số 05/TNDN", "mẫu 02/BK-KTBĐS": a form's code, not a document. */
static int names_a_form(const char *before) {
  size_t n = strlen(before);
  while (n > 0 && (before[n - 1] == ' ' || before[n - 1] == ':')) n--;
  return (n >= 6 && strncmp(before + n - 6, "mau so", 6) == 0) ||
         (n >= 3 && strncmp(before + n - 3, "mau", 3) == 0 && (n == 3 || before[n - 4] == ' '));
}

/* "…/2025/NĐ-CP", ".../QĐ-UBND": a form's blank, not a number. */
static int is_placeholder(const char *s, size_t start) {
  if (start == 0) return 0;
  unsigned char c = (unsigned char)s[start - 1];
  return c == '.' || c == '/' || c == 0xA6 /* the last byte of "…" */;
}

static int on_ref(void *ctx, const text_ref *ref) {
  rel_state *rs = ctx;
  if (ref->own || (rs->own_key && strcmp(ref->key, rs->own_key) == 0)) return 0;
  if (is_placeholder(rs->s, ref->start)) return 0;
  size_t a, b;
  sentence_bounds(rs->s, rs->len, ref->start, ref->end, &a, &b);
  char before[SENTENCE_REACH * 2], after[SENTENCE_REACH * 2];
  if (fold_span(rs->s, a, ref->start, before, sizeof before) < 0 ||
      fold_span(rs->s, ref->end, b, after, sizeof after) < 0) {
    rs->nomem = 1;
    return 1;
  }
  if (names_a_form(before)) return 0;
  legal_rel_kind kind = classify(before, after);
  if (kind != LEGAL_REL_BASIS && kind != LEGAL_REL_CITES && cue_before(before) != LEGAL_REL_CITES) {
    int g = governed_by_other(rs, a, ref);
    if (g < 0) {
      rs->nomem = 1;
      return 1;
    }
    if (g) kind = LEGAL_REL_CITES;
  }
  rs->have_prev = 1;
  rs->prev_start = ref->start;
  rs->prev_end = ref->end;
  return add_relation(rs, kind, ref, a, b);
}

text_status legal_add_relations(const char *s, size_t len, const char *own_key, legal_info *out) {
  rel_state rs = {s, len, own_key, out, out->n_relations, 0, 0, 0, 0};
  text_status st = text_find_refs(s, len, on_ref, &rs);
  if (rs.nomem) return TEXT_NOMEM;
  return st == TEXT_STOPPED ? TEXT_OK : st;
}

/* ------------------------------------------------------------------ */
/* The whole document                                                   */
/* ------------------------------------------------------------------ */

void legal_info_free(legal_info *li) {
  if (!li) return;
  free(li->relations);
  li->relations = NULL;
  li->n_relations = 0;
}

/* Dates that need the whole text: a law's passing, the effective date,
 * from the cued dates of the whole text. */
static text_status whole_text_dates(const char *s, size_t len, const date_cues *dc, legal_info *li) {
  text_status st = TEXT_OK;
  if (!li->date[0] && dc->passed[0]) memcpy(li->date, dc->passed, 11);
  const char *eff = dc->self_effective[0] ? dc->self_effective : dc->effective;
  memcpy(li->effective, eff, 11);
  if (!li->effective[0] && li->date[0]) {
    int on_signing = 0;
    st = effective_on_signing(s, len, &on_signing);
    if (st == TEXT_OK && on_signing) memcpy(li->effective, li->date, 11);
  }
  return st;
}

/* The one pass over the whole text (text_scan): relations and cued dates
 * for legal_info, and every token and reference for the caller. Each side
 * stops on its own; the caller's stop never cuts legal's pass short. */
typedef struct {
  rel_state rs;
  date_cues dc;
  int rel_done;
  text_token_cb user_token;
  text_ref_cb user_ref;
  void *user_ctx;
  int user_ref_done;
} whole_pass;

static int whole_ref(void *ctx, const text_ref *ref) {
  whole_pass *w = ctx;
  if (!w->rel_done) w->rel_done = on_ref(&w->rs, ref) != 0;
  if (!w->user_ref_done && w->user_ref) w->user_ref_done = w->user_ref(w->user_ctx, ref) != 0;
  return w->rel_done && (w->user_ref_done || !w->user_ref);
}

static int whole_date(void *ctx, const text_date *d) {
  whole_pass *w = ctx;
  return on_cued_date(&w->dc, d);
}

static int whole_token(void *ctx, const text_token *t) {
  whole_pass *w = ctx;
  return w->user_token(w->user_ctx, t);
}

text_status legal_parse(const char *s, size_t len, legal_info *out) {
  return legal_parse_scan(s, len, out, NULL, NULL, NULL);
}

text_status legal_parse_scan(const char *s, size_t len, legal_info *out, text_token_cb on_token,
                             text_ref_cb on_each_ref, void *ctx) {
  memset(out, 0, sizeof *out);
  if (len > TEXT_MAX_INPUT) return TEXT_TOO_BIG;
  header_state hs;
  memset(&hs, 0, sizeof hs);
  hs.s = s;
  hs.len = len;
  hs.li = out;
  parse_header(&hs, 0);
  parse_signatures(s, len, out);
  decide_type(out, out->header_type);
  whole_pass w;
  memset(&w, 0, sizeof w);
  w.rs = (rel_state){s, len, out->has_number ? out->number.key : NULL, out, out->n_relations, 0, 0, 0, 0};
  w.dc.s = s;
  w.user_token = on_token;
  w.user_ref = on_each_ref;
  w.user_ctx = ctx;
  text_scan_cbs cbs = {on_token ? whole_token : NULL, whole_ref, whole_date, &w};
  text_status st = text_scan(s, len, &cbs);
  if (st == TEXT_STOPPED) st = TEXT_OK;
  if (st == TEXT_OK && (w.dc.nomem || w.rs.nomem)) st = TEXT_NOMEM;
  if (st == TEXT_OK) st = whole_text_dates(s, len, &w.dc, out);
  if (st != TEXT_OK) {
    legal_info_free(out);
    memset(out, 0, sizeof *out);
  }
  return st;
}

/* ------------------------------------------------------------------ */
/* A citation of a source document                                      */
/* ------------------------------------------------------------------ */

static int first_ref(void *ctx, const text_ref *ref) {
  legal_citation *c = ctx;
  c->number = *ref;
  c->has_number = 1;
  return 1;
}

text_status legal_parse_citation(const char *s, size_t len, legal_citation *out) {
  memset(out, 0, sizeof *out);
  text_status st = text_find_refs(s, len, first_ref, out);
  if (st != TEXT_OK && st != TEXT_STOPPED) return st;
  if (!out->has_number) return TEXT_OK;
  snprintf(out->type, sizeof out->type, "%s", legal_type_of_ref(&out->number));
  /* text_ref's doctype says "Luật" for "Bộ luật số": look at the word before */
  char before[64];
  size_t a = out->number.start > 24 ? out->number.start - 24 : 0;
  while (a < out->number.start && ((unsigned char)s[a] & 0xC0) == 0x80) a++;
  if (fold_span(s, a, out->number.start, before, sizeof before) < 0) return TEXT_NOMEM;
  size_t bl = strlen(before);
  if (bl >= 10 && strcmp(before + bl - 10, "bo luat so") == 0) snprintf(out->type, sizeof out->type, "Bộ luật");
  date_cues dc;
  st = find_cued_dates(s, len, out->number.end, &dc);
  if (st != TEXT_OK) return st;
  memcpy(out->date, dc.first_plain, 11);
  memcpy(out->effective, dc.effective, 11);
  return TEXT_OK;
}

/* --- the code of an own number whose digits cannot be read ---------------- */

/* Bytes after "Số:" searched for the "/" that opens the code. */
#define CODE_SEARCH 24

int legal_header_code(const char *s, size_t len, legal_code *out) {
  memset(out, 0, sizeof *out);
  size_t p = 0;
  lline ln;
  for (size_t lines = 0; p < len && lines < LEGAL_HEADER_LINES; lines++) {
    size_t next = read_line(s, len, p, &ln);
    p = next;
    for (size_t i = 0; i + 1 <= ln.n && i < 6; i++) {
      if (strcmp(ln.w[i].f, "so") != 0) continue;
      /* "Số:" then, within CODE_SEARCH bytes, a "/" and a code */
      size_t a = ln.w[i].end;
      if (a >= ln.end || (s[a] != ':' && s[a] != ';')) continue;
      size_t slash = 0;
      for (size_t k = a + 1; k < ln.end && k <= a + CODE_SEARCH && !slash; k++)
        if (s[k] == '/') slash = k;
      if (!slash) continue;
      size_t d = 0, runs = 0, other = 0;
      for (size_t k = a + 1; k < slash; k++) {
        int digit = s[k] >= '0' && s[k] <= '9';
        if (digit && d + 1 < sizeof out->digits) out->digits[d++] = s[k];
        if (digit && !(k > a + 1 && s[k - 1] >= '0' && s[k - 1] <= '9')) runs++;
        if (!digit && s[k] != ' ' && s[k] != '.') other = 1;
      }
      out->digits[d] = '\0';
      out->garbled = runs > 1 || other;
      /* the code: letters (Đ and OCR's doubled "ĐÐ" as one Đ), digits, "-", "(", ")" */
      char code[sizeof out->code + 8] = "1/";
      size_t c = 2, k = slash + 1;
      while (k < ln.end && c + 3 < sizeof code) {
        unsigned char ch = (unsigned char)s[k];
        int dd = (ch == 0xC4 && k + 1 < ln.end && (unsigned char)s[k + 1] == 0x90) ||
                 (ch == 0xC3 && k + 1 < ln.end && (unsigned char)s[k + 1] == 0x90);
        if (dd) {
          if (!(c >= 4 && memcmp(code + c - 2, "\xC4\x90", 2) == 0)) memcpy(code + c, "\xC4\x90", 2), c += 2;
          k += 2;
        } else if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
                   ch == '-' || ch == '(' || ch == ')') {
          code[c++] = (char)ch;
          k++;
        } else {
          break;
        }
      }
      code[c] = '\0';
      text_ref ref;
      size_t n;
      if (c > 2 && text_parse_ref(code, c, &ref) && (n = strlen(ref.canonical)) > 2 &&
          n - 2 < sizeof out->code) {
        memcpy(out->code, ref.canonical + 2, n - 1); /* and its NUL */
        memcpy(out->kind, ref.kind, sizeof out->kind);
        return 1;
      }
    }
  }
  memset(out, 0, sizeof *out);
  return 0;
}
