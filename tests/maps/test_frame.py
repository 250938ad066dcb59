"""The opening frame (geo.maps.frame.story_frame): pure, over points built in code."""

from __future__ import annotations

from story_docs import city

from geo.maps.frame import LINK_KM, FramePoint, distance_km, proximity_groups, story_frame


def _city(key: str, name: str, country: str, mentions: int = 1, kind: str = "city") -> FramePoint:
    row = city(name, country)
    return FramePoint(key, row["latitude"], row["longitude"], kind, mentions)


def _inside(frame, p: FramePoint) -> bool:
    (south, west), (north, east) = frame.bounds
    return south <= p.lat <= north and west <= p.lon <= east


def test_a_single_far_mention_stays_out_of_the_frame_and_is_listed():
    ukraine = [_city("kyiv", "Kyiv", "UA", 3), _city("kharkiv", "Kharkiv", "UA", 2), _city("lviv", "Lviv", "UA")]
    washington = _city("washington", "Washington", "US")
    frame = story_frame([*ukraine, washington])
    assert frame.far == ["washington"]
    assert all(_inside(frame, p) for p in ukraine)
    assert not _inside(frame, washington)
    (south, west), (north, east) = frame.bounds
    assert east - west < 15 and north - south < 8  # Ukraine's width: a zoom-5 view holds it


def test_two_groups_of_weight_both_frame_the_story():
    """Moscow and Pyongyang, each several mentions: a story of two places far apart frames both."""
    points = [_city("moscow", "Moscow", "RU", 4), _city("pyongyang", "Pyongyang", "KP", 3),
              _city("tokyo", "Tokyo", "JP")]
    frame = story_frame(points)
    assert frame.far == []
    assert all(_inside(frame, p) for p in points)  # Tokyo is within LINK_KM of Pyongyang: one group


def test_a_light_second_group_stays_out_even_with_two_mentions():
    """Two mentions of Cairo against twenty of Ukraine's cities: below KEEP_SHARE, listed as far."""
    points = [_city("kyiv", "Kyiv", "UA", 12), _city("odesa", "Odesa", "UA", 8), _city("cairo", "Cairo", "EG", 2)]
    assert story_frame(points).far == ["cairo"]


def test_the_heaviest_group_wins_wherever_it_is_listed():
    points = [_city("washington", "Washington", "US"), _city("kyiv", "Kyiv", "UA", 2)]
    frame = story_frame(points)
    assert frame.far == ["washington"] and _inside(frame, points[1])


def test_countries_count_lightly_and_are_never_listed_as_far():
    kyiv = _city("kyiv", "Kyiv", "UA", 2)
    near = FramePoint("ukraine", 49.0, 32.0, "country", 6)  # near the story: widens the frame
    far = FramePoint("russia", 60.0, 100.0, "country", 5)  # Russia's point in Siberia: does not
    frame = story_frame([kyiv, near, far])
    assert _inside(frame, near) and not _inside(frame, far)
    assert frame.far == []


def test_without_cities_or_regions_countries_are_grouped():
    ukraine = FramePoint("ukraine", 49.0, 32.0, "country", 4)
    poland = FramePoint("poland", 52.0, 19.5, "country", 2)
    usa = FramePoint("usa", 39.8, -98.5, "country", 1)
    frame = story_frame([ukraine, poland, usa])
    assert frame.far == ["usa"]
    assert _inside(frame, ukraine) and _inside(frame, poland)
    assert story_frame([]) is None


def test_groups_link_transitively_within_link_km():
    a, b = _city("kyiv", "Kyiv", "UA"), _city("kharkiv", "Kharkiv", "UA")
    c = _city("moscow", "Moscow", "RU")
    assert distance_km(a, b) < LINK_KM and distance_km(b, c) < LINK_KM
    assert [len(g) for g in proximity_groups([a, c, b])] == [3]
    assert round(distance_km(a, a), 6) == 0
