package store

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// chunked splits a whole-history batch of one design the way sync sends
// it: the first n versions with everything they use, then the rest with
// only the content the first chunk did not carry.
func chunked(t *testing.T, b *Batch, n int) (*Batch, *Batch) {
	t.Helper()
	manifests := map[models.Hash][]byte{}
	for _, m := range b.Manifests {
		manifests[models.HashOf(m)] = m
	}
	elements := map[models.Hash][]byte{}
	for _, e := range b.Elements {
		elements[models.HashOf(e)] = e
	}
	sentM, sentE := map[models.Hash]bool{}, map[models.Hash]bool{}
	out := []*Batch{{}, {}}
	for i, v := range b.Versions {
		c := out[min(i/n, 1)]
		c.Versions = append(c.Versions, v)
		if sentM[v.Root] {
			continue
		}
		sentM[v.Root] = true
		c.Manifests = append(c.Manifests, manifests[v.Root])
		m, err := decodeManifest(manifests[v.Root], v.Root)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range m {
			if !sentE[h] {
				sentE[h] = true
				c.Elements = append(c.Elements, elements[h])
			}
		}
	}
	out[1].Refs = b.Refs
	return out[0], out[1]
}

func headIDs(s *Store, d models.ID) []models.ID {
	var ids []models.ID
	for _, v := range s.Heads(d) {
		ids = append(ids, v.ID)
	}
	slices.Sort(ids)
	return ids
}

