/* extract_profile.c: per-site XPath selectors, and the built-in ones.
 *
 * A profile field's selector gives the raw value; the same normalizers as
 * the generic extractor turn it into a field (a date into YYYY-MM-DD, a
 * number into its canonical form). A selector that matches nothing leaves
 * the field to the generic rules.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "crawler/extract_internal.h"

/* vbpl.vn (CSDL quốc gia về văn bản pháp luật). Its pages share a
   breadcrumb (div.box-map: "... » Văn bản pháp luật » Bộ luật 101/2015/QH13");
   the thuộc tính pages hold a table in div.vbProperties (label cells then
   value cells); the toàn văn pages a header table ("Số: 100/2015/QH13")
   and the text in div#toanvancontent. */
#define VBPL_PROP(label_test) \
  "(//div[contains(@class,'vbProperties')]//td[" label_test "]/following-sibling::td[1])[1]"

/* The 2025/26 vbpl.vn (a Next.js page saved after rendering): the same
   properties as "label" and "content" spans of an Ant Design descriptions
   table ("Số hiệu", "Ngày ký xác thực" for a consolidated text), the title
   in the page's <h1>, the same <title> on every page. */
#define VBPL_ANT_PROP(label_test)                                                           \
  "(//span[contains(@class,'ant-descriptions-item-label')][" label_test "]"                 \
  "/following-sibling::span[contains(@class,'ant-descriptions-item-content')][1])[1]"

static const extract_profile VBPL = {
  .title = "concat(normalize-space((//div[@class='box-map']//li)[last()]/a), ' ',"
           " normalize-space((//div[contains(@class,'vbProperties')]"
           "//td[contains(@class,'title')])[1]))",
  .date = VBPL_PROP("normalize-space()='Ngày ban hành' or normalize-space()='Ngày xác thực'")
          " | " VBPL_ANT_PROP("normalize-space()='Ngày ban hành' or normalize-space()='Ngày ký xác thực'"),
  .number = VBPL_PROP("normalize-space()='Số ký hiệu'")
            " | //div[contains(@class,'fulltext')]//td/div[starts-with(normalize-space(),'Số:')]"
            " | " VBPL_ANT_PROP("normalize-space()='Số hiệu'"),
  .type = VBPL_PROP("normalize-space()='Loại văn bản'") " | " VBPL_ANT_PROP("normalize-space()='Loại văn bản'"),
  .issuer = VBPL_PROP("starts-with(normalize-space(),'Cơ quan ban hành')"
                      " or starts-with(normalize-space(),'Cơ quan hợp nhất')")
            " | " VBPL_ANT_PROP("normalize-space()='Cơ quan ban hành'"),
  .category = "(//div[@class='box-map']//li)[last()-1]/a",
  .body = "//div[@id='toanvancontent'] | //div[contains(@class,'vbProperties')]",
};

/* The Liferay "view_content" article that many provincial department
   portals share (.../-/view_content/ID-slug.html): the heading in
   div.asset-full-content-title, the lead ("sapo") and the text in
   div.asset-content, the category in the portlet above. The posting date
   (div.assetPublishDate) is the generic extractor's: it is no date of issue. */
static const extract_profile LIFERAY = {
  .title = "(//div[contains(@class,'asset-full-content-title')])[1]",
  .body = "(//div[contains(@class,'asset-content')])[1]",
};

/* thuvienphapluat.vn's document pages (/van-ban/<field>/<slug>-<id>.aspx):
   the "Thuộc tính" tab is div#divThuocTinh, its heading the title and its
   table label cells ("Số hiệu:", "Loại văn bản:", "Nơi ban hành:", "Ngày
   ban hành:") each followed by the value's cell; the text is div.content1
   in the "Nội dung" tab (div#tab1), the lists of related documents in
   other tabs. Written from the layout public scrapers of the site read; no
   saved page of it is in ../shared (tests/fixtures/html/tvpl_document.html
   has that shape). */
#define TVPL_PROP(label)                                                             \
  "(//div[@id='divThuocTinh']//td[starts-with(normalize-space(),'" label "')]" \
  "/following-sibling::td[normalize-space()][1])[1]"

static const extract_profile TVPL = {
  .title = "(//div[@id='divThuocTinh']//h1)[1]",
  .date = TVPL_PROP("Ngày ban hành"),
  .number = TVPL_PROP("Số hiệu"),
  .type = TVPL_PROP("Loại văn bản"),
  .issuer = TVPL_PROP("Nơi ban hành"),
  .body = "(//div[@id='tab1']//div[contains(@class,'content1')])[1]",
};

