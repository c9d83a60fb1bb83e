//! The rule kinds, one function each, run in a fixed order over one page:
//! cut → block → drop → repeat → region → strip → layout.
//!
//! A line removed by an earlier step is invisible to later ones. `apply` cannot fail: all
//! that could go wrong was checked when the rules were loaded.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::ops::Range;

use super::blocks::{
    blocks, columns, goes_on_in_lower_case, grid_text, is_grid_table, visible, without_markup,
    Visible, MAX_WIDTH,
};
use super::glued;
use super::outcome::{Cause, Edit, Fate, Outcome};
use super::page::trim;
use super::view::{block_units, joined, kept_joined, line_units, read, Seen};
use super::{BlockParams, Page, RegionParams, RepeatParams, RuleSet, Scratch, Step};
use crate::rules::View;

const NONE: u32 = u32::MAX;

pub(super) fn apply(rs: &RuleSet, sc: &mut Scratch, page: &Page<'_>, active: &[bool]) -> Outcome {
    // A page with a glued line is cleaned as the pieces it was glued from.
    match glued::pieces(page) {
        Some(p) => p.outcome_on(page, apply_lines(rs, sc, &p.page, active)),
        None => apply_lines(rs, sc, page, active),
    }
}

fn apply_lines(rs: &RuleSet, sc: &mut Scratch, page: &Page<'_>, active: &[bool]) -> Outcome {
    let n = page.len();
    let mut fate = vec![Fate::Kept; n];
    // The page's blocks, made once for the passes that read them.
    let page_blocks: OnceCell<Vec<Range<usize>>> = OnceCell::new();
    let page_blocks = || -> &[Range<usize>] { page_blocks.get_or_init(|| blocks(page)) };
    let mut edits: Vec<Edit> = Vec::new();
    let mut hits = Vec::new();

    // Pass 1: whole-line triggers of drop/block rules, and the first cut marker.
    let mut drop_hit = vec![NONE; 0];
    let mut block_hit = vec![NONE; 0];
    // Lines (before `limit`) in which some span pattern matches, for the strip pass.
    let mut span_lines = vec![false; 0];
    // (line, rule) for the hits of rules with a view, in line order: they count where the
    // line is a unit of the view read as written (pass 1b).
    let mut view_hits: Vec<(usize, u32)> = Vec::new();
    let mut limit = n;
    if !rs.triggers.is_empty() || !rs.spans.each.is_empty() {
        drop_hit = vec![NONE; n];
        block_hit = vec![NONE; n];
        span_lines = vec![false; n];
        'scan: for i in 0..n {
            let t = page.trimmed(i);
            if t.is_empty() {
                continue;
            }
            rs.triggers.matches(sc, t, &mut hits);
            for &r in &hits {
                if !active[r as usize] {
                    continue;
                }
                if rs.rules[r as usize].view != View::Line {
                    view_hits.push((i, r));
                    continue;
                }
                match rs.rules[r as usize].step {
                    Step::Cut => {
                        cut_from(page, &mut fate, i, Cause::Rule(r));
                        limit = i;
                        break 'scan;
                    }
                    Step::Drop if drop_hit[i] == NONE => drop_hit[i] = r,
                    Step::Block(_) if block_hit[i] == NONE => block_hit[i] = r,
                    _ => {}
                }
            }
            if rs.spans.maybe(sc, t) {
                span_lines[i] = true;
                let first = rs
                    .spans
                    .candidates(sc, t)
                    .into_iter()
                    .map(|k| &rs.spans.each[k])
                    .filter(|(r, _)| {
                        active[*r as usize] && matches!(rs.rules[*r as usize].step, Step::Cut)
                    })
                    .filter_map(|(r, re)| re.find(sc, t).map(|m| (m.start, *r)))
                    .min();
                if let Some((at, r)) = first {
                    let keep = trim(&t[..at]);
                    // What is left of the line is judged again, as a page line would be.
                    let dropped = (!keep.is_empty())
                        .then(|| drop_rule(rs, sc, keep, active, &mut hits))
                        .flatten();
                    if let Some(d) = dropped {
                        fate[i] = Fate::Removed(Cause::Rule(d));
                        cut_from(page, &mut fate, i + 1, Cause::Rule(r));
                        limit = i + 1;
                    } else if keep.is_empty() {
                        cut_from(page, &mut fate, i, Cause::Rule(r));
                        limit = i;
                    } else {
                        let from = page.trimmed_range(i).start + keep.len();
                        let line = page.lines()[i];
                        edits.push(Edit {
                            line: i,
                            removed: vec![(from..line.content_end, Cause::Rule(r))],
                        });
                        fate[i] = Fate::Edited(edits.len() as u32 - 1);
                        cut_from(page, &mut fate, i + 1, Cause::Rule(r));
                        limit = i + 1;
                    }
                    break 'scan;
                }
            }
        }
    }

    // Pass 1b: the triggers of rules that read the page through a view, matched against
    // the view's units; a hit marks the unit's lines as pass 1 marks a line (the earlier
    // rule wins). Nothing is built unless an active drop or block rule has a view.
    // `seen[0]` and `seen[1]` are the units of the visible and the block view.
    let mut seen: [Cow<'_, [Seen<'_>]>; 2] = [Cow::Borrowed(&[]), Cow::Borrowed(&[])];
    // The line and visible views' units do not depend on what earlier rules removed (a unit
    // is one line): made once, for every rule and round.
    let as_written = OnceCell::new();
    let as_read = OnceCell::new();
    let read_units = || as_read.get_or_init(|| line_units(page, limit, View::Visible));
    if !rs.viewed.is_empty() {
        for (slot, view) in seen.iter_mut().zip([View::Visible, View::Block]) {
            let wanted = |r: usize| {
                active[r]
                    && rs.rules[r].view == view
                    && matches!(rs.rules[r].step, Step::Drop | Step::Block(_))
            };
            if !(0..rs.rules.len()).any(wanted) {
                continue;
            }
            if drop_hit.is_empty() {
                drop_hit = vec![NONE; n];
                block_hit = vec![NONE; n];
            }
            *slot = match view {
                View::Block => {
                    Cow::Owned(block_units(page, page_blocks(), read_units(), &fate, limit))
                }
                _ => Cow::Borrowed(read_units()),
            };
            for u in slot.iter().filter(|u| !u.text.is_empty()) {
                // A unit that is its one line as written: pass 1 asked the main set.
                let line = page.trimmed(u.lines.start);
                if u.lines.len() == 1
                    && u.text.as_ptr() == line.as_ptr()
                    && u.text.len() == line.len()
                {
                    let i = u.lines.start;
                    let from = view_hits.partition_point(|&(l, _)| l < i);
                    hits.clear();
                    hits.extend(
                        view_hits[from..]
                            .iter()
                            .take_while(|&&(l, _)| l == i)
                            .map(|&(_, r)| r),
                    );
                } else {
                    rs.viewed.matches(sc, &u.text, &mut hits);
                }
                let first = |block: bool| {
                    hits.iter().copied().find(|&r| {
                        wanted(r as usize)
                            && block == matches!(rs.rules[r as usize].step, Step::Block(_))
                    })
                };
                if let Some(r) = first(false) {
                    for h in &mut drop_hit[u.lines.clone()] {
                        *h = (*h).min(r);
                    }
                }
                if let Some(r) = first(true) {
                    let h = &mut block_hit[u.lines.start];
                    *h = (*h).min(r);
                }
            }
        }
    }

    // Pass 2: blocks.
    if !block_hit.is_empty() {
        let mut i = 0;
        while i < limit {
            let r = block_hit[i];
            if r != NONE && fate[i] == Fate::Kept {
                if let Step::Block(p) = &rs.rules[r as usize].step {
                    let last = match rs.rules[r as usize].view {
                        View::Line => Some(block_extent(sc, i, limit, p, |j| {
                            Some(page.trimmed(j)).filter(|t| !t.is_empty())
                        })),
                        view => {
                            // A block of units: from the unit the start line begins (a
                            // view's hit always does; were it not so, the line is kept).
                            let units = &seen[usize::from(view == View::Block)];
                            units
                                .binary_search_by_key(&i, |u| u.lines.start)
                                .ok()
                                .map(|k| {
                                    let last = block_extent(sc, k, units.len(), p, |j| {
                                        (!units[j].blank).then(|| &*units[j].text)
                                    });
                                    units[last].lines.end - 1
                                })
                        }
                    };
                    let Some(last) = last else {
                        i += 1;
                        continue;
                    };
                    for f in &mut fate[i..=last] {
                        *f = Fate::Removed(Cause::Rule(r));
                    }
                    i = last + 1;
                    continue;
                }
            }
            i += 1;
        }
    }

    // Pass 3: dropped lines.
    for (i, &r) in drop_hit.iter().enumerate().take(limit) {
        if r != NONE && fate[i] == Fate::Kept {
            fate[i] = Fate::Removed(Cause::Rule(r));
        }
    }

    // Pass 3b: a line whose spans, stripped, leave a line a drop rule removes (a Markdown
    // link's target glued to a photo credit) is removed now, as pass 6 would remove it:
    // the repeats and the region must not count it as kept, since the output, cleaned
    // again, no longer holds it.
    if !span_lines.is_empty() {
        let mut scratch_edits = Vec::new();
        for i in 0..limit {
            if !span_lines[i] || fate[i] != Fate::Kept {
                continue;
            }
            scratch_edits.clear();
            if let Some(Fate::Edited(_)) = strip(rs, sc, page, i, active, &[], &mut scratch_edits) {
                if let Some(d) =
                    dropped_once_stripped(rs, sc, page, &scratch_edits[0], active, &mut hits)
                {
                    fate[i] = Fate::Removed(Cause::Rule(d));
                }
            }
        }
    }

    // Pass 4: repeats, together to a fixpoint: the copies one rule removes can bring
    // another rule's copies within reach (a teaser printed twice between two copies of a
    // caption), and cleaning the output again must find nothing more.
    loop {
        let mut changed = false;
        for (r, rule) in rs.rules.iter().enumerate() {
            if let Step::Repeat(p) = &rule.step {
                if active[r] {
                    let c = Cause::Rule(r as u32);
                    // In the block view, a block of several lines is looked for again as a
                    // run of lines, and then lines are compared one by one, read as visible
                    // (a wrapped page's width is inferred from its lines: a line that a
                    // block holds may stand alone on the cleaned page, and its copies must
                    // have been found already).
                    let units = |view: View| match view {
                        View::Line => as_written.get_or_init(|| line_units(page, limit, view)),
                        _ => read_units(),
                    };
                    if rule.view == View::Block {
                        let visible = units(View::Visible);
                        let blocks = page_blocks();
                        changed |= repeat_runs(sc, page, visible, blocks, &mut fate, p, c);
                    }
                    let units = units(match rule.view {
                        View::Block => View::Visible,
                        v => v,
                    });
                    changed |= repeat(sc, &mut fate, units, p, c);
                }
            }
        }
        if !changed {
            break;
        }
    }

    // Pass 5: the main region (unless a site that claims the page disables it).
    for (r, rule) in rs.rules.iter().enumerate() {
        if let Step::Region(p) = &rule.step {
            if active[r] {
                let blocks = page_blocks();
                region(sc, page, blocks, &mut fate, limit, p, Cause::Rule(r as u32));
            }
        }
    }

    // Pass 6: strip spans from kept lines; a `view = "block"` rule's spans also from the
    // lines of a wrapped block joined (`wrapped`: (line, span in the trimmed line, rule),
    // in line order).
    let strips = |view: Option<View>| {
        rs.spans.each.iter().any(|(r, _)| {
            let rule = &rs.rules[*r as usize];
            active[*r as usize]
                && matches!(rule.step, Step::Strip)
                && view.is_none_or(|v| rule.view == v)
        })
    };
    if strips(None) {
        let wrapped = if strips(Some(View::Block)) {
            wrapped_spans(rs, sc, page, page_blocks(), &fate, limit, active)
        } else {
            Vec::new()
        };
        // The line a `cut` span ends (the last one here, and the only edit so far) is
        // stripped too: the cut's span is one more span of it, and its edit is made again.
        if let (Some(i), [cut]) = (limit.checked_sub(1), &edits[..]) {
            if fate[i] == Fate::Edited(0) && span_lines[i] {
                let base = page.trimmed_range(i).start;
                let (r, c) = cut.removed[0].clone();
                let mut extra: Vec<_> = wrapped.iter().filter(|w| w.0 == i).cloned().collect();
                extra.push((i, r.start - base..page.trimmed(i).len(), c));
                let saved = edits.pop();
                fate[i] = match strip(rs, sc, page, i, active, &extra, &mut edits) {
                    Some(new) => new,
                    None => {
                        edits.extend(saved);
                        Fate::Edited(0)
                    }
                };
            }
        }
        let mut next = 0;
        for (i, f) in fate.iter_mut().enumerate().take(limit) {
            let from = next;
            while next < wrapped.len() && wrapped[next].0 == i {
                next += 1;
            }
            let extra = &wrapped[from..next];
            if *f != Fate::Kept {
                continue;
            }
            let t = page.trimmed(i);
            if t.is_empty() || (!span_lines[i] && extra.is_empty()) {
                continue;
            }
            if let Some(new) = strip(rs, sc, page, i, active, extra, &mut edits) {
                *f = new;
                if let Fate::Edited(e) = new {
                    let edit = &edits[e as usize];
                    if let Some(d) = dropped_once_stripped(rs, sc, page, edit, active, &mut hits) {
                        edits.pop();
                        *f = Fate::Removed(Cause::Rule(d));
                    }
                }
            }
        }
    }

    layout(page, &mut fate);
    Outcome::new(page, fate, edits)
}

