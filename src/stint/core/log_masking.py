"""A logging filter that keeps personal data out of logs: email addresses,
API tokens, bearer headers, session ids and password fields are masked in the
message and its arguments before any handler sees them."""

from __future__ import annotations

import logging
import re
from typing import Any

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer [token]"),
    (re.compile(r"\bstint_[A-Za-z0-9_-]{8,}"), "[token]"),
    (
        re.compile(
            r"(?i)\b(password|passwd|secret|token|api[_-]?key|sessionid|csrftoken|key)"
            r"(\"?\s*[:=]\s*\"?)[^\s\"&,;]+"
        ),
        r"\1\2[masked]",
    ),
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[email]"),
)


def mask(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class PersonalDataFilter(logging.Filter):
    """Rewrites each record in place; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave the record as it is
            return True
        record.msg = mask(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


_installed = False


def install() -> None:
    """Mask every log record at creation (idempotent).

    A LogRecord factory rather than a handler filter: it holds whatever LOGGING
    puts in its filters and handlers (stint.ops rewrites them) and survives
    logging being configured again (a second `django.setup()`). Called from
    CoreConfig.ready()."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()
    masker = PersonalDataFilter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        masker.filter(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True