const extract_profile *extract_builtin_profile(const char *name) {
  if (name && strcmp(name, "vbpl") == 0) return &VBPL;
  if (name && strcmp(name, "thuvienphapluat") == 0) return &TVPL;
  if (name && strcmp(name, "liferay") == 0) return &LIFERAY;
  return NULL;
}

/* XPath errors are counted nowhere and printed nowhere: a compile failure
   is reported through the return value instead. */
static void on_xpath_error(void *user, xmlErrorPtr e) {
  (void)user;
  (void)e;
}

/* The raw text of a result: a string result as is, else the text of the
   first node (all = 0) or of every node, one per line (all = 1). */
static char *result_text(xmlXPathObjectPtr r, int all, size_t max) {
  if (r->type == XPATH_STRING)
    return ex_strndup_trim((const char *)r->stringval, strlen((const char *)r->stringval), max);
  if (r->type != XPATH_NODESET || !r->nodesetval || r->nodesetval->nodeNr == 0)
    return ex_strndup_trim("", 0, max);
  ex_text t;
  ex_text_init(&t, max);
  for (int i = 0; i < r->nodesetval->nodeNr && (all || i == 0); i++) {
    xmlNodePtr n = r->nodesetval->nodeTab[i];
    char *s = n->type == XML_ELEMENT_NODE ? ex_node_text(n, EX_TEXT_ALL, max)
                                          : (char *)xmlNodeGetContent(n);
    if (!s) {
      free(ex_text_take(&t));
      return NULL;
    }
    ex_text_break(&t);
    ex_text_add_lines(&t, s);
    if (n->type == XML_ELEMENT_NODE) free(s);
    else xmlFree(s);
  }
  return ex_text_take(&t);
}

typedef enum { KIND_TEXT, KIND_DATE, KIND_NUMBER, KIND_TYPE, KIND_BODY } field_kind;

/* Evaluates one selector into *field (left NULL when it yields nothing). */
static extract_status apply_one(xmlXPathContextPtr xp, const char *name, const char *expr,
                                field_kind kind, char **field, char *err, size_t errlen) {
  if (!expr || *field) return EXTRACT_OK;
  xmlXPathCompExprPtr comp = xmlXPathCtxtCompile(xp, (const xmlChar *)expr);
  if (!comp)
    return ex_fail(EXTRACT_BAD_PROFILE, err, errlen, "profile field %s: XPath does not compile: %s",
                   name, expr);
  xmlXPathObjectPtr r = xmlXPathCompiledEval(comp, xp);
  xmlXPathFreeCompExpr(comp);
  if (!r) return EXTRACT_OK; /* evaluation error (bad function...): nothing found */
  char *raw = result_text(r, kind == KIND_BODY, kind == KIND_BODY ? EXTRACT_MAX_BODY : EX_MAX_FIELD);
  xmlXPathFreeObject(r);
  if (!raw) return EXTRACT_NOMEM;
  int nomem = 0;
  char *v = NULL;
  if (!*raw) v = NULL;
  else if (kind == KIND_DATE) v = ex_norm_date(raw, &nomem);
  else if (kind == KIND_NUMBER) v = ex_norm_number(raw, &nomem);
  else if (kind == KIND_TYPE) v = ex_norm_type(raw, &nomem);
  else v = raw, raw = NULL;
  free(raw);
  *field = v;
  return nomem ? EXTRACT_NOMEM : EXTRACT_OK;
}

extract_status ex_profile_apply(xmlDocPtr doc, const extract_profile *p, record *rec, char *err,
                                size_t errlen) {
  xmlXPathContextPtr xp = xmlXPathNewContext(doc);
  if (!xp) return ex_fail(EXTRACT_NOMEM, err, errlen, "out of memory creating an XPath context");
  xp->error = on_xpath_error;
  const struct {
    const char *name, *expr;
    field_kind kind;
    char **field;
  } F[] = {
    {"title", p->title, KIND_TEXT, &rec->title},
    {"date", p->date, KIND_DATE, &rec->date},
    {"number", p->number, KIND_NUMBER, &rec->number},
    {"type", p->type, KIND_TYPE, &rec->type},
    {"issuer", p->issuer, KIND_TEXT, &rec->issuer},
    {"category", p->category, KIND_TEXT, &rec->category},
    {"body", p->body, KIND_BODY, &rec->body},
  };
  extract_status st = EXTRACT_OK;
  for (size_t i = 0; st == EXTRACT_OK && i < sizeof F / sizeof F[0]; i++)
    st = apply_one(xp, F[i].name, F[i].expr, F[i].kind, F[i].field, err, errlen);
  xmlXPathFreeContext(xp);
  return st;
}
