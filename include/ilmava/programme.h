/* ilmava: the coaching programme (docs/programme.md). An organiser runs a
 * programme for the top management of a cohort of municipalities: phases
 * with their audiences, contact periods with contact days, applications
 * with participants, eligibility computed criterion by criterion, the
 * selection of a cohort, attendance, the sparring log, peer groups, the
 * cohort dashboard and the report.
 *
 * The records are plain data, as plan.h's are. The store functions keep
 * them (one transaction and audit rows per change); the ilm_app_*
 * functions combine the store and the plan model; the pure checks and
 * the cohort proposal need neither.
 *
 * Dates are ISO 8601 days, "2026-03-01", in char[ILM_DATE_LEN] ("" when
 * none); times are UTC, "2026-11-28T12:00:00Z".
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_PROGRAMME_H
#define ILMAVA_PROGRAMME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ilmava/error.h"
#include "ilmava/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ILM_DATE_LEN 11
#define ILM_TIME_LEN 21

/* Caps on what one programme or application may hold: a hostile client
 * must not make the server allocate without bound. */
#define ILM_PROGRAMME_MAX_PERIODS 20
#define ILM_PROGRAMME_MAX_DAYS 60 /* per period */
#define ILM_APPLICATION_MAX_PARTICIPANTS 50
#define ILM_APPLICATION_MAX_PROBLEMS 20
#define ILM_TEXT_MAX 20000      /* descriptions, agendas, climate work */
#define ILM_SHORT_TEXT_MAX 5000 /* reasons, conditions, problems */
#define ILM_NAME_MAX 200        /* names, titles, places, bodies */

typedef enum ilm_audience {
    ILM_AUDIENCE_CIVIL_SERVICE, /* the top civil-service leadership */
    ILM_AUDIENCE_POLITICAL,     /* the political leadership */
    ILM_AUDIENCE_BOTH
} ilm_audience;

/* "civil_service", "political", "both"; parse: ILM_EINVAL when unknown. */
const char *ilm_audience_name(ilm_audience a);
int ilm_audience_parse(const char *s, ilm_audience *out);

typedef enum ilm_phase_key {
    ILM_PHASE_ORIENTATION,
    ILM_PHASE_MUNICIPAL_WORK,
    ILM_PHASE_PEER_LEARNING,
    ILM_PHASE_EXPERT_SPARRING,
    ILM_PHASE_COUNT
} ilm_phase_key;

/* "orientation", "municipal_work", "peer_learning", "expert_sparring". */
const char *ilm_phase_name(ilm_phase_key k);
int ilm_phase_parse(const char *s, ilm_phase_key *out);

typedef struct ilm_phase {
    ilm_phase_key key;
    ilm_audience audience;
} ilm_phase;

typedef struct ilm_contact_day {
    int64_t id; /* 0: not stored yet */
    char day[ILM_DATE_LEN];
    char *place; /* "Joensuu", or "online" */
    bool online;
    char *agenda; /* may be NULL */
    ilm_audience audience;
    bool has_phase; /* the phase the day serves, when named */
    ilm_phase_key phase;
} ilm_contact_day;

typedef struct ilm_contact_period {
    int64_t id; /* 0: not stored yet */
    char *name;
    char starts[ILM_DATE_LEN], ends[ILM_DATE_LEN];
    size_t n_days;
    ilm_contact_day *days;
} ilm_contact_period;

/* The criteria of the selection score, each valued 0..1 (docs/programme.md):
 * the share of eligibility criteria met, the council target, measures
 * both easy and hard, own funding accepted, participants at the right
 * level, a sparring problem chosen, the board's decision to apply. */
typedef enum ilm_score_criterion {
    ILM_SCORE_ELIGIBILITY,
    ILM_SCORE_COUNCIL_TARGET,
    ILM_SCORE_EASY_HARD,
    ILM_SCORE_OWN_FUNDING,
    ILM_SCORE_PARTICIPANTS,
    ILM_SCORE_SPARRING_PROBLEM,
    ILM_SCORE_BOARD_DECISION,
    ILM_SCORE_COUNT
} ilm_score_criterion;

