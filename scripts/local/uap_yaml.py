#!/usr/bin/env python3
"""uap-core's regexes.yaml from a PyPI ua-parser-builtins wheel, for scripts/update-rules.

ua-parser-builtins (a monthly snapshot of uap-core master) ships the rules as Python, not YAML:
`ua_parser_builtins/regexes.py` holds three lists, USER_AGENT_PARSERS, OS_PARSERS and
DEVICE_PARSERS, of constructor calls with positional arguments in the order of the legacy
`ua_parser/user_agent_parser.py` (PyPI ua-parser 0.18.0 and 1.0.x alike):

    UserAgentParser(pattern, family_replacement, v1_replacement, v2_replacement)
    OSParser(pattern, os_replacement, os_v1_replacement, ..., os_v4_replacement)
    DeviceParser(pattern, regex_flag, device_replacement, brand_replacement, model_replacement)

(None where a field is absent; trailing ones left out). The file is read with `ast`, never run,
and anything else in it is an error. The YAML written is uap-core's format, which the Rust
`ua-parser` crate reads with serde_yaml: each value a single-quoted scalar (' doubled), or a
double-quoted one with escapes where a character can't go in single quotes. The output depends
only on the wheel's bytes, so the same wheel always gives the same file.

    uap_yaml.py describe WHEEL    version, uap-core revision and license, one per line
    uap_yaml.py convert WHEEL     the regexes.yaml, on stdout
    uap_yaml.py count FILE        the rules in a regexes.yaml, by section
    uap_yaml.py diff OLD NEW      rules added and removed from OLD to NEW (whole entries), or
                                  "the same N rules (...)"

`count` and `diff` read the subset of YAML that uap-core's own regexes.yaml and `convert` write
(the three section keys, `- key: value` entries, quoted scalars on one line, comments); they
stop with the line number on anything else. Standard library only.
"""

import ast
import re
import sys
import zipfile
from collections import Counter

# The sections, each with the legacy parser class and its parameters in positional order.
SECTIONS = [
    ("user_agent_parsers", "USER_AGENT_PARSERS", "UserAgentParser",
     ["regex", "family_replacement", "v1_replacement", "v2_replacement"]),
    ("os_parsers", "OS_PARSERS", "OSParser",
     ["regex", "os_replacement", "os_v1_replacement", "os_v2_replacement", "os_v3_replacement",
      "os_v4_replacement"]),
    ("device_parsers", "DEVICE_PARSERS", "DeviceParser",
     ["regex", "regex_flag", "device_replacement", "brand_replacement", "model_replacement"]),
]
LABELS = {"user_agent_parsers": "user agent", "os_parsers": "os", "device_parsers": "device"}
# Every key a section's entries may have in uap-core's YAML (user agents also have
# v3_replacement, which the legacy Python class, and so ua-parser-builtins, can't carry).
KEYS = {
    "user_agent_parsers": {"regex", "family_replacement", "v1_replacement", "v2_replacement",
                           "v3_replacement"},
    "os_parsers": set(SECTIONS[1][3]),
    "device_parsers": set(SECTIONS[2][3]),
}
IMPORT_MODULE = "ua_parser.user_agent_parser"


class Error(Exception):
    pass


# --- the wheel ------------------------------------------------------------------------------

def wheel_member(wheel, suffix):
    names = [n for n in wheel.namelist() if n == suffix or n.endswith("/" + suffix)]
    if len(names) != 1:
        raise Error(f"{wheel.filename}: expected one {suffix}, found {len(names)}")
    return wheel.read(names[0]).decode("utf-8")


def describe(path):
    """(version, uap-core revision, license) of a ua-parser-builtins wheel."""
    with zipfile.ZipFile(path) as wheel:
        metadata = wheel_member(wheel, "METADATA")
        revision = wheel_member(wheel, "REVISION").strip()
    fields = {}
    for line in metadata.split("\n\n", 1)[0].splitlines():
        name, sep, value = line.partition(": ")
        if sep:
            fields.setdefault(name, value.strip())
    if fields.get("Name", "").lower().replace("_", "-") != "ua-parser-builtins":
        raise Error(f"{path}: not a ua-parser-builtins wheel (Name: {fields.get('Name')})")
    if not re.fullmatch(r"[0-9a-f]{40}", revision):
        raise Error(f"{path}: REVISION is not a git commit: {revision!r}")
    license_ = fields.get("License-Expression") or fields.get("License") or "unknown"
    return fields.get("Version", "unknown"), revision, license_


