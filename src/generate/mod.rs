//! `ombudsearch generate`: a deterministic synthetic corpus of LGSCO
//! decisions in the published text forms, for tests and benchmarks.
//!
//! Each decision is generated from its own random stream, seeded by
//! `(seed, index)`, so the corpus is byte-identical whatever the thread
//! count, and any single decision can be regenerated alone with
//! [`generate_one`]. Every generated text parses back
//! ([`crate::parse::parse`]) to exactly the fields recorded in
//! [`Generated`].
//!
//! Submodules: `rng` (SplitMix64 and the case-reference permutation),
//! `names` (bodies), `vocab` (Zipfian word lists), `facts` (category tree,
//! outcomes, dates, people, sizes), `phrases` (benchmark phrases),
//! `citations` (every citation form of FORMAT §7), `text` (template
//! writer), `sections` (the sections in order), `layout` (plain and page
//! forms).
//!
//! Output layout: `DIR/<shard>/<NNNNNNN>_<16 hex>.txt`, shards of 1000
//! files named `0000`, `0001`, …, plus a hidden `.ombudsearch-generated`
//! marker (the indexer skips hidden files) recording seed and count, so a
//! later run recognises the folder as a generated corpus it may replace.

mod citations;
mod facts;
mod layout;
mod names;
mod phrases;
mod rng;
mod sections;
mod text;
mod vocab;

pub use citations::{FORMS as CITATION_FORMS, Form as CitationForm};
pub use phrases::PHRASES;

use crate::decision::{Category, Outcome};
use facts::Form;
use indicatif::ProgressBar;
use jiff::civil::Date;
use rayon::prelude::*;
use rng::Rng;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Files per shard folder.
pub const SHARD_SIZE: u64 = 1000;

/// Name of the marker file written into a generated corpus.
pub const MARKER: &str = ".ombudsearch-generated";

/// The generator's edition, recorded in the [`MARKER`]: raised whenever the
/// same seed and count would write different text, so that a cached corpus
/// (the benchmarks keep theirs) is known to be stale and written again.
pub const GENERATOR_VERSION: u32 = 2;

/// Share of web-page layout in a mixed corpus.
pub const PAGE_SHARE: f64 = 0.15;

/// Which published layout to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Layout {
    /// Plain text only.
    Plain,
    /// Web-page form only.
    Page,
    /// Mostly plain, about 15% web-page form.
    #[default]
    Mixed,
}

impl Layout {
    fn page_share(self) -> f64 {
        match self {
            Layout::Plain => 0.0,
            Layout::Page => 1.0,
            Layout::Mixed => PAGE_SHARE,
        }
    }
}

/// What to generate and where.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// Number of decisions.
    pub count: u64,
    /// Corpus seed: same seed, same bytes.
    pub seed: u64,
    /// Output folder (created when missing).
    pub out: PathBuf,
    /// Layout of the files.
    pub layout: Layout,
    /// Write into a non-empty folder that is not a generated corpus.
    pub force: bool,
}

impl GenerateOptions {
    /// `count` decisions with `seed` into `out`, mixed layout, no force.
    pub fn new(count: u64, seed: u64, out: impl Into<PathBuf>) -> GenerateOptions {
        GenerateOptions {
            count,
            seed,
            out: out.into(),
            layout: Layout::Mixed,
            force: false,
        }
    }
}

/// One generated decision: its text and the fields it must parse back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Position in the corpus.
    pub index: u64,
    /// The decision text, as written to the file.
    pub text: String,
    pub authority: String,
    pub case_ref: String,
    pub category: Category,
    pub outcome: Outcome,
    pub decision_date: Date,
    /// The closing line.
    pub decided_by: String,
    /// Written in the web-page layout (else plain text).
    pub page_layout: bool,
    /// The benchmark phrases planted (entries of [`PHRASES`]).
    pub phrases: Vec<&'static str>,
    /// Names of the citation forms written (entries of [`CITATION_FORMS`]).
    pub citation_forms: Vec<&'static str>,
}

/// Decision `index` of corpus `seed`, mixed layout.
pub fn generate_one(seed: u64, index: u64) -> Generated {
    generate_with(seed, index, Layout::Mixed)
}