/* "eligibility", "council_target", "easy_hard", "own_funding",
 * "participants", "sparring_problem", "board_decision". */
const char *ilm_score_criterion_name(ilm_score_criterion c);
/* The default weights: 3, 2, 2, 1, 1, 1, 1. */
void ilm_score_weights_default(double w[ILM_SCORE_COUNT]);

typedef struct ilm_programme {
    int64_t id;      /* 0: not stored yet */
    int64_t version; /* raised by every save; 0 on a save: no version check */
    char *name;
    int year;
    char *description; /* may be NULL */
    char apply_from[ILM_DATE_LEN], apply_until[ILM_DATE_LEN];
    int capacity_min, capacity_max;
    double own_funding_eur;
    char *eligibility_text; /* the criteria as the call words them; may be NULL */
    double weights[ILM_SCORE_COUNT];
    double max_region_share, max_size_share; /* 0 < share <= 1 */
    size_t n_phases;                         /* in programme order; each key at most once */
    ilm_phase phases[ILM_PHASE_COUNT];
    size_t n_periods; /* in programme order */
    ilm_contact_period *periods;
    char created_at[ILM_TIME_LEN], updated_at[ILM_TIME_LEN];
} ilm_programme;

/* A new, empty programme with the default weights and shares (0.4 for a
 * region, 0.5 for a size class); NULL when out of memory. */
ilm_programme *ilm_programme_new(void);
/* Frees a programme and everything in it. NULL is allowed. */
void ilm_programme_free(ilm_programme *p);
void ilm_programmes_free(ilm_programme **v, size_t n);

/* The programme's shape: every field in range, capacity_min <=
 * capacity_max, apply_from <= apply_until, each contact day inside its
 * period, periods in order without overlap, each phase once, and the
 * audiences respected: a contact day's audience fits its phase's (a phase
 * for both admits any day; a civil-service phase admits only
 * civil-service days, a political one only political days), and a day
 * without a phase is for an audience that some phase has. One message per
 * problem, naming the field ("periods[0].days[1].day: 2026-05-02 is
 * outside the period 2026-03-01..2026-04-30"). ILM_EINVAL when any. */
int ilm_programme_check(const ilm_programme *p, ilm_errors *err);

/* The number of contact days in all periods. */
size_t ilm_programme_contact_days(const ilm_programme *p);

/* Whether `s` is a real calendar day "YYYY-MM-DD". */
bool ilm_date_valid(const char *s);
/* Today's UTC date into out. */
void ilm_date_today(char out[ILM_DATE_LEN]);

/* ---- applications ---- */

typedef enum ilm_level {
    ILM_LEVEL_NONE,          /* not given: the check refuses it */
    ILM_LEVEL_CIVIL_SERVICE, /* city manager, management group, heads of departments */
    ILM_LEVEL_POLITICAL      /* council and board chairs and members */
} ilm_level;

const char *ilm_level_name(ilm_level l); /* "", "civil_service", "political" */
int ilm_level_parse(const char *s, ilm_level *out);

typedef struct ilm_participant {
    int64_t id; /* 0: not stored yet */
    char *name, *title;
    ilm_level level;
    unsigned phases; /* bit (1u << ilm_phase_key) per phase attended */
} ilm_participant;

/* A decision as the minutes record it. body NULL: none recorded. */
typedef struct ilm_decision_ref {
    char *body; /* "Kaupunginvaltuusto" */
    char date[ILM_DATE_LEN];
    char *section; /* "§ 45"; may be NULL */
    char *dnro;    /* "727/11.00/2020"; may be NULL */
} ilm_decision_ref;

typedef enum ilm_application_status {
    ILM_APPLICATION_DRAFT,
    ILM_APPLICATION_SUBMITTED,
    ILM_APPLICATION_WITHDRAWN
} ilm_application_status;