def parse_rules(source, filename="regexes.py"):
    """{section: [entry]} from the text of ua_parser_builtins/regexes.py; an entry is a list of
    (key, value) in the parameter order, absent (None) fields left out."""
    tree = ast.parse(source, filename)
    by_list = {s[1]: s for s in SECTIONS}
    rules = {}
    imported = set()
    for node in tree.body:
        where = f"{filename}:{node.lineno}"
        if isinstance(node, ast.ImportFrom):
            if node.module != IMPORT_MODULE:
                raise Error(f"{where}: unexpected import from {node.module}")
            imported.update(alias.name for alias in node.names)
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name)):
            raise Error(f"{where}: unexpected {type(node).__name__} statement")
        name = node.targets[0].id
        if name == "__all__":
            continue
        if name not in by_list or name in rules:
            raise Error(f"{where}: unexpected assignment to {name}")
        section, _, cls, params = by_list[name]
        if cls not in imported:
            raise Error(f"{where}: {cls} is not imported from {IMPORT_MODULE}")
        if not isinstance(node.value, ast.List):
            raise Error(f"{where}: {name} is not a list")
        rules[name] = [call_entry(call, cls, params, filename) for call in node.value.elts]
    missing = [s[1] for s in SECTIONS if s[1] not in rules]
    if missing:
        raise Error(f"{filename}: no {', '.join(missing)}")
    return {s[0]: rules[s[1]] for s in SECTIONS}


def call_entry(call, cls, params, filename):
    where = f"{filename}:{call.lineno}"
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id == cls):
        raise Error(f"{where}: expected a {cls}(...) call")
    if len(call.args) > len(params):
        raise Error(f"{where}: {len(call.args)} arguments, {cls} takes {len(params)}")
    values = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg not in params or keyword.arg in values:
            raise Error(f"{where}: unexpected or repeated argument {keyword.arg}")
        values[keyword.arg] = keyword.value
    entry = []
    for key in params:
        node = values.get(key)
        if node is None:
            continue
        if not isinstance(node, ast.Constant) or not (node.value is None
                                                      or isinstance(node.value, str)):
            raise Error(f"{where}: {key} is not a string literal or None")
        if node.value is not None:
            entry.append((key, node.value))
    if not entry or entry[0][0] != "regex":
        raise Error(f"{where}: no regex")
    return entry


# --- writing YAML ----------------------------------------------------------------------------

def single_quotable(ch):
    # YAML's printable characters (as libyaml, behind serde_yaml, checks them), minus the line
    # breaks (NEL, LS, PS), which a flow scalar folds, and tab.
    c = ord(ch)
    return (0x20 <= c <= 0x7E or 0xA0 <= c <= 0xD7FF or 0xE000 <= c <= 0xFFFD
            or c >= 0x10000) and c not in (0x2028, 0x2029, 0xFEFF)


def scalar(value):
    if all(single_quotable(ch) for ch in value):
        return "'" + value.replace("'", "''") + "'"
    out = []
    for ch in value:
        c = ord(ch)
        if ch in '\\"':
            out.append("\\" + ch)
        elif single_quotable(ch):
            out.append(ch)
        elif c < 0x100:
            out.append(f"\\x{c:02X}")
        elif c < 0x10000:
            out.append(f"\\u{c:04X}")
        else:
            out.append(f"\\U{c:08X}")
    return '"' + "".join(out) + '"'


def to_yaml(rules, header):
    lines = [f"# {line}" if line else "#" for line in header]
    for i, (section, _, _, _) in enumerate(SECTIONS):
        if i:
            lines.append("")
        lines.append(f"{section}:")
        for entry in rules[section]:
            for j, (key, value) in enumerate(entry):
                lines.append(("  - " if j == 0 else "    ") + f"{key}: {scalar(value)}")
    return "\n".join(lines) + "\n"


def convert(path):
    version, revision, license_ = describe(path)
    with zipfile.ZipFile(path) as wheel:
        source = wheel_member(wheel, "ua_parser_builtins/regexes.py")
    rules = parse_rules(source)
    header = [
        f"uap-core regexes.yaml: PyPI ua-parser-builtins {version}, uap-core commit {revision}",
        "(github.com/ua-parser/uap-core), converted from its ua_parser_builtins/regexes.py by",
        f"scripts/local/uap_yaml.py. License: {license_} (uap-core's LICENSE).",
    ]
    text = to_yaml(rules, header)
    # What was written reads back as the same rules.
    if read_yaml(text, "converted") != rules:
        raise Error("internal: the YAML written does not read back as the same rules")
    return text


# --- reading uap-core's YAML -----------------------------------------------------------------

