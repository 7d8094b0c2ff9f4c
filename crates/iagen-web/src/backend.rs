//! Device selection, once per worker: WebGPU when the browser offers it and a first kernel
//! runs, otherwise the pure-Rust CPU backend. The reason for a fallback is returned so the
//! page can show it.

use std::cell::RefCell;

use burn::prelude::*;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::read;

thread_local! {
    static DEVICE: RefCell<Option<Device>> = const { RefCell::new(None) };
}

#[derive(Serialize)]
struct BackendInfo {
    /// `webgpu` or `cpu`.
    kind: &'static str,
    /// Why the CPU is used when WebGPU was tried (empty otherwise).
    reason: String,
}

/// The device chosen by [`init_backend`].
pub fn device() -> Result<Device, JsError> {
    DEVICE
        .with(|d| d.borrow().clone())
        .ok_or_else(|| JsError::new("backend not initialised"))
}

async fn try_webgpu() -> Result<Device, String> {
    let device = Device::wgpu_options()
        .init_async()
        .await
        .map_err(|e| e.to_string())?;
    // A first kernel and an asynchronous read prove the adapter really works.
    let probe = Tensor::<1>::from_floats([1.0, 2.0, 3.0], &device).sum();
    match read::scalar(probe).await {
        Ok(6.0) => Ok(device),
        Ok(v) => Err(format!("test kernel returned {v}")),
        Err(_) => Err("test kernel failed".into()),
    }
}

// cubecl registers its kernels through `inventory`, whose constructors wasm-ld runs at the
// start of every exported function unless an export runs them itself ("command-style"
// linkage, see inventory's docs): each call into the wasm paid ~2.7 ms for them, more than
// generating ten characters. Running them once, when wasm-bindgen starts the module, ends it.
#[cfg(target_family = "wasm")]
unsafe extern "C" {
    fn __wasm_call_ctors();
}

#[wasm_bindgen(start)]
fn run_constructors_once() {
    // SAFETY: wasm-bindgen calls the start function once, right after instantiation and
    // before any other export; the constructors (inventory's registrations) are idempotent.
    #[cfg(target_family = "wasm")]
    unsafe {
        __wasm_call_ctors()
    }
}

/// Where the panic hook leaves the message of a Rust panic, for the worker to report: the
/// release build aborts on panic (a WebAssembly trap that carries no text), and after a trap
/// this instance cannot be trusted again.
const PANIC_SLOT: &str = "iagenPanic";

fn record_panics() {
    std::panic::set_hook(Box::new(|info| {
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str(PANIC_SLOT),
            &JsValue::from_str(&info.to_string()),
        );
    }));
}

/// Choose the device. `try_gpu` is false when the page forces the CPU or JavaScript already
/// found no WebGPU adapter. Call once per worker (WebGPU can be initialised only once).
#[wasm_bindgen]
pub async fn init_backend(try_gpu: bool) -> Result<JsValue, JsError> {
    record_panics();
    let (device, info) = if try_gpu {
        match try_webgpu().await {
            Ok(device) => (
                device,
                BackendInfo {
                    kind: "webgpu",
                    reason: String::new(),
                },
            ),
            Err(reason) => (
                Device::flex(),
                BackendInfo {
                    kind: "cpu",
                    reason,
                },
            ),
        }
    } else {
        (
            Device::flex(),
            BackendInfo {
                kind: "cpu",
                reason: String::new(),
            },
        )
    };
    DEVICE.with(|d| *d.borrow_mut() = Some(device));
    Ok(serde_wasm(&info))
}

/// Any error as a JavaScript `Error` with its message.
pub fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// Plain data to a JS value, through JSON (small payloads only).
pub fn serde_wasm<T: Serialize>(value: &T) -> JsValue {
    let json = serde_json::to_string(value).expect("serialisable");
    js_sys::JSON::parse(&json).expect("valid JSON")
}
