// Templates and static files are embedded with include_dir, which cannot tell cargo about them
// on stable Rust: rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=../../templates");
    println!("cargo:rerun-if-changed=../../static");
}
