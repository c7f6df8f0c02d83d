//! The local cache as the remote cache sees it ([`LocalStore`]), and the
//! upload of a committed entry.
//!
//! Both caches store the same things: an `ActionResult` record per action
//! and blobs named by their SHA-256. A fetched action is installed with
//! [`Cache::put_blob`] (which checks the digest once more) for each blob the
//! local cache lacks, then [`Cache::put_record`] (which checks that every
//! blob is present): blobs first, record last, each by rename.

use super::reapi::{Digest, OutputFile};
use super::{LocalStore, Remote, Upload, UploadFile};
use crate::cache::{self, ActionId, Cache, Entry, Record};

/// The local cache's digest of a checked remote one (`check_result` made
/// sure the hash is 64 lowercase hex digits and the size not negative).
fn local_digest(d: &Digest) -> Option<cache::Digest> {
    let sha256 = cache::record::parse_hex32(d.hash.as_bytes())?;
    Some(cache::Digest { sha256, size: u64::try_from(d.size_bytes).ok()? })
}

impl LocalStore for Cache {
    fn has_blob(&self, digest: &Digest) -> bool {
        local_digest(digest).is_some_and(|d| self.has_blob(&d))
    }

    fn install(&self, action_hex: &str, files: Vec<(OutputFile, Option<Vec<u8>>)>) -> Result<(), String> {
        let id = ActionId(cache::record::parse_hex32(action_hex.as_bytes()).ok_or("bad action id")?);
        let mut outputs = Vec::with_capacity(files.len());
        for (f, data) in files {
            let digest = f.digest.as_ref().and_then(local_digest).ok_or("bad digest")?;
            if let Some(data) = data {
                self.put_blob(&data, &digest).map_err(|e| e.to_string())?;
            }
            outputs.push(cache::OutputFile { path: f.path, digest, executable: f.is_executable });
        }
        self.put_record(&id, &Record::new(outputs)).map(drop).map_err(|e| e.to_string())
    }
}

impl Remote {
    /// Queues a committed entry's files for upload.
    pub(crate) fn upload_entry(self: &std::sync::Arc<Self>, entry: &Entry) {
        if !self.writes() {
            return;
        }
        let files = entry
            .record
            .files
            .iter()
            .filter_map(|f| {
                Some(UploadFile {
                    name: f.path.clone(),
                    path: entry.file(&f.path)?,
                    executable: f.executable,
                    digest: Some(Digest { hash: f.digest.hex(), size_bytes: f.digest.size as i64 }),
                })
            })
            .collect();
        self.upload(Upload { action_hex: entry.id.hex(), files });
    }
}
