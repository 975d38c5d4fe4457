/* Unit tests of the CSV tokenizer and the import readers (src/io/csv.c,
 * src/io/import.c): every file shape on small inline files, encodings,
 * line ends, quotes, each error with its message, caps, and the sink
 * stopping a read. The last tests read the real files of
 * $ILMAVA_SHARED/data and compare SYKE's shapes with each other; they are
 * skipped (with a note) when ILMAVA_SHARED is not set or has no data.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ilmava/import.h"
#include "io/csv.h"

/* The 13 main sectors of sectors.md; in the product the table comes from
 * the store. */
static const ilm_sector_name sectors[] = {
    {"electricity", "Kulutussähkö"},
    {"electric_heating", "Sähkölämmitys"},
    {"district_heating", "Kaukolämpö"},
    {"oil_heating", "Öljylämmitys"},
    {"other_heating", "Muu lämmitys"},
    {"industry", "Teollisuus"},
    {"machinery", "Työkoneet"},
    {"road_transport", "Tieliikenne"},
    {"rail_transport", "Raideliikenne"},
    {"water_transport", "Vesiliikenne"},
    {"agriculture", "Maatalous"},
    {"waste", "Jätteiden käsittely"},
    {"f_gases", "F-kaasut"},
};
#define N_SECTORS (sizeof sectors / sizeof *sectors)

/* ---- a sink that writes every call down as a line of text ---- */

typedef struct calls {
    char *text;
    size_t len, cap;
    int municipalities, populations, rows, totals;
    int stop_at_row; /* the inventory callback fails on this row (from 1), or 0 */
} calls;

static void note(calls *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(calls *c, const char *fmt, ...)
{
    char line[4 * ILM_IMPORT_MAX_LINE];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof line);
    if (c->len + (size_t)n + 1 > c->cap) {
        c->cap = (c->cap + (size_t)n + 1) * 2;
        c->text = realloc(c->text, c->cap);
        assert_non_null(c->text);
    }
    memcpy(c->text + c->len, line, (size_t)n + 1);
    c->len += (size_t)n;
}

static const char *or_dash(const char *s) { return s ? s : "-"; }

static int on_municipality(void *user, const ilm_import_municipality *m, ilm_errors *err)
{
    (void)err;
    calls *c = user;
    c->municipalities++;
    note(c, "M %s|%s|%s|%s|%s|%s\n", m->code, m->name_fi, or_dash(m->name_sv),
         or_dash(m->region_code), or_dash(m->region_fi), or_dash(m->region_sv));
    return 0;
}

static int on_population(void *user, const char *code, int year, double n, ilm_errors *err)
{
    (void)err;
    calls *c = user;
    c->populations++;
    note(c, "P %s %d %.17g\n", code, year, n);
    return 0;
}

static int on_row(void *user, const ilm_import_inventory *r, ilm_errors *err)
{
    calls *c = user;
    c->rows++;
    if (c->stop_at_row && c->rows == c->stop_at_row) {
        ilm_errors_add(err, "the sink says stop");
        return -42;
    }
    note(c, "I %s %d %s %s %s %.17g\n", r->code, r->year, r->sector, r->ets ? "ets" : "-",
         r->hinku ? "hinku" : "-", r->t);
    return 0;
}

static int on_total(void *user, const char *code, int year, double t, ilm_errors *err)
{
    (void)err;
    calls *c = user;
    c->totals++;
    note(c, "T %s %d %.17g\n", code, year, t);
    return 0;
}

static ilm_import_sink sink_for(calls *c)
{
    return (ilm_import_sink){.user = c,
                             .municipality = on_municipality,
                             .population = on_population,
                             .inventory = on_row,
                             .published_total = on_total};
}

static void calls_free(calls *c)
{
    free(c->text);
    memset(c, 0, sizeof *c);
}

/* Reads `len` bytes of `data` as `kind` into `c`. */
static int read_n(const char *data, size_t len, ilm_file_kind kind, calls *c, ilm_import_info *info,
                  ilm_errors *err)
{
    ilm_import_sink sink = sink_for(c);
    ilm_errors_clear(err);
    return ilm_import_read_buffer(data, len, kind, sectors, N_SECTORS, &sink, info, err);
}

/* Reads `data` and fails the test with the message when it is rejected. */
static void read_ok(const char *data, ilm_file_kind kind, calls *c, ilm_import_info *info)
{
    ilm_errors err;
    ilm_import_info local;
    int rc = read_n(data, strlen(data), kind, c, info ? info : &local, &err);
    if (rc)
        fail_msg("rejected (%d): %s", rc, err.count ? err.msg[0] : "(no message)");
}

/* Reads `len` bytes of `data` and checks the code, the one message, and
 * that exactly `rows` inventory rows went to the sink before the stop. */
static void expect_error_n(const char *data, size_t len, ilm_file_kind kind, int rc_expected,
                           const char *message, int rows)
{
    calls c = {0};
    ilm_errors err;
    ilm_import_info info;
    int rc = read_n(data, len, kind, &c, &info, &err);
    if (rc != rc_expected || err.count != 1 || strcmp(err.msg[0], message) != 0)
        fail_msg("expected %d \"%s\"\n got %d (%d messages) \"%s\"", rc_expected, message, rc,
                 err.count, err.count ? err.msg[0] : "");
    assert_int_equal(c.rows, rows);
    calls_free(&c);
}

static void expect_error(const char *data, ilm_file_kind kind, int rc_expected, const char *message,
                         int rows)
{
    expect_error_n(data, strlen(data), kind, rc_expected, message, rows);
}

static void assert_text(const calls *c, const char *expected)
{
    const char *got = c->text ? c->text : "";
    if (strcmp(got, expected) != 0)
        fail_msg("callbacks differ\n--- expected\n%s--- got\n%s", expected, got);
}

/* ---- inline files ---- */

#define LONG_HEADER                                                                                \
    "vuosi;kuntanumero;ktCO2e;ktCO2e_tuuli;energiankulutus (GWh);hinku-laskenta;"                  \
    "päästökauppa;kunta;maakunta;taso_1;taso_2;taso_3;taso_4;taso_5\r\n"
#define LONG_ROW_1                                                                                 \
    "2020;090;1,400;1,500;5,600;On;Ei;Heinävesi;Pohjois-Karjala;Energia;Kulutussähkö;"          \
    "Kulutussähkö;Kulutussähkö;Asuminen\r\n"
#define LONG_ROW_2                                                                                 \
    "2020;090;0,980;0,980;3,920;On;Ei;Heinävesi;Pohjois-Karjala;Energia;Kulutussähkö;"          \
    "Kulutussähkö;Kulutussähkö;Palvelut\r\n"
#define LONG_ROW_3                                                                                 \
    "2021;999;16,5;16,5;0;Ei;On;Teollisuuskaupunki;Lappi;Energia;Teollisuus;Teollisuus;"           \
    "Teollisuus;Teollisuus\r\n"
#define LONG_FILE LONG_HEADER LONG_ROW_1 LONG_ROW_2 LONG_ROW_3

/* What LONG_FILE gives: one row per line, not added up. */
static const char long_calls[] = "M 090|Heinävesi|-|-|Pohjois-Karjala|-\n"
                                 "I 090 2020 electricity - hinku 1400\n"
                                 "I 090 2020 electricity - hinku 980\n"
                                 "M 999|Teollisuuskaupunki|-|-|Lappi|-\n"
                                 "I 999 2021 industry ets - 16500\n";

#define WIDE_HEADER                                                                                \
    "kuntanumero,kunta,vuosi,Kulutussähkö,Sähkölämmitys,Kaukolämpö,Öljylämmitys,Muu "     \
    "lämmitys,Teollisuus,Työkoneet,Tieliikenne,Raideliikenne,Vesiliikenne,Maatalous,"            \
    "Jätteiden käsittely,F-kaasut,yhteensa_kt,paastohyvitykset_kt,per_asukas_t,asukasluku\r\n"

/* ---- the shapes ---- */

