package store

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"cordwain/models"
)

// fixtureBatch is a whole history as another studio sends it: a base,
// two concurrent heads and their merge.
func fixtureBatch(t testing.TB) (*Batch, *Batch) {
	t.Helper()
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	sa := openTest(t, t.TempDir())
	sb := openTest(t, t.TempDir())
	if _, err := sa.Commit("d", DefaultBranch, snap(t, "Derby", 20, "0123456789abcdef"), "base", alice); err != nil {
		t.Fatal(err)
	}
	base, _ := sa.Collect("d", nil)
	if _, err := sb.Receive(base); err != nil {
		t.Fatal(err)
	}
	sa.Commit("d", DefaultBranch, snap(t, "Derby", 25, "0123456789abcdef"), "alice", alice)
	sb.Commit("d", DefaultBranch, snap(t, "Derby B", 20, "0123456789abcdef"), "bob", bob)
	b, _ := sb.Collect("d", nil)
	if _, err := sa.Receive(b); err != nil {
		t.Fatal(err)
	}
	all, _ := sa.Collect("d", nil)
	return base, all
}

func cloneBatch(b *Batch) *Batch {
	c := &Batch{}
	for _, v := range b.Versions {
		c.Versions = append(c.Versions, cloneVersion(v))
	}
	for _, m := range b.Manifests {
		c.Manifests = append(c.Manifests, bytes.Clone(m))
	}
	for _, e := range b.Elements {
		c.Elements = append(c.Elements, bytes.Clone(e))
	}
	return c
}

// mutate changes b as the bytes of data say: flip bytes in content,
// drop or duplicate objects, alter version fields (keeping or
// recomputing the ID, never re-signing).
func mutate(b *Batch, data []byte) {
	for len(data) >= 3 {
		op, i, x := data[0], int(data[1]), data[2]
		data = data[3:]
		switch op % 9 {
		case 0:
			if len(b.Elements) > 0 {
				e := b.Elements[i%len(b.Elements)]
				e[int(x)%len(e)] ^= 1 << (x % 8)
			}
		case 1:
			if len(b.Manifests) > 0 {
				m := b.Manifests[i%len(b.Manifests)]
				m[int(x)%len(m)] ^= 1 << (x % 8)
			}
		case 2:
			if len(b.Elements) > 0 {
				b.Elements = slices.Delete(b.Elements, i%len(b.Elements), i%len(b.Elements)+1)
			}
		case 3:
			if len(b.Versions) > 0 {
				v := b.Versions[i%len(b.Versions)]
				v.Message += string(rune('a' + x%26))
				if x%2 == 0 {
					v.ID = ComputeID(v)
				}
			}
		case 4:
			if len(b.Versions) > 0 {
				v := b.Versions[i%len(b.Versions)]
				v.Root[x%32] ^= 1
				v.ID = ComputeID(v)
			}
		case 5:
			if len(b.Versions) > 1 {
				b.Versions = slices.Delete(b.Versions, i%len(b.Versions), i%len(b.Versions)+1)
			}
		case 6:
			if len(b.Versions) > 0 {
				b.Versions = append(b.Versions, cloneVersion(b.Versions[i%len(b.Versions)]))
			}
		case 7:
			if len(b.Versions) > 0 {
				v := b.Versions[i%len(b.Versions)]
				v.Time.Wall += int64(x)
				v.ID = ComputeID(v)
			}
		case 8:
			if len(b.Versions) > 0 { // strip the author: pose as a merge or a root
				v := b.Versions[i%len(b.Versions)]
				v.Author, v.PubKey, v.Signature = models.Author{}, nil, nil
				if x%2 == 0 {
					v.Message = MergeMessage
				}
				v.ID = ComputeID(v)
			}
		}
	}
}

type storeState struct {
	history []models.ID
	refs    []Ref
	confl   int
}

func stateOf(s *Store) storeState {
	var st storeState
	for _, d := range s.Designs() {
		for _, v := range s.History(d.ID) {
			st.history = append(st.history, v.ID)
		}
		st.refs = append(st.refs, s.Refs(d.ID)...)
		st.confl += len(s.Conflicts(d.ID))
	}
	return st
}

// checkReceive receives b into s and checks the receive path's promise:
// refused changes nothing; accepted leaves a store that reopens, with
// every branch on a head that reaches every head of its design.
func checkReceive(t testing.TB, s *Store, b *Batch) *Store {
	before := stateOf(s)
	_, err := s.Receive(b)
	if err != nil {
		after := stateOf(s)
		if !slices.Equal(before.history, after.history) || !slices.Equal(before.refs, after.refs) || before.confl != after.confl {
			t.Fatalf("a refused batch changed the store (%v)", err)
		}
		return s
	}
	dir := s.Dir()
	s.Close()
	s2, err := Open(dir, Options{Wall: newFakeWall().now})
	if err != nil {
		t.Fatalf("store does not reopen after an accepted batch: %v", err)
	}
	for _, d := range s2.Designs() {
		if h := s2.Heads(d.ID); len(h) != 1 {
			t.Fatalf("design %s left with %d heads", d.ID, len(h))
		}
	}
	return s2
}

