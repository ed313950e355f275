//! A Tantivy directory for readers of an archive they may not write to — a copy shared
//! read-only, a read-only mount. A reader writes exactly one thing: the meta lock file, which
//! keeps a writer's garbage collection from deleting segments while the reader opens them.
//! Where that file cannot be created, no writer can delete anything either, so the reader
//! goes on without it. Every other call is the wrapped directory's.

use std::io;
use std::path::Path;
use std::sync::Arc;
use tantivy::Directory;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{DirectoryLock, FileHandle, Lock, WatchCallback, WatchHandle, WritePtr};

#[derive(Debug, Clone)]
pub(super) struct Reading<D>(pub D);

/// Whether a failure to create a file says the directory is not writable here.
fn cannot_write(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ReadOnlyFilesystem | io::ErrorKind::PermissionDenied
    )
}

impl<D: Directory + Clone> Directory for Reading<D> {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(e)) if cannot_write(&e) => {
                tracing::debug!(
                    "{}: not writable here ({e}); reading without it",
                    lock.filepath.display()
                );
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::directory::RamDirectory;

    /// A directory whose lock files fail with this error, as on a read-only mount.
    #[derive(Debug, Clone)]
    struct Locked(RamDirectory, io::ErrorKind);

    impl Directory for Locked {
        fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
            self.0.get_file_handle(path)
        }
        fn delete(&self, path: &Path) -> Result<(), DeleteError> {
            self.0.delete(path)
        }
        fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
            self.0.exists(path)
        }
        fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
            self.0.open_write(path)
        }
        fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
            self.0.atomic_read(path)
        }
        fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
            self.0.atomic_write(path, data)
        }
        fn sync_directory(&self) -> io::Result<()> {
            Ok(())
        }
        fn acquire_lock(&self, _: &Lock) -> Result<DirectoryLock, LockError> {
            Err(LockError::IoError(Arc::new(io::Error::from(self.1))))
        }
        fn watch(&self, cb: WatchCallback) -> tantivy::Result<WatchHandle> {
            self.0.watch(cb)
        }
    }

    fn searchable(kind: io::ErrorKind) -> tantivy::Result<u64> {
        let ram = RamDirectory::create();
        let index = tantivy::Index::create(ram.clone(), super::super::schema(), Default::default())?;
        super::super::register(&index);
        let mut w: tantivy::IndexWriter = index.writer(15_000_000)?;
        w.add_document(tantivy::doc!(index.schema().get_field("id").unwrap() => "a"))?;
        w.commit()?;
        let index = tantivy::Index::open(Reading(Locked(ram, kind)))?;
        Ok(index.reader()?.searcher().num_docs())
    }

    #[test]
    fn a_reader_of_an_unwritable_index_goes_on_without_the_meta_lock() {
        assert_eq!(searchable(io::ErrorKind::ReadOnlyFilesystem).unwrap(), 1);
        assert_eq!(searchable(io::ErrorKind::PermissionDenied).unwrap(), 1);
        // Any other failure to lock is still an error.
        assert!(searchable(io::ErrorKind::Other).is_err());
    }
}
