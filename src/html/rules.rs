//! Which elements are boilerplate and which hold the article, from their
//! tag, `class`, `id`, `role` and inline style.
//!
//! The class/id vocabulary follows trafilatura's `xpaths.py` (Apache-2.0,
//! Adrien Barbaresi), the rule set tuned on its multilingual evaluation
//! corpus; the site-specific legacy tokens are left out.

use std::sync::LazyLock;

use regex::Regex;

use super::dom::Dom;

/// Elements removed with everything inside them before extraction: scripts,
/// media, forms and page chrome (trafilatura's `MANUALLY_CLEANED`).
pub fn is_cleaned_tag(tag: &str) -> bool {
    matches!(
        tag,
        "aside"
            | "embed"
            | "fencedframe"
            | "footer"
            | "form"
            | "head"
            | "iframe"
            | "menu"
            | "object"
            | "script"
            | "applet"
            | "audio"
            | "canvas"
            | "figure"
            | "map"
            | "picture"
            | "svg"
            | "video"
            | "area"
            | "blink"
            | "button"
            | "datalist"
            | "dialog"
            | "frame"
            | "frameset"
            | "fieldset"
            | "link"
            | "input"
            | "ins"
            | "label"
            | "legend"
            | "marquee"
            | "math"
            | "menuitem"
            | "nav"
            | "noindex"
            | "noscript"
            | "optgroup"
            | "option"
            | "output"
            | "param"
            | "progress"
            | "rp"
            | "rt"
            | "rtc"
            | "select"
            | "source"
            | "style"
            | "track"
            | "textarea"
            | "time"
            | "use"
            | "template"
            | "title"
            | "meta"
            | "img"
    )
}

/// Of the [`is_cleaned_tag`] elements, those that are words of a
/// sentence when they sit inside one (`<time>`, `<label>`, `<ins>`,
/// `<button>`, `<output>`, `<blink>`): kept there, removed elsewhere.
pub fn is_cleaned_unless_in_sentence(tag: &str) -> bool {
    matches!(tag, "time" | "label" | "ins" | "button" | "output" | "blink")
}

/// Whether element `i` goes with the never-text elements: a cleaned tag,
/// unless it is one that reads as words inside a sentence and sits in one.
pub fn is_cleaned(dom: &Dom, i: usize) -> bool {
    let tag = dom.nodes[i].tag;
    is_cleaned_tag(tag) && !(is_cleaned_unless_in_sentence(tag) && dom.in_sentence(i))
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in pattern")
}

/// Boilerplate tokens tested on both `id` and `class`.
const BOTH: &str = "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author";

static DISCARD_ID: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        "{BOTH}|footer|Footer|share|Share|nav|Nav|menu|related|message-container|premium"
    ))
});
static DISCARD_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        "{BOTH}|^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|outbrain|taboola|criteo|paid-?content|widget\
         |footer|Footer|byline|Byline|share-|sociable|embedded|embed|tag-list|consent|modal-content|permission\
         |elated|next-|-stories|most-popular|meta|rating|attachment|timestamp|user-info|user-profile|-icon\
         |article-infos|message-container|slide|viewport|overlay|options|expand|obfuscated|blurred"
    ))
});
static HIDDEN_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    re("^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print| hidden| hide|noprint|notloaded")
});
static HIDDEN_ID: LazyLock<Regex> = LazyLock::new(|| re("hidden|reader-comments|akismet"));
static TEASER: LazyLock<Regex> = LazyLock::new(|| re("(?i)teaser"));
static CAPTION: LazyLock<Regex> = LazyLock::new(|| re("caption"));
static APPENDED: LazyLock<Regex> = LazyLock::new(|| re("mvp-post-add-(?:box|wrap)|infinite-?scroll"));
static COMMENTS_ID: LazyLock<Regex> = LazyLock::new(|| re("^(?:[Cc]omment|comol|disqus_thread|dsq-comments)"));
static COMMENTS_CLASS: LazyLock<Regex> = LazyLock::new(|| re("^[Cc]omment|(?:article|post)-comments"));

/// The tags the class/id rules look at (trafilatura's div, item, list, p,
/// section, span after its tag conversion).
fn is_container_like(tag: &str) -> bool {
    matches!(tag, "div" | "li" | "ul" | "ol" | "dl" | "p" | "section" | "span")
}

