//! Rule files: from TOML text to validated rule specifications.
//!
//! `raw` is the serde shape, `load` checks it and produces [`RuleSpec`]s, `embedded` holds
//! the default rule files baked into the binary. Nothing here opens files or compiles
//! regexes: callers hand in [`Source`]s (name + text) and `engine::compile` builds the
//! matchers, so a bad pattern is still reported with this module's positions.

mod embedded;
mod load;
pub mod raw;

use std::fmt;
use std::sync::Arc;

pub use embedded::embedded_sources;
pub use load::{closest, parse_source, pos_at};

/// A rule file's text and the name errors should call it by (usually its path).
#[derive(Debug, Clone)]
pub struct Source {
    /// Display name, e.g. `rules/npr.toml`.
    pub name: String,
    /// The TOML text.
    pub text: String,
}

impl Source {
    /// A source from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }
}

/// A place in a rule file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pos {
    /// The source's display name.
    pub file: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Why a rule file was rejected: where, which rule, and what is wrong.
///
/// Displays as `<file>:<line>:<col>: <what> (rule <id>)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadError {
    /// Where the problem is.
    pub pos: Pos,
    /// The rule it belongs to, when known.
    pub rule: Option<String>,
    /// What is wrong, in one line.
    pub message: String,
}

impl LoadError {
    pub(crate) fn new(pos: Pos, rule: Option<&str>, message: impl Into<String>) -> Self {
        LoadError {
            pos,
            rule: rule.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pos, self.message)?;
        if let Some(r) = &self.rule {
            write!(f, " (rule {r})")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// A regex as written, with where it was written.
#[derive(Debug, Clone)]
pub struct PatternSpec {
    /// The regex source.
    pub text: String,
    /// Its position in the rule file.
    pub pos: Pos,
}

/// Lines that trigger a rule: literal lines and whole-line regexes.
#[derive(Debug, Clone, Default)]
pub struct LineSpec {
    /// Literal lines, compared after trimming.
    pub lines: Vec<String>,
    /// Whole-line regexes.
    pub patterns: Vec<PatternSpec>,
}

impl LineSpec {
    /// True when neither literals nor patterns are given.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.patterns.is_empty()
    }
}

/// What a rule does, with its kind's parameters.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum KindSpec {
    /// Remove every line that matches.
    Drop {
        /// The lines to remove.
        trigger: LineSpec,
    },
    /// Remove matching spans inside lines and keep the rest of the line.
    Strip {
        /// The spans to remove.
        spans: Vec<PatternSpec>,
    },
    /// Remove from the first marker (a whole line, or a span inside a line) to the end of
    /// the page.
    Cut {
        /// Marker lines.
        trigger: LineSpec,
        /// Marker spans: the line is kept up to the span.
        spans: Vec<PatternSpec>,
    },
    /// Remove a start line and the lines that continue it.
    Block {
        /// Start lines.
        trigger: LineSpec,
        /// Continuation lines.
        while_: Vec<PatternSpec>,
        /// End line (included in the block).
        end: Vec<PatternSpec>,
        /// Non-continuing lines tolerated in a row before a continuing one.
        max_gap: usize,
        /// Most lines in one block.
        max_lines: usize,
        /// Blank lines do not end the block.
        skip_blank: bool,
    },
    /// Remove a line that appears again within a few lines, with its copies.
    Repeat {
        /// Window, in non-blank lines.
        within: usize,
        /// Also remove what stands between the copies.
        drop_between: bool,
        /// Shortest line considered, in bytes.
        min_chars: usize,
        /// What must stand between the copies (none: anything, or nothing).
        between: Vec<PatternSpec>,
    },
    /// Keep the best-scoring run of prose lines and remove the lines around it.
    Region(RegionSpec),
    /// Cap what generic rules may remove of a page's words.
    Guard {
        /// The cap, in percent of the page's words.
        max_percent: usize,
        /// Pages with fewer words are not capped.
        min_words: usize,
    },
}

/// The parameters of a `region` rule: how lines score, and where the search stops.
#[derive(Debug, Clone)]
pub struct RegionSpec {
    /// Span regexes: a line matching one is sentence-like.
    pub prose: Vec<PatternSpec>,
    /// Whole-line regexes for list and widget shapes.
    pub list: Vec<PatternSpec>,
    /// Span regexes for prompts.
    pub chrome: Vec<PatternSpec>,
    /// Span regexes for footer notices: a block with one is a prompt whole, even with
    /// `prompt_sentences`.
    pub footer: Vec<PatternSpec>,
    /// A block with a prompt scores the prose of its other sentences, less the prompt's
    /// cost for each sentence that holds one.
    pub prompt_sentences: bool,
    /// Whole-line regexes that end the search.
    pub stop: Vec<PatternSpec>,
    /// Shortest sentence-like line that is prose, in characters.
    pub prose_chars: usize,
    /// Shortest line that is prose whatever its ending, in characters.
    pub long_chars: usize,
    /// Characters per point of a prose line.
    pub chars_per_point: usize,
    /// Cost of any other non-blank line.
    pub short_penalty: usize,
    /// Cost of a list-shaped line.
    pub list_penalty: usize,
    /// Cost of a list item that is one sentence ending in a full stop, if not
    /// `list_penalty`.
    pub sentence_item_penalty: Option<usize>,
    /// Cost of a line an earlier rule removed.
    pub removed_penalty: usize,
    /// Cost of a line with a prompt.
    pub chrome_penalty: usize,
    /// Blocks at least this many characters long are never prompts (0: no limit): a whole
    /// article printed as one line holds a "subscribe" somewhere.
    pub chrome_max_chars: usize,
    /// Inside the run, this many adjacent blocks that score nothing are removed when a
    /// list, a prompt or a link list is among them (0: off).
    pub min_run: usize,
    /// Score the best span must reach before a `stop` line ends the search.
    pub stop_after: usize,
    /// Keep the headline just above the run.
    pub heading: bool,
    /// Extend the run over the sentence-like lines that follow it.
    pub trailing_sentences: bool,
    /// Extend the run over the sentence-like lines that come before it (before the
    /// headline is looked for).
    pub leading_sentences: bool,
    /// Extend the run over the list or table (list-shaped blocks) under its last block
    /// when that block is prose ending with a colon.
    pub introduced_lists: bool,
    /// Percent of a weaker stretch's cost that prose beyond it must outweigh to join the
    /// run (0: off).
    pub bridge_percent: usize,
    /// Points by which it must outweigh it.
    pub bridge_min: usize,
    /// Percent of the page's prose the run must hold, or the region keeps all (0: off).
    pub min_prose_percent: usize,
    /// A block with at least `glued_min` words glued to the next (`NewsSportWeather`), one
    /// per `glued_percent` percent of its words or more, is a list (0: off): a menu whose
    /// text was taken without the spaces between its items.
    pub glued_min: usize,
    /// See `glued_min`.
    pub glued_percent: usize,
}

/// A rule's kind without its parameters: what [`KindSpec`] is, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// [`KindSpec::Drop`].
    Drop,
    /// [`KindSpec::Strip`].
    Strip,
    /// [`KindSpec::Cut`].
    Cut,
    /// [`KindSpec::Block`].
    Block,
    /// [`KindSpec::Repeat`].
    Repeat,
    /// [`KindSpec::Region`].
    Region,
    /// [`KindSpec::Guard`].
    Guard,
}

