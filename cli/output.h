/* output: search results as text for people or JSON Lines for scripts. */
#ifndef TRACUU_OUTPUT_H
#define TRACUU_OUTPUT_H

#include <stdio.h>

#include "query/query.h"

typedef struct {
  int json;
  int color;
  int explain;
} output_opts;

/* Writes every hit; then the facets and the suggestion when present.
 * Returns 0, or -1 when writing failed (a closed pipe, a full disk). */
int output_results(FILE *fp, const query_result *res, const output_opts *o);

/* When no hit is shown, says why on stderr: nothing matched, or matches
 * exist but --limit 0 or --offset left them out. */
void output_say_no_hits(const query_result *res);

/* Writes a value as a JSON string literal (via json-c). */
void output_json_string(FILE *fp, const char *s);

#endif
