//! The one directory walker: every file with an extension below a folder, sorted by path.
//! Dependency-free so that build.rs can include it too (`#[path]`).

use std::path::{Path, PathBuf};

/// Every file named `*.ext` below `dir` (recursively), sorted; `on_dir` sees each folder
/// visited, `dir` included (build.rs registers them for rebuilds).
pub fn files_with_extension(
    dir: &Path,
    ext: &str,
    on_dir: &mut dyn FnMut(&Path),
) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        on_dir(&d);
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
