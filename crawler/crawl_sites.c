/* crawl_sites: which site a URL belongs to, its origin (host) and what
 * that origin's robots.txt allows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crawler/crawl_internal.h"

static int add_origin_of(config_list *l, const char *url) {
  char o[FETCH_MAX_URL + 32];
  if (fetch_url_origin(url, o, sizeof o) != 0) return -1;
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->items[i], o) == 0) return 0;
  return config_list_add(l, o);
}

static int in_site(const site_view *s, const char *url) {
  if (s->cfg && s->cfg->include.n) {
    int ok = 0;
    for (size_t i = 0; !ok && i < s->cfg->include.n; i++)
      ok = config_pattern_match(s->cfg->include.items[i], url);
    if (!ok) return 0;
  } else {
    char o[FETCH_MAX_URL + 32];
    int ok = 0;
    if (fetch_url_origin(url, o, sizeof o) != 0) return 0;
    for (size_t i = 0; !ok && i < s->origins.n; i++) ok = strcmp(s->origins.items[i], o) == 0;
    if (!ok) return 0;
  }
  for (size_t i = 0; s->cfg && i < s->cfg->exclude.n; i++)
    if (config_pattern_match(s->cfg->exclude.items[i], url)) return 0;
  return 1;
}

const site_view *crawl_site_for(const crawler *c, const char *url) {
  for (size_t i = 0; i < c->n_sites; i++)
    if (in_site(&c->sites[i], url)) return &c->sites[i];
  return NULL;
}

const site_view *crawl_site_by_origin(const crawler *c, const char *url) {
  char o[FETCH_MAX_URL + 32];
  if (fetch_url_origin(url, o, sizeof o) != 0) return NULL;
  for (size_t i = 0; i < c->n_sites; i++)
    for (size_t k = 0; k < c->sites[i].origins.n; k++)
      if (strcmp(c->sites[i].origins.items[k], o) == 0) return &c->sites[i];
  return NULL;
}

void crawl_sites_free(crawler *c) {
  for (size_t i = 0; i < c->n_sites; i++) {
    config_list *l = &c->sites[i].origins;
    for (size_t k = 0; k < l->n; k++) free(l->items[k]);
    free(l->items);
  }
  free(c->sites);
  free(c->site_known);
  free(c->site_full_said);
  free(c->site_files);
  free(c->site_files_said);
  c->site_files = NULL;
  c->site_files_said = NULL;
  c->sites = NULL;
  c->n_sites = 0;
}

/* A site's page cap: --max-site-pages over all, else the config's, else
 * CRAWL_SITE_MAX_PAGES. */
static uint64_t site_cap(const crawler *c, long long configured) {
  if (c->o->site_max_pages) return c->o->site_max_pages;
  return configured > 0 ? (uint64_t)configured : CRAWL_SITE_MAX_PAGES;
}

/* A site's attachment caps: its keys over [crawl]'s over the defaults. */
static void site_files(site_view *s, const crawl_config *cfg, const config_site *cs) {
  long long f[CONFIG_FILE_KEYS];
  config_files(cfg, cs, f);
  s->files_per_page = (int)f[CONFIG_FILES_PER_PAGE];
  s->max_files = (uint64_t)f[CONFIG_MAX_FILES];
  s->max_file_bytes = (size_t)f[CONFIG_MAX_FILE_BYTES];
}

/* One site_view per config site, then one per command-line URL no config
 * site covers. */
int crawl_build_sites(crawler *c) {
  const crawl_config *cfg = c->o->config;
  size_t max = (cfg ? cfg->n_sites : 0) + c->o->n_urls;
  c->sites = calloc(max ? max : 1, sizeof *c->sites);
  c->site_known = calloc(max ? max : 1, sizeof *c->site_known);
  c->site_full_said = calloc(max ? max : 1, 1);
  c->site_files = calloc(max ? max : 1, sizeof *c->site_files);
  c->site_files_said = calloc(max ? max : 1, 1);
  if (!c->sites || !c->site_known || !c->site_full_said || !c->site_files || !c->site_files_said)
    return -1;
  for (size_t i = 0; cfg && i < cfg->n_sites; i++) {
    site_view *s = &c->sites[c->n_sites++];
    s->cfg = &cfg->sites[i];
    snprintf(s->name, sizeof s->name, "%s", s->cfg->name);
    s->delay_ms = s->cfg->delay_ms >= 0 ? s->cfg->delay_ms : cfg->delay_ms;
    s->max_pages = site_cap(c, s->cfg->max_pages ? s->cfg->max_pages : cfg->max_pages);
    s->user_agent = s->cfg->user_agent;
    s->has_profile = config_has_profile(s->cfg);
    config_profile(s->cfg, &s->profile);
    config_bounds(cfg, s->cfg, &s->bounds);
    site_files(s, cfg, s->cfg);
    for (size_t k = 0; k < s->cfg->start.n; k++)
      if (add_origin_of(&s->origins, s->cfg->start.items[k]) != 0) return -1;
    for (size_t k = 0; k < s->cfg->sitemap.n; k++)
      if (add_origin_of(&s->origins, s->cfg->sitemap.items[k]) != 0) return -1;
  }
  for (size_t i = 0; i < c->o->n_urls; i++) {
    if (crawl_site_for(c, c->o->urls[i])) continue;
    site_view *s = &c->sites[c->n_sites++];
    s->delay_ms = cfg ? cfg->delay_ms : -1;
    s->max_pages = site_cap(c, cfg ? cfg->max_pages : 0);
    config_bounds(cfg, NULL, &s->bounds);
    site_files(s, cfg, NULL);
    if (add_origin_of(&s->origins, c->o->urls[i]) != 0) return -1;
    snprintf(s->name, sizeof s->name, "%s", s->origins.items[0]);
  }
  return 0;
}

