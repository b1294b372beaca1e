"""t-SNE maps of number and sequence embeddings, as PNG (matplotlib) or interactive HTML (plotly).

Kinds (:data:`KINDS`, also ``num2vec plot KIND``):

* ``digits100`` / ``digits1000`` -- the numbers 0-99 / 0-999, coloured by last digit;
* ``path100`` / ``path1000`` -- the same maps with the path 0 -> 1 -> 2 -> ... drawn;
* ``sequences`` -- 300 labelled reference sequences (:mod:`num2vec.patterns`),
  coloured by pattern type, one sequence of each type labelled with its first terms.

A map is computed once (:func:`make_map`, or :func:`number_map` /
:func:`sequence_map` for your own inputs) and drawn by :func:`save_png` and/or
:func:`save_html`.

* The HTML page is one plotly figure with plotly.js inline (about 5 MB; it opens
  offline, nothing is loaded from the network): zoom and pan, hover shows the
  number or the sequence, the legend toggles groups, and a search box rings
  the points whose label holds the typed number or terms.
* The PNG labels a subset of points; a label is drawn only where it overlaps no
  label drawn before it (:func:`png_figure`).

t-SNE needs scikit-learn, PNG files matplotlib and HTML pages plotly:
``pip install "num2vec[plot]"``.

>>> from num2vec import Num2Vec
>>> scatter = make_map(Num2Vec.from_pretrained(), "path100")   # doctest: +SKIP
>>> save_png(scatter, "path100.png"), save_html(scatter, "path100.html")   # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .api import Num2Vec

KINDS = ("digits100", "path100", "digits1000", "path1000", "sequences")
#: at most this many points of a number map are candidates for a text label (PNG)
MAX_LABELS = 100
#: where a PNG label may sit beside its point, tried in this order: (dx, dy) in points, alignment
LABEL_OFFSETS = ((3, 3, "left", "bottom"), (-3, 3, "right", "bottom"), (3, -3, "left", "top"),
                 (-3, -3, "right", "top"))
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
    idx = np.linspace(0, len(ref) - 1, count).astype(int)  # spread over all three parts of the reference set
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


def png_figure(scatter: Scatter, dpi: int = 120) -> Any:
    """The map as a matplotlib ``Figure`` (no pyplot, no global state).

    Labels are placed greedily, in the order of ``scatter.labels``: each tries the
    positions of :data:`LABEL_OFFSETS` around its point and takes the first one
    whose box lies inside the axes and overlaps no label already placed; a label
    with no such position is left out (hover the HTML map for every point).
    """
    _need("matplotlib", "matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(10, 8), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)  # a renderer to measure label boxes with
    ax = fig.add_subplot()
    x, y = scatter.xy[:, 0], scatter.xy[:, 1]
    if scatter.path:
        ax.plot(x, y, color="#999999", linewidth=0.6, zorder=1)
    ax.scatter(x, y, c=scatter.colours(), s=18, zorder=2)
    legend = dict(zip(scatter.groups, scatter.colours()))
    handles = [Line2D([], [], marker="o", linestyle="", color=legend[g], label=g) for g in sorted(legend)]
    ax.legend(handles=handles, title=scatter.legend, loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    ax.set_title(scatter.title)
    ax.set_xticks([])
    ax.set_yticks([])
    fig.draw_without_rendering()  # run the constrained layout once, then keep it: label boxes need final positions
    fig.set_layout_engine("none")
    renderer = fig.canvas.get_renderer()
    inside = ax.get_window_extent(renderer)
    placed = []  # bounding boxes (display coordinates) of the labels drawn so far
    for i, text in scatter.labels.items():
        for dx, dy, ha, va in LABEL_OFFSETS:
            label = ax.annotate(text, (x[i], y[i]), xytext=(dx, dy), textcoords="offset points", fontsize=7,
                                ha=ha, va=va, zorder=3)
            box = label.get_window_extent(renderer).expanded(1.02, 1.1)
            fits = inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1
            if fits and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            label.remove()
    return fig


def save_png(scatter: Scatter, path: str | Path) -> Path:
    """Draw the map with matplotlib (:func:`png_figure`); the format follows the suffix."""
    path = Path(path)
    png_figure(scatter).savefig(path, dpi="figure")
    return path


#: JavaScript run after the plotly figure is drawn: a search box that rings matching points
_SEARCH_JS = """
(function () {
  var gd = document.getElementById('{plot_id}');
  var box = document.createElement('div');
  box.style.cssText = 'font-family:sans-serif;margin:0.5em 0';
  box.innerHTML = '<label>Find: <input type="search" size="32" placeholder="a number, terms or a pattern type">' +
    '</label> <span></span>';
  gd.parentNode.insertBefore(box, gd);
  var input = box.querySelector('input'), count = box.querySelector('span');
  var norm = function (s) { return ' ' + s.replace(/[^0-9A-Za-z_+-]+/g, ' ').trim() + ' '; };
  var hits = gd.data.findIndex(function (t) { return t.meta === 'search'; });
  input.addEventListener('input', function () {
    var q = norm(input.value), xs = [], ys = [], ts = [];
    if (q.trim()) {
      gd.data.forEach(function (t) {
        if (t.meta !== 'group') return;
        for (var i = 0; i < t.text.length; i++) {
          if (norm(t.text[i]).indexOf(q) >= 0) { xs.push(t.x[i]); ys.push(t.y[i]); ts.push(t.text[i]); }
        }
      });
    }
    Plotly.restyle(gd, {x: [xs], y: [ys], text: [ts]}, [hits]);
    count.textContent = q.trim() ? xs.length + ' found' : '';
  });
})();
"""


def html_figure(scatter: Scatter, width: int = 900, height: int = 720) -> Any:
    """The map as a plotly ``Figure``: one trace per group (the legend toggles them), hover text per point.

    Traces carry ``meta``: ``"group"`` for the points of a group, ``"path"`` for the
    line through the points in order, ``"search"`` for the (initially empty) ring
    the search box of :func:`save_html` fills.
    """
    go = _need("plotly.graph_objects", "plotly")
    xy = np.asarray(scatter.xy, dtype=float)
    fig = go.Figure()
    if scatter.path:
        fig.add_trace(go.Scatter(x=xy[:, 0].tolist(), y=xy[:, 1].tolist(), mode="lines", name="path in order",
                                 line={"color": "#999999", "width": 0.8}, hoverinfo="skip", meta="path"))
    colours = dict(zip(scatter.groups, scatter.colours()))
    groups = np.asarray(scatter.groups, dtype=object)
    for g in sorted(colours):
        idx = np.flatnonzero(groups == g)
        fig.add_trace(go.Scatter(
            x=xy[idx, 0].tolist(), y=xy[idx, 1].tolist(), mode="markers", name=g, meta="group",
            text=[scatter.hover[i] for i in idx], hovertemplate="%{text}<extra>" + f"{scatter.legend} {g}</extra>",
            marker={"color": colours[g], "size": 7, "line": {"width": 0.5, "color": "#ffffff"}}))
    fig.add_trace(go.Scatter(x=[], y=[], text=[], mode="markers", name="search", meta="search", showlegend=False,
                             hovertemplate="%{text}<extra>found</extra>",
                             marker={"size": 16, "color": "rgba(0,0,0,0)", "line": {"width": 2.5, "color": "#000000"}}))
    fig.update_layout(title=scatter.title, legend_title_text=scatter.legend, width=width, height=height,
                      template="plotly_white", hovermode="closest", dragmode="pan",
                      xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"})
    return fig


def save_html(scatter: Scatter, path: str | Path, width: int = 900, height: int = 720) -> Path:
    """Write a standalone interactive page (plotly.js inline: works offline, about 5 MB).

    Zoom with the wheel or a box, pan by dragging, hover a point for its number or
    sequence, click legend entries to hide or show groups, and type into the search
    box to ring the points whose label holds a number, some consecutive terms or a
    pattern type.
    """
    import html

    path = Path(path)
    fig = html_figure(scatter, width=width, height=height)
    page = fig.to_html(include_plotlyjs=True, full_html=True, post_script=_SEARCH_JS, div_id="num2vec-map",
                       config={"scrollZoom": True, "displaylogo": False, "responsive": True})
    page = page.replace("<head>", f"<head>\n    <title>{html.escape(scatter.title)}</title>", 1)
    path.write_text(page, encoding="utf-8")
    return path
