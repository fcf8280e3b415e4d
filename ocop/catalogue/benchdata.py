"""Moved to ocop.demo.benchdata (issue 16). This alias remains only for ocop/bench/benchmarks.py,
being edited by others, which imports the old path; import ocop.demo.benchdata instead."""

from ocop.demo.benchdata import *  # noqa: F401,F403
