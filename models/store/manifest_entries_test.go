package store

import (
	"errors"
	"maps"
	"testing"

	"cordwain/models"
)

// entriesOf collects what eachManifestEntry reports, failing on an ID
// reported twice.
func entriesOf(t *testing.T, raw []byte, want models.Hash) (manifest, error) {
	t.Helper()
	got := manifest{}
	err := eachManifestEntry(raw, want, func(id models.ID, h models.Hash) error {
		if _, dup := got[id]; dup {
			t.Fatalf("%s reported twice", id)
		}
		got[id] = h
		return nil
	})
	return got, err
}

// rawEntries writes a CBOR map of the given keys in the given order (not
// necessarily canonical), each to a 32-byte string.
func rawEntries(keys ...string) []byte {
	b := models.AppendCBORHead(nil, 5, uint64(len(keys)))
	for i, k := range keys {
		b = models.AppendCBORHead(b, 3, uint64(len(k)))
		b = append(b, k...)
		b = append(b, 0x58, 32)
		b = append(b, make([]byte, 31)...)
		b = append(b, byte(i))
	}
	return b
}

// TestEachManifestEntryAgreesWithDecode: the map-free walk reports
// exactly what decodeManifest decodes, and refuses what it refuses, for
// the layout the store writes and for bytes that leave it.
func TestEachManifestEntryAgreesWithDecode(t *testing.T) {
	m := manifest{}
	for i := range 300 {
		m[models.ID(string(rune('a'+i%26))+string(rune('0'+i/26)))] = models.HashOf([]byte{byte(i)})
	}
	m["meta"], m["last"] = models.HashOf([]byte("meta")), models.HashOf([]byte("last"))
	cases := map[string][]byte{
		"store layout": encodeManifest(m),
		"empty":        encodeManifest(manifest{}),
		"out of order": rawEntries("b", "a"),
		"longer first": rawEntries("aa", "b"),
		"duplicate":    rawEntries("a", "a"),
		"not UTF-8":    rawEntries("a", "\xff"),
		"truncated":    encodeManifest(m)[:100],
		"not a map":    {0x80},
	}
	for name, raw := range cases {
		want, werr := decodeManifest(raw, models.HashOf(raw))
		got, gerr := entriesOf(t, raw, models.HashOf(raw))
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: decodeManifest error %v, eachManifestEntry error %v", name, werr, gerr)
			continue
		}
		if werr == nil && !maps.Equal(want, got) {
			t.Errorf("%s: reported %d entries, decoded %d", name, len(got), len(want))
		}
	}
	raw := encodeManifest(m)
	if _, err := entriesOf(t, raw, models.HashOf([]byte("other"))); !errors.Is(err, ErrCorrupt) {
		t.Errorf("bytes under another hash: %v, want ErrCorrupt", err)
	}
	stop := errors.New("stop")
	n := 0
	err := eachManifestEntry(raw, models.HashOf(raw), func(models.ID, models.Hash) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Errorf("stopping at the 5th entry: error %v after %d calls", err, n)
	}
}
