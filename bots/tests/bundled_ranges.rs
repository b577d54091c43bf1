//! The compiled tables against the bundled range lists themselves: every address the lists
//! cover verifies, and the addresses just outside them do not. The lists are read here with
//! serde_json and std's address parsing, independently of the build script.

use footfall_bots::{operator_named, Ranges};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

const GOOGLEBOT: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

/// One prefix of a list as inclusive `(first, last)` addresses, IPv4 widened into the u128
/// space of `::ffff:0:0/96` so both families share one oracle.
#[derive(Debug, Clone, Copy)]
struct Prefix {
    v4: bool,
    first: u128,
    last: u128,
}

impl Prefix {
    fn address(&self, value: u128) -> IpAddr {
        if self.v4 {
            IpAddr::V4(Ipv4Addr::from(u32::try_from(value).unwrap()))
        } else {
            IpAddr::V6(Ipv6Addr::from(value))
        }
    }
}

fn read_prefix(entry: &Value) -> Prefix {
    let (v4, text) = match (entry.get("ipv4Prefix"), entry.get("ipv6Prefix")) {
        (Some(v4), None) => (true, v4.as_str().unwrap()),
        (None, Some(v6)) => (false, v6.as_str().unwrap()),
        _ => panic!("{entry}"),
    };
    let (address, length) = text.split_once('/').unwrap();
    let length: u32 = length.parse().unwrap();
    let (value, bits) = if v4 {
        (
            u128::from(u32::from(address.parse::<Ipv4Addr>().unwrap())),
            32,
        )
    } else {
        (u128::from(address.parse::<Ipv6Addr>().unwrap()), 128)
    };
    let size = 1u128
        .checked_shl(bits - length)
        .map_or(u128::MAX, |size| size - 1);
    Prefix {
        v4,
        first: value & !size,
        last: (value & !size) | size,
    }
}

/// Every Google list: its file name and its prefixes in file order.
fn google_lists() -> Vec<(&'static str, Vec<Prefix>)> {
    operator_named("Google")
        .unwrap()
        .bundled
        .iter()
        .map(|list| {
            let path = format!("{}/data/{}", env!("CARGO_MANIFEST_DIR"), list.file);
            let json: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let prefixes = json["prefixes"]
                .as_array()
                .unwrap()
                .iter()
                .map(read_prefix)
                .collect();
            (list.file, prefixes)
        })
        .collect()
}

/// A Google prefix of the same family that covers `value`: the slow, obvious answer.
fn covering(all: &[Prefix], v4: bool, value: u128) -> Option<Prefix> {
    all.iter()
        .copied()
        .find(|p| p.v4 == v4 && p.first <= value && value <= p.last)
}

fn verified(ranges: &Ranges, ip: IpAddr) -> Option<bool> {
    ranges.verify(GOOGLEBOT, ip).unwrap().verified
}

#[test]
fn the_first_prefixes_of_each_list_verify_edge_to_edge_and_not_beyond() {
    let ranges = Ranges::bundled();
    let lists = google_lists();
    let all: Vec<Prefix> = lists
        .iter()
        .flat_map(|(_, prefixes)| prefixes.clone())
        .collect();
    for (file, prefixes) in &lists {
        let first_v4 = prefixes.iter().find(|p| p.v4).unwrap();
        let first_v6 = prefixes.iter().find(|p| !p.v4).unwrap();
        assert!(!prefixes[0].v4, "{file}: Google lists start with IPv6");
        for prefix in [first_v4, first_v6] {
            for edge in [prefix.first, prefix.last] {
                let ip = prefix.address(edge);
                assert_eq!(
                    verified(&ranges, ip),
                    Some(true),
                    "{file}: {ip} in {prefix:?}"
                );
            }
            // Neighbouring prefixes often continue the block: jump to where the lists stop.
            let (mut below, mut above) = (prefix.first, prefix.last);
            while let Some(block) = covering(&all, prefix.v4, below) {
                below = block.first - 1;
            }
            while let Some(block) = covering(&all, prefix.v4, above) {
                above = block.last + 1;
            }
            for outside in [below, above] {
                let ip = prefix.address(outside);
                assert_eq!(
                    verified(&ranges, ip),
                    Some(false),
                    "{file}: {ip} is outside"
                );
            }
            let (last_inside, first_inside) =
                (prefix.address(above - 1), prefix.address(below + 1));
            assert_eq!(
                verified(&ranges, last_inside),
                Some(true),
                "{file}: {last_inside}"
            );
            assert_eq!(
                verified(&ranges, first_inside),
                Some(true),
                "{file}: {first_inside}"
            );
        }
    }
}

#[test]
fn every_prefix_edge_agrees_with_the_lists() {
    let ranges = Ranges::bundled();
    let all: Vec<Prefix> = google_lists()
        .into_iter()
        .flat_map(|(_, prefixes)| prefixes)
        .collect();
    let mut checked = 0;
    for prefix in &all {
        let top = if prefix.v4 {
            u128::from(u32::MAX)
        } else {
            u128::MAX
        };
        let candidates = [
            prefix.first.checked_sub(1),
            Some(prefix.first),
            Some(prefix.last),
            prefix.last.checked_add(1),
        ];
        for value in candidates
            .into_iter()
            .flatten()
            .filter(|&value| value <= top)
        {
            let expected = covering(&all, prefix.v4, value).is_some();
            assert_eq!(
                verified(&ranges, prefix.address(value)),
                Some(expected),
                "{}",
                prefix.address(value)
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * all.len());
}

#[test]
fn the_counts_reported_are_the_files_counts() {
    for ((file, prefixes), list) in google_lists()
        .iter()
        .zip(operator_named("Google").unwrap().bundled)
    {
        assert_eq!(*file, list.file);
        assert_eq!(
            prefixes.iter().filter(|p| p.v4).count(),
            list.ipv4_prefixes,
            "{file}"
        );
        assert_eq!(
            prefixes.iter().filter(|p| !p.v4).count(),
            list.ipv6_prefixes,
            "{file}"
        );
    }
}

#[test]
fn well_known_google_addresses() {
    let ranges = Ranges::bundled();
    for ip in ["66.249.66.1", "2001:4860:4801:10::1", "::ffff:66.249.66.1"] {
        assert_eq!(verified(&ranges, ip.parse().unwrap()), Some(true), "{ip}");
    }
    for ip in [
        "203.0.113.9",
        "8.8.8.8",
        "2001:db8::1",
        "::ffff:203.0.113.9",
    ] {
        assert_eq!(verified(&ranges, ip.parse().unwrap()), Some(false), "{ip}");
    }
}
