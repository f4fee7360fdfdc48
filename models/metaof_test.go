package models

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// MetaOf decodes the meta element to what the whole design's decoding
// gives, and refuses what is not a meta.
func TestMetaOfAgreesWithDesignFromSnapshot(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 200 {
		d := randomDesign(r)
		snap, err := d.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		whole, err := DesignFromSnapshot(d.ID, snap)
		if err != nil {
			t.Fatal(err)
		}
		m, err := MetaOf(snap[MetaID])
		if err != nil {
			t.Fatalf("design %d: %v", i, err)
		}
		if !reflect.DeepEqual(m, whole.Meta) {
			t.Fatalf("design %d: MetaOf %+v, DesignFromSnapshot %+v", i, m, whole.Meta)
		}
		if _, err := MetaOf(snap[LastID]); err == nil {
			t.Fatal("the last decoded as a meta")
		}
		bad := snap[MetaID]
		bad.Props = Props{"name": []byte{0x01}} // a number where text is due
		if _, err := MetaOf(bad); err == nil {
			t.Fatal("a meta whose name is a number decoded")
		}
	}
}
