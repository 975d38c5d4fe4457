/* Unit tests of structured errors (src/error.c, include/ilmava/error_codes.h):
 * a message keeps its code, field and parameters besides its English text;
 * the generic adder gives the code "invalid" and no field; a full list
 * drops messages and their parameters alike; the plan model's checks give
 * their codes with the values as typed.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ilmava/error.h"
#include "ilmava/io.h"
#include "ilmava/model.h"
#include "ilmava/plan.h"

static void test_structured_message(void **state)
{
    (void)state;
    ilm_errors err = {0};
    ilm_errors_addc(&err, ILM_ERR_BEFORE_START, "measures[3].full",
                    "measures[3].full: %d is before start %d", 2027, 2032);
    ilm_errors_num(&err, "value", 2027);
    ilm_errors_num(&err, "start", 2032);
    assert_int_equal(err.count, 1);
    assert_string_equal(err.msg[0], "measures[3].full: 2027 is before start 2032");
    assert_int_equal(err.info[0].code, ILM_ERR_BEFORE_START);
    assert_string_equal(ilm_error_code_name(err.info[0].code), "before_start");
    assert_string_equal(err.info[0].field, "measures[3].full");
    assert_string_equal(ilm_error_param_name(ILM_ERR_BEFORE_START, 0), "value");
    assert_string_equal(ilm_error_param_name(ILM_ERR_BEFORE_START, 1), "start");
    assert_null(ilm_error_param_name(ILM_ERR_BEFORE_START, 2));
    assert_int_equal(err.info[0].param[0].kind, ILM_PARAM_NUMBER);
    assert_true(err.info[0].param[0].num == 2027 && err.info[0].param[1].num == 2032);

    ilm_errors_add(&err, "out of memory");
    assert_int_equal(err.info[1].code, ILM_ERR_INVALID);
    assert_string_equal(err.info[1].field, "");
    assert_string_equal(ilm_error_code_name(err.info[1].code), "invalid");

    ilm_errors_addc(&err, ILM_ERR_DAY_OUTSIDE_PERIOD, "periods[0].days[1].day", "x");
    ilm_errors_text(&err, "value", "2027-05-05");
    assert_int_equal(err.info[2].param[0].kind, ILM_PARAM_TEXT);
    assert_string_equal(err.info[2].param[0].text, "2027-05-05");
    assert_int_equal(err.info[2].param[1].kind, ILM_PARAM_UNSET);

    ilm_errors_num(NULL, "value", 1); /* no list: nothing happens */
    ilm_errors_addc(NULL, ILM_ERR_NEGATIVE, "f", "x");
}

static void test_full_list(void **state)
{
    (void)state;
    ilm_errors err = {0};
    for (int i = 0; i < ILM_ERRORS_MAX; i++)
        ilm_errors_addc(&err, ILM_ERR_NEGATIVE, "x", "x: %d is negative", -i);
    ilm_errors_addc(&err, ILM_ERR_NOT_SHARE, "share", "dropped");
    ilm_errors_num(&err, "value", 1.4); /* must not land on the last kept one */
    assert_int_equal(err.count, ILM_ERRORS_MAX);
    assert_int_equal(err.dropped, 1);
    assert_int_equal(err.info[ILM_ERRORS_MAX - 1].param[0].kind, ILM_PARAM_UNSET);
    ilm_errors_clear(&err);
    assert_int_equal(err.count, 0);
}

static void test_text_check(void **state)
{
    (void)state;
    ilm_errors err = {0};
    char s[300];
    memset(s, 'a', sizeof s - 1);
    s[sizeof s - 1] = '\0';
    assert_int_equal(ilm_text_check(&err, "name", s, ILM_TEXT_NAME), ILM_EINVAL);
    assert_string_equal(err.msg[0], "name: 299 characters, at most 200");
    assert_int_equal(err.info[0].code, ILM_ERR_TEXT_TOO_LONG);
    assert_string_equal(err.info[0].field, "name");
    assert_true(err.info[0].param[0].num == 299 && err.info[0].param[1].num == 200);
}

static const char PLAN[] =
    "{\"ilmava_plan\":1,\"name\":\"E\","
    "\"municipality\":{\"code\":\"851\",\"name\":\"Tornio\"},"
    "\"inventory\":[{\"year\":2020,\"sector\":\"heat\",\"t\":1000},"
    "{\"year\":2024,\"sector\":\"heat\",\"t\":900}],"
    "\"target\":{\"base_year\":2020,\"target_year\":2005,\"reduction\":1.4,\"scope\":\"total\"},"
    "\"measures\":[{\"id\":\"m1\",\"sector\":\"heat\",\"start\":2032,\"full\":2027,"
    "\"share\":0.1}]}";

/* Which message has `code`; -1 when none. */
static int find(const ilm_errors *err, ilm_error_code code)
{
    for (int i = 0; i < err->count; i++)
        if (err->info[i].code == code)
            return i;
    return -1;
}

static void test_plan_codes(void **state)
{
    (void)state;
    ilm_errors err = {0};
    ilm_plan *p = NULL;
    int rc = ilm_plan_from_json(PLAN, strlen(PLAN), &p, &err);
    if (!rc)
        rc = ilm_plan_validate(p, &err);
    assert_int_equal(rc, ILM_EINVAL);
    int i = find(&err, ILM_ERR_BEFORE_START);
    assert_true(i >= 0);
    assert_string_equal(err.info[i].field, "measures[0].full");
    assert_true(err.info[i].param[0].num == 2027 && err.info[i].param[1].num == 2032);
    i = find(&err, ILM_ERR_NOT_AFTER_INVENTORY);
    assert_true(i >= 0);
    assert_string_equal(err.info[i].field, "target.target_year");
    assert_true(err.info[i].param[0].num == 2005 && err.info[i].param[1].num == 2024);
    i = find(&err, ILM_ERR_NOT_SHARE);
    assert_true(i >= 0);
    assert_string_equal(err.info[i].field, "target.reduction");
    assert_true(err.info[i].param[0].num == 1.4);
    ilm_plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structured_message),
        cmocka_unit_test(test_full_list),
        cmocka_unit_test(test_text_check),
        cmocka_unit_test(test_plan_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
