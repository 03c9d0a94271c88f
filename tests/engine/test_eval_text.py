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


def _labels_file(tmp_path: Path) -> Path:
    labels = tmp_path / "labels.txt"
    labels.write_text(
        "use spreadsheets software\nPython (computer programming)\nSQL\nbookkeeping\n"
    )
    return labels


@pytest.mark.parametrize(
    "header,rows",
    [
        (
            "sentence,span,sub_span,label",
            [
                "We need Excel wizards .,Excel wizards,,use spreadsheets software",
                "You write Python daily .,Python,,Python (computer programming)",
                "You write Python daily .,daily,,LABEL NOT PRESENT",
            ],
        ),
        (
            "sentence,label",
            [
                "Excel wizards,use spreadsheets software",
                "Python,Python (computer programming)",
                "daily,LABEL NOT PRESENT",
            ],
        ),
    ],
)
def test_eval_linking_reads_both_layouts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, rows: list[str]
) -> None:
    """The sealed third set has columns sentence,label (the sentence is the span)."""
    annotations = tmp_path / "annotations.csv"
    annotations.write_text("\n".join([header, *rows]) + "\n")
    out = _run(
        capsys,
        "eval",
        "linking",
        "--annotations",
        str(annotations),
        "--labels",
        str(_labels_file(tmp_path)),
    )
    assert out["n"] == 2  # the LABEL NOT PRESENT group is not evaluated
    assert out["mrr"] == 1.0  # both spans rank their label first among four
    assert {"lexical", "baseline_tfidf"} <= set(out)


def test_eval_linking_names_the_columns_it_needs(tmp_path: Path) -> None:
    from stint_engine_eval.linking import AnnotationFormatError, read_groups

    bad = tmp_path / "bad.csv"
    bad.write_text("text,skill\nPython,Python (computer programming)\n")
    with pytest.raises(AnnotationFormatError, match="sentence,label"):
        read_groups(str(bad))


def test_the_published_eval_command_reaches_the_tooling() -> None:
    """`python -m stint_engine eval …` is the documented command (and the one the
    sealed sets are checked with); the tooling lives in stint_engine_eval."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "stint_engine", "eval", "linking", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--annotations" in done.stdout and "--labels" in done.stdout
