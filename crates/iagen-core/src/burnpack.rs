//! Any model's weights as burnpack bytes and back (the one burn-aware corner of this crate,
//! behind the `tensors` feature): the page loads fetched files and users export and import.

use burn::module::Module;
use burn_store::{BurnpackStore, ModuleSnapshot};

/// The module's weights as burnpack bytes.
pub fn to_bytes<M: Module>(model: &M) -> Result<Vec<u8>, String> {
    let mut store = BurnpackStore::from_bytes(None);
    model.save_into(&mut store).map_err(|e| e.to_string())?;
    Ok(store.get_bytes().map_err(|e| e.to_string())?.to_vec())
}

/// `model` (freshly initialised with the right shapes) with the weights in `bytes`.
pub fn load_bytes<M: Module>(mut model: M, bytes: Vec<u8>) -> Result<M, String> {
    let mut store = BurnpackStore::from_bytes(Some(burn::tensor::Bytes::from_bytes_vec(bytes)));
    model.load_from(&mut store).map_err(|e| e.to_string())?;
    Ok(model)
}