static void test_long(void **state)
{
    (void)state;
    calls c = {0};
    ilm_import_info info;
    read_ok(LONG_FILE, ILM_FILE_SYKE_LONG, &c, &info);
    assert_text(&c, long_calls);
    assert_int_equal(info.kind, ILM_FILE_SYKE_LONG);
    assert_int_equal(info.lines, 3);
    assert_false(info.windows_1252);
    calls_free(&c);

    /* Columns are found by name: another order and an extra column read
     * the same. The _tuuli column is not the one used. */
    read_ok("taso_3;extra;kuntanumero;vuosi;maakunta;kunta;päästökauppa;hinku-laskenta;ktCO2e\n"
            "Kulutussähkö;x;090;2020;Pohjois-Karjala;Heinävesi;Ei;On;1,400\n"
            "Kulutussähkö;y;090;2020;Pohjois-Karjala;Heinävesi;Ei;On;0,98\n"
            "Teollisuus;z;999;2021;Lappi;Teollisuuskaupunki;On;Ei;16,500\n",
            ILM_FILE_SYKE, &c, &info);
    assert_text(&c, long_calls);
    assert_int_equal(info.kind, ILM_FILE_SYKE_LONG);
    calls_free(&c);

    /* An empty maakunta is no region; the same code twice is one
     * municipality call. */
    read_ok(LONG_HEADER "2020;090;0;0;0;On;Ei;Heinävesi;;E;K;Kaukolämpö;K;A\r\n"
                        "2021;090;0,0001;0;0;On;Ei;Heinävesi;;E;K;Kaukolämpö;K;A\r\n",
            ILM_FILE_SYKE, &c, NULL);
    assert_text(&c, "M 090|Heinävesi|-|-|-|-\n"
                    "I 090 2020 district_heating - hinku 0\n"
                    "I 090 2021 district_heating - hinku 0.10000000000000001\n");
    calls_free(&c);
}

static void test_wide(void **state)
{
    (void)state;
    calls c = {0};
    ilm_import_info info;
    /* The second line leaves Raideliikenne empty (no row), and has 0 for
     * Sähkölämmitys (a row of 0 t) and no population. */
    read_ok(
        WIDE_HEADER
        "090,Heinävesi,1990,2.8,2.6,2.4,3.3,1.3,1.4,5,9.4,0.1,0.5,11.6,4,0.1,44.5,0,8.3,5364\r\n"
        "090,Heinävesi,2005,3,0,0.9,2.6,1.6,1.7,5.5,9.8,,0.5,5.4,3,1.5,38.4,0,8.9,\r\n",
        ILM_FILE_SYKE, &c, &info);
    assert_int_equal(info.kind, ILM_FILE_SYKE_WIDE);
    assert_int_equal(info.lines, 2);
    assert_text(&c, "M 090|Heinävesi|-|-|-|-\n"
                    "I 090 1990 electricity - hinku 2800\n"
                    "I 090 1990 electric_heating - hinku 2600\n"
                    "I 090 1990 district_heating - hinku 2400\n"
                    "I 090 1990 oil_heating - hinku 3300\n"
                    "I 090 1990 other_heating - hinku 1300\n"
                    "I 090 1990 industry - hinku 1400\n"
                    "I 090 1990 machinery - hinku 5000\n"
                    "I 090 1990 road_transport - hinku 9400\n"
                    "I 090 1990 rail_transport - hinku 100\n"
                    "I 090 1990 water_transport - hinku 500\n"
                    "I 090 1990 agriculture - hinku 11600\n"
                    "I 090 1990 waste - hinku 4000\n"
                    "I 090 1990 f_gases - hinku 100\n"
                    "T 090 1990 44500\n"
                    "P 090 1990 5364\n"
                    "I 090 2005 electricity - hinku 3000\n"
                    "I 090 2005 electric_heating - hinku 0\n"
                    "I 090 2005 district_heating - hinku 900\n"
                    "I 090 2005 oil_heating - hinku 2600\n"
                    "I 090 2005 other_heating - hinku 1600\n"
                    "I 090 2005 industry - hinku 1700\n"
                    "I 090 2005 machinery - hinku 5500\n"
                    "I 090 2005 road_transport - hinku 9800\n"
                    "I 090 2005 water_transport - hinku 500\n"
                    "I 090 2005 agriculture - hinku 5400\n"
                    "I 090 2005 waste - hinku 3000\n"
                    "I 090 2005 f_gases - hinku 1500\n"
                    "T 090 2005 38400\n");
    calls_free(&c);

    /* A `;` wide file (as a Finnish spreadsheet saves it) has decimal
     * commas; only some sector columns is fine. */
    read_ok("kuntanumero;kunta;vuosi;Tieliikenne;yhteensa_kt\n091;Helsinki;2024;1,25;1,25\n",
            ILM_FILE_SYKE, &c, NULL);
    assert_text(&c, "M 091|Helsinki|-|-|-|-\n"
                    "I 091 2024 road_transport - hinku 1250\n"
                    "T 091 2024 1250\n");
    calls_free(&c);
}

static void test_simple(void **state)
{
    (void)state;
    calls c = {0};
    ilm_import_info info;
    read_ok("kuntanumero,kunta,vuosi,sektori,ktCO2e\n"
            "090,Heinävesi,1990,Kulutussähkö,2.8\n"
            "090,Heinävesi,1990,Kulutussähkö,0.2\n"
            "848,Tohmajärvi,2024,F-kaasut,0.5\n",
            ILM_FILE_SYKE, &c, &info);
    assert_int_equal(info.kind, ILM_FILE_SYKE_SIMPLE);
    assert_int_equal(info.lines, 3);
    assert_text(&c, "M 090|Heinävesi|-|-|-|-\n"
                    "I 090 1990 electricity - hinku 2800\n"
                    "I 090 1990 electricity - hinku 200\n"
                    "M 848|Tohmajärvi|-|-|-|-\n"
                    "I 848 2024 f_gases - hinku 500\n");
    calls_free(&c);
}

static void test_register(void **state)
{
    (void)state;
    calls c = {0};
    ilm_import_info info;
    read_ok("kuntanumero,kunta_fi,kunta_sv,maakunta_koodi,maakunta_fi,maakunta_sv,vaesto_2005,"
            "vaesto_2019,huom\r\n"
            "478,Maarianhamina,Mariehamn,21,Ahvenanmaa,Åland,10780,11679,\"from the "
            "\"\"Maarianhamina - Mariehamn\"\" row, a, b\"\r\n"
            "588,Pertunmaa,,10,Etelä-Savo,Södra Savolax,2102,,\r\n",
            ILM_FILE_MUNICIPALITIES, &c, &info);
    assert_int_equal(info.kind, ILM_FILE_MUNICIPALITIES);
    assert_int_equal(info.lines, 2);
    assert_text(&c, "M 478|Maarianhamina|Mariehamn|21|Ahvenanmaa|Åland\n"
                    "P 478 2005 10780\n"
                    "P 478 2019 11679\n"
                    "M 588|Pertunmaa|-|10|Etelä-Savo|Södra Savolax\n"
                    "P 588 2005 2102\n");
    calls_free(&c);
}

static void test_inventory(void **state)
{
    (void)state;
    calls c = {0};
    ilm_import_info info;
    /* `,` with decimal points; hinku defaults to true; no municipality
     * calls (the caller requires the municipality to exist). */
    read_ok("municipality,year,sector,ets,t\n"
            "091,2020,road_transport,false,1234.5\n"
            "091,2020,industry,TRUE,1e3\n",
            ILM_FILE_INVENTORY, &c, &info);
    assert_int_equal(info.kind, ILM_FILE_INVENTORY);
    assert_int_equal(info.lines, 2);
    assert_text(&c, "I 091 2020 road_transport - hinku 1234.5\n"
                    "I 091 2020 industry ets hinku 1000\n");
    calls_free(&c);

    /* `;` with decimal commas, any column order, 1/0 flags. */
    read_ok("hinku;t;ets;sector;year;municipality\n"
            "0;1234,5;0;road_transport;2020;091\n"
            "1;0,25;1;waste;2021;092\n",
            ILM_FILE_INVENTORY, &c, NULL);
    assert_text(&c, "I 091 2020 road_transport - - 1234.5\n"
                    "I 092 2021 waste ets hinku 0.25\n");
    assert_int_equal(c.municipalities, 0);
    calls_free(&c);
}