/// The first active `drop` rule that matches what is left of an edited line once its
/// spans are cut out (a Markdown link's syntax stripped from a photo credit).
fn dropped_once_stripped(
    rs: &RuleSet,
    sc: &mut Scratch,
    page: &Page<'_>,
    edit: &Edit,
    active: &[bool],
    hits: &mut Vec<u32>,
) -> Option<u32> {
    let line = page.lines()[edit.line];
    let mut rest = Vec::new();
    let mut at = line.start;
    for (r, _) in &edit.removed {
        rest.extend_from_slice(&page.bytes()[at..r.start]);
        at = r.end;
    }
    rest.extend_from_slice(&page.bytes()[at..line.content_end]);
    drop_rule(rs, sc, trim(&rest), active, hits)
}

/// The first active `drop` rule whose trigger matches `text` (a trimmed line).
fn drop_rule(
    rs: &RuleSet,
    sc: &mut Scratch,
    text: &[u8],
    active: &[bool],
    hits: &mut Vec<u32>,
) -> Option<u32> {
    rs.triggers.matches(sc, text, hits);
    hits.iter().copied().find(|&r| {
        let rule = &rs.rules[r as usize];
        active[r as usize] && rule.view == View::Line && matches!(rule.step, Step::Drop)
    })
}

fn cut_from(page: &Page<'_>, fate: &mut [Fate], from: usize, c: Cause) {
    for f in &mut fate[from..page.len()] {
        *f = Fate::Removed(c);
    }
}

/// Index of the last unit of the block that starts at unit `start`, of units `..limit`
/// (lines, or the units of a rule's view). `unit(j)` is what the rule sees of unit `j`,
/// `None` when it is blank.
fn block_extent<'t>(
    sc: &mut Scratch,
    start: usize,
    limit: usize,
    p: &BlockParams,
    unit: impl Fn(usize) -> Option<&'t [u8]>,
) -> usize {
    let mut last = start;
    let mut gap = 0;
    let mut j = start + 1;
    while j < limit && j - start < p.max_lines {
        let Some(t) = unit(j) else {
            // A block closed by `end` alone runs over blank lines too.
            if p.skip_blank || p.while_.is_none() {
                j += 1;
                continue;
            }
            break;
        };
        if p.end.as_ref().is_some_and(|e| e.is_match(sc, t)) {
            return j;
        }
        match &p.while_ {
            Some(w) if w.is_match(sc, t) => {
                last = j;
                gap = 0;
            }
            // With only an `end`, everything up to it belongs to the block.
            None => {}
            Some(_) => {
                gap += 1;
                if gap > p.max_gap {
                    break;
                }
            }
        }
        j += 1;
    }
    last
}

