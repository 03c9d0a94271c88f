"""Stint's matching engine: plain data in, plain data out, no Django.

Subpackages:
    taxonomy    ESCO + O*NET skills and occupations, loaded from a committed artefact
    text        skill extraction, skill linking, title normalisation, resume parsing
    scoring     fit, explanation, worth-it, skill gaps
    retrieval   top-k indexes for opportunities and candidates
    allocation  stable student-project allocation (deferred acceptance)
    eval        offline evaluation on the shared data sets
"""

ENGINE_VERSION = "0.1.0"

__all__ = ["ENGINE_VERSION"]
