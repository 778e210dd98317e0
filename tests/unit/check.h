/* check.h: the smallest test harness that says what failed and where.
 *
 * CHECK(cond) records a failure and goes on; CHECK_STR(a, b) compares C
 * strings; CHECK_INT(a, b) compares integers. check_summary() prints
 * "N passed, N failed" and returns the exit code for main().
 */
#ifndef TRACUU_CHECK_H
#define TRACUU_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (cond) check_passed++;                                            \
    else {                                                               \
      check_failed++;                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                    \
  } while (0)

#define CHECK_INT(a, b)                                                  \
  do {                                                                   \
    long long check_a_ = (long long)(a), check_b_ = (long long)(b);      \
    if (check_a_ == check_b_) check_passed++;                            \
    else {                                                               \
      check_failed++;                                                    \
      fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
              __LINE__, #a, check_a_, #b, check_b_);                     \
    }                                                                    \
  } while (0)

#define CHECK_STR(a, b)                                                  \
  do {                                                                   \
    const char *check_a_ = (a), *check_b_ = (b);                         \
    if (check_a_ && check_b_ && strcmp(check_a_, check_b_) == 0) check_passed++; \
    else {                                                               \
      check_failed++;                                                    \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, \
              __LINE__, #a, check_a_ ? check_a_ : "(null)",              \
              check_b_ ? check_b_ : "(null)");                           \
    }                                                                    \
  } while (0)

static inline int check_summary(const char *name) {
  printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
