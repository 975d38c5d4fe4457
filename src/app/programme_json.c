/* The coaching programme's records as JSON, in and out (jansson). The
 * readers check keys and types and name the field at fault
 * ("periods[0].days[2].day"); the value rules are ilm_programme_check's
 * and ilm_application_check's. A reader given a `base` record starts from
 * it, so that a PUT of some fields keeps the rest.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ilmava/programme.h"

/* A body is at most the server's 8 MiB; a programme or an application is
 * far smaller. */
#define DOC_MAX (1u << 20)

/* ---- reading ---- */

typedef struct reader {
    ilm_errors *err;
    int rc;
} reader;

static void fail(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(reader *r, const char *fmt, ...)
{
    char msg[ILM_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ilm_errors_add(r->err, "%s", msg);
    r->rc = ILM_EINVAL;
}

static void failc(reader *r, ilm_error_code code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Adds "FIELD: <fmt>" with its code and field. */
static void failc(reader *r, ilm_error_code code, const char *field, const char *fmt, ...)
{
    char msg[ILM_ERROR_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ilm_errors_addc(r->err, code, field, "%s: %s", field, msg);
    r->rc = ILM_EINVAL;
}

static bool only(reader *r, json_t *o, const char *path, const char *const *keys)
{
    const char *key;
    json_t *v;
    bool ok = true;
    json_object_foreach (o, key, v) {
        const char *const *k = keys;
        while (*k && strcmp(*k, key) != 0)
            k++;
        if (!*k) {
            {
                char f_[160];
                snprintf(f_, sizeof f_, "%s%s%.60s", path, *path ? "." : "", key);
                failc(r, ILM_ERR_UNKNOWN_FIELD, f_, "unknown field");
            }
            ok = false;
        }
    }
    return ok;
}

/* A string member into *out (strdup; NULL when absent or null), of at most
 * max characters (the caps of programme.h), so that the error says how long
 * the text is: "name: 1048576 characters, at most 200". */
static void get_str(reader *r, json_t *o, const char *key, const char *path, size_t max,
                    char **out)
{
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return;
    if (!json_is_string(v)) {
        {
            char f_[160];
            snprintf(f_, sizeof f_, "%s%s%s", path, *path ? "." : "", key);
            failc(r, ILM_ERR_NOT_A_STRING, f_, "expected a string");
        }
        return;
    }
    char field[160];
    snprintf(field, sizeof field, "%s%s%s", path, *path ? "." : "", key);
    if (ilm_text_check(r->err, field, json_string_value(v), max)) {
        r->rc = ILM_EINVAL;
        return;
    }
    free(*out);
    *out = strdup(json_string_value(v));
    if (!*out)
        fail(r, "out of memory");
}

static void get_day(reader *r, json_t *o, const char *key, const char *path, char out[ILM_DATE_LEN])
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return;
    if (json_is_null(v)) {
        out[0] = '\0';
        return;
    }
    if (!json_is_string(v) || !ilm_date_valid(json_string_value(v))) {
        {
            char f_[160];
            snprintf(f_, sizeof f_, "%s%s%s", path, *path ? "." : "", key);
            failc(r, ILM_ERR_NOT_A_DATE, f_, "expected a day YYYY-MM-DD");
        }
        return;
    }
    snprintf(out, ILM_DATE_LEN, "%s", json_string_value(v));
}

static void get_bool(reader *r, json_t *o, const char *key, const char *path, bool *out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return;
    if (!json_is_boolean(v)) {
        {
            char f_[160];
            snprintf(f_, sizeof f_, "%s%s%s", path, *path ? "." : "", key);
            failc(r, ILM_ERR_WRONG_TYPE, f_, "expected true or false");
        }
        return;
    }
    *out = json_is_true(v);
}

static void get_int(reader *r, json_t *o, const char *key, const char *path, int *out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return;
    if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
        json_integer_value(v) > 1000000) {
        {
            char f_[160];
            snprintf(f_, sizeof f_, "%s%s%s", path, *path ? "." : "", key);
            failc(r, ILM_ERR_NOT_A_NUMBER, f_, "expected a whole number");
        }
        return;
    }
    *out = (int)json_integer_value(v);
}

static void get_num(reader *r, json_t *o, const char *key, const char *path, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return;
    if (!json_is_number(v)) {
        {
            char f_[160];
            snprintf(f_, sizeof f_, "%s%s%s", path, *path ? "." : "", key);
            failc(r, ILM_ERR_NOT_A_NUMBER, f_, "expected a number");
        }
        return;
    }
    *out = json_number_value(v);
}

static json_t *load(const char *json, size_t len, ilm_errors *err)
{
    if (len > DOC_MAX) {
        ilm_errors_add(err, "the document is over %u bytes", DOC_MAX);
        return NULL;
    }
    json_error_t je;
    json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (!o) {
        ilm_errors_add(err, "not valid JSON (line %d, column %d): %s", je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        ilm_errors_add(err, "the document must be a JSON object");
        return NULL;
    }
    return o;
}

/* Starts from base's own JSON with the document's keys on top. */
static json_t *merged(json_t *doc, char *base_json)
{
    if (!base_json)
        return json_incref(doc);
    json_t *b = json_loads(base_json, 0, NULL);
    free(base_json);
    if (!b)
        return NULL;
    json_object_update(b, doc);
    return b;
}

static void read_audience(reader *r, json_t *o, const char *path, ilm_audience *out)
{
    json_t *v = json_object_get(o, "audience");
    if (!v || !json_is_string(v) || ilm_audience_parse(json_string_value(v), out)) {
        char f_[160];
        snprintf(f_, sizeof f_, "%s.audience", path);
        failc(r, ILM_ERR_NOT_ONE_OF, f_, "%s civil_service, political or both",
              v ? "expected" : "required:");
    }
}

static void read_day(reader *r, json_t *o, const char *path, ilm_contact_day *d)
{
    static const char *const keys[] = {"id",     "day",      "place", "online",
                                       "agenda", "audience", "phase", NULL};
    if (!json_is_object(o)) {
        {
            char f_[160];
            snprintf(f_, sizeof f_, "%s", path);
            failc(r, ILM_ERR_WRONG_TYPE, f_, "expected an object");
        }
        return;
    }
    if (!only(r, o, path, keys))
        return;
    json_t *id = json_object_get(o, "id");
    if (id && !json_is_null(id)) {
        if (!json_is_integer(id) || json_integer_value(id) < 1) {
            char f_[160];
            snprintf(f_, sizeof f_, "%s.id", path);
            failc(r, ILM_ERR_NOT_A_NUMBER, f_, "expected a positive whole number");
        } else
            d->id = json_integer_value(id);
    }
    if (!json_object_get(o, "day")) {
        char f_[160];
        snprintf(f_, sizeof f_, "%s.day", path);
        failc(r, ILM_ERR_NOT_A_DATE, f_, "required, a day YYYY-MM-DD");
    }
    get_day(r, o, "day", path, d->day);
    get_str(r, o, "place", path, ILM_NAME_MAX, &d->place);
    get_bool(r, o, "online", path, &d->online);
    get_str(r, o, "agenda", path, ILM_TEXT_MAX, &d->agenda);
    read_audience(r, o, path, &d->audience);
    json_t *ph = json_object_get(o, "phase");
    if (ph && !json_is_null(ph)) {
        if (!json_is_string(ph) || ilm_phase_parse(json_string_value(ph), &d->phase)) {
            char f_[160];
            snprintf(f_, sizeof f_, "%s.phase", path);
            failc(r, ILM_ERR_NOT_ONE_OF, f_,
                  "expected orientation, municipal_work, peer_learning or expert_sparring");
        } else
            d->has_phase = true;
    }
}

static void read_periods(reader *r, json_t *a, ilm_programme *p)
{
    if (!json_is_array(a)) {
        failc(r, ILM_ERR_WRONG_TYPE, "periods", "expected an array");
        return;
    }
    size_t n = json_array_size(a);
    if (n > ILM_PROGRAMME_MAX_PERIODS) {
        failc(r, ILM_ERR_TOO_MANY, "periods", "at most %d contact periods",
              ILM_PROGRAMME_MAX_PERIODS);
        return;
    }
    p->periods = calloc(n + 1, sizeof *p->periods);
    if (!p->periods) {
        fail(r, "out of memory");
        return;
    }
    static const char *const keys[] = {"id", "name", "starts", "ends", "days", NULL};
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(a, i);
        ilm_contact_period *c = &p->periods[p->n_periods++];
        char path[64];
        snprintf(path, sizeof path, "periods[%zu]", i);
        if (!json_is_object(o)) {
            {
                char f_[160];
                snprintf(f_, sizeof f_, "%s", path);
                failc(r, ILM_ERR_WRONG_TYPE, f_, "expected an object");
            }
            continue;
        }
        if (!only(r, o, path, keys))
            continue;
        json_t *id = json_object_get(o, "id");
        if (id && !json_is_null(id)) {
            if (!json_is_integer(id) || json_integer_value(id) < 1) {
                char f_[160];
                snprintf(f_, sizeof f_, "%s.id", path);
                failc(r, ILM_ERR_NOT_A_NUMBER, f_, "expected a positive whole number");
            } else
                c->id = json_integer_value(id);
        }
        get_str(r, o, "name", path, ILM_NAME_MAX, &c->name);
        if (!json_object_get(o, "starts")) {
            char f_[160];
            snprintf(f_, sizeof f_, "%s.starts", path);
            failc(r, ILM_ERR_NOT_A_DATE, f_, "required, a day YYYY-MM-DD");
        }
        if (!json_object_get(o, "ends")) {
            char f_[160];
            snprintf(f_, sizeof f_, "%s.ends", path);
            failc(r, ILM_ERR_NOT_A_DATE, f_, "required, a day YYYY-MM-DD");
        }
        get_day(r, o, "starts", path, c->starts);
        get_day(r, o, "ends", path, c->ends);
        json_t *days = json_object_get(o, "days");
        if (!days || json_is_null(days))
            continue;
        if (!json_is_array(days) || json_array_size(days) > ILM_PROGRAMME_MAX_DAYS) {
            {
                char f_[160];
                snprintf(f_, sizeof f_, "%s.days", path);
                failc(r, ILM_ERR_TOO_MANY, f_, "expected an array of at most %d days",
                      ILM_PROGRAMME_MAX_DAYS);
            }
            continue;
        }
        c->days = calloc(json_array_size(days) + 1, sizeof *c->days);
        if (!c->days) {
            fail(r, "out of memory");
            return;
        }
        for (size_t j = 0; j < json_array_size(days); j++) {
            char dpath[96];
            snprintf(dpath, sizeof dpath, "%s.days[%zu]", path, j);
            read_day(r, json_array_get(days, j), dpath, &c->days[c->n_days++]);
        }
    }
}

int ilm_programme_from_json(const char *json, size_t len, const ilm_programme *base,
                            ilm_programme **out, ilm_errors *err)
{
    static const char *const keys[] = {"id",
                                       "name",
                                       "year",
                                       "description",
                                       "apply_from",
                                       "apply_until",
                                       "capacity_min",
                                       "capacity_max",
                                       "own_funding_eur",
                                       "eligibility_text",
                                       "score_weights",
                                       "max_region_share",
                                       "max_size_share",
                                       "phases",
                                       "periods",
                                       "version",
                                       "contact_days",
                                       "created_at",
                                       "updated_at",
                                       "application_period",
                                       NULL};
    *out = NULL;
    json_t *doc = load(json, len, err);
    if (!doc)
        return ILM_EINVAL;
    reader r = {.err = err};
    if (!only(&r, doc, "", keys)) {
        json_decref(doc);
        return r.rc;
    }
    json_t *o = merged(doc, base ? ilm_programme_to_json(base) : NULL);
    ilm_programme *p = ilm_programme_new();
    if (!o || !p) {
        json_decref(doc);
        json_decref(o);
        ilm_programme_free(p);
        ilm_errors_add(err, "out of memory");
        return ILM_ENOMEM;
    }
    p->id = base ? base->id : 0;
    json_t *jv = json_object_get(doc, "version");
    if (jv && (!json_is_integer(jv) || json_integer_value(jv) < 1))
        failc(&r, ILM_ERR_NOT_A_NUMBER, "version", "expected a positive whole number");
    else if (jv)
        p->version = json_integer_value(jv);
    get_str(&r, o, "name", "", ILM_NAME_MAX, &p->name);
    get_int(&r, o, "year", "", &p->year);
    get_str(&r, o, "description", "", ILM_TEXT_MAX, &p->description);
    get_day(&r, o, "apply_from", "", p->apply_from);
    get_day(&r, o, "apply_until", "", p->apply_until);
    get_int(&r, o, "capacity_min", "", &p->capacity_min);
    get_int(&r, o, "capacity_max", "", &p->capacity_max);
    get_num(&r, o, "own_funding_eur", "", &p->own_funding_eur);
    get_str(&r, o, "eligibility_text", "", ILM_TEXT_MAX, &p->eligibility_text);
    get_num(&r, o, "max_region_share", "", &p->max_region_share);
    get_num(&r, o, "max_size_share", "", &p->max_size_share);
    json_t *w = json_object_get(o, "score_weights");
    if (w && !json_is_object(w)) {
        failc(&r, ILM_ERR_WRONG_TYPE, "score_weights", "expected an object");
    } else if (w) {
        const char *key;
        json_t *v;
        json_object_foreach (w, key, v) {
            int k = 0;
            while (k < ILM_SCORE_COUNT &&
                   strcmp(key, ilm_score_criterion_name((ilm_score_criterion)k)) != 0)
                k++;
            if (k == ILM_SCORE_COUNT) {
                char f_[160];
                snprintf(f_, sizeof f_, "score_weights.%.60s", key);
                failc(&r, ILM_ERR_UNKNOWN_FIELD, f_, "unknown criterion");
            } else if (!json_is_number(v)) {
                char f_[160];
                snprintf(f_, sizeof f_, "score_weights.%s", key);
                failc(&r, ILM_ERR_NOT_A_NUMBER, f_, "expected a number");
            } else
                p->weights[k] = json_number_value(v);
        }
    }
    json_t *ph = json_object_get(o, "phases");
    if (ph && !json_is_null(ph)) {
        if (!json_is_array(ph) || json_array_size(ph) > ILM_PHASE_COUNT) {
            failc(&r, ILM_ERR_TOO_MANY, "phases", "expected an array of at most %d phases",
                  ILM_PHASE_COUNT);
        } else {
            static const char *const pkeys[] = {"key", "audience", NULL};
            for (size_t i = 0; i < json_array_size(ph); i++) {
                json_t *x = json_array_get(ph, i);
                char path[32];
                snprintf(path, sizeof path, "phases[%zu]", i);
                if (!json_is_object(x) || !only(&r, x, path, pkeys)) {
                    if (!json_is_object(x)) {
                        char f_[160];
                        snprintf(f_, sizeof f_, "%s", path);
                        failc(&r, ILM_ERR_WRONG_TYPE, f_, "expected an object");
                    }
                    continue;
                }
                ilm_phase *q = &p->phases[p->n_phases++];
                json_t *k = json_object_get(x, "key");
                if (!json_is_string(k) || ilm_phase_parse(json_string_value(k), &q->key)) {
                    char f_[160];
                    snprintf(f_, sizeof f_, "%s.key", path);
                    failc(&r, ILM_ERR_NOT_ONE_OF, f_,
                          "expected orientation, municipal_work, peer_learning or expert_sparring");
                }
                read_audience(&r, x, path, &q->audience);
            }
        }
    }
    json_t *pe = json_object_get(o, "periods");
    if (pe && !json_is_null(pe))
        read_periods(&r, pe, p);
    json_decref(o);
    json_decref(doc);
    if (r.rc) {
        ilm_programme_free(p);
        return r.rc;
    }
    *out = p;
    return 0;
}

static void read_ref(reader *r, json_t *o, const char *key, ilm_decision_ref *ref)
{
    static const char *const keys[] = {"body", "date", "section", "dnro", NULL};
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return;
    if (!json_is_object(v)) {
        {
            char f_[160];
            snprintf(f_, sizeof f_, "%s", key);
            failc(r, ILM_ERR_WRONG_TYPE, f_,
                  "expected an object {body, date, section, dnro} or null");
        }
        return;
    }
    if (!only(r, v, key, keys))
        return;
    get_str(r, v, "body", key, ILM_NAME_MAX, &ref->body);
    if (!ref->body) {
        char f_[160];
        snprintf(f_, sizeof f_, "%s.body", key);
        failc(r, ILM_ERR_REQUIRED, f_, "required (\"Kaupunginvaltuusto\")");
    }
    if (!json_object_get(v, "date")) {
        char f_[160];
        snprintf(f_, sizeof f_, "%s.date", key);
        failc(r, ILM_ERR_NOT_A_DATE, f_, "required, a day YYYY-MM-DD");
    }
    get_day(r, v, "date", key, ref->date);
    get_str(r, v, "section", key, ILM_NAME_MAX, &ref->section);
    get_str(r, v, "dnro", key, ILM_NAME_MAX, &ref->dnro);
}

static void read_participants(reader *r, json_t *a, ilm_application *app)
{
    if (!json_is_array(a) || json_array_size(a) > ILM_APPLICATION_MAX_PARTICIPANTS) {
        failc(r, ILM_ERR_TOO_MANY, "participants", "expected an array of at most %d",
              ILM_APPLICATION_MAX_PARTICIPANTS);
        return;
    }
    app->participants = calloc(json_array_size(a) + 1, sizeof *app->participants);
    if (!app->participants) {
        fail(r, "out of memory");
        return;
    }
    static const char *const keys[] = {"id", "name", "title", "level", "phases", NULL};
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *o = json_array_get(a, i);
        ilm_participant *x = &app->participants[app->n_participants++];
        char path[40];
        snprintf(path, sizeof path, "participants[%zu]", i);
        if (!json_is_object(o)) {
            {
                char f_[160];
                snprintf(f_, sizeof f_, "%s", path);
                failc(r, ILM_ERR_WRONG_TYPE, f_, "expected an object");
            }
            continue;
        }
        if (!only(r, o, path, keys))
            continue;
        json_t *id = json_object_get(o, "id");
        if (id && !json_is_null(id)) {
            if (!json_is_integer(id) || json_integer_value(id) < 1) {
                char f_[160];
                snprintf(f_, sizeof f_, "%s.id", path);
                failc(r, ILM_ERR_NOT_A_NUMBER, f_, "expected a positive whole number");
            } else
                x->id = json_integer_value(id);
        }
        get_str(r, o, "name", path, ILM_NAME_MAX, &x->name);
        get_str(r, o, "title", path, ILM_NAME_MAX, &x->title);
        json_t *lv = json_object_get(o, "level");
        if (lv && !json_is_null(lv) &&
            (!json_is_string(lv) || ilm_level_parse(json_string_value(lv), &x->level))) {
            char f_[160];
            snprintf(f_, sizeof f_, "%s.level", path);
            failc(r, ILM_ERR_NOT_ONE_OF, f_, "expected civil_service or political");
        }
        json_t *ph = json_object_get(o, "phases");
        if (ph && !json_is_null(ph)) {
            if (!json_is_array(ph)) {
                {
                    char f_[160];
                    snprintf(f_, sizeof f_, "%s.phases", path);
                    failc(r, ILM_ERR_WRONG_TYPE, f_, "expected an array of phase keys");
                }
                continue;
            }
            for (size_t j = 0; j < json_array_size(ph); j++) {
                json_t *k = json_array_get(ph, j);
                ilm_phase_key key;
                if (!json_is_string(k) || ilm_phase_parse(json_string_value(k), &key)) {
                    char f_[160];
                    snprintf(f_, sizeof f_, "%s.phases[%zu]", path, j);
                    failc(r, ILM_ERR_NOT_ONE_OF, f_,
                          "expected orientation, municipal_work, peer_learning or expert_sparring");
                } else
                    x->phases |= 1u << key;
            }
        }
    }
}

/* The keys an applicant writes. */
static const char *const application_keys[] = {"climate_work",
                                               "has_council_target",
                                               "council_target",
                                               "tells_easy_from_hard",
                                               "easy_hard_how",
                                               "problems",
                                               "sparring_problem",
                                               "own_funding_accepted",
                                               "board_decision",
                                               "language",
                                               "participants",
                                               "status",
                                               NULL};

/* Copies the organiser's fields of `from` into `to`. */
static int copy_organiser_fields(ilm_application *to, const ilm_application *from)
{
    to->decision = from->decision;
    memcpy(to->decided_at, from->decided_at, sizeof to->decided_at);
    memcpy(to->invoiced_at, from->invoiced_at, sizeof to->invoiced_at);
    memcpy(to->paid_at, from->paid_at, sizeof to->paid_at);
    to->has_start_gap = from->has_start_gap;
    to->start_plan_id = from->start_plan_id;
    to->start_gap = from->start_gap;
    memcpy(to->start_gap_at, from->start_gap_at, sizeof to->start_gap_at);
    const char *src[3] = {from->override_reason, from->override_condition, from->decision_reason};
    char **dst[3] = {&to->override_reason, &to->override_condition, &to->decision_reason};
    for (int i = 0; i < 3; i++) {
        free(*dst[i]);
        *dst[i] = src[i] ? strdup(src[i]) : NULL;
        if (src[i] && !*dst[i])
            return ILM_ENOMEM;
    }
    return 0;
}

int ilm_application_from_json(const char *json, size_t len, const ilm_application *base,
                              ilm_application **out, ilm_errors *err)
{
    *out = NULL;
    json_t *doc = load(json, len, err);
    if (!doc)
        return ILM_EINVAL;
    reader r = {.err = err};
    /* What GET gives may come back as it is: the keys of the view are
     * ignored, the applicant's read. */
    static const char *const view_keys[] = {
        "id",          "programme_id", "municipality", "version",      "decision",   "override",
        "own_funding", "start_gap",    "submitted_at", "created_at",   "updated_at", "eligibility",
        "eligible",    "overridden",   "facts",        "notification", "score",      NULL};
    const char *key;
    json_t *v;
    json_object_foreach (doc, key, v) {
        bool known = false;
        for (const char *const *k = application_keys; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        for (const char *const *k = view_keys; *k && !known; k++)
            known = strcmp(*k, key) == 0;
        if (!known) {
            char f_[160];
            snprintf(f_, sizeof f_, "%.60s", key);
            failc(&r, ILM_ERR_UNKNOWN_FIELD, f_, "unknown field");
        }
    }
    if (r.rc) {
        json_decref(doc);
        return r.rc;
    }
    json_t *o = merged(doc, base ? ilm_application_to_json(base, NULL, NULL, NULL) : NULL);
    ilm_application *a = ilm_application_new();
    if (!o || !a)
        goto oom;
    if (base) {
        a->id = base->id;
        a->programme_id = base->programme_id;
        memcpy(a->code, base->code, sizeof a->code);
        if (copy_organiser_fields(a, base))
            goto oom;
    }
    json_t *jv = json_object_get(doc, "version");
    if (jv && (!json_is_integer(jv) || json_integer_value(jv) < 1))
        failc(&r, ILM_ERR_NOT_A_NUMBER, "version", "expected a positive whole number");
    else if (jv)
        a->version = json_integer_value(jv);
    json_t *st = json_object_get(o, "status");
    if (st &&
        (!json_is_string(st) || ilm_application_status_parse(json_string_value(st), &a->status)))
        failc(&r, ILM_ERR_NOT_ONE_OF, "status", "expected draft, submitted or withdrawn");
    get_str(&r, o, "climate_work", "", ILM_TEXT_MAX, &a->climate_work);
    get_bool(&r, o, "has_council_target", "", &a->has_council_target);
    read_ref(&r, o, "council_target", &a->target);
    get_bool(&r, o, "tells_easy_from_hard", "", &a->tells_easy_from_hard);
    get_str(&r, o, "easy_hard_how", "", ILM_TEXT_MAX, &a->easy_hard_how);
    json_t *pr = json_object_get(o, "problems");
    if (pr && !json_is_null(pr)) {
        if (!json_is_array(pr) || json_array_size(pr) > ILM_APPLICATION_MAX_PROBLEMS) {
            failc(&r, ILM_ERR_TOO_MANY, "problems", "expected an array of at most %d texts",
                  ILM_APPLICATION_MAX_PROBLEMS);
        } else {
            a->problems = calloc(json_array_size(pr) + 1, sizeof *a->problems);
            if (!a->problems)
                goto oom;
            for (size_t i = 0; i < json_array_size(pr); i++) {
                json_t *x = json_array_get(pr, i);
                if (!json_is_string(x)) {
                    {
                        char f_[160];
                        snprintf(f_, sizeof f_, "problems[%zu]", i);
                        failc(&r, ILM_ERR_NOT_A_STRING, f_, "expected a string");
                    }
                    continue;
                }
                char field[32];
                snprintf(field, sizeof field, "problems[%zu]", i);
                if (ilm_text_check(r.err, field, json_string_value(x), ILM_SHORT_TEXT_MAX)) {
                    r.rc = ILM_EINVAL;
                    continue;
                }
                if (!(a->problems[a->n_problems++] = strdup(json_string_value(x))))
                    goto oom;
            }
        }
    }
    get_str(&r, o, "sparring_problem", "", ILM_SHORT_TEXT_MAX, &a->sparring_problem);
    get_bool(&r, o, "own_funding_accepted", "", &a->own_funding_accepted);
    read_ref(&r, o, "board_decision", &a->board);
    json_t *lang = json_object_get(o, "language");
    if (lang && !json_is_null(lang)) {
        if (!json_is_string(lang) || strlen(json_string_value(lang)) != 2)
            failc(&r, ILM_ERR_NOT_ONE_OF, "language", "expected fi, sv or en");
        else
            memcpy(a->language, json_string_value(lang), 3);
    }
    json_t *pa = json_object_get(o, "participants");
    if (pa && !json_is_null(pa))
        read_participants(&r, pa, a);
    json_decref(o);
    json_decref(doc);
    if (r.rc) {
        ilm_application_free(a);
        return r.rc;
    }
    *out = a;
    return 0;
oom:
    json_decref(o);
    json_decref(doc);
    ilm_application_free(a);
    ilm_errors_add(err, "out of memory");
    return ILM_ENOMEM;
}

/* ---- writing ---- */

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }
static json_t *day_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static char *dump(json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(o);
    return s;
}

static json_t *ilm_programme_json(const ilm_programme *p)
{
    json_t *w = json_object(), *phases = json_array(), *periods = json_array();
    for (int i = 0; i < ILM_SCORE_COUNT; i++)
        json_object_set_new(w, ilm_score_criterion_name((ilm_score_criterion)i),
                            json_real(p->weights[i]));
    for (size_t i = 0; i < p->n_phases; i++)
        json_array_append_new(phases,
                              json_pack("{s:s, s:s}", "key", ilm_phase_name(p->phases[i].key),
                                        "audience", ilm_audience_name(p->phases[i].audience)));
    for (size_t i = 0; i < p->n_periods; i++) {
        const ilm_contact_period *c = &p->periods[i];
        json_t *days = json_array();
        for (size_t j = 0; j < c->n_days; j++) {
            const ilm_contact_day *d = &c->days[j];
            json_t *x =
                json_pack("{s:s, s:s?, s:b, s:s, s:s, s:o}", "day", d->day, "place", d->place,
                          "online", d->online, "agenda", d->agenda ? d->agenda : "", "audience",
                          ilm_audience_name(d->audience), "phase",
                          d->has_phase ? json_string(ilm_phase_name(d->phase)) : json_null());
            if (d->id)
                json_object_set_new(x, "id", json_integer(d->id));
            json_array_append_new(days, x);
        }
        json_t *x = json_pack("{s:s?, s:s, s:s, s:o}", "name", c->name, "starts", c->starts, "ends",
                              c->ends, "days", days);
        if (c->id)
            json_object_set_new(x, "id", json_integer(c->id));
        json_array_append_new(periods, x);
    }
    char today[ILM_DATE_LEN];
    ilm_date_today(today);
    const char *state = strcmp(today, p->apply_from) < 0    ? "upcoming"
                        : strcmp(today, p->apply_until) > 0 ? "closed"
                                                            : "open";
    json_t *o = json_pack(
        "{s:s?, s:i, s:s, s:s, s:s, s:s, s:i, s:i, s:f, s:s, s:o, s:f, s:f, s:o, s:o, s:I}", "name",
        p->name, "year", p->year, "description", p->description ? p->description : "", "apply_from",
        p->apply_from, "apply_until", p->apply_until, "application_period", state, "capacity_min",
        p->capacity_min, "capacity_max", p->capacity_max, "own_funding_eur", p->own_funding_eur,
        "eligibility_text", p->eligibility_text ? p->eligibility_text : "", "score_weights", w,
        "max_region_share", p->max_region_share, "max_size_share", p->max_size_share, "phases",
        phases, "periods", periods, "contact_days", (json_int_t)ilm_programme_contact_days(p));
    if (o && p->id) {
        json_object_set_new(o, "id", json_integer(p->id));
        json_object_set_new(o, "version", json_integer(p->version));
        json_object_set_new(o, "created_at", json_string(p->created_at));
        json_object_set_new(o, "updated_at", json_string(p->updated_at));
    }
    return o;
}

char *ilm_programme_to_json(const ilm_programme *p) { return dump(ilm_programme_json(p)); }

static json_t *ref_json(const ilm_decision_ref *r)
{
    if (!r->body)
        return json_null();
    return json_pack("{s:s, s:s, s:o, s:o}", "body", r->body, "date", r->date, "section",
                     str_or_null(r->section), "dnro", str_or_null(r->dnro));
}

static json_t *ilm_eligibility_json(const ilm_eligibility *e)
{
    json_t *a = json_array();
    for (int i = 0; i < ILM_CRITERION_COUNT; i++)
        json_array_append_new(a, json_pack("{s:s, s:b, s:s}", "criterion",
                                           ilm_criterion_name(e->items[i].criterion), "met",
                                           e->items[i].met, "evidence", e->items[i].evidence));
    return a;
}

static json_t *ilm_facts_json(const ilm_applicant_facts *f)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:f, s:s, s:f, s:i, s:b, s:b, s:s}", "code",
                     f->code, "name", f->name, "name_sv", day_or_null(f->name_sv), "region",
                     day_or_null(f->region), "region_name", day_or_null(f->region_name),
                     "population", f->population, "size_class", ilm_size_class_name(f->size),
                     "ets_share", f->ets_share, "year", f->year, "industrial", f->industrial,
                     "synthetic", f->synthetic, "language", f->language);
}

