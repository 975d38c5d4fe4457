/* Unit tests of the document model: numbers in fi, sv and en; the
 * Markdown of a document with every block kind, escaping included; the
 * HTML escapes and stays self-contained; the SVG chart carries its series
 * and ticks and refuses bad input; the PDF is a PDF; the Dnro and
 * language checks.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/doc.h"
#include "report/report_internal.h"

#define NBSP "\xc2\xa0"

static void test_numbers(void **state)
{
    (void)state;
    char b[48];
    assert_string_equal(ilm_doc_number(b, 12345.67, 1, "fi"), "12" NBSP "345,7");
    assert_string_equal(ilm_doc_number(b, 12345.67, 1, "sv"), "12" NBSP "345,7");
    assert_string_equal(ilm_doc_number(b, 12345.67, 1, "en"), "12,345.7");
    assert_string_equal(ilm_doc_number(b, -1234567, 0, "en"), "-1,234,567");
    assert_string_equal(ilm_doc_number(b, 999.96, 1, "fi"), "1" NBSP "000,0");
    assert_string_equal(ilm_doc_number(b, -0.04, 1, "fi"), "0,0"); /* no "-0,0" */
    assert_string_equal(ilm_doc_number(b, 5, 2, "fi"), "5,00");
    assert_string_equal(ilm_doc_number(b, NAN, 1, "fi"), "\xe2\x80\x93");
    assert_string_equal(ilm_doc_percent(b, 0.652, 1, "fi"), "65,2" NBSP "%");
    assert_string_equal(ilm_doc_percent(b, 0.652, 0, "en"), "65%");
    assert_string_equal(ilm_doc_percent(b, -0.356, 1, "sv"), "-35,6" NBSP "%");
    /* A huge value stays inside the buffer. */
    ilm_doc_number(b, 1e300, 2, "fi");
    assert_true(strlen(b) < 48);
}

static char *render(ilm_doc *d, ilm_doc_format f, size_t *len)
{
    ilm_errors err = {0};
    char *out = NULL;
    size_t n = 0;
    int rc = ilm_doc_render(d, f, &out, &n, &err);
    if (rc)
        fail_msg("render: %s", err.msg[0]);
    if (len)
        *len = n;
    return out;
}

static void test_markdown_every_block(void **state)
{
    (void)state;
    ilm_doc *d = ilm_doc_new("fi", "Otsikko");
    ilm_doc_field(d, "Dnro", "727/11.00/2026");
    ilm_doc_field(d, "Pykälä", "");
    ilm_doc_heading(d, 1, "Ilmastotavoite %d", 2030);
    ilm_doc_para(d, "Rivi *tähti* ja _viiva_ | putki <b>\ntoinen rivi");
    ilm_doc_para(d, "1. ei luettelo");
    ilm_doc_item(d, "eka");
    ilm_doc_item(d, "toka");
    ilm_doc_blank(d, "Päätös", 2);
    const char *h[2] = {"Vuosi", "kt"};
    ilm_doc_table(d, "Taulukko", 2, h, NULL);
    ilm_doc_row(d, (const char *[]){"2024", "1,5"});
    ilm_doc_row(d, (const char *[]){"a|b", NULL});
    int years[2] = {2024, 2025};
    double v[2] = {1.26, NAN};
    ilm_chart_series s = {"Sarja", ILM_SERIES_LINE, v, NULL, NULL};
    ilm_chart c = {"Kuva", "kt CO2e", 2, years, 1, &s};
    ilm_doc_chart(d, &c);
    ilm_doc_page_break(d);
    char *md = render(d, ILM_DOC_MD, NULL);
    assert_string_equal(
        md, "**Dnro:** 727/11.00/2026\\\n"
            "**Pykälä:** \\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\n\n"
            "# Ilmastotavoite 2030\n\n"
            "Rivi \\*tähti\\* ja \\_viiva\\_ \\| putki \\<b\\>\\\ntoinen rivi\n\n"
            "1\\. ei luettelo\n\n"
            "- eka\n- toka\n\n"
            "**Päätös:**\n\n"
            "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_"
            "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\n\n"
            "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_"
            "\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\\_\n\n"
            "*Taulukko*\n\n"
            "| Vuosi | kt |\n| --- | ---: |\n| 2024 | 1,5 |\n| a\\|b |  |\n\n"
            "*Kuva* (kt CO2e)\n\n"
            "| Vuosi | Sarja |\n| --- | ---: |\n| 2024 | 1,3 |\n| 2025 | \xe2\x80\x93 |\n\n");
    free(md);
    ilm_doc_free(d);
}

