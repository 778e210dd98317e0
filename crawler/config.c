/* config: INI through inih into crawl_config. */
#include "crawler/config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/duration.h"
#include "crawler/fetch.h"

static const char *const selector_keys[7] = {"title",  "date",   "body",    "number",
                                             "type",   "issuer", "category"};

typedef struct {
  crawl_config *c;
  char err[512];
  int line_err; /* the handler's own error: the message is ready */
} load_ctx;

int config_list_add(config_list *l, const char *value) {
  if (l->n >= CONFIG_MAX_LIST) return -1;
  char **items = realloc(l->items, (l->n + 1) * sizeof *items);
  if (!items) return -1;
  l->items = items;
  if (!(items[l->n] = strdup(value))) return -1;
  l->n++;
  return 0;
}

static void list_free(config_list *l) {
  for (size_t i = 0; i < l->n; i++) free(l->items[i]);
  free(l->items);
}

/* Seconds (fractions allowed) into milliseconds; -1 if not a delay. */
static long parse_delay(const char *v) {
  char *end;
  double d = strtod(v, &end);
  if (end == v || *end || !(d >= 0 && d <= 3600)) return -1; /* "nan" fails it too */
  return (long)(d * 1000.0 + 0.5);
}

/* A page cap: a whole number from 1 to 10^9; -1 if not one. */
static long long parse_max_pages(const char *v) {
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10);
  if (end == v || *end || errno || n < 1 || n > 1000000000LL) return -1;
  return n;
}

static const char *const revisit_keys[CONFIG_REVISIT_KEYS] = {"min_revisit", "revisit",
                                                              "max_revisit"};

static const char *const file_keys[CONFIG_FILE_KEYS] = {"attachments_per_page", "max_attachments",
                                                        "max_attachment_size"};

/* A count (0 .. max), or a size with k, m or g (1 .. max bytes); -1 if not one. */
static long long parse_count(const char *v, long long max, int size) {
  char *end;
  errno = 0;
  long long n = strtoll(v, &end, 10), mult = 1;
  if (size && (*end == 'k' || *end == 'K')) mult = 1024, end++;
  else if (size && (*end == 'm' || *end == 'M')) mult = 1024 * 1024, end++;
  else if (size && (*end == 'g' || *end == 'G')) mult = 1024 * 1024 * 1024, end++;
  if (end == v || *end || errno || n < (size ? 1 : 0) || n > max / mult) return -1;
  return n * mult;
}

/* attachments_per_page=, max_attachments=, max_attachment_size=: 1 set, 0
 * not one of them, -1 bad value. */
static int file_key(long long files[CONFIG_FILE_KEYS], const char *k, const char *v) {
  static const long long max[CONFIG_FILE_KEYS] = {EXTRACT_MAX_LINKS, 1000000000LL,
                                                  CONFIG_MAX_FILE_BYTES_CAP};
  for (int i = 0; i < CONFIG_FILE_KEYS; i++)
    if (strcmp(k, file_keys[i]) == 0)
      return (files[i] = parse_count(v, max[i], i == CONFIG_MAX_FILE_BYTES)) >= 0 ? 1 : -1;
  return 0;
}

void config_files(const crawl_config *c, const config_site *s, long long out[CONFIG_FILE_KEYS]) {
  static const long long dflt[CONFIG_FILE_KEYS] = {
      CONFIG_DEFAULT_FILES_PER_PAGE, CONFIG_DEFAULT_MAX_FILES, CONFIG_DEFAULT_MAX_FILE_BYTES};
  for (int i = 0; i < CONFIG_FILE_KEYS; i++) {
    out[i] = dflt[i];
    if (c && c->files[i] >= 0) out[i] = c->files[i];
    if (s && s->files[i] >= 0) out[i] = s->files[i];
  }
}

/* min_revisit=, revisit=, max_revisit=: 1 set, 0 not one of them, -1 bad value. */
static int revisit_key(int64_t revisit[CONFIG_REVISIT_KEYS], const char *k, const char *v) {
  for (int i = 0; i < CONFIG_REVISIT_KEYS; i++)
    if (strcmp(k, revisit_keys[i]) == 0)
      return duration_parse(v, &revisit[i]) == 0 && revisit[i] > 0 ? 1 : -1;
  return 0;
}

void config_bounds(const crawl_config *c, const config_site *s, schedule_bounds *out) {
  schedule_bounds_default(out);
  int64_t *fields[CONFIG_REVISIT_KEYS] = {&out->min_revisit, &out->revisit, &out->max_revisit};
  for (int i = 0; i < CONFIG_REVISIT_KEYS; i++) {
    if (c && c->revisit[i]) *fields[i] = c->revisit[i];
    if (s && s->revisit[i]) *fields[i] = s->revisit[i];
  }
}

