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

/* Writes len bytes of crawled or indexed text for a terminal or a CSV
 * reader: every control character (C0 but tab, DEL, C1: an ESC would
 * drive the terminal, a CR rewrite the line) becomes U+FFFD, and with
 * one_line a line break becomes a space. */
void output_text(FILE *fp, const char *s, size_t len, int one_line);

/* output_text of a NUL-terminated string (NULL writes nothing). */
void output_str(FILE *fp, const char *s, int one_line);

#endif
