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
 * Refusals (what the head parser below decides) go to the handler like
 * requests, with `refused` set, so the application words every answer
 * (JSON under /api/). After a refusal, or a request that asked for it, the
 * connection is closed gracefully: written, shut for writing, and the rest
 * of the input read and dropped for up to HTTP_LINGER_SECONDS, so the
 * answer is not lost to a reset.
 *
 * Reading a request head (http_parse_head), decided by RFC 9112 and, where
 * it leaves a choice, for the stricter reading: this server never reads a
 * request body, so any doubt about where a request ends closes the
 * connection instead of guessing.
 *   lines       end in CRLF or a bare LF (RFC 9112 2.2 allows a recipient
 *               to take LF alone); a CR anywhere else in a line: 400.
 *               Empty lines before the request line are skipped (2.2).
 *   request     METHOD SP TARGET SP HTTP/d.d, single spaces (3); anything
 *   line        else, HTTP/0.9's "GET /" included, is 400 as soon as its
 *               line ends. HTTP/1.0 and HTTP/1.1 are spoken, HTTP/1.x
 *               (x > 1) is taken as 1.1 (RFC 9110 6.2), another major
 *               version is 505. A method other than GET and HEAD (methods
 *               are case-sensitive: "get" is one) is 405, at the request
 *               line. A line past HTTP_MAX_LINE bytes is 414, as soon as
 *               that many bytes came without its end; a target past
 *               HTTP_MAX_TARGET bytes is 414.
 *   target      origin-form "/path?query" of visible ASCII (a space,
 *               control or non-ASCII byte: 400), or absolute-form
 *               "http://host/path" (3.2.2: a server MUST accept it), which
 *               is served as its path and query ("http://host" as "/").
 *               Authority-form and "*" are 400.
 *   headers     NAME ":" OWS VALUE OWS; a name that is not a token (a space
 *               before the colon too, 5.1): 400; a value holding a control
 *               byte other than HTAB (NUL, CR, DEL, ...; RFC 9110 5.5): 400;
 *               an obs-fold continuation line (SP or HTAB first, 5.2): 400.
 *               More than HTTP_MAX_HEADERS lines: 431; a head past
 *               HTTP_MAX_HEAD bytes: 431, as soon as that many came.
 *   Host        HTTP/1.1 without one, two of them, or one that is not
 *               host[:port]: 400 (3.2). Absolute-form's host wins.
 *   framing     no request has a body here. Transfer-Encoding in any
 *               request: 400 (with Content-Length too, the smuggling
 *               shape of 6.1, or a GET "chunked": never guess its end).
 *               Two Content-Length lines, or one that is not digits
 *               ("1, 1", "+1", ""): 400 (6.3). Content-Length 0: a request;
 *               any other: 413.
 *   keep-alive  HTTP/1.1 keeps the connection unless "Connection: close";
 *               HTTP/1.0 only with "Connection: keep-alive" (9.3); "close"
 *               anywhere wins. Pipelined requests (several in one packet)
 *               are answered in order, one head at a time.
 * Each rule is decided by the bytes up to the line it concerns: feeding a
 * head in pieces gives the same result as feeding it whole, and no request
 * is decided before its empty line has arrived.
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
#define HTTP_MAX_HEAD (32u * 1024)   /* a head, through its empty line */
#define HTTP_MAX_TARGET (16u * 1024) /* a request target */
#define HTTP_MAX_LINE (HTTP_MAX_TARGET + 32) /* a request line, without its LF */
#define HTTP_MAX_HEADERS 100
#define HTTP_MAX_METHOD 15           /* longer: 405 with method "" */
#define HTTP_PREFIX_MAX 64           /* what a refusal keeps of the target */
#define HTTP_MAX_WORKERS 16
#define HTTP_MAX_REPLY (16u * 1024 * 1024) /* a body never grows past this */
/* A handler that used this much of its thread's CPU on one request is given
 * up (see http_config.gave_up); a search takes milliseconds. */
#define HTTP_HANDLER_CPU_SECONDS 10

