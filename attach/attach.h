/* attach: the files a page links to (PDF, DOCX, ODT, DOC, RTF) in, their
 * text out, page by page, with what a search result says about them.
 *
 * The type comes from the file's own first bytes (attach_sniff), never from
 * the Content-Type or the URL, which are only hints for what to fetch
 * (attach_url_wanted). Readers:
 *   PDF       poppler-glib (JavaScript is never run; forms are read as text), one text per page; a page whose text layer is
 *             not usable Vietnamese (a scan, or a scan under a garbage OCR
 *             layer: see attach_page_usable) is rendered and read by
 *             Tesseract ("vie") when opt->ocr, and marked ocr
 *   DOCX/ODT  the zip (libzip) and its XML (libxml2), entry sizes checked
 *             before a byte is inflated
 *   DOC       antiword, run as a program in the reader child (no maintained
 *             library reads Word 97 text; antiword keeps the byte 0xAD that
 *             TCVN3 uses for "ư", which catdoc drops as a soft hyphen)
 *   RTF       our own reader of its control words (attach_rtf.c): unrtf
 *             drops \uN characters and catdoc drops 0xAD, and RTF text is a
 *             plain token stream
 * Every reader's text then goes through the legacy-encoding rescue
 * (text_rescue_legacy: TCVN3 and VNI fonts of files made before 2010) and is
 * cut at opt->max_chars.
 *
 * Hostile files: attach_read runs the readers in this process and is for
 * fuzzing and tests. A crawler calls attach_read_contained, which runs the
 * same in a child process under setrlimit (RLIMIT_AS: opt->max_memory bytes
 * more than this process had; RLIMIT_CPU) and a wall-clock deadline, and
 * takes the text back through a pipe: a reader that crashes, loops or
 * allocates without end costs that child, never the caller. Encrypted,
 * truncated or damaged files, zip bombs, files over the caps and files of
 * no known type end in a status and one line in err.
 *
 * The module never prints and keeps no state between calls. */
#ifndef TRACUU_ATTACH_H
#define TRACUU_ATTACH_H

#include <stddef.h>

#include "model/record.h"

/* Caps (every one a default of attach_options). */
#define ATTACH_MAX_BYTES (32u * 1024 * 1024)   /* a file larger is not read */
#define ATTACH_MAX_PAGES 1000                  /* PDF pages read; the rest are counted */
#define ATTACH_MAX_CHARS (4u * 1024 * 1024)    /* bytes of text kept per file */
#define ATTACH_MAX_OCR_PAGES 60                /* pages of one file read by OCR */
#define ATTACH_OCR_PAGE_SECONDS 40             /* Tesseract's deadline per page */
#define ATTACH_MAX_SECONDS 600                 /* wall clock of one contained read */
#define ATTACH_MAX_MEMORY (220u * 1024 * 1024) /* new address space of the reader child */
#define ATTACH_OCR_DPI 300                     /* rendering resolution for OCR */
#define ATTACH_OCR_MAX_PIXELS (40u * 1000 * 1000) /* a page rendered larger is scaled down */
#define ATTACH_ZIP_MAX_ENTRY (64u * 1024 * 1024)  /* an XML part larger (inflated) is refused */
#define ATTACH_ZIP_MAX_RATIO 200                  /* nor one inflating more than this */

typedef enum {
  ATTACH_TYPE_UNKNOWN = 0,
  ATTACH_TYPE_PDF,
  ATTACH_TYPE_DOCX,
  ATTACH_TYPE_ODT,
  ATTACH_TYPE_DOC,
  ATTACH_TYPE_RTF
} attach_type;

/* "pdf", "docx", "odt", "doc", "rtf", "unknown". */
const char *attach_type_name(attach_type t);

/* The type the bytes are, from their magic numbers (and, for a zip, the
 * names of its parts): never from a name or a header. */
attach_type attach_sniff(const char *data, size_t len);

/* 1 when a link is worth fetching as an attachment: its path ends in .pdf,
 * .doc, .docx, .odt or .rtf (any case; a query string is ignored), or its
 * content_type (may be NULL) names one of those. A hint only: what arrives
 * is sniffed. */
int attach_url_wanted(const char *url, const char *content_type);

typedef enum {
  ATTACH_OK = 0,
  ATTACH_NOMEM,       /* out of memory */
  ATTACH_UNSUPPORTED, /* not a file of a type read here (an image, HTML, a zip...) */
  ATTACH_TOO_BIG,     /* over max_bytes, or a part that inflates past the caps */
  ATTACH_ENCRYPTED,   /* needs a password */
  ATTACH_DAMAGED,     /* truncated or malformed beyond what the reader repairs */
  ATTACH_TIMEOUT,     /* the reader passed its CPU or wall-clock limit */
  ATTACH_CRASHED,     /* the reader child died (a signal, its memory limit) */
  ATTACH_TOOL,        /* a program or data the reader needs is missing */
  ATTACH_SYSTEM       /* fork, pipe, or a temporary file failed */
} attach_status;

const char *attach_strerror(attach_status st);

