/* bench_extract: what extracting a page costs, against libxml2's own parse
 * of the same bytes in the same process (the floor: no decoding, no
 * fields, no depth guard, no text count), on the real portal and vbpl.vn
 * pages of ../shared; then pages that nest tags without end (1, 4 and 16 MB
 * of <div>s before the text), with the peak RSS after each; then pages of
 * 1,000 to 100,000 paragraphs each in a <div> never closed (a chain as deep
 * as the page is long: the main block must be its top), against libxml2's
 * parse of the same bytes without a depth limit, and how many paragraphs
 * the body keeps.
 *
 *   bench_extract [--shared DIR] [--rounds N]
 *
 * Prints CPU time (clock()), so other work on the machine moves it little.
 */
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "common/dynbuf.h"
#include "crawler/extract.h"

#ifndef TRACUU_SHARED_DIR
#define TRACUU_SHARED_DIR "../shared"
#endif

typedef struct {
  char *data;
  size_t len;
} page;

static void quiet(void *ctx, const char *msg, ...) {
  (void)ctx, (void)msg;
}

static int load(const char *path, page *p) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  dynbuf b;
  dynbuf_init(&b, EXTRACT_MAX_PAGE);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) dynbuf_append(&b, chunk, n);
  fclose(f);
  if (dynbuf_status(&b) != DYNBUF_OK) {
    dynbuf_free(&b);
    return -1;
  }
  p->len = b.len;
  p->data = dynbuf_take(&b);
  return p->data ? 0 : -1;
}

/* Every *.html / *.htm file directly in dir, appended to pages. */
static void load_dir(const char *dir, page **pages, size_t *n, size_t *cap) {
  DIR *d = opendir(dir);
  for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
    const char *dot = strrchr(e->d_name, '.');
    char path[4096];
    struct stat st;
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) { /* a site's folder */
      load_dir(path, pages, n, cap);
      continue;
    }
    if (!dot || (strcmp(dot, ".html") != 0 && strcmp(dot, ".htm") != 0)) continue;
    if (*n == *cap) {
      *cap = *cap ? *cap * 2 : 64;
      page *p = realloc(*pages, *cap * sizeof *p);
      if (!p) break;
      *pages = p;
    }
    if (load(path, &(*pages)[*n]) == 0) (*n)++;
  }
  if (d) closedir(d);
}

static double cpu_ms(clock_t t0) { return (double)(clock() - t0) * 1000.0 / CLOCKS_PER_SEC; }

