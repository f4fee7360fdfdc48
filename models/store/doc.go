// Package store keeps Cordwain's design history: signed versions in a
// content-addressed, durable file, with go-memdb indexes on top that the UI
// and sync query and watch.
//
// # Layout
//
// The durable layer is one bbolt file, cordwain.db, in the data directory.
// bbolt was chosen because it is a single-file copy-on-write B+tree with
// ACID transactions that fsync on commit (a commit that returned is on disk,
// and a crash at any point leaves the previous consistent state), it needs
// no server or background compaction, it holds an exclusive file lock so a
// second process gets a clear "in use" error, and it is the storage engine
// of etcd, so it has been exercised under power loss and kill -9 at a scale
// we will never reach. Its buckets:
//
//	meta       schema version (see [SchemaVersion] and the upgrade table)
//	elements   element hash → canonical element bytes (kind and properties)
//	manifests  root hash → canonical manifest (element ID → element hash)
//	versions   version ID → canonical signed version bytes
//	refs       design \x00 kind \x00 name → version ID (branches and tags)
//	conflicts  design \x00 merge \x00 element \x00 prop → conflict record
//	designs    design ID → design record (name, last change)
//	peers      peer ID → remembered peer
//
// Snapshots are content-addressed per element, so a version stores only
// the elements that changed; an unchanged element is shared by hash.
//
// # Start-up
//
// [Open] loads every version, ref, conflict, design and peer into go-memdb,
// verifying each version (ID matches content, signature, parents present,
// manifest and elements present and matching their hashes). A corrupted,
// truncated or tampered file is reported as [ErrCorrupt] with the version
// and the reason; it never opens as an empty studio.
//
// # Versions and merges
//
// [Store.Commit] signs a new version whose parent is the branch head;
// [ComputeID], [Sign] and [Verify] define version identity. [Store.MergeHeads]
// merges another head into a branch over a deterministic base (the common
// ancestor greatest by (time, ID)) with [models.MergeTracked], each
// property stamped with the (time, author) of the version that set its
// value, derived from the DAG (stamps.go), so merges converge whatever
// the order in which stores receive and merge them; the merge version
// has sorted parents, no author, the later parent's time and the fixed
// [MergeMessage], so every peer that merges the same heads writes the same
// version. Conflicts are recorded with both values ([Store.Conflicts]),
// those of merges received by [Store.Apply] in the same transaction as the
// merge itself, and
// [Store.FlipConflict] commits the loser's value.
//
// # Sync and bundles
//
// [Store.Collect] gathers what a peer lacks, parents first, with content;
// [Store.Apply] verifies a whole [Batch] before writing any of it and
// writes it in one transaction. Bundles ([Store.ExportBundle],
// [Store.ImportBundle]) are a batch in a file with a header, a size cap and
// a checksum. Neither merges by itself: the caller (sync, the CLI) calls
// MergeHeads for diverged heads.
//
// # Concurrency
//
// Reads go to memdb (lock-free snapshots) and, for element content, to a
// bbolt read transaction. Writes are serialised: first the bbolt
// transaction commits (fsync), then the same objects are inserted into
// memdb, then watchers are notified. Objects in memdb are never mutated;
// readers receive copies.
package store
