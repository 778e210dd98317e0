/* attach_contain.c: attach_read in a child process, so that a hostile file
 * costs that child and never the caller.
 *
 * The child gets RLIMIT_AS = the address space it inherits plus
 * opt->max_memory (under AddressSanitizer, whose shadow memory takes
 * terabytes of address space, no RLIMIT_AS), RLIMIT_CPU = opt->seconds,
 * stderr on /dev/null (Tesseract's OpenMP threads live and die in it, and
 * RLIMIT_CPU counts them all); it writes its result into a pipe
 * and _exits. The parent reads the pipe until the child closes it, a cap
 * (max_chars plus the framing), or opt->seconds of wall clock, then kills
 * what is left of the child with SIGKILL and reaps it. A child killed by a
 * signal or by its limits becomes a status and one line.
 *
 * The framing (native byte order: both ends are this program):
 *   "TRA1", status, type, pages, n_page, ocr_pages (5 x int32),
 *   encoding[16], note[256], err[256],
 *   then per page: ocr (int32), len (uint64), len bytes. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach/attach_internal.h"
#include "common/dynbuf.h"

#define FRAME_MAGIC "TRA1"
#define FRAME_HEAD (4 + 5 * 4 + 16 + 256 + 256)

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#if !defined(__SANITIZE_ADDRESS__)
/* This process's address space in bytes (0 when /proc cannot say). */
static size_t address_space(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long pages = 0;
  if (f) {
    if (fscanf(f, "%lu", &pages) != 1) pages = 0;
    fclose(f);
  }
  return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

static void put32(dynbuf *b, int32_t v) { dynbuf_append(b, &v, sizeof v); }

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static void child(int fd, const char *data, size_t len, const char *url, const char *ctype,
                  const attach_options *opt) {
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) dup2(devnull, 2);
  if (opt->seconds > 0) {
    struct rlimit cpu = {(rlim_t)opt->seconds, (rlim_t)opt->seconds + 1};
    setrlimit(RLIMIT_CPU, &cpu);
  }
#if !defined(__SANITIZE_ADDRESS__)
  if (opt->max_memory) {
    rlim_t lim = (rlim_t)(address_space() + opt->max_memory);
    struct rlimit as = {lim, lim};
    setrlimit(RLIMIT_AS, &as);
  }
#endif
  attach_doc doc;
  char err[256] = "";
  attach_status st = attach_read(data, len, url, ctype, opt, &doc, err, sizeof err);
  dynbuf b;
  dynbuf_init(&b, (size_t)-1);
  dynbuf_append(&b, FRAME_MAGIC, 4);
  put32(&b, (int32_t)st);
  put32(&b, (int32_t)doc.type);
  put32(&b, (int32_t)doc.pages);
  put32(&b, (int32_t)doc.n_page);
  put32(&b, (int32_t)doc.ocr_pages);
  dynbuf_append(&b, doc.encoding, sizeof doc.encoding);
  dynbuf_append(&b, doc.note, sizeof doc.note);
  dynbuf_append(&b, err, sizeof err);
  int ok = write_all(fd, b.data, b.len) == 0;
  for (size_t i = 0; ok && i < doc.n_page; i++) {
    int32_t ocr = doc.page[i].ocr;
    uint64_t n = doc.page[i].len;
    ok = write_all(fd, (const char *)&ocr, sizeof ocr) == 0 &&
         write_all(fd, (const char *)&n, sizeof n) == 0 &&
         write_all(fd, doc.page[i].text, doc.page[i].len) == 0;
  }
  _exit(ok && dynbuf_status(&b) == DYNBUF_OK ? 0 : 3);
}

