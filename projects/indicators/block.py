"""The indicators' block on the project page (`projects.blocks`): each indicator's progress
and summary sentence, with a link to the charts (drawn on the indicators' own page). Three
queries, whatever the number of indicators and measurements."""

from __future__ import annotations

from typing import Any

from projects.indicators.selectors import indicator_summaries


def indicator_block_context(request, project, can_edit: bool) -> dict[str, Any] | None:
    items = indicator_summaries(project)
    if not items and not can_edit:
        return None
    return {"indicator_items": items}


def register() -> None:
    from projects.blocks import register_project_block

    register_project_block(
        "indicators", "indicators/_project_block.html", indicator_block_context, order=10
    )
