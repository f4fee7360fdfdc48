package models

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// FuzzCanonicalVersion: the version encoder writes exactly what the
// reflecting canonical encoder writes, and refuses what it refuses.
func FuzzCanonicalVersion(f *testing.F) {
	f.Add(uint64(1), "0123456789abcdef", "peer", "Ana", "edit", int64(1700000000000), uint32(3), 2, true, false)
	f.Add(uint64(2), "", "", "", "", int64(-1), uint32(0), 0, false, true)
	f.Add(uint64(3), "d", "p", "名字", strings.Repeat("m", 300), int64(math.MinInt64), uint32(math.MaxUint32), 30, true, true)
	f.Add(uint64(4), "d\xff", "p", "n", "m", int64(23), uint32(24), 1, false, false)
	f.Add(uint64(5), "d", "p", "n", strings.Repeat("长", 30000), int64(math.MaxInt64), uint32(255), 0, true, false)
	f.Fuzz(func(t *testing.T, seed uint64, design, peer, name, msg string, wall int64, logical uint32, parents int, key, emptyNotNil bool) {
		r := rand.New(rand.NewPCG(seed, 3))
		v := &Version{Design: ID(design), Author: Author{PeerID: peer, Name: name}, Time: HLC{Wall: wall, Logical: logical}, Message: msg}
		for i := range v.Root {
			v.Root[i] = byte(r.IntN(256))
		}
		if parents > 0 || emptyNotNil {
			v.Parents = []ID{}
		}
		for range parents % 40 {
			v.Parents = append(v.Parents, ID(strings.Repeat("ab", r.IntN(40))))
		}
		switch {
		case key:
			v.PubKey = make([]byte, r.IntN(300))
		case emptyNotNil:
			v.PubKey = []byte{}
		}
		want, werr := Canonical(v)
		got, gerr := CanonicalVersion(v)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("Canonical: %v, CanonicalVersion: %v", werr, gerr)
		}
		if werr != nil {
			if !errors.Is(gerr, ErrInvalidText) || !errors.Is(werr, ErrInvalidText) {
				t.Fatalf("Canonical: %v, CanonicalVersion: %v", werr, gerr)
			}
			return
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("bytes differ:\n got %x\nwant %x", got, want)
		}
		if sig := AppendCanonicalBytes(nil, v.PubKey); !bytes.Equal(sig, mustCanon(t, v.PubKey)) {
			t.Fatalf("byte string %x, Canonical %x", sig, mustCanon(t, v.PubKey))
		}
	})
}

func mustCanon(t *testing.T, v any) []byte {
	b, err := Canonical(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