typedef enum ilm_decision {
    ILM_DECISION_PENDING,
    ILM_DECISION_ACCEPTED,
    ILM_DECISION_WAITLISTED,
    ILM_DECISION_REJECTED
} ilm_decision;

const char *ilm_application_status_name(ilm_application_status s);
int ilm_application_status_parse(const char *s, ilm_application_status *out);
const char *ilm_decision_name(ilm_decision d);
int ilm_decision_parse(const char *s, ilm_decision *out);

typedef struct ilm_application {
    int64_t id; /* 0: not stored yet */
    int64_t programme_id;
    int64_t version; /* raised by every save; 0 on a save: no version check */
    char code[4];    /* the municipality */
    ilm_application_status status;
    char *climate_work;      /* the state of its climate work; may be NULL */
    bool has_council_target; /* the applicant's word; the store's decision is the evidence */
    ilm_decision_ref target; /* the council's target decision, when it has one */
    bool tells_easy_from_hard;
    char *easy_hard_how; /* may be NULL */
    size_t n_problems;
    char **problems;        /* the problems it must solve */
    char *sparring_problem; /* the one it chooses for sparring; may be NULL */
    bool own_funding_accepted;
    ilm_decision_ref board; /* the board decision that approved applying */
    char language[3];       /* "fi", "sv", "en"; "": by the rule */
    size_t n_participants;
    ilm_participant *participants;
    /* The organiser's: */
    char *override_reason;    /* accepted despite an unmet criterion, because */
    char *override_condition; /* on this condition ("set a target during the programme") */
    ilm_decision decision;
    char *decision_reason;
    char decided_at[ILM_TIME_LEN];
    char invoiced_at[ILM_DATE_LEN], paid_at[ILM_DATE_LEN]; /* own funding */
    /* The gap to target at acceptance (ilm_app_application_decide). */
    bool has_start_gap;
    int64_t start_plan_id;
    double start_gap; /* t; > 0 short of the target */
    char start_gap_at[ILM_TIME_LEN];
    char submitted_at[ILM_TIME_LEN], created_at[ILM_TIME_LEN], updated_at[ILM_TIME_LEN];
} ilm_application;

ilm_application *ilm_application_new(void);
void ilm_application_free(ilm_application *a);
void ilm_applications_free(ilm_application **v, size_t n);
void ilm_decision_ref_clear(ilm_decision_ref *d);

/* The application's own checks against its programme: texts within their
 * caps, each participant with a name, a title and a level
 * ("participants[1].level: required: civil_service or political"), the
 * phases they attend among the programme's, decision references with a
 * body and a real date. ILM_EINVAL with one message per problem. */
int ilm_application_check(const ilm_programme *p, const ilm_application *a, ilm_errors *err);

/* ---- the store (store_programme.c) ---- */

/* Stores a programme: id 0 creates it, otherwise replaces that one's
 * fields and phases; periods and days keep their ids (id 0: new) and
 * those no longer listed are deleted with their attendance. A stale
 * version is ILM_ECONFLICT. Audited as programme.create / programme.update.
 * The caller checks the shape first (ilm_programme_check). */
int ilm_store_programme_save(ilm_store *s, const ilm_programme *p, int64_t *id, ilm_errors *err);
/* Loads programme `id` with its phases, periods and days.
 * ILM_ENOTFOUND when there is none. */
int ilm_store_programme_load(ilm_store *s, int64_t id, ilm_programme **out, ilm_errors *err);
/* Every programme, newest year first, then by id. */
int ilm_store_programmes(ilm_store *s, ilm_programme ***out, size_t *n, ilm_errors *err);
/* The application period of programme `id`. ILM_ENOTFOUND when none. */
int ilm_store_programme_period(ilm_store *s, int64_t id, char from[ILM_DATE_LEN],
                               char until[ILM_DATE_LEN], ilm_errors *err);
