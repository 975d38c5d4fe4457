/* The coaching programme's pure parts: names of its enums, constructors,
 * the shape check of a programme and the checks of an application and a
 * sparring entry, the selection score, the cohort proposal under the
 * diversity limits, and the notification texts (fi, sv, en). No store and
 * no I/O: the app layer (src/app/programme.c) feeds them.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ilmava/programme.h"

/* ---- names ---- */

static int parse_name(const char *s, const char *const *names, int n, int *out)
{
    if (!s)
        return ILM_EINVAL;
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return 0;
        }
    return ILM_EINVAL;
}

static const char *const audience_names[] = {"civil_service", "political", "both"};
static const char *const phase_names[] = {"orientation", "municipal_work", "peer_learning",
                                          "expert_sparring"};
static const char *const level_names[] = {"", "civil_service", "political"};
static const char *const status_names[] = {"draft", "submitted", "withdrawn"};
static const char *const decision_names[] = {"pending", "accepted", "waitlisted", "rejected"};
static const char *const sparring_names[] = {"note", "commitment", "next_step"};
static const char *const score_names[] = {"eligibility",   "council_target", "easy_hard",
                                          "own_funding",   "participants",   "sparring_problem",
                                          "board_decision"};
static const char *const criterion_names[] = {"council_target", "easy_and_hard", "own_funding",
                                              "participants"};
static const char *const size_names[] = {"small", "medium", "large", "unknown"};

const char *ilm_audience_name(ilm_audience a) { return audience_names[a]; }
const char *ilm_phase_name(ilm_phase_key k) { return phase_names[k]; }
const char *ilm_level_name(ilm_level l) { return level_names[l]; }
const char *ilm_application_status_name(ilm_application_status s) { return status_names[s]; }
const char *ilm_decision_name(ilm_decision d) { return decision_names[d]; }
const char *ilm_sparring_kind_name(ilm_sparring_kind k) { return sparring_names[k]; }
const char *ilm_score_criterion_name(ilm_score_criterion c) { return score_names[c]; }
const char *ilm_criterion_name(ilm_criterion c) { return criterion_names[c]; }
const char *ilm_size_class_name(ilm_size_class c) { return size_names[c]; }

#define PARSER(fn, type, names, first)                                                             \
    int fn(const char *s, type *out)                                                               \
    {                                                                                              \
        int v;                                                                                     \
        int n = (int)(sizeof names / sizeof names[0]);                                             \
        if (parse_name(s, names + (first), n - (first), &v))                                       \
            return ILM_EINVAL;                                                                     \
        *out = (type)(v + (first));                                                                \
        return 0;                                                                                  \
    }

PARSER(ilm_audience_parse, ilm_audience, audience_names, 0)
PARSER(ilm_phase_parse, ilm_phase_key, phase_names, 0)
PARSER(ilm_level_parse, ilm_level, level_names, 1)
PARSER(ilm_application_status_parse, ilm_application_status, status_names, 0)
PARSER(ilm_decision_parse, ilm_decision, decision_names, 0)
PARSER(ilm_sparring_kind_parse, ilm_sparring_kind, sparring_names, 0)

void ilm_score_weights_default(double w[ILM_SCORE_COUNT])
{
    static const double d[ILM_SCORE_COUNT] = {3, 2, 2, 1, 1, 1, 1};
    memcpy(w, d, sizeof d);
}

ilm_size_class ilm_size_class_of(double population, bool known)
{
    if (!known || !(population > 0))
        return ILM_SIZE_UNKNOWN;
    return population < 10000   ? ILM_SIZE_SMALL
           : population < 50000 ? ILM_SIZE_MEDIUM
                                : ILM_SIZE_LARGE;
}

/* ---- dates ---- */

bool ilm_date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

void ilm_date_today(char out[ILM_DATE_LEN])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, ILM_DATE_LEN, "%Y-%m-%d", &tm);
}

/* ---- records ---- */

ilm_programme *ilm_programme_new(void)
{
    ilm_programme *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    ilm_score_weights_default(p->weights);
    p->max_region_share = 0.4;
    p->max_size_share = 0.5;
    return p;
}

void ilm_programme_free(ilm_programme *p)
{
    if (!p)
        return;
    free(p->name);
    free(p->description);
    free(p->eligibility_text);
    for (size_t i = 0; i < p->n_periods; i++) {
        ilm_contact_period *c = &p->periods[i];
        for (size_t j = 0; j < c->n_days; j++) {
            free(c->days[j].place);
            free(c->days[j].agenda);
        }
        free(c->days);
        free(c->name);
    }
    free(p->periods);
    free(p);
}

void ilm_programmes_free(ilm_programme **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ilm_programme_free(v[i]);
    free(v);
}

ilm_application *ilm_application_new(void) { return calloc(1, sizeof(ilm_application)); }

void ilm_decision_ref_clear(ilm_decision_ref *d)
{
    free(d->body);
    free(d->section);
    free(d->dnro);
    memset(d, 0, sizeof *d);
}

void ilm_application_free(ilm_application *a)
{
    if (!a)
        return;
    free(a->climate_work);
    ilm_decision_ref_clear(&a->target);
    free(a->easy_hard_how);
    for (size_t i = 0; i < a->n_problems; i++)
        free(a->problems[i]);
    free(a->problems);
    free(a->sparring_problem);
    ilm_decision_ref_clear(&a->board);
    for (size_t i = 0; i < a->n_participants; i++) {
        free(a->participants[i].name);
        free(a->participants[i].title);
    }
    free(a->participants);
    free(a->override_reason);
    free(a->override_condition);
    free(a->decision_reason);
    free(a);
}

