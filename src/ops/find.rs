//! An archived article by id or by URL: the catalog answers ids and canonical URLs (an id
//! is the hash of one), the index answers the URLs articles were fetched from.

use tantivy::Index;

use crate::archive::{self, Archive};
use crate::error::Result;
use crate::index;

/// The id of the article `key` names — an id, a canonical URL, or the URL it was fetched
/// from — if the archive holds it. Without an index, only ids and canonical URLs are known.
pub fn find_article(archive: &Archive, index: Option<&Index>, key: &str) -> Result<Option<String>> {
    if archive.revision_of(key).is_some() {
        return Ok(Some(key.to_owned()));
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
