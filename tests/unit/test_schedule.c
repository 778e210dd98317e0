/* The revisit schedule (crawler/schedule.h), durations and times
 * (common/duration.h, common/timefmt.h), as named cases. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/duration.h"
#include "common/timefmt.h"
#include "crawler/schedule.h"
#include "tests/unit/check.h"

#define DAY SCHEDULE_DAY
#define T0 ((int64_t)1735696800) /* 2025-01-01T02:00:00Z */

static schedule_bounds bounds(int64_t min, int64_t revisit, int64_t max) {
  schedule_bounds b = {min, revisit, max};
  return b;
}

static schedule_next visit(const schedule_bounds *b, schedule_kind kind, int depth,
                           schedule_outcome out, int64_t interval, int fails, int64_t modified) {
  schedule_visit v = {.kind = kind, .depth = depth, .outcome = out, .fetched_at = T0,
                      .modified_at = modified, .interval = interval, .fails = fails,
                      .url_hash = schedule_url_hash("http://a/x")};
  schedule_next n;
  schedule_after_visit(b, &v, &n);
  return n;
}

TEST(document_unchanged_waits_longer_changed_sooner) {
  schedule_bounds b = bounds(DAY, 4 * DAY, 30 * DAY);
  schedule_next n = visit(&b, SCHEDULE_DOCUMENT, 3, SCHEDULE_UNCHANGED, 4 * DAY, 0, 0);
  CHECK_INT(n.interval, (int64_t)(4 * DAY * (1 + SCHEDULE_INC_RATE)));
  CHECK_INT(n.next_due, T0 + n.interval);
  n = visit(&b, SCHEDULE_DOCUMENT, 3, SCHEDULE_CHANGED, 4 * DAY, 0, 0);
  CHECK_INT(n.interval, (int64_t)(4 * DAY * (1 - SCHEDULE_DEC_RATE)));
  CHECK_INT(n.gone, 0);
}

TEST(document_interval_stays_within_the_site_bounds) {
  schedule_bounds b = bounds(DAY, 4 * DAY, 5 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 3, SCHEDULE_UNCHANGED, 5 * DAY, 0, 0).interval, 5 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 3, SCHEDULE_CHANGED, DAY, 0, 0).interval, DAY);
}

TEST(old_content_waits_as_long_as_it_stood_still) {
  /* sync_delta: unchanged for 20 days: asked again in 20 days, within max */
  schedule_bounds b = bounds(DAY, 4 * DAY, 30 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 3, SCHEDULE_UNCHANGED, 2 * DAY, 0, T0 - 20 * DAY).interval,
            20 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 3, SCHEDULE_UNCHANGED, 2 * DAY, 0, T0 - 400 * DAY).interval,
            30 * DAY);
  /* a date in the future says nothing */
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 3, SCHEDULE_UNCHANGED, 2 * DAY, 0, T0 + DAY).interval,
            (int64_t)(2 * DAY * (1 + SCHEDULE_INC_RATE)));
}

TEST(first_revisit_of_a_new_page_is_spread_between_min_and_its_interval) {
  schedule_bounds b = bounds(DAY, 7 * DAY, 30 * DAY);
  int64_t lo = INT64_MAX, hi = 0;
  for (int i = 0; i < 1000; i++) {
    char url[64];
    snprintf(url, sizeof url, "http://a/vb/%d.html", i);
    schedule_visit v = {.kind = SCHEDULE_DOCUMENT, .depth = 2, .outcome = SCHEDULE_NEW,
                        .fetched_at = T0, .url_hash = schedule_url_hash(url)};
    schedule_next n;
    schedule_after_visit(&b, &v, &n);
    CHECK_INT(n.interval, 7 * DAY);
    if (n.next_due < lo) lo = n.next_due;
    if (n.next_due > hi) hi = n.next_due;
  }
  CHECK(lo >= T0 + DAY && lo < T0 + 2 * DAY);
  CHECK(hi <= T0 + 7 * DAY && hi > T0 + 6 * DAY);
}

