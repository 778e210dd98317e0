/* The HTML pages: server-side rendered, no script, one small stylesheet.
 * Every string from the index or the visitor goes through html.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/html.h"
#include "web/web_internal.h"

/* ---- the frame ---- */

static void head(dynbuf *b, const char *title) {
  dynbuf_append_str(b,
                    "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<link rel=\"stylesheet\" href=\"/style.css\">\n<link rel=\"icon\" href=\"data:,\">\n<title>");
  html_text(b, title);
  dynbuf_append_str(b, " — tracuu</title>\n</head>\n<body>\n"
                       "<header><a class=\"home\" href=\"/\">tracuu</a> "
                       "<span>tra cứu văn bản</span></header>\n<main>\n");
}

static void foot(dynbuf *b) { dynbuf_append_str(b, "</main>\n</body>\n</html>\n"); }

/* ---- links ---- */

void web_search_url(dynbuf *b, const char *path, const web_params *p) {
  const struct {
    const char *name, *value;
  } f[] = {{"q", p->q},       {"from", p->from},     {"to", p->to},     {"type", p->type},
           {"issuer", p->issuer}, {"category", p->category}, {"sort", p->sort}};
  char sep = '?';
  dynbuf_append_str(b, path);
  for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
    if (!f[i].value[0]) continue;
    dynbuf_printf(b, "%c%s=", sep, f[i].name);
    html_url_part(b, f[i].value);
    sep = '&';
  }
  if (p->offset) dynbuf_printf(b, "%coffset=%u", sep, p->offset);
}

/* "/?q=...&from=..." for p. */
static void search_url(dynbuf *b, const web_params *p) { web_search_url(b, "/", p); }

/* Writes s (a URL built here) as a double-quoted href. */
static void href(dynbuf *b, const dynbuf *url) {
  dynbuf_append_str(b, " href=\"");
  html_text(b, dynbuf_str(url));
  dynbuf_append_byte(b, '"');
}

/* <a href="URL">TEXT</a>, then frees url (built by the caller). */
static void anchor(dynbuf *b, dynbuf *url, const char *text) {
  dynbuf_append_str(b, "<a");
  href(b, url);
  dynbuf_append_byte(b, '>');
  html_text(b, text);
  dynbuf_append_str(b, "</a>");
  dynbuf_free(url);
}

/* <a href="URL">TEXT</a> with URL = prefix + one encoded component (+ ?q=). */
static void link_part(dynbuf *b, const char *prefix, const char *part, const char *q, const char *text) {
  dynbuf url;
  dynbuf_init(&url, 16 * 1024);
  dynbuf_append_str(&url, prefix);
  html_url_part(&url, part);
  if (q && q[0]) {
    dynbuf_append_str(&url, "?q=");
    html_url_part(&url, q);
  }
  anchor(b, &url, text);
}

/* <a href="/?...">TEXT</a> for a copy of p changed by the caller. */
static void link_search(dynbuf *b, const web_params *p, const char *text) {
  dynbuf url;
  dynbuf_init(&url, 16 * 1024);
  search_url(&url, p);
  anchor(b, &url, text);
}

/* ---- the form ---- */

static void field(dynbuf *b, const char *name, const char *label, const char *type, const char *value) {
  dynbuf_printf(b, "<label for=\"f-%s\">%s</label><input id=\"f-%s\" name=\"%s\" type=\"%s\" value=\"",
                name, label, name, name, type);
  html_text(b, value);
  dynbuf_append_str(b, "\">\n");
}

static void sort_select(dynbuf *b, const char *sort) {
  static const char *const names[] = {"blend", "relevance", "date"};
  static const char *const labels[] = {"Phù hợp và mới", "Phù hợp nhất", "Mới nhất"};
  dynbuf_append_str(b, "<label for=\"f-sort\">Sắp xếp</label><select id=\"f-sort\" name=\"sort\">");
  for (size_t i = 0; i < 3; i++)
    dynbuf_printf(b, "<option value=\"%s\"%s>%s</option>", names[i],
                  strcmp(sort, names[i]) == 0 ? " selected" : "", labels[i]);
  dynbuf_append_str(b, "</select>\n");
}

