"""Places in articles in other languages: names in their own script, inflected forms, particles, region phrases,
people after titles; offsets always into the text as written. Expected places are looked up in the gazetteer by
their English name (never typed coordinates)."""

from __future__ import annotations

import functools

import pytest

from geo.pipeline import parse_text
from geo.places.gazetteer import load_gazetteer


@functools.cache
def place_id(name: str, country: str, kind: str = "city") -> str:
    gaz = load_gazetteer()
    return next(c.id for c in gaz.search(name, limit=50) if c.country == country and c.kind == kind)


def found(text: str, language: str | None = None) -> dict[str, list[str]]:
    """Place id -> the mention texts; checks every offset on the way."""
    doc = parse_text(text, language=language)
    out: dict[str, list[str]] = {}
    for place in doc.places:
        for mention in place.mentions:
            assert doc.article.text[mention.start:mention.end] == mention.text
            out.setdefault(place.id, []).append(mention.text)
    return out


def test_the_issue_example_in_ukrainian_maps_three_cities() -> None:
    places = found("Вночі російські дрони атакували Харків та Одесу, повідомили у Києві.")
    assert places[place_id("Kharkiv", "UA")] == ["Харків"]
    assert places[place_id("Odesa", "UA")] == ["Одесу"]
    assert places[place_id("Kyiv", "UA")] == ["Києві"]


@pytest.mark.parametrize("written", ["Москва", "Москве", "Москвы", "Москву", "Москвой"])
def test_russian_cases_of_a_city_name(written: str) -> None:
    places = found(f"Сегодня {written} снова обсуждали на совещании по транспорту.", "ru")
    assert places.get(place_id("Moscow", "RU")) == [written]


@pytest.mark.parametrize("written", ["Харків", "Харкова", "Харкові", "Харковом", "Львова", "Києва"])
def test_ukrainian_vowel_alternation_in_the_last_syllable(written: str) -> None:
    places = found(f"Волонтери з міста {written} привезли генератори.", "uk")
    assert [m for ms in places.values() for m in ms] == [written]


def test_region_phrases_give_the_region() -> None:
    kursk = place_id("Kursk", "RU", "region")
    assert found("Беспилотники сбили над Курской областью.", "ru") == {kursk: ["Курской областью"]}
    assert found("Die Lage in der Region Kursk bleibt angespannt.", "de") == {kursk: ["Region Kursk"]}
    assert found("Des combats ont eu lieu dans la région de Koursk.", "fr") == {kursk: ["région de Koursk"]}
    assert found("쿠르스크주에서 교전이 이어졌다.", "ko") == {kursk: ["쿠르스크주"]}
    kharkiv = place_id("Kharkivska", "UA", "region")
    assert found("Удари зафіксували в Харківській області.", "uk") == {kharkiv: ["Харківській області"]}
    assert found("Hubo ataques en la provincia de Járkov.", "es") == {kharkiv: ["provincia de Járkov"]}


def test_korean_particles_are_left_out_of_the_mention() -> None:
    text = "북한은 평양에서 열병식을 열었다. 대표단은 러시아를 방문했고 원산을 언급했다."
    places = found(text, "ko")
    assert places[place_id("Pyongyang", "KP")] == ["평양"]
    assert places[place_id("Russia", "RU", "country")] == ["러시아"]
    assert places[place_id("Wŏnsan", "KP")] == ["원산"]
    assert places[place_id("North Korea", "KP", "country")] == ["북한"]
    assert found("부산시는 새 다리를 열었다.", "ko") == {place_id("Busan", "KR"): ["부산시"]}


def test_german_genitive_and_nouns_after_an_article() -> None:
    places = found("Der Bürgermeister Kiews sprach über die Mieten Berlins. Zum Essen gab es Suppe.", "de")
    assert places == {place_id("Kyiv", "UA"): ["Kiews"], place_id("Berlin", "DE"): ["Berlins"]}
    assert place_id("Essen", "DE") in found("Der Zug fuhr nach Essen.", "de")


