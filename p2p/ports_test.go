package p2p

import (
	"context"
	"strings"
	"testing"
	"time"

	ma "github.com/multiformats/go-multiaddr"
)

// A second node asked for a port another one holds is refused (so cli's
// StartNode takes a free port), though libp2p listens with SO_REUSEPORT.
func TestTakenPortRefused(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	a := startNode(t, studio, 71, "First")
	port, err := a.Addrs()[0].ValueForProtocol(ma.P_TCP)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Start(context.Background(), Config{Store: testStore(t), Identity: testID(72, "Second"), Studio: studio,
		Loopback: true, Listen: []string{"/ip4/127.0.0.1/tcp/" + port}, RejectFor: time.Second})
	if err == nil || !strings.Contains(err.Error(), "taken") {
		t.Fatalf("a second node on port %s: %v", port, err)
	}
}
