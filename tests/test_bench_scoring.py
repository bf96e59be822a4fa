"""The benchmark's scoring on tiny hand-made texts: the shingle metric, line labels from a full-text
truth, metadata comparison, and the benchmark folder lookup."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bench.line_model import full_text_examples
from bench.metadata_fields import FieldTally, Meta, compare
from bench.sets import benchmarks_root
from bench.shingles import FullTextScore, match, shingles, tokens
from transforms.lines import FEATURES


def test_tokens_are_unicode_words_with_case_kept_and_punctuation_dropped() -> None:
    assert tokens("Straße, café! 東京 — it's") == ["Straße", "café", "東京", "it", "s"]


def test_shingles_are_a_multiset_of_four_token_windows() -> None:
    assert shingles("a b c d e") == {"a b c d": 1, "b c d e": 1}
    assert shingles("x y z w x y z w") == {"x y z w": 2, "y z w x": 1, "z w x y": 1, "w x y z": 1}
    assert shingles("only two") == {"only two": 1}  # 1-3 tokens: one shingle
    assert shingles("  , ") == {}


def test_page_match_counts_shared_shingles_with_multiplicity() -> None:
    found = match("one two three four five", "one two three four one two three four")
    # truth: {1234, 2345}; prediction: {1234 x2, 2341, 3412, 4123}
    assert (found.shared, found.predicted, found.true) == (1, 5, 2)
    assert found.precision == pytest.approx(0.2)
    assert found.recall == pytest.approx(0.5)


def test_empty_prediction_is_left_out_of_precision_but_counts_as_zero_recall() -> None:
    score = FullTextScore()
    score.add_text("alpha beta gamma delta epsilon", "alpha beta gamma delta epsilon")
    score.add_text("alpha beta gamma delta epsilon", "")
    figures = score.figures()
    assert figures["precision"] == pytest.approx(1.0)
    assert figures["recall"] == pytest.approx(0.5)
    assert figures["f1"] == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert figures["empty"] == 1


def test_f1_is_the_harmonic_mean_of_the_averages_not_the_average_of_page_f1() -> None:
    score = FullTextScore()
    score.add_text("a b c d e", "a b c d e x y z w")  # P 2/6, R 1
    score.add_text("p q r s t u", "p q r s")  # P 1, R 1/3
    p, r = (2 / 6 + 1) / 2, (1 + 1 / 3) / 2
    assert score.figures()["f1"] == pytest.approx(2 * p * r / (p + r))


def test_full_text_labels_body_boilerplate_and_leave_unclear_lines_out() -> None:
    truth = "Storm hits the coast\nThe storm reached the coast on Monday night and cut power to many homes.\nRepairs"
    lines = [
        "The storm reached the coast on Monday night and cut power to many homes.",  # body
        "Sign up for our daily newsletter today",  # boilerplate: no shingle in the truth
        "Repairs",  # a whole short line of the truth: body
        "Read more",  # short, nowhere in the truth: boilerplate
        "the coast",  # short, inside a truth line but not a whole line: unclear
        "The storm reached the coast and then our newsletter offers you more",  # mixed: unclear
        "Power cuts in the north",  # a list item: left out (Fundus' parsers often skip lists)
    ]
    list_item = FEATURES.index("list_item")
    features = {
        i: [1.0, float(i)] + [float(i == 6 and j == list_item) for j in range(2, len(FEATURES))] for i in range(7)
    }
    labels = {int(vector[1]): label for vector, label in full_text_examples(lines, features, truth)}
    assert labels == {0: 0.0, 1: 1.0, 2: 0.0, 3: 1.0}


def test_metadata_title_authors_and_day_are_folded_and_compared() -> None:
    expected = Meta(
        "Storm  Hits the Coast",
        ("Ana Lima", "Jo Park"),
        datetime(2025, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=1))),
    )
    tallies: dict[str, FieldTally] = {}
    # the same instant in UTC is still 1 March where the truth stands
    compare(
        expected,
        Meta("storm hits the coast", ("jo park", "ANA LIMA"), datetime(2025, 3, 1, 22, 30, tzinfo=UTC)),
        tallies,
    )
    compare(expected, Meta("Storm hits the coast | Daily", ("Jo Park",), date(2025, 3, 2)), tallies)
    compare(expected, Meta(None, (), None), tallies)
    assert tallies["title"].right == {"equal": 1, "ratio>=0.9": 1}
    assert tallies["title"].missing == 1
    assert tallies["authors"].right == {"same set": 1, "overlap": 2}
    assert tallies["published day"].right == {"same day": 1}
    assert tallies["published day"].expected == 3


def test_a_missing_benchmark_folder_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match=r"benchmarks not found.*nowhere"):
        benchmarks_root(tmp_path / "nowhere")
    assert benchmarks_root(tmp_path) == tmp_path


def test_a_run_across_midnight_is_cut_into_its_phases() -> None:
    from bench.overhead import breakdown

    start = datetime(2026, 12, 5, 23, 59, 0).timestamp()
    log = "\n".join(
        [
            "23:59:01.000 | INFO    | Beginning flow run 'x'",
            "23:59:02.000 | INFO    | run r: 1 source(s) into w",
            "23:59:50.000 | INFO    | Task run 'crawl-a' - Finished in state Completed()",
            "00:00:30.000 | INFO    | Task run 'extract-a' - Finished in state Completed()",
            "00:01:00.000 | INFO    | Task run 'load-a' - Finished in state Completed()",
        ]
    )
    phases = dict(breakdown(start, start + 130, log))
    assert (phases["crawl"], phases["extract"], phases["load"]) == (48.0, 40.0, 30.0)
