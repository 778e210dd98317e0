/* schema_terms: the term spellings of schema.h as functions, shared by the
 * indexer (which writes them) and the query module (which asks for them). */
#ifndef TRACUU_SCHEMA_TERMS_H
#define TRACUU_SCHEMA_TERMS_H

#include <stddef.h>

#include "dynbuf.h"
#include "schema.h"

/* The unique id term of a record: "Q" + id, or "QH" + a 128-bit hash in hex
 * when the id would pass Xapian's term length limit (long URLs). Returns the
 * length written to out (at most 240 bytes + NUL). */
#define SCHEMA_ID_TERM_MAX 241
size_t schema_id_term(const char *id, char out[SCHEMA_ID_TERM_MAX]);

/* A metadata value (type, issuer, category) in the form its boolean term
 * uses: normalized, accent-folded, single-spaced, cut at a character
 * boundary so that prefix + value fits a term. Appends to out; returns 0, or
 * -1 when out of memory. */
int schema_fold_value(const char *value, size_t len, dynbuf *out);

/* The term prefix of a relation named as in record.h ("repeals" -> "XRX");
 * "cites" -> PREFIX_CITED_NUMBER; NULL for an unknown name. */
const char *schema_relation_prefix(const char *relation);

/* Days since 1970-01-01 of a valid YYYY-MM-DD date. */
long schema_days_from_civil(int y, int m, int d);

#endif
