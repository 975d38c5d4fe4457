/* Exports of a plan's tables for a spreadsheet: the inventory, the yearly
 * totals in three scopes, the target, the pathway by year, the measures
 * and the Monte Carlo percentiles, as one XLSX workbook (libxlsxwriter through io/xlsx.h;
 * numbers as number cells, units in the headers) or one CSV per table;
 * and the inventory in the GPC sectors (docs/exports.md). Figures are in
 * t CO2e, exactly as `ilmava pathway --json` gives them.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/io.h"
#include "io/doc_internal.h"
#include "io/xlsx.h"
#include "report_internal.h"

/* ---- the tables, once, for both formats ---- */

typedef enum cell_kind { CELL_TEXT, CELL_NUMBER, CELL_BOOL, CELL_EMPTY } cell_kind;

typedef struct cell {
    cell_kind kind;
    const char *text;
    double number;
} cell;

/* A table is written through this sink: XLSX or CSV. */
typedef struct sink sink;
struct sink {
    void (*begin)(sink *s, const char *name, size_t n_cols, const char *const *headers);
    void (*row)(sink *s, const cell *cells);
    void *state;
    size_t n_cols;
    bool failed;
};

typedef struct export_texts {
    const char *sheet[6]; /* inventory, totals, target, pathway, measures, montecarlo */
    const char *inventory_cols[5], *totals_cols[4], *target_cols[2], *pathway_cols[4];
    const char *measure_cols[14], *mc_cols[4];
    const char *target_rows[10];
    const char *scope_names[3], *class_names[3];
} export_texts;

static const export_texts fi = {
    {"Inventaario", "Vuosisummat", "Tavoite", "Päästöpolku", "Toimenpiteet", "Monte Carlo"},
    {"Vuosi", "Sektori", "Sektorin avain", "Päästökauppa", "Päästöt (t CO2e)"},
    {"Vuosi", "Kokonaispäästöt (t CO2e)", "Päästökaupan ulkopuoliset (t CO2e)",
     "Hinku-laskenta (t CO2e)"},
    {"Tieto", "Arvo"},
    {"Vuosi", "Ilman toimenpiteitä (t CO2e)", "Toimenpiteillä (t CO2e)", "Tavoitepolku (t CO2e)"},
    {"Tunnus", "Toimenpide", "Vastuutaho", "Sektori", "Päästökauppa", "Alkaa (vuosi)",
     "Täysi vaikutus (vuosi)", "Kustannus (€/v)", "Vaikutus yksinään (t CO2e)",
     "Osuus vähennyksestä (t CO2e)", "Kustannus (€/t)", "Luokka", "Tavoitteen piirissä",
     "Miksi ei tavoitteessa"},
    {"Vuosi", "P5 (t CO2e)", "P50 (t CO2e)", "P95 (t CO2e)"},
    {"Perusvuosi", "Tavoitevuosi", "Vähennys (osuus)", "Tavoitteen laskentatapa",
     "Tavoitearvo (t CO2e)", "Ero tavoitteeseen tavoitevuonna (t CO2e)", "Tavoite saavutetaan",
     "Ylitys tavoitepolun yli yhteensä (t CO2e)", "Todennäköisyys saavuttaa tavoite (osuus)",
     "Simulointeja"},
    {"kokonaispäästöt", "päästökaupan ulkopuoliset", "Hinku-laskenta"},
    {"helppo", "keskivaikea", "vaikea"},
};

