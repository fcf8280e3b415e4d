"""Issue 16: which sections of the committed templates hold the shortcomings and the proposals is
data with its source (ocop/reporting/data/issue_sections.json); expected values read from the
templates' outlines by hand."""

from __future__ import annotations

import json

from ocop.reporting import consolidation


def test_issue_sections_of_the_committed_templates():
    assert consolidation.ISSUE_SECTIONS == {
        "ocop-cv9654-2018": {"shortcomings": ("I.3",), "proposals": ("III",)},
        "ocop-annual": {"shortcomings": ("I.3",), "proposals": ("III",)},
        "ocop-periodic": {"shortcomings": ("I.7",), "proposals": ("III",)},
    }
    assert json.loads(consolidation.ISSUE_SECTIONS_FILE.read_text(encoding="utf-8"))["source"]
