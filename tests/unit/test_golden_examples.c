/* Golden tests on the shared spec's examples: one cmocka test per
 * $ILMAVA_SHARED/spec/examples/NAME.plan.json, compared with
 * NAME.result.json under the tolerances of golden.h. Skipped (exit 77) when
 * ILMAVA_SHARED or its examples folder is missing.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "golden.h"

#define PLAN_SUFFIX ".plan.json"

typedef struct example {
    char *name;
    char *plan;
    char *result;
} example;

static void test_example(void **state)
{
    const example *ex = *state;
    golden_check(ex->plan, ex->result, 0);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names NAME of the dir's NAME.plan.json files, sorted; *n set. */
static char **list_plans(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    size_t cap = 8, len = strlen(PLAN_SUFFIX);
    char **names = malloc(cap * sizeof *names);
    *n = 0;
    struct dirent *e;
    while (names && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l <= len || strcmp(e->d_name + l - len, PLAN_SUFFIX) != 0)
            continue;
        if (*n == cap) {
            cap *= 2;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger)
                abort();
            names = bigger;
        }
        names[*n] = strndup(e->d_name, l - len);
        if (!names[*n])
            abort();
        (*n)++;
    }
    closedir(d);
    if (!names)
        abort();
    qsort(names, *n, sizeof *names, by_name);
    return names;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *shared = golden_env_dir("ILMAVA_SHARED");
    if (!shared) {
        printf("SKIPPED: test_golden_examples: $ILMAVA_SHARED/spec/examples not found "
               "(ILMAVA_SHARED is not set)\n");
        return 77;
    }
    char *dir = golden_join(shared, "spec", "/examples");
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("SKIPPED: test_golden_examples: %s not found\n", dir);
        free(dir);
        return 77;
    }
    size_t n = 0;
    char **names = list_plans(dir, &n);
    if (!names || n == 0) {
        /* The folder exists but holds no example: that is a broken checkout,
         * not an absent one. */
        fprintf(stderr, "test_golden_examples: no *%s in %s\n", PLAN_SUFFIX, dir);
        free(names);
        free(dir);
        return 1;
    }

    example *ex = calloc(n, sizeof *ex);
    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    if (!ex || !tests)
        abort();
    for (size_t i = 0; i < n; i++) {
        ex[i].name = names[i];
        ex[i].plan = golden_join(dir, names[i], PLAN_SUFFIX);
        ex[i].result = golden_join(dir, names[i], ".result.json");
        tests[i].name = ex[i].name;
        tests[i].test_func = test_example;
        tests[i].initial_state = &ex[i];
    }
    int failed = _cmocka_run_group_tests("golden_examples", tests, n, NULL, NULL);
    for (size_t i = 0; i < n; i++) {
        free(ex[i].name);
        free(ex[i].plan);
        free(ex[i].result);
    }
    free(ex);
    free(tests);
    free(names);
    free(dir);
    return failed ? 1 : 0; /* never 77, which CTest reads as skipped */
}
