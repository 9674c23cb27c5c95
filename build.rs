// Embeds every rule file under rules/ into the binary, so that the built-in catalog needs no
// files at run time.
use std::path::PathBuf;

#[path = "src/walk.rs"]
mod walk;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let rules = root.join("rules");
    // A new file changes its own folder's mtime, not the top folder's: watch every folder.
    let files = walk::files_with_extension(&rules, "toml", &mut |dir| {
        println!("cargo:rerun-if-changed={}", dir.display())
    })
    .expect("rules/ is readable");
    let mut code = String::from("/// (path relative to the repository, file text) of every built-in rule.\npub static BUILTIN_RULES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_rules.rs");
    std::fs::write(out, code).unwrap();
}