/// Decision `index` of corpus `seed` in `layout`. The facts (body,
/// reference, category, outcome, date, phrases) do not depend on the layout.
pub fn generate_with(seed: u64, index: u64, layout: Layout) -> Generated {
    let mut rng = Rng::for_decision(seed, index, 0);
    let facts = facts::draw(seed, index, &mut rng, layout.page_share());
    // A body stream that happens to spell a benchmark phrase that was not
    // planted is rewritten from the next stream (rare: slot words cannot
    // form the rare phrases), so phrase rates stay exact.
    let mut attempt = 1;
    let (text, forms) = loop {
        let mut w = text::Writer::new(&facts, Rng::for_decision(seed, index, attempt));
        sections::write(&mut w);
        let text = layout::render(&w.doc, facts.form, &mut w.rng);
        if attempt >= 8 || phrases::found(&text) == facts.phrases {
            break (text, w.forms);
        }
        attempt += 1;
    };
    Generated {
        index,
        text,
        authority: facts.authority.to_string(),
        case_ref: facts.case_ref.clone(),
        category: Category {
            top: facts.top.label.to_string(),
            sub: Some(facts.sub.label.to_string()),
        },
        outcome: facts.outcome.clone(),
        decision_date: facts.date,
        decided_by: sections::CLOSING.to_string(),
        page_layout: facts.form == Form::Page,
        phrases: PHRASES
            .iter()
            .enumerate()
            .filter(|(i, _)| facts.has(*i))
            .map(|(_, (p, _))| *p)
            .collect(),
        citation_forms: CITATION_FORMS
            .iter()
            .enumerate()
            .filter(|(i, _)| forms & (1 << i) != 0)
            .map(|(_, f)| f.name)
            .collect(),
    }
}

/// The [`PHRASES`] that `text` contains, as a phrase query sees them
/// (ignoring case, punctuation and line breaks).
pub fn phrases_in(text: &str) -> Vec<&'static str> {
    let bits = phrases::found(text);
    PHRASES
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, (p, _))| *p)
        .collect()
}

/// Where decision `index` goes, relative to the output folder:
/// `<shard>/<NNNNNNN>_<16 hex>.txt`.
pub fn relative_path(seed: u64, index: u64) -> PathBuf {
    let shard = format!("{:04}", index / SHARD_SIZE);
    let file = format!("{index:07}_{:016x}.txt", rng::mix(seed ^ rng::mix(index)));
    PathBuf::from(shard).join(file)
}

/// What [`write_corpus`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateSummary {
    /// The output folder.
    pub out: PathBuf,
    pub files: u64,
    pub bytes: u64,
    pub seconds: f64,
}

impl GenerateSummary {
    /// Throughput in MB (10^6 bytes) per second.
    pub fn mb_per_second(&self) -> f64 {
        if self.seconds > 0.0 {
            self.bytes as f64 / 1e6 / self.seconds
        } else {
            0.0
        }
    }
}

/// Why a corpus could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("{} exists and is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error(
        "{} is not empty and does not look like a generated corpus (no {MARKER} file); choose an empty folder or pass --force",
        .0.display()
    )]
    NotEmpty(PathBuf),
    #[error(
        "{count} decisions need about {:.1} GB and the disk of {} has {:.1} GB free; choose a smaller --count or another --out",
        *needed as f64 / 1e9,
        path.display(),
        *free as f64 / 1e9
    )]
    NoSpace {
        count: u64,
        needed: u64,
        free: u64,
        path: PathBuf,
    },
    #[error("cannot create folder {}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read folder {}", path.display())]
    ReadDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot remove old shard {}", path.display())]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Generates `opts.count` decisions into `opts.out` in parallel (rayon),
