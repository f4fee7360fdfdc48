package packaging

import (
	"testing"

	"cordwain/models"
)

func TestHistoryFromVersions(t *testing.T) {
	v := func(id string, wall int64, name string, parents int) *models.Version {
		ver := &models.Version{ID: models.ID(id), Message: "m " + id}
		ver.Time.Wall = wall
		ver.Author.Name = name
		ver.Parents = make([]models.ID, parents)
		return ver
	}
	a, b, m, c := v("a", 1000, "Li Na", 0), v("b", 2000, "Chen", 1), v("m", 3000, "", 2), v("c", 4000, "Li Na", 1)
	got := HistoryFromVersions([]*models.Version{c, m, b, a}, m) // newest first, as store.Log gives
	if len(got) != 3 || got[0].VersionID != "a" || got[1].VersionID != "b" || got[2].VersionID != "m" {
		t.Fatalf("got %+v, want a, b, m oldest first and nothing newer than m", got)
	}
	if got[2].Author != "(merge)" || got[0].Author != "Li Na" || got[1].Time.UnixMilli() != 2000 {
		t.Errorf("entries: %+v", got)
	}
}