static void test_detection(void **state)
{
    (void)state;
    calls c = {0};
    expect_error("municipality,year,sector,ets,t\n091,2020,waste,false,1\n", ILM_FILE_SYKE,
                 ILM_EINVAL,
                 "line 1: not a SYKE file: expected a header starting \"vuosi;kuntanumero;ktCO2e\" "
                 "(long), \"kuntanumero,kunta,vuosi,sektori\" (simple) or "
                 "\"kuntanumero,kunta,vuosi,Kulutussähkö\" (wide); found "
                 "\"municipality,year,sector,ets,t\"",
                 0);
    /* A long header is shortened in the message. */
    expect_error("a_rather_long_column_name;another_long_column_name;and_a_third\n", ILM_FILE_SYKE,
                 ILM_EINVAL,
                 "line 1: not a SYKE file: expected a header starting \"vuosi;kuntanumero;ktCO2e\" "
                 "(long), \"kuntanumero,kunta,vuosi,sektori\" (simple) or "
                 "\"kuntanumero,kunta,vuosi,Kulutussähkö\" (wide); found "
                 "\"a_rather_long_column_name;another_long_c...\"",
                 0);
    /* A shape asked for by name is checked for its columns. */
    expect_error(LONG_FILE, ILM_FILE_SYKE_WIDE, ILM_EINVAL,
                 "line 1, column 3: unknown column \"ktCO2e\": not a sector in the sector table, "
                 "nor kuntanumero, kunta, vuosi, yhteensa_kt, paastohyvitykset_kt, per_asukas_t "
                 "or asukasluku",
                 0);
    expect_error("vuosi;kuntanumero;ktCO2e;hinku-laskenta;kunta;taso_3\n", ILM_FILE_SYKE,
                 ILM_EINVAL,
                 "line 1: not a SYKE long file: no column \"päästökauppa\"; found "
                 "\"vuosi;kuntanumero;ktCO2e;hinku-laskenta;...\"",
                 0);
    expect_error(LONG_FILE, ILM_FILE_INVENTORY, ILM_EINVAL,
                 "line 1: not an inventory file: expected a header like "
                 "\"municipality,year,sector,ets,t\"; found \"vuosi;kuntanumero;ktCO2e;ktCO2e_"
                 "tuuli;en...\"",
                 0);
    expect_error(LONG_FILE, ILM_FILE_MUNICIPALITIES, ILM_EINVAL,
                 "line 1: not a municipality register: no column \"kunta_fi\"; found "
                 "\"vuosi;kuntanumero;ktCO2e;ktCO2e_tuuli;en...\"",
                 0);
    expect_error("municipality,year,sector,ets,t,tonnes\n", ILM_FILE_INVENTORY, ILM_EINVAL,
                 "line 1, column 6: unknown column \"tonnes\": the columns are municipality, "
                 "year, sector, ets, t and optionally hinku",
                 0);
    expect_error("kuntanumero,kunta_fi,vaesto_2020,vaesto2021\n", ILM_FILE_MUNICIPALITIES,
                 ILM_EINVAL,
                 "line 1, column 4: unknown column \"vaesto2021\": the columns are kuntanumero, "
                 "kunta_fi, kunta_sv, maakunta_koodi, maakunta_fi, maakunta_sv, vaesto_YYYY and "
                 "huom",
                 0);
    expect_error("municipality,year,sector,ets,t,year\n", ILM_FILE_INVENTORY, ILM_EINVAL,
                 "line 1, column 6: \"year\" is there twice (also column 2)", 0);

    /* A header alone is a valid file with nothing in it. */
    ilm_import_info info;
    read_ok("kuntanumero,kunta,vuosi,sektori,ktCO2e\r\n", ILM_FILE_SYKE, &c, &info);
    assert_int_equal(info.kind, ILM_FILE_SYKE_SIMPLE);
    assert_int_equal(info.lines, 0);
    assert_null(c.text);
    calls_free(&c);

    assert_string_equal(ilm_file_kind_name(ILM_FILE_SYKE), "syke");
    assert_string_equal(ilm_file_kind_name(ILM_FILE_SYKE_LONG), "SYKE long");
    assert_string_equal(ilm_file_kind_name(ILM_FILE_SYKE_WIDE), "SYKE wide");
    assert_string_equal(ilm_file_kind_name(ILM_FILE_SYKE_SIMPLE), "SYKE simple");
    assert_string_equal(ilm_file_kind_name(ILM_FILE_MUNICIPALITIES), "municipalities");
    assert_string_equal(ilm_file_kind_name(ILM_FILE_INVENTORY), "inventory");
}

/* ---- encodings, line ends, quotes ---- */

static void test_cp1252_same_as_utf8(void **state)
{
    (void)state;
    /* LONG_FILE in Windows-1252, with LF line ends. */
    static const char cp1252[] =
        "vuosi;kuntanumero;ktCO2e;ktCO2e_tuuli;energiankulutus (GWh);hinku-laskenta;"
        "p\xe4\xe4st\xf6kauppa;kunta;maakunta;taso_1;taso_2;taso_3;taso_4;taso_5\n"
        "2020;090;1,400;1,500;5,600;On;Ei;Hein\xe4vesi;Pohjois-Karjala;Energia;"
        "Kulutuss\xe4hk\xf6;Kulutuss\xe4hk\xf6;Kulutuss\xe4hk\xf6;Asuminen\n"
        "2020;090;0,980;0,980;3,920;On;Ei;Hein\xe4vesi;Pohjois-Karjala;Energia;"
        "Kulutuss\xe4hk\xf6;Kulutuss\xe4hk\xf6;Kulutuss\xe4hk\xf6;Palvelut\n"
        "2021;999;16,5;16,5;0;Ei;On;Teollisuuskaupunki;Lappi;Energia;Teollisuus;Teollisuus;"
        "Teollisuus;Teollisuus\n";
    calls c = {0};
    ilm_import_info info;
    read_ok(cp1252, ILM_FILE_SYKE, &c, &info);
    assert_text(&c, long_calls);
    assert_true(info.windows_1252);
    assert_int_equal(info.kind, ILM_FILE_SYKE_LONG);
    calls_free(&c);

    /* Every defined byte above 0x7F converts; the euro sign and Å too. */
    read_ok("kuntanumero,kunta_fi,kunta_sv\n001,\x80\xc5\xe5\xff\x8a,\xa0\n",
            ILM_FILE_MUNICIPALITIES, &c, &info);
    assert_text(&c, "M 001|€ÅåÿŠ|\xc2\xa0|-|-|-\n");
    assert_true(info.windows_1252);
    calls_free(&c);

    /* A UTF-8 file reports UTF-8. */
    read_ok(LONG_FILE, ILM_FILE_SYKE, &c, &info);
    assert_false(info.windows_1252);
    calls_free(&c);
}

