/* crash: what tracuu says when it faults or when Xapian never answers.
 * Xapian 1.4.22 faults (SIGSEGV) on some damaged blocks of an index instead
 * of throwing DatabaseCorruptError, and loops for ever on others (a block
 * whose directory end is off by one); a damaged index must still end with
 * one line that names it and the command that examines it, and a
 * documented exit code, never a bare "Segmentation fault" nor a reader that
 * never returns.
 *
 * A signal handler may only call async-signal-safe functions, so each line
 * is written beforehand (cli_crash_guard_index) into the buffers below, and
 * the handlers only write() one and _exit(). Those buffers and the
 * watchdog's count are the only mutable static state of the tool, for that
 * reason.
 *
 * The watchdog (cli_hang_guard): a CPU-time timer of the reading thread
 * ticks every second of its CPU; a tick that finds the thread inside the
 * engine with its progress (engine_thread_progress) unchanged since the
 * last tick counts, any other resets the count, and CLI_HANG_SECONDS ticks
 * in a row end the command with the hang line. Measured: a sound read step
 * takes microseconds to milliseconds, a search of a million documents well
 * under a second of CPU; a loop never ends. The thread's own CPU, so a
 * loaded machine or a slow disk never counts. */
#define _GNU_SOURCE /* SIGEV_THREAD_ID, gettid */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

typedef struct {
  char text[2048];
  volatile size_t len;
  volatile sig_atomic_t code;
} guard_line;

static guard_line lines[2] = {[CLI_GUARD_FAULT] = {.code = EXIT_INTERNAL},
                              [CLI_GUARD_HANG] = {.code = EXIT_INTERNAL}};

static void say_and_exit(const guard_line *l) {
  if (write(STDERR_FILENO, l->text, l->len) < 0) { /* nothing more can be done */
  }
  _exit(l->code);
}

static void on_fault(int sig) {
  (void)sig;
  say_and_exit(&lines[CLI_GUARD_FAULT]);
}

/* The watchdog: the thread it watches, its timer, and the ticks in a row
 * that found that thread inside one step of the engine. */
static const engine_progress *hang_watched;
static timer_t hang_timer;
static int hang_timer_made;
static uint64_t hang_last_steps;
static volatile sig_atomic_t hang_ticks;

static void on_tick(int sig) {
  (void)sig;
  uint64_t steps;
  uint32_t depth;
  engine_progress_read(hang_watched, &steps, &depth);
  if (depth == 0 || steps != hang_last_steps) {
    hang_last_steps = steps;
    hang_ticks = 0;
  } else if (++hang_ticks >= CLI_HANG_SECONDS) {
    say_and_exit(&lines[CLI_GUARD_HANG]);
  }
}

void cli_hang_guard(int on) {
  struct itimerspec every = {{on ? 1 : 0, 0}, {on ? 1 : 0, 0}};
  if (on && !hang_timer_made) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_THREAD_ID;
    ev.sigev_signo = SIGVTALRM;
    ev._sigev_un._tid = gettid();
    hang_watched = engine_thread_progress();
    if (sigaction(SIGVTALRM, &sa, NULL) != 0 ||
        timer_create(CLOCK_THREAD_CPUTIME_ID, &ev, &hang_timer) != 0)
      return; /* unwatched: no worse than before */
    hang_timer_made = 1;
  }
  if (!hang_timer_made) return;
  hang_ticks = 0;
  timer_settime(hang_timer, 0, &every, NULL);
}

void cli_crash_guard(void) {
  static char altstack[64 * 1024]; /* the handler runs even when the stack overflowed */
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  sigaltstack(&ss, NULL);
  cli_crash_guard_line(CLI_GUARD_FAULT, EXIT_INTERNAL, "tracuu: crashed (a bug: please report it)");
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

void cli_crash_guard_line(cli_guard_kind kind, int code, const char *fmt, ...) {
  guard_line *l = &lines[kind == CLI_GUARD_HANG ? CLI_GUARD_HANG : CLI_GUARD_FAULT];
  char line[sizeof l->text];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (len <= 0 || (size_t)len >= sizeof line - 1) return; /* the line before stays */
  line[len++] = '\n';
  l->len = 0; /* a signal while the line changes says nothing rather than half */
  memcpy(l->text, line, (size_t)len);
  l->code = code;
  l->len = (size_t)len;
}

void cli_crash_guard_index(const char *const *names, size_t n) {
  char check[1024];
  cli_check_command(names, n, check, sizeof check);
  const char *name = n == 1 ? names[0] : n ? "(several --db)" : cli_default_db();
  cli_crash_guard_line(CLI_GUARD_FAULT, EXIT_DAMAGED,
                       "tracuu: crashed reading the index %s (Xapian faults on some damaged "
                       "blocks): \"%s\" tells what is damaged: rebuild it; if it finds the "
                       "index sound, please report this bug", name, check);
  cli_crash_guard_line(CLI_GUARD_HANG, EXIT_DAMAGED,
                       "tracuu: no answer from Xapian after %d s of CPU in one read of the "
                       "index %s (it loops for ever on some damaged blocks): \"%s\" tells what "
                       "is damaged: rebuild it; if it finds the index sound, please report this "
                       "bug", CLI_HANG_SECONDS, name, check);
  cli_hang_guard(1);
}

#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer (the test build): Xapian 1.4.22's own
 * Database::check deletes an object with a size of another class
 * (new-delete-type-mismatch, inside libxapian, measured by tracuu check on
 * a sound index). That is Xapian's to fix; everything else stays checked. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "new_delete_type_mismatch=0"; }
#endif
