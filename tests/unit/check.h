/* check.h: the smallest test harness that says what failed and where.
 *
 * CHECK(cond) records a failure and goes on; CHECK_STR(a, b) compares C
 * strings; CHECK_INT(a, b) compares integers. check_summary() prints
 * "N passed, N failed" and returns the exit code for main().
 *
 * Named cases: TEST(name) { ... } defines one; main() calls
 * check_init(argc, argv) and then RUN(name) for each. A failure message
 * starts with its case's name, and `test_x NAME...` runs only the cases
 * named (a name that matches no case is itself a failure).
 */
#ifndef TRACUU_CHECK_H
#define TRACUU_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;
static const char *check_current_case = ""; /* the case running, "" outside one */
static int check_n_only;             /* cases named on the command line */
static char **check_only;
static unsigned check_only_ran;      /* bit i: check_only[i] ran */

#define TEST(name) static void test_case_##name(void)
#define RUN(name) check_run(#name, test_case_##name)

static inline void check_init(int argc, char **argv) {
  check_n_only = argc > 1 ? argc - 1 : 0;
  if (check_n_only > 32) check_n_only = 32;
  check_only = argv + 1;
}

static inline void check_run(const char *name, void (*fn)(void)) {
  int selected = check_n_only == 0;
  for (int i = 0; i < check_n_only; i++)
    if (strcmp(check_only[i], name) == 0) selected = 1, check_only_ran |= 1u << i;
  if (!selected) return;
  int failed_before = check_failed;
  check_current_case = name;
  fn();
  check_current_case = "";
  printf("%s %s\n", check_failed == failed_before ? "ok  " : "FAIL", name);
}

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (cond) check_passed++;                                            \
    else {                                                               \
      check_failed++;                                                    \
      fprintf(stderr, "%s%s%s:%d: CHECK failed: %s\n", check_current_case,    \
              *check_current_case ? ": " : "", __FILE__, __LINE__, #cond);       \
    }                                                                    \
  } while (0)

#define CHECK_INT(a, b)                                                  \
  do {                                                                   \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);      \
    if (check_a_ == check_b_) check_passed++;                            \
    else {                                                               \
      check_failed++;                                                    \
      fprintf(stderr, "%s%s%s:%d: %s == %lld, expected %s == %lld\n", check_current_case, \
              *check_current_case ? ": " : "", __FILE__, __LINE__, #a, check_a_, #b, check_b_); \
    }                                                                    \
  } while (0)

#define CHECK_STR(a, b)                                                  \
  do {                                                                   \
    const char *check_a_ = (a), *check_b_ = (b);                         \
    if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) check_passed++; \
    else {                                                               \
      check_failed++;                                                    \
      fprintf(stderr, "%s%s%s:%d: %s is \"%s\", expected \"%s\"\n", check_current_case, \
              *check_current_case ? ": " : "", __FILE__, __LINE__, #a, check_a_ ? check_a_ : "(null)", \
              check_b_ ? check_b_ : "(null)");                           \
    }                                                                    \
  } while (0)

static inline int check_summary(const char *name) {
  for (int i = 0; i < check_n_only; i++)
    if (!(check_only_ran & (1u << i))) {
      fprintf(stderr, "%s: no case is named \"%s\"\n", name, check_only[i]);
      check_failed++;
    }
  printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
