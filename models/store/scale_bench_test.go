package store

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cordwain/internal/threadcpu"
	"cordwain/models"
)

// Benchmarks at studio scale: the merge as the store runs it (two stored
// heads → merged snapshot and conflicts, through MergeHeads), on the same
// shape of design and edits as bench/merge_compare (1,000 elements, 100
// edits a side, 20 of them on the same properties).

// bigSnap is a 1,000-element design in element form, plus meta and last:
// 600 style lines, 250 pieces, 100 marks, 42 materials, 8 colourways.
func bigSnap(tb testing.TB, r *rand.Rand) models.Snapshot {
	s := snap(tb, "Trail runner", 25)
	id := func() models.ID { return models.ID(fmt.Sprintf("%016x", r.Uint64())) }
	path := func(segs int) []byte {
		pts := make([]models.Point, 1+3*segs)
		for i := range pts {
			pts[i] = models.Pt(float64(r.IntN(3000))/10, float64(r.IntN(3000))/10)
		}
		return cb(tb, models.Path{Points: pts})
	}
	var mats, lines, pieces []models.ID
	for i := range 42 {
		m := id()
		mats = append(mats, m)
		s[m] = models.Element{ID: m, Kind: models.KindMaterial, Props: models.Props{"name": cb(tb, fmt.Sprintf("material %d", i)), "unit": cb(tb, "dm2"), "thickness": cb(tb, 1.1), "supplier": cb(tb, "Wenzhou Textiles")}}
	}
	for i := range 600 {
		l := id()
		lines = append(lines, l)
		s[l] = models.Element{ID: l, Kind: models.KindStyleLine, Props: models.Props{"name": cb(tb, fmt.Sprintf("line %d", i)), "kind": cb(tb, "style"), "path": path(4)}}
	}
	for i := range 250 {
		p := id()
		pieces = append(pieces, p)
		s[p] = models.Element{ID: p, Kind: models.KindPiece, Props: models.Props{"name": cb(tb, fmt.Sprintf("piece %d", i)), "role": cb(tb, "overlay"),
			"quantity": cb(tb, 2), "mirror": cb(tb, true), "outline": path(8), "material": cb(tb, mats[i%42]),
			"lines": cb(tb, []models.ID{lines[i], lines[i+250]}), "order": cb(tb, i)}}
	}
	for range 100 {
		m := id()
		s[m] = models.Element{ID: m, Kind: models.KindMark, Props: models.Props{"piece": cb(tb, pieces[r.IntN(250)]), "kind": cb(tb, "punch"), "size": cb(tb, 3)}}
	}
	for i := range 8 {
		c := id()
		s[c] = models.Element{ID: c, Kind: models.KindColourway, Props: models.Props{"name": cb(tb, fmt.Sprintf("colourway %d", i)), "parts": cb(tb, pieces[:40])}}
	}
	return s
}

// bigEdits makes n edits to a copy of base as bench/merge_compare does:
// the first shared target the same (element, property) on every side with
// side-specific values; then paths, outlines, quantities and names, one
// deletion and one addition in 25.
func bigEdits(tb testing.TB, r *rand.Rand, base models.Snapshot, n, shared int, side string) models.Snapshot {
	ids := slices.Sorted(maps.Keys(base))
	ids = slices.DeleteFunc(ids, func(id models.ID) bool { return id == models.MetaID || id == models.LastID })
	out := maps.Clone(base)
	set := func(id models.ID, prop string, v []byte) {
		e := out[id]
		e.Props = maps.Clone(e.Props)
		e.Props[prop] = v
		out[id] = e
	}
	path := func(segs int) []byte {
		pts := make([]models.Point, 1+3*segs)
		for i := range pts {
			pts[i] = models.Pt(float64(r.IntN(3000))/10, float64(r.IntN(3000))/10)
		}
		return cb(tb, models.Path{Points: pts})
	}
	for i := range n {
		var id models.ID
		if i < shared {
			id = ids[i*7]
		} else {
			id = ids[r.IntN(len(ids))]
		}
		e, ok := out[id]
		switch {
		case !ok:
		case i >= shared && i%25 == 0:
			delete(out, id)
		case i >= shared && i%25 == 1:
			nid := models.ID(fmt.Sprintf("%016x", r.Uint64()))
			out[nid] = models.Element{ID: nid, Kind: models.KindMark, Props: models.Props{"piece": cb(tb, id), "kind": cb(tb, "notch")}}
		case e.Kind == models.KindStyleLine:
			set(id, "path", path(4))
		case e.Kind == models.KindPiece && i%2 == 0:
			set(id, "outline", path(8))
		case e.Kind == models.KindPiece:
			set(id, "quantity", cb(tb, 1+r.IntN(4)))
		default:
			set(id, "name", cb(tb, fmt.Sprintf("%s %d", side, i)))
		}
	}
	return out
}

