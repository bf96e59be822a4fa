"""Language of a text, detected on the text itself (never on the page's ``lang`` attribute)."""

from __future__ import annotations

from functools import lru_cache
from itertools import islice

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# below this many letters a guess is noise
MIN_LETTERS = 20
# the language is read on the text's first this many characters: a few paragraphs decide it,
# and the classifier's time grows with the length (on the 1,120 benchmark pages, 2,000 gave
# the language 5,000 gave on every page, in two thirds of the time)
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier: LanguageIdentifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier


def detect_language(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code and a probability in [0, 1], or (None, None) for too little text."""
    letters = (ch for ch in text[:SAMPLE_CHARS] if ch.isalpha())
    if sum(1 for _ in islice(letters, MIN_LETTERS)) < MIN_LETTERS:  # stops at the 20th letter
        return None, None
    code, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return str(code), round(float(probability), 4)
