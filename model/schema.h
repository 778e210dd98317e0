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
 *   T I K   type, issuer, category: the whole folded value ("Tquyet dinh");
 *           the issuer's with its abbreviations written out
 *           ("Iuy ban nhan dan quan tay ho" for "UBND quận Tây Hồ" and for
 *           "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ"; schema_terms.h)
 *   IW      one word of that issuer key, so "--issuer tay ho" works
 *   G GW    signer: the whole folded name, and one term per word ("--signer tra")
 *   XH      "XH": the document has an own number (so a status can be known)
 *   XRB XRA XRP XRX XRI   relations, boolean, + the folded key of the TARGET
 *           number: XRB the document cites it as its legal basis (căn cứ),
 *           XRA amends it, XRP replaces it, XRX repeals it (bãi bỏ / hết
 *           hiệu lực), XRI implements or details it (hướng dẫn, quy định chi
 *           tiết). Plain citations are the XR terms above (every cited number
 *           has one). So both directions are one lookup: a document's own
 *           relations are in its stored record; "what repeals 09/CT-UBND?" is
 *           the posting list of "XRX09/CT-UBND". Keys start with a digit, so
 *           these never collide with XR + key.
 *
 * Values:
 *   SLOT_DATE      sortable_serialise(days since 1970-01-01): range filter, sort, recency
 *   SLOT_YEAR      "2021"            facets
 *   SLOT_TYPE      "Quyết định"      facets (as written in the record)
 *   SLOT_ISSUER    "UBND quận Tây Hồ"
 *   SLOT_CATEGORY  "Cải cách hành chính"
 *   SLOT_SIGNER    "Phạm Thị Thanh Trà" facets
 *   SLOT_INDEXED   sortable_serialise(ms since the epoch): when the document
 *                  was first indexed (indexer.h says how the stamps grow);
 *                  `search --since`, watches and the feed read it. Added
 *                  within schema 3: documents indexed before it have none
 *                  (they are never "new"), so older indexes stay readable
 *
 * Document data: the record as compact JSON (the same keys as the JSONL
 * input), so search, snippets and export need nothing else. Fields the record
 * lacked and the text gave (number, type, issuer, date, signer, relations:
 * see text/legal.h) are stored as if they had been given.
 *
 * Version 2 added G/GW/SLOT_SIGNER, XH and the relation terms; version 3
 * spells the issuer terms with abbreviations written out; version 4 stores
 * posted, date_source and issuer_as_written, shows types and issuers one
 * way (text/legalvocab.h) and reads look-alike letters (Cyrillic С, U+01A3)
 * as the Latin ones they stand for; version 5 indexes a document's attached
 * files (record.h "attachments"): their text after the body (each after a
 * gap of SCHEMA_BODY_POS_GAP positions, then its link label and file name),
 * their own numbers as XN terms too (a file is found first by its number),
 * and the number, type, issuer, date and title the record lacks from them.
 */
#ifndef TRACUU_SCHEMA_H
#define TRACUU_SCHEMA_H

#define TRACUU_SCHEMA_VERSION "5"
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
#define PREFIX_SIGNER "G"
#define PREFIX_SIGNER_WORD "GW"
#define PREFIX_HAS_NUMBER "XH"
#define PREFIX_REL_BASIS "XRB"
#define PREFIX_REL_AMENDS "XRA"
#define PREFIX_REL_REPLACES "XRP"
#define PREFIX_REL_REPEALS "XRX"
#define PREFIX_REL_IMPLEMENTS "XRI"

enum {
  SLOT_DATE = 0,
  SLOT_YEAR = 1,
  SLOT_TYPE = 2,
  SLOT_ISSUER = 3,
  SLOT_CATEGORY = 4,
  SLOT_SIGNER = 5,
  SLOT_INDEXED = 6
};

/* The longest term Xapian stores, prefix included (engine.h's
 * ENGINE_MAX_TERM, which the indexer checks is the same): terms are built
 * within it here, without linking the engine. */
#define SCHEMA_MAX_TERM 245

/* Title words count this many times in the body stream's statistics. */
#define SCHEMA_TITLE_WDF 3
/* Positions of the body start this far after the title's, so that a phrase
 * never spans the title and the body. */
#define SCHEMA_BODY_POS_GAP 100

#endif
