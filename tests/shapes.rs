//! The same page in the shapes converters print (issue 17): hard-wrapped at 80 columns as
//! `w3m -dump` and `lynx -dump` print it, and Markdown as `html2text` prints it. Renderings
//! are made here from the project's own seeds and text; the cleaned words must be those of
//! the page in its one-paragraph-per-line shape.

use std::fs;
use std::path::Path;

fn rules() -> clean::RuleSet {
    clean::load(&clean::embedded_sources()).expect("embedded rules load")
}

/// `page` cleaned with `rules`, as text (every page here is the project's own UTF-8).
fn cleaned(rules: &clean::RuleSet, page: &str) -> String {
    String::from_utf8(rules.clean(page.as_bytes(), None)).expect("UTF-8 in, UTF-8 out")
}

/// Greedy wrap of every line longer than `width` (indent kept on the first line only).
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, nl) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        if body.chars().count() <= width {
            out.push_str(line);
            continue;
        }
        let mut cur = String::new();
        for word in body.split(' ').filter(|w| !w.is_empty()) {
            if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > width {
                out.push_str(&cur);
                out.push('\n');
                cur.clear();
            }
            if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        out.push_str(&cur);
        out.push_str(nl);
    }
    out
}

fn words(b: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(b)
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn seed(name: &str) -> (String, Vec<u8>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let input = fs::read_to_string(root.join("seeds").join(name)).unwrap();
    let expected = fs::read(root.join("seeds/expected").join(name)).unwrap();
    (input, expected)
}

/// Every seed gives the same words wrapped at 80 columns and with Markdown bullets as in
/// its own shape: the NPR seeds through rules that read blocks as a reader sees them
/// (`view = "block"`: `* Playlist` reads `Playlist`, a wrapped <iframe> tag or a caption
/// printed twice over two lines each is one block).
#[test]
fn seeds_give_the_same_words_wrapped_and_as_markdown() {
    let rules = rules();
    for name in [
        "000_d808dda28e326986.txt",
        "001_c3bc9897c56d68f0.txt",
        "002_d1f2f8b50bd03d84.txt",
        "003_25cf2292e73eca1d.txt",
    ] {
        let (input, expected) = seed(name);
        let wrapped = wrap(&input, 80);
        assert_ne!(wrapped, input, "{name}: the rendering changes the page");
        let got = rules.clean(wrapped.as_bytes(), None);
        assert_eq!(words(&got), words(&expected), "{name} wrapped at 80");
        let markdown = input.replace("\u{2022} ", "* ");
        let got = rules.clean(markdown.as_bytes(), None);
        assert_eq!(words(&got), words(&expected), "{name} as Markdown");
    }
}

/// Paragraph `seed` of the article: `n` words of the council story, one sentence.
fn paragraph(seed: usize, n: usize) -> String {
    const WORDS: [&str; 13] = [
        "the", "council", "voted", "on", "a", "budget", "for", "river", "repairs", "after",
        "months", "of", "debate",
    ];
    // Words drawn by a small generator, so that no two wrapped lines are alike.
    let mut x = seed as u64 * 2654435761 + 1;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            WORDS[(x >> 33) as usize % WORDS.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
        + "."
}

/// Paragraphs `0..n` of the article as sentences (capitalised), the `k`th of
/// `words + step * k` words.
fn sentences(n: usize, words: usize, step: usize) -> Vec<String> {
    (0..n)
        .map(|k| {
            let p = paragraph(k, words + step * k);
            p[..1].to_uppercase() + &p[1..]
        })
        .collect()
}

/// Whether the words of `p` come out, in order, among the words of `got`.
fn kept(got: &str, p: &str) -> bool {
    let (got, want) = (words(got.as_bytes()), words(p.as_bytes()));
    got.windows(want.len()).any(|w| w == want.as_slice())
}

/// A news page around `body`: a menu and the headline above it, related stories and a
/// footer under it.
fn framed(body: &str) -> String {
    format!(
        "  • Home\n  • News\n  • Sport\n  • Weather\n\nRiver repairs approved\n\n{body}Related stories\n  • Storm closes ferry route\n  • School roof fixed\n\nPrivacy Policy | Terms of Use\n"
    )
}

/// A news page of this project's own text, one paragraph per line.
fn article() -> String {
    framed(
        &(0..5)
            .map(|k| paragraph(k, 60 + 7 * k) + "\n\n")
            .collect::<String>(),
    )
}

#[test]
fn a_wrapped_article_is_kept_whole_and_its_chrome_goes() {
    let rules = rules();
    let flat = article();
    let want = words(&rules.clean(flat.as_bytes(), None));
    assert!(want.len() > 300, "the article is kept in its own shape");
    assert!(!want.contains(&"Sport".to_owned()));
    for width in [72, 80, 100] {
        let got = rules.clean(wrap(&flat, width).as_bytes(), None);
        assert_eq!(words(&got), want, "wrapped at {width}");
    }
    // Markdown with links: the link text is kept, the targets go, the menu goes.
    let md = flat
        .replace("  \u{2022} Home", "  * [Home](https://example.com/)")
        .replace("  \u{2022} ", "  * ")
        .replace("River repairs approved", "# River repairs approved")
        .replacen(
            "the council",
            "the [council](https://example.com/council)",
            1,
        );
    let got = rules.clean(md.as_bytes(), None);
    assert_eq!(words(&got), want, "as Markdown");
    let got = rules.clean(wrap(&md, 78).as_bytes(), None);
    assert_eq!(words(&got), want, "as Markdown wrapped at 78");
}

#[test]
fn a_page_of_many_posts_is_not_cut_to_one() {
    // Forum-like: short posts between long signatures, each signature outweighing the post
    // after it; the best run would hold one post of six.
    let rules = rules();
    let mut page = String::new();
    for k in 0..6 {
        page += &format!(
            "Posted by user{k}\nJoined 2019\nPosts: {k}0\nLocation: coast\nRank: member\nReply\nQuote\nReport\n\nI tried the new ferry timetable this week and the morning boat number {k} was late again, which is why I am asking here.\n\n"
        );
    }
    let got = cleaned(&rules, &page);
    for k in 0..6 {
        assert!(
            got.contains(&format!("morning boat number {k} was late")),
            "{got}"
        );
    }
}

/// BeautifulSoup's `get_text()` of a minified page: one line, every element's text glued
/// to the next. The line is read as its pieces: the article's paragraphs stay, the menu
/// and the footer are cut out of the line as spans.
#[test]
fn a_page_glued_into_one_line_keeps_its_article() {
    let rules = rules();
    let paras = sentences(5, 60, 7);
    let page = format!(
        "HomeNewsSportWeatherRiver repairs approved{}Related storiesStorm closes ferry routeSchool roof fixedPrivacy PolicyTerms of Use\n",
        paras.concat()
    );
    let got = cleaned(&rules, &page);
    assert!(got.contains(&paras.concat()), "{got}");
    for chrome in ["Weather", "Storm closes", "Privacy Policy"] {
        assert!(!got.contains(chrome), "{chrome} in {got}");
    }
    // Spans cut out of the one line: what is left is the input's own bytes, in order.
    assert_eq!(got.lines().count(), 1);
    assert!(page.contains(got.trim_end()));
}

/// A short article under a grid of teaser cards as turndown (the JavaScript converter
/// behind many LLM-era scrapers) prints links around whole paragraphs: `[`, a picture, the
/// headline and a one-sentence summary on their own lines, then `](url "title")[` opening
/// the next card. The cards are links, not prose: the article wins and the grid goes.
#[test]
fn teaser_cards_printed_as_links_around_paragraphs_do_not_win() {
    let rules = rules();
    let mut page = String::from("River repairs approved\n======================\n\n");
    for p in sentences(2, 45, 0) {
        page += &(p + "\n\n");
    }
    page += "Latest Headlines\n----------------\n\n[\n\n";
    for k in 0..8 {
        let summary = paragraph(10 + k, 22);
        page += &format!(
            "![](https://example.com/img/{k}.jpg)\n\n**Story number {k} of the week**_{summary}_\n\n](https://example.com/story/{k} \"Story number {k}\")[\n\n"
        );
    }
    page += "](https://example.com/more)\n";
    let got = cleaned(&rules, &page);
    assert!(kept(&got, &sentences(2, 45, 0)[1]), "{got}");
    assert!(!got.contains("Story number"), "{got}");
}

/// pandoc's Markdown keeps the page's divs (`::: {.class}` … `:::`) and spans
/// (`[text]{.class}`): a headline list of `[[Title]{.ticker}](/url)` links is a link
/// list, and a block that ends a div (`… :::`) does not end like a sentence.
#[test]
fn pandoc_divs_and_spans_are_read_as_markup() {
    let rules = rules();
    let mut page = String::from("::: {.article .main}\n# River repairs approved {#title}\n\n");
    for p in sentences(2, 45, 0) {
        page += &(p + "\n\n");
    }
    page += ":::\n:::\n\n::: {.ticker-list}\n";
    for k in 0..12 {
        page += &format!(
            "::: ticker-item\n[[Headline number {k} about the harbour\nworks]{{.ticker-title}}](/news/{k} \"Headline {k}\")\n\n-   By [Staff]{{.reporter}}\n-   11/20/2019 0{}:14 PM\n:::\n\n",
            k % 10
        );
    }
    page += ":::\n";
    let got = cleaned(&rules, &page);
    assert!(kept(&got, &sentences(2, 45, 0)[1]), "{got}");
    assert!(!got.contains("Headline number"), "{got}");
}

/// A page laid out in tables, as markdownify (and pandoc's GFM) print it: every row on
/// one line, `| cell | cell |`, whole paragraphs in cells. The rows that hold the article
/// are its prose, not a list of `|`-separated items: the page keeps its article.
#[test]
fn an_article_laid_out_in_table_cells_is_kept() {
    let rules = rules();
    let mut page = String::from(
        "The Ferry Company of the Western Isles, since 1921.\n\n|  |  |\n| --- | --- |\n| [Home](/) · [News](/news) · [Sport](/sport) | [Sign in](/in) |\n\n",
    );
    let paras = sentences(4, 40, 5);
    for p in &paras {
        page += &format!("|  |  |\n| --- | --- |\n| [Archive](/a) | {p} |\n\n");
    }
    page += "| [Contact](/c) | [Jobs](/j) | [Help](/h) |\n";
    let got = cleaned(&rules, &page);
    for p in &paras {
        assert!(got.contains(p.as_str()), "{got}");
    }
}

/// html2text keeps the spaces a page put inside bold text: a paragraph printed whole in
/// bold opens with `**` and spaces (`**     The council …`), as a `**` bullet would. The
/// `**` that closes it at the paragraph's end says it is emphasis: the paragraph is prose.
#[test]
fn a_paragraph_in_bold_is_not_a_bullet() {
    let rules = rules();
    let mut page = String::from("* [Home](/)\n* [About](/about)\n\n");
    let paras = sentences(5, 40, 5);
    page += &format!("{}\n\n", paras[0]);
    for p in &paras[1..] {
        page += &wrap(&format!("**     {p}**\n\n"), 60);
    }
    page += "* [Contact](/c)\n* [Jobs](/j)\n";
    let got = cleaned(&rules, &page);
    for p in &paras {
        assert!(kept(&got, p), "{got}");
    }
}

/// pandoc's plain text prints a page laid out in a table as a grid table: `+---+` borders
/// and `|` rows, the article wrapped in its cell. Read column by column, the grid is the
/// article's prose, whatever its first line (the border, which a rule may take, or a
/// `| … |` row) looks like.
#[test]
fn an_article_in_a_grid_table_cell_is_kept() {
    let rules = rules();
    let paras = sentences(3, 45, 5);
    let cell = wrap(&paras.join("\n\n"), 48);
    let menu = ["[Home]", "[News]", "[Sport]", "[Weather]", "[Contact]"];
    // A row of pictures above (a table of its own) ends with the border the article's
    // table starts with: `generic/teaser-twice` takes both, and the grid starts with a row.
    let border = format!("+{}+{}+\n", "-".repeat(12), "-".repeat(50));
    let mut page = format!(
        "The Ferry Company of the Western Isles, since 1921.\n\n{border}| {:<10} | {:<48} |\n{border}{border}",
        "[]", "[]"
    );
    for (k, line) in cell.lines().enumerate() {
        page += &format!("| {:<10} | {:<48} |\n", menu.get(k).unwrap_or(&""), line);
    }
    page += &border;
    let got = cleaned(&rules, &page);
    for line in cell.lines() {
        assert!(got.contains(line), "{line:?} lost: {got}");
    }
}

/// A page of one paragraph a line may hold a section printed preformatted (a letter, a
/// transcript) and wrapped at a width of its own; with a few one-sentence lines just past
/// that width, the page as a whole shows none. The section's lines agree on their width
/// and go on in lower case: it is read as paragraphs, not as a column of short lines.
#[test]
fn a_section_wrapped_at_its_own_width_is_read_as_paragraphs() {
    let rules = rules();
    let paras = sentences(3, 60, 7);
    let mut page = String::new();
    for p in &paras {
        page += &format!("{p}\n\n");
    }
    // One-sentence lines of 85 columns or so: no page-wide wrap width at 72.
    for k in 0..3 {
        page += &format!(
            "Note {k}: the full text of the letter from the harbour board to the council is below.\n\n"
        );
    }
    page += "Letter from the harbour board\n\n";
    let letter = sentences(2, 70, 10);
    for p in &letter {
        for line in wrap(p, 68).lines() {
            page += &format!("    {line}\n");
        }
        page += "\n";
    }
    let got = cleaned(&rules, &framed(&page));
    for p in paras.iter().chain(&letter) {
        assert!(kept(&got, p), "{got}");
    }
    assert!(!got.contains("Storm closes"), "{got}");
}

/// A paragraph printed with line breaks of its own (a `<br>` after every clause, lines of
/// any length) is no wrapped block, and none of its lines ends a sentence. Inside the
/// article such short lines are not a run of chrome (a menu, a share bar): they stay.
#[test]
fn a_paragraph_broken_at_its_clauses_is_not_a_menu() {
    let rules = rules();
    let paras = sentences(4, 50, 6);
    let broken = paragraph(20, 60);
    let words: Vec<&str> = broken.split(' ').collect();
    let mut lines = Vec::new();
    let mut at = 0;
    for n in [8, 13, 7, 14, 9, 9] {
        lines.push(words[at..at + n].join(" "));
        at += n;
    }
    let body = format!(
        "{}\n\n{}\n\nThe minutes of the meeting say:\n{}\n\n{}\n\n{}\n\n",
        paras[0],
        paras[1],
        lines.join("\n"),
        paras[2],
        paras[3]
    );
    let got = cleaned(&rules, &framed(&body));
    for p in paras.iter().chain(&lines) {
        assert!(kept(&got, p), "{p} not in {got}");
    }
    assert!(!got.contains("Storm closes"), "{got}");
}

/// Inside the article, a run of adjacent lists, prompts or link lists goes (an inline list
/// of links to other stories); a run of short lines alone stays (a table of figures, as
/// BeautifulSoup's `get_text("\n", strip=True)` prints every cell on a line of its own).
#[test]
fn inside_the_article_link_lists_go_and_short_lines_stay() {
    let rules = rules();
    let paras = sentences(4, 50, 6);
    let mut page = String::from("* [Home](/)\n* [News](/news)\n\n# River repairs approved\n\n");
    page += &format!("{}\n\n{}\n\n", paras[0], paras[1]);
    let figures = [
        "Length",
        "12 metres",
        "Width",
        "4 metres",
        "Cost",
        "2 million",
        "Done by",
        "May",
    ];
    page += &(figures.join("\n") + "\n\n");
    page += &format!("{}\n\n", paras[2]);
    for k in 0..6 {
        page += &format!("[Other story number {k}](/story/{k})\n");
    }
    page += &format!("\n{}\n", paras[3]);
    let got = cleaned(&rules, &page);
    for p in &paras {
        assert!(kept(&got, p), "{got}");
    }
    assert!(got.contains(&figures.join("\n")), "{got}");
    assert!(!got.contains("Other story"), "{got}");
}

/// A counted link between bar separators (`|`, `Comments (2)`, `|`) is a post's footer
/// shredded a text node a line, not the header of a comments section: the search goes on
/// to the page's next post. The same words alone between blank lines still end it.
#[test]
fn a_shredded_footer_bar_is_no_comments_header() {
    let rules = rules();
    let post = |k: usize| sentences(2, 24 + k, 3).join("\n");
    let mut page = String::from("Home\n|\nArchive\n|\nAbout\n");
    for k in 0..2 {
        page += &format!(
            "Post {k}\n{}\nPosted by Ann\nat\n09:1{k}\n|\nComments ({})\n|\nPermalink\n",
            post(k),
            k + 2
        );
    }
    let got = cleaned(&rules, &page);
    assert!(kept(&got, &post(0)) && kept(&got, &post(1)), "{got}");
    assert!(!got.contains("Archive"), "{got}");

    let page = format!(
        "{}\n\nComments (2)\n\nAnn\n\n{}\n",
        sentences(3, 30, 4).join("\n\n"),
        paragraph(7, 30)
    );
    let got = cleaned(&rules, &page);
    assert!(!got.contains("Comments (2)"), "{got}");
}

/// lynx and w3m print an image with no alt text as its file name in brackets: a row of
/// them (`[logo.gif] [tab-news.gif] …`) is a banner, not a sentence ending in `]`, so a
/// page whose only other text is short listings is not cut down to its banner.
#[test]
fn a_row_of_image_names_is_no_prose() {
    let rules = rules();
    let banner =
        "   [masthead.gif] [tab-local.gif] [tab-sports.gif] [tab-weather.gif] [tab-jobs.jpg]";
    let mut page = format!("{banner}\n\n   Home\n   Listings\n   Help\n\n");
    let items: Vec<String> = (0..6)
        .map(|k| format!("   Room {k} to let near the station, two floors"))
        .collect();
    for item in &items {
        page += &format!("{item}\n   View this listing\n\n");
    }
    let got = cleaned(&rules, &page);
    for item in &items {
        assert!(got.contains(item.as_str()), "{got}");
    }
}

/// A teaser printed with its link's address as text (html-to-text prints an image link as
/// `[image address]link address` under the headline) is long only by its addresses: it is
/// no prose, and the teasers under an article do not join it. A paragraph with a short
/// address in it (a quoted post and its link) is still prose by its length.
#[test]
fn web_addresses_do_not_make_a_teaser_prose() {
    let rules = rules();
    let paras = sentences(4, 40, 6);
    let mut page = format!("{}\n\n", paras.join("\n\n"));
    for k in 0..4 {
        page += &format!(
            "What the council decided about the river works, part {k}\n[https://example.com/img/river-{k}.jpg]https://example.com/news/city/2024/03/the-council-votes-on-the-river-works-part-{k}-and-what-the-engineers-say-comes-next-for-the-old-stone-bridge.html\nNEWS\n\nA reader asks about the bridge\n\n"
        );
    }
    let quoted = format!(
        "{} https://t.co/Ab12Cd34 and the rest of what the mayor wrote about the river works this spring",
        paragraph(9, 22)
    );
    page += &format!("{quoted}\n");
    let got = cleaned(&rules, &page);
    for p in &paras {
        assert!(kept(&got, p), "{got}");
    }
    assert!(!got.contains("part 2"), "{got}");

    let page = format!("{quoted}\n\nHome\n");
    let got = cleaned(&rules, &page);
    assert!(got.contains(&quoted), "{got}");
}

/// A list of sentences inside the article (`• Check the cuff before each use.`) is the
/// article's own list, not a run of chrome; a list of headlines there still goes.
#[test]
fn a_list_of_sentences_inside_the_article_stays() {
    let rules = rules();
    let paras = sentences(4, 36, 5);
    let items: Vec<String> = (0..6)
        .map(|k| format!("  • Step {k}: {}", paragraph(20 + k, 9 + k)))
        .collect();
    let heads: Vec<String> = (0..6)
        .map(|k| format!("  • Council story number {k}"))
        .collect();
    let page = format!(
        "{}\n\n{}\n\n{}\n\n{}\n\n{}\n",
        paras[0],
        paras[1],
        items.join("\n"),
        paras[2],
        paras[3]
    );
    let got = cleaned(&rules, &page);
    for p in paras.iter().chain(&items) {
        assert!(got.contains(p.as_str()), "{got}");
    }
    let page = page.replace(&items.join("\n"), &heads.join("\n"));
    let got = cleaned(&rules, &page);
    assert!(!got.contains("Council story"), "{got}");
}

/// A list the article introduces with a colon stays when it is printed without bullets,
/// an item a line (BeautifulSoup's `get_text("\n")`, text an extractor already cleaned);
/// the menu above the article still goes.
#[test]
fn an_introduced_list_without_bullets_stays() {
    let rules = rules();
    let paras = sentences(3, 34, 6);
    let intro = "The five projects the council chose for the river this year are:";
    let items: Vec<String> = (0..5)
        .map(|k| format!("“Project {k}, the {}” by Ann Lee", paragraph(40 + k, 4)))
        .collect();
    let page = format!(
        "Home\nNews\nSport\n{}\n{intro}\n{}\n",
        paras.join("\n"),
        items.join("\n")
    );
    let got = cleaned(&rules, &page);
    for line in paras.iter().chain(&items) {
        assert!(got.contains(line.as_str()), "{got}");
    }
    assert!(!got.contains("Home"), "{got}");
}

/// Markdown with reference-style links (html2text's `inline_links = False`, turndown's
/// `linkStyle: "referenced"`): `[text][12]` is link text, so a grid of linked headlines is
/// a link list, and the targets listed at the end (`[12]: https://…`) are not text.
#[test]
fn reference_style_links_are_links() {
    let rules = rules();
    let paras = sentences(3, 30, 8);
    let mut page = String::from(
        "  * [Home][1]\n  * [News][2]\n  * [Sport][3]\n\n# River repairs approved\n\n",
    );
    for (k, p) in paras.iter().enumerate() {
        page += &format!("{} See [the plans][{}].\n\n", wrap(p, 78).trim_end(), 4 + k);
    }
    for k in 0..8 {
        page += &format!(
            "#### [What the council decided about the old stone bridge and the ferry, part {k}][{}]\n\n",
            10 + k
        );
    }
    // html2text wraps a definition's title onto the next line.
    for k in 1..18 {
        let def = format!(
            "[{k}]: https://example.com/news/city/2024/03/story-{k}.html (What the council decided about the bridge, part {k})"
        );
        page += &format!("   {}\n\n", wrap(&def, 75).trim_end());
    }
    let got = cleaned(&rules, &page);
    for p in &paras {
        assert!(kept(&got, p), "{got}");
    }
    assert!(got.contains("the plans"), "{got}");
    assert!(!got.contains("part 3"), "{got}");
    assert!(!got.contains("https://"), "{got}");
    assert!(!got.contains("bridge, part"), "{got}");
}
