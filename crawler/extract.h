/* extract: one fetched page in, one record (plus links and attachments) out.
 *
 * libxml2 lives behind this module and nowhere else. The caller hands over
 * the raw bytes and whatever the server said about the charset; the
 * extractor decides the encoding itself and passes libxml2 clean UTF-8 and
 * an explicit "UTF-8" (left to guess, libxml2 parses a page that declares
 * windows-1258 but holds UTF-8 into an EMPTY document). The decision, in
 * order: a byte order mark (UTF-8, UTF-16LE/BE) settles it; else the label
 * (HTTP Content-Type charset, else the first <meta> one) goes to
 * text_to_utf8, where valid UTF-8 wins whatever the label says, UTF-8
 * encoded twice is undone, and otherwise windows-1258, TCVN3, VNI and
 * windows-1252 compete (the label only breaks ties). NUL bytes are dropped,
 * other control characters become spaces. `encoding` and `charset` say what
 * was found and repaired.
 *
 * Fields come from per-site XPath selectors when a profile gives them; any
 * field still empty comes from the generic extractor, which reads the page's
 * text without its furniture (nav/header/footer/aside/menu, and class or id
 * hints: menu, sidebar, breadcrumb, footer, share, related, hidden-xs...),
 * one line per block or table cell, comparing lines folded (NFD, "Ð" and old
 * tone placement match). Most trusted first:
 *   title     og:title or <title>, as much of it as the page prints as a
 *             line of its own (its heading: "Page - Category - Site" ->
 *             "Page"); the first <h1> outside the furniture; the document
 *             header's type and summary lines ("THÔNG BÁO" / "V/v ..." ->
 *             "Thông báo về việc ..."); og:title or <title> without trailing
 *             segments that name the site or repeat a line of the page; a
 *             title that only names a breadcrumb section gives way to the
 *             page's own crumb (vbpl.vn: "Trung ương" -> "Bộ luật
 *             101/2015/QH13").
 *   number, type, issuer, date without a header: the title and the lead
 *             sentence that open with the page's own number ("Công văn số
 *             974/TTra ngày 03/5/2012 của Thanh tra Bộ ...", "QĐ 528/QĐ-UBND
 *             ngày ...", "Toàn văn Chỉ thị số 30/CT-TTg của ...", "Ngày D, X đã
 *             ban hành Quyết định số ..."): extract_lead.c. The issuer from
 *             the number's code (legalvocab.h) where nothing names it.
 *   posted    the portal's posting date ("31/07/2017 | 2:20 PM", "Ngày đăng
 *             ...", article:published_time); date_source says where date
 *             came from (header, title, text), or "posted" when it is the
 *             posting date for want of a date of issue.
 *   date      "Ngày ban hành" in a property table (label cell, value cell, or
 *             "Label: value"); the header's "Tây Hồ, ngày 28 tháng 7 năm
 *             2021"; article:published_time or <time datetime>; "Ngày đăng
 *             03/07/2021 | 10:38", "Thứ Sáu, 20/08/2021 - 14:20". YYYY-MM-DD.
 *   number    "Số ký hiệu"; the header's "Số: 215/TB-UBND" (the own=1 ref).
 *             Canonical form of text_parse_ref ("1732/QÐ-UBND" ->
 *             "1732/QĐ-UBND"); "Không số" is no number.
 *   type      "Loại văn bản"; the header's type line; the number's kind code
 *             (TB, QĐ, VBHN...); a "V/v" line under the number: "Công văn".
 *             Written "Thông báo", "Quyết định", "Bộ luật"...
 *   issuer    "Cơ quan ban hành"; the upper-case lines above "Số:" ("ỦY BAN
 *             NHÂN DÂN QUẬN TÂY HỒ", as written); an office line ending the
 *             body ("Văn phòng HĐND&UBND quận").
 *   category  "Lĩnh vực"; the last section crumb of a breadcrumb (not "Trang
 *             chủ", not the page itself); article:section.
 *   body      the block with the most text of its own (link text not
 *             counted) plus half its child blocks', furniture, scripts,
 *             styles, comments and form controls left out.
 *   place, summary, effective, signer (record schema 2) where the page
 *             states them ("Ngày có hiệu lực", "Người ký", "Trích yếu", the
 *             header's place and summary lines).
 *
 * The parser never loads external entities or DTDs, never touches the
 * network, and never prints: errors go to a per-context handler that counts
 * them (parse_errors). Nothing in this module is global or mutable, so
 * threads may extract in parallel once extract_global_init has run.
 * libxml2 stops descending at its depth limit (256): text nested deeper is
 * lost, and nothing here recurses, so deep pages cost no stack.
 */
#ifndef TRACUU_EXTRACT_H
#define TRACUU_EXTRACT_H

#include <stddef.h>

#include "model/record.h"
#include "text/text.h"

/* Pages larger than this are refused (bytes, before decoding). */
#define EXTRACT_MAX_PAGE (16u * 1024 * 1024)
/* At most this many links and attachments are kept per page. */
#define EXTRACT_MAX_LINKS 5000
/* Longest field kept (bytes): title, number, type, issuer, category;
 * longer values are cut at a character boundary (link texts: 512). */