typedef struct {
  const char *method; /* "GET", "HEAD", another for a 405; "" when unreadable */
  /* The request target as sent ("/path?query", still percent-encoded). For
   * a refusal, the first bytes of it that arrived (possibly ""), enough to
   * tell /api/ from a page. */
  const char *target;
  int head_only;      /* HEAD: the body is not sent (its length is) */
  /* 0, or the status of a refusal: 400, 405, 413, 414, 431, 505; or 500
   * with why HTTP_WHY_GIVEN_UP: the handler ran past HTTP_HANDLER_CPU_SECONDS
   * on this request, and this call (on the I/O thread) words the answer. */
  int refused;
  const char *why;    /* the refusal's reason (English, static), or NULL */
  uint32_t client;    /* the client's IPv4 address, host order */
} http_request;

/* ---- the request head, apart from the sockets ---- */

typedef enum { HTTP_HEAD_MORE, HTTP_HEAD_DONE } http_head_result;

/* One request head being read. Zeroed (http_head_init) before its first
 * byte; the fields below are the result once http_parse_head returned
 * HTTP_HEAD_DONE. The target is not copied: it is a range of the caller's
 * buffer (http_head_target makes the string). */
typedef struct {
  int refused;             /* 0: a request; else 400, 405, 413, 414, 431 or 505 */
  const char *why;         /* the refusal's reason (English, static, one line), or NULL */
  char method[HTTP_MAX_METHOD + 1]; /* as sent; "" when unreadable or too long */
  int version;             /* 10 or 11 once the request line was read, else 0 */
  int head_only;           /* HEAD */
  int keep_alive;          /* another request may follow (never after a refusal) */
  size_t head_len;         /* a request: bytes of the buffer its head takes, the
                              empty lines before it and its own empty line included */
  unsigned headers;        /* header lines read */
  /* The origin-form path and query in the buffer: [target_off, +target_len),
   * "/" first when target_root (absolute-form without a path). For a
   * refusal, its first HTTP_PREFIX_MAX bytes, as far as they arrived. */
  size_t target_off, target_len;
  int target_root;
  /* Progress, for http_parse_head only. */
  size_t pos_, scanned_;
  unsigned flags_;
  int phase_;
} http_head;

void http_head_init(http_head *h /* OUT */);

/* Reads the head at the start of buf[0, len): HTTP_HEAD_MORE until its
 * empty line (or a refusal) has arrived, then HTTP_HEAD_DONE with h filled.
 * Call it again with the same bytes and more after them as they arrive (it
 * resumes where it stopped: the work is linear in the bytes) and never
 * with fewer; after HTTP_HEAD_DONE it returns HTTP_HEAD_DONE and changes
 * nothing. Never reads buf past len nor past HTTP_MAX_HEAD, and is done by
 * HTTP_MAX_HEAD bytes at the latest. No allocation, no I/O. */
http_head_result http_parse_head(http_head *h /* IN/OUT */, const char *buf, size_t len);

/* The target of a parsed head as a string ("/path?query"; a refusal's
 * prefix, maybe ""), from the same buffer. Caller frees; NULL when out of
 * memory. */
char *http_head_target(const http_head *h, const char *buf);

/* ---- the server ---- */

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

#define HTTP_WHY_GIVEN_UP "given up"

/* Told, on the I/O thread, each time a worker is given up: its handler ran
 * past HTTP_HANDLER_CPU_SECONDS of its thread's CPU on one request. That
 * request was answered (the handler's refusal 500) and closed; the thread
 * cannot be stopped, so the server goes on with `left` of its `workers`
 * (one that comes back serves again). With none left nothing is answered
 * any more. */
typedef void (*http_gave_up)(void *ctx, unsigned left, unsigned workers);

typedef struct {
  const char *address; /* numeric IPv4 address to bind ("127.0.0.1") */
  uint16_t port;       /* 0 = any free port (see http_port) */
  unsigned workers;    /* 1 to HTTP_MAX_WORKERS */
  http_handler handler;
  void *ctx;
  http_gave_up gave_up; /* may be NULL */
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
  uint64_t given_up;  /* requests whose handler was given up */
} http_stats;
void http_get_stats(http_server *s, http_stats *out /* OUT */);

/* Workers given up and not come back. While there are any, the server
 * cannot be stopped: they may still use what it and its handler hold. */
unsigned http_given_up(http_server *s);

/* Stops accepting, lets the workers finish the requests they hold, closes
 * every connection, frees. NULL is ok; not while http_given_up says > 0. */
void http_stop(http_server *s);

/* The reason phrase of a status ("Not Found"); "" for an unknown one. */
const char *http_reason(int status);

#endif
