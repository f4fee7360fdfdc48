package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"cordwain/models/store"
	"cordwain/p2p"
)

// Net is the studio network of the running Cordwain (window or `serve`)
// a command was handed to.
type Net interface {
	ID() string
	Addrs() []ma.Multiaddr
	Peers() []p2p.PeerStatus
	Connect(ctx context.Context, addr string) error
}

func init() {
	Register(Command{Name: "studio", Summary: "create, join or manage the studio (members, invites, key)", Run: runStudio})
	Register(Command{Name: "peers", Summary: "list the studio machines this one knows, or add one by address", Run: runPeers})
	Register(Command{Name: "serve", Summary: "run this studio machine without a window: sync with the studio's peers", Run: runServe})
}

// loopbackEnv keeps every address on 127.0.0.1 (local runs and tests).
const loopbackEnv = "CORDWAIN_LOOPBACK"

func loopbackMode() bool { return os.Getenv(loopbackEnv) == "1" }

func runStudio(env Env, args []string) error {
	return Dispatch(env, "studio", args, map[string]func(Env, []string) error{
		"create":     runStudioCreate,
		"invite":     runStudioInvite,
		"join":       runStudioJoin,
		"members":    runStudioMembers,
		"remove":     runStudioRemove,
		"rotate-key": runStudioRotate,
	})
}

func runStudioCreate(env Env, args []string) error {
	fs := NewFlagSet(env, "studio create")
	force := fs.Bool("force", false, "replace the studio this machine belongs to")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return Usagef("studio create NAME")
	}
	name := ValidText(fs.Arg(0))
	if cur, _, err := p2p.LoadStudio(env.DataDir); err == nil && !*force {
		return fmt.Errorf("this machine is already in studio %q: add --force to leave it for a new one", cur.Name)
	}
	st, err := p2p.NewStudio(name)
	if err != nil {
		return err
	}
	s, id, err := env.openSigned(false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := p2p.SaveStudio(env.DataDir, st, p2p.Settings{Port: p2p.DefaultPort}); err != nil {
		return err
	}
	if err := p2p.SetMember(s.Store, id, p2p.Member{PeerID: id.PeerID, Name: id.Name, Since: time.Now().UnixMilli()},
		"Studio "+name+" created"); err != nil {
		return err
	}
	code, err := inviteCode(env, st, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "created studio %q; give this invite code to the studio's other machines:\n%s\n", name, code)
	return nil
}

// inviteCode is a fresh invite with this machine's current addresses: the
// running node's, else this machine's interfaces at the studio port.
func inviteCode(env Env, st *p2p.Studio, id *store.Identity) (string, error) {
	inv := p2p.Invite{Studio: *st}
	if env.Net != nil {
		inv.Addrs = env.Net.Addrs()
	} else {
		_, set, _ := p2p.LoadStudio(env.DataDir)
		port := set.Port
		if port == 0 {
			port = p2p.DefaultPort
		}
		for _, ip := range localIPs() {
			proto := "ip4"
			if strings.Contains(ip, ":") {
				proto = "ip6"
			}
			if a, err := ma.NewMultiaddr(fmt.Sprintf("/%s/%s/tcp/%d/p2p/%s", proto, ip, port, id.PeerID)); err == nil {
				inv.Addrs = append(inv.Addrs, a)
			}
		}
	}
	if len(inv.Addrs) > 16 {
		inv.Addrs = inv.Addrs[:16]
	}
	return inv.Encode()
}

// localIPs lists this machine's addresses that a studio peer could dial:
// 127.0.0.1 only in loopback mode, else the non-loopback unicast ones.
func localIPs() []string {
	if loopbackMode() {
		return []string{"127.0.0.1"}
	}
	var out []string
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() || ipn.IP.IsMulticast() {
			continue
		}
		out = append(out, ipn.IP.String())
	}
	if len(out) == 0 {
		out = []string{"127.0.0.1"}
	}
	return out
}

func runStudioInvite(env Env, args []string) error {
	fs := NewFlagSet(env, "studio invite")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	st, _, err := p2p.LoadStudio(env.DataDir)
	if err != nil {
		return err
	}
	s, id, err := env.openSigned(false)
	if err != nil {
		return err
	}
	defer s.Close()
	code, err := inviteCode(env, st, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "invite code for studio %q:\n%s\n", st.Name, code)
	return nil
}

