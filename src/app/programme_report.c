/* The programme report: the cohort dashboard as a standalone HTML page and
 * as an XLSX workbook (libxlsxwriter through io/xlsx.h) for the
 * organiser's own follow-up.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/programme.h"
#include "io/xlsx.h"

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

/* The report's words in fi, sv and en (docs/programme.md). */
#define REPORT_COLS 11
typedef struct report_texts {
    const char *lang;
    const char *headers[REPORT_COLS];
    const char *title;       /* after "Name (year)" */
    const char *summary;     /* from, until, min, max, eur, days, periods, held, began */
    const char *contact_days, *cohort; /* cohort: %zu */
    const char *none, *yes, *no, *plan; /* plan: %lld */
    const char *attendance;             /* %zu attended, %zu held, %zu present, %zu recorded */
    const char *paid, *invoiced, *not_invoiced;
    const char *online;
    const char *audience[3];
    const char *note;
    const char *sheet;
} report_texts;

static const report_texts report_en = {
    "en",
    {"Municipality", "Code", "Council target", "Set since the start", "Gap at start (t)",
     "Gap now (t)", "Easy share", "Commitments done", "Commitments open", "Attendance",
     "Own funding"},
    "programme report",
    "Applications %s to %s; capacity %d to %d; own funding %s EUR; %zu contact days in %zu "
    "periods, %zu held so far; began %s.",
    "Contact days", "The cohort (%zu)",
    "none", "yes", "no", "plan %lld",
    "%zu of %zu days held (%zu of %zu marks present)",
    "paid ", "invoiced ", "not invoiced",
    "online",
    {"top civil-service leadership", "political leadership", "both"},
    "Gaps are the plan model's gap to the target in the target year (t CO2e; above 0 is short of "
    "it), at acceptance and now.",
    "Cohort",
};

static const report_texts report_fi = {
    "fi",
    {"Kunta", "Kuntanumero", "Valtuuston tavoite", "Asetettu ohjelman aikana", "Kuilu alussa (t)",
     "Kuilu nyt (t)", "Helppojen osuus", "Sitoumuksia tehty", "Sitoumuksia avoinna", "Osallistuminen",
     "Omarahoitus"},
    "ohjelmaraportti",
    "Haku %s–%s; osallistujia %d–%d kuntaa; omarahoitus %s euroa; %zu lähipäivää %zu jaksossa, "
    "pidetty %zu; alkoi %s.",
    "Lähipäivät", "Kohortti (%zu)",
    "ei tavoitetta", "kyllä", "ei", "suunnitelma %lld",
    "%zu/%zu pidetystä päivästä (läsnä %zu/%zu merkinnästä)",
    "maksettu ", "laskutettu ", "ei laskutettu",
    "verkossa",
    {"ylin viranhaltijajohto", "poliittinen johto", "molemmat"},
    "Kuilu on suunnitelmamallin mukainen ero tavoitteeseen tavoitevuonna (t CO2e; yli 0 jää "
    "tavoitteesta), hyväksyttäessä ja nyt.",
    "Kohortti",
};

static const report_texts report_sv = {
    "sv",
    {"Kommun", "Kommunnummer", "Fullmäktiges mål", "Satt under programmet", "Gap i början (t)",
     "Gap nu (t)", "Andel lätta", "Åtaganden gjorda", "Åtaganden öppna", "Närvaro",
     "Självfinansiering"},
    "programrapport",
    "Ansökan %s–%s; %d–%d kommuner; självfinansiering %s euro; %zu närdagar i %zu perioder, "
    "%zu hållna; började %s.",
    "Närdagar", "Kohorten (%zu)",
    "inget mål", "ja", "nej", "plan %lld",
    "%zu av %zu hållna dagar (närvarande %zu av %zu markeringar)",
    "betald ", "fakturerad ", "inte fakturerad",
    "på distans",
    {"högsta tjänstemannaledningen", "politiska ledningen", "båda"},
    "Gapet är planmodellens avstånd till målet under målåret (t CO2e; över 0 når inte målet), vid "
    "antagningen och nu.",
    "Kohort",
};

