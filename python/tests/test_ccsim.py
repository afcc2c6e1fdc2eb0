"""The Python package against the command line: the same scenario and seed give the
contract's JSON number for number; the DataFrames hold those numbers; errors carry their
place; the Erlang formulas equal `ccsim erlang`."""

import io
import json
import os
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import ccsim

ROOT = Path(__file__).resolve().parents[2]
CCSIM = os.environ.get("CCSIM_BIN", str(ROOT / "target" / "release" / "ccsim"))


def cli_json(*args, quiet=True):
    extra = ["--json", "--quiet"] if quiet else ["--json"]
    out = subprocess.run([CCSIM, *args, *extra], cwd=ROOT, check=True, capture_output=True)
    return json.loads(out.stdout)


def without_wall_clock(doc):
    doc = dict(doc)
    doc.pop("wall_s")
    return doc


@pytest.mark.parametrize("name", ["weekday.toml", "validation/erlang_a.toml", "night_line.toml"])
def test_a_run_equals_the_command_line_json(name):
    scenario = ccsim.load(ROOT / "scenarios" / name)
    result = ccsim.run(scenario, replications=4, seed=7, threads=2)
    cli = cli_json("run", f"scenarios/{name}", "--replications", "4", "--seed", "7")
    assert without_wall_clock(result.to_dict()) == without_wall_clock(cli)


def test_the_same_seed_gives_the_same_numbers_on_one_thread_or_two():
    scenario = ccsim.load(ROOT / "scenarios" / "validation" / "erlang_a.toml")
    one = ccsim.run(scenario, replications=3, seed=2, threads=1).to_dict()
    two = ccsim.run(scenario, replications=3, seed=2, threads=2).to_dict()
    assert without_wall_clock(one) == without_wall_clock(two)


def test_dataframes_hold_the_json_numbers_with_their_inputs():
    scenario = ccsim.load(ROOT / "scenarios" / "weekday.toml")
    result = ccsim.run(scenario, replications=3, seed=5)
    doc = result.to_dict()
    channels = result.by_channel
    assert list(channels["channel"]) == list(doc["by_channel"]) + ["all"]
    voice = channels.set_index("channel").loc["voice"]
    assert voice["service_level"] == doc["by_channel"]["voice"]["service_level"]["mean"]
    assert voice["service_level_ci95"] == doc["by_channel"]["voice"]["service_level"]["ci95"]
    assert set(channels["seed"]) == {5} and set(channels["replications"]) == {3}
    intervals = result.intervals
    assert len(intervals) == len(doc["intervals"])
    first = doc["intervals"][0]
    row = intervals.iloc[0]
    assert (row["start_s"], row["channel"], row["offered"]) == (
        first["start_s"],
        first["channel"],
        first["offered"]["mean"],
    )
    groups = result.by_group
    assert list(groups["group"]) == scenario.groups
    days = result.replications
    assert len(days) == 3 and list(days["replication"]) == [0, 1, 2]
    # The mean over the days is the run's mean.
    assert days["offered"].mean() == pytest.approx(doc["totals"]["offered"]["mean"], rel=1e-12)
    # A round trip through CSV keeps the numbers.
    again = pd.read_csv(io.StringIO(channels.to_csv(index=False, float_format="%.17g")))
    assert again["service_level"].tolist() == channels["service_level"].tolist()
    assert again["channel"].tolist() == channels["channel"].tolist()


def test_a_bad_scenario_raises_with_its_place_and_key():
    text = (ROOT / "scenarios" / "validation" / "erlang_a.toml").read_text()
    bad = text.replace('rate_per_hour = 1200', 'rate_per_hour = "many"')
    with pytest.raises(ccsim.ScenarioError) as caught:
        ccsim.Scenario.from_toml(bad, name="bad")
    err = caught.value
    assert err.file == "<string>"
    assert err.key == "arrivals[0].rate_per_hour"
    assert err.line == bad.splitlines().index('rate_per_hour = "many"') + 1
    assert isinstance(err, ValueError)
    with pytest.raises(ccsim.ScenarioError) as caught:
        ccsim.load(ROOT / "tests" / "bad" / "handles_unknown_channel.toml")
    assert caught.value.key == "group[0].handles[0]" and (caught.value.line, caught.value.column) == (22, 12)
    with pytest.raises(OSError):
        ccsim.load(ROOT / "no" / "such.toml")


