//! Reading one CIDR (`192.0.2.0/24`, `2001:db8::/32`) as the inclusive range of addresses it
//! covers.
//!
//! Shared by the build script (the bundled range files) and the crate (`extra_bot_ranges`), so
//! both accept and reject exactly the same text. Host bits below the prefix length are masked
//! (`192.0.2.7/24` covers `192.0.2.0`-`192.0.2.255`), as the operators' own lists are read.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The addresses one CIDR covers, first and last included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cidr {
    V4 { first: u32, last: u32 },
    V6 { first: u128, last: u128 },
}

/// Why a text is not a CIDR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CidrError {
    /// No `/` between address and prefix length.
    NoPrefixLength,
    /// The part before the `/` is neither an IPv4 nor an IPv6 address.
    BadAddress,
    /// The part after the `/` is not a decimal number.
    BadPrefixLength,
    /// The prefix length exceeds the address's bits (32 for IPv4, 128 for IPv6).
    PrefixTooLong { length: String, max: u32 },
}

impl fmt::Display for CidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CidrError::NoPrefixLength => {
                write!(f, "no `/` and prefix length (write e.g. 192.0.2.0/24)")
            }
            CidrError::BadAddress => write!(f, "not an IPv4 or IPv6 address before the `/`"),
            CidrError::BadPrefixLength => write!(f, "the prefix length is not a number"),
            CidrError::PrefixTooLong { length, max } => write!(
                f,
                "prefix length {length} is longer than an IPv{} address ({max} bits)",
                if *max == 32 { 4 } else { 6 }
            ),
        }
    }
}

impl std::error::Error for CidrError {}

/// Reads `address/length`; surrounding whitespace is ignored, host bits are masked.
pub fn parse_cidr(text: &str) -> Result<Cidr, CidrError> {
    let (address, length) = text
        .trim()
        .split_once('/')
        .ok_or(CidrError::NoPrefixLength)?;
    if length.is_empty() || !length.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CidrError::BadPrefixLength);
    }
    let too_long = |max| CidrError::PrefixTooLong {
        length: length.to_owned(),
        max,
    };
    // Digits only, so a failed parse means more digits than u32 holds: too long either way.
    let bits: u32 = length.parse().unwrap_or(u32::MAX);
    if let Ok(v4) = address.parse::<Ipv4Addr>() {
        if bits > 32 {
            return Err(too_long(32));
        }
        let host_bits = u32::MAX.checked_shr(bits).unwrap_or(0);
        let first = u32::from(v4) & !host_bits;
        Ok(Cidr::V4 {
            first,
            last: first | host_bits,
        })
    } else if let Ok(v6) = address.parse::<Ipv6Addr>() {
        if bits > 128 {
            return Err(too_long(128));
        }
        let host_bits = u128::MAX.checked_shr(bits).unwrap_or(0);
        let first = u128::from(v6) & !host_bits;
        Ok(Cidr::V6 {
            first,
            last: first | host_bits,
        })
    } else {
        Err(CidrError::BadAddress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(first: &str, last: &str) -> Cidr {
        Cidr::V4 {
            first: first.parse::<Ipv4Addr>().unwrap().into(),
            last: last.parse::<Ipv4Addr>().unwrap().into(),
        }
    }

    fn v6(first: &str, last: &str) -> Cidr {
        Cidr::V6 {
            first: first.parse::<Ipv6Addr>().unwrap().into(),
            last: last.parse::<Ipv6Addr>().unwrap().into(),
        }
    }

    #[test]
    fn covers_the_prefix_first_and_last_address_included() {
        assert_eq!(
            parse_cidr("66.249.64.0/27"),
            Ok(v4("66.249.64.0", "66.249.64.31"))
        );
        assert_eq!(
            parse_cidr("2001:4860:4801:10::/64"),
            Ok(v6(
                "2001:4860:4801:10::",
                "2001:4860:4801:10:ffff:ffff:ffff:ffff"
            ))
        );
        assert_eq!(parse_cidr(" 10.0.0.1/32 "), Ok(v4("10.0.0.1", "10.0.0.1")));
        assert_eq!(parse_cidr("::1/128"), Ok(v6("::1", "::1")));
    }

    #[test]
    fn zero_length_covers_the_whole_family() {
        assert_eq!(
            parse_cidr("0.0.0.0/0"),
            Ok(v4("0.0.0.0", "255.255.255.255"))
        );
        assert_eq!(
            parse_cidr("::/0"),
            Ok(Cidr::V6 {
                first: 0,
                last: u128::MAX
            })
        );
    }

    #[test]
    fn host_bits_are_masked() {
        assert_eq!(
            parse_cidr("192.0.2.77/24"),
            Ok(v4("192.0.2.0", "192.0.2.255"))
        );
        assert_eq!(
            parse_cidr("2001:db8::1234/112"),
            Ok(v6("2001:db8::", "2001:db8::ffff"))
        );
    }

    #[test]
    fn says_what_is_wrong() {
        assert_eq!(parse_cidr("192.0.2.0"), Err(CidrError::NoPrefixLength));
        assert_eq!(parse_cidr("192.0.2/24"), Err(CidrError::BadAddress));
        assert_eq!(parse_cidr("example.com/24"), Err(CidrError::BadAddress));
        assert_eq!(parse_cidr("192.0.2.0/"), Err(CidrError::BadPrefixLength));
        assert_eq!(parse_cidr("192.0.2.0/+8"), Err(CidrError::BadPrefixLength));
        assert_eq!(parse_cidr("192.0.2.0/2 4"), Err(CidrError::BadPrefixLength));
        assert_eq!(
            parse_cidr("192.0.2.0/33"),
            Err(CidrError::PrefixTooLong {
                length: "33".into(),
                max: 32
            })
        );
        assert_eq!(
            parse_cidr("2001:db8::/129"),
            Err(CidrError::PrefixTooLong {
                length: "129".into(),
                max: 128
            })
        );
        assert_eq!(
            parse_cidr("::/99999999999"),
            Err(CidrError::PrefixTooLong {
                length: "99999999999".into(),
                max: 128
            })
        );
        assert_eq!(
            CidrError::PrefixTooLong {
                length: "33".into(),
                max: 32
            }
            .to_string(),
            "prefix length 33 is longer than an IPv4 address (32 bits)"
        );
    }
}
