package p2p

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

func TestPeerIDEmbedsTheKey(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := PeerID(pub)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(id, "12D3KooW") {
		t.Fatalf("Ed25519 peer IDs start with 12D3KooW, got %s", id)
	}
	hk, err := HostKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	hostID, err := peer.IDFromPrivateKey(hk)
	if err != nil {
		t.Fatal(err)
	}
	if hostID.String() != id {
		t.Fatalf("host ID %s differs from the signing identity %s", hostID, id)
	}
	for range 2 { // the second time from the remembered pairs
		if err := CheckAuthor(id, pub); err != nil {
			t.Fatalf("own key refused: %v", err)
		}
	}
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	for name, tc := range map[string]struct {
		id  string
		key []byte
	}{
		"other key":     {id, otherPub},
		"not a peer ID": {"ed25519:abcd", pub},
		"short key":     {id, pub[:10]},
		"empty":         {"", nil},
	} {
		t.Run(name, func(t *testing.T) {
			if err := CheckAuthor(tc.id, tc.key); !errors.Is(err, ErrAuthorMismatch) {
				t.Fatalf("CheckAuthor = %v, want ErrAuthorMismatch", err)
			}
		})
	}
	if _, err := PeerID(pub[:5]); err == nil {
		t.Fatal("a 5-byte key made a peer ID")
	}
	if _, err := HostKey(priv[:5]); err == nil {
		t.Fatal("a 5-byte private key made a host key")
	}
}

func sampleInvite(t *testing.T) *Invite {
	t.Helper()
	s, err := NewStudio("瓯江鞋履设计室 Oujiang Studio")
	if err != nil {
		t.Fatal(err)
	}
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	id, _ := PeerID(pub)
	a1, err := ma.NewMultiaddr("/ip4/127.0.0.1/tcp/41234/p2p/" + id)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := ma.NewMultiaddr("/ip6/::1/tcp/41234/p2p/" + id)
	if err != nil {
		t.Fatal(err)
	}
	return &Invite{Studio: *s, Addrs: []ma.Multiaddr{a1, a2}}
}

func TestInviteRoundTrip(t *testing.T) {
	inv := sampleInvite(t)
	code, err := inv.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(code, "CW1-") {
		t.Fatalf("code %q lacks its prefix", code)
	}
	// Re-typed in lower case with the dashes turned into spaces.
	retyped := "  " + strings.ToLower(strings.ReplaceAll(code, "-", " ")) + "\n"
	retyped = "CW1-" + retyped[len("  cw1 "):]
	for name, c := range map[string]string{"as sent": code, "re-typed": retyped} {
		t.Run(name, func(t *testing.T) {
			got, err := DecodeInvite(c)
			if err != nil {
				t.Fatal(err)
			}
			if got.Studio != inv.Studio {
				t.Fatalf("studio %+v, want %+v", got.Studio, inv.Studio)
			}
			if len(got.Addrs) != 2 || !got.Addrs[0].Equal(inv.Addrs[0]) || !got.Addrs[1].Equal(inv.Addrs[1]) {
				t.Fatalf("addresses %v, want %v", got.Addrs, inv.Addrs)
			}
		})
	}
}

func TestInviteDamageIsRefused(t *testing.T) {
	code, err := sampleInvite(t).Encode()
	if err != nil {
		t.Fatal(err)
	}
	flip := []byte(code)
	i := len(code) / 2
	if flip[i] == 'A' {
		flip[i] = 'B'
	} else if flip[i] != '-' {
		flip[i] = 'A'
	} else {
		flip[i+1] = 'A' + (flip[i+1]-'A'+1)%26
	}
	cases := map[string]struct {
		code string
		want error
	}{
		"one character changed": {string(flip), ErrInviteChecksum},
		"cut short":             {code[:len(code)-7], nil},
		"no prefix":             {code[4:], ErrInviteFormat},
		"not base32":            {"CW1-0189!!", ErrInviteFormat},
		"empty":                 {"", ErrInviteFormat},
		"huge":                  {"CW1-" + strings.Repeat("A", 10000), ErrInviteFormat},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			inv, err := DecodeInvite(tc.code)
			if err == nil || inv != nil {
				t.Fatalf("damaged code accepted: %v", inv)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestPSKFileRoundTrip(t *testing.T) {
	s, err := NewStudio("Lucheng")
	if err != nil {
		t.Fatal(err)
	}
	got, err := UnmarshalPSK("Lucheng", s.MarshalPSK())
	if err != nil {
		t.Fatal(err)
	}
	if got.Key != s.Key || len(s.PSK()) != KeySize {
		t.Fatal("key changed in the round trip")
	}
	if _, err := UnmarshalPSK("Lucheng", []byte("/key/swarm/psk/1.0.0/\n/base16/\nzz\n")); err == nil {
		t.Fatal("a bad key file was accepted")
	}
	if _, err := NewStudio("   "); err == nil {
		t.Fatal("an empty studio name was accepted")
	}
	var other Studio
	if other.Key == s.Key {
		t.Fatal("NewStudio made an all-zero key")
	}
}

func FuzzDecodeInvite(f *testing.F) {
	inv := &Invite{Studio: Studio{Name: "S"}}
	code, _ := inv.Encode()
	f.Add(code)
	f.Add("CW1-AAAA-BBBB")
	f.Add("")
	f.Fuzz(func(t *testing.T, code string) {
		got, err := DecodeInvite(code)
		if err != nil {
			if got != nil {
				t.Fatal("an invite came back with an error")
			}
			return
		}
		again, err := got.Encode()
		if err != nil {
			t.Fatalf("decoded invite does not encode: %v", err)
		}
		back, err := DecodeInvite(again)
		if err != nil || back.Studio != got.Studio || len(back.Addrs) != len(got.Addrs) {
			t.Fatalf("re-encoding changed the invite: %v", err)
		}
	})
}
