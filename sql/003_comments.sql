-- 003: comments on plans, by the municipality's own people and by the
-- experts assigned to it (the sparring). A comment is kept with its
-- author's email as written, so it stays readable after the account is
-- disabled.
--
-- SPDX-License-Identifier: AGPL-3.0-or-later

CREATE TABLE comment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id INTEGER NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    created_at TEXT NOT NULL -- UTC, ISO 8601
) STRICT;

CREATE INDEX comment_by_plan ON comment (plan_id, id);