// mergePairs builds, in a store without fsync, a 1,000-element design
// with history versions on main before the base, then n pairs of branches
// a<i> and b<i> from the base, each with one commit of 100 edits (a
// designer's session on each side, as Yjs and Automerge each apply their
// 100 edits in one transaction). It returns the b heads.
func mergePairs(tb testing.TB, s *Store, design models.ID, history, n int) []*models.Version {
	r := rand.New(rand.NewPCG(42, 42))
	base := bigSnap(tb, r)
	alice, bob := testIdentity(1, "Alice"), testIdentity(2, "Bob")
	cur := base
	for i := range history {
		cur = maps.Clone(cur)
		m := cur[models.MetaID]
		m.Props = models.Props{"name": cb(tb, fmt.Sprintf("Trail runner %d", i))}
		cur[models.MetaID] = m
		if _, err := s.Commit(design, DefaultBranch, cur, "edit", alice); err != nil {
			tb.Fatal(err)
		}
	}
	bv, err := s.Commit(design, DefaultBranch, base, "base", alice)
	if err != nil {
		tb.Fatal(err)
	}
	var heads []*models.Version
	for i := range n {
		an, bn := fmt.Sprintf("a%d", i), fmt.Sprintf("b%d", i)
		if err := s.Branch(design, an, bv.ID); err != nil {
			tb.Fatal(err)
		}
		if err := s.Branch(design, bn, bv.ID); err != nil {
			tb.Fatal(err)
		}
		if _, err := s.Commit(design, an, bigEdits(tb, r, base, 100, 20, "a"), "a", alice); err != nil {
			tb.Fatal(err)
		}
		hb, err := s.Commit(design, bn, bigEdits(tb, r, base, 100, 20, "b"), "b", bob)
		if err != nil {
			tb.Fatal(err)
		}
		heads = append(heads, hb)
	}
	return heads
}

