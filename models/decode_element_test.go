package models

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

// The fast element decoder (the one layout peers and the store send,
// read by hand) and the strict CBOR decoder agree on every input: the
// same element, or both refuse.
func FuzzDecodeElementFast(f *testing.F) {
	addSeedElements(f)
	// A few near misses: a non-shortest head, an unsorted map, a
	// duplicate property, text that is not UTF-8, a value that is not
	// canonical.
	f.Add([]byte{0x83, 0x78, 0x02, 'a', 'b', 0x61, 'k', 0xa0})
	f.Add([]byte{0x83, 0x70, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 0x61, 'k', 0xa2, 0x61, 'b', 0x41, 0x01, 0x61, 'a', 0x41, 0x01})
	f.Add([]byte{0x83, 0x70, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 0x61, 'k', 0xa2, 0x61, 'a', 0x41, 0x01, 0x61, 'a', 0x41, 0x01})
	f.Add([]byte{0x83, 0x70, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 0x61, 'k', 0xa1, 0x61, 0xff, 0x41, 0x01})
	f.Add([]byte{0x83, 0x70, '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f', 0x61, 'k', 0xa1, 0x61, 'a', 0x42, 0x18, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		want, werr := decodeElementStrict(b)
		got, ok := decodeElementFast(b)
		switch {
		case ok && werr != nil:
			t.Fatalf("the fast decoder accepted what the strict one refuses: %v", werr)
		case ok && !reflect.DeepEqual(got, want):
			t.Fatalf("the decoders disagree: %+v and %+v", got, want)
		}
		// DecodeElement is the fast one falling back to the strict one.
		e, err := DecodeElement(b)
		if (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(e, want) {
			t.Fatalf("DecodeElement = %v, %v; strict = %v, %v", e, err, want, werr)
		}
		if ok {
			// The element owns its values: changing b changes nothing.
			c := bytes.Clone(b)
			clear(b)
			if again := appendElement(nil, got); !bytes.Equal(again, c) {
				t.Fatal("the decoded element aliases its input")
			}
		}
	})
}

// Every property value of every seed design takes the fast path.
func TestDecodeElementFastTakesSeeds(t *testing.T) {
	n := 0
	for _, d := range seedDesigns() {
		s, err := d.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range s {
			b := appendElement(nil, e)
			if _, ok := decodeElementFast(b); !ok {
				t.Fatalf("element %s (%s) missed the fast path", e.ID, e.Kind)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no seed elements")
	}
}

// BenchmarkDecodeElement decodes every element of a 1,000-element design
// as received (DecodeElement; the memo of property values warm, as in a
// history whose versions share most values).
func BenchmarkDecodeElement(b *testing.B) {
	d := benchDesign(rand.New(rand.NewPCG(42, 42)))
	s, err := d.Snapshot()
	if err != nil {
		b.Fatal(err)
	}
	var encs [][]byte
	for _, e := range s {
		encs = append(encs, appendElement(nil, e))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, enc := range encs {
			if _, err := DecodeElement(enc); err != nil {
				b.Fatal(err)
			}
		}
	}
}
