package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"cordwain/cli"
	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

// runNode is a studio machine as `cordwain serve` runs it (cli.Open,
// cli.NodeConfig, cli.StartNode, cli.ServeNet: the same calls, so
// commands can be handed to it too), driven by the coordinator through
// lines on stdin and answering on stdout. It adds what serve has not: a
// commit made in this process, and a watch of its own store that stamps
// each change with the wall clock when the store reports it (after the
// transaction is on disk).
func runNode(args []string) error {
	fs := flag.NewFlagSet("node", flag.ExitOnError)
	data := fs.String("data", "", "data directory")
	listen := fs.String("listen", "/ip4/127.0.0.1/tcp/0", "listen multiaddr")
	watch := fs.String("watch", "", "print every version event of the designs whose ID starts with this")
	fs.Parse(args)
	s, id, err := cli.OpenSigned(*data, false)
	if err != nil {
		return err
	}
	defer s.Close()
	logf := func(format string, a ...any) {
		fmt.Fprintf(os.Stderr, time.Now().Format("15:04:05.000")+" "+format+"\n", a...)
	}
	cfg, err := cli.NodeConfig(*data, s, id, []string{*listen}, false, logf)
	if err != nil {
		return err
	}
	node, err := cli.StartNode(context.Background(), cfg)
	if err != nil {
		return err
	}
	srv, err := cli.ServeNet(*data, s.Store, nil, node)
	if err != nil {
		logf("no hand-over: %v", err)
	}
	nd := &benchNode{st: s.Store, id: id, node: node, out: bufio.NewWriter(os.Stdout)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := s.Store.Watch(ctx)
	go nd.watchLoop(events, *watch)
	addrs := []string{}
	for _, a := range node.Addrs() {
		addrs = append(addrs, a.String())
	}
	nd.say("ready %s %s", node.ID(), strings.Join(addrs, " "))
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if f[0] == "quit" {
			break
		}
		if err := nd.command(f); err != nil {
			nd.say("err %v", err)
		}
	}
	cancel()
	if srv != nil {
		srv.Close()
	}
	node.Close()
	nd.say("bye")
	return nil
}

type benchNode struct {
	st   *store.Store
	id   *store.Identity
	node *p2p.Node

	omu sync.Mutex
	out *bufio.Writer

	mu      sync.Mutex
	pending map[models.ID][]models.ID // design → expected heads (sorted)
	done    chan time.Time
	prof    *os.File
}

func (nd *benchNode) say(format string, a ...any) {
	nd.omu.Lock()
	defer nd.omu.Unlock()
	fmt.Fprintf(nd.out, format+"\n", a...)
	nd.out.Flush()
}

func headIDs(st *store.Store, d models.ID) []models.ID {
	var ids []models.ID
	for _, v := range st.Heads(d) {
		ids = append(ids, v.ID)
	}
	slices.Sort(ids)
	return ids
}

// watchLoop stamps store events: the time is taken as the event is read,
// and the event is sent after the change is durable (store.Watch).
func (nd *benchNode) watchLoop(events <-chan store.Event, prefix string) {
	for ev := range events {
		now := time.Now()
		if ev.Kind != store.EventVersions && ev.Kind != store.EventResync {
			continue
		}
		if prefix != "" && ev.Kind == store.EventVersions && strings.HasPrefix(string(ev.Design), prefix) {
			var hs []string
			for _, h := range headIDs(nd.st, ev.Design) {
				hs = append(hs, string(h))
			}
			nd.say("ev %s %d %s", ev.Design, now.UnixNano(), strings.Join(hs, ","))
		}
		nd.mu.Lock()
		if nd.pending != nil {
			check := []models.ID{ev.Design}
			if ev.Kind == store.EventResync {
				check = check[:0]
				for d := range nd.pending {
					check = append(check, d)
				}
			}
			for _, d := range check {
				if want, ok := nd.pending[d]; ok && slices.Equal(headIDs(nd.st, d), want) {
					delete(nd.pending, d)
				}
			}
			if len(nd.pending) == 0 {
				nd.pending = nil
				nd.done <- now
			}
		}
		nd.mu.Unlock()
	}
}

