//! Values derived from one index snapshot and kept while it is current.
//!
//! A long-running engine answers many queries from the same committed
//! snapshot; anything it derives from that snapshot (filter vocabularies,
//! decoded facet tables) is built on first use and rebuilt only when a new
//! commit is searched. [`PerSnapshot`] is that one mechanism.

use std::sync::{Arc, Mutex};
use tantivy::Searcher;

/// A `T` built for the newest snapshot searched.
#[derive(Debug)]
pub struct PerSnapshot<T> {
    slot: Mutex<Option<(u64, Arc<T>)>>,
}

impl<T> Default for PerSnapshot<T> {
    fn default() -> Self {
        PerSnapshot {
            slot: Mutex::new(None),
        }
    }
}

impl<T> PerSnapshot<T> {
    /// The value for `searcher`'s snapshot: the kept one when it was built
    /// for that snapshot, else `build()`, which is then kept.
    pub fn get<E>(
        &self,
        searcher: &Searcher,
        build: impl FnOnce() -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let generation = searcher.generation().generation_id();
        // A poisoned lock only loses the cache, never the answer.
        let Ok(mut slot) = self.slot.lock() else {
            return build().map(Arc::new);
        };
        if let Some((g, value)) = slot.as_ref()
            && *g == generation
        {
            return Ok(value.clone());
        }
        let value = Arc::new(build()?);
        *slot = Some((generation, value.clone()));
        Ok(value)
    }

    /// The value for `searcher`'s snapshot, made by `make` when none was
    /// kept for it (for values that fill themselves lazily).
    pub fn get_or(&self, searcher: &Searcher, make: impl FnOnce() -> T) -> Arc<T> {
        match self.get(searcher, || Ok::<T, std::convert::Infallible>(make())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// [`PerSnapshot::get_or`], starting from `T::default()`.
    pub fn current(&self, searcher: &Searcher) -> Arc<T>
    where
        T: Default,
    {
        self.get_or(searcher, T::default)
    }
}
