/* Unit tests of the failed-login limits in the store (store_limits.c):
 * the growing waits and their cap, a clean address that always gets its
 * password checked (and that signing in to one's own account does not make
 * an address clean for another), the address's own wait, a success that clears both
 * counts, waits that run from the failed check, taking an attempt back, forgetting old failures,
 * the counts surviving a reopen and shared by two connections, parallel attempts on their own
 * connections that never pass more tries than allowed, and bad keys. Each test works in its own
 * temporary directory. SPDX-License-Identifier: AGPL-3.0-or-later */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ilmava/store.h"

static const ilm_login_policy policy = {.free_address = 20,
                                        .free_account = 5,
                                        .base_ms = 1000,
                                        .max_ms = 900 * 1000,
                                        .forget_ms = 24 * 3600 * 1000};

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
    snprintf(f->dir, sizeof f->dir, "/tmp/ilmava-limits-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/store.db", f->dir);
    ilm_errors err = {0};
    if (ilm_store_open_or_create(f->path, &f->s, &err)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ilm_store_close(f->s);
    const char *suffixes[] = {"store.db", "store.db-wal", "store.db-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", f->dir, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Reserves an attempt, which must not fail; returns the verdict. */
static ilm_login_verdict reserve(ilm_store *s, const char *address, const char *account,
                                 int64_t now)
{
    ilm_errors err = {0};
    ilm_login_verdict v;
    int rc = ilm_store_login_reserve(s, &policy, address, account, now, &v, &err);
    if (rc)
        fprintf(stderr, "  error: %s\n", err.count ? err.msg[0] : "?");
    assert_int_equal(rc, 0);
    return v;
}

static void test_wait_schedule(void **state)
{
    (void)state;
    for (int f = 0; f < 5; f++)
        assert_int_equal(ilm_login_wait_ms(&policy, 5, f), 0);
    assert_int_equal(ilm_login_wait_ms(&policy, 5, 5), 1000);
    assert_int_equal(ilm_login_wait_ms(&policy, 5, 6), 2000);
    assert_int_equal(ilm_login_wait_ms(&policy, 5, 7), 4000);
    assert_int_equal(ilm_login_wait_ms(&policy, 5, 14), 512000);
    assert_int_equal(ilm_login_wait_ms(&policy, 5, 15), 900000);
    assert_int_equal(ilm_login_wait_ms(&policy, 5, 1000000), 900000);
    assert_int_equal(ilm_login_wait_ms(&policy, 20, 19), 0);
    assert_int_equal(ilm_login_wait_ms(&policy, 20, 20), 1000);
}

static void test_account_waits_grow(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    for (int i = 1; i <= 5; i++) {
        ilm_login_verdict v = reserve(f->s, "192.0.2.1", "anna@x.fi", t);
        assert_true(v.allowed);
        assert_int_equal(v.account_failures, i);
    }
    /* After the free tries: 1 s, then 2 s, then 4 s. */
    int64_t waits[] = {1000, 2000, 4000};
    for (size_t i = 0; i < 3; i++) {
        ilm_login_verdict v = reserve(f->s, "192.0.2.1", "anna@x.fi", t);
        assert_false(v.allowed);
        assert_int_equal(v.wait_ms, waits[i]);
        v = reserve(f->s, "192.0.2.1", "anna@x.fi", t + waits[i] - 1);
        assert_false(v.allowed);
        assert_int_equal(v.wait_ms, 1);
        t += waits[i];
        v = reserve(f->s, "192.0.2.1", "anna@x.fi", t);
        assert_true(v.allowed);
    }
    /* Another account from the same address is not held. */
    assert_true(reserve(f->s, "192.0.2.1", "bert@x.fi", t).allowed);
}

static void test_clean_address_always_checked(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    /* 12 failures, 1000 s apart: each wait has run out by the next. */
    for (int i = 0; i < 12; i++)
        assert_true(reserve(f->s, "192.0.2.66", "anna@x.fi", t + i * 1000000).allowed);
    t += 11 * 1000000;
    assert_false(reserve(f->s, "192.0.2.66", "anna@x.fi", t).allowed);
    /* A clean address gets one try however long the account's wait; after
     * a failure of its own the account's wait holds it too. */
    ilm_login_verdict v = reserve(f->s, "192.0.2.2", "anna@x.fi", t);
    assert_true(v.allowed);
    assert_int_equal(v.address_failures, 1);
    v = reserve(f->s, "192.0.2.2", "anna@x.fi", t);
    assert_false(v.allowed);
    assert_true(v.wait_ms > 60000);
    /* A success clears the address's and the account's counts. */
    ilm_errors err = {0};
    assert_int_equal(ilm_store_login_succeeded(f->s, "192.0.2.2", "anna@x.fi", &err), 0);
    v = reserve(f->s, "192.0.2.2", "anna@x.fi", t);
    assert_true(v.allowed);
    assert_int_equal(v.address_failures, 1);
    assert_int_equal(v.account_failures, 1);
    /* The attacker's address keeps its own count. */
    v = reserve(f->s, "192.0.2.66", "anna@x.fi", t);
    assert_true(v.allowed);
    assert_int_equal(v.address_failures, 13);
}

static void test_own_login_does_not_make_clean(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    ilm_errors err = {0};
    /* An address that failed on other accounts only is clean for anna. */
    assert_true(reserve(f->s, "192.0.2.7", "bert@x.fi", t).allowed);
    for (int i = 0; i < 5; i++)
        assert_true(reserve(f->s, "192.0.2.66", "anna@x.fi", t).allowed);
    ilm_login_verdict v = reserve(f->s, "192.0.2.7", "anna@x.fi", t);
    assert_true(v.allowed);
    assert_int_equal(v.address_failures, 2);
    /* The guessing address signs in to an account of its own: its own
     * count goes, but anna's wait still holds it. */
    assert_false(reserve(f->s, "192.0.2.66", "anna@x.fi", t).allowed);
    assert_int_equal(ilm_store_login_succeeded(f->s, "192.0.2.66", "mine@x.fi", &err), 0);
    v = reserve(f->s, "192.0.2.66", "anna@x.fi", t);
    assert_false(v.allowed);
    assert_int_equal(v.wait_ms, 2000);
    assert_int_equal(v.address_failures, 0);
}

static void test_address_waits(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    char account[32];
    for (int i = 0; i < 20; i++) {
        snprintf(account, sizeof account, "user%d@x.fi", i);
        assert_true(reserve(f->s, "192.0.2.9", account, t).allowed);
    }
    ilm_login_verdict v = reserve(f->s, "192.0.2.9", "fresh@x.fi", t);
    assert_false(v.allowed);
    assert_int_equal(v.wait_ms, 1000);
    /* Another address is not held. */
    assert_true(reserve(f->s, "192.0.2.10", "fresh@x.fi", t).allowed);
}

static void test_waits_run_from_the_failure(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    for (int i = 0; i < 5; i++)
        reserve(f->s, "192.0.2.1", "anna@x.fi", t);
    /* The fifth password check took 700 ms. */
    ilm_errors err = {0};
    assert_int_equal(ilm_store_login_failed(f->s, &policy, "192.0.2.1", "anna@x.fi", t + 700, &err),
                     0);
    ilm_login_verdict v = reserve(f->s, "192.0.2.1", "anna@x.fi", t + 1000);
    assert_false(v.allowed);
    assert_int_equal(v.wait_ms, 700);
    assert_true(reserve(f->s, "192.0.2.1", "anna@x.fi", t + 1700).allowed);
    /* A failure never shortens a wait. */
    assert_int_equal(ilm_store_login_failed(f->s, &policy, "192.0.2.1", "anna@x.fi", t, &err), 0);
    v = reserve(f->s, "192.0.2.1", "anna@x.fi", t + 1700);
    assert_false(v.allowed);
    assert_int_equal(v.wait_ms, 2000);
}

static void test_release_and_forget(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    for (int i = 0; i < 5; i++)
        reserve(f->s, "192.0.2.1", "anna@x.fi", t);
    assert_false(reserve(f->s, "192.0.2.1", "anna@x.fi", t).allowed);
    /* Taking the fifth attempt back lifts its wait. */
    ilm_errors err = {0};
    assert_int_equal(ilm_store_login_release(f->s, &policy, "192.0.2.1", "anna@x.fi", &err), 0);
    ilm_login_verdict v = reserve(f->s, "192.0.2.1", "anna@x.fi", t);
    assert_true(v.allowed);
    assert_int_equal(v.account_failures, 5);
    /* A day without attempts forgets the counts. */
    v = reserve(f->s, "192.0.2.1", "anna@x.fi", t + policy.forget_ms + 1);
    assert_true(v.allowed);
    assert_int_equal(v.account_failures, 1);
    assert_int_equal(v.address_failures, 1);
}

static void test_kept_and_shared(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    for (int i = 0; i < 5; i++)
        reserve(f->s, "192.0.2.1", "anna@x.fi", t);
    ilm_store *other = NULL;
    ilm_errors err = {0};
    assert_int_equal(ilm_store_open(f->path, &other, &err), 0);
    assert_false(reserve(other, "192.0.2.1", "anna@x.fi", t).allowed);
    ilm_store_close(other);
    ilm_store_close(f->s);
    f->s = NULL;
    assert_int_equal(ilm_store_open(f->path, &f->s, &err), 0);
    ilm_login_verdict v = reserve(f->s, "192.0.2.1", "anna@x.fi", t + 999);
    assert_false(v.allowed);
    assert_int_equal(v.wait_ms, 1);
}

/* ---- parallel attempts, each on its own connection ---- */

#define PARALLEL 8

typedef struct racer {
    const char *path;
    pthread_barrier_t *go;
    int64_t now;
    int rc;
    bool allowed;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    ilm_store *s = NULL;
    ilm_errors err = {0};
    r->rc = ilm_store_open(r->path, &s, &err);
    pthread_barrier_wait(r->go);
    if (!r->rc) {
        ilm_login_verdict v;
        r->rc = ilm_store_login_reserve(s, &policy, "192.0.2.1", "anna@x.fi", r->now, &v, &err);
        r->allowed = v.allowed;
    }
    ilm_store_close(s);
    return NULL;
}

static void test_parallel_attempts_keep_the_limit(void **state)
{
    fixture *f = *state;
    int64_t t = 1000000;
    for (int i = 0; i < 2; i++)
        reserve(f->s, "192.0.2.1", "anna@x.fi", t);
    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, PARALLEL);
    racer r[PARALLEL];
    pthread_t th[PARALLEL];
    for (int i = 0; i < PARALLEL; i++) {
        r[i] = (racer){.path = f->path, .go = &go, .now = t};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    int allowed = 0;
    for (int i = 0; i < PARALLEL; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(r[i].rc, 0);
        allowed += r[i].allowed;
    }
    pthread_barrier_destroy(&go);
    /* 2 failures, 5 free tries: 3 more, whatever the timing. */
    assert_int_equal(allowed, 3);
    ilm_login_verdict v = reserve(f->s, "192.0.2.1", "anna@x.fi", t);
    assert_false(v.allowed);
    assert_int_equal(v.account_failures, 5);
}

static void test_bad_keys(void **state)
{
    fixture *f = *state;
    ilm_errors err = {0};
    ilm_login_verdict v;
    char big[400];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(ilm_store_login_reserve(f->s, &policy, "", "anna@x.fi", 1, &v, &err),
                     ILM_EINVAL);
    assert_int_equal(ilm_store_login_reserve(f->s, &policy, "192.0.2.1", big, 1, &v, &err),
                     ILM_EINVAL);
    assert_non_null(strstr(err.msg[1], "login account"));
    assert_int_equal(ilm_store_login_reserve(f->s, &policy, "a b", "anna@x.fi", 1, &v, &err),
                     ILM_EINVAL);
    assert_int_equal(ilm_store_login_succeeded(f->s, NULL, "anna@x.fi", &err), ILM_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_schedule),
        cmocka_unit_test_setup_teardown(test_account_waits_grow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clean_address_always_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_own_login_does_not_make_clean, setup, teardown),
        cmocka_unit_test_setup_teardown(test_address_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_waits_run_from_the_failure, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_and_forget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kept_and_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_parallel_attempts_keep_the_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
