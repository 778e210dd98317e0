/* The HTTP/1.1 server of `tracuu serve` (http.h says what it promises).
 *
 * Threads and ownership. One mutex guards every connection's state, the
 * queue and the table of client addresses. A connection belongs to the I/O
 * thread while it is reading, writing or lingering (only that thread reads,
 * writes or closes it then), and to one worker while it is handling. Each
 * descriptor is armed EPOLLONESHOT, so an event reaches the I/O thread once
 * and nothing is armed while a worker holds the connection. A worker that
 * has written what the socket takes of its answer hands the connection on
 * itself, under the mutex (take_back): back to reading (armed, or queued
 * when the next request is already there), to the I/O thread for the rest
 * of a large answer, to a graceful close, or closed. Going back through the
 * I/O thread instead (a list and an eventfd) cost a wake-up and three
 * system calls a request (bench/bench_serve.sh, the "doc" workload, has the
 * figures). A connection a worker
 * closes is freed, like every closed one, by the I/O thread after its
 * current batch of events, which cannot hold it: it was not armed. The
 * eventfd only wakes the I/O thread to stop.
 *
 * A handler that never returns (Xapian 1.4.22 loops for ever on some
 * damaged index blocks) would hold its connection and its worker for
 * ever. The I/O thread reads each handling worker's CPU clock; past
 * HTTP_HANDLER_CPU_SECONDS on one request the worker is given up: its
 * socket moves to a new connection that gets the handler's answer to a
 * refusal 500 and closes, and the old one stays with the worker (C_GIVEN_UP)
 * which, should it ever come back, frees it and serves again. A thread
 * cannot be stopped from outside: the server goes on with the others and
 * tells the application (http_config.gave_up). */
#define _GNU_SOURCE /* accept4 */
#include "web/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 200      /* how often the clocks are looked at */
#define READ_CHUNK 16384
#define IDLE_BUFFER 4096 /* an idle connection keeps at most this much memory */

/* C_DEAD: closed, its memory freed after the current batch of events
 * (an event for it may still be in that batch). */
typedef enum { C_READ, C_QUEUED, C_HANDLING, C_WRITE, C_LINGER, C_DEAD, C_GIVEN_UP } conn_state;

typedef struct {
  uint32_t addr;
  unsigned conns;       /* 0: the slot is free */
  uint64_t last_served; /* the serve_seq of its last request taken */
} address;

typedef struct conn {
  int fd;
  address *from;
  conn_state state;
  double since;       /* start of the clock of the current state */
  int kept;           /* answered a request already: may idle first */
  int got_bytes;      /* some of the next head has arrived */
  dynbuf in;
  http_head head;     /* the head being read, or answered, at the start of `in` */
  char *target;       /* of the request being answered (owned) */
  int keep_alive;
  http_request rq;
  dynbuf out_head, out_body;
  size_t sent;        /* bytes of out_head + out_body written */
  uint64_t queued_seq;
  struct conn *prev, *next; /* every connection */
  struct conn *qnext;       /* the queue, or the dead list */
} conn;

typedef struct {
  struct http_server *s;
  pthread_t thread;
  clockid_t clock;  /* its CPU time */
  conn *handling;   /* the request it runs the handler for, or NULL (under mu) */
  double cpu_at;    /* its CPU clock when it took that request */
  int given_up;     /* the handler ran past HTTP_HANDLER_CPU_SECONDS (under mu) */
} worker;

struct http_server {
  http_config cfg;
  int lfd, efd, epfd;
  uint16_t port;
  pthread_t io;
  worker workers[HTTP_MAX_WORKERS];
  unsigned n_workers;
  unsigned given_up; /* workers given up and not come back */
  pthread_mutex_t mu;
  pthread_cond_t work;
  int stopping_workers, stopping_io;
  conn *all;
  unsigned n_conns;
  conn *queue; /* in arrival order */
  conn *dead;
  uint64_t seq, serve_seq;
  address addrs[HTTP_MAX_CONNECTIONS];
  http_stats stats;
};

/* Markers for epoll's data of the two descriptors that are not connections. */
static char LISTEN_MARK, WAKE_MARK;

static double clock_s(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return 0;
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void) { return clock_s(CLOCK_MONOTONIC); }

const char *http_reason(int status) {
  switch (status) {
  case 200: return "OK";
  case 400: return "Bad Request";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 503: return "Service Unavailable";
  case 505: return "HTTP Version Not Supported";
  default: return "";
  }
}

/* ---- connections and addresses (under mu) ---- */

