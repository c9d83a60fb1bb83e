//! Parse one rule file and validate it into a [`FileSpec`].
//!
//! All checks that need no compiled regex live here: required fields, fields that the
//! rule's kind does not take, id shape, numeric ranges. Every error carries the file,
//! line:column and, where known, the rule id.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;

use super::raw::{RawFile, RawRule, RawSite};
use super::{
    ExampleSpec, FileSpec, KindSpec, LineSpec, LoadError, PatternSpec, Pos, RegionSpec, RuleSpec,
    SiteSpec, Source, View,
};

/// Parse and validate one rule file.
pub fn parse_source(src: &Source) -> Result<FileSpec, LoadError> {
    let file: Arc<str> = Arc::from(src.name.as_str());
    // Every spec carries its position: the line starts are found once, not per spec.
    let lines = LineStarts::new(&src.text);
    let at = |span: Range<usize>| lines.pos(&file, span.start);
    let raw: RawFile = toml::from_str(&src.text).map_err(|e| {
        let off = e.span().map_or(0, |s| s.start);
        let message = shorten_unknown_field(&e.message().trim().replace('\n', " "));
        LoadError::new(
            at(off..off),
            rule_id_before(&src.text, off).as_deref(),
            message,
        )
    })?;

    let site = raw
        .site
        .map(|s| site_spec(&file, &src.name, s, &at))
        .transpose()?;
    let mut rules = Vec::with_capacity(raw.rule.len());
    for r in raw.rule {
        rules.push(rule_spec(r, &at)?);
    }
    Ok(FileSpec { file, site, rules })
}

/// serde lists every field a table takes after an unknown one; with many rule kinds that
/// list is long, so name the closest field instead: "unknown field `line` (did you mean
/// `lines`?)".
fn shorten_unknown_field(msg: &str) -> String {
    let Some(rest) = msg.strip_prefix("unknown field `") else {
        return msg.to_owned();
    };
    let Some((field, expected)) = rest.split_once("`, expected one of ") else {
        return msg.to_owned();
    };
    let fields = expected.split(", ").map(|f| f.trim_matches('`'));
    match closest(field, fields) {
        Some(f) => format!("unknown field `{field}` (did you mean `{f}`?)"),
        None => format!("unknown field `{field}`"),
    }
}

/// The candidate closest to `word` (by edit distance), when it is close enough to be what
/// was meant: at most two edits away, or one is a prefix of the other. For did-you-mean
/// hints on unknown fields and rule ids.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .min()
        .filter(|&(d, c)| d <= 2 || c.starts_with(word) || word.starts_with(c))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn site_spec(
    file: &Arc<str>,
    name: &str,
    s: Spanned<RawSite>,
    at: &impl Fn(Range<usize>) -> Pos,
) -> Result<SiteSpec, LoadError> {
    let span = s.span();
    let s = s.into_inner();
    if s.hosts.is_empty() && s.detect.is_empty() {
        return Err(LoadError::new(
            at(span),
            None,
            "[site] needs `hosts` or `detect`, or it would never apply (leave out [site] for generic rules)",
        ));
    }
    let site_name = match s.name {
        Some(n) => n.into_inner(),
        None => std::path::Path::new(name)
            .file_stem()
            .map_or_else(|| name.to_owned(), |s| s.to_string_lossy().into_owned()),
    };
    let mut hosts = Vec::new();
    for h in s.hosts {
        let span = h.span();
        let h = h
            .into_inner()
            .trim()
            .trim_end_matches('.')
            .to_ascii_lowercase();
        if h.is_empty() || h.contains(['/', ':', ' ']) {
            return Err(LoadError::new(
                at(span),
                None,
                format!("host `{h}` is not a bare domain name like `npr.org`"),
            ));
        }
        hosts.push(h);
    }
    let mut disable = Vec::new();
    for d in s.disable {
        let span = d.span();
        let d = d.into_inner();
        if !(valid_id(&d) || allowed(&d).is_some()) {
            return Err(LoadError::new(
                at(span),
                None,
                format!(
                    "`disable` entry `{d}` is neither a rule id (`site/slug`) nor a kind ({KINDS})"
                ),
            ));
        }
        disable.push(d);
    }
    Ok(SiteSpec {
        name: site_name,
        file: file.clone(),
        hosts,
        detect: patterns(Some(s.detect), at),
        disable,
    })
}

