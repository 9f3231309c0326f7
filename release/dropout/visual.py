"""Plotting helpers for the course notebooks.

Every helper draws one figure and returns it, so a notebook cell shows it and
a test can inspect it.  They take plain data (lists, dicts, NumPy arrays,
Keras History objects) and never train or compute anything themselves.

Their labels speak the notebook's language (checks.speak), and text is set in
the first font found with Hangul, so Korean titles and labels render rather
than show as boxes; Latin text falls back to matplotlib's own font.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import font_manager

from checks import _

HANGUL_FONTS = ("Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "Malgun Gothic", "Apple SD Gothic Neo",
                "Noto Sans CJK JP", "Noto Sans CJK SC")


def _hangul_font():
    have = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in HANGUL_FONTS if name in have), None)


if _hangul_font():
    plt.rcParams["font.sans-serif"] = [_hangul_font(), *plt.rcParams["font.sans-serif"]]
    plt.rcParams["font.family"] = "sans-serif"

__all__ = [
    "plot_activation_grid",
    "plot_history",
    "plot_weight_histograms",
    "plot_approximation",
    "plot_bias_variance",
    "plot_polynomial_fits",
]


def _as_history(h):
    """Accept a Keras History, its .history dict, or a dict of lists."""
    return dict(getattr(h, "history", h))


def plot_activation_grid(runs, bins=30):
    """runs: {label: [layer activations]} -> one row of histograms per label.

    Rows share nothing on purpose: each set-up gets axes that fit its own
    values, so a collapse to 0.001 is as readable as a spread over [0, 1]."""
    labels = list(runs)
    n_layers = max(len(v) for v in runs.values())
    fig, axes = plt.subplots(len(labels), n_layers, figsize=(2.4 * n_layers, 2.0 * len(labels)), squeeze=False)
    for r, label in enumerate(labels):
        for c in range(n_layers):
            ax = axes[r][c]
            if c < len(runs[label]):
                ax.hist(np.ravel(runs[label][c]), bins=bins, color=f"C{r}")
            ax.set_yticks([])
            if r == 0:
                ax.set_title(_("layer {n}", n=c + 1))
        axes[r][0].set_ylabel(label, rotation=0, ha="right", va="center")
    fig.tight_layout()
    return fig


def plot_history(histories, metric="loss", title=None):
    """histories: {model name: History or dict}.  Training curves are dashed,
    validation curves solid, one colour per model: the gap between a pair is
    the overfitting."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, (name, h) in enumerate(histories.items()):
        h = _as_history(h)
        epochs = np.arange(1, len(h[metric]) + 1)
        ax.plot(epochs, h[metric], "--", color=f"C{i}", label=_("{name} (train)", name=name))
        if f"val_{metric}" in h:
            ax.plot(epochs, h[f"val_{metric}"], "-", color=f"C{i}", label=_("{name} (validation)", name=name))
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(metric)
    ax.set_title(title or _("training vs validation {metric}", metric=metric))
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def plot_weight_histograms(weights, bins=60, zero_band=1e-3):
    """weights: {label: array of weights}.  Marks the share of weights within
    zero_band of 0 in each title, the number that tells L1 from L2."""
    fig, axes = plt.subplots(1, len(weights), figsize=(4 * len(weights), 3), squeeze=False)
    for i, (ax, (label, w)) in enumerate(zip(axes[0], weights.items())):
        w = np.ravel(np.concatenate([np.ravel(x) for x in w]) if isinstance(w, (list, tuple)) else w)
        ax.hist(w, bins=bins, color=f"C{i}")
        ax.set_title(_("{label}: {share:.0%} near zero", label=label, share=np.mean(np.abs(w) < zero_band)))
        ax.set_xlabel(_("weight value"))
    fig.tight_layout()
    return fig


def plot_approximation(x, target, approx, title="", bumps=None):
    """The target function, the network's approximation and, optionally, the
    individual bumps (a list of arrays over x) that add up to it."""
    fig, ax = plt.subplots(figsize=(7, 4))
    if bumps is not None:
        for b in bumps:
            ax.plot(x, b, color="0.8", linewidth=0.8)
    ax.plot(x, target, color="black", linewidth=2, label=_("target"))
    ax.plot(x, approx, "--", color="C3", linewidth=2, label=_("network"))
    err = np.max(np.abs(np.asarray(target) - np.asarray(approx)))
    ax.set_title(_("{title} (max error {err:.3f})", title=title, err=err) if title else _("max error {err:.3f}", err=err))
    ax.legend()
    fig.tight_layout()
    return fig


def plot_bias_variance(degrees, errors, title=None):
    """errors: list of (train_mse, val_mse), one per degree.  Training error
    keeps falling; validation error falls, then rises: the U of bias-variance."""
    train, val = zip(*errors)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(degrees, train, "o--", label=_("training error"))
    ax.plot(degrees, val, "o-", label=_("validation error"))
    best = degrees[int(np.argmin(val))]
    ax.axvline(best, color="0.6", linestyle=":", label=_("best degree ({best})", best=best))
    ax.set_yscale("log")
    ax.set_xlabel(_("polynomial degree"))
    ax.set_ylabel(_("mean squared error"))
    ax.set_title(title or _("model complexity vs error"))
    ax.legend()
    fig.tight_layout()
    return fig


def plot_polynomial_fits(x_train, y_train, fits, x_grid, title=None):
    """fits: {label: values on x_grid}.  The data as dots, each fit as a line."""
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.scatter(x_train, y_train, s=12, color="black", label=_("training data"))
    for i, (label, y) in enumerate(fits.items()):
        ax.plot(x_grid, y, color=f"C{i}", label=label)
    lo, hi = np.min(y_train), np.max(y_train)
    ax.set_ylim(lo - 0.5 * (hi - lo), hi + 0.5 * (hi - lo))
    ax.set_title(title or _("polynomial fits"))
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig
