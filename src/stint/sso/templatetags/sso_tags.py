from __future__ import annotations

from django import template

from stint.sso.models import InstitutionSignOn
from stint.sso.selectors import sign_ons_for_login

register = template.Library()


@register.simple_tag
def sign_on_choices() -> list[InstitutionSignOn]:
    return list(sign_ons_for_login())
