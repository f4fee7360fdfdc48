package store

import "errors"

// Sentinel errors, for errors.Is. Returned errors wrap them with the
// operation and the details.
var (
	// ErrNotFound: no such design, version, branch, tag or conflict.
	ErrNotFound = errors.New("not found")
	// ErrCorrupt: the store file or received data does not hold together
	// (undecodable bytes, a hash that does not match its content, a
	// missing manifest or element, a truncated file).
	ErrCorrupt = errors.New("corrupt data")
	// ErrBadSignature: a version's signature does not verify for its key,
	// or a merge version carries an author, key or signature.
	ErrBadSignature = errors.New("bad signature")
	// ErrBadID: a version's ID is not the hash of its content.
	ErrBadID = errors.New("version ID does not match content")
	// ErrUnknownParent: a version names a parent the store does not have.
	ErrUnknownParent = errors.New("unknown parent version")
	// ErrNoChange: a commit whose content equals the branch head; the head
	// is returned alongside.
	ErrNoChange = errors.New("no change since the branch head")
	// ErrInUse: another process holds the store file.
	ErrInUse = errors.New("store is in use by another process")
	// ErrExists: a tag or branch of that name already exists.
	ErrExists = errors.New("already exists")
	// ErrInvalid: a bad argument (empty name, malformed snapshot …).
	ErrInvalid = errors.New("invalid argument")
	// ErrTooLarge: input beyond a size cap.
	ErrTooLarge = errors.New("too large")
	// ErrSchemaTooNew: the file was written by a newer Cordwain.
	ErrSchemaTooNew = errors.New("store schema is newer than this program")
	// ErrBadMerge: a received merge version is not the merge this store
	// makes of its parents (its content was chosen by the sender).
	ErrBadMerge = errors.New("merge version does not match its parents")
	// ErrUnknownRoot: an unsigned root version that is not a built-in
	// sample.
	ErrUnknownRoot = errors.New("unsigned version that is not a known sample")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store closed")
)
