"""One report page: an executed notebook exported to self-contained, offline, sanitised HTML.

Method
------
Every code-cell output goes through an allow-list sanitiser (bleach, via nbconvert's
``SanitizeHTML``) before export: Markdown outputs are first rendered to HTML (nbconvert's own
Markdown renderer keeps raw HTML and ``javascript:`` links), ``<script>``/``<style>`` elements are
dropped, other tags outside :data:`ALLOWED_TAGS` stripped, event-handler attributes and links
other than http(s)/mailto/relative removed. Text that pandas or the helpers escaped stays literal
text. Charts (Vega-Lite JSON outputs) are then turned into HTML by
:func:`helpers.charts.render.add_chart_html`. The page uses nbconvert's ``lab`` template, code
hidden, with the CDN scripts it would add (require.js, MathJax, Mermaid, widgets) replaced by one
inlined copy of Vega/Vega-Lite/vega-embed and the page script that draws the charts.
"""

from __future__ import annotations

import html
import re

import jinja2

from helpers.charts import render

#: Tags allowed in HTML/Markdown outputs (pandas tables, simple text markup).
ALLOWED_TAGS: frozenset[str] = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
    "ul",
})
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "*": ["class", "title"], "a": ["href", "title"], "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan"], "table": ["border"],
}
_DROP_ELEMENTS = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S)
_IPYNB_LINK = re.compile(r'href="([0-9A-Za-z_\-]+)\.ipynb(#[^"]*)?"')
_CDN_SCRIPT = re.compile(r"<script[^>]+src=[\"']?(?:https?:)?//", re.I)

PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<script>{{ resources.framekit.bundle }}</script>
{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}<style>{{ resources.framekit.css }}</style>{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
<nav class="framekit-nav">{{ resources.framekit.nav }}</nav>
{%- endblock body_header -%}
{% block footer_js %}<script>{{ resources.framekit.embed }}</script>{% endblock footer_js %}
"""
PAGE_CSS = """
main { max-width: 1100px; margin: 0 auto; }
.framekit-nav { padding: 8px 16px; font: 14px Helvetica, Arial, sans-serif; }
.framekit-nav a { margin-right: 14px; }
.framekit-chart { margin: 8px 0 16px; }
"""


def export_page(nb, *, title: str, collection: str, pages: dict[str, str]) -> str:
    """Export an executed notebook to one self-contained, offline HTML page (code hidden).

    ``pages`` maps notebook stems to titles, for the navigation bar and for rewriting links
    between notebooks (``01_framing.ipynb`` becomes ``01_framing.html``).
    """
    from nbconvert import HTMLExporter

    sanitize_outputs(nb)
    render.add_chart_html(nb)
    nav = ['<a href="index.html">Summary</a>'] + [
        f'<a href="{html.escape(stem)}.html">{html.escape(name)}</a>'
        for stem, name in pages.items()]
    exporter = HTMLExporter(
        template_name="lab", template_file="framekit_page.html.j2",
        extra_loaders=[jinja2.DictLoader({"framekit_page.html.j2": PAGE_TEMPLATE})],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
    )
    resources = {
        "metadata": {"name": f"{title} — {collection}"},
        "framekit": {"bundle": render.read_vega_bundle(), "css": PAGE_CSS,
                     "embed": render.EMBED_SCRIPT, "nav": "".join(nav)},
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _IPYNB_LINK.sub(lambda m: _rewrite_link(m, pages), body)
    if _CDN_SCRIPT.search(body):
        raise RuntimeError(f"page '{title}' would load a script from the network")
    return body


def sanitize_outputs(nb) -> None:
    """Clean every HTML/Markdown output of ``nb`` in place (allow-list; see module docstring).

    Markdown outputs are rendered to HTML first (nbconvert's renderer keeps raw HTML and
    ``javascript:`` links), then cleaned like HTML outputs. Chart outputs (Vega-Lite JSON) are
    kept as data; other rich outputs (JavaScript, SVG, widgets) are dropped.
    """
    from nbconvert.filters.markdown import markdown2html
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML(
        tags=sorted(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES, strip=True,
        safe_output_keys={"metadata", "text/plain", "image/png", "image/jpeg",
                          "application/json", *render.VEGALITE_MIMES},
    )
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                markdown = data.pop("text/markdown")
                data.setdefault("text/html", markdown2html(_join(markdown)))
            if "text/html" in data:
                data["text/html"] = _DROP_ELEMENTS.sub("", _join(data["text/html"]))
        cell.outputs = sanitizer.sanitize_code_outputs(cell.outputs)


def _join(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def _rewrite_link(match: re.Match, pages: dict[str, str]) -> str:
    stem, anchor = match.group(1), match.group(2) or ""
    if stem in pages:
        return f'href="{stem}.html{anchor}"'
    return match.group(0)
