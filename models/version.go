package models

// HLC is a hybrid logical clock reading: wall time in Unix milliseconds and
// a logical counter that orders events within the same millisecond and
// across machines whose clocks disagree.
type HLC struct {
	_       struct{} `cbor:",toarray"`
	Wall    int64
	Logical uint32
}

// Less orders clock readings.
func (h HLC) Less(o HLC) bool {
	if h.Wall != o.Wall {
		return h.Wall < o.Wall
	}
	return h.Logical < o.Logical
}

// Author identifies who made a version: the libp2p peer ID of their machine
// (which is also their signing key) and a display name.
type Author struct {
	PeerID string `cbor:"peer"`
	Name   string `cbor:"name"`
}

// Stamp orders concurrent changes to the same property: the larger (Time,
// Author) wins a conflict.
type Stamp struct {
	Time   HLC
	Author string // peer ID
}

// Less orders stamps by time, then author.
func (s Stamp) Less(o Stamp) bool {
	if s.Time != o.Time {
		return s.Time.Less(o.Time)
	}
	return s.Author < o.Author
}

// Version is one node of a design's history. ID is the hex SHA-256 of the
// canonical bytes of every field but Signature; the author's Ed25519 key
// (PubKey) signs the same bytes. Merge versions have no author, no key and
// no signature: they are fully determined by their parents.
type Version struct {
	ID        ID     `cbor:"-"`
	Design    ID     `cbor:"design"`
	Parents   []ID   `cbor:"parents"` // sorted ascending
	Author    Author `cbor:"author"`
	Time      HLC    `cbor:"time"`
	Message   string `cbor:"message"`
	Root      Hash   `cbor:"root"`   // hash of the snapshot manifest (element ID → element hash)
	PubKey    []byte `cbor:"pubkey"` // Ed25519 public key of the author, empty for merges
	Signature []byte `cbor:"-"`
}

// Conflict records one (element, property) that both sides of a merge
// changed differently, with both values so the designer can flip it. A nil
// value means the side deleted the element.
type Conflict struct {
	Design      ID     `cbor:"design"`
	Merge       ID     `cbor:"merge"` // the merge version that chose
	Element     ID     `cbor:"element"`
	Prop        string `cbor:"prop"` // "" when the conflict is about the element's existence
	Winner      []byte `cbor:"winner"`
	Loser       []byte `cbor:"loser"`
	WinnerStamp Stamp  `cbor:"winner_stamp"`
	LoserStamp  Stamp  `cbor:"loser_stamp"`
}