static long peak_rss_mb(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

/* Paragraphs "PARA%06zu" each opening a <div> never closed. */
static void unclosed_chains(void) {
  static const size_t counts[] = {1000, 10000, 100000};
  printf("paragraphs each in a <div> never closed (CPU time; baseline: libxml2's parse without\n"
         "a depth limit):\n");
  for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
    dynbuf b;
    dynbuf_init(&b, EXTRACT_MAX_PAGE);
    dynbuf_append_str(&b, "<html><body>");
    for (size_t i = 0; i < counts[k]; i++)
      dynbuf_printf(&b, "<div>Đoạn PARA%06zu của thông báo số %zu/TB-UBND.\n", i, i);
    dynbuf_append_str(&b, "</body></html>");
    size_t len = b.len;
    char *html = dynbuf_take(&b);
    if (!html) return;
    clock_t t0 = clock();
    htmlDocPtr d = htmlReadMemory(html, (int)len, "http://x/", "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                      HTML_PARSE_NONET | HTML_PARSE_COMPACT | XML_PARSE_HUGE);
    double base = cpu_ms(t0);
    xmlFreeDoc(d);
    extract_result x;
    char err[256];
    t0 = clock();
    extract_status st = extract_page(html, len, "http://x/", NULL, NULL, &x, err, sizeof err);
    double ms = cpu_ms(t0);
    size_t kept = 0; /* distinct paragraph numbers in the body, in one pass */
    unsigned char *seen = calloc(counts[k], 1);
    for (const char *p = st == EXTRACT_OK && seen ? x.rec.body : NULL;
         p && (p = strstr(p, "PARA"));) {
      char *end;
      size_t i = strtoul(p + 4, &end, 10);
      if (i < counts[k] && !seen[i]) seen[i] = 1, kept++;
      p = end;
    }
    free(seen);
    printf("  %6zu paragraphs (%4.1f MB): %7.1f ms, parse %7.1f ms, ratio %.2f;"
           " body keeps %zu/%zu, peak RSS %ld MB\n",
           counts[k], (double)len / 1e6, ms, base, ms / base, kept, counts[k], peak_rss_mb());
    extract_result_clear(&x);
    free(html);
  }
}

int main(int argc, char **argv) {
  const char *shared = TRACUU_SHARED_DIR;
  int rounds = 20;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--shared") == 0 && i + 1 < argc) shared = argv[++i];
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) rounds = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_extract [--shared DIR] [--rounds N]\n");
      return 2;
    }
  }
  xmlSetGenericErrorFunc(NULL, quiet);
  extract_global_init();
  page *pages = NULL;
  size_t n = 0, cap = 0, bytes = 0;
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/corpus/portal-pages", shared);
  load_dir(dir, &pages, &n, &cap);
  snprintf(dir, sizeof dir, "%s/corpus/vbpl-html", shared);
  load_dir(dir, &pages, &n, &cap);
  for (size_t i = 0; i < n; i++) bytes += pages[i].len;
  if (n == 0) {
    fprintf(stderr, "bench_extract: no pages under %s/corpus (portal-pages, vbpl-html)\n", shared);
    return 1;
  }
  clock_t t0 = clock();
  for (int r = 0; r < rounds; r++)
    for (size_t i = 0; i < n; i++) {
      htmlDocPtr d = htmlReadMemory(pages[i].data, (int)pages[i].len, "http://x/", "UTF-8",
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET | HTML_PARSE_COMPACT);
      xmlFreeDoc(d);
    }
  double base = cpu_ms(t0);
  t0 = clock();
  size_t lost = 0;
  for (int r = 0; r < rounds; r++)
    for (size_t i = 0; i < n; i++) {
      extract_result x;
      char err[256];
      if (extract_page(pages[i].data, pages[i].len, "http://x/", NULL, NULL, &x, err, sizeof err) ==
          EXTRACT_OK)
        lost += extract_text_lost(&x) > 0;
      extract_result_clear(&x);
    }
  double ours = cpu_ms(t0);
  double mb = (double)bytes * rounds / 1e6;
  printf("real pages: %zu pages, %.1f MB, %d rounds (CPU time)\n", n, (double)bytes / 1e6, rounds);
  printf("  extract_page      %8.1f ms  %7.1f pages/s  %6.1f MB/s  (pages reported as losing text: %zu)\n",
         ours, n * rounds / (ours / 1000), mb / (ours / 1000), lost / (size_t)rounds);
  printf("  libxml2 parse only %7.1f ms  %7.1f pages/s  %6.1f MB/s  (baseline)\n", base,
         n * rounds / (base / 1000), mb / (base / 1000));
  printf("  ratio extract_page / parse: %.2f\n", ours / base);

  static const size_t sizes[] = {1, 4, 16};
  printf("tags nested without end (<div> x N MB, then the text):\n");
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t depth = sizes[k] * 1024 * 1024 / 5 - 64;
    dynbuf b;
    dynbuf_init(&b, EXTRACT_MAX_PAGE);
    dynbuf_append_str(&b, "<html><body>");
    for (size_t i = 0; i < depth; i++) dynbuf_append(&b, "<div>", 5);
    dynbuf_append_str(&b, "<p>Quyết định số 2696/QĐ-UBND</p></body></html>");
    size_t len = b.len;
    char *html = dynbuf_take(&b);
    extract_result x;
    char err[256];
    t0 = clock();
    extract_status st = extract_page(html, len, "http://x/", NULL, NULL, &x, err, sizeof err);
    double ms = cpu_ms(t0);
    printf("  %2zu MB: %7.1f ms, text kept: %s, elements flattened: %lu, peak RSS %ld MB\n",
           sizes[k], ms, st == EXTRACT_OK && x.rec.body && strstr(x.rec.body, "2696") ? "yes" : "NO",
           st == EXTRACT_OK ? x.parse_flattened : 0, peak_rss_mb());
    extract_result_clear(&x);
    free(html);
  }
  unclosed_chains();
  for (size_t i = 0; i < n; i++) free(pages[i].data);
  free(pages);
  return 0;
}