func runStudioJoin(env Env, args []string) error {
	fs := NewFlagSet(env, "studio join")
	force := fs.Bool("force", false, "leave the studio this machine belongs to for this one")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if fs.NArg() < 1 {
		return Usagef("studio join CODE")
	}
	inv, err := p2p.DecodeInvite(strings.Join(fs.Args(), ""))
	if err != nil {
		return err
	}
	if cur, _, err := p2p.LoadStudio(env.DataDir); err == nil && cur.Key != inv.Studio.Key && !*force {
		return fmt.Errorf("this machine is in studio %q: add --force to leave it for %q", cur.Name, inv.Studio.Name)
	}
	s, id, err := env.openSigned(false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := p2p.SaveStudio(env.DataDir, &inv.Studio, p2p.Settings{Port: p2p.DefaultPort}); err != nil {
		return err
	}
	inviter := ""
	for _, a := range inv.Addrs {
		info, err := peer.AddrInfoFromP2pAddr(a)
		if err != nil || info.ID.String() == id.PeerID {
			continue
		}
		inviter = info.ID.String()
		var addrs []string
		for _, m := range info.Addrs {
			addrs = append(addrs, m.String()+"/p2p/"+inviter)
		}
		if err := s.Store.RememberPeer(store.Peer{ID: inviter, Addrs: addrs}); err != nil {
			return err
		}
		if env.Net != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			env.Net.Connect(ctx, a.String())
			cancel()
		}
	}
	if err := p2p.SetMember(s.Store, id, p2p.Member{PeerID: id.PeerID, Name: id.Name, InvitedBy: inviter, Since: time.Now().UnixMilli()},
		"Joined studio "+inv.Studio.Name); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "joined studio %q; this machine syncs with its members whenever Cordwain runs (window or `cordwain serve`)\n", inv.Studio.Name)
	return nil
}

func runStudioMembers(env Env, args []string) error {
	fs := NewFlagSet(env, "studio members")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	s, err := env.open(Read)
	if err != nil {
		return err
	}
	defer s.Close()
	ms, err := p2p.Members(s.Store)
	if err != nil {
		return err
	}
	online := map[string]bool{}
	if env.Net != nil {
		for _, p := range env.Net.Peers() {
			online[p.ID] = p.Online
		}
	}
	rows := [][]string{{"NAME", "PEER", "INVITED BY", "SINCE", "STATE"}}
	for _, m := range ms {
		state := "member"
		switch {
		case m.Removed:
			state = "removed"
		case online[m.PeerID]:
			state = "online"
		}
		rows = append(rows, []string{clip(m.Name, 24), m.PeerID, m.InvitedBy, time.UnixMilli(m.Since).Local().Format("2006-01-02"), state})
	}
	_, err = io.WriteString(env.Stdout, table(rows))
	return err
}

func runStudioRemove(env Env, args []string) error {
	fs := NewFlagSet(env, "studio remove")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return Usagef("studio remove PEER")
	}
	s, id, err := env.openSigned(false)
	if err != nil {
		return err
	}
	defer s.Close()
	ms, err := p2p.Members(s.Store)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.PeerID == fs.Arg(0) || strings.EqualFold(m.Name, fs.Arg(0)) {
			m.Removed = true
			if err := p2p.SetMember(s.Store, id, m, "Removed "+m.Name+" from the studio"); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "removed %s (%s). They keep what they had; their later versions show as not by a member.\n"+
				"To shut them out of the network too, run `cordwain studio rotate-key` and give the new code to the others.\n", m.Name, m.PeerID)
			return nil
		}
	}
	return fmt.Errorf("no member %q (see `cordwain studio members`)", fs.Arg(0))
}

func runStudioRotate(env Env, args []string) error {
	fs := NewFlagSet(env, "studio rotate-key")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	cur, set, err := p2p.LoadStudio(env.DataDir)
	if err != nil {
		return err
	}
	st, err := p2p.NewStudio(cur.Name)
	if err != nil {
		return err
	}
	s, id, err := env.openSigned(false)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := p2p.SaveStudio(env.DataDir, st, set); err != nil {
		return err
	}
	code, err := inviteCode(env, st, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "new key for studio %q: machines with the old key can no longer connect.\n"+
		"Restart Cordwain here, and give this code to every remaining member (`cordwain studio join --force CODE`):\n%s\n", st.Name, code)
	return nil
}

func runPeers(env Env, args []string) error {
	if len(args) > 0 && args[0] == "add" {
		return runPeersAdd(env, args[1:])
	}
	fs := NewFlagSet(env, "peers")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	var ps []p2p.PeerStatus
	if env.Net != nil {
		ps = env.Net.Peers()
	} else {
		s, err := env.open(Read)
		if err != nil {
			return err
		}
		defer s.Close()
		for _, r := range s.Store.Peers() {
			p := p2p.PeerStatus{ID: r.ID, Name: r.Name, LastSync: time.UnixMilli(r.LastSeen)}
			if len(r.Addrs) > 0 {
				p.Addr = r.Addrs[0]
			}
			ps = append(ps, p)
		}
	}
	rows := [][]string{{"NAME", "PEER", "STATE", "ADDRESS", "LAST SYNC"}}
	for _, p := range ps {
		state := "offline"
		if p.Online {
			state = "online"
		}
		if p.Rejected != "" {
			state = "rejected: " + clip(p.Rejected, 40)
		}
		last := "-"
		if !p.LastSync.IsZero() && p.LastSync.Unix() > 0 {
			last = p.LastSync.Local().Format("2006-01-02 15:04:05")
		}
		rows = append(rows, []string{clip(p.Name, 20), p.ID, state, p.Addr, last})
	}
	_, err := io.WriteString(env.Stdout, table(rows))
	return err
}

