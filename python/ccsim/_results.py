"""The result classes: a run's, a comparison's, a sweep's, an optimization's and a fit's,
each holding ccsim's own document (``to_dict()``) and giving pandas DataFrames of it."""

from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, List, Optional, Union

import pandas as pd

def _estimates(prefix_cols: Dict[str, Any], metrics: Dict[str, Any]) -> Dict[str, Any]:
    """One row: the key columns, then each metric's mean (``name``) and 95 % half-width
    (``name_ci95``)."""
    row = dict(prefix_cols)
    for name, value in metrics.items():
        if isinstance(value, dict) and "mean" in value:
            row[name] = _number(value["mean"])
            row[f"{name}_ci95"] = _number(value.get("ci95"))
    return row


def _number(x: Any) -> float:
    """A JSON number, ``null`` (undefined) as NaN so that columns stay numeric."""
    return float("nan") if x is None else float(x)


def _risk(risk: Optional[Dict[str, Any]]) -> Dict[str, float]:
    """A risk object as flat columns (NaN where undefined)."""
    if not risk:
        return {}
    met = risk["service_level_met"]
    out = {
        "sl_target": _number(risk["service_level_target"]),
        "sl_met_days": met["met"],
        "sl_judged_days": met["days"],
        "sl_met_probability": _number(met["probability"]),
        "sl_met_low": _number(met["low"]),
        "sl_met_high": _number(met["high"]),
    }
    for metric in ("service_level", "asa_s", "abandon_rate"):
        for p in ("p10", "p50", "p90"):
            out[f"{metric}_{p}"] = _number(risk[metric][p])
    return out


class RunResult:
    """A run's results. ``to_dict()`` is the contract's JSON document (``ccsim run
    --json``); the DataFrame properties hold the same numbers in tidy tables, each row
    carrying the scenario, seed and replications it came from:

    - ``by_channel``: one row per channel and one ``all`` row;
    - ``intervals``: one row per reported interval and channel (``start_s`` in seconds from
      the horizon's start, or the counted day's midnight in a cyclic scenario);
    - ``by_group``: one row per agent group (occupancy, agents on duty, hours, cost);
    - ``group_intervals``: one row per reported interval and group;
    - ``by_category``: one row per category;
    - ``service_levels``: how each channel's service level is counted (its target);
    - ``risk_by_channel``: per channel, how often the target was met across days;
    - ``replications``: one row per replication (the totals of that simulated day).

    Metrics are means over replications with ``*_ci95`` the 95 % Student-t half-width;
    shares are fractions (0.8 is 80 %), times are seconds.
    """

    def __init__(self, summary_json: str, replications_json: str) -> None:
        self._doc: Dict[str, Any] = json.loads(summary_json)
        self._replications = json.loads(replications_json)

    def to_dict(self) -> Dict[str, Any]:
        """The contract's JSON document as a dict (a copy)."""
        return json.loads(json.dumps(self._doc))

    def _keys(self) -> Dict[str, Any]:
        d = self._doc
        return {"scenario": d["scenario"], "seed": d["seed"], "replications": d["replications"]}

    @property
    def by_channel(self) -> pd.DataFrame:
        """Per channel (and ``all``): every queue metric's mean and half-width."""
        keys = self._keys()
        rows = [
            _estimates({**keys, "channel": name}, metrics)
            for name, metrics in self._doc["by_channel"].items()
        ]
        rows.append(_estimates({**keys, "channel": "all"}, self._doc["totals"]))
        return pd.DataFrame(rows)

    @property
    def intervals(self) -> pd.DataFrame:
        """Per reported interval and channel: ``start_s``, ``channel``, the metrics, and the
        risk across days: ``sl_met_probability`` (share of days meeting the channel's
        target) with its 95 % Wilson ``sl_met_low``/``sl_met_high``, and the 10th, 50th and
        90th percentiles of ``service_level``, ``asa_s`` and ``abandon_rate``
        (``service_level_p10`` …)."""
        keys = self._keys()
        rows = []
        for row in self._doc["intervals"]:
            metrics = {k: v for k, v in row.items() if k not in ("start_s", "channel", "risk")}
            out = _estimates({**keys, "start_s": row["start_s"], "channel": row["channel"]}, metrics)
            out.update(_risk(row.get("risk")))
            rows.append(out)
        return pd.DataFrame(rows)

    @property
    def service_levels(self) -> pd.DataFrame:
        """Per channel, how its service level is counted: ``answer_within_s``, ``target``,
        ``definition``, ``short_abandon_s`` and the ``formula`` in words."""
        keys = self._keys()
        return pd.DataFrame(
            [{**keys, "channel": name, **d} for name, d in self._doc["service_level_definitions"].items()]
        )

    @property
    def risk_by_channel(self) -> pd.DataFrame:
        """Per channel over the reported period, the risk across days (as ``intervals``)."""
        keys = self._keys()
        return pd.DataFrame(
            [{**keys, "channel": name, **_risk(r)} for name, r in self._doc["risk_by_channel"].items()]
        )

    @property
    def by_category(self) -> pd.DataFrame:
        """Per category: every queue metric's mean and half-width."""
        keys = self._keys()
        return pd.DataFrame(
            [_estimates({**keys, "category": name}, m) for name, m in self._doc["by_category"].items()]
        )

    @property
    def group_intervals(self) -> pd.DataFrame:
        """Per reported interval and group: occupancy, agents on duty, hours, cost."""
        keys = self._keys()
        rows = []
        for row in self._doc["group_intervals"]:
            metrics = {k: v for k, v in row.items() if k not in ("start_s", "group")}
            rows.append(_estimates({**keys, "start_s": row["start_s"], "group": row["group"]}, metrics))
        return pd.DataFrame(rows)

    @property
    def by_group(self) -> pd.DataFrame:
        """Per agent group: occupancy, agents on duty, scheduled hours, cost, overtime."""
        keys = self._keys()
        return pd.DataFrame(
            [_estimates({**keys, "group": name}, m) for name, m in self._doc["by_group"].items()]
        )

    @property
    def replications(self) -> pd.DataFrame:
        """Per replication (one simulated day): its totals, one column per metric."""
        keys = self._keys()
        return pd.DataFrame(
            [{**keys, **{k: (float("nan") if v is None else v) for k, v in row.items()}} for row in self._replications]
        )

    def __repr__(self) -> str:
        d = self._doc
        return f"RunResult({d['scenario']!r}, {d['replications']} replications, seed {d['seed']})"


