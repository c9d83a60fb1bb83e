//! Criterion benchmarks of the engine through the library API, the way the CLI calls it:
//! `Page::new` → `RuleSet::apply` → `Outcome::render`.
//!
//! ```sh
//! cargo bench --bench engine                 # full run
//! cargo bench --bench engine -- --quick      # a quick look
//! cargo bench --bench engine -- rules_10x    # one group
//! ```
//!
//! Groups:
//! - `seeds`: each page in `seeds/`, throughput in bytes of input.
//! - `corpus_1mb`: ~1 MB of pages built from the seeds, cleaned page by page (as
//!   `--split` does) and as one single page.
//! - `rules_10x`: the same 1 MB, page by page, with the default rules and with a rule set
//!   ten times larger (generated drop/strip rules, loaded from TOML text through the same
//!   loader as `--rules` files). The goal: ten times the rules costs at most 2x.
//!
//! `cargo test` never runs these (criterion benches only run under `cargo bench`).

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use clean::{embedded_sources, load, Page, RuleSet, Source};

/// The seed pages, read at bench time: (file name, bytes).
fn seeds() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .expect("seeds/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("seed page"))
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no seed pages in {}", dir.display());
    v
}

/// About `size` bytes of pages: the seeds in turn, each copy with its article lines
/// numbered so no two pages are identical. Returns the pages and their concatenation.
fn corpus(size: usize) -> (Vec<Vec<u8>>, Vec<u8>) {
    let seeds = seeds();
    let mut pages = Vec::new();
    let mut total = 0;
    let mut n = 0usize;
    while total < size {
        let (_, bytes) = &seeds[n % seeds.len()];
        let mut page = Vec::with_capacity(bytes.len() + 64);
        for line in bytes.split_inclusive(|&b| b == b'\n') {
            // Long lines are article text: make them unique per copy.
            if line.len() > 120 {
                let body = line.strip_suffix(b"\n").unwrap_or(line);
                page.extend_from_slice(body);
                page.extend_from_slice(format!(" ({n})").as_bytes());
                if body.len() < line.len() {
                    page.push(b'\n');
                }
            } else {
                page.extend_from_slice(line);
            }
        }
        if page.last() != Some(&b'\n') {
            page.push(b'\n');
        }
        total += page.len();
        pages.push(page);
        n += 1;
    }
    let all = pages.concat();
    (pages, all)
}

fn default_rules() -> RuleSet {
    load(&embedded_sources()).expect("embedded rules load")
}

/// Which kinds of rules [`larger_rules`] generates.
#[derive(Clone, Copy)]
enum Mix {
    /// Half literal lines, a quarter whole-line regexes, a quarter span regexes.
    All,
    /// Only `drop` rules with literal `lines`.
    Literals,
    /// Only `drop` rules with whole-line `patterns`.
    Patterns,
    /// Only `strip` rules with `spans`.
    Spans,
    /// As `Patterns`, with ASCII classes (`(?-u:\\w)`, `[0-9]`).
    PatternsAscii,
}

/// The default rules plus generated drop and strip rules, so the set has `factor` times
/// as many rules. The generated rules look like chrome but rarely fire.
fn larger_rules(factor: usize, mix: Mix) -> (RuleSet, usize) {
    let base = default_rules().rules().len();
    let extra = base * factor - base;
    let mut toml = String::new();
    for i in 0..extra {
        toml.push_str(&format!(
            "[[rule]]\nid = \"bench/rule-{i}\"\nwhy = \"generated benchmark rule {i}\"\n"
        ));
        let which = match mix {
            Mix::All => i % 4,
            Mix::Literals => 0,
            Mix::Patterns => 2,
            Mix::Spans => 3,
            Mix::PatternsAscii => 4,
        };
        match which {
            0 | 1 => toml.push_str(&format!(
                "kind = \"drop\"\nlines = [\"Follow Site{i} on Twitter\", \"Subscribe to the Site{i} newsletter\", \"Site{i} Daily\"]\n"
            )),
            2 => toml.push_str(&format!(
                "kind = \"drop\"\npatterns = ['(?i)share (this|the) (story|article) on site{i}( \\w+)?', 'Site{i} \\d+ (min|hour)s? ago']\n"
            )),
            4 => toml.push_str(&format!(
                "kind = \"drop\"\npatterns = ['(?i)share (this|the) (story|article) on site{i}( (?-u:\\w)+)?', 'Site{i} [0-9]+ (min|hour)s? ago']\n"
            )),
            _ => toml.push_str(&format!(
                "kind = \"strip\"\nspans = ['\\s*\\(Site{i} (Photo|Video)(: [^)]*)?\\)', '\\s*\\[site{i}-embed\\]']\n"
            )),
        }
        toml.push('\n');
    }
    let mut sources = embedded_sources();
    sources.push(Source::new("bench/generated.toml", toml));
    let rules = load(&sources).expect("generated rules load");
    let n = rules.rules().len();
    (rules, n)
}

fn clean_one(rules: &RuleSet, bytes: &[u8]) -> usize {
    let page = Page::new(bytes);
    let outcome = rules.apply(&page, None);
    outcome.render(&page).len()
}

fn bench_seeds(c: &mut Criterion) {
    let rules = default_rules();
    let mut g = c.benchmark_group("seeds");
    for (name, bytes) in seeds() {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(&name), &bytes, |b, bytes| {
            b.iter(|| clean_one(&rules, black_box(bytes)))
        });
    }
    g.finish();
}

fn bench_corpus(c: &mut Criterion) {
    let rules = default_rules();
    let (pages, all) = corpus(1 << 20);
    let mut g = c.benchmark_group("corpus_1mb");
    g.throughput(Throughput::Bytes(all.len() as u64));
    g.bench_function("pages", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|p| clean_one(&rules, black_box(p)))
                .sum::<usize>()
        })
    });
    g.bench_function("one_page", |b| {
        b.iter(|| clean_one(&rules, black_box(&all)))
    });
    g.finish();
}

fn bench_rules_10x(c: &mut Criterion) {
    let (pages, all) = corpus(1 << 20);
    let default = default_rules();
    let mut sets = vec![(format!("default-{}", default.rules().len()), default)];
    for (name, mix) in [
        ("mixed", Mix::All),
        ("literals", Mix::Literals),
        ("patterns", Mix::Patterns),
        ("spans", Mix::Spans),
        ("patterns-ascii", Mix::PatternsAscii),
    ] {
        let (rules, n) = larger_rules(10, mix);
        sets.push((format!("{name}-{n}"), rules));
    }
    let mut g = c.benchmark_group("rules_10x");
    g.throughput(Throughput::Bytes(all.len() as u64));
    for (label, rules) in &sets {
        g.bench_function(label, |b| {
            b.iter(|| {
                pages
                    .iter()
                    .map(|p| clean_one(rules, black_box(p)))
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench_seeds, bench_corpus, bench_rules_10x);
criterion_main!(benches);
