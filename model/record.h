/* record: one announcement or directive, as tracuu reads and stores it.
 *
 * The JSON Lines format `tracuu index` reads and `tracuu export` writes: one
 * object per line with "id" (required, a non-empty string) and optional
 * "url", "title", "date" (YYYY-MM-DD), "body", "number", "type", "issuer",
 * "category". Unknown keys are ignored. JSON is parsed by json-c.
 *
 * Legal metadata (schema 2; all optional, so version 1 files read as before):
 *   "signer"       the person who signed ("Phạm Thị Thanh Trà")
 *   "signer_role"  "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
 *   "place"        where it was issued ("Tây Hồ")
 *   "summary"      "V/v ...", "Quy định chi tiết ..."
 *   "effective"    YYYY-MM-DD, when it takes effect
 *   "relations"    [{"relation": "repeals", "number": "09/CT-UBND",
 *                    "sentence": "Bãi bỏ Chỉ thị số 09/CT-UBND ..."}, ...]
 *                  relation is one of cites, basis, amends, replaces,
 *                  repeals, implements (text/legal.h); number is required,
 *                  sentence optional. At most RECORD_MAX_RELATIONS.
 * The indexer fills any of these (and number, type, issuer, date) the
 * record lacks from its body, and stores the result: what a record gives
 * explicitly always wins.
 *
 * Dates and issuers of real portals (schema 4; optional):
 *   "posted"            YYYY-MM-DD, when the portal posted the page (not when
 *                       the document was issued)
 *   "date_source"       where "date" came from: "header" (the document's
 *                       header or a property table), "title", "text" (the
 *                       lead sentence: "ngày 15/5/2020 ... ký ban hành") or
 *                       "posted" (no date of issue was found: "date" is the
 *                       posting date)
 *   "issuer_as_written" the issuer as the document writes it ("ỦY BAN NHÂN
 *                       DÂN QUẬN TÂY HỒ") when "issuer" shows it another way
 *                       ("UBND quận Tây Hồ")
 *
 * Attachments (schema 5; optional): the files of a document (a portal page
 * and the PDF or Word file it links; or a file alone, then the record's
 * only content), as read by attach/:
 *   "attachments"  [{"url": "https://.../qd-2536.pdf", "label": "link text",
 *                    "type": "pdf", "pages": 2, "chars": 3805, "ocr": true,
 *                    "ocr_pages": 1, "ocr_at": [2], "encoding": "tcvn3",
 *                    "note": "...", "text": "page 1\fpage 2"}, ...]
 *                  url is required (a path for a file given alone); text
 *                  holds the file's pages separated by form feeds; ocr_at
 *                  lists the 1-based pages of text read by OCR (ocr_pages
 *                  of them; "ocr" says whether any was). At most
 *                  RECORD_MAX_ATTACHMENTS.
 * The indexer indexes their text with the document, and reads from it the
 * number, type, issuer, date and title the record and its body lack.
 */
#ifndef TRACUU_RECORD_H
#define TRACUU_RECORD_H

#include <stddef.h>

/* One relation to another document, by that document's number. */
typedef struct {
  char *relation; /* "repeals", ... (validated on parse) */
  char *number;   /* the target's legal number, as written */
  char *sentence; /* may be NULL */
} record_relation;

#define RECORD_MAX_RELATIONS 1024

/* One attached file, as read (see "attachments" above). Strings are
 * malloc'ed and owned, NULL when absent (url never is in a valid record). */
typedef struct {
  char *url, *label, *type, *encoding, *note;
  char *text;       /* pages separated by '\f', or NULL */
  int pages;        /* pages the file has (read or not) */
  long long chars;  /* characters (code points) of text */
  int ocr_pages;    /* pages of text read by OCR */
  int *ocr_at;      /* their 1-based numbers, n_ocr_at of them; owned */
  size_t n_ocr_at;
} record_attachment;

#define RECORD_MAX_ATTACHMENTS 100
/* ocr_at entries kept per attachment (a file has at most ATTACH_MAX_PAGES). */
#define RECORD_MAX_OCR_AT 1000

