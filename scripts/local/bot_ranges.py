#!/usr/bin/env python3
"""The work of scripts/update-ranges (which documents the command): fetches every range list
named in bots/data/operators.json, checks it, compares it with the bundled copy, writes it under
ranges/ and sets its `bundled` in operators.json. Python 3 standard library only.

A list is read by the rules of the build (bots/build/range_file.rs; its `creationTime` as
bots/build/creation_time.rs, its CIDRs as bots/src/cidr.rs), with the same messages, so what this
writes is what the build accepts and what it refuses is what the build would have refused.

  bot_ranges.py refresh --data DIR [--mirror URL] [--check] [--outcome FILE]
      the report on stdout; FILE gets three lines: files written (or, with --check, that would
      be), lists that failed, lists in all, then each failure (`URL: reason`). Exit status 0
      when it ran (failed lists included), 1 when it could not start (operators.json unreadable).
  bot_ranges.py format-operators FILE
      FILE as this writes it, on stdout: the same bytes when FILE is in the writer's layout.
"""

import argparse
import ipaddress
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# bots/src/freshness.rs MAX_RANGE_AGE_DAYS: a list older than this (by creationTime) is stale.
MAX_RANGE_AGE_DAYS = 180
# Lists whose format is not confirmed to be the standard one: when what is served is not
# shaped like it, the list is skipped (reported, not a failure).
UNCONFIRMED_FORMAT = {"https://claude.com/crawling/bots.json"}
# How many added or removed CIDRs the report names; the rest are counted.
SHOWN_CIDRS = 5
MAX_BYTES = 16 << 20
TIMEOUT_SECS = 30
USER_AGENT = "footfall-update-ranges (scripts/update-ranges)"


class Invalid(Exception):
    """Why a list (or its download) is not usable."""


# --- The build's readers, in Python --------------------------------------------------------


def _ascii_digits(text):
    return text != "" and all("0" <= c <= "9" for c in text)


def _debug(text):
    """A string as Rust's `{:?}` writes it (for the plain strings these lists hold)."""
    return json.dumps(text, ensure_ascii=False)


