"""Helpers for the browser tests."""

from __future__ import annotations

import time

from tests.factories import totp_code


def fresh_totp_code(secret: str, margin: float = 3.0) -> str:
    """A TOTP code that stays valid for at least `margin` seconds.

    allauth accepts only the current 30-second period (no tolerance), so a code computed just
    before the period ends could be stale by the time the form is posted.
    """
    remaining = 30 - time.time() % 30
    if remaining < margin:
        time.sleep(remaining + 0.2)
    return totp_code(secret)
