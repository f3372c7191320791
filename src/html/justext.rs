//! jusText's paragraph classifier (Pomikálek 2011; BSD-2 reference
//! implementation): a block is good when it is long, sparse in links and
//! dense in the stop words of the page's language; short blocks take the
//! class of their neighbours. It is the fallback when no content container
//! is marked up, and it is what makes the extractor language-aware: the
//! stop-word lists are those of `langs/`.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::blocks::Block;

// trafilatura's settings (`classify_paragraphs(…, 50, 150, 0.1, 0.2,
// 0.25, no_headings=True)`), looser than jusText's defaults (70, 200,
// 0.30, 0.32, 0.2) because it runs as a rescue after container rules
// have failed. With `no_headings` jusText's heading passes do not run, so
// headings are classified like any other block.
const LENGTH_LOW: usize = 50;
const LENGTH_HIGH: usize = 150;
const STOPWORDS_LOW: f64 = 0.1;
const STOPWORDS_HIGH: f64 = 0.2;
const MAX_LINK_DENSITY: f64 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Good,
    NearGood,
    Short,
    Bad,
}

/// Every language's stop words, as word → bit set of languages: from the
/// same `langs/` settings as the filters (the `html_extract` stage's
/// `langs_dir`), or the compiled-in files.
#[derive(Debug)]
pub struct StopLists {
    words: HashMap<String, u32>,
    langs: usize,
}

impl StopLists {
    /// The stop lists of every language in `langs` (at most 32).
    pub fn from_langs(langs: &crate::langs::Langs) -> Self {
        let mut words: HashMap<String, u32> = HashMap::new();
        let mut n = 0;
        for file in langs.by_iso.values() {
            let Some(sw) = &file.stopwords else { continue };
            if n >= 32 {
                break;
            }
            for w in &sw.words {
                *words.entry(w.to_lowercase()).or_default() |= 1 << n;
            }
            n += 1;
        }
        StopLists { words, langs: n }
    }

    /// True when `word` (any case) is a stop word of some language.
    pub fn is_stop_word(&self, word: &str) -> bool {
        self.words.contains_key(&word.to_lowercase())
    }

    /// The compiled-in files' lists.
    pub fn builtin() -> &'static StopLists {
        &BUILTIN
    }
}

static BUILTIN: LazyLock<StopLists> =
    LazyLock::new(|| StopLists::from_langs(&crate::langs::Langs::builtin().unwrap_or_default()));

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The stop-word list (as a bit) that covers most words of the page.
fn page_language(blocks: &[Block], lists: &StopLists) -> Option<u32> {
    let mut hits = vec![0usize; lists.langs];
    for b in blocks {
        for w in words(&b.text) {
            if let Some(&bits) = lists.words.get(&w) {
                for (l, h) in hits.iter_mut().enumerate() {
                    *h += ((bits >> l) & 1) as usize;
                }
            }
        }
    }
    let (best, &n) = hits.iter().enumerate().max_by_key(|(_, h)| **h)?;
    (n > 0).then_some(1 << best)
}

fn stopword_density(text: &str, lang: Option<u32>, lists: &StopLists) -> f64 {
    let Some(bit) = lang else { return 0.0 };
    let (mut n, mut stop) = (0usize, 0usize);
    for w in words(text) {
        n += 1;
        if lists.words.get(&w).is_some_and(|b| b & bit != 0) {
            stop += 1;
        }
    }
    if n == 0 {
        0.0
    } else {
        stop as f64 / n as f64
    }
}

/// Indices of the blocks jusText keeps.
pub fn good_blocks(blocks: &[Block], lists: &StopLists) -> Vec<usize> {
    let lang = page_language(blocks, lists);
    // Without a known language, length and links decide alone.
    let (low, high) = if lang.is_some() {
        (STOPWORDS_LOW, STOPWORDS_HIGH)
    } else {
        (0.0, 0.0)
    };
    let mut class: Vec<Class> = blocks
        .iter()
        .map(|b| {
            let len = b.text.chars().count();
            let link_density = if len == 0 {
                0.0
            } else {
                b.link_chars as f64 / len as f64
            };
            if link_density > MAX_LINK_DENSITY || b.text.contains('©') {
                return Class::Bad;
            }
            if len < LENGTH_LOW {
                return if b.link_chars > 0 { Class::Bad } else { Class::Short };
            }
            let sd = stopword_density(&b.text, lang, lists);
            if sd >= high {
                if len > LENGTH_HIGH {
                    Class::Good
                } else {
                    Class::NearGood
                }
            } else if sd >= low {
                Class::NearGood
            } else {
                Class::Bad
            }
        })
        .collect();
    // Short blocks take their neighbours' class.
    let neighbour = |class: &[Class], i: usize, dir: isize, skip_neargood: bool| -> Class {
        let mut j = i as isize + dir;
        while j >= 0 && (j as usize) < class.len() {
            match class[j as usize] {
                Class::Good | Class::Bad => return class[j as usize],
                Class::NearGood if !skip_neargood => return Class::NearGood,
                _ => {}
            }
            j += dir;
        }
        Class::Bad
    };
    let snapshot = class.clone();
    for i in 0..class.len() {
        if snapshot[i] != Class::Short {
            continue;
        }
        let (p, n) = (neighbour(&snapshot, i, -1, true), neighbour(&snapshot, i, 1, true));
        class[i] = match (p, n) {
            (Class::Good, Class::Good) => Class::Good,
            (Class::Bad, Class::Bad) => Class::Bad,
            _ => {
                let (p2, n2) = (neighbour(&snapshot, i, -1, false), neighbour(&snapshot, i, 1, false));
                if p2 == Class::NearGood || n2 == Class::NearGood {
                    Class::Good
                } else {
                    Class::Bad
                }
            }
        };
    }
    let snapshot = class.clone();
    for i in 0..class.len() {
        if snapshot[i] == Class::NearGood {
            let (p, n) = (neighbour(&snapshot, i, -1, true), neighbour(&snapshot, i, 1, true));
            class[i] = if p == Class::Bad && n == Class::Bad {
                Class::Bad
            } else {
                Class::Good
            };
        }
    }
    (0..class.len()).filter(|&i| class[i] == Class::Good).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::blocks::BlockKind;

    fn block(text: &str, link_chars: usize) -> Block {
        Block {
            text: text.to_string(),
            kind: BlockKind::Paragraph,
            link_chars,
            owner: 0,
            pos: 0,
        }
    }

    #[test]
    fn keeps_prose_drops_menus_in_any_language() {
        let prose_de = "Die Bundesregierung hat am Mittwoch beschlossen, dass die neuen Regeln für die \
                        Energieversorgung ab dem nächsten Jahr gelten sollen, und sie wird mit den Ländern darüber sprechen, \
                        wie die Kosten verteilt werden.";
        let prose_pl = "Rząd przyjął w środę projekt ustawy, który ma wejść w życie od przyszłego roku, \
                        a jego celem jest to, aby ceny energii nie rosły tak szybko jak w ostatnich latach, \
                        o czym mówił w Sejmie minister klimatu i środowiska.";
        for prose in [prose_de, prose_pl] {
            let blocks = vec![
                block("Home Politik Sport Wetter", 25),
                block(prose, 0),
                block("Kurz", 0),
                block(prose, 0),
                block("© 2024 Verlag", 0),
            ];
            assert_eq!(good_blocks(&blocks, StopLists::builtin()), vec![1, 2, 3], "{prose}");
        }
    }
}
