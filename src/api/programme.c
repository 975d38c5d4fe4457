/* Handlers of the coaching programme (docs/programme.md, docs/API.md):
 * programmes, applications with their eligibility, the selection and the
 * proposed cohort, decisions and their notifications, contact days and
 * attendance, the sparring log, peer groups and their comparison, the
 * dashboard and the report. Also the resolution of the programme's
 * requirements, which api_authorize calls: who may read or change an
 * application depends on its municipality and on the programme's dates.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "ilmava/app.h"
#include "ilmava/model.h"
#include "ilmava/programme.h"

static bool is_organiser(const api_ctx *c)
{
    return c->signed_in && c->session.user.role == ILM_ROLE_ORGANISER;
}

/* ---- authorisation ---- */

static int closed(http_request *req, const char *until)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             "Applications closed on %s: only the organiser can change an application now", until);
    http_reply_error(req, 403, "applications_closed", msg, NULL);
    return 403;
}

/* The application's municipality and programme dates; 404 when there is
 * none, or when the user may not even know it exists. */
static int resolve_application(api_ctx *c, int64_t id, ilm_application_head *h)
{
    ilm_errors err = {0};
    int rc = ilm_store_application_head(c->store, id, h, &err);
    if (rc)
        return rc == ILM_ENOTFOUND ? 404 : 500;
    return api_can_read(c, h->code) ? 0 : 404;
}

int api_authorize_programme(api_ctx *c, http_request *req, int required)
{
    if (!c->signed_in)
        return 401;
    const char *s = http_param(req, "id");
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    if (!s || *end || id <= 0)
        return 404;
    bool org = is_organiser(c);
    char today[ILM_DATE_LEN];
    ilm_date_today(today);
    ilm_errors err = {0};
    ilm_application_head h;
    int rc;
    switch ((api_requirement)required) {
    case REQ_PROGRAMME_APPLY: {
        char from[ILM_DATE_LEN], until[ILM_DATE_LEN];
        rc = ilm_store_programme_period(c->store, id, from, until, &err);
        if (rc)
            return rc == ILM_ENOTFOUND ? 404 : 500;
        if (org)
            return 0;
        if (c->session.user.role != ILM_ROLE_EDITOR)
            return 403;
        return strcmp(today, until) > 0 ? closed(req, until) : 0;
    }
    case REQ_APPLICATION_READ:
    case REQ_APPLICATION_WRITE:
    case REQ_APPLICATION_SPARRING:
        if ((rc = resolve_application(c, id, &h)))
            return rc;
        if (required == REQ_APPLICATION_READ)
            return 0;
        if (required == REQ_APPLICATION_SPARRING)
            return api_can_comment(c, h.code) ? 0 : 403;
        if (!api_can_write(c, h.code))
            return 403;
        return !org && strcmp(today, h.apply_until) > 0 ? closed(req, h.apply_until) : 0;
    case REQ_SPARRING_WRITE: {
        ilm_sparring_entry e;
        rc = ilm_store_sparring_get(c->store, id, &e, &err);
        if (rc)
            return rc == ILM_ENOTFOUND ? 404 : 500;
        int64_t app_id = e.application_id;
        ilm_sparring_entry_clear(&e);
        if ((rc = resolve_application(c, app_id, &h)))
            return rc;
        return api_can_comment(c, h.code) ? 0 : 403;
    }
    case REQ_PEER_GROUP_MEMBER: {
        ilm_peer_group g;
        rc = ilm_store_peer_group(c->store, id, &g, &err);
        if (rc)
            return rc == ILM_ENOTFOUND ? 404 : 500;
        bool member = org;
        for (size_t i = 0; i < g.n_members && !member; i++)
            member = api_can_read(c, g.codes[i]);
        free(g.name);
        free(g.application_ids);
        free(g.codes);
        return member ? 0 : 404;
    }
    default: return 500;
    }
}

/* ---- helpers ---- */

static int reply_created(http_request *req, const char *kind, int64_t id, char *json)
{
    char location[80];
    snprintf(location, sizeof location, "/api/%s/%" PRId64, kind, id);
    http_add_header(req, "Location", location);
    return reply_text(req, 201, json);
}

/* A string member that may be absent or null; false (after a 422 naming
 * it) when it is another type or longer than max characters. */
static bool opt_string(http_request *req, json_t *o, const char *key, size_t max,
                       const char **out)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        char msg[120];
        snprintf(msg, sizeof msg, "%s: expected a string", key);
        reply_invalid(req, ILM_ERR_NOT_A_STRING, key, msg);
        return false;
    }
    ilm_errors err = {0};
    if (ilm_text_check(&err, key, json_string_value(v), max)) {
        reply_errors(req, ILM_EINVAL, &err);
        return false;
    }
    *out = json_string_value(v);
    return true;
}

/* The caps of a council decision's reference, as the store checks them. */
#define SECTION_MAX 20
#define DNRO_MAX 60

static bool opt_day(http_request *req, json_t *o, const char *key, char out[ILM_DATE_LEN])
{
    const char *s;
    if (!opt_string(req, o, key, ILM_DATE_LEN, &s))
        return false;
    if (s && !ilm_date_valid(s)) {
        char msg[120];
        snprintf(msg, sizeof msg, "%s: expected a day YYYY-MM-DD", key);
        reply_invalid(req, ILM_ERR_NOT_A_DATE, key, msg);
        return false;
    }
    snprintf(out, ILM_DATE_LEN, "%s", s ? s : "");
    return true;
}

