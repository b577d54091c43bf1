//! Compiles `data/operators.json` and the range lists it names into `$OUT_DIR/operators.rs`:
//! per operator, sorted, merged, disjoint `(first, last)` tables of IPv4 (`u32`) and IPv6
//! (`u128`) addresses, its tokens, and each list's `creationTime` as Unix seconds.
//!
//! A malformed file fails the build with the file and the reason (`error: <path>: <reason>`);
//! CIDRs are read by the crate's own `src/cidr.rs` and merged by `src/interval.rs`, so the
//! bundled tables and `extra_bot_ranges` follow the same rules; the token prefilter's bits come
//! from `src/word_hash.rs`, the hash the matcher computes.

#[allow(dead_code)]
#[path = "../src/cidr.rs"]
mod cidr;
mod codegen;
mod creation_time;
#[allow(dead_code)]
#[path = "../src/interval.rs"]
mod interval;
mod operators_file;
mod range_file;
#[path = "../src/word_hash.rs"]
mod word_hash;

use codegen::{generate, CompiledOperator};
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=src/cidr.rs");
    println!("cargo:rerun-if-changed=src/interval.rs");
    println!("cargo:rerun-if-changed=src/word_hash.rs");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    match compile(&data) {
        Ok(source) => {
            let target = out.join("operators.rs");
            if let Err(e) = std::fs::write(&target, source) {
                fail(&target, &e.to_string());
            }
        }
        Err((file, reason)) => fail(&file, &reason),
    }
}

fn fail(file: &Path, reason: &str) -> ! {
    eprintln!("error: {}: {reason}", file.display());
    std::process::exit(1);
}

/// Reads every data file; on failure, the file at fault and why.
fn compile(data: &Path) -> Result<String, (PathBuf, String)> {
    let read =
        |path: &Path| std::fs::read_to_string(path).map_err(|e| (path.to_owned(), e.to_string()));
    let operators_path = data.join("operators.json");
    let entries = operators_file::parse_operators(&read(&operators_path)?)
        .map_err(|reason| (operators_path.clone(), reason))?;
    let mut compiled = Vec::with_capacity(entries.len());
    for entry in entries {
        let mut lists = Vec::new();
        for range in &entry.ranges {
            let Some(file) = &range.bundled else { continue };
            let path = data.join(file);
            let list =
                range_file::parse_range_list(&read(&path)?).map_err(|reason| (path, reason))?;
            lists.push((file.clone(), range.url.clone(), list));
        }
        let ipv4 = interval::merge(
            lists
                .iter()
                .flat_map(|(_, _, list)| list.ipv4.iter().copied())
                .collect(),
        );
        let ipv6 = interval::merge(
            lists
                .iter()
                .flat_map(|(_, _, list)| list.ipv6.iter().copied())
                .collect(),
        );
        compiled.push(CompiledOperator {
            entry,
            lists,
            ipv4,
            ipv6,
        });
    }
    Ok(generate(&compiled))
}
