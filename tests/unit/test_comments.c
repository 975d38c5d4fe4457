/* Unit tests of comments on plans (src/store/store_comment.c): the author
 * is the handle's actor, the order is oldest first, bad input changes
 * nothing, a comment is audited, and deleting the plan deletes its
 * comments.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ilmava/app.h"
#include "ilmava/store.h"

static ilm_store *demo_store(void)
{
    char path[] = "/tmp/ilmava-comments-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    ilm_store *s = NULL;
    ilm_errors err = {0};
    assert_int_equal(ilm_store_open_or_create(path, &s, &err), 0);
    unlink(path); /* the open handle keeps it; WAL files go with the test */
    ilm_demo_stats st;
    assert_int_equal(ilm_app_demo(s, &st, &err), 0);
    return s;
}

static void test_add_and_list(void **state)
{
    (void)state;
    ilm_store *s = demo_store();
    ilm_errors err = {0};
    int64_t a = 0, b = 0;
    assert_int_equal(ilm_store_set_actor(s, "expert@x.fi", &err), 0);
    assert_int_equal(ilm_store_comment_add(s, 1, "Mitä maksaa tonni?", &a, &err), 0);
    assert_int_equal(ilm_store_set_actor(s, "anna@x.fi", &err), 0);
    assert_int_equal(ilm_store_comment_add(s, 1, "Selvitetään.", &b, &err), 0);
    assert_true(b > a);

    ilm_comment *v = NULL;
    size_t n = 0;
    assert_int_equal(ilm_store_comments(s, 1, &v, &n, &err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].author, "expert@x.fi");
    assert_string_equal(v[0].body, "Mitä maksaa tonni?");
    assert_string_equal(v[1].author, "anna@x.fi");
    assert_int_equal(strlen(v[1].created_at), 20);
    ilm_comments_free(v, n);

    /* Another plan has none. */
    assert_int_equal(ilm_store_comments(s, 2, &v, &n, &err), 0);
    assert_int_equal(n, 0);
    ilm_comments_free(v, n);

    /* Audited, with the text as the new record. */
    ilm_audit_filter f = {.plan_id = 1, .limit = 1};
    ilm_audit_entry *e = NULL;
    assert_int_equal(ilm_store_audit(s, &f, &e, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(e[0].action, "comment.add");
    assert_string_equal(e[0].actor, "anna@x.fi");
    assert_non_null(strstr(e[0].new_json, "Selvitetään."));
    assert_null(e[0].old_json);
    ilm_audit_entries_free(e, n);
    ilm_store_close(s);
}

static void test_bad_input_changes_nothing(void **state)
{
    (void)state;
    ilm_store *s = demo_store();
    ilm_errors err = {0};
    int64_t id = 0;
    assert_int_equal(ilm_store_comment_add(s, 1, "", &id, &err), ILM_EINVAL);
    assert_non_null(strstr(err.msg[0], "body:"));
    char *big = malloc(ILM_COMMENT_MAX + 2);
    memset(big, 'x', ILM_COMMENT_MAX + 1);
    big[ILM_COMMENT_MAX + 1] = '\0';
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_comment_add(s, 1, big, &id, &err), ILM_EINVAL);
    big[ILM_COMMENT_MAX] = '\0'; /* the cap itself is allowed */
    assert_int_equal(ilm_store_comment_add(s, 1, big, &id, &err), 0);
    free(big);
    err = (ilm_errors){0};
    assert_int_equal(ilm_store_comment_add(s, 999, "no plan", &id, &err), ILM_ENOTFOUND);

    ilm_comment *v = NULL;
    size_t n = 0;
    assert_int_equal(ilm_store_comments(s, 1, &v, &n, &err), 0);
    assert_int_equal(n, 1);
    ilm_comments_free(v, n);

    /* The plan's comments go with it. */
    assert_int_equal(ilm_store_plan_delete(s, 1, &err), 0);
    assert_int_equal(ilm_store_comments(s, 1, &v, &n, &err), 0);
    assert_int_equal(n, 0);
    ilm_comments_free(v, n);
    ilm_store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_and_list),
        cmocka_unit_test(test_bad_input_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