static void test_line_ends_bom_quotes(void **state)
{
    (void)state;
    calls c = {0};
    static const char *const variants[] = {
        /* LF only */
        "kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,Heinävesi,2020,Tieliikenne,1.5\n"
        "091,Helsinki,2020,Maatalous,0\n",
        /* CRLF, with a byte order mark */
        "\xef\xbb\xbfkuntanumero,kunta,vuosi,sektori,ktCO2e\r\n090,Heinävesi,2020,Tieliikenne,"
        "1.5\r\n091,Helsinki,2020,Maatalous,0\r\n",
        /* mixed, quoted fields, and empty lines at the end */
        "\"kuntanumero\",kunta,\"vuosi\",sektori,ktCO2e\r\n\"090\",\"Heinävesi\",2020,"
        "\"Tieliikenne\",\"1.5\"\n091,Helsinki,2020,Maatalous,0\r\n\r\n\n",
    };
    const char *expected = "M 090|Heinävesi|-|-|-|-\n"
                           "I 090 2020 road_transport - hinku 1500\n"
                           "M 091|Helsinki|-|-|-|-\n"
                           "I 091 2020 agriculture - hinku 0\n";
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        ilm_import_info info;
        read_ok(variants[i], ILM_FILE_SYKE, &c, &info);
        assert_text(&c, expected);
        assert_int_equal(info.lines, 2);
        calls_free(&c);
    }

    /* A quoted field may hold the separator, quotes and line breaks; the
     * lines after such a record are still numbered as in the file. */
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n"
                 "090,\"Hein, \"\"ävesi\"\"\r\nsecond line\",2020,Tieliikenne,1.5\n"
                 "091,\"\",2020,Maatalous,0\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 4, column 2 (kunta): empty; the municipality needs a name", 1);
    read_ok("kuntanumero,kunta,vuosi,sektori,ktCO2e\n"
            "090,\"Hein, \"\"ävesi\"\"\r\nsecond line\",2020,Tieliikenne,1.5\n",
            ILM_FILE_SYKE, &c, NULL);
    assert_text(&c, "M 090|Hein, \"ävesi\"\r\nsecond line|-|-|-|-\n"
                    "I 090 2020 road_transport - hinku 1500\n");
    calls_free(&c);

    /* A quoted field over four lines, then a bad line, numbered as in
     * the file. */
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n"
                 "090,\"a\n\"\"b\"\"\n\nc\",2020,Tieliikenne,1\n"
                 "091,H,20x0,Tieliikenne,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL, "line 6, column 3 (vuosi): \"20x0\" is not a year", 1);

    /* A record of thousands of short lines in quotes reads in one pass. */
    size_t n = ILM_IMPORT_MAX_LINE - 100;
    char *file = malloc(n + 300);
    assert_non_null(file);
    int k = snprintf(file, n + 300, "kuntanumero,kunta_fi\n001,\"");
    memset(file + k, '\n', n - 6);
    strcpy(file + k + n - 6, "\"\n002,x\n");
    read_ok(file, ILM_FILE_MUNICIPALITIES, &c, NULL);
    assert_int_equal(c.municipalities, 2);
    calls_free(&c);
    strcpy(file + k + n - 6, "\n002,x\n"); /* never closed */
    expect_error(file, ILM_FILE_MUNICIPALITIES, ILM_EINVAL,
                 "line 2, column 2: the quoted field is not closed before the end of the file", 0);
    memset(file + k + n - 6, '\n', 200);
    file[k + n + 194] = '\0';
    expect_error(file, ILM_FILE_MUNICIPALITIES, ILM_ELIMIT,
                 "line 2: longer than 8192 bytes; a quoted field in it may not be closed", 0);
    free(file);
}

/* ---- errors ---- */

static void test_errors_numbers_and_values(void **state)
{
    (void)state;
    expect_error(
        LONG_HEADER LONG_ROW_1 "2020;090;1,2x;1,2;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
        ILM_FILE_SYKE, ILM_EINVAL, "line 3, column 3 (ktCO2e): \"1,2x\" is not a number", 1);
    expect_error(LONG_HEADER "2020;090;1.400;1;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 3 (ktCO2e): \"1.400\" is not a number (this file uses a "
                 "decimal comma)",
                 0);
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,H,2020,Tieliikenne,\"1,5\"\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 5 (ktCO2e): \"1,5\" is not a number (this file uses a decimal "
                 "point)",
                 0);
    static const char *const not_numbers[] = {"nan",  "inf", "-inf", " 1", "1 ",    "1,2,3",
                                              "0x10", "1e",  "e5",   "+",  "1 000", "--1"};
    for (size_t i = 0; i < sizeof not_numbers / sizeof *not_numbers; i++) {
        char file[256], msg[256];
        /* (quoted, so that a comma stays in the field) */
        snprintf(file, sizeof file, "municipality,year,sector,ets,t\n091,2020,waste,0,\"%s\"\n",
                 not_numbers[i]);
        snprintf(msg, sizeof msg, "line 2, column 5 (t): \"%s\" is not a number%s", not_numbers[i],
                 strchr(not_numbers[i], ',') ? " (this file uses a decimal point)" : "");
        expect_error(file, ILM_FILE_INVENTORY, ILM_EINVAL, msg, 0);
    }
    expect_error("municipality,year,sector,ets,t\n091,2020,waste,0,1e999\n", ILM_FILE_INVENTORY,
                 ILM_EINVAL, "line 2, column 5 (t): \"1e999\" is too large", 0);
    expect_error("municipality,year,sector,ets,t\n091,2020,waste,0,\n", ILM_FILE_INVENTORY,
                 ILM_EINVAL, "line 2, column 5 (t): empty; a number is needed", 0);
    expect_error(LONG_HEADER "2020;090;-1,0;1;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL, "line 2, column 3 (ktCO2e): \"-1,0\" is negative", 0);
    expect_error(WIDE_HEADER "090,H,1990,2.8,2.6,2.4,3.3,1.3,1.4,5,9.4,0.1,0.5,11.6,4,0.1,44.5,"
                             "0,8.3,-5\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL, "line 2, column 20 (asukasluku): \"-5\" is negative",
                 0);
    expect_error(LONG_HEADER "2020;090;1;1;0;On;Ei;Heinävesi;P;E;K;Kaukolampo;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 12 (taso_3): \"Kaukolampo\" is not a sector in the sector table",
                 0);
    expect_error("municipality,year,sector,ets,t\n091,2020,Jätteet,0,1\n", ILM_FILE_INVENTORY,
                 ILM_EINVAL,
                 "line 2, column 3 (sector): \"Jätteet\" is not a sector key in the sector table "
                 "(such as \"electricity\")",
                 0);
    /* Unknown values are shortened, control characters hidden. */
    expect_error(LONG_HEADER "2020;090;1;1;0;On;Ei;Heinävesi;P;E;K;"
                             "\"Kauko\tlämpö and a very long tail that goes on and on\";K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 12 (taso_3): \"Kauko?lämpö and a very long tail that ...\" "
                 "is not a sector in the sector table",
                 0);
    expect_error(LONG_HEADER "2020;090;1;1;0;Kyllä;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 6 (hinku-laskenta): \"Kyllä\" is not On or Ei", 0);
    expect_error(LONG_HEADER "2020;090;1;1;0;On;on;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 7 (päästökauppa): \"on\" is not On or Ei", 0);
    expect_error("municipality,year,sector,ets,t\n091,2020,waste,yes,1\n", ILM_FILE_INVENTORY,
                 ILM_EINVAL, "line 2, column 4 (ets): \"yes\" is not true or false (or 1 or 0)", 0);
    expect_error(LONG_HEADER "2020;90;1;1;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 2 (kuntanumero): \"90\" is not a municipality code (three "
                 "digits, such as 091); a spreadsheet may have dropped its leading zeros",
                 0);
    expect_error("municipality,year,sector,ets,t\n09A,2020,waste,0,1\n", ILM_FILE_INVENTORY,
                 ILM_EINVAL,
                 "line 2, column 1 (municipality): \"09A\" is not a municipality code (three "
                 "digits, such as 091)",
                 0);
    expect_error(LONG_HEADER "1899;090;1;1;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL, "line 2, column 1 (vuosi): 1899 is outside 1900..2200",
                 0);
    expect_error("municipality,year,sector,ets,t\n091,20x4,waste,0,1\n", ILM_FILE_INVENTORY,
                 ILM_EINVAL, "line 2, column 2 (year): \"20x4\" is not a year", 0);
    expect_error("kuntanumero,kunta_fi,maakunta_koodi\n091,Helsinki,1\n", ILM_FILE_MUNICIPALITIES,
                 ILM_EINVAL,
                 "line 2, column 3 (maakunta_koodi): \"1\" is not a region code (two digits, "
                 "such as 01)",
                 0);
}