#define EXTRACT_MAX_FIELD 2048u
/* Longest body kept (bytes of UTF-8); the rest of the text is dropped. */
#define EXTRACT_MAX_BODY (8u * 1024 * 1024)
/* Links with longer URLs (bytes, after resolution) are dropped. */
#define EXTRACT_MAX_URL 4096u

typedef enum {
  EXTRACT_OK = 0,
  EXTRACT_NOMEM = 1,
  EXTRACT_TOO_BIG = 2,  /* page larger than EXTRACT_MAX_PAGE */
  EXTRACT_NOT_HTML = 3, /* a binary file (PDF, ZIP, Office, image), no tag in the
                           first 64 KB, or nothing libxml2 could make a document of */
  EXTRACT_BAD_PROFILE = 4 /* a profile's XPath does not compile (message says which) */
} extract_status;

const char *extract_strerror(extract_status st);

/* Optional per-site XPath selectors (NULL = use the generic extractor for
 * that field). The text of the first match is used (or the string, for an
 * expression like concat(...)); for body, the text of every match, in
 * document order, one block per line. Values go through the generic
 * normalizers (date -> YYYY-MM-DD, number -> canonical, type); a selector
 * that matches nothing leaves the field to the generic rules. */
typedef struct {
  const char *title, *date, *body, *number, *type, *issuer, *category;
} extract_profile;

/* A built-in profile by name ("vbpl" for vbpl.vn), or NULL. Static data. */
const extract_profile *extract_builtin_profile(const char *name);

typedef struct {
  char *url;   /* absolute (resolved against the page URL), malloc'ed */
  char *text;  /* link text, whitespace collapsed, malloc'ed */
} extract_link;

typedef struct {
  record rec;            /* id and url = the page URL; the rest as extracted */
  extract_link *links;   /* every <a href> in page order: http/https only,
                            fragment dropped, "#..." alone skipped; a
                            javascript: call naming a document file gives
                            that file (vbpl.vn's downloadfile('x.doc','/p')) */
  size_t n_links;
  size_t links_over;         /* links past EXTRACT_MAX_LINKS, counted, not kept */
  extract_link *attachments; /* the links to .pdf .doc .docx .odt .rtf .xls .xlsx .zip .rar
                                files (any case; also named in the query string,
                                as in WopiFrame.aspx?sourcedoc=/a/b.doc) */
  size_t n_attachments;
  text_encoding encoding;    /* what the bytes were, and what was repaired */
  char charset[32];          /* the charset decided, e.g. "UTF-8", "windows-1258" */
  int parse_errors;          /* how many errors libxml2 recovered from */
  unsigned long parse_flattened; /* elements nested too deep to build (over 1000 levels):
                                    their text is kept in the element above */
  size_t page_text_chars;    /* letters and digits of the page's text as its bytes
                                read (tags end at '>', no comments, scripts, styles) */
  size_t parsed_text_chars;  /* the same count in the tree libxml2 built */
  size_t main_links;         /* <a href>s in the main content block */
  size_t main_chars;         /* non-space bytes of its text outside links */
  int listing;               /* 1: a listing page, not a document (see below) */
} extract_result;

/* A listing page (a portal's list of news or documents, a home page, a
 * search result) is a list of links, not a document: its main block holds
 * at least EXTRACT_LISTING_LINKS links and, outside them, fewer than
 * EXTRACT_LISTING_CHARS non-space bytes of text per link (a date and a
 * two-line summary per item), and no number of its own was found. On the
 * sample portal, listings have 6 to 21 links and 7 to 108 bytes a link;
 * every article and document has 0 links in its main block. A search page
 * (a search form in the main block, above the hits) is one too, and so is
 * a list's page that shows one item in full above the list's pager, even
 * when the item states a number (extract_internal.h: ex_search_page,
 * ex_list_item_page). */
#define EXTRACT_LISTING_LINKS 5
#define EXTRACT_LISTING_CHARS 150

/* Extracts page (len bytes fetched from url; content_type is the HTTP
 * Content-Type header or NULL; profile may be NULL). On success *out is
 * filled and owned by the caller (extract_result_clear). On error *out is
 * cleared and err holds one line saying what was wrong. */
extract_status extract_page(const char *page, size_t len, const char *url,
                            const char *content_type, const extract_profile *profile,
                            extract_result *out /* OUT */, char *err /* OUT */, size_t errlen);

/* Letters and digits of the page's text that the parser did not keep: an
 * attribute quote or a tag left open swallows the rest of the page (a
 * browser would lose it too, but this is an archive of what the site
 * says). 0 unless the tree holds under 90% of the page's text and at least
 * EXTRACT_LOST_MIN characters are missing. The crawler reports such a page. */
#define EXTRACT_LOST_MIN 100
size_t extract_text_lost(const extract_result *r);

/* Initializes libxml2 once. Call it from the main thread before threads
 * call extract_page (extract_page calls it too, which is enough for
 * single-threaded programs). */
void extract_global_init(void);

/* Frees everything in r; r is empty afterwards. NULL is ok. */
void extract_result_clear(extract_result *r);

#endif
