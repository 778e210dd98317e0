/* attach_contain.c: attach_read in a child process, so that a hostile file
 * costs that child and never the caller; and the reader program's side.
 *
 * Two ways to run the child:
 *   - opt->reader names a program (tracuu's hidden "__read-attachment"
 *     command): the child is forked, then exec'ed with OMP_THREAD_LIMIT=1 in
 *     its environment and the file on its standard input (a memfd). A fresh
 *     process loads libgomp with that limit (libgomp reads the variable
 *     only when it loads: set later, in a forked child of a process that
 *     has it loaded, it changes nothing, and Tesseract ran 4 OpenMP threads
 *     that cost twice the CPU of one for the same page), and its memory is
 *     its own, not a copy of the caller's (a crawler's index batches);
 *   - opt->reader is NULL: the child is only forked and reads the bytes it
 *     inherited (tests, fuzzing, benchmarks).
 * Either way the reader gets RLIMIT_CPU = opt->seconds, stderr on
 * /dev/null (Tesseract's OpenMP threads live and die in it, and RLIMIT_CPU
 * counts them all) and, once it is running, RLIMIT_AS = its address space
 * plus opt->max_memory (under AddressSanitizer, whose shadow memory takes
 * terabytes of address space, none); it writes its result into a pipe and
 * exits. The parent reads the pipe until the child closes it, a cap
 * (max_chars plus the framing), or opt->seconds of wall clock, then kills
 * what is left of the child with SIGKILL and reaps it. A child killed by a
 * signal or by its limits becomes a status and one line.
 *
 * The framing (native byte order: both ends are this program):
 *   "TRA1", status, type, pages, n_page, ocr_pages (5 x int32),
 *   encoding[16], note[256], err[256],
 *   then per page: ocr (int32), len (uint64), len bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach/attach_internal.h"
#include "common/dynbuf.h"

#define FRAME_MAGIC "TRA1"
#define FRAME_HEAD (4 + 5 * 4 + 16 + 256 + 256)
/* Arguments the reader program gets after opt->reader's own. */
#define READER_ARGS 12

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

/* The reader's own limit on memory: from here on, max_memory more. */
static void limit_memory(const attach_options *opt) {
#if !defined(__SANITIZE_ADDRESS__)
  if (opt->max_memory) {
    rlim_t lim = (rlim_t)(address_space() + opt->max_memory);
    struct rlimit as = {lim, lim};
    setrlimit(RLIMIT_AS, &as);
  }
#else
  (void)opt;
#endif
}

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

/* Reads the file, writes the frame to fd; the exit status of the reader. */
static int read_and_answer(int fd, const char *data, size_t len, const char *url, const char *ctype,
                           const attach_options *opt) {
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
  int ok = dynbuf_status(&b) == DYNBUF_OK && write_all(fd, b.data, b.len) == 0;
  for (size_t i = 0; ok && i < doc.n_page; i++) {
    int32_t ocr = doc.page[i].ocr;
    uint64_t n = doc.page[i].len;
    ok = write_all(fd, (const char *)&ocr, sizeof ocr) == 0 &&
         write_all(fd, (const char *)&n, sizeof n) == 0 &&
         write_all(fd, doc.page[i].text, doc.page[i].len) == 0;
  }
  dynbuf_free(&b);
  attach_doc_clear(&doc);
  return ok ? 0 : 3;
}

/* Common to both children: CPU limit, stderr silenced. */
static void child_setup(const attach_options *opt) {
  int devnull = open("/dev/null", O_WRONLY);
  if (devnull >= 0) dup2(devnull, 2);
  if (devnull > 2) close(devnull);
  if (opt->seconds > 0) {
    struct rlimit cpu = {(rlim_t)opt->seconds, (rlim_t)opt->seconds + 1};
    setrlimit(RLIMIT_CPU, &cpu);
  }
}

/* --- the reader program's side ------------------------------------------- */

/* "name=value" arguments of the options (see exec_reader). */
static int parse_arg(const char *arg, attach_options *opt, const char **url, const char **ctype) {
  const char *eq = strchr(arg, '=');
  if (!eq) return -1;
  size_t k = (size_t)(eq - arg);
  const char *v = eq + 1;
  char *end;
  long long n = strtoll(v, &end, 10);
  int num = *v && !*end && n >= 0;
#define KEY(s) (k == sizeof(s) - 1 && memcmp(arg, s, k) == 0)
  if (KEY("url")) *url = *v ? v : NULL;
  else if (KEY("type")) *ctype = *v ? v : NULL;
  else if (KEY("tessdata")) opt->tessdata = *v ? v : NULL;
  else if (KEY("lang")) opt->ocr_lang = *v ? v : NULL;
  else if (KEY("antiword")) opt->antiword = *v ? v : NULL;
  else if (!num) return -1;
  else if (KEY("ocr")) opt->ocr = n != 0;
  else if (KEY("max_bytes")) opt->max_bytes = (size_t)n;
  else if (KEY("max_pages")) opt->max_pages = (int)n;
  else if (KEY("max_chars")) opt->max_chars = (size_t)n;
  else if (KEY("max_ocr_pages")) opt->max_ocr_pages = (int)n;
  else if (KEY("ocr_page_seconds")) opt->ocr_page_seconds = (int)n;
  else if (KEY("max_memory")) opt->max_memory = (size_t)n;
  else return -1;
#undef KEY
  return 0;
}

