"""Postings: plain checks on how clearly an opportunity is written."""

from stint_engine.postings.clarity import Check, Clarity, rate_clarity

__all__ = ["Check", "Clarity", "rate_clarity"]
