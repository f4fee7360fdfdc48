package canvas

import "cordwain/models"

// Layer is one layer of the drawing the designer can hide or lock.
type Layer uint

// Layers of the drawing, bottom to top.
const (
	LayerUnderlay   Layer = iota // a traced photo or scan (drawn by the editor)
	LayerLast                    // the last's outline and the sole
	LayerMeanForm                // construction lines of the form: featherline, key points
	LayerPieces                  // upper pieces
	LayerLines                   // style lines
	LayerMarks                   // notches, holes, eyelets, text
	LayerDimensions              // measurements kept on the drawing (drawn by the editor)
	LayerGrid                    // the millimetre grid
	layerCount
)

// AllLayers lists the layers in drawing order.
var AllLayers = []Layer{LayerUnderlay, LayerLast, LayerMeanForm, LayerPieces, LayerLines, LayerMarks, LayerDimensions, LayerGrid}

// Key is the layer's translation key ("layer.pieces").
func (l Layer) Key() string {
	return [...]string{"layer.underlay", "layer.last", "layer.meanform", "layer.pieces", "layer.lines",
		"layer.marks", "layer.dimensions", "layer.grid"}[l]
}

// Layers is a set of layers.
type Layers uint

// Has reports whether l is in the set.
func (s Layers) Has(l Layer) bool { return s&(1<<l) != 0 }

// With returns the set with l added (on) or taken out.
func (s Layers) With(l Layer, on bool) Layers {
	if on {
		return s | 1<<l
	}
	return s &^ (1 << l)
}

// LayerOf is the layer an element is drawn on.
func LayerOf(e models.Elem) Layer {
	switch e.(type) {
	case models.StyleLine:
		return LayerLines
	case models.Mark:
		return LayerMarks
	case models.Last:
		return LayerLast
	case models.Dimension:
		return LayerDimensions
	case models.Underlay, models.Image:
		return LayerUnderlay
	}
	return LayerPieces
}

// drawn reports whether element id is drawn under opt's Only and Exclude.
func (opt DrawOptions) drawn(id models.ID) bool {
	if opt.Only != nil && !opt.Only[id] {
		return false
	}
	return !opt.Exclude[id]
}
