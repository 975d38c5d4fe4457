/* The programme report: the cohort dashboard as a standalone HTML page and
 * as an XLSX workbook for the organiser's own follow-up. The workbook is
 * the smallest SpreadsheetML package (five XML parts) in a zip written
 * here with the entries stored, not compressed, and their CRC-32: no
 * library needed, and any spreadsheet program opens it.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/programme.h"

/* A report is a table per municipality of a cohort: far below this. */
#define REPORT_MAX (64u * 1024 * 1024)

typedef struct buf {
    char *p;
    size_t len, cap;
    bool failed;
} buf;

static void buf_add(buf *b, const void *data, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *grown = cap <= REPORT_MAX ? realloc(b->p, cap) : NULL;
        if (!grown) {
            b->failed = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(buf *b, const char *fmt, ...)
{
    char tmp[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Text escaped for HTML and XML alike. */
static void buf_escaped(buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': buf_add(b, "&amp;", 5); break;
        case '<': buf_add(b, "&lt;", 4); break;
        case '>': buf_add(b, "&gt;", 4); break;
        case '"': buf_add(b, "&quot;", 6); break;
        default:
            /* XML 1.0 allows no other control characters. */
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                buf_add(b, s, 1);
        }
    }
}

static int finish(buf *b, char **out, size_t *len, ilm_errors *err)
{
    if (b->failed) {
        free(b->p);
        ilm_errors_add(err, "the report is too big or out of memory");
        return ILM_ENOMEM;
    }
    *out = b->p;
    *len = b->len;
    return 0;
}

/* The cells of one dashboard row, as text, for both formats. */
#define COLS 11
static const char *const headers[COLS] = {
    "Municipality",     "Code",        "Council target", "Set since the start",
    "Gap at start (t)", "Gap now (t)", "Easy share",     "Commitments done",
    "Commitments open", "Attendance",  "Own funding"};

static void cells(const ilm_dashboard *d, const ilm_dashboard_row *r, char c[COLS][400],
                  bool numeric[COLS], double v[COLS])
{
    memset(numeric, 0, COLS * sizeof *numeric);
    snprintf(c[0], 400, "%s", r->name);
    snprintf(c[1], 400, "%s", r->code);
    if (r->has_target)
        snprintf(
            c[2], 400, "%s %s%s%s%s%s (plan %lld)", r->target.ref.body ? r->target.ref.body : "",
            r->target.ref.date, r->target.ref.section ? " " : "",
            r->target.ref.section ? r->target.ref.section : "", r->target.ref.dnro ? ", Dnro " : "",
            r->target.ref.dnro ? r->target.ref.dnro : "", (long long)r->target.plan_id);
    else
        snprintf(c[2], 400, "none");
    snprintf(c[3], 400, "%s", r->target_since_start ? "yes" : "no");
    numeric[4] = r->has_start_gap;
    v[4] = r->start_gap;
    snprintf(c[4], 400, r->has_start_gap ? "%.1f" : "-", r->start_gap);
    numeric[5] = r->has_gap_now;
    v[5] = r->gap_now;
    snprintf(c[5], 400, r->has_gap_now ? "%.1f" : "-", r->gap_now);
    numeric[6] = r->has_easy_share;
    v[6] = r->easy_share;
    snprintf(c[6], 400, r->has_easy_share ? "%.0f %%" : "-", r->easy_share * 100);
    numeric[7] = numeric[8] = true;
    v[7] = (double)r->commitments_done;
    v[8] = (double)r->commitments_open;
    snprintf(c[7], 400, "%zu", r->commitments_done);
    snprintf(c[8], 400, "%zu", r->commitments_open);
    snprintf(c[9], 400, "%zu of %zu days held (%zu of %zu marks present)", r->days_attended,
             d->days_held, r->attendance_present, r->attendance_recorded);
    snprintf(c[10], 400, "%s%s%s",
             r->paid_at[0]       ? "paid "
             : r->invoiced_at[0] ? "invoiced "
                                 : "not invoiced",
             r->paid_at[0] ? r->paid_at : r->invoiced_at, "");
}

int ilm_programme_report_html(const ilm_dashboard *d, char **out, size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    const ilm_programme *p = d->programme;
    buf b = {0};
    buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    buf_escaped(&b, p->name);
    buf_printf(&b,
               " (%d): programme report</title>\n"
               /* No inline style: the server's Content-Security-Policy
                * allows only its own stylesheets (web/assets). */
               "<link rel=\"stylesheet\" href=\"/assets/programme-report.css\">\n"
               "</head><body>\n<h1>",
               p->year);
    buf_escaped(&b, p->name);
    buf_printf(&b,
               " (%d)</h1>\n<p>Applications %s to %s; capacity %d to %d; own funding %.0f EUR; "
               "%zu contact days in %zu periods, %zu held so far; began %s.</p>\n",
               p->year, p->apply_from, p->apply_until, p->capacity_min, p->capacity_max,
               p->own_funding_eur, d->contact_days, p->n_periods, d->days_held, d->began);
    if (p->description && *p->description) {
        buf_printf(&b, "<p>");
        buf_escaped(&b, p->description);
        buf_printf(&b, "</p>\n");
    }
    buf_printf(&b, "<h2>Contact days</h2>\n<ul>\n");
    for (size_t i = 0; i < p->n_periods; i++) {
        const ilm_contact_period *c = &p->periods[i];
        for (size_t j = 0; j < c->n_days; j++) {
            buf_printf(&b, "<li>%s, ", c->days[j].day);
            buf_escaped(&b, c->days[j].place);
            buf_printf(&b, " (");
            buf_escaped(&b, c->name);
            buf_printf(&b, "; %s)</li>\n", ilm_audience_name(c->days[j].audience));
        }
    }
    buf_printf(&b, "</ul>\n<h2>The cohort (%zu)</h2>\n<table>\n<tr>", d->n);
    for (int k = 0; k < COLS; k++)
        buf_printf(&b, "<th>%s</th>", headers[k]);
    buf_printf(&b, "</tr>\n");
    for (size_t i = 0; i < d->n; i++) {
        char c[COLS][400];
        bool numeric[COLS];
        double v[COLS];
        cells(d, &d->rows[i], c, numeric, v);
        buf_printf(&b, "<tr>");
        for (int k = 0; k < COLS; k++) {
            buf_printf(&b, "<td>");
            buf_escaped(&b, c[k]);
            buf_printf(&b, "</td>");
        }
        buf_printf(&b, "</tr>\n");
    }
    buf_printf(&b,
               "</table>\n<p>Gaps are the plan model's gap to the target in the target year "
               "(t CO2e; above 0 is short of it), at acceptance and now.</p>\n</body></html>\n");
    return finish(&b, out, len, err);
}

/* ---- a stored zip ---- */

/* CRC-32 (IEEE), bit by bit: a report is small, and no table means no
 * shared state between the server's threads. */
static uint32_t crc32_of(const char *data, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        c ^= (unsigned char)data[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

static void put16(buf *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)(v & 0xFF), (unsigned char)((v >> 8) & 0xFF)};
    buf_add(b, x, 2);
}

static void put32(buf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)(v & 0xFF), (unsigned char)((v >> 8) & 0xFF),
                          (unsigned char)((v >> 16) & 0xFF), (unsigned char)((v >> 24) & 0xFF)};
    buf_add(b, x, 4);
}

