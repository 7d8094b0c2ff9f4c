//! Device selection: WebGPU when the page asks for it, the browser offers it, its adapter has
//! what burn's kernels need and a first kernel runs, otherwise the pure-Rust CPU backend; the
//! reason for a fallback is returned so the page can show it. Every session of this instance
//! runs there: with a real GPU, the worker puts each family in the build where its work is
//! faster ([`gpu_pays`](crate::session::gpu_pays); ARCHITECTURE.md, "Two builds of the wasm").

use std::cell::{Cell, RefCell};

use burn::prelude::*;
#[cfg(feature = "webgpu")]
use burn::tensor::wgpu::wgpu::Features;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "webgpu")]
use crate::read;

thread_local! {
    /// The device every session runs on, once [`init_backend`] has chosen it (WebGPU can be
    /// initialised only once).
    static DEVICE: RefCell<Option<Device>> = const { RefCell::new(None) };
    /// Whether that device is the GPU.
    static ON_GPU: Cell<bool> = const { Cell::new(false) };
}

#[derive(Serialize)]
struct BackendInfo {
    /// `webgpu` or `cpu`.
    kind: &'static str,
    /// Why the CPU is used when WebGPU was tried (empty otherwise).
    reason: String,
    /// The badge's reason key (`backend.why.<why>`) when WebGPU was tried and refused for a
    /// known cause (`notimestamps`); empty when it failed otherwise or was not tried.
    why: &'static str,
}

/// Why an adapter without `timestamp-query` is refused (the message of [`NotGpu::Refused`]).
#[cfg(feature = "webgpu")]
const NO_TIMESTAMPS: &str = "the WebGPU adapter lacks the optional 'timestamp-query' feature, \
    which burn's WebGPU runtime needs in a browser";

/// Why WebGPU was not used.
#[cfg_attr(
    not(feature = "webgpu"),
    expect(dead_code, reason = "the CPU-only build never meets an adapter")
)]
enum NotGpu {
    /// The adapter lacks something burn's runtime needs (the badge's reason key, the message).
    Refused(&'static str, &'static str),
    /// Initialisation or the first kernel failed (the error).
    Failed(String),
}

/// The device sessions run on (chosen by [`init_backend`]).
pub fn device() -> Result<Device, JsError> {
    DEVICE
        .with(|d| d.borrow().clone())
        .ok_or_else(|| JsError::new("backend not initialised"))
}

/// `webgpu` or `cpu`: where this instance's sessions run.
#[wasm_bindgen]
pub fn backend_in_use() -> Result<String, JsError> {
    device()?;
    Ok(if ON_GPU.get() { "webgpu" } else { "cpu" }.into())
}

#[cfg(feature = "webgpu")]
async fn try_webgpu() -> Result<Device, NotGpu> {
    let (device, setup) = Device::wgpu_options()
        .init_with_setup_async()
        .await
        .map_err(|e| NotGpu::Failed(e.to_string()))?;
    // cubecl-wgpu (0.11) times its work with timestamp queries on wasm, where it cannot block
    // on the CPU's clock, and panics ("Cannot profile on web assembly without timestamp_query
    // feature") when the first kernel opens a stream on an adapter without them: a trap that
    // kills the worker. The feature is optional in WebGPU (compatibility-mode adapters, such as
    // Dawn's on OpenGL ES, lack it), so such an adapter is left unused, before any kernel, and
    // the CPU runs everything (`tests/e2e/adapter.test.mjs` drives the worker on such adapters).
    if !setup.adapter.features().contains(Features::TIMESTAMP_QUERY) {
        return Err(NotGpu::Refused("notimestamps", NO_TIMESTAMPS));
    }
    // A first kernel and an asynchronous read prove the adapter really works.
    let probe = Tensor::<1>::from_floats([1.0, 2.0, 3.0], &device).sum();
    match read::scalar(probe).await {
        Ok(6.0) => Ok(device),
        Ok(v) => Err(NotGpu::Failed(format!("test kernel returned {v}"))),
        Err(_) => Err(NotGpu::Failed("test kernel failed".into())),
    }
}

/// The CPU-only build (the page loads it when no adapter will be used) never tries.
#[cfg(not(feature = "webgpu"))]
async fn try_webgpu() -> Result<Device, NotGpu> {
    Err(NotGpu::Failed(
        "this build of the page has no WebGPU".into(),
    ))
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

/// Start the backend. `try_gpu` is false when the page forces the CPU or JavaScript already
/// found no usable WebGPU adapter. Call once per instance.
#[wasm_bindgen]
pub async fn init_backend(try_gpu: bool) -> Result<JsValue, JsError> {
    record_panics();
    let mut chosen = Device::flex();
    let info = if try_gpu {
        match try_webgpu().await {
            Ok(gpu) => {
                chosen = gpu;
                ON_GPU.set(true);
                BackendInfo {
                    kind: "webgpu",
                    reason: String::new(),
                    why: "",
                }
            }
            Err(NotGpu::Refused(why, reason)) => BackendInfo {
                kind: "cpu",
                reason: reason.into(),
                why,
            },
            Err(NotGpu::Failed(reason)) => BackendInfo {
                kind: "cpu",
                reason,
                why: "",
            },
        }
    } else {
        BackendInfo {
            kind: "cpu",
            reason: String::new(),
            why: "",
        }
    };
    DEVICE.with(|d| *d.borrow_mut() = Some(chosen));
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
