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
from ._ccsim import run_json as _run_json

__all__ = [
    "Scenario",
    "ScenarioError",
    "RunResult",
    "load",
    "run",
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
            row[name] = value["mean"]
            row[f"{name}_ci95"] = value.get("ci95")
    return row


class RunResult:
    """A run's results. ``to_dict()`` is the contract's JSON document (``ccsim run
    --json``); the DataFrame properties hold the same numbers in tidy tables, each row
    carrying the scenario, seed and replications it came from:

    - ``by_channel``: one row per channel and one ``all`` row;
    - ``intervals``: one row per reported interval and channel (``start_s`` in seconds from
      the horizon's start, or the counted day's midnight in a cyclic scenario);
    - ``by_group``: one row per agent group (occupancy, agents on duty, hours, cost);
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
        """Per reported interval and channel: ``start_s``, ``channel`` and the metrics."""
        keys = self._keys()
        rows = []
        for row in self._doc["intervals"]:
            metrics = {k: v for k, v in row.items() if k not in ("start_s", "channel", "risk")}
            rows.append(_estimates({**keys, "start_s": row["start_s"], "channel": row["channel"]}, metrics))
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


def erlang_c(rate_per_hour: float, aht_s: float, agents: int, answer_within_s: float) -> Dict[str, float]:
    """Exact Erlang C (M/M/n): ``p_wait``, ``service_level``, ``asa_s``, ``abandon_rate``
    (0) and ``occupancy``. Raises ``ValueError`` for an unstable queue."""
    return erlang(rate_per_hour, aht_s, agents, answer_within_s, None)


def erlang_a(
    rate_per_hour: float, aht_s: float, agents: int, answer_within_s: float, patience_s: float
) -> Dict[str, float]:
    """Exact Erlang A (M/M/n+M, exponential patience of mean ``patience_s``)."""
    return erlang(rate_per_hour, aht_s, agents, answer_within_s, patience_s)
