"""The class report's charts, drawn with matplotlib's Agg renderer and embedded as PNG data.

Figures are built with matplotlib.figure.Figure directly, not pyplot: no global
state, no GUI backend, nothing to close, safe next to other code using pyplot.
"""
from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

import numpy as np
import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from ..language import _

# A font with Hangul first (fonts-noto-cjk, which the set-up installs), so Korean labels render
# rather than show as boxes; Latin text falls back to matplotlib's own font.
_HANGUL = next((f.name for f in font_manager.fontManager.ttflist if f.name in ("Noto Sans CJK KR", "NanumGothic")),
               None)
if _HANGUL:
    matplotlib.rcParams["font.sans-serif"] = [_HANGUL, *matplotlib.rcParams["font.sans-serif"]]

GOOD, BAD = "#2da44e", "#cf222e"
KIND_COLOURS = {"passed": GOOD, "failed": BAD, "error": "#8250df", "limit": "#bf8700",
                "not_implemented": "#afb8c1", "missing": "#57606a"}


def data_url(fig: Figure) -> str:
    """The figure as a PNG data: URL, for an <img> the page's CSP allows."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _bar_height(labels: Sequence[str]) -> float:
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return 1.0 + (0.32 + 0.16 * (lines - 1)) * max(len(labels), 1)


def score_histogram(scores: Sequence[float], max_score: float) -> Figure:
    fig = Figure(figsize=(8, 3.2), layout="constrained")
    ax = fig.subplots()
    top = max(max_score, max(scores, default=0.0), 1.0)
    unit = 1.0 if all(float(v).is_integer() for v in scores) else 0.5  # bars centred on possible scores
    step = unit * max(1, math.ceil(top / 40 / unit))
    ax.hist(scores, bins=np.arange(-step / 2, top + step, step), color="#0969da", edgecolor="white")
    if scores:
        ax.axvline(float(np.mean(scores)), color="black", linestyle="--", label=_("mean {value:.1f}", value=np.mean(scores)))
        ax.axvline(float(np.median(scores)), color="#bf8700", linestyle=":", label=_("median {value:g}", value=np.median(scores)))
        ax.legend(frameon=False)
    ax.set_xlim(-step / 2, top + step / 2)
    ax.set_xlabel(_("points (out of {max:g})", max=max_score))
    ax.set_ylabel(_("students"))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def horizontal_shares(labels: Sequence[str], shares: dict[str, Sequence[float]], xlabel: str) -> Figure:
    """One bar per label, split into coloured parts (kind -> fraction per label), left to right."""
    fig = Figure(figsize=(8, _bar_height(labels)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(labels))
    left = np.zeros(len(labels))
    for kind, values in shares.items():
        values = np.asarray(values, dtype=float)
        if values.any():
            ax.barh(y, values * 100, left=left * 100, color=KIND_COLOURS.get(kind, GOOD),
                    label=kind.replace("_", " "), height=0.7)
        left += values
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel)
    if len(shares) > 1:
        fig.legend(frameon=False, ncols=len(shares), loc="outside upper center", fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def counts(labels: Sequence[str], values: Sequence[int], xlabel: str) -> Figure:
    fig = Figure(figsize=(8, _bar_height(labels)), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(labels))
    ax.barh(y, values, color=BAD, height=0.7)
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
