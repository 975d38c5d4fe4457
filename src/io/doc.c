/* The document model: the block list, number formats in the document's
 * language, the render dispatch and the Markdown renderer.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc_internal.h"

/* ---- formats and languages ---- */

int ilm_doc_format_parse(const char *s, const char *field, ilm_doc_format *out, ilm_errors *err)
{
    static const char *const names[] = {"md", "html", "pdf"};
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, names[i]) == 0) {
            *out = (ilm_doc_format)i;
            return 0;
        }
    ilm_errors_addc(err, ILM_ERR_NOT_ONE_OF, field, "%s: \"%.40s\" is not one of md, html, pdf",
                    field, s ? s : "");
    ilm_errors_text(err, "allowed", "md, html, pdf");
    return ILM_EINVAL;
}

int ilm_report_lang_check(const char *lang, const char *field, ilm_errors *err)
{
    if (lang && (strcmp(lang, "fi") == 0 || strcmp(lang, "sv") == 0 || strcmp(lang, "en") == 0))
        return 0;
    ilm_errors_addc(err, ILM_ERR_NOT_ONE_OF, field, "%s: \"%.40s\" is not one of fi, sv, en", field,
                    lang ? lang : "");
    ilm_errors_text(err, "allowed", "fi, sv, en");
    return ILM_EINVAL;
}

static bool lang_en(const char *lang) { return lang && strcmp(lang, "en") == 0; }

#define NBSP "\xc2\xa0"

char *ilm_doc_number(char *buf, double v, int decimals, const char *lang)
{
    if (!isfinite(v)) {
        strcpy(buf, "\xe2\x80\x93"); /* – */
        return buf;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    char raw[400];
    snprintf(raw, sizeof raw, "%.*f", decimals, v);
    /* No "-0,0": a value that rounds to zero prints without a sign. */
    bool neg = raw[0] == '-' && strspn(raw + 1, "0.") != strlen(raw + 1);
    const char *digits = raw[0] == '-' ? raw + 1 : raw;
    const char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);
    const char *group = lang_en(lang) ? "," : NBSP;
    char *o = buf;
    char *end = buf + 47;
    if (neg)
        *o++ = '-';
    for (size_t i = 0; i < int_len && o + 3 < end; i++) {
        if (i > 0 && (int_len - i) % 3 == 0) {
            size_t g = strlen(group);
            memcpy(o, group, g);
            o += g;
        }
        *o++ = digits[i];
    }
    if (dot && o + 1 < end) {
        *o++ = lang_en(lang) ? '.' : ',';
        for (const char *p = dot + 1; *p && o < end; p++)
            *o++ = *p;
    }
    *o = '\0';
    return buf;
}

char *ilm_doc_percent(char *buf, double fraction, int decimals, const char *lang)
{
    char num[48];
    ilm_doc_number(num, 100 * fraction, decimals, lang);
    if (!isfinite(fraction))
        snprintf(buf, 48, "%s", num);
    else
        snprintf(buf, 48, lang_en(lang) ? "%s%%" : "%s" NBSP "%%", num);
    return buf;
}

/* ---- buffers ---- */

