"""Moved to ocop.demo.programme (issue 16). This alias remains only for modules still being edited by others
(ocop/documents, ocop/bench) that import the old path; import ocop.demo.programme instead."""

from ocop.demo.programme import *  # noqa: F401,F403
