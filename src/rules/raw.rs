//! The serde shape of a rule file, exactly as written in TOML.
//!
//! Owns nothing but deserialisation: no checks beyond types and unknown keys
//! (`deny_unknown_fields` everywhere). Every field that a later check may complain about
//! is `Spanned`, so the error can point at its line and column. The structs are flat on
//! purpose: `flatten` and internally tagged enums lose both spans and unknown-key errors.

use serde::Deserialize;
use toml::Spanned;

/// A whole rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawFile {
    /// When the file's rules apply; absent for generic rules, which apply to every page.
    pub site: Option<Spanned<RawSite>>,
    /// The rules, in order of precedence.
    #[serde(default)]
    pub rule: Vec<RawRule>,
}

/// The `[site]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawSite {
    /// Short name, e.g. `npr`; rule ids in the file should start with it.
    pub name: Option<Spanned<String>>,
    /// Domains; a page whose `--url` host is one of them (or a subdomain) gets the rules.
    #[serde(default)]
    pub hosts: Vec<Spanned<String>>,
    /// Regexes searched in the page text (`^`/`$` match at line breaks); any hit applies
    /// the rules.
    #[serde(default)]
    pub detect: Vec<Spanned<String>>,
    /// Rules (by id) or kinds of rules (`region`, `drop`...) of other files that do not run
    /// on the pages this site's rules apply to.
    #[serde(default)]
    pub disable: Vec<Spanned<String>>,
}

