"""Escaping for every context an article string can reach: HTML text, attributes, JS, JSON in <script>.

folium 0.20 puts popup and tooltip HTML inside a JavaScript template string (`` $(`...`)[0] ``), so
``html.escape`` alone is not enough: a backtick ends the string, ``${...}`` runs code, and a stray
backslash (``\\u``) is a syntax error that blanks the whole map. :func:`text` and :func:`attr` encode
those characters as HTML entities too, which the HTML parser decodes and JavaScript never sees.

folium/branca also compile rendered popups and tooltips as Jinja templates a second time, so ``{`` and
``}`` are encoded as entities as well: ``{{ ... }}`` or ``{% ... %}`` in an article is shown, never run.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
_TEMPLATE_SAFE = {ord("`"): "&#96;", ord("$"): "&#36;", ord("\\"): "&#92;", ord("{"): "&#123;", ord("}"): "&#125;"}


def text(value: object) -> str:
    """Escape for HTML text, safe also inside a quoted attribute and a JS template string."""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_SAFE)


def attr(value: object) -> str:
    """Escape for a double- or single-quoted HTML attribute value (same rules as :func:`text`)."""
    return text(value)


def js_template(value: object) -> str:
    """Escape raw text for a JavaScript template literal (backslash, backtick, ``${``); no HTML escaping."""
    return str(value).replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")


def script_json(value: Any) -> str:
    """JSON for embedding in an inline ``<script>``: no ``</script>``, ``<!--`` or line separators survive."""
    out = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    out = (
        out.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
    # No Jinja delimiter ({{, {%, {#) survives a second template pass. Structural braces of compact
    # JSON are always followed by '"' or '}', so only braces inside strings are touched.
    return _JINJA_OPEN.sub(r"\\u007b", out)