TEST(listings_near_a_start_url_are_asked_every_run) {
  schedule_bounds b = bounds(DAY, 7 * DAY, 30 * DAY);
  for (int depth = 0; depth <= SCHEDULE_HOT_DEPTH; depth++) {
    schedule_next n = visit(&b, SCHEDULE_LISTING, depth, SCHEDULE_UNCHANGED, 0, 0, 0);
    CHECK_INT(n.interval, 0);
    CHECK_INT(n.next_due, T0);
  }
  /* a start URL that is no listing still is asked every run */
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 0, SCHEDULE_UNCHANGED, 0, 0, 0).next_due, T0);
}

TEST(deep_listings_every_run_after_news_else_doubling) {
  schedule_bounds b = bounds(DAY, 7 * DAY, 30 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_LISTING, 4, SCHEDULE_CHANGED, 8 * DAY, 0, 0).interval, 0);
  CHECK_INT(visit(&b, SCHEDULE_LISTING, 4, SCHEDULE_UNCHANGED, 0, 0, 0).interval, DAY);
  CHECK_INT(visit(&b, SCHEDULE_LISTING, 4, SCHEDULE_UNCHANGED, 4 * DAY, 0, 0).interval, 8 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_LISTING, 4, SCHEDULE_UNCHANGED, 20 * DAY, 0, 0).interval, 30 * DAY);
  /* a first visit reveals everything: that is no news */
  schedule_next n = visit(&b, SCHEDULE_LISTING, 4, SCHEDULE_NEW, 0, 0, 0);
  CHECK_INT(n.interval, 7 * DAY);
  CHECK(n.next_due >= T0 + DAY && n.next_due <= T0 + 7 * DAY);
}

TEST(a_404_is_asked_again_with_backoff_then_declared_gone) {
  schedule_bounds b = bounds(DAY, 7 * DAY, 30 * DAY);
  schedule_next n = visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_NOT_FOUND, 9 * DAY, 0, 0);
  CHECK_INT(n.fails, 1);
  CHECK_INT(n.gone, 0);
  CHECK_INT(n.next_due, T0 + DAY);
  CHECK_INT(n.interval, 9 * DAY); /* kept for when it answers again */
  n = visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_NOT_FOUND, 9 * DAY, 1, 0);
  CHECK_INT(n.next_due, T0 + 2 * DAY);
  CHECK_INT(n.gone, 0);
  n = visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_NOT_FOUND, 9 * DAY, SCHEDULE_GONE_AFTER - 1, 0);
  CHECK_INT(n.gone, 1);
}

TEST(a_5xx_takes_longer_to_be_gone_and_no_answer_never) {
  schedule_bounds b = bounds(DAY, 7 * DAY, 30 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_SERVER, 0, SCHEDULE_GONE_AFTER - 1, 0).gone, 0);
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_SERVER, 0, SCHEDULE_GONE_AFTER_5XX - 1, 0).gone, 1);
  schedule_next n = visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_NO_ANSWER, 0, 50, 0);
  CHECK_INT(n.gone, 0);
  CHECK_INT(n.next_due, T0 + 30 * DAY); /* backoff never past max_revisit */
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_REMOVED, 0, 0, 0).gone, 1);
}

TEST(success_after_failures_resets_them) {
  schedule_bounds b = bounds(DAY, 7 * DAY, 30 * DAY);
  CHECK_INT(visit(&b, SCHEDULE_DOCUMENT, 2, SCHEDULE_UNCHANGED, 7 * DAY, 2, 0).fails, 0);
}

TEST(bounds_are_checked) {
  const char *why = NULL;
  schedule_bounds b;
  schedule_bounds_default(&b);
  CHECK_INT(schedule_bounds_check(&b, &why), 0);
  b = bounds(2 * DAY, DAY, 30 * DAY);
  CHECK_INT(schedule_bounds_check(&b, &why), -1);
  CHECK_STR(why, "revisit must not be shorter than min_revisit");
  b = bounds(DAY, 7 * DAY, 2 * DAY);
  CHECK_INT(schedule_bounds_check(&b, &why), -1);
  CHECK_STR(why, "max_revisit must not be shorter than revisit");
}

