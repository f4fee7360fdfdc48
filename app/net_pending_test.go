package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"cordwain/p2p"
)

// While a pull says how many versions it still expects, the indicator
// says so ("Syncing… (n versions to come)", in both languages); when the
// pull is over it goes back to in step.
func TestSyncIndicatorShowsVersionsToCome(t *testing.T) {
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLanguage, LangEN)
	u, err := New(a, a.NewWindow("Cordwain"), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := u.net
	n.queue = make(chan func(), 16)
	t.Cleanup(func() { n.doneOnce.Do(func() { close(n.done) }) })
	n.studio = &p2p.Studio{Name: "S"}
	peers := []p2p.PeerStatus{
		{ID: "p1", Name: "Ana", Online: true, LastSync: time.Now().Add(-time.Minute), Pending: 9200},
		{ID: "p2", Name: "Bo", Online: true, LastSync: time.Now().Add(-time.Minute)},
	}
	n.peersOf = func(*p2p.Node) []p2p.PeerStatus { return append([]p2p.PeerStatus(nil), peers...) }
	n.members = []p2p.Member{{PeerID: "p1", Name: "Ana"}, {PeerID: "p2", Name: "Bo"}}

	n.refresh()
	if state, text := u.SyncState(); state != SyncSyncing || text != "Syncing… (9200 versions to come)" {
		t.Fatalf("pulling: %q %q", state, text)
	}
	u.SetLanguage(LangZH)
	if _, text := u.SyncState(); text != "同步中…（还有 9200 个版本）" {
		t.Fatalf("in 中文: %q", text)
	}
	u.SetLanguage(LangEN)
	peers[0].Pending = 0
	n.refresh()
	if state, text := u.SyncState(); state != SyncInStep {
		t.Fatalf("after the pull: %q %q", state, text)
	}
}