/* The programme a contact day belongs to. ILM_ENOTFOUND when none. */
int ilm_store_contact_day_programme(ilm_store *s, int64_t day_id, int64_t *programme_id,
                                    ilm_errors *err);

/* Stores an application: id 0 creates it (a second one from the same
 * municipality to the same programme is ILM_ECONFLICT, naming the
 * field "municipality"); otherwise replaces that one's fields, its
 * participants keeping their ids (id 0: new). A stale version is
 * ILM_ECONFLICT. Audited as application.create / application.update
 * with the record before and after. */
int ilm_store_application_save(ilm_store *s, const ilm_application *a, int64_t *id,
                               ilm_errors *err);
int ilm_store_application_load(ilm_store *s, int64_t id, ilm_application **out, ilm_errors *err);
/* The applications to programme `programme_id` (code NULL: of every
 * municipality), by id. */
int ilm_store_applications(ilm_store *s, int64_t programme_id, const char *code,
                           ilm_application ***out, size_t *n, ilm_errors *err);

/* What the authorisation step needs of an application. */
typedef struct ilm_application_head {
    char code[4];
    int64_t programme_id;
    char apply_from[ILM_DATE_LEN], apply_until[ILM_DATE_LEN];
} ilm_application_head;
int ilm_store_application_head(ilm_store *s, int64_t id, ilm_application_head *out,
                               ilm_errors *err);

/* ---- council decisions on plans ---- */

typedef struct ilm_plan_decision {
    int64_t plan_id;
    char *plan_name;      /* when read; may be NULL */
    char code[4];         /* the plan's municipality, when read */
    char kind[24];        /* "council_target" or "board_proposal" */
    ilm_decision_ref ref; /* body and date required */
    char recorded_at[ILM_TIME_LEN];
} ilm_plan_decision;

/* Records (or replaces) the decision of `kind` on plan d->plan_id.
 * Audited as plan.decision. */
int ilm_store_plan_decision_set(ilm_store *s, const ilm_plan_decision *d, ilm_errors *err);
/* The decisions on the plans of municipality `code`, newest meeting
 * first. */
int ilm_store_plan_decisions(ilm_store *s, const char *code, ilm_plan_decision **out, size_t *n,
                             ilm_errors *err);
void ilm_plan_decisions_free(ilm_plan_decision *v, size_t n);
/* Removes the decision of `kind` on plan `plan_id`. Audited as
 * plan.decision.delete. ILM_ENOTFOUND when none is recorded. */
int ilm_store_plan_decision_delete(ilm_store *s, int64_t plan_id, const char *kind,
                                   ilm_errors *err);

/* ---- attendance ---- */

typedef struct ilm_attendance {
    int64_t contact_day_id, participant_id;
    int64_t application_id; /* when read */
    bool present;
} ilm_attendance;

/* Records attendance (replacing what was recorded for the same day and
 * participant). Each participant must belong to an application to the
 * day's programme: otherwise ILM_EINVAL naming "attendance[i]". Audited
 * as attendance.record. */
int ilm_store_attendance_record(ilm_store *s, int64_t programme_id, const ilm_attendance *v,
                                size_t n, ilm_errors *err);
/* All recorded attendance of programme `programme_id`. */
int ilm_store_attendance(ilm_store *s, int64_t programme_id, ilm_attendance **out, size_t *n,
                         ilm_errors *err);

/* ---- the sparring log ---- */

typedef enum ilm_sparring_kind {
    ILM_SPARRING_NOTE,       /* an expert's note on the chosen problem */
    ILM_SPARRING_COMMITMENT, /* with an owner and a due date */
    ILM_SPARRING_NEXT_STEP
} ilm_sparring_kind;

const char *ilm_sparring_kind_name(ilm_sparring_kind k); /* "note", "commitment", "next_step" */
int ilm_sparring_kind_parse(const char *s, ilm_sparring_kind *out);