/* The language of the eligibility evidence, ?lang=fi|sv|en (default en).
 * On another value replies 422 naming `lang` and returns false. */
static bool query_lang(http_request *req, const char **lang)
{
    *lang = http_query(req, "lang");
    if (!*lang || !strcmp(*lang, "fi") || !strcmp(*lang, "sv") || !strcmp(*lang, "en"))
        return true;
    reply_invalid(req, ILM_ERR_NOT_ONE_OF, "lang", "lang: expected fi, sv or en");
    return false;
}

/* Replies with application `id` as its readers see it: with eligibility
 * (in ?lang=, checked by the caller), the applicant's facts and, once
 * decided, the notification. */
static int reply_application(http_request *req, int status, int64_t id)
{
    const char *lang = http_query(req, "lang");
    if (lang && strcmp(lang, "fi") && strcmp(lang, "sv"))
        lang = NULL;
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    ilm_application *a = NULL;
    ilm_programme *p = NULL;
    ilm_eligibility e = {0};
    ilm_applicant_facts f;
    ilm_notification n = {0};
    int rc = ilm_store_application_load(c->store, id, &a, &err);
    if (!rc)
        rc = ilm_store_programme_load(c->store, a->programme_id, &p, &err);
    if (!rc)
        rc = ilm_app_eligibility(c->store, p, a, lang, &e, &err);
    if (!rc)
        rc = ilm_app_applicant_facts(c->store, a->code, &f, &err);
    if (!rc && a->decision != ILM_DECISION_PENDING)
        rc = ilm_programme_notification(p, a, &f, NULL, &n, &err);
    char *json = rc ? NULL : ilm_application_to_json(a, &e, &f, &n);
    ilm_eligibility_clear(&e);
    ilm_application_free(a);
    ilm_programme_free(p);
    if (rc)
        return reply_errors(req, rc, &err);
    if (status == 201) {
        char location[80];
        snprintf(location, sizeof location, "/api/applications/%" PRId64, id);
        http_add_header(req, "Location", location);
    }
    return reply_text(req, status, json);
}

static int reply_programme(http_request *req, int status, int64_t id)
{
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    ilm_programme *p = NULL;
    int rc = ilm_store_programme_load(c->store, id, &p, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_programme_to_json(p);
    ilm_programme_free(p);
    if (status == 201)
        return reply_created(req, "programmes", id, json);
    return reply_text(req, status, json);
}

/* ---- programmes ---- */

int h_programmes(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    ilm_programme **v = NULL;
    size_t n = 0;
    int rc = ilm_store_programmes(c->store, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        char *s = ilm_programme_to_json(v[i]);
        json_array_append_new(a, s ? json_loads(s, 0, NULL) : json_null());
        free(s);
    }
    ilm_programmes_free(v, n);
    return reply_value(req, 200, a);
}

int h_programme_create(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    json_t *body = body_object(req);
    if (!body)
        return 0;
    json_decref(body);
    ilm_errors err = {0};
    ilm_programme *p = NULL;
    int rc = ilm_programme_from_json(http_body(req), http_body_len(req), NULL, &p, &err);
    int64_t id = 0;
    if (!rc) {
        p->id = 0;
        rc = ilm_app_programme_save(c->store, p, &id, &err);
    }
    ilm_programme_free(p);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_programme(req, 201, id);
}

int h_programme_get(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    return reply_programme(req, 200, id);
}

int h_programme_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    json_decref(body);
    ilm_errors err = {0};
    ilm_programme *base = NULL, *p = NULL;
    int rc = ilm_store_programme_load(c->store, id, &base, &err);
    if (!rc)
        rc = ilm_programme_from_json(http_body(req), http_body_len(req), base, &p, &err);
    int64_t saved;
    if (!rc)
        rc = ilm_app_programme_save(c->store, p, &saved, &err);
    ilm_programme_free(base);
    ilm_programme_free(p);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_programme(req, 200, id);
}

/* ---- the selection ---- */

/* The rows of a selection document a municipality's own users see: no
 * proposal, nothing of the others. */
static json_t *own_rows(json_t *doc)
{
    json_t *rows = json_object_get(doc, "applications");
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach (rows, i, r) {
        json_object_del(r, "proposed");
        json_object_del(r, "candidate");
        json_object_del(r, "why_not");
        json_array_append(out, r);
    }
    return out;
}

