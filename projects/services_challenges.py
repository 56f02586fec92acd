"""Writes on challenges: officers of a city publish the problems it wants solved; the staff of
the cities' chapters moderate. Every write is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coalition.audit import record_event
from municipalities.models import Municipality
from projects.models import Challenge
from projects.selectors_startups import challenge_author_cities
from projects.services_startups import unique_slug

CHALLENGE_FIELDS = frozenset(
    {"title", "area", "description", "affected", "data_available", "status"}
)


def _cities(actor, chosen: Iterable[Municipality], *, keep: Iterable[Municipality] = ()) -> list:
    """The chosen cities the actor may name, plus the cities already on the challenge that
    the actor cannot name (an officer of one co-author never removes the others)."""
    allowed = set(challenge_author_cities(actor).values_list("pk", flat=True))
    chosen = list(chosen)
    if any(city.pk not in allowed for city in chosen):
        raise ValidationError({"municipalities": _("You may only name your own cities.")})
    cities = {city.pk: city for city in chosen}
    for city in keep:
        if city.pk not in allowed:
            cities[city.pk] = city
    if not cities:
        raise ValidationError({"municipalities": _("Name at least one city.")})
    return list(cities.values())


def _chapter_id(cities: list[Municipality]) -> int | None:
    return min(city.chapter_id for city in cities) if cities else None


def _check_names(fields: dict) -> None:
    unknown = set(fields) - CHALLENGE_FIELDS
    if unknown:
        raise TypeError(f"unknown challenge fields: {sorted(unknown)}")


def _save(challenge: Challenge, cities: list[Municipality]) -> None:
    challenge.full_clean(exclude=["slug", "municipalities", "created_by"])
    challenge.save()
    challenge.municipalities.set(cities)


@transaction.atomic
def challenge_create(*, actor, municipalities: Iterable[Municipality], **fields) -> Challenge:
    _check_names(fields)
    cities = _cities(actor, municipalities)
    challenge = Challenge(
        slug=unique_slug(Challenge, fields.get("title", ""), fallback="desafio"),
        created_by=actor,
        **fields,
    )
    if challenge.status != Challenge.Status.DRAFT:
        challenge.published_at = timezone.now()
    _save(challenge, cities)
    record_event(
        actor=actor,
        action="challenge.create",
        target=challenge,
        chapter=_chapter_id(cities),
        to_state=challenge.status,
    )
    return challenge


@transaction.atomic
def challenge_update(
    *, challenge: Challenge, actor, municipalities: Iterable[Municipality], **fields
) -> Challenge:
    _check_names(fields)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    current = list(challenge.municipalities.all())
    cities = _cities(actor, municipalities, keep=current)
    old_status = challenge.status
    changed = [name for name, value in fields.items() if getattr(challenge, name) != value]
    for name in changed:
        setattr(challenge, name, fields[name])
    if {c.pk for c in current} != {c.pk for c in cities}:
        changed.append("municipalities")
    if not changed:
        return challenge
    if challenge.status != Challenge.Status.DRAFT and challenge.published_at is None:
        challenge.published_at = timezone.now()
    _save(challenge, cities)
    record_event(
        actor=actor,
        action="challenge.status" if old_status != challenge.status else "challenge.update",
        target=challenge,
        chapter=_chapter_id(cities),
        from_state=old_status,
        to_state=challenge.status,
        details={"fields": changed},
    )
    return challenge
