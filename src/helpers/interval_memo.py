"""Bootstrap intervals kept between runs, per group (the ``memo=`` file of the interval helpers).

Readability and topic shares per outlet and tone per outlet and actor are percentile bootstrap
intervals, each group resampled with its own generator (readability and topic shares:
:func:`helpers.resample.group_generator`; tone: one seeded generator per group), so a group's
interval is a pure function of its values, the seed and the options: after a few articles are
added, the groups they do not belong to have the same values and their intervals are read back
instead of being resampled (a thousand resamples of ten thousand paragraphs per outlet take
about a tenth of a second each).

Each group's result is stored under a SHA-256 digest of everything it depends on: the group's
name, its values (dtype, shape and bytes), the options and a fingerprint (:data:`MEMO_VERSION`,
NumPy's version, which fixes the generator's stream, and a digest of the source of the modules
that compute it). The file is a snapshot (:func:`helpers.cache.write_snapshot`: read without
pickle, written atomically) holding the last call's groups only. A memo that is missing,
unreadable or malformed is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

import numpy as np

from helpers.cache import read_snapshot, write_memo
from helpers.reuse import digest_sources

#: Version of the memo's layout and meaning; bump it when either changes.
MEMO_VERSION = 1


class IntervalMemo:
    """The memo file of one interval call.

    Parameters
    ----------
    path
        The memo file; ``None`` keeps nothing (every group is computed).
    modules
        The kit's modules (files beside this one) whose code computes the intervals.
    options
        The call's options (JSON values), part of every group's digest.
    """

    def __init__(self, path: str | os.PathLike[str] | None, modules: tuple[str, ...],
                 options: dict) -> None:
        self.path = None if path is None else Path(path)
        code = _digest_code(tuple(modules))
        self.active = self.path is not None and code is not None
        self._prefix = json.dumps({"version": MEMO_VERSION, "numpy": np.__version__,
                                   "code": code, "options": options}, sort_keys=True)
        self._stored: dict[str, list[float]] = self._read() if self.active else {}
        self._used: dict[str, list[float]] = {}

    def _read(self) -> dict[str, list[float]]:
        data = read_snapshot(self.path)
        groups = None if data is None else data.get("groups")
        if not isinstance(groups, dict) or not all(
                isinstance(values, list) and all(isinstance(v, float) for v in values)
                for values in groups.values()):
            return {}
        return groups

    def digest(self, group: str, values: np.ndarray) -> str:
        """The digest of one group's result: its name, its values and the memo's prefix."""
        values = np.ascontiguousarray(values)
        digest = hashlib.sha256(self._prefix.encode("utf-8"))
        digest.update(json.dumps([group, values.dtype.str, list(values.shape)]).encode("utf-8"))
        digest.update(values.tobytes())
        return digest.hexdigest()

    def recall(self, group: str, values: np.ndarray, size: int,
               compute: Callable[[str, np.ndarray], Sequence[float]]) -> list[float]:
        """The ``size`` numbers of one group's result: read back when stored under the
        group's digest (:meth:`digest`), else ``compute(group, values)``; kept for the next run
        either way."""
        return self.recall_many([(group, values)], size, compute)[0]

    def recall_many(self, groups: Sequence[tuple[str, np.ndarray]], size: int,
                    compute: Callable[[str, np.ndarray], Sequence[float]], *,
                    workers: int | None = None) -> list[list[float]]:
        """:meth:`recall` of each ``(group, values)``, in order; the groups not stored are
        computed on ``workers`` threads (default: one per core).

        Each group's result depends on its own values and generator only, so the threads give
        what one loop gives; NumPy draws, gathers and sums without Python's lock, so two
        cores resample about twice as fast (readability's counts, tone's scores; not a
        product that BLAS already spreads over the cores).
        """
        keys = [self.digest(group, values) for group, values in groups]
        found: list[list[float] | None] = [self._stored.get(key) for key in keys]
        todo = [k for k, result in enumerate(found) if result is None or len(result) != size]
        threads = min(len(todo), workers or os.cpu_count() or 1)
        if threads > 1:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                computed = list(pool.map(lambda k: compute(*groups[k]), todo))
        else:
            computed = [compute(*groups[k]) for k in todo]
        for k, result in zip(todo, computed, strict=True):
            found[k] = [float(v) for v in result]
        for key, result in zip(keys, found, strict=True):
            self._used[key] = result
        return found

    def save(self) -> None:
        """Write the groups of this call, unless the file holds exactly these; a file that
        cannot be written is reported with a warning (the intervals are complete)."""
        if not self.active or self._used.keys() == self._stored.keys():
            return
        # (JSON as Python writes it: NaN stays NaN)
        write_memo(self.path, {"version": MEMO_VERSION, "groups": self._used}, what="interval")


@cache
def _digest_code(modules: tuple[str, ...]) -> str | None:
    """Digest of the source of ``modules`` and of the resampling code, read once per session
    (the code that runs, not a later edit)."""
    return digest_sources(*modules, "resample.py", "interval_memo.py")
