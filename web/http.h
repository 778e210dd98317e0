/* http: the HTTP/1.1 side of `tracuu serve`, built for clients that are slow
 * or greedy on purpose.
 *
 * A small server for what a read-only page needs (GET and HEAD, no request
 * bodies), written here because libmicrohttpd 0.9.75 (Debian 12) could not
 * do three things the server must: bound the time a client takes to send
 * its request line and headers (each byte reset its idle timeout, so 64
 * sockets sending one byte a second held every slot), let the application
 * word its own error answers (it sent HTML for 414 and 431, also under
 * /api/), and answer ~500 query arguments at all (it ran out of memory
 * parsing them and closed the connection without a word).
 *
 * One I/O thread (epoll) accepts, reads request heads, writes answers and
 * keeps the clocks; `workers` threads build answers with the handler. A
 * connection is, in turn:
 *   reading   its request line and headers must arrive within
 *             HTTP_HEAD_SECONDS of the connection, or, on a kept-alive
 *             connection (which may first idle HTTP_IDLE_SECONDS), of their
 *             first byte; past that it is closed;
 *   queued    a whole head waits for a worker; the workers take requests
 *             round robin over client addresses, so an address with many
 *             requests in the queue cannot make another wait behind all of
 *             them;
 *   handling  a worker runs the handler;
 *   writing   the answer must be sent within HTTP_SEND_SECONDS.
 * At most HTTP_MAX_CONNECTIONS connections in all and HTTP_MAX_PER_ADDRESS
 * from one address. A connection past either limit makes room by closing
 * the connection (of that address, or of any for the total) that has been
 * reading longest without a whole head: slow clients can never hold every
 * slot. Only when every connection is busy with a real request is a new
 * one closed at once.
 *
 * Refusals: a head over HTTP_MAX_HEAD bytes (431), more than
 * HTTP_MAX_HEADERS header lines (431), a request target over HTTP_MAX_TARGET
 * bytes (414, as soon as that many bytes came without the end of the line),
 * a request body (413), a method other than GET and HEAD (405), anything
 * malformed (400). They go to the handler like requests, with `refused`
 * set, so the application words every answer (JSON under /api/). After a
 * refusal, or a request that asked for it, the connection is closed
 * gracefully: written, shut for writing, and the rest of the input read
 * and dropped for up to HTTP_LINGER_SECONDS, so the answer is not lost to
 * a reset.
 *
 * Never prints. */
#ifndef TRACUU_WEB_HTTP_H
#define TRACUU_WEB_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "common/dynbuf.h"

#define HTTP_MAX_CONNECTIONS 256
#define HTTP_MAX_PER_ADDRESS 64
#define HTTP_HEAD_SECONDS 10
#define HTTP_IDLE_SECONDS 15
#define HTTP_SEND_SECONDS 60
#define HTTP_LINGER_SECONDS 2
#define HTTP_MAX_HEAD (32u * 1024)
#define HTTP_MAX_TARGET (16u * 1024)
#define HTTP_MAX_HEADERS 100
#define HTTP_MAX_WORKERS 16
#define HTTP_MAX_REPLY (16u * 1024 * 1024) /* a body never grows past this */

typedef struct {
  const char *method; /* "GET", "HEAD", another for a 405; "" when unreadable */
  /* The request target as sent ("/path?query", still percent-encoded). For
   * a refusal, the first bytes of it that arrived (possibly ""), enough to
   * tell /api/ from a page. */
  const char *target;
  int head_only;      /* HEAD: the body is not sent (its length is) */
  int refused;        /* 0, or the status of a refusal: 400, 405, 413, 414, 431 */
  const char *why;    /* the refusal's reason (English, static), or NULL */
  uint32_t client;    /* the client's IPv4 address, host order */
} http_request;

/* What the handler fills. The server writes the status line,
 * Content-Length and Connection; the handler adds its header lines, each
 * ending in "\r\n", and the body. Both buffers are ready (empty) when the
 * handler is called and freed by the server. */
typedef struct {
  int status;
  dynbuf headers;
  dynbuf body;       /* at most HTTP_MAX_REPLY bytes */
} http_reply;

/* Called on a worker thread, concurrently on `workers` threads. */
typedef void (*http_handler)(void *ctx, const http_request *rq, http_reply *out);

typedef struct {
  const char *address; /* numeric IPv4 address to bind ("127.0.0.1") */
  uint16_t port;       /* 0 = any free port (see http_port) */
  unsigned workers;    /* 1 to HTTP_MAX_WORKERS */
  http_handler handler;
  void *ctx;
} http_config;

typedef struct http_server http_server;

/* Binds and starts the threads. On failure returns -1, *out is NULL and
 * err says why (address in use, not an address, ...). */
int http_start(const http_config *cfg, http_server **out /* OUT */, char *err /* OUT */,
               size_t errlen);

/* The port actually bound. */
uint16_t http_port(const http_server *s);

/* What the server did so far, for logs and tests. */
typedef struct {
  uint64_t accepted, answered;
  uint64_t evicted;   /* slow connections closed to make room */
  uint64_t refused;   /* new connections closed at once: every slot busy */
  uint64_t timed_out; /* closed by a deadline */
} http_stats;
void http_get_stats(http_server *s, http_stats *out /* OUT */);

/* Stops accepting, lets the workers finish the requests they hold, closes
 * every connection, frees. NULL is ok. */
void http_stop(http_server *s);

/* The reason phrase of a status ("Not Found"); "" for an unknown one. */
const char *http_reason(int status);

#endif
