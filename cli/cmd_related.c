/* tracuu related: the citation graph around one legal number, as text,
 * JSON Lines or a Graphviz graph. The work is query_related_run's. */
#include <getopt.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/output.h"
#include "query/query.h"
#include "query/render_json.h"


/* How a relation reads from the document asked about. */
static const char *label(const query_related_item *it) {
  static const struct {
    const char *relation, *out, *in;
  } labels[] = {{"basis", "căn cứ", "là căn cứ của"},
                {"amends", "sửa đổi", "bị sửa đổi bởi"},
                {"replaces", "thay thế", "bị thay thế bởi"},
                {"repeals", "bãi bỏ", "bị bãi bỏ bởi"},
                {"implements", "hướng dẫn", "được hướng dẫn bởi"},
                {"cites", "dẫn chiếu", "được dẫn chiếu bởi"}};
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
    if (strcmp(it->relation, labels[i].relation) == 0) return it->incoming ? labels[i].in : labels[i].out;
  return it->relation;
}

static const char *or_dash(const char *s) { return s && s[0] ? s : "-"; }

/* What names a document: its number, else its id (a news page has none). */
static const char *name_of(const query_related_item *it) {
  return it->number ? it->number : it->id ? it->id : "?";
}

/* s, then spaces up to width characters (not bytes: labels are Vietnamese). */
static void padded(FILE *fp, const char *s, size_t width) {
  size_t chars = 0;
  for (const char *p = s; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
  output_str(fp, s, 1);
  for (; chars < width; chars++) fputc(' ', fp);
}

static void print_text(FILE *fp, const query_related *rel, const char *number) {
  size_t i = 0;
  if (rel->n && strcmp(rel->items[0].relation, "self") == 0) {
    const query_related_item *s = &rel->items[0];
    output_str(fp, or_dash(s->number), 1);
    fputs(" · ", fp);
    output_str(fp, or_dash(s->date), 1);
    fputs(" · ", fp);
    output_str(fp, or_dash(s->title), 1);
    fputc('\n', fp);
    i = 1;
  } else {
    output_str(fp, number, 1);
    fputs(" (not in the index)\n", fp);
  }
  for (; i < rel->n; i++) {
    const query_related_item *it = &rel->items[i];
    fputs("  ", fp);
    padded(fp, label(it), 19);
    fputc(' ', fp);
    padded(fp, name_of(it), 20);
    fputc(' ', fp);
    padded(fp, or_dash(it->date), 10);
    fputc(' ', fp);
    output_str(fp, it->title ? it->title : "(not in the index)", 1);
    fputc('\n', fp);
  }
}

static void print_json(FILE *fp, const query_related *rel) {
  for (size_t i = 0; i < rel->n; i++) {
    json_object *o = render_json_related(&rel->items[i]);
    fputs(render_json_text(o), fp);
    fputc('\n', fp);
    json_object_put(o);
  }
}

static void dot_quoted(FILE *fp, const char *s) { output_json_string(fp, s ? s : ""); }

static void dot_node(FILE *fp, const query_related_item *it, const char *fallback, int self) {
  const char *num = it->number || it->id ? name_of(it) : fallback;
  dot_quoted(fp, num);
  char lbl[512];
  snprintf(lbl, sizeof lbl, "%s\n%s", num, it->date ? it->date : "");
  fputs(" [label=", fp);
  dot_quoted(fp, lbl);
  fprintf(fp, "%s];\n", self ? ", style=bold" : it->title ? "" : ", style=dashed");
}

static void print_dot(FILE *fp, const query_related *rel, const char *number) {
  fputs("digraph related {\n  rankdir=LR;\n  node [shape=box];\n", fp);
  const char *self = number;
  size_t i = 0;
  if (rel->n && strcmp(rel->items[0].relation, "self") == 0) {
    self = rel->items[0].number ? rel->items[0].number : number;
    fputs("  ", fp);
    dot_node(fp, &rel->items[0], number, 1);
    i = 1;
  }
  for (; i < rel->n; i++) {
    const query_related_item *it = &rel->items[i];
    fputs("  ", fp);
    dot_node(fp, it, "?", 0);
    fputs("  ", fp);
    dot_quoted(fp, it->incoming ? name_of(it) : self);
    fputs(" -> ", fp);
    dot_quoted(fp, it->incoming ? self : name_of(it));
    fputs(" [label=", fp);
    dot_quoted(fp, it->relation);
    fputs("];\n", fp);
  }
  fputs("}\n", fp);
}

static const struct option related_options[] = {{"db", required_argument, NULL, 'd'},
                                                {"json", no_argument, NULL, 'j'},
                                                {"format", required_argument, NULL, 'f'},
                                                {"limit", required_argument, NULL, 'n'},
                                                {"help", no_argument, NULL, 'h'},
                                                {NULL, 0, NULL, 0}};

enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_DOT };

typedef struct {
  const char *dbs[CLI_MAX_DBS];
  size_t n_dbs;
  int format;
  unsigned limit;
} related_args;

/* -1 usage error, 1 help printed, 0 go on. */
static int parse_flags(int argc, char **argv, related_args *a) {
  int opt;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "d:jf:n:h", related_options, NULL)) != -1) {
    switch (opt) {
    case 'd':
      if (cli_add_db(a->dbs, &a->n_dbs, optarg) != 0) return -1;
      break;
    case 'j': a->format = FORMAT_JSON; break;
    case 'f':
      if (strcmp(optarg, "dot") == 0) a->format = FORMAT_DOT;
      else if (strcmp(optarg, "json") == 0) a->format = FORMAT_JSON;
      else if (strcmp(optarg, "text") == 0) a->format = FORMAT_TEXT;
      else {
        cli_error("--format must be text, json or dot, not \"%s\"", optarg);
        return -1;
      }
      break;
    case 'n':
      if (cli_parse_uint("--limit", optarg, 1000000, &a->limit) != 0) return -1;
      break;
    case 'h': cli_help("related", stdout); return 1;
    default: cli_usage_error("related", "d:jf:n:h", argc, argv); return -1;
    }
  }
  return 0;
}

int cmd_related(int argc, char **argv) {
  related_args a = {.format = FORMAT_TEXT};
  int p = parse_flags(argc, argv, &a);
  if (p) return p > 0 ? EXIT_OK : EXIT_USAGE;
  if (optind != argc - 1) {
    cli_error("related needs one legal NUMBER, e.g. tracuu related 09/CT-UBND");
    return EXIT_USAGE;
  }
  const char *number = argv[optind];
  engine_db *db = NULL;
  int rc = cli_open_db(a.dbs, a.n_dbs, &db);
  if (rc != EXIT_OK) return rc;
  query_related *rel = NULL;
  char err[512] = "";
  engine_status qs = query_related_run(db, number, a.limit, &rel, err, sizeof err);
  switch (qs) {
  case ENGINE_OK:
    if (a.format == FORMAT_JSON) print_json(stdout, rel);
    else if (a.format == FORMAT_DOT) print_dot(stdout, rel, number);
    else print_text(stdout, rel, number);
    if (fflush(stdout) != 0 || ferror(stdout)) {
      cli_error("cannot write the results: %s", strerror(errno));
      rc = EXIT_IO;
    }
    break;
  default: rc = cli_index_error(qs, a.dbs, a.n_dbs, err); break;
  }
  query_related_free(rel);
  engine_db_close(db);
  return rc;
}