static address *address_of(http_server *s, uint32_t addr) {
  address *free_slot = NULL;
  for (size_t i = 0; i < HTTP_MAX_CONNECTIONS; i++) {
    if (s->addrs[i].conns && s->addrs[i].addr == addr) return &s->addrs[i];
    if (!s->addrs[i].conns && !free_slot) free_slot = &s->addrs[i];
  }
  if (free_slot) *free_slot = (address){.addr = addr, .conns = 0, .last_served = 0};
  return free_slot; /* never NULL while n_conns < HTTP_MAX_CONNECTIONS */
}

static void arm(http_server *s, conn *c, uint32_t events) {
  struct epoll_event ev = {.events = events | EPOLLONESHOT, .data.ptr = c};
  epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Closes c; its memory goes when the current batch of events is done. */
static void conn_kill(http_server *s, conn *c) {
  if (c->prev) c->prev->next = c->next;
  else s->all = c->next;
  if (c->next) c->next->prev = c->prev;
  s->n_conns--;
  c->from->conns--;
  close(c->fd); /* leaves the epoll set with it */
  dynbuf_free(&c->in);
  dynbuf_free(&c->out_head);
  dynbuf_free(&c->out_body);
  free(c->target);
  c->target = NULL;
  c->state = C_DEAD;
  c->qnext = s->dead;
  s->dead = c;
}

/* Frees a connection given up on, once its worker came back with it. */
static void conn_free_given_up(conn *c) {
  dynbuf_free(&c->in);
  dynbuf_free(&c->out_head);
  dynbuf_free(&c->out_body);
  free(c->target);
  free(c);
}

static void bury_dead(http_server *s) {
  while (s->dead) {
    conn *c = s->dead;
    s->dead = c->qnext;
    free(c);
  }
}

/* The connection that has been reading longest without a whole head, of
 * address `from` (or of any when NULL), or NULL. */
static conn *slowest_reader(http_server *s, const address *from) {
  conn *best = NULL;
  for (conn *c = s->all; c; c = c->next)
    if (c->state == C_READ && (!from || c->from == from) && (!best || c->since < best->since)) best = c;
  return best;
}

/* Makes room for one more connection from `from`: 0, or -1 when every
 * connection that counts is busy with a request. */
static int evict(http_server *s, const address *from) {
  conn *victim = slowest_reader(s, from);
  if (!victim) return -1;
  conn_kill(s, victim);
  s->stats.evicted++;
  return 0;
}

/* The address entry of a new connection from addr, room made for it; NULL
 * when every connection that counts is busy with a request. */
static address *make_room(http_server *s, uint32_t addr) {
  if (s->n_conns >= HTTP_MAX_CONNECTIONS && evict(s, NULL) != 0) return NULL;
  address *from = address_of(s, addr);
  if (from && from->conns >= HTTP_MAX_PER_ADDRESS && evict(s, from) != 0) return NULL;
  return from;
}

static void accept_all(http_server *s) {
  for (;;) {
    struct sockaddr_in sa;
    socklen_t sl = sizeof sa;
    int fd = accept4(s->lfd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return; /* EAGAIN, or out of descriptors: the next event tries again */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    pthread_mutex_lock(&s->mu);
    s->stats.accepted++;
    address *from = make_room(s, ntohl(sa.sin_addr.s_addr));
    conn *c = from ? calloc(1, sizeof *c) : NULL;
    if (!c) {
      s->stats.refused++;
      pthread_mutex_unlock(&s->mu);
      close(fd);
      continue;
    }
    c->fd = fd;
    c->from = from;
    from->conns++;
    c->state = C_READ;
    c->since = now_s();
    dynbuf_init(&c->in, HTTP_MAX_HEAD + READ_CHUNK);
    dynbuf_init(&c->out_head, 4096);
    dynbuf_init(&c->out_body, HTTP_MAX_REPLY);
    c->next = s->all;
    if (s->all) s->all->prev = c;
    s->all = c;
    s->n_conns++;
    struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.ptr = c};
    if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) conn_kill(s, c);
    pthread_mutex_unlock(&s->mu);
  }
}

/* ---- reading a request head (pure: http.h says what it decides) ---- */

enum { PHASE_LINE, PHASE_HEADERS, PHASE_DONE };
enum { F_CL = 1, F_CL_NONZERO = 2, F_TE = 4, F_HOST = 8, F_CLOSE = 16, F_KEEP = 32 };

void http_head_init(http_head *h) { memset(h, 0, sizeof *h); }

