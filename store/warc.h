/* warc: the page store, WARC/1.1 files of gzip members (one per record).
 *
 * Each fetched answer worth keeping is appended as a "request" and a
 * "response" record (WARC-Target-URI, WARC-Date, WARC-Record-ID as
 * urn:uuid, WARC-Payload-Digest as "sha256:" + hex of the body; the request
 * names its response in WARC-Concurrent-To); each file
 * starts with a "warcinfo" record. The body is stored as libcurl handed it
 * over, i.e. with any Content-Encoding already undone: the stored HTTP
 * header block therefore drops Content-Encoding, Transfer-Encoding and
 * Content-Length and says the true Content-Length instead.
 *
 * Files are named tracuu-NNNNN.warc.gz (NNNNN counts up, so the names sort
 * in writing order) and a new one is started once the current one passes
 * the rotation size (about 1 GB by default).
 *
 * Durability: warc_sync() fsyncs; the caller records a page as stored only
 * after it. On open the writer cuts the current file back to the end the
 * caller last recorded, so a record torn by a crash never sits in the
 * middle of a file.
 *
 * Never prints; errors come back as -1 with a one-line message in err.
 */
#ifndef TRACUU_WARC_H
#define TRACUU_WARC_H

#include <stddef.h>
#include <stdint.h>

#define WARC_ROTATE_BYTES (1000ull * 1000 * 1000)
#define WARC_MAX_RECORD (40u * 1024 * 1024) /* decompressed record the reader accepts */

/* SHA-256 of n bytes as 64 hex digits and a NUL. */
void warc_sha256_hex(const void *p, size_t n, char out[65] /* OUT */);

typedef struct warc_writer warc_writer;

/* Opens the store directory dir (created if missing) for appending. file
 * and end are what the caller last recorded (warc_current/warc_end), or
 * NULL/0 to start a new file. rotate_bytes = 0 means WARC_ROTATE_BYTES. */
int warc_open(const char *dir, const char *file, int64_t end, uint64_t rotate_bytes,
              const char *software, warc_writer **out /* OUT */, char *err /* OUT */,
              size_t errlen);

/* One HTTP exchange. The header blocks are as sent / received (status line
 * included); body is the decoded payload. */
typedef struct {
  const char *url;
  int64_t date; /* unix seconds */
  const char *request;
  size_t request_len;
  const char *response;
  size_t response_len;
  const char *body;
  size_t body_len;
  const char *digest_hex; /* warc_sha256_hex of body, or NULL to compute */
} warc_exchange;

/* Appends the request and response records. *file (the file's name, valid
 * until the next append) and *offset (the response record's member) say
 * where to read the answer back. */
int warc_append(warc_writer *w, const warc_exchange *x, const char **file /* OUT */,
                int64_t *offset /* OUT */, char *err /* OUT */, size_t errlen);

/* Appends a "conversion" record: text derived from the response of url
 * (an attachment's text, as read), with WARC-Target-URI url and the given
 * Content-Type. *file and *offset say where to read it back. */
int warc_append_conversion(warc_writer *w, const char *url, int64_t date, const char *content_type,
                           const char *body, size_t len, const char **file /* OUT */,
                           int64_t *offset /* OUT */, char *err /* OUT */, size_t errlen);

/* Flushes and fsyncs what was appended. */
int warc_sync(warc_writer *w, char *err /* OUT */, size_t errlen);

/* Hands what was appended to the file (no fsync), so that a reader of the
 * same files sees it. */
int warc_flush(warc_writer *w, char *err /* OUT */, size_t errlen);

/* The current file's name and its end (bytes written so far). */
const char *warc_current(const warc_writer *w);
int64_t warc_end(const warc_writer *w);

/* Syncs and closes. NULL is ok. Returns -1 if the last sync failed. */
int warc_close(warc_writer *w);

/* --- reading ------------------------------------------------------------- */

typedef struct {
  char type[32];        /* "response", "request", "warcinfo", "conversion"... */
  char *target_uri;     /* or NULL */
  char *date;           /* WARC-Date, or NULL */
  char *payload_digest; /* or NULL */
  int64_t offset;       /* of its gzip member */
  /* For "response" records of application/http: */
  long http_status;     /* 0 when not an HTTP response */
  char *content_type;   /* the HTTP Content-Type, or NULL; of a "conversion"
                           record, its own Content-Type */
  const char *body;     /* the payload (of a conversion: its block), valid until
                           the next read */
  size_t body_len;
  const char *file;     /* store_replay: the WARC file's name (as the state keeps
                           it), valid during the callback; else NULL */
} warc_record;

typedef struct warc_reader warc_reader;

int warc_reader_open(const char *path, warc_reader **out /* OUT */, char *err /* OUT */,
                     size_t errlen);
/* Moves to the member at offset (as given by warc_append). */
int warc_reader_seek(warc_reader *r, int64_t offset);
/* Reads the next record: 1 with *rec filled, 0 at the end, -1 on a damaged
 * member (err says where; reading cannot go on in this file). *rec is
 * owned by the reader until the next call. */
int warc_reader_next(warc_reader *r, warc_record *rec /* OUT */, char *err /* OUT */,
                     size_t errlen);
void warc_reader_close(warc_reader *r); /* NULL is ok */

/* The WARC files of a store, in writing order: calls cb with each path
 * (cb returns 0 to go on). Returns the number of files, -1 on error. */
int warc_list(const char *dir, int (*cb)(void *ctx, const char *path), void *ctx,
              char *err /* OUT */, size_t errlen);

#endif
