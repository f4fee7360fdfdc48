package packaging

import (
	"sort"
	"time"

	"cordwain/models"
)

// HistoryFromVersions makes the revision table of a tech pack for version
// upTo from a design's versions as the store lists them (store.Log or
// store.History, any order): every version no newer than upTo, oldest
// first. A merge has no author; it shows as "(merge)".
func HistoryFromVersions(vs []*models.Version, upTo *models.Version) []HistoryEntry {
	var keep []*models.Version
	for _, v := range vs {
		if v == nil || (upTo != nil && upTo.Time.Less(v.Time)) {
			continue // newer than the exported version
		}
		keep = append(keep, v)
	}
	sort.SliceStable(keep, func(i, j int) bool {
		if keep[i].Time != keep[j].Time {
			return keep[i].Time.Less(keep[j].Time)
		}
		return keep[i].ID < keep[j].ID
	})
	out := make([]HistoryEntry, 0, len(keep))
	for _, v := range keep {
		author := v.Author.Name
		if author == "" && len(v.Parents) > 1 {
			author = "(merge)"
		}
		out = append(out, HistoryEntry{VersionID: string(v.ID), Time: time.UnixMilli(v.Time.Wall).UTC(), Author: author, Message: v.Message})
	}
	return out
}