static int set_string(char **slot, const char *v) {
  free(*slot);
  *slot = strdup(v);
  return *slot ? 0 : -1;
}

static config_site *site_named(crawl_config *c, const char *name) {
  for (size_t i = 0; i < c->n_sites; i++)
    if (strcmp(c->sites[i].name, name) == 0) return &c->sites[i];
  if (c->n_sites >= CONFIG_MAX_SITES) return NULL;
  config_site *s = realloc(c->sites, (c->n_sites + 1) * sizeof *s);
  if (!s) return NULL;
  c->sites = s;
  config_site *site = &s[c->n_sites];
  memset(site, 0, sizeof *site);
  site->delay_ms = -1;
  for (int i = 0; i < CONFIG_FILE_KEYS; i++) site->files[i] = -1;
  if (!(site->name = strdup(name))) return NULL;
  c->n_sites++;
  return site;
}

/* One key of a [site NAME] section: 1 ok, 0 unknown key, -1 bad value. */
static int site_key(config_site *s, const char *k, const char *v) {
  config_list *lists[] = {&s->start, &s->sitemap, &s->include, &s->exclude};
  const char *list_keys[] = {"start", "sitemap", "include", "exclude"};
  for (int i = 0; i < 4; i++)
    if (strcmp(k, list_keys[i]) == 0) return config_list_add(lists[i], v) == 0 ? 1 : -1;
  for (int i = 0; i < 7; i++)
    if (strcmp(k, selector_keys[i]) == 0) return set_string(&s->sel[i], v) == 0 ? 1 : -1;
  if (strcmp(k, "delay") == 0) return (s->delay_ms = parse_delay(v)) >= 0 ? 1 : -1;
  if (strcmp(k, "max_pages") == 0) return (s->max_pages = parse_max_pages(v)) > 0 ? 1 : -1;
  if (strcmp(k, "user_agent") == 0)
    return fetch_header_value_ok(v) && set_string(&s->user_agent, v) == 0 ? 1 : -1;
  int rk = revisit_key(s->revisit, k, v);
  if (rk) return rk;
  if ((rk = file_key(s->files, k, v)) != 0) return rk;
  if (strcmp(k, "profile") == 0) {
    if (!extract_builtin_profile(v)) return -1;
    return set_string(&s->profile_name, v) == 0 ? 1 : -1;
  }
  return 0;
}

static int crawl_key(crawl_config *c, const char *k, const char *v) {
  if (strcmp(k, "delay") == 0) return (c->delay_ms = parse_delay(v)) >= 0 ? 1 : -1;
  if (strcmp(k, "max_pages") == 0) return (c->max_pages = parse_max_pages(v)) > 0 ? 1 : -1;
  if (strcmp(k, "user_agent") == 0)
    return fetch_header_value_ok(v) && set_string(&c->user_agent, v) == 0 ? 1 : -1;
  int fk = file_key(c->files, k, v);
  return fk ? fk : revisit_key(c->revisit, k, v);
}

/* start= and sitemap= name what is fetched first: http(s) only (a
   file:// start URL used to end the crawl as "out of memory"). */
static int is_http_url(const char *v) {
  char *url = fetch_url_resolve(NULL, v);
  int ok = url != NULL;
  free(url);
  return ok;
}

static int on_value(void *user, const char *section, const char *name, const char *value) {
  load_ctx *ctx = user;
  int rc;
  if (strlen(value) > CONFIG_MAX_VALUE) {
    snprintf(ctx->err, sizeof ctx->err, "the value of %s is too long", name);
    ctx->line_err = 1;
    return 0;
  }
  if (strcmp(section, "crawl") == 0) {
    rc = crawl_key(ctx->c, name, value);
  } else if (strncmp(section, "site ", 5) == 0 && section[5]) {
    if ((strcmp(name, "start") == 0 || strcmp(name, "sitemap") == 0) && !is_http_url(value)) {
      snprintf(ctx->err, sizeof ctx->err, "%s must be an http:// or https:// URL, not \"%.200s\"",
               name, value);
      ctx->line_err = 1;
      return 0;
    }
    config_site *s = site_named(ctx->c, section + 5);
    rc = s ? site_key(s, name, value) : -1;
  } else {
    snprintf(ctx->err, sizeof ctx->err, "unknown section [%s] (expected [crawl] or [site NAME])",
             section);
    ctx->line_err = 1;
    return 0;
  }
  if (rc == 1) return 1;
  if (rc == 0) snprintf(ctx->err, sizeof ctx->err, "unknown key \"%s\" in [%s]", name, section);
  else if (strstr(name, "revisit"))
    snprintf(ctx->err, sizeof ctx->err, "bad value for %s: \"%s\" (a duration such as 12h, 7d, 2w)",
             name, value);
  else if (strcmp(name, "max_attachment_size") == 0)
    snprintf(ctx->err, sizeof ctx->err, "bad value for %s: \"%s\" (a size up to 32m: 500k, 16m)",
             name, value);
  else if (strstr(name, "attachments"))
    snprintf(ctx->err, sizeof ctx->err, "bad value for %s: \"%s\" (a whole number, 0 or more)",
             name, value);
  else snprintf(ctx->err, sizeof ctx->err, "bad value for %s: \"%s\"", name, value);
  ctx->line_err = 1;
  return 0;
}