static json_t *ilm_notification_json(const ilm_notification *n)
{
    return json_pack("{s:s, s:s, s:s}", "language", n->language, "subject", n->subject, "body",
                     n->body);
}

static json_t *ilm_application_json(const ilm_application *a, const ilm_eligibility *e,
                                    const ilm_applicant_facts *f, const ilm_notification *n)
{
    json_t *problems = json_array(), *parts = json_array();
    for (size_t i = 0; i < a->n_problems; i++)
        json_array_append_new(problems, json_string(a->problems[i]));
    for (size_t i = 0; i < a->n_participants; i++) {
        const ilm_participant *x = &a->participants[i];
        json_t *ph = json_array();
        for (int k = 0; k < ILM_PHASE_COUNT; k++)
            if (x->phases & (1u << k))
                json_array_append_new(ph, json_string(ilm_phase_name((ilm_phase_key)k)));
        json_t *o =
            json_pack("{s:s?, s:s?, s:o, s:o}", "name", x->name, "title", x->title, "level",
                      x->level ? json_string(ilm_level_name(x->level)) : json_null(), "phases", ph);
        if (x->id)
            json_object_set_new(o, "id", json_integer(x->id));
        json_array_append_new(parts, o);
    }
    json_t *o = json_pack(
        "{s:s, s:s, s:b, s:o, s:b, s:s, s:o, s:s, s:b, s:o, s:o, s:o}", "status",
        ilm_application_status_name(a->status), "climate_work",
        a->climate_work ? a->climate_work : "", "has_council_target", a->has_council_target,
        "council_target", ref_json(&a->target), "tells_easy_from_hard", a->tells_easy_from_hard,
        "easy_hard_how", a->easy_hard_how ? a->easy_hard_how : "", "problems", problems,
        "sparring_problem", a->sparring_problem ? a->sparring_problem : "", "own_funding_accepted",
        a->own_funding_accepted, "board_decision", ref_json(&a->board), "language",
        day_or_null(a->language), "participants", parts);
    if (!o)
        return NULL;
    if (a->id) {
        json_object_set_new(o, "id", json_integer(a->id));
        json_object_set_new(o, "programme_id", json_integer(a->programme_id));
        json_object_set_new(o, "version", json_integer(a->version));
        json_object_set_new(o, "municipality",
                            json_pack("{s:s, s:o}", "code", a->code, "name",
                                      f ? json_string(f->name) : json_null()));
        json_object_set_new(o, "decision",
                            json_pack("{s:s, s:o, s:o}", "decision", ilm_decision_name(a->decision),
                                      "reason", str_or_null(a->decision_reason), "decided_at",
                                      day_or_null(a->decided_at)));
        json_object_set_new(o, "override",
                            a->override_reason
                                ? json_pack("{s:s, s:o}", "reason", a->override_reason, "condition",
                                            str_or_null(a->override_condition))
                                : json_null());
        json_object_set_new(o, "own_funding",
                            json_pack("{s:o, s:o}", "invoiced_at", day_or_null(a->invoiced_at),
                                      "paid_at", day_or_null(a->paid_at)));
        json_object_set_new(o, "start_gap",
                            a->has_start_gap ? json_pack("{s:I, s:f, s:s}", "plan_id",
                                                         (json_int_t)a->start_plan_id, "t",
                                                         a->start_gap, "at", a->start_gap_at)
                                             : json_null());
        json_object_set_new(o, "submitted_at", day_or_null(a->submitted_at));
        json_object_set_new(o, "created_at", json_string(a->created_at));
        json_object_set_new(o, "updated_at", json_string(a->updated_at));
    }
    if (e) {
        json_object_set_new(o, "eligibility", ilm_eligibility_json(e));
        json_object_set_new(o, "eligible", json_boolean(e->eligible));
        json_object_set_new(o, "overridden", json_boolean(e->overridden));
    }
    if (f)
        json_object_set_new(o, "facts", ilm_facts_json(f));
    if (n && n->language[0])
        json_object_set_new(o, "notification", ilm_notification_json(n));
    return o;
}

