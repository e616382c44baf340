// A narrow C interface over Debian's ICU (libicu-dev): Chinese word segmentation with the dictionary-based word
// break iterator, script transliteration (Traditional → Simplified) and charset conversion (GB18030 → UTF-16).
// ICU renames its symbols per version (ubrk_open → ubrk_open_72) with macros Swift cannot import; these wrappers
// compile against whichever ICU the system has.
#ifndef DEBRIEF_CICU_H
#define DEBRIEF_CICU_H
#include <stdint.h>

typedef struct DebriefWordBreaker DebriefWordBreaker;
/// A word break iterator for Chinese (dictionary-based segmentation). NULL on failure, with the ICU status.
DebriefWordBreaker *debrief_word_breaker_open(int32_t *status);
void debrief_word_breaker_close(DebriefWordBreaker *breaker);
/// Word boundaries of `text` (UTF-16) with ICU's rule status per boundary (0 = none/punctuation, 100 = number,
/// 200 = letter, 300 = kana, 400 = ideographic word). Returns the number written (at most `capacity`).
int32_t debrief_word_boundaries(DebriefWordBreaker *breaker, const uint16_t *text, int32_t length,
                                int32_t *boundaries, int32_t *kinds, int32_t capacity, int32_t *status);

typedef struct DebriefTransliterator DebriefTransliterator;
/// A transliterator by ICU id, e.g. "Traditional-Simplified".
DebriefTransliterator *debrief_transliterator_open(const uint16_t *id, int32_t idLength, int32_t *status);
void debrief_transliterator_close(DebriefTransliterator *transliterator);
/// Transliterates `text` in place (UTF-16, `capacity` units of room); returns the new length.
int32_t debrief_transliterate(DebriefTransliterator *transliterator, uint16_t *text, int32_t length,
                              int32_t capacity, int32_t *status);

/// Converts bytes in `charset` (e.g. "GB18030") to UTF-16; returns the length needed, which may exceed `capacity`.
/// `substitutions` receives the number of invalid sequences found (conversion stops at none).
int32_t debrief_convert_to_utf16(const char *charset, const char *bytes, int32_t length, uint16_t *output,
                                 int32_t capacity, int32_t *substitutions, int32_t *status);
#endif