void ilm_applications_free(ilm_application **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ilm_application_free(v[i]);
    free(v);
}

/* ---- the shape of a programme ---- */

/* Lengths in characters, as every text cap counts them (ILM_TEXT_*). */
static bool text_ok(const char *s, size_t min, size_t max)
{
    size_t n = s ? ilm_text_chars(s) : 0;
    return n >= min && n <= max;
}

/* Whether a day for `day` fits a phase for `phase`. */
static bool audience_fits(ilm_audience phase, ilm_audience day)
{
    return phase == ILM_AUDIENCE_BOTH || phase == day;
}

size_t ilm_programme_contact_days(const ilm_programme *p)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_periods; i++)
        n += p->periods[i].n_days;
    return n;
}

/* Adds "FIELD: <fmt>" with its code and field. */
static void bad(ilm_errors *err, ilm_error_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bad(ilm_errors *err, ilm_error_code code, const char *field, const char *fmt, ...)
{
    char rest[ILM_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    ilm_errors_addc(err, code, field, "%s: %s", field, rest);
}

/* In the checks below: FIELD names the field (printf-style) into f, BADC
 * adds the message about it; its parameters follow. */
#define FIELD(...) snprintf(f, sizeof f, __VA_ARGS__)
#define BADC(code, ...)                                                                            \
    do {                                                                                           \
        bad(err, code, f, __VA_ARGS__);                                                            \
        rc = ILM_EINVAL;                                                                           \
    } while (0)

int ilm_programme_check(const ilm_programme *p, ilm_errors *err)
{
    int rc = 0;
    char f[ILM_ERROR_FIELD_LEN];
    if (!text_ok(p->name, 1, ILM_NAME_MAX)) {
        FIELD("name");
        BADC(ILM_ERR_TEXT_LENGTH, "required, 1 to %d characters", ILM_NAME_MAX);
        ilm_errors_num(err, "min", 1);
        ilm_errors_num(err, "max", ILM_NAME_MAX);
    }
    if (p->year < 2000 || p->year > 2100) {
        FIELD("year");
        BADC(ILM_ERR_OUT_OF_RANGE, "%d is outside 2000..2100", p->year);
        ilm_errors_num(err, "value", p->year);
        ilm_errors_num(err, "min", 2000);
        ilm_errors_num(err, "max", 2100);
    }
    if (!text_ok(p->description, 0, ILM_TEXT_MAX)) {
        FIELD("description");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_TEXT_MAX);
        ilm_errors_num(err, "max", ILM_TEXT_MAX);
    }
    if (!text_ok(p->eligibility_text, 0, ILM_TEXT_MAX)) {
        FIELD("eligibility_text");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_TEXT_MAX);
        ilm_errors_num(err, "max", ILM_TEXT_MAX);
    }
    if (!ilm_date_valid(p->apply_from)) {
        FIELD("apply_from");
        BADC(ILM_ERR_NOT_A_DATE, "required, a day YYYY-MM-DD");
    }
    if (!ilm_date_valid(p->apply_until)) {
        FIELD("apply_until");
        BADC(ILM_ERR_NOT_A_DATE, "required, a day YYYY-MM-DD");
    } else if (ilm_date_valid(p->apply_from) && strcmp(p->apply_from, p->apply_until) > 0) {
        FIELD("apply_until");
        BADC(ILM_ERR_DATE_BEFORE, "%s is before apply_from %s", p->apply_until, p->apply_from);
        ilm_errors_text(err, "value", p->apply_until);
        ilm_errors_text(err, "other", p->apply_from);
    }
    if (p->capacity_min < 1 || p->capacity_min > 1000) {
        FIELD("capacity_min");
        BADC(ILM_ERR_OUT_OF_RANGE, "%d is outside 1..1000", p->capacity_min);
        ilm_errors_num(err, "value", p->capacity_min);
        ilm_errors_num(err, "min", 1);
        ilm_errors_num(err, "max", 1000);
    }
    if (p->capacity_max < 1 || p->capacity_max > 1000) {
        FIELD("capacity_max");
        BADC(ILM_ERR_OUT_OF_RANGE, "%d is outside 1..1000", p->capacity_max);
        ilm_errors_num(err, "value", p->capacity_max);
        ilm_errors_num(err, "min", 1);
        ilm_errors_num(err, "max", 1000);
    } else if (p->capacity_min > p->capacity_max) {
        FIELD("capacity_min");
        BADC(ILM_ERR_CAPACITY_ORDER, "%d is more than capacity_max %d", p->capacity_min,
             p->capacity_max);
        ilm_errors_num(err, "min", p->capacity_min);
        ilm_errors_num(err, "max", p->capacity_max);
    }
    if (!(p->own_funding_eur >= 0 && p->own_funding_eur <= 1e9)) {
        FIELD("own_funding_eur");
        BADC(ILM_ERR_OUT_OF_RANGE, "must be a number from 0 to 1e9");
        ilm_errors_num(err, "min", 0);
        ilm_errors_num(err, "max", 1e9);
    }
    if (!(p->max_region_share > 0 && p->max_region_share <= 1)) {
        FIELD("max_region_share");
        BADC(ILM_ERR_NOT_SHARE, "must be more than 0 and at most 1");
    }
    if (!(p->max_size_share > 0 && p->max_size_share <= 1)) {
        FIELD("max_size_share");
        BADC(ILM_ERR_NOT_SHARE, "must be more than 0 and at most 1");
    }
    for (int i = 0; i < ILM_SCORE_COUNT; i++)
        if (!(p->weights[i] >= 0 && p->weights[i] <= 1000)) {
            FIELD("score_weights.%s", ilm_score_criterion_name((ilm_score_criterion)i));
            BADC(ILM_ERR_OUT_OF_RANGE, "must be from 0 to 1000");
            ilm_errors_num(err, "min", 0);
            ilm_errors_num(err, "max", 1000);
        }
    bool seen[ILM_PHASE_COUNT] = {false};
    bool audience_has[3] = {false};
    for (size_t i = 0; i < p->n_phases; i++) {
        ilm_phase_key k = p->phases[i].key;
        if (seen[k]) {
            FIELD("phases[%zu].key", i);
            BADC(ILM_ERR_LISTED_TWICE, "%s is listed twice", ilm_phase_name(k));
            ilm_errors_text(err, "value", ilm_phase_name(k));
        }
        seen[k] = true;
        audience_has[p->phases[i].audience] = true;
    }
    if (p->n_periods > ILM_PROGRAMME_MAX_PERIODS) {
        FIELD("periods");
        BADC(ILM_ERR_TOO_MANY, "at most %d contact periods", ILM_PROGRAMME_MAX_PERIODS);
        ilm_errors_num(err, "max", ILM_PROGRAMME_MAX_PERIODS);
    }
    for (size_t i = 0; i < p->n_periods && i < ILM_PROGRAMME_MAX_PERIODS; i++) {
        const ilm_contact_period *c = &p->periods[i];
        bool dates = ilm_date_valid(c->starts) && ilm_date_valid(c->ends);
        if (!text_ok(c->name, 1, ILM_NAME_MAX)) {
            FIELD("periods[%zu].name", i);
            BADC(ILM_ERR_TEXT_LENGTH, "required, 1 to %d characters", ILM_NAME_MAX);
            ilm_errors_num(err, "min", 1);
            ilm_errors_num(err, "max", ILM_NAME_MAX);
        }
        if (!ilm_date_valid(c->starts)) {
            FIELD("periods[%zu].starts", i);
            BADC(ILM_ERR_NOT_A_DATE, "required, a day YYYY-MM-DD");
        }
        if (!ilm_date_valid(c->ends)) {
            FIELD("periods[%zu].ends", i);
            BADC(ILM_ERR_NOT_A_DATE, "required, a day YYYY-MM-DD");
        }
        if (dates && strcmp(c->starts, c->ends) > 0) {
            FIELD("periods[%zu].ends", i);
            BADC(ILM_ERR_DATE_BEFORE, "%s is before its start %s", c->ends, c->starts);
            ilm_errors_text(err, "value", c->ends);
            ilm_errors_text(err, "other", c->starts);
        }
        if (dates && i > 0 && ilm_date_valid(p->periods[i - 1].ends) &&
            strcmp(c->starts, p->periods[i - 1].ends) <= 0) {
            FIELD("periods[%zu].starts", i);
            BADC(ILM_ERR_NOT_AFTER_PREVIOUS, "%s is not after the previous period's end %s",
                 c->starts, p->periods[i - 1].ends);
            ilm_errors_text(err, "value", c->starts);
            ilm_errors_text(err, "previous", p->periods[i - 1].ends);
        }
        if (c->n_days > ILM_PROGRAMME_MAX_DAYS) {
            FIELD("periods[%zu].days", i);
            BADC(ILM_ERR_TOO_MANY, "at most %d contact days", ILM_PROGRAMME_MAX_DAYS);
            ilm_errors_num(err, "max", ILM_PROGRAMME_MAX_DAYS);
        }
        for (size_t j = 0; j < c->n_days && j < ILM_PROGRAMME_MAX_DAYS; j++) {
            const ilm_contact_day *d = &c->days[j];
            if (!ilm_date_valid(d->day)) {
                FIELD("periods[%zu].days[%zu].day", i, j);
                BADC(ILM_ERR_NOT_A_DATE, "required, a day YYYY-MM-DD");
            } else if (dates && (strcmp(d->day, c->starts) < 0 || strcmp(d->day, c->ends) > 0)) {
                FIELD("periods[%zu].days[%zu].day", i, j);
                BADC(ILM_ERR_DAY_OUTSIDE_PERIOD, "%s is outside its period %s..%s", d->day,
                     c->starts, c->ends);
                ilm_errors_text(err, "value", d->day);
                ilm_errors_text(err, "starts", c->starts);
                ilm_errors_text(err, "ends", c->ends);
            }
            if (!text_ok(d->place, 1, ILM_NAME_MAX)) {
                FIELD("periods[%zu].days[%zu].place", i, j);
                BADC(ILM_ERR_TEXT_LENGTH,
                     "required, 1 to %d characters (\"online\" for an online day)", ILM_NAME_MAX);
                ilm_errors_num(err, "min", 1);
                ilm_errors_num(err, "max", ILM_NAME_MAX);
            }
            if (!text_ok(d->agenda, 0, ILM_TEXT_MAX)) {
                FIELD("periods[%zu].days[%zu].agenda", i, j);
                BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_TEXT_MAX);
                ilm_errors_num(err, "max", ILM_TEXT_MAX);
            }
            if (d->has_phase) {
                size_t k = 0;
                while (k < p->n_phases && p->phases[k].key != d->phase)
                    k++;
                if (k == p->n_phases) {
                    FIELD("periods[%zu].days[%zu].phase", i, j);
                    BADC(ILM_ERR_NOT_A_PHASE, "%s is not a phase of this programme",
                         ilm_phase_name(d->phase));
                    ilm_errors_text(err, "value", ilm_phase_name(d->phase));
                } else if (!audience_fits(p->phases[k].audience, d->audience)) {
                    FIELD("periods[%zu].days[%zu].audience", i, j);
                    BADC(ILM_ERR_AUDIENCE_MISFIT, "%s does not fit phase %s, which is for %s",
                         ilm_audience_name(d->audience), ilm_phase_name(d->phase),
                         ilm_audience_name(p->phases[k].audience));
                    ilm_errors_text(err, "value", ilm_audience_name(d->audience));
                    ilm_errors_text(err, "phase", ilm_phase_name(d->phase));
                }
            } else if (p->n_phases > 0) {
                bool fits =
                    audience_has[ILM_AUDIENCE_BOTH] || audience_has[d->audience] ||
                    (d->audience == ILM_AUDIENCE_BOTH && audience_has[ILM_AUDIENCE_CIVIL_SERVICE] &&
                     audience_has[ILM_AUDIENCE_POLITICAL]);
                if (!fits) {
                    FIELD("periods[%zu].days[%zu].audience", i, j);
                    BADC(ILM_ERR_NO_PHASE_FOR_AUDIENCE, "no phase of this programme is for %s",
                         ilm_audience_name(d->audience));
                    ilm_errors_text(err, "value", ilm_audience_name(d->audience));
                }
            }
        }
    }
    return rc;
}

