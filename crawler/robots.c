/* robots.txt: parse into the rules of our group, then match paths. */
#include "crawler/robots.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
  char *pattern; /* as written, percent-escapes untouched */
  size_t len;
  int allow;
} robots_rule;

struct robots {
  robots_rule *rules; /* our group's rules (or the "*" group's) */
  size_t n_rules;
  long delay_ms;
  char *sitemaps[ROBOTS_MAX_SITEMAPS];
  size_t n_sitemaps;
  int deny_all; /* robots_disallow_all() */
};

/* While parsing: the rules of the groups naming us and of "*", kept apart
 * because "*" only counts when no group names us. */
typedef struct {
  robots_rule rules[2][ROBOTS_MAX_RULES]; /* [0] ours, [1] "*" */
  size_t n[2];
  long delay[2];
  int seen_ours;
  int in_ours, in_star; /* the current group applies to us / to "*" */
  int group_has_rules;  /* a rule line ended the group's User-agent lines */
  int nomem;
} parse_state;

static robots *robots_new(void) {
  robots *r = calloc(1, sizeof *r);
  if (r) r->delay_ms = -1;
  return r;
}

robots *robots_allow_all(void) { return robots_new(); }

robots *robots_disallow_all(void) {
  robots *r = robots_new();
  if (r) r->deny_all = 1;
  return r;
}

/* The product token of a User-Agent: "tracuu" of "tracuu/0.1 (+https://...)". */
static size_t product_token(const char *ua, char *out, size_t outlen) {
  size_t n = 0;
  while (ua[n] && ua[n] != '/' && ua[n] != ' ' && n + 1 < outlen) {
    out[n] = ua[n];
    n++;
  }
  out[n] = '\0';
  return n;
}

static void trim(const char **s, const char **e) {
  while (*s < *e && isspace((unsigned char)**s)) (*s)++;
  while (*e > *s && isspace((unsigned char)(*e)[-1])) (*e)--;
}

static int key_is(const char *k, size_t klen, const char *name) {
  return strlen(name) == klen && strncasecmp(k, name, klen) == 0;
}

static void add_rule(parse_state *ps, int which, const char *v, size_t vlen, int allow) {
  if (ps->n[which] >= ROBOTS_MAX_RULES) return;
  char *p = malloc(vlen + 1);
  if (!p) {
    ps->nomem = 1;
    return;
  }
  memcpy(p, v, vlen);
  p[vlen] = '\0';
  ps->rules[which][ps->n[which]++] = (robots_rule){p, vlen, allow};
}

static long parse_delay_ms(const char *v, size_t vlen) {
  char buf[32];
  if (vlen == 0 || vlen >= sizeof buf) return -1;
  memcpy(buf, v, vlen);
  buf[vlen] = '\0';
  char *end;
  double d = strtod(buf, &end);
  /* a day is more than any site means; written so that "nan" fails it too
   * (every comparison with NaN is false, and NaN cast to long is undefined) */
  if (end == buf || !(d >= 0 && d <= 86400)) return -1;
  return (long)(d * 1000.0);
}

static void on_user_agent(parse_state *ps, const char *v, size_t vlen, const char *token) {
  if (ps->group_has_rules) { /* a new group starts */
    ps->in_ours = ps->in_star = 0;
    ps->group_has_rules = 0;
  }
  size_t tlen = strlen(token);
  if (vlen == 1 && v[0] == '*') ps->in_star = 1;
  else if (tlen && vlen == tlen && strncasecmp(v, token, tlen) == 0) ps->in_ours = ps->seen_ours = 1;
}

static void on_line(parse_state *ps, robots *r, const char *s, const char *e, const char *token) {
  const char *hash = memchr(s, '#', (size_t)(e - s));
  if (hash) e = hash;
  const char *colon = memchr(s, ':', (size_t)(e - s));
  if (!colon) return;
  const char *k = s, *ke = colon, *v = colon + 1, *ve = e;
  trim(&k, &ke);
  trim(&v, &ve);
  size_t klen = (size_t)(ke - k), vlen = (size_t)(ve - v);
  if (key_is(k, klen, "user-agent")) {
    on_user_agent(ps, v, vlen, token);
    return;
  }
  if (key_is(k, klen, "sitemap")) {
    if (vlen && r->n_sitemaps < ROBOTS_MAX_SITEMAPS) {
      char *sm = strndup(v, vlen);
      if (sm) r->sitemaps[r->n_sitemaps++] = sm;
      else ps->nomem = 1;
    }
    return;
  }
  int allow = key_is(k, klen, "allow"), disallow = key_is(k, klen, "disallow");
  int delay = key_is(k, klen, "crawl-delay");
  if (!allow && !disallow && !delay) return;
  ps->group_has_rules = 1;
  for (int w = 0; w < 2; w++) {
    if (!(w == 0 ? ps->in_ours : ps->in_star)) continue;
    if (delay) ps->delay[w] = parse_delay_ms(v, vlen);
    else if (vlen) add_rule(ps, w, v, vlen, allow); /* "Disallow:" (empty) allows all */
  }
}

