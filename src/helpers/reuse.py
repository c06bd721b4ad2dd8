"""Fitted models kept between runs of a collection, and the rule for reusing them.

A topic model is fitted on the whole collection. When a few articles are added to a large
collection and the report runs again, fitting it afresh costs most of the rerun and may
renumber the topics the reader has been following. So the kit keeps the last fit under
``data/processed/<collection>/fits/`` and reuses it while the collection has changed little:

- units (paragraphs) that were in the fit keep their weights;
- new units are placed in the fitted topics, with the fit's vocabulary, IDF weights and
  topic-term matrix held fixed;
- removed units are dropped.

Reuse applies only when every option of the fit is unchanged (and so are the kit's code that made
it, :func:`digest_sources`, and scikit-learn's version), ``refit`` is not asked for, and
the units added plus the units removed since the fit are at most :data:`MAX_DRIFT` (5%) of
the units fitted on. Otherwise the model is fitted afresh and saved in place of the old one.
Drift is always counted against the saved fit, not against the last run, so a run of small
additions cannot carry a fit further than 5% from the collection it was fitted on.

Reused results depend on that earlier fit as well as on the folder. The notebook says so, with
the numbers (:func:`describe_reuse`); ``framekit report --refit`` (notebook parameter
``refit = True``) fits afresh, and so gives exactly what a first run on the folder gives.

Fits are stored with :func:`helpers.cache.write_snapshot`: NumPy arrays and JSON, no pickle,
so reading one never runs code. A missing, unreadable or foreign file is a cache miss.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.cache import read_snapshot, write_snapshot

#: Largest share of changed units (added plus removed, over the units fitted on) for reuse.
MAX_DRIFT = 0.05
#: Bump when what a fit stores, or how it is used, changes: older fits are then ignored.
FIT_VERSION = 1
FITS_FOLDER = "fits"


@dataclass(frozen=True)
class Drift:
    """How far the current units are from the units a saved fit was made on.

    Attributes
    ----------
    fitted
        Distinct units the saved fit was made on.
    added
        Distinct units now present that the fit did not see.
    removed
        Distinct units of the fit that are gone.
    """

    fitted: int
    added: int
    removed: int

    @property
    def fraction(self) -> float:
        """``(added + removed) / fitted`` (infinite for an empty fit)."""
        return (self.added + self.removed) / self.fitted if self.fitted else float("inf")


@dataclass(frozen=True)
class FitStore:
    """Where a collection keeps its fits, and whether they may be reused.

    Attributes
    ----------
    folder
        Folder of the saved fits; ``None`` keeps nothing (every fit is fresh).
    refit
        Fit afresh even when a saved fit could be reused (the fresh fit is then saved).
    max_drift
        Largest :attr:`Drift.fraction` for reuse.
    """

    folder: Path | None = None
    refit: bool = False
    max_drift: float = MAX_DRIFT

    def _path(self, name: str) -> Path:
        if Path(name).name != name or not name.isidentifier():
            raise ValueError(f"a fit name must be a plain identifier, got {name!r}")
        return Path(self.folder) / f"{name}.npz"

    def load(self, name: str, options: Mapping) -> dict | None:
        """The saved fit ``name`` made with these ``options``; ``None`` when there is none,
        it was made with other options or another :data:`FIT_VERSION`, it cannot be read, or
        :attr:`refit` is set."""
        if self.folder is None or self.refit:
            return None
        data = read_snapshot(self._path(name))
        if data is None or data.get("_key") != _options_key(options):
            return None
        return data

    def save(self, name: str, options: Mapping, data: Mapping) -> bool:
        """Save the fit ``name`` (JSON values and data frames, see
        :func:`helpers.cache.write_snapshot`) under ``options``; False when nothing was
        written (no folder, or a value the snapshot format cannot hold)."""
        if self.folder is None:
            return False
        return write_snapshot(self._path(name), {**data, "_key": _options_key(options)})

    def allows(self, drift: Drift) -> bool:
        """Whether a saved fit this far from the current units may be reused."""
        return not self.refit and drift.fraction <= self.max_drift


def open_fit_store(collection: str | os.PathLike[str], *, refit: bool = False,
                   max_drift: float = MAX_DRIFT) -> FitStore:
    """The :class:`FitStore` of a collection (a folder name under ``data/raw/`` or a path)."""
    folder = paths.cache_dir(paths.resolve_collection(collection)) / FITS_FOLDER
    return FitStore(folder=folder, refit=bool(refit), max_drift=max_drift)


def digest_sources(*names: str) -> str | None:
    """SHA-256 of the source of the kit's modules ``names`` (files beside this one, e.g.
    ``"topics.py"``), for keys that a code change must invalidate; ``None`` when one cannot be
    read."""
    digest = hashlib.sha256()
    try:
        for name in names:
            digest.update(Path(__file__).with_name(name).read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _options_key(options: Mapping) -> str:
    text = json.dumps({**options, "_version": FIT_VERSION}, sort_keys=True, default=str)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def hash_texts(texts) -> np.ndarray:
    """64-bit hashes of texts (pandas' ``hash_array``, stable across runs and machines).

    Two different texts share a hash with probability about 1e-19 per pair (for a million
    units, about 3e-8 for the whole collection).
    """
    values = np.asarray(pd.Series(texts, dtype=object).fillna("").to_numpy(), dtype=object)
    return pd.util.hash_array(values, categorize=False).astype(np.uint64)


def measure_drift(fitted: np.ndarray, current: np.ndarray) -> Drift:
    """:class:`Drift` between the distinct hashes of a fit and of the current units."""
    fitted, current = np.unique(fitted), np.unique(current)
    return Drift(fitted=len(fitted), added=int((~np.isin(current, fitted)).sum()),
                 removed=int((~np.isin(fitted, current)).sum()))


def describe_reuse(drift: Drift | None, *, what: str, units: str,
                   limit: float = MAX_DRIFT) -> str:
    """One or two sentences on whether ``what`` (e.g. "The topics") was fitted afresh on this
    run's ``units`` (e.g. "paragraph units") or reused (Markdown).

    ``drift`` is ``None`` for a fresh fit; ``limit`` is the store's largest drift for reuse.

    Examples
    --------
    >>> describe_reuse(Drift(fitted=2000, added=30, removed=10), what="The topics",
    ...                units="paragraph units")  # doctest: +NORMALIZE_WHITESPACE
    'The topics were fitted in an earlier run on 2,000 distinct paragraph units; the 30 added
    since were placed with that fit, held fixed, and the 10 removed since were dropped (2.0% of
    the fit; the kit refits beyond 5%). Run with `refit = True` (`framekit report --refit`) to
    fit afresh.'
    """
    if drift is None:
        return f"{what} were fitted on this run's {units}."
    changed = drift.added + drift.removed
    if changed == 0:
        return (f"{what} are those fitted on the same {drift.fitted:,} distinct {units} in an "
                "earlier run (nothing changed since).")
    changes = ([f"the {drift.added:,} added since were placed with that fit, held fixed"]
               if drift.added else []) + ([f"the {drift.removed:,} removed since were dropped"]
                                          if drift.removed else [])
    text = (f"{what} were fitted in an earlier run on {drift.fitted:,} distinct {units}; "
            f"{', and '.join(changes)} ({drift.fraction:.1%} of the fit; the kit refits beyond "
            f"{limit:.0%})")
    return text + ". Run with `refit = True` (`framekit report --refit`) to fit afresh."
