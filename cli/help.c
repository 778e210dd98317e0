/* The documentation of every subcommand, in one table: `tracuu --help`,
 * `tracuu help SUBCMD` and `SUBCMD --help` all print from it. */
#include <string.h>

#include "cli.h"

typedef struct {
  const char *name;
  const char *synopsis;
  const char *summary;
  const char *options;
  const char *examples;
} command_doc;

static const command_doc docs[] = {
    {"index", "tracuu index [--db DIR] [--shards N] [--quiet] FILE.jsonl... | --from-store DIR",
     "Index JSON Lines records (one object per line: \"id\" required; \"url\", \"title\",\n"
     "\"date\" (YYYY-MM-DD), \"body\", \"number\", \"type\", \"issuer\", \"category\" optional).\n"
     "Re-indexing an id replaces its document. A bad line is reported as FILE:LINE and\n"
     "skipped; the exit code is then 1. \"-\" reads standard input.",
     "  --db DIR     the index (default: $TRACUU_DB, else $XDG_DATA_HOME/tracuu/db)\n"
     "  --quiet      no summary line\n"
     "  --from-store DIR  rebuild from a crawl's store (its WARC files), no network\n"
     "  --shards N   write DIR/shard-0 .. DIR/shard-(N-1) and the stub DIR/tracuu.stub;\n"
     "               each record goes to the shard a hash of its id names. Later runs\n"
     "               on DIR keep its shard count (a different N is refused)\n",
     "  tracuu index corpus/sample/records.jsonl\n"
     "  tracuu index --shards 4 --db /srv/tracuu/db records.jsonl\n"},
    {"search", "tracuu search [OPTIONS] QUERY...",
     "Search the index. Words may be typed with or without accents. \"a phrase\",\n"
     "-word (exclude), +word (require), a OR b; a legal number anywhere\n"
     "(32/2021/NĐ-CP, 2696/qd-ubnd, \"nghị định 32/2021\", 2696) finds that document\n"
     "first, then those citing it. Fields: so:NUMBER loai:TYPE coquan:ISSUER\n"
     "linhvuc:CATEGORY tu:DATE den:DATE nam:YEAR.",
     "  --db DIR           the index; repeat to search several shards as one. DIR may\n"
     "                     be a database, a sharded index (its tracuu.stub is used),\n"
     "                     a stub file (\"auto PATH\", \"remote HOST:PORT\" lines) or\n"
     "                     tcp:HOST:PORT (xapian-tcpsrv: no authentication, no\n"
     "                     encryption; see README \"Scaling out\")\n"
     "  --timeout MS       remote shards: connect and each answer (default 5000)\n"
     "  --allow-partial    leave out remote shards out of reach (a warning each) and\n"
     "                     answer from the others; exit code 1. Without it such a\n"
     "                     shard fails the search with exit code 7\n"
     "  --json             one JSON object per hit per line\n"
     "  --limit N          hits to show (default 10)\n"
     "  --offset N         skip the first N hits\n"
     "  --sort MODE        blend (default: relevance and recency), relevance, date\n"
     "  --halflife DAYS    recency half-life in blend mode (default 1095)\n"
     "  --from DATE        only documents dated on or after DATE (YYYY-MM-DD)\n"
     "  --to DATE          only documents dated on or before DATE\n"
     "  --type TYPE        only this type (Quyết định, Thông báo, ...)\n"
     "  --issuer ISSUER    only documents whose issuer has these words\n"
     "  --category CAT     only this category\n"
     "  --signer NAME      only documents signed by someone with these words in the name\n"
     "  --status STATUS    in-force, amended, replaced, repealed or unknown: what other\n"
     "                     indexed documents say of this one (repealed: one repeals it;\n"
     "                     replaced/amended: one replaces/amends it and none does more;\n"
     "                     in-force: it has a number and none of that; unknown: no number)\n"
     "  --facets           counts by year, type, issuer and signer over all matches\n"
     "  --explain          why each hit matched\n"
     "  --color[=WHEN]     auto (default), always, never; NO_COLOR is respected\n",
     "  tracuu search \"chinh quyen do thi\"\n"
     "  tracuu search --json 32/2021/NĐ-CP\n"
     "  tracuu search --from 2021-01-01 --type \"Quyết định\" phòng chống dịch\n"
     "  tracuu search --db tcp:10.0.0.5:7000 --db tcp:10.0.0.6:7000 --timeout 2000 thuế\n"},
    {"ref", "tracuu ref [--db DIR] [--json] [--limit N] NUMBER",
     "The document with legal number NUMBER (first), then every document citing it,\n"
     "newest first.",
     "  --db DIR     the index\n"
     "  --json       one JSON object per document per line\n"
     "  --limit N    at most N documents (default 1000)\n",
     "  tracuu ref 2696/QĐ-UBND\n"},
    {"related", "tracuu related [--db DIR]... [--json] [--format dot] [--limit N] NUMBER",
     "The citation graph around legal number NUMBER: the document itself (when\n"
     "indexed), its legal bases, what it amends, replaces, repeals or implements,\n"
     "then what amends, replaces, repeals, implements or cites it, each with its\n"
     "date and title, newest first. Relations come from the documents' text\n"
     "(căn cứ, sửa đổi/bổ sung, thay thế, bãi bỏ/hết hiệu lực, hướng dẫn).",
     "  --db DIR       the index; repeat for shards\n"
     "  --json         one JSON object per document per line: relation, direction\n"
     "                 (self, out, in), id, number, date, title, sentence\n"
     "  --format FMT   text (default), json, or dot (a Graphviz digraph)\n"
     "  --limit N      at most N related documents (default: all)\n",
     "  tracuu related 09/CT-UBND\n"
     "  tracuu related --format dot 09/CT-UBND | dot -Tsvg > graph.svg\n"},
    {"analyze", "tracuu analyze [--json] [TEXT...]",
     "Show what the Vietnamese text pipeline makes of TEXT (standard input when no\n"
     "TEXT): tokens with exact and folded forms, positions and byte offsets, legal\n"
     "numbers and dates.",
     "  --json       one JSON object: {\"tokens\": [...], \"refs\": [...], \"dates\": [...]}\n",
     "  tracuu analyze \"Quyết định số 2696/QĐ-UBND ngày 21/6/2021\"\n"},
    {"stats", "tracuu stats [--db DIR]... [--json]",
     "What the index holds: the number of documents and the schema version.",
     "  --db DIR     the index; repeat for shards\n"
     "  --json       one JSON object\n",
     "  tracuu stats --json\n"},
    {"crawl",
     "tracuu crawl [--db DIR] [--store DIR] [--config FILE] [--delay SECONDS]\n"
     "             [--max-pages N] [--no-index] [--json] [--user-agent UA] [URL...]",
     "Fetch sites politely and index their pages. With a start URL, stays on that\n"
     "URL's scheme, host and port, reads robots.txt first (disallowed URLs are never\n"
     "requested) and its sitemaps, follows links (listing pagination too), and\n"
     "indexes each page under its URL. Every page is kept in the store (WARC files)\n"
     "with its crawl state: the next run asks only for what changed (ETag,\n"
     "Last-Modified: a 304 costs nothing), re-indexes changed pages in place and\n"
     "removes pages that now answer 404 or 410. A killed run resumes where it\n"
     "stopped. One crawl per store at a time: a second one exits at once with\n"
     "code 10. The summary goes to stderr and to STORE/last-crawl.json; exit code 1\n"
     "when some pages failed.",
     "  --db DIR          the index (default: $TRACUU_DB, else $XDG_DATA_HOME/tracuu/db)\n"
     "  --store DIR       pages and crawl state (default: \"store\" beside the index)\n"
     "  --config FILE     sites: [site NAME] with start=, sitemap=, include=, exclude=,\n"
     "                    delay=, user_agent=, profile=, XPath title= date= body= ...\n"
     "  --delay SECONDS   between two requests to one host, for every host (default:\n"
     "                    the site's delay=, at least robots.txt's Crawl-delay, else 1)\n"
     "  --max-pages N     fetch at most N pages in this run (the rest waits in the\n"
     "                    frontier for the next run)\n"
     "  --no-index        fetch and store only; the next indexing run indexes them\n"
     "  --json            the summary as one JSON object on stdout\n"
     "  --user-agent UA   the User-Agent (default names tracuu and a contact URL)\n"
     "  --timeout SECONDS per request (default 60)\n",
     "  tracuu crawl https://tayho.hanoi.gov.vn/\n"
     "  tracuu crawl --config /etc/tracuu/sites.ini --json\n"
     "  tracuu crawl --no-index --max-pages 500 https://vbpl.vn/\n"},
    {"compact", "tracuu compact [--db DIR]... --out DIR [--swap LINK]",
     "Merge shards (or compact one index) into a new, smaller and faster index at\n"
     "--out, which must not exist. Searches may go on meanwhile: the sources are only\n"
     "read. --swap then points LINK (a symlink, or a stub file) at the result in one\n"
     "rename, so a search opens the old index or the new one, never a mix. Changes\n"
     "written to the sources after the compaction started are not in the result.",
     "  --db DIR     a source; repeat, or name a sharded index (default: the index)\n"
     "  --out DIR    the new index\n"
     "  --swap LINK  afterwards, point LINK at DIR atomically (searches use --db LINK)\n",
     "  tracuu compact --db /srv/tracuu/db --out /srv/tracuu/db-2026-11\n"
     "  tracuu compact --db /srv/tracuu/shards --out /srv/tracuu/v2 --swap /srv/tracuu/current\n"},
};

static const command_doc *find_doc(const char *name) {
  for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
    if (strcmp(docs[i].name, name) == 0) return &docs[i];
  return NULL;
}

int cli_help(const char *subcommand, FILE *fp) {
  if (!subcommand) {
    fputs("usage: tracuu [--version] [--help] COMMAND [ARGS]\n\n"
          "tracuu searches Vietnamese administrative announcements and legal directives.\n\n"
          "Commands:\n",
          fp);
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
      fprintf(fp, "  %-9s %s\n", docs[i].name, docs[i].synopsis);
    fputs("\n\"tracuu help COMMAND\" tells more about one command.\n", fp);
    return 0;
  }
  const command_doc *d = find_doc(subcommand);
  if (!d) return -1;
  fprintf(fp, "usage: %s\n\n%s\n\nOptions:\n%s\nExamples:\n%s", d->synopsis, d->summary, d->options,
          d->examples);
  return 0;
}
