//! `scripts/lib.sh` read from Rust: the one place the tools' pinned versions and cache paths are
//! written. Only its simple lines are understood — top-level `NAME=value` or `NAME="..."`
//! (optionally after `export`) whose value refers to earlier ones as `$NAME` or `${NAME}` — and
//! `FOOTFALL_CACHE`, which is resolved from the environment exactly as its line there does.
//!
//! Used by [`crate::tools`], and compiled into the processor's unit tests too (`#[path]` from
//! `processor/src/test_data.rs`), which do not depend on this crate: keep it to `std`.

use std::ffi::OsString;
use std::path::PathBuf;

/// `scripts/lib.sh`, as it was when this was built.
pub const LIB_SH: &str = include_str!("../../../scripts/lib.sh");

/// What `scripts/lib.sh` gives `FOOTFALL_CACHE` (as bash does
/// `${FOOTFALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/footfall}`), from the environment `env`.
pub fn footfall_cache(env: &dyn Fn(&str) -> Option<OsString>) -> OsString {
    let set = |name: &str| env(name).filter(|value| !value.is_empty());
    if let Some(cache) = set("FOOTFALL_CACHE") {
        return cache;
    }
    let mut cache = set("XDG_CACHE_HOME").unwrap_or_else(|| {
        let mut home = env("HOME").expect(
            "HOME is not set: scripts/lib.sh needs HOME, XDG_CACHE_HOME or FOOTFALL_CACHE \
             to find the tools cache",
        );
        home.push("/.cache");
        home
    });
    cache.push("/footfall");
    cache
}

/// The top-level assignments of a shell file, in order: each name with its value (the text
/// between the quotes, if quoted), or `None` where the value is more than this module reads.
pub fn assignments(text: &str) -> Vec<(&str, Option<&str>)> {
    text.lines().filter_map(assignment).collect()
}

fn assignment(line: &str) -> Option<(&str, Option<&str>)> {
    let line = line.strip_prefix("export ").unwrap_or(line);
    let name_len = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let (name, rest) = line.split_at(name_len);
    let value = rest.strip_prefix('=')?;
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    // Then nothing, or a comment after a blank.
    let ends_well = |after: &str| after.is_empty() || after.trim_start().starts_with('#');
    let value = if let Some(quoted) = value.strip_prefix('"') {
        quoted
            .find('"')
            .filter(|&end| ends_well(&quoted[end + 1..]))
            .map(|end| &quoted[..end])
            .filter(|inside| !inside.contains(['\\', '`']))
    } else {
        let end = value.find([' ', '\t']).unwrap_or(value.len());
        let (word, after) = value.split_at(end);
        let plain = !word.contains(['\'', '"', '~', '\\', '`']);
        (plain && (after.is_empty() || ends_well(after))).then_some(word)
    };
    Some((name, value))
}