/* ---- an application ---- */

static int check_ref(const ilm_decision_ref *r, const char *field, ilm_errors *err)
{
    if (!r->body)
        return 0;
    int rc = 0;
    char f[ILM_ERROR_FIELD_LEN];
    if (!text_ok(r->body, 1, ILM_NAME_MAX)) {
        FIELD("%s.body", field);
        BADC(ILM_ERR_TEXT_LENGTH, "1 to %d characters", ILM_NAME_MAX);
        ilm_errors_num(err, "min", 1);
        ilm_errors_num(err, "max", ILM_NAME_MAX);
    }
    if (!ilm_date_valid(r->date)) {
        FIELD("%s.date", field);
        BADC(ILM_ERR_NOT_A_DATE, "required, a day YYYY-MM-DD");
    }
    if (!text_ok(r->section, 0, 20)) {
        FIELD("%s.section", field);
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most 20 characters");
        ilm_errors_num(err, "max", 20);
    }
    if (!text_ok(r->dnro, 0, 60)) {
        FIELD("%s.dnro", field);
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most 60 characters");
        ilm_errors_num(err, "max", 60);
    }
    return rc;
}

int ilm_application_check(const ilm_programme *p, const ilm_application *a, ilm_errors *err)
{
    int rc = 0;
    char f[ILM_ERROR_FIELD_LEN];
    if (!text_ok(a->climate_work, 0, ILM_TEXT_MAX)) {
        FIELD("climate_work");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_TEXT_MAX);
        ilm_errors_num(err, "max", ILM_TEXT_MAX);
    }
    if (!text_ok(a->easy_hard_how, 0, ILM_TEXT_MAX)) {
        FIELD("easy_hard_how");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_TEXT_MAX);
        ilm_errors_num(err, "max", ILM_TEXT_MAX);
    }
    if (!text_ok(a->sparring_problem, 0, ILM_SHORT_TEXT_MAX)) {
        FIELD("sparring_problem");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_SHORT_TEXT_MAX);
        ilm_errors_num(err, "max", ILM_SHORT_TEXT_MAX);
    }
    if (a->n_problems > ILM_APPLICATION_MAX_PROBLEMS) {
        FIELD("problems");
        BADC(ILM_ERR_TOO_MANY, "at most %d", ILM_APPLICATION_MAX_PROBLEMS);
        ilm_errors_num(err, "max", ILM_APPLICATION_MAX_PROBLEMS);
    }
    for (size_t i = 0; i < a->n_problems && i < ILM_APPLICATION_MAX_PROBLEMS; i++)
        if (!text_ok(a->problems[i], 1, ILM_SHORT_TEXT_MAX)) {
            FIELD("problems[%zu]", i);
            BADC(ILM_ERR_TEXT_LENGTH, "1 to %d characters", ILM_SHORT_TEXT_MAX);
            ilm_errors_num(err, "min", 1);
            ilm_errors_num(err, "max", ILM_SHORT_TEXT_MAX);
        }
    if (a->language[0] && strcmp(a->language, "fi") && strcmp(a->language, "sv") &&
        strcmp(a->language, "en")) {
        FIELD("language");
        BADC(ILM_ERR_NOT_ONE_OF, "expected fi, sv or en");
        ilm_errors_text(err, "allowed", "fi, sv, en");
    }
    if (check_ref(&a->target, "council_target", err))
        rc = ILM_EINVAL;
    if (check_ref(&a->board, "board_decision", err))
        rc = ILM_EINVAL;
    if (a->n_participants > ILM_APPLICATION_MAX_PARTICIPANTS) {
        FIELD("participants");
        BADC(ILM_ERR_TOO_MANY, "at most %d", ILM_APPLICATION_MAX_PARTICIPANTS);
        ilm_errors_num(err, "max", ILM_APPLICATION_MAX_PARTICIPANTS);
    }
    unsigned programme_phases = 0;
    for (size_t k = 0; k < p->n_phases; k++)
        programme_phases |= 1u << p->phases[k].key;
    for (size_t i = 0; i < a->n_participants && i < ILM_APPLICATION_MAX_PARTICIPANTS; i++) {
        const ilm_participant *x = &a->participants[i];
        if (!text_ok(x->name, 1, ILM_NAME_MAX)) {
            FIELD("participants[%zu].name", i);
            BADC(ILM_ERR_TEXT_LENGTH, "required, 1 to %d characters", ILM_NAME_MAX);
            ilm_errors_num(err, "min", 1);
            ilm_errors_num(err, "max", ILM_NAME_MAX);
        }
        if (!text_ok(x->title, 1, ILM_NAME_MAX)) {
            FIELD("participants[%zu].title", i);
            BADC(ILM_ERR_TEXT_LENGTH, "required, 1 to %d characters", ILM_NAME_MAX);
            ilm_errors_num(err, "min", 1);
            ilm_errors_num(err, "max", ILM_NAME_MAX);
        }
        if (x->level == ILM_LEVEL_NONE) {
            FIELD("participants[%zu].level", i);
            BADC(ILM_ERR_REQUIRED, "required: civil_service or political");
        }
        for (int k = 0; k < ILM_PHASE_COUNT; k++)
            if ((x->phases & (1u << k)) && !(programme_phases & (1u << k))) {
                FIELD("participants[%zu].phases", i);
                BADC(ILM_ERR_NOT_A_PHASE, "%s is not a phase of this programme",
                     ilm_phase_name((ilm_phase_key)k));
                ilm_errors_text(err, "value", ilm_phase_name((ilm_phase_key)k));
            }
    }
    if (a->override_reason && !text_ok(a->override_reason, 1, ILM_SHORT_TEXT_MAX)) {
        FIELD("override_reason");
        BADC(ILM_ERR_TEXT_LENGTH, "1 to %d characters", ILM_SHORT_TEXT_MAX);
        ilm_errors_num(err, "min", 1);
        ilm_errors_num(err, "max", ILM_SHORT_TEXT_MAX);
    }
    if (a->override_condition && !text_ok(a->override_condition, 0, ILM_SHORT_TEXT_MAX)) {
        FIELD("override_condition");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_SHORT_TEXT_MAX);
        ilm_errors_num(err, "max", ILM_SHORT_TEXT_MAX);
    }
    if (a->decision_reason && !text_ok(a->decision_reason, 0, ILM_SHORT_TEXT_MAX)) {
        FIELD("reason");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_SHORT_TEXT_MAX);
        ilm_errors_num(err, "max", ILM_SHORT_TEXT_MAX);
    }
    if (a->invoiced_at[0] && !ilm_date_valid(a->invoiced_at)) {
        FIELD("invoiced_at");
        BADC(ILM_ERR_NOT_A_DATE, "a day YYYY-MM-DD");
    }
    if (a->paid_at[0] && !ilm_date_valid(a->paid_at)) {
        FIELD("paid_at");
        BADC(ILM_ERR_NOT_A_DATE, "a day YYYY-MM-DD");
    }
    return rc;
}