/// Remove units (lines, or the units of the rule's view; what the rule sees of them at
/// least `min_chars` long) that come again within `within` non-blank kept units, with all
/// their copies and, if asked, what stands between. One pass; returns whether it removed
/// anything. The caller runs all repeat rules again until none does: removing one repeat
/// can bring the copies of another within reach, and cleaning must give the same result
/// when run again on its own output.
fn repeat(
    sc: &mut Scratch,
    fate: &mut [Fate],
    units: &[Seen<'_>],
    p: &RepeatParams,
    c: Cause,
) -> bool {
    // At least one non-blank unit stands between the copies (whatever earlier steps did to
    // it: a dropped photo credit still counts), and every unit between them that is still
    // kept matches `between`. Only kept units are judged, so that the same copies qualify
    // when the output is cleaned again.
    let between_ok = |sc: &mut Scratch, fate: &[Fate], from: usize, to: usize| match &p.between {
        None => true,
        Some(re) => {
            let mut any = false;
            for u in units[from + 1..to].iter().filter(|u| !u.blank) {
                if u.kept(fate) && !re.is_match(sc, &u.text) {
                    return false;
                }
                any = true;
            }
            any
        }
    };
    // The kept non-blank units, in a buffer every call reuses.
    let mut kept = std::mem::take(&mut sc.indexes);
    kept.clear();
    kept.extend((0..units.len()).filter(|&k| !units[k].blank && units[k].kept(fate)));
    let remove = |fate: &mut [Fate], lines: Range<usize>| {
        for f in &mut fate[lines] {
            if *f == Fate::Kept {
                *f = Fate::Removed(c);
            }
        }
    };
    let mut changed = false;
    for a in 0..kept.len() {
        let first = &units[kept[a]];
        if !first.kept(fate) || first.text.len() < p.min_chars {
            continue;
        }
        let mut last = a;
        let mut b = a + 1;
        while b < kept.len() && b - last <= p.within {
            let copy = &units[kept[b]];
            if copy.kept(fate)
                && copy.text == first.text
                && between_ok(sc, fate, kept[last], kept[b])
            {
                let prev = &units[kept[last]].lines;
                if p.drop_between {
                    remove(fate, prev.end..copy.lines.start);
                }
                remove(fate, prev.clone());
                remove(fate, copy.lines.clone());
                last = b;
                changed = true;
            }
            b += 1;
        }
    }
    sc.indexes = kept;
    changed
}

/// The block view of [`repeat`]: each block of several lines (see [`blocks`]) found again,
/// before or after it, as a run of the same lines (read as visible), with fewer than
/// `within` kept non-blank lines between. Copies are runs of lines, not blocks: a wrapper
/// that fills the last line of a caption joins the credit under it to the caption's block.
/// `units` are the visible view's, one per line up to the limit.
fn repeat_runs(
    sc: &mut Scratch,
    page: &Page<'_>,
    units: &[Seen<'_>],
    blocks: &[Range<usize>],
    fate: &mut [Fate],
    p: &RepeatParams,
    c: Cause,
) -> bool {
    let limit = units.len();
    let lines: Vec<&Seen<'_>> = units.iter().filter(|u| !u.blank && u.kept(fate)).collect();
    let mut changed = false;
    for b in blocks.iter().cloned() {
        if b.start >= limit {
            break;
        }
        let k = b.len();
        // Blocks hold no blank lines: a block whose lines are all kept is `k` kept lines.
        let Ok(at) = lines.binary_search_by_key(&b.start, |u| u.lines.start) else {
            continue;
        };
        if k < 2 || b.end > limit || !fate[b.clone()].iter().all(|f| *f == Fate::Kept) {
            continue;
        }
        let chars: usize = lines[at..at + k].iter().map(|u| u.text.len() + 1).sum();
        if chars <= p.min_chars {
            continue;
        }
        let same = |fate: &[Fate], q: usize| {
            (0..k).all(|j| lines[q + j].kept(fate) && lines[q + j].text == lines[at + j].text)
        };
        let after = (at + k..lines.len().saturating_sub(k - 1)).take(p.within);
        let before = (0..=at.saturating_sub(k)).rev().take(p.within);
        let found = after
            .chain(before)
            .filter(|&q| q + k <= at || q >= at + k)
            .find(|&q| {
                let (first, second) = if q < at { (q, at) } else { (at, q) };
                same(fate, q)
                    && between_runs(
                        sc,
                        page,
                        fate,
                        p,
                        lines[first + k - 1].lines.end..lines[second].lines.start,
                    )
            });
        if let Some(q) = found {
            let (first, second) = if q < at { (q, at) } else { (at, q) };
            let from = lines[first].lines.start;
            let to = lines[second + k - 1].lines.end;
            for (i, f) in fate.iter_mut().enumerate().take(to).skip(from) {
                let copy = i < lines[first + k - 1].lines.end || i >= lines[second].lines.start;
                if *f == Fate::Kept && (copy || p.drop_between) {
                    *f = Fate::Removed(c);
                }
            }
            changed = true;
        }
    }
    changed
}

/// Whether page lines `between` may stand between two copies: anything with no `between`
/// patterns; else at least one non-blank line, and every kept one matching (read as
/// visible).
fn between_runs(
    sc: &mut Scratch,
    page: &Page<'_>,
    fate: &[Fate],
    p: &RepeatParams,
    between: Range<usize>,
) -> bool {
    let Some(re) = &p.between else {
        return true;
    };
    let mut any = false;
    for i in between {
        if !page.is_blank(i) {
            if fate[i] == Fate::Kept && !re.is_match(sc, &read(page.trimmed(i))) {
                return false;
            }
            any = true;
        }
    }
    any
}

/// One block of the region's view: lines `lines` of the page, read as one unit.
struct Unit<'p> {
    lines: Range<usize>,
    /// The block's kept text, its lines joined by a space (empty when blank or removed).
    text: Cow<'p, [u8]>,
    /// The block's first kept line (list shapes are judged on it).
    first: &'p [u8],
    /// An earlier rule removed every non-blank line of the block.
    removed: bool,
    /// The block holds markup alone (raw HTML tags, pandoc's div marks and attributes):
    /// its `text` is empty, and it scores as a short line.
    markup_only: bool,
    /// Its score, once [`region_scores`] has given it one, and whether it is a stop line
    /// and reads as a sentence, once asked: the region's later rounds reuse them.
    score: Cell<Option<f64>>,
    stop: OnceCell<bool>,
    sentence: OnceCell<bool>,
}

/// Whether block `a` stops mid-sentence and block `b`, the next line, goes on with it in
/// lower case. On a page too short to show its wrap width (a cleaned page, cleaned again)
/// a wrapped paragraph is a block a line, and the region would otherwise end inside it.
/// No wrapper prints a line wider than the widest wrap width: a longer line is not one.
fn mid_sentence(a: &Unit<'_>, b: &Unit<'_>) -> bool {
    let narrow = |u: &Unit<'_>| u.lines.len() > 1 || columns(&u.text) <= MAX_WIDTH;
    // The cheap tests first.
    a.lines.end == b.lines.start
        && !a.removed
        && !b.removed
        && !a.text.trim_ascii_end().is_empty()
        && goes_on_in_lower_case(a.text.trim_ascii_end(), b.first)
        && narrow(a)
        && narrow(b)
}

/// A block's first line `t` without the `**` that opens a bold paragraph, when the
/// block's text `text` closes it (`**   Having studied …` … `… volume III:**`): the
/// converter kept the spaces inside the bold, and the line would read as a `**` bullet.
fn unbold<'p>(t: &'p [u8], text: &[u8]) -> &'p [u8] {
    match t.strip_prefix(b"**") {
        Some(rest) if text.len() > 4 && text.ends_with(b"**") => rest.trim_ascii_start(),
        _ => t,
    }
}

/// The region's units: the page's blocks up to `limit` (see [`blocks`]).
fn units<'p>(
    page: &Page<'p>,
    blocks: &[Range<usize>],
    fate: &[Fate],
    limit: usize,
) -> Vec<Unit<'p>> {
    let mut out = Vec::new();
    // Raw HTML in Markdown (`<div class="…">`, `</span>`) and pandoc's attributes and
    // fenced-div marks are not text: blocks are read without them, and a block of markup
    // alone costs what a short line does (menus and widgets are nests of such markup).
    let markup = page.has_markup();
    for b in blocks.iter().cloned() {
        if b.start >= limit {
            break;
        }
        let lines = b.start..b.end.min(limit);
        let (first, text) = kept_joined(page, fate, lines.clone());
        // A link around whole paragraphs (see [`blocks`]) is read with its brackets and
        // target, which the link rule has taken from the lines: it is a teaser, not prose.
        let text = match first.is_some() && lines.clone().any(|i| page.is_blank(i)) {
            true => Cow::Owned(joined(page, lines.clone())),
            false => text,
        };
        // A grid table reads column by column, and has no first line to judge its shape
        // by (its top border may be gone, and its rows start with `|`).
        let grid = first.is_some() && is_grid_table(page, &b);
        let text = if grid {
            let kept = lines.clone().filter(|&i| fate[i] == Fate::Kept);
            Cow::Owned(grid_text(kept.map(|i| page.trimmed(i))))
        } else {
            text
        };
        // A fenced-div mark (`::: sidebar`) needs no `<` or `{`.
        let read = match markup || text.starts_with(b":::") || text.ends_with(b":::") {
            true => match without_markup(&text) {
                Cow::Owned(read) => Some(read),
                Cow::Borrowed(_) => None,
            },
            false => None,
        };
        let markup_only = read.as_ref().is_some_and(|r| r.is_empty()) && !text.is_empty();
        let text = read.map_or(text, Cow::Owned);
        out.push(Unit {
            first: match first {
                Some(i) if !grid => unbold(page.trimmed(i), &text),
                _ => &[][..],
            },
            removed: first.is_none() && lines.clone().any(|i| !page.is_blank(i)),
            markup_only,
            score: Cell::new(None),
            stop: OnceCell::new(),
            sentence: OnceCell::new(),
            lines,
            text,
        });
    }
    out
}

