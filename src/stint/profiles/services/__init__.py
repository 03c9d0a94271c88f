"""Writes for candidate profiles: the details, skills, career goals, education, availability
windows and the resume with its suggested skills.

Every write acts on the actor's own profile (created on first use); nobody changes someone
else's profile.

By area: `details` (headline, bio, location, preferences, interests, links), `skills`, `goals`
(career goals), `education`, `availability` (date windows), `resume` (upload, confirm the
suggested skills, remove). Callers import this package; the names below are its public services."""

from __future__ import annotations

from stint.profiles.services.availability import window_add, window_remove
from stint.profiles.services.common import NOT_CANDIDATE
from stint.profiles.services.details import profile_get_or_create, profile_update
from stint.profiles.services.education import education_add, education_remove
from stint.profiles.services.goals import goal_add, goal_remove
from stint.profiles.services.resume import Upload, resume_confirm, resume_remove, resume_upload
from stint.profiles.services.skills import skill_add, skill_remove, skill_update

__all__ = [
    "NOT_CANDIDATE",
    "Upload",
    "education_add",
    "education_remove",
    "goal_add",
    "goal_remove",
    "profile_get_or_create",
    "profile_update",
    "resume_confirm",
    "resume_remove",
    "resume_upload",
    "skill_add",
    "skill_remove",
    "skill_update",
    "window_add",
    "window_remove",
]