static void search_form(dynbuf *b, const web_params *p) {
  dynbuf_append_str(b, "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">\n"
                       "<div class=\"box\"><label for=\"f-q\" class=\"vh\">Tìm kiếm</label>"
                       "<input id=\"f-q\" name=\"q\" type=\"search\" autofocus value=\"");
  html_text(b, p->q);
  dynbuf_append_str(b, "\" placeholder=\"ví dụ: quyet dinh phong chong dich, 2696/QĐ-UBND\">"
                       "<button type=\"submit\">Tìm</button></div>\n<details");
  if (p->from[0] || p->to[0] || p->type[0] || p->issuer[0] || p->category[0] ||
      (p->sort[0] && strcmp(p->sort, "blend") != 0))
    dynbuf_append_str(b, " open");
  dynbuf_append_str(b, "><summary>Bộ lọc</summary><div class=\"filters\">\n");
  field(b, "from", "Từ ngày", "date", p->from);
  field(b, "to", "Đến ngày", "date", p->to);
  field(b, "type", "Loại văn bản", "text", p->type);
  field(b, "issuer", "Cơ quan ban hành", "text", p->issuer);
  field(b, "category", "Lĩnh vực", "text", p->category);
  sort_select(b, p->sort);
  dynbuf_append_str(b, "</div></details>\n</form>\n");
}

/* ---- one hit ---- */

static const char *status_phrase(query_doc_status st) {
  switch (st) {
  case QUERY_DOC_REPEALED: return "Bị bãi bỏ bởi";
  case QUERY_DOC_REPLACED: return "Bị thay thế bởi";
  case QUERY_DOC_AMENDED: return "Được sửa đổi bởi";
  default: return NULL;
  }
}

static void status_line(dynbuf *b, const query_hit *h) {
  const char *phrase = status_phrase(h->status);
  if (!phrase || !h->status_by) return;
  dynbuf_printf(b, "<p class=\"status status-%s\">%s ", query_doc_status_name(h->status), phrase);
  link_part(b, "/so/", h->status_by, NULL, h->status_by);
  dynbuf_append_str(b, "</p>\n");
}

/* A date that is only the portal's posting date says so (date_source). */
static const char *date_shown(const record *r, char *buf, size_t cap) {
  if (!r->date || !r->date_source || strcmp(r->date_source, "posted") != 0) return r->date;
  snprintf(buf, cap, "%s (ngày đăng)", r->date);
  return buf;
}

/* number · date · type · issuer, the number a link to its page. */
static void meta_line(dynbuf *b, const record *r) {
  char when[48];
  const char *rest[] = {date_shown(r, when, sizeof when), r->type, r->issuer};
  int any = 0;
  dynbuf_append_str(b, "<p class=\"meta\">");
  if (r->number) {
    link_part(b, "/so/", r->number, NULL, r->number);
    any = 1;
  }
  for (size_t i = 0; i < 3; i++) {
    if (!rest[i] || !rest[i][0]) continue;
    if (any) dynbuf_append_str(b, " · ");
    html_text(b, rest[i]);
    any = 1;
  }
  dynbuf_append_str(b, "</p>\n");
}

static void hit_item(dynbuf *b, const query_hit *h, const char *q) {
  dynbuf_append_str(b, "<li class=\"hit\"><h2>");
  link_part(b, "/doc/", h->rec.id, q, h->rec.title ? h->rec.title : h->rec.id);
  dynbuf_append_str(b, "</h2>\n");
  meta_line(b, &h->rec);
  status_line(b, h);
  if (h->snippet_from >= 0 && (size_t)h->snippet_from < h->rec.n_attachments) {
    /* the passage comes from an attached file, maybe read by OCR */
    const record_attachment *a = &h->rec.attachments[h->snippet_from];
    dynbuf_append_str(b, "<p class=\"from\">Trong tệp đính kèm ");
    html_text(b, a->label && a->label[0] ? a->label : a->url);
    if (h->snippet_ocr)
      dynbuf_append_str(b, " <span class=\"ocr\" title=\"Văn bản quét, đọc bằng OCR: có thể "
                           "đọc sai\">(OCR)</span>");
    dynbuf_append_str(b, "</p>\n");
  }
  if (h->snippet && h->snippet[0]) {
    dynbuf_append_str(b, h->snippet_ocr ? "<p class=\"snippet ocr-text\">" : "<p class=\"snippet\">");
    html_marked(b, h->snippet, h->spans, h->n_spans);
    dynbuf_append_str(b, "</p>\n");
  }
  dynbuf_append_str(b, "</li>\n");
}

