"""Blocks that apps above `municipalities` add to a city's public profile (e.g. its
projects), registered in their AppConfig.ready(), so this app imports none of them.

    register_profile_block("projects", "projects/partials/profile_projects.html", fn, order=10)

`fn(request, municipality)` returns the template's context, or None to show nothing. The
blocks are rendered after the (cached) profile body, on every request: keep them cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProfileBlock:
    key: str
    template: str
    context_fn: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedProfileBlock:
    key: str
    template: str
    context: dict[str, Any]


_BLOCKS: dict[str, ProfileBlock] = {}


def register_profile_block(
    key: str, template: str, context_fn: Callable[[Any, Any], dict[str, Any] | None], order=100
) -> None:
    _BLOCKS[key] = ProfileBlock(key, template, context_fn, order)


def profile_blocks(request, municipality) -> list[RenderedProfileBlock]:
    rendered = []
    for block in sorted(_BLOCKS.values(), key=lambda b: (b.order, b.key)):
        context = block.context_fn(request, municipality)
        if context is not None:
            rendered.append(RenderedProfileBlock(block.key, block.template, context))
    return rendered
