#include "common/timefmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Reads exactly n digits at *p into *v; advances *p. 0, or -1. */
static int digits(const char **p, int n, int *v) {
  *v = 0;
  for (int i = 0; i < n; i++) {
    char c = (*p)[i];
    if (c < '0' || c > '9') return -1;
    *v = *v * 10 + (c - '0');
  }
  *p += n;
  return 0;
}

static int days_in(int y, int m) {
  static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : d[m - 1];
}

/* Seconds since the epoch of a UTC civil time, checked. */
static int civil(int y, int mo, int d, int h, int mi, int s, int64_t *out) {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo) || h > 23 ||
      mi > 59 || s > 60)
    return -1;
  struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                  .tm_min = mi, .tm_sec = s};
  *out = (int64_t)timegm(&tm);
  return 0;
}

int timefmt_parse_iso(const char *s, int64_t *secs) {
  int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0, tzh = 0, tzm = 0, sign = 0;
  const char *p = s;
  if (!s || digits(&p, 4, &y) != 0) return -1;
  if (*p == '-') {
    p++;
    if (digits(&p, 2, &mo) != 0) return -1;
    if (*p == '-') {
      p++;
      if (digits(&p, 2, &d) != 0) return -1;
      if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) != 0 || *p++ != ':' || digits(&p, 2, &mi) != 0) return -1;
        if (*p == ':') {
          p++;
          if (digits(&p, 2, &sec) != 0) return -1;
          if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++) {
            }
        }
        if (*p == 'Z' || *p == 'z') p++;
        else if (*p == '+' || *p == '-') {
          sign = *p++ == '-' ? -1 : 1;
          if (digits(&p, 2, &tzh) != 0) return -1;
          if (*p == ':') p++;
          if (digits(&p, 2, &tzm) != 0 || tzh > 23 || tzm > 59) return -1;
        }
      }
    }
  }
  if (*p) return -1;
  int64_t t;
  if (civil(y, mo, d, h, mi, sec, &t) != 0) return -1;
  *secs = t - sign * ((int64_t)tzh * 3600 + tzm * 60);
  return 0;
}

int timefmt_parse_http(const char *s, int64_t *secs) {
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  char mon[4] = "";
  int d, y, h, mi, sec, n = 0;
  /* "Sun, 06 Nov 1994 08:49:37 GMT" */
  if (!s || sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT%n", &d, mon, &y, &h, &mi, &sec, &n) != 6 ||
      s[n] != '\0' || strlen(mon) != 3)
    return -1;
  const char *m = strstr(months, mon);
  if (!m || (m - months) % 3) return -1;
  return civil(y, (int)(m - months) / 3 + 1, d, h, mi, sec, secs);
}

char *timefmt_iso(int64_t secs, char out[TIMEFMT_ISO_LEN]) {
  time_t t = (time_t)secs;
  struct tm tm;
  if (!gmtime_r(&t, &tm) || strftime(out, TIMEFMT_ISO_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf(out, TIMEFMT_ISO_LEN, "1970-01-01T00:00:00Z");
  return out;
}

char *timefmt_iso_ms(int64_t ms, char out[TIMEFMT_ISO_MS_LEN]) {
  char iso[TIMEFMT_ISO_LEN];
  int64_t s = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  timefmt_iso(s, iso);
  snprintf(out, TIMEFMT_ISO_MS_LEN, "%.19s.%03dZ", iso, (int)(ms - s * 1000));
  return out;
}
