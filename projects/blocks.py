"""Blocks that other parts (indicators, register...) add to the project page.

Each part registers its block once, in its AppConfig.ready():

    from projects.blocks import register_project_block

    def indicator_block_context(request, project, can_edit):
        return {"indicators": ...}  # or None to hide the block for this project

    register_project_block(
        "indicators", "indicators/_project_block.html", indicator_block_context, order=10
    )

The project page (projects.views_projects.project_detail) renders every registered block in
`order` (then key), after checking that the viewer may see the project: a block's
`context_fn(request, project, can_edit)` is called only for a visible project and must itself
respect `projects.access` for anything unpublished inside it. The template is rendered
on its own (render_to_string) with the returned dict plus `project`, `can_edit` and
`request` as its context; the same dict is also there as `block` (`block.project`...).
A context function returning None hides its block. Keep each block at a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ContextFn = Callable[[Any, Any, bool], "dict[str, Any] | None"]


@dataclass(frozen=True)
class ProjectBlock:
    key: str
    template: str
    context_fn: ContextFn
    order: int = 100


_BLOCKS: dict[str, ProjectBlock] = {}


def register_project_block(
    key: str, template: str, context_fn: ContextFn, order: int = 100
) -> None:
    """Add (or replace, by key: ready() may run twice in tests) a block of the project page."""
    _BLOCKS[key] = ProjectBlock(key=key, template=template, context_fn=context_fn, order=order)


def project_blocks() -> list[ProjectBlock]:
    return sorted(_BLOCKS.values(), key=lambda block: (block.order, block.key))


@dataclass(frozen=True)
class RenderedBlock:
    key: str
    template: str
    context: dict[str, Any]


def blocks_for(request: Any, project: Any, *, can_edit: bool) -> list[RenderedBlock]:
    """The blocks to render for this project, with their context (hidden ones left out)."""
    rendered = []
    for block in project_blocks():
        extra = block.context_fn(request, project, can_edit)
        if extra is None:
            continue
        context = {"project": project, "can_edit": can_edit, "request": request, **extra}
        rendered.append(RenderedBlock(key=block.key, template=block.template, context=context))
    return rendered


def render_blocks(request: Any, project: Any, *, can_edit: bool) -> list[str]:
    """Each visible block rendered to HTML, in order (the project page shows them as is)."""
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    return [
        mark_safe(  # noqa: S308 - our own templates
            render_to_string(
                block.template, {**block.context, "block": block.context}, request=request
            )
        )
        for block in blocks_for(request, project, can_edit=can_edit)
    ]