int h_programme_applications(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    const char *lang;
    if (!query_lang(req, &lang))
        return 0;
    ilm_errors err = {0};
    ilm_selection sel;
    if (is_organiser(c)) {
        int rc = ilm_app_selection(c->store, id, NULL, lang, &sel, &err);
        if (rc)
            return reply_errors(req, rc, &err);
        char *json = ilm_selection_to_json(&sel);
        ilm_selection_clear(&sel);
        return reply_text(req, 200, json);
    }
    /* Everyone else: the applications of their own municipalities only. */
    char from[ILM_DATE_LEN], until[ILM_DATE_LEN];
    int rc = ilm_store_programme_period(c->store, id, from, until, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *all = json_array();
    const ilm_user *u = &c->session.user;
    for (size_t k = 0; k < u->n_municipalities; k++) {
        if ((rc = ilm_app_selection(c->store, id, u->municipalities[k], lang, &sel, &err))) {
            json_decref(all);
            return reply_errors(req, rc, &err);
        }
        char *json = ilm_selection_to_json(&sel);
        ilm_selection_clear(&sel);
        json_t *doc = json ? json_loads(json, 0, NULL) : NULL;
        free(json);
        json_t *rows = own_rows(doc);
        json_array_extend(all, rows);
        json_decref(rows);
        json_decref(doc);
    }
    return reply_value(
        req, 200, json_pack("{s:I, s:o}", "programme_id", (json_int_t)id, "applications", all));
}

int h_programme_proposal(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    const char *lang;
    if (!query_lang(req, &lang))
        return 0;
    ilm_errors err = {0};
    ilm_selection sel;
    int rc = ilm_app_selection(c->store, id, NULL, lang, &sel, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_selection_to_json(&sel);
    ilm_selection_clear(&sel);
    return reply_text(req, 200, json);
}

int h_programme_notifications(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    const char *lang = http_query(req, "language");
    if (lang && strcmp(lang, "fi") && strcmp(lang, "sv") && strcmp(lang, "en"))
        return reply_invalid(req, ILM_ERR_NOT_ONE_OF, "language",
                             "language: expected fi, sv or en");
    ilm_errors err = {0};
    ilm_programme *p = NULL;
    ilm_application **v = NULL;
    size_t n = 0;
    int rc = ilm_store_programme_load(c->store, id, &p, &err);
    if (!rc)
        rc = ilm_store_applications(c->store, id, NULL, &v, &n, &err);
    json_t *out = json_array();
    for (size_t i = 0; i < n && !rc; i++) {
        if (v[i]->decision == ILM_DECISION_PENDING)
            continue;
        ilm_applicant_facts f;
        ilm_notification nt;
        if ((rc = ilm_app_applicant_facts(c->store, v[i]->code, &f, &err)) ||
            (rc = ilm_programme_notification(p, v[i], &f, lang, &nt, &err)))
            break;
        json_array_append_new(out,
                              json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "application_id",
                                        (json_int_t)v[i]->id, "municipality", v[i]->code,
                                        "decision", ilm_decision_name(v[i]->decision), "language",
                                        nt.language, "subject", nt.subject, "body", nt.body));
    }
    ilm_applications_free(v, n);
    ilm_programme_free(p);
    if (rc) {
        json_decref(out);
        return reply_errors(req, rc, &err);
    }
    return reply_value(req, 200, out);
}

/* ---- applications ---- */

int h_application_create(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t programme_id;
    if (!param_id(req, "id", &programme_id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    const char *code = json_string_value(json_object_get(body, "municipality"));
    if (!code) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_REQUIRED, "municipality",
                             "municipality: required, the code of the applying municipality");
    }
    if (!api_can_write(c, code)) {
        json_decref(body);
        return http_reply_error(
            req, 403, NULL, "Only an editor of the municipality can apply for it", "municipality");
    }
    char code_buf[4];
    snprintf(code_buf, sizeof code_buf, "%s", code);
    bool code_ok = strlen(code) == 3;
    json_object_del(body, "municipality");
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text)
        return http_reply_error(req, 500, NULL, NULL, NULL);
    if (!code_ok) {
        free(text);
        return reply_invalid(req, ILM_ERR_NOT_A_MUNICIPALITY, "municipality",
                             "municipality: expected a three-digit code");
    }
    ilm_errors err = {0};
    ilm_application *a = NULL;
    int rc = ilm_application_from_json(text, strlen(text), NULL, &a, &err);
    free(text);
    int64_t id = 0;
    if (!rc) {
        a->programme_id = programme_id;
        memcpy(a->code, code_buf, sizeof a->code);
        rc = ilm_app_application_save(c->store, a, is_organiser(c), NULL, &id, &err);
    }
    ilm_application_free(a);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_application(req, 201, id);
}

int h_application_get(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    const char *lang;
    if (!param_id(req, "id", &id) || !query_lang(req, &lang))
        return 0;
    return reply_application(req, 200, id);
}

int h_application_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    json_t *m = json_object_get(body, "municipality");
    const char *code =
        json_is_object(m) ? json_string_value(json_object_get(m, "code")) : json_string_value(m);
    bool moved = m && !json_is_null(m) && !code;
    char code_copy[8] = "";
    if (code)
        snprintf(code_copy, sizeof code_copy, "%s", code);
    json_decref(body);
    ilm_errors err = {0};
    ilm_application *base = NULL, *a = NULL;
    int rc = ilm_store_application_load(c->store, id, &base, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    if (moved || (code_copy[0] && strcmp(code_copy, base->code) != 0)) {
        ilm_application_free(base);
        return reply_invalid(req, ILM_ERR_INVALID, "municipality",
                             "municipality: an application stays with its municipality");
    }
    rc = ilm_application_from_json(http_body(req), http_body_len(req), base, &a, &err);
    int64_t saved;
    if (!rc)
        rc = ilm_app_application_save(c->store, a, is_organiser(c), NULL, &saved, &err);
    ilm_application_free(base);
    ilm_application_free(a);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_application(req, 200, id);
}

