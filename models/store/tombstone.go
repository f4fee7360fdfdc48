package store

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"

	"github.com/hashicorp/go-memdb"
	bolt "go.etcd.io/bbolt"

	"cordwain/internal/sigcheck"
	"cordwain/models"
)

// Tombstones: deleting a branch travels.
//
// Deleting a branch ([Store.DeleteBranch]) removes the name and records a
// tombstone: the design, the branch name, the head it deleted, who
// deleted it (peer ID and Ed25519 key, signed like a version) and when.
// Tombstones travel with the branches and tags (sync carries them with a
// design's refs, and they count in its digest; a bundle carries the
// design's tombstones too), so every store of the studio ends with the
// same set. A tombstone covers a version that is its head or an ancestor
// of it. The rule every store applies, whatever the order in which things
// arrive:
//
//   - a branch whose head a tombstone of its name covers is deleted;
//   - a received branch whose head such a tombstone covers is ignored (a
//     machine that has not heard of the deletion yet does not bring the
//     branch back);
//   - a branch whose head moved past the deleted head (someone committed
//     on it while it was deleted elsewhere) stays: an edit wins over a
//     delete, and the tombstone says nothing of the new head;
//   - heads that a tombstone covers and no branch or tag reaches are not
//     merged into main by a receive: the deleted work stays in the
//     history, out of the way;
//   - the default branch is never deleted.
//
// Versions are never deleted. A branch of the same name can be made again
// at any version: at one the tombstones of that name cover, on a new
// version on top of it with the same content (remakeBranch), so that no
// store applies the old deletion to it.
//
// Stored in the tombstones bucket (schema 5): design \x00 branch \x00 head
// → the encoded tombstone followed by its seal (seal.go), so a changed
// byte is ErrCorrupt like in a version or its record.
//
// Redundant tombstones are dropped (putTomb). Two tombstones of the same
// design, branch and head (two machines deleted the same head) are one:
// the store keeps the one with the lower ID. A tombstone whose head is an
// ancestor of the head of another of the same design and branch (the
// branch was deleted, re-made or committed on, and deleted again) covers
// nothing the other does not: storing the later one drops it, and it is
// not stored when it arrives after (a no-op, not an error). So a store
// keeps, of all the tombstones it was given, those whose head is no
// ancestor of another's of that branch, the lowest ID for each head:
// the same set on every store, whatever the order of arrival, and what
// they cover is what all of them covered. A tombstone is only stored once
// its head is in the store, so whether one head is an ancestor of another
// is known, and never changes.

var bucketTombstones = []byte("tombstones") // schema 5: design \x00 branch \x00 head → tombstone, seal

// Limits of tombstones.
const (
	// MaxTombstoneSize caps one encoded tombstone.
	MaxTombstoneSize = 4 << 10
	// MaxBatchTombstones caps the tombstones one batch carries.
	MaxBatchTombstones = 1 << 14
)

// Tombstone is a signed record that a branch was deleted at a head.
type Tombstone struct {
	Design    models.ID     `cbor:"design"`
	Branch    string        `cbor:"branch"`
	Head      models.ID     `cbor:"head"` // the version the branch pointed at
	Author    models.Author `cbor:"author"`
	Time      models.HLC    `cbor:"time"`
	PubKey    []byte        `cbor:"pubkey"`
	Signature []byte        `cbor:"-"`
}

// tombWire is a tombstone as stored and sent: its content and signature.
type tombWire struct {
	_   struct{} `cbor:",toarray"`
	T   *Tombstone
	Sig []byte
}

// tombDomain starts the signed bytes of a tombstone, so that a
// tombstone's signature is never a version's.
const tombDomain = "cordwain tombstone\x00"

func (t *Tombstone) signedBytes() ([]byte, error) {
	b, err := models.Canonical(t)
	if err != nil {
		return nil, fmt.Errorf("encoding tombstone: %w", err)
	}
	return append([]byte(tombDomain), b...), nil
}

