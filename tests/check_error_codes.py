#!/usr/bin/env python3
# Every error code of include/ilmava/error_codes.h has a message in each UI
# catalogue (web/assets/i18n-{fi,sv,en}.js, key "err.<code>"); a message's
# placeholders ({name} or {name%}) are parameters of its code; and
# docs/API.md lists every code. Fails (exit 1) naming what is missing.
# SPDX-License-Identifier: AGPL-3.0-or-later
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def read(*path):
    with open(os.path.join(ROOT, *path), encoding="utf-8") as f:
        return f.read()


def codes():
    """{code: [param names]} from the X-macro list."""
    text = read("include", "ilmava", "error_codes.h")
    body = text[text.index("#define ILM_ERROR_CODES(X)"):]
    found = re.findall(r'X\(([A-Z0-9_]+),\s*"([a-z0-9_]+)",\s*"([^"]*)"\)', body)
    return {code: params.split() for _, code, params in found}


def catalogue(lang):
    """{key: message} of a catalogue: its 'key': 'text' (or "text") pairs."""
    text = read("web", "assets", f"i18n-{lang}.js")
    out = {}
    for key, q, msg in re.findall(r"'([\w.\-]+)':\s*(['\"])((?:\\.|(?!\2).)*)\2", text):
        out[key] = msg
    return out


def main():
    table = codes()
    problems = []
    if len(table) < 20:
        problems.append(f"only {len(table)} codes read from error_codes.h; is the list there?")
    enums = re.findall(r'X\(([A-Z0-9_]+),', read("include", "ilmava", "error_codes.h"))
    if len(set(table)) != len(table) or len(set(enums)) != len(enums):
        problems.append("a code is listed twice")
    for lang in ("fi", "sv", "en"):
        cat = catalogue(lang)
        if "err.generic" not in cat:
            problems.append(f"i18n-{lang}.js: no err.generic (the fallback for unknown codes)")
        for code, params in table.items():
            key = f"err.{code}"
            if key not in cat:
                problems.append(f"i18n-{lang}.js: no message {key}")
                continue
            # "invalid" is the generic code: the UI shows err.generic for it
            # and its catalogue entry is the older {msg} sentence.
            if code == "invalid":
                continue
            for name in re.findall(r"\{(\w+)%?\}", cat[key]):
                if name not in params:
                    problems.append(f"i18n-{lang}.js: {key} uses {{{name}}}, which {code} "
                                    f"does not have (it has: {' '.join(params) or 'none'})")
    api = read("docs", "API.md")
    for code in table:
        if f"`{code}`" not in api:
            problems.append(f"docs/API.md: the code {code} is not listed")
    for p in problems:
        print("not ok -", p)
    print(f"# {len(table)} codes, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
