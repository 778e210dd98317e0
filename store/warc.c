/* warc: WARC/1.1 records, one gzip member each (zlib), and their reader. */
#include "store/warc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "common/dynbuf.h"

#define WARC_PREFIX "tracuu-"
#define WARC_SUFFIX ".warc.gz"
#define WARC_NAME_MAX 64

struct warc_writer {
  char *dir;
  char *software;
  char name[WARC_NAME_MAX];
  unsigned serial;
  FILE *fp;
  int64_t end;
  uint64_t rotate;
  z_stream z;
  int z_ready;
  dynbuf head; /* one record's header block, reused */
};

void warc_sha256_hex(const void *p, size_t n, char out[65]) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  static const char hex[] = "0123456789abcdef";
  if (!EVP_Digest(p, n, md, &len, EVP_sha256(), NULL)) len = 0;
  for (unsigned i = 0; i < len && i < 32; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[len < 32 ? 2 * len : 64] = '\0';
}

static int errf(char *err, size_t errlen, const char *what, const char *path) {
  snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
  return -1;
}

/* --- writing ---------------------------------------------------------------- */

static void iso_date(int64_t t, char *out, size_t len) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void new_uuid(char out[37]) {
  unsigned char b[16] = {0};
  if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) { /* never in practice: still unique enough */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    memcpy(b, &ts, sizeof ts < sizeof b ? sizeof ts : sizeof b);
  }
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
           b[13], b[14], b[15]);
}

/* Compresses n bytes into the current member; flush ends the member. */
static int deflate_out(warc_writer *w, const void *p, size_t n, int flush) {
  unsigned char out[65536];
  w->z.next_in = (Bytef *)(uintptr_t)p;
  w->z.avail_in = (uInt)n;
  int rc;
  do {
    w->z.next_out = out;
    w->z.avail_out = sizeof out;
    rc = deflate(&w->z, flush ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) return -1;
    size_t have = sizeof out - w->z.avail_out;
    if (have && fwrite(out, 1, have, w->fp) != have) return -1;
    w->end += (int64_t)have;
  } while (w->z.avail_out == 0 || (flush && rc != Z_STREAM_END));
  return 0;
}

/* Writes one record (header block + content parts) as one gzip member. */
static int write_record(warc_writer *w, const char *const *parts, const size_t *lens, size_t n) {
  if (deflateReset(&w->z) != Z_OK) return -1;
  int rc = deflate_out(w, w->head.data, w->head.len, 0);
  for (size_t i = 0; rc == 0 && i < n; i++)
    if (lens[i] > UINT32_MAX) rc = -1; /* zlib's avail_in is 32 bits */
    else rc = deflate_out(w, parts[i], lens[i], 0);
  return rc == 0 ? deflate_out(w, "\r\n\r\n", 4, 1) : -1;
}

/* The WARC header block of one record into w->head (id: a uuid, or NULL
 * for a new one). */
static int record_head(warc_writer *w, const char *type, const char *id, const char *url,
                       int64_t date, const char *content_type, size_t length, const char *extra) {
  char fresh[37], when[32];
  if (!id) {
    new_uuid(fresh);
    id = fresh;
  }
  iso_date(date, when, sizeof when);
  dynbuf_reset(&w->head);
  dynbuf_printf(&w->head, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: <urn:uuid:%s>\r\n"
                "WARC-Date: %s\r\n", type, id, when);
  if (url) dynbuf_printf(&w->head, "WARC-Target-URI: %s\r\n", url);
  if (extra) dynbuf_append_str(&w->head, extra);
  dynbuf_printf(&w->head, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", content_type, length);
  return dynbuf_status(&w->head) == DYNBUF_OK ? 0 : -1;
}

static int write_warcinfo(warc_writer *w) {
  char info[512];
  int n = snprintf(info, sizeof info, "software: %s\r\nformat: WARC File Format 1.1\r\n"
                   "conformsTo: http://iipc.github.io/warc-specifications/specifications/"
                   "warc-format/warc-1.1/\r\n", w->software);
  char extra[WARC_NAME_MAX + 32];
  snprintf(extra, sizeof extra, "WARC-Filename: %s\r\n", w->name);
  const char *parts[] = {info};
  size_t lens[] = {(size_t)n};
  if (record_head(w, "warcinfo", NULL, NULL, (int64_t)time(NULL), "application/warc-fields",
                  (size_t)n, extra) != 0)
    return -1;
  return write_record(w, parts, lens, 1);
}

static int fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  close(fd);
  return rc;
}

