"""Vacancy-title noise, to make ESCO labels read like real job ads (issue 12).

Real vacancy titles wrap the name of a job in words that say how, where and for
whom it is done: seniority ("Senior", "Jr."), training status ("Trainee", "Intern"),
gender markers ("(m/f/d)"), places ("- London", "(Remote)"), departments and
contract terms ("| Finance", "- Full Time"), shouting (ALL CAPS), abbreviations
("Asst Mgr") and typos. ``noisy_title`` applies some of these to a clean label,
each with a fixed probability and a seeded generator. The forms were written from
general knowledge of job ads, not read off any evaluation file; they are what
``scripts/choose_title_fusion.py`` uses to choose title normalisation's query
cleaning and fusion weights on held-out ESCO labels.
"""

from __future__ import annotations

import random

SENIORITY = [
    "Senior", "Junior", "Sr.", "Jr.", "Snr", "Lead", "Principal", "Graduate",
    "Entry Level", "Experienced", "Trainee", "Assistant to the",
]  # fmt: skip
TRAINING_SUFFIX = ["Intern", "Trainee", "Apprentice", "Internship", "Working Student"]
GENDER = [
    "(m/f/d)", "(m/w/d)", "(f/m/x)", "m/f", "(h/f)", "(all genders)", "(M/F)", "(w/m/d)",
    "(f/m/d)", "(d/f/m)", "(gn)", "m/w/d",
]  # fmt: skip
PLACES = [
    "London", "Berlin", "Amsterdam", "Dublin", "Manchester", "Paris", "Madrid", "Munich",
    "Brussels", "Vienna", "Leeds", "Glasgow", "Rotterdam", "Zurich", "Lisbon", "Warsaw",
    "Milan", "Bristol", "Birmingham", "Cork", "Remote", "Home Based", "Hybrid",
]  # fmt: skip
PLACE_FORMS = ["{t} - {p}", "{t}, {p}", "{t} ({p})", "{t} in {p}", "{t} – {p}", "{t} | {p}"]
DEPARTMENTS = [
    "Finance", "Operations", "Sales", "IT", "Marketing", "HR", "Customer Service",
    "Night Shift", "Full Time", "Part-time", "Immediate Start", "12 month contract",
    "Permanent", "Maternity Cover", "Temp to Perm", "Retail", "Logistics", "Head Office",
    "£25,000", "Days", "Weekends", "Contract", "Healthcare",
]  # fmt: skip
DEPARTMENT_FORMS = ["{t} - {d}", "{t} | {d}", "{t}, {d}", "{t} ({d})", "{t} / {d}"]
# full word → forms ads use for it
ABBREVIATIONS = {
    "manager": ["Mgr", "Mngr"],
    "assistant": ["Asst", "Assist."],
    "senior": ["Sr", "Snr"],
    "engineer": ["Eng", "Engr"],
    "developer": ["Dev"],
    "administrator": ["Admin"],
    "administrative": ["Admin"],
    "representative": ["Rep"],
    "technician": ["Tech"],
    "coordinator": ["Coord"],
    "executive": ["Exec"],
    "specialist": ["Spec"],
    "supervisor": ["Supv"],
    "department": ["Dept"],
    "operations": ["Ops"],
    "operative": ["Op"],
    "director": ["Dir"],
    "accountant": ["Acct"],
    "information technology": ["IT"],
    "human resources": ["HR"],
    "customer service": ["CS"],
    "general": ["Gen"],
    "maintenance": ["Maint"],
    "consultant": ["Cons"],
}
LEVELS = ["II", "III", "2", "Level 3", "Grade 5", "Band 6"]
# how ads call for people, around the job's name
CALLS = [
    "{t} Needed", "{t}s Wanted", "{t} Position", "Hiring {t}", "Now Hiring: {t}",
    "***{t}***", "{t} - $500 Sign On Bonus", "{t} Needed Immediately", "Part-Time {t}",
    "Seasonal {t}", "{t} (Nights)", "On Call {t}",
]  # fmt: skip
# a team or specialty put before the job's name ("Retail - Store Clerk")
PREFIX_FORMS = ["{d} - {t}", "{d}: {t}", "{d} | {t}"]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    how = rng.randrange(3)
    if how == 0:  # two letters swapped
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if how == 1:  # a letter dropped
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # a letter doubled


def noisy_title(label: str, rng: random.Random) -> str:
    """``label`` dressed as a vacancy title; may come back unchanged (~15% of calls)."""
    title = label
    words = title.split()
    if rng.random() < 0.15:  # abbreviations
        lowered = title.lower()
        for full, short in ABBREVIATIONS.items():
            if full in lowered.split() or (" " in full and full in lowered):
                start = lowered.index(full)
                title = title[:start] + rng.choice(short) + title[start + len(full) :]
                lowered = title.lower()
        words = title.split()
    if rng.random() < 0.1:  # one typo in a long word
        long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if long:
            i = rng.choice(long)
            words[i] = _typo(words[i], rng)
            title = " ".join(words)
    if rng.random() < 0.08:  # ads ask for several people
        title = title + ("es" if title.endswith(("s", "sh", "ch", "x")) else "s")
    if rng.random() < 0.7:  # ads capitalise every word
        title = " ".join(w[:1].upper() + w[1:] for w in title.split())
    if rng.random() < 0.3:
        title = f"{rng.choice(SENIORITY)} {title}"
    if rng.random() < 0.1:
        title = f"{title} {rng.choice(LEVELS)}"
    if rng.random() < 0.12:
        title = f"{title} {rng.choice(TRAINING_SUFFIX)}"
    if rng.random() < 0.2:
        title = f"{title} {rng.choice(GENDER)}"
    if rng.random() < 0.12:
        title = rng.choice(CALLS).format(t=title)
    if rng.random() < 0.08:
        title = rng.choice(PREFIX_FORMS).format(t=title, d=rng.choice(DEPARTMENTS))
    elif rng.random() < 0.2:
        title = rng.choice(DEPARTMENT_FORMS).format(t=title, d=rng.choice(DEPARTMENTS))
    if rng.random() < 0.25:
        title = rng.choice(PLACE_FORMS).format(t=title, p=rng.choice(PLACES))
    if rng.random() < 0.08:
        title = title.upper()
    return title
