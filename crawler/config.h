/* config: the crawl configuration file (INI, read with inih).
 *
 *   [crawl]                       optional, defaults for every site
 *   user_agent = tracuu/0.2 (+https://example.org/bot)
 *   delay = 2                     seconds between two requests to a host
 *   max_pages = 100000            pages a site may have (known to the store)
 *   min_revisit = 1d              the revisit schedule's bounds (schedule.h):
 *   revisit = 7d                  durations such as 12h, 7d, 2w
 *   max_revisit = 30d
 *   attachments_per_page = 20     files (PDF, DOC, DOCX, ODT, RTF) followed per
 *                                 page; 0: none
 *   max_attachments = 20000       files a site may have (known to the store)
 *   max_attachment_size = 16m     a larger file is not read (bytes, k, m)
 *
 *   [site tayho]                  one section per site
 *   start = https://tayho.hanoi.gov.vn/tin-tuc      repeat for more
 *   sitemap = https://tayho.hanoi.gov.vn/sitemap.xml  repeat for more
 *   include = https://tayho.hanoi.gov.vn/van-ban/   a URL pattern; repeat
 *   exclude = *?print=*                              a URL pattern; repeat
 *   delay = 1.5
 *   max_pages = 5000              this site's own cap
 *   min_revisit = ... revisit = ... max_revisit = ...   this site's own bounds
 *   attachments_per_page = ... max_attachments = ... max_attachment_size = ...
 *   user_agent = ...
 *   profile = vbpl                a built-in extractor profile (vbpl,
 *                                 thuvienphapluat, liferay)
 *   title = //h1                  XPath selectors (override the profile's):
 *   date = ... body = ... number = ... type = ... issuer = ... category = ...
 *
 * URL patterns: a pattern with a '*' is a glob over the whole URL ('*'
 * matches any run of characters, '/' included); a pattern without one is a
 * prefix of the URL. Without include lines a site's scope is the scheme,
 * host and port of its start URLs; exclude lines always apply.
 *
 * Never prints; errors come back with "FILE:LINE: reason" in err.
 */
#ifndef TRACUU_CONFIG_H
#define TRACUU_CONFIG_H

#include <stddef.h>

#include "crawler/extract.h"
#include "crawler/schedule.h"

#define CONFIG_MAX_SITES 256
#define CONFIG_MAX_LIST 256 /* start/sitemap/include/exclude lines per site */
#define CONFIG_MAX_VALUE 4096

/* The schedule keys, in the order of the revisit[] arrays below. */
enum { CONFIG_MIN_REVISIT, CONFIG_REVISIT, CONFIG_MAX_REVISIT, CONFIG_REVISIT_KEYS };

/* The attachment caps, in the order of the files[] arrays below, and their
 * defaults (a key not set anywhere). */
enum { CONFIG_FILES_PER_PAGE, CONFIG_MAX_FILES, CONFIG_MAX_FILE_BYTES, CONFIG_FILE_KEYS };
#define CONFIG_DEFAULT_FILES_PER_PAGE 20
#define CONFIG_DEFAULT_MAX_FILES 20000
#define CONFIG_DEFAULT_MAX_FILE_BYTES (16ll * 1024 * 1024) /* the fetcher's body cap */
#define CONFIG_MAX_FILE_BYTES_CAP (32ll * 1024 * 1024)     /* ATTACH_MAX_BYTES */

typedef struct {
  char **items;
  size_t n;
} config_list;

typedef struct {
  char *name;
  config_list start, sitemap, include, exclude;
  long delay_ms;      /* -1: not set */
  long long max_pages; /* 0: not set */
  int64_t revisit[CONFIG_REVISIT_KEYS]; /* seconds; 0: not set */
  long long files[CONFIG_FILE_KEYS]; /* attachment caps; -1: not set */
  char *user_agent;   /* NULL: not set */
  char *profile_name; /* NULL: not set */
  /* Selectors given in the file (malloc'ed, or NULL); see config_profile. */
  char *sel[7];       /* title, date, body, number, type, issuer, category */
} config_site;

typedef struct {
  config_site *sites;
  size_t n_sites;
  long delay_ms;
  long long max_pages; /* 0: not set */
  int64_t revisit[CONFIG_REVISIT_KEYS]; /* seconds; 0: not set */
  long long files[CONFIG_FILE_KEYS]; /* attachment caps; -1: not set */
  char *user_agent;
} crawl_config;

/* Reads path into *out (zeroed first). 0, or -1 with err filled (also when
 * a site's revisit bounds, its own over [crawl]'s over the defaults, are not
 * min_revisit <= revisit <= max_revisit). */
int config_load(const char *path, crawl_config *out /* OUT */, char *err /* OUT */, size_t errlen);
void config_free(crawl_config *c); /* NULL is ok */

/* The extractor profile of a site: the built-in one named by profile=,
 * with the file's selectors over it. Pointers into s and static data. */
void config_profile(const config_site *s, extract_profile *out /* OUT */);
/* Whether s gives any selector or profile (else the generic extractor). */
int config_has_profile(const config_site *s);

/* A site's schedule bounds: its keys over [crawl]'s over schedule.h's
 * defaults. c and s may be NULL (a start URL given without a config). */
void config_bounds(const crawl_config *c, const config_site *s, schedule_bounds *out /* OUT */);

/* A site's attachment caps (files[] above): its keys over [crawl]'s over
 * the defaults. c and s may be NULL. */
void config_files(const crawl_config *c, const config_site *s, long long out[CONFIG_FILE_KEYS]);

/* Whether url matches pattern (glob with '*', else prefix). */
int config_pattern_match(const char *pattern, const char *url);

/* Appends a copy of value to l (bounded by CONFIG_MAX_LIST): 0 or -1. */
int config_list_add(config_list *l, const char *value);

#endif