static void hit_list(dynbuf *b, const query_result *res, const char *q, unsigned first) {
  dynbuf_printf(b, "<ol class=\"hits\" start=\"%u\">\n", first);
  for (size_t i = 0; i < res->n_hits; i++) hit_item(b, &res->hits[i], q);
  dynbuf_append_str(b, "</ol>\n");
}

/* ---- facets, suggestion, pages ---- */

/* A copy of p with one facet value as a filter, from the first page. */
static void facet_params(const web_params *p, const char *facet, const char *value, web_params *out) {
  *out = *p;
  out->offset = 0;
  if (strcmp(facet, "year") == 0) {
    snprintf(out->from, sizeof out->from, "%s", value);
    snprintf(out->to, sizeof out->to, "%s", value);
  } else if (strcmp(facet, "type") == 0) {
    snprintf(out->type, sizeof out->type, "%s", value);
  } else if (strcmp(facet, "issuer") == 0) {
    snprintf(out->issuer, sizeof out->issuer, "%s", value);
  }
}

static const char *facet_label(const char *name) {
  if (strcmp(name, "year") == 0) return "Năm";
  if (strcmp(name, "type") == 0) return "Loại văn bản";
  if (strcmp(name, "issuer") == 0) return "Cơ quan ban hành";
  return NULL; /* not offered as a filter */
}

static void facet_block(dynbuf *b, const web_params *p, const query_facet *f) {
  const char *label = facet_label(f->name);
  if (!label || f->n == 0) return;
  dynbuf_printf(b, "<section><h3>%s</h3><ul>\n", label);
  for (size_t i = 0; i < f->n; i++) {
    web_params np;
    facet_params(p, f->name, f->values[i].value, &np);
    dynbuf_append_str(b, "<li>");
    link_search(b, &np, f->values[i].value);
    dynbuf_printf(b, " <span class=\"count\">(%llu)</span></li>\n", (unsigned long long)f->values[i].count);
  }
  dynbuf_append_str(b, "</ul></section>\n");
}

static void facets(dynbuf *b, const web_params *p, const query_result *res) {
  dynbuf_append_str(b, "<aside class=\"facets\" aria-label=\"Lọc theo\">\n");
  for (size_t f = 0; f < res->n_facets; f++) facet_block(b, p, &res->facets[f]);
  dynbuf_append_str(b, "</aside>\n");
}

static void suggestion(dynbuf *b, const web_params *p, const query_result *res) {
  if (!res->suggestion) return;
  web_params np = *p;
  np.offset = 0;
  snprintf(np.q, sizeof np.q, "%s", res->suggestion);
  dynbuf_append_str(b, "<p class=\"suggest\">Có phải bạn muốn tìm: ");
  link_search(b, &np, res->suggestion);
  dynbuf_append_str(b, "</p>\n");
}

static void pager(dynbuf *b, const web_params *p, const query_result *res) {
  web_params np = *p;
  dynbuf_append_str(b, "<nav class=\"pager\" aria-label=\"Trang\">");
  if (p->offset > 0) {
    np.offset = p->offset > WEB_PAGE_SIZE ? p->offset - WEB_PAGE_SIZE : 0;
    link_search(b, &np, "← Trang trước");
  }
  if ((uint64_t)p->offset + res->n_hits < res->estimated && p->offset + WEB_PAGE_SIZE <= WEB_MAX_OFFSET) {
    np.offset = p->offset + WEB_PAGE_SIZE;
    dynbuf_append_byte(b, ' ');
    link_search(b, &np, "Trang sau →");
  }
  dynbuf_append_str(b, "</nav>\n");
}

/* The Atom feed of this search (web/feed.c): what is new, for a feed reader. */
static void feed_link(dynbuf *b, const web_params *p) {
  dynbuf url;
  dynbuf_init(&url, 16 * 1024);
  web_params fp = *p;
  fp.sort[0] = '\0';
  fp.offset = 0;
  web_search_url(&url, "/feed", &fp);
  dynbuf_append_str(b, "<p class=\"feed\"><a type=\"application/atom+xml\" rel=\"alternate\"");
  href(b, &url);
  dynbuf_append_str(b, ">Theo dõi văn bản mới của tìm kiếm này (Atom)</a></p>\n");
  dynbuf_free(&url);
}