// ID is the hex SHA-256 of the tombstone's signed bytes.
func (t *Tombstone) ID() models.ID {
	b, err := t.signedBytes()
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return models.ID(hex.EncodeToString(sum[:]))
}

// Key is the tombstone's key: design \x00 branch \x00 head.
func (t *Tombstone) Key() string {
	return string(t.Design) + "\x00" + t.Branch + "\x00" + string(t.Head)
}

// SignTombstone sets t.PubKey to key's public half and signs t.
func SignTombstone(t *Tombstone, key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("signing tombstone: %w: private key of %d bytes", ErrInvalid, len(key))
	}
	t.PubKey = slices.Clone(key.Public().(ed25519.PublicKey))
	b, err := t.signedBytes()
	if err != nil {
		return err
	}
	t.Signature = ed25519.Sign(key, b)
	return nil
}

// VerifyTombstone checks a tombstone on its own: well formed (a design
// ID, a branch name that is not the default branch, a version ID as head,
// an author) and signed by its key. Whether the key may speak for the
// author is the store's question ([Options.CheckAuthor]).
func VerifyTombstone(t *Tombstone) error {
	if t == nil {
		return fmt.Errorf("verifying tombstone: %w: nil", ErrInvalid)
	}
	if err := checkName("design ID", string(t.Design)); err != nil {
		return fmt.Errorf("verifying tombstone: %w", err)
	}
	if err := checkName("branch", t.Branch); err != nil {
		return fmt.Errorf("verifying tombstone: %w", err)
	}
	if t.Branch == DefaultBranch {
		return fmt.Errorf("verifying tombstone: %w: the default branch is never deleted", ErrInvalid)
	}
	if !validVersionID(t.Head) {
		return fmt.Errorf("verifying tombstone of %q: %w: malformed head %q", t.Branch, ErrCorrupt, t.Head)
	}
	if t.Author.PeerID == "" {
		return fmt.Errorf("verifying tombstone of %q: %w: no author", t.Branch, ErrBadSignature)
	}
	b, err := t.signedBytes()
	if err != nil {
		return fmt.Errorf("verifying tombstone of %q: %w: %v", t.Branch, ErrCorrupt, err)
	}
	if len(t.PubKey) != ed25519.PublicKeySize || len(t.Signature) != ed25519.SignatureSize ||
		!sigcheck.Verify(ed25519.PublicKey(t.PubKey), b, t.Signature) {
		return fmt.Errorf("verifying tombstone of %q by %s: %w", t.Branch, t.Author.PeerID, ErrBadSignature)
	}
	return nil
}

// EncodeTombstone returns the canonical bytes of t (content and
// signature).
func EncodeTombstone(t *Tombstone) ([]byte, error) {
	b, err := models.Canonical(tombWire{T: t, Sig: t.Signature})
	if err != nil {
		return nil, fmt.Errorf("encoding tombstone: %w", err)
	}
	return b, nil
}

// ParseTombstone decodes bytes made by [EncodeTombstone]: only the
// canonical form, not over MaxTombstoneSize. The signature is not
// checked ([VerifyTombstone], or the store's receive path, does).
func ParseTombstone(data []byte) (*Tombstone, error) {
	if len(data) > MaxTombstoneSize {
		return nil, fmt.Errorf("decoding tombstone: %w: %d bytes", ErrTooLarge, len(data))
	}
	var w tombWire
	if err := models.DecodeCanonical(data, &w); err != nil || w.T == nil {
		return nil, fmt.Errorf("decoding tombstone: %w: %v", ErrCorrupt, err)
	}
	t := w.T
	t.Signature = w.Sig
	again, err := EncodeTombstone(t)
	if err != nil || !bytes.Equal(again, data) {
		return nil, fmt.Errorf("decoding tombstone: %w: not in canonical form", ErrCorrupt)
	}
	return t, nil
}