/// Field names a kind accepts beyond `id`, `why`, `kind` and `examples`.
fn allowed(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "drop" => &["lines", "patterns"],
        "strip" => &["spans"],
        "cut" => &["lines", "patterns", "spans"],
        "block" => &[
            "lines",
            "patterns",
            "while",
            "end",
            "max-gap",
            "max-lines",
            "skip-blank",
        ],
        "repeat" => &["within", "drop-between", "min-chars", "between"],
        "region" => &[
            "prose",
            "list",
            "chrome",
            "footer",
            "prompt-sentences",
            "stop",
            "prose-chars",
            "long-chars",
            "chars-per-point",
            "short-penalty",
            "list-penalty",
            "sentence-item-penalty",
            "removed-penalty",
            "chrome-penalty",
            "chrome-max-chars",
            "stop-after",
            "min-run",
            "heading",
            "trailing-sentences",
            "leading-sentences",
            "introduced-lists",
            "bridge-percent",
            "bridge-min",
            "min-prose-percent",
            "glued-min",
            "glued-percent",
        ],
        "guard" => &["max-percent", "min-words"],
        _ => return None,
    })
}

const KINDS: &str = "drop, strip, cut, block, repeat, region, guard";

fn rule_spec(r: RawRule, at: &impl Fn(Range<usize>) -> Pos) -> Result<RuleSpec, LoadError> {
    let id_span = r.id.span();
    let id = r.id.get_ref().clone();
    let pos = at(id_span.clone());
    let err = |span: Range<usize>, msg: String| Err(LoadError::new(at(span), Some(&id), msg));

    if !valid_id(&id) {
        return err(
            id_span,
            format!(
                "rule id `{id}` must look like `site/kebab-slug` (lower-case letters, digits, `-`, one or more `/`)"
            ),
        );
    }
    let why = match &r.why {
        None => {
            return err(
                id_span,
                "missing field `why`: say in one line why the matched text is noise".into(),
            )
        }
        Some(w) if w.get_ref().trim().is_empty() => return err(w.span(), "`why` is empty".into()),
        Some(w) if w.get_ref().trim().contains('\n') => {
            return err(w.span(), "`why` must be one line".into())
        }
        Some(w) => w.get_ref().trim().to_owned(),
    };
    let Some(kind) = &r.kind else {
        return err(id_span, format!("missing field `kind` (one of {KINDS})"));
    };
    let kind_span = kind.span();
    let kind_name = kind.get_ref().as_str();
    let Some(ok_fields) = allowed(kind_name) else {
        return err(
            kind_span,
            format!("unknown kind `{kind_name}`, expected one of {KINDS}"),
        );
    };

    // Which optional fields are present, with their spans, for the "not allowed" check.
    for (name, span) in present_fields(&r) {
        if !ok_fields.contains(&name) {
            return err(
                span,
                format!(
                    "field `{name}` does not apply to kind `{kind_name}` (it takes: {})",
                    ok_fields.join(", ")
                ),
            );
        }
    }

    let view = match &r.view {
        None => View::Line,
        Some(v) => match View::from_name(v.get_ref()) {
            None => {
                return err(
                    v.span(),
                    format!(
                        "unknown view `{}`, expected one of line, visible, block",
                        v.get_ref()
                    ),
                )
            }
            Some(View::Line) => View::Line,
            Some(view)
                if !(matches!(kind_name, "drop" | "block" | "repeat")
                    || (kind_name == "strip" && view == View::Block)) =>
            {
                return err(
                    v.span(),
                    format!(
                        "`view = \"{}\"` does not apply to kind `{kind_name}` (only `drop`, `block` and `repeat` rules take a view, and `strip` rules `view = \"block\"`)",
                        v.get_ref()
                    ),
                )
            }
            Some(view) => view,
        },
    };

    let trigger = LineSpec {
        lines: literals(r.lines),
        patterns: patterns(r.patterns.map(Spanned::into_inner), at),
    };
    let spans = patterns(r.spans.map(Spanned::into_inner), at);
    let count = |v: &Option<Spanned<i64>>,
                 name: &str,
                 default: usize,
                 min: i64|
     -> Result<usize, LoadError> {
        match v {
            None => Ok(default),
            Some(n) if *n.get_ref() < min || *n.get_ref() > 1_000_000 => Err(LoadError::new(
                at(n.span()),
                Some(&id),
                format!("`{name}` must be between {min} and 1000000"),
            )),
            Some(n) => Ok(*n.get_ref() as usize),
        }
    };

    let kind = match kind_name {
        "drop" => {
            if trigger.is_empty() {
                return err(
                    kind_span,
                    "a `drop` rule needs `lines` or `patterns`".into(),
                );
            }
            KindSpec::Drop { trigger }
        }
        "strip" => {
            if spans.is_empty() {
                return err(kind_span, "a `strip` rule needs `spans`".into());
            }
            KindSpec::Strip { spans }
        }
        "cut" => {
            if trigger.is_empty() && spans.is_empty() {
                return err(
                    kind_span,
                    "a `cut` rule needs `lines`, `patterns` or `spans`".into(),
                );
            }
            KindSpec::Cut { trigger, spans }
        }
        "block" => {
            let while_ = patterns(r.while_.map(Spanned::into_inner), at);
            let end = patterns(r.end.map(Spanned::into_inner), at);
            if trigger.is_empty() {
                return err(
                    kind_span,
                    "a `block` rule needs start lines: `lines` or `patterns`".into(),
                );
            }
            if while_.is_empty() && end.is_empty() {
                return err(
                    kind_span,
                    "a `block` rule needs `while` or `end` (without them it is a `drop`)".into(),
                );
            }
            KindSpec::Block {
                trigger,
                while_,
                end,
                max_gap: count(&r.max_gap, "max-gap", 0, 0)?,
                max_lines: count(&r.max_lines, "max-lines", 100, 2)?,
                skip_blank: r.skip_blank.is_some_and(Spanned::into_inner),
            }
        }
        "repeat" => KindSpec::Repeat {
            within: count(&r.within, "within", 3, 1)?,
            drop_between: r.drop_between.is_some_and(Spanned::into_inner),
            min_chars: count(&r.min_chars, "min-chars", 1, 1)?,
            between: patterns(r.between.map(Spanned::into_inner), at),
        },
        "region" => {
            let list_of =
                |v: Option<Spanned<Vec<Spanned<String>>>>| patterns(v.map(Spanned::into_inner), at);
            let prose = list_of(r.prose);
            if prose.is_empty() {
                return err(
                    kind_span,
                    "a `region` rule needs `prose`: what makes a line sentence-like".into(),
                );
            }
            KindSpec::Region(RegionSpec {
                prose,
                list: list_of(r.list),
                chrome: list_of(r.chrome),
                footer: list_of(r.footer),
                prompt_sentences: r.prompt_sentences.is_some_and(Spanned::into_inner),
                stop: list_of(r.stop),
                prose_chars: count(&r.prose_chars, "prose-chars", 30, 1)?,
                long_chars: count(&r.long_chars, "long-chars", 200, 1)?,
                chars_per_point: count(&r.chars_per_point, "chars-per-point", 10, 1)?,
                short_penalty: count(&r.short_penalty, "short-penalty", 3, 0)?,
                list_penalty: count(&r.list_penalty, "list-penalty", 3, 0)?,
                sentence_item_penalty: r
                    .sentence_item_penalty
                    .as_ref()
                    .map(|_| count(&r.sentence_item_penalty, "sentence-item-penalty", 0, 0))
                    .transpose()?,
                removed_penalty: count(&r.removed_penalty, "removed-penalty", 3, 0)?,
                chrome_penalty: count(&r.chrome_penalty, "chrome-penalty", 5, 0)?,
                chrome_max_chars: count(&r.chrome_max_chars, "chrome-max-chars", 0, 0)?,
                stop_after: count(&r.stop_after, "stop-after", 20, 0)?,
                min_run: count(&r.min_run, "min-run", 0, 0)?,
                heading: r.heading.is_some_and(Spanned::into_inner),
                trailing_sentences: r.trailing_sentences.is_some_and(Spanned::into_inner),
                leading_sentences: r.leading_sentences.is_some_and(Spanned::into_inner),
                introduced_lists: r.introduced_lists.is_some_and(Spanned::into_inner),
                bridge_percent: count(&r.bridge_percent, "bridge-percent", 0, 0)?,
                bridge_min: count(&r.bridge_min, "bridge-min", 10, 0)?,
                min_prose_percent: count(&r.min_prose_percent, "min-prose-percent", 0, 0)?,
                glued_min: count(&r.glued_min, "glued-min", 5, 1)?,
                glued_percent: count(&r.glued_percent, "glued-percent", 0, 0)?,
            })
        }
        "guard" => {
            let Some(m) = &r.max_percent else {
                return err(kind_span, "a `guard` rule needs `max-percent`".into());
            };
            if !(1..=100).contains(m.get_ref()) {
                return err(m.span(), "`max-percent` must be between 1 and 100".into());
            }
            KindSpec::Guard {
                max_percent: *m.get_ref() as usize,
                min_words: count(&r.min_words, "min-words", 0, 0)?,
            }
        }
        _ => unreachable!("checked by allowed()"),
    };

    let examples = r
        .examples
        .into_iter()
        .map(|e| {
            let pos = at(e.span());
            let e = e.into_inner();
            ExampleSpec {
                input: e.input,
                output: e.output,
                pos,
            }
        })
        .collect();
    Ok(RuleSpec {
        id,
        why,
        kind,
        view,
        pos,
        site: None,
        examples,
    })
}

