//! Build script: the default theme is embedded with include_dir, so rebuild when it changes.

fn main() {
    println!("cargo:rerun-if-changed=themes/pedoman");
}
