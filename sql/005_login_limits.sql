-- 005: failed logins, per client address and per account, kept in the
-- store so that a restart does not forget them and every server process
-- on one store sees the same counts.
--
-- Applied by ilm_store_open in one transaction. Never edited once released
-- (see 001_init.sql).
--
-- SPDX-License-Identifier: AGPL-3.0-or-later

-- One row per address ('address': "192.0.2.7", or an IPv6 /64 prefix),
-- per account ('account': the email as typed, lower-case, whether or not
-- it has an account, so that the limits do not tell which emails exist),
-- and per address and account ('pair': "192.0.2.7 anna@x.fi"), which says
-- whether that address has failed on that account. `failures` counts the
-- attempts since the last success, each one recorded before its password
-- is checked; `next_ms` is the earliest time of the next try (Unix
-- milliseconds; 0 for a pair). A success deletes the rows of its address,
-- account and pair; rows whose last attempt is old are deleted by the next
-- attempt (store_limits.c).
CREATE TABLE login_limit (
    kind TEXT NOT NULL CHECK (kind IN ('address', 'account', 'pair')),
    name TEXT NOT NULL CHECK (length(CAST(name AS BLOB)) BETWEEN 1 AND 400),
    failures INTEGER NOT NULL CHECK (failures >= 0),
    last_ms INTEGER NOT NULL,
    next_ms INTEGER NOT NULL,
    PRIMARY KEY (kind, name)
) STRICT, WITHOUT ROWID;

CREATE INDEX login_limit_by_age ON login_limit (last_ms);