LINE = re.compile(r"""(?P<indent> *)(?P<dash>- +)?(?P<key>[a-z0-9_]+):"""
                  r"""(?: +(?P<value>'(?:[^']|'')*'|"(?:[^"\\]|\\.)*"))? *(?:#.*)?""")
ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
           "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
           "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def unquote(text, where):
    if text[0] == "'":
        return text[1:-1].replace("''", "'")
    out, body, i = [], text[1:-1], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        code = body[i + 1]
        width = {"x": 2, "u": 4, "U": 8}.get(code)
        if width:
            digits = body[i + 2:i + 2 + width]
            if not re.fullmatch(f"[0-9a-fA-F]{{{width}}}", digits):
                raise Error(f"{where}: bad escape \\{code}{digits}")
            out.append(chr(int(digits, 16)))
            i += 2 + width
        elif code in ESCAPES:
            out.append(ESCAPES[code])
            i += 2
        else:
            raise Error(f"{where}: unknown escape \\{code}")
    return "".join(out)


def read_yaml(text, filename):
    """{section: [entry]} from a regexes.yaml in uap-core's subset of YAML."""
    rules, section, entry, entry_indent = {}, None, None, None
    for number, line in enumerate(text.splitlines(), 1):
        where = f"{filename}:{number}"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = LINE.fullmatch(line)
        if not m:
            raise Error(f"{where}: not a line this reader knows (one `key: 'quoted value'` "
                        f"a line): {line[:80]!r}")
        key, value = m["key"], m["value"]
        if not m["indent"] and not m["dash"]:
            if value is not None or key not in KEYS or key in rules:
                raise Error(f"{where}: unexpected top-level {key}")
            section, entry = key, None
            rules[section] = []
            continue
        if section is None or value is None:
            raise Error(f"{where}: a value outside a section, or a key without a value")
        if key not in KEYS[section]:
            raise Error(f"{where}: {key} is not a {section} key")
        if m["dash"]:
            entry, entry_indent = [], len(m["indent"]) + len(m["dash"])
            rules[section].append(entry)
        elif entry is None or len(m["indent"]) != entry_indent:
            raise Error(f"{where}: {key} is not aligned with its entry's first key")
        if any(k == key for k, _ in entry):
            raise Error(f"{where}: {key} twice in one entry")
        entry.append((key, unquote(value, where)))
    for s in KEYS:
        if s not in rules:
            raise Error(f"{filename}: no {s}")
        for e in rules[s]:
            if "regex" not in dict(e):
                raise Error(f"{filename}: an entry of {s} without a regex")
    return {s[0]: [sorted_entry(e, s[3]) for e in rules[s[0]]] for s in SECTIONS}


def sorted_entry(entry, params):
    # Keys in the parameter order (what `convert` writes), so entries compare as lists.
    order = {k: i for i, k in enumerate(params)}
    return sorted(entry, key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def read_file(path):
    with open(path, encoding="utf-8") as f:
        return read_yaml(f.read(), path)


# --- commands --------------------------------------------------------------------------------

def count_line(rules):
    n = {s: len(rules[s]) for s in LABELS}
    return (f"{sum(n.values())} rules (user agent {n['user_agent_parsers']}, "
            f"os {n['os_parsers']}, device {n['device_parsers']})")


def diff_line(old, new):
    if old == new:
        return f"the same {count_line(new)}"
    total_added = total_removed = 0
    parts = []
    for section, label in LABELS.items():
        before = Counter(tuple(e) for e in old[section])
        after = Counter(tuple(e) for e in new[section])
        added = sum((after - before).values())
        removed = sum((before - after).values())
        total_added += added
        total_removed += removed
        parts.append(f"{label} +{added}/-{removed}")
    order = "" if total_added or total_removed or old == new else ", reordered"
    return f"+{total_added} / -{total_removed} rules ({', '.join(parts)}){order}"


def main(argv):
    usage = "usage: uap_yaml.py describe WHEEL | convert WHEEL | count FILE | diff OLD NEW"
    if len(argv) < 2 or (argv[0], len(argv)) not in {
            ("describe", 2), ("convert", 2), ("count", 2), ("diff", 3)}:
        print(usage, file=sys.stderr)
        return 2
    try:
        if argv[0] == "describe":
            print("\n".join(describe(argv[1])))
        elif argv[0] == "convert":
            sys.stdout.buffer.write(convert(argv[1]).encode("utf-8"))
        elif argv[0] == "count":
            print(count_line(read_file(argv[1])))
        else:
            print(diff_line(read_file(argv[1]), read_file(argv[2])))
    except (Error, OSError, SyntaxError, zipfile.BadZipFile) as e:
        print(f"uap_yaml.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
