#include "common/duration.h"

#include <stdio.h>

static int64_t unit_seconds(char u) {
  switch (u) {
  case 's': return 1;
  case 'm': return 60;
  case 'h': return 3600;
  case 'd': return 86400;
  case 'w': return 7 * 86400;
  default: return 0;
  }
}

int duration_parse(const char *s, int64_t *seconds) {
  int64_t total = 0;
  int parts = 0;
  const char *p = s;
  if (!s || !*s) return -1;
  while (*p) {
    if (*p < '0' || *p > '9') return -1;
    int64_t n = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
      if (n > DURATION_MAX) return -1; /* checked before it can overflow */
      n = n * 10 + (*p - '0');
    }
    int64_t u = unit_seconds(*p);
    if (!u || n > DURATION_MAX / u) return -1;
    total += n * u;
    if (total > DURATION_MAX) return -1;
    p++;
    parts++;
  }
  if (!parts) return -1;
  *seconds = total;
  return 0;
}

char *duration_format(int64_t seconds, char *out, size_t outlen) {
  static const struct {
    int64_t secs;
    char unit;
  } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  const char *sign = seconds < 0 ? "-" : "";
  uint64_t left = seconds < 0 ? (uint64_t)0 - (uint64_t)seconds : (uint64_t)seconds;
  size_t k = 0;
  while (k < 3 && left < (uint64_t)units[k].secs) k++;
  uint64_t a = left / (uint64_t)units[k].secs, rest = left % (uint64_t)units[k].secs;
  if (k < 3 && rest / (uint64_t)units[k + 1].secs)
    snprintf(out, outlen, "%s%llu%c %llu%c", sign, (unsigned long long)a, units[k].unit,
             (unsigned long long)(rest / (uint64_t)units[k + 1].secs), units[k + 1].unit);
  else
    snprintf(out, outlen, "%s%llu%c", sign, (unsigned long long)a, units[k].unit);
  return out;
}
