/* bench_attach: the attachment readers (attach/attach.h) on the real files
 * of ../shared/corpus/portal-pages, against poppler's and Tesseract's own
 * command-line tools on the same files in the same run.
 *
 * Prints:
 *  1. PDF text extraction, OCR off: pages/s (CPU of this process) of
 *     attach_read over every PDF, against `pdftotext FILE -` (CPU of the
 *     children); both rounds read every file BENCH_ROUNDS times.
 *  2. OCR: CPU per OCR page of attach_read_contained (the reader child's
 *     CPU, from RUSAGE_CHILDREN, widgets and rendering included), against
 *     `pdftoppm -r 300 -gray` + `tesseract - - -l vie` on the first page of
 *     each scan; and the reader child's peak RSS.
 *  3. The share of all attachment text (29 files, every page) that came
 *     from OCR.
 *  4. Threads: the first page of up to BENCH_THREAD_SCANS scans read by a
 *     forked reader child (Tesseract's OpenMP threads as libgomp loaded
 *     them in this process) against an exec'ed one (tracuu
 *     __read-attachment, started with OMP_THREAD_LIMIT=1): CPU per page.
 * Contained reads go through tracuu's reader program (TRACUU_BIN), as a
 * crawl reads them.
 * Usage: bench_attach [DIR] (default ../shared/corpus/portal-pages). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "attach/attach.h"

#define BENCH_ROUNDS 5
#define BENCH_THREAD_SCANS 4

static double cpu_self(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec +
         ((double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_usec) / 1e6;
}

static double cpu_children(long *maxrss_kb) {
  struct rusage u;
  getrusage(RUSAGE_CHILDREN, &u);
  if (maxrss_kb) *maxrss_kb = u.ru_maxrss;
  return (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec +
         ((double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_usec) / 1e6;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) free(b), b = NULL;
  fclose(f);
  if (b) *len = (size_t)n;
  return b;
}

typedef struct {
  char path[980];
  int pdf, scan;
} file;

static int ends(const char *s, const char *suf) {
  size_t n = strlen(s), k = strlen(suf);
  return n >= k && strcmp(s + n - k, suf) == 0;
}

static int list_files(const char *dir, file *out, int max) {
  static const char *const sub[] = {"files-lamdong", "files-legacy-gov", "files-vpcp-signed"};
  int n = 0;
  for (size_t s = 0; s < sizeof sub / sizeof *sub; s++) {
    char d[768];
    snprintf(d, sizeof d, "%.700s/%s", dir, sub[s]);
    DIR *dh = opendir(d);
    if (!dh) continue;
    struct dirent *e;
    while ((e = readdir(dh)) && n < max) {
      if (e->d_name[0] == '.' || ends(e->d_name, ".html")) continue;
      if ((size_t)snprintf(out[n].path, sizeof out[n].path, "%.700s/%.255s", d, e->d_name) >=
          sizeof out[n].path)
        continue;
      out[n].pdf = ends(e->d_name, ".pdf");
      out[n].scan = 0;
      n++;
    }
    closedir(dh);
  }
  return n;
}

static int run(const char *cmd) {
  int rc = system(cmd);
  return rc;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : TRACUU_SHARED_DIR "/corpus/portal-pages";
  file files[64];
  int n = list_files(dir, files, 64);
  if (n == 0) {
    fprintf(stderr, "bench_attach: no files under %s\n", dir);
    return 77;
  }
  attach_options off;
  attach_options_default(&off);
  off.ocr = 0;
  /* 1. text extraction */
  long pages = 0;
  double t0 = cpu_self();
  for (int r = 0; r < BENCH_ROUNDS; r++)
    for (int i = 0; i < n; i++) {
      if (!files[i].pdf) continue;
      size_t len;
      char *data = slurp(files[i].path, &len), err[256];
      attach_doc d;
      if (data && attach_read(data, len, NULL, NULL, &off, &d, err, sizeof err) == ATTACH_OK) {
        pages += (long)d.n_page;
        if (r == 0) {
          /* a scan: a page OCR would read (no usable text layer) */
          files[i].scan = strstr(d.note, "without a text layer") != NULL;
        }
      }
      attach_doc_clear(&d);
      free(data);
    }
  double ours = cpu_self() - t0;
  double c0 = cpu_children(NULL);
  for (int r = 0; r < BENCH_ROUNDS; r++)
    for (int i = 0; i < n; i++) {
      if (!files[i].pdf) continue;
      char cmd[1200];
      snprintf(cmd, sizeof cmd, "pdftotext '%.979s' - >/dev/null 2>&1", files[i].path);
      if (run(cmd) != 0) fprintf(stderr, "bench_attach: pdftotext failed on %s\n", files[i].path);
    }
  double base = cpu_children(NULL) - c0;
  printf("PDF text, OCR off: %ld pages in %.2f s CPU: %.0f pages/s (layout and the "
         "legacy rescue included); pdftotext: %.2f s CPU, %.0f pages/s; ratio %.2f\n",
         pages, ours, pages / ours, base, pages / base, (pages / ours) / (pages / base));
  /* 2 and 3. OCR, every file, every page */
  static const char *const reader[] = {TRACUU_BIN, "__read-attachment", NULL};
  attach_options on;
  attach_options_default(&on);
  on.reader = reader;
  long ocr_pages = 0, maxrss = 0;
  size_t chars = 0, ocr_chars = 0;
  double o0 = cpu_children(NULL), ocr_cpu_scans = 0;
  int scans = 0;
  for (int i = 0; i < n; i++) {
    size_t len;
    char *data = slurp(files[i].path, &len), err[256];
    attach_doc d;
    double before = cpu_children(NULL);
    attach_status st = data ? attach_read_contained(data, len, NULL, NULL, &on, &d, err, sizeof err)
                            : ATTACH_SYSTEM;
    double spent = cpu_children(NULL) - before;
    if (st == ATTACH_OK) {
      ocr_pages += d.ocr_pages;
      if (d.ocr_pages) ocr_cpu_scans += spent;
      chars += d.chars;
      for (size_t k = 0; k < d.n_page; k++)
        if (d.page[k].ocr)
          for (size_t b = 0; b < d.page[k].len; b++) ocr_chars += ((unsigned char)d.page[k].text[b] & 0xC0) != 0x80;
    } else {
      fprintf(stderr, "bench_attach: %s: %s\n", files[i].path, err);
    }
    attach_doc_clear(&d);
    free(data);
  }
  double all_cpu = cpu_children(&maxrss) - o0;
  double b0 = cpu_children(NULL);
  for (int i = 0; i < n; i++) {
    if (!files[i].scan) continue;
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "pdftoppm -r 300 -gray -f 1 -l 1 '%.979s' | OMP_THREAD_LIMIT=1 tesseract - - -l vie >/dev/null 2>&1",
             files[i].path);
    if (run(cmd) == 0) scans++;
  }
  double cli = cpu_children(NULL) - b0;
  printf("OCR: %ld pages, %.1f s CPU for the files with OCR pages (everything they cost): "
         "%.2f s per OCR page; all %d files: %.1f s CPU; reader child peak RSS %ld MB\n",
         ocr_pages, ocr_cpu_scans, ocr_pages ? ocr_cpu_scans / (double)ocr_pages : 0, n, all_cpu,
         maxrss / 1024);
  printf("OCR baseline: pdftoppm -r 300 + tesseract -l vie (one thread), first page of %d scans: "
         "%.2f s per page\n", scans, scans ? cli / scans : 0);
  printf("attachment text from OCR: %zu of %zu characters (%.1f%%)\n", ocr_chars, chars,
         chars ? 100.0 * (double)ocr_chars / (double)chars : 0);
  /* 4. one OpenMP thread or as many as libgomp chose */
  double cpu[2] = {0, 0};
  int pages_read[2] = {0, 0};
  for (int mode = 0; mode < 2; mode++) {
    attach_options one;
    attach_options_default(&one);
    one.max_ocr_pages = 1;
    one.reader = mode ? reader : NULL;
    for (int i = 0, k = 0; i < n && k < BENCH_THREAD_SCANS; i++) {
      if (!files[i].scan) continue;
      k++;
      size_t len;
      char *data = slurp(files[i].path, &len), err[256];
      attach_doc d;
      double before = cpu_children(NULL);
      if (data && attach_read_contained(data, len, NULL, NULL, &one, &d, err, sizeof err) == ATTACH_OK)
        pages_read[mode] += d.ocr_pages;
      cpu[mode] += cpu_children(NULL) - before;
      attach_doc_clear(&d);
      free(data);
    }
  }
  printf("OCR threads: forked reader (OpenMP threads as loaded): %.2f s CPU per OCR page; "
         "exec'ed reader (OMP_THREAD_LIMIT=1): %.2f s; ratio %.2f (%d pages each)\n",
         pages_read[0] ? cpu[0] / pages_read[0] : 0, pages_read[1] ? cpu[1] / pages_read[1] : 0,
         pages_read[1] && cpu[1] ? (cpu[0] / pages_read[0]) / (cpu[1] / pages_read[1]) : 0,
         pages_read[1]);
  return 0;
}