def _days_since_epoch(year, month, day):
    # Howard Hinnant's days_from_civil, as bots/build/creation_time.rs.
    year = year - 1 if month <= 2 else year
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def unix_seconds(text):
    """bots/build/creation_time.rs unix_seconds: `creationTime` as Unix seconds (UTC)."""

    def bad(why):
        return Invalid(
            f"creationTime {_debug(text)} is not "
            f"YYYY-MM-DDTHH:MM:SS[.fraction][Z|+00:00] ({why})"
        )

    if text.endswith("Z"):
        rest = text[:-1]
    elif text.endswith("+00:00"):
        rest = text[:-6]
    else:
        rest = text
    split = re.search("[T ]", rest)
    if not split:
        raise bad("no `T` between date and time")
    date, clock = rest[: split.start()], rest[split.end() :]
    if "." in clock:
        clock, fraction = clock.split(".", 1)
        if not _ascii_digits(fraction):
            raise bad("the fraction of a second is not digits")

    def three(part, separator, widths):
        pieces = part.split(separator)
        if len(pieces) != 3 or any(
            len(p) != w or not _ascii_digits(p) for p, w in zip(pieces, widths)
        ):
            return None
        return [int(p) for p in pieces]

    date_fields = three(date, "-", (4, 2, 2))
    if date_fields is None:
        raise bad("bad date")
    clock_fields = three(clock, ":", (2, 2, 2))
    if clock_fields is None:
        raise bad("bad time of day")
    year, month, day = date_fields
    hour, minute, second = clock_fields
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days_in_month = {2: 29 if leap else 28, 4: 30, 6: 30, 9: 30, 11: 30}.get(month, 31)
    if not 1 <= month <= 12 or day < 1 or day > days_in_month:
        raise bad("no such day")
    if hour > 23 or minute > 59 or second > 60:
        raise bad("no such time of day")
    return _days_since_epoch(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second


def parse_cidr(text):
    """bots/src/cidr.rs parse_cidr: the network (host bits masked), or why it is not a CIDR."""
    text = text.strip()
    if "/" not in text:
        raise Invalid("no `/` and prefix length (write e.g. 192.0.2.0/24)")
    address, length = text.split("/", 1)
    if not _ascii_digits(length):
        raise Invalid("the prefix length is not a number")
    bits = int(length)
    # Rust's parsers take no zone (`%eth0`) and no spaces; Python's IPv6Address takes a zone.
    plain = address != "" and all(c in "0123456789abcdefABCDEF:." for c in address)
    for family, parse, max_bits in ((4, ipaddress.IPv4Address, 32), (6, ipaddress.IPv6Address, 128)):
        try:
            parsed = parse(address) if plain else None
        except ValueError:
            parsed = None
        if parsed is None:
            continue
        if bits > max_bits:
            raise Invalid(
                f"prefix length {length} is longer than an IPv{family} address ({max_bits} bits)"
            )
        return ipaddress.ip_network(f"{parsed}/{bits}", strict=False)
    raise Invalid("not an IPv4 or IPv6 address before the `/`")


def _compact(value):
    """serde_json's Display of a value: compact JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def decode_json(body):
    """The document, or Invalid("not JSON: ..."): UTF-8 without BOM, no NaN, as serde_json."""
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as e:
        raise Invalid(f"not JSON: {e}") from None


class RangeList:
    def __init__(self, creation_time, created, prefixes):
        self.creation_time = creation_time
        self.created = created
        # The networks in file order (a network written twice, twice).
        self.prefixes = prefixes

    def counts(self):
        v4 = sum(1 for p in self.prefixes if p.version == 4)
        return f"{v4} IPv4 + {len(self.prefixes) - v4} IPv6"


def parse_range_list(root):
    """bots/build/range_file.rs parse_range_list, on a decoded document."""
    if not isinstance(root, dict):
        raise Invalid("not a JSON object with `creationTime` and `prefixes`")
    if "creationTime" not in root:
        raise Invalid("no `creationTime`")
    creation_time = root["creationTime"]
    if not isinstance(creation_time, str):
        raise Invalid("`creationTime` is not a string")
    created = unix_seconds(creation_time)
    if "prefixes" not in root:
        raise Invalid("no `prefixes`")
    entries = root["prefixes"]
    if not isinstance(entries, list):
        raise Invalid("`prefixes` is not an array")
    if not entries:
        raise Invalid("`prefixes` is empty: every crawler of this operator would look spoofed")
    prefixes = []
    for i, entry in enumerate(entries):
        at = f"prefixes[{i}]: "
        if not isinstance(entry, dict):
            raise Invalid(f"{at}{_compact(entry)} is not an object")
        v4, v6 = "ipv4Prefix" in entry, "ipv6Prefix" in entry
        if v4 and v6:
            raise Invalid(f"{at}has both `ipv4Prefix` and `ipv6Prefix`")
        if not (v4 or v6):
            raise Invalid(f"{at}has neither `ipv4Prefix` nor `ipv6Prefix`")
        key = "ipv4Prefix" if v4 else "ipv6Prefix"
        cidr = entry[key]
        if not isinstance(cidr, str):
            raise Invalid(f"{at}`{key}` {_compact(cidr)} is not a string")
        try:
            network = parse_cidr(cidr)
        except Invalid as e:
            raise Invalid(f"{at}`{key}` {_debug(cidr)}: {e}") from None
        if network.version != (4 if v4 else 6):
            raise Invalid(f"{at}`{key}` {_debug(cidr)} is an address of the other family")
        prefixes.append(network)
    return RangeList(creation_time, created, prefixes)


def standard_shape(root):
    """None when the document looks like the standard format, else what it is instead."""
    if isinstance(root, dict):
        if "creationTime" in root and "prefixes" in root:
            return None
        keys = ", ".join(list(root)[:6]) + (", ..." if len(root) > 6 else "")
        return f"a JSON object with keys {keys}" if root else "an empty JSON object"
    return {list: "a JSON array", str: "a JSON string"}.get(type(root), "a JSON scalar")


# --- operators.json's writer ---------------------------------------------------------------

INDENT = "  "
WIDTH = 100


def _inlinable(value):
    """Arrays of inlinable values and objects of scalars may go on one line; objects holding
    arrays or objects (an operator) are always written one key a line."""
    if isinstance(value, list):
        return all(_inlinable(v) for v in value)
    if isinstance(value, dict):
        return not any(isinstance(v, (list, dict)) for v in value.values())
    return True


def _inline(value):
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = ", ".join(f"{_debug(k)}: {_inline(v)}" for k, v in value.items())
        return "{ " + items + " }"
    return json.dumps(value, ensure_ascii=False)


def _render(value, level, column, trailer):
    """`value` starting at `column` of a line at depth `level`, followed by `trailer`."""
    if not isinstance(value, (list, dict)) or not value:
        return _inline(value)
    if _inlinable(value):
        one_line = _inline(value)
        if column + len(one_line) + len(trailer) <= WIDTH:
            return one_line
    inner = INDENT * (level + 1)
    lines = []
    if isinstance(value, list):
        for i, item in enumerate(value):
            comma = "," if i + 1 < len(value) else ""
            lines.append(inner + _render(item, level + 1, len(inner), comma) + comma)
        open_, close = "[", "]"
    else:
        for i, (key, item) in enumerate(value.items()):
            comma = "," if i + 1 < len(value) else ""
            head = f"{inner}{_debug(key)}: "
            lines.append(head + _render(item, level + 1, len(head), comma) + comma)
        open_, close = "{", "}"
    return open_ + "\n" + "\n".join(lines) + "\n" + INDENT * level + close


def format_operators(doc):
    """operators.json as the repository writes it: two-space indent, an array (or an object of
    scalars) on one line when it fits in 100 columns, `{ "key": value }` inside, a final newline
    (Prettier's layout for this file)."""
    return _render(doc, 0, 0, "") + "\n"


# --- The refresh ---------------------------------------------------------------------------


def fetch(url, mirror):
    """The bytes served at `url` (or at MIRROR/host/path), or Invalid with why not."""
    source = url
    if mirror:
        parts = urllib.parse.urlsplit(url)
        source = f"{mirror.rstrip('/')}/{parts.netloc}{parts.path}"
        if parts.query:
            source += "?" + parts.query
    where = f" (fetched as {source})" if mirror else ""
    request = urllib.request.Request(
        source, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECS) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as e:
        raise Invalid(f"HTTP {e.code} {e.reason}{where}") from None
    except urllib.error.URLError as e:
        raise Invalid(f"cannot fetch it: {e.reason}{where}") from None
    except (OSError, ValueError) as e:  # timeouts, resets, a bad mirror URL
        raise Invalid(f"cannot fetch it: {e}{where}") from None
    if len(body) > MAX_BYTES:
        raise Invalid(f"larger than {MAX_BYTES >> 20} MiB{where}")
    return body


def new_file_name(operator, url):
    """ranges/<operator-lowercase>-<url basename>, e.g. ranges/openai-gptbot.json."""
    slug = re.sub(r"[^a-z0-9]+", "-", operator.lower()).strip("-")
    base = urllib.parse.urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", base).strip("-.") or "ranges"
    if not base.endswith(".json"):
        base += ".json"
    return f"ranges/{slug}-{base}"


def age_days(created, now):
    """bots/src/freshness.rs: whole days since creationTime, 0 for a time in the future."""
    return max(now - created, 0) // 86_400


def stale_warning(range_list, now, what=""):
    """The warning line for a list older than MAX_RANGE_AGE_DAYS, or None."""
    days = age_days(range_list.created, now)
    if days <= MAX_RANGE_AGE_DAYS:
        return None
    return (
        f"  warning: {what}creationTime {range_list.creation_time} is {days} days old, more "
        f"than {MAX_RANGE_AGE_DAYS} (MAX_RANGE_AGE_DAYS): the operator has not republished it "
        "since, and the processor will report it as stale at start"
    )


def cidr_lines(label, networks):
    if not networks:
        return []
    shown = ", ".join(str(n) for n in networks[:SHOWN_CIDRS])
    more = len(networks) - SHOWN_CIDRS
    return [f"  {label}: {shown}" + (f", ... ({more} more)" if more > 0 else "")]


def write_atomically(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = path + ".partial"
    with open(partial, "wb") as f:
        f.write(data)
    os.replace(partial, path)


def load_operators(path):
    with open(path, "rb") as f:
        original = f.read()
    try:
        doc = decode_json(original)
    except Invalid as e:
        raise SystemExit(f"update-ranges: {path}: {e}")
    operators = doc.get("operators") if isinstance(doc, dict) else None
    if not isinstance(operators, list):
        raise SystemExit(f"update-ranges: {path}: no `operators` array")
    for i, operator in enumerate(operators):
        ok = (
            isinstance(operator, dict)
            and isinstance(operator.get("name"), str)
            and isinstance(operator.get("ranges"), list)
            and all(
                isinstance(r, dict)
                and isinstance(r.get("url"), str)
                and r["url"].startswith("https://")
                and isinstance(r.get("bundled", ""), str)
                for r in operator["ranges"]
            )
        )
        if not ok:
            raise SystemExit(
                f"update-ranges: {path}: operators[{i}] has no `name`, or a range without an "
                "https:// `url` (the build says exactly what)"
            )
    return original, doc


def refresh(data, mirror, check, outcome):
    operators_path = os.path.join(data, "operators.json")
    original, doc = load_operators(operators_path)
    now = int(time.time())

    # Where each list goes, decided before anything is fetched.
    lists = []
    targets = {}
    for operator in doc["operators"]:
        for entry in operator["ranges"]:
            target = entry.get("bundled") or new_file_name(operator["name"], entry["url"])
            parts = target.split("/")
            if target.startswith("/") or ".." in parts or "" in parts:
                raise SystemExit(
                    f"update-ranges: {operators_path}: {operator['name']} {entry['url']}: "
                    f"`bundled` {target!r} is not a path under {data}"
                )
            if target in targets:
                raise SystemExit(
                    f"update-ranges: {entry['url']} and {targets[target]} would both be "
                    f"written to {target}: set `bundled` for one of them in operators.json"
                )
            targets[target] = entry["url"]
            lists.append((operator["name"], entry, target))

    writes = []  # (path, bytes)
    failures = []
    would = "would be " if check else ""
    for name, entry, target in lists:
        url = entry["url"]
        path = os.path.join(data, target)
        bundled = entry.get("bundled")
        print(f"{name}  {url}")
        try:
            with open(path, "rb") as f:
                on_disk = f.read()
        except FileNotFoundError:
            on_disk = None
        old = None
        if bundled:
            try:
                if on_disk is None:
                    raise Invalid("missing")
                old = parse_range_list(decode_json(on_disk))
            except Invalid as e:
                print(f"  note: the bundled {target} is unreadable ({e}): it is replaced")

        other = None
        try:
            body = fetch(url, mirror)
            root = decode_json(body)
            other = standard_shape(root) if url in UNCONFIRMED_FORMAT else None
            if other:
                raise Invalid(other)
            new = parse_range_list(root)
        except Invalid as e:
            reason = str(e)
            if url in UNCONFIRMED_FORMAT and (other or reason.startswith("not JSON")):
                print(f"  not in the standard format; skipped ({reason}): check it before bundling")
                continue
            kept = f"{target} left as it was" if bundled else "not bundled, left as it was"
            print(f"  error: {reason}; {kept}")
            failures.append(f"{url}: {reason}")
            warning = old and stale_warning(old, now, f"the bundled {target}: ")
            if warning:
                print(warning)
            continue

        if old is None:
            there = "; the file was already there" if on_disk is not None else ""
            print(f"  new: {target} (creationTime {new.creation_time}, {new.counts()} prefixes){there}")
        elif on_disk == body:
            print(f"  unchanged: {target} (creationTime {new.creation_time}, {new.counts()} prefixes)")
        else:
            before, after = set(old.prefixes), set(new.prefixes)
            added = [n for n in dict.fromkeys(new.prefixes) if n not in before]
            removed = [n for n in dict.fromkeys(old.prefixes) if n not in after]
            if added or removed:
                what = f"+{len(added)} / -{len(removed)} prefixes (now {new.counts()})"
            elif old.prefixes != new.prefixes:
                what = f"the same prefixes, reordered ({new.counts()})"
            else:
                what = f"the same prefixes ({new.counts()})"
            print(f"  changed: {target}, {what}")
            if old.creation_time != new.creation_time:
                print(f"  creationTime {old.creation_time} -> {new.creation_time}")
            else:
                print(f"  creationTime {new.creation_time}, as before")
                if not (added or removed):
                    print("  only the file's layout differs (it is kept as served)")
            for line in cidr_lines("added", added) + cidr_lines("removed", removed):
                print(line)
        if on_disk != body:
            writes.append((path, body))
            print(f"  {target} {would}written")
        if not bundled:
            entry["bundled"] = target
            print(f"  `bundled` {would}set in operators.json")
        if url in UNCONFIRMED_FORMAT:
            print(
                "  note: served in the standard format: operators.json's note that its format is "
                "not confirmed can go"
            )
        warning = stale_warning(new, now)
        if warning:
            print(warning)

    text = format_operators(doc).encode("utf-8")
    if text != original:
        if format_operators(decode_json(original)).encode("utf-8") != original:
            print(
                "operators.json: not in this script's layout (two-space indent, arrays on one line "
                f"when they fit in 100 columns): it is {would}reformatted, review the diff"
            )
        writes.append((operators_path, text))
    if not check:
        # The lists first: operators.json never names a file that is not there.
        for path, body in writes:
            write_atomically(path, body)
    if outcome:
        with open(outcome, "w", encoding="utf-8") as f:
            f.write(f"{len(writes)}\n{len(failures)}\n{len(lists)}\n")
            for failure in failures:
                f.write(failure + "\n")


def main():
    parser = argparse.ArgumentParser(prog="bot_ranges.py")
    commands = parser.add_subparsers(dest="command", required=True)
    refresh_args = commands.add_parser("refresh")
    refresh_args.add_argument("--data", required=True)
    refresh_args.add_argument("--mirror")
    refresh_args.add_argument("--check", action="store_true")
    refresh_args.add_argument("--outcome")
    format_args = commands.add_parser("format-operators")
    format_args.add_argument("file")
    args = parser.parse_args()
    if args.command == "refresh":
        refresh(args.data, args.mirror, args.check, args.outcome)
    else:
        _, doc = load_operators(args.file)
        sys.stdout.buffer.write(format_operators(doc).encode("utf-8"))


if __name__ == "__main__":
    main()