static void test_errors_structure(void **state)
{
    (void)state;
    expect_error(LONG_HEADER LONG_ROW_1 "2020;090;1;1;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL, "line 3: 13 fields, expected 14", 1);
    expect_error(LONG_HEADER LONG_ROW_1 LONG_ROW_2
                 "2021;999;16,5;16,5;0;Ei;On;Teollisuuskaupunki;Lappi;E;T;Teollisuus;T;T",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 4: the last line has no line end; the file looks cut off", 2);
    expect_error(LONG_HEADER LONG_ROW_1 "\r\n" LONG_ROW_2, ILM_FILE_SYKE, ILM_EINVAL,
                 "line 3: an empty line; empty lines are allowed only at the end of the file", 1);
    expect_error("\nkuntanumero,kunta,vuosi,sektori,ktCO2e\n", ILM_FILE_SYKE, ILM_EINVAL,
                 "line 1: an empty line; empty lines are allowed only at the end of the file", 0);
    expect_error("", ILM_FILE_SYKE, ILM_EINVAL, "line 1: the file is empty", 0);
    expect_error("\xef\xbb\xbf\r\n\r\n", ILM_FILE_SYKE, ILM_EINVAL, "line 1: the file is empty", 0);
    expect_error("\xff\xfek\0u\0n\0", ILM_FILE_SYKE, ILM_EINVAL,
                 "line 1: the file is UTF-16; save it as UTF-8 (or Windows-1252) CSV", 0);
    /* Quotes. */
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,\"Hein\"ävesi,2020,Maatalous,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 2: text after the closing quote; write a quote inside a quoted "
                 "field as \"\"",
                 0);
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,Hein\"ävesi,2020,Maatalous,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 2: a quote inside an unquoted field; quote the whole field and "
                 "write the quote as \"\"",
                 0);
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,H,2020,Maatalous,1\n"
                 "091,\"Helsinki,2020,Maatalous,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 3, column 2: the quoted field is not closed before the end of the file", 1);
    /* Old Mac line ends: the whole file is one line. */
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\r090,H,2020,Maatalous,1\r", ILM_FILE_SYKE,
                 ILM_EINVAL,
                 "line 1: the last line has no line end; the file looks cut off, or its lines "
                 "end in CR only (old Mac format): save it with CRLF or LF line ends",
                 0);
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,H\r,2020,Maatalous,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 2: a carriage return inside a field; if the lines end in CR "
                 "only (old Mac format), save the file with CRLF or LF line ends",
                 0);
}

static void test_errors_encoding(void **state)
{
    (void)state;
    /* UTF-8 chosen on line 2 (ä), then a Windows-1252 ä on line 3. */
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,Heinävesi,2020,Maatalous,1\n"
                 "091,Hein\xe4vesi,2020,Maatalous,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 3: invalid UTF-8 at byte 9 (0xE4), but the first non-ASCII text (line 2) "
                 "was UTF-8; save the whole file in one encoding",
                 1);
    /* The same on the line that decides. */
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,Heinävesi \xe4,2020,Maatalous,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2: invalid UTF-8 at byte 16 (0xE4), but the first non-ASCII text (line "
                 "2) was UTF-8; save the whole file in one encoding",
                 0);
    expect_error("\xef\xbb\xbfkuntanumero,kunta,vuosi,sektori,ktCO2e\n090,Hein\xe4,2020,M,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2: invalid UTF-8 at byte 9 (0xE4), but the file starts with a UTF-8 byte "
                 "order mark; save the whole file in one encoding",
                 0);
    /* Overlong forms and surrogates are not UTF-8 either: they decide
     * for Windows-1252, where 0x8D is undefined. */
    expect_error("kuntanumero,kunta,vuosi,sektori,ktCO2e\n090,\xc0\xaf,2020,Maatalous,1\n"
                 "091,\xed\xa0\x8d,2020,Maatalous,1\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 3: byte 7 (0x8D) is not a Windows-1252 character (the file was read as "
                 "Windows-1252 because its first non-ASCII text, on line 2, is not UTF-8)",
                 1);
    for (unsigned b = 0x80; b < 0xA0; b++) {
        char file[128];
        snprintf(file, sizeof file, "kuntanumero,kunta_fi\n001,\xe4%c\n", (char)b);
        calls c = {0};
        ilm_errors err;
        ilm_import_info info;
        int rc = read_n(file, strlen(file), ILM_FILE_MUNICIPALITIES, &c, &info, &err);
        bool undefined = b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D;
        assert_int_equal(rc, undefined ? ILM_EINVAL : 0);
        if (undefined)
            assert_non_null(strstr(err.msg[0], "is not a Windows-1252 character"));
        calls_free(&c);
    }
    static const char nul[] = "kuntanumero,kunta_fi\n001,A\0B\n";
    expect_error_n(nul, sizeof nul - 1, ILM_FILE_MUNICIPALITIES, ILM_EINVAL,
                   "line 2: a NUL byte at byte 6; this is not a text file", 0);
}

static void test_caps(void **state)
{
    (void)state;
    /* A data line of exactly ILM_IMPORT_MAX_LINE bytes is fine; one more is
     * not. */
    const char *head = "kuntanumero,kunta_fi\n001,";
    size_t name = ILM_IMPORT_MAX_LINE - 4;
    char *file = malloc(strlen(head) + name + 8);
    assert_non_null(file);
    strcpy(file, head);
    memset(file + strlen(head), 'a', name);
    strcpy(file + strlen(head) + name, "\r\n");
    calls c = {0};
    read_ok(file, ILM_FILE_MUNICIPALITIES, &c, NULL);
    assert_int_equal(c.municipalities, 1);
    calls_free(&c);
    file[strlen(head) + name] = 'a';
    strcpy(file + strlen(head) + name + 1, "\r\n");
    expect_error(file, ILM_FILE_MUNICIPALITIES, ILM_ELIMIT, "line 2: longer than 8192 bytes", 0);
    free(file);
    /* Old Mac line ends: no line end in sight. */
    file = malloc(2 * ILM_IMPORT_MAX_LINE);
    assert_non_null(file);
    memset(file, 'a', 2 * ILM_IMPORT_MAX_LINE - 1);
    file[2 * ILM_IMPORT_MAX_LINE - 1] = '\0';
    for (size_t i = 100; i < 2 * ILM_IMPORT_MAX_LINE - 1; i += 100)
        file[i] = '\r';
    expect_error(file, ILM_FILE_MUNICIPALITIES, ILM_ELIMIT,
                 "line 1: longer than 8192 bytes; the lines seem to end in CR only (old Mac "
                 "format): save the file with CRLF or LF line ends",
                 0);
    free(file);

    /* 64 fields are fine, 65 are not. */
    char wide[1024] = "municipality,year,sector,ets,t";
    for (int i = 5; i < ILM_IMPORT_MAX_FIELDS; i++)
        strcat(wide, ",");
    strcat(wide, "\n091,2020,waste,0,1");
    for (int i = 5; i < ILM_IMPORT_MAX_FIELDS; i++)
        strcat(wide, ",");
    strcat(wide, "\n");
    read_ok(wide, ILM_FILE_INVENTORY, &c, NULL);
    assert_int_equal(c.rows, 1);
    calls_free(&c);
    char *p = strchr(wide, '\n');
    memmove(p + 1, p, strlen(p) + 1);
    *p = ',';
    expect_error(wide, ILM_FILE_INVENTORY, ILM_ELIMIT, "line 1: more than 64 fields", 0);

    /* The size cap is checked before a byte is read. */
    expect_error_n("", ILM_IMPORT_MAX_BYTES + 1, ILM_FILE_SYKE, ILM_ELIMIT,
                   "the file is larger than 2048 MiB", 0);
    expect_error("", (ilm_file_kind)99, ILM_EINVAL, "unknown file kind 99", 0);
}

/* Issue 12: every value is bounded (import.h): emissions to
 * ILM_IMPORT_MAX_T t a value, populations to ILM_IMPORT_MAX_POPULATION;
 * the cap itself is accepted, anything above refused with its line, and
 * nothing of the line reaches the sink. */
