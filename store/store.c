/* store: the directory that holds a crawl's state, WARC files, lock and
 * last report (store.h). */
#include "store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct page_store {
  char *dir;
  int lock_fd;
  crawl_state *st;
  warc_writer *warc;
};

/* DIR/name into out; -1 (err set) when it does not fit. */
static int store_path(const char *dir, const char *name, char out[PATH_MAX], char *err,
                      size_t errlen) {
  if (snprintf(out, PATH_MAX, "%s/%s", dir, name) < PATH_MAX) return 0;
  snprintf(err, errlen, "the store path is too long: %s", dir);
  return -1;
}

int store_make_dirs(const char *path) {
  char tmp[PATH_MAX];
  if (snprintf(tmp, sizeof tmp, "%s", path) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for (char *p = tmp + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return -1;
      *p = '/';
    }
  return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* flock on DIR/lock: 0 held, 1 another process has it, -1 error. The file
 * says which process holds it, for a person looking. */
static int take_lock(const char *dir, int *fd, char *err, size_t errlen) {
  char path[PATH_MAX];
  *fd = -1;
  if (store_path(dir, STORE_LOCK_FILE, path, err, errlen) != 0) return -1;
  *fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (*fd < 0) {
    snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  if (flock(*fd, LOCK_EX | LOCK_NB) != 0) {
    int busy = errno == EWOULDBLOCK;
    snprintf(err, errlen, busy ? "another crawl is running (it holds %s)" : "cannot lock %s: %s",
             path, strerror(errno));
    close(*fd);
    *fd = -1;
    return busy ? 1 : -1;
  }
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
  if (ftruncate(*fd, 0) == 0 && write(*fd, pid, (size_t)n) < 0) { /* only informative */
  }
  return 0;
}

/* The state and the WARC writer, where the state says the last run ended. */
static int open_parts(page_store *s, const store_options *o, char *err, size_t errlen) {
  char path[PATH_MAX], *msg = NULL, *file = NULL, *end = NULL;
  if (store_path(s->dir, STORE_STATE_FILE, path, err, errlen) != 0) return -1;
  if (state_open(path, &s->st, &msg) != 0) {
    snprintf(err, errlen, "%s", msg ? msg : "out of memory");
    free(msg);
    return -1;
  }
  int rc = -1;
  if (state_meta_get(s->st, "warc_file", &file) < 0 || state_meta_get(s->st, "warc_end", &end) < 0)
    snprintf(err, errlen, "%s", state_errmsg(s->st));
  else
    rc = warc_open(s->dir, file, end ? strtoll(end, NULL, 10) : 0, o ? o->warc_rotate_bytes : 0,
                   o && o->software ? o->software : "tracuu", &s->warc, err, errlen);
  free(file);
  free(end);
  return rc;
}

/* Syncs and closes the WARC writer and the state, releases the lock, frees
 * s: -1 when the last WARC sync failed. */
static int close_parts(page_store *s) {
  int rc = s->warc && warc_close(s->warc) != 0 ? -1 : 0;
  state_close(s->st);
  if (s->lock_fd >= 0) close(s->lock_fd); /* releases the lock */
  free(s->dir);
  free(s);
  return rc;
}

int store_open(const char *dir, const store_options *o, page_store **out, char *err, size_t errlen) {
  *out = NULL;
  err[0] = '\0';
  if (store_make_dirs(dir) != 0) {
    snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
    return -1;
  }
  page_store *s = calloc(1, sizeof *s);
  if (!s || !(s->dir = strdup(dir))) {
    free(s);
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  int locked = take_lock(dir, &s->lock_fd, err, errlen);
  if (locked != 0 || open_parts(s, o, err, errlen) != 0) {
    close_parts(s); /* err already says what failed first */
    return locked > 0 ? 1 : -1;
  }
  *out = s;
  return 0;
}

crawl_state *store_state(page_store *s) { return s->st; }
warc_writer *store_warc(page_store *s) { return s->warc; }
const char *store_dir(const page_store *s) { return s->dir; }

int store_close(page_store *s, char *err, size_t errlen) {
  if (!s) return 0;
  char dir[PATH_MAX];
  snprintf(dir, sizeof dir, "%s", s->dir);
  if (close_parts(s) == 0) return 0;
  snprintf(err, errlen, "cannot sync the WARC store in %s", dir);
  return -1;
}

/* --- reading answers back ------------------------------------------------- */

struct store_reader {
  char *dir;
  char file[NAME_MAX + 1]; /* the file rd has open, "" when none */
  warc_reader *rd;
};

store_reader *store_reader_new(const char *dir) {
  store_reader *r = calloc(1, sizeof *r);
  if (r && !(r->dir = strdup(dir))) {
    free(r);
    r = NULL;
  }
  return r;
}

void store_reader_free(store_reader *r) {
  if (!r) return;
  warc_reader_close(r->rd);
  free(r->dir);
  free(r);
}

/* Opens file unless it is the one open already. */
static int reader_use(store_reader *r, const char *file, char *err, size_t errlen) {
  if (r->rd && strcmp(r->file, file) == 0) return 0;
  warc_reader_close(r->rd);
  r->rd = NULL;
  r->file[0] = '\0';
  char path[PATH_MAX];
  /* The state names files inside the store: never a path elsewhere. */
  if (!file[0] || strchr(file, '/') || strlen(file) > NAME_MAX) {
    snprintf(err, errlen, "the crawl state names no WARC file of the store (\"%.80s\")", file);
    return -1;
  }
  if (store_path(r->dir, file, path, err, errlen) != 0) return -1;
  if (warc_reader_open(path, &r->rd, err, errlen) != 0) return -1;
  snprintf(r->file, sizeof r->file, "%s", file);
  return 0;
}

int store_reader_get(store_reader *r, const char *file, int64_t offset, warc_record *rec,
                     char *err, size_t errlen) {
  if (reader_use(r, file, err, errlen) != 0) return -1;
  if (warc_reader_seek(r->rd, offset) != 0) {
    snprintf(err, errlen, "%s/%s: cannot seek to %lld", r->dir, file, (long long)offset);
    return -1;
  }
  int got = warc_reader_next(r->rd, rec, err, errlen);
  if (got == 0) snprintf(err, errlen, "%s/%s: no record at %lld", r->dir, file, (long long)offset);
  return got == 1 ? 1 : -1;
}

/* Where the state says url's last answer is: 1 with *file malloc'ed, 0 when
 * there is no crawl in dir or no archived answer, -1 on error. Read-only:
 * a reader never creates, migrates or locks a store. */
static int original_where(const char *dir, const char *url, char **file, int64_t *offset,
                          char *err, size_t errlen) {
  char path[PATH_MAX];
  *file = NULL;
  if (store_path(dir, STORE_STATE_FILE, path, err, errlen) != 0) return -1;
  if (access(path, R_OK) != 0) return 0; /* no crawl there */
  return state_page_location(path, url, file, offset, err, errlen);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int store_original_load(const char *dir, const char *url, int want_body, store_original *out,
                        char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  char *file = NULL;
  int64_t offset = 0;
  int found = dir && url ? original_where(dir, url, &file, &offset, err, errlen) : 0;
  if (found <= 0) return found;
  store_reader *r = store_reader_new(dir);
  warc_record rec;
  int rc = r ? store_reader_get(r, file, offset, &rec, err, errlen) : -1;
  if (!r) snprintf(err, errlen, "out of memory");
  if (rc == 1 && strcmp(rec.type, "response") == 0 && rec.target_uri &&
      strcmp(rec.target_uri, url) == 0) {
    out->content_type = dup_or_null(rec.content_type);
    out->date = dup_or_null(rec.date);
    if (want_body && (out->body = malloc(rec.body_len + 1))) {
      memcpy(out->body, rec.body, rec.body_len);
      out->body[rec.body_len] = '\0';
      out->len = rec.body_len;
    }
    if ((rec.content_type && !out->content_type) || (rec.date && !out->date) ||
        (want_body && !out->body)) {
      store_original_clear(out);
      snprintf(err, errlen, "out of memory");
      rc = -1;
    }
  } else if (rc == 1) {
    rc = 0; /* the state points at something else: treat as not archived */
  }
  store_reader_free(r);
  free(file);
  return rc;
}

void store_original_clear(store_original *o) {
  if (!o) return;
  free(o->content_type);
  free(o->date);
  free(o->body);
  memset(o, 0, sizeof *o);
}

typedef struct {
  const store_replay_fns *fns;
  int stopped;
} replay_walk;

static int replay_one_file(void *ctx, const char *path) {
  replay_walk *w = ctx;
  const store_replay_fns *f = w->fns;
  warc_reader *rd;
  char err[512];
  if (warc_reader_open(path, &rd, err, sizeof err) != 0) {
    if (f->on_error) f->on_error(f->ctx, path, err, 1);
    return 0;
  }
  warc_record rec;
  int got;
  const char *name = strrchr(path, '/');
  name = name ? name + 1 : path;
  while (!w->stopped && (got = warc_reader_next(rd, &rec, err, sizeof err)) == 1) {
    if ((strcmp(rec.type, "response") != 0 && strcmp(rec.type, "conversion") != 0) ||
        !rec.target_uri)
      continue;
    rec.file = name;
    if (f->record(f->ctx, &rec) != 0) w->stopped = 1;
  }
  if (!w->stopped && got < 0 && f->on_error) f->on_error(f->ctx, path, err, 0);
  warc_reader_close(rd);
  return w->stopped;
}

int store_replay(const char *dir, const store_replay_fns *fns, char *err, size_t errlen) {
  replay_walk w = {.fns = fns};
  return warc_list(dir, replay_one_file, &w, err, errlen);
}

/* --- the last run's report ------------------------------------------------ */

int store_report_write(const char *dir, const char *json, char *err, size_t errlen) {
  char path[PATH_MAX], tmp[PATH_MAX];
  if (store_path(dir, STORE_REPORT_FILE, path, err, errlen) != 0 ||
      store_path(dir, STORE_REPORT_FILE ".tmp", tmp, err, errlen) != 0)
    return -1;
  FILE *fp = fopen(tmp, "w");
  int ok = fp && fprintf(fp, "%s\n", json) > 0;
  if (fp && fclose(fp) != 0) ok = 0;
  if (ok) ok = rename(tmp, path) == 0;
  if (!ok) {
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    unlink(tmp);
  }
  return ok ? 0 : -1;
}

int store_report_read(const char *dir, char **json, int64_t *written_at, char *err,
                      size_t errlen) {
  char path[PATH_MAX];
  *json = NULL;
  if (store_path(dir, STORE_REPORT_FILE, path, err, errlen) != 0) return -1;
  FILE *fp = fopen(path, "r");
  if (!fp) {
    if (errno == ENOENT || errno == ENOTDIR) return 0;
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return -1;
  }
  struct stat sb;
  enum { REPORT_MAX = 1 << 20 }; /* a summary is a few hundred bytes */
  char *buf = NULL;
  int rc = -1;
  if (fstat(fileno(fp), &sb) != 0 || sb.st_size > REPORT_MAX) {
    snprintf(err, errlen, "%s is not a crawl report", path);
  } else if (!(buf = malloc((size_t)sb.st_size + 1))) {
    snprintf(err, errlen, "out of memory");
  } else {
    size_t n = fread(buf, 1, (size_t)sb.st_size, fp);
    if (ferror(fp)) {
      snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    } else {
      buf[n] = '\0';
      *json = buf;
      buf = NULL;
      *written_at = (int64_t)sb.st_mtime;
      rc = 1;
    }
  }
  free(buf);
  fclose(fp);
  return rc;
}