int h_application_decision(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    static const char *const keys[] = {"decision", "reason", NULL};
    const char *reason = NULL;
    ilm_decision d;
    const char *ds = json_string_value(json_object_get(body, "decision"));
    if (!only_keys(req, body, keys) || !opt_string(req, body, "reason", ILM_SHORT_TEXT_MAX, &reason)) {
        json_decref(body);
        return 0;
    }
    if (!ds || ilm_decision_parse(ds, &d)) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_NOT_ONE_OF, "decision",
                             "decision: required: accepted, waitlisted, rejected or pending");
    }
    if (d != ILM_DECISION_PENDING && d != ILM_DECISION_ACCEPTED && (!reason || !*reason)) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_REQUIRED, "reason",
                             "reason: a waitlisting or a rejection needs its reason");
    }
    ilm_errors err = {0};
    int rc = ilm_app_application_decide(c->store, id, d, reason, &err);
    json_decref(body);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_application(req, 200, id);
}

/* Loads application `id`, lets `change` edit it, saves as the organiser. */
static int organiser_change(http_request *req, int64_t id,
                            bool (*change)(http_request *, json_t *, ilm_application *),
                            json_t *body)
{
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    ilm_application *a = NULL;
    int rc = ilm_store_application_load(c->store, id, &a, &err);
    if (rc) {
        json_decref(body);
        return reply_errors(req, rc, &err);
    }
    if (!change(req, body, a)) {
        json_decref(body);
        ilm_application_free(a);
        return 0;
    }
    json_decref(body);
    int64_t saved;
    rc = ilm_app_application_save(c->store, a, true, NULL, &saved, &err);
    ilm_application_free(a);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_application(req, 200, id);
}

static bool set_override(http_request *req, json_t *body, ilm_application *a)
{
    static const char *const keys[] = {"reason", "condition", NULL};
    const char *reason, *condition;
    if (!only_keys(req, body, keys) || !opt_string(req, body, "reason", ILM_SHORT_TEXT_MAX, &reason) ||
        !opt_string(req, body, "condition", ILM_SHORT_TEXT_MAX, &condition))
        return false;
    if (reason && !*reason) {
        reply_invalid(req, ILM_ERR_REQUIRED, "reason",
                      "reason: empty; send null to remove the override");
        return false;
    }
    free(a->override_reason);
    free(a->override_condition);
    a->override_reason = reason ? strdup(reason) : NULL;
    a->override_condition = reason && condition ? strdup(condition) : NULL;
    return true;
}

int h_application_override(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    if (!json_object_get(body, "reason")) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_REQUIRED, "reason",
                             "reason: required: why to accept despite an unmet criterion "
                             "(null removes the override)");
    }
    return organiser_change(req, id, set_override, body);
}

static bool set_funding(http_request *req, json_t *body, ilm_application *a)
{
    static const char *const keys[] = {"invoiced_at", "paid_at", NULL};
    char inv[ILM_DATE_LEN], paid[ILM_DATE_LEN];
    if (!only_keys(req, body, keys) || !opt_day(req, body, "invoiced_at", inv) ||
        !opt_day(req, body, "paid_at", paid))
        return false;
    if (json_object_get(body, "invoiced_at"))
        memcpy(a->invoiced_at, inv, sizeof inv);
    if (json_object_get(body, "paid_at"))
        memcpy(a->paid_at, paid, sizeof paid);
    return true;
}

int h_application_funding(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    return organiser_change(req, id, set_funding, body);
}

/* ---- contact days and attendance ---- */

int h_contact_days(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    ilm_programme *p = NULL;
    ilm_application **v = NULL;
    ilm_attendance *att = NULL;
    size_t n = 0, n_att = 0;
    int rc = ilm_store_programme_load(c->store, id, &p, &err);
    if (!rc)
        rc = ilm_store_applications(c->store, id, NULL, &v, &n, &err);
    if (!rc)
        rc = ilm_store_attendance(c->store, id, &att, &n_att, &err);
    if (rc) {
        ilm_programme_free(p);
        ilm_applications_free(v, n);
        return reply_errors(req, rc, &err);
    }
    char *pj = ilm_programme_to_json(p);
    json_t *doc = pj ? json_loads(pj, 0, NULL) : NULL;
    free(pj);
    json_t *parts = json_array(), *marks = json_array();
    for (size_t i = 0; i < n; i++) {
        if (v[i]->decision != ILM_DECISION_ACCEPTED)
            continue;
        for (size_t k = 0; k < v[i]->n_participants; k++) {
            const ilm_participant *x = &v[i]->participants[k];
            json_array_append_new(parts, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id",
                                                   (json_int_t)x->id, "application_id",
                                                   (json_int_t)v[i]->id, "municipality", v[i]->code,
                                                   "name", x->name, "title", x->title, "level",
                                                   ilm_level_name(x->level)));
        }
    }
    for (size_t i = 0; i < n_att; i++)
        json_array_append_new(marks, json_pack("{s:I, s:I, s:I, s:b}", "contact_day_id",
                                               (json_int_t)att[i].contact_day_id, "participant_id",
                                               (json_int_t)att[i].participant_id, "application_id",
                                               (json_int_t)att[i].application_id, "present",
                                               att[i].present));
    json_t *out = json_pack("{s:I, s:o, s:I, s:o, s:o}", "programme_id", (json_int_t)id, "periods",
                            json_incref(json_object_get(doc, "periods")), "contact_days",
                            (json_int_t)ilm_programme_contact_days(p), "participants", parts,
                            "attendance", marks);
    json_decref(doc);
    ilm_programme_free(p);
    ilm_applications_free(v, n);
    free(att);
    return reply_value(req, 200, out);
}

