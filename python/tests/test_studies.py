"""Sweeps, shards and merges (in this process and on a local Dask cluster), rosters, fits,
the Erlang formulas over NumPy arrays, pickling and progress bars, each against what the
command line gives for the same inputs."""

import json
import os
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ccsim

ROOT = Path(__file__).resolve().parents[2]
CCSIM = os.environ.get("CCSIM_BIN", str(ROOT / "target" / "release" / "ccsim"))
ERLANG_A = ROOT / "scenarios" / "validation" / "erlang_a.toml"
AXES = {"group.agents.agents": [104, 108, 112], "channel.voice.patience.mean": ["3m", "5m"]}
SET = ["--set", "group.agents.agents=104,108,112", "--set", "channel.voice.patience.mean=3m,5m"]


def cli(*args):
    out = subprocess.run([CCSIM, *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return out.stdout


def test_a_sweep_equals_the_command_line_and_its_rows_carry_the_values_set():
    scenario = ccsim.load(ERLANG_A)
    result = ccsim.sweep(scenario, AXES, replications=3, seed=4)
    expected = json.loads(cli("sweep", "scenarios/validation/erlang_a.toml", *SET,
                              "--replications", "3", "--seed", "4", "--json", "--quiet"))
    assert result.to_dict() == expected
    assert len(result) == 6
    voice = result.by_channel[result.by_channel.channel == "voice"]
    assert voice["group.agents.agents"].tolist() == [104, 104, 108, 108, 112, 112]
    assert voice["channel.voice.patience.mean"].tolist() == ["3m", "5m"] * 3
    point = expected["points"][5]["by_channel"]["voice"]["service_level"]
    assert voice.iloc[5]["service_level"] == point["mean"]
    assert voice.iloc[5]["service_level_ci95"] == point["ci95"]
    # More agents, a better service level (the same seed for every point).
    levels = voice[voice["channel.voice.patience.mean"] == "3m"]["service_level"].tolist()
    assert levels == sorted(levels)
    groups = result.by_group
    assert set(groups["group"]) == {"agents"} and len(groups) == 6


def test_a_changed_scenario_sweeps_with_its_changes():
    more = ccsim.load(ERLANG_A).with_changes({"channel.voice.patience.mean": "4m"})
    result = ccsim.sweep(more, {"group.agents.agents": [104, 108]}, replications=2, seed=1)
    expected = json.loads(cli("sweep", "scenarios/validation/erlang_a.toml",
                              "--set", "channel.voice.patience.mean=4m",
                              "--set", "group.agents.agents=104,108",
                              "--replications", "2", "--seed", "1", "--json", "--quiet"))
    assert result.to_dict() == expected
    with pytest.raises(ValueError, match="a swept value"):
        ccsim.sweep(ccsim.load(ERLANG_A), {"channel.voice.patience.mean": ["3m,5m"]})
    with pytest.raises(ValueError, match="loaded from a file"):
        ccsim.sweep(ccsim.Scenario.from_toml(ERLANG_A.read_text()), {"group.agents.agents": [1]})
    with pytest.raises(ValueError, match="shard"):
        ccsim.sweep(ccsim.load(ERLANG_A), {"group.agents.agents": [104]}, shard=(3, 3))


def test_shards_merge_into_the_single_sweep_in_python_and_with_the_command(tmp_path):
    scenario = ccsim.load(ERLANG_A)
    whole = ccsim.sweep(scenario, AXES, replications=3, seed=4).to_dict()
    parts = [ccsim.sweep(scenario, AXES, replications=3, seed=4, shard=(i, 4)) for i in range(4)]
    assert [(p.shard, p.shards) for p in parts] == [(i, 4) for i in range(4)]
    assert ccsim.merge(reversed(parts)).to_dict() == whole
    # Saved, they are the command's partial files: `ccsim merge` reads them ...
    paths = []
    for p in parts:
        path = tmp_path / f"part-{p.shard}.toml"
        p.save(path)
        paths.append(str(path))
    assert json.loads(cli("merge", *paths, "--json")) == whole
    # ... and Python merges the command's own parts.
    theirs = []
    for i in range(4):
        path = tmp_path / f"cli-{i}.toml"
        cli("sweep", "scenarios/validation/erlang_a.toml", *SET, "--replications", "3",
            "--seed", "4", "--shard", f"{i}/4", "--partial", str(path), "--quiet")
        theirs.append(path)
    assert ccsim.merge(theirs).to_dict() == whole
    # A missing part is refused, naming what is missing.
    with pytest.raises(ccsim.ScenarioError, match="shard"):
        ccsim.merge(parts[:3])
    with pytest.raises(ccsim.ScenarioError):
        ccsim.merge([ccsim.Partial("not = 'a part'\n", "junk.toml")])


def _shard(scenario, index, count):
    import ccsim as c

    return c.sweep(scenario, AXES, replications=3, seed=4, shard=(index, count))


def test_four_shards_on_a_local_dask_cluster_merge_into_the_single_sweep():
    distributed = pytest.importorskip("dask.distributed")
    scenario = ccsim.load(ERLANG_A)
    whole = ccsim.sweep(scenario, AXES, replications=3, seed=4).to_dict()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            # The scenario is pickled to the worker processes and compiled there again.
            futures = client.map(_shard, [scenario] * 4, range(4), [4] * 4)
            parts = client.gather(futures)
            pids = set(client.run(os.getpid).values())
    assert os.getpid() not in pids and len(pids) == 2
    assert ccsim.merge(parts).to_dict() == whole


def test_a_scenario_pickles_with_its_changes():
    base = ccsim.load(ERLANG_A)
    changed = base.with_changes({"group.agents.agents": 112}, name="more")
    again = pickle.loads(pickle.dumps(changed))
    assert (again.name, again.source, dict(again.changes)) == ("more", str(ERLANG_A), {"group.agents.agents": "112"})
    one = ccsim.run(changed, replications=2, seed=3).to_dict()
    two = ccsim.run(again, replications=2, seed=3).to_dict()
    one.pop("wall_s"), two.pop("wall_s")
    assert one == two
    text = ccsim.Scenario.from_toml(ERLANG_A.read_text(), name="typed")
    assert pickle.loads(pickle.dumps(text)).name == text.name


def test_optimize_gives_the_command_s_roster_and_files(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # roster.toml names the scenario as it was given
    scenario = ccsim.load("scenarios/night_line.toml")
    result = ccsim.optimize(scenario)
    out = tmp_path / "night"
    subprocess.run([CCSIM, "optimize", "scenarios/night_line.toml", "--out", str(out), "--quiet"],
                   cwd=ROOT, check=True, capture_output=True)
    for name in ["roster.csv", "requirements.csv", "cost.csv", "schedule.csv", "roster.toml"]:
        assert result.files[name] == (out / name).read_text(), name
    assert result.roster.equals(pd.read_csv(out / "roster.csv"))
    assert len(result.requirements) > 0 and len(result.costs) > 0 and len(result.schedule) > 0
    assert result.workbook[:2] == b"PK"  # an xlsx is a zip
    assert result.simulated.to_dict()["scenario"] == json.loads((out / "summary.json").read_text())["scenario"]
    assert any("verif" in line or "round" in line or "roster" in line for line in result.log)
    # The roster runs again: its roster.toml is a scenario.
    path = tmp_path / "roster.toml"
    result.save(tmp_path / "saved")
    assert (tmp_path / "saved" / "roster.xlsx").read_bytes() == result.workbook
    path.write_text(result.roster_toml)
    with pytest.raises(ValueError, match="unknown solver"):
        ccsim.optimize(scenario, solver="gurobi")
    with pytest.raises(ValueError):
        ccsim.optimize(ccsim.load(ERLANG_A))  # no [optimize]


def test_fit_writes_the_command_s_scenario(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the scenario records the log's path as given
    fitted = ccsim.fit("scenarios/logs/last_week.csv", interval_s=1800, name="last_week")
    out = tmp_path / "last_week.toml"
    report = cli("fit", "scenarios/logs/last_week.csv", "--interval", "30m", "-o", str(out))
    assert fitted.toml == out.read_text()
    assert fitted.report == report
    scenario = fitted.save(tmp_path / "again.toml")
    assert scenario.channels == fitted.scenario().channels
    with pytest.raises(FileExistsError):
        fitted.save(tmp_path / "again.toml")
    with pytest.raises(FileNotFoundError):
        ccsim.fit("scenarios/logs/nope.csv")
    with pytest.raises(ValueError, match="columns"):
        ccsim.fit("scenarios/logs/last_week.csv", columns={"nonsense": "X"})


def test_erlang_formulas_take_numpy_arrays():
    agents = np.arange(95, 121)
    c = ccsim.erlang_c(1200, 300, agents, 20)
    assert c["service_level"].shape == agents.shape
    for i, n in enumerate(agents):
        if n <= 100:  # 100 erlangs: unstable at 100 agents or fewer
            assert np.isnan(c["service_level"][i])
        else:
            assert c["service_level"][i] == ccsim.erlang_c(1200, 300, int(n), 20)["service_level"]
    frame = pd.DataFrame(ccsim.erlang_a(1200, 300, agents, 20, 180))
    assert len(frame) == len(agents) and frame["abandon_rate"].is_monotonic_decreasing
    grid = ccsim.erlang_a(np.array([[1000.0], [1200.0]]), 300, np.array([100, 110, 120]), 20, 180)
    assert grid["asa_s"].shape == (2, 3)
    assert grid["asa_s"][1, 2] == ccsim.erlang_a(1200, 300, 120, 20, 180)["asa_s"]
    with pytest.raises(ValueError):
        ccsim.erlang_c(1200, 300, np.array([100.5]), 20)


def test_a_progress_bar_when_asked_and_silence_otherwise(capfd):
    scenario = ccsim.load(ERLANG_A)
    ccsim.run(scenario, replications=3, seed=1, threads=1)
    assert capfd.readouterr().err == ""
    ccsim.run(scenario, replications=3, seed=1, threads=1, progress=True)
    err = capfd.readouterr().err
    assert "3/3" in err and "erlang_a" in err


def test_a_scenario_is_what_its_file_gave_when_loaded(tmp_path, monkeypatch):
    copy = tmp_path / "ea.toml"
    copy.write_text(ERLANG_A.read_text())
    monkeypatch.chdir(tmp_path)
    scenario = ccsim.load("ea.toml")
    pickled = pickle.dumps(scenario.with_changes({"channel.voice.patience.mean": "4m"}))
    # Elsewhere, the pickled scenario still finds its file (by its absolute path).
    monkeypatch.chdir(ROOT)
    again = pickle.loads(pickled)
    assert again.source == "ea.toml" and len(ccsim.sweep(again, {"group.agents.agents": [104]}, replications=2)) == 1
    # A file changed on disk is not read as if it were the scenario loaded.
    copy.write_text(ERLANG_A.read_text().replace("agents = 110", "agents = 100"))
    for call in [lambda: scenario.with_changes({"group.agents.agents": 104}),
                 lambda: ccsim.sweep(scenario, {"group.agents.agents": [104]}),
                 lambda: pickle.loads(pickled)]:
        with pytest.raises(ccsim.ScenarioError, match="has changed since it was loaded"):
            call()
    assert ccsim.run(scenario, replications=2).to_dict()["replications"] == 2  # the copy it has


def test_a_variant_file_takes_changes_and_sweeps():
    variant = ccsim.load(ROOT / "scenarios" / "variants" / "peak_staff_plus_20.toml")
    same = variant.with_changes({"group.voice_t1.staffing[20]": 132})  # the variant's own value
    assert same.name == "weekday + 20 % tier-1 staff at peak [group.voice_t1.staffing[20]=132]"
    one = ccsim.run(variant, replications=2, seed=1).to_dict()
    two = ccsim.run(same, replications=2, seed=1).to_dict()
    for d in (one, two):
        d.pop("wall_s"), d.pop("scenario")
    assert one == two
    grid = ccsim.sweep(variant, {"group.voice_t1.staffing[20]": [120, 132]}, replications=2, seed=1)
    expected = json.loads(cli("sweep", "scenarios/variants/peak_staff_plus_20.toml", "--set",
                              "group.voice_t1.staffing[20]=120,132", "--replications", "2",
                              "--seed", "1", "--json", "--quiet"))
    assert grid.to_dict() == expected


def test_what_a_user_gets_wrong_is_said_in_python_s_terms():
    scenario = ccsim.load(ERLANG_A)
    assert ccsim.run(ERLANG_A, replications=2, seed=1).to_dict()["scenario"] == scenario.name
    with pytest.raises(TypeError, match="ccsim.load"):
        ccsim.run(42)
    with pytest.raises(ccsim.ScenarioError) as caught:
        ccsim.sweep(scenario, {"channel.voice.patience.mean": ["3m", "-6m"]})
    assert caught.value.key == "channel.voice.patience.mean" and "--set" not in str(caught.value)
    with pytest.raises(ValueError, match=r'as a list, e.g.'):
        ccsim.sweep(scenario, {"channel.voice.patience.mean": "3m,5m"})
    parts = [ccsim.sweep(scenario, {"group.agents.agents": [104, 108]}, replications=2, shard=f"{i}/2")
             for i in range(2)]
    assert len(ccsim.merge(parts)) == 2
    with pytest.raises(ValueError, match="whole number"):
        ccsim.erlang_c(1200, 300, 110.9, 20)
    with pytest.raises(ValueError) as caught:
        ccsim.optimize(ccsim.load(ROOT / "scenarios" / "night_line.toml"), replications=0)
    assert "replications" in str(caught.value) and "--replications" not in str(caught.value)
    days = ccsim.run(scenario, replications=2, seed=1).replications
    assert days["callback_wait_s"].dtype.kind == "f"


def test_the_swept_keys_keep_their_order():
    scenario = ccsim.load(ERLANG_A)
    values = {"group.agents.agents": [104], "channel.voice.patience.mean": ["3m"]}
    whole = ccsim.sweep(scenario, values, replications=2)
    assert list(whole.by_channel.columns[:2]) == list(values)
    parts = [ccsim.sweep(scenario, values, replications=2, shard=(i, 2)) for i in range(2)]
    assert list(ccsim.merge(parts).by_channel.columns[:2]) == list(values)