// sourceStudio has design "a" with four versions sharing most of their
// elements and design "b" with two.
func sourceStudio(t *testing.T) *Store {
	t.Helper()
	alice := testIdentity(1, "Alice")
	src := openTest(t, t.TempDir())
	for i, heel := range []float64{20, 25, 30, 35} {
		pieces := []string{"0123456789abcdef", "1123456789abcdef"}
		if i >= 2 {
			pieces = append(pieces, "2123456789abcdef")
		}
		if _, err := src.Commit("a", DefaultBranch, snap(t, "Derby", heel, pieces...), "a", alice); err != nil {
			t.Fatal(err)
		}
	}
	for _, heel := range []float64{40, 45} {
		if _, err := src.Commit("b", DefaultBranch, snap(t, "Chelsea", heel), "b", alice); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func collect(t *testing.T, s *Store, d models.ID) *Batch {
	t.Helper()
	b, err := s.Collect(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A later chunk is checked with the content of an earlier one that is
// not written yet, and chunks of several designs go into one write.
func TestReceiverPreparesAheadAndWritesTogether(t *testing.T) {
	src := sourceStudio(t)
	a1, a2 := chunked(t, collect(t, src, "a"), 2)
	if len(a2.Elements) >= len(a1.Elements) {
		t.Fatalf("the second chunk should lack shared content: %d elements, first %d", len(a2.Elements), len(a1.Elements))
	}
	dst := openTest(t, t.TempDir())
	r := dst.NewReceiver()
	var ps []*Prepared
	for _, b := range []*Batch{a1, a2, collect(t, src, "b")} {
		p, err := r.Prepare(b)
		if err != nil {
			t.Fatalf("Prepare: %v", err)
		}
		ps = append(ps, p)
	}
	if len(dst.History("a")) != 0 {
		t.Fatal("Prepare wrote versions")
	}
	res, err := r.Commit(ps...)
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if len(res.Added) != 6 || !slices.Equal(res.Designs, []models.ID{"a", "b"}) {
		t.Fatalf("added %d versions of %v, want 6 of [a b]", len(res.Added), res.Designs)
	}
	for _, d := range []models.ID{"a", "b"} {
		if !slices.Equal(headIDs(dst, d), headIDs(src, d)) {
			t.Fatalf("%s: heads %v, source %v", d, headIDs(dst, d), headIDs(src, d))
		}
		want, _ := src.Head(d, DefaultBranch)
		got, err := dst.Snapshot(want.ID)
		if err != nil {
			t.Fatalf("%s: content of the head: %v", d, err)
		}
		if len(got) != len(mustSnapshot(t, src, want.ID)) {
			t.Fatalf("%s: head content has %d elements", d, len(got))
		}
	}
	// The same chunks again are no-ops.
	p, err := dst.NewReceiver().Prepare(collect(t, src, "a"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err := dst.NewReceiver().Commit(p); err != nil || len(res.Added) != 0 || res.Known != 4 {
		t.Fatalf("received again: %d added, %d known, %v", len(res.Added), res.Known, err)
	}
}

func mustSnapshot(t *testing.T, s *Store, id models.ID) models.Snapshot {
	t.Helper()
	sn, err := s.Snapshot(id)
	if err != nil {
		t.Fatal(err)
	}
	return sn
}

// A commit of several prepared chunks is all or nothing, and content is
// kept for a design's later chunks only until Forget.
func TestReceiverCommitAllOrNothing(t *testing.T) {
	src := sourceStudio(t)
	a1, a2 := chunked(t, collect(t, src, "a"), 2)
	dst := openTest(t, t.TempDir())

	// Without the first chunk, the second one lacks content.
	if _, err := dst.NewReceiver().Prepare(a2); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("a chunk without its content: %v, want ErrCorrupt", err)
	}
	r := dst.NewReceiver()
	if _, err := r.Prepare(a1); err != nil {
		t.Fatal(err)
	}
	p2, err := r.Prepare(a2)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := r.Prepare(collect(t, src, "b"))
	if err != nil {
		t.Fatal(err)
	}
	// The second chunk's parents are in the first, not written: the
	// whole write is refused, design b included.
	if _, err := r.Commit(pb, p2); !errors.Is(err, ErrUnknownParent) {
		t.Fatalf("commit without the parents: %v, want ErrUnknownParent", err)
	}
	if len(dst.History("a")) != 0 || len(dst.History("b")) != 0 {
		t.Fatal("a refused commit wrote versions")
	}
	r.Forget("a")
	if _, err := r.Prepare(a2); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("after Forget: %v, want ErrCorrupt", err)
	}
}

// A version whose content is invalid is refused when prepared, even when
// the rest of the chunk is fine.
func TestReceiverPrepareValidates(t *testing.T) {
	src := sourceStudio(t)
	dir := t.TempDir()
	dst, err := Open(dir, Options{Wall: newFakeWall().now, Validate: func(d models.ID, s models.Snapshot) error {
		if heelOf(t, s) == 30 {
			return errors.New("heel 30 refused")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if _, err := dst.NewReceiver().Prepare(collect(t, src, "a")); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid content: %v, want ErrInvalid", err)
	}
	if len(dst.History("a")) != 0 {
		t.Fatal("something was written")
	}
}

// Versions may come in any order: they are written parents first.
func TestReceiveOrdersParentsFirst(t *testing.T) {
	src := sourceStudio(t)
	b := collect(t, src, "a")
	slices.Reverse(b.Versions)
	dst := openTest(t, t.TempDir())
	res, err := dst.Receive(b)
	if err != nil {
		t.Fatalf("reversed batch: %v", err)
	}
	pos := map[models.ID]int{}
	for i, id := range res.Added {
		pos[id] = i
	}
	for _, v := range b.Versions {
		for _, p := range v.Parents {
			if pos[p] >= pos[v.ID] {
				t.Fatalf("version %s written before its parent %s", short(v.ID), short(p))
			}
		}
	}
	if len(res.Added) != 4 || !slices.Equal(headIDs(dst, "a"), headIDs(src, "a")) {
		t.Fatalf("added %d, heads %v, want 4 and %v", len(res.Added), headIDs(dst, "a"), headIDs(src, "a"))
	}
}

// The history records a received batch writes (each version's changes
// from its parents) are those the source wrote when it made the
// versions, for a linear history cut into chunks, a branch and a merge;
// and, but for the merge (whose record says, against its second parent,
// what either side changed), those derived from the content.
func TestReceivedRecordsAreTheSources(t *testing.T) {
	src := sourceStudio(t)
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	base, _ := src.Head("a", DefaultBranch)
	if err := src.Branch("a", "side", base.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Commit("a", "side", snap(t, "Derby", 50, "0123456789abcdef"), "side", bob); err != nil {
		t.Fatal(err)
	}
	if _, err := src.Commit("a", DefaultBranch, snap(t, "Derby Two", 35, "0123456789abcdef", "1123456789abcdef", "2123456789abcdef"), "a5", alice); err != nil {
		t.Fatal(err)
	}
	side, _ := src.Head("a", "side")
	if _, err := src.MergeHeads("a", DefaultBranch, side.ID); err != nil {
		t.Fatal(err)
	}
	all := collect(t, src, "a")
	a1, a2 := chunked(t, all, 3)
	dst := openTest(t, t.TempDir())
	r := dst.NewReceiver()
	var ps []*Prepared
	for _, b := range []*Batch{a1, a2} {
		p, err := r.Prepare(b)
		if err != nil {
			t.Fatalf("Prepare: %v", err)
		}
		ps = append(ps, p)
	}
	if _, err := r.Commit(ps...); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	record := func(s *Store, v *models.Version) []byte {
		var out []byte
		err := s.db.View(func(tx *bolt.Tx) error {
			in, err := s.hist.storedInfo(tx, v)
			if err != nil || in == nil {
				t.Fatalf("version %s: stored record %v, %v", short(v.ID), in, err)
			}
			out, err = models.Canonical(in)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	merges := 0
	for _, v := range all.Versions {
		got := record(dst, v)
		if want := record(src, v); !bytes.Equal(got, want) {
			t.Fatalf("version %s: record %x, the source's %x", short(v.ID), got, want)
		}
		if len(v.Parents) > 1 {
			merges++
			continue
		}
		var derived []byte
		err := dst.db.View(func(tx *bolt.Tx) error {
			in, err := newHistCache().infoOf(tx, dst.Version, v)
			if err != nil {
				return err
			}
			derived, err = models.Canonical(in)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, derived) {
			t.Fatalf("version %s: record %x, derived %x", short(v.ID), got, derived)
		}
	}
	if merges == 0 {
		t.Fatal("the source history has no merge")
	}
}

// Collect gives the hash of each manifest and element it returns.
func TestCollectGivesHashes(t *testing.T) {
	src := sourceStudio(t)
	b := collect(t, src, "a")
	if len(b.ManifestRoots) != len(b.Manifests) || len(b.ElementHashes) != len(b.Elements) || len(b.Manifests) == 0 {
		t.Fatalf("%d manifests, %d roots; %d elements, %d hashes", len(b.Manifests), len(b.ManifestRoots), len(b.Elements), len(b.ElementHashes))
	}
	for i, m := range b.Manifests {
		if models.HashOf(m) != b.ManifestRoots[i] {
			t.Fatalf("manifest %d: hash %s, given %s", i, models.HashOf(m), b.ManifestRoots[i])
		}
	}
	for i, e := range b.Elements {
		if models.HashOf(e) != b.ElementHashes[i] {
			t.Fatalf("element %d: hash %s, given %s", i, models.HashOf(e), b.ElementHashes[i])
		}
	}
}
