/* CSV injection (issue 13, section 5): the one cell writer every C CSV
 * writer uses (ilm_csv_cell). A text that begins with =, +, -, @, a tab or a
 * CR gets a single quote and quotes; a plain number (negative too) stays
 * as it is; quotes, separators and line breaks are quoted as RFC 4180 says.
 * The same table of cases is in test_csv_cells.mjs for the browser's
 * writer (web/assets/charts.js), so that the two cannot drift apart.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ilmava/io.h"

static void expect_cell(const char *in, char sep, const char *want)
{
    char *got = ilm_csv_cell(in, sep);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("ilm_csv_cell(\"%s\", '%c') = %s, expected %s", in ? in : "(null)", sep, got,
                 want);
    free(got);
}

static void test_formulas_are_neutralised(void **state)
{
    (void)state;
    expect_cell("=cmd|' /C calc'!A0", ',', "\"'=cmd|' /C calc'!A0\"");
    expect_cell("+SUM(A1:A9)", ',', "\"'+SUM(A1:A9)\"");
    expect_cell("-2+3+cmd|' /C calc'!A0", ',', "\"'-2+3+cmd|' /C calc'!A0\"");
    expect_cell("@SUM(1)", ',', "\"'@SUM(1)\"");
    expect_cell("\t=1+1", ',', "\"'\t=1+1\"");
    expect_cell("\r=1+1", ',', "\"'\r=1+1\"");
    expect_cell("=HYPERLINK(\"http://x\",\"y\")", ',',
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    expect_cell("-", ',', "\"'-\"");
    expect_cell("--1", ',', "\"'--1\"");
    expect_cell("-1e", ',', "\"'-1e\"");
    expect_cell("+", ';', "\"'+\"");
    expect_cell("-inf", ',', "\"'-inf\"");
    expect_cell("-0x1A", ',', "\"'-0x1A\"");
}

static void test_numbers_stay_numbers(void **state)
{
    (void)state;
    expect_cell("-12.5", ',', "-12.5");
    expect_cell("-116045.62417842788", ',', "-116045.62417842788");
    expect_cell("+5", ',', "+5");
    expect_cell("-1e-3", ',', "-1e-3");
    expect_cell("-.5", ',', "-.5");
    expect_cell("2030", ',', "2030");
    assert_true(ilm_csv_is_number("-3E+06"));
    assert_false(ilm_csv_is_number("- 3"));
    assert_false(ilm_csv_is_number(""));
    assert_false(ilm_csv_is_number("."));
    assert_false(ilm_csv_is_number("1,5"));
}

static void test_plain_and_quoted_text(void **state)
{
    (void)state;
    expect_cell("Kaukolämpö", ',', "Kaukolämpö");
    expect_cell("a=b", ',', "a=b"); /* only the first character counts */
    expect_cell(" =1", ',', " =1");
    expect_cell("a,b", ',', "\"a,b\"");
    expect_cell("a;b", ';', "\"a;b\"");
    expect_cell("a;b", ',', "a;b");
    expect_cell("say \"hi\"", ',', "\"say \"\"hi\"\"\"");
    expect_cell("two\nlines", ',', "\"two\nlines\"");
    expect_cell("", ',', "");
    expect_cell(NULL, ',', "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formulas_are_neutralised),
        cmocka_unit_test(test_numbers_stay_numbers),
        cmocka_unit_test(test_plain_and_quoted_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