typedef struct ilm_sparring_entry {
    int64_t id;
    int64_t application_id;
    ilm_sparring_kind kind;
    char *body;
    char *owner;            /* may be NULL; required for a commitment */
    char due[ILM_DATE_LEN]; /* required for a commitment */
    bool done;
    char *author; /* the actor, when read */
    char created_at[ILM_TIME_LEN], updated_at[ILM_TIME_LEN];
} ilm_sparring_entry;

/* Checks an entry: body 1..ILM_TEXT_MAX bytes, a commitment with an owner
 * and a real due date. */
int ilm_sparring_check(const ilm_sparring_entry *e, ilm_errors *err);
/* Adds (e->id 0) or replaces an entry, written by the handle's actor.
 * Audited as sparring.add / sparring.update. */
int ilm_store_sparring_save(ilm_store *s, const ilm_sparring_entry *e, int64_t *id,
                            ilm_errors *err);
/* The log of application `application_id`, oldest first. */
int ilm_store_sparring(ilm_store *s, int64_t application_id, ilm_sparring_entry **out, size_t *n,
                       ilm_errors *err);
/* One entry. ILM_ENOTFOUND when none. */
int ilm_store_sparring_get(ilm_store *s, int64_t id, ilm_sparring_entry *out, ilm_errors *err);
void ilm_sparring_entry_clear(ilm_sparring_entry *e);
void ilm_sparring_entries_free(ilm_sparring_entry *v, size_t n);
/* Removes a sparring entry. Audited as sparring.delete. */
int ilm_store_sparring_delete(ilm_store *s, int64_t id, ilm_errors *err);
/* Removes a contact day and its attendance. Audited as contact_day.delete. */
int ilm_store_contact_day_delete(ilm_store *s, int64_t id, ilm_errors *err);

/* ---- peer groups ---- */

typedef struct ilm_peer_group {
    int64_t id;
    int64_t programme_id;
    char *name;
    char basis[12]; /* "similarity", "problem" or "manual" */
    size_t n_members;
    int64_t *application_ids; /* by id */
    char (*codes)[4];         /* the members' municipalities, same order */
} ilm_peer_group;

void ilm_peer_groups_free(ilm_peer_group *v, size_t n);
/* Replaces every peer group of the programme with these (members by
 * application id; each application of the programme, at most one group).
 * Audited as peer_groups.set. */
int ilm_store_peer_groups_set(ilm_store *s, int64_t programme_id, const ilm_peer_group *v, size_t n,
                              ilm_errors *err);
/* The programme's groups, by id. */
int ilm_store_peer_groups(ilm_store *s, int64_t programme_id, ilm_peer_group **out, size_t *n,
                          ilm_errors *err);
/* One group. ILM_ENOTFOUND when none. */
int ilm_store_peer_group(ilm_store *s, int64_t id, ilm_peer_group *out, ilm_errors *err);

/* ---- the app layer (src/app/programme.c) ---- */

/* Creates (p->id 0) or changes a programme after ilm_programme_check. */
int ilm_app_programme_save(ilm_store *s, const ilm_programme *p, int64_t *id, ilm_errors *err);

/* One criterion of eligibility, explained. */
typedef enum ilm_criterion {
    ILM_CRITERION_COUNCIL_TARGET,
    ILM_CRITERION_EASY_AND_HARD,
    ILM_CRITERION_OWN_FUNDING,
    ILM_CRITERION_PARTICIPANTS,
    ILM_CRITERION_COUNT
} ilm_criterion;

/* "council_target", "easy_and_hard", "own_funding", "participants". */
const char *ilm_criterion_name(ilm_criterion c);

typedef struct ilm_eligibility_item {
    ilm_criterion criterion;
    bool met;
    char evidence[600]; /* "does not meet: no council-set climate target: ..." */
} ilm_eligibility_item;

