from __future__ import annotations

import pytest

from stint_engine.taxonomy import Occupation, Skill, Taxonomy


def _skill(sid: str, label: str, kind: str = "skill", broader: tuple[str, ...] = ()) -> Skill:
    return Skill(sid, f"urn:{sid}", label, (), kind, broader)


@pytest.fixture
def tiny() -> Taxonomy:
    skills = [
        _skill("prog", "computer programming", "knowledge"),
        _skill("py", "Python (computer programming)", "knowledge", ("prog",)),
        _skill("java", "Java (computer programming)", "knowledge", ("prog",)),
        _skill("sql", "SQL", "knowledge"),
        _skill("team", "work in teams"),
        _skill("onet:pandas", "pandas", "tool", ("py",)),
    ]
    occupations = [
        Occupation("dev", "urn:dev", "software developer", ("programmer",), "2512", ""),
        Occupation("da", "urn:da", "data analyst", (), "2511", ""),
    ]
    occ_skills = {"dev": (["py", "java"], ["team"]), "da": (["py", "sql"], [])}
    return Taxonomy.from_parts(skills, occupations, occ_skills, [("sql", "py", 0.5)])


def test_it_links_parents_siblings_relations_and_tools(tiny: Taxonomy) -> None:
    related = tiny.related("py")
    assert related["prog"] == pytest.approx(0.6)
    assert 0 < related["java"] < related["prog"]
    assert related["sql"] == pytest.approx(0.5)
    assert related["onet:pandas"] == pytest.approx(0.9)
    assert "py" not in related
    assert all(0 < w < 1 for w in related.values())
    assert tiny.related("sql") == {"py": pytest.approx(0.5)}


def test_it_reports_occupation_skills_and_importance(tiny: Taxonomy) -> None:
    assert tiny.occupation_skills("da") == (("py", "sql"), ())
    with pytest.raises(KeyError):
        tiny.occupation_skills("nope")
    with pytest.raises(KeyError):
        tiny.skill("nope")
    # essential in both occupations beats essential in one beats optional in one
    assert tiny.skill_importance("py") > tiny.skill_importance("sql")
    assert tiny.skill_importance("sql") > tiny.skill_importance("team")
    assert 0 < tiny.skill_importance("prog") <= 1


def test_it_autocompletes_by_prefix_and_typo(tiny: Taxonomy) -> None:
    assert tiny.search_skills("pyth")[0].id == "py"
    assert tiny.search_skills("computer prog", k=3)[0].id == "prog"
    assert tiny.search_skills("SQL")[0].id == "sql"
    assert tiny.search_skills("") == []


def test_the_shipped_taxonomy_loads_with_esco_and_onet() -> None:
    tx = Taxonomy.load()
    assert Taxonomy.load() is tx
    assert len([s for s in tx.skills.values() if s.kind != "tool"]) > 13_000
    assert len(tx.occupations) > 3_000
    python = tx.search_skills("python", k=3)
    assert any(s.label == "Python (computer programming)" for s in python)
    excel = tx.skill("onet:microsoft-excel")
    assert excel.kind == "tool"
    assert any("spreadsheet" in tx.skill(b).label for b in excel.broader)
    analyst = next(o for o in tx.occupations.values() if o.label == "data analyst")
    essential, optional = tx.occupation_skills(analyst.id)
    assert essential and optional
    for sid in essential:
        assert tx.skill(sid).kind in {"skill", "knowledge"}
    for parent in tx.skill(essential[0]).broader:
        tx.skill(parent)  # parents resolve, groups included
