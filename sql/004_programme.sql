-- 004: the coaching programme: programmes with phases, contact periods and
-- contact days; applications with participants; eligibility overrides,
-- decisions and own funding; attendance; the sparring log; peer groups.
-- Also the council decisions that approve a plan's target, which
-- eligibility asks about.
--
-- Dates are ISO 8601 days ('2026-03-01'), checked by shape; times are UTC
-- ISO 8601 like everywhere else. Free texts are capped so that a hostile
-- client cannot fill the disk through one field.
--
-- SPDX-License-Identifier: AGPL-3.0-or-later

-- A decision of a municipal body, as the minutes record it: the body
-- (valtuusto, hallitus, ...), the meeting date, the section (§) and the
-- diary number (Dnro). A plan whose target the council has set has one of
-- these with kind 'council_target'.
CREATE TABLE plan_decision (
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('council_target', 'board_proposal')),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 200),
    meeting_date TEXT NOT NULL CHECK (meeting_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    section TEXT CHECK (length(section) <= 20),   -- "§ 45"; NULL when not known yet
    dnro TEXT CHECK (length(dnro) <= 60),         -- "123/11.00/2026"
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, kind)
) STRICT, WITHOUT ROWID;

CREATE TABLE programme (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    year INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    description TEXT NOT NULL DEFAULT '' CHECK (length(description) <= 20000),
    apply_from TEXT NOT NULL CHECK (apply_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    apply_until TEXT NOT NULL CHECK (apply_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    capacity_min INTEGER NOT NULL CHECK (capacity_min >= 1),
    capacity_max INTEGER NOT NULL CHECK (capacity_max >= capacity_min AND capacity_max <= 1000),
    own_funding_eur REAL NOT NULL CHECK (own_funding_eur >= 0),
    -- The criteria as the call for applications words them (shown to
    -- applicants); eligibility itself is computed, see the app layer.
    eligibility_text TEXT NOT NULL DEFAULT '' CHECK (length(eligibility_text) <= 20000),
    -- Selection: the weights of the score's criteria (a JSON object) and
    -- the diversity limits: no region and no size class over this share of
    -- the cohort.
    score_weights TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(score_weights)),
    max_region_share REAL NOT NULL DEFAULT 0.4 CHECK (max_region_share > 0 AND max_region_share <= 1),
    max_size_share REAL NOT NULL DEFAULT 0.5 CHECK (max_size_share > 0 AND max_size_share <= 1),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (apply_from <= apply_until)
) STRICT;

-- Orientation, municipality-specific work, peer learning, expert sparring;
-- each for the top civil-service leadership, the political leadership, or
-- both.
CREATE TABLE programme_phase (
    programme_id INTEGER NOT NULL REFERENCES programme (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    key TEXT NOT NULL CHECK (key IN ('orientation', 'municipal_work', 'peer_learning',
                                     'expert_sparring')),
    audience TEXT NOT NULL CHECK (audience IN ('civil_service', 'political', 'both')),
    PRIMARY KEY (programme_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE contact_period (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programme (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    starts TEXT NOT NULL CHECK (starts GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ends TEXT NOT NULL CHECK (ends GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    CHECK (starts <= ends)
) STRICT;

CREATE INDEX contact_period_by_programme ON contact_period (programme_id, position);

CREATE TABLE contact_day (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period_id INTEGER NOT NULL REFERENCES contact_period (id) ON DELETE CASCADE,
    day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    place TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 200), -- "Joensuu" or "online"
    online INTEGER NOT NULL DEFAULT 0 CHECK (online IN (0, 1)),
    agenda TEXT NOT NULL DEFAULT '' CHECK (length(agenda) <= 20000),
    audience TEXT NOT NULL CHECK (audience IN ('civil_service', 'political', 'both')),
    -- The phase the day serves (NULL: none named); its audience must fit
    -- the phase's, which the app layer checks with the rest of the shape.
    phase TEXT CHECK (phase IN ('orientation', 'municipal_work', 'peer_learning',
                                'expert_sparring'))
) STRICT;

CREATE INDEX contact_day_by_period ON contact_day (period_id, day);

CREATE TABLE application (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programme (id) ON DELETE CASCADE,
    municipality TEXT NOT NULL REFERENCES municipality (code),
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'withdrawn')),
    climate_work TEXT NOT NULL DEFAULT '' CHECK (length(climate_work) <= 20000),
    -- The applicant's own account of its council target (the store's
    -- plan_decision is the evidence eligibility checks).
    has_council_target INTEGER NOT NULL DEFAULT 0 CHECK (has_council_target IN (0, 1)),
    target_body TEXT, target_date TEXT, target_section TEXT, target_dnro TEXT,
    tells_easy_from_hard INTEGER NOT NULL DEFAULT 0 CHECK (tells_easy_from_hard IN (0, 1)),
    easy_hard_how TEXT NOT NULL DEFAULT '' CHECK (length(easy_hard_how) <= 20000),
    problems TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(problems)), -- JSON array of texts
    sparring_problem TEXT NOT NULL DEFAULT '' CHECK (length(sparring_problem) <= 5000),
    own_funding_accepted INTEGER NOT NULL DEFAULT 0 CHECK (own_funding_accepted IN (0, 1)),
    -- The board decision that approved applying.
    board_body TEXT, board_date TEXT, board_section TEXT, board_dnro TEXT,
    -- The language of the notifications: 'fi', 'sv' or 'en'; NULL: by the
    -- rule of docs/programme.md (Swedish for Swedish-speaking ones).
    language TEXT CHECK (language IN ('fi', 'sv', 'en')),
    -- The organiser's acceptance despite an unmet criterion.
    override_reason TEXT CHECK (length(override_reason) <= 5000),
    override_condition TEXT CHECK (length(override_condition) <= 5000),
    -- The organiser's decision.
    decision TEXT NOT NULL DEFAULT 'pending'
        CHECK (decision IN ('pending', 'accepted', 'waitlisted', 'rejected')),
    decision_reason TEXT CHECK (length(decision_reason) <= 5000),
    decided_at TEXT,
    -- The gap to target when the municipality was accepted (t, from the
    -- plan named), so that the dashboard can show start and now.
    start_plan_id INTEGER,
    start_gap REAL,
    start_gap_at TEXT,
    -- Own funding.
    invoiced_at TEXT, paid_at TEXT,
    submitted_at TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (programme_id, municipality)
) STRICT;

CREATE TABLE participant (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    level TEXT NOT NULL CHECK (level IN ('civil_service', 'political')),
    phases TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(phases)) -- JSON array of phase keys
) STRICT;

CREATE INDEX participant_by_application ON participant (application_id, position);

CREATE TABLE attendance (
    contact_day_id INTEGER NOT NULL REFERENCES contact_day (id) ON DELETE CASCADE,
    participant_id INTEGER NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    present INTEGER NOT NULL CHECK (present IN (0, 1)),
    PRIMARY KEY (contact_day_id, participant_id)
) STRICT, WITHOUT ROWID;

-- The sparring log of one participating municipality: expert notes on its
-- chosen problem, commitments with an owner and a due date, next steps.
CREATE TABLE sparring_entry (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('note', 'commitment', 'next_step')),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    owner TEXT CHECK (length(owner) <= 200),
    due TEXT CHECK (due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX sparring_by_application ON sparring_entry (application_id, id);

CREATE TABLE peer_group (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    programme_id INTEGER NOT NULL REFERENCES programme (id) ON DELETE CASCADE,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    basis TEXT NOT NULL CHECK (basis IN ('similarity', 'problem', 'manual'))
) STRICT;

CREATE TABLE peer_group_member (
    group_id INTEGER NOT NULL REFERENCES peer_group (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES application (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, application_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX peer_group_member_by_application ON peer_group_member (application_id);
