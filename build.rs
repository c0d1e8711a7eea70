//! On Windows targets: embed the icon, the manifest (run as administrator, DPI aware)
//! and the version information into authproxy-manager.exe.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/windows");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let part = |name: &str| std::env::var(name).unwrap_or_else(|_| "0".into());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_else(|_| "0.0.0".into());
    let commas = format!(
        "{},{},{},0",
        part("CARGO_PKG_VERSION_MAJOR"),
        part("CARGO_PKG_VERSION_MINOR"),
        part("CARGO_PKG_VERSION_PATCH")
    );
    // Read when the script runs, not baked in when it is compiled: the same target folder is used
    // both from the host and from the Windows chroot, where the project has another path.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let resources = PathBuf::from(manifest_dir).join("assets/windows");
    let template = std::fs::read_to_string(resources.join("authproxy-manager.rc.in"))
        .unwrap_or_else(|e| panic!("assets/windows/authproxy-manager.rc.in: {e}"));
    let script = template.replace("@VERSION_COMMAS@", &commas).replace("@VERSION@", &version);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("authproxy-manager.rc");
    std::fs::write(&out, script).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    embed_resource::compile_for(
        &out,
        ["authproxy-manager"],
        embed_resource::ParamsMacrosAndIncludeDirs(embed_resource::NONE, [&resources]),
    )
    .manifest_required()
    .unwrap_or_else(|e| panic!("embedding the Windows resources failed: {e}"));
}