func (nd *benchNode) command(f []string) error {
	switch f[0] {
	case "connect": // connect ADDR
		nd.only(f[1])
		t0 := time.Now()
		if err := nd.node.Connect(context.Background(), f[1]); err != nil {
			return err
		}
		nd.say("connected %d %d", t0.UnixNano(), time.Now().UnixNano())
	case "commit": // commit DESIGN N: one edit of the design's notes
		d := models.ID(f[1])
		head, err := nd.st.Head(d, store.DefaultBranch)
		if err != nil {
			return err
		}
		des, err := nd.st.Checkout(head.ID)
		if err != nil {
			return err
		}
		des.Meta.Notes = "bench edit " + f[2]
		t0 := time.Now()
		v, err := nd.st.CommitDesign(store.DefaultBranch, des, "bench edit "+f[2], nd.id)
		t1 := time.Now()
		if err != nil {
			return err
		}
		nd.say("commit %s %d %d", v.ID, t0.UnixNano(), t1.UnixNano())
	case "disconnect": // disconnect PEERID: close every connection to the peer
		id, err := peer.Decode(f[1])
		if err != nil {
			return err
		}
		if err := nd.node.Host().Network().ClosePeer(id); err != nil {
			return err
		}
		nd.say("disconnected")
	case "pick": // pick: the sample design the edits go to
		d, err := sampleDesign(nd.st)
		if err != nil {
			return err
		}
		nd.say("pick %s", d.ID)
	case "heads": // heads PREFIX FILE: the heads of the designs with that ID prefix
		out := map[models.ID][]models.ID{}
		for _, d := range nd.st.Designs() {
			if strings.HasPrefix(string(d.ID), f[1]) {
				out[d.ID] = headIDs(nd.st, d.ID)
			}
		}
		b, _ := json.Marshal(out)
		if err := os.WriteFile(f[2], b, 0o600); err != nil {
			return err
		}
		nd.say("heads %d", len(out))
	case "pull": // pull EXPECTFILE ADDR: connect, and wait until every design there has those heads
		b, err := os.ReadFile(f[1])
		if err != nil {
			return err
		}
		var want map[models.ID][]models.ID
		if err := json.Unmarshal(b, &want); err != nil {
			return err
		}
		done := make(chan time.Time, 1)
		nd.mu.Lock()
		for d, hs := range want {
			if slices.Equal(headIDs(nd.st, d), hs) {
				delete(want, d)
			}
		}
		nd.pending, nd.done = want, done
		nd.mu.Unlock()
		nd.only(f[2])
		t0 := time.Now()
		if err := nd.node.Connect(context.Background(), f[2]); err != nil {
			return err
		}
		var t1 time.Time
		select {
		case t1 = <-done:
		case <-time.After(10 * time.Minute):
			return fmt.Errorf("pull: timed out with %d designs behind", len(nd.pending))
		}
		nd.say("pulled %d %d", t0.UnixNano(), t1.UnixNano())
	case "waitsync": // waitsync PEERID SINCE_NS: until a full exchange with the peer ended after SINCE
		since, _ := strconv.ParseInt(f[2], 10, 64)
		deadline := time.Now().Add(2 * time.Minute)
		for {
			for _, p := range nd.node.Peers() {
				if p.ID == f[1] && p.Online && p.LastSync.UnixNano() >= since {
					nd.say("synced %d", p.LastSync.UnixNano())
					return nil
				}
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("waitsync: no exchange with %s", f[1])
			}
			select {
			case <-nd.node.Changed():
			case <-time.After(time.Millisecond):
			}
		}
	case "rss":
		hwm, rss := procStatus(os.Getpid())
		nd.say("rss %d %d", hwm, rss)
	case "heap": // heap FILE: the live heap after a collection
		runtime.GC()
		hf, err := os.Create(f[1])
		if err != nil {
			return err
		}
		err = pprof.WriteHeapProfile(hf)
		hf.Close()
		if err != nil {
			return err
		}
		nd.say("ok")
	case "profile": // profile FILE | profile stop
		if f[1] == "stop" {
			if nd.prof != nil {
				pprof.StopCPUProfile()
				nd.prof.Close()
				nd.prof = nil
			}
		} else {
			pf, err := os.Create(f[1])
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(pf); err != nil {
				return err
			}
			nd.prof = pf
		}
		nd.say("ok")
	default:
		return fmt.Errorf("unknown command %q", f[0])
	}
	return nil
}

// procStatus reads VmHWM (peak resident set) and VmRSS of a process, kB.
func procStatus(pid int) (hwm, rss int64) {
	f := procFields(pid)
	return f["VmHWM"], f["VmRSS"]
}

// procRSSParts splits a process's resident set into anonymous memory (the
// Go heap and stacks) and file-backed pages (the store file bbolt maps,
// the binary), kB.
func procRSSParts(pid int) (anon, file int64) {
	f := procFields(pid)
	return f["RssAnon"], f["RssFile"]
}

// procFields reads the numeric fields of /proc/PID/status (kB where the
// field has a unit); none if the process is gone.
func procFields(pid int) map[string]int64 {
	out := map[string]int64{}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return out
	}
	for _, l := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64); err == nil {
			out[k] = n
		}
	}
	return out
}

// procWritten is how many bytes a process has handed to write calls
// (wchar of /proc/PID/io); 0 if unknown.
func procWritten(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "wchar:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// procCPU is the CPU time a process has used (user + system), from
// /proc/PID/stat (clock ticks of 1/100 s).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// only makes addr the one address this node knows for its peer, so the
// connection goes where the benchmark says (through its counting proxy),
// not to addresses remembered from earlier connections.
func (nd *benchNode) only(addr string) {
	m, err := ma.NewMultiaddr(addr)
	if err != nil {
		return
	}
	if info, err := peer.AddrInfoFromP2pAddr(m); err == nil {
		nd.node.Host().Peerstore().ClearAddrs(info.ID)
	}
}
