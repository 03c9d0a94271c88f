from __future__ import annotations

import json
from pathlib import Path

import pytest

from stint_engine.cli import main

pytestmark = pytest.mark.shared


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_eval_extraction_runs_on_skillspan(
    shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conll = shared / "skillspan" / "skillspan_tech_dev.conll"
    out = _run(capsys, "eval", "extraction", "--conll", str(conll), "--limit", "200")
    assert out["n"] == 200
    for layer in ("overall", "skill", "knowledge"):
        figures = out[layer]
        assert isinstance(figures, dict)
        assert 0 <= figures["f1"] <= 1
    overall = out["overall"]
    assert isinstance(overall, dict) and overall["gold"] > 0 and overall["f1"] > 0.1
    assert "published" in out


def test_eval_linking_runs(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = shared / "skill_linking"
    out = _run(
        capsys,
        "eval",
        "linking",
        "--annotations",
        str(folder / "tech_validation_annotations.csv"),
        "--labels",
        str(folder / "skills_en_label_esco_v1.1.0.txt"),
        "--limit",
        "30",
    )
    assert out["n"] == 30
    assert 0 < out["mrr"] <= 1  # type: ignore[operator]
    assert 0 < out["r_precision_at_5"] <= 1  # type: ignore[operator]


def test_eval_titles_runs(shared: Path, capsys: pytest.CaptureFixture[str]) -> None:
    titles = shared / "job_titles" / "titles.val.csv.gz"
    out = _run(capsys, "eval", "titles", "--titles", str(titles), "--limit", "300")
    assert out["n"] == 300
    assert 0 <= out["accuracy_at_1"] <= out["accuracy_at_5"] <= 1  # type: ignore[operator]
    assert out["mrr"] > 0  # type: ignore[operator]