typedef struct {
  size_t max_bytes;      /* ATTACH_MAX_BYTES */
  int max_pages;         /* ATTACH_MAX_PAGES */
  size_t max_chars;      /* ATTACH_MAX_CHARS */
  int ocr;               /* 1: read pages without a usable text layer with Tesseract */
  int max_ocr_pages;     /* ATTACH_MAX_OCR_PAGES */
  int ocr_page_seconds;  /* ATTACH_OCR_PAGE_SECONDS */
  int seconds;           /* ATTACH_MAX_SECONDS (contained reads) */
  size_t max_memory;     /* ATTACH_MAX_MEMORY (contained reads; 0: no limit) */
  const char *tessdata;  /* Tesseract's data folder; NULL: its default (tesseract-ocr-vie) */
  const char *ocr_lang;  /* NULL: "vie" */
  const char *antiword;  /* the antiword program; NULL: "antiword" on PATH */
  const char *const *reader; /* contained reads: the reader program and its first
                                arguments (NULL-terminated), which must end in
                                attach_reader_main (tracuu: {"/path/to/tracuu",
                                "__read-attachment", NULL}); NULL: a forked copy of
                                this process reads (see attach_read_contained) */
} attach_options;

/* The defaults above, OCR on. */
void attach_options_default(attach_options *opt /* OUT */);

/* One page of text (a PDF page; a part of a Word file between page breaks). */
typedef struct {
  char *text;  /* malloc'ed, NUL-terminated, valid UTF-8 without NUL or other C0
                  controls than tab and newline; "" when empty */
  size_t len;  /* bytes */
  int ocr;     /* 1: the text came from OCR */
} attach_page;

typedef struct {
  attach_type type;
  int pages;             /* pages the file has (PDF: all of them, read or not) */
  attach_page *page;     /* n_page pages read, in order; owned */
  size_t n_page;
  size_t chars;          /* characters (code points) of text in all pages */
  int ocr_pages;         /* pages whose text came from OCR */
  char encoding[16];     /* legacy encoding rescued ("TCVN3", "VNI", ...) or "" */
  char note[256];        /* one line on what was left out or suspicious (pages over
                            the cap, OCR off or over its cap, JavaScript, forms,
                            a Content-Type that lied), or "" */
} attach_doc;

/* Reads the file data[0..len) in this process. url and content_type (either
 * may be NULL) only help the note. On ATTACH_OK *doc holds the text (it may
 * have no text at all: a blank scan with OCR off); on error *doc is empty and
 * err holds one line. Clear *doc with attach_doc_clear either way. */
attach_status attach_read(const char *data, size_t len, const char *url,
                          const char *content_type, const attach_options *opt,
                          attach_doc *doc /* OUT */, char *err /* OUT */, size_t errlen);

/* The same in a child process under the limits of opt (see above). With
 * opt->reader the child is a new program (fork + exec), started with
 * OMP_THREAD_LIMIT=1 so that Tesseract runs one OpenMP thread (libgomp
 * reads the variable only when it loads: four threads cost 5.8 s of CPU a
 * page against 3.0 s for one), and with memory of its own rather than a
 * copy of the caller's; the file reaches it on its standard input (a
 * memfd). Without, the child is a forked copy of this process. */
attach_status attach_read_contained(const char *data, size_t len, const char *url,
                                    const char *content_type, const attach_options *opt,
                                    attach_doc *doc /* OUT */, char *err /* OUT */,
                                    size_t errlen);

/* A contained read that runs while the caller does other work (a crawler
 * fetching): attach_job_start copies the file to the child and returns at
 * once (*out NULL on error, with a status and err); attach_job_poll waits
 * at most wait_ms (-1: until done; 0: not at all) and returns 1 when the
 * read has ended, with its status in *st and the text in *doc (clear it
 * with attach_doc_clear), or 0 while it runs (*doc empty). The options'
 * strings must outlive the job. attach_job_free kills a child still
 * running; NULL is ok. */
typedef struct attach_job attach_job;
attach_status attach_job_start(const char *data, size_t len, const char *url,
                               const char *content_type, const attach_options *opt,
                               attach_job **out /* OUT */, char *err /* OUT */, size_t errlen);
int attach_job_poll(attach_job *j, int wait_ms, attach_status *st /* OUT */,
                    attach_doc *doc /* OUT */, char *err /* OUT */, size_t errlen);
void attach_job_free(attach_job *j);

/* The reader program's main (tracuu __read-attachment ARGS...): reads a
 * file on standard input with the options of its "name=value" arguments
 * (as attach_read_contained passes them) and writes the result to standard
 * output for the caller. Returns the exit status (2: a bad argument). */
int attach_reader_main(int argc, char **argv);

/* The pages joined by "\n\n" into one malloc'ed string (caller frees); NULL
 * when out of memory. */
char *attach_doc_text(const attach_doc *doc, size_t *len /* OUT, may be NULL */);

/* The doc as one attachment of a record (model/record.h): url (copied;
 * the file's URL, or its path), label (the link's text, may be NULL), its
 * type, pages, characters, OCR pages and which, encoding and note, and its
 * pages joined by '\f'. 0, or -1 when out of memory (*out cleared). */
int attach_doc_to_record(const attach_doc *doc, const char *url, const char *label,
                         record_attachment *out /* OUT */);

/* Frees the pages; the doc is empty afterwards. NULL is ok. */
void attach_doc_clear(attach_doc *doc);

/* 1 when a page's text layer is worth keeping as it is: enough letters, and
 * they read as Vietnamese (most words well-formed syllables, many with
 * marks), or as plain-ASCII text of words. A scan's signature block alone
 * ("Người ký: ...") is usable text but short: short reports it. */
int attach_page_usable(const char *text, size_t len, int *short_text /* OUT, may be NULL */);

#endif
