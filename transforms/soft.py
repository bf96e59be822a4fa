"""Fail soft: a step of extraction that fails on a page costs its field, never the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from transforms.metadata import MAX_REASON

T = TypeVar("T")


def soft(faults: dict[str, str], name: str, compute: Callable[[], T], default: T) -> T:
    """The result of one step of extraction, or ``default`` when the step fails on this page:
    a fault in one field or step costs that field (its reason kept in ``faults``), never the text."""
    try:
        return compute()
    except Exception as error:  # a hostile page may break any library on any field
        faults.setdefault(name, f"{type(error).__name__}: {error}"[:MAX_REASON])
        return default
