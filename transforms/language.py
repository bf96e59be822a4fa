"""Language of a text, detected on the text itself (never on the page's ``lang`` attribute)."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# below this many letters a guess is noise
MIN_LETTERS = 20
# the language is read on the text's first this many characters (a few paragraphs decide it;
# the classifier's time grows with the length)
SAMPLE_CHARS = 5000


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier: LanguageIdentifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier


def detect_language(text: str) -> tuple[str | None, float | None]:
    """ISO 639-1 code and a probability in [0, 1], or (None, None) for too little text."""
    if sum(ch.isalpha() for ch in text[:5000]) < MIN_LETTERS:
        return None, None
    code, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return str(code), round(float(probability), 4)