/* The highest serial among the store's files. */
static unsigned max_serial(const char *dir) {
  unsigned max = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    unsigned s;
    if (sscanf(e->d_name, WARC_PREFIX "%5u", &s) == 1 && s > max) max = s;
  }
  closedir(d);
  return max;
}

static int path_of(const warc_writer *w, const char *name, char *out, size_t len) {
  int n = snprintf(out, len, "%s/%s", w->dir, name);
  return n > 0 && (size_t)n < len ? 0 : -1;
}

static int start_file(warc_writer *w, char *err, size_t errlen) {
  /* The old file's last records may be named by the state at the next
   * sync, which only syncs the new file: sync the old one now. */
  if (w->fp && (fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0 || fclose(w->fp) != 0)) {
    w->fp = NULL;
    return errf(err, errlen, "cannot close", w->name);
  }
  w->fp = NULL;
  w->serial = max_serial(w->dir) + 1;
  snprintf(w->name, sizeof w->name, WARC_PREFIX "%05u" WARC_SUFFIX, w->serial);
  char path[4200];
  if (path_of(w, w->name, path, sizeof path) != 0) return errf(err, errlen, "path too long:", w->dir);
  w->fp = fopen(path, "wbx");
  if (!w->fp) return errf(err, errlen, "cannot create", path);
  w->end = 0;
  if (write_warcinfo(w) != 0 || fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0 ||
      fsync_dir(w->dir) != 0)
    return errf(err, errlen, "cannot write", path);
  return 0;
}

/* Reopens name, cut back to end (a torn record after it is dropped). */
static int continue_file(warc_writer *w, const char *name, int64_t end, char *err, size_t errlen) {
  char path[4200];
  if (strlen(name) >= sizeof w->name || strchr(name, '/') ||
      path_of(w, name, path, sizeof path) != 0)
    return start_file(w, err, errlen);
  struct stat sb;
  if (stat(path, &sb) != 0 || sb.st_size < end || end <= 0) return start_file(w, err, errlen);
  if (sb.st_size > end && truncate(path, end) != 0) return errf(err, errlen, "cannot cut", path);
  w->fp = fopen(path, "ab");
  if (!w->fp) return errf(err, errlen, "cannot open", path);
  snprintf(w->name, sizeof w->name, "%s", name);
  w->end = end;
  return 0;
}

int warc_open(const char *dir, const char *file, int64_t end, uint64_t rotate_bytes,
              const char *software, warc_writer **out, char *err, size_t errlen) {
  *out = NULL;
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) return errf(err, errlen, "cannot create", dir);
  warc_writer *w = calloc(1, sizeof *w);
  if (!w) return snprintf(err, errlen, "out of memory"), -1;
  w->dir = strdup(dir);
  w->software = strdup(software ? software : "tracuu");
  w->rotate = rotate_bytes ? rotate_bytes : WARC_ROTATE_BYTES;
  dynbuf_init(&w->head, 64 * 1024);
  if (!w->dir || !w->software ||
      deflateInit2(&w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
          Z_OK) {
    warc_close(w);
    return snprintf(err, errlen, "out of memory"), -1;
  }
  w->z_ready = 1;
  int rc = file ? continue_file(w, file, end, err, errlen) : start_file(w, err, errlen);
  if (rc != 0) {
    warc_close(w);
    return -1;
  }
  *out = w;
  return 0;
}

