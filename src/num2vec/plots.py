"""t-SNE maps of number and sequence embeddings, as PNG (matplotlib) or self-contained HTML.

Kinds (:data:`KINDS`, also ``num2vec plot KIND``):

* ``digits100`` / ``digits1000`` -- the numbers 0-99 / 0-999, coloured by last digit;
* ``path100`` / ``path1000`` -- the same maps with the path 0 -> 1 -> 2 -> ... drawn;
* ``sequences`` -- 300 labelled reference sequences (:mod:`num2vec.patterns`),
  coloured by family, one sequence of each family labelled with its first terms.

A map is computed once (:func:`make_map`, or :func:`number_map` /
:func:`sequence_map` for your own inputs) and drawn by :func:`save_png` and/or
:func:`save_html`. The HTML file is one page with an inline SVG; each point has
a ``<title>``, which browsers show on hover. No JavaScript, nothing loaded from
the network. t-SNE needs scikit-learn and PNG files matplotlib: ``pip install
num2vec[plot]``.

>>> from num2vec import Num2Vec
>>> scatter = make_map(Num2Vec.from_pretrained(), "path100")   # doctest: +SKIP
>>> save_png(scatter, "path100.png"), save_html(scatter, "path100.html")   # doctest: +SKIP
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .api import Num2Vec

KINDS = ("digits100", "path100", "digits1000", "path1000", "sequences")
#: at most this many points of a number map carry a text label
MAX_LABELS = 100
#: Tableau 20, dark shades first: one colour per group
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#c7c7c7",
           "#dbdb8d", "#9edae5")


@dataclass
class Scatter:
    """A 2-D map ready to draw: ``xy (N, 2)`` and, per point, its colour group and hover text."""

    title: str
    legend: str
    xy: np.ndarray
    groups: list[str]
    hover: list[str]
    labels: dict[int, str] = field(default_factory=dict)  # point index -> text written beside the point
    path: bool = False  # join the points in their order

    def colours(self) -> list[str]:
        """One colour per point, by group (groups in sorted order)."""
        index = {g: i for i, g in enumerate(sorted(set(self.groups)))}
        return [PALETTE[index[g] % len(PALETTE)] for g in self.groups]


def _need(module: str, package: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(f"plots need {package}: pip install 'num2vec[plot]'") from None


def tsne(vectors: np.ndarray, random_state: int = 0) -> np.ndarray:
    """``(N, d)`` -> ``(N, 2)`` t-SNE coordinates (cosine distances, perplexity ``min(30, (N - 1) / 3)``)."""
    n = len(vectors)
    if n < 4:
        raise ValueError(f"a t-SNE map needs at least 4 points, got {n}")
    manifold = _need("sklearn.manifold", "scikit-learn")
    model = manifold.TSNE(n_components=2, perplexity=min(30.0, (n - 1) / 3), metric="cosine", init="pca",
                          random_state=random_state, n_jobs=1)
    return model.fit_transform(np.asarray(vectors, dtype=np.float64))


def number_map(model: Num2Vec, numbers: Iterable[int], path: bool = False) -> Scatter:
    """t-SNE of the embeddings of ``numbers``, coloured by last digit; ``path`` joins them in order."""
    values = list(numbers)
    xy = tsne(model.encode(values))  # (N, 2)
    step = -(-len(values) // MAX_LABELS)  # label every step-th number
    return Scatter(
        title=f"t-SNE of the embeddings of {len(values)} numbers" + (", joined in order" if path else ""),
        legend="last digit", xy=xy, groups=[str(abs(v) % 10) for v in values], hover=[str(v) for v in values],
        labels={i: str(v) for i, v in enumerate(values) if i % step == 0}, path=path)


def sequence_map(model: Num2Vec, count: int = 300) -> Scatter:
    """t-SNE of ``count`` reference sequences' embeddings (the kind ``classify`` compares), coloured by pattern type."""
    from .patterns import embedding_kind, reference_embeddings, reference_samples

    ref = reference_samples()
    if not 4 <= count <= len(ref):
        raise ValueError(f"count={count} must be from 4 to {len(ref)}")
    idx = np.linspace(0, len(ref) - 1, count).astype(int)  # spread over both halves of the reference set
    samples = [ref[i] for i in idx]
    xy = tsne(reference_embeddings(model)[idx])  # (count, 2)
    first = {}
    for i, s in enumerate(samples):
        first.setdefault(s.pattern, i)
    return Scatter(
        title=f"t-SNE of {count} sequence embeddings ({embedding_kind(model)})", legend="pattern type", xy=xy,
        groups=[s.pattern for s in samples],
        hover=[f"{s.pattern} ({s.family}): {' '.join(map(str, s.terms))}  [{s.formula}]" for s in samples],
        labels={i: " ".join(map(str, samples[i].terms[:4])) + " ..." for i in first.values()})


