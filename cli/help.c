/* The documentation of every subcommand: `tracuu --help`, `tracuu help
 * SUBCMD` and `SUBCMD --help` all print from one table, help_docs.h, which
 * the build generates from the manual pages doc/tracuu-SUBCMD.1.scd (by
 * doc/gen-docs.awk): the help and the man pages cannot disagree. Edit the
 * pages, never the generated table. */
#include <string.h>

#include "cli/cli.h"

typedef struct {
  const char *name;
  const char *synopsis;
  const char *summary;
  const char *options;
  const char *examples;
} command_doc;

#include "help_docs.h" /* static const command_doc docs[] */

static const command_doc *find_doc(const char *name) {
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
    if (strcmp(docs[i].name, name) == 0) return &docs[i];
  return NULL;
}

/* A synopsis of several lines (one per form of the command), its lines
 * after the first lined up under the first. */
static void print_indented(FILE *fp, const char *text, size_t indent) {
  for (const char *line = text; *line;) {
    const char *end = strchr(line, '\n');
    size_t n = end ? (size_t)(end - line) : strlen(line);
    if (line != text) fprintf(fp, "\n%*s", (int)indent, "");
    fwrite(line, 1, n, fp);
    line += n + (end != NULL);
  }
}

int cli_help(const char *subcommand, FILE *fp) {
  if (!subcommand) {
    fputs("usage: tracuu [--version] [--help] COMMAND [ARGS]\n\n"
          "tracuu searches Vietnamese administrative announcements and legal directives.\n\n"
          "Commands:\n",
          fp);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
      fprintf(fp, "  %-9s ", docs[i].name);
      print_indented(fp, docs[i].synopsis, 12);
      fputc('\n', fp);
    }
    fputs("\n\"tracuu help COMMAND\" tells more about one command; \"man tracuu-COMMAND\" tells all.\n", fp);
    return 0;
  }
  const command_doc *d = find_doc(subcommand);
  if (!d) return -1;
  fputs("usage: ", fp);
  print_indented(fp, d->synopsis, strlen("usage: "));
  fprintf(fp, "\n\n%s\n\nOptions:\n%s\nExamples:\n%s", d->summary, d->options, d->examples);
  return 0;
}
