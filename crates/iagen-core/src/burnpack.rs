//! Any model's weights as burnpack bytes and back (the one burn-aware corner of this crate,
//! behind the `tensors` feature): the page loads fetched files and users export and import.

use burn::module::Module;
use burn::tensor::DType;
use burn_store::{BurnpackStore, FloatCastAdapter, ModuleSnapshot};

/// How many bytes each stored weight takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    /// 32-bit floats, as trained.
    Full,
    /// 16-bit floats: half the bytes, for shipped models whose held-out loss barely moves
    /// (MODELS.md measures it per model).
    Half,
}

/// The module's weights as burnpack bytes, each float stored at `precision`.
pub fn to_bytes<M: Module>(model: &M, precision: Precision) -> Result<Vec<u8>, String> {
    let mut store = BurnpackStore::from_bytes(None);
    if precision == Precision::Half {
        store = store.with_to_adapter(FloatCastAdapter::to(DType::F16));
    }
    model.save_into(&mut store).map_err(|e| e.to_string())?;
    Ok(store.get_bytes().map_err(|e| e.to_string())?.to_vec())
}

/// `model` (freshly initialised with the right shapes) with the weights in `bytes`, stored at
/// either precision (16-bit weights are widened back to the 32 bits the model computes in).
pub fn load_bytes<M: Module>(mut model: M, bytes: Vec<u8>) -> Result<M, String> {
    let mut store = BurnpackStore::from_bytes(Some(burn::tensor::Bytes::from_bytes_vec(bytes)))
        .with_from_adapter(FloatCastAdapter::to(DType::F32));
    model.load_from(&mut store).map_err(|e| e.to_string())?;
    Ok(model)
}
