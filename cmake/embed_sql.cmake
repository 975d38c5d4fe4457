# Turns the migrations sql/NNN_*.sql into a C file with one string each, in
# order, so that the binary carries its schema. Run by the build with
# -DSQL_DIR=... -DOUT=...
# SPDX-License-Identifier: AGPL-3.0-or-later
file(GLOB files "${SQL_DIR}/[0-9][0-9][0-9]_*.sql")
list(SORT files)
set(body "/* Generated from sql/ by cmake/embed_sql.cmake. Do not edit. */\n")
string(APPEND body "#include <stddef.h>\n#include \"store/migrations.h\"\n")
set(table "")
set(i 0)
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME)
  file(READ "${f}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const unsigned char m${i}[] = {${hex}0x00};\n")
  string(APPEND table "    {\"${name}\", (const char *)m${i}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "const ilm_migration ilm_migrations[] = {\n${table}};\n")
string(APPEND body "const size_t ilm_n_migrations = ${i};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
