//! What changed between two revisions of an article, word by word: the paragraphs that
//! changed (the title is paragraph 0), each as runs of words kept, removed and added.

use serde::Serialize;

use crate::archive::StoredArticle;

/// A run of text in a changed paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "lowercase")]
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// A paragraph that changed: its number in the newer revision (0: the title; paragraphs
/// removed entirely are numbered where they stood) and its pieces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changed {
    pub paragraph: usize,
    pub pieces: Vec<Piece>,
}

/// The title and the paragraphs, one per line.
fn lines(s: &StoredArticle) -> String {
    let body: Vec<&str> = s
        .article
        .body
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    format!("{}\n{}", s.article.title.as_deref().unwrap_or(""), body.join("\n"))
}

/// The changed paragraphs from `old` to `new`, in order.
pub fn word_diff(old: &StoredArticle, new: &StoredArticle) -> Vec<Changed> {
    diff_text(&lines(old), &lines(new))
}

fn push(pieces: &mut Vec<Piece>, piece: Piece) {
    match (pieces.last_mut(), piece) {
        (Some(Piece::Same(a)), Piece::Same(b)) | (Some(Piece::Removed(a)), Piece::Removed(b)) => a.push_str(&b),
        (Some(Piece::Added(a)), Piece::Added(b)) => a.push_str(&b),
        (_, p) => pieces.push(p),
    }
}

/// Word diff of two texts of one paragraph per line.
fn diff_text(old: &str, new: &str) -> Vec<Changed> {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_words(old, new);
    let mut out = Vec::new();
    // The paragraph being read, and the one its first change was in (a change can add
    // paragraph breaks).
    let (mut paragraph, mut pieces, mut changed) = (0usize, Vec::new(), None::<usize>);
    let mut flush = |pieces: &mut Vec<Piece>, changed: &mut Option<usize>| {
        if let Some(paragraph) = changed.take() {
            out.push(Changed {
                paragraph,
                pieces: std::mem::take(pieces),
            });
        }
        pieces.clear();
    };
    for change in diff.iter_all_changes() {
        let text = change.value();
        match change.tag() {
            similar::ChangeTag::Equal => {
                let mut parts = text.split('\n');
                if let Some(first) = parts.next() {
                    push(&mut pieces, Piece::Same(first.to_owned()));
                }
                for part in parts {
                    flush(&mut pieces, &mut changed);
                    paragraph += 1;
                    push(&mut pieces, Piece::Same(part.to_owned()));
                }
            }
            // A paragraph break removed or added is shown as ¶ in the run.
            similar::ChangeTag::Delete => {
                changed.get_or_insert(paragraph);
                push(&mut pieces, Piece::Removed(text.replace('\n', "¶ ")));
            }
            similar::ChangeTag::Insert => {
                changed.get_or_insert(paragraph);
                push(&mut pieces, Piece::Added(text.replace('\n', "¶ ")));
                paragraph += text.matches('\n').count();
            }
        }
    }
    flush(&mut pieces, &mut changed);
    for c in &mut out {
        // Runs of spaces alone at the edges are no news.
        c.pieces.retain(|p| !matches!(p, Piece::Same(s) if s.is_empty()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diff written as `[-removed-]{+added+}`, a paragraph per line as `N: …`.
    fn check(old: &str, new: &str, expected: &[&str]) {
        let got: Vec<String> = diff_text(old, new)
            .into_iter()
            .map(|c| {
                let text: String = c
                    .pieces
                    .iter()
                    .map(|p| match p {
                        Piece::Same(s) => s.clone(),
                        Piece::Removed(s) => format!("[-{s}-]"),
                        Piece::Added(s) => format!("{{+{s}+}}"),
                    })
                    .collect();
                format!("{}: {text}", c.paragraph)
            })
            .collect();
        assert_eq!(got, expected, "{old:?} → {new:?}");
    }

    #[test]
    fn word_diffs() {
        check("T\na b c\nd", "T\na b c\nd", &[]);
        check(
            "T\nKế hoạch số 373/KH-UBND về",
            "T\nKế hoạch số 374/KH-UBND (đã sửa) về",
            &["1: Kế hoạch số [-373/KH-UBND-]{+374/KH-UBND (đã sửa)+} về"],
        );
        check("Tin cũ\nx", "Tin mới\nx", &["0: Tin [-cũ-]{+mới+}"]);
        check("T\na\nb", "T\na\nb\nc mới", &["2: b{+¶ c mới+}"]);
        check("T\na\nb\nc", "T\na\nc", &["2: [-b¶ -]c"]);
        check("T\nmột\nhai\nba", "T\nmột\nhai đổi\nba", &["2: hai{+ đổi+}"]);
    }
}
