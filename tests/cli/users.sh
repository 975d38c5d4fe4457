#!/bin/sh
# Accounts on the command line: user add (password from stdin or made up
# and printed once), list, passwd, disable, and the refusals (bad role,
# bad email, duplicate, organiser with a municipality, editor without),
# each leaving the store as it was. Also that changes made on the command
# line are audited as cli:LOGIN, and that no password or hash reaches the
# audit trail.
#
# Environment: ILMAVA_BIN, ILMAVA_TESTDATA. Needs sqlite3 (the CLI).
# Exit: 0 all passed, 1 some case failed, 77 nothing could run.
# SPDX-License-Identifier: AGPL-3.0-or-later

LC_ALL=C.UTF-8
export LC_ALL

me=users.sh
BIN=${ILMAVA_BIN:-}
DATA=${ILMAVA_TESTDATA:-}/store
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
    echo "$me: skipped: ILMAVA_BIN is not set or not executable ('$BIN')"
    exit 77
fi
if [ ! -f "$DATA/register.csv" ]; then
    echo "$me: skipped: no $DATA/register.csv"
    exit 77
fi
if ! command -v sqlite3 >/dev/null; then
    echo "$me: skipped: the sqlite3 command is not installed"
    exit 77
fi

. "$(dirname "$0")/lib.sh"

unset ILMAVA_DB
DB=$TMP/users.db
LOGNAME=tester
export LOGNAME

db() {
    run --db "$DB" "$@"
}
# db_in TEXT ARGS...: the binary with TEXT on stdin.
db_in() {
    input=$1
    shift
    printf '%s\n' "$input" | "$BIN" --db "$DB" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}
checksum() {
    sqlite3 "$DB" .dump | sha256sum | cut -d' ' -f1
}
sql() {
    sqlite3 "$DB" "$1"
}
# verify EMAIL PASSWORD: whether the stored hash is an argon2id string that
# is not the password itself (the hash is checked by the unit tests).
is_hashed() {
    h=$(sql "SELECT password_hash FROM user_account WHERE email = '$1'")
    case $h in '$argon2id$'*) ;; *) bad "the hash of $1 is '$h', not argon2id" ;; esac
    [ "$h" != "$2" ] || bad "the password of $1 is stored as it is"
}

db --create import municipalities "$DATA/register.csv"
[ "$rc" -eq 0 ] || { echo "$me: cannot import the register"; cat "$TMP/err"; exit 1; }

# ---- user add ----

begin
db_in "anna's password" user add Anna@Example.FI --role editor --municipality 701 \
    --municipality Kokeenkylä --password-stdin
expect_rc 0
expect_no_stderr
out_has "user 1: anna@example.fi, editor, municipalities 701,702"
grep -q "password:" "$TMP/out" && bad "a password given on stdin was printed"
is_hashed anna@example.fi "anna's password"
[ "$(sql "SELECT count(*) FROM user_municipality")" -eq 2 ] || bad "not two municipalities"
finish "user add/password from stdin, email lower-cased, name taken for a code"

begin
db user add org@example.fi --role organiser
expect_rc 0
out_has "user 2: org@example.fi, organiser, municipalities -"
pw=$(sed -n 's/^password: //p' "$TMP/out")
case $pw in
????????????????????) ;;
*) bad "the generated password is '$pw', not 20 characters" ;;
esac
case $pw in *[!A-Za-z0-9]*) bad "the generated password '$pw' is not letters and digits" ;; esac
is_hashed org@example.fi "$pw"
finish "user add/generated password printed once"

begin
before=$(checksum)
db_in "" user add bert@example.fi --role viewer --municipality 701 --password-stdin
expect_rc 2
err_has "password: 0 bytes"
db_in "short" user add bert@example.fi --role viewer --municipality 701 --password-stdin
expect_rc 2
err_has "password: 5 bytes; it must be 10 to 1024"
db user add bert@example.fi --role admin --municipality 701
expect_rc 2
err_has "--role: 'admin' is not one of organiser, editor, viewer, expert"
db user add bert@example.fi --municipality 701
expect_rc 2
err_has "--role is required"
db user add ANNA@example.fi --role viewer --municipality 701
expect_rc 2
err_has "user anna@example.fi already exists"
db user add bert --role viewer --municipality 701
expect_rc 2
err_has "not an address"
db user add bert@example.fi --role organiser --municipality 701
expect_rc 2
err_has "an organiser works on every municipality"
db user add bert@example.fi --role editor
expect_rc 2
err_has "an editor needs at least one municipality"
db user add bert@example.fi --role viewer --municipality 799
expect_rc 2
err_has "799"
db user add bert@example.fi --role viewer --municipality 701 --colour red
expect_rc 2
err_has "unknown option '--colour'"
[ -s "$TMP/out" ] && bad "a refused add printed on stdout"
[ "$(checksum)" = "$before" ] || bad "a refused user add changed the store"
finish "user add/refusals change nothing"