static const export_texts sv = {
    {"Inventering", "Årssummor", "Mål", "Utsläppsbana", "Åtgärder", "Monte Carlo"},
    {"År", "Sektor", "Sektornyckel", "Utsläppshandel", "Utsläpp (t CO2e)"},
    {"År", "Totala utsläpp (t CO2e)", "Utanför utsläppshandeln (t CO2e)",
     "Hinku-beräkning (t CO2e)"},
    {"Uppgift", "Värde"},
    {"År", "Utan åtgärder (t CO2e)", "Med åtgärder (t CO2e)", "Målbana (t CO2e)"},
    {"Id", "Åtgärd", "Ansvarig", "Sektor", "Utsläppshandel", "Börjar (år)", "Full effekt (år)",
     "Kostnad (€/år)", "Effekt ensam (t CO2e)", "Andel av minskningen (t CO2e)", "Kostnad (€/t)",
     "Klass", "Inom målet", "Varför inte i målet"},
    {"År", "P5 (t CO2e)", "P50 (t CO2e)", "P95 (t CO2e)"},
    {"Basår", "Målår", "Minskning (andel)", "Målets beräkningssätt", "Målvärde (t CO2e)",
     "Avvikelse från målet under målåret (t CO2e)", "Målet nås",
     "Överskridande av målbanan totalt (t CO2e)", "Sannolikhet att nå målet (andel)",
     "Simuleringar"},
    {"totala utsläpp", "utanför utsläppshandeln", "Hinku-beräkning"},
    {"lätt", "medelsvår", "svår"},
};

static const export_texts en = {
    {"Inventory", "Yearly totals", "Target", "Pathway", "Measures", "Monte Carlo"},
    {"Year", "Sector", "Sector key", "EU-ETS", "Emissions (t CO2e)"},
    {"Year", "Total emissions (t CO2e)", "Outside emissions trading (t CO2e)",
     "Hinku rule (t CO2e)"},
    {"Item", "Value"},
    {"Year", "Without measures (t CO2e)", "With measures (t CO2e)", "Target path (t CO2e)"},
    {"Id", "Measure", "Owner", "Sector", "EU-ETS", "Start (year)", "Full effect (year)",
     "Cost (EUR/a)", "Standalone effect (t CO2e)", "Share of the reduction (t CO2e)",
     "Cost (EUR/t)", "Class", "In the target's scope", "Why not in the target"},
    {"Year", "P5 (t CO2e)", "P50 (t CO2e)", "P95 (t CO2e)"},
    {"Base year", "Target year", "Reduction (fraction)", "Target scope", "Target value (t CO2e)",
     "Gap in the target year (t CO2e)", "Target met",
     "Overshoot above the target path, total (t CO2e)",
     "Probability of meeting the target (fraction)", "Simulations"},
    {"total", "outside emissions trading", "Hinku rule"},
    {"easy", "moderate", "hard"},
};

static const export_texts *texts_for(const char *lang)
{
    return lang && strcmp(lang, "sv") == 0 ? &sv : lang && strcmp(lang, "en") == 0 ? &en : &fi;
}

static cell num(double v)
{
    return isfinite(v) ? (cell){CELL_NUMBER, NULL, v} : (cell){CELL_EMPTY, NULL, 0};
}
static cell text(const char *s) { return (cell){CELL_TEXT, s ? s : "", 0}; }
/* A share 0..1: a number everywhere, shown as a percentage in the XLSX. */
static cell share(double v)
{
    cell c = num(v);
    c.text = c.kind == CELL_NUMBER ? "%" : NULL;
    return c;
}
static cell boolean(bool b) { return (cell){CELL_BOOL, NULL, b}; }

typedef enum table_id {
    T_INVENTORY,
    T_TOTALS,
    T_TARGET,
    T_PATHWAY,
    T_MEASURES,
    T_MONTECARLO
} table_id;

static const char *const table_keys[] = {"inventory", "totals",   "target",
                                         "pathway",   "measures", "montecarlo"};