func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// BenchmarkMergeHeads is the merge as the store runs it: MergeHeads of a
// stored head b<i> into branch a<i>, 1,000 elements, 100 edits a side (20
// conflicting), each pair merged once (so every merge writes its own
// content, version and conflicts). Inside the timer: finding the merge
// base, each side's changed elements (from the version records) and the
// per-property stamps of the elements both changed, the three-way merge,
// encoding the merged elements and manifest (its root hash), and the
// bbolt transaction writing content, version, record, conflicts and the
// moved branch, then the memdb index and watchers. sync=false runs the
// store without fsync (NoSync: the transaction's pages are written, not
// flushed); sync=true is the same with fsync, so the difference is the
// fsync. history=N puts N versions on main before the base. Reports the
// median after warm-up merges. Run with -benchtime 1x (one round).
func BenchmarkMergeHeads(b *testing.B) {
	for _, c := range []struct {
		sync       bool
		history    int
		warm, runs int
	}{{false, 0, 20, 120}, {false, 1000, 20, 120}, {true, 0, 5, 40}} {
		b.Run(fmt.Sprintf("sync=%v/history=%d", c.sync, c.history), func(b *testing.B) {
			s, err := Open(b.TempDir(), Options{NoSync: !c.sync})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			heads := mergePairs(b, s, "big", c.history, c.warm+c.runs)
			var ds, cpu []time.Duration
			runtime.GC()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			b.ResetTimer()
			for i, hb := range heads {
				c0, t0 := threadcpu.Now(), time.Now()
				v, err := s.MergeHeads("big", fmt.Sprintf("a%d", i), hb.ID)
				d, dc := time.Since(t0), threadcpu.Now()-c0
				if err != nil {
					b.Fatal(err)
				}
				if !IsMerge(v) {
					b.Fatal("not a merge")
				}
				if i >= c.warm {
					ds = append(ds, d)
					cpu = append(cpu, dc)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(median(ds).Microseconds())/1000, "median-ms")
			b.ReportMetric(float64(median(cpu).Microseconds())/1000, "median-cpu-ms")
			b.ReportMetric(float64(len(s.Conflicts("big")))/float64(len(heads)), "conflicts/merge")
		})
	}
}

// BenchmarkMergeCompute times only the merge computation MergeHeads runs
// inside its transaction (base, changed elements, stamps, three-way
// merge, merged elements encoded, merged manifest and its hash), not the
// write: from two stored heads to the merged content and conflicts.
func BenchmarkMergeCompute(b *testing.B) {
	s, err := Open(b.TempDir(), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const warm, runs = 20, 120
	heads := mergePairs(b, s, "big", 0, warm+runs)
	runtime.GC()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var ds, cpu []time.Duration
	for i, hb := range heads {
		ha, err := s.Head("big", fmt.Sprintf("a%d", i))
		if err != nil {
			b.Fatal(err)
		}
		var d, dc time.Duration
		err = s.db.Update(func(tx *bolt.Tx) error {
			p := &pending{s: s, tx: tx, txn: s.mem.Txn(false), versions: map[models.ID]*models.Version{}}
			x, y := ha, hb
			if y.ID < x.ID {
				x, y = y, x
			}
			c0, t0 := threadcpu.Now(), time.Now()
			base, err := s.hist.mergeBaseGen(tx, p.get, x, y)
			if err != nil {
				return err
			}
			if _, err := p.mergeChanged(base, x, y); err != nil {
				return err
			}
			d, dc = time.Since(t0), threadcpu.Now()-c0
			return errRollback
		})
		if err != errRollback {
			b.Fatal(err)
		}
		if i >= warm {
			ds = append(ds, d)
			cpu = append(cpu, dc)
		}
	}
	b.ReportMetric(float64(median(ds).Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(median(cpu).Microseconds())/1000, "median-cpu-ms")
}

// BenchmarkMergeComputeRepeat repeats the computation of one merge (for
// profiles; content cached after the first).
func BenchmarkMergeComputeRepeat(b *testing.B) {
	s, err := Open(b.TempDir(), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	heads := mergePairs(b, s, "big", 0, 1)
	ha, _ := s.Head("big", "a0")
	hb := heads[0]
	x, y := ha, hb
	if y.ID < x.ID {
		x, y = y, x
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		p := &pending{s: s, tx: tx, txn: s.mem.Txn(false), versions: map[models.ID]*models.Version{}}
		b.ResetTimer()
		for range b.N {
			base, err := s.hist.mergeBaseGen(tx, p.get, x, y)
			if err != nil {
				return err
			}
			if _, err := p.mergeChanged(base, x, y); err != nil {
				return err
			}
		}
		return errRollback
	})
	if err != errRollback {
		b.Fatal(err)
	}
}

// BenchmarkMergeFloor times two things any merge of the 1,000-element
// design must do in this store, whatever the merge algorithm: hash the
// merged manifest (its root is the merge version's content address) and
// write the merge in one bbolt transaction (the manifest, 25 merged
// elements, the version and its record, 24 conflicts, the branch), fsync
// off. They bound from below what BenchmarkMergeHeads can reach.
func BenchmarkMergeFloor(b *testing.B) {
	r := rand.New(rand.NewPCG(42, 42))
	s := bigSnap(b, r)
	m := make(manifest, len(s))
	elems := map[models.Hash][]byte{}
	for id, e := range s {
		enc, err := models.EncodeElement(e)
		if err != nil {
			b.Fatal(err)
		}
		h := models.HashOf(enc)
		m[id] = h
		if len(elems) < 25 {
			elems[h] = enc
		}
	}
	raw := encodeManifest(m)
	b.Run("hash-manifest", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		for b.Loop() {
			models.HashOf(raw)
		}
	})
	b.Run("write", func(b *testing.B) {
		st, err := Open(b.TempDir(), Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		rec := make([]byte, 150)
		ver := make([]byte, 400)
		var ds []time.Duration
		for i := 0; b.Loop(); i++ {
			t0 := time.Now()
			err := st.db.Update(func(tx *bolt.Tx) error {
				key := func(s string) []byte { return []byte(fmt.Sprintf("%s%08d", s, i)) }
				raw := append([]byte(nil), raw...)
				raw[len(raw)-1] = byte(i) // a new manifest each time
				if err := tx.Bucket(bucketManifests).Put(key("m"), raw); err != nil {
					return err
				}
				for h, e := range elems {
					h[0], h[1] = byte(i), byte(i>>8)
					if err := tx.Bucket(bucketElements).Put(bytes.Clone(h[:]), e); err != nil {
						return err
					}
				}
				for _, bk := range [][]byte{bucketVersions, bucketChanges} {
					if err := tx.Bucket(bk).Put(key("v"), ver); err != nil {
						return err
					}
				}
				for c := range 24 {
					if err := tx.Bucket(bucketConflicts).Put(key(fmt.Sprintf("c%02d", c)), rec); err != nil {
						return err
					}
				}
				return tx.Bucket(bucketRefs).Put([]byte("big\x00branch\x00main"), key("v"))
			})
			if err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t0))
		}
		b.ReportMetric(float64(median(ds).Microseconds())/1000, "median-ms")
	})
}
