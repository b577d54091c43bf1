//! Reading one published range list, in the format Google, Bing, OpenAI and Perplexity share:
//! `{"creationTime": "...", "prefixes": [{"ipv4Prefix": "a.b.c.d/n"} | {"ipv6Prefix": "x::/n"}]}`.
//!
//! Anything that is not exactly that is an error that names the entry at fault, so a bad file
//! fails the build instead of shipping an operator whose every crawler looks spoofed. Other keys
//! (of the list or of an entry) are ignored, as the operators add some over time.

use crate::cidr::{parse_cidr, Cidr};
use crate::creation_time::unix_seconds;
use serde_json::Value;

/// One range list's prefixes, as inclusive ranges in file order (not yet merged).
#[derive(Debug)]
pub struct RangeList {
    /// `creationTime` as written.
    pub creation_time: String,
    pub created_unix_secs: i64,
    pub ipv4: Vec<(u32, u32)>,
    pub ipv6: Vec<(u128, u128)>,
}

/// Reads a range list, or says what is wrong with it.
pub fn parse_range_list(text: &str) -> Result<RangeList, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let root = root
        .as_object()
        .ok_or("not a JSON object with `creationTime` and `prefixes`")?;
    let creation_time = root
        .get("creationTime")
        .ok_or("no `creationTime`")?
        .as_str()
        .ok_or("`creationTime` is not a string")?;
    let created_unix_secs = unix_seconds(creation_time)?;
    let prefixes = root
        .get("prefixes")
        .ok_or("no `prefixes`")?
        .as_array()
        .ok_or("`prefixes` is not an array")?;
    if prefixes.is_empty() {
        return Err(
            "`prefixes` is empty: every crawler of this operator would look spoofed".into(),
        );
    }
    let mut list = RangeList {
        creation_time: creation_time.to_owned(),
        created_unix_secs,
        ipv4: Vec::new(),
        ipv6: Vec::new(),
    };
    for (i, entry) in prefixes.iter().enumerate() {
        let at = |why: String| format!("prefixes[{i}]: {why}");
        let object = entry
            .as_object()
            .ok_or_else(|| at(format!("{entry} is not an object")))?;
        let (key, cidr) = match (object.get("ipv4Prefix"), object.get("ipv6Prefix")) {
            (Some(v4), None) => ("ipv4Prefix", v4),
            (None, Some(v6)) => ("ipv6Prefix", v6),
            (Some(_), Some(_)) => return Err(at("has both `ipv4Prefix` and `ipv6Prefix`".into())),
            (None, None) => return Err(at("has neither `ipv4Prefix` nor `ipv6Prefix`".into())),
        };
        let cidr = cidr
            .as_str()
            .ok_or_else(|| at(format!("`{key}` {cidr} is not a string")))?;
        match (key, parse_cidr(cidr)) {
            (_, Err(why)) => return Err(at(format!("`{key}` {cidr:?}: {why}"))),
            ("ipv4Prefix", Ok(Cidr::V4 { first, last })) => list.ipv4.push((first, last)),
            ("ipv6Prefix", Ok(Cidr::V6 { first, last })) => list.ipv6.push((first, last)),
            _ => {
                return Err(at(format!(
                    "`{key}` {cidr:?} is an address of the other family"
                )))
            }
        }
    }
    Ok(list)
}