int ilm_sparring_check(const ilm_sparring_entry *e, ilm_errors *err)
{
    int rc = 0;
    char f[ILM_ERROR_FIELD_LEN];
    if (!text_ok(e->body, 1, ILM_TEXT_MAX)) {
        FIELD("body");
        BADC(ILM_ERR_TEXT_LENGTH, "required, 1 to %d characters", ILM_TEXT_MAX);
        ilm_errors_num(err, "min", 1);
        ilm_errors_num(err, "max", ILM_TEXT_MAX);
    }
    if (!text_ok(e->owner, 0, ILM_NAME_MAX)) {
        FIELD("owner");
        BADC(ILM_ERR_TEXT_TOO_LONG, "at most %d characters", ILM_NAME_MAX);
        ilm_errors_num(err, "max", ILM_NAME_MAX);
    }
    if (e->due[0] && !ilm_date_valid(e->due)) {
        FIELD("due");
        BADC(ILM_ERR_NOT_A_DATE, "a day YYYY-MM-DD");
    }
    if (e->kind == ILM_SPARRING_COMMITMENT) {
        if (!e->owner || !*e->owner) {
            FIELD("owner");
            BADC(ILM_ERR_OWNER_REQUIRED, "a commitment needs an owner");
        }
        if (!e->due[0]) {
            FIELD("due");
            BADC(ILM_ERR_REQUIRED, "a commitment needs a due date");
        }
    }
    return rc;
}
#undef BADC
#undef FIELD

