package store

import (
	"fmt"

	"cordwain/models"
)

// Checkout returns the design as it was at a version.
func (s *Store) Checkout(id models.ID) (*models.Design, error) {
	v, err := s.Version(id)
	if err != nil {
		return nil, fmt.Errorf("checking out: %w", err)
	}
	snap, err := s.Snapshot(id)
	if err != nil {
		return nil, fmt.Errorf("checking out: %w", err)
	}
	d, err := models.DesignFromSnapshot(v.Design, snap)
	if err != nil {
		return nil, fmt.Errorf("checking out %s: %w", short(id), err)
	}
	return d, nil
}

// CommitDesign commits d (its ID names the design) on branch; see
// [Store.Commit]. d is not validated here: the caller decides whether an
// invalid design may be saved (the editor saves work in progress).
func (s *Store) CommitDesign(branch string, d *models.Design, msg string, author *Identity) (*models.Version, error) {
	snap, err := d.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("committing design %s: %w", d.ID, err)
	}
	return s.Commit(d.ID, branch, snap, msg, author)
}