static void test_value_caps(void **state)
{
    (void)state;
    calls c = {0};
    read_ok("municipality,year,sector,ets,t\n091,2020,waste,0,100000000\n", ILM_FILE_INVENTORY, &c,
            NULL);
    assert_int_equal(c.rows, 1);
    calls_free(&c);
    expect_error("municipality,year,sector,ets,t\n091,2020,waste,0,1\n"
                 "091,2021,waste,0,100000000.5\n",
                 ILM_FILE_INVENTORY, ILM_EINVAL,
                 "line 3, column 5 (t): \"100000000.5\" is above the cap of 100000000 t CO2e a "
                 "value (100 Mt, more than Finland's whole emissions)",
                 1);
    expect_error("municipality,year,sector,ets,t\n091,2020,road_transport,0,1e308\n",
                 ILM_FILE_INVENTORY, ILM_EINVAL,
                 "line 2, column 5 (t): \"1e308\" is above the cap of 100000000 t CO2e a value "
                 "(100 Mt, more than Finland's whole emissions)",
                 0);
    /* SYKE's kt: the cap is 100 000 kt. */
    read_ok(LONG_HEADER "2020;090;100000;1;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
            ILM_FILE_SYKE, &c, NULL);
    assert_int_equal(c.rows, 1);
    calls_free(&c);
    expect_error(LONG_HEADER "2020;090;100000,001;1;0;On;Ei;Heinävesi;P;E;K;Kaukolämpö;K;A\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 3 (ktCO2e): \"100000,001\" is above the cap of 100000 kt CO2e a "
                 "value (100 Mt, more than Finland's whole emissions)",
                 0);
    expect_error(WIDE_HEADER "090,H,1990,2.8,2.6,2.4,3.3,1.3,1.4,5,9.4,0.1,0.5,11.6,4,0.1,1e200,"
                             "0,8.3,5364\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 17 (yhteensa_kt): \"1e200\" is above the cap of 100000 kt CO2e a "
                 "value (100 Mt, more than Finland's whole emissions)",
                 0);
    /* Populations. */
    read_ok("kuntanumero,kunta_fi,vaesto_2019\n091,Helsinki,10000000\n", ILM_FILE_MUNICIPALITIES,
            &c, NULL);
    calls_free(&c);
    expect_error("kuntanumero,kunta_fi,vaesto_2019\n091,Helsinki,10000001\n",
                 ILM_FILE_MUNICIPALITIES, ILM_EINVAL,
                 "line 2, column 3 (vaesto_2019): \"10000001\" is above the cap of 10000000 "
                 "inhabitants",
                 0);
    expect_error(WIDE_HEADER "090,H,1990,2.8,2.6,2.4,3.3,1.3,1.4,5,9.4,0.1,0.5,11.6,4,0.1,44.5,"
                             "0,8.3,1e308\r\n",
                 ILM_FILE_SYKE, ILM_EINVAL,
                 "line 2, column 20 (asukasluku): \"1e308\" is above the cap of 10000000 "
                 "inhabitants",
                 0);
}

static int stop_on_municipality(void *user, const ilm_import_municipality *m, ilm_errors *err)
{
    (void)user;
    (void)m;
    ilm_errors_add(err, "no such municipality");
    return ILM_ENOTFOUND;
}

static void test_sink_stops(void **state)
{
    (void)state;
    calls c = {.stop_at_row = 2};
    ilm_errors err;
    ilm_import_info info;
    int rc = read_n(LONG_FILE, strlen(LONG_FILE), ILM_FILE_SYKE, &c, &info, &err);
    assert_int_equal(rc, -42);
    assert_int_equal(err.count, 1);
    assert_string_equal(err.msg[0], "line 3: the sink says stop");
    assert_int_equal(c.rows, 2); /* nothing after the stop */
    assert_text(&c, "M 090|Heinävesi|-|-|Pohjois-Karjala|-\n"
                    "I 090 2020 electricity - hinku 1400\n");
    calls_free(&c);

    ilm_import_sink sink = sink_for(&c);
    sink.municipality = stop_on_municipality;
    ilm_errors_clear(&err);
    rc = ilm_import_read_buffer(LONG_FILE, strlen(LONG_FILE), ILM_FILE_SYKE, sectors, N_SECTORS,
                                &sink, &info, &err);
    assert_int_equal(rc, ILM_ENOTFOUND);
    assert_int_equal(c.rows, 0);
    assert_string_equal(err.msg[0], "line 2: no such municipality");
    calls_free(&c);

    /* No sink at all reads and checks the file. */
    ilm_errors_clear(&err);
    assert_int_equal(ilm_import_read_buffer(LONG_FILE, strlen(LONG_FILE), ILM_FILE_SYKE, sectors,
                                            N_SECTORS, NULL, NULL, &err),
                     0);
}

/* ---- files, chunks and numbers ---- */

