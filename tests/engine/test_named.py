"""The named-skill finder: resumes and postings yield the skills written in them."""

from __future__ import annotations

from pathlib import Path

import pytest

from stint_engine.taxonomy import Taxonomy
from stint_engine.text.named import find_named_skills, suggest_from_text
from stint_engine_eval.named import DEFAULT_SET, load_set, read_texts, score

PYTHON = "ccd0a1d9-afda-43d9-b901-96344886e14d"
SQL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
EXCEL = "onet:microsoft-excel"
TABLEAU = "onet:tableau"
POWER_BI = "onet:microsoft-power-bi"
STATISTICS = "7ee4c2ea-b349-4bd2-81a3-ec31475d4833"
PROJECT_MANAGEMENT = "7111b95d-0ce3-441a-9d92-4c75d05c4388"
FIGMA = "onet:figma"
ACCOUNTING = "ecc18804-a466-40d9-98b4-fba5cd67dd4b"
FRENCH = "e747e77e-0ea1-4001-8b07-1d11946b5f1b"


@pytest.fixture(scope="module")
def tx() -> Taxonomy:
    return Taxonomy.load()


def labels_found(text: str, tx: Taxonomy) -> dict[str, str]:
    """skill id → the words of the text it was found in."""
    return {m.skill_id: text[m.start : m.end] for m in find_named_skills(text, tx)}


def by_label(tx: Taxonomy, label: str) -> str:
    return next(s.id for s in tx.skills.values() if s.label == label and s.kind != "tool")


def test_a_data_resume_yields_all_ten_listed_skills(tx: Taxonomy) -> None:
    text = (
        "Maya Okafor, junior data analyst\n"
        "Skills: Python, SQL, Excel, Tableau, Power BI, data cleaning, statistics, "
        "stakeholder communication, copywriting, project management\n"
        "Experience: built weekly sales reports for a bakery chain.\n"
    )
    found = labels_found(text, tx)
    expected = {
        PYTHON: "Python",
        SQL: "SQL",
        EXCEL: "Excel",
        TABLEAU: "Tableau",
        POWER_BI: "Power BI",
        by_label(tx, "perform data cleansing"): "data cleaning",
        STATISTICS: "statistics",
        by_label(tx, "communicate with stakeholders"): "stakeholder communication",
        by_label(tx, "perform copywriting"): "copywriting",
        PROJECT_MANAGEMENT: "project management",
    }
    assert {sid: found.get(sid) for sid in expected} == expected


def test_a_design_and_finance_resume_yields_the_skills_once_missed(tx: Taxonomy) -> None:
    text = (
        "EXPERIENCE\n"
        "• Designed onboarding screens in Figma and ran user research sessions\n"
        "• Built monthly dashboards in Tableau and Power BI\n"
        "• Accounting and bookkeeping for a community choir\n"
        "Languages: French (fluent), English\n"
        "Also: social media marketing, public speaking\n"
    )
    found = labels_found(text, tx)
    ids = set(found)
    assert {FIGMA, TABLEAU, POWER_BI, ACCOUNTING, FRENCH} <= ids
    assert by_label(tx, "execute ICT user research activities") in ids
    assert found[ACCOUNTING] in ("Accounting", "bookkeeping")
    social = {by_label(tx, "apply social media marketing")}
    social.add(by_label(tx, "social media marketing techniques"))
    assert social & ids
    assert found[by_label(tx, "address an audience")] == "public speaking"


@pytest.mark.parametrize(
    "text",
    [
        "Quarterly financial summary for our board.",
        "Write a plain-language guide for new volunteers.",
        "You will excel at turning numbers into stories.",
        "Go to the weekly meeting and take notes.",
        "Passed the exam with Grade C.",
        "Less than 1 year of experience; the project team will support you.",
    ],
)
def test_everyday_words_are_not_skills(text: str, tx: Taxonomy) -> None:
    assert find_named_skills(text, tx) == []


def test_tool_names_count_as_written_and_in_lists(tx: Taxonomy) -> None:
    assert EXCEL in labels_found("Reports built in Excel every week.", tx)
    assert EXCEL in labels_found("Tools: word, excel, outlook", tx)
    r_language = by_label(tx, "R")
    assert r_language in labels_found("Languages: Python, R, SQL", tx)
    assert r_language not in labels_found("R and D budget", tx)


def test_a_posting_about_dashboards_gets_its_tools_not_junk(tx: Taxonomy) -> None:
    text = (
        "We need someone comfortable with Excel, Power BI and Tableau to run a survey "
        "of our members and build a dashboard for the board."
    )
    labels = {m.label for m in suggest_from_text(text, tx)}
    assert {"Microsoft Excel", "Microsoft Power BI", "Tableau"} <= labels
    assert "Python (computer programming)" not in labels
    assert "assemble machines" not in labels
    assert "surveying" not in labels