/* The stored response header block: the status line and headers as
 * received, minus those describing the transfer rather than the body. */
static int clean_response_head(const char *h, size_t n, size_t body_len, dynbuf *out) {
  static const char *const drop[] = {"content-encoding:", "transfer-encoding:", "content-length:"};
  const char *p = h, *end = h + n;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    const char *next = eol ? eol + 1 : end;
    size_t len = (size_t)(next - p);
    int blank = len <= 2 && (len == 0 || p[0] == '\r' || p[0] == '\n');
    int skip = blank;
    for (size_t i = 0; !skip && i < sizeof drop / sizeof drop[0]; i++)
      skip = len > strlen(drop[i]) && strncasecmp(p, drop[i], strlen(drop[i])) == 0;
    if (!skip) {
      dynbuf_append(out, p, len);
      if (!eol) dynbuf_append_str(out, "\r\n");
    }
    p = next;
  }
  dynbuf_printf(out, "Content-Length: %zu\r\n\r\n", body_len);
  return dynbuf_status(out) == DYNBUF_OK ? 0 : -1;
}

static int append_exchange(warc_writer *w, const warc_exchange *x, int64_t *offset) {
  char digest[65], extra[160], resp_id[37];
  const char *hex = x->digest_hex;
  if (!hex) {
    warc_sha256_hex(x->body, x->body_len, digest);
    hex = digest;
  }
  new_uuid(resp_id); /* the request names its response */
  snprintf(extra, sizeof extra, "WARC-Concurrent-To: <urn:uuid:%s>\r\n", resp_id);
  const char *req[] = {x->request};
  size_t req_len[] = {x->request_len};
  if (x->request_len && (record_head(w, "request", NULL, x->url, x->date,
                                     "application/http;msgtype=request", x->request_len,
                                     extra) != 0 ||
                         write_record(w, req, req_len, 1) != 0))
    return -1;
  dynbuf head;
  dynbuf_init(&head, 2 * 64 * 1024);
  int rc = clean_response_head(x->response, x->response_len, x->body_len, &head);
  snprintf(extra, sizeof extra, "WARC-Payload-Digest: sha256:%s\r\n", hex);
  *offset = w->end;
  const char *resp[] = {head.data, x->body};
  size_t resp_len[] = {head.len, x->body_len};
  if (rc == 0 && head.len + x->body_len >= head.len)
    rc = record_head(w, "response", resp_id, x->url, x->date,
                     "application/http;msgtype=response", head.len + x->body_len, extra);
  if (rc == 0) rc = write_record(w, resp, resp_len, 2);
  dynbuf_free(&head);
  return rc;
}

int warc_append(warc_writer *w, const warc_exchange *x, const char **file, int64_t *offset,
                char *err, size_t errlen) {
  if ((uint64_t)w->end >= w->rotate && start_file(w, err, errlen) != 0) return -1;
  if (append_exchange(w, x, offset) != 0) {
    snprintf(err, errlen, "cannot write to %s/%s: %s", w->dir, w->name,
             errno ? strerror(errno) : "out of memory");
    return -1;
  }
  *file = w->name;
  return 0;
}

int warc_append_conversion(warc_writer *w, const char *url, int64_t date, const char *content_type,
                           const char *body, size_t len, const char **file, int64_t *offset,
                           char *err, size_t errlen) {
  if ((uint64_t)w->end >= w->rotate && start_file(w, err, errlen) != 0) return -1;
  const char *parts[] = {body};
  size_t lens[] = {len};
  *offset = w->end;
  if (record_head(w, "conversion", NULL, url, date, content_type, len, NULL) != 0 ||
      write_record(w, parts, lens, 1) != 0) {
    snprintf(err, errlen, "cannot write to %s/%s: %s", w->dir, w->name,
             errno ? strerror(errno) : "out of memory");
    return -1;
  }
  *file = w->name;
  return 0;
}