static void write_table(sink *k, table_id id, const report_facts *f, const export_texts *t,
                        const char *lang)
{
    const ilm_result *r = f->result;
    const ilm_plan *p = f->plan;
    switch (id) {
    case T_INVENTORY:
        k->begin(k, t->sheet[0], 5, t->inventory_cols);
        for (size_t i = 0; i < f->total.n_rows; i++) {
            const ilm_inventory_view_row *row = &f->total.rows[i];
            cell c[5] = {num(row->year), text(report_sector_name(f, row->sector, lang)),
                         text(row->sector), boolean(row->ets), num(row->t)};
            k->row(k, c);
        }
        break;
    case T_TOTALS:
        k->begin(k, t->sheet[1], 4, t->totals_cols);
        for (size_t i = 0; i < f->n_years; i++) {
            cell c[4] = {num(f->years[i].year), num(f->years[i].total), num(f->years[i].non_ets),
                         num(f->years[i].hinku)};
            k->row(k, c);
        }
        break;
    case T_TARGET: {
        k->begin(k, t->sheet[2], 2, t->target_cols);
        const ilm_mc_result *mc = r->monte_carlo;
        cell values[10] = {num(p->base_year),
                           num(p->target_year),
                           share(p->reduction),
                           text(t->scope_names[p->scope]),
                           num(r->target_value),
                           num(r->gap),
                           boolean(r->meets),
                           num(r->overshoot),
                           mc ? share(mc->p_meet) : (cell){CELL_EMPTY, NULL, 0},
                           num(mc ? (double)mc->draws : 0)};
        for (size_t i = 0; i < 10; i++) {
            cell c[2] = {text(t->target_rows[i]), values[i]};
            k->row(k, c);
        }
        break;
    }
    case T_PATHWAY:
        k->begin(k, t->sheet[3], 4, t->pathway_cols);
        for (size_t i = 0; i < r->n_years; i++) {
            cell c[4] = {num(r->years[i]), num(r->baseline[i]), num(r->scenario[i]),
                         num(r->target_path[i])};
            k->row(k, c);
        }
        break;
    case T_MEASURES:
        k->begin(k, t->sheet[4], 14, t->measure_cols);
        for (size_t i = 0; i < r->n_measures; i++) {
            const ilm_measure_result *m = &r->measures[i];
            const ilm_measure *pm = &p->measures[m->plan_index];
            /* Outside the target's scope: its share of the reduction is
             * not part of the target's cut (plan model 1.1). */
            cell c[14] = {text(pm->id),
                          text(pm->name),
                          text(pm->responsible),
                          text(report_sector_name(f, pm->sector, lang)),
                          boolean(pm->ets),
                          num(pm->start),
                          num(pm->full),
                          num(m->annual_cost),
                          num(m->abatement),
                          m->in_scope ? num(m->attributed) : (cell){CELL_EMPTY, NULL, 0},
                          m->cost_per_t_null ? (cell){CELL_EMPTY, NULL, 0} : num(m->cost_per_t),
                          text(t->class_names[m->cls]),
                          boolean(m->in_scope),
                          text(m->in_scope ? "" : report_scope_reason(f, pm, true, lang))};
            k->row(k, c);
        }
        /* Carried but not computed, for want of an inventory stream. */
        for (size_t i = 0; i < r->n_not_computed; i++) {
            if (r->not_computed[i].reason != ILM_NC_NO_INVENTORY)
                continue;
            const ilm_measure *pm = &p->measures[r->not_computed[i].plan_index];
            cell e = {CELL_EMPTY, NULL, 0};
            cell c[14] = {text(pm->id),
                          text(pm->name),
                          text(pm->responsible),
                          text(report_sector_name(f, pm->sector, lang)),
                          boolean(pm->ets),
                          num(pm->start),
                          num(pm->full),
                          e,
                          e,
                          e,
                          e,
                          text(""),
                          boolean(false),
                          text(report_scope_reason(f, pm, false, lang))};
            k->row(k, c);
        }
        break;
    case T_MONTECARLO:
        k->begin(k, t->sheet[5], 4, t->mc_cols);
        for (size_t i = 0; r->monte_carlo && i < r->monte_carlo->n_years; i++) {
            const ilm_mc_result *mc = r->monte_carlo;
            cell c[4] = {num(mc->years[i]), num(mc->p5[i]), num(mc->p50[i]), num(mc->p95[i])};
            k->row(k, c);
        }
        break;
    }
}

/* ---- XLSX ---- */

#define XLSX_MAX_COLS 16

typedef struct xlsx_state {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *header, *number, *year, *percent;
    lxw_row_t row;
    size_t n_cols;
    double width[XLSX_MAX_COLS]; /* the widest content of each column, in characters */
} xlsx_state;

