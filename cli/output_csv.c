#include "cli/output_csv.h"

#include <string.h>

#include "cli/output.h"

/* RFC 4180 (a line break stays, inside quotes), and no other control
 * character (output_text): an ESC never reaches whoever cats the file, a
 * lone CR never rewrites a line. */
void csv_field(FILE *fp, const char *s) {
  if (!s) return;
  if (!s[strcspn(s, ",\"\r\n")]) {
    output_str(fp, s, 0);
    return;
  }
  fputc('"', fp);
  for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
    output_text(fp, s, (size_t)(q + 1 - s), 0);
    fputc('"', fp);
  }
  output_str(fp, s, 0);
  fputc('"', fp);
}

static void csv_hit(FILE *fp, const query_hit *h) {
  char rank[24], score[32];
  snprintf(rank, sizeof rank, "%u", h->rank);
  snprintf(score, sizeof score, "%.6g", h->score);
  const char *fields[] = {rank,          h->rec.id,     h->rec.number, h->rec.date, h->rec.type,
                          h->rec.issuer, h->rec.title,  h->rec.url,    score,
                          query_doc_status_name(h->status)};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
    if (i) fputc(',', fp);
    csv_field(fp, fields[i]);
  }
  fputs("\r\n", fp);
}

int output_csv(FILE *fp, const query_result *res) {
  output_say_no_hits(res);
  fputs("rank,id,number,date,type,issuer,title,url,score,status\r\n", fp);
  for (size_t i = 0; i < res->n_hits; i++) csv_hit(fp, &res->hits[i]);
  fflush(fp);
  return ferror(fp) ? -1 : 0;
}
