"""Import altair without the second that jsonschema spends on an unused format checker.

Importing altair imports jsonschema, which builds ``rfc3987_syntax``'s Lark grammar (about a
second, in every kernel) only to check the ``"iri"`` string format, a format the Vega-Lite
schema never uses. That optional module is hidden while altair loads (jsonschema then skips the
``"iri"`` check, as it does when the module is not installed) and unhidden at once, so code that
imports it later still gets it. :mod:`helpers.charts` imports this module first.
"""

import sys

_OPTIONAL = "rfc3987_syntax"

if _OPTIONAL not in sys.modules and "jsonschema" not in sys.modules:
    sys.modules[_OPTIONAL] = None  # its import raises ImportError while altair loads
    try:
        import altair  # noqa: F401
    finally:
        del sys.modules[_OPTIONAL]