static int is_alnum(int ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

static int is_tchar(int ch) { return is_alnum(ch) || (ch && strchr("!#$%&'*+-.^_`|~", ch)); }

/* A byte of host[:port] (RFC 3986 reg-name, IP literal, port; no userinfo). */
static int is_host_char(int ch) { return is_alnum(ch) || (ch && strchr("-._~!$&'()*+,;=:%[]", ch)); }

static int is_ows(int ch) { return ch == ' ' || ch == '\t'; }

static int all_host_chars(const char *p, const char *e) {
  for (; p < e; p++)
    if (!is_host_char((unsigned char)*p)) return 0;
  return 1;
}

/* The length of "http://" or "https://" (any case) at the start of [p, e), or 0. */
static size_t scheme_len(const char *p, const char *e) {
  size_t n = (size_t)(e - p);
  if (n >= 7 && strncasecmp(p, "http://", 7) == 0) return 7;
  if (n >= 8 && strncasecmp(p, "https://", 8) == 0) return 8;
  return 0;
}

/* Where the authority of an absolute-form target [t, te) ends (its path or
 * query starts); t when the target is not absolute-form. */
static const char *authority_end(const char *t, const char *te) {
  size_t sl = scheme_len(t, te);
  if (!sl) return t;
  const char *p = t + sl;
  while (p < te && *p != '/' && *p != '?') p++;
  return p;
}

/* Records where the target of the request line [s, e) (maybe not all of it
 * arrived) is: after the first SP up to the next, its path for
 * absolute-form. */
static void locate_target(http_head *h, const char *buf, size_t s, size_t e) {
  const char *sp = memchr(buf + s, ' ', e - s);
  h->target_off = h->target_len = 0;
  h->target_root = 0;
  if (!sp) return;
  const char *t = sp + 1, *te = memchr(t, ' ', (size_t)(buf + e - t));
  if (!te) te = buf + e;
  const char *path = authority_end(t, te);
  h->target_root = path != t && (path == te || *path == '?');
  h->target_off = (size_t)(path - buf);
  h->target_len = (size_t)(te - path);
}

/* Ends the head with a refusal: the connection closes after its answer. */
static http_head_result refuse(http_head *h, int status, const char *why) {
  h->refused = status;
  h->why = why;
  h->keep_alive = 0;
  h->head_len = 0;
  if (h->target_len > HTTP_PREFIX_MAX) h->target_len = HTTP_PREFIX_MAX;
  h->phase_ = PHASE_DONE;
  return HTTP_HEAD_DONE;
}

/* The request line [s, e), CR LF cut off. */
static http_head_result request_line(http_head *h, const char *buf, size_t s, size_t e) {
  const char *l = buf + s, *le = buf + e;
  const char *sp1 = memchr(l, ' ', e - s);
  if (!sp1 || sp1 == l) return refuse(h, 400, "the request line is not METHOD TARGET HTTP/1.x");
  for (const char *m = l; m < sp1; m++)
    if (!is_tchar((unsigned char)*m)) return refuse(h, 400, "the method is malformed");
  size_t ml = (size_t)(sp1 - l);
  if (ml <= HTTP_MAX_METHOD) {
    memcpy(h->method, l, ml);
    h->method[ml] = '\0';
  }
  h->head_only = strcmp(h->method, "HEAD") == 0; /* a refusal of a HEAD has no body either */
  const char *t = sp1 + 1, *sp2 = memchr(t, ' ', (size_t)(le - t));
  if (!sp2) return refuse(h, 400, "the request line has no HTTP version (HTTP/0.9 is not spoken here)");
  const char *v = sp2 + 1;
  if (le - v != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' || v[6] != '.' ||
      v[7] < '0' || v[7] > '9')
    return refuse(h, 400, "the request line is not METHOD TARGET HTTP/1.x");
  if (v[5] != '1') return refuse(h, 505, "only HTTP/1.0 and HTTP/1.1 are spoken here");
  h->version = v[7] == '0' ? 10 : 11;
  if (!h->head_only && strcmp(h->method, "GET") != 0)
    return refuse(h, 405, "read only: GET and HEAD only");
  if ((size_t)(sp2 - t) > HTTP_MAX_TARGET) return refuse(h, 414, "the URL is too long");
  if (sp2 == t) return refuse(h, 400, "the request line is not METHOD TARGET HTTP/1.x");
  for (const char *c = t; c < sp2; c++)
    if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
      return refuse(h, 400, "the URL holds a byte that must be percent-encoded");
  if (*t != '/') {
    const char *path = authority_end(t, sp2), *host = t + scheme_len(t, sp2);
    if (path == t || path == host || !all_host_chars(host, path))
      return refuse(h, 400, "the request target is neither /PATH nor http://HOST/PATH");
  }
  h->phase_ = PHASE_HEADERS;
  return HTTP_HEAD_MORE;
}

/* Does the comma-separated header value [v, e) hold token (any case)? */
static int has_token(const char *v, const char *e, const char *token) {
  size_t tl = strlen(token);
  while (v < e) {
    while (v < e && (*v == ',' || is_ows(*v))) v++;
    const char *w = v;
    while (w < e && *w != ',' && !is_ows(*w)) w++;
    if ((size_t)(w - v) == tl && strncasecmp(v, token, tl) == 0) return 1;
    v = w;
  }
  return 0;
}

static int name_is(const char *n, size_t nl, const char *name) {
  return nl == strlen(name) && strncasecmp(n, name, nl) == 0;
}

/* The empty line: the head is whole. */
static http_head_result end_of_head(http_head *h, size_t head_len) {
  if ((h->flags_ & F_TE) && (h->flags_ & F_CL))
    return refuse(h, 400, "Content-Length together with Transfer-Encoding: the request's end is ambiguous");
  if (h->flags_ & F_TE) return refuse(h, 400, "Transfer-Encoding in a request: no request body is accepted");
  if (h->version == 11 && !(h->flags_ & F_HOST)) return refuse(h, 400, "an HTTP/1.1 request needs a Host header");
  if (h->flags_ & F_CL_NONZERO) return refuse(h, 413, "a request body is not accepted");
  h->keep_alive = !(h->flags_ & F_CLOSE) && (h->version == 11 || (h->flags_ & F_KEEP));
  h->head_len = head_len;
  h->phase_ = PHASE_DONE;
  return HTTP_HEAD_DONE;
}

/* A header line [s, e), CR LF cut off; head_len: where the head ends when
 * this is the empty line. */
static http_head_result header_line(http_head *h, const char *buf, size_t s, size_t e, size_t head_len) {
  const char *l = buf + s, *le = buf + e;
  if (l == le) return end_of_head(h, head_len);
  if (++h->headers > HTTP_MAX_HEADERS) return refuse(h, 431, "too many header lines");
  if (is_ows(*l)) return refuse(h, 400, "a header line continues the one before it (obsolete line folding)");
  const char *colon = memchr(l, ':', e - s);
  if (!colon || colon == l) return refuse(h, 400, "a header line is malformed");
  for (const char *n = l; n < colon; n++)
    if (!is_tchar((unsigned char)*n)) return refuse(h, 400, "a header name is malformed");
  const char *v = colon + 1, *ve = le;
  while (v < ve && is_ows(*v)) v++;
  while (ve > v && is_ows(ve[-1])) ve--;
  for (const char *c = v; c < ve; c++)
    if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f)
      return refuse(h, 400, "a header value holds a control byte");
  size_t nl = (size_t)(colon - l);
  if (name_is(l, nl, "Content-Length")) {
    if (h->flags_ & F_CL) return refuse(h, 400, "two Content-Length headers");
    if (v == ve) return refuse(h, 400, "Content-Length is not a number");
    h->flags_ |= F_CL;
    for (const char *c = v; c < ve; c++) {
      if (*c < '0' || *c > '9') return refuse(h, 400, "Content-Length is not a number");
      if (*c != '0') h->flags_ |= F_CL_NONZERO;
    }
  } else if (name_is(l, nl, "Transfer-Encoding")) {
    h->flags_ |= F_TE;
  } else if (name_is(l, nl, "Host")) {
    if (h->flags_ & F_HOST) return refuse(h, 400, "two Host headers");
    if (!all_host_chars(v, ve)) return refuse(h, 400, "the Host header is not host[:port]");
    h->flags_ |= F_HOST;
  } else if (name_is(l, nl, "Connection")) {
    if (has_token(v, ve, "close")) h->flags_ |= F_CLOSE;
    if (has_token(v, ve, "keep-alive")) h->flags_ |= F_KEEP;
  }
  return HTTP_HEAD_MORE;
}