def make_map(model: Num2Vec, kind: str) -> Scatter:
    """The map of one of :data:`KINDS`."""
    if kind not in KINDS:
        raise ValueError(f"kind={kind!r} is unknown; choose one of {', '.join(KINDS)}")
    if kind == "sequences":
        return sequence_map(model)
    return number_map(model, range(100 if kind.endswith("100") else 1000), path=kind.startswith("path"))


def save_png(scatter: Scatter, path: str | Path) -> Path:
    """Draw the map with matplotlib (no pyplot, no global state); the format follows the suffix."""
    _need("matplotlib", "matplotlib")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    path = Path(path)
    fig = Figure(figsize=(10, 8), layout="constrained")
    ax = fig.add_subplot()
    x, y = scatter.xy[:, 0], scatter.xy[:, 1]
    if scatter.path:
        ax.plot(x, y, color="#999999", linewidth=0.6, zorder=1)
    ax.scatter(x, y, c=scatter.colours(), s=18, zorder=2)
    for i, text in scatter.labels.items():
        ax.annotate(text, (x[i], y[i]), xytext=(3, 3), textcoords="offset points", fontsize=7)
    legend = dict(zip(scatter.groups, scatter.colours()))
    handles = [Line2D([], [], marker="o", linestyle="", color=legend[g], label=g) for g in sorted(legend)]
    ax.legend(handles=handles, title=scatter.legend, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    ax.set_title(scatter.title)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.savefig(path, dpi=120)
    return path


def save_html(scatter: Scatter, path: str | Path, width: int = 900, height: int = 720) -> Path:
    """Write a self-contained HTML page: an inline SVG whose points show their ``<title>`` on hover."""
    path = Path(path)
    margin, legend_width = 30, 170
    lo, hi = scatter.xy.min(axis=0), scatter.xy.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    plot_w, plot_h = width - legend_width - 2 * margin, height - 2 * margin
    px = margin + (scatter.xy[:, 0] - lo[0]) / span[0] * plot_w  # (N,)
    py = margin + (hi[1] - scatter.xy[:, 1]) / span[1] * plot_h  # (N,), y grows downwards in SVG
    esc = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" font-family="sans-serif">']
    if scatter.path:
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py))
        parts.append(f'<polyline points="{points}" fill="none" stroke="#999" stroke-width="0.7"/>')
    for a, b, colour, text in zip(px, py, scatter.colours(), scatter.hover):
        parts.append(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="4" fill="{colour}"><title>{esc(text)}</title></circle>')
    for i, text in scatter.labels.items():
        parts.append(f'<text x="{px[i] + 5:.1f}" y="{py[i] - 5:.1f}" font-size="9">{esc(text)}</text>')
    legend = dict(zip(scatter.groups, scatter.colours()))
    lx = width - legend_width + 10
    parts.append(f'<text x="{lx}" y="{margin}" font-size="12" font-weight="bold">{esc(scatter.legend)}</text>')
    for j, g in enumerate(sorted(legend)):
        ly = margin + 18 * (j + 1)
        parts.append(f'<circle cx="{lx + 5}" cy="{ly - 4}" r="5" fill="{legend[g]}"/>'
                     f'<text x="{lx + 16}" y="{ly}" font-size="11">{esc(g)}</text>')
    parts.append("</svg>")
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(scatter.title)}</title>\n"
            "<style>body{font-family:sans-serif;margin:1em}circle:hover{stroke:#000;stroke-width:2}</style>\n"
            f"</head>\n<body>\n<h1>{esc(scatter.title)}</h1>\n<p>Hover a point to see its label.</p>\n"
            + "\n".join(parts) + "\n</body>\n</html>\n")
    path.write_text(page, encoding="utf-8")
    return path