/// Why an element inside the main content is dropped, if it is: `hidden`
/// (attribute or inline style), `hidden_name` (class/id), `comments`,
/// `appended_article`, `boilerplate`, `teaser` or `caption`.
pub fn discard_reason(dom: &Dom, i: usize, include_comments: bool) -> Option<&'static str> {
    let tag = dom.nodes[i].tag;
    let (id, class) = (dom.nodes[i].id, dom.nodes[i].class);
    let style = dom.attr(i, "style").unwrap_or("");
    if dom.attr(i, "hidden").is_some()
        || dom.attr(i, "aria-hidden") == Some("true")
        || style.contains("display:none")
        || style.contains("display: none")
        || style.contains("visibility:hidden")
        || style.contains("visibility: hidden")
    {
        return Some("hidden");
    }
    // Hidden by name only: the stylesheet may show it (`hide-mobile`).
    if dom.name_matches(&HIDDEN_ID, id)
        || dom.name_matches(&HIDDEN_CLASS, class)
        || class == "comments-title"
        || id.starts_with("reply-")
        || class.starts_with("reply-")
    {
        return Some("hidden_name");
    }
    if !include_comments
        && matches!(tag, "div" | "section" | "ul" | "ol" | "dl" | "details")
        && (dom.name_matches(&COMMENTS_ID, id) || dom.name_matches(&COMMENTS_CLASS, class))
    {
        return Some("comments");
    }
    if matches!(tag, "div" | "section" | "aside")
        && (dom.name_matches(&APPENDED, id) || dom.name_matches(&APPENDED, class))
    {
        return Some("appended_article");
    }
    if !is_container_like(tag) {
        return None;
    }
    let role = dom.attr(i, "role").unwrap_or("");
    let first = if !id.is_empty() { id } else { class };
    if dom.attr(i, "data-lp-replacement-content").is_some()
        || role.to_ascii_lowercase().contains("nav")
        || dom
            .attr(i, "data-component")
            .is_some_and(|c| c.contains("MostPopularStories"))
        || first.contains("cookie")
        || dom.name_matches(&DISCARD_ID, id)
        || dom.name_matches(&DISCARD_CLASS, class)
    {
        return Some("boilerplate");
    }
    if dom.name_matches(&TEASER, id) || dom.name_matches(&TEASER, class) {
        return Some("teaser");
    }
    if dom.name_matches(&CAPTION, id) || dom.name_matches(&CAPTION, class) {
        return Some("caption");
    }
    None
}

static BODY0_ID: LazyLock<Regex> =
    LazyLock::new(|| re("(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody|body-text"));
static BODY0_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        "post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper|article-?text|articleText\
        |(?:entry|page|text|article|art)-content|article__content|article(?:-|__)?body|articleBody|ArticleContent\
        |body-text|article__container",
    )
});
static BODY2_ID: LazyLock<Regex> = LazyLock::new(|| re("^primary|story-body"));
static BODY2_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        "(?i:fulltext)|^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content|single-post\
        |main-column|wpb_text_column|story-body|field-body",
    )
});
static BODY3_ID: LazyLock<Regex> = LazyLock::new(|| re("content-main|content-body|contentBody|(?i:main-content)"));
static BODY3_CLASS: LazyLock<Regex> =
    LazyLock::new(|| re("content[-_]main|content(?:-|__)body|(?i:main-content)|(?i:page-content)"));

/// Number of content-container rules; rule `r` is tried before `r + 1`.
pub const BODY_RULES: usize = 5;

/// Whether element `i` is a main-content container by rule `rule`
/// (0 = explicit article-body markup … 4 = a `main` region).
pub fn is_body(dom: &Dom, i: usize, rule: usize) -> bool {
    let tag = dom.nodes[i].tag;
    let sectioning = matches!(tag, "article" | "div" | "main" | "section");
    let id = || dom.nodes[i].id;
    let class = || dom.nodes[i].class;
    match rule {
        0 => {
            sectioning
                && (matches!(class(), "post" | "entry")
                    || dom.attr(i, "itemprop") == Some("articleBody")
                    || id() == "articleContent"
                    || dom.name_matches(&BODY0_ID, id())
                    || dom.name_matches(&BODY0_CLASS, class()))
        }
        1 => tag == "article",
        2 => {
            sectioning
                && (dom.attr(i, "role") == Some("article")
                    || matches!(id(), "article" | "story")
                    || matches!(class(), "postarea" | "art-postcontent" | "text" | "cell" | "story")
                    || dom.name_matches(&BODY2_ID, id())
                    || dom.name_matches(&BODY2_CLASS, class()))
        }
        3 => {
            sectioning
                && (id() == "content"
                    || class() == "content"
                    || dom.name_matches(&BODY3_ID, id())
                    || dom.name_matches(&BODY3_CLASS, class()))
        }
        _ => {
            tag == "main"
                || (matches!(tag, "article" | "div" | "section")
                    && (id().starts_with("main")
                        || class().starts_with("main")
                        || dom.attr(i, "role").is_some_and(|r| r.starts_with("main"))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::dom::parse;

    fn first(html: &str, tag: &str) -> (crate::html::dom::Tree, usize) {
        let page = parse(html);
        let i = Dom::new(&page).find(tag).unwrap();
        (page, i)
    }

    #[test]
    fn boilerplate_by_class_id_and_style() {
        for (html, want) in [
            ("<div class='cookie-banner'>x</div>", Some("boilerplate")),
            ("<div id='main-nav'>x</div>", Some("boilerplate")),
            ("<div class='share-buttons'>x</div>", Some("boilerplate")),
            ("<div style='display: none'>x</div>", Some("hidden")),
            ("<div id='comments'>x</div>", Some("comments")),
            ("<div class='teaser'>x</div>", Some("teaser")),
            ("<div class='entry-content'>x</div>", None),
        ] {
            let (page, i) = first(html, "div");
            assert_eq!(discard_reason(&Dom::new(&page), i, false), want, "{html}");
        }
        let (page, i) = first("<div id='comments'>x</div>", "div");
        assert_eq!(discard_reason(&Dom::new(&page), i, true), None);
    }

    #[test]
    fn body_rules_in_order() {
        let (page, i) = first("<div class='entry-content'>x</div>", "div");
        assert!(is_body(&Dom::new(&page), i, 0));
        let (page, i) = first("<main>x</main>", "main");
        let dom = Dom::new(&page);
        assert!(!is_body(&dom, i, 0) && is_body(&dom, i, 4));
    }
}