func runPeersAdd(env Env, args []string) error {
	fs := NewFlagSet(env, "peers add")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if fs.NArg() != 1 {
		return Usagef("peers add MULTIADDR (/ip4/…/tcp/…/p2p/…)")
	}
	m, err := ma.NewMultiaddr(fs.Arg(0))
	if err != nil {
		return Usagef("%q is not an address: %v", fs.Arg(0), err)
	}
	info, err := peer.AddrInfoFromP2pAddr(m)
	if err != nil {
		return Usagef("%q needs /p2p/<peer ID> at the end", fs.Arg(0))
	}
	s, err := env.open(Write)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Store.RememberPeer(store.Peer{ID: info.ID.String(), Addrs: []string{m.String()}}); err != nil {
		return err
	}
	if env.Net != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := env.Net.Connect(ctx, m.String()); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "connected to %s\n", info.ID)
		return nil
	}
	fmt.Fprintf(env.Stdout, "remembered %s: Cordwain dials it when it runs\n", info.ID)
	return nil
}

// multiFlagS collects repeated string flags.
type multiFlagS []string

func (m *multiFlagS) String() string     { return strings.Join(*m, ",") }
func (m *multiFlagS) Set(v string) error { *m = append(*m, v); return nil }

// NodeConfig is the node a studio machine runs: the studio's key, this
// machine's identity, its listen addresses (the studio port, or a free
// one when it is busy) and discovery.
func NodeConfig(dataDir string, s *Studio, id *store.Identity, listen []string, mdns bool, logf func(string, ...any)) (p2p.Config, error) {
	st, set, err := p2p.LoadStudio(dataDir)
	if err != nil {
		return p2p.Config{}, err
	}
	loop := loopbackMode()
	if len(listen) == 0 {
		host := "0.0.0.0"
		if loop {
			host = "127.0.0.1"
		}
		listen = []string{fmt.Sprintf("/ip4/%s/tcp/%d", host, set.Port)}
	}
	return p2p.Config{Store: s.Store, Identity: id, Studio: st, Listen: listen, Loopback: loop, MDNS: mdns && !loop, Logf: logf}, nil
}

// StartNode starts the studio machine's node; when its port is taken it
// listens on a free one instead.
func StartNode(ctx context.Context, cfg p2p.Config) (*p2p.Node, error) {
	n, err := p2p.Start(ctx, cfg)
	if err == nil {
		return n, nil
	}
	var fallback []string
	for _, l := range cfg.Listen {
		m, merr := ma.NewMultiaddr(l)
		if merr != nil {
			return nil, err
		}
		if port, perr := m.ValueForProtocol(ma.P_TCP); perr == nil && port != "0" {
			l = strings.Replace(l, "/tcp/"+port, "/tcp/0", 1)
		}
		fallback = append(fallback, l)
	}
	cfg.Listen = fallback
	return p2p.Start(ctx, cfg)
}

func runServe(env Env, args []string) error {
	fs := NewFlagSet(env, "serve")
	var listen multiFlagS
	fs.Var(&listen, "listen", "listen `multiaddr` (repeatable; default: every interface at the studio port)")
	noMDNS := fs.Bool("no-mdns", false, "do not look for studio machines on the LAN")
	relay := fs.Bool("relay", false, "also relay connections between the studio's machines at other sites")
	if err := fs.Parse(args); err != nil {
		return Usagef("%v", err)
	}
	if env.Studio != nil {
		return errors.New("a Cordwain already holds this studio; `serve` runs instead of it, not beside it")
	}
	s, id, err := OpenSigned(env.DataDir, false)
	if err != nil {
		return err
	}
	defer s.Close()
	logf := func(format string, a ...any) {
		fmt.Fprintf(env.Stderr, time.Now().Format("15:04:05.000")+" "+format+"\n", a...)
	}
	cfg, err := NodeConfig(env.DataDir, s, id, listen, !*noMDNS, logf)
	if err != nil {
		return err
	}
	cfg.Relay = *relay
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	node, err := StartNode(ctx, cfg)
	if err != nil {
		return err
	}
	srv, err := ServeNet(env.DataDir, s.Store, nil, node)
	if err != nil {
		logf("commands on this studio cannot be handed to this process: %v", err)
	}
	fmt.Fprintf(env.Stdout, "peer %s\n", node.ID())
	for _, a := range node.Addrs() {
		fmt.Fprintf(env.Stdout, "listening on %s\n", a)
	}
	if f, ok := env.Stdout.(interface{ Sync() error }); ok {
		f.Sync()
	}
	logf("serving studio %q", cfg.Studio.Name)
	<-ctx.Done()
	logf("stopping")
	if srv != nil {
		srv.Close()
	}
	return node.Close()
}
