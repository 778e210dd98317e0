/* sitemap: the URLs of a sitemap.xml or a sitemap index (sitemaps.org).
 *
 * libxml2's streaming reader, with no network (XML_PARSE_NONET), no DTD
 * loading and no entity substitution, so a hostile sitemap can neither
 * fetch nor expand anything. At most SITEMAP_MAX_URLS <loc> entries are
 * reported (the protocol's own limit). Never prints.
 */
#ifndef TRACUU_SITEMAP_H
#define TRACUU_SITEMAP_H

#include <stddef.h>

#define SITEMAP_MAX_URLS 50000
#define SITEMAP_MAX_BYTES (50u * 1024 * 1024)

/* Called for each <loc> (whitespace trimmed, as written: maybe relative),
 * with its <lastmod> or NULL. Returns 0 to go on. */
typedef int (*sitemap_cb)(void *ctx, const char *loc, const char *lastmod);

/* Parses xml. *is_index is set to 1 for a <sitemapindex> (the locs are
 * sitemaps), 0 for a <urlset>. Returns the number of locs reported, or -1
 * with err filled when the document is not a sitemap. *over (if not NULL)
 * gets the number of locs past SITEMAP_MAX_URLS, read to the end but not
 * reported, so that a caller can say how many it did not follow. */
int sitemap_parse(const char *xml, size_t len, sitemap_cb cb, void *ctx, int *is_index /* OUT */,
                  size_t *over /* OUT, may be NULL */, char *err /* OUT */, size_t errlen);

#endif