static const report_texts *texts_for(const char *lang)
{
    return lang && strcmp(lang, "fi") == 0   ? &report_fi
           : lang && strcmp(lang, "sv") == 0 ? &report_sv
                                             : &report_en;
}

/* "2 000" (en: "2,000"). */
static void eur_text(char *out, size_t n, double v, const report_texts *tx)
{
    long long x = llround(v);
    if (x < 1000 || x >= 1000000000) {
        snprintf(out, n, "%lld", x);
        return;
    }
    const char *sep = tx == &report_en ? "," : "\xc2\xa0";
    if (x < 1000000)
        snprintf(out, n, "%lld%s%03lld", x / 1000, sep, x % 1000);
    else
        snprintf(out, n, "%lld%s%03lld%s%03lld", x / 1000000, sep, x / 1000 % 1000, sep, x % 1000);
}

/* A number with one decimal, with a decimal comma in fi and sv. */
static void dec_text(char *out, size_t n, const char *fmt, double v, const report_texts *tx)
{
    snprintf(out, n, fmt, v);
    if (tx != &report_en)
        for (char *c = out; *c; c++)
            if (*c == '.')
                *c = ',';
}

/* The cells of one dashboard row, as text, for both formats. */
static void cells(const ilm_dashboard *d, const ilm_dashboard_row *r, const report_texts *tx,
                  char c[REPORT_COLS][400], bool numeric[REPORT_COLS], double v[REPORT_COLS])
{
    memset(numeric, 0, REPORT_COLS * sizeof *numeric);
    snprintf(c[0], 400, "%s", r->name);
    snprintf(c[1], 400, "%s", r->code);
    if (r->has_target) {
        char plan[60];
        snprintf(plan, sizeof plan, tx->plan, (long long)r->target.plan_id);
        snprintf(c[2], 400, "%s %s%s%s%s%s (%s)", r->target.ref.body ? r->target.ref.body : "",
                 r->target.ref.date, r->target.ref.section ? " " : "",
                 r->target.ref.section ? r->target.ref.section : "",
                 r->target.ref.dnro ? ", Dnro " : "", r->target.ref.dnro ? r->target.ref.dnro : "",
                 plan);
    } else {
        snprintf(c[2], 400, "%s", tx->none);
    }
    snprintf(c[3], 400, "%s", r->target_since_start ? tx->yes : tx->no);
    numeric[4] = r->has_start_gap;
    v[4] = r->start_gap;
    if (r->has_start_gap)
        dec_text(c[4], 400, "%.1f", r->start_gap, tx);
    else
        snprintf(c[4], 400, "-");
    numeric[5] = r->has_gap_now;
    v[5] = r->gap_now;
    if (r->has_gap_now)
        dec_text(c[5], 400, "%.1f", r->gap_now, tx);
    else
        snprintf(c[5], 400, "-");
    numeric[6] = r->has_easy_share;
    v[6] = r->easy_share;
    snprintf(c[6], 400, r->has_easy_share ? "%.0f %%" : "-", r->easy_share * 100);
    numeric[7] = numeric[8] = true;
    v[7] = (double)r->commitments_done;
    v[8] = (double)r->commitments_open;
    snprintf(c[7], 400, "%zu", r->commitments_done);
    snprintf(c[8], 400, "%zu", r->commitments_open);
    snprintf(c[9], 400, tx->attendance, r->days_attended, d->days_held, r->attendance_present,
             r->attendance_recorded);
    snprintf(c[10], 400, "%s%s",
             r->paid_at[0]       ? tx->paid
             : r->invoiced_at[0] ? tx->invoiced
                                 : tx->not_invoiced,
             r->paid_at[0] ? r->paid_at : r->invoiced_at);
}

