#!/usr/bin/env python3
"""Turns a contact log written by `ccsim log` into an ACD-style export, as a contact-center
system writes it: `Call Start;Queue;Skill;Disposition;Wait Time;Talk Time;Customer ID`,
dates as 10/11/2025 08:00:00 (day first), durations as 00:05:12, dispositions Handled /
Transferred / Abandoned (every tenth answered contact is written Transferred), no attempt
column. Made from last_week.csv:

    python3 scenarios/logs/acd_convert.py scenarios/logs/last_week.csv \
        > scenarios/logs/acd_export_week.csv
"""
import csv
import sys
from datetime import datetime


def hms(seconds):
    if seconds == "":
        return ""
    s = int(round(float(seconds)))
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def main(path):
    out = csv.writer(sys.stdout, delimiter=";", lineterminator="\r\n")
    out.writerow(["Call Start", "Queue", "Skill", "Disposition", "Wait Time", "Talk Time", "Customer ID"])
    answered = 0
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            t = datetime.fromisoformat(row["timestamp"])
            if row["outcome"] == "answered":
                answered += 1
                word = "Transferred" if answered % 10 == 0 else "Handled"
            else:
                word = {"abandoned": "Abandoned", "bot_resolved": "Self-Service",
                        "bot_dropout": "IVR_Abandoned"}[row["outcome"]]
            out.writerow([
                t.strftime("%d/%m/%Y %H:%M:%S"), row["channel"], row["category"], word,
                hms(row["wait"]), hms(row["handle_time"]), row["customer_id"].upper(),
            ])


if __name__ == "__main__":
    main(sys.argv[1])