static void free_rules(robots_rule *rules, size_t n) {
  for (size_t i = 0; i < n; i++) free(rules[i].pattern);
}

/* Moves the winning group's rules into r; frees the other group's. */
static int keep_group(parse_state *ps, robots *r) {
  int w = ps->seen_ours ? 0 : 1;
  free_rules(ps->rules[1 - w], ps->n[1 - w]);
  r->delay_ms = ps->delay[w];
  if (ps->n[w] == 0) return 0;
  r->rules = malloc(ps->n[w] * sizeof *r->rules);
  if (!r->rules) {
    free_rules(ps->rules[w], ps->n[w]);
    return -1;
  }
  memcpy(r->rules, ps->rules[w], ps->n[w] * sizeof *r->rules);
  r->n_rules = ps->n[w];
  return 0;
}

robots *robots_parse(const char *text, size_t len, const char *user_agent) {
  robots *r = robots_new();
  parse_state *ps = calloc(1, sizeof *ps);
  if (!r || !ps) {
    free(ps);
    robots_free(r);
    return NULL;
  }
  ps->delay[0] = ps->delay[1] = -1;
  char token[64];
  product_token(user_agent ? user_agent : "", token, sizeof token);
  if (len > ROBOTS_MAX_BYTES) len = ROBOTS_MAX_BYTES;
  const char *p = text, *end = text + len;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3; /* BOM */
  while (p < end) {
    const char *eol = p;
    while (eol < end && *eol != '\n' && *eol != '\r') eol++;
    on_line(ps, r, p, eol, token);
    p = eol < end ? eol + 1 : end;
  }
  int bad = ps->nomem | (keep_group(ps, r) != 0);
  free(ps);
  if (bad) {
    robots_free(r);
    return NULL;
  }
  return r;
}

/* Whether pattern (with '*' and a final '$') matches a prefix of path (or
 * all of it, with '$'). Iterative with one backtrack point per '*', so a
 * hostile "*a*a*a*a" cannot make it exponential. */
static int pattern_matches(const char *pat, size_t plen, const char *path) {
  int anchored = plen && pat[plen - 1] == '$';
  if (anchored) plen--;
  size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
  size_t slen = strlen(path);
  for (;;) {
    if (pi == plen) {
      if (!anchored || si == slen) return 1;
    } else if (pat[pi] == '*') {
      star_p = ++pi;
      star_s = si;
      continue;
    } else if (si < slen && pat[pi] == path[si]) {
      pi++;
      si++;
      continue;
    }
    if (star_p == (size_t)-1 || star_s >= slen) return 0;
    pi = star_p;
    si = ++star_s;
  }
}

int robots_allowed(const robots *r, const char *path) {
  if (r->deny_all) return 0;
  if (strcmp(path, "/robots.txt") == 0) return 1;
  size_t best = 0;
  int allowed = 1, found = 0;
  for (size_t i = 0; i < r->n_rules; i++) {
    const robots_rule *ru = &r->rules[i];
    if (!pattern_matches(ru->pattern, ru->len, path)) continue;
    if (!found || ru->len > best || (ru->len == best && ru->allow)) {
      best = ru->len;
      allowed = ru->allow;
      found = 1;
    }
  }
  return allowed;
}

long robots_crawl_delay_ms(const robots *r) { return r->delay_ms; }

size_t robots_sitemap_count(const robots *r) { return r->n_sitemaps; }

const char *robots_sitemap(const robots *r, size_t i) {
  return i < r->n_sitemaps ? r->sitemaps[i] : NULL;
}

void robots_free(robots *r) {
  if (!r) return;
  free_rules(r->rules, r->n_rules);
  free(r->rules);
  for (size_t i = 0; i < r->n_sitemaps; i++) free(r->sitemaps[i]);
  free(r);
}
