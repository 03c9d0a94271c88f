"""CRF span tagger: token features and a python-crfsuite model wrapper.

The tagger is a linear-chain CRF (CRFsuite, L-BFGS with L1+L2) over a BIO
tag set with two span kinds, ``skill`` and ``knowledge`` (SkillSpan's two
layers; where both layers cover a token the skill layer wins). Features per
token, looked up once per distinct word and cached:

* the word lower-cased and lemmatised, its 3-character prefix and 3 and
  4-character suffixes, a word shape and a collapsed shape, case, digits,
  inner punctuation;
* a part-of-speech-like class from closed word lists (determiners,
  prepositions, pronouns, modals, conjunctions, frequent job-posting verbs);
* the lemma, collapsed shape and class of the neighbours (+-1), lemma and
  class at +-2, lemma bigrams with each direct neighbour;
* the taxonomy dictionary match (Aho-Corasick over ESCO and O*NET labels):
  whether the token is inside a match, its BIO position and the label kind
  (skill, knowledge, tool), and the match length, also for the +-2 neighbours.

Transitions are learnt by the CRF; decoding is Viterbi, so BIO order holds.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

__all__ = ["CRF_CTX_PATH", "CRF_PATH", "CRF_TAGS", "CrfTagger", "sentence_features"]

CRF_PATH = Path(__file__).resolve().parents[1] / "data" / "extract_crf.crfsuite"
# the same CRF with the encoder's contextual token classes (text.context)
CRF_CTX_PATH = Path(__file__).resolve().parents[1] / "data" / "extract_crf_ctx.crfsuite"
CRF_TAGS = ("O", "B-skill", "I-skill", "B-knowledge", "I-knowledge")

_CLOSED: dict[str, str] = {}
for _cls, _words in {
    "DET": "a an the this that these those each every any some no all both either neither "
    "our your their its his her my another such",
    "PREP": "of in on at by for with without within from to into onto about across after "
    "against along among around before behind below beneath beside between beyond during "
    "except inside near off over per since than through throughout toward towards under "
    "until upon via like including regarding across",
    "PRON": "i you he she it we they me him us them who whom whose which what whatever "
    "yourself ourselves themselves itself something anything everything someone anyone",
    "MODAL": "can could may might must shall should will would",
    "AUX": "be is are was were been being am have has had having do does did done",
    "CONJ": "and or but nor so yet as if while whereas because although though "
    "whether when where how why unless once",
    "ADV": "also very well highly strongly ideally preferably especially particularly "
    "really always often not just only more most less least too",
    "SKILLCUE": "experience experienced knowledge skill skills ability abilities "
    "proficiency proficient familiarity familiar understanding expertise background "
    "competence competent degree qualification qualifications certification "
    "capability competency competencies",
    "VERBCUE": "work working develop developing build building design designing manage "
    "managing ensure ensuring support supporting lead leading create creating drive "
    "driving maintain maintaining deliver delivering collaborate collaborating "
    "communicate communicating provide providing implement implementing "
    "analyse analyze analysing analyzing improve improving write writing use using "
    "apply applying solve solving help helping coordinate coordinating handle handling "
    "plan planning prepare preparing perform performing conduct conducting "
    "identify identifying take taking make making work operate operating",
    "ADJCUE": "strong good excellent solid proven great deep broad advanced basic "
    "fluent relevant hands-on practical professional technical working previous "
    "demonstrated extensive sound",
}.items():
    for _w in _words.split():
        _CLOSED.setdefault(_w, _cls)


def _shape(token: str) -> str:
    out = []
    for c in token[:12]:
        if c.isupper():
            out.append("X")
        elif c.islower():
            out.append("x")
        elif c.isdigit():
            out.append("d")
        else:
            out.append(c)
    return "".join(out)


def _short_shape(full: str) -> str:
    out: list[str] = []
    for c in full:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _lemma(token: str) -> str:
    t = token.lower()
    if len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is", "ics")):
        return t[:-1]
    return t


# offset -> the features of a word seen from that offset
_OFFSETS = (-2, -1, 0, 1, 2)
_cache: dict[str, tuple[tuple[str, ...], ...]] = {}


def _word_features(word: str) -> tuple[tuple[str, ...], ...]:
    found = _cache.get(word)
    if found is not None:
        return found
    low = word.lower()
    lem = _lemma(word)
    full = _shape(word)
    short = _short_shape(full)
    cls = _CLOSED.get(low, "")
    if not cls:
        if not word[0].isalnum():
            cls = "PUNCT"
        elif word.isdigit():
            cls = "NUM"
        elif low.endswith("ing"):
            cls = "ING"
        elif low.endswith(("ed", "en")):
            cls = "ED"
        elif low.endswith("ly"):
            cls = "LY"
        elif low.endswith(("tion", "ment", "ness", "ity", "ance", "ence", "ship")):
            cls = "NOUNSUF"
        elif low.endswith(("ive", "ble", "al", "ous", "ful", "ic")):
            cls = "ADJSUF"
        else:
            cls = "W"
    own = [
        "w=" + low,
        "l=" + lem,
        "p3=" + low[:3],
        "s3=" + low[-3:],
        "s4=" + low[-4:],
        "sh=" + full,
        "ss=" + short,
        "c=" + cls,
    ]
    if word[:1].isupper():
        own.append("title")
    if word.isupper() and len(word) > 1:
        own.append("upper")
    if any(c.isdigit() for c in word):
        own.append("hasdigit")
    if any(c in "-/.+#" for c in word[1:]):
        own.append("inner_punct")
    near = ["l=" + lem, "ss=" + short, "c=" + cls]
    far = ["l=" + lem, "c=" + cls]
    views: list[tuple[str, ...]] = []
    for o in _OFFSETS:
        if o == 0:
            views.append(tuple(own))
        else:
            base = near if abs(o) == 1 else far
            views.append(tuple(f"{o}:{f}" for f in base))
    result = tuple(views)
    if len(_cache) < 300_000:
        _cache[word] = result
    return result


def sentence_features(
    words: Sequence[str],
    dict_tags: Sequence[str],
    dict_lens: Sequence[int],
    classes: Sequence[tuple[int, ...]] | None = None,
) -> list[list[str]]:
    """Features of each token of one sentence.

    ``dict_tags`` holds the dictionary BIO tag of each token with its kind
    (``"B-tool"``, ``"I-skill"``, ``"O"``); ``dict_lens`` the token length of
    the match the token is in (0 outside any). ``classes`` (optional) are the
    token's contextual classes from ``text.context``, one id per codebook.
    """
    n = len(words)
    views = [_word_features(w) for w in words]
    lows = [v[2][1][2:] for v in views]  # "l=..." of the own view
    out: list[list[str]] = []
    for i in range(n):
        feats = ["bias", *views[i][2]]
        dt = dict_tags[i]
        if dt != "O":
            feats.append("d=" + dt)
            feats.append("dk=" + dt[2:])
            feats.append("dp=" + dt[0])
            feats.append("dlen=" + str(min(dict_lens[i], 5)))
        else:
            feats.append("d=O")
        if i == 0:
            feats.append("BOS")
        else:
            feats.extend(views[i - 1][1])
            feats.append("b-1=" + lows[i - 1] + "|" + lows[i])
            feats.append("-1:d=" + dict_tags[i - 1])
            if i > 1:
                feats.extend(views[i - 2][0])
                feats.append("-2:d=" + dict_tags[i - 2][:1])
        if i == n - 1:
            feats.append("EOS")
        else:
            feats.extend(views[i + 1][3])
            feats.append("b+1=" + lows[i] + "|" + lows[i + 1])
            feats.append("+1:d=" + dict_tags[i + 1])
            if i < n - 2:
                feats.extend(views[i + 2][4])
                feats.append("+2:d=" + dict_tags[i + 2][:1])
        if classes is not None:
            own = classes[i]
            feats.extend(f"k{j}={c}" for j, c in enumerate(own))
            if i > 0:
                feats.append(f"-1:k0={classes[i - 1][0]}")
                feats.append(f"k0b={classes[i - 1][0]}|{own[0]}")
            if i < n - 1:
                feats.append(f"+1:k0={classes[i + 1][0]}")
        out.append(feats)
    return out


class CrfTagger:
    """A trained CRFsuite model; ``tag`` gives tags and each token's marginal."""

    def __init__(self, path: Path = CRF_PATH) -> None:
        self.path = path
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._lock = threading.Lock()  # a CRFsuite tagger holds one sequence at a time

    def tag(self, feats: list[list[str]]) -> tuple[list[str], list[float]]:
        """Viterbi tags and the marginal probability of each chosen tag."""
        if not feats:
            return [], []
        with self._lock:
            t = self._tagger
            t.set(feats)
            tags: list[str] = t.tag()
            probs = [t.marginal(y, i) for i, y in enumerate(tags)]
        return tags, probs
