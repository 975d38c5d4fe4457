/* The import readers: SYKE's three shapes, the municipality register and
 * the plain inventory CSV, over the tokenizer in csv.c. Each data line is
 * checked whole before any of its records goes to the sink, so that a bad
 * line hands over nothing; the first bad line stops the read.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "ilmava/import.h"

#define YEAR_MIN 1900
#define YEAR_MAX 2200

/* What a column holds. */
typedef enum {
    COL_YEAR,
    COL_CODE,
    COL_NAME_FI,
    COL_NAME_SV,
    COL_REGION_CODE,
    COL_REGION_FI,
    COL_REGION_SV,
    COL_FORM,     /* register: kunta or kaupunki (kommun, stad) */
    COL_GENITIVE, /* register: the Finnish name in the genitive */
    COL_KT,       /* SYKE: kt CO2e of one row */
    COL_T,        /* inventory: t CO2e */
    COL_HINKU,
    COL_ETS,
    COL_SECTOR,     /* SYKE's taso_3 or sektori, or an inventory's sector key */
    COL_TOTAL_KT,   /* the wide file's published total */
    COL_POPULATION, /* the wide file's asukasluku */
    COL_UNUSED,     /* known, but nothing is read from it */
    N_ROLES
} col_role;

typedef struct column {
    const char *name;
    col_role role;
    bool required;
} column;

static const column long_columns[] = {
    {"vuosi", COL_YEAR, true},          {"kuntanumero", COL_CODE, true},
    {"ktCO2e", COL_KT, true},           {"hinku-laskenta", COL_HINKU, true},
    {"päästökauppa", COL_ETS, true},    {"kunta", COL_NAME_FI, true},
    {"maakunta", COL_REGION_FI, false}, {"taso_3", COL_SECTOR, true},
};

static const column wide_columns[] = {
    {"kuntanumero", COL_CODE, true},
    {"kunta", COL_NAME_FI, true},
    {"vuosi", COL_YEAR, true},
    {"yhteensa_kt", COL_TOTAL_KT, false},
    {"paastohyvitykset_kt", COL_UNUSED, false},
    {"per_asukas_t", COL_UNUSED, false},
    {"asukasluku", COL_POPULATION, false},
};

static const column simple_columns[] = {
    {"kuntanumero", COL_CODE, true}, {"kunta", COL_NAME_FI, true}, {"vuosi", COL_YEAR, true},
    {"sektori", COL_SECTOR, true},   {"ktCO2e", COL_KT, true},
};

static const column register_columns[] = {
    {"kuntanumero", COL_CODE, true},
    {"kunta_fi", COL_NAME_FI, true},
    {"kunta_sv", COL_NAME_SV, false},
    {"maakunta_koodi", COL_REGION_CODE, false},
    {"maakunta_fi", COL_REGION_FI, false},
    {"maakunta_sv", COL_REGION_SV, false},
    {"muoto", COL_FORM, false},
    {"kunta_fi_genetiivi", COL_GENITIVE, false},
    {"huom", COL_UNUSED, false},
};

static const column inventory_columns[] = {
    {"municipality", COL_CODE, true}, {"year", COL_YEAR, true}, {"sector", COL_SECTOR, true},
    {"ets", COL_ETS, true},           {"t", COL_T, true},       {"hinku", COL_HINKU, false},
};

typedef struct reader {
    csv c;
    ilm_file_kind kind; /* the shape being read, never ILM_FILE_SYKE */
    const ilm_sector_name *sectors;
    size_t n_sectors;
    size_t last_sector; /* the previous line's sector: most lines repeat it */
    const ilm_import_sink *sink;
    ilm_errors *err;
    char decimal;                         /* ',' in `;` files, '.' in `,` files */
    int col[N_ROLES];                     /* the column of each role, or -1 */
    int sector_of[ILM_IMPORT_MAX_FIELDS]; /* wide: a sector column's sector, or -1 */
    int year_of[ILM_IMPORT_MAX_FIELDS];   /* register: a vaesto_YYYY column's year, or 0 */
    unsigned char seen[1000 / 8];         /* codes 000..999 handed to the sink */
} reader;

