"""NumPy's huge-page advice, turned off in the kit's processes (unless the user chose).

On Linux, NumPy marks every new array of 4 MB or more with ``madvise(MADV_HUGEPAGE)`` (kernels
from 4.6 on). Where transparent huge pages are enabled for advised memory only, with the
default ``defrag`` setting (``madvise``; Debian's and Ubuntu's defaults), a page fault in
advised memory waits for the kernel to compact memory into a free 2 MB page when none is
free: on a machine whose memory is fragmented, writing new large arrays becomes several times
slower. The kit's notebooks build many such arrays (millions of sentence pairs, the coverage
tables) in a fresh process each. Measured on the project's 2-core machine (3 December 2026):
writing 1 GB of new arrays took 3.4-6.7 s with the advice and 0.46-0.48 s without; alignment
and the coverage tables of the 10,000-article bench collection took 9.0-9.9 s and 5.7-6.2 s
in a fresh process; notebook 01 rerun after adding 10 articles 19.6-20.6 s and 15.5-18.7 s.
Without the advice the kernel still gives huge pages where they are enabled for all memory
(``enabled`` set to ``always``), and 4 kB pages otherwise; what that costs in address
translation is included in the notebook's times above.

NumPy reads the environment variable ``NUMPY_MADVISE_HUGEPAGE`` when it is imported; a user
who set it (``1`` to keep the advice) is left alone. :mod:`helpers` calls
:func:`stop_hugepage_advice` when it is imported.
"""

from __future__ import annotations

import os

import numpy as np

#: NumPy's own switch, read when NumPy is imported: set by the user, it is the user's choice.
ENVIRONMENT_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"


def stop_hugepage_advice() -> bool:
    """Stop NumPy advising huge pages for new arrays, unless ``NUMPY_MADVISE_HUGEPAGE`` is set.

    Returns
    -------
    bool
        Whether NumPy advised them until now (``False`` when the variable is set, when NumPy
        did not advise them, or when this NumPy has no such switch).
    """
    if os.environ.get(ENVIRONMENT_VARIABLE) is not None:
        return False
    multiarray = getattr(getattr(np, "_core", None), "multiarray", None)
    switch = getattr(multiarray, "_set_madvise_hugepage", None)
    if switch is None:
        return False
    return bool(switch(False))  # (returns the previous setting)
