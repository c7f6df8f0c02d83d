//! The local cache as the remote cache sees it ([`LocalStore`]), and the
//! upload of a committed entry.
//!
//! Both caches store the same things: an `ActionResult` record per action
//! and blobs named by their SHA-256. A fetched action is installed with
//! [`Cache::put_blob`] (which checks the digest once more) for each blob the
//! local cache lacks, then [`Cache::put_record`] (which checks that every
//! blob is present): blobs first, record last, each by rename.

use super::{LocalStore, Remote, Upload, UploadFile};
use crate::cache::{self, ActionId, Cache, Digest, Entry, OutputFile, Record};

impl LocalStore for Cache {
    fn has_blob(&self, digest: &Digest) -> bool {
        Cache::has_blob(self, digest)
    }

    fn install(&self, action_hex: &str, files: Vec<(OutputFile, Option<Vec<u8>>)>) -> Result<(), String> {
        let id = ActionId(cache::record::parse_hex32(action_hex.as_bytes()).ok_or("bad action id")?);
        let mut outputs = Vec::with_capacity(files.len());
        for (f, data) in files {
            if let Some(data) = data {
                self.put_blob(&data, &f.digest).map_err(|e| e.to_string())?;
            }
            outputs.push(f);
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
                    digest: Some(f.digest),
                })
            })
            .collect();
        self.upload(Upload { action_hex: entry.id.hex(), files });
    }
}
