/* attach_pdf_drawn.cc: the words of a PDF page as poppler-cpp reads them,
 * the appearances of its annotations included (attach_internal.h says why).
 *
 * poppler-glib's page text comes from the content stream alone; poppler-cpp's
 * page::text_list() displays the page as pdftotext does, annotations and
 * all. Both are poppler, so a word of the content stream has the same box
 * in each, and attach_pdf.c tells what only an annotation draws by that.
 *
 * The one C++ file of attach/: every extern "C" function catches whatever
 * is thrown (std::bad_alloc above all) and returns a failure instead. */
#include "attach/attach_internal.h"

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>
#include <poppler/cpp/poppler-rectangle.h>

#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

struct ax_pdf_drawn {
  std::unique_ptr<poppler::document> doc;
};

/* poppler-cpp reports what it cannot parse on stderr by default; a damaged
 * file is already reported once, by the caller, in one line. */
static void quiet(const std::string &, void *) {}

extern "C" ax_pdf_drawn *ax_pdf_drawn_open(const char *data, size_t len) {
  if (len > INT_MAX) return nullptr;
  try {
    poppler::set_debug_error_function(quiet, nullptr);
    std::unique_ptr<ax_pdf_drawn> d(new ax_pdf_drawn);
    /* load_from_raw_data reads data in place: it outlives the handle (the
     * caller's file bytes, freed after ax_pdf_drawn_close). */
    d->doc.reset(poppler::document::load_from_raw_data(data, static_cast<int>(len)));
    if (!d->doc || d->doc->is_locked()) return nullptr;
    return d.release();
  } catch (...) {
    return nullptr;
  }
}

extern "C" int ax_pdf_drawn_words(ax_pdf_drawn *d, int index, ax_drawn_word **words,
                                  size_t *n) {
  *words = nullptr;
  *n = 0;
  ax_drawn_word *out = nullptr;
  size_t k = 0;
  try {
    std::unique_ptr<poppler::page> page(d->doc->create_page(index));
    if (!page) return -1;
    std::vector<poppler::text_box> boxes = page->text_list();
    if (boxes.empty()) return 0;
    out = static_cast<ax_drawn_word *>(calloc(boxes.size(), sizeof *out));
    if (!out) return -1;
    for (const poppler::text_box &b : boxes) {
      poppler::byte_array utf8 = b.text().to_utf8();
      char *t = static_cast<char *>(malloc(utf8.size() + 1));
      if (!t) throw std::bad_alloc();
      if (!utf8.empty()) memcpy(t, utf8.data(), utf8.size());
      t[utf8.size()] = '\0';
      poppler::rectf r = b.bbox();
      out[k++] = ax_drawn_word{r.left(), r.top(), r.right(), r.bottom(), t};
    }
  } catch (...) {
    ax_drawn_words_free(out, k);
    return -1;
  }
  *words = out;
  *n = k;
  return 0;
}

extern "C" void ax_drawn_words_free(ax_drawn_word *words, size_t n) {
  for (size_t i = 0; i < n; i++) free(words[i].text);
  free(words);
}

extern "C" void ax_pdf_drawn_close(ax_pdf_drawn *d) { delete d; }
