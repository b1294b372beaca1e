"""t-SNE maps: PNG labels that never overlap, interactive plotly HTML that works offline."""

import json
import re
import shutil
import subprocess
from itertools import combinations

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("matplotlib")
pytest.importorskip("sklearn")
pytest.importorskip("plotly")

from num2vec.cli import main  # noqa: E402
from num2vec.plots import (  # noqa: E402
    KINDS,
    Scatter,
    html_figure,
    make_map,
    number_map,
    png_figure,
    save_html,
    save_png,
    sequence_map,
    tsne,
)


def check_png(path):
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 1000


def label_boxes(fig):
    """Display-space bounding boxes of the text labels the figure draws beside points."""
    renderer = fig.canvas.get_renderer()
    (ax,) = [a for a in fig.axes if a.get_title()]
    return [t.get_window_extent(renderer) for t in ax.texts]


def check_no_overlap(fig):
    boxes = label_boxes(fig)
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)
    return boxes


def plotly_traces(path):
    """The trace list of the page's ``Plotly.newPlot(div, traces, layout, config)`` call, as JSON."""
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    assert not re.search(r"<script[^>]*\bsrc=", text)  # plotly.js is inline: the page opens offline
    assert "plotly.js v" in text and "<title>" in text
    decoder = json.JSONDecoder()
    i = text.index("Plotly.newPlot(") + len("Plotly.newPlot(")
    div, i = decoder.raw_decode(text, re.compile(r"\s*").match(text, i).end())
    assert div == "num2vec-map"
    i = re.compile(r"\s*,\s*").match(text, i).end()
    traces, _ = decoder.raw_decode(text, i)
    return traces, text


def points(traces):
    """(x, y, hover text) of every point of every group trace."""
    out = []
    for t in traces:
        if t.get("meta") == "group":
            assert len(t["x"]) == len(t["y"]) == len(t["text"])
            out += list(zip(t["x"], t["y"], t["text"]))
    return out


def test_number_map_png_and_html(tiny_model, tmp_path):
    scatter = number_map(tiny_model, range(30), path=True)
    assert scatter.xy.shape == (30, 2) and scatter.groups[13] == "3" and scatter.labels[29] == "29"
    check_png(save_png(scatter, tmp_path / "n.png"))
    assert len(check_no_overlap(png_figure(scatter))) >= 5
    traces, text = plotly_traces(save_html(scatter, tmp_path / "n.html"))
    pts = points(traces)
    assert sorted(int(h) for _, _, h in pts) == list(range(30))  # hover text holds every number once
    for x, y, h in pts:  # at its own t-SNE position
        assert np.allclose((x, y), scatter.xy[int(h)])
    assert {t["name"] for t in traces if t.get("meta") == "group"} == {str(d) for d in range(10)}  # legend groups
    (line,) = [t for t in traces if t.get("meta") == "path"]
    assert len(line["x"]) == 30 and line["mode"] == "lines"
    (search,) = [t for t in traces if t.get("meta") == "search"]
    assert search["x"] == [] and 'type="search"' in text  # the search box starts empty


def test_sequence_map(tiny_model, tmp_path):
    scatter = sequence_map(tiny_model, count=30)
    assert scatter.xy.shape == (30, 2) and scatter.legend == "pattern type"
    assert len(scatter.labels) == len(set(scatter.groups))  # one labelled sequence per pattern type
    check_png(save_png(scatter, tmp_path / "s.png"))
    check_no_overlap(png_figure(scatter))
    traces, _ = plotly_traces(save_html(scatter, tmp_path / "s.html"))
    pts = points(traces)
    assert len(pts) == 30 and all(": " in h and "a(n)" in h for _, _, h in pts)
    assert sorted(h for _, _, h in pts) == sorted(scatter.hover)


def test_png_labels_never_overlap_even_when_points_pile_up():
    rng = np.random.default_rng(0)
    xy = np.concatenate([rng.normal(0, 0.01, size=(60, 2)), rng.normal(0, 1, size=(140, 2))])  # a dense clump
    values = list(range(1000, 1200))
    scatter = Scatter("clump", "last digit", xy, [str(v % 10) for v in values], [str(v) for v in values],
                      labels={i: str(v) for i, v in enumerate(values)})
    fig = png_figure(scatter)
    boxes = check_no_overlap(fig)
    assert 10 <= len(boxes) < 200  # a subset is labelled: the clump cannot hold 60 labels
    inside = fig.axes[0].get_window_extent(fig.canvas.get_renderer())
    assert all(inside.x0 <= b.x0 and b.x1 <= inside.x1 and inside.y0 <= b.y0 and b.y1 <= inside.y1 for b in boxes)


