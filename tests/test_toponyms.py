"""Mention finding: offsets into the original text, the overlap rule, adjectives, false-positive traps."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.parse.tokens import tokenize
from geo.parse.toponyms import find_mentions, scan
from geo.places.gazetteer import ADJECTIVE, PRIMARY, REGION_PHRASE, Gazetteer
from geo.places.names import name_key


def spans(text: str, gaz) -> list[tuple[int, int, str]]:
    return [(m.start, m.end, m.text) for m in find_mentions(text, gaz)]


def surfaces(text: str, gaz) -> list[str]:
    return [m.text for m in find_mentions(text, gaz)]


def assert_offsets_round_trip(text: str, mentions) -> None:
    previous_end = 0
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert m.start >= previous_end, "mentions overlap or are out of order"
        previous_end = m.end


# ------------------------------------------------------------------------------ offsets


@pytest.mark.parametrize(("text", "expected"), [
    ("The port of Wŏnsan was busy.", "Wŏnsan"),
    ("Old Kraków was quiet.", "Kraków"),
    ("Flights to İstanbul resumed.", "İstanbul"),  # 'İ'.lower() is two characters long
    ("Russia's army moved.", "Russia"),
    ("Russia’s army moved.", "Russia"),
    ("“Moscow’s” answer came late.", "Moscow"),
    ("Kiev’s mayor spoke.", "Kiev"),
    ("🙂 Kyiv was calm.", "Kyiv"),
    ("👍🏽🇺🇦 Kyiv was calm.", "Kyiv"),
    ("e\u0301\u0308 Moscow answered.", "Moscow"),  # combining marks before the place
    ("\u200bMoscow answered.", "Moscow"),  # zero-width space
    ("MOSCOW — Officials said", "MOSCOW"),  # a dateline
])
def test_offsets_round_trip_on_unicode(gazetteer, text, expected):
    mentions = find_mentions(text, gazetteer)
    assert_offsets_round_trip(text, mentions)
    assert [m.text for m in mentions] == [expected]
    m = mentions[0]
    assert m.start == text.index(expected)
    assert m.key == name_key(expected)


def test_possessive_is_left_out_of_the_span(gazetteer):
    text = "Russia's and Ukraine’s forces; Kyiv's mayor."
    assert spans(text, gazetteer) == [(0, 6, "Russia"), (13, 20, "Ukraine"), (31, 35, "Kyiv")]


def test_decomposed_diacritics_inside_a_name(gazetteer):
    text = "Old Krako\u0301w was quiet."
    mentions = find_mentions(text, gazetteer)
    assert_offsets_round_trip(text, mentions)
    assert [m.text for m in mentions] == ["Krako\u0301w"]


def test_tokenize_keeps_original_offsets():
    text = "Wŏnsan’s port, U.S. forces and Rostov-on-Don"
    for tok in tokenize(text):
        assert text[tok.start : tok.end] == tok.text
    assert [t.text for t in tokenize(text)][:3] == ["Wŏnsan", "port", "U.S."]


PLACE_WORDS = [
    "Moscow", "Kyiv", "Kiev", "Wŏnsan", "Kraków", "New York", "New York City", "York", "North Korea",
    "North Korean", "Korean", "Russia's", "Russia’s", "Kursk region", "Kursk", "Nice", "in Nice", "March",
    "Kim Jong Un", "Kim", "U.S.", "Rostov-on-Don", "São Paulo", "İstanbul", "MOW", "Police", "in",
    "President", "Iranian",
]
FILLER = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" ,.;:!?'’\"()-—\n\t🙂👍🏽🇺🇦\u0301\u0308\u200b\u200déŏİß")),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(FILLER, st.sampled_from(PLACE_WORDS)), max_size=8), FILLER)
def test_offsets_round_trip_property(gazetteer, parts, tail):
    text = "".join(filler + word for filler, word in parts) + tail
    mentions = find_mentions(text, gazetteer)
    assert_offsets_round_trip(text, mentions)
    for m in mentions:
        assert m.key == name_key(m.text)
        if m.proposed:  # an unknown name in a locative context, left for a geocoder
            assert m.hits == []
        else:
            assert m.hits and m.hits == gazetteer.hits(m.key)


@settings(max_examples=60, deadline=None)
@given(FILLER, st.sampled_from(["Russia", "Ukraine", "North Korea", "Iran", "Kraków", "Wŏnsan"]), FILLER)
def test_a_place_after_in_is_always_found_where_it_is(gazetteer, before, place, after):
    text = f"{before} in {place}. {after}"
    start = len(before) + 4
    assert (start, start + len(place), place) in spans(text, gazetteer)


# ------------------------------------------------------------------------------ the overlap rule


def _tiny_gazetteer(*names: str) -> Gazetteer:
    """A gazetteer built in code: one place per name (coordinates are irrelevant to mention finding)."""
    places = [(f"test:{i}", n, "city", 0.0, 0.0, "XX", None, None, 500_000) for i, n in enumerate(names)]
    index = {name_key(n): ((i, PRIMARY),) for i, n in enumerate(names)}
    meta = {"max_tokens": max(len(k.split()) for k in index)}
    return Gazetteer(places, index, meta)


def test_overlap_rule_longest_match_wins_on_built_data():
    gaz = _tiny_gazetteer("York", "New York", "New York City")
    text = "From New York City to New York and on to York."
    assert spans(text, gaz) == [(5, 18, "New York City"), (22, 30, "New York"), (41, 45, "York")]
    tokens = tokenize(text)
    assert [(length, key) for _, length, key in scan(text, tokens, gaz)] == [
        (3, "new york city"), (2, "new york"), (1, "york")]


def test_overlap_rule_never_joins_across_punctuation():
    gaz = _tiny_gazetteer("York", "New York")
    assert surfaces("It was New. York followed.", gaz) == ["York"]
    assert surfaces("New, York", gaz) == ["York"]


@pytest.mark.parametrize(("text", "expected"), [
    ("He flew to New York City on Monday.", ["New York City"]),
    ("She moved to New York last year.", ["New York"]),
    ("They drove to York at dawn.", ["York"]),
    ("North Korean troops arrived.", ["North Korean"]),
    ("The talks in North Korea stalled.", ["North Korea"]),
    ("Shelling hit the Kursk region overnight.", ["Kursk region"]),
    ("Fighting in Kherson oblast and Donetsk province went on.", ["Kherson oblast", "Donetsk province"]),
])
def test_overlap_rule_on_real_data(gazetteer, text, expected):
    assert surfaces(text, gazetteer) == expected


def test_korean_alone_is_not_split_out_of_north_korean(gazetteer):
    mentions = find_mentions("North Korean ammunition", gazetteer)
    assert [(m.start, m.end) for m in mentions] == [(0, 12)]


# ------------------------------------------------------------------------------ adjectives


@pytest.mark.parametrize(("text", "surface", "iso"), [
    ("North Korean ammunition was found.", "North Korean", "KP"),
    ("Iranian nuclear facilities were hit.", "Iranian", "IR"),
    ("Ukrainian forces advanced.", "Ukrainian", "UA"),
])
def test_adjectival_mentions_are_kept_and_flagged(gazetteer, text, surface, iso):
    mentions = find_mentions(text, gazetteer)
    assert [m.text for m in mentions] == [surface]
    m = mentions[0]
    assert m.adjectival is True
    assert any(h.via == ADJECTIVE and h.candidate.country == iso for h in m.hits)


def test_names_are_not_adjectival(gazetteer):
    mentions = find_mentions("Talks between North Korea and Iran in the Kursk region.", gazetteer)
    assert [m.text for m in mentions] == ["North Korea", "Iran", "Kursk region"]
    assert not any(m.adjectival for m in mentions)
    assert any(h.via == REGION_PHRASE for h in mentions[2].hits)


# ------------------------------------------------------------------------------ false-positive traps


@pytest.mark.parametrize("text", [
    "March was cold in the north.",
    "The deal was signed last March.",
    "By March, prices had risen.",
    "Police said two men were held.",
    "The men were handed to Local Police.",
    "Reading the report, she frowned.",
    "He enjoys Reading and chess.",
    "Nice weather helped the harvest.",
    "It was a Nice idea, he said.",
    "Kim Jong Un inspected the site. Kim then left.",
    "Sergei Lavrov said talks were over.",
    "Vladimir Putin signed the decree.",
    "President Jordan called for calm.",
    "Flights between MOW and IEV were cancelled.",
    "Kim Jong Un and Kim Yo Jong watched.",
])
def test_false_positive_traps_give_no_place(gazetteer, text):
    assert spans(text, gazetteer) == []


@pytest.mark.parametrize("text", [
    "Troops moved in March and April.",
    "In March, the army moved.",
    "The vote is due in May.",
])
def test_month_after_in_is_not_a_place(gazetteer, text):
    assert spans(text, gazetteer) == []


@pytest.mark.parametrize(("text", "person_token"), [
    ("Paris Hilton arrived late.", "Paris"),
    ("Photographers followed Paris Hilton.", "Paris"),
    ("George Washington crossed the river.", "Washington"),
    ("A statue of George Washington stands there.", "Washington"),
])
def test_famous_people_named_like_places(gazetteer, text, person_token):
    assert person_token not in surfaces(text, gazetteer)


def test_person_rules_leave_the_places_of_the_same_sentence(gazetteer):
    text = "Vladimir Putin met Sergei Lavrov in Moscow after President Jordan left Kyiv."
    assert surfaces(text, gazetteer) == ["Moscow", "Kyiv"]


def test_later_bare_kim_is_still_a_person(gazetteer):
    text = "Kim Jong Un visited Wonsan. Later, Kim toured Pyongyang; Kim said Jong and Un were fine."
    found = surfaces(text, gazetteer)
    assert found == ["Wonsan", "Pyongyang"]


@pytest.mark.parametrize(("text", "surface"), [
    ("We spent a week in Nice.", "Nice"),
    ("The festival in Nice drew crowds.", "Nice"),
    ("He was born in Reading.", "Reading"),
])
def test_common_words_after_a_locative_are_places(gazetteer, text, surface):
    mentions = find_mentions(text, gazetteer)
    assert [m.text for m in mentions] == [surface]
    assert text[mentions[0].start : mentions[0].end] == surface


def test_country_names_survive_the_person_rules(gazetteer):
    assert surfaces("Jordan said the border was closed.", gazetteer) == ["Jordan"]
    assert surfaces("In Jordan, protests grew.", gazetteer) == ["Jordan"]