class Comparison:
    """Variants against a base, run on the same seed. ``to_dict()`` is the document
    ``ccsim compare --json`` prints (without the changes a variant file records);
    ``differences`` has one row per variant, scope (``all`` or a channel, and ``cost``,
    ``occupancy``) and metric: the base's and the variant's means, the difference (variant
    − base) with its 95 % half-width (paired when both have the same customers), the
    unpaired half-width independent runs would give, and whether it is significant."""

    def __init__(self, doc_json: str) -> None:
        self._doc: Dict[str, Any] = json.loads(doc_json)

    def to_dict(self) -> Dict[str, Any]:
        """The comparison as a dict (a copy)."""
        return json.loads(json.dumps(self._doc))

    @property
    def differences(self) -> pd.DataFrame:
        """One row per variant, scope and metric."""
        d = self._doc
        rows = []
        for v in d["variants"]:
            for diff in v["differences"]:
                rows.append(
                    {
                        "base_scenario": d["base"],
                        "variant_scenario": v["variant"],
                        "seed": d["seed"],
                        "replications": d["replications"],
                        "pairing": v["pairing"],
                        "scope": diff["scope"],
                        "metric": diff["metric"],
                        "unit": diff["unit"],
                        "base": diff["base"]["mean"],
                        "variant": diff["variant"]["mean"],
                        "difference": diff["difference"]["mean"],
                        "difference_ci95": diff["difference"]["ci95"],
                        "unpaired_ci95": diff["unpaired_ci95"],
                        "significant": diff["significant"],
                    }
                )
        return pd.DataFrame(rows)