int warc_flush(warc_writer *w, char *err, size_t errlen) {
  if (fflush(w->fp) != 0) return errf(err, errlen, "cannot write", w->name);
  return 0;
}

int warc_sync(warc_writer *w, char *err, size_t errlen) {
  if (fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0)
    return errf(err, errlen, "cannot sync", w->name);
  return 0;
}

const char *warc_current(const warc_writer *w) { return w->name; }
int64_t warc_end(const warc_writer *w) { return w->end; }

int warc_close(warc_writer *w) {
  if (!w) return 0;
  int rc = 0;
  if (w->fp) {
    rc = fflush(w->fp) == 0 && fsync(fileno(w->fp)) == 0 ? 0 : -1;
    if (fclose(w->fp) != 0) rc = -1;
  }
  if (w->z_ready) deflateEnd(&w->z);
  dynbuf_free(&w->head);
  free(w->dir);
  free(w->software);
  free(w);
  return rc;
}

/* --- reading ---------------------------------------------------------------- */

struct warc_reader {
  FILE *fp;
  char *path;
  int64_t offset; /* of the next member */
  dynbuf rec;     /* the current record, decompressed */
  warc_record cur;
};

int warc_reader_open(const char *path, warc_reader **out, char *err, size_t errlen) {
  *out = NULL;
  warc_reader *r = calloc(1, sizeof *r);
  if (!r) return snprintf(err, errlen, "out of memory"), -1;
  dynbuf_init(&r->rec, WARC_MAX_RECORD);
  r->path = strdup(path);
  r->fp = fopen(path, "rb");
  if (!r->fp || !r->path) {
    errf(err, errlen, "cannot open", path);
    warc_reader_close(r);
    return -1;
  }
  *out = r;
  return 0;
}

int warc_reader_seek(warc_reader *r, int64_t offset) {
  r->offset = offset;
  return 0;
}

static void record_clear(warc_record *rec) {
  free(rec->target_uri);
  free(rec->date);
  free(rec->payload_digest);
  free(rec->content_type);
  memset(rec, 0, sizeof *rec);
}

void warc_reader_close(warc_reader *r) {
  if (!r) return;
  if (r->fp) fclose(r->fp);
  record_clear(&r->cur);
  dynbuf_free(&r->rec);
  free(r->path);
  free(r);
}

/* Inflates the member at r->offset into r->rec; 1 ok, 0 at the end, -1 bad. */
static int inflate_member(warc_reader *r) {
  if (fseeko(r->fp, (off_t)r->offset, SEEK_SET) != 0) return -1;
  unsigned char in[65536], out[65536];
  z_stream z = {0};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return -1;
  dynbuf_reset(&r->rec);
  int rc = Z_OK, any = 0;
  while (rc != Z_STREAM_END) {
    size_t got = fread(in, 1, sizeof in, r->fp);
    if (got == 0) break;
    any = 1;
    z.next_in = in;
    z.avail_in = (uInt)got;
    while (z.avail_in && rc != Z_STREAM_END) {
      z.next_out = out;
      z.avail_out = sizeof out;
      rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) break;
      if (dynbuf_append(&r->rec, out, sizeof out - z.avail_out) != DYNBUF_OK) rc = Z_MEM_ERROR;
    }
    if (rc != Z_OK && rc != Z_STREAM_END) break;
  }
  r->offset += (int64_t)z.total_in;
  inflateEnd(&z);
  if (!any) return 0;
  return rc == Z_STREAM_END ? 1 : -1;
}

