/* ilmava: documents a municipality files, drafted from the live numbers.
 *
 * The decision item (pykälä) on a plan's climate target, the board's
 * decision to apply for a coaching programme, and the climate plan, each
 * in Finnish, Swedish or English, as Markdown, HTML or PDF; and the
 * plan's tables as XLSX or CSV for a spreadsheet, and the inventory in
 * the GPC sectors. Every number comes from the same store reads and
 * model run as `ilmava pathway` and the API.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_REPORT_H
#define ILMAVA_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ilmava/error.h"
#include "ilmava/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ilm_doc_format { ILM_DOC_MD, ILM_DOC_HTML, ILM_DOC_PDF } ilm_doc_format;

/* "md", "html" or "pdf"; otherwise an error naming `field` and a negative
 * code. */
int ilm_doc_format_parse(const char *s, const char *field, ilm_doc_format *out, ilm_errors *err);

/* "fi", "sv" or "en"; otherwise an error naming `field` ("lang: \"de\" is
 * not one of fi, sv, en") and a negative code. */
int ilm_report_lang_check(const char *lang, const char *field, ilm_errors *err);

/* A diary number `running/class/year`, e.g. "727/11.00/2020": running 1-6
 * digits, class two-digit groups joined by dots ("11.00", "00.01.02"),
 * year four digits. 0, or a negative code with a message naming `field`
 * that shows the expected form. */
int ilm_dnro_check(const char *dnro, const char *field, ilm_errors *err);

/* What a decision item needs besides the plan. NULL or "" leaves a field
 * blank to fill in by hand, except where said. */
typedef struct ilm_decision_options {
    const char *lang;              /* "fi", "sv", "en"; NULL: "fi" */
    const char *body;              /* "KV", "KH" or a body's own name; NULL: KV
                                      (for an application: KH) */
    const char *meeting_date;      /* YYYY-MM-DD */
    const char *section;           /* "45" or "§ 45" */
    const char *dnro;              /* checked by ilm_dnro_check; blank prints
                                      the default class: "____/11.00/2026" */
    const char *preparer;          /* valmistelija, with title */
    const char *presenter;         /* esittelijä */
    const char *contact;           /* lisätiedot: "name, title, phone" */
    const char *court;             /* the appeal court's name and address for a
                                      council decision; NULL: the court of the
                                      municipality's region (src/report/texts/
                                      courts.txt), or a line to fill in */
    const char *const *recipients; /* otteet; NULL: a default list */
    size_t n_recipients;
} ilm_decision_options;

/* The decision item on plan `plan_id`'s climate target. Fails with a
 * clear error when the plan has no target, the language or Dnro is wrong,
 * or the plan cannot be computed. *out is malloc'ed (*len bytes). */
int ilm_report_decision(ilm_store *s, int64_t plan_id, const ilm_decision_options *o,
                        ilm_doc_format f, char **out, size_t *len, ilm_errors *err);

/* The board's (KH) decision to apply for a coaching programme, from
 * application `application_id`. */
int ilm_report_application_decision(ilm_store *s, int64_t application_id,
                                    const ilm_decision_options *o, ilm_doc_format f, char **out,
                                    size_t *len, ilm_errors *err);

/* The municipal climate plan of plan `plan_id` in the contents the Climate
 * Act names (target; measures with owners, schedule, cost and reduction;
 * emissions with charts; monitoring; optional adaptation; appendices). */
typedef struct ilm_plan_doc_options {
    const char *lang;       /* NULL: "fi" */
    const char *adaptation; /* the optional adaptation section's text; NULL: left out */
} ilm_plan_doc_options;

int ilm_report_climate_plan(ilm_store *s, int64_t plan_id, const ilm_plan_doc_options *o,
                            ilm_doc_format f, char **out, size_t *len, ilm_errors *err);

/* ---- exports (src/report/export.c, docs/exports.md) ---- */

/* The plan's tables as one XLSX workbook: sheets for the inventory, the
 * yearly totals (total, non-ETS, Hinku), the target, the pathway by year,
 * the measures and the Monte Carlo percentiles, in t CO2e as number cells,
 * headers in `lang` (NULL: fi) with their units. */
int ilm_export_xlsx(ilm_store *s, int64_t plan_id, const char *lang, char **out, size_t *len,
                    ilm_errors *err);

/* One of those tables as CSV (UTF-8, comma-separated, full-precision
 * numbers with a decimal point): `table` is inventory, totals, target,
 * pathway, measures or montecarlo. */
int ilm_export_csv(ilm_store *s, int64_t plan_id, const char *table, const char *lang, char **out,
                   size_t *len, ilm_errors *err);

/* The inventory mapped to the GHG Protocol GPC sectors (Covenant of
 * Mayors), one row per year and stream, in the layout of docs/exports.md. */
int ilm_export_gpc_csv(ilm_store *s, int64_t plan_id, char **out, size_t *len, ilm_errors *err);

#ifdef __cplusplus
}
#endif

#endif
