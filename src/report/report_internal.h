/* What the documents share: the facts of a plan gathered once (plan,
 * model result, municipality, inventory by year, sources, decisions),
 * sector and scope names in three languages, and the appeal wording.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#ifndef ILMAVA_REPORT_INTERNAL_H
#define ILMAVA_REPORT_INTERNAL_H

#include "ilmava/model.h"
#include "ilmava/plan.h"
#include "ilmava/programme.h"
#include "ilmava/report.h"
#include "ilmava/store.h"
#include "io/doc.h"

/* One inventory year in the three scopes side by side, t CO2e. */
typedef struct report_year {
    int year;
    double total, non_ets, hinku;
} report_year;

/* Monte Carlo draws for a plan whose settings ask for none: the UI's
 * views use the same (web/assets/views-plan.js, DRAWS). */
#define REPORT_DEFAULT_DRAWS 2000

typedef struct report_facts {
    ilm_plan *plan;     /* the stored plan on the store's current inventory */
    ilm_result *result; /* the model run with the plan's own draws (or
                           REPORT_DEFAULT_DRAWS when it has none) and seed:
                           the numbers the UI's views show */
    ilm_municipality muni;
    size_t n_years;
    report_year *years;       /* inventory years, ascending */
    ilm_inventory_view total; /* by year and sector, total scope (charts) */
    size_t n_decisions;
    ilm_plan_decision *decisions; /* on this plan, newest meeting first */
    size_t n_sectors;
    ilm_sector *sectors; /* the store's sectors: names in three languages, GPC */
} report_facts;

/* Loads plan `plan_id` and everything its documents show. Errors: no such
 * plan (ILM_ENOTFOUND), a plan without a target (reduction 0), a plan
 * the model cannot compute. */
int report_facts_load(ilm_store *s, int64_t plan_id, report_facts *f, ilm_errors *err);
void report_facts_clear(report_facts *f);

/* The year's figures, or NULL when the inventory has no such year. */
const report_year *report_year_find(const report_facts *f, int year);
/* The value of a year in a scope. */
double report_year_scope(const report_year *y, ilm_scope scope);

/* A sector key's name in the store ("district_heating" -> "Kaukolämpö");
 * the key itself when unknown. */
const char *report_sector_name(const report_facts *f, const char *key, const char *lang);
/* The store's sector of a key, or NULL. */
const ilm_sector *report_sector(const report_facts *f, const char *key);
/* A UI colour for a sector, as web/assets/charts.js draws it. */
const char *report_sector_color(const char *key);

/* The appeal instructions of a kind ("oikaisuvaatimus" for a board or
 * committee decision, "kunnallisvalitus" for a council decision) in a
 * language, from the data files in src/report/appeal/ (embedded at
 * build). NULL when missing. */
const char *report_appeal_text(const char *kind, const char *lang);

/* SYKE's published Hinku-rule total of `year` (t), where the import gave
 * one (the wide file); false otherwise. */
bool report_published_total(const report_facts *f, int year, double *t);

/* The administrative court whose district covers region `region_code`
 * (two digits), from src/report/texts/courts.txt, as "name, address,
 * e-mail" in `lang`. False when unknown (no region, Åland, no such line). */
bool report_court_for_region(const char *region_code, const char *lang, char *out, size_t n);

/* The municipality's form in a phrase table: copies the `n` strings of
 * `src` to `dst`, choosing in each "{a|b}" the municipality's word a
 * ("{kunnan|kaupungin}") or, when `city`, the city's b. The expanded strings
 * are malloc'ed and listed in *owned (NULL-terminated); free them with
 * report_forms_free after the last use of `dst`. A table of phrases is a
 * struct of `const char *` only, so it is passed as an array of them. */
int report_forms_apply(const char *const *src, const char **dst, size_t n, bool city,
                       char ***owned);
void report_forms_free(char **owned);

/* A measure of the result in the owner-ordered list of the documents. */
typedef struct report_measure {
    const ilm_measure *m;        /* the plan's measure */
    const ilm_measure_result *r; /* its result */
    const char *owner;           /* responsible, or `no_owner` */
    const char *name;            /* name, or id */
} report_measure;

/* The result's measures by owner, then name (malloc'ed, r->n_measures
 * entries; NULL when there are none or memory ran out). */
report_measure *report_measures_by_owner(const report_facts *f, const char *no_owner);

/* "2026-06-12" -> "12.6.2026" (fi, sv) or "12 June 2026" (en); text that
 * is not such a date is copied. */
void report_date(char *out, size_t n, const char *iso, const char *lang);

/* t -> "12,3" kt in the document's language. */
char *report_kt(char *buf, double t, const char *lang);

/* A share or probability as a percentage, as the UI shows it (share() in
 * web/assets/i18n.js): whole when one decimal would show .0, else one
 * decimal ("12,5 %", never "13 %"). */
char *report_share(char *buf, double fraction, const char *lang);

/* Plan model 1.1: why a measure does not count toward the target, in
 * `lang` (a static string): computed but outside the target's scope (an
 * ETS measure in a non_ets plan), or carried and not computed because its
 * stream has no inventory (ETS industry in a Hinku plan). `computed` says
 * which of the two. */
const char *report_scope_reason(const report_facts *f, const ilm_measure *m, bool computed,
                                const char *lang);

/* "outside the target's scope" in `lang`: the mark beside such a measure. */
const char *report_out_of_scope_label(const char *lang);

/* Appends one paragraph naming the measures that do not count toward the
 * target, each with its reason (report_scope_reason); nothing when every
 * measure counts. Cancelled measures are left out. */
void report_out_of_scope_para(ilm_doc *d, const report_facts *f, const char *lang);

#endif
