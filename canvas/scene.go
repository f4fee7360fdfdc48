package canvas

import "cordwain/models"

// Scene is a design made ready to draw with some options: the last's
// geometry in the view, the pieces' outlines, cut lines and stitch rows,
// the marks. [DrawDesign] makes one for every drawing; the editor makes
// one and draws it several times — in bands of one frame at the same time
// (a Scene is only read while drawn), and in frames that differ only in
// zoom and pan.
type Scene struct {
	sc  *scene
	opt DrawOptions
}

// PrepareScene makes d ready to draw with opt (its Viewport is not used:
// it is given to Draw). The error is DrawDesign's.
func PrepareScene(d *models.Design, opt DrawOptions) (*Scene, error) {
	if opt.View == "" {
		opt.View = ViewMeanForm
	}
	opt.Viewport = nil
	sc, err := buildScene(d, opt)
	if err != nil {
		return nil, err
	}
	return &Scene{sc: sc, opt: opt}, nil
}

// Draw draws the scene onto p as DrawDesign(p, d, opt) would, with vp as
// opt.Viewport when not nil, and returns the viewport used.
func (s *Scene) Draw(p Painter, vp *Viewport) Viewport {
	if p == nil {
		return Viewport{}
	}
	opt := s.opt
	opt.Viewport = vp
	return drawScene(p, s.sc, opt)
}
