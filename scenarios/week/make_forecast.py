"""Writes forecast.csv (and forecast_4w.csv, the same week four times over): a week of the weekday centre (scenarios/weekday.toml's intraday curves
per channel, in half hours) scaled by day-of-week factors, as a WFM tool would export it.
Voice has rows only in its opening hours (week.toml's `hours`); chat and app are open around
the clock. Run from this folder: python3 make_forecast.py"""
import csv, datetime as dt

VOICE = [82, 64, 46, 36, 28, 24, 18, 18, 18, 18, 24, 28, 41, 64, 99, 146, 195, 248, 330, 360, 390, 400, 380, 340, 290, 258, 269, 299, 330, 340, 340, 330, 319, 310, 290, 269, 236, 245, 282, 311, 340, 348, 321, 274, 217, 170, 128, 99]
CHAT = [92, 71, 50, 36, 28, 22, 18, 14, 14, 14, 18, 24, 36, 50, 71, 98, 128, 163, 207, 230, 252, 258, 244, 230, 215, 207, 207, 222, 230, 238, 238, 230, 222, 222, 215, 215, 212, 227, 268, 291, 321, 338, 321, 291, 246, 200, 150, 114]
APP = [x * 4000 / sum(CHAT) for x in CHAT]
SCALE = 0.3                                                  # a centre a third the size
DAY = [1.10, 1.00, 0.97, 0.95, 0.92, 0.70, 0.60]          # Monday .. Sunday
VOICE_OPEN = [(8, 21)] * 5 + [(9, 18), None]               # hours, as week.toml says
START = dt.datetime(2026, 3, 2)                             # a Monday



def write(path, weeks):
    """Writes `weeks` weeks of the forecast from START (each week the same)."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Interval Start", "Queue", "Offered"])
        for d in range(7 * weeks):
            for k in range(48):
                t = START + dt.timedelta(days=d, minutes=30 * k)
                hour = k / 2
                rows = []
                opening = VOICE_OPEN[d % 7]
                if opening and opening[0] <= hour < opening[1]:
                    rows.append(("Voice", VOICE[k]))
                rows += [("Web Chat", CHAT[k]), ("App Messaging", APP[k])]
                for queue, v in rows:
                    w.writerow([t.strftime("%Y-%m-%d %H:%M"), queue, f"{v * SCALE * DAY[d % 7]:.1f}"])


write("forecast.csv", 1)
write("forecast_4w.csv", 4)  # for fortnight.toml and four_weeks.toml
