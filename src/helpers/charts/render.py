"""How charts render: natively in JupyterLab, and offline in the HTML report.

Method
------
Altair 6 writes Vega-Lite 6 specs, and its ``default`` renderer emits HTML that loads Vega from
a CDN, which stays blank offline. JupyterLab 4 renders the MIME type
``application/vnd.vegalite.v5+json`` itself, with the Vega-Lite 5 library bundled in JupyterLab
(no network), and has no renderer for Vega-Lite 6. Importing :mod:`helpers.charts` therefore
enables the ``framekit`` renderer (:func:`render_vegalite`), which emits that MIME type (the
spec's ``$schema`` set to Vega-Lite 5; the kit's specs use nothing Vega-Lite 6 added, and the
report tests compile every chart with Vega-Lite 5 to keep it so) plus a plain-text fallback.

The report (``framekit report``) executes the notebooks and turns each such output into HTML
with :func:`add_chart_html`: an empty ``<div>`` and the spec (``$schema`` back to Altair's
Vega-Lite 6) as a JSON data island (``<script type="application/json">``, in which ``<``, ``>``
and ``&`` are written as JSON ``\\u`` escapes so that article text in the data cannot close the
tag). One page script (:data:`EMBED_SCRIPT`) calls ``vegaEmbed`` on every island, drawing SVG.
Vega 6, Vega-Lite 6 and vega-embed come from vl-convert's offline bundle
(:func:`read_vega_bundle`, ~0.9 MB), inlined once per page, never once per chart. Tooltips go
through vega-embed's default handler, which escapes HTML, and Vega draws text as SVG text nodes,
so article text in a chart is never parsed as markup.

References: Vega-Lite (Satyanarayan et al. 2017, https://vega.github.io/vega-lite/); vega-embed
(https://github.com/vega/vega-embed); JupyterLab's vega5-extension; vl-convert
(https://github.com/vega/vl-convert).
"""

from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from typing import Any

import altair as alt

