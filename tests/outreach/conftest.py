"""Fixtures shared by several outreach test modules."""

from .case_world import case_now, case_world

__all__ = ["case_now", "case_world"]
