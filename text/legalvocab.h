/* legalvocab: the legal vocabulary, written once.
 *
 * Document types with the words that name them and the kind code their
 * numbers carry ("Quyết định", "quyet dinh", "QĐ" as in 2696/QĐ-UBND), the
 * codes of issuing bodies that numbers carry ("STTTT" in 1220/STTTT-BCVT:
 * Sở Thông tin và Truyền thông), and the abbreviations issuers' names are
 * written with ("UBND" = Ủy ban nhân dân). Everything that reads a type or
 * an issuer derives from these tables: the header reader and the relations
 * (legal.c), the words before a number (reffind.c), the kind codes a number
 * may open with (legalref.c), the extractor's titles and lead sentences,
 * and the issuer facet's key (model/schema_terms.c). Add a type or a code
 * here and every one of them knows it.
 *
 * Lookups fold their input (accents, case, Đ = D), so "QĐ", "qd", "Quyết
 * định" and "QUYẾT ĐỊNH" find the same row. Every string handed out is
 * static. Nothing here allocates except legal_issuer_display (which says
 * so), nothing prints, nothing is mutable.
 */
#ifndef TRACUU_LEGALVOCAB_H
#define TRACUU_LEGALVOCAB_H

#include <stddef.h>

typedef struct {
  const char *name;  /* as records and facets show it: "Quyết định" */
  const char *words; /* folded, one space between words: "quyet dinh" */
  const char *code;  /* the kind code in numbers ("QĐ"), or NULL when it has none */
  int title_alone;   /* a page title opening with these words presents such a
                        document even without a number ("Công văn đề nghị
                        ..."); 0 for words that also open news headlines
                        ("Quy định mới ...", "Chương trình ...", "Kết luận ...") */
} legal_doctype;

/* The table, longest words first ("thong tu lien tich" before "thong tu"),
 * so a prefix match takes the longest type. *n gets its length. */
const legal_doctype *legal_doctypes(size_t *n /* OUT */);

/* The type whose folded words are exactly words[0..n) ("quyet dinh"), or NULL. */
const legal_doctype *legal_doctype_by_words(const char *words, size_t n);

/* The type a kind code stands for, in any spelling ("QĐ", "qd", "TTr",
 * "TTR", "HĐ" for HD), or NULL ("QH" names no single type). */
const legal_doctype *legal_doctype_by_code(const char *code);

/* The canonical type name of what a page or a record calls its type: the
 * type's words in any case or accents ("QUYẾT ĐỊNH", "quyet dinh"), or its
 * code ("QĐ"). NULL when s names no known type. */
const char *legal_type_name(const char *s, size_t n);

/* The folded words that open the name of an issuing body ("uy ban", "bo",
 * "so", "thanh tra", "ubnd"...), longest first; NULL-terminated. */
const char *const *legal_issuer_starts(void);

/* Codes of issuing bodies as numbers carry them. */
typedef struct {
  const char *code; /* as printed: "STTTT", "UBND", "TTg" */
  const char *name; /* "Sở Thông tin và Truyền thông" */
  int local;        /* a body of a province or district, named with its place
                       ("UBND" -> "UBND thành phố Hà Nội") */
  int leads;        /* may open a number as a kind code does ("225/TTg-NN") */
} legal_issuer_code;

/* The body a code names, in any case, Đ or D ("BTTTT", "hdnd"), or NULL. */
const legal_issuer_code *legal_issuer_by_code(const char *code);

/* The full issuer table (for legalref.c's codes and the tests). */
const legal_issuer_code *legal_issuer_codes(size_t *n /* OUT */);

/* What an abbreviated word of an issuer's name stands for, folded:
 * "ubnd" -> "uy ban nhan dan", "tp" -> "thanh pho"; NULL for other words. */
const char *legal_issuer_word(const char *folded);

/* An issuer's name as results and facets show it: "ỦY BAN NHÂN DÂN QUẬN
 * TÂY HỒ" and "Ủy ban nhân dân quận Tây Hồ" -> "UBND quận Tây Hồ"; "BỘ
 * THÔNG TIN VÀ TRUYỀN THÔNG" -> "Bộ Thông tin và Truyền thông" (a known
 * body's own spelling); names in capitals get their place names title-cased
 * and their words of rank ("quận", "tỉnh") lower-cased. Returns a malloc'ed
 * string (caller frees), or NULL when out of memory or s is empty. */
char *legal_issuer_display(const char *s, size_t n);

#endif
