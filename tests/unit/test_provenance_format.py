"""The golden provenance column: named fields, and "*" for every other field of the data."""

from wushe.registry.provenance import EVERY_FIELD, field_sources


def test_a_single_source_supplies_every_field_through_the_star_entry() -> None:
    data = {"name": "园岭社区基金会", "phones": ["0755-1"]}
    assert list(field_sources(data, {EVERY_FIELD: [7, "only_source"]})) == [
        ("name", 7, "only_source"), ("phones", 7, "only_source")]


def test_named_fields_win_over_the_star_entry_and_fields_without_a_source_are_left_out() -> None:
    data = {"name": "a", "phones": ["1"], "address": "b"}
    provenance = {"name": [1, "priority:civil_affairs"], "phones": [2, "recency"]}
    assert list(field_sources(data, provenance)) == [("name", 1, "priority:civil_affairs"), ("phones", 2, "recency")]
    provenance[EVERY_FIELD] = [3, "only_source"]
    assert dict((f, (r, rule)) for f, r, rule in field_sources(data, provenance)) == {
        "address": (3, "only_source"), "name": (1, "priority:civil_affairs"), "phones": (2, "recency")}
    assert list(field_sources(data, None)) == []
