package store

import (
	"bytes"
	"errors"
	"testing"

	"cordwain/models"
)

// history makes a store with design "d": three versions on main and a tag.
func history(t *testing.T) (*Store, []*models.Version) {
	t.Helper()
	s := openTest(t, t.TempDir())
	a := testIdentity(1, "A")
	var vs []*models.Version
	for i, h := range []float64{10, 20, 30} {
		v, err := s.Commit("d", DefaultBranch, snap(t, "Derby", h, "00000000000000a"+string(rune('0'+i))), "v", a)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return s, vs
}

func TestBundleRoundTrip(t *testing.T) {
	src, vs := history(t)
	var buf bytes.Buffer
	if err := src.ExportBundle(&buf, "d"); err != nil {
		t.Fatal(err)
	}
	dst := openTest(t, t.TempDir())
	res, err := dst.ImportBundle(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if res.Design != "d" || len(res.Added) != 3 {
		t.Fatalf("import: %+v", res)
	}
	head, err := dst.Head("d", DefaultBranch)
	if err != nil || head.ID != vs[2].ID {
		t.Fatalf("main after import: %v %v", head, err)
	}
	got, err := dst.Snapshot(vs[1].ID)
	if err != nil || heelOf(t, got) != 20 {
		t.Fatalf("content after import: %v", err)
	}
	if d, _ := dst.Design("d"); d.Name != "Derby" {
		t.Fatalf("design name %q", d.Name)
	}
	// Importing again is a no-op.
	res, err = dst.ImportBundle(bytes.NewReader(buf.Bytes()))
	if err != nil || len(res.Added) != 0 || res.Known != 3 {
		t.Fatalf("second import: %+v %v", res, err)
	}
	// A later bundle fast-forwards main.
	v4, _ := src.Commit("d", DefaultBranch, snap(t, "Derby", 40), "v4", testIdentity(1, "A"))
	buf.Reset()
	src.ExportBundle(&buf, "d")
	if _, err := dst.ImportBundle(&buf); err != nil {
		t.Fatal(err)
	}
	if head, _ := dst.Head("d", DefaultBranch); head.ID != v4.ID {
		t.Fatalf("main not fast-forwarded: %s", short(head.ID))
	}
}

func TestBundleDamage(t *testing.T) {
	src, _ := history(t)
	var buf bytes.Buffer
	if err := src.ExportBundle(&buf, "d"); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for name, mutate := range map[string]func([]byte) []byte{
		"truncated":    func(b []byte) []byte { return b[:len(b)/2] },
		"flipped byte": func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b },
		"bad magic":    func(b []byte) []byte { b[0] = 'X'; return b },
		"huge length": func(b []byte) []byte {
			copy(b[18:26], []byte{0x7f, 0, 0, 0, 0, 0, 0, 0})
			return b
		},
		"empty": func([]byte) []byte { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			dst := openTest(t, t.TempDir())
			_, err := dst.ImportBundle(bytes.NewReader(mutate(bytes.Clone(good))))
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("import: %v", err)
			}
			if len(dst.Designs()) != 0 {
				t.Fatal("a damaged bundle changed the store")
			}
		})
	}
}