/// How much a unit says for being part of the article: prose (long, or sentence-like and
/// not short) scores its length in points; list shapes, link lists, prompts, units an
/// earlier rule removed and any other short text cost points; blank units are neutral.
/// Markdown syntax is read as a reader sees it (see [`visible`]).
///
/// Scores units `from..to` onto `scores` (which holds the units before `from`). The prompt
/// (`chrome`) search reads the whole of every unit that gets that far, so it is asked of
/// the chunk's units at once (see [`ManyRe`](super::re::ManyRe)).
fn region_scores(
    sc: &mut Scratch,
    units: &[&Unit<'_>],
    (from, to): (usize, usize),
    p: &RegionParams,
    scores: &mut Vec<f64>,
) {
    // Units still to be asked about prompts (and their indexes), and the answers.
    let mut texts: Vec<Cow<'_, [u8]>> = Vec::new();
    let mut asked: Vec<usize> = Vec::new();
    let mut prompt: Vec<bool> = Vec::new();
    for (k, u) in units.iter().enumerate().take(to).skip(from) {
        let t = u.first;
        if let Some(score) = u.score.get() {
            scores.push(score);
            continue;
        }
        scores.push(if u.removed {
            -p.removed_penalty
        } else if u.markup_only {
            -p.short_penalty
        } else if u.text.is_empty() {
            0.0
        } else if pipe_row(t) && u.text.len() == t.len() {
            pipe_row_score(sc, &u.text, p)
        } else if p.list.as_ref().is_some_and(|re| re.is_match(sc, t)) {
            if p.sentence_item_penalty != p.list_penalty && full_sentence(&visible(&u.text), p) {
                -p.sentence_item_penalty
            } else {
                -p.list_penalty
            }
        } else {
            let v = visible(&u.text);
            if link_list(&v, || p.prose.is_match(sc, &v.text)) {
                -p.list_penalty
            } else {
                texts.push(v.text);
                asked.push(k);
                0.0 // for now
            }
        });
    }
    if texts.is_empty() {
        return;
    }
    let lens: Vec<usize> = texts.iter().map(|t| columns(t)).collect();
    // Only blocks shorter than `chrome-max-chars` are asked about prompts.
    let max = chrome_limit(p);
    let ask: Vec<&[u8]> = (texts.iter().zip(&lens))
        .filter(|(_, &n)| n < max)
        .map(|(t, _)| &t[..])
        .collect();
    match &p.chrome {
        Some(chrome) => chrome.is_match_each(sc, &ask, &mut prompt),
        None => prompt.resize(ask.len(), false),
    }
    let mut answers = prompt.into_iter();
    for ((t, k), chars) in texts.iter().zip(asked).zip(lens) {
        let is_prompt = chars < max && answers.next().unwrap_or(false);
        let score = if is_prompt {
            prompt_score(sc, t, p)
        } else if chars >= p.prose_chars && p.prose.is_match(sc, t) {
            chars as f64 / p.chars_per_point
        } else if chars >= p.long_chars {
            // Prose by its length alone, with no sentence end: unless it is a glued menu
            // (only such blocks are asked: the scan would cost every paragraph a pass),
            // long only by the web addresses printed in it, or one line of a layout
            // table's cells.
            if (p.glued_percent > 0 && glued(t, p.glued_min, p.glued_percent))
                || addresses_make_long(t, chars, p.long_chars)
                || (units[k].lines.len() == 1 && cells(t))
            {
                -p.list_penalty
            } else {
                chars as f64 / p.chars_per_point
            }
        } else {
            -p.short_penalty
        };
        scores[k] = score;
    }
    for (u, &score) in units.iter().zip(scores.iter()).take(to).skip(from) {
        u.score.set(Some(score));
    }
}

/// Whether a block of `chars` columns is `long` only by the web addresses printed in it
/// (a teaser's headline, printed twice, and its link's and picture's addresses): without
/// them, what a reader reads of it is shorter than `long`.
fn addresses_make_long(t: &[u8], chars: usize, long: usize) -> bool {
    chars.saturating_sub(address_bytes(t)) < long
}

/// How many bytes of `t` are web addresses printed as text (`https://…` up to the next
/// space), which a reader skips: a converter prints a link's or an image's address
/// beside its text.
fn address_bytes(t: &[u8]) -> usize {
    let mut n = 0;
    let mut at = 0;
    while let Some(k) = memchr::memmem::find(&t[at..], b"://") {
        let k = at + k;
        // Not before the end of the last address: each byte is read once.
        let start = t[at..k]
            .iter()
            .rposition(|&b| b.is_ascii_whitespace() || matches!(b, b'[' | b']' | b'(' | b'<'))
            .map_or(at, |s| at + s + 1);
        let end = t[k..]
            .iter()
            .position(|&b| b.is_ascii_whitespace() || matches!(b, b']' | b')' | b'>'))
            .map_or(t.len(), |e| k + e);
        n += end - start;
        at = end;
    }
    n
}

/// Whether `t` is a row of short cells: 4 or more, set apart by two spaces or more, none
/// ending like a sentence, fewer than 48 bytes each on average (a layout table's row of
/// links as a text browser prints it, `News  Sport  Weather  …`). Prose written with two
/// spaces after each sentence has cells that end like one.
fn cells(t: &[u8]) -> bool {
    let mut n = 0;
    let mut at = 0;
    let mut cell_bytes = 0;
    while at < t.len() {
        let gap = memchr::memmem::find(&t[at..], b"  ").map_or(t.len(), |g| at + g);
        let cell = t[at..gap].trim_ascii();
        if !cell.is_empty() {
            if matches!(cell.last(), Some(b'.' | b'!' | b'?')) {
                return false;
            }
            n += 1;
            cell_bytes += cell.len();
        }
        at = gap + 2;
    }
    n >= 4 && cell_bytes < n * 48
}

/// The length from which a block is never a prompt (`chrome-max-chars`, 0: none).
fn chrome_limit(p: &RegionParams) -> usize {
    match p.chrome_max_chars {
        0 => usize::MAX,
        n => n,
    }
}

/// Whether (trimmed) `t` is a row of a Markdown pipe table: `| cell | cell |`.
fn pipe_row(t: &[u8]) -> bool {
    t.len() > 1 && t.first() == Some(&b'|') && t.last() == Some(&b'|')
}

/// What a pipe-table row (a block of one line) scores: the prose of its cells. A converter that prints
/// a page laid out in tables (markdownify, pandoc) puts whole paragraphs in cells; a row
/// of menu items, figures or short labels has none, and costs what a list does.
fn pipe_row_score(sc: &mut Scratch, t: &[u8], p: &RegionParams) -> f64 {
    // Each cell is judged as a block is (see [`region_scores`]).
    let max = chrome_limit(p);
    let mut chars = 0;
    let rule = |c: &[u8]| {
        c.iter()
            .all(|b| matches!(b, b'-' | b':' | b'=' | b'+' | b' '))
    };
    for cell in t.split(|&b| b == b'|').filter(|c| !rule(c)) {
        let v = visible(cell.trim_ascii());
        let n = columns(&v.text);
        if n < p.prose_chars
            || link_list(&v, || true)
            || (n < max && p.chrome.as_ref().is_some_and(|re| re.is_match(sc, &v.text)))
        {
            continue;
        }
        let prose = p.prose.is_match(sc, &v.text)
            || (n >= p.long_chars
                && !(p.glued_percent > 0 && glued(&v.text, p.glued_min, p.glued_percent)));
        if prose {
            chars += n;
        }
    }
    match chars {
        0 => -p.list_penalty,
        n => n as f64 / p.chars_per_point,
    }
}

/// What a block with a prompt in it scores: `-chrome-penalty`. With `prompt-sentences`, a
/// block that holds no `footer` notice is read sentence by sentence instead, so that a
/// paragraph of the article with a "click here" or a "subscribe" in one sentence is not
/// taken for a prompt: the prose of its sentences without a prompt, less `chrome-penalty`
/// for each sentence with one, and never less than the whole block's cost.
fn prompt_score(sc: &mut Scratch, t: &[u8], p: &RegionParams) -> f64 {
    let whole = -p.chrome_penalty;
    let Some(chrome) = p.chrome.as_ref().filter(|_| p.prompt_sentences) else {
        return whole;
    };
    if p.footer.as_ref().is_some_and(|re| re.is_match(sc, t)) {
        return whole;
    }
    let (mut free, mut prompts) = (0, 0);
    for s in sentences(t) {
        if chrome.is_match(sc, s) {
            prompts += 1;
        } else {
            let n = columns(s);
            if n >= p.prose_chars {
                free += n;
            }
        }
    }
    (free as f64 / p.chars_per_point - prompts.max(1) as f64 * p.chrome_penalty).max(whole)
}

/// The sentences of `t`: up to each `.`, `!` or `?` that ends `t` or stands before a
/// space, trimmed; none empty.
fn sentences(t: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = t;
    std::iter::from_fn(move || loop {
        if rest.is_empty() {
            return None;
        }
        let end = (0..rest.len())
            .find(|&i| {
                matches!(rest[i], b'.' | b'!' | b'?')
                    && rest.get(i + 1).is_none_or(u8::is_ascii_whitespace)
            })
            .map_or(rest.len(), |i| i + 1);
        let s = rest[..end].trim_ascii();
        rest = &rest[end..];
        if !s.is_empty() {
            return Some(s);
        }
    })
}

/// Whether `t` holds at least `min` words glued to the next (a lower-case letter then an
/// upper-case one: `NewsSportWeather`), one per `100 / percent` words or more: the items
/// of a menu whose text was taken without the spaces between its elements.
fn glued(t: &[u8], min: usize, percent: usize) -> bool {
    // Written as a zip of bytes so that it compiles to a vector loop: this asks every
    // prose block.
    let joins = t
        .iter()
        .zip(t.iter().skip(1))
        .map(|(a, b)| usize::from(a.is_ascii_lowercase() & b.is_ascii_uppercase()))
        .sum::<usize>();
    if joins < min {
        return false;
    }
    let words = t
        .split(u8::is_ascii_whitespace)
        .filter(|w| !w.is_empty())
        .count();
    joins * 100 >= words * percent
}

/// Whether a block read as `v` is a link list, a teaser or a picture: nothing but images,
/// or mostly link text. One link that reads as a sentence may be the article's; several
/// are a list. `sentence` (whether the block reads as one) is asked only when it decides.
fn link_list(v: &Visible<'_>, sentence: impl FnOnce() -> bool) -> bool {
    v.text.is_empty() || (v.link_bytes * 2 > v.text.len() && (v.links > 1 || !sentence()))
}

/// Whether a list item read as `v` (its bullet dropped) is a sentence of the article's
/// rather than a menu's or a teaser's: at least `prose-chars` long, not mostly link text,
/// and ending in a full stop (not `..` or `…`, a cut teaser; not `?` or `!`, a headline's).
fn full_sentence(v: &Visible<'_>, p: &RegionParams) -> bool {
    let t = v.text.trim_ascii();
    t.ends_with(b".")
        && !t.ends_with(b"..")
        && columns(t) >= p.prose_chars
        && !link_list(v, || true)
}

/// How many units [`region_scores`] scores at a time: enough to keep the prompt search's
/// lanes full, few enough that little is scored past a `stop` line.
const SCORE_CHUNK: usize = 64;

/// Keep the contiguous run of blocks with the highest total score (Kadane's maximum
/// subarray) and remove the kept lines around it. A block is a paragraph as the reader
/// sees it (a hard-wrapped paragraph is one block; see [`blocks`]), and is kept or removed
/// whole. The search ends at a `stop` line once the best run scores `stop_after`, so a
/// comments section longer than the article does not win. With `leading-sentences`, the
/// sentence-like blocks just before the run join it (a short first paragraph); with
/// `heading`, the kept block just above the run stays too (a headline); with
/// `trailing-sentences`, so do the sentence-like blocks after it. A page with no prose is
/// left alone.
fn region(
    sc: &mut Scratch,
    page: &Page<'_>,
    blocks: &[Range<usize>],
    fate: &mut [Fate],
    limit: usize,
    p: &RegionParams,
    c: Cause,
) {
    let all = units(page, blocks, fate, limit);
    let refs: Vec<&Unit<'_>> = all.iter().collect();
    region_on(sc, page, &refs, fate, limit, p, c);
    let mut seen = refs.len();
    // Cleaned again, the output has none of the blocks removed here (by earlier rules or
    // this one): the region is sought again without them until it keeps all it is given,
    // so that a second pass finds the same region. (A removed block between two parts of
    // the article costs `removed-penalty` here, and nothing there.) Blocks are removed
    // whole, so the rest keep their text and their scores.
    for _ in 0..MAX_REGION_ROUNDS {
        let rest: Vec<&Unit<'_>> = all
            .iter()
            .filter(|u| {
                let mut text = u.lines.clone().filter(|&i| !page.is_blank(i)).peekable();
                text.peek().is_none() || text.any(|i| fate[i] == Fate::Kept)
            })
            .collect();
        // The same blocks as the last round: the same region.
        if rest.len() == seen || !region_on(sc, page, &rest, fate, limit, p, c) {
            break;
        }
        seen = rest.len();
    }
}

/// How many times [`region`] seeks the region again at most: each round only removes,
/// and a round that removes nothing ends the search.
const MAX_REGION_ROUNDS: usize = 4;

/// Whether the nearest non-blank line before or after `lines` is a bar's separator
/// alone (`|`, `·`): the lines are a piece of one line of links, shredded by the
/// converter (BeautifulSoup prints a text node a line).
fn in_a_bar(page: &Page<'_>, lines: Range<usize>) -> bool {
    let bar = |i: usize| matches!(page.trimmed(i), b"|" | b"\xc2\xb7");
    let before = (0..lines.start).rev().find(|&i| !page.is_blank(i));
    let after = (lines.end..page.len()).find(|&i| !page.is_blank(i));
    before.is_some_and(bar) || after.is_some_and(bar)
}

/// Whether a block is one list item that reads as a sentence: its first line a list
/// shape, its text (the bullet dropped) prose of `prose-chars` or more, not links.
fn sentence_item(sc: &mut Scratch, u: &Unit<'_>, p: &RegionParams) -> bool {
    if !p.list.as_ref().is_some_and(|re| re.is_match(sc, u.first)) {
        return false;
    }
    let v = visible(&u.text);
    columns(&v.text) >= p.prose_chars && !link_list(&v, || true) && p.prose.is_match(sc, &v.text)
}

/// One round of [`region`] on `units`; whether it removed any line.
fn region_on(
    sc: &mut Scratch,
    page: &Page<'_>,
    units: &[&Unit<'_>],
    fate: &mut [Fate],
    limit: usize,
    p: &RegionParams,
    c: Cause,
) -> bool {
    let kept_before = fate[..limit].iter().filter(|f| **f == Fate::Kept).count();
    let n = units.len();
    let (mut best, mut from, mut to) = (0.0f64, 0, 0);
    let (mut cur, mut start) = (0.0f64, 0);
    // Scores of the units scanned, kept for the min-run pass.
    let mut scores = Vec::with_capacity(n);
    let is_stop = |sc: &mut Scratch, u: &&Unit<'_>| {
        *u.stop.get_or_init(|| {
            u.lines
                .clone()
                .find(|&i| !page.is_blank(i))
                .is_some_and(|i| {
                    let t = page.trimmed(i);
                    // Read as a reader sees it too: `### Comments`, `* [Comments](…)`,
                    // `### Comments {#comments .title}` (pandoc's attributes, or raw HTML).
                    p.stop.as_ref().is_some_and(|re| {
                        re.is_match(sc, t) || {
                            let v = visible(t);
                            (v.text.len() != t.len() && re.is_match(sc, &v.text))
                                || (memchr::memchr2(b'{', b'<', &v.text).is_some() && {
                                    let read = without_markup(&v.text);
                                    read.len() != v.text.len() && re.is_match(sc, &read)
                                })
                        }
                    })
                    // A counted link of a shredded footer bar (`Posted at 4 PM`, `|`,
                    // `Comments (3)`, `|`, `Permalink`, a text node a line) is no
                    // heading: printed on one line, it would match no stop either.
                    && !(t.iter().any(u8::is_ascii_digit) && in_a_bar(page, u.lines.clone()))
                })
        })
    };
    let mut end = n;
    for k in 0..n {
        if k == scores.len() {
            region_scores(sc, units, (k, n.min(k + SCORE_CHUNK)), p, &mut scores);
        }
        // A stop line counts even when an earlier rule removed it.
        if best >= p.stop_after && is_stop(sc, &units[k]) {
            end = k;
            break;
        }
        if cur <= 0.0 {
            cur = 0.0;
            start = k;
        }
        cur += scores[k];
        if cur > best {
            (best, from, to) = (cur, start, k + 1);
        }
    }
    if best <= 0.0 {
        return false;
    }
    // When unsure, keep: prose beyond a weaker stretch (a table, a list, a subheading
    // between two parts of the article) joins the run when it outweighs that stretch,
    // counted at `bridge` of its cost, by at least `bridge_min` points.
    if p.bridge > 0.0 {
        let gain = |s: f64| if s > 0.0 { s } else { s * p.bridge };
        let (mut cum, mut most, mut last) = (0.0, p.bridge_min, to);
        for (k, &s) in scores.iter().enumerate().take(end).skip(to) {
            cum += gain(s);
            if cum > most {
                (most, last) = (cum, k + 1);
            }
        }
        let (mut cum, mut most, mut first) = (0.0, p.bridge_min, from);
        for (k, &s) in scores.iter().enumerate().take(from).rev() {
            cum += gain(s);
            if cum > most {
                (most, first) = (cum, k);
            }
        }
        (from, to) = (first, last);
    }
    // Do no harm: a run that holds less than `min_prose_percent` of the page's prose is not
    // surely the article (a page of many posts, a list of summaries, a long page in
    // parts): the region keeps everything.
    let prose = |r: Range<usize>| scores[r].iter().filter(|&&s| s > 0.0).sum::<f64>();
    let kept = prose(from..to);
    if kept * 100.0 < (kept + prose(0..from) + prose(to..end)) * p.min_prose_percent {
        return false;
    }
    let has_text = |u: &&Unit<'_>| !u.text.is_empty();
    let plain = |sc: &mut Scratch, t: &[u8]| {
        !p.list.as_ref().is_some_and(|re| re.is_match(sc, t))
            && !p.chrome.as_ref().is_some_and(|re| re.is_match(sc, t))
    };
    // A block that reads as a sentence of the article: no list, prompt or link list.
    // A block (its first line `first`, its text read as `v`) that is a list, a prompt or a
    // link list.
    let shaped = |sc: &mut Scratch, first: &[u8], v: &Visible<'_>| {
        !plain(sc, first) || !plain(sc, &v.text) || link_list(v, || true)
    };
    let sentence = |sc: &mut Scratch, u: &&Unit<'_>| {
        *u.sentence.get_or_init(|| {
            let v = visible(&u.text);
            !shaped(sc, u.first, &v) && p.prose.is_match(sc, &v.text)
        })
    };
    if p.leading_sentences {
        // A block an earlier rule removed ends the search: what lies above it is not
        // known to be the article.
        for k in (0..from).rev() {
            let u = &units[k];
            if u.text.is_empty() && !u.removed {
                continue;
            }
            if u.removed || !sentence(sc, u) {
                break;
            }
            from = k;
        }
    }
    if p.heading {
        if let Some(h) = (0..from).rev().find(|&k| has_text(&units[k])) {
            let v = visible(&units[h].text);
            if !shaped(sc, units[h].first, &v) && columns(&v.text) < p.long_chars {
                from = h;
            }
        }
    }
    // A sentence is not cut in two: the block above the run's first goes on into it, or
    // the run's last goes on into the block below (see [`mid_sentence`]).
    while from > 0 && mid_sentence(units[from - 1], units[from]) {
        from -= 1;
    }
    // Where the best run ends, before trailing sentences extend it.
    let run_end = to;
    while to < units.len() && mid_sentence(units[to - 1], units[to]) {
        to += 1;
    }
    if p.trailing_sentences {
        for (k, u) in units.iter().enumerate().skip(to) {
            if u.text.is_empty() && !u.removed {
                continue;
            }
            if is_stop(sc, u) {
                break;
            }
            // What an earlier rule removed (an ad label) does not end the article.
            if u.removed {
                continue;
            }
            if !sentence(sc, u) && !mid_sentence(units[k - 1], u) {
                // A paragraph whose lines the page did not show as one block (too short
                // to show its wrap width): its lines go on into each other in lower case,
                // none is a list or a prompt, and the last ends the sentence.
                let mut last = k;
                while last + 1 < units.len() && mid_sentence(units[last], units[last + 1]) {
                    last += 1;
                }
                let whole = last > k
                    && sentence(sc, &units[last])
                    && units[k..last]
                        .iter()
                        .all(|u| plain(sc, u.first) && plain(sc, &visible(&u.text).text));
                if !whole {
                    break;
                }
            }
            to = k + 1;
        }
    }
    if p.introduced_lists {
        // The run ends with a sentence that introduces what follows ("...after 36 races:"):
        // the list or table under it is the article's.
        let last = (from..to).rev().find(|&k| has_text(&units[k]));
        let intro = last.is_some_and(|k| {
            let v = visible(&units[k].text);
            matches!(v.text.trim_ascii_end().last(), Some(b':' | b'?'))
                && columns(&v.text) >= p.prose_chars
        });
        if intro {
            for (k, u) in units.iter().enumerate().skip(to) {
                if u.text.is_empty() && !u.removed {
                    continue;
                }
                if u.removed || is_stop(sc, u) {
                    break;
                }
                let v = visible(&u.text);
                // A list item: a list shape, a Markdown element, or a line alone that is
                // no prompt and introduces nothing (a list printed without its bullets,
                // an item a line).
                let listed = p.list.as_ref().is_some_and(|re| re.is_match(sc, u.first))
                    || super::blocks::starts_element(u.first)
                    || (u.lines.len() == 1
                        && v.text.trim_ascii_end().last() != Some(&b':')
                        && plain(sc, u.first)
                        && plain(sc, &v.text));
                if !listed || link_list(&v, || true) {
                    break;
                }
                to = k + 1;
            }
        }
    }
    // Inside the run: `min_run` or more adjacent blocks (no blank line between) that score
    // nothing go too when a list, a prompt or a link list is among them (menus, share
    // widgets, teaser cards); short lines alone (a caption, a table's rows, a paragraph
    // printed a clause a line) are not known to be chrome.
    if p.min_run > 0 {
        let mut run: Vec<usize> = Vec::new();
        // Whether the run holds a list, a prompt or a link list.
        let mut listed = false;
        let flush = |run: &mut Vec<usize>, fate: &mut [Fate], listed: &mut bool| {
            if run.len() >= p.min_run && *listed {
                for &k in run.iter() {
                    for f in &mut fate[units[k].lines.clone()] {
                        if *f == Fate::Kept {
                            *f = Fate::Removed(c);
                        }
                    }
                }
            }
            run.clear();
            *listed = false;
        };
        // Trailing sentences were accepted as article text: they are not a chrome run.
        for (k, u) in units.iter().enumerate().take(run_end).skip(from) {
            if u.text.is_empty() && !u.removed {
                flush(&mut run, fate, &mut listed);
                continue;
            }
            // Blocks earlier rules removed neither count nor break a run (so the output,
            // cleaned again, has the same runs).
            if u.removed {
                continue;
            }
            // A list item that reads as a sentence is the article's own list.
            if scores.get(k).is_some_and(|&s| s <= 0.0) && !sentence_item(sc, u, p) {
                run.push(k);
                listed = listed || shaped(sc, u.first, &visible(&u.text));
            } else {
                flush(&mut run, fate, &mut listed);
            }
        }
        flush(&mut run, fate, &mut listed);
    }
    let (keep_from, keep_to) = (units[from].lines.start, units[to - 1].lines.end);
    for (i, f) in fate.iter_mut().enumerate().take(limit) {
        if (i < keep_from || i >= keep_to) && *f == Fate::Kept {
            *f = Fate::Removed(c);
        }
    }
    fate[..limit].iter().filter(|f| **f == Fate::Kept).count() != kept_before
}

