/* tracuu analyze: what the text pipeline makes of a text (for people
 * debugging a search, and for tests); with --file, of the text of an
 * attachment file (PDF, DOCX, ODT, DOC, RTF) as attach/ reads it. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "cli/cli.h"
#include "common/dynbuf.h"
#include "text/text.h"

#define ANALYZE_MAX_INPUT (16u * 1024 * 1024)

typedef struct {
  json_object *tokens, *refs, *dates;
  int json;
} analysis;

static json_object *num(size_t v) { return json_object_new_int64((int64_t)v); }

static const char *kind_name(text_token_kind k) {
  switch (k) {
  case TEXT_TOKEN_WORD: return "word";
  case TEXT_TOKEN_NUMBER: return "number";
  case TEXT_TOKEN_DATE: return "date";
  case TEXT_TOKEN_REF: return "ref";
  }
  return "word";
}

static int on_token(void *ctx, const text_token *t) {
  analysis *an = ctx;
  json_object *o = json_object_new_object();
  json_object_object_add(o, "exact", json_object_new_string_len(t->exact, (int)t->exact_len));
  json_object_object_add(o, "folded", json_object_new_string_len(t->folded, (int)t->folded_len));
  json_object_object_add(o, "pos", num(t->pos));
  json_object_object_add(o, "start", num(t->start));
  json_object_object_add(o, "end", num(t->end));
  json_object_object_add(o, "kind", json_object_new_string(kind_name(t->kind)));
  json_object_object_add(o, "stopword", json_object_new_boolean(text_is_stopword(t->exact, t->exact_len)));
  json_object_array_add(an->tokens, o);
  return 0;
}

static int on_ref(void *ctx, const text_ref *r) {
  analysis *an = ctx;
  json_object *o = json_object_new_object();
  json_object_object_add(o, "text", json_object_new_string(""));
  json_object_object_add(o, "canonical", json_object_new_string(r->canonical));
  json_object_object_add(o, "key", json_object_new_string(r->key));
  json_object_object_add(o, "number", json_object_new_string(r->number));
  json_object_object_add(o, "year", json_object_new_string(r->year));
  json_object_object_add(o, "kind", json_object_new_string(r->kind));
  json_object_object_add(o, "issuer", json_object_new_string(r->issuer));
  json_object_object_add(o, "own", json_object_new_boolean(r->own));
  json_object_object_add(o, "doctype", json_object_new_string(r->doctype));
  json_object_object_add(o, "start", num(r->start));
  json_object_object_add(o, "end", num(r->end));
  json_object_array_add(an->refs, o);
  return 0;
}

static int on_date(void *ctx, const text_date *d) {
  analysis *an = ctx;
  json_object *o = json_object_new_object();
  json_object_object_add(o, "text", json_object_new_string(""));
  json_object_object_add(o, "iso", json_object_new_string(d->iso));
  json_object_object_add(o, "start", num(d->start));
  json_object_object_add(o, "end", num(d->end));
  json_object_array_add(an->dates, o);
  return 0;
}

/* Fills each "text" with the input bytes [start, end). */
static void fill_text(json_object *arr, const char *s) {
  for (size_t i = 0; i < json_object_array_length(arr); i++) {
    json_object *o = json_object_array_get_idx(arr, i), *a, *b;
    json_object_object_get_ex(o, "start", &a);
    json_object_object_get_ex(o, "end", &b);
    size_t from = (size_t)json_object_get_int64(a), to = (size_t)json_object_get_int64(b);
    json_object_object_add(o, "text", json_object_new_string_len(s + from, (int)(to - from)));
  }
}

static void print_human(const analysis *an) {
  for (size_t i = 0; i < json_object_array_length(an->tokens); i++) {
    json_object *o = json_object_array_get_idx(an->tokens, i), *v;
    const char *keys[] = {"pos", "exact", "folded", "kind", "start", "end"};
    for (size_t k = 0; k < 6; k++) {
      json_object_object_get_ex(o, keys[k], &v);
      printf("%s%s", k ? "\t" : "", json_object_get_string(v));
    }
    json_object_object_get_ex(o, "stopword", &v);
    printf("%s\n", json_object_get_boolean(v) ? "\tstopword" : "");
  }
  for (size_t i = 0; i < json_object_array_length(an->refs); i++) {
    json_object *o = json_object_array_get_idx(an->refs, i), *t, *c, *own;
    json_object_object_get_ex(o, "text", &t);
    json_object_object_get_ex(o, "canonical", &c);
    json_object_object_get_ex(o, "own", &own);
    printf("ref\t%s\t%s%s\n", json_object_get_string(t), json_object_get_string(c),
           json_object_get_boolean(own) ? "\town" : "");
  }
  for (size_t i = 0; i < json_object_array_length(an->dates); i++) {
    json_object *o = json_object_array_get_idx(an->dates, i), *t, *iso;
    json_object_object_get_ex(o, "text", &t);
    json_object_object_get_ex(o, "iso", &iso);
    printf("date\t%s\t%s\n", json_object_get_string(t), json_object_get_string(iso));
  }
}

static int read_stdin(dynbuf *b) {
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (dynbuf_append(b, chunk, n) != DYNBUF_OK) return -1;
  return ferror(stdin) ? -1 : 0;
}

