from __future__ import annotations

from typing import Any

from django import template

from stint.core.money import Money
from stint.opportunities import rules

register = template.Library()


@register.simple_tag
def money(minor: int, currency: str) -> str:
    return Money(int(minor), currency).format()


@register.simple_tag
def hourly(opportunity: Any) -> str:
    rate = rules.hourly_rate_minor(opportunity.fee_minor, opportunity.estimated_hours)
    return Money(rate, opportunity.currency).format()
