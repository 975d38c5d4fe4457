# Source lines name the file and the import date only (issue 13, section
# 4): an inventory imported from an absolute path is stored under its file
# name, a path already stored (an older import) is shown without its
# directories, and no view (API JSON of plan, pathway, municipality,
# inventory) or document (decision draft, climate plan; md and html) holds
# the server's path.
# SPDX-License-Identifier: AGPL-3.0-or-later

import os
import sqlite3
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import apilib as A  # noqa: E402

OLD_DIR = "/srv/ilmava/shared/data/syke/"


def main():
    store = A.Store()
    store.add_user("editor@test.invalid", "editor", "901")
    sub = os.path.join(store.dir, "data", "inventory")
    os.makedirs(sub)
    path = os.path.join(sub, "rautaniemi-2024.csv")
    rows = store.query("SELECT sector, ets, hinku, t FROM inventory"
                       " WHERE municipality = '901' AND year = 2024")
    with open(path, "w") as f:
        f.write("municipality,year,sector,ets,t,hinku\n")
        for sector, ets, hinku, t in rows:
            f.write(f"901,2024,{sector},{'true' if ets else 'false'},{t + 1.0!r},"
                    f"{'true' if hinku else 'false'}\n")
    A.begin("an import from an absolute path stores the file's name only")
    r = store.cli("import", "inventory", path)
    A.check_eq(r.returncode, 0, f"import exit ({r.stderr})")
    names = [n for (n,) in store.query("SELECT file_name FROM import ORDER BY id")]
    A.check("rautaniemi-2024.csv" in names, f"stored names: {names}")
    A.check(not any("/" in n for n in names), f"a stored name has a directory: {names}")
    # The same import as stored before names were stripped.
    con = sqlite3.connect(store.db, timeout=10)
    con.execute("UPDATE import SET file_name = ? WHERE file_name = 'rautaniemi-2024.csv'",
                (OLD_DIR + "rautaniemi-2024.csv",))
    con.commit()
    con.close()
    server = A.Server(store)
    try:
        run(server, store.dir)
    finally:
        rc = server.stop()
    A.begin("the server stops cleanly")
    A.check_eq(rc, 0, "exit code after SIGTERM")
    A.finish()
    A.summary()


def run(server, tmp):
    ed = server.client()
    ed.login("editor@test.invalid")
    pages = ["/api/plans/1", "/api/plans/1/pathway?draws=200", "/api/municipalities/901"]
    pages += [f"/api/municipalities/901/inventory?scope={s}" for s in ("total", "non_ets", "hinku")]
    for doc in ("decision", "plan"):
        for fmt in ("md", "html"):
            for lang in ("fi", "sv", "en"):
                pages.append(f"/api/plans/1/documents/{doc}?format={fmt}&lang={lang}")
    A.begin("no view or document holds a server path")
    for p in pages:
        r = ed.get(p)
        A.check_eq(r.status, 200, f"{p} status")
        text = r.body.decode("utf-8", "replace")
        for bad in (tmp, OLD_DIR, "/srv/", "shared/data"):
            A.check(bad not in text, f"{p} shows {bad!r}")
    A.begin("the source lines name the files and the import dates")
    inv = ed.get("/api/municipalities/901/inventory?scope=total").json()
    files = [s.get("file") or s.get("file_name") for s in inv.get("sources", [])]
    A.check("rautaniemi-2024.csv" in files, f"sources: {files}")
    md = ed.get("/api/plans/1/documents/decision?format=md&lang=fi").body.decode()
    A.check("rautaniemi-2024.csv" in md, "the decision draft names the file")
    md = ed.get("/api/plans/1/documents/plan?format=md&lang=fi").body.decode()
    A.check("rautaniemi-2024.csv" in md, "the climate plan names the imported file")


if __name__ == "__main__":
    main()
