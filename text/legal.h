/* legal: the header metadata and the citation graph of one legal or
 * administrative document, from its text alone.
 *
 * Input is the body as found (PDF-extracted gazette text with page headers
 * "CÔNG BÁO/Số .../Ngày ...", NFD, "Ð", stray spaces): everything is matched
 * on the pipeline's folded words (text_tokenize, text_find_refs,
 * text_find_dates), so accents, case and Unicode form do not matter. Values
 * handed out are the ORIGINAL text of the document (white space collapsed),
 * except the type, which is one canonical name ("Nghị định"), and dates,
 * which are ISO.
 *
 * What is read, and where:
 *   header (the lines before the first "Căn cứ" / "Điều 1", at most
 *   LEGAL_HEADER_LINES lines): the issuing body ("ỦY BAN NHÂN DÂN" +
 *   "QUẬN TÂY HỒ" on the next line is one issuer), the own number
 *   ("Số: 215/TB-UBND", "Luật số: 91/2015/QH13"), place and date
 *   ("Tây Hồ, ngày 28 tháng 7 năm 2021"), the type title ("NGHỊ ĐỊNH") and
 *   the summary under it ("V/v ...", "Về việc ...", "Quy định chi tiết ...").
 *   signature block (after the end mark "./." of the main text): signer role
 *   ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") and name; for a consolidated text (VBHN)
 *   also its number and date, which are printed there. The gazette's digital
 *   signature stamp ("Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ") is not a signer.
 *   whole text: the effective date ("... này có hiệu lực thi hành kể từ
 *   ngày ..."), a law's date ("... thông qua ngày ...") and the relations.
 *
 * Relations: every legal number the text cites (except its own) becomes one
 * relation, classified by cues in the sentence around it:
 *   basis       the sentence starts with "Căn cứ"
 *   amends      "sửa đổi", "bổ sung", "đính chính" shortly before the number
 *   replaces    "thay thế" before the number
 *   repeals     "bãi bỏ", "hủy bỏ" before, or "hết hiệu lực" after the number
 *   implements  "hướng dẫn", "quy định chi tiết" before the number
 *   cites       anything else
 * A cue in the passive ("được sửa đổi, bổ sung bởi", "đã được thay thế")
 * describes what some OTHER document did, so it makes a plain citation.
 * Each (relation, number) pair is kept once; a plain citation of a number
 * that also has a stronger relation is dropped.
 *
 * Depends only on text.h. Never prints. Keeps no state between calls.
 */
#ifndef TRACUU_LEGAL_H
#define TRACUU_LEGAL_H

#include <stddef.h>

#include "text/text.h"

/* Named limits: hostile input cannot grow a legal_info past them. */
#define LEGAL_HEADER_LINES 80      /* lines read as the header */
#define LEGAL_FIELD_MAX 256        /* bytes of one header value, NUL included */
#define LEGAL_SENTENCE_MAX 400     /* bytes of a relation's sentence, NUL included */
#define LEGAL_MAX_RELATIONS 128    /* relations kept per document; the rest are counted */

typedef enum {
  LEGAL_REL_CITES = 0,
  LEGAL_REL_BASIS = 1,
  LEGAL_REL_AMENDS = 2,
  LEGAL_REL_REPLACES = 3,
  LEGAL_REL_REPEALS = 4,
  LEGAL_REL_IMPLEMENTS = 5,
  LEGAL_REL_COUNT = 6
} legal_rel_kind;

/* The stable JSON name of a relation: "cites", "basis", "amends",
 * "replaces", "repeals", "implements". Static string. */
const char *legal_rel_name(legal_rel_kind kind);
/* The inverse; returns 1 and sets *kind, or 0 for an unknown name. */
int legal_rel_parse(const char *name, legal_rel_kind *kind /* OUT */);

typedef struct {
  legal_rel_kind kind;
  text_ref target;                      /* the number cited, as text_find_refs found it */
  char sentence[LEGAL_SENTENCE_MAX];    /* the sentence it came from, cut around the number */
} legal_relation;

