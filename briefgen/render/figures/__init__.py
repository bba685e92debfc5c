"""Figures of the brief, drawn as inline SVG in Python (no network, no plotting library).

:func:`build_figures` returns every figure of a brief as ``Markup`` (an empty
string when a figure has nothing to show); templates receive it as
``figures`` and place each one with ``{{ figures.network }}`` and so on.
Every text in a figure is XML-escaped, so the SVG stays well-formed whatever
the articles contain.
"""

from __future__ import annotations

from markupsafe import Markup

from briefgen.model import Brief
from briefgen.render.figures.coverage import coverage_chart
from briefgen.render.figures.network import actor_network
from briefgen.render.figures.risks import risk_matrix
from briefgen.render.figures.sources import publisher_chart
from briefgen.render.figures.timeline import timeline_chart
from briefgen.render.filters import timeline_order

__all__ = [
    "actor_network",
    "build_figures",
    "coverage_chart",
    "publisher_chart",
    "risk_matrix",
    "timeline_chart",
]


def build_figures(brief: Brief) -> dict[str, Markup]:
    """``timeline``, ``network``, ``risks``, ``publishers`` and ``coverage`` (documents
    per day of the top stories) of ``brief``.

    The timeline is numbered in date order (as the ``timeline`` variable and table);
    the risk matrix in ``brief.risks`` order (as the risks table).
    """
    return {
        "timeline": timeline_chart(timeline_order(brief.timeline)),
        "network": actor_network(brief),
        "risks": risk_matrix(list(brief.risks)),
        "publishers": publisher_chart(list(brief.documents)),
        "coverage": coverage_chart(list(brief.stories)),
    }
