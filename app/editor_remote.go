package app

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"

	"cordwain/canvas"
	"cordwain/models"
	"cordwain/p2p"
)

// RemotePointer is another studio member on the open design: their
// pointer (view mm, when Pointer) and what they have selected.
type RemotePointer struct {
	Peer      string
	Name      string
	Colour    color.NRGBA
	At        canvas.Point
	Pointer   bool // At is over the drawing in this view
	Selection []models.ID
}

// remoteLayer is the editor's state for presence: the peers drawn over
// the design (under Editor.mu) and where this designer's pointer goes
// (UI goroutine).
type remoteLayer struct {
	peers     []RemotePointer
	onPointer func(at canvas.Point, over bool)
	last      p2p.Presence // what was last sent
}

// SetRemote replaces the peers drawn over the design.
func (e *Editor) SetRemote(peers []RemotePointer) {
	e.mu.Lock()
	same := slices.EqualFunc(peers, e.remote.peers, func(a, b RemotePointer) bool {
		return a.Peer == b.Peer && a.Name == b.Name && a.At == b.At && a.Pointer == b.Pointer && slices.Equal(a.Selection, b.Selection)
	})
	e.remote.peers = peers
	if !same {
		e.rev++ // drawn on top: a drag's still frame stays valid
	}
	e.mu.Unlock()
	if !same {
		e.Refresh()
	}
}

// Remote lists the peers drawn over the design.
func (e *Editor) Remote() []RemotePointer {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.remote.peers)
}

// pointerAt reports this designer's pointer over the drawing.
func (e *Editor) pointerAt(pos fyne.Position) {
	if e.remote.onPointer != nil {
		e.remote.onPointer(e.ToModel(pos), true)
	}
}

// pointerLeft reports that the pointer left the drawing.
func (e *Editor) pointerLeft() {
	if e.remote.onPointer != nil {
		e.remote.onPointer(canvas.Point{X: e.remote.last.X, Y: e.remote.last.Y}, false)
	}
}

// drawRemote draws the peers' selections (in the views that are edited:
// through mp and mvp, the painter and viewport of mean form mm, see
// overlayPainter) and pointers (view mm, through p and vp): a small arrow
// in their colour with their name.
func (e *Editor) drawRemote(p, mp canvas.Painter, d *models.Design, vp, mvp canvas.Viewport, peers []RemotePointer) {
	if len(peers) == 0 {
		return
	}
	p.Push()
	defer p.Pop()
	if d != nil && e.Editable() {
		mp.Push()
		defer mp.Pop()
		for _, rp := range peers {
			for _, id := range rp.Selection {
				path, ok := canvas.ElemPath(models.FindElem(d, id))
				if !ok || canvas.CheckPath(path) != nil {
					continue
				}
				c := rp.Colour
				c.A = 0x90
				mp.SetStrokeColor(c)
				mp.SetLineWidth(1.2)
				mp.SetDash()
				mp.Stroke(pagePath(path, mvp))
			}
		}
	}
	for _, rp := range peers {
		if !rp.Pointer {
			continue
		}
		x, y := vp.ToPage(rp.At)
		// An arrow like a pointer's, tip at the point, about 5 mm long.
		var a canvas.Path
		a.MoveTo(x, y)
		a.LineTo(x, y+4.6)
		a.LineTo(x+1.2, y+3.5)
		a.LineTo(x+2.2, y+5.4)
		a.LineTo(x+3.0, y+5.0)
		a.LineTo(x+2.0, y+3.2)
		a.LineTo(x+3.5, y+3.1)
		a.Close()
		p.SetFillColor(rp.Colour)
		p.Fill(&a)
		p.SetStrokeColor(color.White)
		p.SetLineWidth(0.25)
		p.SetDash()
		p.Stroke(&a)
		// The name on a tag of their colour.
		w := p.TextWidth(rp.Name, 7)
		var tag canvas.Path
		tx, ty := x+3.2, y+5.2
		tag.MoveTo(tx, ty)
		tag.LineTo(tx+w+2, ty)
		tag.LineTo(tx+w+2, ty+3.6)
		tag.LineTo(tx, ty+3.6)
		tag.Close()
		p.Fill(&tag)
		p.SetFillColor(color.White)
		p.Text(rp.Name, tx+1, ty+2.7, 7, canvas.AlignLeft)
	}
}
