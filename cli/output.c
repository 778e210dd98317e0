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

static void print_snippet(FILE *fp, const query_hit *h, int color) {
  const char *s = h->snippet ? h->snippet : "";
  size_t at = 0;
  fputs("   ", fp);
  for (size_t i = 0; i < h->n_spans; i++) {
    fwrite(s + at, 1, h->spans[i].start - at, fp);
    fputs(color ? ANSI_HIGHLIGHT : "[", fp);
    fwrite(s + h->spans[i].start, 1, h->spans[i].end - h->spans[i].start, fp);
    fputs(color ? ANSI_RESET : "]", fp);
    at = h->spans[i].end;
  }
  fputs(s + at, fp);
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

static void print_hit(FILE *fp, const query_hit *h, const output_opts *o) {
  fprintf(fp, "%u. %s%s%s\n", h->rank, o->color ? ANSI_BOLD : "",
          h->rec.title ? h->rec.title : h->rec.id, o->color ? ANSI_RESET : "");
  const char *parts[] = {h->rec.number, h->rec.date, h->rec.type, h->rec.issuer};
  int any = 0;
  fputs("   ", fp);
  if (o->color) fputs(ANSI_DIM, fp);
  for (size_t i = 0; i < 4; i++) {
    if (!parts[i] || !parts[i][0]) continue;
    fprintf(fp, "%s%s", any ? " · " : "", parts[i]);
    any = 1;
  }
  fprintf(fp, "%sscore %.3f%s\n", any ? " · " : "", h->score, o->color ? ANSI_RESET : "");
  if (h->status_by) fprintf(fp, "   %s %s\n", status_phrase(h->status), h->status_by);
  if (h->snippet && h->snippet[0]) print_snippet(fp, h, o->color);
  if (h->rec.url) fprintf(fp, "   %s\n", h->rec.url);
  if (o->explain && h->explain) fprintf(fp, "   why: %s\n", h->explain);
}

static void print_facets_text(FILE *fp, const query_result *res) {
  for (size_t f = 0; f < res->n_facets; f++) {
    fprintf(fp, "%s:", res->facets[f].name);
    for (size_t i = 0; i < res->facets[f].n; i++)
      fprintf(fp, "%s %s (%llu)", i ? "," : "", res->facets[f].values[i].value,
              (unsigned long long)res->facets[f].values[i].count);
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
  if (res->suggestion && !o->json) fprintf(stderr, "tracuu: did you mean: %s\n", res->suggestion);
  fflush(fp);
  return ferror(fp) ? -1 : 0;
}
