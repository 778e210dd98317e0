/* schema_terms: the term spellings of schema.h as functions, shared by the
 * indexer (which writes them) and the query module (which asks for them). */
#ifndef TRACUU_SCHEMA_TERMS_H
#define TRACUU_SCHEMA_TERMS_H

#include <stddef.h>

#include "common/dynbuf.h"
#include "model/schema.h"

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

/* An issuer's name as its boolean terms use it: the folded words of the
 * text pipeline (punctuation gone: "HĐND&UBND", "TP." are words), with the
 * usual abbreviations written out (UBND -> uy ban nhan dan, HĐND, UBMTTQ,
 * MTTQ, TP, TW, VP, BCH), so that "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ" and
 * "UBND quận Tây Hồ" are one issuer. Appends to out; 0, or -1 (out of
 * memory, or the text pipeline failed). */
int schema_fold_issuer(const char *value, size_t len, dynbuf *out);

/* The folding of a metadata field by its term prefix: schema_fold_issuer
 * for PREFIX_ISSUER, else schema_fold_value. The indexer and the query
 * both fold through here, so a filter always meets the indexed terms. */
int schema_fold_facet(const char *prefix, const char *value, size_t len, dynbuf *out);

/* The term prefix of a relation named as in record.h ("repeals" -> "XRX");
 * "cites" -> PREFIX_CITED_NUMBER; NULL for an unknown name. */
const char *schema_relation_prefix(const char *relation);

/* Days since 1970-01-01 of a valid YYYY-MM-DD date. */
long schema_days_from_civil(int y, int m, int d);

#endif