typedef struct ilm_eligibility {
    ilm_eligibility_item items[ILM_CRITERION_COUNT];
    size_t n_met;
    bool eligible;   /* every criterion met */
    bool overridden; /* not eligible, but the organiser accepts it with a reason */
    /* The evidence the other views reuse: */
    int64_t plan_id; /* the plan assessed (0: none) */
    bool has_council_target;
    ilm_plan_decision council; /* the latest council target decision, when any */
    size_t classes[3];         /* measures per class (easy, moderate, hard) in the plan */
    bool plan_computed;        /* the model ran on the plan assessed */
    double gap;                /* the plan's gap to target, t (when plan_computed) */
    double easy_share;         /* when has_easy_share */
    bool has_easy_share;
} ilm_eligibility;

void ilm_eligibility_clear(ilm_eligibility *e);

/* Eligibility of application `a` to programme `p` against the store:
 * (1) the store holds a council_target decision on one of the
 * municipality's plans; (2) that plan's (else its most recently changed
 * plan's) measures fall into more than one class, both easy and hard, by
 * the plan model on the store's data; (3) the own funding is accepted;
 * (4) the participants are at the right level: at least one of the top
 * civil-service leadership, and everyone attends only phases whose
 * audience admits their level. Each with its evidence, in `lang` ("fi",
 * "sv", "en"; NULL: "en"). */
int ilm_app_eligibility(ilm_store *s, const ilm_programme *p, const ilm_application *a,
                        const char *lang, ilm_eligibility *out, ilm_errors *err);

/* The selection's facts about an applicant municipality. */
typedef enum ilm_size_class {
    ILM_SIZE_SMALL,  /* under 10 000 inhabitants */
    ILM_SIZE_MEDIUM, /* 10 000 to 49 999 */
    ILM_SIZE_LARGE,  /* 50 000 and more */
    ILM_SIZE_UNKNOWN /* no population in the store */
} ilm_size_class;

const char *ilm_size_class_name(ilm_size_class c); /* "small", "medium", "large", "unknown" */
ilm_size_class ilm_size_class_of(double population, bool known);

/* An ETS share of all emissions at or above this makes a town industrial. */
#define ILM_INDUSTRIAL_ETS_SHARE 0.25

typedef struct ilm_applicant_facts {
    char code[4];
    char name[120];    /* Finnish name */
    char name_sv[120]; /* "" when none */
    char region[120];  /* the region's code, else its Finnish name; "" unknown */
    char region_name[120];
    double population; /* 0 when unknown */
    ilm_size_class size;
    int year;         /* of the ETS share; 0 when no inventory */
    double ets_share; /* of all emissions in `year` */
    bool industrial;
    bool synthetic;
    char language[3]; /* the notification language by the rule */
} ilm_applicant_facts;

/* The facts of municipality `code` from the store. The language rule:
 * Swedish for the municipalities of Åland (region 21) and the mainland's
 * Swedish-speaking ones (Korsnäs 280, Larsmo 440, Närpes 545); Finnish
 * otherwise. An application's own language overrides it. */
int ilm_app_applicant_facts(ilm_store *s, const char *code, ilm_applicant_facts *out,
                            ilm_errors *err);

/* The weighted score, 0..100: sum(w_i * v_i) / sum(w_i) * 100 with the
 * criteria values of ilm_score_criterion (0 when every weight is 0). The
 * values go into v when it is not NULL. */
double ilm_programme_score(const double w[ILM_SCORE_COUNT], const ilm_application *a,
                           const ilm_eligibility *e, double v[ILM_SCORE_COUNT]);

/* One candidate of the cohort proposal. */
typedef struct ilm_candidate {
    int64_t id;         /* ties in score are broken by id, lower first */
    double score;       /* >= 0 */
    const char *region; /* a group key; "" counts as its own group */
    const char *size;   /* likewise */
    bool eligible;      /* eligible or overridden; others are never proposed */
} ilm_candidate;

