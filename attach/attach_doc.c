/* attach_doc.c: legacy Word (.doc, Word 97-2003 and older) through antiword,
 * a program: no maintained C library reads their text, and antiword (Debian
 * keeps it patched) is the reader that keeps the byte 0xAD TCVN3 fonts use
 * for "ư" (catdoc drops it as a soft hyphen).
 *
 * The file goes to an unlinked temporary file that becomes antiword's
 * standard input (it seeks, so no pipe); its text (UTF-8, no wrapping, page
 * breaks as form feeds) comes back through a pipe, at most max_chars bytes
 * and opt->seconds of wall clock, under RLIMIT_CPU and RLIMIT_AS of its own. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "attach/attach_internal.h"
#include "common/dynbuf.h"

#define DOC_TOOL_MEMORY (256u * 1024 * 1024)
#define DOC_TOOL_CPU_SECONDS 60

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/* In the child: stdin = the file, stdout/stderr = the pipes, limits, exec. */
static void run_tool(const char *prog, int in_fd, int out_fd, int err_fd) {
  if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) _exit(126);
  struct rlimit cpu = {DOC_TOOL_CPU_SECONDS, DOC_TOOL_CPU_SECONDS + 1};
  setrlimit(RLIMIT_CPU, &cpu);
#if !defined(__SANITIZE_ADDRESS__)
  struct rlimit as = {DOC_TOOL_MEMORY, DOC_TOOL_MEMORY};
  setrlimit(RLIMIT_AS, &as);
#endif
  char *const argv[] = {(char *)prog, "-w", "0", "-m", "UTF-8.txt", "/dev/stdin", NULL};
  execvp(prog, argv);
  dprintf(2, "cannot run %s: %s\n", prog, strerror(errno));
  _exit(127);
}

/* Reads both pipes until they close, the cap or the deadline. */
static int collect(int out_fd, int err_fd, dynbuf *out, dynbuf *errs, long long deadline) {
  struct pollfd p[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds) {
    long long left = deadline - now_ms();
    if (left <= 0) return -1;
    int n = poll(p, 2, (int)(left > 1000 ? 1000 : left));
    if (n < 0 && errno != EINTR) return -2;
    for (int i = 0; n > 0 && i < 2; i++) {
      if (p[i].fd < 0 || !p[i].revents) continue;
      ssize_t r = read(p[i].fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) { p[i].fd = -1; open_fds--; continue; }
      dynbuf *b = i == 0 ? out : errs;
      if (dynbuf_append(b, buf, (size_t)r) == DYNBUF_TOO_BIG && i == 0) return 1; /* the cap */
    }
  }
  return 0;
}

static attach_status tool_error(const dynbuf *errs, int status, char *err, size_t errlen) {
  const char *msg = dynbuf_str(errs);
  size_t n = strcspn(msg, "\n");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
    return ax_fail(ATTACH_TOOL, err, errlen, "DOC needs antiword (apt-get install antiword)");
  if (WIFSIGNALED(status))
    return ax_fail(ATTACH_CRASHED, err, errlen, "antiword died with signal %d", WTERMSIG(status));
  attach_status st = strstr(msg, "not a Word") ? ATTACH_UNSUPPORTED
                     : strstr(msg, "ncrypt") ? ATTACH_ENCRYPTED : ATTACH_DAMAGED;
  if (n == 0) msg = "it failed without a message", n = strlen(msg);
  return ax_fail(st, err, errlen, "antiword: %.*s", (int)(n > 160 ? 160 : n), msg);
}

attach_status ax_read_doc(const char *data, size_t len, ax_out *o, char *err, size_t errlen) {
  const char *prog = o->opt->antiword ? o->opt->antiword : "antiword";
  FILE *tmp = tmpfile();
  if (!tmp) return ax_fail(ATTACH_SYSTEM, err, errlen, "temporary file: %s", strerror(errno));
  int in_fd = fileno(tmp);
  int po[2] = {-1, -1}, pe[2] = {-1, -1};
  if (write_all(in_fd, data, len) < 0 || lseek(in_fd, 0, SEEK_SET) < 0 || pipe(po) < 0 ||
      pipe(pe) < 0) {
    attach_status st = ax_fail(ATTACH_SYSTEM, err, errlen, "temporary file: %s", strerror(errno));
    fclose(tmp);
    for (int i = 0; i < 2; i++) {
      if (po[i] >= 0) close(po[i]);
      if (pe[i] >= 0) close(pe[i]);
    }
    return st;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(po[0]);
    close(pe[0]);
    run_tool(prog, in_fd, po[1], pe[1]);
  }
  close(po[1]);
  close(pe[1]);
  fclose(tmp);
  if (pid < 0) {
    close(po[0]);
    close(pe[0]);
    return ax_fail(ATTACH_SYSTEM, err, errlen, "fork: %s", strerror(errno));
  }
  dynbuf out, errs;
  dynbuf_init(&out, o->opt->max_chars + 16);
  dynbuf_init(&errs, 4096);
  int seconds = o->opt->seconds > 0 ? o->opt->seconds : ATTACH_MAX_SECONDS;
  int got = collect(po[0], pe[0], &out, &errs, now_ms() + seconds * 1000LL);
  close(po[0]);
  close(pe[0]);
  if (got != 0) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  attach_status st = ATTACH_OK;
  if (got < 0) st = ax_fail(ATTACH_TIMEOUT, err, errlen, "antiword took over %d s", seconds);
  else if (got == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    st = tool_error(&errs, status, err, errlen);
  else if (dynbuf_status(&out) == DYNBUF_NOMEM) st = ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  else if (ax_add_paged(o, out.data ? out.data : "", out.len) < 0)
    st = ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  if (st == ATTACH_OK) o->doc->pages = (int)o->doc->n_page;
  dynbuf_free(&out);
  dynbuf_free(&errs);
  return st;
}