/* Characters (not bytes) of UTF-8 text. */
static double text_width(const char *s)
{
    double n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The longest word of a header, which wraps between words. */
static double longest_word_width(const char *s)
{
    double best = 0, n = 0;
    for (; s && *s; s++) {
        if (*s == ' ') {
            best = n > best ? n : best;
            n = 0;
        } else {
            n += ((unsigned char)*s & 0xC0) != 0x80;
        }
    }
    return n > best ? n : best;
}

/* Sizes the sheet's columns to their content: the widest cell, and the
 * header's longest word (headers wrap), within 8..60 characters. */
static void xlsx_fit(xlsx_state *x)
{
    if (!x->ws)
        return;
    for (size_t c = 0; c < x->n_cols; c++) {
        double w = x->width[c] + 2;
        worksheet_set_column(x->ws, (lxw_col_t)c, (lxw_col_t)c, w < 8 ? 8 : w > 60 ? 60 : w, NULL);
    }
}

static void xlsx_begin(sink *k, const char *name, size_t n_cols, const char *const *headers)
{
    xlsx_state *x = k->state;
    xlsx_fit(x); /* the previous sheet */
    x->ws = workbook_add_worksheet(x->wb, name);
    if (!x->ws || n_cols > XLSX_MAX_COLS) {
        k->failed = true;
        x->ws = NULL;
        return;
    }
    k->n_cols = n_cols;
    x->n_cols = n_cols;
    x->row = 0;
    for (size_t c = 0; c < n_cols; c++) {
        worksheet_write_string(x->ws, 0, (lxw_col_t)c, headers[c], x->header);
        x->width[c] = longest_word_width(headers[c]);
    }
    worksheet_freeze_panes(x->ws, 1, 0);
}

static void xlsx_row(sink *k, const cell *cells)
{
    xlsx_state *x = k->state;
    if (!x->ws)
        return;
    x->row++;
    for (size_t c = 0; c < k->n_cols; c++) {
        lxw_error e = LXW_NO_ERROR;
        switch (cells[c].kind) {
        case CELL_TEXT:
            e = worksheet_write_string(x->ws, x->row, (lxw_col_t)c, cells[c].text, NULL);
            x->width[c] = fmax(x->width[c], text_width(cells[c].text));
            break;
        case CELL_NUMBER: {
            /* Shares as percentages; years and counts read better without
             * decimals; the value is exact either way. */
            double v = cells[c].number;
            bool pct = cells[c].text && strcmp(cells[c].text, "%") == 0;
            bool whole = v == floor(v) && fabs(v) < 1e5;
            e = worksheet_write_number(x->ws, x->row, (lxw_col_t)c, v,
                                       pct     ? x->percent
                                       : whole ? x->year
                                               : x->number);
            /* Digits with group separators and up to three decimals. */
            double digits = fabs(v) >= 1 ? floor(log10(fabs(v))) + 1 : 1;
            x->width[c] =
                fmax(x->width[c], pct ? 7 : digits + floor((digits - 1) / 3) + (whole ? 1 : 5));
            break;
        }
        case CELL_BOOL:
            e = worksheet_write_boolean(x->ws, x->row, (lxw_col_t)c, cells[c].number != 0, NULL);
            x->width[c] = fmax(x->width[c], 6);
            break;
        case CELL_EMPTY: break;
        }
        if (e != LXW_NO_ERROR)
            k->failed = true;
    }
}

static int xlsx_render(const report_facts *f, const char *lang, char **out, size_t *len,
                       ilm_errors *err)
{
    xlsx_file file;
    int rc = xlsx_start(&file, err);
    if (rc)
        return rc;
    xlsx_state x = {.wb = file.wb};
    x.header = workbook_add_format(x.wb);
    format_set_bold(x.header);
    format_set_text_wrap(x.header);
    x.number = workbook_add_format(x.wb);
    format_set_num_format(x.number, "#,##0.0##");
    x.year = workbook_add_format(x.wb);
    format_set_num_format(x.year, "0");
    x.percent = workbook_add_format(x.wb);
    format_set_num_format(x.percent, "0.0%");
    workbook_set_properties(x.wb, &(lxw_doc_properties){.title = f->plan->name,
                                                        .company = "ilmava",
                                                        .comments = "ilmava export"});
    sink k = {xlsx_begin, xlsx_row, &x, 0, false};
    const export_texts *t = texts_for(lang);
    for (int id = T_INVENTORY; id <= T_MONTECARLO; id++)
        write_table(&k, (table_id)id, f, t, lang);
    xlsx_fit(&x);
    return xlsx_finish(&file, k.failed, out, len, err);
}

/* ---- CSV ---- */

/* One CSV convention per language, as the UI's chart downloads
 * (web/assets/charts.js csvText): fi and sv ';' with a decimal comma, en
 * ',' with a decimal point. */
typedef struct csv_state {
    doc_buf b;
    bool started;
    char sep;   /* ';' or ',' */
    bool comma; /* decimal comma */
} csv_state;

/* A text cell, quoted when needed and neutralised when a spreadsheet could
 * read it as a formula (ilm_csv_cell). */
static void csv_field(doc_buf *b, const char *s, char sep)
{
    char *text = ilm_csv_cell(s, sep);
    if (!text) {
        b->failed = true;
        return;
    }
    doc_buf_puts(b, text);
    free(text);
}

/* A number at the precision the UI and the documents show: a share 0..1
 * (`share`) to a tenth of a percent, a whole number as it is, below 100
 * one decimal, else whole; no trailing zeros, the language's decimal mark. */
static const char *csv_number(char buf[64], double v, bool share, bool comma)
{
    int decimals = share ? 3 : v == floor(v) || fabs(v) >= 100 ? 0 : 1;
    double scale = pow(10, decimals);
    double r = round(v * scale) / scale;
    if (r == 0)
        r = 0; /* no "-0" */
    snprintf(buf, 64, "%.*f", decimals, r);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + strlen(buf);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
        else if (comma)
            *dot = ',';
    }
    return buf;
}