/// The optional fields a rule sets, with their spans.
fn present_fields(r: &RawRule) -> Vec<(&'static str, Range<usize>)> {
    fn span<T>(v: &Option<Spanned<T>>) -> Option<Range<usize>> {
        v.as_ref().map(Spanned::span)
    }
    [
        ("lines", span(&r.lines)),
        ("patterns", span(&r.patterns)),
        ("spans", span(&r.spans)),
        ("while", span(&r.while_)),
        ("end", span(&r.end)),
        ("max-gap", span(&r.max_gap)),
        ("max-lines", span(&r.max_lines)),
        ("skip-blank", span(&r.skip_blank)),
        ("within", span(&r.within)),
        ("drop-between", span(&r.drop_between)),
        ("min-chars", span(&r.min_chars)),
        ("between", span(&r.between)),
        ("prose", span(&r.prose)),
        ("list", span(&r.list)),
        ("chrome", span(&r.chrome)),
        ("footer", span(&r.footer)),
        ("prompt-sentences", span(&r.prompt_sentences)),
        ("stop", span(&r.stop)),
        ("prose-chars", span(&r.prose_chars)),
        ("long-chars", span(&r.long_chars)),
        ("chars-per-point", span(&r.chars_per_point)),
        ("short-penalty", span(&r.short_penalty)),
        ("list-penalty", span(&r.list_penalty)),
        ("sentence-item-penalty", span(&r.sentence_item_penalty)),
        ("removed-penalty", span(&r.removed_penalty)),
        ("chrome-penalty", span(&r.chrome_penalty)),
        ("chrome-max-chars", span(&r.chrome_max_chars)),
        ("stop-after", span(&r.stop_after)),
        ("min-run", span(&r.min_run)),
        ("heading", span(&r.heading)),
        ("trailing-sentences", span(&r.trailing_sentences)),
        ("leading-sentences", span(&r.leading_sentences)),
        ("introduced-lists", span(&r.introduced_lists)),
        ("bridge-percent", span(&r.bridge_percent)),
        ("bridge-min", span(&r.bridge_min)),
        ("min-prose-percent", span(&r.min_prose_percent)),
        ("glued-min", span(&r.glued_min)),
        ("glued-percent", span(&r.glued_percent)),
        ("max-percent", span(&r.max_percent)),
        ("min-words", span(&r.min_words)),
    ]
    .into_iter()
    .filter_map(|(name, s)| s.map(|s| (name, s)))
    .collect()
}

