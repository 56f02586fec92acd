"""What is kept of the public directory, the city profiles and their filters.

The directory is the busiest page and changes rarely: anonymous visitors get it (and the
profiles) as stored whole pages (coalition.page_cache), others its rendered fragments, and the
filters' choices are kept as data (`per_data_version`). Every write to the data they show
bumps a version number that is part of every key (see `bump_directory_version`, connected to
the models' signals in the apps' ready()), so nothing kept is served after the data changed.
With several web processes the cache must be shared (REDIS_URL); the short timeout bounds
staleness otherwise.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import translation

VERSION_KEY = "directory:version"
FRAGMENT_TIMEOUT = 120

T = TypeVar("T")


def directory_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, timeout=None)
    return version


def bump_directory_version(**_signal_kwargs) -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version stored yet: the next read starts one
        cache.add(VERSION_KEY, 1, timeout=None)


def fragment_key(request: HttpRequest, *, part: str, variant: str) -> str:
    """A key for one rendered part of the directory for this query, language and variant."""
    query = "&".join(sorted(f"{k}={v}" for k, values in request.GET.lists() for v in values))
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"directory:{directory_version()}:{translation.get_language()}:{variant}:{part}:{digest}"


def per_data_version(name: str, read: Callable[[], T]) -> T:
    """`read()`, computed once per version of the directory's data and kept in the cache
    meanwhile: data that many pages need and that only a write to cities, memberships,
    programmes, chapters or projects changes (the filters' choices). Never older than the
    data, since every such write bumps the version."""
    key = f"directory:{directory_version()}:data:{name}"
    value = cache.get(key)
    if value is None:
        value = read()
        cache.set(key, value, FRAGMENT_TIMEOUT)
    return value
