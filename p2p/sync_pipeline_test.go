package p2p

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"cordwain/models"
	"cordwain/models/store"
)

func headsOf(s *store.Store, d models.ID) []models.ID {
	var ids []models.ID
	for _, v := range s.Heads(d) {
		ids = append(ids, v.ID)
	}
	slices.Sort(ids)
	return ids
}

// More designs than wants in flight, one of them larger than a chunk
// (its later chunk relies on content sent in the first): the pipelined
// pull brings every version, and both sides end in step.
func TestPipelinedPullOfManyDesigns(t *testing.T) {
	a, b := testStore(t), testStore(t)
	bob := testID(2, "Bob")
	designs := 3 * wantsAhead
	for i := range designs {
		d := models.ID(fmt.Sprintf("d%03d", i))
		for j := range 3 {
			if _, err := b.Commit(d, store.DefaultBranch, snapOf(t, "Derby", float64(20+j), 2), "edit", bob); err != nil {
				t.Fatal(err)
			}
		}
	}
	big := models.ID("big")
	sn := snapOf(t, "Derby", 20, 4)
	for j := range 12 { // each version adds a 100 kB piece: more than one chunk
		id := models.ID(fmt.Sprintf("%016x", 100+j))
		sn[id] = models.Element{ID: id, Kind: models.KindPiece, Props: models.Props{"name": cbor(t, strings.Repeat(fmt.Sprint(j), 100<<10))}}
		if _, err := b.Commit(big, store.DefaultBranch, sn, "edit", bob); err != nil {
			t.Fatal(err)
		}
	}
	st := exchange(t, a, b)
	if st.Versions != 3*designs+12 || st.Designs != designs+1 {
		t.Fatalf("pull: %d versions of %d designs, want %d of %d", st.Versions, st.Designs, 3*designs+12, designs+1)
	}
	for _, d := range b.Designs() {
		if !slices.Equal(headsOf(a, d.ID), headsOf(b, d.ID)) {
			t.Fatalf("%s: heads differ", d.ID)
		}
	}
	if _, ra := summary(a); ra != func() models.Hash { _, r := summary(b); return r }() {
		t.Fatal("stores differ after the pull")
	}
}

// A server that answers wants out of order is dropped, and nothing it
// sent after that is stored.
func TestPullRefusesAnswersOutOfOrder(t *testing.T) {
	a := testStore(t)
	c1, c2 := net.Pipe()
	go func() {
		defer c2.Close()
		readFrame(c2)
		writeFrame(c2, MsgHello, Hello{Name: "M"})
		readFrame(c2)
		writeFrame(c2, MsgSummary, Summary{Designs: []DesignDigest{{Design: "d1"}, {Design: "d2"}}})
		readFrame(c2)
		writeFrame(c2, MsgDone, Done{Design: "d2"})
		for { // read what comes until the asker gives up
			if _, _, err := readFrame(c2); err != nil {
				return
			}
		}
	}()
	_, _, err := pullAll(c1, a, "A")
	c1.Close()
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("answers out of order: %v, want a protocol error", err)
	}
	if len(a.Designs()) != 0 {
		t.Fatal("something was stored")
	}
}

// A server that answers designs before they are asked for and reads no
// wants does not hold the pull up: it is a protocol error.
func TestPullRefusesAnswersNotAskedFor(t *testing.T) {
	defer func(g time.Duration) { wantsGrace = g }(wantsGrace)
	wantsGrace = 50 * time.Millisecond
	a := testStore(t)
	c1, c2 := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer c2.Close()
		readFrame(c2)
		writeFrame(c2, MsgHello, Hello{Name: "M"})
		readFrame(c2)
		writeFrame(c2, MsgSummary, Summary{Designs: []DesignDigest{{Design: "d1"}, {Design: "d2"}}})
		writeFrame(c2, MsgDone, Done{Design: "d1"})
		writeFrame(c2, MsgDone, Done{Design: "d2"})
		<-done // reads nothing more
	}()
	_, _, err := pullAll(c1, a, "A")
	close(done)
	c1.Close()
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("answers not asked for: %v, want a protocol error", err)
	}
}
