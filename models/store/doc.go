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
//	designs    design ID → design record (name, newest version and its time, heads: heads.go)
//	peers      peer ID → remembered peer
//	changes    version ID → its record: generation, elements changed from each parent (history.go), then its seal (seal.go)
//	index      design \x00 version ID → seal of the stored version (seal.go)
//	tombstones design \x00 branch \x00 head → signed record of a deleted branch, then its seal (tombstone.go)
//
// Snapshots are content-addressed per element, so a version stores only
// the elements that changed; an unchanged element is shared by hash.
//
// # Start-up
//
// A version is verified in full when it enters (commit, receive); in the
// same transaction it is sealed: an HMAC-SHA256 of its ID and stored bytes
// under a secret in [SealFile] next to the store. With [Options.Lazy] (what
// the studio uses) [Open] reads only designs, branches, tags and peers, and
// a design's versions and conflicts are read, checked against their seals
// and indexed when a caller first asks about that design
// ([Store.LoadDesign] says what is wrong with a damaged one); element and
// manifest bodies are checked against their hashes whenever they are read.
// So opening and a command cost the same whatever the history's length,
// and changing a byte of the file is still detected. Without the secret
// (lost, or the file copied alone) versions are verified by signature as
// before, and a writable open seals them again.
//
// Without Lazy, [Open] loads every version, ref, conflict, design and peer into go-memdb,
// verifying each version (ID matches content, signature, author bound to
// its key, unsigned roots known through [Options.Roots], parents present,
// manifest and elements present and matching their hashes). A corrupted,
// truncated or tampered file is reported as [ErrCorrupt] with the version
// and the reason; it never opens as an empty studio. Opening never writes
// (only a schema upgrade does), so a failed open leaves the file, and
// bbolt's previous meta page, as they were; [Salvage] reads what is still
// intact out of a file that no longer opens. [Options.ReadOnly] opens
// with a shared lock for commands that only read. A new file is created
// under a temporary name with [Options.Seed] received into it and renamed
// into place, so a first start killed at any moment leaves no studio or
// the whole seeded one.
//
// # Versions and merges
//
// [Store.Commit] signs a new version whose parent is the branch head,
// after [Options.Validate] accepts its content; [ComputeID], [Sign] and
// [Verify] define version identity. Text that is not valid UTF-8 is
// refused when it is encoded ([models.Canonical]), so nothing stored can
// fail to decode. [Store.MergeHeads] merges another head into a branch
// over a deterministic base (the common ancestor greatest by (time, ID))
// with [models.MergeTracked], each property stamped with the (time,
// author) of the version that set its value, derived from the DAG
// (stamps.go), so merges converge whatever the order in which stores
// receive and merge them; the merge version has sorted parents, no author,
// the later parent's time and the fixed [MergeMessage], so every peer that
// merges the same heads writes the same version. The merge costs what the
// edits cost (history.go): each version's record, written with it, gives
// its generation and the elements it changed from each parent; the base is
// found walking down from both heads in generation order, each side's
// changed elements are the union of the records since the base, stamps are
// derived only for elements both sides changed, and the merged manifest is
// a patch of one side's. Conflicts are recorded
// with both values ([Store.Conflicts]); [Store.FlipConflict] commits the
// loser's value. docs/merge.md says when a decision can change.
//
// # Receiving
//
// [Store.Receive] is the one way versions from elsewhere enter: sync,
// bundles ([Store.ImportBundle]) and JSON imports ([Store.Prepare]). It
// verifies the whole batch before writing any of it (signatures, authors,
// known roots, parents, content hashes, content validated like a local
// commit, and every merge version re-derived: a merge whose content the
// sender chose is [ErrBadMerge]), then in one transaction writes it and
// merges into the default branch every head of the touched designs that
// no branch or tag reaches. A crash leaves all of it or none, and heads
// left diverged by anything earlier are merged the next time a receive
// touches their design. [Store.Collect] gathers what a peer lacks,
// parents first, with content.
//
// # Concurrency
//
// Reads go to memdb (lock-free snapshots) and, for element content, to a
// bbolt read transaction. Writes are serialised: first the bbolt
// transaction commits (fsync), then the same objects are inserted into
// memdb, then watchers are notified. Objects in memdb are never mutated;
// readers receive copies.
package store
