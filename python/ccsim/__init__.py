"""ccsim for Python: contact-center scenarios, runs, comparisons, sweeps (on one machine or
sharded across a cluster), rosters, fits and Erlang formulas, with results as pandas
DataFrames.

Everything is ccsim's own library (a Rust extension module, ``ccsim._ccsim``): a scenario
is compiled, simulated and summarised exactly as the ``ccsim`` command does it, so
``run(scenario).to_dict()`` equals what ``ccsim run FILE --json`` prints for the same
replications and seed, and ``sweep``, ``merge``, ``optimize`` and ``fit`` give what their
commands give.

>>> import ccsim
>>> scenario = ccsim.load("scenarios/weekday.toml")
>>> result = ccsim.run(scenario, replications=20, seed=1)
>>> result.by_channel[["channel", "service_level", "service_level_ci95"]]
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _ccsim
from ._ccsim import Scenario, ScenarioError, __version__
from ._progress import Progress
from ._results import Comparison, FitResult, OptimizeResult, Partial, RunResult, SweepResult

__all__ = [
    "Scenario",
    "ScenarioError",
    "RunResult",
    "Comparison",
    "SweepResult",
    "Partial",
    "OptimizeResult",
    "FitResult",
    "load",
    "run",
    "compare",
    "sweep",
    "merge",
    "optimize",
    "fit",
    "erlang_c",
    "erlang_a",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]


def load(path: PathLike) -> Scenario:
    """Reads and compiles the scenario file at ``path`` (TOML; a variant file follows its
    ``extends``).

    Raises ``ScenarioError`` (attributes ``file``, ``line``, ``column``, ``key``,
    ``message``) when ccsim refuses it, ``OSError`` when it cannot be read.
    """
    return _ccsim.load(os.fspath(path))


def _scenario(x: Union[Scenario, PathLike]) -> Scenario:
    """A Scenario as given, or the scenario file a path names (loaded)."""
    if isinstance(x, Scenario):
        return x
    if isinstance(x, (str, os.PathLike)):
        return load(x)
    raise TypeError(f"expected a ccsim.Scenario (ccsim.load(path)) or a path, got {type(x).__name__}")


def run(
    scenario: Union[Scenario, PathLike],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> RunResult:
    """Simulates ``scenario`` (``replications`` and ``seed`` default to the scenario's,
    ``threads`` to every core) with the GIL released; the same seed gives the same numbers
    on any number of threads, and the same as the ``ccsim run`` command. ``progress``: a
    progress bar (tqdm) of the replications; by default shown in a Jupyter notebook only.
    Ctrl-C (or a notebook's interrupt) stops the run: ``KeyboardInterrupt``. A path
    is loaded first."""
    scenario = _scenario(scenario)
    total = scenario.replications if replications is None else replications
    with Progress(total, progress, scenario.name) as bar:
        summary, reps = _ccsim.run_json(scenario, replications, seed, threads, bar.callback)
    return RunResult(summary, reps)


def compare(
    base: Union[Scenario, PathLike],
    *variants: Union[Scenario, PathLike],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    progress: Optional[bool] = None,
) -> Comparison:
    """Runs ``base`` and each variant on the same seed (``replications`` and ``seed``
    default to the base's; at least 2 replications) and compares them as ``ccsim compare``
    does: paired differences (common random numbers) when they have the same customers.
    Variants are scenarios, e.g. ``base.with_changes({"group.agents.agents": 112})``."""
    if not variants:
        raise ValueError("compare needs at least one variant")
    base = _scenario(base)
    variants = tuple(_scenario(v) for v in variants)
    reps = base.replications if replications is None else replications
    with Progress(reps * (1 + len(variants)), progress, "compare") as bar:
        doc = _ccsim.compare_json(base, list(variants), replications, seed, threads, bar.callback)
    return Comparison(doc)


def _axes(values: Mapping[str, Any]) -> List[Tuple[str, List[Any]]]:
    """The sweep's axes from a dict of key path → values (a list, a range, a NumPy
    array, or one value)."""
    axes = []
    for key, vals in values.items():
        if isinstance(vals, (str, bytes)) or not isinstance(vals, Iterable):
            vals = [vals]
        items = [v.item() if isinstance(v, np.generic) else v for v in vals]
        axes.append((str(key), items))
    return axes


def _shard(shard: Any) -> Optional[Tuple[int, int]]:
    """``(index, count)`` from a tuple or ``"index/count"``."""
    if shard is None:
        return None
    if isinstance(shard, str):
        index, sep, count = shard.partition("/")
        try:
            return int(index), int(count)
        except ValueError:
            raise ValueError(f"shard must be (index, count) or \"index/count\", e.g. (0, 4) (got {shard!r})") from None
    try:
        index, count = shard
        return int(index), int(count)
    except (TypeError, ValueError):
        raise ValueError(f"shard must be (index, count) or \"index/count\", e.g. (0, 4) (got {shard!r})") from None


def sweep(
    scenario: Union[Scenario, PathLike],
    values: Mapping[str, Any],
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    shard: Optional[Tuple[int, int]] = None,
    progress: Optional[bool] = None,
) -> Union[SweepResult, Partial]:
    """Runs ``scenario`` (loaded from a file, with any changes) at every point of the grid
    of ``values`` (key path → values, as ``ccsim sweep --set``; the last key varies
    fastest), each point with its own replications and seed unless ``replications`` and
    ``seed`` are given, as ``ccsim sweep`` does: a ``SweepResult``.

    With ``shard=(index, count)`` it runs only that shard's points and returns a
    ``Partial`` (as ``ccsim sweep --shard index/count --partial`` writes it); the
    ``count`` shards, run anywhere (processes, Dask or Ray workers, cluster jobs), merge
    with ``ccsim.merge`` into what the whole sweep gives, value for value.

    Raises ``ScenarioError``/``ValueError`` for a key or value the scenario refuses,
    ``MemoryError`` when the results would not fit. A path is loaded first; a variant
    file sweeps as the scenario it gives."""
    scenario = _scenario(scenario)
    shard = _shard(shard)
    axes = _axes(values)
    total = 1
    for _, vals in axes:
        total *= len(vals)
    reps = scenario.replications if replications is None else replications
    if shard is not None:
        index, count = shard
        total = len([p for p in range(total) if count > 0 and p % count == index])
    with Progress(total * reps, progress, "sweep") as bar:
        kind, text, warnings = _ccsim.sweep_json(
            scenario, axes, replications, seed, threads, shard, bar.callback
        )
    _warn(warnings)
    if kind == "partial":
        return Partial(text, f"shard {shard[0]}/{shard[1]}" if shard else "<partial>")
    return SweepResult(text, warnings, order=[k for k in scenario.changes if k not in values] + [k for k, _ in axes])


def _warn(messages: Sequence[str]) -> None:
    import warnings

    for m in messages:
        warnings.warn(m, stacklevel=3)


def merge(
    parts: Iterable[Union[Partial, PathLike]], scenario: Optional[PathLike] = None
) -> Union[RunResult, SweepResult]:
    """Joins the parts of a sharded sweep (``Partial`` objects from ``sweep(...,
    shard=...)``, or partial files written by ``Partial.save`` or by ``ccsim run|sweep
    --shard``) into what the single run gives, as ``ccsim merge`` does: a
    ``SweepResult`` (or a ``RunResult`` for the parts of a sharded run). The parts are
    checked against the scenario file they recorded, or ``scenario``.

    Raises ``ScenarioError`` when a part is damaged, missing or does not fit with the
    others or the scenario, ``OSError`` when a file cannot be read."""
    texts = []
    for part in parts:
        if isinstance(part, Partial):
            texts.append((part.name, part.text))
        else:
            path = os.fspath(part)
            with open(path, encoding="utf-8") as f:
                texts.append((path, f.read()))
    if not texts:
        raise ValueError("merge needs the parts of every shard")
    kind, doc, reps, warnings = _ccsim.merge_json(
        texts, None if scenario is None else os.fspath(scenario)
    )
    _warn(warnings)
    if kind == "run":
        return RunResult(doc, reps)
    return SweepResult(doc, warnings, order=json.loads(reps))


_FLAGS = {
    "--max-abandon-rate": "max_abandon_rate",
    "--max-iterations": "max_iterations",
    "--max-occupancy": "max_occupancy",
    "--service-level": "service_levels",
    "--replications": "replications",
    "--time-limit": "time_limit_s",
    "--confidence": "confidence",
    "--max-asa": "max_asa_s",
    "--threads": "threads",
    "--solver": "solver",
    "--seed": "seed",
    "--gap": "gap",
}


def optimize(
    scenario: Union[Scenario, PathLike],
    *,
    seed: Optional[int] = None,
    threads: Optional[int] = None,
    replications: Optional[int] = None,
    max_iterations: Optional[int] = None,
    gap: Optional[float] = None,
    time_limit_s: Optional[float] = None,
    solver: Optional[str] = None,
    max_abandon_rate: Optional[float] = None,
    max_asa_s: Optional[float] = None,
    service_levels: Optional[Mapping[str, float]] = None,
    confidence: Optional[float] = None,
    max_occupancy: Optional[float] = None,
    verbose: bool = False,
) -> OptimizeResult:
    """Recommends a roster for ``scenario`` (loaded from a file with an ``[optimize]``
    section; any ``with_changes`` apply) as ``ccsim optimize`` does: requirements per
    interval, a roster of shifts (or weekly tours) by MIP, verified by simulation and
    raised where it misses. The keyword arguments are the command's flags
    (``--max-asa 30s`` is ``max_asa_s=30``, ``--service-level voice=0.8`` is
    ``service_levels={"voice": 0.8}``, ``--solver`` ``"microlp"`` or ``"cbc"``); each
    overrides the scenario's value. ``verbose`` prints the progress lines as they come
    (they are in ``result.log`` either way). Ctrl-C is honoured when the optimizer
    returns.

    Raises ``ValueError`` for a flag out of range or a scenario that cannot be optimized
    (no ``[optimize]``, limits no roster meets), ``ScenarioError`` for a bad people file."""
    flags = {
        "seed": seed,
        "threads": threads,
        "replications": replications,
        "max_iterations": max_iterations,
        "gap": gap,
        "time_limit_s": time_limit_s,
        "solver": solver,
        "max_abandon_rate": max_abandon_rate,
        "max_asa_s": max_asa_s,
        "service_levels": None if service_levels is None else list(service_levels.items()),
        "confidence": confidence,
        "max_occupancy": max_occupancy,
    }
    log = None
    if verbose:
        import sys

        def log(line: str) -> None:
            print(line, file=sys.stderr)

    try:
        doc, files, workbook, lines = _ccsim.optimize_files(_scenario(scenario), flags, log)
    except ValueError as e:
        # The library names the command's flags; say the keyword arguments instead.
        message = str(e)
        for flag, name in _FLAGS.items():
            message = message.replace(flag, name)
        if message == str(e):
            raise
        raise type(e)(message) from None
    return OptimizeResult(doc, files, workbook, lines)


def fit(
    log: PathLike,
    *,
    interval_s: float = 900.0,
    name: str = "fitted",
    typical_day: bool = False,
    columns: Optional[Mapping[str, str]] = None,
    datetime_format: Optional[str] = None,
    delimiter: Optional[str] = None,
    outcomes: Optional[Mapping[str, str]] = None,
    return_window_s: float = 86_400.0,
) -> FitResult:
    """Fits a scenario to the contact log (CSV) at ``log`` as ``ccsim fit`` does: arrival
    rates per ``interval_s`` and category, handle times, patience, bot outcomes, redials
    and repeats. ``columns`` maps ccsim's column names to the log's headers
    (``{"arrival": "Call Start", "channel": "Queue"}``, as ``--columns``), ``outcomes``
    the log's outcome words to ccsim's (``{"Handled": "answered"}``, as ``--outcome``);
    ``typical_day`` writes one typical day (a week with day-of-week factors) instead of
    the log's days. Returns a ``FitResult`` (the scenario's text, warnings and report;
    ``save(path)`` writes and loads it).

    Raises ``OSError`` when the log cannot be read, ``ScenarioError`` when it is refused
    (the file and the reason), ``ValueError`` for a bad argument."""
    toml, warnings, report = _ccsim.fit_toml(
        os.fspath(log),
        float(interval_s),
        name,
        bool(typical_day),
        list((columns or {}).items()),
        datetime_format,
        delimiter,
        list((outcomes or {}).items()),
        float(return_window_s),
    )
    return FitResult(toml, warnings, report, name)


_ERLANG_KEYS = ("p_wait", "service_level", "asa_s", "abandon_rate", "occupancy")


def _erlang(rate_per_hour, aht_s, agents, answer_within_s, patience_s):
    """The scalar formula for scalars; element-wise over NumPy arrays (broadcast
    together) otherwise, NaN where a queue has no values."""
    inputs = [rate_per_hour, aht_s, agents, answer_within_s]
    if patience_s is not None:
        inputs.append(patience_s)
    if all(np.ndim(x) == 0 for x in inputs):
        if float(agents) != int(agents) or int(agents) < 0:
            raise ValueError(f"agents must be a whole number, 0 or more (got {agents})")
        return _ccsim.erlang(
            float(rate_per_hour),
            float(aht_s),
            int(agents),
            float(answer_within_s),
            None if patience_s is None else float(patience_s),
        )
    arrays = np.broadcast_arrays(*[np.asarray(x) for x in inputs])
    shape = arrays[0].shape
    agents_arr = arrays[2]
    if not np.all(np.equal(np.mod(agents_arr, 1), 0)) or np.any(agents_arr < 0):
        raise ValueError("agents must be whole numbers, 0 or more")
    flat = [a.ravel() for a in arrays]
    columns = _ccsim.erlang_many(
        flat[0].astype(float).tolist(),
        flat[1].astype(float).tolist(),
        flat[2].astype(np.int64).tolist(),
        flat[3].astype(float).tolist(),
        flat[4].astype(float).tolist() if patience_s is not None else [],
    )
    return {k: np.asarray(c, dtype=float).reshape(shape) for k, c in zip(_ERLANG_KEYS, columns)}


def erlang_c(rate_per_hour, aht_s, agents, answer_within_s):
    """Exact Erlang C (M/M/n): ``p_wait``, ``service_level``, ``asa_s``, ``abandon_rate``
    (0) and ``occupancy``. Rates per hour, times in seconds. With scalars, a dict of
    floats (``ValueError`` for an unstable queue); with NumPy arrays (broadcast together,
    e.g. ``agents=np.arange(100, 121)``), a dict of arrays of the broadcast shape, NaN
    where the queue is unstable — ``pandas.DataFrame(erlang_c(...))`` for 1-D inputs."""
    return _erlang(rate_per_hour, aht_s, agents, answer_within_s, None)


def erlang_a(rate_per_hour, aht_s, agents, answer_within_s, patience_s):
    """Exact Erlang A (M/M/n+M, exponential patience of mean ``patience_s``), scalar or
    element-wise over NumPy arrays as ``erlang_c``."""
    return _erlang(rate_per_hour, aht_s, agents, answer_within_s, patience_s)
