"""Griffe extension: render num2vec's reST-flavoured docstrings as Markdown for mkdocstrings.

num2vec's docstrings are written for ``help()`` and doctest: Sphinx roles
(:class:`Num2Vec`, :func:`make_map`) and ``>>>`` examples in the body text. Markdown
would show the roles verbatim and read ``>>>`` as nested block quotes, so this
extension (loaded by mkdocs.yml) turns roles into code spans and each run of
``>>>``/``...`` lines, with the output lines after it, into a ``pycon`` block
(without ``# doctest:`` directives).
The source files are not changed.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|data|attr|obj|exc|const):`~?([^`]+)`")
DIRECTIVE = re.compile(r"\s*# doctest:.*$")


def markdown(text: str) -> str:
    """The docstring ``text`` with roles as code spans and doctest runs fenced."""
    text = ROLE.sub(r"`\1`", text)
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            block = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(indent):
                block.append(DIRECTIVE.sub("", lines[i][len(indent):]))
                i += 1
            if out and out[-1].strip():
                out.append("")
            out += [indent + "```pycon", *(indent + b for b in block), indent + "```", ""]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class RestDocstrings(griffe.Extension):
    """Rewrite every docstring once, when its object is loaded."""

    def on_instance(self, *, node: Any, obj: griffe.Object, agent: Any, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