typedef struct {
  char issuer[LEGAL_FIELD_MAX];       /* "ỦY BAN NHÂN DÂN QUẬN TÂY HỒ", or "" */
  char type[48];                      /* canonical: "Nghị định", "Quyết định", ... or "" */
  char header_type[48];               /* the type the header's title line prints
                                         ("THÔNG BÁO" -> "Thông báo"), or "" */
  int has_number;
  text_ref number;                    /* the own number, when has_number */
  char place[64];                     /* "Tây Hồ", or "" */
  char date[11];                      /* issue date YYYY-MM-DD, or "" */
  char summary[LEGAL_FIELD_MAX];      /* "V/v ...", "Quy định chi tiết ...", or "" */
  char signer[96];                    /* "Phạm Thị Thanh Trà", or "" */
  char signer_role[LEGAL_FIELD_MAX];  /* "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", or "" */
  char effective[11];                 /* YYYY-MM-DD, or "" */
  legal_relation *relations;          /* malloc'ed, n_relations of them; owned */
  size_t n_relations;
  size_t n_dropped;                   /* relations past LEGAL_MAX_RELATIONS */
} legal_info;

/* Reads s[0..len) into *out (which need not be initialized). On TEXT_OK the
 * caller frees with legal_info_free; on any error *out is left empty (no
 * allocation kept). Fields the text does not give stay "". */
text_status legal_parse(const char *s, size_t len, legal_info *out /* OUT */);

/* legal_parse, whose one pass over the whole text (for the relations and
 * the dates: text_scan) also hands the caller every token (as
 * text_tokenize) and every reference number (as text_find_refs), so that a
 * caller indexing the text needs no pass of its own. Either callback may
 * be NULL; one returning non-zero stops only itself. They are called
 * before *out is complete: read *out after the return. */
text_status legal_parse_scan(const char *s, size_t len, legal_info *out /* OUT */,
                             text_token_cb on_token, text_ref_cb on_each_ref, void *ctx);

/* Only the relations of s (a title, say), appended to out->relations with
 * the same de-duplication; own_key (a text_ref.key, or NULL) is skipped. */
text_status legal_add_relations(const char *s, size_t len, const char *own_key,
                                legal_info *out /* IN/OUT */);

/* Only the header (issuer, number, place, date, type, summary) of a
 * document that starts somewhere inside s: a web page's text, with menus
 * and news before it. The header begins at the first line that is the
 * national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") or presents an own
 * number ("Số: 215/TB-UBND"), together with the upper-case lines right above
 * it (the issuer); from there it is read exactly as legal_parse reads a
 * document's first lines. No header: every field "". Allocates nothing
 * (no relations; legal_info_free is not needed, and harmless). */
text_status legal_parse_header(const char *s, size_t len, legal_info *out /* OUT */);

/* The code of the own number a header prints, for when its digits cannot
 * be read (handwritten, stamped, or misread by OCR): "Số: 4⁄6 /QĐÐ-UBND"
 * gives code "QĐ-UBND" (OCR's doubled "ĐÐ" read as one Đ), kind "QĐ" and
 * the digits seen before the "/", "46". The first "Số:" line of the first
 * LEGAL_HEADER_LINES lines with a "/" within a few bytes of its colon and a
 * code after it. 1 and *out filled, or 0 (*out empty). */
typedef struct {
  char code[96];   /* canonical, without the number: "QĐ-UBND", "BCA-C04" */
  char kind[32];   /* its kind code, or "" */
  char digits[16]; /* the digits between "Số:" and "/", maybe none */
  int garbled;     /* 1 when more than one run of digits lies there (OCR's
                      "3 3#" for a handwritten "3980"), or anything else */
} legal_code;
int legal_header_code(const char *s, size_t len, legal_code *out /* OUT */);

/* Frees the relations; the struct is empty afterwards. NULL is ok. */
void legal_info_free(legal_info *li);

/* One citation of a source document, as Bộ Pháp điển writes them:
 * "(Điều 1 Nghị định số 19/2018/NĐ-CP ngày 02/02/2018 của Chính phủ, có
 * hiệu lực thi hành kể từ ngày 02/02/2018)". The first number is the
 * document; its type comes from the number's kind code or the word before
 * "số"; date is the first date after it that is not an effective date. */
typedef struct {
  int has_number;
  text_ref number;
  char type[48];
  char date[11];
  char effective[11];
} legal_citation;

text_status legal_parse_citation(const char *s, size_t len, legal_citation *out /* OUT */);

/* The canonical type name of a reference ("Nghị định" for "NĐ"), from its
 * kind code or, failing that, its doctype word; "" when unknown. Static. */
const char *legal_type_of_ref(const text_ref *ref);

#endif