http_head_result http_parse_head(http_head *h, const char *buf, size_t len) {
  while (h->phase_ != PHASE_DONE) {
    /* A line must end (its LF) before limit: the request line within
     * HTTP_MAX_LINE bytes, the head within HTTP_MAX_HEAD. */
    int line_limit = h->phase_ == PHASE_LINE && h->pos_ + HTTP_MAX_LINE + 1 <= HTTP_MAX_HEAD;
    size_t limit = line_limit ? h->pos_ + HTTP_MAX_LINE + 1 : HTTP_MAX_HEAD;
    size_t to = len < limit ? len : limit, from = h->scanned_ > h->pos_ ? h->scanned_ : h->pos_;
    const char *nl = from < to ? memchr(buf + from, '\n', to - from) : NULL;
    if (!nl) {
      if (to > h->scanned_) h->scanned_ = to;
      if (len < limit) return HTTP_HEAD_MORE;
      if (h->phase_ == PHASE_LINE) locate_target(h, buf, h->pos_, limit);
      return line_limit ? refuse(h, 414, "the URL is too long")
                        : refuse(h, 431, "the request headers are too large");
    }
    size_t s = h->pos_, e = (size_t)(nl - buf);
    h->pos_ = h->scanned_ = e + 1;
    if (e > s && buf[e - 1] == '\r') e--;
    if (h->phase_ == PHASE_LINE) {
      if (e == s) continue; /* an empty line before the request line */
      locate_target(h, buf, s, e);
    }
    if (memchr(buf + s, '\r', e - s)) return refuse(h, 400, "a CR not followed by LF");
    if ((h->phase_ == PHASE_LINE ? request_line(h, buf, s, e) : header_line(h, buf, s, e, h->pos_)) ==
        HTTP_HEAD_DONE)
      return HTTP_HEAD_DONE;
  }
  return HTTP_HEAD_DONE;
}

