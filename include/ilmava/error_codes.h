/* ilmava: the machine codes of error messages, with their parameters.
 *
 * Every message a user can cause has one of these codes besides its English
 * text, so that a client (the web UI) can say it in its own language from
 * its catalogue (web/assets/i18n-*.js, key "err.<code>"). Each entry is
 * X(ENUM, "code", "names"), where names are the parameter names, separated by one
 * space, are the keys of the message's "params" in the API's errors
 * (docs/API.md, "Error codes"). A parameter named `value` is the value the
 * field was given; for a field that holds a fraction (a share, a
 * reduction), the number is that fraction and the UI shows it in %.
 *
 * The codes are stable: add new ones, never rename one. tests/check_error_
 * codes.py fails when a code lacks a message in one of the catalogues.
 *
 * SPDX-License-Identifier: AGPL-3.0-or-later
 */
#ifndef ILMAVA_ERROR_CODES_H
#define ILMAVA_ERROR_CODES_H

/* clang-format off */
#define ILM_ERROR_CODES(X) \
    /* generic: what a user cannot cause, or did not get a code */ \
    X(INVALID, "invalid", "") \
    /* values */ \
    X(REQUIRED, "required", "") \
    X(NOT_FINITE, "not_finite", "") \
    X(NOT_A_NUMBER, "not_a_number", "") \
    X(NOT_A_STRING, "not_a_string", "") \
    X(NOT_A_DATE, "not_a_date", "") \
    X(WRONG_TYPE, "wrong_type", "") \
    X(UNKNOWN_FIELD, "unknown_field", "") \
    X(NOT_ONE_OF, "not_one_of", "allowed") \
    X(OUT_OF_RANGE, "out_of_range", "value min max") \
    X(BELOW_MIN, "below_min", "value min") \
    X(NOT_ABOVE, "not_above", "value min") \
    X(NEGATIVE, "negative", "value") \
    X(NOT_SHARE, "not_share", "value") \
    X(TEXT_TOO_LONG, "text_too_long", "length max") \
    X(TEXT_LENGTH, "text_length", "min max") \
    X(TOO_MANY, "too_many", "count max") \
    /* the plan */ \
    X(BEFORE_START, "before_start", "value start") \
    X(DUPLICATE_ID, "duplicate_id", "value") \
    X(BAD_KEY, "bad_key", "") \
    X(SHARE_OR_ABSOLUTE, "share_or_absolute", "") \
    X(UNKNOWN_SECTOR, "unknown_sector", "value") \
    X(RANGE_ORDER, "range_order", "low mode high") \
    X(RANGE_NOT_SHARE, "range_not_share", "low mode high") \
    X(MODE_DIFFERS, "mode_differs", "mode value") \
    X(LIFETIME_REQUIRED, "lifetime_required", "") \
    X(NO_INVENTORY, "no_inventory", "") \
    X(DUPLICATE_RECORD, "duplicate_record", "year sector") \
    X(DUPLICATE_YEAR, "duplicate_year", "value") \
    X(BASE_NOT_IN_INVENTORY, "base_not_in_inventory", "value") \
    X(AFTER_LAST_INVENTORY, "after_last_inventory", "value last") \
    X(NOT_AFTER_INVENTORY, "not_after_inventory", "value last") \
    X(BEFORE_TARGET_YEAR, "before_target_year", "value target") \
    X(TOO_MANY_YEARS, "too_many_years", "value max") \
    X(EASY_ABOVE_HARD, "easy_above_hard", "value hard") \
    X(VERSION_CONFLICT, "version_conflict", "") \
    /* the programme */ \
    X(DATE_BEFORE, "date_before", "value other") \
    X(NOT_AFTER_PREVIOUS, "not_after_previous", "value previous") \
    X(DAY_OUTSIDE_PERIOD, "day_outside_period", "value starts ends") \
    X(CAPACITY_ORDER, "capacity_order", "min max") \
    X(LISTED_TWICE, "listed_twice", "value") \
    X(NOT_A_PHASE, "not_a_phase", "value") \
    X(AUDIENCE_MISFIT, "audience_misfit", "value phase") \
    X(NO_PHASE_FOR_AUDIENCE, "no_phase_for_audience", "value") \
    X(OWNER_REQUIRED, "owner_required", "") \
    X(APPLICATIONS_CLOSED, "applications_closed", "until") \
    X(APPLICATIONS_NOT_OPEN, "applications_not_open", "from") \
    X(ALREADY_DECIDED, "already_decided", "status") \
    X(NOT_SUBMITTED, "not_submitted", "status") \
    X(NOT_DECIDED, "not_decided", "") \
    X(ALREADY_APPLIED, "already_applied", "") \
    X(NO_SUCH_RECORD, "no_such_record", "") \
    X(IN_ANOTHER_GROUP, "in_another_group", "") \
    X(NOT_APPLICANT, "not_applicant", "") \
    /* decisions and documents */ \
    X(BAD_DNRO, "bad_dnro", "") \
    X(BAD_SECTION, "bad_section", "") \
    /* imports */ \
    X(BAD_VALUE, "bad_value", "line column name") \
    X(BAD_LINE, "bad_line", "line") \
    X(BAD_HEADER, "bad_header", "column") \
    X(FILE_TOO_LARGE, "file_too_large", "") \
    X(NOT_A_MUNICIPALITY, "not_a_municipality", "") \
    X(UNKNOWN_MUNICIPALITY, "unknown_municipality", "") \
    X(OTHER_MUNICIPALITY, "other_municipality", "value expected") \
    X(ABOVE_CAP, "above_cap", "value max") \
    /* accounts and sign-in */ \
    X(BAD_EMAIL, "bad_email", "") \
    X(PASSWORD_LENGTH, "password_length", "min max") \
    X(USER_EXISTS, "user_exists", "") \
    X(MUNICIPALITY_RULE, "municipality_rule", "")
/* clang-format on */

#endif
