package app

import (
	"strings"

	"cordwain/canvas"
	"cordwain/models"
)

// sizeLabel names foot length mm of d in the design's size system the way
// its tech pack does: from the design's own graded last (not a generic toe
// allowance), half sizes as ".5" ("EU 36.5"), so the window, the pages and
// the workshop read the same size.
func sizeLabel(d *models.Design, mm float64) string {
	return strings.ReplaceAll(canvas.FormatDesignSize(d, mm), "½", ".5")
}