int ilm_programme_report_html(const ilm_dashboard *d, const char *lang, char **out, size_t *len,
                              ilm_errors *err)
{
    const report_texts *tx = texts_for(lang);
    *out = NULL;
    *len = 0;
    const ilm_programme *p = d->programme;
    buf b = {0};
    buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n<title>",
               tx->lang);
    buf_escaped(&b, p->name);
    buf_printf(&b,
               " (%d): %s</title>\n"
               /* No inline style: the server's Content-Security-Policy
                * allows only its own stylesheets (web/assets). */
               "<link rel=\"stylesheet\" href=\"/assets/programme-report.css\">\n"
               "</head><body>\n<h1>",
               p->year, tx->title);
    buf_escaped(&b, p->name);
    char eur[40];
    eur_text(eur, sizeof eur, p->own_funding_eur, tx);
    buf_printf(&b, " (%d)</h1>\n<p>", p->year);
    buf_printf(&b, tx->summary, p->apply_from, p->apply_until, p->capacity_min, p->capacity_max,
               eur, d->contact_days, p->n_periods, d->days_held, d->began);
    buf_printf(&b, "</p>\n");
    if (p->description && *p->description) {
        buf_printf(&b, "<p>");
        buf_escaped(&b, p->description);
        buf_printf(&b, "</p>\n");
    }
    buf_printf(&b, "<h2>%s</h2>\n<ul>\n", tx->contact_days);
    for (size_t i = 0; i < p->n_periods; i++) {
        const ilm_contact_period *c = &p->periods[i];
        for (size_t j = 0; j < c->n_days; j++) {
            buf_printf(&b, "<li>%s, ", c->days[j].day);
            buf_escaped(&b, c->days[j].online ? tx->online : c->days[j].place);
            buf_printf(&b, " (");
            buf_escaped(&b, c->name);
            buf_printf(&b, "; %s)</li>\n", tx->audience[c->days[j].audience]);
        }
    }
    buf_printf(&b, "</ul>\n<h2>");
    buf_printf(&b, tx->cohort, d->n);
    buf_printf(&b, "</h2>\n<table>\n<tr>");
    for (int k = 0; k < REPORT_COLS; k++)
        buf_printf(&b, "<th>%s</th>", tx->headers[k]);
    buf_printf(&b, "</tr>\n");
    for (size_t i = 0; i < d->n; i++) {
        char c[REPORT_COLS][400];
        bool numeric[REPORT_COLS];
        double v[REPORT_COLS];
        cells(d, &d->rows[i], tx, c, numeric, v);
        buf_printf(&b, "<tr>");
        for (int k = 0; k < REPORT_COLS; k++) {
            buf_printf(&b, "<td>");
            buf_escaped(&b, c[k]);
            buf_printf(&b, "</td>");
        }
        buf_printf(&b, "</tr>\n");
    }
    buf_printf(&b, "</table>\n<p>%s</p>\n</body></html>\n", tx->note);
    return finish(&b, out, len, err);
}

/* ---- the workbook ---- */

int ilm_programme_report_xlsx(const ilm_dashboard *d, const char *lang, char **out, size_t *len,
                              ilm_errors *err)
{
    const report_texts *tx = texts_for(lang);
    *out = NULL;
    *len = 0;
    xlsx_file file;
    int rc = xlsx_start(&file, err);
    if (rc)
        return rc;
    lxw_worksheet *ws = workbook_add_worksheet(file.wb, tx->sheet);
    lxw_format *bold = workbook_add_format(file.wb);
    format_set_bold(bold);
    bool failed = !ws;
    char title[400];
    snprintf(title, sizeof title, "%s (%d)", d->programme->name, d->programme->year);
    if (ws) {
        failed |= worksheet_write_string(ws, 0, 0, title, bold) != LXW_NO_ERROR;
        for (int k = 0; k < REPORT_COLS; k++)
            failed |= worksheet_write_string(ws, 1, (lxw_col_t)k, tx->headers[k], bold) != LXW_NO_ERROR;
        worksheet_freeze_panes(ws, 2, 0);
    }
    for (size_t i = 0; ws && i < d->n; i++) {
        char c[REPORT_COLS][400];
        bool numeric[REPORT_COLS];
        double v[REPORT_COLS];
        cells(d, &d->rows[i], tx, c, numeric, v);
        lxw_row_t row = (lxw_row_t)(i + 2);
        for (int k = 0; k < REPORT_COLS; k++)
            failed |= (numeric[k] ? worksheet_write_number(ws, row, (lxw_col_t)k, v[k], NULL)
                                  : worksheet_write_string(ws, row, (lxw_col_t)k, c[k], NULL)) !=
                      LXW_NO_ERROR;
    }
    return xlsx_finish(&file, failed, out, len, err);
}
