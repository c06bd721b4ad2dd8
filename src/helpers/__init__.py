"""framekit helpers: parsing, corpus tables and analyses behind the notebooks."""

from helpers.deferred_import import defer_module

__version__ = "0.1.0"

# textstat imports NLTK, which the kit never calls, and jsonschema (under Altair) the IRI check
# of rfc3987_syntax, which Altair's charts never need: each is imported only if something uses
# it (helpers.deferred_import). Done here, before any helper module imports textstat or Altair.
defer_module("nltk")
defer_module("rfc3987_syntax", functions=("is_valid_syntax",))