def _set_value(text: str) -> Union[int, float, bool, str]:
    """A swept value as recorded (text) back as a number or bool where it reads as one."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text in ("true", "false"):
        return text == "true"
    return text


class SweepResult:
    """A sweep's results: ``to_dict()`` is the document ``ccsim sweep --json`` prints
    (``{"points": [...]}``); the DataFrames have one row per point (and channel or
    group), the swept keys as columns (values as numbers where they are), then the seed,
    the replications and each metric's mean and ``*_ci95`` half-width:

    - ``by_channel``: per point, one row per channel and one ``all`` row (the totals);
    - ``by_group``: per point and group: occupancy, agents on duty, hours, cost.
    """

    def __init__(
        self, doc_json: str, warnings: Optional[List[str]] = None, order: Optional[List[str]] = None
    ) -> None:
        self._doc: Dict[str, Any] = json.loads(doc_json)
        self.warnings: List[str] = list(warnings or [])
        self._order: List[str] = list(order or [])

    def to_dict(self) -> Dict[str, Any]:
        """The sweep's document as a dict (a copy)."""
        return json.loads(json.dumps(self._doc))

    def _keys(self, point: Dict[str, Any]) -> Dict[str, Any]:
        names = [k for k in self._order if k in point["set"]]
        names += [k for k in point["set"] if k not in names]
        keys = {k: _set_value(point["set"][k]) for k in names}
        keys["seed"] = point["seed"]
        keys["replications"] = point["replications"]
        return keys

    @property
    def by_channel(self) -> pd.DataFrame:
        """One row per point and channel, and per point an ``all`` row."""
        rows = []
        for point in self._doc["points"]:
            keys = self._keys(point)
            for name, metrics in point["by_channel"].items():
                rows.append(_estimates({**keys, "channel": name}, metrics))
            totals = {k: v for k, v in point["totals"].items() if isinstance(v, dict) and "mean" in v}
            rows.append(_estimates({**keys, "channel": "all"}, totals))
        return pd.DataFrame(rows)

    @property
    def by_group(self) -> pd.DataFrame:
        """One row per point and agent group."""
        rows = []
        for point in self._doc["points"]:
            keys = self._keys(point)
            for name, metrics in point["by_group"].items():
                rows.append(_estimates({**keys, "group": name}, metrics))
        return pd.DataFrame(rows)

    def __len__(self) -> int:
        return len(self._doc["points"])

    def __repr__(self) -> str:
        return f"SweepResult({len(self)} points)"