def test_html_figure_groups_and_hover():
    xy = np.arange(16, dtype=float).reshape(8, 2)
    scatter = Scatter("t", "kind", xy, ["b", "a"] * 4, [f"seq {i}" for i in range(8)])
    fig = html_figure(scatter)
    groups = [t for t in fig.data if t.meta == "group"]
    assert [t.name for t in groups] == ["a", "b"] and sum(len(t.x) for t in groups) == 8
    assert list(groups[0].text) == ["seq 1", "seq 3", "seq 5", "seq 7"] and list(groups[0].x) == [2.0, 6.0, 10.0, 14.0]
    assert "%{text}" in groups[0].hovertemplate and fig.layout.legend.title.text == "kind"
    assert not [t for t in fig.data if t.meta == "path"]


def test_tsne_is_reproducible():
    x = np.random.default_rng(0).normal(size=(12, 5))
    assert np.allclose(tsne(x), tsne(x))
    with pytest.raises(ValueError, match="at least 4 points, got 3"):
        tsne(x[:3])


def test_make_map_kinds(tiny_model):
    assert KINDS == ("digits100", "path100", "digits1000", "path1000", "sequences")
    with pytest.raises(ValueError, match="kind='bogus'"):
        make_map(tiny_model, "bogus")


def test_cli_plot(tiny_run, tmp_path):
    model = str(tiny_run.out / "model")
    res = CliRunner().invoke(main, ["plot", "path100", "--model", model, "--output", str(tmp_path / "p.png"),
                                    "--html", str(tmp_path / "p.html")])
    assert res.exit_code == 0, res.output
    check_png(tmp_path / "p.png")
    traces, _ = plotly_traces(tmp_path / "p.html")
    assert sorted(int(h) for _, _, h in points(traces)) == list(range(100))
    for args, words in ((["path100"], "nothing to write"), (["bogus", "--html", str(tmp_path / "x.html")], "bogus"),
                        (["digits100", "--output", str(tmp_path / "no" / "x.png")], "does not exist")):
        bad = CliRunner().invoke(main, ["plot", "--model", model, *args])
        assert bad.exit_code == 2 and words in bad.output, bad.output


SEARCH_HARNESS = """
const listeners = {}, restyled = [];
const input = {value: '', addEventListener: (ev, fn) => { listeners[ev] = fn; }};
const span = {textContent: ''};
const box = {style: {}, set innerHTML(v) { this.html = v; },
             querySelector: (sel) => (sel === 'input' ? input : span)};
const gd = {data: DATA, parentNode: {insertBefore: () => {}}};
globalThis.document = {getElementById: () => gd, createElement: () => box};
globalThis.Plotly = {restyle: (g, update, idx) => { restyled.push([update, idx]); }};
SCRIPT
const out = {};
for (const q of QUERIES) {
  input.value = q; listeners.input();
  const [update, idx] = restyled[restyled.length - 1];
  out[q] = {texts: update.text[0], xs: update.x[0], idx: idx[0], count: span.textContent};
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page's JavaScript")
def test_html_search_box_rings_matching_points(tmp_path):
    from num2vec.plots import _SEARCH_JS

    values = [4, 42, 142, 420, 7]
    scatter = Scatter("t", "last digit", np.arange(10.0).reshape(5, 2), [str(v % 10) for v in values],
                      [str(v) for v in values])
    seqs = Scatter("s", "pattern type", np.arange(6.0).reshape(3, 2), ["linear", "polynomial", "linear"],
                   ["linear (arithmetic): 1 2 3 4  [a(n) = n + 1]", "polynomial (power): 1 4 9 16  [a(n) = n**2]",
                    "linear (arithmetic): 11 12 13  [a(n) = n + 11]"])
    for sc, queries, want in (
        (scatter, ["42", "4", " 7 ", ""], {"42": ["42"], "4": ["4"], " 7 ": ["7"], "": []}),
        (seqs, ["1 4 9", "linear", "2 3"], {"1 4 9": ["polynomial (power): 1 4 9 16  [a(n) = n**2]"],
                                           "linear": [seqs.hover[0], seqs.hover[2]], "2 3": [seqs.hover[0]]}),
    ):
        fig = html_figure(sc)
        data = [{"meta": t.meta, "x": list(t.x), "y": list(t.y), "text": list(t.text or [])} for t in fig.data]
        script = (SEARCH_HARNESS.replace("DATA", json.dumps(data)).replace("QUERIES", json.dumps(queries))
                  .replace("SCRIPT", _SEARCH_JS.replace("{plot_id}", "map")))
        (tmp_path / "search.js").write_text(script)
        res = subprocess.run(["node", str(tmp_path / "search.js")], capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        out = json.loads(res.stdout)
        search = [i for i, t in enumerate(fig.data) if t.meta == "search"][0]
        for q in queries:
            assert sorted(out[q]["texts"]) == sorted(want[q]), q  # whole numbers or consecutive terms, not digits
            assert out[q]["idx"] == search and len(out[q]["xs"]) == len(want[q])
            assert out[q]["count"] == (f"{len(want[q])} found" if q.strip() else "")