func cloneTombstone(t *Tombstone) *Tombstone {
	c := *t
	c.PubKey = slices.Clone(t.PubKey)
	c.Signature = slices.Clone(t.Signature)
	return &c
}

// checkTombAuthor is checkAuthor for a tombstone's (peer ID, key).
func (s *Store) checkTombAuthor(t *Tombstone) error {
	if err := s.keyActsFor(t.Author.PeerID, t.PubKey); err != nil {
		return fmt.Errorf("tombstone of %q: %w", t.Branch, err)
	}
	return nil
}

// verifyTomb is everything a tombstone must pass on its own to enter the
// store.
func (s *Store) verifyTomb(t *Tombstone) error {
	if err := VerifyTombstone(t); err != nil {
		return err
	}
	return s.checkTombAuthor(t)
}

// tombSealID is what a stored tombstone's seal is made over with its
// bytes: it holds NULs, so it is never a version's ID.
func tombSealID(key []byte) models.ID { return models.ID("tombstone\x00" + string(key)) }

// writeTomb stores t, sealed.
func (s *Store) writeTomb(tx *bolt.Tx, t *Tombstone) error {
	b, err := EncodeTombstone(t)
	if err != nil {
		return err
	}
	key := []byte(t.Key())
	if s.seal != nil {
		b = s.seal.sealRecord(tombSealID(key), b)
	}
	if err := tx.Bucket(bucketTombstones).Put(key, b); err != nil {
		return fmt.Errorf("writing the tombstone of %q: %w", t.Branch, err)
	}
	return nil
}

// openTomb reads a stored tombstone: checked against its seal, or,
// without the secret, by its signature.
func (s *Store) openTomb(k, v []byte) (*Tombstone, error) {
	raw := v
	sealed := false
	if s.seal != nil {
		rec, ok := s.seal.openRecord(tombSealID(k), v)
		if !ok {
			return nil, fmt.Errorf("%w: the tombstone %q is not the one written (seal mismatch)", ErrCorrupt, k)
		}
		raw, sealed = rec, true
	} else {
		raw = unsealed(v) // sealed under a secret we lack
	}
	t, err := ParseTombstone(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: tombstone %q: %v", ErrCorrupt, k, err)
	}
	if !sealed {
		if err := s.verifyTomb(t); err != nil {
			return nil, fmt.Errorf("%w: tombstone %q: %w", ErrCorrupt, k, err)
		}
	}
	if t.Key() != string(k) {
		return nil, fmt.Errorf("%w: tombstone stored under %q", ErrCorrupt, k)
	}
	return t, nil
}

// unsealed is a stored tombstone's bytes without the seal that ends
// them, if they end with one.
func unsealed(v []byte) []byte {
	if len(v) > recordSealLen {
		if _, err := ParseTombstone(v[:len(v)-recordSealLen]); err == nil {
			return v[:len(v)-recordSealLen]
		}
	}
	return v
}

