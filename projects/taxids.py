"""Tax identifiers of startups, validated with their check digit.

Chile's RUT ends in a modulo-11 check digit (0-9 or K); Argentina's CUIT is 11 digits whose
last is a modulo-11 check digit over fixed weights. Both are stored in one canonical spelling
so that the uniqueness constraint catches the same number typed with or without dots/dashes.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CUIT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
CUIT_PREFIXES = frozenset({"20", "23", "24", "27", "30", "33", "34"})


def rut_check_digit(body: str) -> str:
    total, factor = 0, 2
    for digit in reversed(body):
        total += int(digit) * factor
        factor = 2 if factor == 7 else factor + 1
    remainder = 11 - total % 11
    return {11: "0", 10: "K"}.get(remainder, str(remainder))


def normalize_rut(value: str) -> str:
    """'76.123.456-k' -> '76123456-K', or a ValidationError at the field."""
    compact = re.sub(r"[.\s-]", "", value or "").upper()
    if not re.fullmatch(r"\d{7,8}[\dK]", compact):
        raise ValidationError(
            _("Write the RUT as 76.123.456-7: seven or eight digits and a check digit."),
            code="rut_format",
        )
    body, check = compact[:-1], compact[-1]
    if rut_check_digit(body) != check:
        raise ValidationError(
            _("This RUT's check digit does not match: please check the number."),
            code="rut_check_digit",
        )
    return f"{int(body)}-{check}"


def cuit_check_digit(first_ten: str) -> int:
    total = sum(int(d) * w for d, w in zip(first_ten, CUIT_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {11: 0, 10: 9}.get(remainder, remainder)


def normalize_cuit(value: str) -> str:
    """'30712345671' -> '30-71234567-1', or a ValidationError at the field."""
    compact = re.sub(r"[.\s-]", "", value or "")
    if not re.fullmatch(r"\d{11}", compact) or compact[:2] not in CUIT_PREFIXES:
        raise ValidationError(
            _(
                "Write the CUIT as 30-71234567-1: eleven digits, starting with 20, 23, 24, 27, "
                "30, 33 or 34."
            ),
            code="cuit_format",
        )
    if cuit_check_digit(compact[:10]) != int(compact[10]):
        raise ValidationError(
            _("This CUIT's check digit does not match: please check the number."),
            code="cuit_check_digit",
        )
    return f"{compact[:2]}-{compact[2:10]}-{compact[10]}"


def normalize_tax_id(country: str, value: str) -> str:
    """The canonical spelling of a tax id for `country` (ISO code); other countries' ids are
    kept as written, trimmed and upper-cased, since we know no check digit for them."""
    if country == "CL":
        return normalize_rut(value)
    if country == "AR":
        return normalize_cuit(value)
    return re.sub(r"\s+", " ", (value or "").strip()).upper()