/// One `[[rule]]` table. Which optional fields are allowed depends on `kind`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawRule {
    /// Unique id, `namespace/kebab-slug`.
    pub id: Spanned<String>,
    /// One line saying why the matched text is noise.
    pub why: Option<Spanned<String>>,
    /// `drop`, `strip`, `cut`, `block`, `repeat`, `region` or `guard`.
    pub kind: Option<Spanned<String>>,
    /// `line` (default), `visible` or `block`: what the rule's line patterns see (`drop`,
    /// `block` and `repeat` only).
    pub view: Option<Spanned<String>>,
    /// Whole lines, compared with the page's lines after trimming white space.
    pub lines: Option<Spanned<Vec<Spanned<String>>>>,
    /// Regexes that must match a whole (trimmed) line.
    pub patterns: Option<Spanned<Vec<Spanned<String>>>>,
    /// Regexes that match a span inside a line.
    pub spans: Option<Spanned<Vec<Spanned<String>>>>,
    /// `block`: whole-line regexes for the lines that continue the block.
    #[serde(rename = "while")]
    pub while_: Option<Spanned<Vec<Spanned<String>>>>,
    /// `block`: whole-line regexes for the line that ends the block (included).
    pub end: Option<Spanned<Vec<Spanned<String>>>>,
    /// `block`: how many non-continuing lines in a row are tolerated before a continuing one.
    pub max_gap: Option<Spanned<i64>>,
    /// `block`: the most lines a block may span, start line included.
    pub max_lines: Option<Spanned<i64>>,
    /// `block`: whether blank lines inside the block keep it going.
    pub skip_blank: Option<Spanned<bool>>,
    /// `repeat`: the copy must come within this many non-blank lines.
    pub within: Option<Spanned<i64>>,
    /// `repeat`: also remove the lines between the copies.
    pub drop_between: Option<Spanned<bool>>,
    /// `repeat`: ignore lines shorter than this many bytes (trimmed).
    pub min_chars: Option<Spanned<i64>>,
    /// `repeat`: whole-line regexes; when given, copies count only if at least one
    /// non-blank line stands between them and every such line matches.
    pub between: Option<Spanned<Vec<Spanned<String>>>>,
    /// `region`: span regexes that mark a line as sentence-like (e.g. its final
    /// punctuation).
    pub prose: Option<Spanned<Vec<Spanned<String>>>>,
    /// `region`: whole-line regexes for list and widget shapes (bullets, `[alt]`, rules).
    pub list: Option<Spanned<Vec<Spanned<String>>>>,
    /// `region`: span regexes for prompts (cookies, newsletters, sharing, sign-in).
    pub chrome: Option<Spanned<Vec<Spanned<String>>>>,
    /// `region`: span regexes for footer notices (copyright): a block with one is a
    /// prompt whole, even with `prompt-sentences`.
    pub footer: Option<Spanned<Vec<Spanned<String>>>>,
    /// `region`: a block with a prompt is scored sentence by sentence.
    pub prompt_sentences: Option<Spanned<bool>>,
    /// `region`: whole-line regexes that end the search (a comments section header).
    pub stop: Option<Spanned<Vec<Spanned<String>>>>,
    /// `region`: a sentence-like line at least this many characters long is prose.
    pub prose_chars: Option<Spanned<i64>>,
    /// `region`: a line at least this many characters long is prose whatever its ending.
    pub long_chars: Option<Spanned<i64>>,
    /// `region`: a prose line scores one point per this many characters.
    pub chars_per_point: Option<Spanned<i64>>,
    /// `region`: what any other non-blank line costs, in points.
    pub short_penalty: Option<Spanned<i64>>,
    /// `region`: what a list-shaped line costs.
    pub list_penalty: Option<Spanned<i64>>,
    /// `region`: what a list item that is a sentence ending in a full stop costs.
    pub sentence_item_penalty: Option<Spanned<i64>>,
    /// `region`: what a line an earlier rule removed costs.
    pub removed_penalty: Option<Spanned<i64>>,
    /// `region`: what a line with a prompt costs.
    pub chrome_penalty: Option<Spanned<i64>>,
    /// `region`: a block this many characters long or longer is not a prompt, whatever
    /// `chrome` finds in it (0: no limit).
    pub chrome_max_chars: Option<Spanned<i64>>,
    /// `region`: inside the run, this many adjacent lines that score nothing are removed
    /// (0: off).
    pub min_run: Option<Spanned<i64>>,
    /// `region`: a `stop` line ends the search once the best span scores this much.
    pub stop_after: Option<Spanned<i64>>,
    /// `region`: also keep the line just above the run (the headline) when it is neither
    /// list-shaped nor a prompt nor long.
    pub heading: Option<Spanned<bool>>,
    /// `region`: extend the run over the sentence-like lines that follow it.
    pub trailing_sentences: Option<Spanned<bool>>,
    /// `region`: extend the run over the sentence-like lines that come before it.
    pub leading_sentences: Option<Spanned<bool>>,
    /// `region`: extend the run over the list or table that its last sentence introduces
    /// with a colon.
    pub introduced_lists: Option<Spanned<bool>>,
    /// `region`: prose beyond a weaker stretch joins the run when it outweighs the stretch
    /// counted at this percent of its cost (0: off).
    pub bridge_percent: Option<Spanned<i64>>,
    /// `region`: by at least this many points.
    pub bridge_min: Option<Spanned<i64>>,
    /// `region`: the run must hold this percent of the page's prose points, or the region
    /// keeps everything (0: off).
    pub min_prose_percent: Option<Spanned<i64>>,
    /// `region`: a block with at least this many words glued to the next
    /// (`NewsSportWeather`)...
    pub glued_min: Option<Spanned<i64>>,
    /// `region`: ...one per this percent of its words or more, is a list (0: off).
    pub glued_percent: Option<Spanned<i64>>,
    /// `guard`: the most generic rules may remove of a page's words, in percent.
    pub max_percent: Option<Spanned<i64>>,
    /// `guard`: pages with fewer words than this are not capped.
    pub min_words: Option<Spanned<i64>>,
    /// Worked examples, checked by the test suite and `clean test`.
    #[serde(default)]
    pub examples: Vec<Spanned<RawExample>>,
}

/// One `[[rule.examples]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawExample {
    /// Page text before cleaning.
    pub input: String,
    /// What the rule alone (plus layout normalisation) must leave.
    pub output: String,
}
