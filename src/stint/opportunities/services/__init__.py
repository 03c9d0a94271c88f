"""Writes for opportunities: drafts, edits (limited once people applied), the lifecycle, hiding
recommendations, saved searches and their notifications.

By area: `posting` (what an employer writes, and its checks), `editing` (create, update, delete
a draft, the search text), `lifecycle` (publish, close, fill, archive), `review` (the posting
screen's hold and a platform admin's decision), `hiding` (recommendations a candidate hides),
`saved` (saved postings and saved searches with their notices). Callers import this package; the
names below are its public services."""

from __future__ import annotations

from stint.opportunities.services.editing import (
    opportunity_create,
    opportunity_delete,
    opportunity_update,
    refresh_search_text,
)
from stint.opportunities.services.hiding import HIDE_REASONS, opportunity_hide, opportunity_unhide
from stint.opportunities.services.lifecycle import (
    opportunity_archive,
    opportunity_close,
    opportunity_mark_filled,
    opportunity_publish,
    opportunity_transition,
)
from stint.opportunities.services.posting import (
    Posting,
    Question,
    SkillNeed,
    posting_check,
    posting_of,
)
from stint.opportunities.services.review import (
    opportunity_hold_for_review,
    opportunity_refuse_after_review,
    opportunity_release_from_review,
)
from stint.opportunities.services.saved import (
    MAX_SAVED,
    opportunity_save,
    opportunity_unsave,
    saved_search_create,
    saved_search_delete,
    saved_search_notify,
)

__all__ = [
    "HIDE_REASONS",
    "MAX_SAVED",
    "Posting",
    "Question",
    "SkillNeed",
    "opportunity_archive",
    "opportunity_close",
    "opportunity_create",
    "opportunity_delete",
    "opportunity_hide",
    "opportunity_hold_for_review",
    "opportunity_mark_filled",
    "opportunity_publish",
    "opportunity_refuse_after_review",
    "opportunity_release_from_review",
    "opportunity_save",
    "opportunity_transition",
    "opportunity_unhide",
    "opportunity_unsave",
    "opportunity_update",
    "posting_check",
    "posting_of",
    "refresh_search_text",
    "saved_search_create",
    "saved_search_delete",
    "saved_search_notify",
]
