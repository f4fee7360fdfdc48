package models

import (
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

func mustHash(t *testing.T, d *Design) Hash {
	t.Helper()
	h, err := d.Hash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// randomCommand makes one of the editor's kinds of change on d: move a
// point of a piece or a line, rename, change the last, add or delete a
// piece, a line or a mark.
func randomCommand(rng *rand.Rand, d *Design, n int) Command {
	switch rng.Intn(6) {
	case 0:
		if len(d.Pieces) > 0 {
			p := d.Pieces[rng.Intn(len(d.Pieces))]
			p.Outline.Points = slices.Clone(p.Outline.Points)
			k := rng.Intn(len(p.Outline.Points))
			p.Outline.Points[k].X += rng.Float64()*4 - 2
			return SetElem("Move "+p.Name+" point", d, p)
		}
	case 1:
		m := d.Meta
		m.Name = fmt.Sprintf("Renamed %d", n)
		return SetElem("Rename design", d, m)
	case 2:
		l := d.Last
		l.HeelHeight += 1
		return SetElem("Change heel height", d, l)
	case 3:
		sl := StyleLine{ID: NewID(), Name: fmt.Sprintf("line %d", n), Kind: LineStyle,
			Path: Path{Points: []Point{Pt(10, 10), Pt(20, 12), Pt(30, 12), Pt(40, 10)}}}
		return SetElem("Add style line", d, sl)
	case 4:
		if len(d.StyleLines) > 0 {
			return RemoveElems("Delete style line", d, d.StyleLines[rng.Intn(len(d.StyleLines))].ID)
		}
	case 5:
		if len(d.Pieces) > 0 {
			m := Mark{ID: NewID(), Piece: d.Pieces[0].ID, Kind: MarkPunch, At: Pt(50, 20), Size: 2}
			return SetElem("Add punch hole", d, m)
		}
	}
	m := d.Meta
	m.Notes += "."
	return SetElem("Edit notes", d, m)
}

// Every command undone returns the identical design (same hash), step by
// step back to the start; redone, it returns the same designs again. The
// designs along the way are never modified.
func TestCommandsUndoRedoRoundTrip(t *testing.T) {
	for name, d0 := range seedDesigns() {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(5))
			designs := []*Design{d0}
			hashes := []Hash{mustHash(t, d0)}
			var cmds []Command
			for i := 0; i < 60; i++ {
				cur := designs[len(designs)-1]
				c := randomCommand(rng, cur, i)
				next, err := c.Apply(cur)
				if err != nil {
					t.Fatalf("step %d %s: %v", i, c.Name, err)
				}
				if mustHash(t, cur) != hashes[len(hashes)-1] {
					t.Fatalf("step %d %s modified the design it was applied to", i, c.Name)
				}
				cmds = append(cmds, c)
				designs = append(designs, next)
				hashes = append(hashes, mustHash(t, next))
			}
			cur := designs[len(designs)-1]
			for i := len(cmds) - 1; i >= 0; i-- {
				prev, err := cmds[i].Invert().Apply(cur)
				if err != nil {
					t.Fatalf("undo %d %s: %v", i, cmds[i].Name, err)
				}
				if got := mustHash(t, prev); got != hashes[i] {
					t.Fatalf("undo %d %s: hash %s, want %s", i, cmds[i].Name, got, hashes[i])
				}
				cur = prev
			}
			for i, c := range cmds {
				next, err := c.Apply(cur)
				if err != nil {
					t.Fatalf("redo %d %s: %v", i, c.Name, err)
				}
				if got := mustHash(t, next); got != hashes[i+1] {
					t.Fatalf("redo %d %s: hash %s, want %s", i, c.Name, got, hashes[i+1])
				}
				cur = next
			}
		})
	}
}

// A command made against one state of an element does not apply over a
// different one (a peer changed it meanwhile): ErrStale, nothing changed.
// Force replays it anyway.
func TestCommandStale(t *testing.T) {
	d := sampleDesign()
	p := d.Pieces[0]
	p.Name = "Mine"
	mine := SetElem("Rename piece", d, p)
	q := d.Pieces[0]
	q.Name = "Theirs"
	theirs, err := SetElem("Rename piece", d, q).Apply(d)
	if err != nil {
		t.Fatal(err)
	}
	before := mustHash(t, theirs)
	if _, err := mine.Apply(theirs); !errors.Is(err, ErrStale) {
		t.Fatalf("applying over a changed element: %v, want ErrStale", err)
	}
	if mustHash(t, theirs) != before {
		t.Fatal("a refused command changed the design")
	}
	forced := mine.Force(theirs)
	if got := FindElem(forced, p.ID).(Piece).Name; got != "Mine" {
		t.Fatalf("forced rename left %q", got)
	}
}

// Adding keeps element slices sorted by ID; removing takes exactly the
// element; removing the meta or last is refused.
func TestCommandAddRemove(t *testing.T) {
	d := sampleDesign()
	d.Normalize()
	ids := []ID{"0000000000000001", "ffffffffffffffff", "8000000000000000"}
	cur := d
	for _, id := range ids {
		next, err := SetElem("Add line", cur, StyleLine{ID: id, Kind: LineStyle, Path: Path{Points: []Point{Pt(0, 0), Pt(1, 1), Pt(2, 1), Pt(3, 0)}}}).Apply(cur)
		if err != nil {
			t.Fatal(err)
		}
		cur = next
	}
	if !slices.IsSortedFunc(cur.StyleLines, func(a, b StyleLine) int { return compareID(a.ID, b.ID) }) {
		t.Fatal("style lines not sorted by ID after adding")
	}
	n := len(cur.StyleLines)
	after, err := RemoveElems("Delete line", cur, "8000000000000000").Apply(cur)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.StyleLines) != n-1 || FindElem(after, "8000000000000000") != nil {
		t.Fatal("delete did not remove exactly the line")
	}
	if _, err := (Command{Name: "Delete last", Edits: []Edit{{ID: LastID, Before: cur.Last}}}).Apply(cur); err == nil {
		t.Fatal("removing the last succeeded")
	}
}

func compareID(a, b ID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// The diff of two designs, applied to the first, gives the second.
func TestDiffCommand(t *testing.T) {
	d0 := sampleDesign()
	rng := rand.New(rand.NewSource(8))
	cur := d0
	for i := 0; i < 20; i++ {
		next, err := randomCommand(rng, cur, i).Apply(cur)
		if err != nil {
			t.Fatal(err)
		}
		cur = next
	}
	got, err := DiffCommand("changes", d0, cur).Apply(d0)
	if err != nil {
		t.Fatal(err)
	}
	if mustHash(t, got) != mustHash(t, cur) {
		t.Fatal("diff applied to the first design does not give the second")
	}
	if !DiffCommand("none", cur, cur).Empty() {
		t.Fatal("the diff of a design with itself is not empty")
	}
}