static void results(dynbuf *b, const web_params *p, const query_result *res) {
  suggestion(b, p, res);
  if (res->relaxed) dynbuf_append_str(b, "<p class=\"note\">Không văn bản nào có đủ mọi từ; đây là các văn bản có một phần.</p>\n");
  dynbuf_printf(b, "<p class=\"total\">Khoảng %llu văn bản</p>\n", (unsigned long long)res->estimated);
  dynbuf_append_str(b, "<div class=\"layout\"><div class=\"main\">\n");
  if (res->n_hits) hit_list(b, res, p->q, p->offset + 1);
  else dynbuf_append_str(b, "<p>Không có văn bản nào phù hợp.</p>\n");
  pager(b, p, res);
  feed_link(b, p);
  dynbuf_append_str(b, "</div>\n");
  facets(b, p, res);
  dynbuf_append_str(b, "</div>\n");
}

static int has_search(const web_params *p) {
  return p->q[0] || p->from[0] || p->to[0] || p->type[0] || p->issuer[0] || p->category[0];
}

void page_search(const web_req *rq, web_reply *out) {
  dynbuf *b = &out->body;
  head(b, rq->p->q[0] ? rq->p->q : "Tra cứu văn bản");
  search_form(b, rq->p);
  if (has_search(rq->p)) {
    query_request req;
    char from[11], to[11], err[1024];
    query_result *res = NULL;
    engine_status qs = ENGINE_BAD_QUERY;
    if (web_request_of(rq->p, &req, from, to, err, sizeof err) == 0)
      qs = query_run(rq->db, &req, &res, err, sizeof err);
    if (qs == ENGINE_OK && rq->left_out) {
      dynbuf_printf(b, "<p class=\"error\" role=\"status\">Kết quả chưa đầy đủ: %zu phân đoạn "
                       "của chỉ mục không truy cập được (", rq->left_out);
      html_text(b, rq->left_out_names);
      dynbuf_append_str(b, ").</p>\n");
    }
    if (qs == ENGINE_OK) results(b, rq->p, res);
    else {
      out->status = web_status_of(qs, err, sizeof err);
      dynbuf_append_str(b, "<p class=\"error\" role=\"alert\">");
      html_text(b, err);
      dynbuf_append_str(b, "</p>\n");
    }
    query_result_free(res);
  }
  foot(b);
}

/* ---- the document page ---- */

static void dl_item(dynbuf *b, const char *label, const char *value) {
  if (!value || !value[0]) return;
  dynbuf_printf(b, "<dt>%s</dt><dd>", label);
  html_text(b, value);
  dynbuf_append_str(b, "</dd>\n");
}

/* A crawled URL is a link only when it is http(s): never javascript: or data:. */
static void source_link(dynbuf *b, const char *url) {
  if (!url) return;
  int web = strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
  dynbuf_append_str(b, "<dt>Nguồn</dt><dd>");
  if (web) {
    dynbuf_append_str(b, "<a rel=\"noopener noreferrer nofollow\" href=\"");
    html_text(b, url);
    dynbuf_append_str(b, "\">");
  }
  html_text(b, url);
  dynbuf_append_str(b, web ? "</a></dd>\n" : "</dd>\n");
}

/* What the index knows of a document's force (query.h), in words. */
static const char *status_label(query_doc_status st) {
  switch (st) {
  case QUERY_DOC_IN_FORCE: return "Còn hiệu lực (theo các văn bản đã lập chỉ mục)";
  case QUERY_DOC_AMENDED: return "Đã được sửa đổi, bổ sung";
  case QUERY_DOC_REPLACED: return "Đã bị thay thế";
  case QUERY_DOC_REPEALED: return "Đã bị bãi bỏ";
  default: return "Chưa rõ (văn bản không có số)";
  }
}

