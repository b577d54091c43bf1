//! Reading `data/operators.json`: each crawler operator's name, its user-agent tokens and the
//! range lists it publishes (with the bundled copy, where there is one).
//!
//! Checked here so the crate can rely on it: names are unique and can be written in
//! `extra_bot_ranges` (no `=`, `;` or `,`); tokens are words the matcher can find (letters,
//! digits, `-`, `_`, at most [`LONGEST_TOKEN`] bytes) and belong to one operator only, ignoring
//! ASCII case.

use serde_json::{Map, Value};
use std::collections::HashMap;

/// The longest token the matcher's length mask (a `u64`) can describe.
pub const LONGEST_TOKEN: usize = 63;

/// One operator as `operators.json` describes it.
#[derive(Debug)]
pub struct OperatorEntry {
    pub name: String,
    pub tokens: Vec<String>,
    pub ranges: Vec<RangeEntry>,
}

/// One range list an operator publishes.
#[derive(Debug)]
pub struct RangeEntry {
    /// Where the operator publishes it.
    pub url: String,
    /// The bundled copy, relative to `data/`; `None` when none is bundled.
    pub bundled: Option<String>,
}

/// Reads `operators.json`, or says what is wrong with it.
pub fn parse_operators(text: &str) -> Result<Vec<OperatorEntry>, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let root = object(&root, "the file", &["about", "operators"])?;
    let list = root
        .get("operators")
        .and_then(Value::as_array)
        .ok_or("no `operators` array")?;
    let mut operators = Vec::with_capacity(list.len());
    let mut names: HashMap<String, String> = HashMap::new();
    let mut owners: HashMap<String, String> = HashMap::new();
    for (i, entry) in list.iter().enumerate() {
        let at = format!("operators[{i}]");
        let entry = object(entry, &at, &["name", "tokens", "ranges", "note"])?;
        let name = string(entry, "name", &at)?;
        let at = format!("operator {name:?}");
        if name.trim() != name || name.is_empty() || name.contains(['=', ';', ',']) {
            return Err(format!(
                "{at}: a name must be non-empty, without surrounding spaces, `=`, `;` or `,` (extra_bot_ranges names operators)"
            ));
        }
        if let Some(earlier) = names.insert(name.to_ascii_lowercase(), name.clone()) {
            return Err(format!("{at}: named twice (also {earlier:?})"));
        }
        let tokens = strings(entry, "tokens", &at)?;
        if tokens.is_empty() {
            return Err(format!("{at}: no tokens"));
        }
        for token in &tokens {
            let word = token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if token.is_empty() || token.len() > LONGEST_TOKEN || !word {
                return Err(format!(
                    "{at}: token {token:?} is not 1 to {LONGEST_TOKEN} letters, digits, `-` or `_`"
                ));
            }
            if let Some(owner) = owners.insert(token.to_ascii_lowercase(), name.clone()) {
                return Err(format!(
                    "{at}: token {token:?} is also listed for {owner:?}"
                ));
            }
        }
        let ranges = entry
            .get("ranges")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{at}: no `ranges` array (write [] if it publishes none)"))?
            .iter()
            .enumerate()
            .map(|(j, range)| {
                let at = format!("{at}: ranges[{j}]");
                let range = object(range, &at, &["url", "bundled"])?;
                let url = string(range, "url", &at)?;
                if !url.starts_with("https://") {
                    return Err(format!("{at}: url {url:?} is not https://"));
                }
                let bundled = match range.get("bundled") {
                    None => None,
                    Some(_) => Some(string(range, "bundled", &at)?),
                };
                Ok(RangeEntry { url, bundled })
            })
            .collect::<Result<Vec<_>, String>>()?;
        operators.push(OperatorEntry {
            name,
            tokens,
            ranges,
        });
    }
    if operators.is_empty() {
        return Err("`operators` is empty".into());
    }
    Ok(operators)
}

/// `value` as an object with no keys but `allowed` (a misspelt key is an error, not ignored).
fn object<'a>(
    value: &'a Value,
    at: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, String> {
    let object = value
        .as_object()
        .ok_or_else(|| format!("{at}: not a JSON object"))?;
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(format!(
            "{at}: unknown key {key:?} (known: {})",
            allowed.join(", ")
        )),
        None => Ok(object),
    }
}

fn string(object: &Map<String, Value>, key: &str, at: &str) -> Result<String, String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| format!("{at}: `{key}` is missing or not a string"))
}

fn strings(object: &Map<String, Value>, key: &str, at: &str) -> Result<Vec<String>, String> {
    let list = object
        .get(key)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{at}: `{key}` is missing or not an array"))?;
    list.iter()
        .map(|item| {
            item.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("{at}: `{key}` has {item}, not a string"))
        })
        .collect()
}
