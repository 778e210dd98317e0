/* schema: how a tracuu record is laid out in the Xapian database.
 *
 * Written once here, read by both the indexer (which writes these terms and
 * values) and the query module (which asks for them), so the two can never
 * disagree about a prefix. Changing anything below that alters what is in an
 * index means bumping TRACUU_SCHEMA_VERSION: an index built with another
 * version is refused with a message telling the user to rebuild it.
 *
 * Terms (Xapian's convention: an upper-case prefix, then the value):
 *   (none)  folded syllable, with positions        "quyet", "2696/qd-ubnd"
 *   E       exact (accented) syllable, no positions "Equyết"
 *   S       folded syllable of the title            "Squyet"
 *   B       folded syllable pair (bigram)           "Bchinh quyen"
 *   Q       unique id ("Q" + id, or "QH" + hex hash when too long)
 *   XN      own legal number, folded canonical key  "XN2696/QD-UBND"
 *   XR      a legal number the document cites       "XR32/2021/ND-CP"
 *   XNN/XRN the bare number of an own/cited ref     "XNN2696"
 *   XNY/XRY number/year of an own/cited ref         "XNY32/2021"
 *   D Y M   date: day, year, month                  "D20210703" "Y2021" "M202107"
 *   T I K   type, issuer, category: the whole folded value ("Tquyet dinh")
 *   IW      one folded word of the issuer, so "--issuer tay ho" works
 *
 * Values:
 *   SLOT_DATE      sortable_serialise(days since 1970-01-01): range filter, sort, recency
 *   SLOT_YEAR      "2021"            facets
 *   SLOT_TYPE      "Quyết định"      facets (as written in the record)
 *   SLOT_ISSUER    "UBND quận Tây Hồ"
 *   SLOT_CATEGORY  "Cải cách hành chính"
 *
 * Document data: the record as compact JSON (the same keys as the JSONL
 * input), so search, snippets and export need nothing else.
 */
#ifndef TRACUU_SCHEMA_H
#define TRACUU_SCHEMA_H

#define TRACUU_SCHEMA_VERSION "1"
#define TRACUU_SCHEMA_KEY "tracuu.schema"

#define PREFIX_EXACT "E"
#define PREFIX_TITLE "S"
#define PREFIX_BIGRAM "B"
#define PREFIX_ID "Q"
#define PREFIX_ID_HASHED "QH"
#define PREFIX_OWN_NUMBER "XN"
#define PREFIX_CITED_NUMBER "XR"
#define PREFIX_OWN_BARE "XNN"
#define PREFIX_CITED_BARE "XRN"
#define PREFIX_OWN_YEAR "XNY"
#define PREFIX_CITED_YEAR "XRY"
#define PREFIX_DAY "D"
#define PREFIX_YEAR "Y"
#define PREFIX_MONTH "M"
#define PREFIX_TYPE "T"
#define PREFIX_ISSUER "I"
#define PREFIX_ISSUER_WORD "IW"
#define PREFIX_CATEGORY "K"

enum {
  SLOT_DATE = 0,
  SLOT_YEAR = 1,
  SLOT_TYPE = 2,
  SLOT_ISSUER = 3,
  SLOT_CATEGORY = 4
};

/* Title words count this many times in the body stream's statistics. */
#define SCHEMA_TITLE_WDF 3
/* Positions of the body start this far after the title's, so that a phrase
 * never spans the title and the body. */
#define SCHEMA_BODY_POS_GAP 100

#endif
