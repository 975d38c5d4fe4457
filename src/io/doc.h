/* A document as a flat list of blocks (headings, paragraphs, record
 * fields, lists, tables, charts), rendered to Markdown, HTML or PDF.
 * The report layer (src/report/) fills one; the renderers here decide the
 * look, so a council decision and a climate plan look alike in every
 * format, and a number is formatted once, in the document's language.
 *
 * Texts are UTF-8 and copied. Inline markup is not interpreted: a
 * renderer escapes what its format needs (Markdown, HTML), so a name with
 * "*" or "<" prints as written.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILMAVA_IO_DOC_H
#define ILMAVA_IO_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "ilmava/error.h"
#include "ilmava/report.h" /* ilm_doc_format */

/* ---- charts ---- */

typedef enum ilm_series_kind {
    ILM_SERIES_AREA,   /* stacked with the other AREA series, in order */
    ILM_SERIES_LINE,   /* a solid line */
    ILM_SERIES_DASHED, /* a dashed line (targets, reference paths) */
    ILM_SERIES_BAND    /* a shaded band from `values` (low) to `upper` (high) */
} ilm_series_kind;

typedef struct ilm_chart_series {
    const char *name; /* the legend */
    ilm_series_kind kind;
    const double *values; /* n_x values; NAN where there is none */
    const double *upper;  /* BAND only: n_x values */
    const char *color;    /* "#RRGGBB" (the UI's colour for the same thing);
                             NULL: the next of a colour-blind-safe palette */
} ilm_chart_series;

typedef struct ilm_chart {
    const char *title;   /* above the chart, numbered by the renderer */
    const char *y_label; /* the axis with its unit: "kt CO2e" */
    size_t n_x;
    const int *years; /* the x axis, ascending */
    size_t n_series;
    const ilm_chart_series *series;
} ilm_chart;

/* The chart as a standalone SVG document (fixed 720x360 viewBox, text in
 * the document's font, no script), in language `lang` for its number
 * formats. The HTML renderer inlines it; the PDF renderer draws the same
 * SVG through librsvg, so both show the same picture. Returns a malloc'ed
 * string or NULL with a message in err. */
char *ilm_chart_svg(const ilm_chart *c, const char *lang, ilm_errors *err);

/* ---- the document ---- */

typedef struct ilm_doc ilm_doc;

typedef enum ilm_align { ILM_ALIGN_LEFT, ILM_ALIGN_RIGHT } ilm_align;

/* A new empty document in language `lang` ("fi", "sv", "en"; it sets the
 * HTML lang attribute and the number formats) with `title` (the HTML
 * title and the PDF's metadata; add a heading for the visible title).
 * NULL when out of memory. */
ilm_doc *ilm_doc_new(const char *lang, const char *title);
void ilm_doc_free(ilm_doc *d);

/* Blocks, appended in order. The printf-style ones format first. A block
 * that cannot be stored (out of memory, over the size cap) marks the
 * document failed; ilm_doc_render then reports it. */
void ilm_doc_heading(ilm_doc *d, int level /* 1..3 */, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ilm_doc_para(ilm_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A labelled field of a record's header or footer ("Dnro" "727/11.00/2020").
 * Consecutive fields form one block: a two-column grid without rules. An
 * empty value is printed as a line to fill in by hand. */
void ilm_doc_field(ilm_doc *d, const char *label, const char *value);
/* A bulleted list item; consecutive items form one list. */
void ilm_doc_item(ilm_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A space to write in by hand, e.g. the decision (päätös): a label and
 * ruled lines. */
void ilm_doc_blank(ilm_doc *d, const char *label, int lines);
/* Starts a table of n_cols columns with a caption (may be NULL), the
 * header cells and each column's alignment (NULL: the first left, the
 * rest right, for tables of figures). Rows follow until the next block. */
void ilm_doc_table(ilm_doc *d, const char *caption, size_t n_cols, const char *const *headers,
                   const ilm_align *align);
/* A row of the table just started: n_cols cells (NULL prints empty). */
void ilm_doc_row(ilm_doc *d, const char *const *cells);
/* A chart (deep-copied). Markdown gets a table of the same values
 * instead; HTML the inline SVG; PDF the vector drawing. */
void ilm_doc_chart(ilm_doc *d, const ilm_chart *c);
/* PDF and print: the next block starts a new page. Markdown ignores it. */
void ilm_doc_page_break(ilm_doc *d);

/* Renders the document. On success *out is a malloc'ed buffer of *len
 * bytes (NUL-terminated for md and html) and 0 is returned; otherwise a
 * negative ilm error code with a message in err. HTML is one
 * self-contained file (style inline in <style>, SVG inline, no script,
 * no external references). PDF is A4 with selectable text and embedded
 * fonts (DejaVu Sans via fontconfig). */
int ilm_doc_render(const ilm_doc *d, ilm_doc_format f, char **out, size_t *len, ilm_errors *err);

/* ---- numbers in the document's language ---- */

/* v with `decimals` decimals and grouped thousands: fi and sv
 * "12 345,6" (the group separator is U+00A0, a no-break space), en
 * "12,345.6". NAN gives "–". Returns buf, which must hold 48 bytes. */
char *ilm_doc_number(char *buf, double v, int decimals, const char *lang);
/* A percentage of a fraction: 0.652 with 1 decimal gives "65,2 %" (fi, sv,
 * with U+00A0 before "%") or "65.2%" (en). buf holds 48 bytes. */
char *ilm_doc_percent(char *buf, double fraction, int decimals, const char *lang);

#endif
