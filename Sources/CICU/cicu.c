#include "cicu.h"
#include <stdlib.h>
#include <unicode/ubrk.h>
#include <unicode/utrans.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>

struct DebriefWordBreaker { UBreakIterator *iterator; };

DebriefWordBreaker *debrief_word_breaker_open(int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(UBRK_WORD, "zh", NULL, 0, &error);
    *status = (int32_t)error;
    if (U_FAILURE(error)) return NULL;
    DebriefWordBreaker *breaker = malloc(sizeof *breaker);
    if (!breaker) { ubrk_close(iterator); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    breaker->iterator = iterator;
    return breaker;
}

void debrief_word_breaker_close(DebriefWordBreaker *breaker) {
    if (!breaker) return;
    ubrk_close(breaker->iterator);
    free(breaker);
}

int32_t debrief_word_boundaries(DebriefWordBreaker *breaker, const uint16_t *text, int32_t length,
                                int32_t *boundaries, int32_t *kinds, int32_t capacity, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    ubrk_setText(breaker->iterator, (const UChar *)text, length, &error);
    *status = (int32_t)error;
    if (U_FAILURE(error)) return 0;
    int32_t count = 0;
    for (int32_t position = ubrk_first(breaker->iterator); position != UBRK_DONE && count < capacity;
         position = ubrk_next(breaker->iterator)) {
        boundaries[count] = position;
        kinds[count] = ubrk_getRuleStatus(breaker->iterator);
        count++;
    }
    return count;
}

struct DebriefTransliterator { UTransliterator *transliterator; };

DebriefTransliterator *debrief_transliterator_open(const uint16_t *id, int32_t idLength, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UTransliterator *t = utrans_openU((const UChar *)id, idLength, UTRANS_FORWARD, NULL, 0, NULL, &error);
    *status = (int32_t)error;
    if (U_FAILURE(error)) return NULL;
    DebriefTransliterator *result = malloc(sizeof *result);
    if (!result) { utrans_close(t); *status = U_MEMORY_ALLOCATION_ERROR; return NULL; }
    result->transliterator = t;
    return result;
}

void debrief_transliterator_close(DebriefTransliterator *t) {
    if (!t) return;
    utrans_close(t->transliterator);
    free(t);
}

int32_t debrief_transliterate(DebriefTransliterator *t, uint16_t *text, int32_t length, int32_t capacity,
                              int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    int32_t textLength = length;
    int32_t limit = length;
    utrans_transUChars(t->transliterator, (UChar *)text, &textLength, capacity, 0, &limit, &error);
    *status = (int32_t)error;
    return textLength;
}



static void UCNV_COUNT_CALLBACK(const void *context, UConverterToUnicodeArgs *args, const char *codeUnits,
                                int32_t length, UConverterCallbackReason reason, UErrorCode *error) {
    if (reason == UCNV_ILLEGAL || reason == UCNV_IRREGULAR || reason == UCNV_UNASSIGNED) {
        (*(int32_t *)context)++;
        UCNV_TO_U_CALLBACK_SUBSTITUTE(NULL, args, codeUnits, length, reason, error);
    }
}

int32_t debrief_convert_to_utf16(const char *charset, const char *bytes, int32_t length, uint16_t *output,
                                 int32_t capacity, int32_t *substitutions, int32_t *status) {
    UErrorCode error = U_ZERO_ERROR;
    UConverter *converter = ucnv_open(charset, &error);
    if (U_FAILURE(error)) { *status = (int32_t)error; return 0; }
    *substitutions = 0;
    ucnv_setToUCallBack(converter, UCNV_COUNT_CALLBACK, substitutions, NULL, NULL, &error);
    int32_t written = ucnv_toUChars(converter, (UChar *)output, capacity, bytes, length, &error);
    ucnv_close(converter);
    *status = (error == U_BUFFER_OVERFLOW_ERROR || error == U_STRING_NOT_TERMINATED_WARNING) ? 0 : (int32_t)error;
    return written;
}