static void metadata(dynbuf *b, const query_hit *h) {
  const record *r = &h->rec;
  dynbuf_append_str(b, "<dl class=\"metadata\">\n");
  if (r->number) {
    dynbuf_append_str(b, "<dt>Số</dt><dd>");
    link_part(b, "/so/", r->number, NULL, r->number);
    dynbuf_append_str(b, "</dd>\n");
  }
  int posted_only = r->date_source && strcmp(r->date_source, "posted") == 0;
  dl_item(b, "Ngày ban hành", posted_only ? NULL : r->date);
  dl_item(b, "Ngày đăng", r->posted ? r->posted : posted_only ? r->date : NULL);
  dl_item(b, "Loại văn bản", r->type);
  dl_item(b, "Cơ quan ban hành", r->issuer);
  if (r->issuer_as_written && (!r->issuer || strcmp(r->issuer_as_written, r->issuer) != 0))
    dl_item(b, "Ghi trên văn bản", r->issuer_as_written);
  dl_item(b, "Lĩnh vực", r->category);
  dl_item(b, "Người ký", r->signer);
  dl_item(b, "Chức vụ", r->signer_role);
  dl_item(b, "Hiệu lực từ", r->effective);
  dl_item(b, "Tình trạng", status_label(h->status));
  source_link(b, r->url);
  dynbuf_append_str(b, "</dl>\n");
}

static const char *relation_label(const char *relation, int incoming) {
  static const struct {
    const char *name, *out, *in;
  } labels[] = {{"basis", "Căn cứ", "Là căn cứ của"},
                {"amends", "Sửa đổi, bổ sung", "Được sửa đổi, bổ sung bởi"},
                {"replaces", "Thay thế", "Bị thay thế bởi"},
                {"repeals", "Bãi bỏ", "Bị bãi bỏ bởi"},
                {"implements", "Hướng dẫn, thi hành", "Được hướng dẫn bởi"},
                {"cites", "Dẫn chiếu", "Được dẫn chiếu bởi"}};
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (strcmp(relation, labels[i].name) == 0) return incoming ? labels[i].in : labels[i].out;
  return incoming ? "Được dẫn chiếu bởi" : "Dẫn chiếu";
}

static void relation_item(dynbuf *b, const query_related_item *it) {
  dynbuf_printf(b, "<li><span class=\"rel\">%s</span> ", relation_label(it->relation, it->incoming));
  if (it->number) link_part(b, "/so/", it->number, NULL, it->number);
  if (it->id && it->title) {
    dynbuf_append_str(b, " — ");
    link_part(b, "/doc/", it->id, NULL, it->title);
  }
  if (it->date) {
    dynbuf_append_str(b, " <span class=\"date\">");
    html_text(b, it->date);
    dynbuf_append_str(b, "</span>");
  }
  dynbuf_append_str(b, "</li>\n");
}

static void relations(dynbuf *b, const web_req *rq, const char *number) {
  query_related *rel = NULL;
  char err[1024];
  if (!number || query_related_run(rq->db, number, WEB_MAX_RELATED, &rel, err, sizeof err) != ENGINE_OK)
    return;
  size_t shown = 0;
  for (size_t i = 0; i < rel->n; i++) {
    if (strcmp(rel->items[i].relation, "self") == 0) continue;
    if (!shown++) dynbuf_append_str(b, "<section class=\"relations\"><h2>Văn bản liên quan</h2><ul>\n");
    relation_item(b, &rel->items[i]);
  }
  if (shown) dynbuf_append_str(b, "</ul></section>\n");
  query_related_free(rel);
}

static void original(dynbuf *b, const web_req *rq, const record *r) {
  web_original o;
  char err[1024];
  const char *url = r->url ? r->url : r->id;
  if (web_original_load(rq->store, url, 0, &o, err, sizeof err) != 1) return;
  dynbuf url_b;
  dynbuf_init(&url_b, 16 * 1024);
  dynbuf_append_str(&url_b, "/doc/");
  html_url_part(&url_b, r->id);
  dynbuf_append_str(&url_b, "/original");
  dynbuf_append_str(b, "<section class=\"original\"><h2>Bản gốc đã lưu</h2><p>Tải về lúc ");
  html_text(b, o.date);
  dynbuf_append_str(b, " — <a");
  href(b, &url_b);
  dynbuf_append_str(b, ">mở bản lưu</a> (không chạy mã của trang)</p>\n<iframe title=\"Bản gốc đã lưu\" sandbox=\"\" referrerpolicy=\"no-referrer\" loading=\"lazy\" src=\"");
  html_text(b, dynbuf_str(&url_b));
  dynbuf_append_str(b, "\"></iframe></section>\n");
  dynbuf_free(&url_b);
}

