//! The README's settings table is the one `serve` is built from: every flag,
//! its default, scope and help, in order. To refresh the README after a
//! change to a settings table, run this test with `PCENTRAL_UPDATE_README=1`.

use std::path::Path;

const BEGIN: &str =
    "<!-- settings table: generated from the settings tables; see crates/server/tests/readme_settings.rs -->\n";
const END: &str = "<!-- end of settings table -->";

#[test]
fn readme_lists_every_serve_setting() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let start = readme.find(BEGIN).expect("the README has the settings table markers") + BEGIN.len();
    let end = start + readme[start..].find(END).expect("the settings table ends");
    let expected = pcentral_server::settings::readme_table();
    if std::env::var_os("PCENTRAL_UPDATE_README").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    assert_eq!(&readme[start..end], expected, "run with PCENTRAL_UPDATE_README=1 to refresh the README");
}
