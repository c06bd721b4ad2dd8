"""framekit helpers: parsing, corpus tables and analyses behind the notebooks."""

from helpers.deferred_import import defer_module
from helpers.page_advice import stop_hugepage_advice

__version__ = "0.1.0"

# textstat imports NLTK, which the kit never calls: import it only if something uses it
# (helpers.deferred_import). Done here, before any helper module imports textstat.
defer_module("nltk")
# scikit-learn imports SciPy's statistics (0.6-0.9 s) when it is imported; the kit needs them
# only where sklearn.decomposition is imported (topic fits, the similarity map's fit), so a
# rerun of notebook 01 never loads them.
defer_module("scipy.stats")

# NumPy's huge-page advice makes new large arrays several times slower to write where the
# kernel compacts memory on demand for advised pages (helpers.page_advice).
stop_hugepage_advice()
