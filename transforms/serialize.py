"""Records to and from JSON-safe dicts, for the staging files between pipeline tasks."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from transforms.dates import from_isoformat
from transforms.records import Article, Discard, Image

_DATES = ("published_at", "modified_at")
_TUPLES = ("authors", "categories", "tags", "links", "date_issues", "blocks")


def to_dict(record: Article | Discard) -> dict[str, Any]:
    """A JSON-safe dict with a ``kind`` field (``dataclasses.asdict``'s, without its deep copy
    of every string: the fields are strings, numbers, dates, tuples of strings and a dict of
    strings, and the images small dataclasses)."""
    data = {f.name: getattr(record, f.name) for f in fields(record)}
    if isinstance(record, Article):
        data["images"] = tuple(asdict(image) for image in record.images)
        data["provenance"] = dict(record.provenance)
    for name in _DATES:
        if isinstance(data.get(name), datetime):
            data[name] = data[name].isoformat()
    data["kind"] = "article" if isinstance(record, Article) else "discard"
    return data


def from_dict(data: dict[str, Any]) -> Article | Discard:
    """The record a ``to_dict`` produced."""
    data = dict(data)
    kind = data.pop("kind")
    if kind == "discard":
        return Discard(**data)
    for name in _DATES:
        if data.get(name):
            data[name] = from_isoformat(data[name])
    for name in _TUPLES:
        data[name] = tuple(data.get(name) or ())
    data["images"] = tuple(Image(**image) for image in data.get("images") or ())
    return Article(**data)