static void test_html_escapes_and_is_self_contained(void **state)
{
    (void)state;
    ilm_doc *d = ilm_doc_new("sv", "A <title> & more");
    ilm_doc_heading(d, 2, "<script>alert(1)</script>");
    ilm_doc_para(d, "\"quoted\" & 'single'");
    int years[3] = {2020, 2021, 2022};
    double lo[3] = {1, 2, 3}, hi[3] = {2, 3, 4};
    ilm_chart_series s[2] = {{"Band", ILM_SERIES_BAND, lo, hi, NULL},
                             {"Area", ILM_SERIES_AREA, lo, NULL, "#123456"}};
    ilm_chart c = {"Chart", "kt", 3, years, 2, s};
    ilm_doc_chart(d, &c);
    char *html = render(d, ILM_DOC_HTML, NULL);
    assert_non_null(strstr(html, "<html lang=\"sv\">"));
    assert_non_null(strstr(html, "<title>A &lt;title&gt; &amp; more</title>"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(html, "<script"));
    assert_non_null(strstr(html, "&quot;quoted&quot; &amp; &#39;single&#39;"));
    assert_non_null(strstr(html, "<svg"));
    assert_non_null(strstr(html, "#123456"));
    assert_null(strstr(html, "src=\"http"));
    free(html);
    ilm_doc_free(d);
}

static void test_svg(void **state)
{
    (void)state;
    int years[4] = {2020, 2021, 2022, 2023};
    double a[4] = {100, 200, 300, 400};
    ilm_chart_series s = {"Päästöt", ILM_SERIES_LINE, a, NULL, NULL};
    ilm_chart c = {"Kuva", "kt CO2e", 4, years, 1, &s};
    ilm_errors err = {0};
    char *svg = ilm_chart_svg(&c, "fi", &err);
    assert_non_null(svg);
    assert_non_null(strstr(svg, ">Päästöt</text>"));
    assert_non_null(strstr(svg, ">400</text>")); /* a tick at the top */
    assert_non_null(strstr(svg, ">2023</text>"));
    free(svg);

    c.n_x = 0;
    assert_null(ilm_chart_svg(&c, "fi", &err));
    assert_non_null(strstr(err.msg[0], "no years"));
    c.n_x = 4;
    ilm_chart_series band = {"Band", ILM_SERIES_BAND, a, NULL, NULL};
    c.series = &band;
    ilm_errors_clear(&err);
    assert_null(ilm_chart_svg(&c, "fi", &err));
    assert_non_null(strstr(err.msg[0], "has no values"));
    /* Values whose range is not finite: an error, not a hang. */
    double huge[4] = {1e308, -1e308, 0, 0};
    ilm_chart_series flat = {"Flat", ILM_SERIES_LINE, huge, NULL, NULL};
    c.series = &flat;
    ilm_errors_clear(&err);
    assert_null(ilm_chart_svg(&c, "fi", &err));
    assert_non_null(strstr(err.msg[0], "too large to draw"));
    int down[2] = {2021, 2020};
    c.series = &s;
    c.years = down;
    c.n_x = 2;
    ilm_errors_clear(&err);
    assert_null(ilm_chart_svg(&c, "fi", &err));
    assert_non_null(strstr(err.msg[0], "ascend"));
}

static void test_pdf(void **state)
{
    (void)state;
    ilm_doc *d = ilm_doc_new("fi", "PDF");
    ilm_doc_heading(d, 1, "Ympäristöasioiden ohjaus");
    const char *h[3] = {"Vuosi", "A", "B"};
    ilm_doc_table(d, NULL, 3, h, NULL);
    /* Long enough to cross a page. */
    for (int i = 0; i < 120; i++) {
        char y[16];
        snprintf(y, sizeof y, "%d", 1900 + i);
        ilm_doc_row(d, (const char *[]){y, "1", "2"});
    }
    size_t len = 0;
    char *pdf = render(d, ILM_DOC_PDF, &len);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    free(pdf);
    ilm_doc_free(d);
}

static void test_checks(void **state)
{
    (void)state;
    ilm_errors err = {0};
    assert_int_equal(ilm_dnro_check("727/11.00/2020", "dnro", &err), 0);
    assert_int_equal(ilm_dnro_check("1/00.01.02/2026", "dnro", &err), 0);
    assert_int_equal(ilm_dnro_check("123456/11.00/2026", "dnro", &err), 0);
    /* The forms other registries write, with a prefix (issue 14). */
    const char *good[] = {"TOR/727/11.00/2026", "KH 727/11.00/2026", "TORDno-2026-727",
                          "TRE:5072/10.03.01/2021", "HEL 2022-003049", "TUUDno-2020-1249",
                          "1234567/11.00/2026"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (ilm_dnro_check(good[i], "dnro", &err) != 0)
            fail_msg("\"%s\" was refused", good[i]);
    const char *bad[] = {"",
                         "727-11.00-2020",
                         "/11.00/2020",
                         "12345678/11.00/2020",
                         "TOR727/11.00/2026",
                         "TOR/727-11.00-2026",
                         "TORDno-26-727",
                         "TORDno-2026-",
                         "TORDno-2026-727x",
                         "2026-727",
                         "ABCDEFGHIJK/1/11.00/2026",
                         "KH  727/11.00/2026",
                         "Ä/727/11.00/2026",
                         "1/11/2020",
                         "1/11.0/2020",
                         "1/11.00/20",
                         "1/11.00/02020",
                         "1/11.00/0999",
                         "1/11.00./2020",
                         "a/11.00/2020"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ilm_errors_clear(&err);
        if (ilm_dnro_check(bad[i], "dnro", &err) != ILM_EINVAL)
            fail_msg("\"%s\" was accepted", bad[i]);
        assert_non_null(strstr(err.msg[0], "dnro: "));
    }
    ilm_errors_clear(&err);
    assert_int_equal(ilm_report_lang_check("sv", "lang", &err), 0);
    assert_int_equal(ilm_report_lang_check("de", "lang", &err), ILM_EINVAL);
    assert_string_equal(err.msg[0], "lang: \"de\" is not one of fi, sv, en");
    ilm_doc_format f;
    assert_int_equal(ilm_doc_format_parse("pdf", "format", &f, &err), 0);
    assert_int_equal(f, ILM_DOC_PDF);
    assert_int_equal(ilm_doc_format_parse("docx", "format", &f, &err), ILM_EINVAL);
}

/* Every mainland region has the administrative court of its district
 * (src/report/texts/courts.txt), in each language; Åland and unknown
 * regions have none, so the document leaves a line to fill in. */
static void test_courts(void **state)
{
    (void)state;
    static const struct {
        const char *region, *fi;
    } want[] = {{"01", "Helsingin hallinto-oikeus"},   {"02", "Turun hallinto-oikeus"},
                {"04", "Turun hallinto-oikeus"},       {"05", "Hämeenlinnan hallinto-oikeus"},
                {"06", "Hämeenlinnan hallinto-oikeus"}, {"07", "Hämeenlinnan hallinto-oikeus"},
                {"08", "Itä-Suomen hallinto-oikeus"},   {"09", "Itä-Suomen hallinto-oikeus"},
                {"10", "Itä-Suomen hallinto-oikeus"},   {"11", "Itä-Suomen hallinto-oikeus"},
                {"12", "Itä-Suomen hallinto-oikeus"},   {"13", "Hämeenlinnan hallinto-oikeus"},
                {"14", "Vaasan hallinto-oikeus"},       {"15", "Vaasan hallinto-oikeus"},
                {"16", "Vaasan hallinto-oikeus"},       {"17", "Pohjois-Suomen hallinto-oikeus"},
                {"18", "Pohjois-Suomen hallinto-oikeus"}, {"19", "Pohjois-Suomen hallinto-oikeus"}};
    char out[400];
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        assert_true(report_court_for_region(want[i].region, "fi", out, sizeof out));
        if (strncmp(out, want[i].fi, strlen(want[i].fi)) != 0)
            fail_msg("region %s: \"%s\", expected %s", want[i].region, out, want[i].fi);
        assert_non_null(strstr(out, ".hao@oikeus.fi"));
    }
    assert_true(report_court_for_region("12", "sv", out, sizeof out));
    assert_string_equal(out, "Östra Finlands förvaltningsdomstol, PL 1744, 70101 Kuopio, "
                             "ita-suomi.hao@oikeus.fi");
    assert_true(report_court_for_region("12", "en", out, sizeof out));
    assert_non_null(strstr(out, "Eastern Finland Administrative Court, PL 1744"));
    assert_false(report_court_for_region("21", "fi", out, sizeof out)); /* Åland */
    assert_false(report_court_for_region("03", "fi", out, sizeof out));
    assert_false(report_court_for_region(NULL, "fi", out, sizeof out));
    assert_false(report_court_for_region("1", "fi", out, sizeof out));
}

static void test_caps(void **state)
{
    (void)state;
    ilm_doc *d = ilm_doc_new("fi", "cap");
    /* A row before any table marks the document failed; render says so. */
    ilm_doc_row(d, (const char *[]){"x"});
    ilm_errors err = {0};
    char *out = NULL;
    size_t len = 0;
    assert_int_not_equal(ilm_doc_render(d, ILM_DOC_MD, &out, &len, &err), 0);
    assert_null(out);
    assert_non_null(strstr(err.msg[0], "a table row without a table"));
    ilm_doc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_markdown_every_block),
        cmocka_unit_test(test_html_escapes_and_is_self_contained),
        cmocka_unit_test(test_svg),
        cmocka_unit_test(test_pdf),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_courts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
