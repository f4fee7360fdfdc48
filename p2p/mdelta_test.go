package p2p

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"

	"cordwain/models"
	"cordwain/models/store"
)

// batchFrames reads the batch frames sendDesign wrote, up to Done.
func batchFrames(t *testing.T, b *bytes.Buffer) (frames []BatchWire, size int) {
	t.Helper()
	for {
		typ, payload, err := readFrame(b)
		if err != nil {
			t.Fatal(err)
		}
		if typ == MsgDone {
			return frames, size
		}
		var bw BatchWire
		if typ != MsgBatch || decodePayload(payload, &bw) != nil {
			t.Fatalf("frame type %d", typ)
		}
		frames = append(frames, bw)
		size += len(payload)
	}
}

func manifestHashes(t *testing.T, frames []BatchWire) []models.Hash {
	t.Helper()
	var hs []models.Hash
	for _, f := range frames {
		b, err := f.toBatch()
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range b.Manifests {
			hs = append(hs, models.HashOf(m))
		}
	}
	slices.SortFunc(hs, func(a, b models.Hash) int { return bytes.Compare(a[:], b[:]) })
	return hs
}

// historyOf is a design of n versions of 40 elements, each changing one.
func historyOf(t *testing.T, n int) *store.Store {
	t.Helper()
	s := testStore(t)
	alice := testID(1, "Alice")
	for i := range n {
		snap := snapOf(t, "Derby", 20, 40)
		id := models.ID(fmt.Sprintf("%016x", i%40+1))
		snap[id] = models.Element{ID: id, Kind: models.KindPiece, Props: models.Props{"name": cbor(t, fmt.Sprint("edit ", i))}}
		if _, err := s.Commit("d", store.DefaultBranch, snap, fmt.Sprint(i), alice); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// An asker that asks for deltas gets each manifest after the first of a
// frame as its delta from its parent's: the same manifests, in a third of
// the bytes or less, and a store takes them; one that does not ask (an
// older peer) gets them whole.
func TestManifestsTravelAsDeltas(t *testing.T) {
	src := historyOf(t, 60)
	var whole, delta bytes.Buffer
	if err := sendDesign(&whole, src, Want{Design: "d"}); err != nil {
		t.Fatal(err)
	}
	if err := sendDesign(&delta, src, Want{Design: "d", Deltas: true}); err != nil {
		t.Fatal(err)
	}
	wf, wsize := batchFrames(t, &whole)
	df, dsize := batchFrames(t, &delta)
	deltas, full := 0, 0
	for _, f := range wf {
		if len(f.MDeltas) != 0 {
			t.Fatal("deltas to an asker that did not ask for them")
		}
	}
	for _, f := range df {
		deltas += len(f.MDeltas)
		full += len(f.Manifests)
	}
	if full != len(df) || deltas != 60-len(df) {
		t.Fatalf("%d frames: %d manifests whole and %d as deltas, want one whole per frame", len(df), full, deltas)
	}
	if dsize*3 > wsize {
		t.Fatalf("with deltas %d bytes, whole %d", dsize, wsize)
	}
	if !slices.Equal(manifestHashes(t, df), manifestHashes(t, wf)) {
		t.Fatal("the deltas rebuild other manifests")
	}
	dst := testStore(t)
	for _, f := range df {
		b, err := f.toBatch()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dst.Receive(b); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Equal(headsOf(dst, "d"), headsOf(src, "d")) {
		t.Fatalf("heads %v, source %v", headsOf(dst, "d"), headsOf(src, "d"))
	}
}

// A delta that names a base the frame lacks, does not apply, or rebuilds
// more than a frame may hold is a protocol error; one that rebuilds
// another manifest than its version's leaves that version without
// content, and the store takes nothing.
func TestHostileManifestDeltas(t *testing.T) {
	src := historyOf(t, 3)
	var buf bytes.Buffer
	if err := sendDesign(&buf, src, Want{Design: "d", Deltas: true}); err != nil {
		t.Fatal(err)
	}
	frames, _ := batchFrames(t, &buf)
	if len(frames) != 1 || len(frames[0].MDeltas) != 2 {
		t.Fatalf("%d frames, want one with two deltas", len(frames))
	}
	good := frames[0]
	edit := func(f func(bw *BatchWire)) *BatchWire {
		bw := good
		bw.MDeltas = slices.Clone(good.MDeltas)
		for i := range bw.MDeltas {
			bw.MDeltas[i].Put = slices.Clone(bw.MDeltas[i].Put)
		}
		f(&bw)
		return &bw
	}
	for name, bw := range map[string]*BatchWire{
		"unknown base": edit(func(bw *BatchWire) { bw.MDeltas[0].Base[0] ^= 1 }),
		"later base": edit(func(bw *BatchWire) {
			bw.MDeltas[0], bw.MDeltas[1] = bw.MDeltas[1], bw.MDeltas[0]
		}),
		"put twice": edit(func(bw *BatchWire) { bw.MDeltas[0].Put = append(bw.MDeltas[0].Put, bw.MDeltas[0].Put...) }),
		"rebuild bomb": edit(func(bw *BatchWire) {
			base := bw.MDeltas[0].Base
			bw.MDeltas = nil
			for range chunkVersions {
				bw.MDeltas = append(bw.MDeltas, MDeltaWire{Base: base})
			}
			big := models.Snapshot{}
			for i := range 3000 {
				id := models.ID(fmt.Sprintf("%016x", i))
				big[id] = models.Element{ID: id}
			}
			m := map[models.ID]models.Hash{}
			for id := range big {
				m[id] = models.Hash{1}
			}
			raw, _ := models.Canonical(m)
			bw.Manifests = [][]byte{raw}
			bw.MDeltas[0].Base = models.HashOf(raw)
			for i := range bw.MDeltas {
				bw.MDeltas[i].Base = models.HashOf(raw)
			}
		}),
	} {
		if _, err := bw.toBatch(); !errors.Is(err, ErrProtocol) {
			t.Errorf("%s: %v, want a protocol error", name, err)
		}
	}
	wrong := edit(func(bw *BatchWire) { bw.MDeltas[1].Put[0].Hash[0] ^= 1 })
	b, err := wrong.toBatch()
	if err != nil {
		t.Fatalf("a delta that applies: %v", err)
	}
	dst := testStore(t)
	if _, err := dst.Receive(b); err == nil {
		t.Fatal("a version whose manifest was rebuilt wrong was taken")
	}
	if len(dst.History("d")) != 0 {
		t.Fatal("the store took versions of the batch")
	}
}
