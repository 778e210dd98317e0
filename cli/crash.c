/* crash: what tracuu says when it faults. Xapian 1.4.22 faults (SIGSEGV)
 * on some damaged blocks of an index instead of throwing
 * DatabaseCorruptError; a damaged index must still end with one line that
 * names it and the command that examines it, and a documented exit code,
 * never a bare "Segmentation fault".
 *
 * A signal handler may only call async-signal-safe functions, so the line
 * is written beforehand (cli_crash_guard_index) into the one buffer below,
 * and the handler only write()s it and _exit()s. That buffer is the only
 * mutable static state of the tool, for that reason. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static char crash_line[2048];
static volatile size_t crash_len;
static volatile sig_atomic_t crash_code = EXIT_INTERNAL;

static void on_fault(int sig) {
  (void)sig;
  if (write(STDERR_FILENO, crash_line, crash_len) < 0) { /* nothing more can be done */
  }
  _exit(crash_code);
}

void cli_crash_guard(void) {
  static char altstack[64 * 1024]; /* the handler runs even when the stack overflowed */
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  sigaltstack(&ss, NULL);
  int n = snprintf(crash_line, sizeof crash_line, "tracuu: crashed (a bug: please report it)\n");
  crash_len = n > 0 && (size_t)n < sizeof crash_line ? (size_t)n : 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_fault;
  sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, NULL);
  sigaction(SIGBUS, &sa, NULL);
  sigaction(SIGFPE, &sa, NULL);
  sigaction(SIGILL, &sa, NULL);
}

void cli_crash_guard_line(int code, const char *fmt, ...) {
  char line[sizeof crash_line];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (len <= 0 || (size_t)len >= sizeof line - 1) return; /* the line before stays */
  line[len++] = '\n';
  crash_len = 0; /* a fault while the line changes says nothing rather than half */
  memcpy(crash_line, line, (size_t)len);
  crash_code = code;
  crash_len = (size_t)len;
}

void cli_crash_guard_index(const char *const *names, size_t n) {
  char check[1024];
  cli_check_command(names, n, check, sizeof check);
  cli_crash_guard_line(EXIT_DAMAGED,
                       "tracuu: crashed reading the index %s (Xapian faults on some damaged "
                       "blocks): \"%s\" tells what is damaged: rebuild it; if it finds the "
                       "index sound, please report this bug",
                       n == 1 ? names[0] : n ? "(several --db)" : cli_default_db(), check);
}

#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer (the test build): Xapian 1.4.22's own
 * Database::check deletes an object with a size of another class
 * (new-delete-type-mismatch, inside libxapian, measured by tracuu check on
 * a sound index). That is Xapian's to fix; everything else stays checked. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "new_delete_type_mismatch=0"; }
#endif