def test_french_elision_is_outside_the_name() -> None:
    places = found("Les trains d'Odessa et de Lyon arrivent en retard selon l'Ukraine.", "fr")
    assert places[place_id("Odesa", "UA")] == ["Odessa"]
    assert places[place_id("Ukraine", "UA", "country")] == ["Ukraine"]


def test_people_after_titles_are_kept_off_the_map() -> None:
    # surnames that are also place names in the gazetteer's data stand after a title
    assert found("Президент Франко выступил с обращением.", "ru") == {}
    assert found("Le président Nancy a parlé aux journalistes.", "fr") == {}
    assert found("서울 장관은 추가 설명을 하지 않았다.", "ko") == {}
    # a given name before a word that names no place: both are a person's ("Florence" is a city too)
    assert found("Florence Garnier a raconté son voyage à Lyon.", "fr") == {place_id("Lyon", "FR"): ["Lyon"]}
    # a word before a surname (a Russian surname's ending, naming no place) is a given name, even a city's
    assert found("Владимир Путин прилетел в Казань.", "ru") == {place_id("Kazan", "RU"): ["Казань"]}
    assert place_id("Vladimir", "RU") in found("Поезд прибыл во Владимир утром.", "ru")
    # a title before a place's declined name is the place's official: the place stays
    assert place_id("Kursk", "RU") in found("Губернатор Курска сообщил о пожаре.", "ru")


def test_everyday_words_of_a_language_need_a_locative() -> None:
    assert found("Мир и согласие важнее любых споров.", "ru") == {}


def test_the_document_records_the_language_and_the_override_wins() -> None:
    doc = parse_text("Le gouvernement a présenté un plan pour les écoles de Lyon et de la région.")
    assert doc.article.language == "fr"
    assert doc.to_dict()["article"]["language"] == "fr"
    forced = parse_text("Le gouvernement a présenté un plan pour les écoles de Lyon et de la région.", language="en")
    assert forced.article.language == "en"


def test_english_articles_take_the_english_path() -> None:
    doc = parse_text("Troops moved from Kursk towards Kyiv, officials in Moscow said on Monday.")
    assert doc.article.language == "en"
    assert {p.name for p in doc.places} >= {"Kursk", "Kyiv", "Moscow"}


def test_border_context_and_the_map_work_for_another_language() -> None:
    from geo.maps.export import export_html

    doc = parse_text("Вночі російські дрони атакували Харків та Одесу, повідомили у Києві.")
    assert all(p.border for p in doc.places)
    html = export_html(doc)
    assert "Одесу" in html and "Kharkiv" in html


def test_everyday_short_country_names_and_apostrophes() -> None:
    assert found("Делегация США прибыла на переговоры.", "ru") == {place_id("United States", "US", "country"): ["США"]}
    assert found("한국 정부는 대책을 발표했다.", "ko") == {place_id("South Korea", "KR", "country"): ["한국"]}
    kupiansk = place_id("Kupyansk", "UA")
    assert found("Бої тривають біля Куп’янська.", "uk") == {kupiansk: ["Куп’янська"]}
    assert found("Бої тривають біля Куп'янська.", "uk") == {kupiansk: ["Куп'янська"]}


def test_an_inflected_form_locates_a_place_but_is_not_its_label() -> None:
    """A label is the name as the article wrote it: a declined form ("у Львові") is no name a reader would
    look up, so the label is a dictionary form the article used, else the gazetteer's name."""
    doc = parse_text("Уночі дрони атакували Львів. У Львові пролунали вибухи, мер Львова звернувся до людей.\n\n"
                     "Також повідомили про вибухи в Одесі.", language="uk")
    by_name = {p.name: p for p in doc.places}
    lviv, odesa = by_name["Lviv"], by_name["Odesa"]
    assert [m.inflected for m in lviv.mentions] == [False, True, True]
    assert lviv.label == "Львів"
    assert all(m.inflected for m in odesa.mentions) and odesa.label == "Odesa"
    # The flag survives the Document's JSON form (labels are derived again from it).
    from geo.parse.model import Document
    again = Document.from_dict(doc.to_dict())
    assert {p.name: p.label for p in again.places} == {p.name: p.label for p in doc.places}
