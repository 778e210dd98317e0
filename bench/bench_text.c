/* bench_text: throughput of the text pipeline on the codified law corpus
 * (phapdien, ~49 MB of CSV), against ICU's own ways of doing parts of it:
 *
 *   tracuu tokenize   text_tokenize(): NFC, case fold, both forms, numbers,
 *                     dates and references as tokens, original offsets
 *   tracuu fold       text_normalize(fold = 1): the whole text folded
 *   ICU translit      Transliterator "NFD; [:Nonspacing Mark:] Remove; NFC"
 *                     (folding only: no case fold, no đ, no tokens)
 *   ICU word break    ubrk word iterator, counting word tokens
 *
 * The ICU runs get their input already in UTF-16 (conversion not timed), the
 * tracuu runs read UTF-8 directly. Rates are per input UTF-8 byte and per
 * input character.
 *
 * Usage: bench_text [path/to/corpus/phapdien] [--tracuu-only]
 *   --tracuu-only  skip the (slow) ICU runs, for profiling */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "text/text.h"

typedef struct {
  char *data;
  size_t len;
  UChar *u16;
  int32_t u16_len;
} doc;

typedef struct {
  doc *docs;
  size_t n, cap;
  size_t bytes, chars;
} corpus;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine is shared */
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  char *buf = NULL;
  if (fseek(f, 0, SEEK_END) == 0) {
    long n = ftell(f);
    if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
      if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
      } else {
        buf[n] = '\0';
        *len = (size_t)n;
      }
    }
  }
  fclose(f);
  return buf;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load(const char *dir, corpus *c) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  char *names[256];
  size_t nn = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && nn < 256) {
    size_t l = strlen(e->d_name);
    if (l > 4 && strcmp(e->d_name + l - 4, ".csv") == 0) names[nn++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, nn, sizeof names[0], by_name);
  c->docs = calloc(nn ? nn : 1, sizeof *c->docs);
  if (!c->docs) return -1;
  for (size_t i = 0; i < nn; i++) {
    char path[8192];
    int pl = snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (pl < 0 || (size_t)pl >= sizeof path) return -1;
    free(names[i]);
    doc *dc = &c->docs[c->n];
    dc->data = slurp(path, &dc->len);
    if (!dc->data) continue;
    UErrorCode err = U_ZERO_ERROR;
    dc->u16 = malloc(sizeof(UChar) * (dc->len + 1));
    if (!dc->u16) return -1;
    u_strFromUTF8WithSub(dc->u16, (int32_t)dc->len + 1, &dc->u16_len, dc->data, (int32_t)dc->len,
                         0xFFFD, NULL, &err);
    if (U_FAILURE(err)) return -1;
    c->bytes += dc->len;
    for (size_t k = 0; k < dc->len; k++) c->chars += ((unsigned char)dc->data[k] & 0xC0) != 0x80;
    c->n++;
  }
  return 0;
}

typedef struct {
  size_t tokens, exact_bytes, folded_bytes;
} tally;

static int count_token(void *ctx, const text_token *t) {
  tally *ty = ctx;
  ty->tokens++;
  ty->exact_bytes += t->exact_len;
  ty->folded_bytes += t->folded_len;
  return 0;
}

typedef struct {
  const char *name;
  double seconds;
  size_t tokens;
} result;

static result run_tokenize(const corpus *c) {
  result r = {"tracuu tokenize (both forms)", 1e9, 0};
  for (int rep = 0; rep < 3; rep++) { /* best of three */
    tally ty = {0, 0, 0};
    double t0 = now();
    for (size_t i = 0; i < c->n; i++) text_tokenize(c->docs[i].data, c->docs[i].len, count_token, &ty);
    double dt = now() - t0;
    if (dt < r.seconds) r.seconds = dt;
    r.tokens = ty.tokens;
  }
  return r;
}

static result run_fold(const corpus *c) {
  result r = {"tracuu text_normalize(fold)", 1e9, 0};
  for (int rep = 0; rep < 3; rep++) {
    double t0 = now();
    for (size_t i = 0; i < c->n; i++) {
      char *out = NULL;
      if (text_normalize(c->docs[i].data, c->docs[i].len, 1, &out, NULL) == TEXT_OK) free(out);
    }
    double dt = now() - t0;
    if (dt < r.seconds) r.seconds = dt;
  }
  return r;
}

