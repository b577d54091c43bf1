"""How much GeoIP the edge's default IP truncation costs (scripts/bench-geo-truncation): for
random addresses, the location of the full address against that of its network, /24 for IPv4
(a.b.c.0) and /48 for IPv6 (the rest zeroed, as the edge's `truncate_ip` does), in one
City database. Prints a markdown table on stdout, progress on stderr.

Rows, each drawn with its own random stream from SEED, so every database gets the same
addresses in the rows that do not depend on its networks:
- IPv4, random public addresses: uniform over the globally routable IPv4 space (IANA's
  special-purpose blocks, private, shared, loopback, link-local, documentation, benchmarking,
  multicast and 240/4 left out). The headline figure.
- IPv4, random known networks: a network drawn uniformly from the database's own IPv4 networks,
  then an address in it. This weights the small, finely located networks far above their share
  of addresses (or of traffic): the harsh case, and the yardstick for the last IPv6 row.
- IPv6, random 2000::/3 addresses: uniform over global unicast (less 2001::/23, 2001:db8::/32,
  2002::/16 6to4, 3fff::/20). Almost none are known: the routed IPv6 space is a sliver of it.
- IPv6, random addresses of the known space: a network drawn by its size (address-weighted)
  from the database's networks in that space, then an address in it.
- IPv6, random known networks: drawn uniformly (network-weighted), with every network longer
  than /64 counted once as its /64 (such entries are single hosts or servers, and each brings a
  chain of sibling networks down to it that would otherwise weigh in).

Columns: known = the full address has a record; same country, same region+city (first
subdivision and city) and same footfall location (country, most specific subdivision and city:
what footfall-processor records) are shares of the known addresses; same city (country and
city) is the share of those whose full address has a city. Names are compared in English; a
truncated address without a record counts as a different location.

Two record layouts are read: MaxMind's (country.iso_code, subdivisions[].names.en,
city.names.en) and ip-location-db's flat one (country_code, state1, state2, city; "" for none).

Usage: geo_truncation.py NAME IPV4_MMDB IPV6_MMDB COUNT SEED (the same file twice for a MaxMind
database, which holds both)
"""
import bisect
import datetime
import ipaddress
import mmap
import random
import sys
import time

import maxminddb

name, ipv4_path, ipv6_path, count, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]

# Left out of the samples (IANA special-purpose address registries, plus multicast and 240/4).
NOT_PUBLIC_V4 = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24",
    "192.168.0.0/16", "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
    "224.0.0.0/4", "240.0.0.0/4")]
GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
NOT_PUBLIC_V6 = [ipaddress.ip_network(n) for n in (
    "2001::/23", "2001:db8::/32", "2002::/16", "2620:4f:8000::/48", "3fff::/20")]


def ranges(networks):
    return [(int(n.network_address), int(n.broadcast_address)) for n in networks]


V4_RANGES, V6_RANGES = ranges(NOT_PUBLIC_V4), ranges(NOT_PUBLIC_V6)


def location(record):
    """(country, first subdivision, most specific subdivision, city) of a record, or None."""
    if record is None:
        return None
    if "country_code" in record:  # ip-location-db
        state1, state2 = record.get("state1") or None, record.get("state2") or None
        return (record.get("country_code") or None, state1, state2 or state1, record.get("city") or None)

    def en(part):
        if not part:
            return None
        names = part.get("names") or {}
        return names.get("en") or (str(part["geoname_id"]) if "geoname_id" in part else None)

    subdivisions = record.get("subdivisions") or []
    return ((record.get("country") or {}).get("iso_code"),
            en(subdivisions[0]) if subdivisions else None,
            en(subdivisions[-1]) if subdivisions else None,
            en(record.get("city")))


