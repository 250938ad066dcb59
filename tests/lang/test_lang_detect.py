"""Language detection: the script, then each language's function words; English stays the default."""

from __future__ import annotations

import pytest

from geo.parse.language import LANGUAGES, detect_language, normalise_language


@pytest.mark.parametrize(("text", "expected"), [
    ("Вночі дрони атакували міста, повідомили у міській раді, і рятувальники працювали до ранку.", "uk"),
    ("Ночью беспилотники атаковали несколько городов, сообщили в администрации, и спасатели работали до утра.",
     "ru"),
    ("오늘 오전 정부는 새로운 교통 대책을 발표했다.", "ko"),
    ("Le gouvernement a présenté mardi un plan pour les écoles et les hôpitaux de la région.", "fr"),
    ("Die Regierung hat am Dienstag einen Plan für die Schulen und die Krankenhäuser vorgestellt.", "de"),
    ("El gobierno presentó el martes un plan para las escuelas y los hospitales de la región.", "es"),
    ("The government presented a plan for the schools and the hospitals of the region on Tuesday.", "en"),
])
def test_each_language_is_recognised(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_english_is_the_default_for_short_or_unclear_text() -> None:
    assert detect_language("") == "en"
    assert detect_language("Kyiv") == "en"
    assert detect_language("12 345 !!!") == "en"


def test_an_english_story_quoting_another_language_stays_english() -> None:
    text = ("The mayor said the bridge would reopen in the spring, and the council agreed. "
            "A banner on the town hall read «Мы вместе» and the crowd of the square cheered. ") * 3
    assert detect_language(text) == "en"


def test_the_setting_accepts_codes_names_and_auto() -> None:
    assert normalise_language("auto") is None
    assert normalise_language("") is None
    assert normalise_language("Ukrainian") == "uk"
    assert normalise_language(" DE ") == "de"
    assert set(LANGUAGES) >= {"en", "ru", "uk", "fr", "de", "es", "ko"}
    with pytest.raises(ValueError, match="one of"):
        normalise_language("klingon")