static result run_translit(const corpus *c) {
  result r = {"ICU transliterator NFD;Mn Remove;NFC", 0, 0};
  UErrorCode err = U_ZERO_ERROR;
  static const UChar RULES[] = u"NFD; [:Nonspacing Mark:] Remove; NFC";
  UTransliterator *tr = utrans_openU(RULES, -1, UTRANS_FORWARD, NULL, 0, NULL, &err);
  if (U_FAILURE(err)) {
    fprintf(stderr, "bench_text: transliterator: %s\n", u_errorName(err));
    return r;
  }
  /* One line at a time: the Remove step moves the rest of its buffer on
   * every deletion, so a whole multi-megabyte file would be quadratic. */
  UChar *buf = NULL;
  int32_t buf_cap = 0;
  double t0 = now();
  for (size_t i = 0; i < c->n; i++) {
    const doc *d = &c->docs[i];
    for (int32_t a = 0; a < d->u16_len;) {
      int32_t b = a;
      while (b < d->u16_len && d->u16[b] != '\n') b++;
      int32_t len = b - a, limit = len, cap = len * 2 + 16;
      if (cap > buf_cap) {
        free(buf);
        buf = malloc(sizeof(UChar) * (size_t)cap);
        buf_cap = buf ? cap : 0;
        if (!buf) break;
      }
      memcpy(buf, d->u16 + a, sizeof(UChar) * (size_t)len);
      err = U_ZERO_ERROR;
      utrans_transUChars(tr, buf, &len, cap, 0, &limit, &err);
      a = b + 1;
    }
  }
  free(buf);
  r.seconds = now() - t0;
  utrans_close(tr);
  return r;
}

/* What the ICU runs skip: turning the UTF-8 input into UTF-16. */
static result run_to_utf16(const corpus *c) {
  result r = {"(UTF-8 -> UTF-16 for ICU, not counted)", 0, 0};
  double t0 = now();
  for (size_t i = 0; i < c->n; i++) {
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = 0;
    UChar *u = malloc(sizeof(UChar) * (c->docs[i].len + 1));
    if (!u) break;
    u_strFromUTF8WithSub(u, (int32_t)c->docs[i].len + 1, &n, c->docs[i].data,
                         (int32_t)c->docs[i].len, 0xFFFD, NULL, &err);
    free(u);
  }
  r.seconds = now() - t0;
  return r;
}

static result run_wordbreak(const corpus *c) {
  result r = {"ICU word break iterator", 0, 0};
  double t0 = now();
  for (size_t i = 0; i < c->n; i++) {
    UErrorCode err = U_ZERO_ERROR;
    UBreakIterator *bi = ubrk_open(UBRK_WORD, "vi", c->docs[i].u16, c->docs[i].u16_len, &err);
    if (U_FAILURE(err)) continue;
    for (int32_t p = ubrk_first(bi); (p = ubrk_next(bi)) != UBRK_DONE;)
      if (ubrk_getRuleStatus(bi) != UBRK_WORD_NONE) r.tokens++;
    ubrk_close(bi);
  }
  r.seconds = now() - t0;
  return r;
}

static void report(const corpus *c, const result *r, const result *base) {
  double mb = (double)c->bytes / 1e6, mc = (double)c->chars / 1e6;
  printf("%-38s %7.3f s %8.1f MB/s %8.1f Mchar/s", r->name, r->seconds, mb / r->seconds,
         mc / r->seconds);
  if (r->tokens) printf(" %7.2f Mtok/s", (double)r->tokens / 1e6 / r->seconds);
  else printf("                ");
  if (base && r != base) printf("   tracuu tokenize / this: %.2fx", r->seconds / base->seconds);
  printf("\n");
}

int main(int argc, char **argv) {
  char dir[4096];
  int tracuu_only = argc > 2 && strcmp(argv[2], "--tracuu-only") == 0;
  if (argc > 1) snprintf(dir, sizeof dir, "%s", argv[1]);
  else snprintf(dir, sizeof dir, "%s/corpus/phapdien", TRACUU_SHARED_DIR);
  corpus c;
  memset(&c, 0, sizeof c);
  if (load(dir, &c) != 0 || c.n == 0) {
    fprintf(stderr, "bench_text: cannot read CSV files in %s\n", dir);
    return 1;
  }
  printf("bench_text: %zu files, %.1f MB, %.1f M characters (%s)\n", c.n, (double)c.bytes / 1e6,
         (double)c.chars / 1e6, dir);
  result tok = run_tokenize(&c);
  result fold = run_fold(&c);
  report(&c, &tok, NULL);
  report(&c, &fold, NULL);
  if (!tracuu_only) {
    result tr = run_translit(&c);
    result wb = run_wordbreak(&c);
    result conv = run_to_utf16(&c);
    report(&c, &tr, &tok);
    report(&c, &wb, &tok);
    report(&c, &conv, NULL);
    printf("tokens: tracuu %zu, ICU word break %zu\n", tok.tokens, wb.tokens);
  }
  for (size_t i = 0; i < c.n; i++) {
    free(c.docs[i].data);
    free(c.docs[i].u16);
  }
  free(c.docs);
  return 0;
}