class Partial:
    """One shard's share of a sweep (``sweep(..., shard=(i, n))``): the partial result
    file's text, as ``ccsim sweep --shard i/n --partial FILE`` writes it. Picklable (it is
    text), so a Dask or Ray worker can return it; ``save(path)`` writes it for
    ``ccsim merge``; ``ccsim.merge`` takes these or their files."""

    def __init__(self, text: str, name: str = "<partial>") -> None:
        self.text = text
        self.name = name

    def _field(self, key: str) -> int:
        for line in self.text.splitlines():
            if line.startswith(f"{key} = "):
                return int(line.split("=", 1)[1])
        raise ValueError(f"the partial result has no {key}")

    @property
    def shard(self) -> int:
        """This shard's index (from 0)."""
        return self._field("shard")

    @property
    def shards(self) -> int:
        """The number of shards."""
        return self._field("shards")

    def save(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the partial file at ``path`` (through a temporary name, then renamed, so
        that a reader never sees half a file)."""
        path = os.fspath(path)
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(self.text)
        os.replace(tmp, path)

    def __repr__(self) -> str:
        return f"Partial(shard {self.shard} of {self.shards})"


def _csv(text: str) -> pd.DataFrame:
    """A CSV file of ccsim's as a DataFrame (an empty file as an empty frame)."""
    if not text.strip():
        return pd.DataFrame()
    return pd.read_csv(io.StringIO(text))


class OptimizeResult:
    """A roster from ``ccsim.optimize``: ``to_dict()`` is the document
    ``ccsim optimize --json`` prints; ``files`` the text files ``ccsim optimize --out``
    writes (name → text: ``roster.csv``, ``requirements.csv``, ``cost.csv``,
    ``history.csv``, ``tours.csv`` with tours, the final run's ``summary.json``,
    ``intervals.csv``, ``by_group.csv``, ``roster.toml``, ``schedule.csv``);
    ``workbook`` the ``roster.xlsx`` bytes; ``log`` the progress lines. The DataFrames
    are those files read with pandas:

    - ``roster``: shifts per group and template (``roster.csv``);
    - ``requirements``: agents required per group and interval (``requirements.csv``);
    - ``costs``: the cost per group (``cost.csv``);
    - ``history``: the verification rounds (``history.csv``);
    - ``schedule``: one row per shift with its breaks (``schedule.csv``);
    - ``tours``: one row per tour (weekly rosters only; else empty).

    ``simulated`` is the final roster's simulation as a ``RunResult`` (without
    per-replication rows) and ``roster_toml`` the scenario staffed by the roster, which
    ``ccsim.Scenario.from_toml`` or a file and ``ccsim.load`` run again.
    """

    def __init__(self, doc_json: str, files: List[Any], workbook: bytes, log: List[str]) -> None:
        self._doc: Dict[str, Any] = json.loads(doc_json)
        self.files: Dict[str, str] = dict(files)
        self.workbook: bytes = bytes(workbook)
        self.log: List[str] = list(log)

    def to_dict(self) -> Dict[str, Any]:
        """The optimization's document as a dict (a copy)."""
        return json.loads(json.dumps(self._doc))

    @property
    def roster(self) -> pd.DataFrame:
        return _csv(self.files["roster.csv"])

    @property
    def requirements(self) -> pd.DataFrame:
        return _csv(self.files["requirements.csv"])

    @property
    def costs(self) -> pd.DataFrame:
        return _csv(self.files["cost.csv"])

    @property
    def history(self) -> pd.DataFrame:
        return _csv(self.files["history.csv"])

    @property
    def schedule(self) -> pd.DataFrame:
        return _csv(self.files["schedule.csv"])

    @property
    def tours(self) -> pd.DataFrame:
        return _csv(self.files.get("tours.csv", ""))

    @property
    def roster_toml(self) -> str:
        return self.files["roster.toml"]

    @property
    def simulated(self) -> "RunResult":
        return RunResult(self.files["summary.json"], "[]")

    def save(self, folder: Union[str, "os.PathLike[str]"]) -> None:
        """Writes every file (and ``roster.xlsx``) into ``folder``, created if missing;
        each through a temporary name, then renamed."""
        folder = os.fspath(folder)
        os.makedirs(folder, exist_ok=True)
        items: List[Any] = [(n, t.encode("utf-8")) for n, t in self.files.items()]
        items.append(("roster.xlsx", self.workbook))
        for name, data in items:
            path = os.path.join(folder, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.tmp-{os.getpid()}"
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, path)

    def __repr__(self) -> str:
        return f"OptimizeResult({self._doc.get('scenario', '')!r})"


class FitResult:
    """A scenario fitted to a contact log (``ccsim.fit``): ``toml`` is the scenario file's
    text (as ``ccsim fit`` writes it), ``warnings`` the fitted values a scenario cannot
    take (and what was written instead), ``report`` the fit's summary as the command
    prints it. ``scenario()`` compiles it; ``save(path)`` writes it and loads it back.
    Its staffing is a placeholder (a log says what customers did, not who was on duty):
    staff it (or ``ccsim.optimize`` it) before reading its service level as the log's."""

    def __init__(self, toml: str, warnings: List[str], report: str, name: str) -> None:
        self.toml = toml
        self.warnings = list(warnings)
        self.report = report
        self.name = name

    def scenario(self) -> Any:
        """The fitted scenario, compiled (``Scenario.from_toml``)."""
        from ._ccsim import Scenario

        return Scenario.from_toml(self.toml, self.name)

    def save(self, path: Union[str, "os.PathLike[str]"], force: bool = False) -> Any:
        """Writes the scenario at ``path`` (refusing an existing file unless ``force``)
        and returns it loaded (``ccsim.load``), so it can be swept and optimized."""
        from ._ccsim import load

        path = os.fspath(path)
        if os.path.exists(path) and not force:
            raise FileExistsError(17, "the file exists (pass force=True to replace it)", path)
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(self.toml)
        os.replace(tmp, path)
        return load(path)

    def __repr__(self) -> str:
        return f"FitResult({self.name!r})"