/* ---- the score ---- */

double ilm_programme_score(const double w[ILM_SCORE_COUNT], const ilm_application *a,
                           const ilm_eligibility *e, double v[ILM_SCORE_COUNT])
{
    double val[ILM_SCORE_COUNT];
    val[ILM_SCORE_ELIGIBILITY] = (double)e->n_met / ILM_CRITERION_COUNT;
    val[ILM_SCORE_COUNCIL_TARGET] = e->items[ILM_CRITERION_COUNCIL_TARGET].met ? 1 : 0;
    /* The model's classes count fully; the applicant's own word half. */
    val[ILM_SCORE_EASY_HARD] = e->items[ILM_CRITERION_EASY_AND_HARD].met ? 1
                               : a->tells_easy_from_hard                 ? 0.5
                                                                         : 0;
    val[ILM_SCORE_OWN_FUNDING] = a->own_funding_accepted ? 1 : 0;
    val[ILM_SCORE_PARTICIPANTS] = e->items[ILM_CRITERION_PARTICIPANTS].met ? 1 : 0;
    val[ILM_SCORE_SPARRING_PROBLEM] = a->sparring_problem && *a->sparring_problem ? 1 : 0;
    val[ILM_SCORE_BOARD_DECISION] = a->board.body && *a->board.body ? 1 : 0;
    double sum = 0, wsum = 0;
    for (int i = 0; i < ILM_SCORE_COUNT; i++) {
        sum += w[i] * val[i];
        wsum += w[i];
    }
    if (v)
        memcpy(v, val, sizeof val);
    return wsum > 0 ? round(sum / wsum * 100 * 1e6) / 1e6 : 0;
}