/// The spans of active `view = "block"` strip rules in the wrapped blocks of a page: each
/// run of two or more kept lines of a block, trimmed and joined with `\n`, is searched,
/// and a span is cut at the line breaks into the parts of each line it covers. Returned as
/// (line, span in the trimmed line, rule) in line order; spans a line search also finds
/// come again here, which merging makes harmless. Pages that are not hard-wrapped have
/// one-line blocks, and nothing is searched.
fn wrapped_spans(
    rs: &RuleSet,
    sc: &mut Scratch,
    page: &Page<'_>,
    blocks: &[Range<usize>],
    fate: &[Fate],
    limit: usize,
    active: &[bool],
) -> Vec<(usize, Range<usize>, Cause)> {
    let mut out = Vec::new();
    let mut joined = Vec::new();
    // Where each line of the run starts in `joined`.
    let mut starts: Vec<usize> = Vec::new();
    let kept = |i: usize| fate[i] == Fate::Kept && !page.is_blank(i);
    for b in blocks.iter().filter(|b| b.len() > 1) {
        if b.start >= limit {
            break;
        }
        let mut i = b.start;
        let end = b.end.min(limit);
        while i < end {
            let run = i;
            while i < end && kept(i) {
                i += 1;
            }
            if i - run < 2 {
                i += 1;
                continue;
            }
            joined.clear();
            starts.clear();
            for j in run..i {
                if j > run {
                    joined.push(b'\n');
                }
                starts.push(joined.len());
                joined.extend_from_slice(page.trimmed(j));
            }
            if !rs.spans.maybe_wrapped(sc, &joined) {
                continue;
            }
            let first = out.len();
            for (r, re) in &rs.spans.each {
                let rule = &rs.rules[*r as usize];
                if !active[*r as usize]
                    || !matches!(rule.step, Step::Strip)
                    || rule.view != View::Block
                {
                    continue;
                }
                re.find_each_unkept(sc, &joined, |m| {
                    // The lines the span covers: from the one it starts in, up to its end
                    // (not every line of the block for every span).
                    let from_line = starts
                        .partition_point(|&at| at <= m.start)
                        .saturating_sub(1);
                    for (n, &at) in starts.iter().enumerate().skip(from_line) {
                        if at >= m.end {
                            break;
                        }
                        let len = page.trimmed(run + n).len();
                        let (from, to) = (m.start.max(at), m.end.min(at + len));
                        if from < to {
                            out.push((run + n, from - at..to - at, Cause::Rule(*r)));
                        }
                    }
                });
            }
            out[first..].sort_by_key(|(line, r, _)| (*line, r.start));
        }
    }
    out
}