typedef struct zip_entry {
    const char *name;
    const buf *data;
    uint32_t crc, offset;
} zip_entry;

/* 1 January 2026, 00:00: a fixed time keeps the file reproducible. */
#define DOS_TIME 0
#define DOS_DATE (((2026 - 1980) << 9) | (1 << 5) | 1)

static void zip_write(buf *z, zip_entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        e[i].crc = crc32_of(e[i].data->p, e[i].data->len);
        e[i].offset = (uint32_t)z->len;
        put32(z, 0x04034b50);
        put16(z, 20);
        put16(z, 0);
        put16(z, 0); /* stored */
        put16(z, DOS_TIME);
        put16(z, DOS_DATE);
        put32(z, e[i].crc);
        put32(z, (uint32_t)e[i].data->len);
        put32(z, (uint32_t)e[i].data->len);
        put16(z, (unsigned)strlen(e[i].name));
        put16(z, 0);
        buf_add(z, e[i].name, strlen(e[i].name));
        buf_add(z, e[i].data->p, e[i].data->len);
    }
    uint32_t dir = (uint32_t)z->len;
    for (size_t i = 0; i < n; i++) {
        put32(z, 0x02014b50);
        put16(z, 20);
        put16(z, 20);
        put16(z, 0);
        put16(z, 0);
        put16(z, DOS_TIME);
        put16(z, DOS_DATE);
        put32(z, e[i].crc);
        put32(z, (uint32_t)e[i].data->len);
        put32(z, (uint32_t)e[i].data->len);
        put16(z, (unsigned)strlen(e[i].name));
        put16(z, 0);
        put16(z, 0);
        put16(z, 0);
        put16(z, 0);
        put32(z, 0);
        put32(z, e[i].offset);
        buf_add(z, e[i].name, strlen(e[i].name));
    }
    uint32_t dir_len = (uint32_t)z->len - dir;
    put32(z, 0x06054b50);
    put16(z, 0);
    put16(z, 0);
    put16(z, (unsigned)n);
    put16(z, (unsigned)n);
    put32(z, dir_len);
    put32(z, dir);
    put16(z, 0);
}

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"

