"""The article's Markdown: trafilatura's Markdown without the dropped lines, with the body's images."""

from __future__ import annotations

from transforms.body import BodyMap, text_key
from transforms.images import image_of
from transforms.records import Image


def _image_markdown(image: Image) -> str:
    title = f' "{image.caption.replace(chr(34), chr(39))}"' if image.caption else ""
    return f"![{image.alt}]({image.url}{title})"


def _markdown(markdown: str, lines: list[str], drop: set[int], images: list[tuple[int, Image]]) -> str:
    """The Markdown without the dropped lines, with each image after the line it follows."""
    md_lines = markdown.split("\n")
    keys = [text_key(line) for line in lines]
    at: dict[int, int] = {}  # plain line index -> Markdown line index, matched in order
    cursor = 0
    for md_index, md_line in enumerate(md_lines):
        key = text_key(md_line)
        if not key:
            continue
        for index in range(cursor, len(keys)):
            if keys[index] == key:
                at[index], cursor = md_index, index + 1
                break
    skip = {at[i] for i in drop if i in at}
    after: dict[int, list[str]] = {}
    for anchor, image in images:
        slot = max((at[i] for i in at if i <= anchor), default=-1)
        after.setdefault(slot, []).append(_image_markdown(image))
    out: list[str] = [f"{img}\n" for img in after.get(-1, [])]
    for md_index, md_line in enumerate(md_lines):
        if md_index not in skip:
            out.append(md_line)
        out.extend(f"\n{img}\n" for img in after.get(md_index, []))
    return "\n".join(out).replace("\n\n\n", "\n\n").strip()


def _body_images(body: BodyMap, url: str) -> list[tuple[int, Image]]:
    found: dict[str, tuple[int, Image]] = {}
    for anchor, element in body.images:
        image = image_of(element, url)
        if image is not None:
            found.setdefault(image.url, (anchor, image))
    return list(found.values())
