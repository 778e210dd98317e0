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
#define ANALYZE_JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define ANALYZE_MAX_KEYS 11

/* The output is printed as the pipeline finds each item, never gathered: a
 * large text used to become a tree of millions of json-c objects (about 1 GB
 * for 5 MB of text) before a byte was printed. For --json, each list reuses
 * one object whose values are set in place and which json-c serializes, so
 * the bytes are json-c's own (and half the CPU of a new object per item). */
typedef struct {
  json_object *obj;                 /* owns the values below */
  const char *const *keys;          /* obj's keys, in order */
  json_object *v[ANALYZE_MAX_KEYS]; /* borrowed: obj's values, in key order */
} item;

typedef struct {
  const char *s; /* the text: refs and dates print their bytes [start, end) */
  int json;
  int lists;     /* JSON lists opened so far */
  size_t n;      /* items printed so far in the current JSON list */
  int out_errno; /* errno of the failed write to stdout, or 0 */
  int nomem;     /* json-c ran out of memory (sticky: checked once a list) */
  item it;       /* the current list's reusable object (--json) */
} analysis;

/* Makes *it an object of the given keys, types[i] 's' (string), 'i'
 * (integer) or 'b' (boolean) for keys[i]. Returns 0, or -1 out of memory. */
static int item_init(item *it, const char *const *keys, const char *types) {
  it->obj = json_object_new_object();
  it->keys = keys;
  for (size_t i = 0; it->obj && types[i]; i++) {
    it->v[i] = types[i] == 's'   ? json_object_new_string("")
               : types[i] == 'i' ? json_object_new_int64(0)
                                 : json_object_new_boolean(0);
    if (!it->v[i] || json_object_object_add(it->obj, keys[i], it->v[i]) != 0) {
      json_object_put(it->v[i]);
      json_object_put(it->obj);
      it->obj = NULL;
    }
  }
  return it->obj ? 0 : -1;
}

static void item_clear(item *it) {
  json_object_put(it->obj);
  it->obj = NULL;
}

/* Set value k of the current item; a failure sticks in an->nomem.
 * json-c 0.16 forgets a string's own buffer when the string is set to ""
 * (its issue #780: the buffer leaks at the next longer string), so "" is a
 * new empty string in place of the value instead. */
static void set_str(analysis *an, size_t k, const char *s, size_t len) {
  item *it = &an->it;
  if (len > 0) {
    if (!json_object_set_string_len(it->v[k], s, (int)len)) an->nomem = 1;
    return;
  }
  if (json_object_get_string_len(it->v[k]) == 0) return; /* already a new "" */
  json_object *v = json_object_new_string("");
  if (!v || json_object_object_add(it->obj, it->keys[k], v) != 0) {
    json_object_put(v);
    an->nomem = 1;
    return;
  }
  it->v[k] = v; /* the old value was freed by the object */
}

static void set_cstr(analysis *an, size_t k, const char *s) { set_str(an, k, s, strlen(s)); }

static void set_num(analysis *an, size_t k, size_t v) {
  if (!json_object_set_int64(an->it.v[k], (int64_t)v)) an->nomem = 1;
}

static void set_bool(analysis *an, size_t k, int v) {
  if (!json_object_set_boolean(an->it.v[k], v)) an->nomem = 1;
}

/* Returns non-zero (stop) once stdout has failed: the rest would be lost
 * too. Keeps the write's errno for the message. */
static int out_failed(analysis *an) {
  if (!ferror(stdout)) return 0;
  an->out_errno = errno ? errno : EIO;
  return 1;
}

/* Prints the current item of a JSON list; non-zero (stop) once stdout has
 * failed or json-c ran out of memory. */
static int print_item(analysis *an) {
  const char *j = an->nomem ? NULL : json_object_to_json_string_ext(an->it.obj, ANALYZE_JSON_FLAGS);
  if (!j) {
    an->nomem = 1;
    return 1;
  }
  if (an->n++) putchar(',');
  fputs(j, stdout);
  return out_failed(an);
}

static const char *kind_name(text_token_kind k) {
  switch (k) {
  case TEXT_TOKEN_WORD: return "word";
  case TEXT_TOKEN_NUMBER: return "number";
  case TEXT_TOKEN_DATE: return "date";
  case TEXT_TOKEN_REF: return "ref";
  }
  return "word";
}

static const char *const token_keys[] = {"exact", "folded", "pos",     "start",
                                         "end",   "kind",   "stopword"};
static const char token_types[] = "ssiiisb";

static int on_token(void *ctx, const text_token *t) {
  analysis *an = ctx;
  int stop = text_is_stopword(t->exact, t->exact_len);
  if (!an->json) {
    printf("%zu\t%.*s\t%.*s\t%s\t%zu\t%zu%s\n", (size_t)t->pos, (int)t->exact_len, t->exact,
           (int)t->folded_len, t->folded, kind_name(t->kind), t->start, t->end,
           stop ? "\tstopword" : "");
    return out_failed(an);
  }
  set_str(an, 0, t->exact, t->exact_len);
  set_str(an, 1, t->folded, t->folded_len);
  set_num(an, 2, t->pos);
  set_num(an, 3, t->start);
  set_num(an, 4, t->end);
  set_cstr(an, 5, kind_name(t->kind));
  set_bool(an, 6, stop);
  return print_item(an);
}