char *http_head_target(const http_head *h, const char *buf) {
  size_t root = h->target_root ? 1 : 0, n = h->target_len;
  char *t = malloc(root + n + 1);
  if (!t) return NULL;
  if (root) t[0] = '/';
  if (n) memcpy(t + root, buf + h->target_off, n);
  t[root + n] = '\0';
  return t;
}

/* ---- a connection's head ---- */

typedef enum { HEAD_MORE, HEAD_READY, HEAD_FAILED } head_state;

/* Reads on in c->in; on a whole head (or a refusal), fills c->rq. */
static head_state parse_head(conn *c) {
  if (http_parse_head(&c->head, c->in.data, c->in.len) == HTTP_HEAD_MORE) return HEAD_MORE;
  free(c->target);
  c->target = http_head_target(&c->head, c->in.data);
  if (!c->target) return HEAD_FAILED;
  c->rq = (http_request){.method = c->head.method,
                         .target = c->target,
                         .head_only = c->head.head_only,
                         .refused = c->head.refused,
                         .why = c->head.why,
                         .client = c->from->addr};
  c->keep_alive = c->head.keep_alive;
  return HEAD_READY;
}

/* ---- the queue: round robin over addresses ---- */

static void enqueue(http_server *s, conn *c) {
  c->state = C_QUEUED;
  c->queued_seq = ++s->seq;
  c->qnext = NULL;
  conn **tail = &s->queue;
  while (*tail) tail = &(*tail)->qnext;
  *tail = c;
  pthread_cond_signal(&s->work);
}

/* The queued request of the address served least recently (its oldest). */
static conn *dequeue(http_server *s) {
  conn **best = NULL;
  for (conn **p = &s->queue; *p; p = &(*p)->qnext)
    if (!best || (*p)->from->last_served < (*best)->from->last_served) best = p;
  if (!best) return NULL;
  conn *c = *best;
  *best = c->qnext;
  c->from->last_served = ++s->serve_seq;
  return c;
}

/* ---- reading and writing (I/O thread, connection in C_READ / C_WRITE) ---- */

/* A head is complete (or refused early): queue it. Else wait for more. */
static void consider(http_server *s, conn *c) {
  if (c->in.len && !c->got_bytes) {
    c->got_bytes = 1;
    if (c->kept) c->since = now_s(); /* the head's clock starts with its first byte */
  }
  head_state hs = parse_head(c);
  if (hs == HEAD_READY) enqueue(s, c);
  else if (hs == HEAD_MORE) arm(s, c, EPOLLIN);
  else conn_kill(s, c);
}

static void linger_start(http_server *s, conn *c) {
  shutdown(c->fd, SHUT_WR);
  c->state = C_LINGER;
  c->since = now_s();
  arm(s, c, EPOLLIN);
}

/* Reads what is there; 0 when the connection goes on, -1 closed by the peer. */
static int read_some(conn *c) {
  char buf[READ_CHUNK];
  for (;;) {
    ssize_t r = recv(c->fd, buf, sizeof buf, 0);
    if (r > 0) {
      if (c->state == C_LINGER) continue; /* dropped */
      if (dynbuf_append(&c->in, buf, (size_t)r) != DYNBUF_OK) return -1;
      if (c->in.len >= HTTP_MAX_HEAD) return 0; /* enough to refuse it */
      continue;
    }
    if (r == 0) return -1;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
  }
}

