package sigcheck

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"filippo.io/edwards25519"
	"filippo.io/edwards25519/field"
)

// warm returns a verifier that has made the table of pub.
func warm(t testing.TB, pub ed25519.PublicKey, priv ed25519.PrivateKey) *Verifier {
	t.Helper()
	v := NewVerifier(4)
	warmUp(t, v, pub, priv)
	return v
}

// warmUp has v make the table of pub.
func warmUp(t testing.TB, v *Verifier, pub ed25519.PublicKey, priv ed25519.PrivateKey) {
	t.Helper()
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

// variant is a signature, good or spoiled in one way.
type variant struct {
	what string
	job  Job
}

// variants is pub's good signature sig of msg and each way of spoiling
// it.
func variants(t testing.TB, r *rand.Rand, pub ed25519.PublicKey, msg, sig []byte) []variant {
	l, _ := hex.DecodeString("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010") // the group order, little-endian
	vs := []variant{{"good", Job{pub, msg, sig}}}
	add := func(what string, m, s []byte) { vs = append(vs, variant{what, Job{pub, m, s}}) }
	// A flipped bit anywhere in the signature or the message.
	s2 := append([]byte(nil), sig...)
	s2[r.IntN(64)] ^= 1 << r.IntN(8)
	add("flipped signature bit", msg, s2)
	if len(msg) > 0 {
		m2 := append([]byte(nil), msg...)
		m2[r.IntN(len(m2))] ^= 1 << r.IntN(8)
		add("flipped message bit", m2, sig)
	}
	// S + L: the same scalar, not canonical.
	s3 := append([]byte(nil), sig...)
	carry := 0
	for i := range 32 {
		x := int(s3[32+i]) + int(l[i]) + carry
		s3[32+i], carry = byte(x), x>>8
	}
	add("S+L", msg, s3)
	// The top bits set.
	s4 := append([]byte(nil), sig...)
	s4[63] |= 0x20
	add("top bits", msg, s4)
	// R with a torsion component: cofactored checks accept it, this one
	// (like the standard library) does not.
	R, err := new(edwards25519.Point).SetBytes(sig[:32])
	if err != nil {
		t.Fatal(err)
	}
	add("R plus torsion", msg, append(new(edwards25519.Point).Add(R, torsion8(t)).Bytes(), sig[32:]...))
	// Short and long.
	add("short", msg, sig[:63])
	add("long", msg, append(append([]byte(nil), sig...), 0))
	return vs
}

func randomMessage(r *rand.Rand) []byte {
	msg := make([]byte, r.IntN(300))
	for i := range msg {
		msg[i] = byte(r.Uint32())
	}
	return msg
}

// Good signatures, and each way of spoiling one, get the standard
// library's answer from a verifier using its table.
func TestVerifyMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var good, bad int
	for range 20 {
		pub, priv := key(r)
		v := warm(t, pub, priv)
		for range 50 {
			msg := randomMessage(r)
			for _, c := range variants(t, r, pub, msg, ed25519.Sign(priv, msg)) {
				if same(t, v, c.what, c.job.Pub, c.job.Msg, c.job.Sig) {
					good++
				} else {
					bad++
				}
			}
		}
	}
	if good != 1000 || bad < 5000 {
		t.Fatalf("%d good, %d bad", good, bad)
	}
}

// One batch of good and spoiled signatures, by keys with a table, a key
// still checked by the standard library and keys the table never takes,
// in random order: every answer is the standard library's for that
// signature alone.
func TestVerifyAllMatchesStdlib(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 18))
	v := NewVerifier(4)
	var all []variant
	for k := range 3 {
		pub, priv := key(r)
		if k < 2 {
			warmUp(t, v, pub, priv)
		}
		for range 40 {
			msg := randomMessage(r)
			all = append(all, variants(t, r, pub, msg, ed25519.Sign(priv, msg))...)
		}
	}
	if v.tableFor(all[len(all)-1].job.Pub) != nil {
		t.Fatal("the third key has a table: it should be checked by the standard library")
	}
	for i := range 20 { // keys of small order: [S]B = R passes or not
		var sb [64]byte
		for j := range sb {
			sb[j] = byte(r.Uint32())
		}
		s, _ := edwards25519.NewScalar().SetUniformBytes(sb[:])
		sig := append(new(edwards25519.Point).ScalarBaseMult(s).Bytes(), s.Bytes()...)
		all = append(all, variant{"order 8 key", Job{torsion8(t).Bytes(), []byte{byte(i)}, sig}})
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	for _, n := range []int{len(all), 1, 2, 7} { // one batch, and batches of a few
		for lo := 0; lo < len(all); lo += n {
			part := all[lo:min(lo+n, len(all))]
			jobs := make([]Job, len(part))
			for i := range part {
				jobs[i] = part[i].job
			}
			ok := make([]bool, len(jobs)+1)
			for i := range ok {
				ok[i] = true // the answers overwrite; beyond the jobs: left alone
			}
			v.VerifyAll(jobs, ok)
			var good int
			for i, j := range jobs {
				if want := ed25519.Verify(j.Pub, j.Msg, j.Sig); ok[i] != want {
					t.Fatalf("batch of %d, %s: VerifyAll %v, crypto/ed25519 %v", n, part[i].what, ok[i], want)
				}
				if ok[i] {
					good++
				}
			}
			if !ok[len(jobs)] {
				t.Fatal("VerifyAll wrote beyond its jobs")
			}
			if n == len(all) && (good < 120 || good == len(jobs)) {
				t.Fatalf("%d of %d good: the batch does not test both answers", good, len(jobs))
			}
		}
	}
}