void page_doc(const web_req *rq, web_reply *out) {
  char err[1024];
  query_result *res = NULL;
  engine_status qs = query_doc(rq->db, rq->arg, rq->p->q[0] ? rq->p->q : NULL, &res, err, sizeof err);
  if (qs != ENGINE_OK || res->n_hits == 0) {
    page_error(qs != ENGINE_OK ? web_status_of(qs, err, sizeof err) : 404,
               qs != ENGINE_OK ? err : "Không có văn bản với mã này.", out);
    query_result_free(res);
    return;
  }
  const query_hit *h = &res->hits[0];
  dynbuf *b = &out->body;
  head(b, h->rec.title ? h->rec.title : h->rec.id);
  search_form(b, rq->p);
  dynbuf_append_str(b, "<article class=\"doc\"><h1>");
  html_text(b, h->rec.title ? h->rec.title : h->rec.id);
  dynbuf_append_str(b, "</h1>\n");
  status_line(b, h);
  metadata(b, h);
  relations(b, rq, h->rec.number);
  original(b, rq, &h->rec);
  dynbuf_append_str(b, "<section><h2>Toàn văn</h2><div class=\"fulltext\">");
  html_marked(b, h->snippet, h->spans, h->n_spans);
  dynbuf_append_str(b, "</div></section></article>\n");
  foot(b);
  query_result_free(res);
}

/* ---- the number page ---- */

void page_number(const web_req *rq, web_reply *out) {
  char err[1024];
  query_result *res = NULL;
  engine_status qs = query_ref(rq->db, rq->arg, 100, &res, err, sizeof err);
  if (qs != ENGINE_OK) {
    page_error(web_status_of(qs, err, sizeof err), err, out);
    return;
  }
  dynbuf *b = &out->body;
  head(b, rq->arg);
  search_form(b, rq->p);
  dynbuf_append_str(b, "<h1>Số ");
  html_text(b, rq->arg);
  dynbuf_append_str(b, "</h1>\n<p>Văn bản mang số này (nếu có), rồi các văn bản dẫn chiếu đến nó.</p>\n");
  if (res->n_hits) hit_list(b, res, NULL, 1);
  else dynbuf_append_str(b, "<p>Không có văn bản nào.</p>\n");
  foot(b);
  query_result_free(res);
}

/* ---- the archived original ---- */

/* Everything the archived page may do: show itself with its own inline
 * styles and data: images; no script, no request anywhere, a unique origin. */
#define ORIGINAL_CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"

/* The archived page's Content-Type, from a fixed list (the fetched header is
 * crawled input): HTML stays HTML, anything else is shown as text. */
static const char *original_type(const char *fetched) {
  static const char *const charsets[] = {"utf-8", "windows-1258", "iso-8859-1", "us-ascii"};
  static const char *const html[] = {"text/html; charset=utf-8", "text/html; charset=windows-1258",
                                     "text/html; charset=iso-8859-1", "text/html; charset=us-ascii"};
  char low[128];
  size_t n = 0;
  for (; fetched[n] && n + 1 < sizeof low; n++) low[n] = (char)tolower((unsigned char)fetched[n]);
  low[n] = '\0';
  if (strncmp(low, "text/html", 9) != 0) return "text/plain; charset=utf-8";
  const char *cs = strstr(low, "charset=");
  for (size_t i = 0; cs && i < sizeof charsets / sizeof charsets[0]; i++)
    if (strncmp(cs + 8, charsets[i], strlen(charsets[i])) == 0) return html[i];
  return "text/html";
}

void page_original(const web_req *rq, web_reply *out) {
  char err[1024] = "";
  query_result *res = NULL;
  engine_status qs = query_doc(rq->db, rq->arg, NULL, &res, err, sizeof err);
  if (qs != ENGINE_OK || res->n_hits == 0) {
    page_error(qs != ENGINE_OK ? web_status_of(qs, err, sizeof err) : 404, qs != ENGINE_OK ? err : "Không có văn bản với mã này.", out);
    query_result_free(res);
    return;
  }
  const record *r = &res->hits[0].rec;
  web_original o;
  int found = web_original_load(rq->store, r->url ? r->url : r->id, 1, &o, err, sizeof err);
  query_result_free(res);
  if (found != 1) {
    page_error(found < 0 ? 500 : 404, found < 0 ? err : "Không có bản lưu của văn bản này.", out);
    return;
  }
  out->csp = ORIGINAL_CSP;
  out->content_type = original_type(o.ctype);
  dynbuf_append(&out->body, o.body, o.len);
  free(o.body);
}