typedef struct ilm_proposal {
    size_t n;      /* = the candidates' number */
    bool *chosen;  /* per candidate */
    size_t size;   /* how many chosen */
    double total;  /* their total score */
    bool feasible; /* a cohort of at least capacity_min was found */
    bool exact;    /* searched to the end (n <= ILM_PROPOSAL_EXACT_MAX) */
    /* Why the proposal has fewer than capacity_min: candidates says how
     * many were eligible (fewer than capacity_min: too few); otherwise the
     * diversity limit that binds (region_binds, size_binds: lifting that
     * limit alone would reach capacity_min; both when only lifting both
     * would). All false when the proposal is feasible. */
    size_t candidates;
    bool region_binds, size_binds;
} ilm_proposal;

/* Exhaustive search (branch and bound) up to this many eligible
 * candidates; greedy with a check beyond. */
#define ILM_PROPOSAL_EXACT_MAX 25

/* The proposed cohort: the set of eligible candidates of a size k in
 * capacity_min..capacity_max with the largest total score such that no
 * region has more than floor(max_region_share * k) members and no size
 * class more than floor(max_size_share * k) (each at least 1). Among
 * equal totals the larger cohort, then the one that takes the
 * higher-ranked candidates (score, then id) wins: deterministic. When no
 * k from capacity_min up works, the largest feasible smaller cohort is
 * proposed and feasible is false. Free with ilm_proposal_clear. */
int ilm_cohort_propose(const ilm_candidate *c, size_t n, int capacity_min, int capacity_max,
                       double max_region_share, double max_size_share, ilm_proposal *out,
                       ilm_errors *err);
void ilm_proposal_clear(ilm_proposal *p);

/* One row of the selection: an application side by side with the others. */
typedef struct ilm_selection_row {
    ilm_application *application; /* owned */
    ilm_eligibility eligibility;
    ilm_applicant_facts facts;
    double values[ILM_SCORE_COUNT];
    double score;
    bool candidate; /* submitted, and eligible or overridden */
    bool proposed;
    char why[200]; /* why it is not proposed, when it is not */
    /* The same as a code for a UI's catalogue: not_submitted, rejected,
     * not_eligible, capacity, region_limit or size_limit (why_cap: the
     * limit's cap of members), limits; "" when proposed. */
    char why_code[16];
    int why_cap;
} ilm_selection_row;

typedef struct ilm_selection {
    size_t n;
    ilm_selection_row *rows;  /* by score, highest first, then by id */
    ilm_proposal proposal;    /* over rows, in the same order */
    ilm_programme *programme; /* owned */
} ilm_selection;

/* Every application to programme `programme_id` (code: only that
 * municipality's; NULL all) with eligibility, score and facts, and the
 * proposed cohort; the evidence in `lang` (NULL: "en"). Clear with
 * ilm_selection_clear. */
int ilm_app_selection(ilm_store *s, int64_t programme_id, const char *code, const char *lang,
                      ilm_selection *out, ilm_errors *err);
void ilm_selection_clear(ilm_selection *sel);

/* Saves an application after its checks. `organiser` false: only until
 * the programme's apply_until (today's UTC date; `today` NULL for the
 * real one), only its own fields (status, texts, participants), and not
 * once it is decided. Creation sets the defaults of the organiser's
 * fields. */
int ilm_app_application_save(ilm_store *s, ilm_application *a, bool organiser, const char *today,
                             int64_t *id, ilm_errors *err);

/* The organiser's decision on application `id` with its reason. The
 * first acceptance records the gap to target of the municipality's plan
 * (the plan eligibility assessed) as the start gap. */
int ilm_app_application_decide(ilm_store *s, int64_t id, ilm_decision d, const char *reason,
                               ilm_errors *err);

/* A notification text of a decision in its language. */
typedef struct ilm_notification {
    char language[3];
    char subject[300];
    char body[3000];
} ilm_notification;

/* The notification of application `a`'s decision (pending: none,
 * ILM_EINVAL) in `language` ("fi", "sv", "en"; NULL: the application's,
 * else by the rule of ilm_app_applicant_facts). */
int ilm_programme_notification(const ilm_programme *p, const ilm_application *a,
                               const ilm_applicant_facts *f, const char *language,
                               ilm_notification *out, ilm_errors *err);

