/* The HTTP/1.1 server of `tracuu serve` (http.h says what it promises).
 *
 * Threads and ownership. One mutex guards every connection's state, the
 * queue and the table of client addresses. A connection belongs to the I/O
 * thread while it is reading, writing or lingering (only that thread reads,
 * writes or closes it then), and to one worker while it is handling. Each
 * descriptor is armed EPOLLONESHOT, so an event reaches the I/O thread once
 * and nothing is armed while a worker holds the connection. A worker hands
 * a connection back through the `done` list and the eventfd. */
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
#define PREFIX_MAX 64    /* what a refusal keeps of the target */
#define IDLE_BUFFER 4096 /* an idle connection keeps at most this much memory */

/* C_DEAD: closed, its memory freed after the current batch of events
 * (an event for it may still be in that batch). */
typedef enum { C_READ, C_QUEUED, C_HANDLING, C_WRITE, C_LINGER, C_DEAD } conn_state;

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
  size_t scanned;     /* bytes of `in` searched for the end of the head */
  dynbuf in;
  size_t head_len;    /* bytes of `in` the request being answered takes */
  int keep_alive;
  http_request rq;
  char method[16];
  char prefix[PREFIX_MAX + 1];
  dynbuf out_head, out_body;
  size_t sent;        /* bytes of out_head + out_body written */
  int write_failed;   /* the worker's first write failed */
  uint64_t queued_seq;
  struct conn *prev, *next; /* every connection */
  struct conn *qnext;       /* the queue, the done list, or the dead list */
} conn;

struct http_server {
  http_config cfg;
  int lfd, efd, epfd;
  uint16_t port;
  pthread_t io;
  pthread_t workers[HTTP_MAX_WORKERS];
  unsigned n_workers;
  pthread_mutex_t mu;
  pthread_cond_t work;
  int stopping_workers, stopping_io;
  conn *all;
  unsigned n_conns;
  conn *queue; /* in arrival order */
  conn *done;
  conn *dead;
  uint64_t seq, serve_seq;
  address addrs[HTTP_MAX_CONNECTIONS];
  http_stats stats;
};

/* Markers for epoll's data of the two descriptors that are not connections. */
static char LISTEN_MARK, WAKE_MARK;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
  c->state = C_DEAD;
  c->qnext = s->dead;
  s->dead = c;
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

/* ---- parsing a request head ---- */