/// Cut the spans of active strip rules out of line `i`, and the `wrapped` spans found for
/// it in its block (see [`wrapped_spans`]). Returns the line's new fate, or `None` when
/// nothing matched.
fn strip(
    rs: &RuleSet,
    sc: &mut Scratch,
    page: &Page<'_>,
    i: usize,
    active: &[bool],
    wrapped: &[(usize, Range<usize>, Cause)],
    edits: &mut Vec<Edit>,
) -> Option<Fate> {
    let t = page.trimmed(i);
    let base = page.trimmed_range(i).start;
    let mut spans: Vec<(Range<usize>, Cause)> =
        wrapped.iter().map(|(_, r, c)| (r.clone(), *c)).collect();
    for k in rs.spans.candidates(sc, t) {
        let (r, re) = &rs.spans.each[k];
        if !active[*r as usize] || !matches!(rs.rules[*r as usize].step, Step::Strip) {
            continue;
        }
        re.find_each_unkept(sc, t, |m| {
            if !m.is_empty() {
                spans.push((m, Cause::Rule(*r)));
            }
        });
    }
    if spans.is_empty() {
        return None;
    }
    spans.sort_by_key(|(r, _)| (r.start, r.end));
    let mut merged: Vec<(Range<usize>, Cause)> = Vec::new();
    for (r, c) in spans {
        match merged.last_mut() {
            Some((last, _)) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push((r, c)),
        }
    }
    // Swallow the white space a span leaves at either end of the line.
    if let Some((first, _)) = merged.first_mut() {
        if trim(&t[..first.start]).is_empty() {
            first.start = 0;
            first.end += t[first.end..].len() - trim_start(&t[first.end..]).len();
        }
    }
    if let Some((last, _)) = merged.last_mut() {
        if trim(&t[last.end..]).is_empty() {
            last.end = t.len();
            last.start -= t[..last.start].len() - trim_end(&t[..last.start]).len();
        }
    }
    // Swallowing white space can make neighbours touch: merge again.
    let mut spans: Vec<(Range<usize>, Cause)> = Vec::with_capacity(merged.len());
    for (r, c) in merged {
        match spans.last_mut() {
            Some((last, _)) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => spans.push((r, c)),
        }
    }
    let merged: Vec<(Range<usize>, Cause)> = spans;
    let first = merged[0].1;
    if merged.len() == 1 && merged[0].0 == (0..t.len()) {
        return Some(Fate::Removed(first));
    }
    let line = page.lines()[i];
    let removed = merged
        .into_iter()
        .map(|(r, c)| {
            let end = if r.end == t.len() {
                line.content_end
            } else {
                base + r.end
            };
            (base + r.start..end, c)
        })
        .collect();
    edits.push(Edit { line: i, removed });
    Some(Fate::Edited(edits.len() as u32 - 1))
}

fn trim_start(b: &[u8]) -> &[u8] {
    let t = trim(b);
    &b[t.as_ptr() as usize - b.as_ptr() as usize..]
}

fn trim_end(b: &[u8]) -> &[u8] {
    let t = trim(b);
    &b[..t.as_ptr() as usize - b.as_ptr() as usize + t.len()]
}

/// Collapse blank-line runs to their first line and drop leading and trailing blank
/// lines. Blank means empty or white space only.
fn layout(page: &Page<'_>, fate: &mut [Fate]) {
    // Edited lines always keep some text, so they count as non-blank.
    let mut seen_text = false;
    let mut pending: Option<usize> = None;
    // Whether the last line written ends in a lone CR: an empty "\n" line after it would
    // read back as one CRLF line, so such a blank line cannot be the separator.
    let mut after_lone_cr = false;
    for (i, f) in fate.iter_mut().enumerate() {
        match *f {
            Fate::Removed(_) => {}
            Fate::Edited(_) => {
                seen_text = true;
                pending = None;
                after_lone_cr = page.terminator(i) == b"\r";
            }
            Fate::Kept if page.is_blank(i) => {
                if seen_text && pending.is_none() && !(after_lone_cr && page.raw(i) == b"\n") {
                    pending = Some(i);
                    after_lone_cr = page.terminator(i) == b"\r";
                } else {
                    *f = Fate::Removed(Cause::Layout);
                }
            }
            Fate::Kept => {
                seen_text = true;
                pending = None;
                after_lone_cr = page.terminator(i) == b"\r";
            }
        }
    }
    if let Some(p) = pending {
        fate[p] = Fate::Removed(Cause::Layout);
    }
}

#[cfg(test)]
mod tests {
    use super::{address_bytes, addresses_make_long, cells, glued, pipe_row, sentences};
    use crate::{load, Page, Source};

