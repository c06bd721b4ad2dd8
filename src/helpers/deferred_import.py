"""Modules imported only when first used (NLTK, which textstat imports and the kit never calls;
SciPy's statistics, which scikit-learn imports and uses only in functions the kit rarely calls).

textstat (0.7.x) imports NLTK when it is imported, to read the CMU dictionary with
``nltk.corpus.cmudict`` if one of its own syllable counts is asked for. The kit counts syllables
from its own table (:func:`helpers.provision.load_syllable_table`), so NLTK is never used by the
kit's code, yet importing it imports SciPy's statistics and scikit-learn (``nltk.classify``):
1.5–3 s in every process that imports textstat, e.g. the step of ``framekit report`` that
analyses the new articles of a rerun, which needs neither otherwise.

:func:`defer_module` puts a stand-in module under the name in ``sys.modules`` (``import nltk``
then binds it at no cost). The first time one of its attributes is read or set (``nltk.data``,
``nltk.corpus``, an ``import nltk.corpus`` that needs ``nltk.__path__``), the real module is
imported in its place and the attribute is the real module's, so code using it works as if
it had been imported at once. :mod:`helpers` defers NLTK when it is imported (before any of its
modules imports textstat); a module already imported, or not installed, is left alone.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

_LOCK = threading.RLock()


class _DeferredModule(types.ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet (see the module docstring)."""

    def __getattr__(self, attribute: str) -> object:  # only for attributes the stand-in lacks
        return getattr(load_deferred(self.__name__), attribute)

    def __setattr__(self, attribute: str, value: object) -> None:
        if attribute in {"__spec__", "__loader__", "__package__", "__doc__", "__name__",
                         "__file__"}:
            super().__setattr__(attribute, value)  # (set while the stand-in is made)
        else:
            setattr(load_deferred(self.__name__), attribute, value)


def defer_module(name: str) -> bool:
    """Put a stand-in for module ``name`` in ``sys.modules`` that imports it when first used.

    Parameters
    ----------
    name
        A module name, e.g. ``"nltk"``, or a submodule's (``"scipy.stats"``: its package is
        imported to find it, and ``from scipy import stats`` then gets the stand-in too).

    Returns
    -------
    bool
        Whether a stand-in was put there: ``False`` when the module is already imported (or
        deferred) or is not installed (its import then fails as usual, where it is imported).
    """
    with _LOCK:
        if name in sys.modules:
            return False
        spec = importlib.util.find_spec(name)
        if spec is None:
            return False
        stand_in = _DeferredModule(name)
        stand_in.__spec__ = spec
        stand_in.__loader__ = spec.loader
        stand_in.__package__ = name
        if spec.has_location and spec.origin:
            # Where the module is, without importing it: ipykernel lists the files of the
            # modules loaded when a kernel starts (hasattr(module, "__file__")), which would
            # import a stand-in in a kernel forked from a process that imported the kit
            # (helpers.kernel_forks).
            stand_in.__file__ = spec.origin
        sys.modules[name] = stand_in
        return True


def load_deferred(name: str) -> types.ModuleType:
    """Import module ``name`` now (in place of its stand-in, if it has one) and return it."""
    with _LOCK:
        if isinstance(sys.modules.get(name), _DeferredModule):
            del sys.modules[name]
        return importlib.import_module(name)


def is_deferred(name: str) -> bool:
    """Whether ``sys.modules[name]`` is still a stand-in (the module has not been used yet)."""
    return isinstance(sys.modules.get(name), _DeferredModule)