static uint64_t rng = 12345;
static uint64_t next_random(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A SYKE long file of `lines` lines, with lines of varied length, CRLF and
 * LF, and quoted names that hold line breaks. */
static char *make_long_file(int lines, size_t *len)
{
    size_t cap = (size_t)lines * 400 + 1024, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    n += (size_t)snprintf(s, cap, "%s", LONG_HEADER);
    for (int i = 0; i < lines; i++) {
        int pad = (int)(next_random() % 200);
        const char *end = next_random() % 2 ? "\r\n" : "\n";
        const char *name = next_random() % 10 ? "Heinävesi" : "\"Hein\r\nävesi\"";
        n +=
            (size_t)snprintf(s + n, cap - n, "%d;%03d;%d,%03d;0;0;On;Ei;%s;%.*s;E;K;%s;K;A%s",
                             1990 + i % 35, i % 997, i % 50, (int)(next_random() % 1000), name, pad,
                             "Pohjois-Karjala Pohjois-Karjala Pohjois-Karjala Pohjois-Karjala "
                             "Pohjois-Karjala Pohjois-Karjala Pohjois-Karjala Pohjois-Karjala "
                             "Pohjois-Karjala Pohjois-Karjala Pohjois-Karjala Pohjois-Karjala "
                             "Pohjois-Karjala Pohjois-Karjala",
                             sectors[i % N_SECTORS].syke_name, end);
    }
    *len = n;
    return s;
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void test_file_same_as_buffer(void **state)
{
    (void)state;
    size_t len;
    char *data = make_long_file(6000, &len);
    assert_true(len > 3 * 256 * 1024); /* several of the reader's chunks */
    char path[] = "/tmp/ilmava_test_import_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, data, len);

    calls a = {0}, b = {0};
    ilm_errors err;
    ilm_import_info ia, ib;
    assert_int_equal(read_n(data, len, ILM_FILE_SYKE, &a, &ia, &err), 0);
    ilm_import_sink sink = sink_for(&b);
    int rc = ilm_import_read(path, ILM_FILE_SYKE, sectors, N_SECTORS, &sink, &ib, &err);
    if (rc)
        fail_msg("%s", err.msg[0]);
    assert_int_equal(ia.lines, 6000);
    assert_int_equal(ib.lines, 6000);
    assert_string_equal(a.text, b.text);

    /* The tokenizer alone over small read buffers, so that records, CR LF
     * pairs and quoted line breaks fall across their edges. */
    for (size_t chunk = ILM_IMPORT_MAX_LINE + 2; chunk < ILM_IMPORT_MAX_LINE + 2 + 97 * 13;
         chunk += 97) {
        csv x, y;
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(csv_open_buffer(&x, data, len, 0, NULL), 0);
        assert_int_equal(csv_open_file(&y, f, 0, chunk, NULL), 0);
        assert_int_equal(csv_read_header(&x), 0);
        assert_int_equal(csv_read_header(&y), 0);
        int rx, ry;
        do {
            rx = csv_next(&x);
            ry = csv_next(&y);
            assert_int_equal(rx, ry);
            assert_int_equal(x.line, y.line);
            assert_int_equal(x.n_fields, y.n_fields);
            for (int i = 0; rx == 1 && i < x.n_fields; i++)
                assert_string_equal(x.field[i], y.field[i]);
        } while (rx == 1);
        assert_int_equal(rx, 0);
        assert_int_equal(x.records, 6000);
        csv_close(&x);
        csv_close(&y);
        fclose(f);
    }

    /* A file that is not there. */
    ilm_errors_clear(&err);
    assert_int_equal(
        ilm_import_read("/nonexistent/x.csv", ILM_FILE_SYKE, sectors, N_SECTORS, &sink, NULL, &err),
        ILM_EIO);
    assert_string_equal(err.msg[0], "No such file or directory");

    unlink(path);
    free(data);
    calls_free(&a);
    calls_free(&b);
}

/* Lines of about the longest length, over read buffers of about one
 * line, so that a record ends at, just before and just after the edge of
 * the buffer, and the file gives the same records as memory. */
static void test_chunk_edges(void **state)
{
    (void)state;
    size_t cap = 16 * (ILM_IMPORT_MAX_LINE + 2) + 16, len = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    len += (size_t)snprintf(data, cap, "h,i\n");
    for (int i = 0; i < 15; i++) {
        size_t n = ILM_IMPORT_MAX_LINE - (size_t)(i % 4);
        memset(data + len, i % 2 ? 'x' : 'y', n);
        data[len + 1] = ',';
        len += n;
        strcpy(data + len, i % 3 == 1 ? "\n" : "\r\n");
        len += strlen(data + len);
    }
    char path[] = "/tmp/ilmava_test_edges_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, data, len);
    for (size_t chunk = ILM_IMPORT_MAX_LINE + 2; chunk < ILM_IMPORT_MAX_LINE + 12; chunk++) {
        csv x, y;
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(csv_open_buffer(&x, data, len, ',', NULL), 0);
        assert_int_equal(csv_open_file(&y, f, ',', chunk, NULL), 0);
        assert_int_equal(csv_read_header(&x), 0);
        assert_int_equal(csv_read_header(&y), 0);
        for (int i = 0; i < 15; i++) {
            assert_int_equal(csv_next(&x), 1);
            assert_int_equal(csv_next(&y), 1);
            assert_int_equal(x.len[1], ILM_IMPORT_MAX_LINE - (size_t)(i % 4) - 2);
            assert_string_equal(x.field[1], y.field[1]);
        }
        assert_int_equal(csv_next(&x), 0);
        assert_int_equal(csv_next(&y), 0);
        csv_close(&x);
        csv_close(&y);
        fclose(f);
    }
    unlink(path);
    free(data);
}

static void test_numbers(void **state)
{
    (void)state;
    double v;
    assert_int_equal(csv_number("1,400", ',', 3, &v), CSV_NUM_OK);
    assert_true(v == 1400.0);
    assert_int_equal(csv_number("0,1", ',', 0, &v), CSV_NUM_OK);
    assert_true(v == 0.1);
    /* kt to t without a second rounding: 1.005 kt is exactly 1005 t. */
    assert_int_equal(csv_number("1.005", '.', 3, &v), CSV_NUM_OK);
    assert_true(v == 1005.0);
    assert_false(strtod("1.005", NULL) * 1000 == 1005.0); /* what one would get otherwise */
    assert_int_equal(csv_number("-0", '.', 0, &v), CSV_NUM_OK);
    assert_true(v == 0.0);
    assert_int_equal(csv_number("1,5E-5", ',', 0, &v), CSV_NUM_OK);
    assert_true(v == 1.5e-5);
    assert_int_equal(csv_number(".5", '.', 0, &v), CSV_NUM_OK);
    assert_true(v == 0.5);
    assert_int_equal(csv_number("", '.', 0, &v), CSV_NUM_EMPTY);
    assert_int_equal(csv_number("1e400", '.', 0, &v), CSV_NUM_RANGE);
    assert_int_equal(csv_number("1.5", ',', 0, &v), CSV_NUM_BAD);
    assert_int_equal(csv_number("1,5", '.', 0, &v), CSV_NUM_BAD);
    assert_int_equal(csv_number("NaN", '.', 0, &v), CSV_NUM_BAD);
    /* Long mantissas and big exponents take the slow path. */
    assert_int_equal(csv_number("0.1000000000000000055511151231257827", '.', 0, &v), CSV_NUM_OK);
    assert_true(v == 0.1);
    assert_int_equal(csv_number("123456789012345678901234567890", '.', 0, &v), CSV_NUM_OK);
    assert_true(v == 123456789012345678901234567890.0);
    /* 1 + 2^-53 is halfway between 1 and the next double: exactly half
     * rounds to even, any digit above it rounds up, however far out. */
    static const char half[] = "1.00000000000000011102230246251565404236316680908203125";
    assert_int_equal(csv_number(half, '.', 0, &v), CSV_NUM_OK);
    assert_true(v == 1.0);
    char above[128];
    snprintf(above, sizeof above, "%s%s", half, "000000000000000000000000000000000000000001");
    assert_int_equal(csv_number(above, '.', 0, &v), CSV_NUM_OK);
    assert_true(v == nextafter(1.0, 2.0));
    assert_true(v == strtod(above, NULL));
    assert_int_equal(csv_number("1e-320", '.', 0, &v), CSV_NUM_OK);
    assert_true(v == 1e-320);

    /* Random decimals read the same as strtod in the C locale. */
    for (int i = 0; i < 200000; i++) {
        char s[64];
        int digits = 1 + (int)(next_random() % 22), point = (int)(next_random() % (digits + 1));
        size_t n = 0;
        for (int d = 0; d < digits; d++) {
            if (d == point && d > 0)
                s[n++] = '.';
            s[n++] = (char)('0' + next_random() % 10);
        }
        if (next_random() % 4 == 0)
            n += (size_t)snprintf(s + n, sizeof s - n, "e%d", (int)(next_random() % 60) - 30);
        s[n] = '\0';
        assert_int_equal(csv_number(s, '.', 0, &v), CSV_NUM_OK);
        if (v != strtod(s, NULL))
            fail_msg("%s: %.17g, strtod %.17g", s, v, strtod(s, NULL));
        char t[80];
        snprintf(t, sizeof t, "%se3", s);
        double kt;
        if (!strchr(s, 'e')) {
            assert_int_equal(csv_number(s, '.', 3, &kt), CSV_NUM_OK);
            if (kt != strtod(t, NULL))
                fail_msg("%s kt: %.17g, strtod %.17g", s, kt, strtod(t, NULL));
        }
    }

    char out[48];
    assert_string_equal(csv_shorten(out, sizeof out, "short"), "short");
    /* 39 bytes and an ä: cut before the ä rather than inside it. */
    char in[48], expected[48];
    memset(in, 'a', 39);
    strcpy(in + 39, "ä");
    memset(expected, 'a', 39);
    strcpy(expected + 39, "...");
    assert_string_equal(csv_shorten(out, sizeof out, in), expected);
    in[39] = '\0';
    assert_string_equal(csv_shorten(out, sizeof out, in), in);
}

/* ---- the real files of ../shared ---- */

static char shared[1024];

static bool have_shared(void)
{
    const char *env = getenv("ILMAVA_SHARED");
    if (!env || !*env) {
        printf("skipped: ILMAVA_SHARED is not set\n");
        return false;
    }
    snprintf(shared, sizeof shared, "%s/data/syke", env);
    DIR *d = opendir(shared);
    if (!d) {
        printf("skipped: %s is missing\n", shared);
        return false;
    }
    closedir(d);
    snprintf(shared, sizeof shared, "%s/data", env);
    return true;
}

static int read_real(const char *rel, ilm_file_kind kind, calls *c, ilm_import_info *info)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", shared, rel);
    ilm_import_sink sink = sink_for(c);
    ilm_errors err = {0};
    int rc = ilm_import_read(path, kind, sectors, N_SECTORS, &sink, info, &err);
    if (rc)
        fail_msg("%s: %s", rel, err.count ? err.msg[0] : "?");
    return rc;
}

static uint64_t fnv1a(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
    return h;
}

static void test_real_files(void **state)
{
    (void)state;
    if (!have_shared()) {
        skip();
        return;
    }
    /* Every SYKE file there reads, with the data lines wc -l counts. */
    static const struct {
        const char *name;
        ilm_file_kind kind;
        long long lines;
    } known[] = {
        {"alas_long_pohjois_karjala.csv", ILM_FILE_SYKE_LONG, 6279},
        {"alas_long_pohjois_karjala_cp1252.csv", ILM_FILE_SYKE_LONG, 6279},
        {"alas_hinku_pohjois_karjala_wide.csv", ILM_FILE_SYKE_WIDE, 273},
        {"alas_hinku_pohjois_karjala_long.csv", ILM_FILE_SYKE_SIMPLE, 3549},
        {"alas_long_synthetic_industrial.csv", ILM_FILE_SYKE_LONG, 546},
    };
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/syke", shared);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int files = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".csv") != 0)
            continue;
        char rel[600];
        snprintf(rel, sizeof rel, "syke/%s", e->d_name);
        calls c = {0};
        ilm_import_info info;
        read_real(rel, ILM_FILE_SYKE, &c, &info);
        printf("%s: %s, %lld lines%s, %d rows, %d municipalities\n", rel,
               ilm_file_kind_name(info.kind), info.lines,
               info.windows_1252 ? " (Windows-1252)" : "", c.rows, c.municipalities);
        for (size_t k = 0; k < sizeof known / sizeof *known; k++) {
            if (strcmp(known[k].name, e->d_name) == 0) {
                assert_int_equal(info.kind, known[k].kind);
                assert_int_equal(info.lines, known[k].lines);
                assert_int_equal(c.rows,
                                 known[k].kind == ILM_FILE_SYKE_WIDE ? 273 * 13 : known[k].lines);
            }
        }
        calls_free(&c);
        files++;
    }
    closedir(d);
    assert_true(files >= 5);

    calls c = {0};
    ilm_import_info info;
    read_real("kunnat_2021_2025.csv", ILM_FILE_MUNICIPALITIES, &c, &info);
    assert_int_equal(info.lines, 309);
    assert_int_equal(c.municipalities, 309);
    assert_int_equal(c.populations, 309 * 15);
    assert_non_null(strstr(c.text, "M 478|Maarianhamina|Mariehamn|21|Ahvenanmaa|Åland\n"));
    assert_non_null(strstr(c.text, "M 588|Pertunmaa|-|10|Etelä-Savo|Södra Savolax\n"));
    assert_non_null(strstr(c.text, "P 090 2019 3254\n"));
    calls_free(&c);

    /* The UTF-8 and Windows-1252 long files give the same calls. */
    calls u = {0}, w = {0};
    ilm_import_info iu, iw;
    read_real("syke/alas_long_pohjois_karjala.csv", ILM_FILE_SYKE, &u, &iu);
    read_real("syke/alas_long_pohjois_karjala_cp1252.csv", ILM_FILE_SYKE, &w, &iw);
    assert_false(iu.windows_1252);
    assert_true(iw.windows_1252);
    uint64_t hu = fnv1a(u.text, u.len), hw = fnv1a(w.text, w.len);
    printf("long file calls: UTF-8 %016llx, Windows-1252 %016llx\n", (unsigned long long)hu,
           (unsigned long long)hw);
    assert_true(hu == hw);
    assert_string_equal(u.text, w.text);
    calls_free(&u);
    calls_free(&w);

    /* The synthetic industrial town: 63 ETS rows, 42 outside Hinku. */
    read_real("syke/alas_long_synthetic_industrial.csv", ILM_FILE_SYKE, &c, NULL);
    int ets = 0, not_hinku = 0;
    for (const char *p = c.text; (p = strstr(p, "I 999 ")); p++) {
        const char *eol = strchr(p, '\n');
        const char *e = strstr(p, " ets ");
        ets += e && e < eol;
        const char *h = strstr(p, " hinku ");
        not_hinku += !(h && h < eol);
    }
    assert_int_equal(ets, 63);
    assert_int_equal(not_hinku, 42);
    calls_free(&c);
}