static void cell_ref(char *out, size_t n, int col, size_t row)
{
    snprintf(out, n, "%c%zu", 'A' + col, row);
}

static void text_cell(buf *b, int col, size_t row, const char *s)
{
    char ref[16];
    cell_ref(ref, sizeof ref, col, row);
    buf_printf(b, "<c r=\"%s\" t=\"inlineStr\"><is><t xml:space=\"preserve\">", ref);
    buf_escaped(b, s);
    buf_printf(b, "</t></is></c>");
}

int ilm_programme_report_xlsx(const ilm_dashboard *d, char **out, size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    buf types = {0}, rels = {0}, book = {0}, book_rels = {0}, sheet = {0}, z = {0};
    buf_printf(&types, XML_HEAD
               "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
               "<Default Extension=\"rels\" ContentType=\"application/"
               "vnd.openxmlformats-package.relationships+xml\"/>"
               "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
               "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"
               "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
               "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/"
               "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>");
    buf_printf(&rels, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\"><Relationship Id=\"rId1\" "
                               "Type=\"" NS_REL
                               "/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
    buf_printf(&book,
               XML_HEAD "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><sheets>"
                        "<sheet name=\"Cohort\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
    buf_printf(&book_rels, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\"><Relationship "
                                    "Id=\"rId1\" Type=\"" NS_REL
                                    "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                                    "</Relationships>");
    buf_printf(&sheet, XML_HEAD "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
    char title[400];
    snprintf(title, sizeof title, "%s (%d)", d->programme->name, d->programme->year);
    buf_printf(&sheet, "<row r=\"1\">");
    text_cell(&sheet, 0, 1, title);
    buf_printf(&sheet, "</row><row r=\"2\">");
    for (int k = 0; k < COLS; k++)
        text_cell(&sheet, k, 2, headers[k]);
    buf_printf(&sheet, "</row>");
    for (size_t i = 0; i < d->n; i++) {
        char c[COLS][400];
        bool numeric[COLS];
        double v[COLS];
        cells(d, &d->rows[i], c, numeric, v);
        size_t row = i + 3;
        buf_printf(&sheet, "<row r=\"%zu\">", row);
        for (int k = 0; k < COLS; k++) {
            if (numeric[k]) {
                char ref[16];
                cell_ref(ref, sizeof ref, k, row);
                buf_printf(&sheet, "<c r=\"%s\"><v>%.17g</v></c>", ref, v[k]);
            } else {
                text_cell(&sheet, k, row, c[k]);
            }
        }
        buf_printf(&sheet, "</row>");
    }
    buf_printf(&sheet, "</sheetData></worksheet>");
    zip_entry e[] = {{"[Content_Types].xml", &types, 0, 0},
                     {"_rels/.rels", &rels, 0, 0},
                     {"xl/workbook.xml", &book, 0, 0},
                     {"xl/_rels/workbook.xml.rels", &book_rels, 0, 0},
                     {"xl/worksheets/sheet1.xml", &sheet, 0, 0}};
    bool failed = types.failed || rels.failed || book.failed || book_rels.failed || sheet.failed;
    if (!failed)
        zip_write(&z, e, sizeof e / sizeof e[0]);
    else
        z.failed = true;
    free(types.p);
    free(rels.p);
    free(book.p);
    free(book_rels.p);
    free(sheet.p);
    return finish(&z, out, len, err);
}