/* The value of header name in the block [p, end), malloc'ed, or NULL. */
static char *header_value(const char *p, const char *end, const char *name) {
  size_t nlen = strlen(name);
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 && p[nlen] == ':') {
      const char *v = p + nlen + 1, *ve = eol;
      while (v < ve && (*v == ' ' || *v == '\t')) v++;
      while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ')) ve--;
      return strndup(v, (size_t)(ve - v));
    }
    p = eol + 1;
  }
  return NULL;
}

/* Fills the HTTP part of a response record from its content block. */
static void parse_http(warc_record *rec, const char *p, size_t n) {
  if (n < 12 || memcmp(p, "HTTP/", 5) != 0) return;
  const char *sp = memchr(p, ' ', n);
  if (sp) rec->http_status = strtol(sp + 1, NULL, 10);
  const char *end = p + n;
  for (const char *q = p; q + 3 < end; q++)
    if (memcmp(q, "\r\n\r\n", 4) == 0) {
      rec->content_type = header_value(p, q + 2, "Content-Type");
      rec->body = q + 4;
      rec->body_len = (size_t)(end - (q + 4));
      return;
    }
}

int warc_reader_next(warc_reader *r, warc_record *rec, char *err, size_t errlen) {
  record_clear(&r->cur);
  int64_t at = r->offset;
  int got = inflate_member(r);
  if (got <= 0) {
    if (got < 0) snprintf(err, errlen, "%s: damaged record at byte %lld", r->path, (long long)at);
    return got;
  }
  const char *p = r->rec.data, *end = p + r->rec.len;
  const char *hend = NULL;
  for (const char *q = p; q + 3 < end; q++)
    if (memcmp(q, "\r\n\r\n", 4) == 0) {
      hend = q + 2;
      break;
    }
  if (r->rec.len < 8 || memcmp(p, "WARC/", 5) != 0 || !hend) {
    snprintf(err, errlen, "%s: not a WARC record at byte %lld", r->path, (long long)at);
    return -1;
  }
  warc_record *c = &r->cur;
  c->offset = at;
  char *type = header_value(p, hend, "WARC-Type");
  snprintf(c->type, sizeof c->type, "%s", type ? type : "");
  free(type);
  c->target_uri = header_value(p, hend, "WARC-Target-URI");
  c->date = header_value(p, hend, "WARC-Date");
  c->payload_digest = header_value(p, hend, "WARC-Payload-Digest");
  char *len = header_value(p, hend, "Content-Length");
  size_t clen = len ? strtoull(len, NULL, 10) : 0;
  free(len);
  const char *block = hend + 2;
  if (clen > (size_t)(end - block)) {
    snprintf(err, errlen, "%s: short record at byte %lld", r->path, (long long)at);
    return -1;
  }
  if (strcmp(c->type, "response") == 0) {
    parse_http(c, block, clen);
  } else if (strcmp(c->type, "conversion") == 0) {
    c->content_type = header_value(p, hend, "Content-Type");
    c->body = block;
    c->body_len = clen;
  }
  *rec = *c;
  return 1;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int warc_list(const char *dir, int (*cb)(void *ctx, const char *path), void *ctx, char *err,
              size_t errlen) {
  DIR *d = opendir(dir);
  if (!d) return errf(err, errlen, "cannot read", dir);
  char **names = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  struct dirent *e;
  while (rc == 0 && (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (strncmp(e->d_name, WARC_PREFIX, strlen(WARC_PREFIX)) != 0 || len < strlen(WARC_SUFFIX) ||
        strcmp(e->d_name + len - strlen(WARC_SUFFIX), WARC_SUFFIX) != 0)
      continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 16;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) {
        rc = -1;
        break;
      }
      names = nn;
    }
    if (!(names[n] = strdup(e->d_name))) rc = -1;
    else n++;
  }
  closedir(d);
  if (rc == 0) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    if (cb(ctx, path) != 0) break;
  }
  for (size_t i = 0; i < n; i++) free(names[i]);
  free(names);
  if (rc != 0) return snprintf(err, errlen, "out of memory"), -1;
  return (int)n;
}
