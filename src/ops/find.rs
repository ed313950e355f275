//! An archived article by id, by a unique prefix of its id (six characters or more), or by
//! URL: the catalog answers ids and canonical URLs (an id is the hash of one), the index
//! answers the URLs articles were fetched from.

use tantivy::Index;

use crate::archive::{self, Archive};
use crate::error::{Error, Result};

/// The shortest id prefix accepted (ids are 20 hex digits; six tell ~16 million apart).
pub const MIN_PREFIX: usize = 6;
use crate::index;

/// The id of the article `key` names — an id, a unique prefix of one, a canonical URL, or
/// the URL it was fetched from — if the archive holds it. Without an index, only ids and
/// canonical URLs are known. A prefix that begins several ids is an error naming them.
pub fn find_article(archive: &Archive, index: Option<&Index>, key: &str) -> Result<Option<String>> {
    if archive.revision_of(key).is_some() {
        return Ok(Some(key.to_owned()));
    }
    if key.len() >= MIN_PREFIX && key.chars().all(|c| c.is_ascii_hexdigit()) {
        let key = key.to_ascii_lowercase();
        let mut candidates: Vec<String> = archive.ids().into_iter().filter(|id| id.starts_with(&key)).collect();
        match candidates.len() {
            0 => {}
            1 => return Ok(candidates.pop()),
            _ => {
                return Err(Error::AmbiguousId {
                    prefix: key,
                    candidates,
                });
            }
        }
    }
    let by_url = archive::article_id(key);
    if archive.revision_of(&by_url).is_some() {
        return Ok(Some(by_url));
    }
    match index {
        Some(ix) => Ok(index::id_of_url(ix, key)?.filter(|id| archive.revision_of(id).is_some())),
        None => Ok(None),
    }
}