/* Writes what the socket takes: 1 all sent, 0 more to send, -1 failed. */
static int write_some(conn *c) {
  size_t total = c->out_head.len + c->out_body.len;
  while (c->sent < total) {
    struct iovec iov[2];
    int n = 0;
    if (c->sent < c->out_head.len) {
      iov[n++] = (struct iovec){c->out_head.data + c->sent, c->out_head.len - c->sent};
      if (c->out_body.len) iov[n++] = (struct iovec){c->out_body.data, c->out_body.len};
    } else {
      size_t off = c->sent - c->out_head.len;
      iov[n++] = (struct iovec){c->out_body.data + off, c->out_body.len - off};
    }
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = (size_t)n};
    ssize_t w = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
    if (w > 0) c->sent += (size_t)w;
    else if (w < 0 && errno == EINTR) continue;
    else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    else return -1;
  }
  return 1;
}

/* The answer went out: the next request, or a graceful close. */
static void answered(http_server *s, conn *c) {
  s->stats.answered++;
  dynbuf_reset(&c->out_head);
  dynbuf_free(&c->out_body);
  if (!c->keep_alive) {
    linger_start(s, c);
    return;
  }
  dynbuf_drop_front(&c->in, c->head.head_len);
  if (c->in.len == 0 && c->in.cap > IDLE_BUFFER) dynbuf_free(&c->in);
  http_head_init(&c->head);
  free(c->target);
  c->target = NULL;
  c->kept = 1;
  c->got_bytes = 0;
  c->state = C_READ;
  c->since = now_s();
  consider(s, c); /* a pipelined request may be there already */
}

/* c after a write (rc as write_some's): closed, left to the I/O thread for
 * the rest of its answer, or answered. By the worker that handled it, or by
 * the I/O thread while writing; under mu. */
static void take_back(http_server *s, conn *c, int rc) {
  if (rc < 0) conn_kill(s, c);
  else if (rc == 0) {
    c->state = C_WRITE;
    c->since = now_s();
    arm(s, c, EPOLLOUT);
  } else {
    answered(s, c);
  }
}

static void on_event(http_server *s, conn *c, uint32_t events) {
  pthread_mutex_lock(&s->mu);
  if (c->state == C_WRITE) {
    take_back(s, c, (events & EPOLLERR) ? -1 : write_some(c));
  } else if (c->state == C_LINGER) {
    if (read_some(c) < 0) conn_kill(s, c);
    else arm(s, c, EPOLLIN);
  } else if (c->state == C_READ) {
    if (read_some(c) == 0) consider(s, c);
    else if (c->in.len && parse_head(c) == HEAD_READY) { /* the client sent it, then shut */
      c->keep_alive = 0;
      enqueue(s, c);
    } else {
      conn_kill(s, c);
    }
  }
  pthread_mutex_unlock(&s->mu);
}

static void run_handler(http_server *s, conn *c, int status, http_reply *r);
static void reply_free(http_reply *r);
static void send_reply(http_server *s, conn *c, http_reply *r);

/* Gives up the worker w (under mu): its socket moves to a new connection,
 * returned to be answered by the caller, or closed when there is no memory
 * for one (NULL). */
static conn *give_up(http_server *s, worker *w) {
  conn *c = w->handling, *n = calloc(1, sizeof *n);
  w->given_up = 1;
  s->given_up++;
  s->stats.given_up++;
  c->state = C_GIVEN_UP;
  if (n) {
    *n = *c;
    n->target = c->target ? strdup(c->target) : NULL;
    n->rq.method = n->head.method;
    n->rq.target = n->target ? n->target : "";
    n->rq.refused = 500;
    n->rq.why = HTTP_WHY_GIVEN_UP;
    n->keep_alive = 0;
    n->state = C_HANDLING;
    dynbuf_init(&n->in, HTTP_MAX_HEAD + READ_CHUNK);
    dynbuf_init(&n->out_head, 4096);
    dynbuf_init(&n->out_body, HTTP_MAX_REPLY);
    if (n->prev) n->prev->next = n;
    else s->all = n;
    if (n->next) n->next->prev = n;
  } else {
    c->from->conns--;
    s->n_conns--;
    if (c->prev) c->prev->next = c->next;
    else s->all = c->next;
    if (c->next) c->next->prev = c->prev;
    close(c->fd);
  }
  c->fd = -1;
  c->prev = c->next = NULL;
  return n;
}

/* The workers whose handler ran past its CPU time: each is given up and
 * its request answered here (the handler's answer to a refusal 500). */
static void watch_workers(http_server *s) {
  conn *answer[HTTP_MAX_WORKERS];
  unsigned n = 0, left = 0;
  pthread_mutex_lock(&s->mu);
  for (unsigned i = 0; i < s->n_workers; i++) {
    worker *w = &s->workers[i];
    if (w->handling && !w->given_up && clock_s(w->clock) - w->cpu_at > HTTP_HANDLER_CPU_SECONDS) {
      conn *c = give_up(s, w);
      if (c) answer[n++] = c;
    }
  }
  left = s->n_workers - s->given_up;
  pthread_mutex_unlock(&s->mu);
  for (unsigned i = 0; i < n; i++) { /* no one else touches a C_HANDLING connection */
    http_reply r;
    run_handler(s, answer[i], 500, &r);
    send_reply(s, answer[i], &r);
    pthread_mutex_unlock(&s->mu);
    if (s->cfg.gave_up) s->cfg.gave_up(s->cfg.ctx, left, s->n_workers);
  }
}

