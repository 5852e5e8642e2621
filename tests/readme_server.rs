//! The README's server section shows `examples/axum_server.rs` verbatim, which the lints
//! compile: so the README's example is code that builds.

#![cfg(not(target_arch = "wasm32"))]

#[test]
fn the_readme_shows_the_server_example_as_it_is() {
    let readme = include_str!("../README.md");
    let example = include_str!("../examples/axum_server.rs");
    let code = example
        .lines()
        .skip_while(|line| line.starts_with("//!") || line.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        readme.contains(&format!("```rust,no_run\n{code}\n```")),
        "README.md's server example differs from examples/axum_server.rs"
    );
}
