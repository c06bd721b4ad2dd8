"""The one outlet colour scale and the one chart theme shared by every chart in the kit.

Call :func:`use_outlets` once per notebook with every outlet of the collection, so that an outlet
keeps its colour in charts where some outlets are absent. Builders call :func:`outlet_color`.
"""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import pandas as pd

#: Colour-blind-safe categorical palette (Okabe–Ito first, then Tableau 10 for larger sets).
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
    "#9C755F", "#BAB0AC",
)

_OUTLETS: list[str] = []
#: Longest text kept in a chart's data (tooltips); the complete text stays in the CSV tables.
TOOLTIP_CHARS = 160


def clip_text(text: pd.Series, limit: int = TOOLTIP_CHARS) -> pd.Series:
    """Text cut to ``limit`` characters with an ellipsis (keeps large charts small in bytes)."""
    return text.fillna("").astype(str).map(lambda t: t if len(t) <= limit else t[:limit - 1] + "…")


def use_outlets(outlets: Iterable[str]) -> None:
    """Fix the outlet order (and so each outlet's colour) for the charts that follow.

    Outlets are registered sorted case-insensitively and de-duplicated; :func:`outlet_scale`
    gives them their colours in that order.
    """
    _OUTLETS[:] = sorted({str(o) for o in outlets if o is not None}, key=str.casefold)


def outlet_scale(outlets: Iterable[str] | None = None) -> alt.Scale:
    """Return the shared ordinal colour scale for ``outlets`` (default: the registered ones)."""
    domain = list(_OUTLETS)
    for outlet in outlets or ():
        if str(outlet) not in domain:
            domain.append(str(outlet))
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(domain))]
    return alt.Scale(domain=domain, range=colours)


def outlet_color(field: str = "outlet", *, outlets: Iterable[str] | None = None,
                 legend: bool = True, **kwargs) -> alt.Color:
    """Return the colour encoding every chart uses for outlets.

    Parameters
    ----------
    field
        Column holding the outlet name.
    outlets
        Outlets present in the data that may not be registered yet.
    legend
        Show the legend (set ``False`` when the axis already names the outlet).
    """
    return alt.Color(
        f"{field}:N", scale=outlet_scale(outlets), title="Outlet",
        legend=alt.Legend() if legend else None, **kwargs,
    )


@alt.theme.register("framekit", enable=True)
def _framekit_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "view": {"continuousWidth": 420, "continuousHeight": 260, "stroke": None},
            "font": "Helvetica, Arial, sans-serif",
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260},
            "title": {"fontSize": 14, "anchor": "start"},
        }
    }
