"""Active content in a PDF: JavaScript, launch actions and embedded files.

A commitment letter or a report is read, printed and merged into the dossier; none of
these needs a script, a command to run or a file inside the file, and each is a way to
attack whoever opens it (the committee, the staff). The portal refuses such a file and
says why, rather than keeping it with a warning: the officer can print it to PDF again in
a minute, while a warning would still put the file in front of every reader.

Where they are looked for (ISO 32000-1 §12.6, §7.11.4, §12.5.6.15):

- the document's open action (``/OpenAction``) and additional actions (``/AA``) of the
  catalog, every page, every annotation and every form field, following ``/Next`` chains;
- the action of every annotation (``/A``), links included;
- the catalog's name trees ``/JavaScript`` and ``/EmbeddedFiles`` (when not empty);
- file attachment annotations.

An action is JavaScript (``/S /JavaScript``, or a ``/Rendition`` with ``/JS``) or a
launch (``/S /Launch``). Runs in the bounded child (`calls.pdfsafety`): no walk here can
exceed its ceiling, and each walk is also bounded by counting what it visits.
"""

from __future__ import annotations

from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

JAVASCRIPT, LAUNCH, EMBEDDED_FILES = "javascript", "launch", "embedded_files"
ORDER = (JAVASCRIPT, LAUNCH, EMBEDDED_FILES)
MAX_VISITS = 200_000
MAX_DEPTH = 32


class _Walk:
    """Objects visited once each, at most MAX_VISITS in all."""

    def __init__(self) -> None:
        self.seen: set[int] = set()
        self.visits = 0

    def first_time(self, value) -> bool:
        self.visits += 1
        if self.visits > MAX_VISITS:
            raise ValueError("too many objects to look at")
        if isinstance(value, IndirectObject):
            if value.idnum in self.seen:
                return False
            self.seen.add(value.idnum)
        return True


def active_content(reader: PdfReader) -> list[str]:
    """The kinds of active content in the document, in `ORDER`; empty when there is none."""
    found: set[str] = set()
    walk = _Walk()
    root = _get(reader.trailer.get("/Root"))
    if not isinstance(root, DictionaryObject):
        return []
    found.update(_action_kinds(root.get("/OpenAction"), walk))
    found.update(_additional_actions(root, walk))
    names = _get(root.get("/Names"))
    if isinstance(names, DictionaryObject):
        if _tree_has_entries(names.get("/JavaScript"), walk, depth=0):
            found.add(JAVASCRIPT)
        if _tree_has_entries(names.get("/EmbeddedFiles"), walk, depth=0):
            found.add(EMBEDDED_FILES)
    for page in reader.pages:
        found.update(_additional_actions(page, walk))
        annots = _get(page.get("/Annots"))
        if not isinstance(annots, ArrayObject):
            continue
        for ref in annots:
            if not walk.first_time(ref):
                continue
            annot = _get(ref)
            if not isinstance(annot, DictionaryObject):
                continue
            if annot.get("/Subtype") == "/FileAttachment":
                found.add(EMBEDDED_FILES)
            found.update(_action_kinds(annot.get("/A"), walk))
            found.update(_additional_actions(annot, walk))
    acroform = _get(root.get("/AcroForm"))
    if isinstance(acroform, DictionaryObject):
        found.update(_field_actions(acroform.get("/Fields"), walk, depth=0))
    return [kind for kind in ORDER if kind in found]


def _get(value):
    return value.get_object() if value is not None else None


def _additional_actions(holder: DictionaryObject, walk: _Walk) -> Iterator[str]:
    actions = _get(holder.get("/AA"))
    if isinstance(actions, DictionaryObject):
        for action in actions.values():
            yield from _action_kinds(action, walk)


def _action_kinds(value, walk: _Walk, depth: int = 0) -> Iterator[str]:
    """Kinds of the action `value` and of the actions chained after it with /Next."""
    if value is None or depth > MAX_DEPTH or not walk.first_time(value):
        return
    action = _get(value)
    if isinstance(action, ArrayObject):  # /Next may hold an array of actions
        for item in action:
            yield from _action_kinds(item, walk, depth + 1)
        return
    if not isinstance(action, DictionaryObject):
        return  # a destination array or nothing
    kind = action.get("/S")
    if kind == "/JavaScript" or (kind == "/Rendition" and "/JS" in action):
        yield JAVASCRIPT
    elif kind == "/Launch":
        yield LAUNCH
    yield from _action_kinds(action.get("/Next"), walk, depth + 1)


def _tree_has_entries(node, walk: _Walk, *, depth: int) -> bool:
    """Whether a name tree holds at least one entry."""
    if node is None or depth > MAX_DEPTH or not walk.first_time(node):
        return False
    node = _get(node)
    if not isinstance(node, DictionaryObject):
        return False
    names = _get(node.get("/Names"))
    if isinstance(names, ArrayObject) and len(names) >= 2:
        return True
    kids = _get(node.get("/Kids"))
    if isinstance(kids, ArrayObject):
        return any(_tree_has_entries(kid, walk, depth=depth + 1) for kid in kids)
    return False


def _field_actions(fields, walk: _Walk, *, depth: int) -> Iterator[str]:
    fields = _get(fields)
    if not isinstance(fields, ArrayObject) or depth > MAX_DEPTH:
        return
    for ref in fields:
        if not walk.first_time(ref):
            continue
        field = _get(ref)
        if not isinstance(field, DictionaryObject):
            continue
        yield from _action_kinds(field.get("/A"), walk)
        yield from _additional_actions(field, walk)
        yield from _field_actions(field.get("/Kids"), walk, depth=depth + 1)
