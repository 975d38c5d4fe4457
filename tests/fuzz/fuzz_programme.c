/* libFuzzer harness for the coaching programme's JSON readers
 * (src/app/programme_json.c): every input goes to both
 * ilm_programme_from_json and ilm_application_from_json. What a reader
 * accepts then goes through its check (ilm_programme_check,
 * ilm_application_check against a fixed programme), its writer, and the
 * reader again with itself as the base, as a PUT of some fields does; the
 * input read as a PUT over a fixed base exercises the merge too.
 *
 * A crash, a leak or a sanitizer report fails the run; an input a reader
 * rejects must come back with a message and no record.
 *
 * Built by `make fuzz` (CMake option ILMAVA_FUZZ, clang only).
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ilmava/programme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_programme[] =
    "{\"name\":\"P\",\"year\":2026,\"apply_from\":\"2026-01-15\",\"apply_until\":\"2026-03-31\","
    "\"capacity_min\":2,\"capacity_max\":4,\"own_funding_eur\":2000,"
    "\"phases\":[{\"key\":\"orientation\",\"audience\":\"civil_service\"},"
    "{\"key\":\"peer_learning\",\"audience\":\"both\"}],"
    "\"periods\":[{\"name\":\"I\",\"starts\":\"2026-09-01\",\"ends\":\"2026-10-31\","
    "\"days\":[{\"day\":\"2026-09-15\",\"place\":\"Joensuu\",\"audience\":\"civil_service\","
    "\"phase\":\"orientation\"}]}]}";

static const char base_application[] =
    "{\"climate_work\":\"x\",\"has_council_target\":true,"
    "\"council_target\":{\"body\":\"Kunnanvaltuusto\",\"date\":\"2021-06-14\"},"
    "\"problems\":[\"a\",\"b\"],\"sparring_problem\":\"a\",\"own_funding_accepted\":true,"
    "\"participants\":[{\"name\":\"A\",\"title\":\"kunnanjohtaja\",\"level\":\"civil_service\","
    "\"phases\":[\"orientation\"]}]}";

static ilm_programme *programme;     /* the fixed programme of the checks */
static ilm_application *application; /* the fixed base of the PUT */

static void must_fail_cleanly(int rc, const void *record, const ilm_errors *err)
{
    if (rc != 0 && (record != NULL || err->count == 0))
        abort();
    if (rc == 0 && record == NULL)
        abort();
}

static void setup(void)
{
    if (programme)
        return;
    ilm_errors err;
    ilm_errors_clear(&err);
    if (ilm_programme_from_json(base_programme, strlen(base_programme), NULL, &programme, &err) ||
        ilm_application_from_json(base_application, strlen(base_application), NULL, &application,
                                  &err))
        abort();
}

static void programme_input(const char *json, size_t size, const ilm_programme *base)
{
    ilm_errors err;
    ilm_errors_clear(&err);
    ilm_programme *p = NULL;
    int rc = ilm_programme_from_json(json, size, base, &p, &err);
    must_fail_cleanly(rc, p, &err);
    if (rc)
        return;
    ilm_errors_clear(&err);
    (void)ilm_programme_check(p, &err);
    (void)ilm_programme_contact_days(p);
    char *out = ilm_programme_to_json(p);
    if (out) {
        /* What the writer gives, the reader takes back over the record. */
        ilm_programme *q = NULL;
        ilm_errors_clear(&err);
        rc = ilm_programme_from_json(out, strlen(out), p, &q, &err);
        must_fail_cleanly(rc, q, &err);
        ilm_programme_free(q);
        free(out);
    }
    ilm_programme_free(p);
}

static void application_input(const char *json, size_t size, const ilm_application *base)
{
    ilm_errors err;
    ilm_errors_clear(&err);
    ilm_application *a = NULL;
    int rc = ilm_application_from_json(json, size, base, &a, &err);
    must_fail_cleanly(rc, a, &err);
    if (rc)
        return;
    ilm_errors_clear(&err);
    (void)ilm_application_check(programme, a, &err);
    char *out = ilm_application_to_json(a, NULL, NULL, NULL);
    if (out) {
        ilm_application *b = NULL;
        ilm_errors_clear(&err);
        rc = ilm_application_from_json(out, strlen(out), a, &b, &err);
        must_fail_cleanly(rc, b, &err);
        ilm_application_free(b);
        free(out);
    }
    ilm_application_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    const char *json = (const char *)data;
    programme_input(json, size, NULL);
    programme_input(json, size, programme);
    application_input(json, size, NULL);
    application_input(json, size, application);
    return 0;
}
