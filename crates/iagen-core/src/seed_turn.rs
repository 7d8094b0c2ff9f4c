//! The backend's random generator (initial weights, dropout) is shared by the whole process:
//! code that seeds it and then draws from it on several threads at once (tests) takes turns,
//! or one thread's draws land in another's run.

use std::sync::{Mutex, MutexGuard};

/// Hold the returned guard while seeding the device and drawing from it.
pub fn seed_turn() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
