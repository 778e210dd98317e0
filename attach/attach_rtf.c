/* attach_rtf.c: the text of an RTF file.
 *
 * RTF is a stream of groups {...}, control words (\par, \u7879, \'e2) and
 * text. Kept: text, \'hh bytes (windows-1252 here; the legacy rescue turns a
 * TCVN3 or VNI font's bytes into Vietnamese afterwards), \uN characters
 * (skipping the \ucN fallback characters after each), paragraph, line, tab,
 * cell and page breaks, a few named characters. Skipped: destinations that
 * hold no text of the document (font and colour tables, style sheets, info,
 * pictures, objects, field instructions, headers and footers, and every
 * "\*" destination), \binN data. Nesting deeper than RTF_MAX_DEPTH shares
 * the deepest state. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach_internal.h"
#include "common/dynbuf.h"

#define RTF_MAX_DEPTH 256
#define RTF_MAX_WORD 32

typedef struct {
  unsigned char skip; /* this group's text is not the document's */
  unsigned char uc;   /* fallback characters after \uN */
} rtf_state;

typedef struct {
  const unsigned char *s;
  size_t len, p;
  rtf_state st[RTF_MAX_DEPTH];
  size_t depth;       /* real depth; st[min(depth, MAX-1)] is the state */
  size_t pending_skip;/* fallback characters still to skip after \uN */
  dynbuf out;
} rtf;

static rtf_state *cur(rtf *r) {
  return &r->st[r->depth < RTF_MAX_DEPTH ? r->depth : RTF_MAX_DEPTH - 1];
}

