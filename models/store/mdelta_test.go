package store

import (
	"bytes"
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"

	"cordwain/models"
)

// randomManifest is a canonical manifest of n elements drawn from a pool
// of IDs of several lengths (canonical order puts shorter keys first).
func randomManifest(t testing.TB, r *rand.Rand, n int) manifest {
	t.Helper()
	m := manifest{}
	for len(m) < n {
		id := models.ID(fmt.Sprintf("%0*x", 4+r.IntN(3)*6, r.IntN(200)))
		var h models.Hash
		h[0], h[1] = byte(r.IntN(4)), byte(len(m))
		m[id] = h
	}
	return m
}

// A delta applied to its base rebuilds the other manifest byte for byte,
// whatever was added, changed or dropped; it lists only what differs.
func TestManifestDeltaRebuilds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 300 {
		a := randomManifest(t, r, r.IntN(40))
		b := manifest{}
		for id, h := range a {
			switch r.IntN(6) {
			case 0: // dropped
			case 1:
				h[31]++
				b[id] = h
			default:
				b[id] = h
			}
		}
		for id, h := range randomManifest(t, r, r.IntN(5)) {
			b[id] = h
		}
		ra, rb := encodeManifest(a), encodeManifest(b)
		put, del, ok := ManifestDelta(ra, rb)
		if !ok {
			t.Fatalf("case %d: no delta between canonical manifests", i)
		}
		if want := diffManifests(a, b); len(put)+len(del) != len(want) {
			t.Fatalf("case %d: delta of %d puts and %d drops, %d elements differ", i, len(put), len(del), len(want))
		}
		got, ok := PatchManifest(ra, put, del)
		if !ok || !bytes.Equal(got, rb) {
			t.Fatalf("case %d: rebuilt %x, want %x", i, got, rb)
		}
	}
}

// What is not the store's layout, or names an element twice, gets no
// delta and no rebuild.
func TestManifestDeltaRefusesOtherBytes(t *testing.T) {
	a := encodeManifest(manifest{"meta": {1}, "last": {2}, "0123456789abcdef": {3}})
	b := encodeManifest(manifest{"meta": {1}, "last": {4}})
	if _, _, ok := ManifestDelta(a, []byte{0xa1, 0x61}); ok {
		t.Fatal("a delta to truncated bytes")
	}
	if _, _, ok := ManifestDelta([]byte{0x80}, b); ok {
		t.Fatal("a delta from an array")
	}
	// keys out of canonical order ("meta" before "last")
	unordered := append([]byte{0xa2, 0x64}, "meta"...)
	unordered = append(append(unordered, 0x58, 32), make([]byte, 32)...)
	unordered = append(append(unordered, 0x64), "last"...)
	unordered = append(append(unordered, 0x58, 32), make([]byte, 32)...)
	if _, _, ok := ManifestDelta(unordered, b); ok {
		t.Fatal("a delta from keys out of order")
	}
	if _, ok := PatchManifest(a, []ManifestEntry{{ID: "last", Hash: models.Hash{5}}, {ID: "last", Hash: models.Hash{6}}}, nil); ok {
		t.Fatal("a rebuild putting one element twice")
	}
	if _, ok := PatchManifest(a, []ManifestEntry{{ID: "last", Hash: models.Hash{5}}}, []models.ID{"last"}); ok {
		t.Fatal("a rebuild putting and dropping one element")
	}
	if _, ok := PatchManifest(a, nil, []models.ID{"meta", "meta"}); ok {
		t.Fatal("a rebuild dropping one element twice")
	}
	if _, ok := PatchManifest([]byte{0x80}, nil, nil); ok {
		t.Fatal("a rebuild of an array")
	}
}