impl Kind {
    /// The kind's name as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Drop => "drop",
            Kind::Strip => "strip",
            Kind::Cut => "cut",
            Kind::Block => "block",
            Kind::Repeat => "repeat",
            Kind::Region => "region",
            Kind::Guard => "guard",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl KindSpec {
    /// The kind, without its parameters.
    pub fn kind(&self) -> Kind {
        match self {
            KindSpec::Drop { .. } => Kind::Drop,
            KindSpec::Strip { .. } => Kind::Strip,
            KindSpec::Cut { .. } => Kind::Cut,
            KindSpec::Block { .. } => Kind::Block,
            KindSpec::Repeat { .. } => Kind::Repeat,
            KindSpec::Region(_) => Kind::Region,
            KindSpec::Guard { .. } => Kind::Guard,
        }
    }

    /// The kind's name as written in rule files.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

/// What a rule's line patterns see of the page (`view = "..."`). Only `drop`, `block` and
/// `repeat` rules take a view other than [`View::Line`], and `strip` rules [`View::Block`]:
/// their spans are also looked for in a block's lines joined with `\n`, so a span the
/// wrapper broke over lines (a Markdown link target) is found, and each line loses its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum View {
    /// Each line, trimmed, exactly as written (the default).
    #[default]
    Line,
    /// Each line as a reader sees it: without a list bullet (`•`, `*`, `-`, `·` …), heading
    /// or quote mark, Markdown link and emphasis syntax (`* [Playlist](…)` reads `Playlist`).
    Visible,
    /// Each block (a paragraph hard-wrapped over several lines is one block; elsewhere a
    /// line is a block), its lines joined with one space and read as [`View::Visible`]. A
    /// match takes all the block's lines.
    Block,
}

impl View {
    /// The view's name as written in rule files.
    pub fn name(self) -> &'static str {
        match self {
            View::Line => "line",
            View::Visible => "visible",
            View::Block => "block",
        }
    }

