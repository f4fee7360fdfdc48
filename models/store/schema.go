package store

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/hashicorp/go-memdb"

	"cordwain/models"
)

// Table names.
const (
	tableDesigns   = "designs"
	tableVersions  = "versions"
	tableRefs      = "refs"
	tableConflicts = "conflicts"
	tablePeers     = "peers"
	tableHeads     = "heads" // the versions no version has as parent
)

// Index names.
const (
	indexID         = "id"
	indexName       = "name"
	indexDesign     = "design"
	indexDesignTime = "design_time"
	indexParents    = "parents"
	indexMerge      = "merge"
)

// RefKind says whether a ref is a branch (moves with commits) or a tag
// (immutable).
type RefKind string

// Ref kinds.
const (
	RefBranch RefKind = "branch"
	RefTag    RefKind = "tag"
)

// DefaultBranch is the branch a new design starts on.
const DefaultBranch = "main"

// DesignInfo is one entry of the designs list.
type DesignInfo struct {
	ID     models.ID
	Name   string     // from the meta element of the newest head
	Latest models.ID  // the newest version (by time, ID)
	Time   models.HLC // its time
}

// Ref is a named pointer to a version.
type Ref struct {
	Key     string // design \x00 kind \x00 name, the memdb and bbolt key
	Design  models.ID
	Kind    RefKind
	Name    string
	Version models.ID
}

// ConflictRecord is a merge conflict as stored: the conflict and, once the
// designer flipped it, the version that took the loser's value.
type ConflictRecord struct {
	Key string // design \x00 merge \x00 element \x00 prop
	models.Conflict
	FlippedBy models.ID `cbor:"flipped_by,omitempty"`
}

// Peer is a remembered sync peer.
type Peer struct {
	ID       string   `cbor:"id"`
	Name     string   `cbor:"name,omitempty"`
	Addrs    []string `cbor:"addrs,omitempty"`
	LastSeen int64    `cbor:"last_seen,omitempty"` // Unix milliseconds
}

func refKey(design models.ID, kind RefKind, name string) string {
	return string(design) + "\x00" + string(kind) + "\x00" + name
}

func conflictKey(c *models.Conflict) string {
	return string(c.Design) + "\x00" + string(c.Merge) + "\x00" + string(c.Element) + "\x00" + c.Prop
}

// schema is the memdb schema: one function per table.
func schema() *memdb.DBSchema {
	return &memdb.DBSchema{Tables: map[string]*memdb.TableSchema{
		tableDesigns:   designsTable(),
		tableVersions:  versionsTable(),
		tableRefs:      refsTable(),
		tableConflicts: conflictsTable(),
		tablePeers:     peersTable(),
		tableHeads:     headsTable(),
	}}
}

func designsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableDesigns,
		Indexes: map[string]*memdb.IndexSchema{
			indexID:   {Name: indexID, Unique: true, Indexer: fieldOf(func(d *DesignInfo) string { return string(d.ID) })},
			indexName: {Name: indexName, AllowMissing: true, Indexer: lowered(fieldOf(func(d *DesignInfo) string { return d.Name }))},
		},
	}
}

func versionsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableVersions,
		Indexes: map[string]*memdb.IndexSchema{
			// Typed indexers (not memdb's reflective field indexes, with
			// the same keys): loading a design indexes every version.
			indexID: {Name: indexID, Unique: true, Indexer: versionIDIndex{}},
			// design_time orders a design's versions by (time, ID), a
			// total order: newest first is a reverse walk of the prefix.
			indexDesignTime: {Name: indexDesignTime, Unique: true, Indexer: designTimeIndex{}},
			indexParents:    {Name: indexParents, AllowMissing: true, Indexer: versionParentsIndex{}},
		},
	}
}

// headsTable holds each design's heads (kept by insertVersions), so
// finding them does not walk the design's history.
func headsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableHeads,
		Indexes: map[string]*memdb.IndexSchema{
			indexID:         {Name: indexID, Unique: true, Indexer: versionIDIndex{}},
			indexDesignTime: {Name: indexDesignTime, Unique: true, Indexer: designTimeIndex{}},
		},
	}
}

// insertVersions indexes versions not yet indexed (a version is never
// removed) and keeps the heads table: a new version is a head unless a
// version indexed before has it as parent, and its parents are heads no
// more.
func insertVersions(txn *memdb.Txn, vs []*models.Version) error {
	for _, v := range vs {
		if err := txn.Insert(tableVersions, v); err != nil {
			return fmt.Errorf("indexing version %s: %w", short(v.ID), err)
		}
	}
	for _, v := range vs {
		for _, p := range v.Parents {
			if _, err := txn.DeleteAll(tableHeads, indexID, string(p)); err != nil {
				return fmt.Errorf("indexing heads: %w", err)
			}
		}
	}
	for _, v := range vs {
		child, err := txn.First(tableVersions, indexParents, string(v.ID))
		if err != nil {
			return fmt.Errorf("indexing heads: %w", err)
		}
		if child == nil {
			if err := txn.Insert(tableHeads, v); err != nil {
				return fmt.Errorf("indexing heads: %w", err)
			}
		}
	}
	return nil
}

func refsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableRefs,
		Indexes: map[string]*memdb.IndexSchema{
			indexID:     {Name: indexID, Unique: true, Indexer: fieldOf(func(r *Ref) string { return r.Key })},
			indexDesign: {Name: indexDesign, Indexer: fieldOf(func(r *Ref) string { return string(r.Design) })},
		},
	}
}

func conflictsTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tableConflicts,
		Indexes: map[string]*memdb.IndexSchema{
			// Without reflection: a merge can record dozens of conflicts.
			indexID:     {Name: indexID, Unique: true, Indexer: fieldOf(func(c *ConflictRecord) string { return c.Key })},
			indexDesign: {Name: indexDesign, Indexer: fieldOf(func(c *ConflictRecord) string { return string(c.Design) })},
			indexMerge:  {Name: indexMerge, Indexer: fieldOf(func(c *ConflictRecord) string { return string(c.Merge) })},
		},
	}
}

func peersTable() *memdb.TableSchema {
	return &memdb.TableSchema{
		Name: tablePeers,
		Indexes: map[string]*memdb.IndexSchema{
			indexID: {Name: indexID, Unique: true, Indexer: &memdb.StringFieldIndex{Field: "ID"}},
		},
	}
}

// designTimeIndex indexes versions by design, then time, then ID:
// design \x00 wall(8, sign-flipped big-endian) logical(4) ID. Args: the
// design (string or models.ID); the prefix form takes the same.
type designTimeIndex struct{}

func (designTimeIndex) FromObject(obj any) (bool, []byte, error) {
	v, ok := obj.(*models.Version)
	if !ok {
		return false, nil, fmt.Errorf("design_time index: %T is not a *models.Version", obj)
	}
	return true, designTimeKey(v.Design, v.Time, v.ID), nil
}

func (designTimeIndex) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("design_time index: want 1 argument, got %d", len(args))
	}
	d, err := idArg(args[0])
	if err != nil {
		return nil, err
	}
	return []byte(d + "\x00"), nil
}

func (i designTimeIndex) PrefixFromArgs(args ...any) ([]byte, error) { return i.FromArgs(args...) }

func idArg(a any) (string, error) {
	switch a := a.(type) {
	case string:
		return a, nil
	case models.ID:
		return string(a), nil
	}
	return "", fmt.Errorf("index argument %T is not a string", a)
}

func designTimeKey(design models.ID, t models.HLC, id models.ID) []byte {
	k := make([]byte, 0, len(design)+1+12+len(id))
	k = append(k, design...)
	k = append(k, 0)
	k = binary.BigEndian.AppendUint64(k, uint64(t.Wall)^(1<<63))
	k = binary.BigEndian.AppendUint32(k, t.Logical)
	return append(k, id...)
}

// versionIDIndex indexes versions by ID, as memdb.StringFieldIndex would
// (the value and a NUL).
type versionIDIndex struct{}

func (versionIDIndex) FromObject(obj any) (bool, []byte, error) {
	v, ok := obj.(*models.Version)
	if !ok {
		return false, nil, fmt.Errorf("id index: %T is not a *models.Version", obj)
	}
	if v.ID == "" {
		return false, nil, nil
	}
	return true, append([]byte(v.ID), 0), nil
}

func (versionIDIndex) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("id index: want 1 argument, got %d", len(args))
	}
	s, err := idArg(args[0])
	if err != nil {
		return nil, err
	}
	return append([]byte(s), 0), nil
}

// versionParentsIndex indexes versions by each parent, as
// memdb.StringSliceFieldIndex would.
type versionParentsIndex struct{}

func (versionParentsIndex) FromObject(obj any) (bool, [][]byte, error) {
	v, ok := obj.(*models.Version)
	if !ok {
		return false, nil, fmt.Errorf("parents index: %T is not a *models.Version", obj)
	}
	var out [][]byte
	for _, p := range v.Parents {
		if p != "" {
			out = append(out, append([]byte(p), 0))
		}
	}
	return len(out) > 0, out, nil
}

func (versionParentsIndex) FromArgs(args ...any) ([]byte, error) {
	return versionIDIndex{}.FromArgs(args...)
}

// strIndex is memdb.StringFieldIndex without reflection (the same keys:
// the value, lowercased if asked, and a NUL; an empty value is missing):
// a lazy open indexes every design and ref.
type strIndex struct {
	get   func(obj any) (string, bool)
	lower bool
}

func (x strIndex) FromObject(obj any) (bool, []byte, error) {
	v, ok := x.get(obj)
	if !ok {
		return false, nil, fmt.Errorf("string index: unexpected %T", obj)
	}
	if v == "" {
		return false, nil, nil
	}
	if x.lower {
		v = strings.ToLower(v)
	}
	return true, append([]byte(v), 0), nil
}

func (x strIndex) FromArgs(args ...any) ([]byte, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("string index: want 1 argument, got %d", len(args))
	}
	v, err := idArg(args[0])
	if err != nil {
		return nil, err
	}
	if x.lower {
		v = strings.ToLower(v)
	}
	return append([]byte(v), 0), nil
}

// fieldOf is a string index on one field of the records of type *T
// (typed: no reflection; a record of another type is not indexed).
func fieldOf[T any](f func(*T) string) strIndex {
	return strIndex{get: func(o any) (string, bool) {
		x, ok := o.(*T)
		if !ok || x == nil {
			return "", false
		}
		return f(x), true
	}}
}

// lowered is x on the lower-cased field.
func lowered(x strIndex) strIndex {
	x.lower = true
	return x
}