def test_suggestions_put_named_skills_first_and_once(tx: Taxonomy) -> None:
    text = "Skills: SQL, SQL Server, statistics\nI analysed sales data with SQL daily."
    found = suggest_from_text(text, tx)
    ids = [m.skill_id for m in found]
    assert len(ids) == len(set(ids))
    assert ids[0] in (SQL, STATISTICS) or found[0].how != "tagged"
    assert all(m.how != "tagged" for m in found[: ids.index(SQL) + 1])


def test_score_counts_recall_precision_and_unmappable() -> None:
    items = [
        {
            "source": "resumes",
            "row": 1,
            "skills": [
                {"evidence": "Python", "ids": ["a", "a2"]},
                {"evidence": "SQL", "ids": ["b"]},
                {"evidence": "Xampp", "ids": []},
            ],
        }
    ]
    out = score(items, {("resumes", 1): {"a2", "z"}})
    assert (out["recall"], out["precision"], out["unmappable_named"]) == (0.5, 0.5, 1)
    assert out["gold"] == 2 and out["suggested"] == 2


def test_the_committed_set_has_enough_documents_and_two_halves() -> None:
    items = load_set(DEFAULT_SET)
    resumes = [it for it in items if it["source"] == "resumes"]
    postings = [it for it in items if it["source"] == "job_skills_2024"]
    assert len(resumes) >= 40 and len(postings) >= 20
    assert len({(it["source"], it["row"]) for it in items}) == len(items)
    assert {it["split"] for it in items} == {"dev", "test"}
    assert len({it["category"] for it in resumes}) >= 20  # picked across categories
    assert all("text" not in it for it in items)  # EVAL-ONLY texts are not committed


@pytest.mark.shared
def test_the_annotated_rows_are_still_the_shared_texts(shared: Path) -> None:
    items = load_set(DEFAULT_SET)
    texts = read_texts(items)
    assert len(texts) == len(items)
    for it in items[:10]:
        text = texts[(it["source"], it["row"])].lower()
        mappable = [s["evidence"] for s in it["skills"] if s["ids"]]
        assert all(ev.lower()[:4] in text for ev in mappable)


def test_a_skill_in_a_duty_sentence_is_not_a_skill_named(tx: Taxonomy) -> None:
    # the same words: a list names the skill, a duty sentence describes work done
    policies = by_label(tx, "company policies")
    listed = "Skills: company policies, SQL"
    assert policies in labels_found(listed, tx)
    duty = "• Followed the company policies on safety at every site visit."
    assert policies not in labels_found(duty, tx)
    # a tool is a name anywhere, and so is a phrase written with capitals
    assert TABLEAU in labels_found("Built monthly dashboards for the board in Tableau", tx)


def test_a_degree_subject_and_a_school_name_are_not_skills(tx: Taxonomy) -> None:
    science = by_label(tx, "computer science")
    assert science in labels_found("Interests: computer science, chess", tx)
    assert science not in labels_found("2013 to 2017 B.E Computer Science, Pune University", tx)
    english = by_label(tx, "English")
    assert english not in labels_found("Martin's English School, Sangli", tx)
    assert english in labels_found("Languages: English, French", tx)


def test_names_written_apart_abbreviated_or_without_their_vendor(tx: Taxonomy) -> None:
    found = labels_found(
        "Tools: My SQL, Service Now, Bit Bucket, VPN, Tivoli, Microsoft azure\n", tx
    )
    assert found.get("onet:mysql") == "My SQL" or found.get(by_label(tx, "MySQL")) == "My SQL"
    assert found.get("onet:servicenow") == "Service Now"
    assert found.get("onet:atlassian-bitbucket") == "Bit Bucket"
    assert found.get("onet:virtual-private-networking-vpn-software") == "VPN"
    assert found.get("onet:ibm-tivoli-software") == "Tivoli"
    assert found.get("onet:microsoft-azure-software") == "Microsoft azure"
    # an acronym spelled by a tool's initials counts only as a list item, as written
    assert "onet:virtual-private-networking-vpn-software" not in labels_found(
        "We vpn into the office", tx
    )


def test_list_numbers_and_glued_sentences_do_not_hide_names(tx: Taxonomy) -> None:
    found = labels_found("SKILLS • 4.word, excel • Databases: PostgreSQL.Education", tx)
    assert {EXCEL, by_label(tx, "use spreadsheets software")} & set(found)
    assert by_label(tx, "PostgreSQL") in found
