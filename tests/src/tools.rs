//! Where the tools and build outputs the tests run are found. `scripts/setup` installs the tools
//! where `scripts/lib.sh` says, and `. scripts/lib.sh` (as `scripts/test` does) exports their
//! paths; without those variables, the paths are what `scripts/lib.sh` makes of this
//! environment (its versions, `FOOTFALL_CACHE`, `XDG_CACHE_HOME`, `HOME`), read by [`lib_sh`].

use std::path::PathBuf;

pub mod lib_sh;

fn existing(path: PathBuf, what: &str) -> PathBuf {
    assert!(
        path.exists(),
        "{what} not found at {} — run scripts/setup (or scripts/test)",
        path.display()
    );
    path
}

/// The path in environment variable `var` (as `. scripts/lib.sh` exports it), or else where
/// `scripts/setup` caches it; it must exist.
fn tool(var: &str, what: &str) -> PathBuf {
    existing(lib_sh::path(var), what)
}

/// The Viceroy binary.
pub fn viceroy() -> PathBuf {
    tool("VICEROY", "Viceroy")
}

/// The Fastly CLI (`fastly`), from the npm package `@fastly/cli`.
pub fn fastly_cli() -> PathBuf {
    tool("FASTLY", "the Fastly CLI")
}

/// Where the Fastly CLI keeps its state (out of `$HOME`): the `XDG_CONFIG_HOME` that
/// `scripts/lib.sh` sets, whatever the caller's own is.
pub fn fastly_config_home() -> PathBuf {
    lib_sh::default_path("XDG_CONFIG_HOME")
}

/// The kinesalite package directory.
pub fn kinesalite_dir() -> PathBuf {
    tool("KINESALITE_DIR", "kinesalite")
}

/// moto's S3 server, from the venv `scripts/setup` makes.
pub fn moto_server() -> PathBuf {
    tool("MOTO_SERVER", "moto_server")
}

/// The Python that has bqemulator installed.
pub fn bqemulator_python() -> PathBuf {
    tool("BQEMULATOR_PYTHON", "bqemulator's Python")
}

/// MaxMind's GeoIP2 City test database, from the data `scripts/setup` caches (its
/// `source-data/GeoIP2-City-Test.json` says what each address holds).
pub fn geoip_city_test_db() -> PathBuf {
    let dir = tool("GEOIP_TEST_DATA", "MaxMind's test databases");
    existing(
        dir.join("test-data/GeoIP2-City-Test.mmdb"),
        "GeoIP2-City-Test.mmdb",
    )
}

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The edge's release wasm, as `fastly compute build` (or `scripts/test`) builds it.
pub fn edge_wasm() -> PathBuf {
    let path = std::env::var_os("FOOTFALL_EDGE_WASM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| workspace().join("target"));
            target.join("wasm32-wasip1/release/footfall-edge.wasm")
        });
    existing(
        path,
        "the edge wasm (cargo build -p footfall-edge --release --target wasm32-wasip1)",
    )
}

/// The `footfall-processor` binary as `cargo build` (or `cargo test --workspace`) builds it
/// next to these tests; `FOOTFALL_PROCESSOR` overrides.
pub fn processor_binary() -> PathBuf {
    let path = std::env::var_os("FOOTFALL_PROCESSOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // A test binary runs from target/<profile>/deps/; the processor is in target/<profile>/.
            let test_binary = std::env::current_exe().expect("the test binary's path");
            let profile_dir = test_binary.parent().and_then(|deps| deps.parent());
            profile_dir
                .expect("target/<profile>/deps/<test>")
                .join("footfall-processor")
        });
    existing(
        path,
        "the processor binary (cargo build -p footfall-processor)",
    )
}

#[cfg(test)]
mod tests {
    use super::lib_sh::{assignments, value_in, LIB_SH};
    use super::workspace;
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    use std::process::Command;

    /// The variables the harness takes from `scripts/lib.sh`.
    const USED: [&str; 8] = [
        "FOOTFALL_CACHE",
        "VICEROY",
        "FASTLY",
        "KINESALITE_DIR",
        "MOTO_SERVER",
        "BQEMULATOR_PYTHON",
        "GEOIP_TEST_DATA",
        "XDG_CONFIG_HOME",
    ];

    /// What bash makes of `scripts/lib.sh` in the environment `vars` (and nothing else), for
    /// each of `names`.
    fn bash(vars: &[(&str, &str)], names: &[&str]) -> Vec<OsString> {
        let output = Command::new("bash")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(vars.iter().copied())
            .arg("-c")
            .arg(r#"set -eu; . "$1"; shift; for name; do printf '%s\0' "${!name}"; done"#)
            .arg("bash")
            .arg(workspace().join("scripts/lib.sh"))
            .args(names)
            .output()
            .expect("bash");
        assert!(
            output.status.success(),
            "bash: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut values: Vec<_> = output
            .stdout
            .split(|&b| b == 0)
            .map(|value| OsString::from_vec(value.to_vec()))
            .collect();
        assert_eq!(values.pop(), Some(OsString::new()));
        values
    }

    #[test]
    fn the_built_in_lib_sh_is_the_one_in_scripts() {
        let on_disk = std::fs::read_to_string(workspace().join("scripts/lib.sh")).unwrap();
        assert_eq!(LIB_SH, on_disk);
    }

    #[test]
    fn paths_are_the_ones_bash_makes_of_lib_sh() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = |name: &str| tmp.path().join(name).to_str().unwrap().to_owned();
        let (home, xdg, cache) = (dir("home"), dir("xdg"), dir("cache"));
        let xdg_slash = format!("{xdg}/");
        let environments: [&[(&str, &str)]; 6] = [
            &[("HOME", &home)],
            &[("HOME", &home), ("XDG_CACHE_HOME", &xdg)],
            &[("HOME", &home), ("XDG_CACHE_HOME", &xdg_slash)],
            &[
                ("HOME", &home),
                ("XDG_CACHE_HOME", &xdg),
                ("FOOTFALL_CACHE", &cache),
            ],
            &[
                ("HOME", &home),
                ("XDG_CACHE_HOME", ""),
                ("FOOTFALL_CACHE", ""),
            ],
            &[("FOOTFALL_CACHE", &cache)],
        ];
        // Each name once, in the file's order.
        let mut names: Vec<&str> = Vec::new();
        for (name, _) in assignments(LIB_SH) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        for name in USED {
            assert!(names.contains(&name), "scripts/lib.sh assigns no {name}");
        }
        for vars in environments {
            let env = |name: &str| {
                vars.iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| OsString::from(v))
            };
            for (name, by_bash) in names.iter().zip(bash(vars, &names)) {
                match value_in(LIB_SH, name, &env) {
                    Ok(ours) => assert_eq!(ours, by_bash, "{name} in {vars:?}"),
                    // Lines the harness doesn't need may be beyond what it reads.
                    Err(e) => assert!(!USED.contains(name), "{name} in {vars:?}: {e}"),
                }
            }
        }
    }
}