def test_erlang_equals_the_command_line():
    a = ccsim.erlang_a(1200, 300, 110, 20, 300)
    cli = cli_json("erlang", "a", "--rate-per-hour", "1200", "--aht", "5m", "--patience", "5m",
                   "--agents", "110", "--answer-within", "20s", quiet=False)
    assert a["service_level"] == pytest.approx(cli["service_level"], abs=1e-12)
    assert a["abandon_rate"] == pytest.approx(cli["abandon_rate"], abs=1e-12)
    c = ccsim.erlang_c(1200, 300, 110, 20)
    assert c["abandon_rate"] == 0.0 and 0 < c["service_level"] < a["service_level"]
    with pytest.raises(ValueError):
        ccsim.erlang_c(1200, 300, 90, 20)


def test_with_changes_and_compare_equal_the_command_line(tmp_path):
    base = ccsim.load(ROOT / "scenarios" / "validation" / "erlang_a.toml")
    more = base.with_changes({"group.agents.agents": 112}, name="more agents")
    assert more.name == "more agents"
    comparison = ccsim.compare(base, more, replications=4, seed=3)
    variant = tmp_path / "more.toml"
    variant.write_text(
        f'extends = "{ROOT / "scenarios" / "validation" / "erlang_a.toml"}"\n[set]\n"group.agents.agents" = 112\n'
    )
    cli = cli_json("compare", "scenarios/validation/erlang_a.toml", str(variant), "--replications", "4", "--seed", "3")
    ours = comparison.to_dict()["variants"][0]
    assert ours["differences"] == cli["variants"][0]["differences"]
    assert ours["pairing"] == cli["variants"][0]["pairing"] == "common_random_numbers"
    table = comparison.differences
    sl = table[(table.scope == "all") & (table.metric == "service_level")].iloc[0]
    assert sl["difference"] > 0 and bool(sl["significant"])
    with pytest.raises(ccsim.ScenarioError) as caught:
        base.with_changes({"group.nobody.agents": 3})
    assert "nobody" in str(caught.value)


def test_ctrl_c_stops_a_run_and_raises_keyboard_interrupt():
    import signal
    import threading
    import time

    scenario = ccsim.load(ROOT / "scenarios" / "weekday.toml")
    # Python's own handler (a process started in the background inherits SIGINT ignored).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    # As Ctrl-C does: SIGINT to the process.
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            ccsim.run(scenario, replications=20000, seed=1)
    finally:
        signal.signal(signal.SIGINT, previous)
    # About two minutes of work stopped at once (replications running finish).
    assert time.monotonic() - started < 10


def test_arguments_and_files_are_checked_before_running():
    scenario = ccsim.load(ROOT / "scenarios" / "weekday.toml")
    with pytest.raises(MemoryError, match="run fewer replications"):
        ccsim.run(scenario, replications=100_000_000)
    for bad in [dict(replications=-1), dict(replications=0), dict(seed=-1), dict(threads=0)]:
        with pytest.raises(ValueError):
            ccsim.run(scenario, **bad)
    with pytest.raises(FileNotFoundError) as caught:
        ccsim.load("scenarios/nope.toml")
    assert caught.value.filename == "scenarios/nope.toml"
    text = (ROOT / "scenarios" / "validation" / "erlang_a.toml").read_text()
    text += '\n[[replay]]\nfile = "scenarios/logs/last_week.csv"\n'
    with pytest.raises(ValueError, match="use ccsim.load"):
        ccsim.Scenario.from_toml(text)


def test_risk_service_levels_and_group_intervals_are_tables():
    result = ccsim.run(ccsim.load(ROOT / "scenarios" / "weekday.toml"), replications=4, seed=2)
    doc = result.to_dict()
    intervals = result.intervals
    first = doc["intervals"][0]["risk"]
    assert intervals.iloc[0]["sl_met_days"] == first["service_level_met"]["met"]
    assert intervals["sl_target"].iloc[0] == first["service_level_target"]
    levels = result.service_levels.set_index("channel")
    assert levels.loc["voice", "answer_within_s"] == 20 and levels.loc["voice", "definition"] == "offered"
    assert len(result.group_intervals) == len(doc["group_intervals"])
    assert list(result.by_category["category"]) == list(doc["by_category"])
    assert list(result.risk_by_channel["channel"]) == list(doc["risk_by_channel"])
    # Undefined metrics are NaN in numeric columns, not None.
    assert result.by_channel["callback_wait_s"].dtype.kind == "f"
