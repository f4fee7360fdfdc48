package store

import (
	"bytes"
	"slices"
	"testing"

	"cordwain/models"
)

// EncodeVersion writes the canonical encoding of the version and its
// signature, as the reflecting encoder does, for signed versions, merges
// (no key, no signature) and every version of a small studio; and
// DecodeVersion reads it back.
func TestEncodeVersionIsCanonical(t *testing.T) {
	src := sourceStudio(t)
	var vs []*models.Version
	for _, d := range []models.ID{"a", "b"} {
		vs = append(vs, src.History(d)...)
	}
	alice := testIdentity(1, "Alice")
	signed := &models.Version{Design: "a", Parents: []models.ID{vs[0].ID}, Author: models.Author{PeerID: alice.PeerID, Name: "Ana 安娜"},
		Time: models.HLC{Wall: 1 << 40, Logical: 300}, Message: "鞋楦 edit"}
	if err := Sign(signed, alice.Key); err != nil {
		t.Fatal(err)
	}
	parents := []models.ID{vs[0].ID, vs[1].ID}
	slices.Sort(parents)
	merge := &models.Version{Design: "a", Parents: parents, Time: models.HLC{Wall: 5}}
	merge.ID = ComputeID(merge)
	vs = append(vs, signed, merge)
	for _, v := range vs {
		sig := v.Signature
		if len(sig) == 0 {
			sig = nil
		}
		want, err := models.Canonical(versionWire{V: v, Sig: sig})
		if err != nil {
			t.Fatal(err)
		}
		got, err := EncodeVersion(v)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("version %s:\n got %x\nwant %x", short(v.ID), got, want)
		}
		if v == merge {
			continue // made up: not a merge Verify would take
		}
		back, err := DecodeVersion(got)
		if err != nil {
			t.Fatalf("version %s: %v", short(v.ID), err)
		}
		if back.ID != v.ID {
			t.Fatalf("read back as %s, was %s", short(back.ID), short(v.ID))
		}
	}
}
