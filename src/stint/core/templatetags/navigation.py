"""`{% nav_link %}`: a main-navigation link that says aria-current="page" on the page it
leads to, or below it (so /engagements/7/ marks "Engagements")."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_link(context: dict[str, Any], name: str, text: str, *, unless: str = "") -> str:
    """`unless` names a route below this one that has its own link (Messages lives
    under /applications/), so only that link is marked there."""
    href = reverse(name)
    request = context.get("request")
    path = request.path if request is not None else ""
    current = path == href or (href != "/" and path.startswith(href))
    if unless and path.startswith(reverse(unless)):
        current = False
    if current:
        return format_html('<a href="{}" aria-current="page">{}</a>', href, text)
    return format_html('<a href="{}">{}</a>', href, text)
