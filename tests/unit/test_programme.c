/* Unit tests of the coaching programme: the shape check of a programme,
 * the application check, eligibility on the demo store (the industrial
 * town without a council target, then with one), the cohort proposal
 * under the diversity limits on a small hand-made case, the store's
 * duplicate and deadline rules, and the XLSX zip.
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
#include "ilmava/programme.h"

static ilm_store *demo_store(void)
{
    char path[] = "/tmp/ilmava-programme-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    ilm_store *s = NULL;
    ilm_errors err = {0};
    assert_int_equal(ilm_store_open_or_create(path, &s, &err), 0);
    unlink(path);
    ilm_demo_stats st;
    assert_int_equal(ilm_app_demo(s, &st, &err), 0);
    return s;
}

/* A programme of the model case: four phases, two periods, three days. */
static ilm_programme *model_programme(void)
{
    static const char doc[] =
        "{\"name\":\"ILMAVA 2026\",\"year\":2026,\"apply_from\":\"2026-01-01\","
        "\"apply_until\":\"2026-03-31\",\"capacity_min\":10,\"capacity_max\":15,"
        "\"own_funding_eur\":2000,"
        "\"phases\":[{\"key\":\"orientation\",\"audience\":\"civil_service\"},"
        "{\"key\":\"municipal_work\",\"audience\":\"civil_service\"},"
        "{\"key\":\"peer_learning\",\"audience\":\"both\"},"
        "{\"key\":\"expert_sparring\",\"audience\":\"political\"}],"
        "\"periods\":[{\"name\":\"I\",\"starts\":\"2026-09-01\",\"ends\":\"2026-10-31\","
        "\"days\":[{\"day\":\"2026-09-15\",\"place\":\"Joensuu\",\"audience\":\"civil_service\","
        "\"phase\":\"orientation\"},{\"day\":\"2026-10-20\",\"place\":\"online\",\"online\":true,"
        "\"audience\":\"civil_service\"}]},"
        "{\"name\":\"II\",\"starts\":\"2027-01-10\",\"ends\":\"2027-02-28\","
        "\"days\":[{\"day\":\"2027-02-01\",\"place\":\"Helsinki\",\"audience\":\"both\","
        "\"phase\":\"peer_learning\"}]}]}";
    ilm_programme *p = NULL;
    ilm_errors err = {0};
    assert_int_equal(ilm_programme_from_json(doc, strlen(doc), NULL, &p, &err), 0);
    return p;
}

static bool has_message(const ilm_errors *err, const char *text)
{
    for (int i = 0; i < err->count; i++)
        if (strstr(err->msg[i], text))
            return true;
    return false;
}

static void test_shape(void **state)
{
    (void)state;
    ilm_programme *p = model_programme();
    ilm_errors err = {0};
    assert_int_equal(ilm_programme_check(p, &err), 0);
    assert_int_equal(ilm_programme_contact_days(p), 3);

    /* A day outside its period, capacity the wrong way round, and a
     * political day in a civil-service phase: every one named. */
    snprintf(p->periods[0].days[1].day, ILM_DATE_LEN, "2026-11-02");
    p->capacity_min = 16;
    p->periods[1].days[0].audience = ILM_AUDIENCE_POLITICAL; /* peer_learning: both, fine */
    p->periods[0].days[0].audience = ILM_AUDIENCE_POLITICAL; /* orientation: civil service */
    err = (ilm_errors){0};
    assert_int_equal(ilm_programme_check(p, &err), ILM_EINVAL);
    assert_int_equal(err.count, 3);
    assert_true(has_message(&err, "periods[0].days[1].day: 2026-11-02 is outside its period "
                                  "2026-09-01..2026-10-31"));
    assert_true(has_message(&err, "capacity_min: 16 is more than capacity_max 15"));
    assert_true(has_message(&err, "periods[0].days[0].audience: political does not fit phase "
                                  "orientation"));
    ilm_programme_free(p);

    /* Overlapping periods and a period that ends before it starts. */
    p = model_programme();
    snprintf(p->periods[1].starts, ILM_DATE_LEN, "2026-10-01");
    snprintf(p->periods[0].ends, ILM_DATE_LEN, "2026-08-01");
    err = (ilm_errors){0};
    assert_int_equal(ilm_programme_check(p, &err), ILM_EINVAL);
    assert_true(has_message(&err, "periods[0].ends: 2026-08-01 is before its start"));
    ilm_programme_free(p);

    /* The reader names a missing audience by its path. */
    static const char bad[] = "{\"name\":\"x\",\"year\":2026,\"apply_from\":\"2026-01-01\","
                              "\"apply_until\":\"2026-02-01\",\"capacity_min\":1,"
                              "\"capacity_max\":2,\"periods\":[{\"name\":\"I\",\"starts\":"
                              "\"2026-03-01\",\"ends\":\"2026-03-31\",\"days\":[{\"day\":"
                              "\"2026-03-02\",\"place\":\"x\"}]}]}";
    err = (ilm_errors){0};
    assert_int_equal(ilm_programme_from_json(bad, strlen(bad), NULL, &p, &err), ILM_EINVAL);
    assert_null(p);
    assert_true(has_message(&err, "periods[0].days[0].audience: required"));
}

