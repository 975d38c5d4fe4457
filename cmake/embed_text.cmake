# Turns the document wording src/report/texts/*.txt into a C file with one
# string each, named by file, so that the binary carries it and the
# wording stays in files a lawyer can review. Run by the build with
# -DTEXT_DIR=... -DOUT=...
# SPDX-License-Identifier: AGPL-3.0-or-later
file(GLOB files "${TEXT_DIR}/*.txt")
list(SORT files)
set(body "/* Generated from src/report/texts/ by cmake/embed_text.cmake. Do not edit. */\n")
string(APPEND body "#include <stddef.h>\n#include \"report/texts.h\"\n")
set(table "")
set(i 0)
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  file(READ "${f}" hex HEX)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
  string(APPEND body "static const unsigned char t${i}[] = {${hex}0x00};\n")
  string(APPEND table "    {\"${name}\", (const char *)t${i}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "const report_text report_texts[] = {\n${table}};\n")
string(APPEND body "const size_t report_n_texts = ${i};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
