"""A unified diff between two versions of an article's text (one paragraph per line)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TextDiff:
    """The unified diff and how many paragraphs it adds and removes."""

    diff: str
    added: int
    removed: int


def text_diff(old: str, new: str, old_label: str, new_label: str, context: int = 1) -> TextDiff:
    """Unified diff of two texts, paragraph by paragraph (the texts are stored one paragraph a line)."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, n=context, lineterm=""
        )
    )
    body = [line for line in lines if not line.startswith(("---", "+++", "@@"))]
    added = sum(1 for line in body if line.startswith("+"))
    removed = sum(1 for line in body if line.startswith("-"))
    return TextDiff("\n".join(lines), added, removed)
