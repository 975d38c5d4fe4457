/* The PDF renderer: A4 pages through cairo, text laid out by pango (so the
 * text is selectable and the DejaVu font is embedded), charts drawn from
 * the same SVG as the HTML through librsvg. Laid out twice: the first
 * pass counts the pages for the "page N / M" footer.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_internal.h"

/* A4 in points and the margins (22 mm binding side, 18 mm outer). */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define M_LEFT 62.0
#define M_RIGHT 51.0
#define M_TOP 57.0
#define M_BOTTOM 68.0
#define TEXT_W (PAGE_W - M_LEFT - M_RIGHT)
#define FONT "DejaVu Sans"

typedef struct pdf {
    const ilm_doc *d;
    cairo_t *cr;
    double y;
    int page, pages; /* pages: from the first pass; 0 during it */
    bool page_used;
    ilm_errors *err;
    int rc;
} pdf;

static PangoLayout *layout(pdf *p, const char *text, double size, bool bold, double width)
{
    PangoLayout *l = pango_cairo_create_layout(p->cr);
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(l, text ? text : "", -1);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double layout_width(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)w / PANGO_SCALE;
}

static void footer(pdf *p)
{
    cairo_save(p->cr);
    cairo_set_source_rgb(p->cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(p->cr, 0.5);
    cairo_move_to(p->cr, M_LEFT, PAGE_H - M_BOTTOM + 24);
    cairo_line_to(p->cr, PAGE_W - M_RIGHT, PAGE_H - M_BOTTOM + 24);
    cairo_stroke(p->cr);
    PangoLayout *l = layout(p, p->d->title, 7.5, false, TEXT_W - 80);
    pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    pango_layout_set_height(l, 0);
    cairo_move_to(p->cr, M_LEFT, PAGE_H - M_BOTTOM + 28);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
    char num[64];
    if (p->pages)
        snprintf(num, sizeof num, "%d / %d", p->page, p->pages);
    else
        snprintf(num, sizeof num, "%d", p->page);
    l = layout(p, num, 7.5, false, 0);
    cairo_move_to(p->cr, PAGE_W - M_RIGHT - layout_width(l), PAGE_H - M_BOTTOM + 28);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
    cairo_restore(p->cr);
}

static void new_page(pdf *p)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->y = M_TOP;
    p->page_used = false;
}

/* Makes room for h points, starting a new page when they do not fit. */
static void ensure(pdf *p, double h)
{
    if (p->y + h > PAGE_H - M_BOTTOM && p->page_used)
        new_page(p);
    p->page_used = true;
}

