"""Progress bars for long runs: a tqdm bar (a widget in a notebook with ipywidgets, text
otherwise) when asked, or by default inside a Jupyter notebook; silent elsewhere."""

from __future__ import annotations

import sys
import warnings
from typing import Callable, Optional


def in_notebook() -> bool:
    """Whether this Python is a Jupyter kernel (an IPython ZMQ shell)."""
    try:
        from IPython import get_ipython  # type: ignore
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class Progress:
    """A bar of ``total`` replications when ``show`` is True, or when it is None and this
    is a notebook; otherwise nothing. ``callback`` (None when silent) is what the
    extension module calls with the replications done so far; ``close()`` ends the bar."""

    def __init__(self, total: int, show: Optional[bool], description: str) -> None:
        self._bar = None
        if show is None:
            show = in_notebook()
        if not show or total <= 0:
            return
        with warnings.catch_warnings():
            # tqdm.auto warns when a notebook has no ipywidgets; its text bar is fine.
            warnings.simplefilter("ignore")
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=description, unit="rep", file=sys.stderr)

    @property
    def callback(self) -> Optional[Callable[[int], None]]:
        if self._bar is None:
            return None
        bar = self._bar

        def update(done: int) -> None:
            bar.update(done - bar.n)

        return update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