void doc_buf_add(doc_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 8192;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = cap <= 4 * (size_t)DOC_MAX_TEXT ? realloc(b->p, cap) : NULL;
        if (!grown) {
            b->failed = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void doc_buf_puts(doc_buf *b, const char *s) { doc_buf_add(b, s, strlen(s)); }

void doc_buf_printf(doc_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    char *tmp = malloc((size_t)n + 1);
    if (!tmp) {
        b->failed = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    doc_buf_add(b, tmp, (size_t)n);
    free(tmp);
}

void doc_buf_html(doc_buf *b, const char *s)
{
    const char *run = s;
    for (; s && *s; s++) {
        const char *rep = *s == '&'    ? "&amp;"
                          : *s == '<'  ? "&lt;"
                          : *s == '>'  ? "&gt;"
                          : *s == '"'  ? "&quot;"
                          : *s == '\'' ? "&#39;"
                                       : NULL;
        if (rep) {
            doc_buf_add(b, run, (size_t)(s - run));
            doc_buf_puts(b, rep);
            run = s + 1;
        }
    }
    if (run && s)
        doc_buf_add(b, run, (size_t)(s - run));
}

/* ---- the block list ---- */

ilm_doc *ilm_doc_new(const char *lang, const char *title)
{
    ilm_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    snprintf(d->lang, sizeof d->lang, "%s",
             lang && (strcmp(lang, "sv") == 0 || strcmp(lang, "en") == 0) ? lang : "fi");
    d->title = strdup(title ? title : "");
    if (!d->title) {
        free(d);
        return NULL;
    }
    return d;
}

static void chart_free(ilm_chart *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_series; i++) {
        free((char *)c->series[i].name);
        free((double *)c->series[i].values);
        free((double *)c->series[i].upper);
        free((char *)c->series[i].color);
    }
    free((ilm_chart_series *)c->series);
    free((int *)c->years);
    free((char *)c->title);
    free((char *)c->y_label);
    free(c);
}

static void block_clear(doc_block *b)
{
    free(b->text);
    free(b->label);
    free(b->caption);
    for (size_t i = 0; b->headers && i < b->n_cols; i++)
        free(b->headers[i]);
    free(b->headers);
    free(b->align);
    for (size_t i = 0; b->cells && i < b->n_rows * b->n_cols; i++)
        free(b->cells[i]);
    free(b->cells);
    chart_free(b->chart);
}

void ilm_doc_free(ilm_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        block_clear(&d->blocks[i]);
    free(d->blocks);
    free(d->title);
    free(d);
}

static void fail(ilm_doc *d, const char *why)
{
    if (!d->failed)
        snprintf(d->why, sizeof d->why, "%s", why);
    d->failed = true;
}

/* A copy of s counted against the text cap; NULL (and failed) when over. */
static char *text_copy(ilm_doc *d, const char *s)
{
    size_t n = strlen(s ? s : "");
    if (d->text_bytes + n > DOC_MAX_TEXT) {
        fail(d, "the document is over its size cap");
        return NULL;
    }
    char *c = malloc(n + 1);
    if (!c) {
        fail(d, "out of memory");
        return NULL;
    }
    memcpy(c, s ? s : "", n + 1);
    d->text_bytes += n;
    return c;
}

static char *text_vformat(ilm_doc *d, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        fail(d, "a text could not be formatted");
        return NULL;
    }
    char *tmp = malloc((size_t)n + 1);
    if (!tmp) {
        fail(d, "out of memory");
        return NULL;
    }
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    char *c = text_copy(d, tmp);
    free(tmp);
    return c;
}

static doc_block *push(ilm_doc *d, doc_block_kind kind)
{
    if (!d || d->failed)
        return NULL;
    if (d->n == DOC_MAX_BLOCKS) {
        fail(d, "the document has too many blocks");
        return NULL;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        doc_block *grown = realloc(d->blocks, cap * sizeof *grown);
        if (!grown) {
            fail(d, "out of memory");
            return NULL;
        }
        d->blocks = grown;
        d->cap = cap;
    }
    doc_block *b = &d->blocks[d->n++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    return b;
}

static void push_text(ilm_doc *d, doc_block_kind kind, int level, const char *fmt, va_list ap)
{
    doc_block *b = push(d, kind);
    if (!b)
        return;
    b->level = level;
    b->text = text_vformat(d, fmt, ap);
}

void ilm_doc_heading(ilm_doc *d, int level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push_text(d, DOC_HEADING, level < 1 ? 1 : level > 3 ? 3 : level, fmt, ap);
    va_end(ap);
}

void ilm_doc_para(ilm_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push_text(d, DOC_PARA, 0, fmt, ap);
    va_end(ap);
}

void ilm_doc_item(ilm_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    push_text(d, DOC_ITEM, 0, fmt, ap);
    va_end(ap);
}

void ilm_doc_field(ilm_doc *d, const char *label, const char *value)
{
    doc_block *b = push(d, DOC_FIELD);
    if (!b)
        return;
    b->label = text_copy(d, label);
    b->text = text_copy(d, value);
}

void ilm_doc_blank(ilm_doc *d, const char *label, int lines)
{
    doc_block *b = push(d, DOC_BLANK);
    if (!b)
        return;
    b->label = text_copy(d, label);
    b->level = lines < 1 ? 1 : lines > 20 ? 20 : lines;
}

void ilm_doc_table(ilm_doc *d, const char *caption, size_t n_cols, const char *const *headers,
                   const ilm_align *align)
{
    if (n_cols == 0 || n_cols > DOC_MAX_COLS) {
        if (d)
            fail(d, "a table has no columns or more than 16");
        return;
    }
    doc_block *b = push(d, DOC_TABLE);
    if (!b)
        return;
    b->caption = caption ? text_copy(d, caption) : NULL;
    b->n_cols = n_cols;
    b->headers = calloc(n_cols, sizeof *b->headers);
    b->align = calloc(n_cols, sizeof *b->align);
    if (!b->headers || !b->align) {
        fail(d, "out of memory");
        return;
    }
    for (size_t i = 0; i < n_cols; i++) {
        b->headers[i] = text_copy(d, headers ? headers[i] : "");
        b->align[i] = align ? align[i] : i == 0 ? ILM_ALIGN_LEFT : ILM_ALIGN_RIGHT;
    }
}

void ilm_doc_row(ilm_doc *d, const char *const *cells)
{
    if (!d || d->failed)
        return;
    doc_block *b = d->n ? &d->blocks[d->n - 1] : NULL;
    if (!b || b->kind != DOC_TABLE) {
        fail(d, "a table row without a table");
        return;
    }
    size_t n = b->n_rows;
    if (n == b->row_cap) {
        size_t cap = n ? 2 * n : 8;
        char **grown = realloc(b->cells, cap * b->n_cols * sizeof *grown);
        if (!grown) {
            fail(d, "out of memory");
            return;
        }
        b->cells = grown;
        b->row_cap = cap;
    }
    for (size_t i = 0; i < b->n_cols; i++)
        b->cells[n * b->n_cols + i] = cells && cells[i] ? text_copy(d, cells[i]) : NULL;
    b->n_rows++;
}

static double *copy_values(const double *v, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (c && n)
        memcpy(c, v, n * sizeof *c);
    return c;
}

void ilm_doc_chart(ilm_doc *d, const ilm_chart *c)
{
    doc_block *b = push(d, DOC_CHART);
    if (!b)
        return;
    ilm_chart *k = calloc(1, sizeof *k);
    if (!k) {
        fail(d, "out of memory");
        return;
    }
    b->chart = k;
    k->title = text_copy(d, c->title);
    k->y_label = text_copy(d, c->y_label);
    k->n_x = c->n_x;
    int *years = malloc((c->n_x ? c->n_x : 1) * sizeof *years);
    ilm_chart_series *series = calloc(c->n_series ? c->n_series : 1, sizeof *series);
    k->years = years;
    k->series = series;
    if (!years || !series) {
        fail(d, "out of memory");
        return;
    }
    if (c->n_x)
        memcpy(years, c->years, c->n_x * sizeof *years);
    k->n_series = c->n_series;
    for (size_t i = 0; i < c->n_series; i++) {
        series[i].name = text_copy(d, c->series[i].name);
        series[i].kind = c->series[i].kind;
        series[i].values = c->series[i].values ? copy_values(c->series[i].values, c->n_x) : NULL;
        series[i].upper = c->series[i].upper ? copy_values(c->series[i].upper, c->n_x) : NULL;
        series[i].color = c->series[i].color ? text_copy(d, c->series[i].color) : NULL;
    }
}

void ilm_doc_page_break(ilm_doc *d) { push(d, DOC_PAGE_BREAK); }

/* ---- Markdown ---- */

/* Text with the characters Markdown would read as markup escaped. */
static void md_text(doc_buf *b, const char *s)
{
    bool line_start = true;
    for (; s && *s; s++) {
        char c = *s;
        if (strchr("\\`*_[]<>|", c) || (line_start && strchr("#+-=", c)))
            doc_buf_add(b, "\\", 1);
        else if (line_start && c >= '0' && c <= '9') {
            /* "1. " at a line's start would begin a list. */
            const char *p = s;
            while (*p >= '0' && *p <= '9')
                p++;
            if ((*p == '.' || *p == ')') && (p[1] == ' ' || !p[1])) {
                doc_buf_add(b, s, (size_t)(p - s));
                doc_buf_add(b, "\\", 1);
                s = p;
                c = *s;
            }
        }
        if (c == '\n') {
            doc_buf_puts(b, "\\\n"); /* a hard line break inside the block */
            line_start = true;
            continue;
        }
        doc_buf_add(b, &c, 1);
        line_start = false;
    }
}

static void md_cell(doc_buf *b, const char *s)
{
    /* Inside a table a line break would end the row. */
    for (const char *p = s; p && *p; p++) {
        if (*p == '\n') {
            doc_buf_puts(b, " ");
            continue;
        }
        if (strchr("\\`*_[]<>|", *p))
            doc_buf_add(b, "\\", 1);
        doc_buf_add(b, p, 1);
    }
}

static void md_table(doc_buf *b, size_t n_cols, char *const *headers, const ilm_align *align,
                     char *const *cells, size_t n_rows)
{
    doc_buf_puts(b, "|");
    for (size_t i = 0; i < n_cols; i++) {
        doc_buf_puts(b, " ");
        md_cell(b, headers[i]);
        doc_buf_puts(b, " |");
    }
    doc_buf_puts(b, "\n|");
    for (size_t i = 0; i < n_cols; i++)
        doc_buf_puts(b, align[i] == ILM_ALIGN_RIGHT ? " ---: |" : " --- |");
    doc_buf_puts(b, "\n");
    for (size_t r = 0; r < n_rows; r++) {
        doc_buf_puts(b, "|");
        for (size_t i = 0; i < n_cols; i++) {
            doc_buf_puts(b, " ");
            md_cell(b, cells[r * n_cols + i]);
            doc_buf_puts(b, " |");
        }
        doc_buf_puts(b, "\n");
    }
    doc_buf_puts(b, "\n");
}

/* A chart's values as a table: years down, series across (a band gives
 * two columns). */
static void md_chart(doc_buf *b, const ilm_chart *c, const char *lang)
{
    doc_buf_puts(b, "*");
    md_text(b, c->title);
    doc_buf_puts(b, "* (");
    md_text(b, c->y_label);
    doc_buf_puts(b, ")\n\n");
    size_t n_cols = 1;
    for (size_t i = 0; i < c->n_series; i++)
        n_cols += c->series[i].kind == ILM_SERIES_BAND ? 2 : 1;
    char **headers = calloc(n_cols, sizeof *headers);
    ilm_align *align = calloc(n_cols, sizeof *align);
    char **cells = calloc((c->n_x ? c->n_x : 1) * n_cols, sizeof *cells);
    if (!headers || !align || !cells) {
        b->failed = true;
        goto done;
    }
    headers[0] = strdup(lang_en(lang) ? "Year" : strcmp(lang, "sv") == 0 ? "År" : "Vuosi");
    size_t col = 1;
    for (size_t i = 0; i < c->n_series; i++) {
        align[col] = ILM_ALIGN_RIGHT;
        if (c->series[i].kind == ILM_SERIES_BAND) {
            char h[300];
            snprintf(h, sizeof h, "%s, %s", c->series[i].name,
                     lang_en(lang)             ? "low"
                     : strcmp(lang, "sv") == 0 ? "låg"
                                               : "ala");
            headers[col++] = strdup(h);
            align[col] = ILM_ALIGN_RIGHT;
            snprintf(h, sizeof h, "%s, %s", c->series[i].name,
                     lang_en(lang)             ? "high"
                     : strcmp(lang, "sv") == 0 ? "hög"
                                               : "ylä");
            headers[col++] = strdup(h);
        } else {
            headers[col++] = strdup(c->series[i].name);
        }
    }
    for (size_t x = 0; x < c->n_x; x++) {
        char num[48];
        snprintf(num, sizeof num, "%d", c->years[x]);
        cells[x * n_cols] = strdup(num);
        col = 1;
        for (size_t i = 0; i < c->n_series; i++) {
            const ilm_chart_series *s = &c->series[i];
            cells[x * n_cols + col++] =
                strdup(ilm_doc_number(num, s->values ? s->values[x] : NAN, 1, lang));
            if (s->kind == ILM_SERIES_BAND)
                cells[x * n_cols + col++] =
                    strdup(ilm_doc_number(num, s->upper ? s->upper[x] : NAN, 1, lang));
        }
    }
    md_table(b, n_cols, headers, align, cells, c->n_x);
done:
    for (size_t i = 0; headers && i < n_cols; i++)
        free(headers[i]);
    for (size_t i = 0; cells && i < c->n_x * n_cols; i++)
        free(cells[i]);
    free(headers);
    free(align);
    free(cells);
}

static void render_md(const ilm_doc *d, doc_buf *b)
{
    for (size_t i = 0; i < d->n; i++) {
        const doc_block *k = &d->blocks[i];
        doc_block_kind next = i + 1 < d->n ? d->blocks[i + 1].kind : DOC_PAGE_BREAK;
        switch (k->kind) {
        case DOC_HEADING:
            doc_buf_printf(b, "%.*s ", k->level, "###");
            md_text(b, k->text);
            doc_buf_puts(b, "\n\n");
            break;
        case DOC_PARA:
            md_text(b, k->text);
            doc_buf_puts(b, "\n\n");
            break;
        case DOC_FIELD:
            doc_buf_puts(b, "**");
            md_text(b, k->label);
            doc_buf_puts(b, ":** ");
            if (k->text && *k->text)
                md_text(b, k->text);
            else
                doc_buf_puts(b, "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_");
            /* Consecutive fields are one block, a line each. */
            doc_buf_puts(b, next == DOC_FIELD ? "\\\n" : "\n\n");
            break;
        case DOC_ITEM:
            doc_buf_puts(b, "- ");
            md_text(b, k->text);
            doc_buf_puts(b, next == DOC_ITEM ? "\n" : "\n\n");
            break;
        case DOC_BLANK:
            if (*k->label) {
                doc_buf_puts(b, "**");
                md_text(b, k->label);
                doc_buf_puts(b, ":**\n\n");
            }
            for (int l = 0; l < k->level; l++)
                doc_buf_puts(b, "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_"
                                "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\n\n");
            break;
        case DOC_TABLE:
            if (k->caption) {
                doc_buf_puts(b, "*");
                md_text(b, k->caption);
                doc_buf_puts(b, "*\n\n");
            }
            md_table(b, k->n_cols, k->headers, k->align, k->cells, k->n_rows);
            break;
        case DOC_CHART: md_chart(b, k->chart, d->lang); break;
        case DOC_PAGE_BREAK: break;
        }
    }
}

int ilm_doc_render(const ilm_doc *d, ilm_doc_format f, char **out, size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    if (!d) {
        ilm_errors_add(err, "document: out of memory");
        return ILM_ENOMEM;
    }
    if (d->failed) {
        ilm_errors_add(err, "document: %s", d->why);
        return strstr(d->why, "cap") || strstr(d->why, "too many") ? ILM_ELIMIT : ILM_ENOMEM;
    }
    if (f == ILM_DOC_PDF)
        return doc_render_pdf(d, out, len, err);
    doc_buf b = {0};
    int rc = 0;
    if (f == ILM_DOC_HTML)
        rc = doc_render_html(d, &b, err);
    else
        render_md(d, &b);
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