/* ---- messages ---- */

static int column_error(reader *r, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "line N, column C (name): ..." for the current line's column `col`. */
static int column_error(reader *r, int col, const char *fmt, ...)
{
    char what[200], name[48];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    csv_shorten(name, sizeof name, csv_column_name(&r->c, col));
    ilm_errors_addc(r->err, ILM_ERR_BAD_VALUE, NULL, "line %lld, column %d (%s): %s", r->c.line,
                    col + 1, name, what);
    ilm_errors_num(r->err, "line", (double)r->c.line);
    ilm_errors_num(r->err, "column", col + 1);
    ilm_errors_text(r->err, "name", name);
    return ILM_EINVAL;
}

/* The header as found, shortened, for "not a ... file" messages. */
static char *header_text(const reader *r, char *out, size_t n)
{
    char joined[64];
    size_t len = 0;
    for (int i = 0; i < r->c.n_head && len < sizeof joined - 1; i++) {
        if (i)
            joined[len++] = r->c.sep;
        size_t k = strlen(r->c.head[i]);
        if (k > sizeof joined - 1 - len)
            k = sizeof joined - 1 - len;
        memcpy(joined + len, r->c.head[i], k);
        len += k;
    }
    joined[len] = '\0';
    return csv_shorten(out, n, joined);
}

/* ---- fields ---- */

static const char *text(const reader *r, col_role role)
{
    int i = r->col[role];
    return i >= 0 && r->c.len[i] > 0 ? r->c.field[i] : NULL;
}

static int get_code(reader *r, col_role role, const char **out)
{
    int i = r->col[role];
    const char *s = r->c.field[i];
    size_t n = r->c.len[i];
    bool digits = n > 0 && strspn(s, "0123456789") == n;
    if (digits && n == 3) {
        *out = s;
        return 0;
    }
    char v[48];
    csv_shorten(v, sizeof v, s);
    return column_error(r, i, "\"%s\" is not a municipality code (three digits, such as 091)%s", v,
                        digits && n < 3 ? "; a spreadsheet may have dropped its leading zeros"
                                        : "");
}

static int get_year(reader *r, int *out)
{
    int i = r->col[COL_YEAR];
    const char *s = r->c.field[i];
    size_t n = r->c.len[i];
    char v[48];
    if (n == 0 || n > 4 || strspn(s, "0123456789") != n)
        return column_error(r, i, "\"%s\" is not a year", csv_shorten(v, sizeof v, s));
    int y = atoi(s);
    if (y < YEAR_MIN || y > YEAR_MAX)
        return column_error(r, i, "%d is outside %d..%d", y, YEAR_MIN, YEAR_MAX);
    *out = y;
    return 0;
}

/* The cap of an amount: tonnes CO2e or inhabitants (import.h). */
typedef enum { AMOUNT_T, AMOUNT_PEOPLE } amount_kind;

/* A number in 0..the kind's cap in column `i`, times 10^pow10 (SYKE's kt
 * are 10^3 t). An empty cell is an error unless `present` is non-NULL,
 * where it becomes *present = false. */
static int get_amount(reader *r, int i, int pow10, amount_kind kind, double *out, bool *present)
{
    const char *s = r->c.field[i];
    char v[48];
    double x = 0;
    switch (csv_number(s, r->decimal, pow10, &x)) {
    case CSV_NUM_OK: break;
    case CSV_NUM_EMPTY:
        if (present) {
            *present = false;
            return 0;
        }
        return column_error(r, i, "empty; a number is needed");
    case CSV_NUM_RANGE:
        return column_error(r, i, "\"%s\" is too large", csv_shorten(v, sizeof v, s));
    case CSV_NUM_BAD:
    default: {
        const char *hint = "";
        if (r->decimal == ',' && strchr(s, '.'))
            hint = " (this file uses a decimal comma)";
        else if (r->decimal == '.' && strchr(s, ','))
            hint = " (this file uses a decimal point)";
        return column_error(r, i, "\"%s\" is not a number%s", csv_shorten(v, sizeof v, s), hint);
    }
    }
    if (x < 0)
        return column_error(r, i, "\"%s\" is negative", csv_shorten(v, sizeof v, s));
    /* One implausible figure must not make every sum it enters infinite
     * (totals, per-capita figures, the peer finder's set). */
    double cap = kind == AMOUNT_T ? ILM_IMPORT_MAX_T : ILM_IMPORT_MAX_POPULATION;
    if (!(x <= cap)) {
        if (kind == AMOUNT_PEOPLE)
            return column_error(r, i, "\"%s\" is above the cap of %.0f inhabitants",
                                csv_shorten(v, sizeof v, s), cap);
        return column_error(r, i,
                            "\"%s\" is above the cap of %.0f %s CO2e a value (100 Mt, "
                            "more than Finland's whole emissions)",
                            csv_shorten(v, sizeof v, s), pow10 == 3 ? cap / 1e3 : cap,
                            pow10 == 3 ? "kt" : "t");
    }
    if (present)
        *present = true;
    *out = x == 0 ? 0.0 : x; /* -0 becomes 0 */
    return 0;
}

/* SYKE's On/Ei flags. */
static int get_on_ei(reader *r, col_role role, bool *out)
{
    int i = r->col[role];
    const char *s = r->c.field[i];
    if (strcmp(s, "On") == 0 || strcmp(s, "Ei") == 0) {
        *out = s[0] == 'O';
        return 0;
    }
    char v[48];
    return column_error(r, i, "\"%s\" is not On or Ei", csv_shorten(v, sizeof v, s));
}

/* `s` equals the lower-case ASCII word `word`, in any case. */
static bool word_is(const char *s, const char *word)
{
    for (; *word; s++, word++)
        if (*s != *word && *s != *word - 'a' + 'A')
            return false;
    return *s == '\0';
}

/* The inventory's flags; spreadsheets write TRUE and FALSE. */
static int get_bool(reader *r, col_role role, bool *out)
{
    int i = r->col[role];
    const char *s = r->c.field[i];
    if (word_is(s, "true") || strcmp(s, "1") == 0) {
        *out = true;
        return 0;
    }
    if (word_is(s, "false") || strcmp(s, "0") == 0) {
        *out = false;
        return 0;
    }
    char v[48];
    return column_error(r, i, "\"%s\" is not true or false (or 1 or 0)",
                        csv_shorten(v, sizeof v, s));
}

/* The sector table's entry whose SYKE name (SYKE files) or key (inventory
 * files) is `s`, or -1. */
static long find_sector(reader *r, const char *s)
{
    bool by_key = r->kind == ILM_FILE_INVENTORY;
    for (size_t k = 0; k < r->n_sectors; k++) {
        size_t j = (r->last_sector + k) % r->n_sectors;
        const char *name = by_key ? r->sectors[j].key : r->sectors[j].syke_name;
        if (name && strcmp(name, s) == 0) {
            r->last_sector = j;
            return (long)j;
        }
    }
    return -1;
}

static int get_sector(reader *r, const char **out)
{
    int i = r->col[COL_SECTOR];
    const char *s = r->c.field[i];
    long k = find_sector(r, s);
    if (k >= 0) {
        *out = r->sectors[k].key;
        return 0;
    }
    char v[48], example[48];
    if (r->kind == ILM_FILE_INVENTORY && r->n_sectors)
        return column_error(r, i, "\"%s\" is not a sector key in the sector table (such as \"%s\")",
                            csv_shorten(v, sizeof v, s),
                            csv_shorten(example, sizeof example, r->sectors[0].key));
    if (r->kind == ILM_FILE_INVENTORY)
        return column_error(r, i, "\"%s\" is not a sector key in the sector table",
                            csv_shorten(v, sizeof v, s));
    return column_error(r, i, "\"%s\" is not a sector in the sector table",
                        csv_shorten(v, sizeof v, s));
}

/* The municipality's name, which SYKE files and the register must give. */
static int get_name(reader *r, const char **out)
{
    *out = text(r, COL_NAME_FI);
    if (*out)
        return 0;
    return column_error(r, r->col[COL_NAME_FI], "empty; the municipality needs a name");
}

/* ---- the sink ---- */

/* A sink that refuses a record (e.g. an unknown municipality) speaks for
 * the whole record; prefix what it said with the line so the user can find
 * it. */
static int sink_said(reader *r, int first, int rc)
{
    if (!rc || !r->err)
        return rc;
    for (int i = first; i < r->err->count; i++) {
        char tmp[ILM_ERROR_LEN + 32]; /* room for the prefix; cut to fit below */
        snprintf(tmp, sizeof tmp, "line %lld: %s", r->c.line, r->err->msg[i]);
        memcpy(r->err->msg[i], tmp, ILM_ERROR_LEN - 1);
        r->err->msg[i][ILM_ERROR_LEN - 1] = '\0';
    }
    return rc;
}

/* Hands the line's municipality over the first time its code occurs. The
 * set of codes is bounded (three digits), so it never grows. */
static int municipality_once(reader *r, const ilm_import_municipality *m)
{
    int n = (m->code[0] - '0') * 100 + (m->code[1] - '0') * 10 + (m->code[2] - '0');
    unsigned char bit = (unsigned char)(1u << (n % 8));
    if (r->seen[n / 8] & bit)
        return 0;
    r->seen[n / 8] |= bit;
    int first = r->err ? r->err->count : 0;
    if (r->sink->municipality)
        return sink_said(r, first, r->sink->municipality(r->sink->user, m, r->err));
    return 0;
}

static int send_row(reader *r, const ilm_import_inventory *row)
{
    int first = r->err ? r->err->count : 0;
    return r->sink->inventory ? sink_said(r, first, r->sink->inventory(r->sink->user, row, r->err))
                              : 0;
}

/* ---- one data line of each shape ---- */

static int line_long(reader *r)
{
    ilm_import_inventory row = {0};
    ilm_import_municipality m = {0};
    int rc;
    if ((rc = get_year(r, &row.year)) || (rc = get_code(r, COL_CODE, &row.code)) ||
        (rc = get_amount(r, r->col[COL_KT], 3, AMOUNT_T, &row.t, NULL)) ||
        (rc = get_on_ei(r, COL_HINKU, &row.hinku)) || (rc = get_on_ei(r, COL_ETS, &row.ets)) ||
        (rc = get_name(r, &m.name_fi)) || (rc = get_sector(r, &row.sector)))
        return rc;
    m.code = row.code;
    m.region_fi = text(r, COL_REGION_FI);
    if ((rc = municipality_once(r, &m)))
        return rc;
    return send_row(r, &row);
}

static int line_simple(reader *r)
{
    ilm_import_inventory row = {.ets = false, .hinku = true};
    ilm_import_municipality m = {0};
    int rc;
    if ((rc = get_code(r, COL_CODE, &row.code)) || (rc = get_name(r, &m.name_fi)) ||
        (rc = get_year(r, &row.year)) || (rc = get_sector(r, &row.sector)) ||
        (rc = get_amount(r, r->col[COL_KT], 3, AMOUNT_T, &row.t, NULL)))
        return rc;
    m.code = row.code;
    if ((rc = municipality_once(r, &m)))
        return rc;
    return send_row(r, &row);
}

/* SYKE's wide summary: the Hinku rule without credits, so every sector
 * value is a Hinku, non-ETS row. An empty sector cell means no figure and
 * gives no row (0 gives a row of 0 t). */
static int line_wide(reader *r)
{
    ilm_import_inventory row = {.ets = false, .hinku = true};
    ilm_import_municipality m = {0};
    double t[ILM_IMPORT_MAX_FIELDS], total = 0, people = 0;
    bool has[ILM_IMPORT_MAX_FIELDS], has_total = false, has_people = false;
    int rc;
    if ((rc = get_code(r, COL_CODE, &row.code)) || (rc = get_name(r, &m.name_fi)) ||
        (rc = get_year(r, &row.year)))
        return rc;
    for (int i = 0; i < r->c.n_fields; i++) {
        has[i] = false;
        if (r->sector_of[i] >= 0 && (rc = get_amount(r, i, 3, AMOUNT_T, &t[i], &has[i])))
            return rc;
    }
    if (r->col[COL_TOTAL_KT] >= 0 &&
        (rc = get_amount(r, r->col[COL_TOTAL_KT], 3, AMOUNT_T, &total, &has_total)))
        return rc;
    if (r->col[COL_POPULATION] >= 0 &&
        (rc = get_amount(r, r->col[COL_POPULATION], 0, AMOUNT_PEOPLE, &people, &has_people)))
        return rc;

    m.code = row.code;
    if ((rc = municipality_once(r, &m)))
        return rc;
    for (int i = 0; i < r->c.n_fields; i++) {
        if (!has[i])
            continue;
        row.sector = r->sectors[r->sector_of[i]].key;
        row.t = t[i];
        if ((rc = send_row(r, &row)))
            return rc;
    }
    const ilm_import_sink *s = r->sink;
    int first = r->err ? r->err->count : 0;
    if (has_total && s->published_total &&
        (rc = s->published_total(s->user, row.code, row.year, total, r->err)))
        return sink_said(r, first, rc);
    if (has_people && s->population &&
        (rc = s->population(s->user, row.code, row.year, people, r->err)))
        return sink_said(r, first, rc);
    return 0;
}

static int line_register(reader *r)
{
    ilm_import_municipality m = {0};
    double people[ILM_IMPORT_MAX_FIELDS];
    bool has[ILM_IMPORT_MAX_FIELDS];
    int rc;
    if ((rc = get_code(r, COL_CODE, &m.code)) || (rc = get_name(r, &m.name_fi)))
        return rc;
    m.name_sv = text(r, COL_NAME_SV);
    m.region_code = text(r, COL_REGION_CODE);
    m.region_fi = text(r, COL_REGION_FI);
    m.region_sv = text(r, COL_REGION_SV);
    m.name_fi_genitive = text(r, COL_GENITIVE);
    const char *form = text(r, COL_FORM);
    if (form) {
        m.form = strcmp(form, "kunta") == 0 || strcmp(form, "kommun") == 0    ? 1
                 : strcmp(form, "kaupunki") == 0 || strcmp(form, "stad") == 0 ? 2
                                                                              : -1;
        if (m.form < 0) {
            char v[48];
            return column_error(r, r->col[COL_FORM],
                                "\"%s\" is not kunta or kaupunki (kommun or stad)",
                                csv_shorten(v, sizeof v, form));
        }
    }
    if (m.name_fi_genitive && strlen(m.name_fi_genitive) > 100) {
        char v[48];
        return column_error(r, r->col[COL_GENITIVE], "\"%s\" is longer than 100 bytes",
                            csv_shorten(v, sizeof v, m.name_fi_genitive));
    }
    if (m.region_code && (strlen(m.region_code) != 2 || strspn(m.region_code, "0123456789") != 2)) {
        char v[48];
        return column_error(r, r->col[COL_REGION_CODE],
                            "\"%s\" is not a region code (two digits, such as 01)",
                            csv_shorten(v, sizeof v, m.region_code));
    }
    for (int i = 0; i < r->c.n_fields; i++) {
        has[i] = false;
        if (r->year_of[i] && (rc = get_amount(r, i, 0, AMOUNT_PEOPLE, &people[i], &has[i])))
            return rc;
    }

    /* The register is the authority on names: every line goes over. */
    const ilm_import_sink *s = r->sink;
    int first = r->err ? r->err->count : 0;
    if (s->municipality && (rc = s->municipality(s->user, &m, r->err)))
        return sink_said(r, first, rc);
    for (int i = 0; i < r->c.n_fields; i++)
        if (has[i] && s->population &&
            (rc = s->population(s->user, m.code, r->year_of[i], people[i], r->err)))
            return sink_said(r, first, rc);
    return 0;
}

/* No names here: the caller requires the municipality to exist. */
static int line_inventory(reader *r)
{
    ilm_import_inventory row = {.hinku = true};
    int rc;
    if ((rc = get_code(r, COL_CODE, &row.code)) || (rc = get_year(r, &row.year)) ||
        (rc = get_sector(r, &row.sector)) || (rc = get_bool(r, COL_ETS, &row.ets)) ||
        (rc = get_amount(r, r->col[COL_T], 0, AMOUNT_T, &row.t, NULL)))
        return rc;
    if (r->col[COL_HINKU] >= 0 && (rc = get_bool(r, COL_HINKU, &row.hinku)))
        return rc;
    return send_row(r, &row);
}

/* ---- the header ---- */

static bool has_column(const reader *r, const char *name)
{
    for (int i = 0; i < r->c.n_head; i++)
        if (strcmp(r->c.head[i], name) == 0)
            return true;
    return false;
}

static bool is_syke_sector(const reader *r, const char *name)
{
    for (size_t k = 0; k < r->n_sectors; k++)
        if (r->sectors[k].syke_name && strcmp(r->sectors[k].syke_name, name) == 0)
            return true;
    return false;
}

/* The SYKE shape, from the columns the header names. */
static int detect_syke(reader *r)
{
    if (has_column(r, "taso_3") || has_column(r, "hinku-laskenta") ||
        has_column(r, "päästökauppa")) {
        r->kind = ILM_FILE_SYKE_LONG;
        return 0;
    }
    if (has_column(r, "sektori")) {
        r->kind = ILM_FILE_SYKE_SIMPLE;
        return 0;
    }
    bool sector_column = has_column(r, "yhteensa_kt");
    for (int i = 0; i < r->c.n_head && !sector_column; i++)
        sector_column = is_syke_sector(r, r->c.head[i]);
    if (sector_column && has_column(r, "kuntanumero")) {
        r->kind = ILM_FILE_SYKE_WIDE;
        return 0;
    }
    char found[48];
    ilm_errors_addc(r->err, ILM_ERR_BAD_HEADER, NULL,
                    "line 1: not a SYKE file: expected a header starting "
                    "\"vuosi;kuntanumero;ktCO2e\" (long), \"kuntanumero,kunta,vuosi,sektori\" "
                    "(simple) or \"kuntanumero,kunta,vuosi,Kulutussähkö\" (wide); found \"%s\"",
                    header_text(r, found, sizeof found));
    return ILM_EINVAL;
}

/* A register column vaesto_YYYY: its year, or 0. */
static int population_year(const char *name)
{
    if (strncmp(name, "vaesto_", 7) != 0 || strlen(name) != 11 ||
        strspn(name + 7, "0123456789") != 4)
        return 0;
    int y = atoi(name + 7);
    return y >= YEAR_MIN && y <= YEAR_MAX ? y : 0;
}

/* What each shape's header must and may have, and how its lines read. */
typedef struct shape {
    const column *columns;
    size_t n_columns;
    const char *what;     /* for "not a SYKE long file: ..." */
    const char *expected; /* the start of a typical header */
    const char *known;    /* the message for an unknown column, or NULL to ignore them */
    int (*line)(reader *r);
} shape;

#define COLUMNS(a) a, sizeof a / sizeof *a

static const shape shapes[] = {
    [ILM_FILE_SYKE_LONG] = {COLUMNS(long_columns), "a SYKE long file",
                            "vuosi;kuntanumero;ktCO2e;...;taso_3", NULL, line_long},
    [ILM_FILE_SYKE_WIDE] = {COLUMNS(wide_columns), "a SYKE wide file",
                            "kuntanumero,kunta,vuosi,Kulutussähkö,...",
                            "not a sector in the sector table, nor kuntanumero, kunta, vuosi, "
                            "yhteensa_kt, paastohyvitykset_kt, per_asukas_t or asukasluku",
                            line_wide},
    [ILM_FILE_SYKE_SIMPLE] = {COLUMNS(simple_columns), "a SYKE simple file",
                              "kuntanumero,kunta,vuosi,sektori,ktCO2e",
                              "the columns are kuntanumero, kunta, vuosi, sektori and ktCO2e",
                              line_simple},
    [ILM_FILE_MUNICIPALITIES] = {COLUMNS(register_columns), "a municipality register",
                                 "kuntanumero,kunta_fi,kunta_sv,...",
                                 "the columns are kuntanumero, kunta_fi, kunta_sv, "
                                 "maakunta_koodi, maakunta_fi, maakunta_sv, vaesto_YYYY and huom",
                                 line_register},
    [ILM_FILE_INVENTORY] = {COLUMNS(inventory_columns), "an inventory file",
                            "municipality,year,sector,ets,t",
                            "the columns are municipality, year, sector, ets, t and optionally "
                            "hinku",
                            line_inventory},
};

/* Finds each column by its name. Columns with an empty name are ignored
 * (a spreadsheet leaves them after the last one), and so are unknown ones
 * in SYKE's long export, which has more columns than the reader needs;
 * anywhere else an unknown column is an error, since it is most likely a
 * sector or a year whose figures would otherwise be lost. */
static int map_header(reader *r)
{
    const shape *sh = &shapes[r->kind];
    for (int k = 0; k < N_ROLES; k++)
        r->col[k] = -1;
    /* First whether this is the right kind of file at all. */
    char name[48], found[48];
    bool any = false;
    for (size_t s = 0; s < sh->n_columns && !any; s++)
        any = has_column(r, sh->columns[s].name);
    if (!any) {
        ilm_errors_addc(r->err, ILM_ERR_BAD_HEADER, NULL,
                        "line 1: not %s: expected a header like \"%s\"; found \"%s\"", sh->what,
                        sh->expected, header_text(r, found, sizeof found));
        return ILM_EINVAL;
    }
    for (size_t s = 0; s < sh->n_columns; s++) {
        if (sh->columns[s].required && !has_column(r, sh->columns[s].name)) {
            ilm_errors_addc(r->err, ILM_ERR_BAD_HEADER, NULL,
                            "line 1: not %s: no column \"%s\"; found \"%s\"", sh->what,
                            sh->columns[s].name, header_text(r, found, sizeof found));
            return ILM_EINVAL;
        }
    }
    for (int i = 0; i < r->c.n_head; i++) {
        const char *h = r->c.head[i];
        r->sector_of[i] = -1;
        r->year_of[i] = 0;
        if (!h[0])
            continue;
        for (int j = 0; j < i; j++) {
            if (strcmp(h, r->c.head[j]) == 0) {
                ilm_errors_addc(r->err, ILM_ERR_BAD_HEADER, NULL,
                                "line 1, column %d: \"%s\" is there twice (also column %d)", i + 1,
                                csv_shorten(name, sizeof name, h), j + 1);
                ilm_errors_num(r->err, "column", i + 1);
                return ILM_EINVAL;
            }
        }
        size_t s = 0;
        while (s < sh->n_columns && strcmp(sh->columns[s].name, h) != 0)
            s++;
        if (s < sh->n_columns) {
            r->col[sh->columns[s].role] = i;
            continue;
        }
        long k;
        if (r->kind == ILM_FILE_SYKE_WIDE && (k = find_sector(r, h)) >= 0) {
            r->sector_of[i] = (int)k;
            continue;
        }
        if (r->kind == ILM_FILE_MUNICIPALITIES && (r->year_of[i] = population_year(h)))
            continue;
        if (sh->known) {
            ilm_errors_addc(r->err, ILM_ERR_BAD_HEADER, NULL,
                            "line 1, column %d: unknown column \"%s\": %s", i + 1,
                            csv_shorten(name, sizeof name, h), sh->known);
            ilm_errors_num(r->err, "column", i + 1);
            return ILM_EINVAL;
        }
    }
    return 0;
}

/* ---- the readers ---- */

/* Reads the header and every line of an opened csv. */
static int read_all(reader *r, ilm_file_kind kind, ilm_import_info *info)
{
    int rc = csv_read_header(&r->c);
    if (rc)
        return rc;
    r->decimal = r->c.sep == ';' ? ',' : '.';
    r->kind = kind;
    if (kind == ILM_FILE_SYKE && (rc = detect_syke(r)))
        return rc;
    if (info)
        info->kind = r->kind;
    if ((rc = map_header(r)))
        return rc;
    while ((rc = csv_next(&r->c)) == 1)
        if ((rc = shapes[r->kind].line(r)))
            return rc;
    return rc;
}

static bool known_kind(ilm_file_kind kind)
{
    return kind >= ILM_FILE_SYKE && kind <= ILM_FILE_INVENTORY;
}

/* Shared by both entry points once the csv is open. */
static int run(reader *r, int rc, ilm_file_kind kind, const ilm_sector_name *sectors,
               size_t n_sectors, const ilm_import_sink *sink, ilm_import_info *info,
               ilm_errors *err)
{
    static const ilm_import_sink no_sink = {0};
    r->sectors = sectors;
    r->n_sectors = sectors ? n_sectors : 0;
    r->sink = sink ? sink : &no_sink;
    r->err = err;
    if (rc == 0)
        rc = read_all(r, kind, info);
    if (info) {
        info->windows_1252 = r->c.encoding == CSV_ENC_CP1252;
        info->lines = r->c.records;
    }
    csv_close(&r->c);
    return rc;
}

static int start_info(ilm_file_kind kind, ilm_import_info *info, ilm_errors *err)
{
    if (info)
        *info = (ilm_import_info){.kind = kind};
    if (!known_kind(kind)) {
        ilm_errors_add(err, "unknown file kind %d", (int)kind);
        return ILM_EINVAL;
    }
    return 0;
}

int ilm_import_read(const char *path, ilm_file_kind kind, const ilm_sector_name *sectors,
                    size_t n_sectors, const ilm_import_sink *sink, ilm_import_info *info,
                    ilm_errors *err)
{
    int rc = start_info(kind, info, err);
    if (rc)
        return rc;
    FILE *f = fopen(path, "rb");
    if (!f) {
        ilm_errors_add(err, "%s", strerror(errno));
        return ILM_EIO;
    }
    reader *r = calloc(1, sizeof *r);
    if (!r) {
        fclose(f);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    rc = csv_open_file(&r->c, f, 0, 0, err);
    rc = run(r, rc, kind, sectors, n_sectors, sink, info, err);
    free(r);
    fclose(f);
    return rc;
}

int ilm_import_read_buffer(const char *data, size_t len, ilm_file_kind kind,
                           const ilm_sector_name *sectors, size_t n_sectors,
                           const ilm_import_sink *sink, ilm_import_info *info, ilm_errors *err)
{
    int rc = start_info(kind, info, err);
    if (rc)
        return rc;
    reader *r = calloc(1, sizeof *r);
    if (!r) {
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    rc = csv_open_buffer(&r->c, data, len, 0, err);
    rc = run(r, rc, kind, sectors, n_sectors, sink, info, err);
    free(r);
    return rc;
}

const char *ilm_file_kind_name(ilm_file_kind k)
{
    switch (k) {
    case ILM_FILE_SYKE: return "syke";
    case ILM_FILE_SYKE_LONG: return "SYKE long";
    case ILM_FILE_SYKE_WIDE: return "SYKE wide";
    case ILM_FILE_SYKE_SIMPLE: return "SYKE simple";
    case ILM_FILE_MUNICIPALITIES: return "municipalities";
    case ILM_FILE_INVENTORY: return "inventory";
    }
    return "unknown";
}
