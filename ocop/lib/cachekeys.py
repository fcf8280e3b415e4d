"""Keys of cached fragments (issue 17): a digest of everything a fragment shows.

A fragment cached under the digest of the data it is drawn from cannot be stale: when anything it
shows changes, the key changes. The parts are written with `repr`, so give it plain values (numbers,
strings, dates, Decimals, tuples, lists) whose representation is stable between processes.
"""

from __future__ import annotations

import hashlib


def data_digest(*parts: object) -> str:
    """SHA-256 (hex) of the parts' representations, one per line."""
    return hashlib.sha256("\n".join(repr(p) for p in parts).encode()).hexdigest()
