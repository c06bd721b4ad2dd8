"""The one outlet colour scale: stable colours whatever subset of outlets a chart shows."""

import altair as alt
import pandas as pd
import pytest

from helpers import charts
from helpers.charts.base import PALETTE


def test_registered_outlets_keep_their_colour_in_a_subset_chart():
    charts.use_outlets(["CBC News", "action news", "ITV News", "CBC News"])
    scale = charts.outlet_scale().to_dict()
    assert scale["domain"] == ["action news", "CBC News", "ITV News"]
    assert scale["range"] == list(PALETTE[:3])
    subset = pd.DataFrame({"outlet": ["ITV News"], "words": [10]})
    spec = alt.Chart(subset).mark_bar().encode(x="words:Q", color=charts.outlet_color()).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["action news", "CBC News", "ITV News"]
    assert spec["encoding"]["color"]["scale"]["range"][2] == PALETTE[2]


def test_unregistered_outlets_are_appended_not_reordered():
    charts.use_outlets(["B", "A"])
    scale = charts.outlet_scale(["C", "A"]).to_dict()
    assert scale["domain"] == ["A", "B", "C"]
    assert scale["range"] == list(PALETTE[:3])


def test_theme_is_enabled():
    assert alt.theme.active == "framekit"


def test_charts_import_altair_without_building_the_unused_iri_grammar():
    """helpers.charts.altair_import: jsonschema skips rfc3987_syntax while altair loads (about a
    second per kernel), and the module can still be imported afterwards."""
    import subprocess
    import sys

    pytest.importorskip("rfc3987_syntax")
    code = ("import sys, helpers.charts\n"
            "print('rfc3987_syntax' in sys.modules, 'iri' in __import__('jsonschema')"
            ".Draft202012Validator.FORMAT_CHECKER.checkers)\n"
            "import rfc3987_syntax\n"
            "print(rfc3987_syntax.is_valid_syntax('iri', 'https://example.org/é'))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "False", "True"]