static int32_t get32(const char *p) {
  int32_t v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* Rebuilds the doc from the child's bytes; -1 when they are malformed. */
static int unframe(const char *b, size_t n, const attach_options *opt, attach_doc *doc,
                   attach_status *st, char *err, size_t errlen) {
  if (n < FRAME_HEAD || memcmp(b, FRAME_MAGIC, 4) != 0) return -1;
  *st = (attach_status)get32(b + 4);
  doc->type = (attach_type)get32(b + 8);
  doc->pages = get32(b + 12);
  int32_t n_page = get32(b + 16);
  doc->ocr_pages = get32(b + 20);
  memcpy(doc->encoding, b + 24, sizeof doc->encoding);
  memcpy(doc->note, b + 40, sizeof doc->note);
  doc->encoding[sizeof doc->encoding - 1] = doc->note[sizeof doc->note - 1] = '\0';
  if (errlen) snprintf(err, errlen, "%.255s", b + 296);
  if (n_page < 0 || n_page > opt->max_pages + 1) return -1;
  ax_out o = {doc, opt, 0, 0, 0, 1};
  size_t p = FRAME_HEAD;
  int ocr_pages = doc->ocr_pages;
  for (int32_t i = 0; i < n_page; i++) {
    if (n - p < 12) return -1;
    int32_t ocr = get32(b + p);
    uint64_t len;
    memcpy(&len, b + p + 4, sizeof len);
    p += 12;
    if (len > n - p) return -1;
    if (ax_add_page(&o, b + p, (size_t)len, ocr != 0) < 0) return -2;
    p += (size_t)len;
  }
  doc->ocr_pages = ocr_pages;
  for (size_t i = 0; i < doc->n_page; i++)
    for (size_t k = 0; k < doc->page[i].len; k++) doc->chars += ((unsigned char)doc->page[i].text[k] & 0xC0) != 0x80;
  return p == n ? 0 : -1;
}

static attach_status died(int status, const attach_options *opt, int timed_out, char *err,
                          size_t errlen) {
  if (timed_out || (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL)))
    return ax_fail(ATTACH_TIMEOUT, err, errlen, "the reader passed its limit of %d s", opt->seconds);
  if (WIFSIGNALED(status))
    return ax_fail(ATTACH_CRASHED, err, errlen,
                   "the reader died with signal %d (%s; its memory cap is %zu MB)",
                   WTERMSIG(status), strsignal(WTERMSIG(status)), opt->max_memory >> 20);
  return ax_fail(ATTACH_CRASHED, err, errlen, "the reader exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

attach_status attach_read_contained(const char *data, size_t len, const char *url,
                                    const char *content_type, const attach_options *opt,
                                    attach_doc *doc, char *err, size_t errlen) {
  memset(doc, 0, sizeof *doc);
  if (errlen) err[0] = '\0';
  attach_options defaults;
  if (!opt) {
    attach_options_default(&defaults);
    opt = &defaults;
  }
  int fds[2];
  if (pipe(fds) < 0) return ax_fail(ATTACH_SYSTEM, err, errlen, "pipe: %s", strerror(errno));
  fflush(NULL); /* nothing buffered is written twice */
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return ax_fail(ATTACH_SYSTEM, err, errlen, "fork: %s", strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    child(fds[1], data, len, url, content_type, opt);
  }
  close(fds[1]);
  int seconds = opt->seconds > 0 ? opt->seconds : ATTACH_MAX_SECONDS;
  long long deadline = now_ms() + seconds * 1000LL;
  dynbuf b;
  dynbuf_init(&b, opt->max_chars + FRAME_HEAD + (size_t)(opt->max_pages + 1) * 12 + 65536);
  int timed_out = 0, over = 0;
  char buf[65536];
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0) { timed_out = 1; break; }
    struct pollfd p = {fds[0], POLLIN, 0};
    int n = poll(&p, 1, (int)(left > 1000 ? 1000 : left));
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    ssize_t r = read(fds[0], buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    if (dynbuf_append(&b, buf, (size_t)r) != DYNBUF_OK) { over = 1; break; }
  }
  close(fds[0]);
  if (timed_out || over) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  attach_status st;
  if (over) {
    st = ax_fail(dynbuf_status(&b) == DYNBUF_NOMEM ? ATTACH_NOMEM : ATTACH_TOO_BIG, err, errlen,
                 "the reader sent more than its cap");
  } else if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    st = died(status, opt, timed_out, err, errlen);
  } else {
    int rc = unframe(b.data ? b.data : "", b.len, opt, doc, &st, err, errlen);
    if (rc < 0) {
      attach_doc_clear(doc);
      st = ax_fail(rc == -2 ? ATTACH_NOMEM : ATTACH_CRASHED, err, errlen,
                   "the reader's answer is malformed");
    }
  }
  dynbuf_free(&b);
  if (st != ATTACH_OK) {
    attach_type t = doc->type;
    attach_doc_clear(doc);
    doc->type = t;
  }
  return st;
}
