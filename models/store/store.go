package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"cordwain/models"
)

// Options tune [Open]. The zero value is what the studio uses.
type Options struct {
	// LockTimeout bounds the wait for the file lock held by another
	// process; then Open fails with ErrInUse. Default 1 s.
	LockTimeout time.Duration
	// Wall is the clock's wall time in Unix milliseconds (tests inject
	// one); nil means the system clock.
	Wall func() int64
	// NoSync skips fsync on commit. Only for building test fixtures: a
	// commit is then not durable when it returns.
	NoSync bool
	// CheckAuthor, if set, is asked whether a signed version's key may
	// speak for its author's peer ID (the p2p package knows how libp2p
	// peer IDs derive from keys). Nil accepts any pairing, except that an
	// "ed25519:<hex>" peer ID must name its own key.
	CheckAuthor func(peerID string, pubKey []byte) error
	// Roots, if set, says whether an unsigned root version (see
	// [IsRoot]) is a known built-in sample. Nil accepts none.
	Roots func(id models.ID) bool
	// Validate, if set, checks a signed version's content as a design
	// (the studio passes models.Validate): local commits and received
	// versions alike. Merge versions are derived, not checked.
	Validate func(design models.ID, snap models.Snapshot) error
	// ValidateHashed, if set, is what [Store.Receive] validates received
	// content with instead of Validate: the same check, given each
	// element's hash so that a history whose versions share most elements
	// can check each element once (see models.ValidationMemo).
	ValidateHashed func(design models.ID, snap models.Snapshot, hashes map[models.ID]models.Hash) error
	// ValidateChange, if set, spares [Store.Receive] the whole check of a
	// version whose one parent is in the same batch and checked too (or
	// a version of the same content is), when the version removes none
	// of its parent's elements: given what it adds or changes and the
	// kinds of its elements, it returns true only when the version is
	// valid if its parent is (see models.ValidationMemo.ValidChange);
	// false runs the whole check. Every version of a batch must pass for
	// any to be stored, so a chain of them is valid when its first is.
	ValidateChange func(design models.ID, changes []models.ElementChange, kindOf func(models.ID) (models.Kind, bool)) bool
	// ValidateDesign, if set, is what [Store.CommitDesign] checks the
	// typed design with instead of passing its snapshot (made from it, so
	// the same content) to Validate, which would decode it back first.
	ValidateDesign func(d *models.Design) error
	// ReadOnly opens the file for reading only (a shared lock): nothing
	// is ever written, and writes fail.
	ReadOnly bool
	// Seed is received into a store file that Open creates, in the same
	// transaction that creates it: a new studio has all of it or does not
	// exist yet.
	Seed *Batch
	// Lazy opens without reading the history: a design's versions are
	// read, their seals checked (seal.go) and indexed the first time a
	// caller asks about the design (lazy.go), so opening and a command
	// cost the same at 100 versions and at 100,000. Damage in a design is
	// then reported when that design is first read ([Store.LoadDesign]).
	// Without it, Open reads and verifies everything, signatures included.
	Lazy bool
}

// Store is a design history store. Its methods are safe for concurrent
// use.
type Store struct {
	dir   string
	opts  Options
	db    *bolt.DB
	mem   *memdb.MemDB
	clock *Clock
	hist  *histCache // version records and decoded content for merges
	seal  *sealer    // the secret that sealed the file; nil if none matches

	loadMu sync.Mutex // lazy loading (lazy.go)
	loaded map[models.ID]bool
	// recHeads holds, for a design not loaded yet, the heads its record
	// lists (loadMu).
	recHeads map[models.ID][]models.ID
	loadErr  map[models.ID]error
	// The designs' list entries and refs (lazy.go): all read (dirAll),
	// or those of the designs in dirHas.
	dirAll    bool
	dirAllErr error
	dirHas    map[models.ID]bool
	dirErr    map[models.ID]error

	wmu    sync.Mutex // serialises writers, so bbolt and memdb move together
	closed atomic.Bool

	subMu sync.Mutex
	subs  map[*subscriber]struct{}

	delID atomic.Pointer[Identity] // signs branch deletions (tombstone.go)
}

