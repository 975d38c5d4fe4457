/* Documents and exports over HTTP: the decision item on a plan's target,
 * the climate plan, the board's application decision, and the plan's
 * tables as XLSX or CSV and its GPC inventory (docs/documents.md,
 * docs/exports.md). Every reply is a download (Content-Disposition:
 * attachment): the documents are self-contained files for the municipal
 * case-management system, not pages of the UI.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "ilmava/report.h"

static const char *const media[] = {"text/markdown; charset=utf-8", "text/html; charset=utf-8",
                                    "application/pdf"};
static const char *const extension[] = {"md", "html", "pdf"};

static int reply_download(http_request *req, const char *type, const char *name, char *body,
                          size_t len)
{
    char disposition[200];
    snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", name);
    http_add_header(req, "Content-Disposition", disposition);
    return http_reply_take(req, 200, type, body, len);
}

/* The format and language of the query (defaults md, fi); on a bad one
 * replies 422 naming the parameter and returns false. */
static bool doc_query(http_request *req, ilm_doc_format *f, const char **lang)
{
    ilm_errors err = {0};
    const char *format = http_query(req, "format");
    *lang = http_query(req, "lang");
    *f = ILM_DOC_MD;
    int rc = format ? ilm_doc_format_parse(format, "format", f, &err) : 0;
    if (!rc && *lang)
        rc = ilm_report_lang_check(*lang, "lang", &err);
    if (rc) {
        reply_errors(req, rc, &err);
        return false;
    }
    return true;
}

/* The decision options from the query: body, date, section, dnro,
 * preparer, presenter, contact, court, and recipients separated by ";". */
static void decision_query(http_request *req, ilm_decision_options *o, const char **list,
                           size_t cap, char *recipients, size_t recipients_cap)
{
    o->body = http_query(req, "body");
    o->meeting_date = http_query(req, "date");
    o->section = http_query(req, "section");
    o->dnro = http_query(req, "dnro");
    o->preparer = http_query(req, "preparer");
    o->presenter = http_query(req, "presenter");
    o->contact = http_query(req, "contact");
    o->court = http_query(req, "court");
    const char *r = http_query(req, "recipients");
    o->recipients = list;
    o->n_recipients = 0;
    if (!r)
        return;
    snprintf(recipients, recipients_cap, "%s", r);
    for (char *save = NULL, *tok = strtok_r(recipients, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save)) {
        while (*tok == ' ')
            tok++;
        list[o->n_recipients++] = tok;
        if (o->n_recipients > cap)
            break; /* one over the cap (list has cap + 1 slots): the check names it */
    }
}

/* A decision item: on a plan's target or on an application, by `draft`. */
typedef int (*decision_draft)(ilm_store *s, int64_t id, const ilm_decision_options *o,
                              ilm_doc_format f, char **out, size_t *len, ilm_errors *err);

static int reply_decision(http_request *req, decision_draft draft, const char *name_format)
{
    api_ctx *c = api_context(req);
    int64_t id;
    ilm_doc_format f;
    ilm_decision_options o = {0};
    if (!param_id(req, "id", &id) || !doc_query(req, &f, &o.lang))
        return 0;
    /* One slot over the cap, so that the report's check names it. */
    const char *list[31];
    char recipients[4096];
    decision_query(req, &o, list, 30, recipients, sizeof recipients);
    ilm_errors err = {0};
    char *body = NULL;
    size_t len = 0;
    int rc = draft(c->store, id, &o, f, &body, &len, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char name[80];
    snprintf(name, sizeof name, name_format, id, extension[f]);
    return reply_download(req, media[f], name, body, len);
}

int h_document_decision(void *app, http_request *req)
{
    (void)app;
    return reply_decision(req, ilm_report_decision, "decision-plan-%" PRId64 ".%s");
}

int h_document_plan(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    ilm_doc_format f;
    ilm_plan_doc_options o = {0};
    if (!param_id(req, "id", &id) || !doc_query(req, &f, &o.lang))
        return 0;
    ilm_errors err = {0};
    char *body = NULL;
    size_t len = 0;
    int rc = ilm_report_climate_plan(c->store, id, &o, f, &body, &len, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char name[80];
    snprintf(name, sizeof name, "climate-plan-%" PRId64 ".%s", id, extension[f]);
    return reply_download(req, media[f], name, body, len);
}

int h_document_application(void *app, http_request *req)
{
    (void)app;
    return reply_decision(req, ilm_report_application_decision,
                          "application-%" PRId64 "-decision.%s");
}

int h_export_xlsx(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    char *body = NULL;
    size_t len = 0;
    int rc = ilm_export_xlsx(c->store, id, http_query(req, "lang"), &body, &len, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char name[80];
    snprintf(name, sizeof name, "plan-%" PRId64 ".xlsx", id);
    return reply_download(req, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          name, body, len);
}

int h_export_csv(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    const char *table = http_query(req, "table");
    ilm_errors err = {0};
    char *body = NULL;
    size_t len = 0;
    int rc = ilm_export_csv(c->store, id, table, http_query(req, "lang"), &body, &len, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char name[80];
    snprintf(name, sizeof name, "plan-%" PRId64 "-%s.csv", id, table);
    return reply_download(req, "text/csv; charset=utf-8", name, body, len);
}

int h_export_gpc(void *app, http_request *req)
{
    (void)app;
    api_ctx *c = api_context(req);
    int64_t id;
    if (!param_id(req, "id", &id))
        return 0;
    ilm_errors err = {0};
    char *body = NULL;
    size_t len = 0;
    int rc = ilm_export_gpc_csv(c->store, id, &body, &len, &err);
    if (rc)
        return reply_errors(req, rc, &err);
    char name[80];
    snprintf(name, sizeof name, "plan-%" PRId64 "-gpc.csv", id);
    return reply_download(req, "text/csv; charset=utf-8", name, body, len);
}