/* Closes what ran past its clock. */
static void sweep(http_server *s) {
  watch_workers(s);
  double t = now_s();
  pthread_mutex_lock(&s->mu);
  conn *next;
  for (conn *c = s->all; c; c = next) {
    next = c->next;
    double limit = 0;
    if (c->state == C_READ) limit = c->kept && !c->got_bytes ? HTTP_IDLE_SECONDS : HTTP_HEAD_SECONDS;
    else if (c->state == C_WRITE) limit = HTTP_SEND_SECONDS;
    else if (c->state == C_LINGER) limit = HTTP_LINGER_SECONDS;
    if (limit > 0 && t - c->since > limit) {
      if (c->state != C_LINGER) s->stats.timed_out++;
      conn_kill(s, c);
    }
  }
  pthread_mutex_unlock(&s->mu);
}

static void drain_wake(http_server *s) {
  uint64_t v;
  if (read(s->efd, &v, sizeof v) < 0) { /* EAGAIN: already drained */ }
}

static void *io_main(void *arg) {
  http_server *s = arg;
  double last_sweep = now_s();
  struct epoll_event evs[64];
  for (;;) {
    int n = epoll_wait(s->epfd, evs, 64, TICK_MS);
    for (int i = 0; i < n; i++) {
      void *p = evs[i].data.ptr;
      if (p == &LISTEN_MARK) accept_all(s);
      else if (p == &WAKE_MARK) drain_wake(s);
      else on_event(s, p, evs[i].events);
    }
    if (now_s() - last_sweep >= TICK_MS / 1000.0) {
      sweep(s);
      last_sweep = now_s();
    }
    pthread_mutex_lock(&s->mu);
    bury_dead(s);
    int stop = s->stopping_io;
    pthread_mutex_unlock(&s->mu);
    if (stop) return NULL;
  }
}

/* ---- workers ---- */

/* The status line and the server's own headers, then the handler's. */
static void compose(conn *c, http_reply *r) {
  if (dynbuf_status(&r->body) != DYNBUF_OK || dynbuf_status(&r->headers) != DYNBUF_OK) {
    r->status = 500;
    dynbuf_free(&r->body);
    dynbuf_reset(&r->headers);
    dynbuf_append_str(&r->headers, "Content-Type: text/plain; charset=utf-8\r\n");
    dynbuf_append_str(&r->body, "the answer is too large\n");
  }
  const char *reason = http_reason(r->status);
  dynbuf_printf(&c->out_head, "HTTP/1.1 %d %s\r\n", r->status, reason);
  dynbuf_append(&c->out_head, r->headers.data ? r->headers.data : "", r->headers.len);
  if (r->status == 405) dynbuf_append_str(&c->out_head, "Allow: GET, HEAD\r\n");
  dynbuf_printf(&c->out_head, "Content-Length: %zu\r\nConnection: %s\r\n\r\n", r->body.len,
                c->keep_alive ? "keep-alive" : "close");
  dynbuf_free(&c->out_body);
  if (!c->rq.head_only) {
    c->out_body = r->body; /* handed over */
    dynbuf_init(&r->body, HTTP_MAX_REPLY);
  }
  c->sent = 0;
}

/* Runs the handler on c's request into r, a new reply of that status by default. */
static void run_handler(http_server *s, conn *c, int status, http_reply *r) {
  *r = (http_reply){.status = status};
  dynbuf_init(&r->headers, 4096);
  dynbuf_init(&r->body, HTTP_MAX_REPLY);
  s->cfg.handler(s->cfg.ctx, &c->rq, r);
}

static void reply_free(http_reply *r) {
  dynbuf_free(&r->headers);
  dynbuf_free(&r->body);
}

/* Sends r (freed) on c, as much as the socket takes now, and hands c back
 * to the I/O thread for the rest; returns with s->mu held. */