// FuzzReceive feeds whole batches, mutated, through the receive path.
func FuzzReceive(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 5})
	f.Add([]byte{3, 1, 2})
	f.Add([]byte{4, 2, 7})
	f.Add([]byte{8, 2, 0})
	f.Add([]byte{8, 1, 1})
	f.Add([]byte{5, 0, 0, 2, 3, 0})
	f.Add([]byte{7, 1, 9, 6, 2, 0})
	base, all := fixtureBatch(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := openTest(t, t.TempDir())
		if _, err := s.Receive(base); err != nil {
			t.Fatal(err)
		}
		b := cloneBatch(all)
		mutate(b, data)
		s = checkReceive(t, s, b)
		s.Close()
	})
}

// FuzzReceiveBundle feeds bundle bytes through decoding and receiving.
func FuzzReceiveBundle(f *testing.F) {
	_, all := fixtureBatch(f)
	var good bytes.Buffer
	if err := EncodeBundle(&good, "d", all); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add(append(bytes.Clone(good.Bytes()), good.Bytes()...))
	f.Add(good.Bytes()[:good.Len()/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		_, b, err := DecodeBundle(bytes.NewReader(data))
		if err != nil {
			return
		}
		s := openTest(t, t.TempDir())
		s = checkReceive(t, s, b)
		s.Close()
	})
}

// TestTrustProperty: a random sequence of commits, receives (valid,
// tampered, truncated, concatenated bundles) and reopens never leaves the
// store unopenable, never loses an acknowledged version, and a refused
// input changes nothing.
func TestTrustProperty(t *testing.T) {
	_, all := fixtureBatch(t)
	var good bytes.Buffer
	EncodeBundle(&good, "d", all)
	r := rand.New(rand.NewPCG(5, 8))
	s := openTest(t, t.TempDir())
	acked := map[models.ID]bool{}
	me := testIdentity(7, "Me")
	for step := range 300 {
		switch r.IntN(6) {
		case 0: // commit
			heel := float64(20 + r.IntN(20))
			v, err := s.Commit("mine", DefaultBranch, snap(t, "Mine", heel), "edit", me)
			if err == nil {
				acked[v.ID] = true
			} else if !errors.Is(err, ErrNoChange) {
				t.Fatal(err)
			}
		case 1: // a valid bundle
			res, err := s.ImportBundle(bytes.NewReader(good.Bytes()))
			if err != nil {
				t.Fatalf("step %d: valid bundle refused: %v", step, err)
			}
			for _, id := range res.Added {
				acked[id] = true
			}
		case 2: // a tampered batch
			b := cloneBatch(all)
			data := make([]byte, 3*(1+r.IntN(3)))
			for i := range data {
				data[i] = byte(r.IntN(256))
			}
			mutate(b, data)
			s = checkReceive(t, s, b)
		case 3: // truncated or concatenated bundle bytes
			data := good.Bytes()
			if r.IntN(2) == 0 {
				data = data[:r.IntN(len(data))]
			} else {
				data = append(bytes.Clone(data), data[:1+r.IntN(len(data)-1)]...)
			}
			before := stateOf(s)
			if _, err := s.ImportBundle(bytes.NewReader(data)); err == nil {
				t.Fatalf("step %d: a damaged bundle imported", step)
			}
			if after := stateOf(s); !slices.Equal(before.history, after.history) {
				t.Fatal("a refused bundle changed the store")
			}
		case 4: // invalid text
			bad := snap(t, "Mine", 30)
			bad[models.MetaID].Props["name"] = []byte{0x65, 'M', 'i', 'n', 'e', 0xff} // CBOR text, not UTF-8
			if _, err := s.Commit("mine", DefaultBranch, bad, "x", me); err == nil {
				t.Fatal("invalid UTF-8 committed")
			}
		case 5: // reopen
			dir := s.Dir()
			s.Close()
			var err error
			if s, err = Open(dir, Options{Wall: newFakeWall().now}); err != nil {
				t.Fatalf("step %d: reopen: %v", step, err)
			}
		}
		for id := range acked {
			if !s.HasVersion(id) {
				t.Fatalf("step %d: acknowledged version %s lost", step, short(id))
			}
		}
	}
	s.Close()
}
