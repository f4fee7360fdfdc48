package p2p

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"cordwain/models/store"
)

// inNetnsEnv marks the test binary re-run inside the network namespace
// TestMDNSFindsStudioMachines makes.
const inNetnsEnv = "CORDWAIN_TEST_IN_NETNS"

// mDNS multicasts, so it is tested only inside a network namespace the
// test makes (nothing but a loopback interface with multicast on): the
// test binary re-runs itself there under `unshare -n`. Two nodes find each
// other by the Cordwain service name and sync.
func TestMDNSFindsStudioMachines(t *testing.T) {
	if os.Getenv(inNetnsEnv) == "1" {
		mdnsInNamespace(t)
		return
	}
	if testing.Short() {
		t.Skip("skipped with -short: re-runs the test binary in a network namespace")
	}
	if runtime.GOOS != "linux" {
		t.Skip("mDNS test skipped: network namespaces are Linux only")
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("mDNS test skipped: no unshare(1) to make a network namespace")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("mDNS test skipped: no ip(8) to set up the namespace's loopback")
	}
	// Can this process make a network namespace at all (root, or
	// unprivileged user namespaces)?
	args := []string{"-n"}
	if out, err := exec.Command(unshare, "-n", "true").CombinedOutput(); err != nil {
		if out, err = exec.Command(unshare, "-r", "-n", "true").CombinedOutput(); err != nil {
			t.Skipf("mDNS test skipped: cannot make a network namespace (needs root or user namespaces): %v: %s", err, bytes.TrimSpace(out))
		}
		args = []string{"-r", "-n"}
	}
	self, err := os.Executable()
	if err != nil {
		t.Skipf("mDNS test skipped: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	script := `set -e
ip link set lo up
ip link set lo multicast on
exec "$0" -test.run '^TestMDNSFindsStudioMachines$' -test.v -test.count=1`
	cmd := exec.CommandContext(ctx, unshare, append(args, "sh", "-c", script, self)...)
	cmd.Env = append(os.Environ(), inNetnsEnv+"=1")
	out, err := cmd.CombinedOutput()
	t.Logf("in the namespace:\n%s", out)
	if err != nil {
		t.Fatalf("mDNS test in the namespace: %v", err)
	}
	if !bytes.Contains(out, []byte("--- PASS: TestMDNSFindsStudioMachines")) {
		t.Fatal("the namespaced run did not pass")
	}
}

func mdnsInNamespace(t *testing.T) {
	// Refuse to multicast anywhere but in a namespace holding only the
	// loopback interface.
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range ifs {
		if i.Flags&net.FlagLoopback == 0 {
			t.Fatalf("interface %s present: not in an isolated network namespace, no mDNS here", i.Name)
		}
	}
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