static void put_cp(rtf *r, long cp) {
  if (cur(r)->skip) return;
  char u8[4];
  size_t n;
  if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) u8[0] = (char)cp, n = 1;
  else if (cp < 0x800) u8[0] = (char)(0xC0 | (cp >> 6)), u8[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
  else if (cp < 0x10000)
    u8[0] = (char)(0xE0 | (cp >> 12)), u8[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
    u8[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
  else
    u8[0] = (char)(0xF0 | (cp >> 18)), u8[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
    u8[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u8[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
  dynbuf_append(&r->out, u8, n);
}

/* A byte of text: windows-1252 (the rescue re-reads legacy fonts later). */
static void put_byte(rtf *r, unsigned char b) {
  static const uint16_t HIGH[32] = {
      0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
  if (r->pending_skip) { r->pending_skip--; return; }
  put_cp(r, (b >= 0x80 && b < 0xA0) ? HIGH[b - 0x80] : b);
}

static int word_is(const char *w, const char *const *list) {
  for (; *list; list++)
    if (strcmp(w, *list) == 0) return 1;
  return 0;
}

static void control_word(rtf *r, const char *w, int has_arg, long arg) {
  static const char *const SKIP[] = {
      "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "fldinst", "header",
      "headerl", "headerr", "headerf", "footer", "footerl", "footerr", "footerf", "listtable",
      "listoverridetable", "rsidtbl", "xmlnstbl", "themedata", "datastore", "latentstyles",
      "nonshppict", "filetbl", "revtbl", "pgdsctbl", "sp", "ftnsep", "ftnsepc", NULL};
  if (word_is(w, SKIP)) { cur(r)->skip = 1; return; }
  if (strcmp(w, "uc") == 0) { cur(r)->uc = (unsigned char)(has_arg && arg >= 0 && arg < 16 ? arg : 1); return; }
  if (strcmp(w, "u") == 0 && has_arg) {
    if (r->pending_skip) r->pending_skip = 0;
    put_cp(r, arg < 0 ? arg + 65536 : arg);
    r->pending_skip = cur(r)->uc;
    return;
  }
  if (strcmp(w, "bin") == 0 && has_arg && arg > 0) {
    size_t n = (size_t)arg;
    r->p = n > r->len - r->p ? r->len : r->p + n;
    return;
  }
  const char *put = NULL;
  long cp = -1;
  if (!strcmp(w, "par") || !strcmp(w, "line") || !strcmp(w, "row") || !strcmp(w, "sect")) put = "\n";
  else if (!strcmp(w, "page")) put = "\f";
  else if (!strcmp(w, "tab") || !strcmp(w, "cell")) put = "\t";
  else if (!strcmp(w, "emdash")) cp = 0x2014;
  else if (!strcmp(w, "endash")) cp = 0x2013;
  else if (!strcmp(w, "lquote")) cp = 0x2018;
  else if (!strcmp(w, "rquote")) cp = 0x2019;
  else if (!strcmp(w, "ldblquote")) cp = 0x201C;
  else if (!strcmp(w, "rdblquote")) cp = 0x201D;
  else if (!strcmp(w, "bullet")) cp = 0x2022;
  if (put && !cur(r)->skip) dynbuf_append(&r->out, put, 1);
  if (cp >= 0) put_cp(r, cp);
}

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = (unsigned char)tolower(c);
  return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* After a backslash at r->p - 1. */
static void control(rtf *r) {
  if (r->p >= r->len) return;
  unsigned char c = r->s[r->p];
  if (isalpha(c)) {
    char w[RTF_MAX_WORD + 1];
    size_t n = 0;
    while (r->p < r->len && isalpha(r->s[r->p])) {
      if (n < RTF_MAX_WORD) w[n++] = (char)r->s[r->p];
      r->p++;
    }
    w[n] = '\0';
    int has_arg = 0, neg = 0;
    long arg = 0;
    if (r->p < r->len && r->s[r->p] == '-') neg = 1, r->p++;
    while (r->p < r->len && isdigit(r->s[r->p])) {
      if (arg < 100000000) arg = arg * 10 + (r->s[r->p] - '0');
      has_arg = 1;
      r->p++;
    }
    if (neg) arg = -arg;
    if (r->p < r->len && r->s[r->p] == ' ') r->p++;
    control_word(r, w, has_arg, arg);
    return;
  }
  r->p++;
  switch (c) {
    case '\'': {
      int hi = r->p < r->len ? hexval(r->s[r->p]) : -1;
      int lo = r->p + 1 < r->len ? hexval(r->s[r->p + 1]) : -1;
      if (hi >= 0 && lo >= 0) {
        r->p += 2;
        if (!cur(r)->skip) put_byte(r, (unsigned char)(hi * 16 + lo));
      }
      break;
    }
    case '*': cur(r)->skip = 1; break;
    case '~': put_cp(r, 0xA0); break;
    case '_': put_cp(r, '-'); break;
    case '\n': case '\r': if (!cur(r)->skip) dynbuf_append(&r->out, "\n", 1); break;
    case '\\': case '{': case '}': if (!cur(r)->skip) put_byte(r, c); break;
    default: break; /* \- optional hyphen, \| \: ... */
  }
}

attach_status ax_read_rtf(const char *data, size_t len, ax_out *o, char *err, size_t errlen) {
  rtf *r = calloc(1, sizeof *r);
  if (!r) return ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  r->s = (const unsigned char *)data;
  r->len = len;
  r->st[0].uc = 1;
  dynbuf_init(&r->out, o->opt->max_chars + 16);
  while (r->p < r->len && dynbuf_status(&r->out) == DYNBUF_OK) {
    unsigned char c = r->s[r->p++];
    if (c == '{') {
      rtf_state s = *cur(r);
      r->depth++;
      *cur(r) = s;
      r->pending_skip = 0;
    } else if (c == '}') {
      if (r->depth) r->depth--;
      r->pending_skip = 0;
    } else if (c == '\\') {
      control(r);
    } else if (c == '\r' || c == '\n') {
      continue;
    } else if (!cur(r)->skip) {
      put_byte(r, c);
    }
  }
  attach_status st = ATTACH_OK;
  if (dynbuf_status(&r->out) == DYNBUF_NOMEM) st = ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  else if (ax_add_paged(o, r->out.data ? r->out.data : "", r->out.len) < 0)
    st = ax_fail(ATTACH_NOMEM, err, errlen, "out of memory");
  o->doc->pages = (int)o->doc->n_page;
  dynbuf_free(&r->out);
  free(r);
  return st;
}
