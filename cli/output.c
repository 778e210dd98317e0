#include "cli/output.h"

#include <string.h>

#include "query/render_json.h"

#define ANSI_HIGHLIGHT "\033[1;33m"
#define ANSI_DIM "\033[2m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RESET "\033[0m"

static void print_json(FILE *fp, json_object *o) {
  fputs(render_json_text(o), fp);
  fputc('\n', fp);
  json_object_put(o);
}

void output_json_string(FILE *fp, const char *s) {
  json_object *o = json_object_new_string(s);
  fputs(render_json_text(o), fp);
  json_object_put(o);
}

void output_text(FILE *fp, const char *s, size_t len, int one_line) {
  static const char REPLACEMENT[] = "\xEF\xBF\xBD";
  size_t at = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    int c1 = c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
             (unsigned char)s[i + 1] <= 0x9F;
    int bad = (c < 0x20 && c != '\t' && !(c == '\n' && !one_line)) || c == 0x7F || c1;
    if (!bad) continue;
    fwrite(s + at, 1, i - at, fp);
    fputs(c == '\n' ? " " : REPLACEMENT, fp);
    i += (size_t)c1;
    at = i + 1;
  }
  fwrite(s + at, 1, len - at, fp);
}

void output_str(FILE *fp, const char *s, int one_line) {
  if (s) output_text(fp, s, strlen(s), one_line);
}

static void print_snippet(FILE *fp, const query_hit *h, int color) {
  const char *s = h->snippet ? h->snippet : "";
  size_t at = 0;
  fputs("   ", fp);
  for (size_t i = 0; i < h->n_spans; i++) {
    output_text(fp, s + at, h->spans[i].start - at, 1);
    fputs(color ? ANSI_HIGHLIGHT : "[", fp);
    output_text(fp, s + h->spans[i].start, h->spans[i].end - h->spans[i].start, 1);
    fputs(color ? ANSI_RESET : "]", fp);
    at = h->spans[i].end;
  }
  output_str(fp, s + at, 1);
  fputc('\n', fp);
}

/* "bị thay thế bởi 1120/QĐ-UBND": the evidence of another document. */
static const char *status_phrase(query_doc_status st) {
  switch (st) {
  case QUERY_DOC_REPEALED: return "bị bãi bỏ bởi";
  case QUERY_DOC_REPLACED: return "bị thay thế bởi";
  case QUERY_DOC_AMENDED: return "được sửa đổi bởi";
  default: return "";
  }
}

/* The last path segment of a URL (or path), for a line of text. */
static const char *file_name(const char *url) {
  size_t n = strcspn(url, "?#");
  const char *p = url + n;
  while (p > url && p[-1] != '/') p--;
  return *p && p < url + n ? p : url;
}

/* "files: qd-2536.pdf (pdf, 2 pages, OCR), phu-luc.docx (docx, 3 pages)" */
static void print_files(FILE *fp, const record *r) {
  fputs("   files:", fp);
  for (size_t i = 0; i < r->n_attachments; i++) {
    const record_attachment *a = &r->attachments[i];
    const char *name = file_name(a->url);
    fputs(i ? ", " : " ", fp);
    output_text(fp, name, strcspn(name, "?#"), 1);
    fprintf(fp, " (%s, %d page%s%s)", a->type && strlen(a->type) < 8 ? a->type : "?", a->pages,
            a->pages == 1 ? "" : "s", a->ocr_pages ? ", OCR" : "");
  }
  fputc('\n', fp);
}

static void print_hit(FILE *fp, const query_hit *h, const output_opts *o) {
  fprintf(fp, "%u. %s", h->rank, o->color ? ANSI_BOLD : "");
  output_str(fp, h->rec.title ? h->rec.title : h->rec.id, 1);
  fprintf(fp, "%s\n", o->color ? ANSI_RESET : "");
  const char *parts[] = {h->rec.number, h->rec.date, h->rec.type, h->rec.issuer};
  int any = 0;
  fputs("   ", fp);
  if (o->color) fputs(ANSI_DIM, fp);
  for (size_t i = 0; i < 4; i++) {
    if (!parts[i] || !parts[i][0]) continue;
    fputs(any ? " · " : "", fp);
    output_str(fp, parts[i], 1);
    any = 1;
  }
  fprintf(fp, "%sscore %.3f%s\n", any ? " · " : "", h->score, o->color ? ANSI_RESET : "");
  if (h->status_by) {
    fprintf(fp, "   %s ", status_phrase(h->status));
    output_str(fp, h->status_by, 1);
    fputc('\n', fp);
  }
  if (h->rec.n_attachments) print_files(fp, &h->rec);
  if (h->snippet_from >= 0 && (size_t)h->snippet_from < h->rec.n_attachments) {
    const char *name = file_name(h->rec.attachments[h->snippet_from].url);
    fputs("   from ", fp);
    output_text(fp, name, strcspn(name, "?#"), 1);
    fprintf(fp, "%s:\n", h->snippet_ocr ? " (text read by OCR: it may hold misreadings)" : "");
  }
  if (h->snippet && h->snippet[0]) print_snippet(fp, h, o->color);
  if (h->rec.url) {
    fputs("   ", fp);
    output_str(fp, h->rec.url, 1);
    fputc('\n', fp);
  }
  if (o->explain && h->explain) {
    fputs("   why: ", fp);
    output_str(fp, h->explain, 1);
    fputc('\n', fp);
  }
}

static void print_facets_text(FILE *fp, const query_result *res) {
  for (size_t f = 0; f < res->n_facets; f++) {
    fprintf(fp, "%s:", res->facets[f].name);
    for (size_t i = 0; i < res->facets[f].n; i++) {
      fputs(i ? ", " : " ", fp);
      output_str(fp, res->facets[f].values[i].value, 1);
      fprintf(fp, " (%llu)", (unsigned long long)res->facets[f].values[i].count);
    }
    fputc('\n', fp);
  }
}

void output_say_no_hits(const query_result *res) {
  if (res->n_hits) return;
  if (res->estimated == 0) fputs("tracuu: no documents match\n", stderr);
  else fprintf(stderr, "tracuu: about %llu documents match; none in the range --limit and --offset ask for\n",
               (unsigned long long)res->estimated);
}

int output_results(FILE *fp, const query_result *res, const output_opts *o) {
  if (!o->json) output_say_no_hits(res);
  if (res->relaxed && !o->json)
    fputs("tracuu: no document has every word; these have some of them\n", stderr);
  for (size_t i = 0; i < res->n_hits; i++) {
    if (o->json) print_json(fp, render_json_hit(&res->hits[i], o->explain));
    else print_hit(fp, &res->hits[i], o);
  }
  if (res->n_facets) {
    if (o->json) print_json(fp, render_json_summary(res));
    else print_facets_text(fp, res);
  }
  if (o->explain && res->description && !o->json) fprintf(fp, "query: %s\n", res->description);
  if (res->suggestion && !o->json) {
    fputs("tracuu: did you mean: ", stderr);
    output_str(stderr, res->suggestion, 1);
    fputc('\n', stderr);
  }
  fflush(fp);
  return ferror(fp) ? -1 : 0;
}
