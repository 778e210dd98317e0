/* timefmt: instants written as text, in UTC, and back.
 *
 *   ISO 8601 / W3C datetime (sitemaps' <lastmod>, WARC-Date, feeds, JSON):
 *     "2024-06-01", "2024-06", "2024", "2024-06-01T10:20Z",
 *     "2024-06-01T10:20:30.5+07:00" (a date alone is its midnight UTC)
 *   HTTP dates (Last-Modified): "Sat, 01 Jun 2024 10:20:30 GMT"
 *
 * Times are unix seconds (int64_t); milliseconds where the name says _ms.
 * Never prints; nothing global is touched (timegm, gmtime_r).
 */
#ifndef TRACUU_TIMEFMT_H
#define TRACUU_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* Parses an ISO 8601 / W3C datetime. 0 and *secs, or -1 when s is not one
 * (also a date that does not exist, or a year before 1970 or after 9999). */
int timefmt_parse_iso(const char *s, int64_t *secs /* OUT */);

/* Parses an HTTP date (IMF-fixdate). 0 and *secs, or -1. */
int timefmt_parse_http(const char *s, int64_t *secs /* OUT */);

/* "2024-06-01T10:20:30Z" (21 bytes with the NUL). Returns out. */
#define TIMEFMT_ISO_LEN 21
char *timefmt_iso(int64_t secs, char out[TIMEFMT_ISO_LEN] /* OUT */);

/* "2024-06-01T10:20:30.123Z" (25 bytes with the NUL). Returns out. */
#define TIMEFMT_ISO_MS_LEN 25
char *timefmt_iso_ms(int64_t ms, char out[TIMEFMT_ISO_MS_LEN] /* OUT */);

#endif