class Tree:
    """The networks of one database under one prefix, read straight from its search tree (the
    reader's own iterator decodes every record and walks IPv4 too: too slow for this)."""

    def __init__(self, path, reader):
        meta = reader.metadata()
        self.node_count, self.record_size = meta.node_count, meta.record_size
        self.bits = 128 if meta.ip_version == 6 else 32
        with open(path, "rb") as f:
            self.buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)

    def children(self, node):
        size, buf = self.record_size, self.buf
        if size == 24:
            o = node * 6
            return int.from_bytes(buf[o:o + 3], "big"), int.from_bytes(buf[o + 3:o + 6], "big")
        if size == 28:
            o = node * 7
            mid = buf[o + 3]
            left = ((mid & 0xF0) << 20) | int.from_bytes(buf[o:o + 3], "big")
            right = ((mid & 0x0F) << 24) | int.from_bytes(buf[o + 4:o + 7], "big")
            return left, right
        o = node * 8
        return int.from_bytes(buf[o:o + 4], "big"), int.from_bytes(buf[o + 4:o + 8], "big")

    def networks(self, start_bits, start_len, bits, bad):
        """Every network with data under the prefix start_bits/start_len of a `bits`-bit space
        (IPv4 inside an IPv6 tree sits under ::/96), less those overlapping `bad`; as a list of
        (value << 8 | prefix_len), value in that space."""
        node = 0
        offset = self.bits - bits  # the tree's depth where that space starts
        for i in range(offset + start_len):
            bit = (start_bits >> (bits - 1 - (i - offset))) & 1 if i >= offset else 0
            node = self.children(node)[bit]
            if node >= self.node_count:
                return []  # the whole prefix is one record or none: not worth sampling
        # Stack entries: node, depth, value, and whether the network is clear of `bad` (so all
        # below it is, and needs no more checks).
        out, stack, n = [], [(node, start_len, start_bits, False)], self.node_count
        children = self.children
        while stack:
            node, depth, value, clear = stack.pop()
            left, right = children(node)
            depth += 1
            for child, child_value in ((left, value), (right, value | (1 << (bits - depth)))):
                if child == n:
                    continue  # no data
                child_clear = clear
                if not clear:
                    last = child_value | ((1 << (bits - depth)) - 1)
                    if any(lo <= child_value and last <= hi for lo, hi in bad):
                        continue  # left out (in a MaxMind tree, 2001::/32 and 2002::/16 alias IPv4)
                    child_clear = not any(child_value <= hi and last >= lo for lo, hi in bad)
                if child > n:
                    out.append(child_value << 8 | depth)
                else:
                    stack.append((child, depth, child_value, child_clear))
        return out


def address_in(rng, network, bits, bad):
    """A random address of a network (value << 8 | prefix_len) outside the left-out ranges."""
    value, prefix_len = network >> 8, network & 0xFF
    while True:
        address = value | rng.getrandbits(bits - prefix_len) if prefix_len < bits else value
        if not any(lo <= address <= hi for lo, hi in bad):
            return address


def compare(reader, addresses, keep_bits, bits):
    """The row's counts for full addresses against their truncated networks."""
    mask = ((1 << keep_bits) - 1) << (bits - keep_bits)
    make = ipaddress.IPv4Address if bits == 32 else ipaddress.IPv6Address
    known = with_city = country = region_city = city = footfall = lost = finer = 0
    for address in addresses:
        record, prefix_len = reader.get_with_prefix_len(make(address))
        full = location(record)
        if full is None:
            continue
        known += 1
        finer += prefix_len > keep_bits
        cut = location(reader.get(make(address & mask)))
        if cut is None:
            lost += 1
            cut = (None, None, None, None)
        country += full[0] == cut[0]
        region_city += (full[1], full[3]) == (cut[1], cut[3])
        footfall += (full[0], full[2], full[3]) == (cut[0], cut[2], cut[3])
        if full[3] is not None:
            with_city += 1
            city += (full[0], full[3]) == (cut[0], cut[3])
    return dict(sampled=len(addresses), known=known, with_city=with_city, country=country,
                region_city=region_city, city=city, footfall=footfall, lost=lost, finer=finer)


def progress(message):
    print(f"    {message}", file=sys.stderr, flush=True)


