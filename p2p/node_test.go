package p2p

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cordwain/models"
	"cordwain/models/store"
)

type testNode struct {
	*Node
	st *store.Store
	id *store.Identity
}

func startNode(t *testing.T, studio *Studio, seed byte, name string) *testNode {
	t.Helper()
	st := testStore(t)
	id := testID(seed, name)
	n, err := Start(context.Background(), Config{Store: st, Identity: id, Studio: studio, Loopback: true,
		Logf: func(f string, a ...any) { t.Logf(name+": "+f, a...) }, RejectFor: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return &testNode{Node: n, st: st, id: id}
}

func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func inStep(a, b *store.Store) bool {
	_, ra := summary(a)
	_, rb := summary(b)
	return ra == rb
}

func TestNodesSyncLiveAndConverge(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	a := startNode(t, studio, 1, "Alice")
	b := startNode(t, studio, 2, "Bob")
	c := startNode(t, studio, 3, "Chen")
	for i := range 5 {
		a.st.Commit(models.ID(fmt.Sprint("d", i)), store.DefaultBranch, snapOf(t, "Derby", 20, i), "a", a.id)
	}
	ctx := context.Background()
	if err := b.Connect(ctx, a.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx, b.Addrs()[0].String()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "initial sync", 10*time.Second, func() bool { return inStep(a.st, b.st) && inStep(b.st, c.st) })
	// Concurrent edits of the same property on three machines: all
	// converge on the same heads and content.
	for i, n := range []*testNode{a, b, c} {
		if _, err := n.st.Commit("d0", store.DefaultBranch, snapOf(t, fmt.Sprint("Derby ", i), float64(30+i), 0), "edit", n.id); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "convergence", 10*time.Second, func() bool {
		return inStep(a.st, b.st) && inStep(b.st, c.st) && len(a.st.Heads("d0")) == 1
	})
	ha, _ := a.st.Head("d0", store.DefaultBranch)
	hc, _ := c.st.Head("d0", store.DefaultBranch)
	if ha.ID != hc.ID {
		t.Fatal("different main heads")
	}
	// Presence travels.
	a.SetPresence(Presence{Design: "d0", View: "lateral", X: 12.5, Y: 40, Pointer: true})
	waitFor(t, "presence", 5*time.Second, func() bool {
		for _, p := range b.Peers() {
			if p.Presence != nil && p.Presence.Design == "d0" && p.Presence.X == 12.5 {
				return true
			}
		}
		return false
	})
}

func TestWrongKeyGetsNothing(t *testing.T) {
	s1, _ := NewStudio("Lucheng")
	s2, _ := NewStudio("Lucheng")
	a := startNode(t, s1, 1, "Alice")
	m := startNode(t, s2, 9, "Mallory")
	a.st.Commit("d", store.DefaultBranch, snapOf(t, "Secret", 20, 2), "a", a.id)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := m.Connect(ctx, a.Addrs()[0].String()); err == nil {
		t.Fatal("a peer without the studio key connected")
	}
	time.Sleep(200 * time.Millisecond)
	if len(m.st.Designs()) != 0 || len(a.Peers()) != 0 {
		t.Fatalf("outsider got %d designs; studio saw %d peers", len(m.st.Designs()), len(a.Peers()))
	}
}

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }
