"""t-SNE maps as PNG and self-contained HTML."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner

pytest.importorskip("matplotlib")
pytest.importorskip("sklearn")

from num2vec.cli import main  # noqa: E402
from num2vec.plots import KINDS, make_map, number_map, save_html, save_png, sequence_map, tsne  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def check_png(path):
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 1000


def check_html(path, points):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "<script" not in text and not re.search(r"(src|href)=", text)  # self-contained
    svg = ET.fromstring(text[text.index("<svg") : text.index("</svg>") + len("</svg>")])  # well-formed
    titles = [c.find(f"{SVG}title").text for c in svg.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert len(titles) == points
    return svg, titles


def test_number_map_png_and_html(tiny_model, tmp_path):
    scatter = number_map(tiny_model, range(30), path=True)
    assert scatter.xy.shape == (30, 2) and scatter.groups[13] == "3" and scatter.labels[29] == "29"
    check_png(save_png(scatter, tmp_path / "n.png"))
    svg, titles = check_html(save_html(scatter, tmp_path / "n.html"), 30)
    assert titles == [str(v) for v in range(30)]
    assert len(list(svg.iter(f"{SVG}polyline"))) == 1


def test_sequence_map(tiny_model, tmp_path):
    scatter = sequence_map(tiny_model, count=30)
    assert scatter.xy.shape == (30, 2) and scatter.legend == "pattern type"
    assert len(scatter.labels) == len(set(scatter.groups))  # one labelled sequence per pattern type
    check_png(save_png(scatter, tmp_path / "s.png"))
    _, titles = check_html(save_html(scatter, tmp_path / "s.html"), 30)
    assert all(": " in t and "a(n)" in t for t in titles)


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
    check_html(tmp_path / "p.html", 100)
    for args, words in ((["path100"], "nothing to write"), (["bogus", "--html", str(tmp_path / "x.html")], "bogus"),
                        (["digits100", "--output", str(tmp_path / "no" / "x.png")], "does not exist")):
        bad = CliRunner().invoke(main, ["plot", "--model", model, *args])
        assert bad.exit_code == 2 and words in bad.output, bad.output
