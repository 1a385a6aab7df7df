//! Compiles `src/allocator.c` against the header of the mimalloc the binary
//! links and hands the object to the binary's link line. The one allocator
//! option the service sets is then named, not indexed (the Rust bindings
//! expose mimalloc's purge delay only as a raw position in a C enum that has
//! moved between versions), and the crate keeps `unsafe_code` forbidden: the
//! setting runs as a C constructor, not through a Rust `extern` call.

fn main() -> Result<(), String> {
    println!("cargo:rerun-if-changed=src/allocator.c");
    let include = std::env::var("DEP_MIMALLOC_INCLUDE_DIR").map_err(
        |_| "libmimalloc-sys did not report its include directory (DEP_MIMALLOC_INCLUDE_DIR)",
    )?;
    let objects = cc::Build::new()
        .file("src/allocator.c")
        .include(include)
        .cargo_metadata(false)
        .compile_intermediates();
    for object in objects {
        println!("cargo:rustc-link-arg-bins={}", object.display());
    }
    Ok(())
}
