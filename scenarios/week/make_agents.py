"""Writes agents.csv: the named team of week.toml's app_t1 group (in-app chat), as a WFM
tool would export it: name, groups, contract, unavailable, preferred_start.
Run from this folder: python3 make_agents.py FULL PART (the shipped file: 32 9)"""
import csv, sys

FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jonas",
         "Kaori", "Liam", "Maya", "Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara",
         "Umar", "Vera", "Wei", "Xenia", "Yusuf", "Zoe"]
LAST = ["Lima", "Okafor", "Martin", "Patel", "Novak", "Haddad", "Kim", "Moreau", "Silva",
        "Berg", "Sato", "Walsh", "Costa", "Fischer", "Ivanova", "Ruiz"]
full, part = int(sys.argv[1]), int(sys.argv[2])
UNAVAILABLE = ["", "", "", "sat; sun", "", "2026-03-04", "", "fri 12:00-24:00", "", "", "mon"]
PREFERRED = ["", "07:00-09:00", "", "", "13:00-16:00", "", "", "06:00-08:00", "", ""]
with open("agents.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "groups", "contract", "unavailable", "preferred_start"])
    for i in range(full + part):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(FIRST)) % len(LAST)]}"
        contract = "full_time" if i < full else "part_time"
        groups = "app_t1"
        w.writerow([name, groups, contract, UNAVAILABLE[i % len(UNAVAILABLE)],
                    PREFERRED[i % len(PREFERRED)]])