char *ilm_application_to_json(const ilm_application *a, const ilm_eligibility *e,
                              const ilm_applicant_facts *f, const ilm_notification *n)
{
    return dump(ilm_application_json(a, e, f, n));
}

char *ilm_selection_to_json(const ilm_selection *sel)
{
    const ilm_programme *p = sel->programme;
    json_t *rows = json_array(), *cohort = json_array();
    for (size_t i = 0; i < sel->n; i++) {
        const ilm_selection_row *r = &sel->rows[i];
        json_t *values = json_object();
        for (int k = 0; k < ILM_SCORE_COUNT; k++)
            json_object_set_new(values, ilm_score_criterion_name((ilm_score_criterion)k),
                                json_real(r->values[k]));
        json_t *o = json_pack(
            "{s:I, s:s, s:s, s:s, s:s, s:o, s:b, s:b, s:f, s:o, s:o, s:b, s:b, s:o}",
            "application_id", (json_int_t)r->application->id, "municipality", r->application->code,
            "name", r->facts.name, "status", ilm_application_status_name(r->application->status),
            "decision", ilm_decision_name(r->application->decision), "eligibility",
            ilm_eligibility_json(&r->eligibility), "eligible", r->eligibility.eligible,
            "overridden", r->eligibility.overridden, "score", r->score, "score_values", values,
            "facts", ilm_facts_json(&r->facts), "candidate", r->candidate, "proposed", r->proposed,
            "why_not", r->why[0] && !r->proposed ? json_string(r->why) : json_null());
        json_object_set_new(o, "why_not_code",
                            r->why_code[0] && !r->proposed ? json_string(r->why_code)
                                                           : json_null());
        json_object_set_new(o, "why_not_cap",
                            r->why_cap && !r->proposed ? json_integer(r->why_cap) : json_null());
        /* The organiser's reasons, shown on the selection card. */
        const ilm_application *a = r->application;
        json_object_set_new(o, "decision_reason", str_or_null(a->decision_reason));
        json_object_set_new(o, "override",
                            a->override_reason && *a->override_reason
                                ? json_pack("{s:s, s:o}", "reason", a->override_reason,
                                            "condition", str_or_null(a->override_condition))
                                : json_null());
        json_array_append_new(rows, o);
        if (r->proposed)
            json_array_append_new(cohort, json_integer(r->application->id));
    }
    json_t *w = json_object();
    for (int i = 0; i < ILM_SCORE_COUNT; i++)
        json_object_set_new(w, ilm_score_criterion_name((ilm_score_criterion)i),
                            json_real(p->weights[i]));
    /* Why fewer than the minimum are proposed: too few candidates, or the
     * diversity limit that binds. */
    const ilm_proposal *pr = &sel->proposal;
    json_t *shortfall = json_null();
    if (pr->size < (size_t)p->capacity_min)
        shortfall = json_pack(
            "{s:s, s:I, s:i}", "reason",
            pr->candidates < (size_t)p->capacity_min ? "too_few_candidates"
            : pr->region_binds && pr->size_binds     ? "both_limits"
            : pr->region_binds                       ? "region_limit"
                                                     : "size_limit",
            "candidates", (json_int_t)pr->candidates, "min", p->capacity_min);
    return dump(json_pack(
        "{s:I, s:o, s:{s:i, s:i}, s:{s:f, s:f}, s:o, s:{s:o, s:I, s:f, s:b, "
        "s:b, s:s, s:I, s:o}}",
        "programme_id", (json_int_t)p->id, "weights", w, "capacity", "min", p->capacity_min, "max",
        p->capacity_max, "limits", "region", p->max_region_share, "size_class", p->max_size_share,
        "applications", rows, "proposal", "cohort", cohort, "size", (json_int_t)pr->size,
        "total_score", pr->total, "feasible", pr->feasible, "exact", pr->exact, "method",
        pr->exact ? "exact" : "greedy", "candidates", (json_int_t)pr->candidates, "shortfall",
        shortfall));
}

