"""Moved to ocop.demo.accounts (issue 16). This alias remains only for modules still being edited by others
(ocop/documents, ocop/bench) that import the old path; import ocop.demo.accounts instead."""

from ocop.demo.accounts import *  # noqa: F401,F403
