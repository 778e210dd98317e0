/* fetch: a crawl of a public site never reaches a loopback, link-local or
 * private address. fetch_url_private tells which start URLs name such an
 * address; with refuse_private an address that is one is refused before
 * any socket connects to it, whatever name or redirect led there. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crawler/fetch.h"
#include "tests/unit/check.h"

typedef struct {
  fetch_error error;
  char message[512];
  int done;
} outcome;

static void on_done(void *ctx, const fetch_result *r) {
  outcome *o = ctx;
  o->error = r->error;
  snprintf(o->message, sizeof o->message, "%s", r->message);
  o->done = 1;
}

/* GETs url with refuse_private set as asked; the outcome. */
static outcome get(const char *url, int refuse) {
  fetch_options fo;
  fetch_options_default(&fo);
  fo.delay_ms = 0;
  fo.timeout_ms = 1500;
  fo.connect_timeout_ms = 1500;
  fo.max_retries = 0;
  fo.refuse_private = refuse;
  outcome o = {.error = FETCH_OK};
  fetcher *f = fetch_create(&fo);
  CHECK(f != NULL);
  if (!f) return o;
  CHECK_INT(fetch_add(f, url, NULL, NULL, NULL), FETCH_OK);
  for (int i = 0; i < 100 && !o.done; i++) fetch_perform(f, 100, on_done, &o);
  fetch_destroy(f);
  return o;
}

/* 1 when the listening socket s holds a connection nobody accepted yet. */
static int pending_connections(int s) {
  struct pollfd p = {.fd = s, .events = POLLIN};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) ? 1 : 0;
}

int main(void) {
  /* 1. Which start URLs name a private address. */
  static const struct {
    const char *url;
    int priv;
  } urls[] = {
      {"http://127.0.0.1:8080/", 1},      {"http://127.1/", 1},
      {"http://localhost/", 1},           {"http://LOCALHOST:9/", 1},
      {"http://a.localhost/", 1},         {"http://[::1]/", 1},
      {"http://[::ffff:127.0.0.1]/", 1},  {"http://169.254.169.254/latest/", 1},
      {"http://10.1.2.3/", 1},            {"http://172.16.0.1/", 1},
      {"http://192.168.1.1/", 1},         {"http://100.64.0.1/", 1},
      {"http://0.0.0.0/", 1},             {"http://[fe80::1]/", 1},
      {"http://[fd00::1]/", 1},           {"https://tayho.hanoi.gov.vn/", 0},
      {"http://8.8.8.8/", 0},             {"http://172.32.0.1/", 0},
      {"http://[2001:db8::1]/", 0},       {"http://localhost.example/", 0},
      {"not a url", 0},
  };
  for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
    int got = fetch_url_private(urls[i].url);
    if (got != urls[i].priv) fprintf(stderr, "fetch_url_private(%s) = %d\n", urls[i].url, got);
    CHECK_INT(got, urls[i].priv);
  }

  /* 2. A listening socket on 127.0.0.1 (the kernel completes the handshake;
   *    nobody ever answers): refused before any request with refuse_private,
   *    a timeout without (the control: the refusal is not a network error). */
  CHECK_INT(fetch_global_init(), 0);
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t sl = sizeof sa;
  CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(s, 8) == 0 &&
        getsockname(s, (struct sockaddr *)&sa, &sl) == 0);
  char url[64];
  snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(sa.sin_port));
  outcome o = get(url, 1);
  CHECK(o.done);
  CHECK_INT(o.error, FETCH_BAD_URL);
  CHECK(strstr(o.message, "refused: the host is at 127.0.0.1") != NULL);
  CHECK_INT(pending_connections(s), 0); /* refused before connect(): no handshake */
  o = get(url, 0);
  CHECK(o.done);
  CHECK_INT(o.error, FETCH_TIMEOUT);
  CHECK_INT(pending_connections(s), 1); /* the control did connect */
  close(s);
  fetch_global_cleanup();
  return check_summary("test_fetch_private");
}
