/* render_json: results as json-c objects, with the keys every JSON output of
 * tracuu uses (`tracuu search --json` and the web API alike), so the two can
 * never disagree. Never prints.
 *
 * A hit: rank, id, url, title, date, number, type, issuer, category, signer,
 * effective, status, status_by, indexed (when it was first indexed, ISO 8601
 * UTC to the millisecond), score, relevance, snippet, highlights
 * ([[start, end], ...] byte offsets into snippet) and, when asked, explain.
 * Absent fields are null. The summary: facets ({name: [{value, count}]}),
 * total, suggestion (only when there is one), relaxed. */
#ifndef TRACUU_RENDER_JSON_H
#define TRACUU_RENDER_JSON_H

#include <json-c/json.h>

#include "query/query.h"

/* New objects (caller releases with json_object_put); NULL out of memory. */
json_object *render_json_hit(const query_hit *h, int explain);
json_object *render_json_summary(const query_result *res);

/* One related item as `tracuu related --json` writes it: relation,
 * direction (self, in, out), id, number, date, title, sentence. */
json_object *render_json_related(const query_related_item *it);

/* The compact text of o (no newline, "/" unescaped); valid while o lives. */
const char *render_json_text(json_object *o);

#endif
