//! Embeds every file of `templates/` in the binary, so a new revision of the official form is a new file there and
//! nothing else. Writes `$OUT_DIR/embedded_templates.rs`: the files' names and contents, sorted by name.

use std::path::Path;

fn main() {
    // Read at run time: a build script compiled once may run for a checkout in another place.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("templates");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, String)> = Vec::new();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("{}: {e}", dir.display())).path();
        if path.extension().is_some_and(|x| x == "toml") {
            println!("cargo:rerun-if-changed={}", path.display());
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            files.push((name, path.display().to_string()));
        }
    }
    files.sort();
    let mut out = String::from("/// The files of `templates/`, by name, embedded at build time.\n");
    out.push_str("pub const EMBEDDED: &[(&str, &str)] = &[\n");
    for (name, path) in &files {
        out.push_str(&format!("    ({name:?}, include_str!({path:?})),\n"));
    }
    out.push_str("];\n");
    let target = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded_templates.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("{}: {e}", target.display()));
}
