"""Escape untrusted article text before it is shown in Markdown or HTML.

Article text is data: a headline may contain ``<script>``, ``onerror=`` attributes or
``[link](javascript:...)`` Markdown. :func:`escape_text` makes such text display literally both
when the string is rendered as HTML and when it is rendered as Markdown (notebook cells and the
report), by HTML-escaping it and then backslash-escaping Markdown punctuation.
"""

from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_text(text: object) -> str:
    """Return ``text`` safe to embed in generated Markdown (rendered to HTML).

    Examples
    --------
    >>> escape_text('<img src=x onerror=alert(1)> [a](javascript:x)')
    '&lt;img src=x onerror=alert\\\\(1\\\\)&gt; \\\\[a\\\\]\\\\(javascript:x\\\\)'
    """
    escaped = html.escape(str(text), quote=True)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", escaped)
