"""Moved to ocop.demo.reporting (issue 16). This alias remains only for modules still being edited by others
(ocop/documents, ocop/bench) that import the old path; import ocop.demo.reporting instead."""

from ocop.demo.reporting import *  # noqa: F401,F403
