/* duration: spans of time as people write them ("90m", "2h", "1d12h",
 * "7d", "2w") and back ("2d 3h").
 *
 * Units: s, m (minutes), h, d, w; several may follow each other, largest
 * first or not ("1h30m", "90m"). A number without a unit is refused, so
 * that "revisit = 7" cannot silently mean seven seconds. Never prints.
 */
#ifndef TRACUU_DURATION_H
#define TRACUU_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* The longest span accepted: 100 years, in seconds. */
#define DURATION_MAX ((int64_t)100 * 366 * 86400)

/* Parses s into *seconds. Returns 0, or -1 when s is not a duration (empty,
 * a number without a unit, an unknown unit, a negative or too long span). */
int duration_parse(const char *s, int64_t *seconds /* OUT */);

/* Writes a span for people, the two largest units, e.g. "3d 4h", "45m",
 * "12s", "0s"; negative spans get a '-'. Returns out. */
char *duration_format(int64_t seconds, char *out /* OUT */, size_t outlen);

#endif