int h_contact_day_add(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    json_t *pid = json_object_get(body, "period_id");
    if (!json_is_integer(pid)) {
        json_decref(body);
        return http_reply_error(
            req, 422, NULL, "period_id: required, the id of the day's contact period", "period_id");
    }
    int64_t period_id = json_integer_value(pid);
    json_object_del(body, "period_id");
    ilm_errors err = {0};
    ilm_programme *p = NULL, *q = NULL;
    int rc = ilm_store_programme_load(c->store, id, &p, &err);
    if (rc) {
        json_decref(body);
        return reply_errors(req, rc, &err);
    }
    /* The programme as it is with the new day added to its period: the
     * same reader and the same shape check as a whole programme, so a
     * day outside its period is named as "periods[i].days[j].day". */
    char *pj = ilm_programme_to_json(p);
    json_t *doc = pj ? json_loads(pj, 0, NULL) : NULL;
    free(pj);
    json_t *periods = json_object_get(doc, "periods");
    size_t i;
    json_t *per;
    bool found = false;
    json_array_foreach (periods, i, per) {
        if (json_integer_value(json_object_get(per, "id")) == period_id) {
            json_array_append(json_object_get(per, "days"), body);
            found = true;
        }
    }
    json_decref(body);
    json_object_del(doc, "version");
    char *text = found && doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!found) {
        ilm_programme_free(p);
        return reply_invalid(req, ILM_ERR_NO_SUCH_RECORD, "period_id",
                             "period_id: no such contact period in this programme");
    }
    rc = text ? ilm_programme_from_json(text, strlen(text), NULL, &q, &err) : ILM_ENOMEM;
    free(text);
    int64_t saved;
    if (!rc) {
        q->id = id;
        rc = ilm_app_programme_save(c->store, q, &saved, &err);
    }
    ilm_programme_free(p);
    ilm_programme_free(q);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_programme(req, 201, id);
}

int h_attendance_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t day_id, programme_id;
    if (!param_id(req, "id", &day_id))
        return 0;
    ilm_errors err = {0};
    int rc = ilm_store_contact_day_programme(c->store, day_id, &programme_id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    /* Attendance is of a day that has taken place (today's UTC date). */
    ilm_programme *p = NULL;
    if ((rc = ilm_store_programme_load(c->store, programme_id, &p, &err)))
        return reply_errors(req, rc, &err);
    char today[ILM_DATE_LEN], when[ILM_DATE_LEN] = "";
    ilm_date_today(today);
    for (size_t i = 0; i < p->n_periods; i++)
        for (size_t j = 0; j < p->periods[i].n_days; j++)
            if (p->periods[i].days[j].id == day_id)
                memcpy(when, p->periods[i].days[j].day, sizeof when);
    ilm_programme_free(p);
    if (strcmp(when, today) > 0) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "day: the contact day %s has not taken place yet: record its attendance on or "
                 "after that day",
                 when);
        return http_reply_error(req, 422, "day_in_future", msg, "day");
    }
    json_t *body = body_object(req);
    if (!body)
        return 0;
    static const char *const keys[] = {"attendance", NULL};
    json_t *list = json_object_get(body, "attendance");
    if (!only_keys(req, body, keys)) {
        json_decref(body);
        return 0;
    }
    if (!json_is_array(list) || json_array_size(list) > 10000) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_REQUIRED, "attendance",
                             "attendance: required, an array of {participant_id, present}");
    }
    size_t n = json_array_size(list);
    ilm_attendance *v = calloc(n + 1, sizeof *v);
    if (!v) {
        json_decref(body);
        return http_reply_error(req, 500, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(list, i);
        json_t *pid = json_object_get(x, "participant_id"), *pr = json_object_get(x, "present");
        if (!json_is_integer(pid) || !json_is_boolean(pr)) {
            char msg[120], field[60];
            snprintf(field, sizeof field, "attendance[%zu]", i);
            snprintf(msg, sizeof msg, "%s: expected {\"participant_id\": N, \"present\": bool}",
                     field);
            free(v);
            json_decref(body);
            return reply_invalid(req, ILM_ERR_WRONG_TYPE, field, msg);
        }
        v[i] = (ilm_attendance){.contact_day_id = day_id,
                                .participant_id = json_integer_value(pid),
                                .present = json_is_true(pr)};
    }
    json_decref(body);
    rc = ilm_store_attendance_record(c->store, programme_id, v, n, &err);
    free(v);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_value(
        req, 200,
        json_pack("{s:I, s:I}", "contact_day_id", (json_int_t)day_id, "recorded", (json_int_t)n));
}

/* ---- the sparring log ---- */