/* Draws a layout line by line at x, breaking pages between lines. */
static void show_lines(pdf *p, PangoLayout *l, double x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = (double)logical.height / PANGO_SCALE;
        ensure(p, h);
        int baseline = pango_layout_iter_get_baseline(it);
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        cairo_move_to(p->cr, x + (double)logical.x / PANGO_SCALE,
                      p->y + (double)(baseline - logical.y) / PANGO_SCALE);
        pango_cairo_show_layout_line(p->cr, line);
        p->y += h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

static void text_block(pdf *p, const char *text, double size, bool bold, double x, double width,
                       double after)
{
    PangoLayout *l = layout(p, text, size, bold, width);
    show_lines(p, l, x);
    g_object_unref(l);
    p->y += after;
}

static void heading(pdf *p, const doc_block *k)
{
    static const double size[] = {0, 16, 12.5, 11};
    static const double before[] = {0, 6, 14, 10};
    PangoLayout *l = layout(p, k->text, size[k->level], true, TEXT_W);
    /* Keep a heading with the start of what follows it. */
    if (p->y > M_TOP)
        p->y += before[k->level];
    ensure(p, layout_height(l) + 60);
    show_lines(p, l, M_LEFT);
    g_object_unref(l);
    if (k->level == 2) {
        cairo_save(p->cr);
        cairo_set_source_rgb(p->cr, 0.7, 0.7, 0.7);
        cairo_set_line_width(p->cr, 0.6);
        cairo_move_to(p->cr, M_LEFT, p->y + 1.5);
        cairo_line_to(p->cr, M_LEFT + TEXT_W, p->y + 1.5);
        cairo_stroke(p->cr);
        cairo_restore(p->cr);
    }
    p->y += k->level == 1 ? 10 : 6;
}

static void field(pdf *p, const doc_block *k, bool last)
{
    const double label_w = 130;
    PangoLayout *lab = layout(p, k->label, 10, true, label_w - 8);
    bool blank = !k->text || !*k->text;
    PangoLayout *val = layout(p, blank ? " " : k->text, 10, false, TEXT_W - label_w);
    double h = fmax(layout_height(lab), layout_height(val));
    ensure(p, h);
    cairo_move_to(p->cr, M_LEFT, p->y);
    pango_cairo_show_layout(p->cr, lab);
    cairo_move_to(p->cr, M_LEFT + label_w, p->y);
    pango_cairo_show_layout(p->cr, val);
    if (blank) {
        cairo_save(p->cr);
        cairo_set_line_width(p->cr, 0.6);
        cairo_move_to(p->cr, M_LEFT + label_w, p->y + h - 1);
        cairo_line_to(p->cr, M_LEFT + label_w + 160, p->y + h - 1);
        cairo_stroke(p->cr);
        cairo_restore(p->cr);
    }
    g_object_unref(lab);
    g_object_unref(val);
    p->y += h + 2 + (last ? 8 : 0);
}

static void item(pdf *p, const doc_block *k, bool last)
{
    PangoLayout *l = layout(p, k->text, 10, false, TEXT_W - 14);
    PangoLayout *bullet = layout(p, "\xe2\x80\xa2", 10, false, 0);
    ensure(p, 14);
    cairo_move_to(p->cr, M_LEFT + 2, p->y);
    pango_cairo_show_layout(p->cr, bullet);
    g_object_unref(bullet);
    show_lines(p, l, M_LEFT + 14);
    g_object_unref(l);
    p->y += last ? 8 : 2;
}

static void blank(pdf *p, const doc_block *k)
{
    ensure(p, 20 + 22.0 * k->level);
    if (*k->label)
        text_block(p, k->label, 10, true, M_LEFT, TEXT_W, 4);
    cairo_save(p->cr);
    cairo_set_line_width(p->cr, 0.6);
    for (int i = 0; i < k->level; i++) {
        p->y += 22;
        cairo_move_to(p->cr, M_LEFT, p->y);
        cairo_line_to(p->cr, M_LEFT + TEXT_W, p->y);
        cairo_stroke(p->cr);
    }
    cairo_restore(p->cr);
    p->y += 12;
}

/* ---- tables ---- */

#define CELL_PAD 4.0
#define TABLE_FONT 8.5

static void table_header(pdf *p, const doc_block *k, const double *w)
{
    PangoLayout *cells[DOC_MAX_COLS];
    double h = 0;
    for (size_t c = 0; c < k->n_cols; c++) {
        cells[c] = layout(p, k->headers[c], TABLE_FONT, true, w[c] - 2 * CELL_PAD);
        /* Headers break between words only: the column is as wide as the
         * header's longest word (column_widths). */
        pango_layout_set_wrap(cells[c], PANGO_WRAP_WORD);
        if (k->align[c] == ILM_ALIGN_RIGHT)
            pango_layout_set_alignment(cells[c], PANGO_ALIGN_RIGHT);
        h = fmax(h, layout_height(cells[c]));
    }
    ensure(p, h + 2 * CELL_PAD + 30);
    double x = M_LEFT;
    for (size_t c = 0; c < k->n_cols; c++) {
        cairo_move_to(p->cr, x + CELL_PAD, p->y + CELL_PAD);
        pango_cairo_show_layout(p->cr, cells[c]);
        g_object_unref(cells[c]);
        x += w[c];
    }
    p->y += h + 2 * CELL_PAD;
    cairo_save(p->cr);
    cairo_set_line_width(p->cr, 1.0);
    cairo_move_to(p->cr, M_LEFT, p->y);
    cairo_line_to(p->cr, x, p->y);
    cairo_stroke(p->cr);
    cairo_restore(p->cr);
}

/* The width of the longest word of s in the table's bold font. */
static double longest_word(pdf *p, const char *s)
{
    double w = 0;
    char word[256];
    while (*s) {
        size_t n = strcspn(s, " ");
        if (n && n < sizeof word) {
            memcpy(word, s, n);
            word[n] = '\0';
            PangoLayout *l = layout(p, word, TABLE_FONT, true, 0);
            w = fmax(w, layout_width(l));
            g_object_unref(l);
        }
        s += n;
        while (*s == ' ')
            s++;
    }
    return w;
}

/* Column widths: each column its natural width when the table fits, the
 * spare room to the text columns. When it does not fit, headers wrap at
 * words, figures keep their width (never narrower than the widest figure
 * or the header's longest word, so that no figure and no header word
 * breaks) and text columns share the rest, each at least as wide as its
 * header's longest word. */
static void column_widths(pdf *p, const doc_block *k, double *w)
{
    double need[DOC_MAX_COLS] = {0}, cells[DOC_MAX_COLS] = {0}, sum = 0, text = 0;
    for (size_t c = 0; c < k->n_cols; c++) {
        PangoLayout *l = layout(p, k->headers[c], TABLE_FONT, true, 0);
        need[c] = layout_width(l);
        g_object_unref(l);
        for (size_t r = 0; r < k->n_rows; r++) {
            const char *s = k->cells[r * k->n_cols + c];
            l = layout(p, s ? s : "", TABLE_FONT, false, 0);
            cells[c] = fmax(cells[c], layout_width(l));
            g_object_unref(l);
        }
        cells[c] += 2 * CELL_PAD + 1;
        need[c] = fmax(need[c] + 2 * CELL_PAD + 1, cells[c]);
        sum += need[c];
        if (k->align[c] == ILM_ALIGN_LEFT)
            text += need[c];
    }
    if (sum <= TEXT_W) {
        for (size_t c = 0; c < k->n_cols; c++)
            w[c] = need[c] +
                   (TEXT_W - sum) * (text > 0 ? (k->align[c] == ILM_ALIGN_LEFT ? need[c] / text : 0)
                                              : need[c] / sum);
        return;
    }
    double fixed = 0;
    for (size_t c = 0; c < k->n_cols; c++)
        if (k->align[c] == ILM_ALIGN_RIGHT) {
            w[c] = fmax(cells[c], longest_word(p, k->headers[c]) + 2 * CELL_PAD + 1);
            fixed += w[c];
        }
    double room = TEXT_W - fixed;
    for (size_t c = 0; c < k->n_cols; c++) {
        if (k->align[c] != ILM_ALIGN_LEFT)
            continue;
        /* Wide enough for its longest word, so that words do not break. */
        double word = longest_word(p, k->headers[c]);
        for (size_t r = 0; r < k->n_rows; r++)
            word =
                fmax(word, longest_word(p, k->cells[r * k->n_cols + c] ? k->cells[r * k->n_cols + c]
                                                                       : ""));
        w[c] = fmax(fmin(word, 160) + 2 * CELL_PAD + 1, text > 0 ? room * need[c] / text : 48);
    }
    /* Too wide: only text columns give, down to their header's longest
     * word; a table that still does not fit runs into the margin rather
     * than break a figure. */
    double least[DOC_MAX_COLS], slack = 0;
    sum = 0;
    for (size_t c = 0; c < k->n_cols; c++) {
        sum += w[c];
        least[c] = w[c];
        if (k->align[c] == ILM_ALIGN_LEFT) {
            least[c] = fmin(w[c], longest_word(p, k->headers[c]) + 2 * CELL_PAD + 1);
            slack += w[c] - least[c];
        }
    }
    if (sum > TEXT_W && slack > 0) {
        double give = fmin(sum - TEXT_W, slack);
        for (size_t c = 0; c < k->n_cols; c++)
            w[c] -= give * (w[c] - least[c]) / slack;
    }
}

static void table(pdf *p, const doc_block *k)
{
    double w[DOC_MAX_COLS];
    column_widths(p, k, w);
    p->y += 4;
    if (k->caption) {
        PangoLayout *cap = layout(p, k->caption, 9.5, true, TEXT_W);
        ensure(p, layout_height(cap) + 50);
        cairo_move_to(p->cr, M_LEFT, p->y);
        pango_cairo_show_layout(p->cr, cap);
        p->y += layout_height(cap) + 3;
        g_object_unref(cap);
    }
    table_header(p, k, w);
    for (size_t r = 0; r < k->n_rows; r++) {
        PangoLayout *cells[DOC_MAX_COLS];
        double h = 0;
        for (size_t c = 0; c < k->n_cols; c++) {
            const char *s = k->cells[r * k->n_cols + c];
            cells[c] = layout(p, s ? s : "", TABLE_FONT, false, w[c] - 2 * CELL_PAD);
            if (k->align[c] == ILM_ALIGN_RIGHT) {
                /* A figure never breaks: its column is as wide as its widest cell. */
                pango_layout_set_wrap(cells[c], PANGO_WRAP_WORD);
                pango_layout_set_alignment(cells[c], PANGO_ALIGN_RIGHT);
            }
            h = fmax(h, layout_height(cells[c]));
        }
        h += 2 * CELL_PAD;
        /* A row never splits: it moves to the next page under a new header. */
        if (p->y + h > PAGE_H - M_BOTTOM) {
            new_page(p);
            table_header(p, k, w);
        }
        double x = M_LEFT;
        for (size_t c = 0; c < k->n_cols; c++) {
            cairo_move_to(p->cr, x + CELL_PAD, p->y + CELL_PAD);
            pango_cairo_show_layout(p->cr, cells[c]);
            g_object_unref(cells[c]);
            x += w[c];
        }
        p->y += h;
        cairo_save(p->cr);
        cairo_set_source_rgb(p->cr, 0.82, 0.82, 0.82);
        cairo_set_line_width(p->cr, 0.5);
        cairo_move_to(p->cr, M_LEFT, p->y);
        cairo_line_to(p->cr, x, p->y);
        cairo_stroke(p->cr);
        cairo_restore(p->cr);
    }
    p->y += 10;
}

static void chart(pdf *p, const doc_block *k)
{
    char *svg = ilm_chart_svg(k->chart, p->d->lang, p->err);
    if (!svg) {
        p->rc = ILM_EINVAL;
        return;
    }
    GError *gerr = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, strlen(svg), &gerr);
    free(svg);
    if (!h) {
        ilm_errors_add(p->err, "chart \"%s\": %s", k->chart->title, gerr ? gerr->message : "");
        if (gerr)
            g_error_free(gerr);
        p->rc = ILM_EINTERNAL;
        return;
    }
    PangoLayout *cap = layout(p, k->chart->title, 9.5, true, TEXT_W);
    double ch = TEXT_W * 360.0 / 720.0;
    p->y += 4;
    ensure(p, layout_height(cap) + 4 + ch);
    cairo_move_to(p->cr, M_LEFT, p->y);
    pango_cairo_show_layout(p->cr, cap);
    p->y += layout_height(cap) + 4;
    g_object_unref(cap);
    RsvgRectangle viewport = {M_LEFT, p->y, TEXT_W, ch};
    if (!rsvg_handle_render_document(h, p->cr, &viewport, &gerr)) {
        ilm_errors_add(p->err, "chart \"%s\": %s", k->chart->title, gerr ? gerr->message : "");
        if (gerr)
            g_error_free(gerr);
        p->rc = ILM_EINTERNAL;
    }
    g_object_unref(h);
    p->y += ch + 10;
}