// Open opens (or creates) the store in dir, loads it into memory and
// verifies every version. A damaged file gives an error wrapping
// ErrCorrupt that names what is wrong; a file held by another process
// gives ErrInUse.
func Open(dir string, opts Options) (*Store, error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = time.Second
	}
	path := filepath.Join(dir, FileName)
	if !opts.ReadOnly {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("opening store: %w", err)
		}
		if err := createIfAbsent(dir, path, opts); err != nil {
			return nil, fmt.Errorf("opening store %s: %w", path, err)
		}
	}
	s, err := newStore(dir, opts)
	if err != nil {
		return nil, err
	}
	err = guard(func() error {
		db, err := openBolt(path, opts)
		if err != nil {
			return err
		}
		s.db = db
		// Verify and load first: an open that finds damage must not
		// write, so that bbolt's previous meta page (the state before the
		// damage) stays as it was.
		cur, err := fileSchema(db)
		if err != nil {
			return err
		}
		switch {
		case cur == SchemaVersion:
		case opts.ReadOnly && cur >= readableSchema:
			// Read as it is: what the upgrades since add is optional.
		case opts.ReadOnly:
			return fmt.Errorf("%w: schema %d needs an upgrade; open the studio for writing once", ErrInvalid, cur)
		default:
			if err := migrate(db); err != nil {
				return err
			}
		}
		if err := db.View(s.sealState); err != nil {
			return err
		}
		if s.seal == nil && !opts.ReadOnly {
			// Upgraded, or the secret is lost: verify everything once
			// and seal it under a new secret.
			if err := s.reseal(db); err != nil {
				return err
			}
		}
		if opts.Lazy {
			return s.loadLazy()
		}
		return s.load()
	})
	if err != nil {
		if s.db != nil {
			s.db.Close()
		}
		return nil, fmt.Errorf("opening store %s: %w", path, err)
	}
	return s, nil
}

func newStore(dir string, opts Options) (*Store, error) {
	mem, err := memdb.NewMemDB(schema())
	if err != nil {
		return nil, fmt.Errorf("opening store: memdb schema: %w", err) // a programming error
	}
	return &Store{dir: dir, opts: opts, mem: mem, clock: NewClock(opts.Wall), hist: newHistCache(), loaded: map[models.ID]bool{}, recHeads: map[models.ID][]models.ID{}, loadErr: map[models.ID]error{}, dirHas: map[models.ID]bool{}, dirErr: map[models.ID]error{}, subs: map[*subscriber]struct{}{}}, nil
}

// pageSize is the bbolt page size of a new store file (one made before
// keeps its own, which bbolt reads from the file). Manifests take 2–3 KB
// and bbolt puts at least two entries in a node, so with 4 KB pages each
// node of manifests spans two pages, allocated and written as one
// buffer per transaction; with 8 KB a node fits one pooled page, the
// B+trees are shallower and the file smaller. A new peer pulling 10,000
// versions spent a tenth less CPU (BENCHMARKS.md, "A new peer pulls a
// studio"), and a commit took as long.
const pageSize = 8192

// createIfAbsent makes a new, initialised store file under a temporary
// name, receives opts.Seed into it, and renames it into place, so that a
// file named cordwain.db is always a complete store: an empty or short one
// is damage, never silently a new, empty studio, and a first start killed
// at any moment leaves either no studio (the next start makes it again) or
// the whole seeded one.
func createIfAbsent(dir, path string, opts Options) error {
	if _, err := os.Stat(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp := path + ".new"
	os.Remove(tmp)
	db, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: opts.LockTimeout, NoSync: opts.NoSync, PageSize: pageSize})
	if err != nil {
		return fmt.Errorf("creating: %w", err)
	}
	err = migrate(db)
	var ts *Store
	if err == nil {
		ts, err = newStore(dir, opts)
	}
	if err == nil {
		var key []byte
		if key, err = newSealKey(dir); err == nil {
			ts.setSeal(newSealer(key))
			err = db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySealCheck, ts.seal.check()) })
		}
	}
	if err == nil && opts.Seed != nil {
		{
			ts.db = db
			if _, err = ts.receive(opts.Seed); err != nil {
				err = fmt.Errorf("seeding: %w", err)
			}
		}
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("creating: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("creating: %w", err)
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync() // make the rename durable; best effort where unsupported
		d.Close()
	}
	return nil
}

