package app

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"cordwain/p2p"
)

// A refresh that has nothing new to show leaves the status bar and the
// Studio tab as they are (every widget refresh redraws the window); what
// changes with time alone, "Syncing… (n received)" running out, comes
// back once by itself.
func TestStudioRefreshIdle(t *testing.T) {
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
	synced := time.Now().Add(-time.Minute)
	peers := []p2p.PeerStatus{{ID: "p1", Name: "Ana", Online: true, LastSync: synced}}
	n.peersOf = func(*p2p.Node) []p2p.PeerStatus { return append([]p2p.PeerStatus(nil), peers...) }
	n.members = []p2p.Member{{PeerID: "p1", Name: "Ana"}}

	n.refresh()
	if state, text := u.SyncState(); state != SyncInStep {
		t.Fatalf("state %q %q, want in step", state, text)
	}
	rows := append([]any(nil), anys(n.panel.members.Objects)...)
	if len(rows) != 1 {
		t.Fatalf("%d member rows, want 1", len(rows))
	}
	for range 3 {
		n.refresh()
	}
	if got := anys(n.panel.members.Objects); len(got) != 1 || got[0] != rows[0] {
		t.Fatal("a refresh with nothing new rebuilt the members list")
	}
	if n.decay != nil {
		t.Fatal("a timer is pending with nothing to wait for")
	}

	// Ana sends 3 versions: "Syncing… (3 received)", then, with no word
	// from the node, back to in step once.
	peers[0].Versions, peers[0].LastSync = 3, time.Now()
	n.refresh()
	if state, text := u.SyncState(); state != SyncSyncing || text != "Syncing… (3 received)" {
		t.Fatalf("after 3 versions: %q %q", state, text)
	}
	if got := anys(n.panel.members.Objects); len(got) != 1 || got[0] == rows[0] {
		t.Fatal("a new last sync did not rebuild the members list")
	}
	if n.decay == nil {
		t.Fatal("no refresh is due for when the versions stop being recent")
	}
	select {
	case f := <-n.queue:
		f()
	case <-time.After(30 * time.Second):
		t.Fatal("the indicator was not refreshed when the versions stopped being recent")
	}
	if state, text := u.SyncState(); state != SyncInStep || n.sync.Text != text {
		t.Fatalf("after the pause: %q %q (label %q), want in step", state, text, n.sync.Text)
	}
	if n.decay != nil {
		t.Fatal("a timer is still pending after the indicator settled")
	}
	select {
	case <-n.queue:
		t.Fatal("more refreshes queued with nothing new")
	default:
	}
}

func anys[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