# ---- list ----

begin
db user list
expect_rc 0
out_has "anna@example.fi"
out_has "701,702"
out_has "org@example.fi"
out_has "organiser"
head -n 1 "$TMP/out" | grep -q "email" || bad "no header line"
db user list --json
expect_rc 0
out_has '"email": "anna@example.fi"'
out_has '"municipalities": ['
out_has '"disabled": false'
grep -q "argon" "$TMP/out" && bad "user list shows a hash"
finish "user list/text and json"

# ---- passwd, disable ----

begin
sql "INSERT INTO session VALUES ('tok', 1, 'csrf', 0, 0)"
old=$(sql "SELECT password_hash FROM user_account WHERE email = 'anna@example.fi'")
db_in "a new password" user passwd ANNA@example.fi --password-stdin
expect_rc 0
out_has "password changed for ANNA@example.fi"
new=$(sql "SELECT password_hash FROM user_account WHERE email = 'anna@example.fi'")
[ "$old" != "$new" ] || bad "the hash did not change"
[ "$(sql "SELECT count(*) FROM session")" -eq 0 ] || bad "passwd left a session"
db user passwd org@example.fi
expect_rc 0
out_has "password: "
before=$(checksum)
db_in "short" user passwd anna@example.fi --password-stdin
expect_rc 2
err_has "password: 5 bytes"
db user passwd nobody@example.fi
expect_rc 2
err_has "no user nobody@example.fi"
[ "$(checksum)" = "$before" ] || bad "a refused passwd changed the store"
finish "user passwd/changes the hash and ends sessions"

begin
sql "INSERT INTO session VALUES ('tok2', 1, 'csrf', 0, 0)"
db user disable anna@example.fi
expect_rc 0
out_has "disabled anna@example.fi"
[ "$(sql "SELECT disabled FROM user_account WHERE id = 1")" -eq 1 ] || bad "not disabled"
[ "$(sql "SELECT count(*) FROM session")" -eq 0 ] || bad "disable left a session"
db user list
grep "anna@example.fi" "$TMP/out" | grep -q " yes " || bad "list does not show disabled"
db user disable nobody@example.fi
expect_rc 2
err_has "no user nobody@example.fi"
finish "user disable/ends sessions"

begin
db user
expect_rc 2
db user --help
expect_rc 0
out_has "usage: ilmava user add EMAIL"
db user remove anna@example.fi
expect_rc 2
err_has "unknown subcommand 'remove'"
db --help
out_has "user add|list|passwd|disable"
finish "user/usage"

# ---- the audit trail ----

begin
a=$(sql "SELECT count(*) FROM audit WHERE action LIKE 'user.%' AND actor = 'cli:tester'")
[ "$a" -eq 5 ] || bad "$a user audit rows by cli:tester, expected 5 (2 add, 2 passwd, 1 disable)"
n=$(sql "SELECT count(*) FROM audit WHERE old_json LIKE '%argon%' OR new_json LIKE '%argon%'
         OR old_json LIKE '%password%' OR new_json LIKE '%password%'")
[ "$n" -eq 0 ] || bad "$n audit rows hold a hash or password"
db import inventory "$DATA/inventory.csv"
expect_rc 0
db plan new 701 --base 2007 --target 2030 --reduction 0.5
expect_rc 0
plan=$(cat "$TMP/out")
db measure add "$plan" id=heat sector=district_heating start=2024 full=2026 share=0.5
expect_rc 0
db plan delete "$plan"
expect_rc 0
got=$(sql "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit
           WHERE plan_id = $plan AND actor = 'cli:tester' ORDER BY id)")
[ "$got" = "plan.create plan.update measure.create plan.delete" ] ||
    bad "plan audit rows: '$got'"
[ "$(sql "SELECT count(*) FROM audit WHERE action = 'inventory.import' AND actor = 'cli:tester'
          AND json_extract(new_json, '$.file') LIKE '%inventory.csv'")" -ge 1 ] ||
    bad "no inventory.import row by cli:tester"
LOGNAME= USER=someone "$BIN" --db "$DB" plan new 701 --base 2007 --target 2030 \
    --reduction 0.4 >/dev/null 2>&1
[ "$(sql "SELECT actor FROM audit ORDER BY id DESC LIMIT 1")" = "cli:someone" ] ||
    bad "without LOGNAME the actor is not cli:\$USER"
finish "audit/CLI changes are audited as cli:LOGIN"

summary
