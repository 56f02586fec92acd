"""The register block of the project page (registered in RegisterConfig.ready)."""

from __future__ import annotations

from typing import Any

from projects.register.selectors import entry_for_project_block


def register_block_context(request, project, can_edit: bool) -> dict[str, Any] | None:
    """The latest published version for everyone; the editors also see whether there is a
    draft and a link to edit it. Hidden for a project that does not use AI. One query."""
    if not project.uses_ai:
        return None
    entry = entry_for_project_block(project)
    version = entry.latest_version if entry is not None else None
    listed = version is not None and entry.withdrawn_at is None
    if not can_edit and not listed:
        return None
    return {"register_entry": entry, "register_version": version, "register_listed": listed}
