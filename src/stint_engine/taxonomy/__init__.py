"""ESCO skills and occupations plus O*NET tools, loaded from a committed artefact.

The implementation is in ``model.py`` (the taxonomy and its label search) and
``names.py`` (plain names for people); this module only names the public API.
"""

from stint_engine.taxonomy.model import DEFAULT_PATH, Occupation, Skill, Taxonomy, normalise

__all__ = ["DEFAULT_PATH", "Occupation", "Skill", "Taxonomy", "normalise"]