static ilm_application *application(const char *extra_participant)
{
    char doc[1024];
    snprintf(doc, sizeof doc,
             "{\"status\":\"submitted\",\"own_funding_accepted\":true,"
             "\"sparring_problem\":\"teollisuuden kanssa sopiminen\","
             "\"participants\":[{\"name\":\"Anna\",\"title\":\"kaupunginjohtaja\","
             "\"level\":\"civil_service\",\"phases\":[\"orientation\",\"peer_learning\"]}%s]}",
             extra_participant);
    ilm_application *a = NULL;
    ilm_errors err = {0};
    assert_int_equal(ilm_application_from_json(doc, strlen(doc), NULL, &a, &err), 0);
    return a;
}

static void test_application_check(void **state)
{
    (void)state;
    ilm_programme *p = model_programme();
    ilm_application *a = application(",{\"name\":\"Ville\",\"title\":\"valtuuston pj\"}");
    ilm_errors err = {0};
    assert_int_equal(ilm_application_check(p, a, &err), ILM_EINVAL);
    assert_int_equal(err.count, 1);
    assert_string_equal(err.msg[0], "participants[1].level: required: civil_service or political");
    ilm_application_free(a);
    a = application(",{\"name\":\"Ville\",\"title\":\"valtuuston pj\",\"level\":\"political\"}");
    err = (ilm_errors){0};
    assert_int_equal(ilm_application_check(p, a, &err), 0);
    ilm_application_free(a);
    ilm_programme_free(p);
}