/* ---- the cohort proposal ---- */

typedef struct search {
    size_t m;          /* eligible candidates, in rank order */
    const size_t *idx; /* into the caller's candidates */
    const int *region, *size;
    const double *prefix; /* prefix[i]: sum of the first i scores */
    const double *score;
    int rcap, scap;
    size_t k;
    int *rcount, *scount;
    bool *take, *best_take;
    double best;
    uint64_t nodes, node_limit;
    bool stopped;
} search;

static void dfs(search *s, size_t i, size_t chosen, double sum)
{
    if (++s->nodes > s->node_limit) {
        s->stopped = true;
        return;
    }
    if (chosen == s->k) {
        if (sum > s->best) {
            s->best = sum;
            memcpy(s->best_take, s->take, s->m * sizeof *s->take);
        }
        return;
    }
    size_t need = s->k - chosen;
    if (s->m - i < need)
        return;
    /* The best the rest can add: the next `need` scores, which are the
     * largest left because the order is by score. */
    if (sum + (s->prefix[i + need] - s->prefix[i]) <= s->best)
        return;
    if (s->rcount[s->region[i]] < s->rcap && s->scount[s->size[i]] < s->scap) {
        s->rcount[s->region[i]]++;
        s->scount[s->size[i]]++;
        s->take[i] = true;
        dfs(s, i + 1, chosen + 1, sum + s->score[i]);
        s->take[i] = false;
        s->rcount[s->region[i]]--;
        s->scount[s->size[i]]--;
        if (s->stopped)
            return;
    }
    dfs(s, i + 1, chosen, sum);
}

/* Index of key among keys[0..*n), added when new. */
static int key_index(const char **keys, int *n, const char *key)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(keys[i], key) == 0)
            return i;
    keys[*n] = key;
    return (*n)++;
}

static int cap_of(double share, size_t k)
{
    int c = (int)floor(share * (double)k + 1e-9);
    return c < 1 ? 1 : c;
}

void ilm_proposal_clear(ilm_proposal *p)
{
    free(p->chosen);
    memset(p, 0, sizeof *p);
}

static int propose(const ilm_candidate *c, size_t n, int capacity_min, int capacity_max,
                   double max_region_share, double max_size_share, ilm_proposal *out,
                   ilm_errors *err);

int ilm_cohort_propose(const ilm_candidate *c, size_t n, int capacity_min, int capacity_max,
                       double max_region_share, double max_size_share, ilm_proposal *out,
                       ilm_errors *err)
{
    int rc = propose(c, n, capacity_min, capacity_max, max_region_share, max_size_share, out, err);
    if (rc || out->feasible || out->candidates < (size_t)capacity_min)
        return rc;
    /* Enough candidates, but no cohort of capacity_min within the limits:
     * which limit binds? Lift each alone, then both. */
    ilm_proposal q;
    if (max_region_share < 1) {
        if ((rc = propose(c, n, capacity_min, capacity_max, 1, max_size_share, &q, err)))
            goto fail;
        out->region_binds = q.feasible;
        ilm_proposal_clear(&q);
    }
    if (max_size_share < 1) {
        if ((rc = propose(c, n, capacity_min, capacity_max, max_region_share, 1, &q, err)))
            goto fail;
        out->size_binds = q.feasible;
        ilm_proposal_clear(&q);
    }
    if (!out->region_binds && !out->size_binds) {
        out->region_binds = max_region_share < 1;
        out->size_binds = max_size_share < 1;
    }
    return 0;
fail:
    ilm_proposal_clear(out);
    return rc;
}