// FuzzPatchManifest: any base and edits rebuild without a panic, and what
// is rebuilt from a base that decodes strictly, with valid IDs, decodes
// strictly too.
func FuzzPatchManifest(f *testing.F) {
	f.Add(encodeManifest(manifest{"meta": {1}, "last": {2}}), "last", byte(3), "meta")
	f.Add([]byte{0xa1}, "x", byte(0), "")
	f.Fuzz(func(t *testing.T, base []byte, put string, h byte, del string) {
		var dels []models.ID
		if del != "" {
			dels = []models.ID{models.ID(del)}
		}
		out, ok := PatchManifest(base, []ManifestEntry{{ID: models.ID(put), Hash: models.Hash{h}}}, dels)
		if !ok {
			return
		}
		if _, err := decodeManifest(base, models.HashOf(base)); err != nil {
			return
		}
		if !models.ValidID(models.ID(put)) || (del != "" && !models.ValidID(models.ID(del))) {
			return
		}
		if _, err := decodeManifest(out, models.HashOf(out)); err != nil {
			t.Fatalf("rebuilt from a canonical base: %v", err)
		}
	})
}

// FuzzManifestDelta: a delta between any bytes is refused or, between
// manifests that decode strictly, rebuilds the second from the first.
func FuzzManifestDelta(f *testing.F) {
	f.Add(encodeManifest(manifest{"meta": {1}, "last": {2}}), encodeManifest(manifest{"meta": {1}, "last": {3}, "0123456789abcdef": {4}}))
	f.Add([]byte{0xa0}, []byte{0xa1, 0x60, 0x58, 0x20})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		put, del, ok := ManifestDelta(a, b)
		if !ok {
			return
		}
		if _, err := decodeManifest(a, models.HashOf(a)); err != nil {
			return
		}
		if _, err := decodeManifest(b, models.HashOf(b)); err != nil {
			return
		}
		got, ok := PatchManifest(a, put, del)
		if !ok || !bytes.Equal(got, b) {
			t.Fatalf("rebuilt %x, want %x", got, b)
		}
	})
}

// FuzzDiffFromParent: where prepare takes a manifest as its parent's with
// a delta applied (diffFromParent), the parent's decoded already, that is
// what strictly decoding the manifest gives: the shortcut accepts no
// manifest the decoder refuses (a key that is not UTF-8, out of order,
// twice) and reads none differently.
func FuzzDiffFromParent(f *testing.F) {
	f.Add(encodeManifest(manifest{"meta": {1}, "last": {2}}), encodeManifest(manifest{"meta": {1}, "last": {3}, "0123456789abcdef": {4}}))
	f.Add(encodeManifest(manifest{"meta": {1}}), encodeManifest(manifest{"meta": {1}, "\xff\xfe": {4}}))
	f.Add(encodeManifest(manifest{"meta": {1}, "last": {2}}), encodeManifest(manifest{"meta": {1}}))
	f.Add([]byte{0xa0}, []byte{0xa1, 0x60, 0x58, 0x20})
	f.Fuzz(func(t *testing.T, praw, raw []byte) {
		d := diffFromParent(models.HashOf(praw), praw, raw)
		if d == nil {
			return
		}
		pm, err := decodeManifest(praw, models.HashOf(praw))
		if err != nil {
			return // no parent: prepare decodes a manifest before it is one
		}
		want, err := decodeManifest(raw, models.HashOf(raw))
		if err != nil {
			t.Fatalf("a diff to a manifest the decoder refuses: %v", err)
		}
		got := d.apply(pm)
		if !maps.Equal(got, want) {
			t.Fatalf("diff applied gives %v, decoding gives %v", got, want)
		}
		n := 0
		for id, h := range d.entries(got) {
			if ph, ok := pm[id]; ok && ph == h {
				t.Fatalf("entry %q listed as new but the parent has it", id)
			}
			n++
		}
		for id, h := range got {
			if ph, ok := pm[id]; !ok || ph != h {
				n--
			}
		}
		if n != 0 {
			t.Fatal("the new entries are not those the parent lacks")
		}
	})
}