static int is_tchar(int ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* One line of the head: [p, end of line), without its CR LF or LF. */
static const char *line_end(const char *p, const char *end, const char **next) {
  const char *nl = memchr(p, '\n', (size_t)(end - p));
  if (!nl) nl = end;
  *next = nl < end ? nl + 1 : end;
  return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
}

static int refuse(conn *c, int status, const char *why) {
  c->rq.refused = status;
  c->rq.why = why;
  c->keep_alive = 0;
  return status;
}

/* Keeps the first bytes of the target for a refusal. */
static void keep_prefix(conn *c, const char *target, size_t n) {
  if (n > PREFIX_MAX) n = PREFIX_MAX;
  memcpy(c->prefix, target, n);
  c->prefix[n] = '\0';
  c->rq.target = c->prefix;
}

/* "GET /target HTTP/1.1" in [p, e). 0, or the refusal's status. */
static int parse_request_line(conn *c, char *p, char *e) {
  char *sp1 = memchr(p, ' ', (size_t)(e - p));
  if (!sp1 || sp1 == p || (size_t)(sp1 - p) >= sizeof c->method)
    return refuse(c, 400, "the request line is not METHOD TARGET HTTP/1.x");
  memcpy(c->method, p, (size_t)(sp1 - p));
  c->method[sp1 - p] = '\0';
  for (const char *m = c->method; *m; m++)
    if (!is_tchar((unsigned char)*m)) return refuse(c, 400, "the method is malformed");
  char *target = sp1 + 1;
  char *sp2 = memchr(target, ' ', (size_t)(e - target));
  keep_prefix(c, target, (size_t)((sp2 ? sp2 : e) - target));
  if ((size_t)((sp2 ? sp2 : e) - target) > HTTP_MAX_TARGET)
    return refuse(c, 414, "the URL is too long");
  if (!sp2 || target[0] != '/') return refuse(c, 400, "the request target must start with /");
  for (const char *t = target; t < sp2; t++)
    if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
      return refuse(c, 400, "the URL holds a byte that must be percent-encoded");
  size_t vlen = (size_t)(e - sp2 - 1);
  if (vlen == 8 && memcmp(sp2 + 1, "HTTP/1.1", 8) == 0) c->keep_alive = 1;
  else if (vlen == 8 && memcmp(sp2 + 1, "HTTP/1.0", 8) == 0) c->keep_alive = 0;
  else return refuse(c, 400, "only HTTP/1.0 and HTTP/1.1 are spoken here");
  *sp2 = '\0';
  c->rq.target = target;
  c->rq.method = c->method;
  return 0;
}

/* Does the comma-separated header value [v, e) hold token (any case)? */
static int has_token(const char *v, const char *e, const char *token) {
  size_t tl = strlen(token);
  while (v < e) {
    while (v < e && (*v == ' ' || *v == '\t' || *v == ',')) v++;
    const char *w = v;
    while (w < e && *w != ',' && *w != ' ' && *w != '\t') w++;
    if ((size_t)(w - v) == tl && strncasecmp(v, token, tl) == 0) return 1;
    v = w;
  }
  return 0;
}

/* The header lines in [p, e): 0, or the refusal's status. */
static int parse_headers(conn *c, const char *p, const char *e) {
  int lines = 0, body = 0;
  while (p < e) {
    const char *next, *le = line_end(p, e, &next);
    if (le == p) break; /* the empty line */
    if (++lines > HTTP_MAX_HEADERS) return refuse(c, 431, "too many header lines");
    const char *colon = memchr(p, ':', (size_t)(le - p));
    if (!colon || colon == p) return refuse(c, 400, "a header line is malformed");
    for (const char *n = p; n < colon; n++)
      if (!is_tchar((unsigned char)*n)) return refuse(c, 400, "a header name is malformed");
    const char *v = colon + 1;
    size_t nl = (size_t)(colon - p);
    if (nl == 10 && strncasecmp(p, "Connection", 10) == 0) {
      if (has_token(v, le, "close")) c->keep_alive = 0;
      else if (has_token(v, le, "keep-alive")) c->keep_alive = 1;
    } else if (nl == 14 && strncasecmp(p, "Content-Length", 14) == 0) {
      while (v < le && (*v == ' ' || *v == '\t')) v++;
      int zero = v < le;
      for (; v < le && *v != ' ' && *v != '\t'; v++)
        if (*v != '0') zero = 0;
      if (!zero) body = 1;
    } else if (nl == 17 && strncasecmp(p, "Transfer-Encoding", 17) == 0) {
      body = 1;
    }
    p = next;
  }
  int readonly = strcmp(c->method, "GET") == 0 || strcmp(c->method, "HEAD") == 0;
  if (!readonly) {
    if (body) c->keep_alive = 0; /* its body is never read */
    c->rq.refused = 405;
    c->rq.why = "read only: GET and HEAD only";
    return 405;
  }
  if (body) return refuse(c, 413, "a request body is not accepted");
  return 0;
}

typedef enum { HEAD_MORE, HEAD_READY } head_state;

/* Looks for a whole head in c->in; on one, fills c->rq (a request or a
 * refusal) and c->head_len. */
static head_state parse_head(conn *c) {
  char *d = c->in.data;
  size_t n = c->in.len, end = 0, from = c->scanned > 2 ? c->scanned - 2 : 0;
  for (size_t i = from; i < n && !end; i++) {
    if (d[i] != '\n') continue;
    if (i + 1 < n && d[i + 1] == '\n') end = i + 2;
    else if (i + 2 < n && d[i + 1] == '\r' && d[i + 2] == '\n') end = i + 3;
  }
  c->scanned = n;
  memset(&c->rq, 0, sizeof c->rq);
  c->rq.method = "";
  c->rq.target = "";
  c->rq.client = c->from->addr;
  c->method[0] = '\0';
  c->prefix[0] = '\0';
  if (!end) {
    /* Not yet whole: refuse early what can never fit. */
    const char *nl = n ? memchr(d, '\n', n) : NULL;
    const char *sp = n ? memchr(d, ' ', n) : NULL;
    if (sp && (!nl || sp < nl)) {
      const char *t = sp + 1, *te = nl ? nl : d + n;
      const char *sp2 = memchr(t, ' ', (size_t)(te - t));
      keep_prefix(c, t, (size_t)((sp2 ? sp2 : te) - t));
    }
    if (!nl && n > HTTP_MAX_TARGET + 32) {
      refuse(c, 414, "the URL is too long");
    } else if (n >= HTTP_MAX_HEAD) {
      refuse(c, 431, "the request headers are too large");
    } else {
      return HEAD_MORE;
    }
    c->head_len = n;
    return HEAD_READY;
  }
  if (end > HTTP_MAX_HEAD) {
    refuse(c, 431, "the request headers are too large");
    c->head_len = end;
    return HEAD_READY;
  }
  c->head_len = end;
  const char *next;
  char *le = (char *)line_end(d, d + end, &next);
  if (parse_request_line(c, d, le) == 0) {
    int blank = le == d;
    if (blank) refuse(c, 400, "an empty request line");
    else parse_headers(c, next, d + end);
  }
  c->rq.head_only = strcmp(c->method, "HEAD") == 0;
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
  if (parse_head(c) == HEAD_READY) enqueue(s, c);
  else arm(s, c, EPOLLIN);
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
  dynbuf_drop_front(&c->in, c->head_len);
  if (c->in.len == 0 && c->in.cap > IDLE_BUFFER) dynbuf_free(&c->in);
  c->head_len = 0;
  c->scanned = 0;
  c->kept = 1;
  c->got_bytes = 0;
  c->state = C_READ;
  c->since = now_s();
  consider(s, c); /* a pipelined request may be there already */
}

/* A worker finished with c: back to the I/O thread's care. */
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

/* Closes what ran past its clock. */
static void sweep(http_server *s) {
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

static void take_done(http_server *s) {
  uint64_t v;
  if (read(s->efd, &v, sizeof v) < 0 && errno != EAGAIN) return;
  pthread_mutex_lock(&s->mu);
  conn *list = s->done;
  s->done = NULL;
  while (list) {
    conn *c = list;
    list = c->qnext;
    take_back(s, c, c->write_failed ? -1 : c->sent == c->out_head.len + c->out_body.len);
  }
  pthread_mutex_unlock(&s->mu);
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
      else if (p == &WAKE_MARK) take_done(s);
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
  c->write_failed = 0;
}

static void *worker_main(void *arg) {
  http_server *s = arg;
  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (!s->stopping_workers && !s->queue) pthread_cond_wait(&s->work, &s->mu);
    if (s->stopping_workers) break;
    conn *c = dequeue(s);
    c->state = C_HANDLING;
    pthread_mutex_unlock(&s->mu);

    http_reply r = {.status = 200};
    dynbuf_init(&r.headers, 4096);
    dynbuf_init(&r.body, HTTP_MAX_REPLY);
    s->cfg.handler(s->cfg.ctx, &c->rq, &r);
    compose(c, &r);
    dynbuf_free(&r.headers);
    dynbuf_free(&r.body);
    c->write_failed = write_some(c) < 0; /* take_done closes it */

    pthread_mutex_lock(&s->mu);
    c->qnext = s->done;
    s->done = c;
    uint64_t one = 1;
    if (write(s->efd, &one, sizeof one) < 0) { /* the counter is full: already awake */ }
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
  for (; s->n_workers < cfg->workers; s->n_workers++)
    if (pthread_create(&s->workers[s->n_workers], NULL, worker_main, s) != 0) break;
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

void http_stop(http_server *s) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  s->stopping_workers = 1;
  pthread_cond_broadcast(&s->work);
  pthread_mutex_unlock(&s->mu);
  for (unsigned i = 0; i < s->n_workers; i++) pthread_join(s->workers[i], NULL);
  pthread_mutex_lock(&s->mu);
  s->stopping_io = 1;
  pthread_mutex_unlock(&s->mu);
  uint64_t one = 1;
  if (write(s->efd, &one, sizeof one) < 0) { /* it wakes within a tick anyway */ }
  pthread_join(s->io, NULL);
  server_free(s);
}
