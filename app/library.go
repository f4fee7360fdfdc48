package app

import (
	"cordwain/models"
)

// DesignSummary is one row of the library.
type DesignSummary struct {
	ID      models.ID
	Name    string
	NameZH  string
	StyleNo string
	Season  string
}

// Studio is what the window needs from the studio's store. The store
// implements it in production; tests use a fake.
type Studio interface {
	// Designs lists the designs, sorted for display.
	Designs() ([]DesignSummary, error)
	// Design loads the current head of a design's main branch.
	Design(id models.ID) (*models.Design, error)
	// Changed is closed (or sent to) when the list of designs or a head
	// changes; the window then reloads. Nil means never.
	Changed() <-chan struct{}
}