func openBolt(path string, opts Options) (*bolt.DB, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() == 0 {
		return nil, fmt.Errorf("%w: the store file is empty", ErrCorrupt)
	}
	if err := checkLength(path, fi.Size()); err != nil {
		return nil, err
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.LockTimeout, NoSync: opts.NoSync, ReadOnly: opts.ReadOnly,
		InitialMmapSize: initialMmap})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w (timed out after %v waiting for its lock)", ErrInUse, opts.LockTimeout)
	case errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrNotExist):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	// A file cut short after its meta pages still opens; bbolt would fault
	// on the first page past the end. Catch it here.
	err = db.View(func(tx *bolt.Tx) error {
		if fi, err := os.Stat(path); err == nil && fi.Size() < tx.Size() {
			return fmt.Errorf("%w: file truncated: %d bytes, its meta page says %d", ErrCorrupt, fi.Size(), tx.Size())
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// checkLength reads bbolt's two meta pages and refuses a file shorter
// than the pages the newest valid meta says are in use. bbolt itself would
// map the missing pages and fault on first touch, possibly inside Open,
// where the lock could not be released.
func checkLength(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	const (
		magic     = 0xED0CDAED
		headerLen = 16 // page header: id, flags, count, overflow
	)
	var best struct {
		txid, pgid uint64
		pageSize   uint32
		ok         bool
	}
	buf := make([]byte, headerLen+64)
	readMeta := func(off int64) {
		if _, err := f.ReadAt(buf, off); err != nil {
			return
		}
		m := buf[headerLen:]
		if binary.LittleEndian.Uint32(m[0:]) != magic {
			return
		}
		h := fnv.New64a()
		h.Write(m[:56])
		if h.Sum64() != binary.LittleEndian.Uint64(m[56:]) {
			return
		}
		ps := binary.LittleEndian.Uint32(m[8:])
		pgid := binary.LittleEndian.Uint64(m[40:])
		txid := binary.LittleEndian.Uint64(m[48:])
		if !best.ok || txid > best.txid {
			best.txid, best.pgid, best.pageSize, best.ok = txid, pgid, ps, true
		}
	}
	readMeta(0)
	if best.ok {
		readMeta(int64(best.pageSize))
	} else {
		for _, ps := range []int64{4096, 8192, 16384, 65536} {
			if readMeta(ps); best.ok {
				break
			}
		}
	}
	if !best.ok {
		return fmt.Errorf("%w: no valid meta page (not a Cordwain store, or overwritten)", ErrCorrupt)
	}
	if need := int64(best.pgid) * int64(best.pageSize); size < need {
		return fmt.Errorf("%w: file truncated: %d bytes, its meta page says %d", ErrCorrupt, size, need)
	}
	return nil
}

// guard runs fn so that a fault reading the memory-mapped file (a
// truncated or damaged file can make bbolt touch pages past its end) or a
// bbolt panic on a malformed page becomes ErrCorrupt instead of killing
// the program.
func guard(fn func() error) (err error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	old := debug.SetPanicOnFault(true)
	defer debug.SetPanicOnFault(old)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: reading the store file failed: %v", ErrCorrupt, r)
		}
	}()
	return fn()
}

// Close closes the file. Watch channels are closed.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.subMu.Lock()
	for sub := range s.subs {
		sub.close()
	}
	s.subs = nil
	s.subMu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("closing store: %w", err)
	}
	return nil
}

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Clock is the store's hybrid logical clock.
func (s *Store) Clock() *Clock { return s.clock }

// EventKind says what changed.
type EventKind int

// Event kinds.
const (
	// EventDesigns: the designs list changed (new design, new name).
	EventDesigns EventKind = iota + 1
	// EventVersions: a design got new versions.
	EventVersions
	// EventRefs: a branch or tag of a design was made, moved or deleted.
	EventRefs
	// EventConflicts: a design's conflicts changed.
	EventConflicts
	// EventPeers: the remembered peers changed.
	EventPeers
	// EventResync: events were dropped because the subscriber fell
	// behind; re-read everything.
	EventResync
)

// Event is a change notification. It is a hint: the subscriber re-reads
// what it shows.
type Event struct {
	Kind   EventKind
	Design models.ID // empty for EventPeers and EventResync
}

type subscriber struct {
	ch     chan Event
	once   sync.Once
	cancel func() bool
}

func (sub *subscriber) close() {
	sub.once.Do(func() {
		if sub.cancel != nil {
			sub.cancel()
		}
		close(sub.ch)
	})
}

// Watch returns a channel of change events, closed when ctx ends or the
// store closes. Events are sent after the change is on disk and visible to
// readers. A slow subscriber never blocks the store: when its buffer is
// full, the oldest event is replaced by EventResync. A Fyne client reads
// the channel in a goroutine and hands updates to widgets with fyne.Do.
func (s *Store) Watch(ctx context.Context) <-chan Event {
	sub := &subscriber{ch: make(chan Event, 64)}
	s.subMu.Lock()
	defer s.subMu.Unlock()
	if s.subs == nil {
		close(sub.ch)
		return sub.ch
	}
	s.subs[sub] = struct{}{}
	sub.cancel = context.AfterFunc(ctx, func() {
		s.subMu.Lock()
		defer s.subMu.Unlock()
		if s.subs != nil {
			delete(s.subs, sub)
		}
		sub.once.Do(func() { close(sub.ch) })
	})
	return sub.ch
}

func (s *Store) notify(events ...Event) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	for sub := range s.subs {
		for _, ev := range events {
			select {
			case sub.ch <- ev:
				continue
			default:
			}
			select { // full: drop the oldest and say so
			case <-sub.ch:
			default:
			}
			select {
			case sub.ch <- Event{Kind: EventResync}:
			default:
			}
		}
	}
}
