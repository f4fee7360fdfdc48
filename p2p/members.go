package p2p

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"cordwain/models"
	"cordwain/models/store"
)

// MembersDesign is the ID under which the studio keeps its member list:
// a document in the store like a design, so it is versioned, signed by the
// member who changed it, synced with everything else and merged property
// by property. It is not a design: libraries and commands skip it.
const MembersDesign models.ID = "00000000c0de0001"

// memberKind is the element kind of one member.
const memberKind models.Kind = "member"

// Member is one machine of the studio.
type Member struct {
	PeerID    string `json:"peer"`
	Name      string `json:"name"`
	InvitedBy string `json:"invited_by,omitempty"` // peer ID of who invited it
	Since     int64  `json:"since"`                // Unix milliseconds
	Removed   bool   `json:"removed,omitempty"`
}

// IsStudioDoc reports whether a store "design" is the studio's own
// document rather than a shoe design.
func IsStudioDoc(id models.ID) bool { return id == MembersDesign }

func memberElementID(peerID string) models.ID {
	sum := sha256.Sum256([]byte(peerID))
	return models.ID(hex.EncodeToString(sum[:8]))
}

// Members lists the studio's members, by name; removed ones included
// (marked).
func Members(s *store.Store) ([]Member, error) {
	head, err := s.Head(MembersDesign, store.DefaultBranch)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	snap, err := s.Snapshot(head.ID)
	if err != nil {
		return nil, err
	}
	out, err := membersOf(snap)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Name+a.PeerID, b.Name+b.PeerID) })
	return out, nil
}

func membersOf(snap models.Snapshot) ([]Member, error) {
	var out []Member
	for id, e := range snap {
		if e.Kind != memberKind {
			return nil, fmt.Errorf("studio members: element %s is a %q", id, e.Kind)
		}
		var m Member
		for name, dst := range map[string]any{"peer": &m.PeerID, "name": &m.Name, "invited_by": &m.InvitedBy, "since": &m.Since, "removed": &m.Removed} {
			if raw, ok := e.Props[name]; ok {
				if err := models.DecodeCanonical(raw, dst); err != nil {
					return nil, fmt.Errorf("studio members: %s.%s: %w", id, name, err)
				}
			}
		}
		if memberElementID(m.PeerID) != id {
			return nil, fmt.Errorf("studio members: element %s does not belong to peer %q", id, m.PeerID)
		}
		out = append(out, m)
	}
	return out, nil
}

// ValidateMembers checks a members document as a commit or a received
// version of it must be: every element a member with a real peer ID, a
// name and a known inviter.
func ValidateMembers(snap models.Snapshot) error {
	ms, err := membersOf(snap)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := CheckAuthorID(m.PeerID); err != nil {
			return fmt.Errorf("studio members: %w", err)
		}
		if m.InvitedBy != "" {
			if err := CheckAuthorID(m.InvitedBy); err != nil {
				return fmt.Errorf("studio members: invited by: %w", err)
			}
		}
		if strings.TrimSpace(m.Name) == "" || !utf8.ValidString(m.Name) || len(m.Name) > 200 {
			return fmt.Errorf("studio members: member %s has no usable name", m.PeerID)
		}
	}
	return nil
}

// SetMember adds or updates a member (or marks it removed), as a version
// of the members document signed by author.
func SetMember(s *store.Store, author *store.Identity, m Member, msg string) error {
	snap := models.Snapshot{}
	if head, err := s.Head(MembersDesign, store.DefaultBranch); err == nil {
		if snap, err = s.Snapshot(head.ID); err != nil {
			return err
		}
		snap = maps.Clone(snap)
	}
	id := memberElementID(m.PeerID)
	props := models.Props{}
	for name, v := range map[string]any{"peer": m.PeerID, "name": m.Name, "since": m.Since} {
		b, err := models.Canonical(v)
		if err != nil {
			return err
		}
		props[name] = b
	}
	if m.InvitedBy != "" {
		props["invited_by"], _ = models.Canonical(m.InvitedBy)
	}
	if m.Removed {
		props["removed"], _ = models.Canonical(true)
	}
	snap[id] = models.Element{ID: id, Kind: memberKind, Props: props}
	if err := ValidateMembers(snap); err != nil {
		return err
	}
	_, err := s.Commit(MembersDesign, store.DefaultBranch, snap, msg, author)
	if errors.Is(err, store.ErrNoChange) {
		return nil
	}
	return err
}

// MemberSet answers "is this peer a current member?"; an empty studio
// (no list yet) treats everyone as a member.
type MemberSet map[string]bool

// CurrentMembers is the set of members not removed.
func CurrentMembers(s *store.Store) MemberSet {
	ms, err := Members(s)
	if err != nil || len(ms) == 0 {
		return nil
	}
	set := MemberSet{}
	for _, m := range ms {
		if !m.Removed {
			set[m.PeerID] = true
		}
	}
	return set
}

// Has reports whether peerID is a current member (true when there is no
// list).
func (m MemberSet) Has(peerID string) bool { return m == nil || m[peerID] }

// CheckAuthorID checks that s is a libp2p peer ID.
func CheckAuthorID(s string) error {
	if _, err := decodePeer(s); err != nil {
		return fmt.Errorf("%q is not a peer ID", s)
	}
	return nil
}
