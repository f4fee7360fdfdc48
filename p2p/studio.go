package p2p

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/libp2p/go-libp2p/core/pnet"
	ma "github.com/multiformats/go-multiaddr"
)

// KeySize is the length of a studio key (libp2p private-network PSK).
const KeySize = 32

// Studio is a private network of Cordwain machines: a display name and the
// pre-shared key. Hosts without the key fail the handshake and read
// nothing.
type Studio struct {
	Name string
	Key  [KeySize]byte
}

// NewStudio makes a studio with a fresh random key.
func NewStudio(name string) (*Studio, error) {
	if err := checkStudioName(name); err != nil {
		return nil, err
	}
	s := &Studio{Name: name}
	if _, err := rand.Read(s.Key[:]); err != nil {
		return nil, fmt.Errorf("making studio key: %w", err)
	}
	return s, nil
}

// PSK is the key in the form libp2p's private network transport takes.
func (s *Studio) PSK() pnet.PSK { return pnet.PSK(s.Key[:]) }

// MarshalPSK writes the key in libp2p's "swarm key" v1 format (base16), so
// other libp2p tools can read it.
func (s *Studio) MarshalPSK() []byte {
	return []byte("/key/swarm/psk/1.0.0/\n/base16/\n" + hex.EncodeToString(s.Key[:]) + "\n")
}

// UnmarshalPSK reads a key written by MarshalPSK (or any libp2p v1 swarm
// key file).
func UnmarshalPSK(name string, data []byte) (*Studio, error) {
	psk, err := pnet.DecodeV1PSK(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading studio key: %w", err)
	}
	if len(psk) != KeySize {
		return nil, fmt.Errorf("reading studio key: %d bytes, want %d", len(psk), KeySize)
	}
	if err := checkStudioName(name); err != nil {
		return nil, err
	}
	s := &Studio{Name: name}
	copy(s.Key[:], psk)
	return s, nil
}

func checkStudioName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("studio name is empty")
	case !utf8.ValidString(name):
		return errors.New("studio name is not valid UTF-8")
	case len(name) > maxNameBytes:
		return fmt.Errorf("studio name is %d bytes, at most %d", len(name), maxNameBytes)
	}
	return nil
}

// Invite is what a new machine needs to join a studio: its name and key,
// and where the inviter can be reached.
type Invite struct {
	Studio Studio
	Addrs  []ma.Multiaddr // the inviter's addresses, each ending in /p2p/<peer ID>
}

// Invite code format: "CW1-" followed by base32 (RFC 4648, no padding) of
//
//	version(1) | name length(1) | name | key(32) | address count(1) |
//	{address length(2, big endian) | binary multiaddr}… | checksum(4)
//
// where the checksum is the first four bytes of SHA-256 of everything before
// it. Dashes and spaces may be inserted anywhere and letters may be of any
// case, so the code survives being read aloud or re-typed from a chat.
const (
	invitePrefix  = "CW1-"
	inviteVersion = 1
	maxNameBytes  = 200
	maxAddrs      = 16
	maxAddrBytes  = 512
	maxCodeChars  = 4096
)

var inviteEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Errors of invite decoding.
var (
	ErrInviteFormat   = errors.New("not a Cordwain invite code")
	ErrInviteChecksum = errors.New("invite code is damaged (checksum mismatch): copy it again")
	ErrInviteVersion  = errors.New("invite code comes from a newer Cordwain")
)

// Encode renders the invite as text.
func (inv *Invite) Encode() (string, error) {
	if err := checkStudioName(inv.Studio.Name); err != nil {
		return "", err
	}
	if len(inv.Addrs) > maxAddrs {
		return "", fmt.Errorf("invite: %d addresses, at most %d", len(inv.Addrs), maxAddrs)
	}
	var b bytes.Buffer
	b.WriteByte(inviteVersion)
	b.WriteByte(byte(len(inv.Studio.Name)))
	b.WriteString(inv.Studio.Name)
	b.Write(inv.Studio.Key[:])
	b.WriteByte(byte(len(inv.Addrs)))
	for _, a := range inv.Addrs {
		raw := a.Bytes()
		if len(raw) > maxAddrBytes {
			return "", fmt.Errorf("invite: address %s is too long", a)
		}
		_ = binary.Write(&b, binary.BigEndian, uint16(len(raw)))
		b.Write(raw)
	}
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:4])
	text := inviteEncoding.EncodeToString(b.Bytes())
	// Groups of five for reading aloud.
	var out strings.Builder
	out.WriteString(invitePrefix)
	for i := 0; i < len(text); i += 5 {
		if i > 0 {
			out.WriteByte('-')
		}
		out.WriteString(text[i:min(i+5, len(text))])
	}
	return out.String(), nil
}

// DecodeInvite parses an invite code. Any damage gives an error and no
// invite.
func DecodeInvite(code string) (*Invite, error) {
	if len(code) > maxCodeChars {
		return nil, fmt.Errorf("%w: too long", ErrInviteFormat)
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if !strings.HasPrefix(code, invitePrefix) {
		return nil, fmt.Errorf("%w: it should start with %s", ErrInviteFormat, invitePrefix)
	}
	body := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\n' || r == '\r' || r == '\t' {
			return -1
		}
		return r
	}, code[len(invitePrefix):])
	raw, err := inviteEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInviteFormat, err)
	}
	if len(raw) < 1+1+KeySize+1+4 {
		return nil, fmt.Errorf("%w: too short", ErrInviteFormat)
	}
	payload, sum := raw[:len(raw)-4], raw[len(raw)-4:]
	want := sha256.Sum256(payload)
	if !bytes.Equal(sum, want[:4]) {
		return nil, ErrInviteChecksum
	}
	if payload[0] != inviteVersion {
		return nil, fmt.Errorf("%w (format %d)", ErrInviteVersion, payload[0])
	}
	r := bytes.NewReader(payload[1:])
	nameLen, _ := r.ReadByte()
	name := make([]byte, nameLen)
	if _, err := r.Read(name); err != nil || len(name) != int(nameLen) {
		return nil, fmt.Errorf("%w: truncated name", ErrInviteFormat)
	}
	inv := &Invite{Studio: Studio{Name: string(name)}}
	if err := checkStudioName(inv.Studio.Name); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInviteFormat, err)
	}
	if n, _ := r.Read(inv.Studio.Key[:]); n != KeySize {
		return nil, fmt.Errorf("%w: truncated key", ErrInviteFormat)
	}
	count, err := r.ReadByte()
	if err != nil || count > maxAddrs {
		return nil, fmt.Errorf("%w: bad address count", ErrInviteFormat)
	}
	for i := 0; i < int(count); i++ {
		var n uint16
		if err := binary.Read(r, binary.BigEndian, &n); err != nil || n == 0 || n > maxAddrBytes || int(n) > r.Len() {
			return nil, fmt.Errorf("%w: bad address %d", ErrInviteFormat, i+1)
		}
		buf := make([]byte, n)
		_, _ = r.Read(buf)
		a, err := ma.NewMultiaddrBytes(buf)
		if err != nil {
			return nil, fmt.Errorf("%w: address %d: %v", ErrInviteFormat, i+1, err)
		}
		inv.Addrs = append(inv.Addrs, a)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%w: %d stray bytes", ErrInviteFormat, r.Len())
	}
	return inv, nil
}
