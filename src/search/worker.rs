//! What the app and its search worker say to each other. The search engine runs in a Web Worker
//! of its own (`src/bin/fieldnotes-search.rs`, a WASM module loaded when a reader first focuses
//! the search box or opens /search), so typing never waits for it: the app posts a [`Request`]
//! for each keystroke and draws the [`Reply`] of the latest one only. Both sides are built from
//! this crate, and every message is a plain object (serde on both ends).

use super::filter::Filter;
use super::index::Found;
use crate::model::Taxonomy;
use serde::{Deserialize, Serialize};

/// One search, or a warm-up (`words` empty and `warm`): the worker fetches the index's entry and
/// its root shard, which every search needs first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// Grows with each request: the worker stops working on a search once a newer one arrives.
    pub id: u32,
    /// The address of the site's data folder, ending in `/` (index files are relative to it).
    pub data: String,
    /// The index's entry file, as the manifest names it.
    pub entry: String,
    /// The words, as [`super::query::parse`] reads them (filters taken out).
    pub words: String,
    /// The filters: `(taxonomy folder, term)`.
    pub filters: Vec<(String, String)>,
    /// How many results are wanted first.
    pub wanted: u32,
    pub warm: bool,
}

impl Request {
    /// The filters as the engine takes them (an unknown taxonomy is left out).
    pub fn filters(&self) -> Vec<Filter> {
        self.filters
            .iter()
            .filter_map(|(folder, term)| {
                let taxonomy = Taxonomy::ALL.into_iter().find(|t| t.folder() == folder)?;
                Some(Filter {
                    taxonomy,
                    term: term.clone(),
                })
            })
            .collect()
    }

    /// `filters` as a request carries them.
    pub fn carried(filters: &[Filter]) -> Vec<(String, String)> {
        filters
            .iter()
            .map(|f| (f.taxonomy.folder().to_string(), f.term.clone()))
            .collect()
    }
}

/// What the worker answers a [`Request`] with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub id: u32,
    pub outcome: Outcome,
    /// The index files it fetched for this request (the app tells the service worker, which
    /// stores them with the page on a first visit).
    pub fetched: Vec<String>,
    /// Where the time went, for the search benchmark: rounds of index files, their wall time
    /// (fetching and parsing) and the parsing alone, in milliseconds.
    #[serde(default)]
    pub timing: Timing,
}

/// See [`Reply::timing`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub rounds: u32,
    pub fetch: f64,
    pub parse: f64,
}

/// What became of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    Found(Found),
    Warmed,
    /// A newer request arrived before this one was done.
    Superseded,
    /// The index could not be read: the kind of failure, as the app's `LoadError` names them
    /// (`network`, `replaced`, `version`, `format`), with what the worker knows of it.
    Failed {
        kind: String,
        why: String,
        version: u32,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_travel_by_their_taxonomys_folder() {
        let filters = vec![
            Filter {
                taxonomy: Taxonomy::Tags,
                term: "river".into(),
            },
            Filter {
                taxonomy: Taxonomy::Categories,
                term: "Day by day".into(),
            },
        ];
        let request = Request {
            id: 1,
            data: "/data/".into(),
            entry: "search/entry.0.json".into(),
            words: "ferry".into(),
            filters: Request::carried(&filters),
            wanted: 20,
            warm: false,
        };
        assert_eq!(request.filters(), filters);
        let json = serde_json::to_string(&request).unwrap();
        assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), request);
    }
}
