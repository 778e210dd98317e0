/* bench_relevance: does tracuu find the article a question is about?
 *
 *   bench_relevance [--shared DIR] [--set 2022|2023|all] [--reuse DIR] [--reindex]
 *                   [--title heading|none] [--verbose] [--k1 X] [--b X] [--tracuu-only]
 *
 * ALQAC gives law articles and questions, each with the article(s) that
 * answer it: 2022 has 1,377 articles and 520 questions with one relevant
 * article each, 2023 has 2,249 articles and 100 questions with one or more.
 * For each set, in one process and on the same articles:
 *   tracuu             the indexer, then query_run (sort relevance, limit 10);
 *   plain Xapian BM25  what omindex gives (searchers.h);
 *   SQLite FTS5        unicode61 remove_diacritics 2, the words OR-ed, bm25().
 * Every question is asked twice: as written, and with every diacritic
 * stripped and đ -> d (text_normalize with fold = 1, which also lower-cases).
 *
 * Figures, averaged over the questions:
 *   R@k     the share of a question's relevant articles in the top k
 *           (with one relevant article: 1 if it is there, else 0);
 *   MRR@10  1 / the rank of the first relevant article, 0 past rank 10.
 * Then the ratios the issue sets bars for: tracuu MRR@10 / the best anchor's
 * (bar 1.05, goal 1.10) and tracuu stripped / accented (bar 0.95).
 *
 * Records. id = law_id + "#" + article_id, body = the article text. With
 * --title heading (the default) the first line is the title and the rest the
 * body when that line is a heading: the text goes on after it, it is at most
 * HEADING_MAX bytes, it does not start with a digit (a numbered clause) and
 * does not end like a sentence (. ; : ! ?). No ALQAC article starts with
 * "Điều N."; the first line is the heading's text itself ("Phạm vi điều
 * chỉnh"), except in the Constitution, whose articles are prose. --title none
 * indexes the whole text as the body. The anchors always index the whole text.
 *
 * Indexes go to a temporary directory removed at the end, or with --reuse DIR
 * to DIR/alqac<year>/, where a later run with --reuse finds and keeps them
 * (searchers.h says how): re-running after a change to query/ takes seconds.
 * After a change to the indexer, pass --reindex.
 *
 * --verbose prints tracuu's misses (relevant article not first): the
 * question, the expected article(s), the rank found and the top 3.
 * --k1 and --b set BM25's parameters of the plain Xapian anchor only: tracuu's
 * query_request has no BM25 fields. --tracuu-only skips the anchors (whose
 * figures no change to query/ can move) and so the ratios: the quickest loop
 * while tuning tracuu's ranking.
 *
 * The run is deterministic: same data, same code, same figures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/corpus.h"
#include "bench/searchers.h"
#include "bench/stats.h"
#include "text/text.h"

#ifndef TRACUU_SHARED_DIR
#define TRACUU_SHARED_DIR "../shared"
#endif

#define TOP_K 10
/* Longest first line taken as a heading (bytes); the longest ALQAC heading
 * is about 330. */
#define HEADING_MAX 400

enum { N_KINDS = 3, N_FORMS = 2 }; /* searchers; questions as written / stripped */
static const searcher_kind kinds[N_KINDS] = {SEARCHER_TRACUU, SEARCHER_XAPIAN, SEARCHER_FTS5};
static const char *const form_names[N_FORMS] = {"as written", "accents stripped"};

typedef struct {
  const char *shared;
  const char *reuse; /* NULL: a temporary directory */
  int reindex;
  int years;         /* bit 0: 2022, bit 1: 2023 */
  int titles;        /* 1: split the heading off as the title */
  int verbose;
  int n_kinds;       /* 1 with --tracuu-only, else N_KINDS */
  double k1, b;      /* 0 = default */
} options;

/* ------------------------------------------------------------------ */
/* Options                                                              */
/* ------------------------------------------------------------------ */

static void usage(FILE *f) {
  fprintf(f,
          "usage: bench_relevance [--shared DIR] [--set 2022|2023|all] [--reuse DIR] [--reindex]\n"
          "                       [--title heading|none] [--verbose] [--k1 X] [--b X] [--tracuu-only]\n"
          "  --shared DIR    the shared data folder (default %s)\n"
          "  --set SET       which ALQAC set (default all)\n"
          "  --reuse DIR     keep the indexes in DIR and reuse them on the next run\n"
          "  --reindex       rebuild the indexes in DIR even if they look current\n"
          "  --title MODE    heading: an article's first line is its title (default);\n"
          "                  none: the whole article is the body\n"
          "  --verbose       print tracuu's misses (question, expected, rank, top 3)\n"
          "  --k1 X, --b X   BM25 parameters of the plain Xapian anchor (query_request\n"
          "                  has no BM25 fields, so tracuu keeps its own)\n"
          "  --tracuu-only   skip the anchors and the ratios (quick re-runs while tuning)\n",
          TRACUU_SHARED_DIR);
}