const char *crawl_agent_of(const crawler *c, const site_view *s) {
  if (c->o->user_agent) return c->o->user_agent;
  if (s && s->user_agent) return s->user_agent;
  if (c->o->config && c->o->config->user_agent) return c->o->config->user_agent;
  return CRAWL_USER_AGENT;
}

origin *crawl_origin_for(crawler *c, const char *url, const site_view *site) {
  char name[FETCH_MAX_URL + 32];
  if (fetch_url_origin(url, name, sizeof name) != 0) return NULL;
  for (size_t i = 0; i < c->n_origins; i++)
    if (strcmp(c->origins[i]->name, name) == 0) return c->origins[i];
  if (c->n_origins >= CRAWL_MAX_ORIGINS) return NULL;
  origin *o = calloc(1, sizeof *o);
  if (!o || !(o->name = strdup(name))) {
    free(o);
    return NULL;
  }
  o->site = site;
  c->origins[c->n_origins++] = o;
  return o;
}

/* Frees origins and their parked items (they stay in the frontier). */
void crawl_origins_free(crawler *c) {
  for (size_t i = 0; i < c->n_origins; i++) {
    origin *o = c->origins[i];
    while (o->parked) {
      item *it = o->parked;
      o->parked = it->next;
      crawl_item_free(it);
    }
    robots_free(o->rules);
    free(o->name);
    free(o);
  }
  c->n_origins = 0;
}

int crawl_looks_binary(const char *url) {
  static const char *const ext[] = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
                                    ".zip", ".rar", ".7z",   ".jpg", ".jpeg", ".png",  ".gif",
                                    ".svg", ".webp", ".ico", ".css", ".js",   ".mp3",  ".mp4",
                                    ".avi", ".woff", ".woff2", ".ttf", ".xml", ".gz"};
  size_t n = strcspn(url, "?#");
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
    size_t e = strlen(ext[i]);
    if (n > e && strncasecmp(url + n - e, ext[i], e) == 0) return 1;
  }
  return 0;
}

int crawl_robots_says_no(const origin *o, const char *url) {
  char path[FETCH_MAX_URL + 1];
  if (!o || o->phase != ROBOTS_READY || !o->rules) return 0;
  if (fetch_url_path(url, path, sizeof path) != 0) return 1;
  return !robots_allowed(o->rules, path);
}

int crawl_allow_redirect(void *ctx, const char *url, char *why, size_t whylen) {
  crawler *c = ctx;
  const site_view *s = crawl_site_for(c, url);
  if (!s) {
    snprintf(why, whylen, "out of the crawl's scope");
    return 0;
  }
  char name[FETCH_MAX_URL + 32];
  for (size_t i = 0; fetch_url_origin(url, name, sizeof name) == 0 && i < c->n_origins; i++)
    if (strcmp(c->origins[i]->name, name) == 0 && crawl_robots_says_no(c->origins[i], url)) {
      snprintf(why, whylen, "disallowed by robots.txt");
      return 0;
    }
  return 1;
}

/* Only then may the crawl connect to such addresses (localhost, 127.0.0.1,
 * a LAN address). Else a public site can neither redirect nor link (nor
 * resolve) the crawler into the local network or a cloud metadata service. */
int crawl_sites_name_private(const crawler *c) {
  for (size_t i = 0; i < c->n_sites; i++)
    for (size_t k = 0; k < c->sites[i].origins.n; k++)
      if (fetch_url_private(c->sites[i].origins.items[k])) return 1;
  return 0;
}
