"""Skills as people name them: `{% load skill_names %}`.

- `{{ skill_id|skill_name:label }}`: the plain name ("spreadsheets" for ESCO's
  "use spreadsheets software"), `label` when the id is unknown;
- `{{ label|plain }}`: the same rule on a label alone (or a list of labels);
- `{% skill_chip skill_id label css="badge" %}`: the plain name in a span whose
  `title` (hover) holds the ESCO label;
- `{% match_badge fit %}`: a fit's band and percentage, with what the number means
  on hover.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from stint.matching import engine
from stint_engine.scoring import model as em
from stint_engine.taxonomy.names import plain_label

register = template.Library()


@register.filter
def skill_name(skill_id: str, label: str = "") -> str:
    return engine.skill_name(str(skill_id)) or label or str(skill_id)


@register.filter
def plain(label: str | list[str]) -> str | list[str]:
    """`plain_label` of an ESCO label (or of each label in a list), for places
    that only kept the label."""
    if isinstance(label, list | tuple):
        return [plain_label(str(x)) for x in label]
    return plain_label(str(label)) if label else ""


@register.filter
def level_word(level: int | None) -> str:
    """1 → "Basic" … 4 → "Expert"."""
    return em.level_word(int(level)).capitalize() if level else ""


@register.simple_tag
def skill_chip(skill_id: str, label: str = "", css: str = "") -> SafeString:
    name = skill_name(skill_id, label)
    esco = engine.skill_label(str(skill_id)) or label
    cls = format_html(' class="{}"', css) if css else ""
    if esco and esco != name:
        return format_html('<span{} title="ESCO: {}">{}</span>', cls, esco, name)
    return format_html("<span{}>{}</span>", cls, name)


@register.simple_tag
def match_badge(fit: Any) -> SafeString:
    """ "Strong match · 92%" with the meaning on hover; empty without a fit."""
    if not fit or not getattr(fit, "band_label", ""):
        return format_html("")
    if getattr(fit, "excluded_because", None):
        return format_html('<span class="badge match match-excluded">{}</span>', fit.band_label)
    return format_html(
        '<span class="badge match match-{}" title="{}">{} · {}%</span>',
        fit.band,
        fit.match_help,
        fit.band_label,
        fit.match_percent,
    )
