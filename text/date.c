/* date.c: dates and times.
 *
 * Two levels: tx_match_date_token() makes "03/07/2021", "21-6-2021",
 * "21.6.2021", "2021-07-03" and "10:38" single tokens for the tokenizer;
 * text_find_dates() reads the token stream and also joins the spelled-out
 * form "ngày 21 tháng 6 năm 2021" (with or without marks, NFC or NFD, since
 * it compares folded tokens). Day comes before month: Vietnamese order. */
#include <stdlib.h>
#include <string.h>

#include "text/text_internal.h"

/* Up to max ASCII digits at p; their count (0 if none or more than max). */
static size_t digits_at(const char *s, size_t len, size_t p, size_t max, int *val) {
  size_t n = 0;
  int v = 0;
  while (p + n < len && s[p + n] >= '0' && s[p + n] <= '9') {
    if (n == max) return 0;
    v = v * 10 + (s[p + n] - '0');
    n++;
  }
  *val = v;
  return n;
}

/* A date separator at p: its ASCII stand-in and byte length (dashes -> '-'). */
static size_t sep_at(const char *s, size_t len, size_t p, char *ch) {
  if (p >= len) return 0;
  unsigned char b = (unsigned char)s[p];
  if (b == '/' || b == '-' || b == '.' || b == ':') {
    *ch = (char)b;
    return 1;
  }
  if (b >= 0x80) {
    size_t adv;
    int32_t cp = tx_utf8_decode((const unsigned char *)s + p, len - p, &adv);
    if (tx_punct_ascii(cp) == '-') {
      *ch = '-';
      return adv;
    }
  }
  return 0;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid_date(int y, int m, int d) {
  static const int DAYS[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1) return 0;
  return d <= DAYS[m - 1] + (m == 2 && is_leap(y));
}

/* Up to three numbers separated by one kind of separator. */
typedef struct {
  int v[3];
  size_t digits[3];
  int n;
  char sep;
  size_t end;
} numbers;

static void read_numbers(const char *s, size_t len, size_t p, numbers *out) {
  memset(out, 0, sizeof *out);
  size_t q = p;
  while (out->n < 3) {
    size_t d = digits_at(s, len, q, 4, &out->v[out->n]);
    if (d == 0) break;
    out->digits[out->n++] = d;
    q += d;
    out->end = q;
    char ch;
    size_t sl = sep_at(s, len, q, &ch);
    if (sl == 0 || (out->sep && ch != out->sep)) break;
    out->sep = ch;
    q += sl;
  }
}

/* What follows a date must end it: no letter or digit, no "/5" going on. */
static int ends_cleanly(const char *s, size_t len, size_t q) {
  if (q >= len) return 1;
  char ch;
  size_t sl = sep_at(s, len, q, &ch);
  if (sl && q + sl < len && s[q + sl] >= '0' && s[q + sl] <= '9') return 0;
  tx_cluster c;
  tx_next(s, len, q, &c);
  return c.cls != TX_CL_DIGIT && c.cls != TX_CL_VIET && c.cls != TX_CL_LETTER;
}

static int shape_ok(const numbers *x) {
  if (x->sep == ':') /* 10:38, 10:38:05 */
    return x->n >= 2 && x->digits[0] <= 2 && x->v[0] <= 23 && x->digits[1] == 2 && x->v[1] <= 59 &&
           (x->n == 2 || (x->digits[2] == 2 && x->v[2] <= 59));
  if (x->n != 3) return 0;
  if (x->digits[0] == 4) /* 2021-07-03 */
    return x->sep == '-' && x->digits[1] <= 2 && x->digits[2] <= 2 && x->v[1] >= 1 &&
           x->v[1] <= 12 && x->v[2] >= 1 && x->v[2] <= 31;
  return x->digits[0] <= 2 && x->digits[1] <= 2 && x->digits[2] == 4 && x->v[0] >= 1 &&
         x->v[0] <= 31 && x->v[1] >= 1 && x->v[1] <= 12 && x->v[2] >= 1000;
}

size_t tx_match_date_token(const char *s, size_t len, size_t p, char *out, size_t *out_len) {
  numbers x;
  read_numbers(s, len, p, &x);
  if (x.n < 2 || !shape_ok(&x) || !ends_cleanly(s, len, x.end)) return 0;
  /* Normalized text: the digits as written, ASCII separators. */
  size_t o = 0;
  for (size_t q = p; q < x.end;) {
    char ch;
    size_t sl = sep_at(s, len, q, &ch);
    if (sl) {
      out[o++] = ch;
      q += sl;
    } else {
      out[o++] = s[q++];
    }
  }
  out[o] = '\0';
  *out_len = o;
  return x.end;
}

static void fill_date(text_date *d, int y, int m, int day, size_t start, size_t end) {
  d->start = start;
  d->end = end;
  d->year = y;
  d->month = m;
  d->day = day;
  /* y < 10000, m and day < 100: exactly 10 characters */
  char *o = d->iso;
  o[0] = (char)('0' + y / 1000);
  o[1] = (char)('0' + y / 100 % 10);
  o[2] = (char)('0' + y / 10 % 10);
  o[3] = (char)('0' + y % 10);
  o[4] = '-';
  o[5] = (char)('0' + m / 10);
  o[6] = (char)('0' + m % 10);
  o[7] = '-';
  o[8] = (char)('0' + day / 10);
  o[9] = (char)('0' + day % 10);
  o[10] = '\0';
  if (m == 0) o[4] = '\0'; /* year only: "2021" */
  else if (day == 0) o[7] = '\0'; /* "2021-07" */
}

/* ---- text_find_dates over the token stream ---- */

#define RING TX_DATE_RING
typedef tx_date_recent recent;
typedef tx_date_finder finder;

static int is_word(const recent *r, const char *w) {
  return r->kind == TEXT_TOKEN_WORD && strcmp(r->folded, w) == 0;
}

static int is_small_number(const recent *r, int max) {
  return r->kind == TEXT_TOKEN_NUMBER && r->digits <= 2 && r->value >= 1 && r->value <= max;
}

/* "21 tháng 6 năm 2021": the year token arrives last. */
static int spelled_date(const finder *f, const text_token *t, text_date *d) {
  if (f->have < RING || t->kind != TEXT_TOKEN_NUMBER || t->exact_len != 4) return 0;
  const recent *r = f->ring;
  if (!is_word(&r[0], "nam") || !is_small_number(&r[1], 12) || !is_word(&r[2], "thang") ||
      !is_small_number(&r[3], 31))
    return 0;
  int y = 0;
  for (int i = 0; i < 4; i++) {
    if (t->exact[i] < '0' || t->exact[i] > '9') return 0;
    y = y * 10 + (t->exact[i] - '0');
  }
  if (!valid_date(y, r[1].value, r[3].value)) return 0;
  fill_date(d, y, r[1].value, r[3].value, r[3].start, t->end);
  return 1;
}

/* A DATE token: "03/07/2021" or "2021-07-03" (times are not dates). */
static int token_date(const text_token *t, text_date *d) {
  numbers x;
  read_numbers(t->exact, t->exact_len, 0, &x);
  if (x.n != 3 || x.sep == ':') return 0;
  int y = x.v[2], m = x.v[1], day = x.v[0];
  if (x.digits[0] == 4) y = x.v[0], day = x.v[2];
  if (!valid_date(y, m, day)) return 0;
  fill_date(d, y, m, day, t->start, t->end);
  return 1;
}

static void remember(finder *f, const text_token *t) {
  memmove(&f->ring[1], &f->ring[0], sizeof f->ring[0] * (RING - 1));
  recent *r = &f->ring[0];
  memset(r, 0, sizeof *r);
  if (t->folded_len < sizeof r->folded) memcpy(r->folded, t->folded, t->folded_len + 1);
  r->kind = t->kind;
  r->start = t->start;
  r->end = t->end;
  if (t->kind == TEXT_TOKEN_NUMBER && t->exact_len <= 4) {
    r->digits = t->exact_len;
    for (size_t i = 0; i < t->exact_len; i++) r->value = r->value * 10 + (t->exact[i] - '0');
  }
  if (f->have < RING) f->have++;
}

void tx_date_finder_init(tx_date_finder *f, text_date_cb cb, void *ctx) {
  memset(f, 0, sizeof *f);
  f->cb = cb;
  f->ctx = ctx;
}

int tx_date_finder_token(tx_date_finder *f, const tx_token *tt) {
  const text_token *t = &tt->tok;
  text_date d;
  int found = t->kind == TEXT_TOKEN_DATE ? token_date(t, &d) : spelled_date(f, t, &d);
  remember(f, t);
  return found ? f->cb(f->ctx, &d) : 0;
}

static int on_token(void *ctx, const tx_token *t) { return tx_date_finder_token(ctx, t); }

text_status text_find_dates(const char *s, size_t len, text_date_cb cb, void *ctx) {
  finder f;
  tx_date_finder_init(&f, cb, ctx);
  return tx_scan(s, len, 0, on_token, &f);
}

/* ---- text_parse_date ---- */

static int parse_iso(const char *s, size_t len, text_date *d) {
  int y, m = 0, day = 0;
  size_t q = digits_at(s, len, 0, 4, &y);
  if (q != 4) return 0;
  if (q < len) {
    size_t n;
    if (s[q] != '-' || (n = digits_at(s, len, q + 1, 2, &m)) == 0) return 0;
    q += 1 + n;
    if (q < len) {
      if (s[q] != '-' || (n = digits_at(s, len, q + 1, 2, &day)) == 0) return 0;
      q += 1 + n;
    }
  }
  if (q != len) return 0;
  if (day ? !valid_date(y, m, day) : (y < 1000 || (m && m > 12) || (q > 4 && m == 0))) return 0;
  fill_date(d, y, m, day, 0, len);
  return 1;
}

typedef struct {
  text_date first;
  int count;
} first_date;

static int keep_first(void *ctx, const text_date *d) {
  first_date *fd = ctx;
  if (fd->count++ == 0) fd->first = *d;
  return 0;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

int text_parse_date(const char *s, size_t len, text_date *date) {
  size_t a = 0, b = len;
  while (a < b && is_blank(s[a])) a++;
  while (b > a && is_blank(s[b - 1])) b--;
  if (parse_iso(s + a, b - a, date)) {
    date->start += a;
    date->end += a;
    return 1;
  }
  first_date fd;
  memset(&fd, 0, sizeof fd);
  if (text_find_dates(s + a, b - a, keep_first, &fd) != TEXT_OK || fd.count != 1 ||
      fd.first.end != b - a)
    return 0;
  /* only "ngày" may come before the date */
  char *prefix = NULL;
  size_t plen = 0;
  if (text_normalize(s + a, fd.first.start, 1, &prefix, &plen) != TEXT_OK) return 0;
  size_t pa = 0;
  while (pa < plen && is_blank(prefix[pa])) pa++;
  while (plen > pa && is_blank(prefix[plen - 1])) plen--;
  int ok = plen == pa || (plen - pa == 4 && memcmp(prefix + pa, "ngay", 4) == 0);
  free(prefix);
  if (!ok) return 0;
  *date = fd.first;
  date->start += a;
  date->end += a;
  return 1;
}