// readTombs reads design's tombstones through tx, by key.
func (s *Store) readTombs(tx *bolt.Tx, design models.ID) ([]*Tombstone, error) {
	b := tx.Bucket(bucketTombstones)
	if b == nil {
		return nil, fmt.Errorf("%w: bucket %s missing", ErrCorrupt, bucketTombstones)
	}
	var out []*Tombstone
	prefix := indexKey(design, "")
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		t, err := s.openTomb(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// checkAllTombs reads every stored tombstone, for an eager open.
func (s *Store) checkAllTombs(tx *bolt.Tx) error {
	return tx.Bucket(bucketTombstones).ForEach(func(k, v []byte) error {
		_, err := s.openTomb(k, v)
		return err
	})
}

// resealTombs verifies every tombstone by its signature and seals it
// under sl: part of [Store.reseal]. One that does not verify stops it.
func (s *Store) resealTombs(tx *bolt.Tx, sl *sealer) error {
	b, err := tx.CreateBucketIfNotExists(bucketTombstones)
	if err != nil {
		return err
	}
	type kv struct{ k, v []byte }
	var all []kv
	err = b.ForEach(func(k, v []byte) error {
		// Sealed under another secret, or not at all: the bytes are
		// judged by their signature alone.
		raw := unsealed(v)
		t, err := ParseTombstone(raw)
		if err == nil {
			err = s.verifyTomb(t)
		}
		if err == nil && t.Key() != string(k) {
			err = fmt.Errorf("stored under %q", k)
		}
		if err != nil {
			return fmt.Errorf("%w: tombstone %q: %w", ErrCorrupt, k, err)
		}
		all = append(all, kv{bytes.Clone(k), sl.sealRecord(tombSealID(k), bytes.Clone(raw))})
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range all {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	return nil
}

// Tombstones lists the tombstones of design's deleted branches, by
// branch then head. A damaged one is ErrCorrupt.
func (s *Store) Tombstones(design models.ID) ([]Tombstone, error) {
	var ts []*Tombstone
	err := guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			var err error
			ts, err = s.readTombs(tx, design)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reading the tombstones of %s: %w", design, err)
	}
	out := make([]Tombstone, 0, len(ts))
	for _, t := range ts {
		out = append(out, *t)
	}
	return out, nil
}

// SetIdentity sets who signs this store's branch deletions
// ([Store.DeleteBranch]); without it the data directory's identity file is
// used ([LoadOrCreateIdentity]).
func (s *Store) SetIdentity(id *Identity) { s.delID.Store(id) }

func (s *Store) deleter() (*Identity, error) {
	if id := s.delID.Load(); id != nil {
		return id, nil
	}
	return LoadOrCreateIdentity(s.dir)
}

// DeleteBranch removes a branch (its versions stay) and records a
// tombstone, signed by this machine's identity (see [Store.SetIdentity]),
// which sync takes to the other studio machines: each deletes the branch
// where it still points at the deleted head or an ancestor of it. The
// default branch cannot be deleted.
func (s *Store) DeleteBranch(design models.ID, name string) error {
	if name == DefaultBranch {
		return fmt.Errorf("deleting branch %q: %w: the default branch stays", name, ErrInvalid)
	}
	id, err := s.deleter()
	if err != nil {
		return fmt.Errorf("deleting branch %q: %w", name, err)
	}
	return s.DeleteBranchAs(design, name, id)
}

// DeleteBranchAs is [Store.DeleteBranch] with the tombstone signed by
// author.
func (s *Store) DeleteBranchAs(design models.ID, name string, author *Identity) error {
	if name == DefaultBranch {
		return fmt.Errorf("deleting branch %q: %w: the default branch stays", name, ErrInvalid)
	}
	if author == nil {
		return fmt.Errorf("deleting branch %q: %w: no author", name, ErrInvalid)
	}
	if err := s.ensure(design); err != nil {
		return fmt.Errorf("deleting branch %q: %w", name, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	key := refKey(design, RefBranch, name)
	o, err := s.mem.Txn(false).First(tableRefs, indexID, key)
	if err != nil || o == nil {
		return fmt.Errorf("deleting branch %q: %w", name, ErrNotFound)
	}
	ref := o.(*Ref)
	t := &Tombstone{Design: design, Branch: name, Head: ref.Version, Author: author.Author(), Time: s.clock.Now()}
	if err := SignTombstone(t, author.Key); err != nil {
		return fmt.Errorf("deleting branch %q: %w", name, err)
	}
	if err := s.verifyTomb(t); err != nil {
		return fmt.Errorf("deleting branch %q: %w", name, err)
	}
	txn := s.mem.Txn(false)
	get := func(id models.ID) (*models.Version, error) { return s.version(txn, id) }
	err = s.write(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketRefs).Delete([]byte(key)); err != nil {
			return err
		}
		_, err := s.putTomb(tx, get, t)
		return err
	}, func(txn *memdb.Txn) error { return txn.Delete(tableRefs, o) },
		Event{Kind: EventRefs, Design: design})
	if err != nil {
		return fmt.Errorf("deleting branch %q: %w", name, err)
	}
	return nil
}

// putTomb stores t and keeps the tombstones of its design and branch
// compact (see the header comment): t is not stored when a stored one of
// the same head has a lower or equal ID, or when a stored one's head is a
// descendant of t's (it covers all t covers); every stored one whose head
// is an ancestor of t's, or is t's with a higher ID, is dropped, since
// what it covers the kept one covers too. Which set remains does not
// depend on the order in which the tombstones came: it is, of all the
// tombstones the store was given, those whose head is no ancestor of
// another's head, the lowest ID for each head. Versions are read through
// get; t's head must be there. It says whether it changed anything.
func (s *Store) putTomb(tx *bolt.Tx, get versionGetter, t *Tombstone) (bool, error) {
	head, err := get(t.Head)
	if err != nil {
		return false, fmt.Errorf("tombstone of %q: head %s: %w", t.Branch, short(t.Head), err)
	}
	b := tx.Bucket(bucketTombstones)
	key := []byte(t.Key())
	prefix := []byte(string(t.Design) + "\x00" + t.Branch + "\x00")
	id := t.ID()
	var (
		same      bool // a stored one of t's head
		sameLower bool // … whose ID is lower or equal
		covered   bool // a stored one of a descendant head
		drop      [][]byte
	)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		old, err := s.openTomb(k, v)
		if err != nil {
			return false, err
		}
		if bytes.Equal(k, key) {
			same, sameLower = true, cmp.Compare(old.ID(), id) <= 0
			continue
		}
		oh, err := get(old.Head)
		if err != nil || oh.Design != t.Design {
			continue // cannot be compared: kept (coveringTomb ignores it too)
		}
		if in, err := s.hist.isAncestor(tx, get, head, oh); err != nil {
			return false, err
		} else if in {
			covered = true // old covers all t covers
			continue
		}
		if in, err := s.hist.isAncestor(tx, get, oh, head); err != nil {
			return false, err
		} else if in {
			drop = append(drop, bytes.Clone(k))
		}
	}
	if covered && same {
		// Another head covers t's: the stored one of t's head goes too
		// (only a store that kept redundant ones, as an older program
		// did, has both).
		drop = append(drop, key)
	}
	// What t covers, a kept one covers: what t makes redundant is dropped
	// whether or not t itself is written, so a store that kept redundant
	// ones ends like the others.
	for _, k := range drop {
		if err := b.Delete(k); err != nil {
			return false, fmt.Errorf("dropping the tombstone %q: %w", k, err)
		}
	}
	if covered || sameLower {
		return len(drop) > 0, nil
	}
	return true, s.writeTomb(tx, t)
}

// tombsCover reports whether a tombstone of design (of branch, or of any
// branch when branch is "") covers v: v is its head or an ancestor of it.
// Tombstones whose head is not in the store cover nothing yet.
func (p *pending) tombsCover(design models.ID, branch string, v *models.Version) (bool, error) {
	t, err := p.s.coveringTomb(p.tx, p.get, design, branch, v)
	return t != nil, err
}

// coveringTomb is a tombstone of design (of branch, or of any branch when
// branch is "") whose head is v or a descendant of v, or nil; versions
// are read through get.
func (s *Store) coveringTomb(tx *bolt.Tx, get func(models.ID) (*models.Version, error), design models.ID, branch string, v *models.Version) (*Tombstone, error) {
	ts, err := s.readTombs(tx, design)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if branch != "" && t.Branch != branch {
			continue
		}
		head, err := get(t.Head)
		if err != nil || head.Design != design {
			continue
		}
		in, err := s.hist.isAncestor(tx, get, v, head)
		if err != nil {
			return nil, err
		}
		if in {
			return t, nil
		}
	}
	return nil, nil
}

// addTombs stores received tombstones (verified by prepare) whose head is
// in the store, of their design; the others wait for a later batch.
func (p *pending) addTombs(ts []*Tombstone) error {
	slices.SortFunc(ts, func(a, b *Tombstone) int { return cmp.Or(cmp.Compare(a.Key(), b.Key()), cmp.Compare(a.ID(), b.ID())) })
	for _, t := range ts {
		head, err := p.get(t.Head)
		if err != nil || head.Design != t.Design {
			continue
		}
		changed, err := p.s.putTomb(p.tx, p.get, t)
		if err != nil {
			return err
		}
		if changed {
			p.events = append(p.events, Event{Kind: EventRefs, Design: t.Design})
		}
	}
	return nil
}

// dropCovered deletes design's branches whose head a tombstone of their
// name covers.
func (p *pending) dropCovered(design models.ID) error {
	for _, r := range p.designRefs(design) {
		if r.Kind != RefBranch || r.Name == DefaultBranch {
			continue
		}
		v, err := p.get(r.Version)
		if err != nil {
			return err
		}
		covered, err := p.tombsCover(design, r.Name, v)
		if err != nil {
			return err
		}
		if covered {
			if err := p.dropRef(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkNotDeleted refuses to make branch name at v where a tombstone of
// that name covers v: every other machine would delete it again.
func (s *Store) checkNotDeleted(txn *memdb.Txn, design models.ID, name string, v *models.Version) error {
	get := func(id models.ID) (*models.Version, error) { return s.version(txn, id) }
	return s.db.View(func(tx *bolt.Tx) error {
		t, err := s.coveringTomb(tx, get, design, name, v)
		if err != nil {
			return err
		}
		if t != nil {
			return fmt.Errorf("%w: a branch %q was deleted at %s, which holds this version", errCovered, name, short(t.Head))
		}
		return nil
	})
}

// errCovered: a branch would be made at a version a tombstone of its name
// covers.
var errCovered = fmt.Errorf("%w: the branch was deleted there", ErrInvalid)

// remakeBranch makes branch name of design again at v, which a tombstone
// of that name covers: a branch there would be deleted again by every
// store that holds the tombstone (and by this one on the next receive).
// So the branch is made on a new version on top of v, with v's content,
// signed by author: the tombstone covers v and its ancestors, never a
// descendant, so the branch stays and travels like any other. The
// caller holds s.wmu.
func (s *Store) remakeBranch(txn *memdb.Txn, design models.ID, name string, v *models.Version, author *Identity) (*models.Version, error) {
	w := &models.Version{Design: design, Author: author.Author(), Root: v.Root, Parents: []models.ID{v.ID},
		Message: fmt.Sprintf("branch %s made again at %s", name, short(v.ID)), Time: s.clock.After(v.Time)}
	if err := Sign(w, author.Key); err != nil {
		return nil, err
	}
	if err := s.checkAuthor(w); err != nil {
		return nil, err
	}
	ref := &Ref{Key: refKey(design, RefBranch, name), Design: design, Kind: RefBranch, Name: name, Version: w.ID}
	title := ""
	if info, ok := s.designInfo(txn, design); ok {
		title = info.Name
	}
	stored := cloneVersion(w)
	err := s.write(func(tx *bolt.Tx) error {
		if err := s.writeVersion(tx, w); err != nil {
			return err
		}
		// The same content as v: no element changed.
		if err := s.recordCommit(tx, txn, w, v, &encodedSnapshot{root: v.Root, changed: []models.ID{}}); err != nil {
			return err
		}
		if err := writeRef(tx, ref); err != nil {
			return err
		}
		return writeDesign(tx, design, title, w, headsAfter(txn, w))
	}, func(mt *memdb.Txn) error { return indexCommit(mt, stored, ref, title) },
		Event{Kind: EventVersions, Design: design}, Event{Kind: EventRefs, Design: design}, Event{Kind: EventDesigns, Design: design})
	if err != nil {
		return nil, err
	}
	return cloneVersion(w), nil
}