static json_t *ilm_plan_decision_json(const ilm_plan_decision *d)
{
    return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:o, s:s}", "plan_id", (json_int_t)d->plan_id,
                     "plan_name", str_or_null(d->plan_name), "kind", d->kind, "body",
                     d->ref.body ? d->ref.body : "", "date", d->ref.date, "section",
                     str_or_null(d->ref.section), "dnro", str_or_null(d->ref.dnro), "recorded_at",
                     d->recorded_at);
}

char *ilm_dashboard_to_json(const ilm_dashboard *d)
{
    json_t *rows = json_array();
    size_t targets = 0, since = 0, done = 0, open = 0, paid = 0;
    for (size_t i = 0; i < d->n; i++) {
        const ilm_dashboard_row *r = &d->rows[i];
        targets += r->has_target;
        since += r->target_since_start;
        done += r->commitments_done;
        open += r->commitments_open;
        paid += r->paid_at[0] != '\0';
        json_t *o = json_pack(
            "{s:I, s:s, s:s, s:{s:b, s:b, s:o}, s:{s:o, s:o}, s:o, s:{s:I, s:I},"
            " s:{s:I, s:I, s:I, s:I}, s:{s:o, s:o}}",
            "application_id", (json_int_t)r->application_id, "municipality", r->code, "name",
            r->name, "council_target", "set", r->has_target, "since_start", r->target_since_start,
            "decision", r->has_target ? ilm_plan_decision_json(&r->target) : json_null(), "gap",
            "start", r->has_start_gap ? json_real(r->start_gap) : json_null(), "now",
            r->has_gap_now ? json_real(r->gap_now) : json_null(), "easy_share",
            r->has_easy_share ? json_real(r->easy_share) : json_null(), "commitments", "done",
            (json_int_t)r->commitments_done, "open", (json_int_t)r->commitments_open, "attendance",
            "days_attended", (json_int_t)r->days_attended, "days_held", (json_int_t)d->days_held,
            "present", (json_int_t)r->attendance_present, "recorded",
            (json_int_t)r->attendance_recorded, "own_funding", "invoiced_at",
            day_or_null(r->invoiced_at), "paid_at", day_or_null(r->paid_at));
        json_array_append_new(rows, o);
    }
    return dump(json_pack(
        "{s:I, s:s, s:s, s:I, s:I, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "programme_id",
        (json_int_t)d->programme->id, "name", d->programme->name, "began", d->began, "contact_days",
        (json_int_t)d->contact_days, "days_held", (json_int_t)d->days_held, "rows", rows, "totals",
        "participants", (json_int_t)d->n, "council_targets", (json_int_t)targets,
        "targets_since_start", (json_int_t)since, "commitments_done", (json_int_t)done,
        "commitments_open", (json_int_t)open, "paid", (json_int_t)paid));
}

static json_t *ilm_sparring_json(const ilm_sparring_entry *e)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:o, s:o, s:b, s:s?, s:s, s:s}", "id", (json_int_t)e->id,
                     "application_id", (json_int_t)e->application_id, "kind",
                     ilm_sparring_kind_name(e->kind), "body", e->body ? e->body : "", "owner",
                     str_or_null(e->owner), "due", day_or_null(e->due), "done", e->done, "author",
                     e->author, "created_at", e->created_at, "updated_at", e->updated_at);
}

char *ilm_plan_decisions_to_json(const ilm_plan_decision *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, ilm_plan_decision_json(&v[i]));
    return dump(a);
}

char *ilm_notification_to_json(const ilm_notification *n) { return dump(ilm_notification_json(n)); }

char *ilm_sparring_to_json(const ilm_sparring_entry *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, ilm_sparring_json(&v[i]));
    return dump(a);
}
