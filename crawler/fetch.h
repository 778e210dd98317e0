/* fetch: polite HTTP(S) fetching over libcurl's multi interface.
 *
 * Several hosts are fetched in parallel, each over one connection with one
 * request at a time, and a host is asked again only after its delay (the
 * default, or robots.txt's Crawl-delay set with fetch_set_host_delay).
 * Every limit is an option: connect/total/low-speed timeouts, the body
 * size (checked after Content-Encoding is undone, so a gzip bomb stops at
 * the cap), the header size, redirects (followed here, one hop at a time,
 * never to another scheme or host unless allowed, and every target must
 * pass the caller's allow hook), and retries (5xx, 429 and dropped
 * connections, with exponential backoff or the server's Retry-After,
 * giving up when asked to wait longer than max_retry_after_ms).
 *
 * Conditional GET: If-None-Match with the stored ETag and If-Modified-Since
 * with the stored Last-Modified, both sent verbatim; a 304 comes back as
 * code 304 with an empty body.
 *
 * Framing. An answer whose framing is wrong is a failed fetch of its URL
 * (FETCH_FRAMING) and its connection is closed, so the next request of the
 * host goes out on a fresh one and gets its own answer: bytes past the
 * declared Content-Length or after the last chunk, two Content-Lengths that
 * disagree, or no HTTP/1.x status line (HTTP/0.9 or garbage). Bytes a server
 * sends after its answer in a later write are caught by waiting: a host's
 * kept connection is reused only after FETCH_SETTLE_MS of silence (an answer
 * on it is judged then; the host's delay covers the wait), and a host whose
 * delay is shorter gets a new connection for every request. Bytes that come
 * later still are found before the connection is reused: it is then closed
 * and the request goes out on a fresh one (the earlier answer stands).
 *
 * libcurl lives behind this module (and the URL helpers below). Never
 * prints. curl_global_init must have been called (once, in main).
 */
#ifndef TRACUU_FETCH_H
#define TRACUU_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "common/dynbuf.h"

#define FETCH_MAX_URL 4096            /* longer URLs are refused */
#define FETCH_MAX_HEADERS (64u * 1024) /* response header block */
#define FETCH_MAX_HOSTS 10000
#define FETCH_MAX_QUEUED 100000       /* requests waiting in all hosts' queues */
#define FETCH_SETTLE_MS 100           /* silence after an answer before its connection is reused */

typedef enum {
  FETCH_OK = 0,      /* a final answer; see code (200, 304, 404...) */
  FETCH_HTTP,        /* 5xx/429 still after the retries, or Retry-After over the limit */
  FETCH_TIMEOUT,     /* connect, total or low-speed timeout */
  FETCH_TOO_BIG,     /* body (decompressed) or headers over the cap */
  FETCH_TRUNCATED,   /* the connection closed before the body's end */
  FETCH_REDIRECT,    /* too many redirects, or to a place not allowed */
  FETCH_NETWORK,     /* could not connect, reset, bad TLS, bad encoding... */
  FETCH_BAD_URL,     /* not an http(s) URL we can fetch */
  FETCH_NOMEM,
  FETCH_FRAMING      /* more bytes than declared, Content-Lengths that disagree, not HTTP/1.x */
} fetch_error;

const char *fetch_strerror(fetch_error e);

/* Whether a redirect target may be followed; why gets a short reason. */
typedef int (*fetch_allow_fn)(void *ctx, const char *url, char *why, size_t whylen);

typedef struct {
  const char *user_agent;      /* honest, with a contact URL */
  long delay_ms;               /* between two requests to one host */
  long connect_timeout_ms;
  long timeout_ms;             /* whole transfer */
  long low_speed_bytes;        /* abort when slower than this... */
  long low_speed_secs;         /* ...for this long */
  size_t max_body;
  int max_redirects;
  int cross_host_redirects;    /* 1: follow redirects to other hosts/schemes (http/https only) */
  int max_retries;             /* extra attempts after the first */
  long retry_base_ms;          /* first backoff; doubles each retry */
  long max_retry_after_ms;     /* a longer Retry-After gives up at once */
  int max_parallel;            /* hosts fetched at once */
  fetch_allow_fn allow;        /* NULL: every redirect target in scheme/host rules */
  void *allow_ctx;
  int refuse_private;          /* 1: never connect to a loopback, link-local or private
                                  address: checked on each address before its socket is
                                  opened, after DNS and redirects, and again before the
                                  request is sent (the answer is FETCH_BAD_URL, "refused: ...") */
} fetch_options;