int attach_reader_main(int argc, char **argv) {
  attach_options opt;
  attach_options_default(&opt);
  const char *url = NULL, *ctype = NULL;
  for (int i = 0; i < argc; i++)
    if (parse_arg(argv[i], &opt, &url, &ctype) != 0) return 2;
  limit_memory(&opt);
  dynbuf in;
  dynbuf_init(&in, opt.max_bytes + 1);
  char chunk[65536];
  for (;;) {
    ssize_t r = read(0, chunk, sizeof chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return 4;
    if (r == 0) break;
    if (dynbuf_append(&in, chunk, (size_t)r) != DYNBUF_OK) break; /* over the cap: read says so */
  }
  /* over the cap: attach_read refuses the length before it reads a byte */
  size_t len = dynbuf_status(&in) == DYNBUF_TOO_BIG ? opt.max_bytes + 1 : in.len;
  int rc = read_and_answer(1, in.data ? in.data : "", len, url, ctype, &opt);
  dynbuf_free(&in);
  return rc;
}

/* --- the caller's side ----------------------------------------------------- */

struct attach_job {
  pid_t pid;
  int fd;             /* the read end of the child's answer */
  long long deadline; /* now_ms() after which the child is killed */
  attach_options opt; /* the caller's, copied (its strings are borrowed) */
  dynbuf answer;
  int timed_out, over, done;
  int status;         /* waitpid's, once done */
};

/* A memfd holding data, at offset 0; -1 (errno) on failure. */
static int data_fd(const char *data, size_t len) {
  int fd = memfd_create("tracuu-attachment", MFD_CLOEXEC);
  if (fd < 0) return -1;
  if (write_all(fd, data, len) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

extern char **environ;

/* In the forked child: becomes the reader program. Never returns. Nothing
 * here allocates (another thread of the caller may have held malloc's
 * lock when it forked): the arguments and the environment are built on
 * the stack. */
#define READER_ARG_MAX 4200
#define READER_ENV_MAX 1024
static void exec_reader(int in_fd, int out_fd, const char *url, const char *ctype,
                        const attach_options *opt) {
  if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0) _exit(126);
  char args[READER_ARGS][READER_ARG_MAX];
  char *argv[64];
  size_t a = 0;
  for (size_t i = 0; opt->reader[i] && a < 64 - READER_ARGS - 1; i++) argv[a++] = (char *)opt->reader[i];
  int k = 0;
  snprintf(args[k++], READER_ARG_MAX, "ocr=%d", opt->ocr ? 1 : 0);
  snprintf(args[k++], READER_ARG_MAX, "max_bytes=%zu", opt->max_bytes);
  snprintf(args[k++], READER_ARG_MAX, "max_pages=%d", opt->max_pages);
  snprintf(args[k++], READER_ARG_MAX, "max_chars=%zu", opt->max_chars);
  snprintf(args[k++], READER_ARG_MAX, "max_ocr_pages=%d", opt->max_ocr_pages);
  snprintf(args[k++], READER_ARG_MAX, "ocr_page_seconds=%d", opt->ocr_page_seconds);
  snprintf(args[k++], READER_ARG_MAX, "max_memory=%zu", opt->max_memory);
  const char *keys[5] = {"url", "type", "tessdata", "lang", "antiword"};
  const char *vals[5] = {url, ctype, opt->tessdata, opt->ocr_lang, opt->antiword};
  for (int i = 0; i < 5; i++)
    if (snprintf(args[k++], READER_ARG_MAX, "%s=%s", keys[i], vals[i] ? vals[i] : "") >= READER_ARG_MAX)
      args[k - 1][strlen(keys[i]) + 1] = '\0'; /* too long to be real: dropped */
  for (int i = 0; i < k; i++) argv[a++] = args[i];
  argv[a] = NULL;
  /* OMP_THREAD_LIMIT=1 before libgomp loads, in the new program */
  char *envp[READER_ENV_MAX + 2];
  size_t e = 0;
  static char omp[] = "OMP_THREAD_LIMIT=1";
  envp[e++] = omp;
  for (char **v = environ; v && *v && e < READER_ENV_MAX; v++)
    if (strncmp(*v, "OMP_THREAD_LIMIT=", 17) != 0) envp[e++] = *v;
  envp[e] = NULL;
  execve(argv[0], argv, envp);
  _exit(127);
}

attach_status attach_job_start(const char *data, size_t len, const char *url,
                               const char *content_type, const attach_options *opt,
                               attach_job **out, char *err, size_t errlen) {
  *out = NULL;
  if (errlen) err[0] = '\0';
  attach_job *j = calloc(1, sizeof *j);
  if (!j) return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  if (opt) j->opt = *opt;
  else attach_options_default(&j->opt);
  opt = &j->opt;
  int in_fd = -1, fds[2];
  if (opt->reader && (in_fd = data_fd(data, len)) < 0) {
    free(j);
    return ax_fail(ATTACH_SYSTEM, err, errlen, "memfd: %s", strerror(errno));
  }
  if (pipe2(fds, O_CLOEXEC) < 0) {
    if (in_fd >= 0) close(in_fd);
    free(j);
    return ax_fail(ATTACH_SYSTEM, err, errlen, "pipe: %s", strerror(errno));
  }
  fflush(NULL); /* nothing buffered is written twice */
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    if (in_fd >= 0) close(in_fd);
    free(j);
    return ax_fail(ATTACH_SYSTEM, err, errlen, "fork: %s", strerror(e));
  }
  if (pid == 0) {
    child_setup(opt);
    if (opt->reader) exec_reader(in_fd, fds[1], url, content_type, opt);
    limit_memory(opt);
    _exit(read_and_answer(fds[1], data, len, url, content_type, opt));
  }
  close(fds[1]);
  if (in_fd >= 0) close(in_fd);
  int seconds = opt->seconds > 0 ? opt->seconds : ATTACH_MAX_SECONDS;
  j->pid = pid;
  j->fd = fds[0];
  j->deadline = now_ms() + seconds * 1000LL;
  dynbuf_init(&j->answer, opt->max_chars + FRAME_HEAD + (size_t)(opt->max_pages + 1) * 12 + 65536);
  *out = j;
  return ATTACH_OK;
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
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return ax_fail(ATTACH_TOOL, err, errlen, "the reader program %s could not be run",
                   opt->reader ? opt->reader[0] : "?");
  return ax_fail(ATTACH_CRASHED, err, errlen, "the reader exited with status %d",
                 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* Reads what the child sent so far, waiting at most wait_ms (-1: until it
 * is done); 1 once the child has closed its end (or was killed). */
static int pump(attach_job *j, int wait_ms) {
  char buf[65536];
  long long until = wait_ms < 0 ? -1 : now_ms() + wait_ms;
  for (;;) {
    long long now = now_ms();
    if (now >= j->deadline) {
      j->timed_out = 1;
      return 1;
    }
    long long left = j->deadline - now;
    if (until >= 0 && until - now < left) left = until - now;
    if (left > 1000) left = 1000;
    struct pollfd p = {j->fd, POLLIN, 0};
    int n = poll(&p, 1, (int)(left < 0 ? 0 : left));
    if (n < 0 && errno != EINTR) return 1;
    if (n > 0) {
      ssize_t r = read(j->fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return 1;
      if (dynbuf_append(&j->answer, buf, (size_t)r) != DYNBUF_OK) {
        j->over = 1;
        return 1;
      }
      continue; /* drain what is there before looking at the clock */
    }
    if (until >= 0 && now_ms() >= until) return 0;
  }
}

int attach_job_poll(attach_job *j, int wait_ms, attach_status *st, attach_doc *doc, char *err,
                    size_t errlen) {
  memset(doc, 0, sizeof *doc);
  if (errlen) err[0] = '\0';
  if (j->done || !pump(j, wait_ms)) return 0;
  j->done = 1;
  close(j->fd);
  j->fd = -1;
  if (j->timed_out || j->over) kill(j->pid, SIGKILL);
  int status = 0;
  while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR) {}
  j->pid = 0;
  const attach_options *opt = &j->opt;
  if (j->over) {
    *st = ax_fail(dynbuf_status(&j->answer) == DYNBUF_NOMEM ? ATTACH_NOMEM : ATTACH_TOO_BIG, err,
                  errlen, "the reader sent more than its cap");
  } else if (j->timed_out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *st = died(status, opt, j->timed_out, err, errlen);
  } else {
    int rc = unframe(j->answer.data ? j->answer.data : "", j->answer.len, opt, doc, st, err, errlen);
    if (rc < 0) {
      attach_doc_clear(doc);
      *st = ax_fail(rc == -2 ? ATTACH_NOMEM : ATTACH_CRASHED, err, errlen,
                    "the reader's answer is malformed");
    }
  }
  dynbuf_free(&j->answer);
  if (*st != ATTACH_OK) {
    attach_type t = doc->type;
    attach_doc_clear(doc);
    doc->type = t;
  }
  return 1;
}

void attach_job_free(attach_job *j) {
  if (!j) return;
  if (j->pid > 0) {
    kill(j->pid, SIGKILL);
    while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR) {}
  }
  if (j->fd >= 0 && !j->done) close(j->fd);
  dynbuf_free(&j->answer);
  free(j);
}

attach_status attach_read_contained(const char *data, size_t len, const char *url,
                                    const char *content_type, const attach_options *opt,
                                    attach_doc *doc, char *err, size_t errlen) {
  memset(doc, 0, sizeof *doc);
  attach_job *j;
  attach_status st = attach_job_start(data, len, url, content_type, opt, &j, err, errlen);
  if (st != ATTACH_OK) return st;
  attach_job_poll(j, -1, &st, doc, err, errlen);
  attach_job_free(j);
  return st;
}