/// one `fs::write` per file; `progress` is advanced once per file.
///
/// The folder is created when missing. A non-empty folder is refused
/// unless it holds the generated-corpus marker (its old shard folders are
/// then removed first) or `opts.force` is set (files are written over;
/// nothing is removed).
pub fn write_corpus(
    opts: &GenerateOptions,
    progress: &ProgressBar,
) -> Result<GenerateSummary, GenerateError> {
    let started = Instant::now();
    check_space(opts)?;
    prepare(&opts.out, opts.force)?;
    progress.set_length(opts.count);
    let shards = opts.count.div_ceil(SHARD_SIZE);
    let bytes = (0..shards)
        .into_par_iter()
        .map(|shard| write_shard(opts, shard, progress))
        .try_reduce(|| 0, |a, b| Ok(a + b))?;
    let marker = opts.out.join(MARKER);
    let note = format!(
        "ombudsearch generate\nseed={}\ncount={}\nlayout={:?}\ngenerator={GENERATOR_VERSION}\n",
        opts.seed, opts.count, opts.layout
    );
    std::fs::write(&marker, note).map_err(|source| GenerateError::Write {
        path: marker,
        source,
    })?;
    progress.finish_and_clear();
    Ok(GenerateSummary {
        out: opts.out.clone(),
        files: opts.count,
        bytes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Bytes a generated decision takes on disk, on average, with its share of
/// file-system blocks: the files average about 8.3 KB (830 MB per 100,000).
const DISK_BYTES_PER_DECISION: u64 = 10_500;

/// Refuses a corpus the disk cannot hold before writing any of it (a
/// full disk otherwise stopped the run part-way, after minutes). Skipped
/// when the space cannot be read, and when `out` holds a generated corpus,
/// whose old shards are removed first.
fn check_space(opts: &GenerateOptions) -> Result<(), GenerateError> {
    if opts.out.join(MARKER).is_file() {
        return Ok(());
    }
    let existing = opts
        .out
        .ancestors()
        .find(|p| !p.as_os_str().is_empty() && p.exists())
        .unwrap_or(Path::new("."));
    let Ok(free) = fs4::available_space(existing) else {
        return Ok(());
    };
    let needed = opts.count.saturating_mul(DISK_BYTES_PER_DECISION);
    if needed > free {
        return Err(GenerateError::NoSpace {
            count: opts.count,
            needed,
            free,
            path: existing.to_path_buf(),
        });
    }
    Ok(())
}

fn write_shard(
    opts: &GenerateOptions,
    shard: u64,
    progress: &ProgressBar,
) -> Result<u64, GenerateError> {
    let dir = opts.out.join(format!("{shard:04}"));
    std::fs::create_dir_all(&dir).map_err(|source| GenerateError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    let end = ((shard + 1) * SHARD_SIZE).min(opts.count);
    let mut bytes = 0;
    for index in shard * SHARD_SIZE..end {
        let g = generate_with(opts.seed, index, opts.layout);
        let path = opts.out.join(relative_path(opts.seed, index));
        std::fs::write(&path, g.text.as_bytes())
            .map_err(|source| GenerateError::Write { path, source })?;
        bytes += g.text.len() as u64;
        progress.inc(1);
    }
    Ok(bytes)
}

/// Checks (and creates, or clears of old shards) the output folder.
fn prepare(out: &Path, force: bool) -> Result<(), GenerateError> {
    match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => return Err(GenerateError::NotAFolder(out.to_path_buf())),
        Ok(_) => {}
        Err(_) => {
            return std::fs::create_dir_all(out).map_err(|source| GenerateError::CreateDir {
                path: out.to_path_buf(),
                source,
            });
        }
    }
    let read_err = |source| GenerateError::ReadDir {
        path: out.to_path_buf(),
        source,
    };
    let mut entries = Vec::new();
    for e in std::fs::read_dir(out).map_err(read_err)? {
        entries.push(e.map_err(read_err)?.path());
    }
    if entries.is_empty() {
        return Ok(());
    }
    if out.join(MARKER).is_file() {
        for path in entries.iter().filter(|p| is_shard_dir(p)) {
            std::fs::remove_dir_all(path).map_err(|source| GenerateError::Remove {
                path: path.clone(),
                source,
            })?;
        }
        return Ok(());
    }
    if force {
        Ok(())
    } else {
        Err(GenerateError::NotEmpty(out.to_path_buf()))
    }
}

/// A folder named like a shard (`0000`, `0123`).
fn is_shard_dir(p: &Path) -> bool {
    p.is_dir()
        && p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_sharded() {
        let p = relative_path(1, 12_345);
        let s = p.to_string_lossy().replace('\\', "/");
        assert!(s.starts_with("0012/0012345_"), "{s}");
        assert!(s.ends_with(".txt") && s.len() == "0012/0012345_".len() + 16 + 4);
    }

    /// Sentence templates are drawn so that a decision seldom says the same
    /// long sentence twice (before, 4 in 10 did: a closed decision could
    /// list "there is another body better placed …" as two bullets, and a
    /// long analysis cycled through its few templates).
    #[test]
    fn decisions_seldom_repeat_a_sentence() {
        let count = 400;
        let mut repeating = 0;
        for index in 0..count {
            let text = generate_one(11, index).text;
            let mut seen = std::collections::HashSet::new();
            let sentences = text
                .split(['\n', '.', ';'])
                .map(|s| s.trim_start_matches(['-', ' ']))
                .filter(|s| s.len() > 50);
            if sentences.into_iter().any(|s| !seen.insert(s)) {
                repeating += 1;
            }
            let bullets: Vec<&str> = text
                .lines()
                .filter(|l| l.starts_with("- there is another body"))
                .collect();
            assert!(
                bullets.len() <= 1,
                "decision {index} repeats a bullet:\n{text}"
            );
        }
        assert!(
            repeating * 5 < count,
            "{repeating} of {count} decisions repeat a sentence"
        );
    }
}
