"""Altair chart builders. Each takes a tidy DataFrame and returns an ``alt.Chart``; none saves or shows.

One outlet colour scale (:func:`outlet_color`) and one theme (``framekit``) serve every chart.
"""

from helpers.charts.base import outlet_color, outlet_scale, use_outlets

__all__ = ["outlet_color", "outlet_scale", "use_outlets"]
