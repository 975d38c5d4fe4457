/* The document model's blocks, shared by its renderers (doc.c for
 * Markdown, doc_html.c, doc_pdf.c). Nothing outside src/io uses this.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILMAVA_IO_DOC_INTERNAL_H
#define ILMAVA_IO_DOC_INTERNAL_H

#include "doc.h"

/* Caps that keep a runaway document in bounds: a climate plan is a few
 * hundred blocks and a few hundred kilobytes of text. */
#define DOC_MAX_BLOCKS 20000
#define DOC_MAX_TEXT (16u * 1024 * 1024)
#define DOC_MAX_COLS 16

typedef enum doc_block_kind {
    DOC_HEADING,
    DOC_PARA,
    DOC_FIELD,
    DOC_ITEM,
    DOC_BLANK,
    DOC_TABLE,
    DOC_CHART,
    DOC_PAGE_BREAK
} doc_block_kind;

typedef struct doc_block {
    doc_block_kind kind;
    int level;   /* HEADING: 1..3; BLANK: the number of lines */
    char *text;  /* HEADING, PARA, ITEM: the text; FIELD: the value */
    char *label; /* FIELD, BLANK */
    /* TABLE */
    char *caption;
    size_t n_cols, n_rows, row_cap;
    char **headers;   /* n_cols */
    ilm_align *align; /* n_cols */
    char **cells;     /* n_rows * n_cols, row by row; NULL prints empty */
    /* CHART: a deep copy */
    ilm_chart *chart;
} doc_block;

struct ilm_doc {
    char lang[3];
    char *title;
    doc_block *blocks;
    size_t n, cap;
    size_t text_bytes;
    bool failed; /* out of memory or over a cap: render reports it */
    char why[160];
};

/* A growable byte buffer the renderers write into. */
typedef struct doc_buf {
    char *p;
    size_t len, cap;
    bool failed;
} doc_buf;

void doc_buf_add(doc_buf *b, const char *s, size_t n);
void doc_buf_puts(doc_buf *b, const char *s);
void doc_buf_printf(doc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s escaped for HTML text and attribute values alike. */
void doc_buf_html(doc_buf *b, const char *s);

/* A chart's value for the Markdown table and the HTML/PDF table: one
 * decimal in the document's language. */
int doc_render_html(const ilm_doc *d, doc_buf *out, ilm_errors *err);
int doc_render_pdf(const ilm_doc *d, char **out, size_t *len, ilm_errors *err);

#endif
