/* The document wording kept in data files (the .txt files of
 * src/report/texts/,
 * embedded by cmake/embed_text.cmake): the appeal instructions.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILMAVA_REPORT_TEXTS_H
#define ILMAVA_REPORT_TEXTS_H

#include <stddef.h>

typedef struct report_text {
    const char *name; /* the file name without ".txt": "appeal-kunnallisvalitus-fi" */
    const char *text; /* the file's bytes */
} report_text;

extern const report_text report_texts[];
extern const size_t report_n_texts;

#endif