static void csv_begin(sink *k, const char *name, size_t n_cols, const char *const *headers)
{
    (void)name;
    csv_state *c = k->state;
    k->n_cols = n_cols;
    char sep[2] = {c->sep, '\0'};
    for (size_t i = 0; i < n_cols; i++) {
        if (i)
            doc_buf_puts(&c->b, sep);
        csv_field(&c->b, headers[i], c->sep);
    }
    doc_buf_puts(&c->b, "\r\n");
}

static void csv_row(sink *k, const cell *cells)
{
    csv_state *c = k->state;
    char sep[2] = {c->sep, '\0'};
    for (size_t i = 0; i < k->n_cols; i++) {
        if (i)
            doc_buf_puts(&c->b, sep);
        char num[64];
        switch (cells[i].kind) {
        case CELL_TEXT: csv_field(&c->b, cells[i].text, c->sep); break;
        case CELL_NUMBER:
            doc_buf_puts(&c->b, csv_number(num, cells[i].number, cells[i].text != NULL, c->comma));
            break;
        case CELL_BOOL: doc_buf_puts(&c->b, cells[i].number != 0 ? "true" : "false"); break;
        case CELL_EMPTY: break;
        }
    }
    doc_buf_puts(&c->b, "\r\n");
}

/* ---- GPC ---- */

/* The store's GPC references of a sector ("I.1.2, I.2.2, I.5.2 (scope 2)",
 * from spec/sectors.md) as the export's columns: the GPC sector (the
 * roman numeral), the sub-sectors space-separated, and the scope (2 when
 * the text says so, else 1). SYKE does not split energy use by building
 * type, so a stream spans the sub-sectors its reference names. */
static bool gpc_columns(const char *ref, char *sector, size_t sector_n, char *subs, size_t subs_n,
                        int *scope)
{
    const char *paren = strstr(ref, " (scope");
    size_t len = paren ? (size_t)(paren - ref) : strlen(ref);
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < subs_n; i++)
        if (ref[i] != ',')
            subs[o++] = ref[i];
    subs[o] = '\0';
    size_t roman = strspn(ref, "IVX");
    if (!roman || roman >= sector_n || o == 0)
        return false;
    memcpy(sector, ref, roman);
    sector[roman] = '\0';
    *scope = paren && strstr(paren, "scope 2") ? 2 : 1;
    return true;
}

