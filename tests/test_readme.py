"""README.md's code blocks run as written, on the bundled model.

* ```python blocks run in one namespace, in README order. A line
  ``EXPRESSION  # -> LITERAL`` is also checked: EXPRESSION must equal LITERAL
  (two spaces after LITERAL start a free remark).
* ```bash blocks whose first line starts with ``num2vec `` run line by line
  through the CLI (in-process, this checkout's code); a line ending in
  ``# -> TEXT`` must print TEXT.
* A block right after a ``<!-- skip-test -->`` line (blank lines between are
  fine) is not run: training commands and the like. Keep these few.

Everything runs in a temporary folder, so files the examples write go there.
"""

from __future__ import annotations

import ast
import re
import shlex
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SKIP = "<!-- skip-test -->"
FENCE = re.compile(r"^```(\w*)\s*$")
CHECK = re.compile(r"^(?P<code>\S.*?)\s+# -> (?P<want>.+?)(?:\s{2,}.*)?$")  # text after 2 spaces: a remark


@dataclass
class Block:
    lang: str
    code: str
    line: int  # 1-based line of the first code line in the Markdown file
    skip: bool


def extract(markdown: str) -> list[Block]:
    """Every fenced code block of ``markdown``, with its language and whether a skip marker precedes it."""
    blocks, lines, i = [], markdown.splitlines(), 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        before = [s.strip() for s in lines[:i] if s.strip()]
        skip = bool(before) and before[-1] == SKIP
        end = i + 1
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"line {i + 1}: code block never closed")
        blocks.append(Block(m.group(1), "\n".join(lines[i + 1 : end]) + "\n", i + 2, skip))
        i = end + 1
    return blocks


def python_blocks(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.lang == "python" and not b.skip]


def cli_lines(blocks: list[Block]) -> list[tuple[int, str]]:
    """``(line number, command)`` of every line of the runnable ``num2vec`` bash blocks."""
    out = []
    for b in blocks:
        if b.lang == "bash" and not b.skip and b.code.startswith("num2vec "):
            for k, text in enumerate(b.code.splitlines()):
                if text.strip() and not text.lstrip().startswith("#"):
                    out.append((b.line + k, text.strip()))
    return out


def run_python(block: Block, namespace: dict) -> int:
    """Run one block; check its ``# -> LITERAL`` lines; returns how many were checked."""
    pending: list[str] = []
    start = block.line
    checked = 0

    def flush(upto: int) -> None:
        if pending:
            exec(compile("\n" * (start - 1) + "\n".join(pending), str(README), "exec"), namespace)
            pending.clear()

    for k, text in enumerate(block.code.splitlines()):
        m = CHECK.match(text)
        if m and not text.startswith((" ", "\t")):
            flush(k)
            got = eval(compile("\n" * (block.line + k - 1) + m.group("code"), str(README), "eval"), namespace)
            want = ast.literal_eval(m.group("want"))
            assert got == want, f"README.md line {block.line + k}: {m.group('code')} gave {got!r}, README says {want!r}"
            checked += 1
            start = block.line + k + 1
        else:
            if not pending:
                start = block.line + k
            pending.append(text)
    flush(len(block.code.splitlines()))
    return checked


# --- the extractor ----------------------------------------------------------------------------------------


def test_extract_finds_blocks_languages_and_skip_markers():
    md = textwrap.dedent("""\
        # Title

        ```python
        x = 1
        ```

        <!-- skip-test -->

        ```bash
        num2vec train --preset tiny
        ```

        ```bash
        num2vec predict 1 2 3   # -> 4
        num2vec --help
        ```
        text
        ```
        plain
        ```
        """)
    blocks = extract(md)
    assert [(b.lang, b.skip, b.line) for b in blocks] == [("python", False, 4), ("bash", True, 10),
                                                           ("bash", False, 14), ("", False, 19)]
    assert blocks[0].code == "x = 1\n"
    assert cli_lines(blocks) == [(14, "num2vec predict 1 2 3   # -> 4"), (15, "num2vec --help")]
    with pytest.raises(ValueError, match="never closed"):
        extract("```python\nx = 1\n")


def test_checked_lines_compare_values(tmp_path):
    ns: dict = {}
    block = Block("python", "a = [1, 2]\nlen(a)  # -> 2  (a remark)\nb = a + [3]\nb  # -> [1, 2, 3]\n", 1, False)
    assert run_python(block, ns) == 2 and ns["b"] == [1, 2, 3]
    with pytest.raises(AssertionError, match="README says 3"):
        run_python(Block("python", "len([1])  # -> 3\n", 1, False), {})


def test_readme_has_runnable_blocks():
    blocks = extract(README.read_text(encoding="utf-8"))
    assert len(python_blocks(blocks)) >= 3, "no python blocks found in README.md: is the extractor broken?"
    assert len(cli_lines(blocks)) >= 5, "no num2vec commands found in README.md: is the extractor broken?"
    assert sum(b.skip for b in blocks) <= 4, "keep the skipped README blocks few"
    assert "python -m pytest -q" in README.read_text(encoding="utf-8")  # CI runs the README's test command


# --- README.md itself ------------------------------------------------------------------------------------------


def test_readme_python_blocks(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "readme"}
    checked = sum(run_python(b, namespace) for b in python_blocks(extract(README.read_text(encoding="utf-8"))))
    assert checked >= 5  # the tour states its results, and they hold


@pytest.mark.parametrize("line, command", cli_lines(extract(README.read_text(encoding="utf-8"))))
def test_readme_cli_commands(line, command, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from num2vec.cli import main

    monkeypatch.chdir(tmp_path)
    m = CHECK.match(command)
    args = shlex.split(m.group("code") if m else command, comments=True)
    assert args[0] == "num2vec"
    res = CliRunner().invoke(main, args[1:])
    assert res.exit_code == 0, f"README.md line {line}: {command}\n{res.output}"
    if m:
        assert m.group("want") in res.stdout, f"README.md line {line}: printed {res.stdout!r}"
