/* Unit tests of the accounts in src/app/accounts.c: argon2id hashing and
 * verifying, the password length rules, random passwords, and the app's
 * user add and password change on a real store (the hash is what is
 * stored, a new password ends the sessions, a refused one changes
 * nothing).
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

static void print_errors(const ilm_errors *err)
{
    for (int i = 0; i < err->count; i++)
        fprintf(stderr, "  error: %s\n", err->msg[i]);
}

static void expect_message(const ilm_errors *err, const char *text)
{
    for (int i = 0; i < err->count; i++)
        if (strstr(err->msg[i], text))
            return;
    fprintf(stderr, "  expected a message with \"%s\", got:\n", text);
    print_errors(err);
    fail();
}

/* ---- passwords ---- */

static void test_hash_and_verify(void **state)
{
    (void)state;
    char a[ILM_PASSWORD_HASH_MAX], b[ILM_PASSWORD_HASH_MAX];
    ilm_errors err = {0};
    assert_int_equal(ilm_password_hash("correct horse battery", a, &err), 0);
    assert_int_equal(err.count, 0);
    assert_true(strncmp(a, "$argon2id$", 10) == 0);
    assert_true(strlen(a) < ILM_PASSWORD_HASH_MAX);
    assert_true(ilm_password_verify(a, "correct horse battery"));
    assert_false(ilm_password_verify(a, "correct horse batterY"));
    assert_false(ilm_password_verify(a, ""));
    assert_false(ilm_password_verify(NULL, "correct horse battery"));
    assert_false(ilm_password_verify("not a hash", "correct horse battery"));
    /* A salt each time: the same password never gives the same string. */
    assert_int_equal(ilm_password_hash("correct horse battery", b, &err), 0);
    assert_string_not_equal(a, b);
    assert_true(ilm_password_verify(b, "correct horse battery"));
}

static void test_password_length_rules(void **state)
{
    (void)state;
    char h[ILM_PASSWORD_HASH_MAX];
    ilm_errors err = {0};
    assert_int_equal(ilm_password_hash("123456789", h, &err), ILM_EINVAL);
    assert_string_equal(h, "");
    expect_message(&err, "password: 9 bytes; it must be 10 to 1024");
    err = (ilm_errors){0};
    assert_int_equal(ilm_password_hash(NULL, h, &err), ILM_EINVAL);
    expect_message(&err, "password: 0 bytes");
    /* The bounds themselves are allowed. */
    assert_int_equal(ilm_password_hash("1234567890", h, &err), 0);
    assert_true(ilm_password_verify(h, "1234567890"));
    char *long_one = malloc(ILM_PASSWORD_MAX + 2);
    assert_non_null(long_one);
    memset(long_one, 'x', ILM_PASSWORD_MAX + 1);
    long_one[ILM_PASSWORD_MAX + 1] = '\0';
    err = (ilm_errors){0};
    assert_int_equal(ilm_password_hash(long_one, h, &err), ILM_EINVAL);
    expect_message(&err, "password: 1025 bytes");
    long_one[ILM_PASSWORD_MAX] = '\0';
    assert_int_equal(ilm_password_hash(long_one, h, &err), 0);
    assert_true(ilm_password_verify(h, long_one));
    free(long_one);
}

static void test_random_password(void **state)
{
    (void)state;
    char a[21], b[21];
    memset(a, '#', sizeof a);
    ilm_password_random(a);
    ilm_password_random(b);
    assert_int_equal(strlen(a), 20);
    assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                     20);
    assert_string_not_equal(a, b);
    /* Long enough for the rules. */
    char h[ILM_PASSWORD_HASH_MAX];
    assert_int_equal(ilm_password_hash(a, h, NULL), 0);
}

/* ---- users through the app ---- */

typedef struct fixture {
    char dir[64];
    char path[96];
    ilm_store *s;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/ilmava-accounts-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/store.db", f->dir);
    ilm_errors err = {0};
    if (ilm_store_open_or_create(f->path, &f->s, &err)) {
        print_errors(&err);
        free(f);
        return -1;
    }
    /* One municipality in the register. */
    ilm_store_import *im = NULL;
    ilm_municipality m = {.code = "701", .name_fi = (char *)"Testilä"};
    ilm_import_stats st;
    if (ilm_store_import_begin(f->s, "municipalities", "r.csv", &im, &err) ||
        ilm_store_import_municipality(im, &m, true, &err) ||
        ilm_store_import_commit(im, &st, &err)) {
        print_errors(&err);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ilm_store_close(f->s);
    const char *names[] = {"store.db", "store.db-wal", "store.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", f->dir, names[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void test_app_user_add_and_passwd(void **state)
{
    fixture *f = *state;
    ilm_errors err = {0};
    const char *codes[] = {"701"};
    int64_t id = 0;
    int rc =
        ilm_app_user_add(f->s, "Anna@X.fi", ILM_ROLE_EDITOR, codes, 1, "first password", &id, &err);
    if (rc)
        print_errors(&err);
    assert_int_equal(rc, 0);
    assert_true(id > 0);

    ilm_user u;
    char *hash = NULL;
    assert_int_equal(ilm_store_user_find(f->s, "anna@x.fi", &u, &hash, &err), 0);
    assert_string_equal(u.email, "anna@x.fi");
    assert_non_null(hash);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(ilm_password_verify(hash, "first password"));
    ilm_user_clear(&u);
    free(hash);

    /* A short password is refused before anything is stored. */
    err = (ilm_errors){0};
    assert_int_equal(
        ilm_app_user_add(f->s, "bert@x.fi", ILM_ROLE_EDITOR, codes, 1, "short", &id, &err),
        ILM_EINVAL);
    expect_message(&err, "password");
    assert_int_equal(ilm_store_user_find(f->s, "bert@x.fi", &u, NULL, &err), ILM_ENOTFOUND);

    /* A new password replaces the hash and ends the sessions. */
    assert_int_equal(ilm_store_session_create(f->s, "aa11", 1, "csrf", 1000, &err), 0);
    err = (ilm_errors){0};
    assert_int_equal(ilm_app_user_passwd(f->s, "ANNA@x.fi", "second password", &err), 0);
    assert_int_equal(ilm_store_user_find(f->s, "anna@x.fi", &u, &hash, &err), 0);
    assert_true(ilm_password_verify(hash, "second password"));
    assert_false(ilm_password_verify(hash, "first password"));
    ilm_user_clear(&u);
    ilm_session se;
    assert_int_equal(ilm_store_session_get(f->s, "aa11", 1001, 3600, 86400, &se, &err),
                     ILM_ENOTFOUND);

    /* A refused new password leaves the old one. */
    err = (ilm_errors){0};
    assert_int_equal(ilm_app_user_passwd(f->s, "anna@x.fi", "too short", &err), ILM_EINVAL);
    char *again = NULL;
    assert_int_equal(ilm_store_user_find(f->s, "anna@x.fi", &u, &again, &err), 0);
    assert_string_equal(again, hash);
    free(again);
    free(hash);
    ilm_user_clear(&u);

    /* No such user. */
    err = (ilm_errors){0};
    assert_int_equal(ilm_app_user_passwd(f->s, "nobody@x.fi", "a good password", &err),
                     ILM_ENOTFOUND);
    expect_message(&err, "no user nobody@x.fi");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_and_verify),
        cmocka_unit_test(test_password_length_rules),
        cmocka_unit_test(test_random_password),
        cmocka_unit_test_setup_teardown(test_app_user_add_and_passwd, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
