/*
 * words.c — the words of the query language, for those outside query/
 * that offer them to people (the shell's tab completion).
 *
 * Built from the declarations in keywords.h, so a keyword added there is
 * offered by the shell without another list to keep in step.
 */
#include "query.h"
#include "keywords.h"

static const char *const words[] = {
#define SK_WORD_KW(name, text, reserved) text,
    SK_KEYWORDS(SK_WORD_KW)
#undef SK_WORD_KW
#define SK_WORD(name, text) text,
    SK_MEASURES(SK_WORD)
    SK_METHODS(SK_WORD)
    SK_FORMATS(SK_WORD)
    SK_LAYOUTS(SK_WORD)
    SK_COUNTABLES(SK_WORD)
#undef SK_WORD
};

const char *const *sk_query_keywords(size_t *n)
{
    *n = sizeof words / sizeof words[0];
    return words;
}