static const char *const ref_keys[] = {"text",   "canonical", "key",     "number", "year", "kind",
                                       "issuer", "own",       "doctype", "start",  "end"};
static const char ref_types[] = "sssssssbsii";

static int on_ref(void *ctx, const text_ref *r) {
  analysis *an = ctx;
  if (!an->json) {
    printf("ref\t%.*s\t%s%s\n", (int)(r->end - r->start), an->s + r->start, r->canonical,
           r->own ? "\town" : "");
    return out_failed(an);
  }
  set_str(an, 0, an->s + r->start, r->end - r->start);
  set_cstr(an, 1, r->canonical);
  set_cstr(an, 2, r->key);
  set_cstr(an, 3, r->number);
  set_cstr(an, 4, r->year);
  set_cstr(an, 5, r->kind);
  set_cstr(an, 6, r->issuer);
  set_bool(an, 7, r->own);
  set_cstr(an, 8, r->doctype);
  set_num(an, 9, r->start);
  set_num(an, 10, r->end);
  return print_item(an);
}

static const char *const date_keys[] = {"text", "iso", "start", "end"};
static const char date_types[] = "ssii";

static int on_date(void *ctx, const text_date *d) {
  analysis *an = ctx;
  if (!an->json) {
    printf("date\t%.*s\t%s\n", (int)(d->end - d->start), an->s + d->start, d->iso);
    return out_failed(an);
  }
  set_str(an, 0, an->s + d->start, d->end - d->start);
  set_cstr(an, 1, d->iso);
  set_num(an, 2, d->start);
  set_num(an, 3, d->end);
  return print_item(an);
}

/* Closes the JSON list before (if any) and opens the list KEY with a reusable
 * object of the given keys. Returns TEXT_OK or TEXT_NOMEM. */
static text_status open_list(analysis *an, const char *key, const char *const *keys,
                             const char *types) {
  item_clear(&an->it);
  if (!an->json) return TEXT_OK;
  printf("%s\"%s\":[", an->lists++ ? "]," : "{", key);
  an->n = 0;
  return item_init(&an->it, keys, types) == 0 ? TEXT_OK : TEXT_NOMEM;
}

/* Prints the analysis of s[0..len) as it is made. Returns TEXT_STOPPED when
 * stdout failed (*out_errno says why), else as text_tokenize. */
static text_status analyze(const char *s, size_t len, int json, json_object *facts,
                           int *out_errno /* OUT */) {
  analysis an = {.s = s, .json = json};
  text_status st = TEXT_OK;
  if (facts && !json) {
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
  if (st == TEXT_OK) st = open_list(&an, "tokens", token_keys, token_types);
  if (st == TEXT_OK) st = text_tokenize(s, len, on_token, &an);
  if (st == TEXT_OK) st = open_list(&an, "refs", ref_keys, ref_types);
  if (st == TEXT_OK) st = text_find_refs(s, len, on_ref, &an);
  if (st == TEXT_OK) st = open_list(&an, "dates", date_keys, date_types);
  if (st == TEXT_OK) st = text_find_dates(s, len, on_date, &an);
  item_clear(&an.it);
  if (an.nomem) st = TEXT_NOMEM;
  *out_errno = an.out_errno;
  if (st == TEXT_OK && json) {
    const char *f = facts ? json_object_to_json_string_ext(facts, ANALYZE_JSON_FLAGS) : "";
    if (!f) return TEXT_NOMEM;
    printf("]%s%s}\n", facts ? ",\"file\":" : "", f); /* "]" ends the last list */
  }
  return st;
}

static int read_stdin(dynbuf *b) {
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
    if (dynbuf_append(b, chunk, n) != DYNBUF_OK) return -1;
  return ferror(stdin) ? -1 : 0;
}

static const struct option analyze_options[] = {{"json", no_argument, NULL, 'j'},
                                                {"file", required_argument, NULL, 'f'},
                                                {"no-ocr", no_argument, NULL, 'n'},
                                                {"help", no_argument, NULL, 'h'},
                                                {NULL, 0, NULL, 0}};

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
    cli_error("%s: skipped: %s", path,
              dynbuf_status(&raw) == DYNBUF_TOO_BIG ? "larger than 32 MB" : "read error");
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
  json_object_object_add(o, "chars", json_object_new_int64((int64_t)doc.chars));
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
  int out_errno = 0;
  text_status st = analyze(dynbuf_str(&in), in.len, json, facts, &out_errno);
  int rc = EXIT_OK;
  if (st == TEXT_STOPPED) {
    cli_error("cannot write to standard output: %s", strerror(out_errno));
    rc = EXIT_IO;
  } else if (st != TEXT_OK) {
    cli_error("cannot analyze the text: %s", text_strerror(st));
    rc = EXIT_INTERNAL;
  }
  json_object_put(facts);
  dynbuf_free(&in);
  return rc;
}