static void test_eligibility(void **state)
{
    (void)state;
    ilm_store *s = demo_store();
    ilm_programme *p = model_programme();
    ilm_errors err = {0};
    int64_t pid = 0, aid = 0;
    assert_int_equal(ilm_app_programme_save(s, p, &pid, &err), 0);
    p->id = pid;
    /* Political participant in orientation (civil service only). */
    ilm_application *a = application(",{\"name\":\"Ville\",\"title\":\"valtuuston pj\","
                                     "\"level\":\"political\",\"phases\":[\"orientation\"]}");
    a->programme_id = pid;
    memcpy(a->code, "901", 4);
    assert_int_equal(ilm_app_application_save(s, a, false, "2026-02-01", &aid, &err), 0);
    a->id = aid;

    ilm_eligibility e;
    assert_int_equal(ilm_app_eligibility(s, p, a, NULL, &e, &err), 0);
    /* 901, the industrial town, has no council target in the store. */
    assert_false(e.items[ILM_CRITERION_COUNCIL_TARGET].met);
    assert_non_null(strstr(e.items[ILM_CRITERION_COUNCIL_TARGET].evidence,
                           "does not meet: no council-set climate target"));
    assert_true(e.items[ILM_CRITERION_OWN_FUNDING].met);
    assert_false(e.items[ILM_CRITERION_PARTICIPANTS].met);
    assert_non_null(strstr(e.items[ILM_CRITERION_PARTICIPANTS].evidence,
                           "participants[1] (Ville, political) attends orientation, which is "
                           "for the top civil-service leadership"));
    assert_int_equal(e.plan_id, 1);
    size_t measures = e.classes[0] + e.classes[1] + e.classes[2];
    assert_true(measures > 0);
    assert_int_equal(e.items[ILM_CRITERION_EASY_AND_HARD].met,
                     e.classes[0] > 0 && e.classes[2] > 0);
    assert_false(e.eligible);
    assert_false(e.overridden);
    ilm_eligibility_clear(&e);

    /* The council sets the target: the criterion is met, with its reference. */
    ilm_plan_decision d = {.plan_id = 1,
                           .kind = "council_target",
                           .ref = {.body = "Kaupunginvaltuusto",
                                   .date = "2026-06-10",
                                   .section = "§ 45",
                                   .dnro = "123/11.00/2026"}};
    assert_int_equal(ilm_store_plan_decision_set(s, &d, &err), 0);
    assert_int_equal(ilm_app_eligibility(s, p, a, NULL, &e, &err), 0);
    assert_true(e.items[ILM_CRITERION_COUNCIL_TARGET].met);
    assert_non_null(strstr(e.items[ILM_CRITERION_COUNCIL_TARGET].evidence,
                           "Kaupunginvaltuusto 2026-06-10 § 45, Dnro 123/11.00/2026"));
    ilm_eligibility_clear(&e);

    /* A second application from 901 is a conflict naming the field. */
    int64_t other;
    a->id = 0;
    err = (ilm_errors){0};
    assert_int_equal(ilm_app_application_save(s, a, false, "2026-02-01", &other, &err),
                     ILM_ECONFLICT);
    assert_non_null(strstr(err.msg[0], "municipality: 901 has already applied"));
    /* After the deadline only the organiser changes it. */
    a->id = aid;
    a->version = 0;
    err = (ilm_errors){0};
    assert_int_equal(ilm_app_application_save(s, a, false, "2026-04-01", &other, &err), ILM_EINVAL);
    assert_non_null(strstr(err.msg[0], "apply_until: applications to \"ILMAVA 2026\" closed on "
                                       "2026-03-31"));
    assert_int_equal(ilm_app_application_save(s, a, true, "2026-04-01", &other, &err), 0);

    /* Accepting records the start gap and audits the change. */
    assert_int_equal(ilm_app_application_decide(s, aid, ILM_DECISION_ACCEPTED, "ok", &err), 0);
    ilm_application *b = NULL;
    assert_int_equal(ilm_store_application_load(s, aid, &b, &err), 0);
    assert_int_equal(b->decision, ILM_DECISION_ACCEPTED);
    assert_true(b->has_start_gap);
    assert_int_equal(b->start_plan_id, 1);
    ilm_audit_filter f = {.code = "901", .limit = 1};
    ilm_audit_entry *au = NULL;
    size_t n = 0;
    assert_int_equal(ilm_store_audit(s, &f, &au, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(au[0].action, "application.update");
    assert_non_null(strstr(au[0].new_json, "\"decision\":\"accepted\""));
    assert_non_null(strstr(au[0].old_json, "\"decision\":\"pending\""));
    ilm_audit_entries_free(au, n);

    /* Its notification is in Finnish, with the own funding. */
    ilm_applicant_facts facts;
    assert_int_equal(ilm_app_applicant_facts(s, "901", &facts, &err), 0);
    assert_true(facts.industrial);
    assert_string_equal(facts.language, "fi");
    ilm_notification nt;
    assert_int_equal(ilm_programme_notification(p, b, &facts, NULL, &nt, &err), 0);
    assert_string_equal(nt.subject, "ILMAVA 2026: Rautaniemi (demo) on valittu ohjelmaan");
    assert_non_null(strstr(nt.body, "Omarahoitusosuus on 2 000 euroa"));
    /* A municipal letter: addressed to the registry, the matter, the
     * organiser who handled it; no "Hyvä <place>", no "ILMAVA 2026 (2026)". */
    assert_non_null(strstr(nt.body, "Vastaanottaja: Rautaniemi (demo), kirjaamo\n\n"
                                    "Asia: Hakemus ilmastojohtamisen valmennusohjelmaan "
                                    "ILMAVA 2026\n\nValmennusohjelman ILMAVA 2026 järjestäjä on "
                                    "käsitellyt hakemuksenne."));
    assert_null(strstr(nt.body, "Hyvä"));
    assert_null(strstr(nt.body, "(2026)"));
    assert_int_equal(ilm_programme_notification(p, b, &facts, "sv", &nt, &err), 0);
    assert_string_equal(nt.subject, "ILMAVA 2026: Järnudden (demo) har valts till programmet");
    ilm_application_free(b);
    ilm_application_free(a);
    ilm_programme_free(p);
    ilm_store_close(s);
}

/* Eight candidates, hand-made: four of region A (the best four), two of
 * B, two of C; sizes as given. Capacity 2..5, no region over 0.4 and no
 * size class over 0.6 of the cohort. For k = 5 the caps are 2 per region
 * and 3 per size class. */
static void test_proposal(void **state)
{
    (void)state;
    ilm_candidate c[] = {
        {.id = 1, .score = 90, .region = "A", .size = "small", .eligible = true},
        {.id = 2, .score = 85, .region = "A", .size = "small", .eligible = true},
        {.id = 3, .score = 80, .region = "A", .size = "small", .eligible = true},
        {.id = 4, .score = 75, .region = "A", .size = "large", .eligible = true},
        {.id = 5, .score = 70, .region = "B", .size = "small", .eligible = true},
        {.id = 6, .score = 60, .region = "B", .size = "large", .eligible = true},
        {.id = 7, .score = 50, .region = "C", .size = "large", .eligible = true},
        {.id = 8, .score = 99, .region = "C", .size = "small", .eligible = false},
    };
    ilm_proposal p;
    ilm_errors err = {0};
    assert_int_equal(ilm_cohort_propose(c, 8, 2, 5, 0.4, 0.6, &p, &err), 0);
    assert_true(p.feasible);
    assert_true(p.exact);
    assert_int_equal(p.size, 5);
    /* The best under the caps: 1, 2 (A, both small), 5 (B, small: the
     * third small), 6 (B), 7 (C). 90 + 85 + 70 + 60 + 50 = 355: region A's
     * 80 and 75 stay out. */
    bool want[8] = {true, true, false, false, true, true, true, false};
    for (int i = 0; i < 8; i++)
        assert_int_equal(p.chosen[i], want[i]);
    assert_true(p.total > 354.99 && p.total < 355.01);
    ilm_proposal_clear(&p);

    /* Same input, same answer (deterministic); ties by id. */
    ilm_candidate tie[] = {
        {.id = 3, .score = 10, .region = "A", .size = "s", .eligible = true},
        {.id = 1, .score = 10, .region = "A", .size = "s", .eligible = true},
        {.id = 2, .score = 10, .region = "B", .size = "m", .eligible = true},
    };
    assert_int_equal(ilm_cohort_propose(tie, 3, 1, 2, 0.5, 0.5, &p, &err), 0);
    assert_int_equal(p.size, 2);
    assert_false(p.chosen[0]); /* id 3 loses the tie to id 1 */
    assert_true(p.chosen[1]);
    assert_true(p.chosen[2]);
    ilm_proposal_clear(&p);

    /* Nothing fits the minimum: the best smaller cohort, not feasible. */
    ilm_candidate one_region[] = {
        {.id = 1, .score = 5, .region = "A", .size = "s", .eligible = true},
        {.id = 2, .score = 4, .region = "A", .size = "m", .eligible = true},
    };
    assert_int_equal(ilm_cohort_propose(one_region, 2, 2, 2, 0.5, 1, &p, &err), 0);
    assert_false(p.feasible);
    assert_int_equal(p.size, 1);
    assert_true(p.chosen[0]);
    /* ... and says why: enough candidates, the region limit binds. */
    assert_int_equal(p.candidates, 2);
    assert_true(p.region_binds);
    assert_false(p.size_binds);
    ilm_proposal_clear(&p);

    /* The size limit alone binds; then both only together. */
    ilm_candidate one_size[] = {
        {.id = 1, .score = 5, .region = "A", .size = "s", .eligible = true},
        {.id = 2, .score = 4, .region = "B", .size = "s", .eligible = true},
    };
    assert_int_equal(ilm_cohort_propose(one_size, 2, 2, 2, 0.5, 0.5, &p, &err), 0);
    assert_false(p.feasible);
    assert_false(p.region_binds);
    assert_true(p.size_binds);
    ilm_proposal_clear(&p);
    ilm_candidate same[] = {
        {.id = 1, .score = 5, .region = "A", .size = "s", .eligible = true},
        {.id = 2, .score = 4, .region = "A", .size = "s", .eligible = true},
        {.id = 3, .score = 3, .region = "B", .size = "m", .eligible = true},
    };
    /* k = 3 at 0.5: at most one per region and size; lifting either alone
     * still leaves the other's cap of one. */
    assert_int_equal(ilm_cohort_propose(same, 3, 3, 3, 0.5, 0.5, &p, &err), 0);
    assert_false(p.feasible);
    assert_true(p.region_binds);
    assert_true(p.size_binds);
    ilm_proposal_clear(&p);

    /* Too few candidates: no limit is blamed. */
    assert_int_equal(ilm_cohort_propose(one_region, 2, 3, 3, 0.5, 1, &p, &err), 0);
    assert_false(p.feasible);
    assert_int_equal(p.candidates, 2);
    assert_false(p.region_binds);
    assert_false(p.size_binds);
    ilm_proposal_clear(&p);
    /* A feasible proposal blames nothing. */
    assert_int_equal(ilm_cohort_propose(tie, 3, 1, 2, 0.5, 0.5, &p, &err), 0);
    assert_true(p.feasible);
    assert_false(p.region_binds || p.size_binds);
    ilm_proposal_clear(&p);

    err = (ilm_errors){0};
    assert_int_equal(ilm_cohort_propose(c, 8, 6, 5, 0.4, 0.6, &p, &err), ILM_EINVAL);
}

static void test_report_zip(void **state)
{
    (void)state;
    ilm_dashboard d = {0};
    d.programme = model_programme();
    d.n = 0;
    char *body = NULL;
    size_t len = 0;
    ilm_errors err = {0};
    assert_int_equal(ilm_programme_report_xlsx(&d, NULL, &body, &len, &err), 0);
    /* A zip: local header first, end-of-directory record last. */
    assert_true(len > 100);
    assert_memory_equal(body, "PK\x03\x04", 4);
    assert_memory_equal(body + len - 22, "PK\x05\x06", 4);
    bool sheet = false;
    for (size_t i = 0; i + 24 <= len && !sheet; i++)
        sheet = memcmp(body + i, "xl/worksheets/sheet1.xml", 24) == 0;
    assert_true(sheet);
    free(body);
    assert_int_equal(ilm_programme_report_html(&d, NULL, &body, &len, &err), 0);
    assert_non_null(strstr(body, "ILMAVA 2026 (2026)"));
    free(body);
    ilm_programme_free(d.programme);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shape),       cmocka_unit_test(test_application_check),
        cmocka_unit_test(test_eligibility), cmocka_unit_test(test_proposal),
        cmocka_unit_test(test_report_zip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
