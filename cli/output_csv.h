/* output_csv: search results as CSV (RFC 4180), for spreadsheets and tools. */
#ifndef TRACUU_OUTPUT_CSV_H
#define TRACUU_OUTPUT_CSV_H

#include <stdio.h>

#include "query/query.h"

/* Writes s (NULL: an empty field) as one CSV field: as is, or, when it holds
 * a comma, a double quote, CR or LF, between double quotes with each double
 * quote doubled. */
void csv_field(FILE *fp, const char *s);

/* Writes a header line, then one line per hit (rank, id, number, date, type,
 * issuer, title, url, score, status), each ended by CRLF. Returns 0, or -1
 * when writing failed. */
int output_csv(FILE *fp, const query_result *res);

#endif
