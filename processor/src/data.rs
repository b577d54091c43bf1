//! Rule files: bundled at build time, replaceable by a path at run time.

use std::path::Path;

/// The text of the file at `path`, or `bundled` when there is none.
///
/// The rules are read once per process and borrowed by the compiled matchers for the rest of
/// its life, so a file's text is leaked on purpose to make it `'static` like the bundled text.
pub fn text(path: Option<&Path>, bundled: &'static str) -> std::io::Result<&'static str> {
    match path {
        None => Ok(bundled),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            Ok(Box::leak(text.into_boxed_str()))
        }
    }
}