static int gpc_render(const report_facts *f, doc_buf *b, ilm_errors *err)
{
    doc_buf_puts(b, "municipality,year,gpc_sector,gpc_subsectors,gpc_scope,syke_sector,eu_ets,"
                    "t_co2e\r\n");
    for (size_t i = 0; i < f->total.n_rows; i++) {
        const ilm_inventory_view_row *r = &f->total.rows[i];
        const ilm_sector *sec = report_sector(f, r->sector);
        char sector[8], subs[120];
        int scope;
        if (!sec || !gpc_columns(sec->gpc, sector, sizeof sector, subs, sizeof subs, &scope)) {
            ilm_errors_add(err, "export gpc: sector \"%s\" has no GPC mapping", r->sector);
            return ILM_EINTERNAL;
        }
        char num[32];
        /* The texts are the store's keys and the sector table's references;
         * they go through the same cell writer as every other CSV. */
        csv_field(b, f->plan->municipality_code, ',');
        doc_buf_printf(b, ",%d,", r->year);
        csv_field(b, sector, ',');
        doc_buf_puts(b, ",");
        csv_field(b, subs, ',');
        doc_buf_printf(b, ",%d,", scope);
        csv_field(b, r->sector, ',');
        doc_buf_printf(b, ",%s,%s\r\n", r->ets ? "true" : "false", ilm_format_number(num, r->t));
    }
    return 0;
}

/* ---- entry points ---- */

int ilm_export_xlsx(ilm_store *s, int64_t plan_id, const char *lang, char **out, size_t *len,
                    ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    if (lang && ilm_report_lang_check(lang, "lang", err))
        return ILM_EINVAL;
    report_facts f;
    int rc = report_facts_load(s, plan_id, &f, err);
    if (rc)
        return rc;
    rc = xlsx_render(&f, lang ? lang : "fi", out, len, err);
    report_facts_clear(&f);
    return rc;
}

int ilm_export_csv(ilm_store *s, int64_t plan_id, const char *table, const char *lang, char **out,
                   size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    int id = -1;
    for (int i = 0; i <= T_MONTECARLO; i++)
        if (table && strcmp(table, table_keys[i]) == 0)
            id = i;
    int rc = 0;
    if (id < 0) {
        ilm_errors_addc(err, ILM_ERR_NOT_ONE_OF, "table",
                        "table: \"%.40s\" is not one of inventory, totals, target, pathway, "
                        "measures, montecarlo",
                        table ? table : "");
        rc = ILM_EINVAL;
    }
    if (lang && ilm_report_lang_check(lang, "lang", err))
        rc = ILM_EINVAL;
    if (rc)
        return rc;
    report_facts f;
    rc = report_facts_load(s, plan_id, &f, err);
    if (rc)
        return rc;
    bool english = lang && strcmp(lang, "en") == 0;
    csv_state c = {.sep = english ? ',' : ';', .comma = !english};
    sink k = {csv_begin, csv_row, &c, 0, false};
    write_table(&k, (table_id)id, &f, texts_for(lang), lang ? lang : "fi");
    report_facts_clear(&f);
    if (c.b.failed || !c.b.p) {
        free(c.b.p);
        ilm_errors_add(err, "export: out of memory");
        return ILM_ENOMEM;
    }
    *out = c.b.p;
    *len = c.b.len;
    return 0;
}

int ilm_export_gpc_csv(ilm_store *s, int64_t plan_id, char **out, size_t *len, ilm_errors *err)
{
    *out = NULL;
    *len = 0;
    report_facts f;
    int rc = report_facts_load(s, plan_id, &f, err);
    if (rc)
        return rc;
    doc_buf b = {0};
    rc = gpc_render(&f, &b, err);
    report_facts_clear(&f);
    if (!rc && (b.failed || !b.p)) {
        ilm_errors_add(err, "export: out of memory");
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
