package app

import (
	"cordwain/models"
)

var _ CommitStudio = (*StoreStudio)(nil)

// Commit saves d as a new version on its current branch (main unless the
// window switched, see SwitchBranch), signed by this
// machine's designer. The editor saves work in progress, so d is not
// validated here (see store.Store.CommitDesign).
func (s *StoreStudio) Commit(d *models.Design, message string) (*models.Version, error) {
	id, err := s.signer() // ErrNoIdentity while this machine's key is lost
	if err != nil {
		return nil, err
	}
	return s.st.CommitDesign(s.CurrentBranch(d.ID), d, message, id)
}