static int reply_sparring(http_request *req, int status, int64_t application_id)
{
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    ilm_sparring_entry *v = NULL;
    size_t n = 0;
    int rc = ilm_store_sparring(c->store, application_id, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_sparring_to_json(v, n);
    ilm_sparring_entries_free(v, n);
    return reply_text(req, status, json);
}

int h_sparring(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    return reply_sparring(req, 200, id);
}

/* Reads the entry's fields present in body into e. */
static bool read_entry(http_request *req, json_t *body, ilm_sparring_entry *e)
{
    static const char *const keys[] = {"kind", "body", "owner", "due", "done", NULL};
    if (!only_keys(req, body, keys))
        return false;
    json_t *k = json_object_get(body, "kind");
    if (k && (!json_is_string(k) || ilm_sparring_kind_parse(json_string_value(k), &e->kind))) {
        reply_invalid(req, ILM_ERR_NOT_ONE_OF, "kind",
                      "kind: expected note, commitment or next_step");
        return false;
    }
    const char *text, *owner;
    if (!opt_string(req, body, "body", ILM_TEXT_MAX, &text) || !opt_string(req, body, "owner", ILM_NAME_MAX, &owner))
        return false;
    if (json_object_get(body, "body")) {
        free(e->body);
        e->body = text ? strdup(text) : NULL;
    }
    if (json_object_get(body, "owner")) {
        free(e->owner);
        e->owner = owner ? strdup(owner) : NULL;
    }
    if (json_object_get(body, "due") && !opt_day(req, body, "due", e->due))
        return false;
    json_t *d = json_object_get(body, "done");
    if (d && !json_is_boolean(d)) {
        reply_invalid(req, ILM_ERR_WRONG_TYPE, "done", "done: expected true or false");
        return false;
    }
    if (d)
        e->done = json_is_true(d);
    return true;
}

int h_sparring_add(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    ilm_sparring_entry e = {.application_id = id, .kind = ILM_SPARRING_NOTE};
    if (!json_object_get(body, "kind")) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_REQUIRED, "kind",
                             "kind: required: note, commitment or next_step");
    }
    bool ok = read_entry(req, body, &e);
    json_decref(body);
    if (!ok) {
        ilm_sparring_entry_clear(&e);
        return 0;
    }
    ilm_errors err = {0};
    int64_t entry_id;
    int rc = ilm_store_sparring_save(c->store, &e, &entry_id, &err);
    ilm_sparring_entry_clear(&e);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_sparring(req, 201, id);
}

int h_sparring_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    ilm_errors err = {0};
    ilm_sparring_entry e;
    int rc = ilm_store_sparring_get(c->store, id, &e, &err);
    if (rc) {
        json_decref(body);
        return reply_errors(req, rc, &err);
    }
    bool ok = read_entry(req, body, &e);
    json_decref(body);
    int64_t app_id = e.application_id, saved;
    if (ok)
        rc = ilm_store_sparring_save(c->store, &e, &saved, &err);
    ilm_sparring_entry_clear(&e);
    if (!ok)
        return 0;
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_sparring(req, 200, app_id);
}

/* ---- peer groups ---- */

static json_t *groups_json(api_ctx *c, const ilm_peer_group *v, size_t n, bool all)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) {
        bool visible = all;
        for (size_t k = 0; k < v[i].n_members && !visible; k++)
            visible = api_can_read(c, v[i].codes[k]);
        if (!visible)
            continue;
        json_t *members = json_array();
        for (size_t k = 0; k < v[i].n_members; k++) {
            ilm_applicant_facts f;
            ilm_errors err = {0};
            bool known = ilm_app_applicant_facts(c->store, v[i].codes[k], &f, &err) == 0;
            json_array_append_new(
                members, json_pack("{s:I, s:s, s:s, s:s}", "application_id",
                                   (json_int_t)v[i].application_ids[k], "municipality",
                                   v[i].codes[k], "name", known ? f.name : "", "size_class",
                                   known ? ilm_size_class_name(f.size) : "unknown"));
        }
        json_array_append_new(a,
                              json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)v[i].id, "name",
                                        v[i].name, "basis", v[i].basis, "members", members));
    }
    return a;
}

static int reply_groups(http_request *req, int status, int64_t programme_id)
{
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    ilm_peer_group *v = NULL;
    size_t n = 0;
    char from[ILM_DATE_LEN], until[ILM_DATE_LEN];
    int rc = ilm_store_programme_period(c->store, programme_id, from, until, &err);
    if (!rc)
        rc = ilm_store_peer_groups(c->store, programme_id, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *a = groups_json(c, v, n, is_organiser(c));
    ilm_peer_groups_free(v, n);
    return reply_value(req, status, a);
}

int h_peer_groups(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    return reply_groups(req, 200, id);
}

int h_peer_groups_form(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    static const char *const keys[] = {"basis", "size", NULL};
    const char *basis = "similarity";
    json_t *b = json_object_get(body, "basis"), *sz = json_object_get(body, "size");
    if (!only_keys(req, body, keys)) {
        json_decref(body);
        return 0;
    }
    if (b && !json_is_string(b)) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_NOT_ONE_OF, "basis",
                             "basis: expected similarity or problem");
    }
    if (sz && !json_is_integer(sz)) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_OUT_OF_RANGE, "size",
                             "size: expected a whole number from 2 to 10");
    }
    char basis_buf[16];
    snprintf(basis_buf, sizeof basis_buf, "%s", b ? json_string_value(b) : basis);
    int size = sz ? (int)json_integer_value(sz) : 4;
    json_decref(body);
    ilm_errors err = {0};
    int rc = ilm_app_peer_groups_form(c->store, id, basis_buf, size, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_groups(req, 201, id);
}