    fn clean(rules: &str, input: &[u8]) -> Vec<u8> {
        let rs = load(&[Source::new("t.toml", rules)]).unwrap();
        rs.clean(input, None)
    }

    fn rule(kind_and_fields: &str) -> String {
        format!("[[rule]]\nid = \"t/r\"\nwhy = \"w\"\n{kind_and_fields}\n")
    }

    #[test]
    fn pipe_table_rows_are_told_from_bars() {
        assert!(pipe_row(b"| Home | The ferry leaves at six. |"));
        assert!(pipe_row(b"| --- | --- |"));
        // A menu bar between separators, or a bar that ends with an item, is no row.
        assert!(!pipe_row(b"| Home | News"));
        assert!(!pipe_row(b"Home | News |"));
        assert!(!pipe_row(b"|"));
    }

    #[test]
    fn no_rules_only_layout() {
        let rs = load(&[]).unwrap();
        assert_eq!(rs.clean(b"", None), b"");
        assert_eq!(rs.clean(b"\n\n", None), b"");
        assert_eq!(rs.clean(b"\n\na\n\n\n\nb", None), b"a\n\nb\n");
        assert_eq!(rs.clean(b"a\r\n \r\n\t\r\nb\r\n", None), b"a\r\n \r\nb\r\n");
    }

    #[test]
    fn drop_literal_and_pattern_lines_keep_crlf_and_bad_utf8() {
        let r = rule("kind = \"drop\"\nlines = [\"Advertising\"]\npatterns = ['\\d\\d:\\d\\d']");
        let got = clean(
            &r,
            b"A\xFF line\r\n  Advertising \r\n19:04\r\nThe alert at 23:14 rang.\r\nend",
        );
        assert_eq!(got, b"A\xFF line\r\nThe alert at 23:14 rang.\r\nend\r\n");
    }

    /// A paragraph wrapped at 64 columns, with a link whose text and target the wrapper broke.
    const WRAPPED_LINK: &str = "The ferry company posted its new winter schedule on Monday, and
travellers can read the [timetable for the winter
season](https://example.com/ferries/2024/winter-season-
timetable.html) before they book. The first boats leave at six
in the morning, and the last one returns shortly before midnight
on weekdays, with fewer crossings on Sundays and public holidays.
Fares stay as they were last year [1] (see the price list), and
children under twelve still travel free with a parent, on every
crossing of the winter season, whatever the day of the week.
";

    const LINK_SPAN: &str =
        "kind = \"strip\"\nspans = ['\\[(?P<keep>[^\\]\\[]*)\\]\\((?:[^)\\s]|\\n)*\\)']";

    #[test]
    fn strip_in_the_block_view_cuts_a_span_the_wrapper_broke_from_each_line() {
        let block = rule(&format!("{LINK_SPAN}\nview = \"block\""));
        let want = WRAPPED_LINK.replace("[timetable", "timetable").replace(
            "season](https://example.com/ferries/2024/winter-season-\ntimetable.html) ",
            "season\n",
        );
        assert_eq!(
            String::from_utf8(clean(&block, WRAPPED_LINK.as_bytes())).unwrap(),
            want
        );
        // Line endings and the lines' other bytes stay as they came.
        let crlf = WRAPPED_LINK.replace('\n', "\r\n");
        assert_eq!(
            String::from_utf8(clean(&block, crlf.as_bytes())).unwrap(),
            want.replace('\n', "\r\n")
        );
        // In the line view the same pattern finds nothing: no line holds the whole link.
        let line = rule(LINK_SPAN);
        assert_eq!(
            clean(&line, WRAPPED_LINK.as_bytes()),
            WRAPPED_LINK.as_bytes()
        );
        // A page that is not wrapped has one-line blocks, but for a link the converter
        // broke at a line break in its text: the block view finds what the line view
        // finds, and that link too.
        let flat = "Read the [timetable](https://example.com/t) first.\nA [broken\nlink](https://example.com/b) goes.\nA [bracket\nstays.\n";
        let got = clean(&line, flat.as_bytes());
        assert_eq!(
            got,
            b"Read the timetable first.\nA [broken\nlink](https://example.com/b) goes.\nA [bracket\nstays.\n"
        );
        assert_eq!(
            clean(&block, flat.as_bytes()),
            b"Read the timetable first.\nA broken\nlink goes.\nA [bracket\nstays.\n"
        );
    }

    #[test]
    fn strip_span_keeps_rest_of_line() {
        let r = rule("kind = \"strip\"\nspans = ['Transcript provided by NPR\\.']");
        assert_eq!(
            clean(&r, b"Thanks. Transcript provided by NPR.\nx\n"),
            b"Thanks.\nx\n"
        );
        assert_eq!(
            clean(&r, b"Transcript provided by NPR.  Next.\n"),
            b"Next.\n"
        );
        assert_eq!(clean(&r, b"  Transcript provided by NPR.\nx\n"), b"x\n");
    }

    #[test]
    fn cut_by_line_and_by_span() {
        let r = rule("kind = \"cut\"\nlines = [\"MORE ABOUT\"]\nspans = ['Copyright NPR\\.']");
        assert_eq!(clean(&r, b"a\nMORE ABOUT\nb\nc"), b"a\n");
        assert_eq!(
            clean(&r, b"a\nbye. Copyright NPR. more\nbio\n"),
            b"a\nbye.\n"
        );
        assert_eq!(clean(&r, b"a\nCopyright NPR.\nbio\n"), b"a\n");
    }

    #[test]
    fn block_while_gap_and_end() {
        let r =
            rule("kind = \"block\"\nlines = [\"LATEST\"]\nwhile = ['\\d\\d:\\d\\d']\nmax-gap = 1");
        assert_eq!(
            clean(&r, b"a\nLATEST\nh1\n10:00\nh2\n11:00\nkeep me\nand me\n"),
            b"a\nkeep me\nand me\n"
        );
        let r = rule("kind = \"block\"\nlines = [\"BEGIN\"]\nend = ['END']");
        assert_eq!(clean(&r, b"a\nBEGIN\nx\n\ny\nEND\nb\n"), b"a\nb\n");
        // No end within reach: only the start line goes.
        assert_eq!(clean(&r, b"a\nBEGIN\nx\n"), b"a\nx\n");
        let r = rule("kind = \"block\"\nlines = [\"S\"]\nwhile = ['• .*']");
        assert_eq!(
            clean(&r, b"S\n\xe2\x80\xa2 a\n\n\xe2\x80\xa2 b\n"),
            b"\xe2\x80\xa2 b\n"
        );
        let r = rule("kind = \"block\"\nlines = [\"S\"]\nwhile = ['• .*']\nskip-blank = true");
        assert_eq!(
            clean(&r, b"S\n\xe2\x80\xa2 a\n\n\xe2\x80\xa2 b\nz\n"),
            b"z\n"
        );
    }

    #[test]
    fn repeat_removes_copies_and_between() {
        let r = rule("kind = \"repeat\"\nwithin = 2\ndrop-between = true\nmin-chars = 5");
        assert_eq!(
            clean(&r, b"caption text\ncredit\ncaption text\nbody\n"),
            b"body\n"
        );
        // Too far apart: kept.
        assert_eq!(
            clean(&r, b"caption text\n1\n2\n3\ncaption text\n"),
            b"caption text\n1\n2\n3\ncaption text\n"
        );
        // Too short: kept.
        assert_eq!(clean(&r, b"Yes.\nNo.\nYes.\n"), b"Yes.\nNo.\nYes.\n");
        // With `between`, a credit-like line must stand between the copies.
        let r =
            rule("kind = \"repeat\"\nwithin = 3\ndrop-between = true\nbetween = ['[^.]{1,40}']");
        assert_eq!(clean(&r, b"cap.\nJ Doe/AP\ncap.\nbody\n"), b"body\n");
        assert_eq!(clean(&r, b"para.\n\npara.\n"), b"para.\n\npara.\n");
        assert_eq!(
            clean(&r, b"para.\nOther text.\npara.\n"),
            b"para.\nOther text.\npara.\n"
        );
    }

    /// A paragraph hard-wrapped at 78 columns, as `w3m -dump` prints one: enough lines near
    /// the width for the page's wrap width to be inferred.
    const WRAPPED: &str = "\
The river rose another half metre overnight, and the town council said that it
would keep the market square closed until the water had gone back down again.
Shop owners near the square moved their stock to upper floors on Monday, while
the fire service pumped water from the cellars of the houses on the low street.
The mayor said the town would ask the region for help with the cost of repairs
to the river wall, which was built a century ago and has not been raised since
then, although the water has come over it four times in the last ten years and
each time the shops on the square have had to close for more than two weeks.
";

    #[test]
    fn the_visible_view_reads_lines_without_bullets_and_markdown() {
        let page = "Head\n* Playlist\n\u{2022} Playlist\n- [Playlist](https://e.com/p)\nPlaylist of the week.\n";
        let r = rule("kind = \"drop\"\nview = \"visible\"\nlines = [\"Playlist\"]");
        assert_eq!(clean(&r, page.as_bytes()), b"Head\nPlaylist of the week.\n");
        // Without the view, the line is read as written.
        let r = rule("kind = \"drop\"\nlines = [\"Playlist\"]");
        assert_eq!(clean(&r, page.as_bytes()), page.as_bytes());
        // A block rule reads its continuation lines through the view too.
        let r = rule("kind = \"block\"\nview = \"visible\"\nlines = [\"Playlist\"]\nwhile = ['Embed|Download']");
        assert_eq!(
            clean(
                &r,
                b"* Playlist\r\n* [Embed](u)\r\n  + **Download**\r\nEmbed codes explained.\r\n"
            ),
            b"Embed codes explained.\r\n"
        );
    }

