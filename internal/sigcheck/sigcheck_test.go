package sigcheck

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"filippo.io/edwards25519"
)

// warm returns a verifier that has made the table of pub.
func warm(t testing.TB, pub ed25519.PublicKey, priv ed25519.PrivateKey) *Verifier {
	t.Helper()
	v := NewVerifier(4)
	msg := []byte("warm")
	sig := ed25519.Sign(priv, msg)
	for range tableAfter {
		if !v.Verify(pub, msg, sig) {
			t.Fatal("a good signature refused")
		}
	}
	if v.tableFor(pub) == nil {
		t.Fatal("no table after many uses")
	}
	return v
}

func key(r *rand.Rand) (ed25519.PublicKey, ed25519.PrivateKey) {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(r.Uint32())
	}
	priv := ed25519.NewKeyFromSeed(seed[:])
	return priv.Public().(ed25519.PublicKey), priv
}

// same fails t unless v and the standard library agree on (pub, msg, sig).
func same(t *testing.T, v *Verifier, what string, pub ed25519.PublicKey, msg, sig []byte) bool {
	t.Helper()
	want := ed25519.Verify(pub, msg, sig)
	if got := v.Verify(pub, msg, sig); got != want {
		t.Fatalf("%s: sigcheck %v, crypto/ed25519 %v (sig %x)", what, got, want, sig)
	}
	return want
}

// torsion8 is a point of order 8.
func torsion8(t testing.TB) *edwards25519.Point {
	b, _ := hex.DecodeString("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Good signatures, and each way of spoiling one, get the standard
// library's answer from a verifier using its table.
func TestVerifyMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	l, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010") // the group order, little-endian
	t8 := torsion8(t)
	var good, bad int
	for range 20 {
		pub, priv := key(r)
		v := warm(t, pub, priv)
		for range 50 {
			msg := make([]byte, r.IntN(300))
			for i := range msg {
				msg[i] = byte(r.Uint32())
			}
			sig := ed25519.Sign(priv, msg)
			if same(t, v, "good", pub, msg, sig) {
				good++
			}
			// A flipped bit anywhere in the signature or the message.
			s2 := append([]byte(nil), sig...)
			s2[r.IntN(64)] ^= 1 << r.IntN(8)
			if !same(t, v, "flipped signature bit", pub, msg, s2) {
				bad++
			}
			if len(msg) > 0 {
				m2 := append([]byte(nil), msg...)
				m2[r.IntN(len(m2))] ^= 1 << r.IntN(8)
				if !same(t, v, "flipped message bit", pub, m2, sig) {
					bad++
				}
			}
			// S + L: the same scalar, not canonical.
			s3 := append([]byte(nil), sig...)
			carry := 0
			for i := range 32 {
				x := int(s3[32+i]) + int(l[i]) + carry
				s3[32+i], carry = byte(x), x>>8
			}
			if !same(t, v, "S+L", pub, msg, s3) {
				bad++
			}
			// The top bits set.
			s4 := append([]byte(nil), sig...)
			s4[63] |= 0x20
			same(t, v, "top bits", pub, msg, s4)
			// R with a torsion component: cofactored checks accept
			// it, this one (like the standard library) does not.
			R, err := new(edwards25519.Point).SetBytes(sig[:32])
			if err != nil {
				t.Fatal(err)
			}
			s5 := append(new(edwards25519.Point).Add(R, t8).Bytes(), sig[32:]...)
			same(t, v, "R plus torsion", pub, msg, s5)
			// Short and long.
			same(t, v, "short", pub, msg, sig[:63])
			same(t, v, "long", pub, msg, append(append([]byte(nil), sig...), 0))
		}
	}
	if good != 1000 || bad < 2000 {
		t.Fatalf("%d good, %d bad", good, bad)
	}
}

// Keys the table does not take: not canonical, not a point, small
// order, and the identity; each verified as the standard library does.
func TestOddKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	identity := edwards25519.NewIdentityPoint().Bytes()
	nonCanonical := identity
	nonCanonical = append([]byte(nil), nonCanonical...)
	// y = 1 + p: the identity's y, not reduced.
	p, _ := hex.DecodeString("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	carry := 0
	for i := range 32 {
		x := int(nonCanonical[i]) + int(p[i]) + carry
		nonCanonical[i], carry = byte(x), x>>8
	}
	notPoint, _ := hex.DecodeString("0200000000000000000000000000000000000000000000000000000000000000")
	for _, tc := range []struct {
		name string
		pub  []byte
	}{
		{"identity", identity},
		{"non-canonical identity", nonCanonical},
		{"order 8", torsion8(t).Bytes()},
		{"not a point", notPoint},
	} {
		v := NewVerifier(4)
		for i := range 40 {
			// [S]B = R makes a signature that any key of small order
			// passes: k·A vanishes (for the identity) or not.
			var sb [64]byte
			for j := range sb {
				sb[j] = byte(r.Uint32())
			}
			s, _ := edwards25519.NewScalar().SetUniformBytes(sb[:])
			R := new(edwards25519.Point).ScalarBaseMult(s)
			sig := append(R.Bytes(), s.Bytes()...)
			msg := []byte{byte(i)}
			same(t, v, tc.name, tc.pub, msg, sig)
		}
	}
}

// Many keys: tables for the first few, the standard library for the
// rest; every answer right.
func TestManyKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	v := NewVerifier(2)
	for range 10 {
		pub, priv := key(r)
		for i := range 2 * tableAfter {
			msg := []byte{byte(i)}
			sig := ed25519.Sign(priv, msg)
			if !same(t, v, "good", pub, msg, sig) {
				t.Fatal("refused")
			}
			sig[5] ^= 4
			same(t, v, "bad", pub, msg, sig)
		}
	}
	if v.tables != 2 {
		t.Fatalf("%d tables, limit 2", v.tables)
	}
}

func TestSignedDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 1000 {
		var b [64]byte
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		s, _ := edwards25519.NewScalar().SetUniformBytes(b[:])
		for _, w := range []uint{4, 8} {
			d := signedDigits(s.Bytes(), w)
			// Σ d_i·2^(w·i), rebuilt as a scalar.
			acc := edwards25519.NewScalar()
			radix := edwards25519.NewScalar()
			var one [32]byte
			one[0] = 1
			pow, _ := edwards25519.NewScalar().SetCanonicalBytes(one[:])
			var rb [32]byte
			rb[w/8] = byte(1 << (w % 8))
			radix.SetCanonicalBytes(rb[:])
			n := 256 / int(w)
			for i := range n {
				half := 1 << (w - 1)
				if d[i] < -half || d[i] >= half && i < n-1 {
					t.Fatalf("digit %d = %d out of range (w %d)", i, d[i], w)
				}
				var db [32]byte
				x := d[i]
				neg := x < 0
				if neg {
					x = -x
				}
				db[0] = byte(x)
				ds, _ := edwards25519.NewScalar().SetCanonicalBytes(db[:])
				term := edwards25519.NewScalar().Multiply(ds, pow)
				if neg {
					acc.Subtract(acc, term)
				} else {
					acc.Add(acc, term)
				}
				pow.Multiply(pow, radix)
			}
			if acc.Equal(s) != 1 {
				t.Fatalf("digits (w %d) do not add up to the scalar", w)
			}
		}
	}
}

// FuzzVerify: a signature spoiled in any way the fuzzer finds gets the
// standard library's answer.
func FuzzVerify(f *testing.F) {
	f.Add([]byte("msg"), uint8(0), uint8(1), []byte{})
	f.Add([]byte(""), uint8(63), uint8(0x80), []byte{1, 2})
	r := rand.New(rand.NewPCG(9, 10))
	pub, priv := key(r)
	v := warm(f, pub, priv)
	f.Fuzz(func(t *testing.T, msg []byte, at, xor uint8, tail []byte) {
		sig := ed25519.Sign(priv, msg)
		sig[int(at)%64] ^= xor
		same(t, v, "fuzzed", pub, msg, sig)
		same(t, v, "fuzzed, longer message", pub, append(msg, tail...), sig)
		if len(tail) >= 32 {
			copy(sig[32:], tail[:32])
			same(t, v, "fuzzed S", pub, msg, sig)
		}
	})
}

func BenchmarkVerify(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	pub, priv := key(r)
	msg := make([]byte, 250)
	sig := ed25519.Sign(priv, msg)
	b.Run("crypto-ed25519", func(b *testing.B) {
		for b.Loop() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("refused")
			}
		}
	})
	b.Run("sigcheck-table", func(b *testing.B) {
		v := warm(b, pub, priv)
		for b.Loop() {
			if !v.Verify(pub, msg, sig) {
				b.Fatal("refused")
			}
		}
	})
}

// Goroutines verifying by the same keys while their tables are made (the
// store checks a batch on every core) all get the right answers; run
// with -race.
func TestConcurrentVerify(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	v := NewVerifier(3)
	type signed struct {
		pub      ed25519.PublicKey
		msg, sig []byte
		ok       bool
	}
	var all []signed
	for range 4 {
		pub, priv := key(r)
		for i := range 3 * tableAfter {
			msg := []byte{byte(i), 1}
			sig := ed25519.Sign(priv, msg)
			ok := i%3 != 0
			if !ok {
				sig[40] ^= 2
			}
			all = append(all, signed{pub, msg, sig, ok})
		}
	}
	errs := make(chan string, 8*len(all))
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range all {
				s := all[(i+g*7)%len(all)]
				if v.Verify(s.pub, s.msg, s.sig) != s.ok {
					errs <- fmt.Sprintf("goroutine %d: signature %d answered wrong", g, i)
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if v.tables != 3 {
		t.Fatalf("%d tables for 4 keys with a limit of 3", v.tables)
	}
}