/* Forms the peer groups of the accepted applications automatically,
 * replacing the programme's groups: basis "similarity" (the peer
 * finder's distances, ilm_app_peers; municipalities it cannot compare are
 * grouped by size class) or "problem" (the same sparring problem, then
 * by size class). Groups have `group_size` members (2..10), the last ones
 * one fewer when it does not divide. */
int ilm_app_peer_groups_form(ilm_store *s, int64_t programme_id, const char *basis, int group_size,
                             ilm_errors *err);

/* One row of the cohort dashboard: an accepted municipality. */
typedef struct ilm_dashboard_row {
    int64_t application_id;
    char code[4];
    char name[120];
    bool target_since_start;  /* a council target decided since the programme began */
    bool has_target;          /* a council target at all */
    ilm_plan_decision target; /* the latest one, when has_target */
    bool has_start_gap, has_gap_now;
    double start_gap, gap_now; /* t */
    bool has_easy_share;
    double easy_share;
    size_t commitments_done, commitments_open;
    size_t attendance_present, attendance_recorded;
    size_t days_attended; /* contact days with any of its participants present */
    char invoiced_at[ILM_DATE_LEN], paid_at[ILM_DATE_LEN];
} ilm_dashboard_row;

typedef struct ilm_dashboard {
    ilm_programme *programme; /* owned */
    char began[ILM_DATE_LEN]; /* the first contact period's start, else apply_until */
    size_t contact_days;
    size_t days_held; /* contact days with any attendance recorded */
    size_t n;
    ilm_dashboard_row *rows; /* by municipality code */
} ilm_dashboard;

int ilm_app_dashboard(ilm_store *s, int64_t programme_id, ilm_dashboard *out, ilm_errors *err);
void ilm_dashboard_clear(ilm_dashboard *d);

/* The programme report: the programme and its dashboard, as a standalone
 * HTML page or an XLSX workbook (a zip written here, stored without
 * compression), in `lang` ("fi", "sv"; NULL or else "en"). *out is
 * malloc'd (free it), *len its size. */
int ilm_programme_report_html(const ilm_dashboard *d, const char *lang, char **out, size_t *len,
                              ilm_errors *err);
int ilm_programme_report_xlsx(const ilm_dashboard *d, const char *lang, char **out, size_t *len,
                              ilm_errors *err);

/* ---- JSON (src/app/programme_json.c) ----
 * The readers check types and keys and name the field at fault
 * ("periods[0].days[2].day"); the shape and application checks then run
 * on the record. */

/* A programme document. `base` (may be NULL) gives the values of keys
 * the document leaves out (a PUT of some fields). */
int ilm_programme_from_json(const char *json, size_t len, const ilm_programme *base,
                            ilm_programme **out, ilm_errors *err);
/* The programme as JSON, with "contact_days" (the total); malloc'd. */
char *ilm_programme_to_json(const ilm_programme *p);

/* An application document: the applicant's fields only. `base` as above. */
int ilm_application_from_json(const char *json, size_t len, const ilm_application *base,
                              ilm_application **out, ilm_errors *err);

/* The writers: malloc'd JSON text, NULL when out of memory (docs/API.md
 * shows each). An application with, when not NULL, its eligibility, the
 * applicant's facts and the notification of its decision. */
char *ilm_application_to_json(const ilm_application *a, const ilm_eligibility *e,
                              const ilm_applicant_facts *f, const ilm_notification *n);
/* The selection: every application side by side, and the proposal. */
char *ilm_selection_to_json(const ilm_selection *sel);
char *ilm_dashboard_to_json(const ilm_dashboard *d);
char *ilm_sparring_to_json(const ilm_sparring_entry *v, size_t n);
char *ilm_plan_decisions_to_json(const ilm_plan_decision *v, size_t n);
char *ilm_notification_to_json(const ilm_notification *n);

#ifdef __cplusplus
}
#endif

#endif
