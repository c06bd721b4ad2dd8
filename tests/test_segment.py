"""Sentence splitting on news prose: abbreviations, decimals, quotes, missing spaces."""

import pytest

from helpers.segment import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("One sentence without a full stop", ["One sentence without a full stop"]),
        ("Mr. Putin met U.S. officials. They talked.",
         ["Mr. Putin met U.S. officials.", "They talked."]),
        ("Growth was 3.5 per cent. It fell.", ["Growth was 3.5 per cent.", "It fell."]),
        ("It ended.The next began.", ["It ended.", "The next began."]),
        ("“It is over,” he said. “We won.”", ["“It is over,” he said.", "“We won.”"]),
        ("Did it work? Yes! Fine.", ["Did it work?", "Yes!", "Fine."]),
        ("Press secretary John F. Kirby spoke. Then Dr. Tedros did.",
         ["Press secretary John F. Kirby spoke.", "Then Dr. Tedros did."]),
        ("They met on Feb. 4 in Beijing. The U.N. chief came.",
         ["They met on Feb. 4 in Beijing.", "The U.N. chief came."]),
        ("In 2022. 100,000 troops massed.", ["In 2022.", "100,000 troops massed."]),
        ("Wait… what happened?", ["Wait… what happened?"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected
