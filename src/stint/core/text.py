"""One validation path for people's text, shared by forms and API through the
services: single-line fields refuse control characters (a CR/LF in a name ends
up in an email header), and web addresses are http(s) only (a `javascript:`
href runs in the reader's browser)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from stint.core.errors import DomainError

CONTROL_MESSAGE = "Use one line of plain text: no line breaks, tabs or control characters."
URL_MESSAGE = "Enter a web address starting with http:// or https://."
_URL = URLValidator(schemes=["http", "https"])
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value)) or any(unicodedata.category(ch) == "Cc" for ch in value)


def single_line(value: str, field: str) -> str:
    """`value` stripped; DomainError naming `field` if it holds a control character."""
    value = value.strip()
    if has_control_characters(value):
        raise DomainError("control_characters", CONTROL_MESSAGE, field)
    return value


def web_url(value: str, field: str) -> str:
    """An http(s) address, "" for none. A bare host gets https:// as the form's
    URLField does (assume_scheme="https"), so page and API accept the same text."""
    value = value.strip()
    if not value:
        return ""
    if has_control_characters(value):
        raise DomainError("bad_url", URL_MESSAGE, field)
    if not urlsplit(value).scheme:
        value = "https://" + value
    try:
        _URL(value)
    except ValidationError as exc:
        raise DomainError("bad_url", URL_MESSAGE, field) from exc
    return value


def validate_single_line(value: str) -> None:
    """The same rule as a Django form/model validator."""
    if has_control_characters(value):
        raise ValidationError(CONTROL_MESSAGE, code="control_characters")
