package p2p

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"cordwain/models/store"
)

// inNetnsEnv names the test the test binary re-runs inside a network
// namespace (see inNetns).
const inNetnsEnv = "CORDWAIN_TEST_IN_NETNS"

// mDNS multicasts, so it is tested only inside a network namespace the
// test makes (nothing but a loopback interface with multicast on): the
// test binary re-runs itself there under `unshare -n`. Two nodes find each
// other by the Cordwain service name and sync.
func TestMDNSFindsStudioMachines(t *testing.T) {
	if inNetns(t, "TestMDNSFindsStudioMachines", "ip link set lo multicast on") {
		mdnsInNamespace(t)
	}
}

// inNetns reports whether this is the re-run of test name inside a
// network namespace; otherwise it makes one (loopback up, then setup, a
// shell script), re-runs the test binary there for that test alone,
// reports the outcome and returns false. Without a way to make a
// namespace the test is skipped with the reason.
func inNetns(t *testing.T, name, setup string) bool {
	t.Helper()
	if os.Getenv(inNetnsEnv) == name {
		// Refuse to go on anywhere but in a namespace holding only the
		// loopback interface.
		ifs, err := net.Interfaces()
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range ifs {
			if i.Flags&net.FlagLoopback == 0 {
				t.Fatalf("interface %s present: not in an isolated network namespace", i.Name)
			}
		}
		return true
	}
	if testing.Short() {
		t.Skip("skipped with -short: re-runs the test binary in a network namespace")
	}
	if runtime.GOOS != "linux" {
		t.Skip("skipped: network namespaces are Linux only")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("skipped: no unshare(1) to make a network namespace")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("skipped: no ip(8) to set up the namespace's loopback")
	}
	// Can this process make a network namespace at all (root, or
	// unprivileged user namespaces)?
	args := []string{"-n"}
	if out, err := exec.Command(unshare, "-n", "true").CombinedOutput(); err != nil {
		if out, err = exec.Command(unshare, "-r", "-n", "true").CombinedOutput(); err != nil {
			t.Skipf("skipped: cannot make a network namespace (needs root or user namespaces): %v: %s", err, bytes.TrimSpace(out))
		}
		args = []string{"-r", "-n"}
	}
	self, err := os.Executable()
	if err != nil {
		t.Skipf("skipped: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	script := "set -e\nip link set lo up\n" + setup + "\nexec \"$0\" -test.run '^" + name + "$' -test.v -test.count=1"
	cmd := exec.CommandContext(ctx, unshare, append(args, "sh", "-c", script, self)...)
	cmd.Env = append(os.Environ(), inNetnsEnv+"="+name)
	out, err := cmd.CombinedOutput()
	t.Logf("in the namespace:\n%s", out)
	if err != nil {
		t.Fatalf("%s in the namespace: %v", name, err)
	}
	if !bytes.Contains(out, []byte("--- PASS: "+name)) {
		t.Fatal("the namespaced run did not pass")
	}
	return false
}

func mdnsInNamespace(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	aID, bID := netID(t, 51, "Laptop A"), netID(t, 52, "Laptop B")
	aSt, bSt := testStore(t), testStore(t)
	if _, err := aSt.Commit("d1", store.DefaultBranch, snapOf(t, "Chelsea", 25, 2), "a", aID); err != nil {
		t.Fatal(err)
	}
	lan := func(c *Config) {
		c.Loopback = false // as on a LAN: discovery on
		c.MDNS = true
		c.Listen = []string{"/ip4/127.0.0.1/tcp/0"}
	}
	a := siteNode(t, studio, aSt, aID, lan)
	b := siteNode(t, studio, bSt, bID, lan)
	waitFor(t, "the two machines to find each other by mDNS and sync", 30*time.Second, func() bool {
		return len(b.Host().Network().ConnsToPeer(a.Host().ID())) > 0 && inStep(aSt, bSt)
	})
	// A machine of another studio on the same LAN is found but gets
	// nothing: its key differs.
	other, _ := NewStudio("Elsewhere")
	cSt := testStore(t)
	siteNode(t, other, cSt, netID(t, 53, "Stranger"), lan)
	time.Sleep(2 * time.Second)
	if len(cSt.Designs()) != 0 {
		t.Fatal("a machine of another studio got designs")
	}
}

// Two machines that find each other at the same moment (as two laptops
// starting together on a LAN do) both act on it; their dials, from the
// ports they listen on, could meet as one connection on which both are
// the initiator, and both failed, with nothing to try again. They must
// end connected every time. On loopback, without mDNS: the discovery is
// what HandlePeerFound gets, called on both at once.
func TestFoundAtOnceConnects(t *testing.T) {
	studio, _ := NewStudio("Lucheng")
	for round := range 8 {
		a := siteNode(t, studio, testStore(t), netID(t, 61, "Laptop A"), nil)
		b := siteNode(t, studio, testStore(t), netID(t, 62, "Laptop B"), nil)
		ai := peer.AddrInfo{ID: a.Host().ID(), Addrs: a.Host().Addrs()}
		bi := peer.AddrInfo{ID: b.Host().ID(), Addrs: b.Host().Addrs()}
		start := make(chan struct{})
		go func() { <-start; mdnsNotifee{a.Node}.HandlePeerFound(bi) }()
		go func() { <-start; mdnsNotifee{b.Node}.HandlePeerFound(ai) }()
		close(start)
		waitFor(t, fmt.Sprintf("round %d: the two machines connected", round), 15*time.Second, func() bool {
			return a.Host().Network().Connectedness(b.Host().ID()) == network.Connected &&
				b.Host().Network().Connectedness(a.Host().ID()) == network.Connected
		})
		a.Close()
		b.Close()
	}
}