/* What is wrong with a site as a whole (s NULL: [crawl] alone), or NULL. */
static const char *site_problem(const crawl_config *c, const config_site *s) {
  const char *why = NULL;
  schedule_bounds b;
  config_bounds(c, s, &b);
  if (s && s->start.n == 0 && s->sitemap.n == 0) return "needs a start= or sitemap= line";
  return schedule_bounds_check(&b, &why) == 0 ? NULL : why;
}

int config_load(const char *path, crawl_config *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  out->delay_ms = -1;
  for (int i = 0; i < CONFIG_FILE_KEYS; i++) out->files[i] = -1;
  load_ctx ctx = {.c = out};
  /* Opened here, not by ini_parse: fopen() takes a directory, whose reads
     fail, and inih took that for an empty file. */
  FILE *fp = fopen(path, "r");
  int line = -1;
  if (fp) {
    line = ini_parse_file(fp, on_value, &ctx);
    if (ferror(fp)) line = -1;
    int saved = errno;
    fclose(fp);
    errno = saved;
  }
  if (line == 0) {
    for (size_t i = 0; i < out->n_sites; i++) {
      const char *why = site_problem(out, &out->sites[i]);
      if (why) {
        snprintf(err, errlen, "%s: [site %s] %s", path, out->sites[i].name, why);
        config_free(out);
        return -1;
      }
    }
    const char *why = site_problem(out, NULL);
    if (!why) return 0;
    snprintf(err, errlen, "%s: [crawl] %s", path, why);
    config_free(out);
    return -1;
  }
  if (line < 0) snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
  else if (ctx.line_err) snprintf(err, errlen, "%s:%d: %s", path, line, ctx.err);
  else snprintf(err, errlen, "%s:%d: not an INI line", path, line);
  config_free(out);
  return -1;
}

static void site_free(config_site *s) {
  free(s->name);
  list_free(&s->start);
  list_free(&s->sitemap);
  list_free(&s->include);
  list_free(&s->exclude);
  free(s->user_agent);
  free(s->profile_name);
  for (int i = 0; i < 7; i++) free(s->sel[i]);
}

void config_free(crawl_config *c) {
  if (!c) return;
  for (size_t i = 0; i < c->n_sites; i++) site_free(&c->sites[i]);
  free(c->sites);
  free(c->user_agent);
  memset(c, 0, sizeof *c);
}

void config_profile(const config_site *s, extract_profile *out) {
  const extract_profile *base = s->profile_name ? extract_builtin_profile(s->profile_name) : NULL;
  if (base) *out = *base;
  else memset(out, 0, sizeof *out);
  const char **fields[7] = {&out->title, &out->date,   &out->body,    &out->number,
                            &out->type,  &out->issuer, &out->category};
  for (int i = 0; i < 7; i++)
    if (s->sel[i]) *fields[i] = s->sel[i];
}

int config_has_profile(const config_site *s) {
  if (s->profile_name) return 1;
  for (int i = 0; i < 7; i++)
    if (s->sel[i]) return 1;
  return 0;
}

/* Glob with '*' over the whole string; iterative, one backtrack point. */
static int glob_match(const char *p, const char *s) {
  const char *star = NULL, *ss = NULL;
  while (*s) {
    if (*p == '*') {
      star = ++p;
      ss = s;
    } else if (*p == *s) {
      p++;
      s++;
    } else if (star) {
      p = star;
      s = ++ss;
    } else {
      return 0;
    }
  }
  while (*p == '*') p++;
  return *p == '\0';
}

int config_pattern_match(const char *pattern, const char *url) {
  if (strchr(pattern, '*')) return glob_match(pattern, url);
  return strncmp(url, pattern, strlen(pattern)) == 0;
}