/* The defaults: 1 s delay, 15 s connect, 60 s total, 30 s under 512 B/s,
 * 16 MB body, 5 redirects, 2 retries from 1 s, Retry-After up to 120 s,
 * 4 hosts at once. */
void fetch_options_default(fetch_options *o /* OUT */);

/* One finished request, lent to the done callback (valid during it only). */
typedef struct {
  const char *url;         /* as added */
  const char *final_url;   /* after redirects */
  long code;               /* HTTP status of the last answer; 0 if none */
  fetch_error error;
  const char *message;     /* one line when error != FETCH_OK, else "" */
  const char *content_type, *etag, *last_modified; /* of the answer, or NULL */
  const dynbuf *body;      /* decoded body (empty for 304) */
  const dynbuf *request;   /* the request header block as sent (for WARC) */
  const dynbuf *response;  /* the response header block as received */
  unsigned attempts, redirects;
  int64_t date;            /* unix time the answer came */
  void *user;
} fetch_result;

typedef void (*fetch_done_fn)(void *ctx, const fetch_result *r);

typedef struct fetcher fetcher;

/* libcurl's global setup: once, from main, before any fetcher (not thread-safe). */
int fetch_global_init(void);
void fetch_global_cleanup(void);

/* The options are copied (strings too). NULL when out of memory. */
fetcher *fetch_create(const fetch_options *o);
void fetch_destroy(fetcher *f); /* NULL is ok; drops unfinished requests */

/* Queues a GET of url; etag/last_modified (may be NULL) make it
 * conditional. Returns FETCH_OK, FETCH_BAD_URL or FETCH_NOMEM (or
 * FETCH_TOO_BIG when FETCH_MAX_QUEUED or FETCH_MAX_HOSTS is reached). */
fetch_error fetch_add(fetcher *f, const char *url, const char *etag, const char *last_modified,
                      void *user);

/* fetch_add with a body cap of its own for this request (0: the fetcher's
 * max_body), e.g. a sitemap's, which the protocol allows up to 50 MB. */
fetch_error fetch_add_max(fetcher *f, const char *url, const char *etag, const char *last_modified,
                          size_t max_body, void *user);

/* Sets the delay of url's host (e.g. from Crawl-delay). */
fetch_error fetch_set_host_delay(fetcher *f, const char *url, long delay_ms);

/* Requests queued or running. */
size_t fetch_pending(const fetcher *f);

/* Starts what may start, waits at most wait_ms for progress and calls done
 * for every request that finished (after its retries and redirects).
 * Returns FETCH_OK or FETCH_NOMEM (a libcurl failure of the multi handle). */
fetch_error fetch_perform(fetcher *f, long wait_ms, fetch_done_fn done, void *ctx);

/* --- URLs (libcurl's parser) ------------------------------------------ */

/* Resolves ref against base (base may be NULL for an absolute ref), drops
 * the fragment and normalizes (lower-case scheme and host, default port
 * dropped). Only http and https. Returns malloc'ed or NULL. */
char *fetch_url_resolve(const char *base, const char *ref);

/* 1 when v may be sent as a header value (User-Agent, If-None-Match...):
 * one line of at most FETCH_MAX_HEADER_VALUE bytes, no control character
 * but tab. A CR or LF would end the header and start another of the
 * sender's choosing. fetch_create refuses (NULL) a user_agent that fails. */
#define FETCH_MAX_HEADER_VALUE 1024
int fetch_header_value_ok(const char *v);

/* "scheme://host[:port]" of url into out; -1 when it is not a URL. */
int fetch_url_origin(const char *url, char *out /* OUT */, size_t outlen);

/* The path and query ("/a/b?c"), for robots.txt; -1 when not a URL. */
int fetch_url_path(const char *url, char *out /* OUT */, size_t outlen);

/* 1 when url's host is localhost or a loopback, link-local or private
 * address literal (127.0.0.1, [::1], 10.x, 192.168.x, 169.254.x ...). */
int fetch_url_private(const char *url);

#endif
