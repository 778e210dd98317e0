/* extract: one fetched page in, one record (plus links and attachments) out.
 *
 * libxml2 lives behind this module and nowhere else. The caller hands over
 * the raw bytes and whatever the server said about the charset; the
 * extractor decides the encoding itself (HTTP header, BOM, a valid-UTF-8
 * check, <meta>, then the text pipeline's legacy Vietnamese rescue) and
 * passes libxml2 an explicit encoding (left to guess, libxml2 parses a page
 * that declares windows-1258 but holds UTF-8 into an EMPTY document).
 *
 * Fields come from per-site XPath selectors when a profile gives them, else
 * from a generic extractor for the common portal layouts: <h1>/og:title/
 * <title>; "Ngày đăng 03/07/2021 | 10:38", article:published_time,
 * "Thứ Sáu, 20/08/2021 - 14:20"; breadcrumb categories; document headers
 * ("Số: 215/TB-UBND", "Tây Hồ, ngày 28 tháng 7 năm 2021"); property tables
 * ("Số ký hiệu", "Ngày ban hành", "Cơ quan ban hành", "Loại văn bản"); body
 * text without menus, sidebars and footers.
 *
 * The parser never loads external entities or DTDs, never touches the
 * network, and never prints (libxml2's error output is captured).
 */
#ifndef TRACUU_EXTRACT_H
#define TRACUU_EXTRACT_H

#include <stddef.h>

#include "record.h"
#include "text.h"

/* Pages larger than this are refused (bytes, before decoding). */
#define EXTRACT_MAX_PAGE (16u * 1024 * 1024)
/* At most this many links and attachments are kept per page. */
#define EXTRACT_MAX_LINKS 5000
/* Longest field kept (bytes): title, number, type, issuer, category, link
 * text; longer values are cut at a character boundary. */
#define EXTRACT_MAX_FIELD 2048u
/* Longest body kept (bytes of UTF-8); the rest of the text is dropped. */
#define EXTRACT_MAX_BODY (8u * 1024 * 1024)
/* Links with longer URLs (bytes, after resolution) are dropped. */
#define EXTRACT_MAX_URL 4096u

typedef enum {
  EXTRACT_OK = 0,
  EXTRACT_NOMEM = 1,
  EXTRACT_TOO_BIG = 2,  /* page larger than EXTRACT_MAX_PAGE */
  EXTRACT_NOT_HTML = 3, /* nothing libxml2 could make a document of */
  EXTRACT_BAD_PROFILE = 4 /* a profile's XPath does not compile (message says which) */
} extract_status;

const char *extract_strerror(extract_status st);

/* Optional per-site XPath selectors (NULL = use the generic extractor for
 * that field). The string value of the first match is used; for body, the
 * text of every match, in document order. */
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
  extract_link *links;   /* every <a href> (http/https only), in page order */
  size_t n_links;
  extract_link *attachments; /* links to .pdf .doc .docx .xls .xlsx .zip .rar files */
  size_t n_attachments;
  text_encoding encoding;    /* what the bytes were, and what was repaired */
  char charset[32];          /* the charset decided, e.g. "UTF-8", "windows-1258" */
  int parse_errors;          /* how many errors libxml2 recovered from */
} extract_result;

/* Extracts page (len bytes fetched from url; content_type is the HTTP
 * Content-Type header or NULL; profile may be NULL). On success *out is
 * filled and owned by the caller (extract_result_clear). On error *out is
 * cleared and err holds one line saying what was wrong. */
extract_status extract_page(const char *page, size_t len, const char *url,
                            const char *content_type, const extract_profile *profile,
                            extract_result *out /* OUT */, char *err /* OUT */, size_t errlen);

/* Initializes libxml2 once. Call it from the main thread before threads
 * call extract_page (extract_page calls it too, which is enough for
 * single-threaded programs). */
void extract_global_init(void);

/* Frees everything in r; r is empty afterwards. NULL is ok. */
void extract_result_clear(extract_result *r);

#endif