def main():
    v4 = maxminddb.open_database(ipv4_path)
    v6 = v4 if ipv6_path == ipv4_path else maxminddb.open_database(ipv6_path)
    rows = []

    rng = random.Random(f"{seed}:ipv4-public")
    public = []
    while len(public) < count:
        address = rng.getrandbits(32)
        if not any(lo <= address <= hi for lo, hi in V4_RANGES):
            public.append(address)
    rows.append(("IPv4 → /24, random public addresses", compare(v4, public, 24, 32), None))

    t = time.perf_counter()
    networks = Tree(ipv4_path, v4).networks(0, 0, 32, V4_RANGES)
    progress(f"{len(networks):,} IPv4 networks in the tree ({time.perf_counter() - t:.1f} s)")
    rng = random.Random(f"{seed}:ipv4-networks")
    picked = [address_in(rng, rng.choice(networks), 32, V4_RANGES) for _ in range(count)]
    rows.append(("IPv4 → /24, random known networks", compare(v4, picked, 24, 32), len(networks)))

    rng = random.Random(f"{seed}:ipv6-global")
    space = int(GLOBAL_UNICAST_V6.network_address)
    uniform = []
    while len(uniform) < count:
        address = space | rng.getrandbits(125)
        if not any(lo <= address <= hi for lo, hi in V6_RANGES):
            uniform.append(address)
    rows.append(("IPv6 → /48, random 2000::/3 addresses", compare(v6, uniform, 48, 128), None))

    t = time.perf_counter()
    networks = Tree(ipv6_path, v6).networks(space, 3, 128, V6_RANGES)
    progress(f"{len(networks):,} IPv6 networks in 2000::/3 in the tree ({time.perf_counter() - t:.1f} s)")
    # Address-weighted: a random address of the space the database knows.
    rng = random.Random(f"{seed}:ipv6-known-space")
    ends, total = [], 0
    for network in networks:
        total += 1 << (128 - (network & 0xFF))
        ends.append(total)
    picked = [address_in(rng, networks[bisect.bisect_right(ends, rng.randrange(total))], 128, V6_RANGES)
              for _ in range(count)]
    rows.append(("IPv6 → /48, random addresses of the known space", compare(v6, picked, 48, 128), len(networks)))
    # Network-weighted, a network longer than /64 (a host's or a server's, and each such entry
    # brings a chain of sibling networks down to it) counted once as its /64.
    slash64s = sorted({n if n & 0xFF <= 64 else (n >> 8 >> 64 << 72 | 64) for n in networks})
    rng = random.Random(f"{seed}:ipv6-networks")
    picked = [address_in(rng, rng.choice(slash64s), 128, V6_RANGES) for _ in range(count)]
    rows.append(("IPv6 → /48, random known networks (≤ /64)", compare(v6, picked, 48, 128),
                 len(slash64s)))

    def built(reader):
        meta = reader.metadata()
        day = datetime.datetime.fromtimestamp(meta.build_epoch, datetime.timezone.utc).date()
        return f"{meta.database_type}, built {day}"

    dbs = built(v4) if v6 is v4 else f"{built(v4)}; {built(v6)}"
    print(f"### {name} ({dbs})\n")
    print("| sample | sampled | known | with a city | same country | same region+city "
          "| same city (of those with a city) | same footfall location |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")

    def pct(part, whole):
        return f"{100 * part / whole:.2f}%" if whole else "–"

    for label, r, _ in rows:
        print(f"| {label} | {r['sampled']:,} | {r['known']:,} | {r['with_city']:,} "
              f"| {pct(r['country'], r['known'])} | {pct(r['region_city'], r['known'])} "
              f"| {pct(r['city'], r['with_city'])} | {pct(r['footfall'], r['known'])} |")
    print()
    print("Known addresses in a network longer than the cut (only those can change), of them "
          "losing their record when cut, and the networks drawn from:")
    for label, r, networks in rows:
        drawn = f"; {networks:,} networks" if networks else ""
        print(f"- {label}: {r['finer']:,}, {r['lost']:,} lost{drawn}")
    print()


main()