TEST(durations_parse_as_written) {
  static const struct {
    const char *text;
    int64_t secs;
  } ok[] = {{"90m", 5400}, {"2h", 7200}, {"1h30m", 5400}, {"7d", 604800}, {"2w", 1209600},
            {"45s", 45},   {"1d12h", 129600}};
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    int64_t s = -1;
    CHECK_INT(duration_parse(ok[i].text, &s), 0);
    CHECK_INT(s, ok[i].secs);
  }
  static const char *const bad[] = {"", "7", "m", "2x", "-1h", "1.5h", "99999999999999999999d", "1h "};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int64_t s;
    CHECK_INT(duration_parse(bad[i], &s), -1);
  }
  char buf[32];
  CHECK_STR(duration_format(3 * DAY + 4 * 3600 + 5, buf, sizeof buf), "3d 4h");
  CHECK_STR(duration_format(45 * 60, buf, sizeof buf), "45m");
  CHECK_STR(duration_format(0, buf, sizeof buf), "0s");
  CHECK_STR(duration_format(-90, buf, sizeof buf), "-1m 30s");
}

TEST(times_parse_and_print_in_utc) {
  int64_t t;
  CHECK_INT(timefmt_parse_iso("2025-01-01T02:00:00Z", &t), 0);
  CHECK_INT(t, T0);
  CHECK_INT(timefmt_parse_iso("2025-01-01T09:00:00+07:00", &t), 0);
  CHECK_INT(t, T0);
  CHECK_INT(timefmt_parse_iso("2025-01-01T02:00Z", &t), 0);
  CHECK_INT(t, T0);
  CHECK_INT(timefmt_parse_iso("2025-01-01", &t), 0);
  CHECK_INT(t, T0 - 7200);
  CHECK_INT(timefmt_parse_iso("2025-01-01T02:00:00.750Z", &t), 0);
  CHECK_INT(timefmt_parse_iso("2025-02-30", &t), -1);
  CHECK_INT(timefmt_parse_iso("yesterday", &t), -1);
  CHECK_INT(timefmt_parse_iso("2025-01-01T02:00:00Zjunk", &t), -1);
  CHECK_INT(timefmt_parse_http("Wed, 01 Jan 2025 02:00:00 GMT", &t), 0);
  CHECK_INT(t, T0);
  CHECK_INT(timefmt_parse_http("Wed, 01 Foo 2025 02:00:00 GMT", &t), -1);
  char iso[TIMEFMT_ISO_LEN], ms[TIMEFMT_ISO_MS_LEN];
  CHECK_STR(timefmt_iso(T0, iso), "2025-01-01T02:00:00Z");
  CHECK_STR(timefmt_iso_ms(T0 * 1000 + 7, ms), "2025-01-01T02:00:00.007Z");
}

int main(int argc, char **argv) {
  check_init(argc, argv);
  RUN(document_unchanged_waits_longer_changed_sooner);
  RUN(document_interval_stays_within_the_site_bounds);
  RUN(old_content_waits_as_long_as_it_stood_still);
  RUN(first_revisit_of_a_new_page_is_spread_between_min_and_its_interval);
  RUN(listings_near_a_start_url_are_asked_every_run);
  RUN(deep_listings_every_run_after_news_else_doubling);
  RUN(a_404_is_asked_again_with_backoff_then_declared_gone);
  RUN(a_5xx_takes_longer_to_be_gone_and_no_answer_never);
  RUN(success_after_failures_resets_them);
  RUN(bounds_are_checked);
  RUN(durations_parse_as_written);
  RUN(times_parse_and_print_in_utc);
  return check_summary("test_schedule");
}
