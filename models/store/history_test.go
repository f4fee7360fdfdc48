package store

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cordwain/models"
)

// The merge the store runs (records, paint-down base, changed elements
// only, patched manifest) gives exactly what the reference gives: the
// base of mergeBaseOf over both whole histories, and MergeTracked over
// whole snapshots with stamps derived from history.
func TestChangedMergeMatchesWholeMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const d = models.ID("d")
	for c := range 12 {
		s := convOpen(t, 1_780_000_000_000)
		if _, err := s.Commit(d, DefaultBranch, convBase(t), "base", testIdentity(9, "O")); err != nil {
			t.Fatal(err)
		}
		base := mustHead(t, s, d)
		// Branches with commits, merged into each other at random, so the
		// DAG has criss-cross merges and merges of merges.
		var branches []string
		for i := range 4 {
			br := fmt.Sprintf("b%d", i)
			if err := s.Branch(d, br, base); err != nil {
				t.Fatal(err)
			}
			branches = append(branches, br)
		}
		for step := range 80 {
			br := branches[r.IntN(len(branches))]
			head, _ := s.Head(d, br)
			if r.IntN(3) == 0 {
				other, _ := s.Head(d, branches[r.IntN(len(branches))])
				if _, err := s.MergeHeads(d, br, other.ID); err != nil {
					t.Fatalf("case %d step %d: %v", c, step, err)
				}
				continue
			}
			cur, _ := s.Snapshot(head.ID)
			if _, err := s.Commit(d, br, convEdit(t, r, cur), "edit", testIdentity(byte(1+r.IntN(3)), "E")); err != nil && head == nil {
				t.Fatal(err)
			}
		}
		hist := s.History(d)
		merges := 0
		for _, v := range hist {
			if IsMerge(v) {
				merges++
			}
		}
		if c == 0 {
			t.Logf("%d versions, %d merges", len(hist), merges)
		}
		for range 40 {
			a, b := hist[r.IntN(len(hist))], hist[r.IntN(len(hist))]
			if b.ID < a.ID {
				a, b = b, a
			}
			err := s.db.Update(func(tx *bolt.Tx) error {
				p := &pending{s: s, tx: tx, txn: s.mem.Txn(false), versions: map[models.ID]*models.Version{}}
				want, err := mergeBaseOf(p.get, a.ID, b.ID)
				if err != nil {
					return err
				}
				got, err := s.hist.mergeBaseGen(tx, p.get, a, b)
				if err != nil {
					return err
				}
				if got.ID != want.ID {
					return fmt.Errorf("base of %s and %s: %s, want %s", short(a.ID), short(b.ID), short(got.ID), short(want.ID))
				}
				snap, wantC, err := mergeContentTx(tx, p.get, newHistCache(), want, a, b)
				if err != nil {
					return err
				}
				res, err := p.mergeChanged(want, a, b)
				if err != nil {
					return err
				}
				if wantRoot := snap.Hash(); res.root != wantRoot {
					return fmt.Errorf("merge of %s and %s: content differs", short(a.ID), short(b.ID))
				}
				key := func(c models.Conflict) string {
					return fmt.Sprintf("%s/%s %x %x %v %v", c.Element, c.Prop, c.Winner, c.Loser, c.WinnerStamp, c.LoserStamp)
				}
				gk, wk := make([]string, 0), make([]string, 0)
				for _, c := range res.conflicts {
					gk = append(gk, key(c))
				}
				for _, c := range wantC {
					wk = append(wk, key(c))
				}
				if !slices.Equal(gk, wk) {
					return fmt.Errorf("merge of %s and %s: conflicts\n%v\nwant\n%v", short(a.ID), short(b.ID), gk, wk)
				}
				return errRollback
			})
			if err != errRollback {
				t.Fatalf("case %d: %v", c, err)
			}
		}
		// Records computed from content (a file without them) equal the
		// recorded ones.
		err := s.db.View(func(tx *bolt.Tx) error {
			fresh := newHistCache()
			for _, v := range hist {
				got, err := fresh.compute(tx, s.getter(s.mem.Txn(false), nil), v, parentInfos(t, s, v))
				if err != nil {
					return err
				}
				rec, _ := s.hist.infoOf(tx, s.getter(s.mem.Txn(false), nil), v)
				if got.Gen != rec.Gen || len(got.Changed) != len(rec.Changed) {
					return fmt.Errorf("record of %s: %+v, recorded %+v", short(v.ID), got, rec)
				}
				for i := range got.Changed {
					for _, id := range got.Changed[i] {
						if !slices.Contains(rec.Changed[i], id) {
							return fmt.Errorf("record of %s misses %s", short(v.ID), id)
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

var errRollback = fmt.Errorf("rollback")

func parentInfos(t *testing.T, s *Store, v *models.Version) []*verInfo {
	var out []*verInfo
	s.db.View(func(tx *bolt.Tx) error {
		for _, p := range v.Parents {
			pv, _ := s.Version(p)
			in, err := s.hist.infoOf(tx, s.getter(s.mem.Txn(false), nil), pv)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, in)
		}
		return nil
	})
	return out
}

func TestPatchManifest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		m := manifest{}
		// IDs of several lengths (canonical order is shorter first), some
		// of 24 bytes or more (a longer CBOR head).
		id := func() models.ID {
			return models.ID(fmt.Sprintf("%0*x", []int{8, 16, 16, 30}[r.IntN(4)], r.Uint64()))
		}
		for range r.IntN(40) {
			m[id()] = models.HashOf([]byte{byte(r.IntN(256))})
		}
		if r.IntN(2) == 0 {
			m[models.MetaID] = models.HashOf([]byte("meta"))
		}
		raw, err := models.Canonical(m)
		if err != nil {
			t.Fatal(err)
		}
		put := map[models.ID]models.Hash{}
		var del []models.ID
		want := maps.Clone(m)
		for id := range m {
			switch r.IntN(4) {
			case 0:
				del = append(del, id)
				delete(want, id)
			case 1:
				put[id] = models.HashOf([]byte(id))
				want[id] = put[id]
			}
		}
		for range r.IntN(5) {
			id := id()
			put[id] = models.HashOf([]byte(id))
			want[id] = put[id]
		}
		for range r.IntN(3) {
			del = append(del, id()) // not in the manifest: nothing to drop
		}
		if r.IntN(3) == 0 {
			put[models.LastID] = models.HashOf([]byte("last"))
			want[models.LastID] = put[models.LastID]
		}
		got, ok := patchManifest(raw, put, del)
		wantRaw, _ := models.Canonical(want)
		if !ok || string(got) != string(wantRaw) {
			t.Fatalf("patched manifest differs")
		}
	}
}

func TestEncodeManifestIsCanonical(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		m := manifest{models.MetaID: models.HashOf([]byte("m")), models.LastID: models.HashOf([]byte("l"))}
		for range r.IntN(300) {
			m[models.ID(fmt.Sprintf("%016x", r.Uint64()))] = models.HashOf([]byte{byte(r.IntN(256))})
		}
		want, err := models.Canonical(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := encodeManifest(m); string(got) != string(want) {
			t.Fatal("encodeManifest differs from models.Canonical")
		}
	}
}

// FuzzEncodeRecord: the record encoder writes the canonical encoder's
// bytes for any record: nil and empty lists, empty and long IDs, text
// that is not UTF-8, generations up to the largest.
func FuzzEncodeRecord(f *testing.F) {
	f.Add(uint32(1), []byte{}, "")
	f.Add(uint32(7), []byte{0x80}, "a,b")
	f.Add(uint32(1<<32-1), []byte{3, 0, 1, 2}, "0123456789abcdef0123456789abcdef,x,,\xff")
	f.Add(uint32(24), []byte{2, 1, 1}, strings.Repeat("e", 300))
	f.Fuzz(func(t *testing.T, gen uint32, shape []byte, ids string) {
		in := &verInfo{Gen: gen}
		names := strings.Split(ids, ",")
		if len(shape) > 0 && shape[0]&0x80 == 0 {
			in.Changed = make([][]models.ID, int(shape[0])%4)
			for i := range in.Changed {
				if 1+i < len(shape) && shape[1+i] == 1 {
					continue // nil
				}
				in.Changed[i] = []models.ID{}
				for j, n := range names {
					if (i+j)%2 == 0 {
						in.Changed[i] = append(in.Changed[i], models.ID(n))
					}
				}
			}
		}
		want, werr := models.Canonical(in)
		got, err := encodeRecord(in)
		if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("encodeRecord %x, %v; canonical %x, %v", got, err, want, werr)
		}
	})
}