void page_error(int status, const char *message, web_reply *out) {
  out->status = status;
  dynbuf_reset(&out->body);
  head(&out->body, "Lỗi");
  dynbuf_append_str(&out->body, "<p class=\"error\" role=\"alert\">");
  html_text(&out->body, message);
  dynbuf_append_str(&out->body, "</p>\n<p><a href=\"/\">Về trang tìm kiếm</a></p>\n");
  foot(&out->body);
}

/* A few KB, no external asset: readable on a phone, visible focus. */
static const char STYLE[] =
    ":root{color-scheme:light dark;--accent:#0b5cad;--muted:#5b6470;--mark:#ffe27a}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
    "color:#1d232b;background:#fff}\n"
    "header{padding:.6rem 1rem;border-bottom:1px solid #d6dbe1;display:flex;gap:.6rem;align-items:baseline}\n"
    "header .home{font-weight:700;font-size:1.2rem;color:var(--accent);text-decoration:none}\n"
    "header span{color:var(--muted)}\n"
    "main{max-width:72rem;margin:0 auto;padding:1rem}\n"
    "a{color:var(--accent)}\n"
    "a:focus-visible,input:focus-visible,select:focus-visible,button:focus-visible,summary:focus-visible"
    "{outline:3px solid #f59e0b;outline-offset:2px}\n"
    ".box{display:flex;gap:.5rem}\n"
    ".box input{flex:1;min-width:0;font-size:1.1rem;padding:.5rem .6rem;border:1px solid #8a94a1;border-radius:4px}\n"
    "button{font-size:1rem;padding:.5rem 1rem;border:0;border-radius:4px;background:var(--accent);color:#fff;cursor:pointer}\n"
    "details{margin:.5rem 0}\n"
    ".filters{display:grid;grid-template-columns:max-content 1fr;gap:.4rem .6rem;align-items:center;max-width:36rem;margin-top:.5rem}\n"
    ".filters input,.filters select{font-size:1rem;padding:.3rem;border:1px solid #8a94a1;border-radius:4px}\n"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\n"
    ".layout{display:grid;grid-template-columns:1fr 16rem;gap:2rem}\n"
    "@media (max-width:48rem){.layout{grid-template-columns:1fr}.filters{grid-template-columns:1fr}}\n"
    ".hits{padding-left:1.4rem}.hit{margin-bottom:1.2rem}\n"
    ".hit h2{font-size:1.1rem;margin:0 0 .2rem}\n"
    ".meta,.total,.count,.date{color:var(--muted);font-size:.9rem;margin:.1rem 0}\n"
    ".snippet{margin:.2rem 0}\n"
    ".from{margin:.2rem 0 0;color:var(--muted);font-size:.9em}\n"
    ".ocr{font-weight:bold}.ocr-text{font-style:italic}\n"
    "mark{background:var(--mark);color:inherit;padding:0 .1em;border-radius:2px}\n"
    ".status{color:#a11d1d;font-weight:600;margin:.1rem 0}\n"
    ".facets h3{font-size:1rem;margin:.6rem 0 .2rem}.facets ul{list-style:none;padding:0;margin:0}\n"
    ".pager{margin:1rem 0;display:flex;gap:1rem}\n"
    ".suggest{font-size:1.05rem}.error{color:#a11d1d}\n"
    ".metadata{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}\n"
    ".metadata dt{color:var(--muted)}.metadata dd{margin:0;overflow-wrap:anywhere}\n"
    ".fulltext{white-space:pre-wrap;overflow-wrap:anywhere;max-width:48rem}\n"
    ".relations .rel{color:var(--muted)}\n"
    "iframe{width:100%;height:24rem;border:1px solid #d6dbe1}\n"
    "@media (prefers-color-scheme:dark){body{background:#15191e;color:#e4e7eb}"
    ":root{--accent:#7db4ff;--muted:#a3acb7;--mark:#7a6400}}\n";

void page_style(web_reply *out) {
  out->content_type = "text/css; charset=utf-8";
  dynbuf_append(&out->body, STYLE, sizeof STYLE - 1);
}