    /// The view named `name`, if there is one.
    pub fn from_name(name: &str) -> Option<View> {
        [View::Line, View::Visible, View::Block]
            .into_iter()
            .find(|v| v.name() == name)
    }
}

/// A worked example: input and the output the rule alone must give.
#[derive(Debug, Clone)]
pub struct ExampleSpec {
    /// Page text before cleaning.
    pub input: String,
    /// Expected output.
    pub output: String,
    /// Where the example is written.
    pub pos: Pos,
}

/// A validated rule.
#[derive(Debug, Clone)]
pub struct RuleSpec {
    /// Unique id.
    pub id: String,
    /// One-line reason.
    pub why: String,
    /// What it does.
    pub kind: KindSpec,
    /// What its line patterns see of the page.
    pub view: View,
    /// Where its `id` is written.
    pub pos: Pos,
    /// Index into [`FileSpec::site`]'s owner list, `None` for generic rules.
    pub site: Option<usize>,
    /// Worked examples.
    pub examples: Vec<ExampleSpec>,
}

/// A validated `[site]` table.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    /// Site name (the file stem when not given).
    pub name: String,
    /// The file it came from.
    pub file: Arc<str>,
    /// Host names, lower case.
    pub hosts: Vec<String>,
    /// Detection regexes.
    pub detect: Vec<PatternSpec>,
    /// What it turns off on its pages: rule ids and kind names.
    pub disable: Vec<String>,
}

/// A validated rule file.
#[derive(Debug, Clone)]
pub struct FileSpec {
    /// The file's display name.
    pub file: Arc<str>,
    /// Its `[site]`, if any.
    pub site: Option<SiteSpec>,
    /// Its rules, in order (their `site` is `None` here; the loader sets it).
    pub rules: Vec<RuleSpec>,
}

/// Check that rule ids are unique across files; the error names both places.
pub fn check_unique_ids(files: &[FileSpec]) -> Result<(), LoadError> {
    let mut seen: std::collections::HashMap<&str, &Pos> = std::collections::HashMap::new();
    for f in files {
        for r in &f.rules {
            if let Some(first) = seen.insert(&r.id, &r.pos) {
                return Err(LoadError::new(
                    r.pos.clone(),
                    Some(&r.id),
                    format!("duplicate rule id `{}`: already defined at {first}", r.id),
                ));
            }
        }
    }
    Ok(())
}