func TestApplyVerifiesBeforeWriting(t *testing.T) {
	src, vs := history(t)
	full, err := src.Collect("d", nil)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("missing parent", func(t *testing.T) {
		dst := openTest(t, t.TempDir())
		b := *full
		b.Versions = b.Versions[1:] // drop the root
		if _, err := dst.Receive(&b); !errors.Is(err, ErrUnknownParent) {
			t.Fatalf("apply: %v", err)
		}
		if dst.HasVersion(vs[1].ID) {
			t.Fatal("partial batch applied")
		}
	})
	t.Run("tampered signature", func(t *testing.T) {
		dst := openTest(t, t.TempDir())
		b := *full
		b.Versions = append([]*models.Version(nil), full.Versions...)
		bad := cloneVersion(b.Versions[2])
		bad.Signature[5] ^= 1
		b.Versions[2] = bad
		if _, err := dst.Receive(&b); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("apply: %v", err)
		}
		if len(dst.Designs()) != 0 {
			t.Fatal("store touched")
		}
	})
	t.Run("tampered content", func(t *testing.T) {
		dst := openTest(t, t.TempDir())
		b := *full
		b.Versions = append([]*models.Version(nil), full.Versions...)
		bad := cloneVersion(b.Versions[1])
		bad.Message = "forged"
		b.Versions[1] = bad
		if _, err := dst.Receive(&b); !errors.Is(err, ErrBadID) {
			t.Fatalf("apply: %v", err)
		}
	})
	t.Run("missing element", func(t *testing.T) {
		dst := openTest(t, t.TempDir())
		b := *full
		b.Elements = b.Elements[1:]
		if _, err := dst.Receive(&b); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("apply: %v", err)
		}
	})
	t.Run("forged author", func(t *testing.T) {
		dst := openTest(t, t.TempDir())
		// Signed by key 2 but claiming key 1's peer ID.
		v := &models.Version{Design: "e", Author: testIdentity(1, "A").Author(), Message: "x", Root: full.Versions[0].Root}
		if err := Sign(v, testIdentity(2, "M").Key); err != nil {
			t.Fatal(err)
		}
		b := &Batch{Versions: []*models.Version{v}, Manifests: full.Manifests, Elements: full.Elements}
		if _, err := dst.Receive(b); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("apply: %v", err)
		}
	})
	t.Run("incremental", func(t *testing.T) {
		dst := openTest(t, t.TempDir())
		first, _ := src.Collect("d", nil)
		first.Versions = first.Versions[:1]
		if _, err := dst.Receive(first); err != nil {
			t.Fatal(err)
		}
		rest, err := src.Collect("d", []models.ID{vs[0].ID})
		if err != nil || len(rest.Versions) != 2 {
			t.Fatalf("collect rest: %d versions, %v", len(rest.Versions), err)
		}
		if _, err := dst.Receive(rest); err != nil {
			t.Fatal(err)
		}
		if h, _ := dst.Head("d", DefaultBranch); h.ID != vs[2].ID {
			t.Fatalf("head %s", short(h.ID))
		}
	})
}

func FuzzDecodeVersion(f *testing.F) {
	v := &models.Version{Design: "d", Author: models.Author{PeerID: "p", Name: "n"}, Message: "m"}
	if err := Sign(v, testIdentity(1, "A").Key); err != nil {
		f.Fatal(err)
	}
	good, _ := EncodeVersion(v)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{0x82, 0xa0, 0x40})
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := DecodeVersion(data)
		if err != nil {
			return
		}
		// Whatever decodes verifies and re-encodes to the same bytes.
		if Verify(v) != nil {
			t.Fatal("decoded version does not verify")
		}
		again, err := EncodeVersion(v)
		if err != nil || !bytes.Equal(again, data) {
			t.Fatal("decoded version does not re-encode to its bytes")
		}
		// Nor does it take bytes the reflecting canonical encoder would
		// not write (EncodeVersion is a direct encoder).
		sig := v.Signature
		if len(sig) == 0 {
			sig = nil
		}
		if want, err := models.Canonical(versionWire{V: v, Sig: sig}); err != nil || !bytes.Equal(want, data) {
			t.Fatalf("decoded bytes are not models.Canonical's: %v", err)
		}
	})
}

func FuzzDecodeBundle(f *testing.F) {
	s := openTest(f, f.TempDir())
	a := testIdentity(1, "A")
	s.Commit("d", DefaultBranch, snap(f, "F", 1), "", a)
	s.Commit("d", DefaultBranch, snap(f, "F", 2), "", a)
	var buf bytes.Buffer
	if err := s.ExportBundle(&buf, "d"); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:40])
	f.Add([]byte(bundleMagic))
	// Format 2 with a tombstone: a branch made, committed on and deleted.
	v2, err := s.Head("d", DefaultBranch)
	if err != nil {
		f.Fatal(err)
	}
	if err := s.Branch("d", "x", v2.ID); err != nil {
		f.Fatal(err)
	}
	if _, err := s.Commit("d", "x", snap(f, "F", 3), "", a); err != nil {
		f.Fatal(err)
	}
	if err := s.DeleteBranchAs("d", "x", a); err != nil {
		f.Fatal(err)
	}
	buf.Reset()
	if err := s.ExportBundle(&buf, "d"); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	// Format 1 (no tombstones).
	all, err := s.Collect("d", nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(encodeV1(f, "d", all))
	f.Fuzz(func(t *testing.T, data []byte) {
		design, b, err := DecodeBundle(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, v := range b.Versions {
			if v.Design != design || Verify(v) != nil {
				t.Fatal("bundle yielded an unverified version")
			}
		}
		if len(b.Tombstones) > MaxBatchTombstones {
			t.Fatal("too many tombstones")
		}
		for _, tb := range b.Tombstones {
			// Of the design and canonical; the signature is the
			// receive's to check.
			if tb.Design != design {
				t.Fatal("bundle yielded a tombstone of another design")
			}
			if raw, err := EncodeTombstone(tb); err != nil || len(raw) > MaxTombstoneSize {
				t.Fatalf("bundle yielded a tombstone that does not re-encode: %v", err)
			}
		}
	})
}
