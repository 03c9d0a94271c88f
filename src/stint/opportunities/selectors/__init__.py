"""Reads for opportunities: fetch-and-authorise, browse and search, best match, an employer's
postings and the dashboard panels.

By area: `access` (who may see or change a posting, `access_opportunity`), `browsing` (the
browse query, its filters, search words, best match and capped paging), `detail` (what one
posting's page adds for the reader), `saved` (saved and hidden postings, saved searches),
`employers` (an employer's postings and why one waits for review), `dashboards` (the employer
and candidate panels). Callers import this package; the names below are its public reads."""

from __future__ import annotations

from stint.opportunities.selectors.access import (
    PUBLICLY_READABLE,
    access_opportunity,
    application_count,
    is_member,
    visible_q,
    visible_to_institution_q,
)
from stint.opportunities.selectors.browsing import (
    BEST_MATCH_LIMIT,
    COUNT_CAP,
    MAX_QUERY_WORDS,
    PAGE_SIZE,
    SORTS,
    BrowsePage,
    BrowseQuery,
    CappedPaginator,
    Ranked,
    browse,
    browse_page,
    rank_for_candidate,
)
from stint.opportunities.selectors.dashboards import dashboard_candidate, dashboard_employer
from stint.opportunities.selectors.detail import (
    Insight,
    clarity_of,
    insight_for,
    is_hidden,
    is_saved,
)
from stint.opportunities.selectors.employers import (
    PostingHold,
    employer_orgs,
    posting_hold,
    postings_of,
)
from stint.opportunities.selectors.saved import (
    hidden_of,
    saved_of,
    saved_search_matches,
    saved_searches_of,
)

__all__ = [
    "BEST_MATCH_LIMIT",
    "COUNT_CAP",
    "MAX_QUERY_WORDS",
    "PAGE_SIZE",
    "PUBLICLY_READABLE",
    "SORTS",
    "BrowsePage",
    "BrowseQuery",
    "CappedPaginator",
    "Insight",
    "PostingHold",
    "Ranked",
    "access_opportunity",
    "application_count",
    "browse",
    "browse_page",
    "clarity_of",
    "dashboard_candidate",
    "dashboard_employer",
    "employer_orgs",
    "hidden_of",
    "insight_for",
    "is_hidden",
    "is_member",
    "is_saved",
    "posting_hold",
    "postings_of",
    "rank_for_candidate",
    "saved_of",
    "saved_search_matches",
    "saved_searches_of",
    "visible_q",
    "visible_to_institution_q",
]
