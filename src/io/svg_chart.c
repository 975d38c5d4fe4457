/* Charts as SVG: stacked areas, lines, dashed lines and bands over years,
 * with axes, ticks in the document's number format and a legend. The
 * HTML document inlines the SVG and the PDF draws the same SVG through
 * librsvg, so both show one picture.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_internal.h"

#define W 720.0
#define H 360.0
#define PAD_L 64.0
#define PAD_R 16.0
#define PAD_T 12.0
#define PAD_B 28.0
#define LEGEND_ROW 18.0

/* Okabe-Ito, as the UI's charts use. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                      "#56B4E9", "#CC79A7", "#F0E442", "#000000"};

/* A "nice" tick step for a range: 1, 2 or 5 times a power of ten. */
static double nice_step(double range, int ticks)
{
    double raw = range / ticks;
    double mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int check(const ilm_chart *c, ilm_errors *err)
{
    if (!c || c->n_x == 0 || !c->years) {
        ilm_errors_add(err, "chart \"%s\": no years", c && c->title ? c->title : "");
        return ILM_EINVAL;
    }
    if (c->n_series == 0 || c->n_series > 32) {
        ilm_errors_add(err, "chart \"%s\": 1 to 32 series expected", c->title ? c->title : "");
        return ILM_EINVAL;
    }
    for (size_t i = 0; i < c->n_series; i++) {
        const ilm_chart_series *s = &c->series[i];
        if (!s->values || (s->kind == ILM_SERIES_BAND && !s->upper)) {
            ilm_errors_add(err, "chart \"%s\": series %zu (%s) has no values", c->title, i,
                           s->name ? s->name : "");
            return ILM_EINVAL;
        }
    }
    for (size_t x = 1; x < c->n_x; x++)
        if (c->years[x] <= c->years[x - 1]) {
            ilm_errors_add(err, "chart \"%s\": years must ascend", c->title);
            return ILM_EINVAL;
        }
    return 0;
}

typedef struct frame {
    double x0, x1, y0, y1; /* plot area in SVG units */
    int year0, year1;
    double lo, hi;
} frame;

static double fx(const frame *f, int year)
{
    if (f->year1 == f->year0)
        return (f->x0 + f->x1) / 2;
    return f->x0 + (f->x1 - f->x0) * (year - f->year0) / (double)(f->year1 - f->year0);
}

static double fy(const frame *f, double v)
{
    return f->y1 - (f->y1 - f->y0) * (v - f->lo) / (f->hi - f->lo);
}

/* A polyline path through the finite points of v; gaps split it. */
static void path_line(doc_buf *b, const frame *f, const ilm_chart *c, const double *v)
{
    bool pen = false;
    for (size_t x = 0; x < c->n_x; x++) {
        if (!isfinite(v[x])) {
            pen = false;
            continue;
        }
        doc_buf_printf(b, "%c%.1f %.1f", pen ? 'L' : 'M', fx(f, c->years[x]), fy(f, v[x]));
        pen = true;
    }
}

/* A closed area between lower and upper over the runs where both exist. */
static void path_area(doc_buf *b, const frame *f, const ilm_chart *c, const double *lower,
                      const double *upper)
{
    size_t x = 0;
    while (x < c->n_x) {
        while (x < c->n_x && !(isfinite(lower[x]) && isfinite(upper[x])))
            x++;
        size_t start = x;
        while (x < c->n_x && isfinite(lower[x]) && isfinite(upper[x]))
            x++;
        if (x == start)
            break;
        for (size_t k = start; k < x; k++)
            doc_buf_printf(b, "%c%.1f %.1f", k == start ? 'M' : 'L', fx(f, c->years[k]),
                           fy(f, upper[k]));
        for (size_t k = x; k-- > start;)
            doc_buf_printf(b, "L%.1f %.1f", fx(f, c->years[k]), fy(f, lower[k]));
        doc_buf_puts(b, "Z");
    }
}

char *ilm_chart_svg(const ilm_chart *c, const char *lang, ilm_errors *err)
{
    if (check(c, err))
        return NULL;
    size_t n = c->n_x;
    /* Stacked areas: cumulative tops. */
    double *base = calloc(n, sizeof *base);
    double **tops = calloc(c->n_series, sizeof *tops);
    doc_buf b = {0};
    char *result = NULL;
    double *legend_x = NULL;
    size_t *legend_row = NULL;
    if (!base || !tops)
        goto done;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < c->n_series; i++) {
        const ilm_chart_series *s = &c->series[i];
        if (s->kind == ILM_SERIES_AREA) {
            tops[i] = malloc(n * sizeof *tops[i]);
            if (!tops[i])
                goto done;
            for (size_t x = 0; x < n; x++) {
                double v = isfinite(s->values[x]) ? s->values[x] : 0;
                tops[i][x] = base[x] + v;
                base[x] = tops[i][x];
            }
        }
        for (size_t x = 0; x < n; x++) {
            double v = tops[i] ? tops[i][x] : s->values[x];
            if (isfinite(v)) {
                lo = fmin(lo, v);
                hi = fmax(hi, v);
            }
            if (s->kind == ILM_SERIES_BAND && isfinite(s->upper[x]))
                hi = fmax(hi, s->upper[x]);
        }
    }
    if (hi <= lo)
        hi = lo + 1;
    double step = nice_step(hi - lo, 5);
    lo = floor(lo / step) * step;
    hi = ceil(hi / step) * step;
    /* Values so large that the axis has no room between its ticks (or no
     * finite range at all) cannot be drawn: say so rather than loop. */
    int ticks = isfinite(step) && step > 0 && isfinite(hi - lo) ? (int)lround((hi - lo) / step) : 0;
    if (ticks < 1 || ticks > 20 || !(lo + step > lo) || !(hi > lo)) {
        ilm_errors_add(err, "chart \"%s\": the values are too large to draw",
                       c->title ? c->title : "");
        free(base);
        for (size_t i = 0; i < c->n_series; i++)
            free(tops[i]);
        free(tops);
        return NULL;
    }

    /* The legend flows in rows at the bottom; its entries' widths are
     * estimated from their lengths (about 6.5 units a character). */
    legend_x = calloc(c->n_series, sizeof *legend_x);
    legend_row = calloc(c->n_series, sizeof *legend_row);
    if (!legend_x || !legend_row)
        goto done;
    size_t legend_rows = 1;
    double lx = PAD_L;
    for (size_t i = 0; i < c->n_series; i++) {
        double w = 22 + 6.5 * (double)utf8_chars(c->series[i].name) + 18;
        if (lx > PAD_L && lx + w > W - PAD_R) {
            legend_rows++;
            lx = PAD_L;
        }
        legend_x[i] = lx;
        legend_row[i] = legend_rows - 1;
        lx += w;
    }
    double legend_h = (double)legend_rows * LEGEND_ROW + 6;
    frame f = {PAD_L,       W - PAD_R,       PAD_T + 14, H - PAD_B - legend_h,
               c->years[0], c->years[n - 1], lo,         hi};
    int decimals = step < 1 ? (step < 0.1 ? 2 : 1) : 0;

    doc_buf_printf(&b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                   "width=\"%.0f\" height=\"%.0f\" font-family=\"DejaVu Sans, sans-serif\" "
                   "font-size=\"11\" role=\"img\" aria-label=\"",
                   W, H, W, H);
    doc_buf_html(&b, c->title);
    doc_buf_puts(&b, "\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    /* y label and grid */
    doc_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#444444\">", 4.0, PAD_T + 2);
    doc_buf_html(&b, c->y_label);
    doc_buf_puts(&b, "</text>\n");
    for (int i = 0; i <= ticks; i++) {
        double v = lo + i * step;
        char num[48];
        double y = fy(&f, v);
        doc_buf_printf(
            &b,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#444444\">%s</text>\n",
            f.x0, f.x1, y, y, fabs(v) < step / 2 ? "#888888" : "#e3e3e3", f.x0 - 6, y + 4,
            ilm_doc_number(num, fabs(v) < step / 1e6 ? 0 : v, decimals, lang));
    }
    /* x ticks: about 8 labels, on round years */
    int span = f.year1 - f.year0;
    int ystep = span <= 8 ? 1 : span <= 20 ? 2 : span <= 40 ? 5 : 10;
    for (int year = f.year0; year <= f.year1; year++) {
        if (year % ystep != 0 && year != f.year0)
            continue;
        if (year != f.year0 && year - f.year0 < ystep / 2)
            continue;
        double x = fx(&f, year);
        doc_buf_printf(
            &b,
            "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#888888\"/>"
            "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444444\">%d</text>\n",
            x, x, f.y1, f.y1 + 4, x, f.y1 + 16, year);
    }

    /* Areas first (bottom up), then bands, then lines on top. */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < c->n_series; i++) {
            const ilm_chart_series *s = &c->series[i];
            const char *col = s->color ? s->color : palette[i % 8];
            if (pass == 0 && s->kind == ILM_SERIES_AREA) {
                const double *below = NULL;
                for (size_t k = i; k-- > 0;)
                    if (tops[k]) {
                        below = tops[k];
                        break;
                    }
                double *zero = NULL;
                if (!below) {
                    zero = calloc(n, sizeof *zero);
                    if (!zero)
                        goto done;
                    below = zero;
                }
                doc_buf_puts(&b, "<path d=\"");
                path_area(&b, &f, c, below, tops[i]);
                doc_buf_printf(&b,
                               "\" fill=\"%s\" fill-opacity=\"0.85\" stroke=\"#ffffff\" "
                               "stroke-width=\"0.5\"/>\n",
                               col);
                free(zero);
            } else if (pass == 1 && s->kind == ILM_SERIES_BAND) {
                doc_buf_puts(&b, "<path d=\"");
                path_area(&b, &f, c, s->values, s->upper);
                doc_buf_printf(&b, "\" fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", col);
            } else if (pass == 2 && (s->kind == ILM_SERIES_LINE || s->kind == ILM_SERIES_DASHED)) {
                doc_buf_puts(&b, "<path d=\"");
                path_line(&b, &f, c, s->values);
                doc_buf_printf(&b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", col,
                               s->kind == ILM_SERIES_DASHED ? " stroke-dasharray=\"6 4\"" : "");
            }
        }
    }
    /* axes */
    doc_buf_printf(&b,
                   "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#444444\"/>\n",
                   f.x0, f.x0, f.y0, f.y1);
    /* legend */
    for (size_t i = 0; i < c->n_series; i++) {
        const ilm_chart_series *s = &c->series[i];
        const char *col = s->color ? s->color : palette[i % 8];
        double ex = legend_x[i];
        double ly = H - legend_h + 8 + (double)legend_row[i] * LEGEND_ROW;
        if (s->kind == ILM_SERIES_LINE || s->kind == ILM_SERIES_DASHED)
            doc_buf_printf(&b,
                           "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                           "stroke-width=\"2\"%s/>",
                           ex, ex + 16, ly + 5, ly + 5, col,
                           s->kind == ILM_SERIES_DASHED ? " stroke-dasharray=\"6 4\"" : "");
        else
            doc_buf_printf(&b,
                           "<rect x=\"%.1f\" y=\"%.1f\" width=\"16\" height=\"10\" fill=\"%s\" "
                           "fill-opacity=\"%s\"/>",
                           ex, ly, col, s->kind == ILM_SERIES_BAND ? "0.3" : "0.85");
        doc_buf_printf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#1f2328\">", ex + 22, ly + 9);
        doc_buf_html(&b, s->name);
        doc_buf_puts(&b, "</text>\n");
    }
    doc_buf_puts(&b, "</svg>\n");
    if (!b.failed)
        result = b.p;
done:
    if (!result) {
        free(b.p);
        ilm_errors_add(err, "chart: out of memory");
    }
    for (size_t i = 0; tops && i < c->n_series; i++)
        free(tops[i]);
    free(tops);
    free(base);
    free(legend_x);
    free(legend_row);
    return result;
}