/// The value `scripts/lib.sh` (the text `lib_sh`) gives `name`, in the environment `env` (which
/// only `FOOTFALL_CACHE` depends on). An error says why it can't be read.
pub fn value_in(
    lib_sh: &str,
    name: &str,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> Result<OsString, String> {
    if name == "FOOTFALL_CACHE" {
        return Ok(footfall_cache(env));
    }
    let all = assignments(lib_sh);
    // As bash runs the file: the last assignment before the point of use counts.
    let position = all
        .iter()
        .rposition(|(assigned, _)| *assigned == name)
        .ok_or_else(|| format!("scripts/lib.sh assigns no {name}"))?;
    expand(&all[..position], name, all[position].1, env)
}

fn expand(
    before: &[(&str, Option<&str>)],
    name: &str,
    value: Option<&str>,
    env: &dyn Fn(&str) -> Option<OsString>,
) -> Result<OsString, String> {
    let beyond = || {
        format!(
            "scripts/lib.sh: the value of {name} is more than tests/src/tools/lib_sh.rs reads \
             (plain text with $NAME or ${{NAME}} of earlier lines)"
        )
    };
    let mut rest = value.ok_or_else(beyond)?;
    let mut out = OsString::new();
    while let Some(dollar) = rest.find('$') {
        out.push(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        let (reference, after) = match rest.strip_prefix('{') {
            Some(braced) => {
                let end = braced.find('}').ok_or_else(beyond)?;
                (&braced[..end], &braced[end + 1..])
            }
            None => {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                rest.split_at(end)
            }
        };
        let simple = !reference.is_empty()
            && !reference.starts_with(|c: char| c.is_ascii_digit())
            && reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !simple {
            return Err(beyond());
        }
        let resolved = if reference == "FOOTFALL_CACHE" {
            footfall_cache(env)
        } else {
            let position = before
                .iter()
                .rposition(|(assigned, _)| *assigned == reference)
                .ok_or_else(|| {
                    format!("scripts/lib.sh: {name} refers to ${reference}, not assigned before it")
                })?;
            expand(&before[..position], reference, before[position].1, env)?
        };
        out.push(resolved);
        rest = after;
    }
    out.push(rest);
    Ok(out)
}

/// Where `scripts/lib.sh` puts `name` for this process's environment; panics if it can't tell.
pub fn default_path(name: &str) -> PathBuf {
    let env = |var: &str| std::env::var_os(var);
    PathBuf::from(value_in(LIB_SH, name, &env).unwrap_or_else(|e| panic!("{e}")))
}

/// The path in environment variable `name`, as `. scripts/lib.sh` exports it (and `scripts/test`
/// passes on), or else where `scripts/lib.sh` puts it.
pub fn path(name: &str) -> PathBuf {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| default_path(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# comment=1
FOOTFALL_CACHE="${FOOTFALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/footfall}"
TOOL_VERSION=1.2.3
OTHER_VERSION=4.5 # trailing comment
DIR="$FOOTFALL_CACHE/tool-$TOOL_VERSION-other-${OTHER_VERSION}"
export BIN="$DIR/bin/tool"
export FOOTFALL_CACHE BIN
  INDENTED=ignored
step() { printf '%s\n' "$*" >&2; }
COMMAND="$(uname -m)"
USES_COMMAND="$COMMAND/x"
LATER="$NOT_YET"
NOT_YET=1
TILDE=~/x
ESCAPED="\$HOME"
TOOL_VERSION=9
"#;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn reads_the_simple_assignments_and_nothing_else() {
        let names: Vec<_> = assignments(SAMPLE).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "FOOTFALL_CACHE",
                "TOOL_VERSION",
                "OTHER_VERSION",
                "DIR",
                "BIN",
                "COMMAND",
                "USES_COMMAND",
                "LATER",
                "NOT_YET",
                "TILDE",
                "ESCAPED",
                "TOOL_VERSION"
            ]
        );
        let values: Vec<_> = assignments(SAMPLE).into_iter().map(|(_, v)| v).collect();
        assert_eq!(values[1], Some("1.2.3"));
        assert_eq!(values[2], Some("4.5"));
        assert_eq!(values[5], Some("$(uname -m)"));
        assert_eq!(values[9], None, "a tilde is expanded by bash: not read");
    }

    #[test]
    fn expands_earlier_assignments_and_resolves_the_cache_from_the_environment() {
        let vars = [("HOME", "/home/me")];
        let home = env(&vars);
        assert_eq!(
            value_in(SAMPLE, "BIN", &home).unwrap(),
            "/home/me/.cache/footfall/tool-1.2.3-other-4.5/bin/tool"
        );
        // The later TOOL_VERSION=9 is not the one DIR saw, but is TOOL_VERSION's value.
        assert_eq!(value_in(SAMPLE, "TOOL_VERSION", &home).unwrap(), "9");
        let vars = [("HOME", "/home/me"), ("XDG_CACHE_HOME", "/xdg")];
        assert_eq!(
            value_in(SAMPLE, "DIR", &env(&vars)).unwrap(),
            "/xdg/footfall/tool-1.2.3-other-4.5"
        );
        let vars = [("XDG_CACHE_HOME", "/xdg"), ("FOOTFALL_CACHE", "/ff")];
        assert_eq!(
            value_in(SAMPLE, "FOOTFALL_CACHE", &env(&vars)).unwrap(),
            "/ff"
        );
        // Empty is unset, as for bash's `:-`.
        let vars = [
            ("HOME", "/h"),
            ("XDG_CACHE_HOME", ""),
            ("FOOTFALL_CACHE", ""),
        ];
        assert_eq!(
            value_in(SAMPLE, "FOOTFALL_CACHE", &env(&vars)).unwrap(),
            "/h/.cache/footfall"
        );
    }

    #[test]
    fn says_what_it_cannot_read() {
        let vars = [("HOME", "/h")];
        let home = env(&vars);
        for name in ["COMMAND", "USES_COMMAND", "TILDE", "ESCAPED"] {
            let error = value_in(SAMPLE, name, &home).unwrap_err();
            assert!(error.contains("more than"), "{name}: {error}");
        }
        let error = value_in(SAMPLE, "LATER", &home).unwrap_err();
        assert!(error.contains("not assigned before it"), "{error}");
        let error = value_in(SAMPLE, "INDENTED", &home).unwrap_err();
        assert!(error.contains("assigns no INDENTED"), "{error}");
    }

    #[test]
    #[should_panic(expected = "HOME is not set")]
    fn without_home_or_a_cache_variable_there_is_no_cache() {
        footfall_cache(&|_| None);
    }
}
