"""Pure rules about candidate profiles, tested without a database."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

SKILL_LEVELS = {1: "Basic", 2: "Intermediate", 3: "Advanced", 4: "Expert"}
MAX_LINKS = 5
MAX_TAGS = 10  # interests, industries
MAX_TAG_LENGTH = 40
MAX_GOALS = 5
MAX_EDUCATION = 10
MAX_WINDOWS = 10
MIN_HOURS, MAX_HOURS = 1, 60
FIRST_GRADUATION_YEAR = 1950
RESUME_KINDS = {".pdf": "pdf", ".docx": "docx", ".txt": "txt"}

# ISO 3166-1 alpha-2 codes (from the tz database's iso3166.tab).
_COUNTRY_CODES = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRIES = frozenset(_COUNTRY_CODES.split())

_URL = URLValidator(schemes=["http", "https"])


# --- Single values --------------------------------------------------------------------


def normalise_country(raw: str) -> str | None:
    """An upper-case ISO 3166 alpha-2 code, "" for none, or None when it is not one."""
    code = raw.strip().upper()
    if not code:
        return ""
    return code if code in COUNTRIES else None


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone_names() -> list[str]:
    return sorted(_zones())


def is_time_zone(name: str) -> bool:
    """An IANA time zone name the server knows, e.g. Europe/London."""
    return name in _zones()


def is_skill_level(level: int) -> bool:
    return level in SKILL_LEVELS


def graduation_year_ok(year: int | None, today: date) -> bool:
    return year is None or FIRST_GRADUATION_YEAR <= year <= today.year + 10


def normalise_link(raw: str) -> str | None:
    """An http(s) URL (scheme added when missing), or None when it is not one."""
    url = raw.strip()
    if not url:
        return None
    if "://" not in url:
        url = "https://" + url
    try:
        _URL(url)
    except ValidationError:
        return None
    return url if urlsplit(url).hostname else None


def normalise_tags(raw: list[str]) -> list[str]:
    """Interests and industries: trimmed, blank ones dropped, duplicates (any case) dropped."""
    seen: set[str] = set()
    tags = []
    for item in raw:
        tag = " ".join(item.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
    return tags


def split_tags(text: str) -> list[str]:
    """Words typed as "climate, health; education" into a list."""
    return normalise_tags(text.replace(";", ",").split(","))


# --- Availability ----------------------------------------------------------------------


def window_problem(
    start: date, end: date, others: list[tuple[date, date]], today: date
) -> tuple[str, str] | None:
    """Why a date window cannot be added, as (field, message); None when it can."""
    if end < start:
        return "end", "The end date must be on or after the start date."
    if end < today:
        return "end", "This window is already over; choose dates from today on."
    for other_start, other_end in others:
        if start <= other_end and other_start <= end:
            return (
                "start",
                f"This overlaps your window {other_start:%d %b %Y}–{other_end:%d %b %Y}.",
            )
    return None


# --- Resume files ----------------------------------------------------------------------


def resume_kind(filename: str, data: bytes) -> str | None:
    """ "pdf", "docx" or "txt" when the file's extension AND its content agree, else None."""
    kind = RESUME_KINDS.get(PurePath(filename).suffix.lower())
    if kind == "pdf":
        return kind if data.startswith(b"%PDF-") else None
    if kind == "docx":
        if not data.startswith(b"PK\x03\x04"):
            return None
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return kind if "word/document.xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    if kind == "txt":
        head = data[:4096]
        if b"\x00" in head or head.startswith((b"%PDF", b"PK\x03\x04")):
            return None
        return kind
    return None


# --- Completeness ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileFacts:
    """What the completeness meter looks at, as plain numbers."""

    has_headline: bool = False
    has_bio: bool = False
    skills: int = 0
    goals: int = 0
    education: int = 0
    windows: int = 0
    has_location: bool = False
    has_resume: bool = False
    links: int = 0
    interests: int = 0  # interests and industries together


@dataclass(frozen=True)
class Completeness:
    percent: int
    next_step: str | None  # what to add next, in plain words; None when complete
    missing: tuple[str, ...]  # the keys of every step still to do, most useful first


MIN_SKILLS = 3

# (key, weight, done?, what to say) in the order a candidate should do them. Weights sum to 100.
_STEPS = (
    (
        "headline",
        15,
        lambda f: f.has_headline,
        lambda f: "Add a headline that says who you are, e.g. “Economics student who loves data”.",
    ),
    (
        "skills",
        20,
        lambda f: f.skills >= MIN_SKILLS,
        lambda f: (
            f"Add at least {MIN_SKILLS} skills with your level"
            + (f" (you have {f.skills})." if f.skills else ".")
        ),
    ),
    (
        "goals",
        15,
        lambda f: f.goals > 0,
        lambda f: "Choose a career goal: the kind of job you are working towards.",
    ),
    (
        "availability",
        10,
        lambda f: f.windows > 0,
        lambda f: "Tell employers when you are free by adding a date window.",
    ),
    ("education", 10, lambda f: f.education > 0, lambda f: "Add your education."),
    (
        "location",
        10,
        lambda f: f.has_location,
        lambda f: "Add the country you live in so we can show work you can do from there.",
    ),
    (
        "bio",
        5,
        lambda f: f.has_bio,
        lambda f: "Write a short bio: what you study, what you like to work on.",
    ),
    (
        "resume",
        5,
        lambda f: f.has_resume,
        lambda f: "Upload your resume; we will suggest skills for you to confirm.",
    ),
    (
        "links",
        5,
        lambda f: f.links > 0,
        lambda f: "Add a link to your work, such as a portfolio or GitHub.",
    ),
    (
        "interests",
        5,
        lambda f: f.interests > 0,
        lambda f: "Add a few interests or industries you care about.",
    ),
)


def completeness(facts: ProfileFacts) -> Completeness:
    """How complete a profile is (0-100) and the most useful thing to add next."""
    percent = 0
    missing: list[str] = []
    next_step = None
    for key, weight, done, say in _STEPS:
        if done(facts):
            percent += weight
        else:
            missing.append(key)
            if next_step is None:
                next_step = say(facts)
    return Completeness(percent=percent, next_step=next_step, missing=tuple(missing))


# --- Who may do what ------------------------------------------------------------------------


def may_view_profile(*, is_owner: bool, is_admin: bool, via_application: bool = False) -> bool:
    """Owners and platform admins; employers later through an application to them."""
    return is_owner or is_admin or via_application


def may_change_skill_level(source: str) -> bool:
    """A level an employer verified stays as they confirmed it."""
    return source != "verified"