static void lay_out(pdf *p)
{
    p->y = M_TOP;
    p->page = 1;
    p->page_used = false;
    cairo_set_source_rgb(p->cr, 0.12, 0.14, 0.16);
    for (size_t i = 0; i < p->d->n && !p->rc; i++) {
        const doc_block *k = &p->d->blocks[i];
        doc_block_kind next = i + 1 < p->d->n ? p->d->blocks[i + 1].kind : DOC_PAGE_BREAK;
        switch (k->kind) {
        case DOC_HEADING: heading(p, k); break;
        case DOC_PARA: text_block(p, k->text, 10, false, M_LEFT, TEXT_W, 7); break;
        case DOC_FIELD: field(p, k, next != DOC_FIELD); break;
        case DOC_ITEM: item(p, k, next != DOC_ITEM); break;
        case DOC_BLANK: blank(p, k); break;
        case DOC_TABLE: table(p, k); break;
        case DOC_CHART: chart(p, k); break;
        case DOC_PAGE_BREAK:
            if (p->page_used)
                new_page(p);
            break;
        }
    }
    footer(p);
    cairo_show_page(p->cr);
}

static cairo_status_t discard(void *closure, const unsigned char *data, unsigned int length)
{
    (void)closure;
    (void)data;
    (void)length;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int length)
{
    doc_buf *b = closure;
    doc_buf_add(b, (const char *)data, length);
    return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

static int run(const ilm_doc *d, cairo_write_func_t write, void *closure, int pages, int *out_pages,
               ilm_errors *err)
{
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write, closure, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "ilmava");
    cairo_t *cr = cairo_create(s);
    pdf p = {.d = d, .cr = cr, .pages = pages, .err = err};
    lay_out(&p);
    *out_pages = p.page;
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (!p.rc && st != CAIRO_STATUS_SUCCESS) {
        ilm_errors_add(err, "document: the PDF could not be written: %s",
                       cairo_status_to_string(st));
        p.rc = ILM_EINTERNAL;
    }
    return p.rc;
}

int doc_render_pdf(const ilm_doc *d, char **out, size_t *len, ilm_errors *err)
{
    int pages = 0;
    int rc = run(d, discard, NULL, 0, &pages, err);
    if (rc)
        return rc;
    doc_buf b = {0};
    rc = run(d, collect, &b, pages, &pages, err);
    if (!rc && (b.failed || !b.p)) {
        ilm_errors_add(err, "document: out of memory");
        rc = ILM_ENOMEM;
    }
    if (rc) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    *len = b.len;
    return 0;
}
