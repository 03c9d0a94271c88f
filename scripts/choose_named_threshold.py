"""Dev-half figures of the named-skill finder for several list-item link thresholds,
then of the web suggestions (finder + span tagger) for several tagger confidences.

    .venv/bin/python scripts/choose_named_threshold.py

Reads only the development half of bench/data/named_skills/set.json (texts from ../shared).
"""

from stint_engine.taxonomy import Taxonomy
from stint_engine.text import named as nm
from stint_engine_eval import named as ev

nm.LINK_THRESHOLD = 0.0
tx = Taxonomy.load()
items = [it for it in ev.load_set(ev.DEFAULT_SET) if it["split"] == "dev"]
texts = ev.read_texts(items)
found = {k: nm.find_named_skills(t, tx) for k, t in texts.items()}
for t in [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 1.01]:
    preds = {
        k: {m.skill_id for m in ms if m.how != "linked" or m.confidence >= t}
        for k, ms in found.items()
    }
    row = []
    for source in ("resumes", "job_skills_2024"):
        part = [it for it in items if it["source"] == source]
        s = ev.score(part, preds)
        row.append(f"{source[:7]} R {s['recall']:.3f} P {s['precision']:.3f} F {s['f1']:.3f}")
    print(t, " | ".join(row), flush=True)

# The span tagger's minimum confidence for skills only it reads (suggest_from_text),
# on the same development half; the finder's threshold stays as shipped.
nm.LINK_THRESHOLD = 0.8
for t in [0.5, 0.6, 0.7, 0.8, 0.9, 1.01]:
    preds = {
        k: {m.skill_id for m in nm.suggest_from_text(s, tx, tagger_min=t)} for k, s in texts.items()
    }
    row = []
    for source in ("resumes", "job_skills_2024"):
        part = [it for it in items if it["source"] == source]
        s = ev.score(part, preds)
        row.append(f"{source[:7]} R {s['recall']:.3f} P {s['precision']:.3f} F {s['f1']:.3f}")
    print("tagger_min", t, " | ".join(row), flush=True)
