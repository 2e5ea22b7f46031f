"""Rubrics validate, hash canonically, and say where and how to fix a broken file."""

from pathlib import Path

import pytest
import yaml

from scoring import RubricError, RubricNotFound, find_rubric, load_rubric
from scoring.rubric import rubric_dirs

SHIPPED = sorted(rubric_dirs()[0].glob("*.yaml"))
CORE = rubric_dirs()[0] / "core_contact_centre.yaml"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_rubrics_validate(path: Path):
    rubric = load_rubric(path)
    assert rubric.criteria() and len(rubric.content_hash) == 64


def test_hash_ignores_formatting_but_not_content(tmp_path: Path):
    raw = yaml.safe_load(CORE.read_text())
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(raw, sort_keys=True, width=200))
    assert load_rubric(tmp_path / "a.yaml").content_hash == load_rubric(CORE).content_hash
    raw["sections"][0]["criteria"][0]["method"]["within_first"] = 20
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(raw))
    assert load_rubric(tmp_path / "b.yaml").content_hash != load_rubric(CORE).content_hash


@pytest.mark.parametrize(
    "edit, where, what",
    [
        (lambda r: r["sections"][0]["criteria"][0]["method"].update(within_frist=15), "sections[0] (id opening).criteria[0] (id greeting).method.within_frist", "Extra inputs"),
        (lambda r: r["sections"][1]["criteria"][0].update(weight=-1), "sections[1] (id policy).criteria[0] (id identity_verification).weight", "greater than 0"),
        (lambda r: r["sections"][0]["criteria"][0]["method"].update(type="telepathy"), "sections[0] (id opening).criteria[0] (id greeting).method", "type"),
        (lambda r: r["sections"][0]["criteria"][1].update(id="greeting"), "(top level)", "used twice"),
        (lambda r: r["sections"][0]["criteria"][0].update(scale={"good": 1, "bad": 0}), "criteria[0] (id greeting).scale", "yes"),
    ],
)
def test_errors_name_the_place_and_show_a_correct_example(tmp_path: Path, edit, where: str, what: str):
    raw = yaml.safe_load(CORE.read_text())
    edit(raw)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(RubricError) as e:
        load_rubric(path)
    message = str(e.value)
    assert str(path) in message and what in message
    assert where.split(".")[-1] in message
    assert "A correct rubric looks like" in message


def test_unknown_knowledge_base_key_is_named(tmp_path: Path):
    raw = yaml.safe_load(CORE.read_text())
    del raw["knowledge_base"]["empathy"]
    path = tmp_path / "kb.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(RubricError, match="exemplars_from: 'empathy'"):
        load_rubric(path)


def test_yaml_syntax_error_gives_the_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nsections: [\n")
    with pytest.raises(RubricError, match="line"):
        load_rubric(path)


def test_find_rubric_by_id_and_unknown_id():
    assert find_rubric("core-contact-centre").version >= 1
    with pytest.raises(RubricNotFound, match="installed: .*core-contact-centre"):
        find_rubric("no-such-rubric")
