//! footfall's Fastly Compute app. The binary's body exists only in wasm: the `fastly` crate's
//! imports link only inside Compute, so native builds (and `cargo test`) see an empty `main`
//! and test the logic through the library instead.

#[cfg(target_arch = "wasm32")]
mod compute;

fn main() {
    #[cfg(target_arch = "wasm32")]
    compute::handle_client_request();
}
