package app

import (
	"cordwain/models"
	"cordwain/models/store"
)

var _ CommitStudio = (*StoreStudio)(nil)

// Commit saves d as a new version on its main branch, signed by this
// machine's designer. The editor saves work in progress, so d is not
// validated here (see store.Store.CommitDesign).
func (s *StoreStudio) Commit(d *models.Design, message string) (*models.Version, error) {
	return s.st.CommitDesign(store.DefaultBranch, d, message, s.identity)
}