static int propose(const ilm_candidate *c, size_t n, int capacity_min, int capacity_max,
                   double max_region_share, double max_size_share, ilm_proposal *out,
                   ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    if (capacity_min < 1 || capacity_max < capacity_min) {
        ilm_errors_addc(err, ILM_ERR_CAPACITY_ORDER, "capacity_min",
                        "capacity_min: %d and capacity_max %d are not a range from 1", capacity_min,
                        capacity_max);
        ilm_errors_num(err, "min", capacity_min);
        ilm_errors_num(err, "max", capacity_max);
        return ILM_EINVAL;
    }
    out->n = n;
    out->chosen = calloc(n + 1, sizeof *out->chosen);
    size_t *idx = calloc(n + 1, sizeof *idx);
    int *region = calloc(n + 1, sizeof *region), *size = calloc(n + 1, sizeof *size);
    int *rcount = calloc(n + 1, sizeof *rcount), *scount = calloc(n + 1, sizeof *scount);
    double *prefix = calloc(n + 2, sizeof *prefix), *score = calloc(n + 1, sizeof *score);
    bool *take = calloc(n + 1, sizeof *take), *best_take = calloc(n + 1, sizeof *best_take);
    bool *final_take = calloc(n + 1, sizeof *final_take);
    const char **rkeys = calloc(n + 1, sizeof *rkeys), **skeys = calloc(n + 1, sizeof *skeys);
    int rc = 0;
    if (!out->chosen || !idx || !region || !size || !rcount || !scount || !prefix || !score ||
        !take || !best_take || !final_take || !rkeys || !skeys) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    /* Rank the eligible ones: score, then id. Insertion sort: n is a
     * cohort's applicants. */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].eligible)
            continue;
        size_t j = m++;
        while (j > 0 && (c[idx[j - 1]].score < c[i].score ||
                         (c[idx[j - 1]].score == c[i].score && c[idx[j - 1]].id > c[i].id))) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = i;
    }
    out->candidates = m;
    int nr = 0, ns = 0;
    for (size_t j = 0; j < m; j++) {
        const ilm_candidate *x = &c[idx[j]];
        region[j] = key_index(rkeys, &nr, x->region ? x->region : "");
        size[j] = key_index(skeys, &ns, x->size ? x->size : "");
        score[j] = x->score > 0 ? x->score : 0;
        prefix[j + 1] = prefix[j] + score[j];
    }
    search s = {.m = m,
                .idx = idx,
                .region = region,
                .size = size,
                .prefix = prefix,
                .score = score,
                .rcount = rcount,
                .scount = scount,
                .take = take,
                .best_take = best_take,
                .node_limit = 50000000u};
    bool exact = m <= ILM_PROPOSAL_EXACT_MAX;
    double best_in = -1, best_out = -1;
    size_t k_in = 0, k_out = 0;
    bool *out_take = calloc(m + 1, sizeof *out_take);
    if (!out_take) {
        ilm_errors_add(err, "out of memory");
        rc = ILM_ENOMEM;
        goto done;
    }
    size_t kmax = (size_t)capacity_max < m ? (size_t)capacity_max : m;
    for (size_t k = kmax; k >= 1; k--) {
        s.k = k;
        s.rcap = cap_of(max_region_share, k);
        s.scap = cap_of(max_size_share, k);
        s.best = -1;
        memset(rcount, 0, (n + 1) * sizeof *rcount);
        memset(scount, 0, (n + 1) * sizeof *scount);
        memset(take, 0, (n + 1) * sizeof *take);
        if (exact) {
            s.nodes = 0;
            s.stopped = false;
            dfs(&s, 0, 0, 0);
            if (s.stopped)
                out->exact = false;
        } else {
            /* Greedy in rank order under the caps of k, then the check:
             * it counts only when it reached k. */
            size_t got = 0;
            double sum = 0;
            for (size_t j = 0; j < m && got < k; j++) {
                if (rcount[region[j]] < s.rcap && scount[size[j]] < s.scap) {
                    rcount[region[j]]++;
                    scount[size[j]]++;
                    take[j] = true;
                    got++;
                    sum += score[j];
                }
            }
            if (got == k) {
                s.best = sum;
                memcpy(best_take, take, m * sizeof *take);
            }
        }
        if (s.best < 0)
            continue;
        bool in_range = k >= (size_t)capacity_min;
        double *best = in_range ? &best_in : &best_out;
        size_t *bk = in_range ? &k_in : &k_out;
        /* Strictly better only: k runs downwards, so a tie keeps the
         * larger cohort. */
        if (s.best > *best) {
            *best = s.best;
            *bk = k;
            memcpy(in_range ? final_take : out_take, best_take, m * sizeof *take);
        }
    }
    out->exact = exact && !s.stopped;
    const bool *pick = NULL;
    if (best_in >= 0) {
        out->feasible = true;
        out->size = k_in;
        out->total = best_in;
        pick = final_take;
    } else if (best_out >= 0) {
        out->size = k_out;
        out->total = best_out;
        pick = out_take;
    }
    for (size_t j = 0; pick && j < m; j++)
        if (pick[j])
            out->chosen[idx[j]] = true;
    free(out_take);
done:
    free(idx);
    free(region);
    free(size);
    free(rcount);
    free(scount);
    free(prefix);
    free(score);
    free(take);
    free(best_take);
    free(final_take);
    free(rkeys);
    free(skeys);
    if (rc)
        ilm_proposal_clear(out);
    return rc;
}

/* ---- notification texts ---- */