int h_peer_groups_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    static const char *const keys[] = {"groups", NULL};
    json_t *groups = json_object_get(body, "groups");
    if (!only_keys(req, body, keys)) {
        json_decref(body);
        return 0;
    }
    if (!json_is_array(groups) || json_array_size(groups) > 200) {
        json_decref(body);
        return reply_invalid(req, ILM_ERR_REQUIRED, "groups",
                             "groups: required, an array of {name, members: [codes]}");
    }
    ilm_errors err = {0};
    ilm_application **apps = NULL;
    size_t n_apps = 0, n = json_array_size(groups);
    int rc = ilm_store_applications(c->store, id, NULL, &apps, &n_apps, &err);
    if (rc) {
        json_decref(body);
        return reply_errors(req, rc, &err);
    }
    ilm_peer_group *v = calloc(n + 1, sizeof *v);
    char msg[200] = "", field[60] = "";
    ilm_error_code why = ILM_ERR_INVALID;
    for (size_t i = 0; v && i < n && !msg[0]; i++) {
        json_t *g = json_array_get(groups, i), *members = json_object_get(g, "members");
        const char *name = json_string_value(json_object_get(g, "name"));
        snprintf(v[i].basis, sizeof v[i].basis, "manual");
        v[i].name = strdup(name ? name : "");
        if (!json_is_array(members) || json_array_size(members) > 100) {
            snprintf(field, sizeof field, "groups[%zu].members", i);
            snprintf(msg, sizeof msg, "%s: expected an array of municipality codes", field);
            why = ILM_ERR_WRONG_TYPE;
            break;
        }
        v[i].application_ids = calloc(json_array_size(members) + 1, sizeof(int64_t));
        for (size_t k = 0; v[i].application_ids && k < json_array_size(members); k++) {
            const char *code = json_string_value(json_array_get(members, k));
            size_t j = 0;
            while (code && j < n_apps && strcmp(apps[j]->code, code) != 0)
                j++;
            if (!code || j == n_apps) {
                snprintf(field, sizeof field, "groups[%zu].members[%zu]", i, k);
                snprintf(msg, sizeof msg, "%s: not a municipality that applied to this programme",
                         field);
                why = ILM_ERR_NOT_APPLICANT;
                break;
            }
            v[i].application_ids[v[i].n_members++] = apps[j]->id;
        }
    }
    json_decref(body);
    ilm_applications_free(apps, n_apps);
    if (!v || msg[0]) {
        ilm_peer_groups_free(v, v ? n : 0);
        return msg[0] ? reply_invalid(req, why, field, msg)
                      : http_reply_error(req, 500, NULL, NULL, NULL);
    }
    rc = ilm_store_peer_groups_set(c->store, id, v, n, &err);
    ilm_peer_groups_free(v, n);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_groups(req, 200, id);
}

/* A published plan, summarised for the side-by-side comparison. */
static json_t *plan_summary(api_ctx *c, const ilm_plan_summary *ps)
{
    json_t *o = json_pack("{s:I, s:o, s:s, s:i, s:i, s:f, s:I}", "id", (json_int_t)ps->id, "name",
                          ps->name ? json_string(ps->name) : json_null(), "scope",
                          ilm_scope_name(ps->scope), "base_year", ps->base_year, "target_year",
                          ps->target_year, "reduction", ps->reduction, "measures",
                          (json_int_t)ps->n_measures);
    ilm_plan *plan = NULL;
    ilm_result *res = NULL;
    ilm_errors err = {0};
    ilm_run_options opt = ilm_run_options_default();
    opt.draws = 0;
    if (ilm_store_plan_load(c->store, ps->id, &plan, &err) == 0 &&
        ilm_model_run(plan, &opt, &res, &err) == 0) {
        json_object_set_new(o, "target_value", json_real(res->target_value));
        json_object_set_new(o, "gap", json_real(res->gap));
        json_object_set_new(o, "meets", json_boolean(res->meets));
        json_object_set_new(o, "easy_share",
                            res->easy_share_null ? json_null() : json_real(res->easy_share));
        json_object_set_new(o, "classes",
                            json_pack("{s:I, s:I, s:I}", "easy",
                                      (json_int_t)res->classes[ILM_CLASS_EASY].count, "moderate",
                                      (json_int_t)res->classes[ILM_CLASS_MODERATE].count, "hard",
                                      (json_int_t)res->classes[ILM_CLASS_HARD].count));
    }
    ilm_result_free(res);
    ilm_plan_free(plan);
    return o;
}

