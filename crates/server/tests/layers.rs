//! The server's modules form layers: each module uses only modules declared
//! before it in `lib.rs`, so no two modules use each other.

#[path = "../../../tests/layers/mod.rs"]
mod layers;

#[test]
fn modules_only_use_modules_declared_before_them() {
    layers::check(env!("CARGO_MANIFEST_DIR"));
}
