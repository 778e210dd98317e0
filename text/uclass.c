/* uclass.c: the one place that turns ICU character properties into the
 * tokenizer's classes. The table generator and the run-time slow path both
 * call it, so the fast tables and the fallback cannot disagree. */
#include <unicode/uchar.h>

#include "text/text_internal.h"

int tx_classify(int32_t cp) {
  if (cp == 0) return TX_CL_SPACE; /* NUL bytes separate tokens */
  int8_t t = u_charType(cp);
  /* Cf: ZWSP, ZWNJ, ZWJ, WORD JOINER, BOM, SOFT HYPHEN, bidi marks: invisible */
  if (t == U_FORMAT_CHAR) return TX_CL_DROP;
  if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK)
    return TX_CL_MARK;
  /* Only ASCII digits build numbers, dates and references; other scripts'
   * digits stay inside words. */
  if (t == U_DECIMAL_DIGIT_NUMBER) return cp < 0x80 ? TX_CL_DIGIT : TX_CL_LETTER;
  if (u_isalpha(cp) || t == U_LETTER_NUMBER || t == U_OTHER_NUMBER) return TX_CL_LETTER;
  if (u_isUWhiteSpace(cp) || t == U_CONTROL_CHAR) return TX_CL_SPACE;
  return TX_CL_PUNCT;
}