/* Sums per municipality, year and sector, from the calls. */
#define MAX_MUNI 32
#define YEARS (YEAR_SPAN + 1)
#define YEAR_SPAN 300
typedef struct sums {
    char code[MAX_MUNI][4];
    int n;
    double t[MAX_MUNI][YEARS][N_SECTORS];
    bool has[MAX_MUNI][YEARS][N_SECTORS];
    double total[MAX_MUNI][YEARS];
    bool has_total[MAX_MUNI][YEARS];
} sums;

static int muni_index(sums *s, const char *code)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->code[i], code) == 0)
            return i;
    assert_true(s->n < MAX_MUNI);
    snprintf(s->code[s->n], 4, "%s", code);
    return s->n++;
}

static int sum_row(void *user, const ilm_import_inventory *r, ilm_errors *err)
{
    (void)err;
    sums *s = user;
    if (!r->hinku)
        return 0;
    size_t k = 0;
    while (k < N_SECTORS && strcmp(sectors[k].key, r->sector) != 0)
        k++;
    assert_true(k < N_SECTORS);
    int m = muni_index(s, r->code);
    s->t[m][r->year - 1900][k] += r->t;
    s->has[m][r->year - 1900][k] = true;
    return 0;
}

static int sum_total(void *user, const char *code, int year, double t, ilm_errors *err)
{
    (void)err;
    sums *s = user;
    int m = muni_index(s, code);
    s->total[m][year - 1900] = t;
    s->has_total[m][year - 1900] = true;
    return 0;
}

static sums *sum_file(const char *rel)
{
    sums *s = calloc(1, sizeof *s);
    assert_non_null(s);
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", shared, rel);
    ilm_import_sink sink = {.user = s, .inventory = sum_row, .published_total = sum_total};
    ilm_errors err = {0};
    if (ilm_import_read(path, ILM_FILE_SYKE, sectors, N_SECTORS, &sink, NULL, &err))
        fail_msg("%s: %s", rel, err.msg[0]);
    return s;
}

static void test_real_long_vs_wide(void **state)
{
    (void)state;
    if (!have_shared()) {
        skip();
        return;
    }
    sums *lng = sum_file("syke/alas_long_pohjois_karjala.csv");
    sums *wide = sum_file("syke/alas_hinku_pohjois_karjala_wide.csv");
    sums *simple = sum_file("syke/alas_hinku_pohjois_karjala_long.csv");
    assert_int_equal(wide->n, 13);
    int cells = 0, years = 0, total_off = 0;
    double max_long = 0, max_total = 0;
    for (int m = 0; m < wide->n; m++) {
        int ml = muni_index(lng, wide->code[m]), ms = muni_index(simple, wide->code[m]);
        for (int y = 0; y < YEARS; y++) {
            double sector_sum = 0;
            for (size_t k = 0; k < N_SECTORS; k++) {
                /* The same cells in all three... */
                assert_int_equal(lng->has[ml][y][k], wide->has[m][y][k]);
                assert_int_equal(simple->has[ms][y][k], wide->has[m][y][k]);
                if (!wide->has[m][y][k])
                    continue;
                cells++;
                /* ...the long file's Hinku sub-rows add up to the wide
                 * file's sector, and the simple file repeats it. */
                double d = fabs(lng->t[ml][y][k] - wide->t[m][y][k]);
                if (d > max_long)
                    max_long = d;
                assert_true(d <= 0.5);
                assert_true(simple->t[ms][y][k] == wide->t[m][y][k]);
                sector_sum += wide->t[m][y][k];
            }
            if (!wide->has_total[m][y])
                continue;
            /* SYKE rounds its totals independently of the sectors. */
            years++;
            double d = fabs(wide->total[m][y] - sector_sum);
            total_off += d > 0.5;
            if (d > max_total)
                max_total = d;
            assert_true(d <= 1000);
        }
    }
    printf("long vs wide: %d municipality-year-sector cells, largest difference %g t\n", cells,
           max_long);
    printf("wide totals vs the sum of their sectors: %d of %d municipality-years differ, by at "
           "most %g t\n",
           total_off, years, max_total);
    assert_int_equal(cells, 273 * 13);
    assert_int_equal(years, 273);
    free(lng);
    free(wide);
    free(simple);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_long),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_simple),
        cmocka_unit_test(test_register),
        cmocka_unit_test(test_inventory),
        cmocka_unit_test(test_detection),
        cmocka_unit_test(test_cp1252_same_as_utf8),
        cmocka_unit_test(test_line_ends_bom_quotes),
        cmocka_unit_test(test_errors_numbers_and_values),
        cmocka_unit_test(test_errors_structure),
        cmocka_unit_test(test_errors_encoding),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_value_caps),
        cmocka_unit_test(test_sink_stops),
        cmocka_unit_test(test_file_same_as_buffer),
        cmocka_unit_test(test_chunk_edges),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_real_files),
        cmocka_unit_test(test_real_long_vs_wide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
