/* fuzz_dates: the date recognizers — text_find_dates over running text,
 * text_parse_date and query_parse_date over a date typed alone (a flag, a
 * tu:/den: field), and record_date_valid.
 *
 * Checked: every date found is a real calendar date, inside the input, and
 * its iso form says the same day; a date typed alone may be a month or a
 * year (day, or month and day, 0; iso "2021-07" or "2021"); query_parse_date gives
 * what record_date_valid accepts. */
#include "fuzz/fuzz_util.h"
#include "model/record.h"
#include "query/query.h"
#include "text/text.h"

static int days_in(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return days[m - 1] + (m == 2 && leap);
}

/* partial = 1: a date typed alone may be a month ("2021-07": day 0) or a
 * year ("2021": month and day 0). */
static void check_date(const text_date *d, size_t len, int partial) {
  FUZZ_CHECK(d->start <= d->end && d->end <= len, "date offsets inside the input");
  if (partial && d->month == 0) FUZZ_CHECK(d->day == 0, "a year alone has no day");
  if (partial && d->day == 0) {
    FUZZ_CHECK(d->month >= 0 && d->month <= 12, "month 0..12");
  } else {
    FUZZ_CHECK(d->month >= 1 && d->month <= 12, "month 1..12");
    FUZZ_CHECK(d->day >= 1 && d->day <= days_in(d->year, d->month), "a real day of that month");
  }
  FUZZ_CHECK(d->year >= 0 && d->year <= 9999, "a four-digit year");
  FUZZ_CHECK_ARRAY_STR(d->iso, "iso");
  char want[16]; /* "2021-07-03"; partial: "2021-07", "2021" */
  if (d->month == 0) snprintf(want, sizeof want, "%04d", d->year);
  else if (d->day == 0) snprintf(want, sizeof want, "%04d-%02d", d->year, d->month);
  else snprintf(want, sizeof want, "%04d-%02d-%02d", d->year, d->month, d->day);
  FUZZ_CHECK(strcmp(want, d->iso) == 0, "iso says the same day as year/month/day");
}

typedef struct {
  size_t len, last_start;
} find_state;

static int on_date(void *ctx, const text_date *d) {
  find_state *st = ctx;
  check_date(d, st->len, 0);
  FUZZ_CHECK(d->start >= st->last_start, "dates in input order");
  st->last_start = d->start;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  find_state st = {.len = size};
  text_status rc = text_find_dates(s, size, on_date, &st);
  FUZZ_CHECK(rc == TEXT_OK || rc == TEXT_NOMEM || rc == TEXT_TOO_BIG || rc == TEXT_ICU,
             "find_dates returns a documented status");
  if (size > 4096) return 0; /* typed alone: short */
  text_date d;
  if (text_parse_date(s, size, &d)) check_date(&d, size, 1);

  char *z = malloc(size + 1); /* query_parse_date and record_date_valid take C strings */
  if (!z) return 0;
  memcpy(z, data, size);
  z[size] = '\0';
  for (int end = 0; end <= 1; end++) {
    char iso[11];
    memset(iso, 'x', sizeof iso);
    if (query_parse_date(z, end, iso)) {
      FUZZ_CHECK(memchr(iso, '\0', sizeof iso), "query_parse_date's iso is NUL-terminated");
      FUZZ_CHECK(record_date_valid(iso, NULL, NULL, NULL), "query_parse_date gives a real date");
    }
  }
  int y, m, dd;
  if (record_date_valid(z, &y, &m, &dd)) {
    FUZZ_CHECK(m >= 1 && m <= 12 && dd >= 1 && dd <= days_in(y, m), "record_date_valid means real");
  }
  free(z);
  return 0;
}