static int parse_number(const char *s, double lo, double hi, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !(v >= lo && v <= hi)) return -1;
  *out = v;
  return 0;
}

/* One option with a value; returns 0, or -1 when the value is bad. */
static int set_option(options *o, const char *name, const char *value) {
  if (strcmp(name, "--shared") == 0) o->shared = value;
  else if (strcmp(name, "--reuse") == 0) o->reuse = value;
  else if (strcmp(name, "--set") == 0) {
    o->years = strcmp(value, "2022") == 0 ? 1 : strcmp(value, "2023") == 0 ? 2
               : strcmp(value, "all") == 0 ? 3 : 0;
    return o->years ? 0 : -1;
  } else if (strcmp(name, "--title") == 0) {
    o->titles = strcmp(value, "heading") == 0 ? 1 : strcmp(value, "none") == 0 ? 0 : -1;
    return o->titles >= 0 ? 0 : -1;
  } else if (strcmp(name, "--k1") == 0) return parse_number(value, 0.001, 100, &o->k1);
  else if (strcmp(name, "--b") == 0) return parse_number(value, 0.001, 1, &o->b);
  else return -1;
  return 0;
}

/* Returns 0 to run, 1 to exit successfully (--help), -1 on a usage error. */
static int parse_args(int argc, char **argv, options *o) {
  static const char *const with_value[] = {"--shared", "--reuse", "--set", "--title", "--k1", "--b"};
  *o = (options){.shared = TRACUU_SHARED_DIR, .years = 3, .titles = 1, .n_kinds = N_KINDS};
  for (int i = 1; i < argc; i++) {
    int takes = 0;
    for (size_t j = 0; j < sizeof with_value / sizeof *with_value; j++)
      takes |= strcmp(argv[i], with_value[j]) == 0;
    if (takes && i + 1 < argc && set_option(o, argv[i], argv[i + 1]) == 0) {
      i++;
    } else if (strcmp(argv[i], "--reindex") == 0) {
      o->reindex = 1;
    } else if (strcmp(argv[i], "--verbose") == 0) {
      o->verbose = 1;
    } else if (strcmp(argv[i], "--tracuu-only") == 0) {
      o->n_kinds = 1;
    } else if (strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 1;
    } else {
      fprintf(stderr, "bench_relevance: bad argument \"%s\"%s\n", argv[i],
              takes ? " (or its value)" : "");
      usage(stderr);
      return -1;
    }
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* The data                                                             */
/* ------------------------------------------------------------------ */

/* The length of the heading that starts text, or 0 when the first line is
 * not a heading (see the top of the file). */
static size_t heading_length(const char *text) {
  const char *nl = strchr(text, '\n');
  if (!nl || nl == text || (size_t)(nl - text) > HEADING_MAX) return 0;
  size_t n = (size_t)(nl - text);
  while (n > 0 && strchr(" \t\r", text[n - 1])) n--;
  if (n == 0 || (text[0] >= '0' && text[0] <= '9') || strchr(".;:!?", text[n - 1])) return 0;
  return n;
}

/* Splits the heading of each article off into its title. Returns how many
 * articles had one, or -1 when out of memory (docs are then as they were
 * up to the failing one, which is untouched). */
static long split_headings(corpus_docs *docs) {
  long n = 0;
  for (size_t i = 0; i < docs->count; i++) {
    record *r = &docs->docs[i].rec;
    size_t len = r->body ? heading_length(r->body) : 0;
    if (len == 0 || r->title) continue;
    const char *rest = r->body + len;
    rest += strspn(rest, " \t\r\n");
    char *title = strndup(r->body, len), *body = strdup(rest);
    if (!title || !body) {
      free(title);
      free(body);
      return -1;
    }
    free(r->body);
    r->title = title;
    r->body = body;
    n++;
  }
  return n;
}

/* The positions in docs of a question's relevant articles (SIZE_MAX for a
 * pair that names no loaded article). */
typedef struct {
  const corpus_question *q;
  size_t *relevant;
  char *stripped; /* the text without diacritics */
} judged;

static size_t find_article(const corpus_docs *docs, const corpus_article_ref *ref) {
  for (size_t i = 0; i < docs->count; i++)
    if (strcmp(docs->docs[i].law_id, ref->law_id) == 0 &&
        strcmp(docs->docs[i].article_id, ref->article_id) == 0)
      return i;
  return SIZE_MAX;
}

static void judged_free(judged *j, size_t n) {
  for (size_t i = 0; j && i < n; i++) {
    free(j[i].relevant);
    free(j[i].stripped);
  }
  free(j);
}

/* Resolves every question's relevant articles and strips its accents.
 * *missing counts the relevant pairs that name no article. NULL on error. */
static judged *judge(const corpus_docs *docs, const corpus_questions *qs, size_t *missing) {
  judged *j = calloc(qs->count ? qs->count : 1, sizeof *j);
  int ok = j != NULL;
  *missing = 0;
  for (size_t i = 0; ok && i < qs->count; i++) {
    const corpus_question *q = &qs->items[i];
    j[i].q = q;
    j[i].relevant = calloc(q->n_relevant ? q->n_relevant : 1, sizeof *j[i].relevant);
    ok = j[i].relevant && text_normalize(q->text, strlen(q->text), 1, &j[i].stripped, NULL) ==
                              TEXT_OK;
    for (size_t r = 0; ok && r < q->n_relevant; r++) {
      j[i].relevant[r] = find_article(docs, &q->relevant[r]);
      *missing += j[i].relevant[r] == SIZE_MAX;
    }
  }
  if (!ok) {
    fprintf(stderr, "bench_relevance: out of memory (or ICU failed) preparing the questions\n");
    judged_free(j, qs->count);
    return NULL;
  }
  return j;
}

/* ------------------------------------------------------------------ */
/* Scoring                                                              */
/* ------------------------------------------------------------------ */

typedef struct {
  double r1, r10, mrr; /* means over the questions */
  size_t refused;      /* questions the engine would not run */
  stats_samples ms;    /* per question, milliseconds */
} figures;

/* The rank (1-based) of the first relevant hit, 0 if none; *at1, *at10 get
 * the shares of the relevant articles in the top 1 and the top 10. */
static size_t score_hits(const judged *j, const size_t *hits, size_t n, double *at1,
                         double *at10) {
  size_t first = 0, in1 = 0, in10 = 0;
  for (size_t h = 0; h < n; h++)
    for (size_t r = 0; r < j->q->n_relevant; r++) {
      if (hits[h] != j->relevant[r]) continue;
      in10++;
      in1 += h == 0;
      if (!first) first = h + 1;
    }
  *at1 = (double)in1 / (double)j->q->n_relevant;
  *at10 = (double)in10 / (double)j->q->n_relevant;
  return first;
}

static void print_miss(const corpus_docs *docs, const judged *j, const char *text, size_t rank,
                       const size_t *hits, size_t n) {
  printf("  %s: %s\n    expected:", j->q->id, text);
  for (size_t r = 0; r < j->q->n_relevant; r++)
    printf(" %s#%s", j->q->relevant[r].law_id, j->q->relevant[r].article_id);
  if (rank)
    printf(" (found at rank %zu)\n", rank);
  else
    printf(" (not in the top %d)\n", TOP_K);
  for (size_t h = 0; h < n && h < 3; h++) {
    const record *r = &docs->docs[hits[h]].rec;
    printf("    %zu. %s  %s\n", h + 1, r->id, r->title ? r->title : "");
  }
}

/* Asks every question (in the given form) of one searcher. */
static int evaluate(searcher *s, int verbose, const corpus_docs *docs, const judged *js, size_t n,
                    int form, figures *f) {
  size_t hits[TOP_K];
  char err[512];
  for (size_t i = 0; i < n; i++) {
    const char *text = form == 0 ? js[i].q->text : js[i].stripped;
    size_t n_hits = 0;
    double t0 = stats_now();
    int rc = searcher_run(s, text, TOP_K, hits, &n_hits, err, sizeof err);
    double ms = (stats_now() - t0) * 1e3;
    if (rc < 0) {
      fprintf(stderr, "bench_relevance: question %s: %s\n", js[i].q->id, err);
      return -1;
    }
    if (stats_samples_add(&f->ms, ms) != 0) {
      fprintf(stderr, "bench_relevance: out of memory\n");
      return -1;
    }
    f->refused += rc == 1;
    double at1, at10;
    size_t rank = score_hits(&js[i], hits, n_hits, &at1, &at10);
    f->r1 += at1;
    f->r10 += at10;
    f->mrr += rank ? 1.0 / (double)rank : 0.0;
    if (verbose && rank != 1) print_miss(docs, &js[i], text, rank, hits, n_hits);
  }
  if (n) {
    f->r1 /= (double)n;
    f->r10 /= (double)n;
    f->mrr /= (double)n;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* One ALQAC set                                                        */
/* ------------------------------------------------------------------ */

typedef struct {
  char dir[1024];
  char path[N_KINDS][1100];
} set_paths;

static int make_paths(const char *base, int year, int titles, set_paths *p) {
  int n = snprintf(p->dir, sizeof p->dir, "%s/alqac%d", base, year);
  if (n < 0 || (size_t)n >= sizeof p->dir) return -1;
  if (mkdir(p->dir, 0777) != 0 && errno != EEXIST) return -1;
  snprintf(p->path[0], sizeof p->path[0], "%s/tracuu-%s", p->dir, titles ? "heading" : "notitle");
  snprintf(p->path[1], sizeof p->path[1], "%s/xapian", p->dir);
  snprintf(p->path[2], sizeof p->path[2], "%s/fts5.db", p->dir);
  return 0;
}

/* Builds (or keeps) the three indexes and asks every question of each. */
static int run_engines(const options *o, const set_paths *p, const corpus_docs *docs,
                       const judged *js, size_t n, figures f[N_KINDS][N_FORMS]) {
  char err[512];
  searcher_opts so;
  searcher_opts_init(&so);
  so.sort = QUERY_SORT_RELEVANCE;
  so.bm25_k1 = o->k1;
  so.bm25_b = o->b;
  for (int k = 0; k < o->n_kinds; k++) {
    int built = 0;
    double t0 = stats_now();
    if (searcher_build(kinds[k], p->path[k], docs, o->reuse && !o->reindex, &built, err,
                       sizeof err) != 0) {
      fprintf(stderr, "bench_relevance: indexing with %s into %s: %s\n", searcher_name(kinds[k]),
              p->path[k], err);
      return -1;
    }
    if (built) printf("  indexed with %-18s in %.2f s\n", searcher_name(kinds[k]), stats_now() - t0);
    else printf("  reused %s\n", p->path[k]);
    searcher *s;
    if (searcher_open(kinds[k], p->path[k], docs, &so, &s, err, sizeof err) != 0) {
      fprintf(stderr, "bench_relevance: opening %s: %s\n", p->path[k], err);
      return -1;
    }
    int rc = 0;
    for (int form = 0; rc == 0 && form < N_FORMS; form++) {
      int verbose = o->verbose && kinds[k] == SEARCHER_TRACUU;
      if (verbose) printf("\n  tracuu misses, questions %s:\n", form_names[form]);
      rc = evaluate(s, verbose, docs, js, n, form, &f[k][form]);
    }
    searcher_close(s);
    if (rc != 0) return -1;
  }
  return 0;
}

static void print_table(const char *title, figures f[N_KINDS][N_FORMS], int n_kinds) {
  printf("\n%s\n", title);
  printf("%-20s | %-26s | %-26s | %s\n", "", form_names[0], form_names[1], "ms/question");
  printf("%-20s | %7s %7s %9s | %7s %7s %9s | %5s %6s\n", "", "R@1", "R@10", "MRR@10", "R@1",
         "R@10", "MRR@10", "p50", "p99");
  for (int k = 0; k < n_kinds; k++) {
    printf("%-20s |", searcher_name(kinds[k]));
    for (int form = 0; form < N_FORMS; form++)
      printf(" %7.3f %7.3f %9.3f |", f[k][form].r1, f[k][form].r10, f[k][form].mrr);
    printf(" %5.2f %6.2f", stats_quantile(&f[k][0].ms, 0.5), stats_quantile(&f[k][0].ms, 0.99));
    size_t refused = f[k][0].refused + f[k][1].refused;
    if (refused) printf("  (%zu questions refused)", refused);
    printf("\n");
  }
}

static const char *verdict(double ratio, double bar, double goal) {
  return ratio >= goal ? "goal met" : ratio >= bar ? "bar met" : "BELOW the bar";
}

/* tracuu's MRR@10 with the accents stripped over the one as written. */
static double strip_ratio(figures f[N_KINDS][N_FORMS]) {
  return f[0][0].mrr > 0 ? f[0][1].mrr / f[0][0].mrr : 0;
}

static void print_ratios(figures f[N_KINDS][N_FORMS]) {
  for (int form = 0; form < N_FORMS; form++) {
    int best = 1;
    for (int k = 2; k < N_KINDS; k++)
      if (f[k][form].mrr > f[best][form].mrr) best = k;
    double ratio = f[best][form].mrr > 0 ? f[0][form].mrr / f[best][form].mrr : 0;
    printf("tracuu MRR@10 / best anchor (%s, %.3f), %s: %.3fx (bar 1.05, goal 1.10: %s)\n",
           searcher_name(kinds[best]), f[best][form].mrr, form_names[form], ratio,
           verdict(ratio, 1.05, 1.10));
  }
  double strip = strip_ratio(f);
  printf("tracuu MRR@10 accents stripped / as written: %.3fx (bar 0.95: %s)\n", strip,
         verdict(strip, 0.95, 0.95));
}

static int run_set(const options *o, const char *base, corpus_alqac_year year) {
  const int y = year == CORPUS_ALQAC_2022 ? 2022 : 2023;
  char err[512];
  corpus_docs docs;
  corpus_questions qs;
  corpus_docs_init(&docs);
  corpus_questions_init(&qs);
  figures f[N_KINDS][N_FORMS] = {0};
  judged *js = NULL;
  set_paths p;
  int rc = corpus_load_alqac_articles(o->shared, year, &docs, err, sizeof err);
  if (rc == 0) rc = corpus_load_alqac_questions(o->shared, year, &qs, err, sizeof err);
  if (rc != 0) fprintf(stderr, "bench_relevance: cannot load ALQAC %d: %s\n", y, err);
  long headings = 0;
  if (rc == 0 && o->titles && (headings = split_headings(&docs)) < 0) {
    fprintf(stderr, "bench_relevance: out of memory\n");
    rc = -1;
  }
  size_t missing = 0;
  if (rc == 0 && !(js = judge(&docs, &qs, &missing))) rc = -1;
  if (rc == 0 && make_paths(base, y, o->titles, &p) != 0) {
    fprintf(stderr, "bench_relevance: cannot make a directory under %s: %s\n", base,
            strerror(errno));
    rc = -1;
  }
  if (rc == 0) {
    printf("\nALQAC %d: %zu articles (%ld with a heading as title), %zu questions\n", y,
           docs.count, headings, qs.count);
    if (missing) printf("  %zu relevant articles named by the questions are not in law.json\n",
                        missing);
    fflush(stdout);
    rc = run_engines(o, &p, &docs, js, qs.count, f);
  }
  if (rc == 0) {
    char title[160];
    snprintf(title, sizeof title, "ALQAC %d, %zu questions, top %d (BM25 of plain Xapian: %s)", y,
             qs.count, TOP_K, o->k1 || o->b ? "as set by --k1/--b" : "Xapian's defaults");
    print_table(title, f, o->n_kinds);
    if (o->n_kinds == N_KINDS) print_ratios(f);
    else printf("tracuu MRR@10 accents stripped / as written: %.3fx\n", strip_ratio(f));
  }
  for (int k = 0; k < N_KINDS; k++)
    for (int form = 0; form < N_FORMS; form++) stats_samples_free(&f[k][form].ms);
  judged_free(js, qs.count);
  corpus_docs_free(&docs);
  corpus_questions_free(&qs);
  return rc;
}

/* ------------------------------------------------------------------ */

int main(int argc, char **argv) {
  options o;
  int rc = parse_args(argc, argv, &o);
  if (rc != 0) return rc > 0 ? 0 : 2;

  char base[1024], err[512];
  if (searcher_workdir(o.reuse, "tracuu-relevance", base, sizeof base, err, sizeof err) != 0) {
    fprintf(stderr, "bench_relevance: %s\n", err);
    return 1;
  }
  printf("indexes in %s%s\n", base, o.reuse ? " (reused when current)" : " (removed at the end)");
  if (o.years & 1) rc = run_set(&o, base, CORPUS_ALQAC_2022);
  if (rc == 0 && (o.years & 2)) rc = run_set(&o, base, CORPUS_ALQAC_2023);
  if (!o.reuse) searcher_remove(base);
  return rc == 0 ? 0 : 1;
}