int h_peer_group_comparison(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    ilm_peer_group g;
    int rc = ilm_store_peer_group(c->store, id, &g, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    json_t *members = json_array();
    for (size_t k = 0; k < g.n_members && !rc; k++) {
        ilm_applicant_facts f;
        ilm_plan_summary *plans = NULL;
        size_t n = 0;
        if ((rc = ilm_app_applicant_facts(c->store, g.codes[k], &f, &err)) ||
            (rc = ilm_store_plan_list(c->store, g.codes[k], &plans, &n, &err)))
            break;
        json_t *published = json_array();
        for (size_t i = 0; i < n; i++)
            if (plans[i].published)
                json_array_append_new(published, plan_summary(c, &plans[i]));
        ilm_plan_summaries_free(plans, n);
        json_array_append_new(
            members, json_pack("{s:s, s:s, s:s, s:s, s:f, s:b, s:o}", "municipality", f.code,
                               "name", f.name, "size_class", ilm_size_class_name(f.size), "region",
                               f.region_name, "ets_share", f.ets_share, "industrial", f.industrial,
                               "published_plans", published));
    }
    json_t *out =
        json_pack("{s:{s:I, s:I, s:s, s:s}, s:o}", "group", "id", (json_int_t)g.id, "programme_id",
                  (json_int_t)g.programme_id, "name", g.name, "basis", g.basis, "members", members);
    free(g.name);
    free(g.application_ids);
    free(g.codes);
    if (rc) {
        json_decref(out);
        return reply_errors(req, rc, &err);
    }
    return reply_value(req, 200, out);
}

/* ---- outcomes ---- */

int h_programme_dashboard(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    ilm_dashboard d;
    int rc = ilm_app_dashboard(c->store, id, &d, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *json = ilm_dashboard_to_json(&d);
    ilm_dashboard_clear(&d);
    return reply_text(req, 200, json);
}

int h_programme_report(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    const char *format = http_query(req, "format");
    bool xlsx = format && strcmp(format, "xlsx") == 0;
    if (format && !xlsx && strcmp(format, "html") != 0)
        return reply_invalid(req, ILM_ERR_NOT_ONE_OF, "format", "format: expected html or xlsx");
    const char *lang;
    if (!query_lang(req, &lang))
        return 0;
    ilm_errors err = {0};
    ilm_dashboard d;
    int rc = ilm_app_dashboard(c->store, id, &d, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char *body = NULL;
    size_t len = 0;
    rc = xlsx ? ilm_programme_report_xlsx(&d, lang, &body, &len, &err)
              : ilm_programme_report_html(&d, lang, &body, &len, &err);
    ilm_dashboard_clear(&d);
    if (rc)
        return reply_errors(req, rc, &err);
    char disposition[80];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"programme-%" PRId64 ".%s\"",
             id, xlsx ? "xlsx" : "html");
    if (xlsx)
        http_add_header(req, "Content-Disposition", disposition);
    return http_reply_take(req, 200,
                           xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml."
                                  "sheet"
                                : "text/html; charset=utf-8",
                           body, len);
}

/* ---- council decisions on plans ---- */

static int reply_decisions(http_request *req, int64_t plan_id)
{
    api_ctx *c = api_context(req);
    ilm_errors err = {0};
    ilm_plan_stamp st;
    ilm_plan_decision *v = NULL;
    size_t n = 0;
    int rc = ilm_store_plan_stamp(c->store, plan_id, &st, &err);
    if (!rc)
        rc = ilm_store_plan_decisions(c->store, st.code, &v, &n, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i].plan_id == plan_id) {
            ilm_plan_decision tmp = v[k];
            v[k++] = v[i];
            v[i] = tmp;
        }
    }
    char *json = ilm_plan_decisions_to_json(v, k);
    ilm_plan_decisions_free(v, n);
    return reply_text(req, 200, json);
}

int h_plan_decisions(void *app, http_request *req)
{
    (void)app;
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    return reply_decisions(req, id);
}

int h_plan_decision_put(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    json_t *body = body_object(req);
    if (!body)
        return 0;
    static const char *const keys[] = {"kind", "body", "date", "section", "dnro", NULL};
    const char *kind, *dbody, *section, *dnro;
    char date[ILM_DATE_LEN];
    if (!only_keys(req, body, keys) || !opt_string(req, body, "kind", ILM_TEXT_KEY, &kind) ||
        !opt_string(req, body, "body", ILM_NAME_MAX, &dbody) || !opt_string(req, body, "section", SECTION_MAX, &section) ||
        !opt_string(req, body, "dnro", DNRO_MAX, &dnro) || !opt_day(req, body, "date", date)) {
        json_decref(body);
        return 0;
    }
    ilm_plan_decision d = {.plan_id = id};
    snprintf(d.kind, sizeof d.kind, "%s", kind ? kind : "council_target");
    memcpy(d.ref.date, date, sizeof date);
    d.ref.body = (char *)dbody;
    d.ref.section = (char *)section;
    d.ref.dnro = (char *)dnro;
    ilm_errors err = {0};
    int rc = ilm_store_plan_decision_set(c->store, &d, &err);
    json_decref(body);
    if (rc)
        return reply_errors(req, rc, &err);
    return reply_decisions(req, id);
}

/* ---- deletes ---- */

int h_contact_day_delete(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    int rc = ilm_store_contact_day_delete(c->store, id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return http_reply(req, 204, NULL, NULL, 0);
}

int h_sparring_delete(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    int rc = ilm_store_sparring_delete(c->store, id, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return http_reply(req, 204, NULL, NULL, 0);
}

int h_plan_decision_delete(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    const char *kind = http_query(req, "kind");
    if (!kind)
        return reply_invalid(req, ILM_ERR_NOT_ONE_OF, "kind",
                             "kind: required: council_target or board_proposal");
    ilm_errors err = {0};
    int rc = ilm_store_plan_decision_delete(c->store, id, kind, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    return http_reply(req, 204, NULL, NULL, 0);
}
