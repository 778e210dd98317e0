/* robots: robots.txt (RFC 9309) parsed once per host, then asked per URL.
 *
 * Groups start with one or more "User-agent:" lines; the group whose
 * product token matches ours (case-insensitive, the token is the User-Agent
 * up to the first '/' or space) is used, several matching groups are
 * merged, and "*" is the fallback. Inside the group the longest matching
 * Allow/Disallow path wins and Allow wins a tie; '*' matches any run of
 * bytes and a final '$' anchors the end. An empty Disallow allows all.
 * Crawl-delay (seconds, fractions allowed) and Sitemap lines (any group)
 * are kept. Lines past ROBOTS_MAX_RULES, and files past ROBOTS_MAX_BYTES,
 * are ignored, as RFC 9309 allows (it asks for at least 500 KiB).
 */
#ifndef TRACUU_ROBOTS_H
#define TRACUU_ROBOTS_H

#include <stddef.h>

#define ROBOTS_MAX_BYTES (512u * 1024)
#define ROBOTS_MAX_RULES 4096
#define ROBOTS_MAX_SITEMAPS 64

typedef struct robots robots;

/* Parses text (len bytes, need not be NUL-terminated) for the crawler
 * named by user_agent. Never fails on content (junk lines are skipped);
 * NULL only when out of memory. Free with robots_free. */
robots *robots_parse(const char *text, size_t len, const char *user_agent);

/* Rules that allow everything (a 4xx robots.txt) or nothing (a 5xx or an
 * unreachable one: RFC 9309 says assume complete disallow). NULL on NOMEM. */
robots *robots_allow_all(void);
robots *robots_disallow_all(void);

/* 1 when path (the URL's path and query, starting with '/') may be fetched. */
int robots_allowed(const robots *r, const char *path);

/* The group's Crawl-delay in milliseconds, or -1 when none was given. */
long robots_crawl_delay_ms(const robots *r);

/* The Sitemap URLs, as written (may be relative). Valid until robots_free. */
size_t robots_sitemap_count(const robots *r);
const char *robots_sitemap(const robots *r, size_t i);

void robots_free(robots *r);

#endif
