/* tracuu analyze: what the text pipeline makes of a text (for people
 * debugging a search, and for tests). */
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

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
    {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

int cmd_analyze(int argc, char **argv) {
  int opt, json = 0;
  optind = 1;
  while ((opt = getopt_long(argc, argv, "jh", analyze_options, NULL)) != -1) {
    switch (opt) {
    case 'j': json = 1; break;
    case 'h': cli_help("analyze", stdout); return EXIT_OK;
    default: return cli_usage_error("analyze", "jh", argc, argv);
    }
  }
  dynbuf in;
  dynbuf_init(&in, ANALYZE_MAX_INPUT);
  for (int i = optind; i < argc; i++) {
    if (i > optind) dynbuf_append_byte(&in, ' ');
    dynbuf_append_str(&in, argv[i]);
  }
  if ((optind == argc && read_stdin(&in) != 0) || dynbuf_status(&in) != DYNBUF_OK) {
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
      puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
      json_object_put(o);
    } else {
      print_human(&an);
    }
  }
  json_object_put(an.tokens);
  json_object_put(an.refs);
  json_object_put(an.dates);
  dynbuf_free(&in);
  return rc;
}
