"""Build the engine's committed taxonomy artefact from ESCO v1.1.1 and O*NET.

Reads ``../shared/data/esco_v1.1.1`` and ``../shared/data/onet`` (or
``$STINT_SHARED_DIR/data``) and writes ``src/stint_engine/data/taxonomy.json.gz``:
ESCO skills/knowledge (labels, alt labels, descriptions, broader links), ESCO
skill groups, occupations, essential/optional occupation-skill links, ESCO
skill-skill relations, and O*NET Technology Skills tools as their own
``"tool"`` entries, each pointing at the ESCO skill(s) it matches by label.

Reproducible: the same inputs give byte-identical output (sorted keys, fixed
gzip mtime). Progress goes to stderr.

    .venv/bin/python scripts/build_taxonomy.py
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from sklearn.feature_extraction.text import TfidfVectorizer
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from stint_engine_eval.shared_data import shared_data  # noqa: E402

OUT = REPO / "src" / "stint_engine" / "data" / "taxonomy.json.gz"
FORMAT_VERSION = 1
COMMODITY_MIN_SIM = 0.6
console = Console(stderr=True)
csv.field_size_limit(10_000_000)


def read_csv(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter=delimiter)


def uri_id(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def lines(value: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in value.splitlines():
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def norm(text: str) -> str:
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9+#.]+", " ", text)
    return " ".join(t.strip(".") for t in text.split() if t.strip("."))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def strip_paren(label: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*", " ", label).strip()


VENDORS = frozenset(
    [
        "microsoft",
        "oracle",
        "ibm",
        "autodesk",
        "adobe",
        "sap",
        "apache",
        "apple",
        "google",
        "amazon",
        "atlassian",
        "salesforce",
        "intuit",
        "cisco",
        "siemens",
        "esri",
    ]
)


def tool_surfaces(name: str) -> list[str]:
    """Names a tool goes by: as written, without its vendor, its acronym, its bracket."""
    out = [name, strip_paren(name)]
    out += re.findall(r"\(([^)]+)\)", name)
    words = strip_paren(name).split()
    if len(words) > 1 and words[0].lower() in VENDORS:
        out.append(" ".join(words[1:]))
    if len(words) > 2 and re.fullmatch(r"[A-Z][A-Z0-9+#]{1,6}", words[-1]):
        out.append(words[-1])
    return list(dict.fromkeys(o.strip() for o in out if o.strip()))


def build(esco: Path, onet: Path) -> dict[str, object]:
    kinds = {"skill/competence": "skill", "knowledge": "knowledge"}
    skills: dict[str, dict[str, object]] = {}
    for row in tqdm(read_csv(esco / "skills_en.csv.gz"), desc="ESCO skills", file=sys.stderr):
        sid = uri_id(row["conceptUri"])
        label = row["preferredLabel"].strip()
        skills[sid] = {
            "uri": row["conceptUri"],
            "label": label,
            "alt": [a for a in lines(row["altLabels"]) if a != label],
            # six concepts have no type; they read as competences
            "kind": kinds.get(row["skillType"], "skill"),
            "reuse": row["reuseLevel"],
            "desc": " ".join(row["description"].split()),
            "broader": [],
        }

    groups: dict[str, dict[str, object]] = {}
    for row in tqdm(read_csv(esco / "skillGroups_en.csv.gz"), desc="skill groups", file=sys.stderr):
        gid = uri_id(row["conceptUri"])
        groups[gid] = {
            "uri": row["conceptUri"],
            "label": row["preferredLabel"].strip(),
            "broader": [],
        }

    for row in tqdm(
        read_csv(esco / "broaderRelationsSkillPillar.csv.gz"), desc="hierarchy", file=sys.stderr
    ):
        child, parent = uri_id(row["conceptUri"]), uri_id(row["broaderUri"])
        target = skills.get(child) or groups.get(child)
        if target is not None and (parent in skills or parent in groups):
            broader = target["broader"]
            assert isinstance(broader, list)
            if parent not in broader:
                broader.append(parent)

    relations: list[tuple[str, str, str]] = []
    for row in read_csv(esco / "skillSkillRelations.csv.gz"):
        a, b = uri_id(row["originalSkillUri"]), uri_id(row["relatedSkillUri"])
        if a in skills and b in skills:
            relations.append((a, b, row["relationType"]))

    occupations: dict[str, dict[str, object]] = {}
    for row in tqdm(
        read_csv(esco / "occupations_en.csv.gz"), desc="ESCO occupations", file=sys.stderr
    ):
        oid = uri_id(row["conceptUri"])
        label = row["preferredLabel"].strip()
        occupations[oid] = {
            "uri": row["conceptUri"],
            "label": label,
            "alt": [a for a in lines(row["altLabels"]) if a != label],
            "isco": row["iscoGroup"],
            "desc": " ".join(row["description"].split()),
            "essential": [],
            "optional": [],
        }
    for row in tqdm(
        read_csv(esco / "occupationSkillRelations.csv.gz"),
        desc="occupation-skill links",
        file=sys.stderr,
    ):
        oid, sid = uri_id(row["occupationUri"]), uri_id(row["skillUri"])
        occ = occupations.get(oid)
        if occ is None or sid not in skills:
            continue
        bucket = occ["essential" if row["relationType"] == "essential" else "optional"]
        assert isinstance(bucket, list)
        bucket.append(sid)

    tools = build_tools(onet, esco / "digitalSkillsCollection_en.csv.gz", skills)

    # links are stored as indexes into the sorted skill id list: uuids do not compress
    index = {sid: i for i, sid in enumerate(sorted(skills))}
    for occ in occupations.values():
        for key in ("essential", "optional"):
            bucket = occ[key]
            assert isinstance(bucket, list)
            occ[key] = sorted(index[s] for s in bucket)
    return {
        "format": FORMAT_VERSION,
        "source": "ESCO v1.1.1 (en) + O*NET 28.x Technology Skills",
        "skills": skills,
        "groups": groups,
        "occupations": occupations,
        "relations": sorted((index[a], index[b], int(t == "essential")) for a, b, t in relations),
        "tools": tools,
    }


def build_tools(
    onet: Path, digital_path: Path, skills: dict[str, dict[str, object]]
) -> dict[str, dict[str, object]]:
    """O*NET tools as entries that point at the ESCO skills they name or belong to."""
    by_surface: dict[str, set[str]] = defaultdict(set)
    for sid, s in skills.items():
        label = str(s["label"])
        alts = s["alt"]
        assert isinstance(alts, list)
        for surface in (label, strip_paren(label), *alts):
            key = norm(surface)
            if key:
                by_surface[key].add(sid)

    agg: dict[str, dict[str, object]] = {}
    rows = list(read_csv(onet / "Technology Skills.txt.gz", delimiter="\t"))
    for row in tqdm(rows, desc="O*NET tools", file=sys.stderr):
        name = row["Example"].strip()
        tid = "onet:" + slug(name)
        entry = agg.setdefault(
            tid,
            {"label": name, "commodities": set(), "occ": set(), "hot": False, "demand": False},
        )
        commodities, occs = entry["commodities"], entry["occ"]
        assert isinstance(commodities, set) and isinstance(occs, set)
        commodities.add(row["Commodity Title"].strip())
        occs.add(row["O*NET-SOC Code"])
        entry["hot"] = bool(entry["hot"]) or row["Hot Technology"] == "Y"
        entry["demand"] = bool(entry["demand"]) or row["In Demand"] == "Y"

    # commodity titles ("Object or component oriented development software") are
    # matched by character n-gram TF-IDF cosine against the labels and alt labels of
    # ESCO's digital skills collection only (software categories name digital skills;
    # matching against all of ESCO pairs "Network monitoring" with tram networks)
    digital = sorted(
        uri_id(r["conceptUri"]) for r in read_csv(digital_path) if uri_id(r["conceptUri"]) in skills
    )
    texts: list[str] = []
    owners: list[str] = []
    for sid in digital:
        alts = skills[sid]["alt"]
        assert isinstance(alts, list)
        for surface in (str(skills[sid]["label"]), *alts):
            texts.append(norm(strip_paren(surface)))
            owners.append(sid)
    commodity_titles = sorted(
        {c for e in agg.values() for c in e["commodities"]}  # type: ignore[attr-defined]
    )
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)
    mat = vec.fit_transform(texts)
    cmat = vec.transform([norm(re.sub(r"\bsoftware\b", "", c)) for c in commodity_titles])
    sims = (cmat @ mat.T).toarray()
    commodity_links: dict[str, list[str]] = {}
    for i, title in enumerate(commodity_titles):
        best: dict[str, float] = {}
        for j in sims[i].argsort()[::-1][:20]:
            best.setdefault(owners[j], float(sims[i][j]))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        top = ranked[0][1]
        commodity_links[title] = [
            sid for sid, sim in ranked[:2] if sim >= COMMODITY_MIN_SIM and sim >= top - 0.05
        ]

    tools: dict[str, dict[str, object]] = {}
    for tid, e in sorted(agg.items()):
        name = str(e["label"])
        surfaces = tool_surfaces(name)
        exact = sorted({s for surface in surfaces for s in by_surface.get(norm(surface), set())})
        commodities = sorted(e["commodities"])  # type: ignore[call-overload]
        links = list(exact)
        for c in commodities:
            links.extend(s for s in commodity_links[c] if s not in links)
        tools[tid] = {
            "label": name,
            "alt": [a for a in surfaces[1:] if a != name],
            "commodities": commodities,
            "links": links,
            "exact": len(exact),
            "n_occ": len(e["occ"]),  # type: ignore[arg-type]
            "hot": e["hot"],
            "demand": e["demand"],
        }
    return tools


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--esco", type=Path, default=shared_data("esco_v1.1.1"))
    parser.add_argument("--onet", type=Path, default=shared_data("onet"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build(args.esco, args.onet)
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw.encode("utf-8"))
    console.print(
        f"[green]wrote[/] {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}"
        f" ({args.out.stat().st_size / 1e6:.2f} MB): {len(data['skills'])} skills, "  # type: ignore[arg-type]
        f"{len(data['groups'])} groups, {len(data['occupations'])} occupations, "  # type: ignore[arg-type]
        f"{len(data['tools'])} tools"  # type: ignore[arg-type]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