#: The MIME type JupyterLab 4 renders natively (its bundled Vega-Lite 5).
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
#: Vega-Lite MIME types the report turns into HTML (older kernels may have written v4/v6).
VEGALITE_MIMES: tuple[str, ...] = (
    "application/vnd.vegalite.v4+json", VEGALITE_MIME, "application/vnd.vegalite.v6+json",
)
#: The schema JupyterLab outputs carry.
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v5.json"
#: Vega-Lite version of the report's JavaScript bundle and of the README images: Altair's own.
VEGALITE_VERSION = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
#: vega-embed options: export buttons (SVG/PNG) only; no links to the online Vega editor.
EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
}
CHART_CLASS = "framekit-chart"
SPEC_CLASS = "framekit-spec"
#: JSON characters written as escapes inside ``<script>`` data islands.
_SCRIPT_ESCAPES: tuple[tuple[str, str], ...] = (
    ("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
    ("\u2028", "\\u2028"), ("\u2029", "\\u2029"),
)

#: A spec island as it appears in an exported page (nbconvert may reorder its attributes).
_SPEC_ISLAND = re.compile(
    r'<script\b[^>]*\bclass="' + SPEC_CLASS + r'"[^>]*>(.*?)</script>', re.S)

#: The one page script of a report page: draws every chart whose spec is on the page.
EMBED_SCRIPT = """
(function () {
  var options = __OPTIONS__;
  document.querySelectorAll("script.__SPEC_CLASS__").forEach(function (island) {
    var target = document.getElementById(island.getAttribute("data-target"));
    if (!target) { return; }
    var spec;
    try { spec = JSON.parse(island.textContent); }
    catch (err) {
      target.textContent = "This chart could not be read.";
      console.error(err);
      return;
    }
    vegaEmbed(target, spec, options).catch(function (err) {
      target.textContent = "This chart could not be drawn: " + err.message;
      console.error(err);
    });
  });
})();
""".replace("__OPTIONS__", json.dumps(EMBED_OPTIONS)).replace("__SPEC_CLASS__", SPEC_CLASS)


def to_vegalite5(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of an Altair spec labelled as Vega-Lite 5 (what JupyterLab 4 renders)."""
    out = dict(spec)
    out["$schema"] = SCHEMA_URL
    return out


def to_altair_schema(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of a spec labelled with Altair's Vega-Lite version (the report's bundle)."""
    out = dict(spec)
    out["$schema"] = alt.SCHEMA_URL
    return out


def render_vegalite(spec: dict[str, Any], **metadata: Any) -> tuple[dict, dict]:
    """Altair renderer: the Vega-Lite 5 MIME bundle JupyterLab draws offline.

    Parameters
    ----------
    spec
        The chart's Vega-Lite dict (data inlined by Altair's data transformer).
    **metadata
        Renderer options; ``embed_options`` is passed on to JupyterLab.

    Returns
    -------
    tuple of dict
        The MIME bundle (``application/vnd.vegalite.v5+json`` and ``text/plain``) and its
        metadata.
    """
    embed = {**EMBED_OPTIONS, **metadata.get("embed_options", {})}
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    label = f"Chart: {title}" if isinstance(title, str) and title else "Chart"
    text = f"{label} (drawn in JupyterLab and in the framekit HTML report)"
    return ({VEGALITE_MIME: to_vegalite5(spec), "text/plain": text},
            {VEGALITE_MIME: {"embed_options": embed}})


def enable_renderer() -> None:
    """Register and enable the ``framekit`` Altair renderer (done when ``charts`` is imported)."""
    alt.renderers.register("framekit", render_vegalite)
    alt.renderers.enable("framekit")


def dump_script_json(value: Any) -> str:
    """Serialise ``value`` as JSON safe to place inside a ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=str)
    for char, escape in _SCRIPT_ESCAPES:
        text = text.replace(char, escape)
    return text


def chart_html(spec: dict[str, Any], *, chart_id: str) -> str:
    """Return the report HTML of one chart: an empty container and its spec as a data island.

    ``chart_id`` must be a plain identifier made by the caller (never from article text).
    """
    if not chart_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"chart_id must be a plain identifier, got {chart_id!r}")
    return (f'<div class="{CHART_CLASS}" id="{chart_id}"></div>\n'
            f'<script type="application/json" class="{SPEC_CLASS}" data-target="{chart_id}">'
            f"{dump_script_json(to_altair_schema(spec))}</script>")


def add_chart_html(nb: Any, *, prefix: str = "chart") -> int:
    """Give every Vega-Lite output of an executed notebook a ``text/html`` form for the report.

    Parameters
    ----------
    nb
        An nbformat notebook node, modified in place: each Vega-Lite MIME entry is replaced by
        :func:`chart_html` (ids ``<prefix>-1``, ``<prefix>-2``, ... in page order).
    prefix
        Id prefix, a plain identifier.

    Returns
    -------
    int
        The number of charts found.
    """
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            mime = next((m for m in VEGALITE_MIMES if m in data), None)
            if mime is None:
                continue
            spec = data[mime]
            if isinstance(spec, str):
                spec = json.loads(spec)
            count += 1
            for key in VEGALITE_MIMES:
                data.pop(key, None)
            data["text/html"] = chart_html(spec, chart_id=f"{prefix}-{count}")
    return count


def read_chart_specs(page_html: str) -> list[dict[str, Any]]:
    """Return the chart specs embedded (by :func:`chart_html`) in a report page, in page order."""
    return [json.loads(island) for island in _SPEC_ISLAND.findall(page_html)]


@lru_cache(maxsize=1)
def read_vega_bundle() -> str:
    """Return Vega, Vega-Lite and vega-embed as one offline script (vl-convert; ~0.9 MB).

    The bundle defines ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``. Building it
    takes vl-convert over a second, so it is built once per process and kept in the cache
    folder (``data/processed/vega/``), named by the vl-convert and Vega-Lite versions: later
    reports read it. A kept file that cannot be read or written is built again.
    """
    import vl_convert as vlc

    from helpers import paths

    kept = paths.DATA_PROCESSED / "vega" / f"bundle-{vlc.__version__}-vl{VEGALITE_VERSION}.js"
    try:
        return kept.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    bundle = vlc.javascript_bundle(vl_version=VEGALITE_VERSION)
    bundle = bundle.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    try:  # (written whole under another name, then renamed: a reader never sees half of it)
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.tmp")
        partial.write_text(bundle, "utf-8")
        os.replace(partial, kept)
    except OSError:
        pass
    return bundle


enable_renderer()