static const struct option analyze_options[] = {
    {"json", no_argument, NULL, 'j'}, {"file", required_argument, NULL, 'f'},
    {"no-ocr", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

/* Reads FILE with attach/ (in a limited child) into in; *facts gets what the
 * reader says of it. Returns EXIT_OK, or the exit code after one line. */
static int read_file(const char *path, int ocr, dynbuf *in, json_object **facts) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    cli_error("cannot read %s: %s", path, strerror(errno));
    return EXIT_USAGE;
  }
  dynbuf raw;
  dynbuf_init(&raw, ATTACH_MAX_BYTES);
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (dynbuf_append(&raw, chunk, n) != DYNBUF_OK) break;
  int bad = ferror(f) || dynbuf_status(&raw) != DYNBUF_OK;
  fclose(f);
  if (bad) {
    cli_error("%s: skipped: %s", path, dynbuf_status(&raw) == DYNBUF_TOO_BIG ? "larger than 32 MB" : "read error");
    dynbuf_free(&raw);
    return EXIT_PARTIAL;
  }
  attach_options opt;
  attach_options_default(&opt);
  opt.ocr = ocr;
  opt.reader = cli_attach_reader();
  attach_doc doc;
  char err[256];
  attach_status st = attach_read_contained(raw.data ? raw.data : "", raw.len, path, NULL, &opt,
                                           &doc, err, sizeof err);
  dynbuf_free(&raw);
  if (st != ATTACH_OK) {
    cli_error("%s: skipped: %s: %s", path, attach_strerror(st), err);
    attach_doc_clear(&doc);
    return EXIT_PARTIAL;
  }
  size_t len = 0;
  char *text = attach_doc_text(&doc, &len);
  if (!text || dynbuf_append(in, text, len) != DYNBUF_OK) {
    cli_error("%s: skipped: its text is larger than %u bytes", path, ANALYZE_MAX_INPUT);
    free(text);
    attach_doc_clear(&doc);
    return EXIT_PARTIAL;
  }
  free(text);
  json_object *o = json_object_new_object();
  json_object_object_add(o, "type", json_object_new_string(attach_type_name(doc.type)));
  json_object_object_add(o, "pages", json_object_new_int(doc.pages));
  json_object_object_add(o, "chars", num(doc.chars));
  json_object_object_add(o, "ocr", json_object_new_boolean(doc.ocr_pages > 0));
  json_object_object_add(o, "ocr_pages", json_object_new_int(doc.ocr_pages));
  json_object_object_add(o, "encoding", json_object_new_string(doc.encoding));
  json_object_object_add(o, "note", json_object_new_string(doc.note));
  *facts = o;
  attach_doc_clear(&doc);
  return EXIT_OK;
}

int cmd_analyze(int argc, char **argv) {
  int opt, json = 0, ocr = 1;
  const char *file = NULL;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "jh", analyze_options, NULL)) != -1) {
    switch (opt) {
    case 'j': json = 1; break;
    case 'f': file = optarg; break;
    case 'n': ocr = 0; break;
    case 'h': cli_help("analyze", stdout); return EXIT_OK;
    default: return cli_usage_error("analyze", "jh", argc, argv);
    }
  }
  dynbuf in;
  dynbuf_init(&in, ANALYZE_MAX_INPUT);
  json_object *facts = NULL;
  if (file && optind < argc) {
    cli_error("analyze takes a TEXT or --file FILE, not both; try \"tracuu help analyze\"");
    return EXIT_USAGE;
  }
  if (file) {
    int frc = read_file(file, ocr, &in, &facts);
    if (frc != EXIT_OK) {
      dynbuf_free(&in);
      return frc;
    }
  }
  for (int i = optind; !file && i < argc; i++) {
    if (i > optind) dynbuf_append_byte(&in, ' ');
    dynbuf_append_str(&in, argv[i]);
  }
  if ((!file && optind == argc && read_stdin(&in) != 0) || dynbuf_status(&in) != DYNBUF_OK) {
    cli_error("cannot read the text (at most %u bytes)", ANALYZE_MAX_INPUT);
    dynbuf_free(&in);
    return EXIT_USAGE;
  }
  const char *s = dynbuf_str(&in);
  analysis an = {json_object_new_array(), json_object_new_array(), json_object_new_array(), json};
  text_status st = text_tokenize(s, in.len, on_token, &an);
  if (st == TEXT_OK) st = text_find_refs(s, in.len, on_ref, &an);
  if (st == TEXT_OK) st = text_find_dates(s, in.len, on_date, &an);
  int rc = EXIT_OK;
  if (st != TEXT_OK) {
    cli_error("cannot analyze the text: %s", text_strerror(st));
    rc = EXIT_INTERNAL;
  } else {
    fill_text(an.refs, s);
    fill_text(an.dates, s);
    if (json) {
      json_object *o = json_object_new_object();
      json_object_object_add(o, "tokens", json_object_get(an.tokens));
      json_object_object_add(o, "refs", json_object_get(an.refs));
      json_object_object_add(o, "dates", json_object_get(an.dates));
      if (facts) json_object_object_add(o, "file", json_object_get(facts));
      puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
      json_object_put(o);
    } else {
      if (facts) {
        json_object *t, *p, *c, *op, *e;
        json_object_object_get_ex(facts, "type", &t);
        json_object_object_get_ex(facts, "pages", &p);
        json_object_object_get_ex(facts, "chars", &c);
        json_object_object_get_ex(facts, "ocr_pages", &op);
        json_object_object_get_ex(facts, "encoding", &e);
        printf("file\t%s\t%s pages\t%s by OCR\t%s characters%s%s\n", json_object_get_string(t),
               json_object_get_string(p), json_object_get_string(op), json_object_get_string(c),
               *json_object_get_string(e) ? "\t" : "", json_object_get_string(e));
      }
      print_human(&an);
    }
  }
  json_object_put(an.tokens);
  json_object_put(an.refs);
  json_object_put(an.dates);
  json_object_put(facts);
  dynbuf_free(&in);
  return rc;
}