fn literals(v: Option<Spanned<Vec<Spanned<String>>>>) -> Vec<String> {
    v.map(Spanned::into_inner)
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.into_inner().trim().to_owned())
        .collect()
}

fn patterns(
    v: Option<Vec<Spanned<String>>>,
    at: &impl Fn(Range<usize>) -> Pos,
) -> Vec<PatternSpec> {
    v.unwrap_or_default()
        .into_iter()
        .map(|s| PatternSpec {
            pos: at(s.span()),
            text: s.into_inner(),
        })
        .collect()
}

/// `namespace/slug[/more]`, lower-case kebab segments.
fn valid_id(id: &str) -> bool {
    let mut parts = 0;
    for seg in id.split('/') {
        let ok = !seg.is_empty()
            && seg.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_' || b == b'.'
            })
            && !seg.starts_with('-');
        if !ok {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

/// 1-based line and column (in characters) of byte offset `off` in `text`.
pub fn pos_at(file: &Arc<str>, text: &str, off: usize) -> Pos {
    LineStarts::new(text).pos(file, off)
}

/// The byte offsets where the lines of a text start, for many [`Pos`] lookups in one
/// text (a rule file's every pattern has one).
struct LineStarts<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineStarts<'t> {
    fn new(text: &'t str) -> Self {
        let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        LineStarts {
            text,
            starts: std::iter::once(0).chain(breaks).collect(),
        }
    }

    /// 1-based line and column (in characters) of byte offset `off`.
    fn pos(&self, file: &Arc<str>, off: usize) -> Pos {
        let text = self.text;
        let off = off.min(text.len());
        let off = (0..=off)
            .rev()
            .find(|&o| text.is_char_boundary(o))
            .unwrap_or(0);
        // The last line start at or before `off` (`starts[0]` is 0).
        let line = self.starts.partition_point(|&s| s <= off);
        let line_start = self.starts[line - 1];
        Pos {
            file: file.clone(),
            line,
            col: text[line_start..off].chars().count() + 1,
        }
    }
}