static void send_reply(http_server *s, conn *c, http_reply *r) {
  compose(c, r);
  reply_free(r);
  int rc = write_some(c);
  pthread_mutex_lock(&s->mu);
  take_back(s, c, rc);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  http_server *s = w->s;
  pthread_mutex_lock(&s->mu);
  if (pthread_getcpuclockid(pthread_self(), &w->clock) != 0) w->clock = CLOCK_THREAD_CPUTIME_ID;
  for (;;) {
    while (!s->stopping_workers && !s->queue) pthread_cond_wait(&s->work, &s->mu);
    if (s->stopping_workers) break;
    conn *c = dequeue(s);
    c->state = C_HANDLING;
    w->handling = c;
    w->cpu_at = clock_s(CLOCK_THREAD_CPUTIME_ID);
    pthread_mutex_unlock(&s->mu);

    http_reply r;
    run_handler(s, c, 200, &r);
    pthread_mutex_lock(&s->mu);
    w->handling = NULL;
    if (w->given_up) { /* it came back after all: its request was answered */
      w->given_up = 0;
      s->given_up--;
      conn_free_given_up(c);
      reply_free(&r);
      continue;
    }
    pthread_mutex_unlock(&s->mu);
    send_reply(s, c, &r);
  }
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

/* ---- start and stop ---- */

static int listen_on(const http_config *cfg, char *err, size_t errlen) {
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(cfg->port)};
  if (!cfg->address || inet_pton(AF_INET, cfg->address, &sa.sin_addr) != 1) {
    snprintf(err, errlen, "\"%s\" is not an IPv4 address", cfg->address ? cfg->address : "");
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 512) != 0) {
    snprintf(err, errlen, "cannot listen on %s:%u (%s)", cfg->address, (unsigned)cfg->port,
             strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

static void server_free(http_server *s) {
  while (s->all) conn_kill(s, s->all);
  bury_dead(s);
  if (s->epfd >= 0) close(s->epfd);
  if (s->efd >= 0) close(s->efd);
  if (s->lfd >= 0) close(s->lfd);
  pthread_cond_destroy(&s->work);
  pthread_mutex_destroy(&s->mu);
  free(s);
}

int http_start(const http_config *cfg, http_server **out, char *err, size_t errlen) {
  *out = NULL;
  if (!cfg->handler || cfg->workers < 1 || cfg->workers > HTTP_MAX_WORKERS) {
    snprintf(err, errlen, "1 to %d workers and a handler are needed", HTTP_MAX_WORKERS);
    return -1;
  }
  http_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  s->cfg = *cfg;
  s->lfd = s->efd = s->epfd = -1;
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->work, NULL);
  s->lfd = listen_on(cfg, err, errlen);
  if (s->lfd < 0) {
    server_free(s);
    return -1;
  }
  s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  s->epfd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event lev = {.events = EPOLLIN, .data.ptr = &LISTEN_MARK};
  struct epoll_event wev = {.events = EPOLLIN, .data.ptr = &WAKE_MARK};
  if (s->efd < 0 || s->epfd < 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->lfd, &lev) != 0 ||
      epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->efd, &wev) != 0) {
    snprintf(err, errlen, "cannot set up the event loop: %s", strerror(errno));
    server_free(s);
    return -1;
  }
  struct sockaddr_in bound;
  socklen_t bl = sizeof bound;
  s->port = getsockname(s->lfd, (struct sockaddr *)&bound, &bl) == 0 ? ntohs(bound.sin_port) : cfg->port;
  if (pthread_create(&s->io, NULL, io_main, s) != 0) {
    snprintf(err, errlen, "cannot start a thread");
    server_free(s);
    return -1;
  }
  for (; s->n_workers < cfg->workers; s->n_workers++) {
    worker *w = &s->workers[s->n_workers];
    w->s = s;
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) break;
  }
  if (s->n_workers == 0) {
    snprintf(err, errlen, "cannot start a thread");
    http_stop(s);
    return -1;
  }
  *out = s;
  return 0;
}

uint16_t http_port(const http_server *s) { return s->port; }

void http_get_stats(http_server *s, http_stats *out) {
  pthread_mutex_lock(&s->mu);
  *out = s->stats;
  pthread_mutex_unlock(&s->mu);
}

unsigned http_given_up(http_server *s) {
  pthread_mutex_lock(&s->mu);
  unsigned n = s->given_up;
  pthread_mutex_unlock(&s->mu);
  return n;
}

void http_stop(http_server *s) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  s->stopping_workers = 1;
  pthread_cond_broadcast(&s->work);
  pthread_mutex_unlock(&s->mu);
  for (unsigned i = 0; i < s->n_workers; i++) pthread_join(s->workers[i].thread, NULL);
  pthread_mutex_lock(&s->mu);
  s->stopping_io = 1;
  pthread_mutex_unlock(&s->mu);
  uint64_t one = 1;
  if (write(s->efd, &one, sizeof one) < 0) { /* it wakes within a tick anyway */ }
  pthread_join(s->io, NULL);
  server_free(s);
}
