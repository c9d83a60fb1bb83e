//! Per-rule counts over many pages, and the rules that never fired.

use std::io::{self, Write};

use serde::Serialize;

use crate::{Cause, Outcome, Page, RuleSet};

/// Counters for one rule (or for layout normalisation).
#[derive(Debug, Default, Clone, Serialize)]
pub struct RuleCount {
    /// Pages it removed something from.
    pub pages: u64,
    /// Whole lines removed, plus lines that lost a span.
    pub lines: u64,
    /// Bytes removed.
    pub bytes: u64,
}

/// Totals over a run.
#[derive(Debug, Clone)]
pub struct Stats {
    /// Pages cleaned.
    pub pages: u64,
    /// Lines in.
    pub lines_in: u64,
    /// Lines out.
    pub lines_out: u64,
    /// Bytes in.
    pub bytes_in: u64,
    /// Bytes out.
    pub bytes_out: u64,
    /// Indexed like [`RuleSet::rules`].
    pub rules: Vec<RuleCount>,
    /// Layout normalisation.
    pub layout: RuleCount,
}

impl Stats {
    /// Empty counters for a rule set.
    pub fn new(rules: &RuleSet) -> Self {
        Stats {
            pages: 0,
            lines_in: 0,
            lines_out: 0,
            bytes_in: 0,
            bytes_out: 0,
            rules: vec![RuleCount::default(); rules.rules().len()],
            layout: RuleCount::default(),
        }
    }

    /// Count one cleaned page; `out_len` is the length of its cleaned bytes.
    pub fn add(&mut self, page: &Page<'_>, outcome: &Outcome, out_len: usize) {
        self.pages += 1;
        self.lines_in += page.len() as u64;
        self.bytes_in += page.bytes().len() as u64;
        self.bytes_out += out_len as u64;
        self.lines_out += (0..page.len()).filter(|&i| outcome.is_kept(i)).count() as u64;
        let mut fired: Vec<Cause> = Vec::new();
        let mut hit = |c: Cause, lines: u64, bytes: u64| {
            let rc = match c {
                Cause::Rule(i) => &mut self.rules[i as usize],
                Cause::Layout => &mut self.layout,
            };
            rc.lines += lines;
            rc.bytes += bytes;
            if !fired.contains(&c) {
                fired.push(c);
                rc.pages += 1;
            }
        };
        for r in outcome.removals() {
            hit(r.cause, r.lines.len() as u64, r.bytes.len() as u64);
        }
        for e in outcome.edits() {
            for (range, c) in &e.removed {
                hit(*c, 1, range.len() as u64);
            }
        }
    }

    /// Count bytes kept as they are, outside any page (a chunk of a line longer than the
    /// page cap): `add_newline` when a newline is added after them.
    pub fn add_kept(&mut self, bytes: &[u8], add_newline: bool) {
        let ends = memchr::memchr_iter(b'\n', bytes).count() as u64;
        self.lines_in += ends + u64::from(add_newline);
        self.lines_out += ends + u64::from(add_newline);
        self.bytes_in += bytes.len() as u64;
        self.bytes_out += (bytes.len() + usize::from(add_newline)) as u64;
    }

    /// Add another run's counts (e.g. from another thread).
    pub fn merge(&mut self, o: &Stats) {
        self.pages += o.pages;
        self.lines_in += o.lines_in;
        self.lines_out += o.lines_out;
        self.bytes_in += o.bytes_in;
        self.bytes_out += o.bytes_out;
        for (a, b) in self
            .rules
            .iter_mut()
            .zip(&o.rules)
            .chain(std::iter::once((&mut self.layout, &o.layout)))
        {
            a.pages += b.pages;
            a.lines += b.lines;
            a.bytes += b.bytes;
        }
    }

    /// A text table: rules that fired (most lines first), then dead rules, then totals.
    pub fn write_text(&self, out: &mut impl Write, rules: &RuleSet) -> io::Result<()> {
        let mut fired: Vec<(&str, &RuleCount)> = rules
            .rules()
            .iter()
            .zip(&self.rules)
            .filter(|(_, c)| c.pages > 0)
            .map(|(r, c)| (r.id.as_str(), c))
            .collect();
        if self.layout.pages > 0 {
            fired.push(("layout", &self.layout));
        }
        fired.sort_by(|a, b| b.1.lines.cmp(&a.1.lines).then(a.0.cmp(b.0)));
        let w = fired
            .iter()
            .map(|(id, _)| id.len())
            .max()
            .unwrap_or(4)
            .max(4);
        writeln!(
            out,
            "{:<w$}  {:>8}  {:>10}  {:>12}",
            "RULE", "PAGES", "LINES", "BYTES"
        )?;
        for (id, c) in &fired {
            writeln!(
                out,
                "{:<w$}  {:>8}  {:>10}  {:>12}",
                id, c.pages, c.lines, c.bytes
            )?;
        }
        let dead = self.dead(rules);
        if !dead.is_empty() {
            writeln!(out, "\nnever fired ({}): {}", dead.len(), dead.join(", "))?;
        }
        writeln!(
            out,
            "\npages {}; lines {} -> {} ({} removed); bytes {} -> {} ({:.1}% removed)",
            self.pages,
            self.lines_in,
            self.lines_out,
            self.lines_in - self.lines_out,
            self.bytes_in,
            self.bytes_out,
            if self.bytes_in == 0 {
                0.0
            } else {
                100.0 * (self.bytes_in - self.bytes_out) as f64 / self.bytes_in as f64
            }
        )
    }

    /// The same as one JSON object.
    pub fn write_json(&self, out: &mut impl Write, rules: &RuleSet) -> io::Result<()> {
        #[derive(Serialize)]
        struct Row<'a> {
            rule: &'a str,
            #[serde(flatten)]
            count: &'a RuleCount,
        }
        #[derive(Serialize)]
        struct Json<'a> {
            pages: u64,
            lines_in: u64,
            lines_out: u64,
            bytes_in: u64,
            bytes_out: u64,
            rules: Vec<Row<'a>>,
            never_fired: Vec<&'a str>,
        }
        let mut rows: Vec<Row<'_>> = rules
            .rules()
            .iter()
            .zip(&self.rules)
            .filter(|(_, c)| c.pages > 0)
            .map(|(r, c)| Row {
                rule: &r.id,
                count: c,
            })
            .collect();
        if self.layout.pages > 0 {
            rows.push(Row {
                rule: "layout",
                count: &self.layout,
            });
        }
        let j = Json {
            pages: self.pages,
            lines_in: self.lines_in,
            lines_out: self.lines_out,
            bytes_in: self.bytes_in,
            bytes_out: self.bytes_out,
            rules: rows,
            never_fired: self.dead(rules),
        };
        serde_json::to_writer_pretty(&mut *out, &j)?;
        out.write_all(b"\n")
    }

    /// Ids of rules that removed nothing.
    pub fn dead<'a>(&self, rules: &'a RuleSet) -> Vec<&'a str> {
        rules
            .rules()
            .iter()
            .zip(&self.rules)
            .filter(|(_, c)| c.pages == 0)
            .map(|(r, _)| r.id.as_str())
            .collect()
    }
}