/// The `id` of the `[[rule]]` table that contains byte offset `off`, found by reading the
/// text (used when TOML deserialisation fails and no typed rule exists yet).
fn rule_id_before(text: &str, off: usize) -> Option<String> {
    let off = off.min(text.len());
    let mut start = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if pos > off {
            break;
        }
        let t = line.trim_start();
        if t.starts_with("[[rule]]") {
            start = Some(pos);
        } else if t.starts_with('[') && !t.starts_with("[[rule.") && !t.starts_with("[rule.") {
            start = None;
        }
        pos += line.len();
    }
    let section = &text[start?..];
    for line in section.lines().skip(1) {
        let t = line.trim_start();
        if t.starts_with('[') {
            break;
        }
        if let Some(rest) = t.strip_prefix("id") {
            let rest = rest.trim_start().strip_prefix('=')?.trim();
            let q = rest.chars().next()?;
            if q == '"' || q == '\'' {
                return rest[1..].split(q).next().map(str::to_owned);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileSpec, LoadError> {
        parse_source(&Source::new("t.toml", text))
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn minimal_drop_rule() {
        let f = parse(
            "[[rule]]\nid = \"x/y\"\nwhy = \"w\"\nkind = \"drop\"\nlines = [\" Advertising \"]\n",
        )
        .unwrap();
        assert_eq!(f.rules[0].id, "x/y");
        match &f.rules[0].kind {
            KindSpec::Drop { trigger } => assert_eq!(trigger.lines, vec!["Advertising"]),
            k => panic!("{k:?}"),
        }
    }

    #[test]
    fn unknown_field_names_position_and_rule() {
        let e = err(
            "[[rule]]\nid = \"x/y\"\nwhy = \"w\"\nkind = \"drop\"\nlines = [\"a\"]\nlinez = 1\n",
        );
        assert!(e.starts_with("t.toml:6:1: unknown field `linez`"), "{e}");
        assert!(e.ends_with("(rule x/y)"), "{e}");
    }

    #[test]
    fn missing_why_names_rule() {
        let e = err("[[rule]]\nid = \"x/y\"\nkind = \"drop\"\nlines = [\"a\"]\n");
        assert_eq!(
            e,
            "t.toml:2:6: missing field `why`: say in one line why the matched text is noise (rule x/y)"
        );
    }

    #[test]
    fn field_of_another_kind_is_rejected() {
        let e = err(
            "[[rule]]\nid = \"x/y\"\nwhy = \"w\"\nkind = \"drop\"\nlines = [\"a\"]\nwithin = 2\n",
        );
        assert!(
            e.starts_with("t.toml:6:10: field `within` does not apply to kind `drop`"),
            "{e}"
        );
    }

    #[test]
    fn a_view_is_declared_for_the_kinds_that_take_one() {
        let rule = |kind: &str, view: &str| {
            format!("[[rule]]\nid = \"x/y\"\nwhy = \"w\"\nkind = \"{kind}\"\n{kind_fields}view = \"{view}\"\n",
                kind_fields = match kind {
                    "strip" => "spans = ['a']\n",
                    "block" => "lines = [\"a\"]\nwhile = ['b']\n",
                    "repeat" => "",
                    _ => "lines = [\"a\"]\n",
                })
        };
        for (kind, view, want) in [
            ("drop", "visible", View::Visible),
            ("block", "block", View::Block),
            ("repeat", "block", View::Block),
            ("strip", "block", View::Block),
            ("cut", "line", View::Line),
        ] {
            assert_eq!(parse(&rule(kind, view)).unwrap().rules[0].view, want);
        }
        assert_eq!(
            err(&rule("cut", "block")),
            "t.toml:6:8: `view = \"block\"` does not apply to kind `cut` (only `drop`, `block` and `repeat` rules take a view, and `strip` rules `view = \"block\"`) (rule x/y)"
        );
        assert!(err(&rule("strip", "visible")).contains("does not apply to kind `strip`"));
        assert!(err(&rule("drop", "words"))
            .contains("unknown view `words`, expected one of line, visible, block"));
    }

    #[test]
    fn bad_id_and_unknown_kind() {
        assert!(
            err("[[rule]]\nid = \"Bad Id\"\nwhy = \"w\"\nkind = \"drop\"\nlines=[\"a\"]\n")
                .contains("must look like")
        );
        assert!(err("[[rule]]\nid = \"a/b\"\nwhy = \"w\"\nkind = \"zap\"\n")
            .contains("unknown kind `zap`"));
    }

    #[test]
    fn toml_syntax_error_has_position() {
        let e = err("[[rule]]\nid = \"a/b\"\nwhy = \"w\nkind = \"drop\"\n");
        assert!(e.starts_with("t.toml:3:"), "{e}");
    }

    #[test]
    fn pos_counts_characters() {
        let f: Arc<str> = Arc::from("f");
        assert_eq!(
            pos_at(&f, "ab\nçd", 5),
            Pos {
                file: f.clone(),
                line: 2,
                col: 2
            }
        );
        // Every offset (a line break, a line's start, inside a character, past the end)
        // as counting from the start of the text gives it.
        let text = "a = 1\n\nb = \"ç\"\nlast";
        for off in 0..=text.len() + 2 {
            let at = (0..=off.min(text.len()))
                .rev()
                .find(|&o| text.is_char_boundary(o))
                .unwrap();
            let before = &text[..at];
            let line = before.matches('\n').count() + 1;
            let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count()
                + 1;
            let p = pos_at(&f, text, off);
            assert_eq!((p.line, p.col), (line, col), "offset {off}");
        }
    }
}