/* "2 000" */
static void format_eur(char *out, size_t n, double v)
{
    long long x = llround(v);
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", x < 0 ? -x : x);
    size_t len = strlen(digits), o = 0;
    if (x < 0 && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < len && o + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ' ';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

/* The notification is a letter from the programme's organiser to the
 * municipality, in the form a registry (kirjaamo) files: the addressee, the
 * matter, then the decision. No greeting to a place, and the organiser, not
 * the programme, handled the application. */
typedef struct texts {
    const char *subject[3]; /* accepted, waitlisted, rejected: "%1$s" programme, "%2$s" name */
    const char *greeting;   /* the addressee: "%s" name */
    const char *handled;    /* the matter and who handled it: "%s" programme with its year */
    const char *outcome[3]; /* "%s" name */
    const char *funding;    /* "%s" amount */
    const char *reason, *condition, *closing;
} texts;

static const texts fi = {
    {"%s: %s on valittu ohjelmaan", "%s: %s on varasijalla", "%s: %s ei tullut valituksi"},
    "Vastaanottaja: %s, kirjaamo",
    "Asia: Hakemus ilmastojohtamisen valmennusohjelmaan %1$s\n\n"
    "Valmennusohjelman %1$s järjestäjä on käsitellyt hakemuksenne.",
    {"%s on valittu ohjelmaan.",
     "Hakemuksenne on varasijalla. Ilmoitamme, jos ohjelmaan vapautuu paikka.",
     "Valitettavasti %s ei tällä kertaa tullut valituksi ohjelmaan."},
    "Omarahoitusosuus on %s euroa; lähetämme siitä laskun.",
    "Perustelu: ",
    "Ehto: ",
    "Ystävällisin terveisin\nohjelman järjestäjä"};

static const texts sv = {{"%s: %s har valts till programmet", "%s: %s står på reservplats",
                          "%s: %s har inte valts till programmet"},
                         "Mottagare: %s, registratorskontoret",
                         "Ärende: Ansökan till klimatledarskapsprogrammet %1$s\n\n"
                         "Arrangören av programmet %1$s har behandlat er ansökan.",
                         {"%s har valts till programmet.",
                          "Er ansökan står på reservplats. Vi meddelar er om en plats blir ledig.",
                          "Tyvärr har %s inte valts till programmet den här gången."},
                         "Självfinansieringsandelen är %s euro; vi skickar en faktura.",
                         "Motivering: ",
                         "Villkor: ",
                         "Med vänliga hälsningar\nprogrammets arrangör"};

static const texts en = {
    {"%s: %s has been accepted", "%s: %s is on the waiting list", "%s: %s has not been accepted"},
    "To: %s, registry office",
    "Re: Application to the climate-leadership coaching programme %1$s\n\n"
    "The organiser of the programme %1$s has handled your application.",
    {"%s has been accepted to the programme.",
     "Your application is on the waiting list. We will let you know if a place becomes free.",
     "Unfortunately %s has not been accepted to the programme this time."},
    "The own funding is %s EUR; we will send an invoice.",
    "Reason: ",
    "Condition: ",
    "Kind regards\nthe programme's organiser"};

int ilm_programme_notification(const ilm_programme *p, const ilm_application *a,
                               const ilm_applicant_facts *f, const char *language,
                               ilm_notification *out, ilm_errors *err)
{
    memset(out, 0, sizeof *out);
    if (a->decision == ILM_DECISION_PENDING) {
        ilm_errors_addc(err, ILM_ERR_NOT_DECIDED, "decision",
                        "decision: application %lld is not decided yet", (long long)a->id);
        return ILM_EINVAL;
    }
    const char *lang = language && *language ? language
                       : a->language[0]      ? a->language
                       : f && f->language[0] ? f->language
                                             : "fi";
    const texts *t = strcmp(lang, "sv") == 0 ? &sv : strcmp(lang, "en") == 0 ? &en : &fi;
    snprintf(out->language, sizeof out->language, "%s", t == &sv ? "sv" : t == &en ? "en" : "fi");
    const char *name = f && t == &sv && f->name_sv[0] ? f->name_sv
                       : f && f->name[0]              ? f->name
                                                      : a->code;
    int d = (int)a->decision - 1;
    snprintf(out->subject, sizeof out->subject, t->subject[d], p->name, name);
    char eur[40];
    format_eur(eur, sizeof eur, p->own_funding_eur);
    size_t len = 0, cap = sizeof out->body;
#define ADD(...)                                                                                   \
    do {                                                                                           \
        int w_ = snprintf(out->body + len, cap - len, __VA_ARGS__);                                \
        if (w_ > 0)                                                                                \
            len = len + (size_t)w_ < cap ? len + (size_t)w_ : cap - 1;                             \
    } while (0)
    ADD(t->greeting, name);
    ADD("\n\n");
    /* "ILMAVA 2026", or "Valmennus (2026)" when the name lacks its year. */
    char programme[300], year[16];
    snprintf(year, sizeof year, "%d", p->year);
    snprintf(programme, sizeof programme, strstr(p->name, year) ? "%s" : "%s (%s)", p->name, year);
    ADD(t->handled, programme);
    ADD(" ");
    if (d == 1)
        ADD("%s", t->outcome[d]);
    else
        ADD(t->outcome[d], name);
    if (a->decision == ILM_DECISION_ACCEPTED && p->own_funding_eur > 0) {
        ADD(" ");
        ADD(t->funding, eur);
    }
    if (a->decision_reason && *a->decision_reason)
        ADD("\n\n%s%s", t->reason, a->decision_reason);
    if (a->decision == ILM_DECISION_ACCEPTED && a->override_condition && *a->override_condition)
        ADD("\n\n%s%s", t->condition, a->override_condition);
    ADD("\n\n%s\n", t->closing);
#undef ADD
    return 0;
}