/* The fields, in the order they are written out. Every field is either NULL
 * (absent) or a malloc'ed, valid UTF-8, NUL-terminated string owned by the
 * record. */
typedef struct {
  char *id;
  char *url;
  char *title;
  char *date;     /* "YYYY-MM-DD" */
  char *posted;   /* "YYYY-MM-DD" */
  char *date_source; /* "header", "title", "text" or "posted" */
  char *number;   /* the document's own legal number, as written */
  char *type;
  char *issuer;
  char *issuer_as_written;
  char *category;
  char *signer;
  char *signer_role;
  char *place;
  char *summary;
  char *effective; /* "YYYY-MM-DD" */
  char *body;
  record_relation *relations; /* n_relations of them, owned; NULL when none */
  size_t n_relations;
  record_attachment *attachments; /* n_attachments of them, owned; NULL when none */
  size_t n_attachments;
} record;

#define RECORD_MAX_LINE (64u * 1024 * 1024)

/* Parses one JSON object into *r (which must be zeroed or cleared). On error
 * returns -1, leaves *r cleared and writes a one-line reason into err.
 * Invalid UTF-8 inside strings is replaced by U+FFFD; *repaired is then set. */
int record_parse_json(const char *line, size_t len, record *r /* OUT */, int *repaired /* OUT */,
                      char *err /* OUT */, size_t errlen);

/* The same for a record tracuu stored itself (document data): strings are
 * taken as they are, without the UTF-8 rescue. */
int record_parse_stored(const char *data, size_t len, record *r /* OUT */, char *err /* OUT */,
                        size_t errlen);

/* The record as one line of compact JSON (no newline). Caller frees. NULL
 * when out of memory. */
char *record_to_json(const record *r);

/* Frees every field, relation and attachment; the record is empty
 * afterwards. NULL is ok. */
void record_clear(record *r);

/* Frees an attachment's strings; it is empty afterwards. NULL is ok. */
void record_attachment_clear(record_attachment *a);

/* One attachment as a JSON object (the keys of "attachments" above; with
 * with_text, "text" too), as one line. Caller frees; NULL on NOMEM. */
char *record_attachment_to_json(const record_attachment *a, int with_text);

/* Parses what record_attachment_to_json wrote (tracuu's own, stored: no
 * UTF-8 rescue). 0, or -1 with err set and *a cleared. */
int record_attachment_parse(const char *json, size_t len, record_attachment *a /* OUT */,
                            char *err /* OUT */, size_t errlen);

/* 1 when any page of an attachment's text that bytes [from, to) touch
 * (pages are separated by '\f') was read by OCR. */
int record_attachment_ocr_in(const record_attachment *a, size_t from, size_t to);

/* The values "date_source" may take. */
#define RECORD_DATE_SOURCES "header, title, text, posted"

/* 1 when s is one of RECORD_DATE_SOURCES. */
int record_date_source_valid(const char *s);

/* 1 when s is a real calendar date written YYYY-MM-DD; fills y/m/d if non-NULL. */
int record_date_valid(const char *s, int *y, int *m, int *d);

/* Reads JSON Lines from a file, line by line, with bounded memory. */
typedef struct record_reader record_reader;

/* Opens path ("-" = standard input). NULL on failure (errno set; EISDIR
 * for a directory). */
record_reader *record_reader_open(const char *path);

/* Next record. Returns 1 with *r filled, 0 at end of input, -1 for a bad line
 * (reason in err, *r cleared; reading may go on), -2 when the input cannot
 * be read (err: the system's reason; never taken for the end). Empty lines
 * are skipped. A line over RECORD_MAX_LINE is a bad line, found while it is
 * read: it never takes more memory than the limit. */
int record_reader_next(record_reader *rd, record *r /* OUT */, int *repaired /* OUT */,
                       char *err /* OUT */, size_t errlen);

/* The 1-based number of the line last read. */
unsigned long record_reader_line(const record_reader *rd);

void record_reader_close(record_reader *rd);

#endif
