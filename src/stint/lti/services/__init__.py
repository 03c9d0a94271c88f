"""Writes for LTI: registering a platform, accepting a launch (who signs in,
which course), attaching a program or projects, deep linking, the roster from
NRPS and grades to AGS. HTTP calls to the platform happen outside transactions.

A package by area (platforms, launch, courses, roster, grades); callers import the
package, which re-exports every public name.
"""

from __future__ import annotations

from stint.lti.rules import LINE_ITEM_TAG
from stint.lti.services.courses import DeepLinkAnswer, course_attach, deep_link_respond
from stint.lti.services.grades import grade_send, grades_due, grades_queue
from stint.lti.services.launch import Launched, LaunchRefused, launch_accept
from stint.lti.services.platforms import platform_deployments_set, platform_register
from stint.lti.services.roster import roster_sync

__all__ = [
    "LINE_ITEM_TAG",
    "DeepLinkAnswer",
    "LaunchRefused",
    "Launched",
    "course_attach",
    "deep_link_respond",
    "grade_send",
    "grades_due",
    "grades_queue",
    "launch_accept",
    "platform_deployments_set",
    "platform_register",
    "roster_sync",
]
