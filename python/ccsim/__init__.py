"""ccsim for Python: contact-center scenarios, runs and Erlang formulas, with results as
pandas DataFrames.

Everything is ccsim's own library (a Rust extension module, ``ccsim._ccsim``): a scenario
is compiled, simulated and summarised exactly as the ``ccsim`` command does it, so
``run(scenario).to_dict()`` equals what ``ccsim run FILE --json`` prints for the same
replications and seed.

>>> import ccsim
>>> scenario = ccsim.load("scenarios/weekday.toml")
>>> result = ccsim.run(scenario, replications=20, seed=1)
>>> result.by_channel[["channel", "service_level", "service_level_ci95"]]
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Union

import pandas as pd

from ._ccsim import Scenario, ScenarioError, __version__, erlang
from ._ccsim import load as _load
from ._ccsim import compare_json as _compare_json
from ._ccsim import run_json as _run_json

__all__ = [
    "Scenario",
    "ScenarioError",
    "RunResult",
    "load",
    "run",
    "compare",
    "Comparison",
    "erlang_c",
    "erlang_a",
    "__version__",
]


def load(path: Union[str, "os.PathLike[str]"]) -> Scenario:  # noqa: F821
    """Reads and compiles the scenario file at ``path`` (TOML; a variant file follows its
    ``extends``).

    Raises ``ScenarioError`` (attributes ``file``, ``line``, ``column``, ``key``,
    ``message``) when ccsim refuses it, ``OSError`` when it cannot be read.
    """
    return _load(str(path))


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
        return pd.DataFrame([{**keys, **row} for row in self._replications])

    def __repr__(self) -> str:
        d = self._doc
        return f"RunResult({d['scenario']!r}, {d['replications']} replications, seed {d['seed']})"


def run(
    scenario: Scenario,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
) -> RunResult:
    """Simulates ``scenario`` (``replications`` and ``seed`` default to the scenario's,
    ``threads`` to every core) with the GIL released; the same seed gives the same numbers
    on any number of threads, and the same as the ``ccsim run`` command."""
    summary, reps = _run_json(scenario, replications, seed, threads)
    return RunResult(summary, reps)


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


def compare(
    base: Scenario,
    *variants: Scenario,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
) -> Comparison:
    """Runs ``base`` and each variant on the same seed (``replications`` and ``seed``
    default to the base's; at least 2 replications) and compares them as ``ccsim compare``
    does: paired differences (common random numbers) when they have the same customers.
    Variants are scenarios, e.g. ``base.with_changes({"group.agents.agents": 112})``."""
    if not variants:
        raise ValueError("compare needs at least one variant")
    return Comparison(_compare_json(base, list(variants), replications, seed, threads))


def erlang_c(rate_per_hour: float, aht_s: float, agents: int, answer_within_s: float) -> Dict[str, float]:
    """Exact Erlang C (M/M/n): ``p_wait``, ``service_level``, ``asa_s``, ``abandon_rate``
    (0) and ``occupancy``. Raises ``ValueError`` for an unstable queue."""
    return erlang(rate_per_hour, aht_s, agents, answer_within_s, None)


def erlang_a(
    rate_per_hour: float, aht_s: float, agents: int, answer_within_s: float, patience_s: float
) -> Dict[str, float]:
    """Exact Erlang A (M/M/n+M, exponential patience of mean ``patience_s``)."""
    return erlang(rate_per_hour, aht_s, agents, answer_within_s, patience_s)
