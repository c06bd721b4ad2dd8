"""helpers.charts.render: the JupyterLab MIME bundle, script-safe JSON, report chart HTML."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from helpers import charts  # noqa: F401  (importing enables the framekit renderer)
from helpers.charts import render


def _chart() -> alt.Chart:
    table = pd.DataFrame({"outlet": ["A", "B"], "headline": ["</script><b>x</b>", "y & z"],
                          "words": [120, 80]})
    return alt.Chart(table, title="Words per outlet").mark_bar().encode(
        x="words:Q", y="outlet:N", tooltip=["headline:N"])


def test_importing_charts_enables_the_framekit_renderer():
    assert alt.renderers.active == "framekit"


def test_renderer_emits_the_vegalite5_mime_jupyterlab_draws():
    bundle, metadata = _chart()._repr_mimebundle_()
    assert set(bundle) == {render.VEGALITE_MIME, "text/plain"}
    spec = bundle[render.VEGALITE_MIME]
    assert spec["$schema"] == "https://vega.github.io/schema/vega-lite/v5.json"
    assert spec["mark"] == {"type": "bar"}
    assert bundle["text/plain"].startswith("Chart: Words per outlet")
    assert metadata[render.VEGALITE_MIME]["embed_options"]["actions"]["editor"] is False


def test_renderer_specs_compile_with_vegalite5():
    import vl_convert as vlc

    spec = _chart()._repr_mimebundle_()[0][render.VEGALITE_MIME]
    vega = vlc.vegalite_to_vega(spec, vl_version="5.8")
    assert vega["marks"][0]["type"] == "rect"


@pytest.mark.parametrize(("value", "expected"), [
    ("</script>", '"\\u003c/script\\u003e"'),
    ("a & b", '"a \\u0026 b"'),
    ("<!--", '"\\u003c!--"'),
    ("line\u2028sep", '"line\\u2028sep"'),
    ("café", '"café"'),
])
def test_dump_script_json_escapes_what_could_end_a_script(value, expected):
    text = render.dump_script_json(value)
    assert text == expected
    assert json.loads(text) == value


def test_chart_html_is_a_container_and_a_json_island():
    spec = _chart().to_dict()
    out = render.chart_html(spec, chart_id="chart-3")
    assert out.startswith('<div class="framekit-chart" id="chart-3"></div>')
    island = re.search(r'data-target="chart-3">(.*)</script>$', out, re.S).group(1)
    assert "<" not in island and ">" not in island
    assert json.loads(island)["$schema"] == alt.SCHEMA_URL
    assert out.count("</script>") == 1


@pytest.mark.parametrize("bad", ['x" onload="alert(1)', "a b", "<i>"])
def test_chart_html_refuses_ids_that_are_not_identifiers(bad):
    with pytest.raises(ValueError, match="plain identifier"):
        render.chart_html({}, chart_id=bad)


def test_add_chart_html_replaces_every_vegalite_output_in_order():
    spec = {"mark": "point"}
    outputs = [new_output("display_data", data={mime: spec, "text/plain": "Chart"})
               for mime in render.VEGALITE_MIMES]
    nb = new_notebook(cells=[new_code_cell("c", outputs=outputs[:2]),
                             new_code_cell("d", outputs=[outputs[2], new_output(
                                 "stream", name="stdout", text="hi")])])
    assert render.add_chart_html(nb, prefix="fig") == 3
    ids = [re.search(r'id="([^"]+)"', o["data"]["text/html"]).group(1)
           for cell in nb.cells for o in cell.outputs if "data" in o]
    assert ids == ["fig-1", "fig-2", "fig-3"]
    for cell in nb.cells:
        for output in cell.outputs:
            assert not set(render.VEGALITE_MIMES) & set(output.get("data", {}))


def test_embed_script_draws_every_island_as_svg():
    assert 'querySelectorAll("script.framekit-spec")' in render.EMBED_SCRIPT
    assert '"renderer": "svg"' in render.EMBED_SCRIPT


def test_vega_bundle_is_offline_and_defines_vega_embed():
    bundle = render.read_vega_bundle()
    assert "window.vegaEmbed=" in bundle
    assert "</script" not in bundle.lower()
    assert not re.search(r"""(?:import|require)\(["']https?://""", bundle)
    assert 500_000 < len(bundle) < 2_000_000


def test_vega_bundle_is_built_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    import vl_convert

    from helpers import paths

    monkeypatch.setattr(paths, "DATA_PROCESSED", tmp_path)
    built = []
    original = vl_convert.javascript_bundle

    def build(*args, **kwargs):
        built.append(True)
        return original(*args, **kwargs) + "\n// </script>"

    monkeypatch.setattr(vl_convert, "javascript_bundle", build)
    render.read_vega_bundle.cache_clear()
    try:
        first = render.read_vega_bundle()
        (kept,) = (tmp_path / "vega").iterdir()
        assert kept.name == f"bundle-{vl_convert.__version__}-vl{render.VEGALITE_VERSION}.js"
        render.read_vega_bundle.cache_clear()
        assert render.read_vega_bundle() == first == kept.read_text("utf-8")
        assert built == [True]  # the second process-level call read the kept file
        assert first.endswith("// <\\/script>")  # escaped before it was kept
        kept.write_bytes(b"\xff\xfe broken")  # unreadable as UTF-8: built again
        render.read_vega_bundle.cache_clear()
        assert render.read_vega_bundle() == first and built == [True, True]
    finally:
        render.read_vega_bundle.cache_clear()


def test_read_chart_specs_finds_every_island_in_order():
    first, second = {"mark": "bar"}, {"mark": "line", "title": "</script>"}
    page = ("<p>x</p>" + render.chart_html(first, chart_id="chart-1") + "<p>y</p>"
            + render.chart_html(second, chart_id="chart-2"))
    specs = render.read_chart_specs(page)
    assert [s["mark"] for s in specs] == ["bar", "line"]
    assert specs[1]["title"] == "</script>"
