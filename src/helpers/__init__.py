"""framekit helpers: parsing, corpus tables and analyses behind the notebooks."""

from helpers.deferred_import import defer_module

__version__ = "0.1.0"

# textstat imports NLTK, which the kit never calls: import it only if something uses it
# (helpers.deferred_import). Done here, before any helper module imports textstat.
defer_module("nltk")
