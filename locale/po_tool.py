#!/usr/bin/env python3
"""Dependency-free helper for the gettext catalogues in this folder.

Usage (run from the project root, /work/main):

  python locale/po_tool.py header                 # fix headers (Language, Plural-Forms, no fuzzy)
  python locale/po_tool.py fill-en                # en: msgstr = msgid for every entry
  python locale/po_tool.py missing es > es.json   # untranslated/fuzzy entries as JSON
  python locale/po_tool.py apply es es.json       # write translations from JSON back

JSON format used by "missing"/"apply": a list of objects
  {"msgctxt": null|str, "msgid": str, "msgid_plural": null|str, "msgstr": str | [str, str]}
"apply" also removes the "fuzzy" flag of every entry it fills.
"""

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent
LANGS = {
    "es": {
        "Language": "es",
        "Language-Team": "Spanish (Chile/Argentina)",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
    "pt_BR": {
        "Language": "pt_BR",
        "Language-Team": "Portuguese (Brazil)",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
    "en": {
        "Language": "en",
        "Language-Team": "English",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    },
}


def po_path(lang):
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


def unquote(s):
    s = s.strip()
    assert s.startswith('"') and s.endswith('"'), s
    s = s[1:-1]
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(esc.get(s[i + 1], "\\" + s[i + 1]))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def quote(s):
    s = s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r")
    parts = s.split("\n")
    if len(parts) == 1:
        return [f'"{s}"']
    # multi-line: split after each \n, gettext style
    chunks = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    return ['""'] + [f'"{c}"' for c in chunks]


class Entry:
    def __init__(self):
        self.comments = []  # raw comment lines (including '#, flags')
        self.fields = {}  # key -> str ; keys: msgctxt, msgid, msgid_plural, msgstr, msgstr[0]...
        self.order = []

    @property
    def flags(self):
        fl = []
        for c in self.comments:
            if c.startswith("#,"):
                fl += [f.strip() for f in c[2:].split(",") if f.strip()]
        return fl

    def set_flags(self, flags):
        self.comments = [c for c in self.comments if not c.startswith("#,")]
        if "fuzzy" not in flags:
            # "#| msgid ..." lines record the previous msgid of a fuzzy entry: drop them too
            self.comments = [c for c in self.comments if not c.startswith("#|")]
        if flags:
            # flags line goes after reference comments, before #| lines
            idx = len([c for c in self.comments if not c.startswith("#|")])
            self.comments.insert(idx, "#, " + ", ".join(flags))

    def msgstrs(self):
        return [k for k in self.order if k.startswith("msgstr")]

    def is_translated(self):
        return all(self.fields[k] for k in self.msgstrs()) and "fuzzy" not in self.flags

    def render(self):
        lines = list(self.comments)
        for k in self.order:
            q = quote(self.fields[k])
            lines.append(f"{k} {q[0]}")
            lines += q[1:]
        return "\n".join(lines)


def parse(path):
    entries, cur, key = [], Entry(), None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            if cur.order or cur.comments:
                entries.append(cur)
            cur, key = Entry(), None
            continue
        if line.startswith("#"):
            if line.startswith("#~"):
                continue  # obsolete entries are dropped
            cur.comments.append(line)
            continue
        m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
        if m:
            key = m.group(1)
            cur.fields[key] = unquote(m.group(2))
            cur.order.append(key)
        elif line.startswith('"') and key:
            cur.fields[key] += unquote(line)
        else:
            raise ValueError(f"cannot parse line: {line!r}")
    if cur.order or cur.comments:
        entries.append(cur)
    return entries


def write(path, entries):
    path.write_text("\n\n".join(e.render() for e in entries) + "\n", encoding="utf-8")


def fix_header(lang, entries):
    h = entries[0]
    assert h.fields.get("msgid") == ""
    wanted = dict(LANGS[lang])
    wanted["Project-Id-Version"] = "municipal-ai-coalition portal"
    wanted["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    wanted["Last-Translator"] = "Coalition portal translators"
    out = []
    for line in h.fields["msgstr"].split("\n"):
        if ":" in line:
            k = line.split(":", 1)[0]
            if k in wanted:
                line = f"{k}: {wanted.pop(k)}"
        if line:
            out.append(line)
    out += ["{}: {}".format(*kv) for kv in wanted.items()]
    h.fields["msgstr"] = "\n".join(out) + "\n"
    h.comments = [c for c in h.comments if c.startswith("#,")]
    h.comments[:0] = [
        "# Translations of the municipal AI coalition portal ({}).".format(
            LANGS[lang]["Language-Team"]
        ),
        "# See locale/README.md for the workflow.",
        "#",
    ]
    h.set_flags([f for f in h.flags if f != "fuzzy"])
    # make every plural entry have exactly nplurals msgstr[n] forms
    n = int(re.search(r"nplurals=(\d+)", LANGS[lang]["Plural-Forms"]).group(1))
    for e in entries[1:]:
        if "msgid_plural" not in e.fields:
            continue
        old = [e.fields.pop(k) for k in e.msgstrs()]
        e.order = [k for k in e.order if not k.startswith("msgstr")]
        for i in range(n):
            k = f"msgstr[{i}]"
            # keep form 0 (singular); the last old form is the general plural
            e.fields[k] = old[0] if i == 0 else (old[-1] if len(old) > 1 else "")
            e.order.append(k)


def key_of(e):
    return (e.fields.get("msgctxt"), e.fields["msgid"], e.fields.get("msgid_plural"))


def main(argv):
    cmd = argv[1]
    if cmd == "header":
        for lang in LANGS:
            p = po_path(lang)
            es = parse(p)
            fix_header(lang, es)
            write(p, es)
    elif cmd == "fill-en":
        p = po_path("en")
        es = parse(p)
        fix_header("en", es)
        for e in es[1:]:
            if "msgid_plural" in e.fields:
                for k in e.msgstrs():
                    e.fields[k] = (
                        e.fields["msgid"] if k == "msgstr[0]" else e.fields["msgid_plural"]
                    )
            else:
                e.fields["msgstr"] = e.fields["msgid"]
            e.set_flags([f for f in e.flags if f != "fuzzy"])
        write(p, es)
    elif cmd == "missing":
        es = parse(po_path(argv[2]))
        out = []
        for e in es[1:]:
            if not e.is_translated():
                plural = "msgid_plural" in e.fields
                out.append(
                    {
                        "msgctxt": e.fields.get("msgctxt"),
                        "msgid": e.fields["msgid"],
                        "msgid_plural": e.fields.get("msgid_plural"),
                        "flags": e.flags,
                        "msgstr": [e.fields[k] for k in e.msgstrs()]
                        if plural
                        else e.fields["msgstr"],
                    }
                )
        json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif cmd == "apply":
        lang, src = argv[2], argv[3]
        p = po_path(lang)
        es = parse(p)
        fix_header(lang, es)
        tr = {}
        for item in json.loads(Path(src).read_text(encoding="utf-8")):
            tr[(item.get("msgctxt"), item["msgid"], item.get("msgid_plural"))] = item["msgstr"]
        applied = 0
        for e in es[1:]:
            k = key_of(e)
            if k not in tr or not tr[k]:
                continue
            val = tr[k]
            if "msgid_plural" in e.fields:
                ks = e.msgstrs()
                if isinstance(val, str):
                    val = [val]
                for i, kk in enumerate(ks):
                    e.fields[kk] = val[min(i, len(val) - 1)]
            else:
                e.fields["msgstr"] = val
            e.set_flags([f for f in e.flags if f != "fuzzy"])
            applied += 1
        write(p, es)
        print(f"applied {applied} translations to {p}", file=sys.stderr)
    else:
        print(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