    #[test]
    fn the_block_view_matches_a_wrapped_paragraph_and_takes_its_lines() {
        let notice = "Copyright 2024 Riverton Daily News and its partners, all rights reserved; no\npart of this page may be copied.\n";
        let page = format!("{WRAPPED}\n{notice}");
        let drop = |view: &str| {
            rule(&format!(
                "kind = \"drop\"\nview = \"{view}\"\npatterns = ['Copyright \\d{{4}} .*\\.']"
            ))
        };
        assert_eq!(clean(&drop("block"), page.as_bytes()), WRAPPED.as_bytes());
        // Line by line, neither half is the whole notice.
        assert_eq!(clean(&drop("line"), page.as_bytes()), page.as_bytes());
        // On a page that is not wrapped, a block is a line.
        let flat = "Copyright 2024 Riverton Daily News.\nCopyright law changed in 2024.\n";
        assert_eq!(
            clean(&drop("block"), flat.as_bytes()),
            b"Copyright law changed in 2024.\n"
        );
    }

    #[test]
    fn a_block_rule_in_the_block_view_runs_over_wrapped_lines() {
        let widget = "* Embed\n<iframe src=\"https://e.com/player/embed/4/5\" width=\"100%\" height=\"290\"\ntitle=\"Embedded audio player\">\n* Transcript\n";
        let page = format!("{WRAPPED}\n{widget}Closing line.\n");
        let r = |view: &str| {
            rule(&format!(
                "kind = \"block\"\nview = \"{view}\"\nlines = [\"Embed\"]\nwhile = ['<iframe\\b.*', 'Transcript']"
            ))
        };
        assert_eq!(
            clean(&r("block"), page.as_bytes()),
            format!("{WRAPPED}\nClosing line.\n").as_bytes()
        );
        // Line by line the tail of the tag ends the block.
        let got = clean(&r("visible"), page.as_bytes());
        assert!(String::from_utf8(got).unwrap().contains("title="));
    }

    #[test]
    fn a_repeat_in_the_block_view_finds_wrapped_copies() {
        let caption = "Volunteers stack sandbags along the river wall in Riverton on Tuesday as the\nwater rises toward the old market square.\n";
        let page = format!("{caption}Jane Doe AP\n{caption}\n{WRAPPED}");
        let r = |view: &str| {
            rule(&format!(
                "kind = \"repeat\"\nview = \"{view}\"\ndrop-between = true\nmin-chars = 20\nbetween = ['[^.]{{1,40}}']"
            ))
        };
        assert_eq!(clean(&r("block"), page.as_bytes()), WRAPPED.as_bytes());
        // Line by line, the second line of the first copy stands between the first lines.
        assert_eq!(clean(&r("line"), page.as_bytes()), page.as_bytes());
        // A caption whose last line is full: the credit under it joins the caption's block,
        // and the copy is still found, as a run of lines.
        let caption = "Volunteers stack sandbags along the river wall in Riverton on Tuesday as the\nwater rises toward the old market square, where the shops were closed on Monday.\n";
        let page = format!("{caption}Jane Doe AP\n{caption}\n{WRAPPED}");
        assert_eq!(clean(&r("block"), page.as_bytes()), WRAPPED.as_bytes());
    }

    // Regressions found by tests/props.rs (issue 4).
    #[test]
    fn r4_strip_spans_that_touch_after_swallowing_white_space() {
        let r = rule("kind = \"strip\"\nspans = ['Advertising', ' E']");
        assert_eq!(
            clean(&r, "Advertising  \u{2022} Embed\n".as_bytes()),
            "\u{2022}mbed\n".as_bytes()
        );
        let r = rule("kind = \"strip\"\nspans = ['[A-Z ]+']");
        let _ = clean(&r, "Advertising  \u{2022} Embed\nAdvertising\n".as_bytes());
    }

    #[test]
    fn r4_blank_line_after_a_lone_cr_line_is_not_a_separator() {
        let r = rule("kind = \"drop\"\nlines = [\"Advertising\"]");
        let once = clean(&r, b"Play Live Radio\rAdvertising\n\nEmbed\n");
        assert_eq!(once, b"Play Live Radio\rEmbed\n");
        assert_eq!(clean(&r, &once), once);
    }

    #[test]
    fn sentences_end_at_punctuation_before_a_space() {
        let all = |t: &'static [u8]| sentences(t).collect::<Vec<_>>();
        assert_eq!(
            all(b"It opens at nine.  Click here! Is it free? Yes"),
            [
                &b"It opens at nine."[..],
                b"Click here!",
                b"Is it free?",
                b"Yes"
            ]
        );
        // A point inside a word or a number ends nothing; blank text has no sentence.
        assert_eq!(
            all(b"See example.com for 2.5 more."),
            [&b"See example.com for 2.5 more."[..]]
        );
        assert!(all(b"   ").is_empty());
        assert!(all(b"").is_empty());
    }

    #[test]
    fn web_addresses_are_counted_up_to_a_space_or_a_bracket() {
        assert_eq!(address_bytes(b"no address here"), 0);
        assert_eq!(address_bytes(b"https://a.example/x"), 19);
        // In brackets, after text, glued to a bracket: only the address counts.
        assert_eq!(address_bytes(b"Read [https://a.example/x] now"), 19);
        assert_eq!(address_bytes(b"[img]https://a.example/x"), 19);
        // A second `://` inside one address is part of it; two addresses both count.
        assert_eq!(address_bytes(b"https://a.example/?u=https://b.example"), 38);
        assert_eq!(address_bytes(b"ftp://a.example x https://b.example"), 32);
        assert_eq!(address_bytes(b"ends with ://"), 3);
        // Addresses glued end to start count once each, not over each other (and a line
        // of them is read once, not back to its start from every `://`).
        assert_eq!(address_bytes(b"https://a.example)https://b.example)"), 35);
        // Long only by its address: a headline over a long link address is not prose; a
        // paragraph with a short address in it still is.
        let teaser = format!("A headline {}", "https://a.example/".repeat(12));
        assert!(addresses_make_long(teaser.as_bytes(), teaser.len(), 200));
        let para = format!("{} https://t.example/ab", "word ".repeat(44));
        assert!(!addresses_make_long(para.as_bytes(), para.len(), 200));
        // A card's headline twice and its address: the address is under half of it.
        let h = "Harbour board moves the morning ferry to ten past eight";
        let card = format!("{h} {h} https://example.com/news/harbour-board-moves-ferry.html");
        assert!(addresses_make_long(card.as_bytes(), card.len(), 150));
    }

    #[test]
    fn a_row_of_cells_is_told_from_prose() {
        assert!(cells(
            b"Harbour news  Ferry timetable  Island buses  Bridge repairs"
        ));
        // Three cells are too few; long cells are text; a sentence end in any cell is prose
        // written with two spaces after its sentences.
        assert!(!cells(b"Harbour news  Ferry timetable  Island buses"));
        let long = "The harbour board moved the morning ferry to ten past eight  ".repeat(4);
        assert!(!cells(long.as_bytes()));
        assert!(!cells(
            b"The board met.  It heard drivers  and crews  and shops"
        ));
        assert!(!cells(b"one two three four five six seven"));
    }

    #[test]
    fn a_glued_menu_is_told_from_camel_case_words() {
        // Eight joins in one "word".
        assert!(glued(
            b"HomeNewsSportWeatherTravelFoodMusicFilmBooks",
            5,
            25
        ));
        // Joins among spaced words: five in twelve words is over one in four.
        assert!(glued(
            b"Contact UsAbout UsJobsAdvertise With UsTerms Of UseHelp Desk",
            5,
            25
        ));
        // Brand names and a hashtag in a sentence: too few, or too thin.
        assert!(!glued(
            b"The iPhone and the PlayStation sold well at McDonald's.",
            5,
            25
        ));
        let thin = b"We tagged it #WeAreOnItNowAgain and then wrote a long post of twenty \
            words about it for the readers of the weekly paper in town today.";
        assert!(!glued(thin, 5, 25));
        // Text without spaces between its words (Japanese) has few ASCII joins.
        assert!(!glued(
            "iPhoneのiOSを改造して機能制限を解除するとiPadも".as_bytes(),
            5,
            25
        ));
    }

    #[test]
    fn outcome_records_each_removal() {
        let rs = load(&[Source::new(
            "t.toml",
            rule("kind = \"drop\"\nlines = [\"x\"]"),
        )])
        .unwrap();
        let page = Page::new(b"x\nx\n\na\n");
        let o = rs.apply(&page, None);
        let got: Vec<_> = o
            .removals()
            .iter()
            .map(|r| {
                (
                    rs.cause_id(r.cause).to_owned(),
                    r.lines.clone(),
                    r.bytes.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("t/r".to_owned(), 0..2, 0..4),
                ("layout".to_owned(), 2..3, 4..5)
            ]
        );
    }

    #[test]
    fn site_rules_need_host_or_detect() {
        let src = "[site]\nhosts = [\"npr.org\"]\ndetect = ['^Play Live Radio$']\n".to_owned()
            + &rule("kind = \"drop\"\nlines = [\"Ad\"]");
        let rs = load(&[Source::new("s.toml", src)]).unwrap();
        assert_eq!(rs.clean(b"Ad\nx\n", None), b"Ad\nx\n");
        assert_eq!(rs.clean(b"Ad\nx\n", Some("https://www.npr.org/a")), b"x\n");
        assert_eq!(
            rs.clean(b"Ad\nx\n", Some("https://example.com/")),
            b"Ad\nx\n"
        );
        assert_eq!(
            rs.clean(b"Play Live Radio\r\nAd\r\nx\r\n", None),
            b"Play Live Radio\r\nx\r\n"
        );
    }
}
