"""The libyaml loader reads every YAML file of knowledge/ exactly as yaml.safe_load does, and so does a
file split into its items, parsed one by one or taken from those parsed before."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from retrieval import yaml_text
from tests.conftest import KNOWLEDGE


def test_the_same_values_as_safe_load():
    files = sorted(KNOWLEDGE.rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yaml_text.load(text) == yaml.safe_load(text), path.name


SPLITS = (
    "provinces:\n- name: a\n  cities: [x, y]\n- name: b\n# a comment\nregions:\n  - {name: c,\n     aliases: [d]}\n",
    "notes:\n  - text: |\n      # not a comment: a line of the text\n\n      after a blank line\n  - plain\nempty:\n",
)


def test_items_parsed_one_by_one_equal_the_whole(tmp_path):
    from eval.synthetic import generate

    generated = Path(generate(KNOWLEDGE, tmp_path / "k", 3)["knowledge_dir"])
    texts = [p.read_text(encoding="utf-8") for p in sorted(KNOWLEDGE.rglob("*.yaml"))]
    texts += [(generated / "provinces.yaml").read_text(encoding="utf-8"), *SPLITS]
    assert all(yaml_text.block_items(t) is not None for t in texts[-3:])
    for text in texts:
        assert yaml_text.YamlItems().load(text) == yaml.safe_load(text)


@pytest.mark.parametrize("text", [
    "a: [1, 2]\n",  # a flow list
    "a:\n  - &x {id: 1}\n  - *x\n",  # an anchor and its alias
    "a: 1\nb:\n  - 2\n",  # a key with a value
    "a:\n  - 1\na:\n  - 2\n",  # a key twice
    "a:\n  b: 1\n",  # a mapping under a key
    "- 1\n- 2\n",  # a list at the top
])
def test_what_the_split_cannot_stand_for_is_parsed_whole(text):
    assert yaml_text.block_items(text) is None
    assert yaml_text.YamlItems().load(text) == yaml.safe_load(text)


def test_items_parsed_before_are_taken_and_gone_ones_dropped(tmp_path):
    text = "provinces:\n- name: a\n- name: b\n  since: 2021-01-01\n"
    first = yaml_text.YamlItems()
    assert first.load(text) == yaml.safe_load(text) and first.parsed == 2
    first.save(tmp_path)
    again = yaml_text.YamlItems.read(tmp_path)
    assert len(again.known) == 1  # the item with a date is not kept (JSON has no dates)
    changed = "provinces:\n- name: a\n- name: c\n"
    assert again.load(changed) == yaml.safe_load(changed) and again.parsed == 1
    again.save(tmp_path)
    assert sorted(v["name"] for v in yaml_text.YamlItems.read(tmp_path).known.values()) == ["a", "c"]
