"""The understanding catalogue as data: intents with their slots and examples, unique names, lookups by name."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from retrieval.catalog import IntentSpec


def test_an_intents_slot_kinds_are_all_it_needs_and_uses(tables):
    leader = tables.catalog.intent("chain_leader")
    assert leader.answerer == "chain_leader" and "chain" in leader.slot_kinds()
    assert leader.slot_kinds() == {*leader.needs, *leader.needs_any, *leader.uses}


def test_an_intent_is_found_by_its_name(tables):
    assert all(tables.catalog.intent(i.name) is i for i in tables.catalog.intents)


def test_intent_names_are_unique(tables):
    twice = [*tables.catalog.intents, tables.catalog.intents[0]]
    with pytest.raises(ValidationError, match="duplicate intent names"):
        type(tables.catalog).model_validate({**tables.catalog.model_dump(), "intents": [i.model_dump() for i in twice]})


def test_an_intent_needs_an_example_question():
    with pytest.raises(ValidationError, match="examples"):
        IntentSpec(name="x", answerer="x", description="x", examples=[])
    with pytest.raises(ValidationError):
        IntentSpec(name="x", answerer="x", description="x", examples=["谁？"], needs=["planet"])


def test_the_real_catalogue(tables):
    catalog = tables.catalog
    assert len({i.name for i in catalog.intents}) == len(catalog.intents) > 20
    assert {"person", "unit", "number", "date"} <= set(catalog.answer_types)
    assert 0 < catalog.threshold < 1 and "多少" in catalog.unit_askers