// invertAll inverts each element as field.Element.Invert does, and
// refuses, changing nothing, a list holding zero.
func TestInvertAll(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 20))
	for _, n := range []int{0, 1, 2, 3, 17} {
		zs := make([]field.Element, n)
		want := make([]field.Element, n)
		for i := range zs {
			var b [32]byte
			for j := range b {
				b[j] = byte(r.Uint32())
			}
			b[31] &= 127
			if _, err := zs[i].SetBytes(b[:]); err != nil {
				t.Fatal(err)
			}
			want[i].Invert(&zs[i])
		}
		if !invertAll(zs) {
			t.Fatalf("%d elements: refused", n)
		}
		for i := range zs {
			if zs[i].Equal(&want[i]) != 1 {
				t.Fatalf("%d elements: element %d's inverse wrong", n, i)
			}
		}
		if n >= 2 {
			zs[n/2].Zero()
			before := slices.Clone(zs)
			if invertAll(zs) {
				t.Fatalf("%d elements with a zero: inverted", n)
			}
			for i := range zs {
				if zs[i].Equal(&before[i]) != 1 {
					t.Fatalf("%d elements with a zero: element %d changed", n, i)
				}
			}
		}
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
		for w := uint(4); w <= 8; w++ {
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
			n := rows(w)
			for i := range 64 {
				half := 1 << (w - 1)
				if i >= n && d[i] != 0 || d[i] < -half || d[i] > half || d[i] == half && i < n-1 {
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

// BenchmarkVerify: signatures by one key, 64 different ones in turn (one
// signature again and again keeps the table entries it uses in the
// cache, which a pull's signatures do not).
func BenchmarkVerify(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	pub, priv := key(r)
	jobs := signedJobs(pub, priv, 64)
	b.Run("crypto-ed25519", func(b *testing.B) {
		i := 0
		for b.Loop() {
			j := jobs[i%len(jobs)]
			if !ed25519.Verify(j.Pub, j.Msg, j.Sig) {
				b.Fatal("refused")
			}
			i++
		}
	})
	b.Run("sigcheck-table", func(b *testing.B) {
		v := warm(b, pub, priv)
		i := 0
		for b.Loop() {
			j := jobs[i%len(jobs)]
			if !v.Verify(j.Pub, j.Msg, j.Sig) {
				b.Fatal("refused")
			}
			i++
		}
	})
}

// signedJobs is n signatures by one key of 250-byte messages.
func signedJobs(pub ed25519.PublicKey, priv ed25519.PrivateKey, n int) []Job {
	jobs := make([]Job, n)
	for i := range jobs {
		msg := make([]byte, 250)
		msg[0], msg[1] = byte(i), 7
		jobs[i] = Job{Pub: pub, Msg: msg, Sig: ed25519.Sign(priv, msg)}
	}
	return jobs
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

// BenchmarkVerifyAll: the signatures of BenchmarkVerify checked in one
// batch; ns/signature compares with its ns/op.
func BenchmarkVerifyAll(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	pub, priv := key(r)
	jobs := signedJobs(pub, priv, 64)
	v := warm(b, pub, priv)
	ok := make([]bool, len(jobs))
	for b.Loop() {
		v.VerifyAll(jobs, ok)
		for i := range ok {
			if !ok[i] {
				b.Fatal("refused")
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(jobs)), "ns/signature")
}
