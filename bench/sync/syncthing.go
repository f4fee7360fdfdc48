package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Syncthing (the Debian package) moving the same change as a file: two
// instances on 127.0.0.1 with their own homes, one folder shared between
// them with explicit 127.0.0.1 addresses. Everything that would reach
// past this machine is off in the config written before the first start
// (and checked through the REST API, then against the open sockets):
// global and local discovery, relays, NAT traversal, STUN, usage and
// crash reporting, upgrades; the GUI listens on 127.0.0.1 and no
// browser is started.

const stFolder = "cordwain"

type stInstance struct {
	name, home, dir, id, key string
	gui, listen              int
	cmd                      *exec.Cmd
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

var deviceRE = regexp.MustCompile(`<device id="([A-Z0-9-]+)"`)

func (b *bench) stGenerate(name string) (*stInstance, error) {
	s := &stInstance{name: name, home: filepath.Join(b.work, "st-"+name+"-home"), dir: filepath.Join(b.work, "st-"+name+"-folder")}
	if err := os.MkdirAll(filepath.Join(s.dir, ".stfolder"), 0o700); err != nil {
		return nil, err
	}
	out, err := exec.Command("syncthing", "generate", "--home", s.home, "--no-default-folder", "--skip-port-probing").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("syncthing generate: %v: %s", err, out)
	}
	cfg, err := os.ReadFile(filepath.Join(s.home, "config.xml"))
	if err != nil {
		return nil, err
	}
	m := deviceRE.FindSubmatch(cfg)
	if m == nil {
		return nil, fmt.Errorf("no device ID in %s's config", name)
	}
	s.id = string(m[1])
	s.key = fmt.Sprintf("cordwainbench%x", time.Now().UnixNano())
	if s.gui, err = freePort(); err != nil {
		return nil, err
	}
	if s.listen, err = freePort(); err != nil {
		return nil, err
	}
	return s, nil
}

// stConfig is the whole config.xml, replacing the generated one before
// Syncthing first starts.
func stConfig(me, other *stInstance) string {
	dev := func(s *stInstance) string {
		return fmt.Sprintf(`  <device id="%s" name="%s" compression="never" introducer="false">
    <address>tcp://127.0.0.1:%d</address>
    <autoAcceptFolders>false</autoAcceptFolders>
  </device>
`, s.id, s.name, s.listen)
	}
	return fmt.Sprintf(`<configuration version="36">
  <folder id="%s" label="%s" path="%s" type="sendreceive" rescanIntervalS="3600" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
    <filesystemType>basic</filesystemType>
    <device id="%s"></device>
    <device id="%s"></device>
    <minDiskFree unit="%%">0</minDiskFree>
    <markerName>.stfolder</markerName>
    <disableFsync>false</disableFsync>
  </folder>
%s%s  <gui enabled="true" tls="false" debugging="false">
    <address>127.0.0.1:%d</address>
    <apikey>%s</apikey>
  </gui>
  <options>
    <listenAddress>tcp://127.0.0.1:%d</listenAddress>
    <globalAnnounceServer>http://127.0.0.1:1/</globalAnnounceServer>
    <globalAnnounceEnabled>false</globalAnnounceEnabled>
    <localAnnounceEnabled>false</localAnnounceEnabled>
    <relaysEnabled>false</relaysEnabled>
    <natEnabled>false</natEnabled>
    <startBrowser>false</startBrowser>
    <urAccepted>-1</urAccepted>
    <urURL>http://127.0.0.1:1/</urURL>
    <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
    <releasesURL>http://127.0.0.1:1/</releasesURL>
    <crashReportingEnabled>false</crashReportingEnabled>
    <crashReportingURL>http://127.0.0.1:1/</crashReportingURL>
    <stunKeepaliveStartS>0</stunKeepaliveStartS>
    <stunKeepaliveMinS>0</stunKeepaliveMinS>
    <stunServer>127.0.0.1:1</stunServer>
    <announceLANAddresses>false</announceLANAddresses>
    <minHomeDiskFree unit="%%">0</minHomeDiskFree>
    <setLowPriority>false</setLowPriority>
  </options>
</configuration>
`, stFolder, stFolder, me.dir, me.id, other.id, dev(me), dev(other), me.gui, me.key, me.listen)
}

func (s *stInstance) start(logs string) error {
	s.cmd = exec.Command("syncthing", "serve", "--home", s.home, "--no-browser", "--no-restart", "--no-upgrade", "--logflags=0")
	s.cmd.Env = append(os.Environ(), "STNODEFAULTFOLDER=1", "STNOUPGRADE=1", "STNORESTART=1")
	s.cmd.SysProcAttr = childAttr()
	lf, err := os.Create(filepath.Join(logs, "syncthing-"+s.name+".log"))
	if err != nil {
		return err
	}
	s.cmd.Stdout, s.cmd.Stderr = lf, lf
	return s.cmd.Start()
}

func (s *stInstance) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-done
	}
}

var stClient = &http.Client{Timeout: 30 * time.Second}

func (s *stInstance) rest(method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		bb, _ := json.Marshal(body)
		rd = bytes.NewReader(bb)
	}
	req, err := http.NewRequest(method, fmt.Sprintf("http://127.0.0.1:%d%s", s.gui, path), rd)
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", s.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := stClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (s *stInstance) waitUntil(what string, timeout time.Duration, ok func() bool) error {
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			return fmt.Errorf("syncthing %s: %s not reached in %v", s.name, what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// checkLocal fails unless every setting that reaches past this machine
// is off, as read back from the running instance.
func (s *stInstance) checkLocal() error {
	var o map[string]any
	if err := s.rest("GET", "/rest/config/options", nil, &o); err != nil {
		return err
	}
	want := map[string]any{"globalAnnounceEnabled": false, "localAnnounceEnabled": false, "relaysEnabled": false,
		"natEnabled": false, "urAccepted": -1.0, "crashReportingEnabled": false, "autoUpgradeIntervalH": 0.0,
		"startBrowser": false, "announceLANAddresses": false, "stunKeepaliveStartS": 0.0}
	for k, v := range want {
		if o[k] != v {
			return fmt.Errorf("syncthing %s: option %s is %v, want %v", s.name, k, o[k], v)
		}
	}
	for _, a := range o["listenAddresses"].([]any) {
		if !strings.HasPrefix(a.(string), "tcp://127.0.0.1:") {
			return fmt.Errorf("syncthing %s listens on %v", s.name, a)
		}
	}
	var devs []map[string]any
	if err := s.rest("GET", "/rest/config/devices", nil, &devs); err != nil {
		return err
	}
	for _, d := range devs {
		for _, a := range d["addresses"].([]any) {
			if !strings.HasPrefix(a.(string), "tcp://127.0.0.1:") {
				return fmt.Errorf("syncthing %s: device %v has address %v", s.name, d["deviceID"], a)
			}
		}
	}
	var gui map[string]any
	if err := s.rest("GET", "/rest/config/gui", nil, &gui); err != nil {
		return err
	}
	if !strings.HasPrefix(gui["address"].(string), "127.0.0.1:") {
		return fmt.Errorf("syncthing %s: GUI on %v", s.name, gui["address"])
	}
	return nil
}

// sockets lists the instance's sockets whose addresses are not
// 127.0.0.1 (ss -tunap).
func (s *stInstance) foreignSockets() (seen int, bad []string) {
	out, err := exec.Command("ss", "-H", "-tunap").Output()
	if err != nil {
		return 0, []string{"ss failed: " + err.Error()}
	}
	// syncthing serve runs its work in a child of the process started.
	tags := []string{fmt.Sprintf("pid=%d,", s.cmd.Process.Pid)}
	for _, k := range children(s.cmd.Process.Pid) {
		tags = append(tags, fmt.Sprintf("pid=%d,", k))
	}
	for _, l := range strings.Split(string(out), "\n") {
		if !slices.ContainsFunc(tags, func(t string) bool { return strings.Contains(l, t) }) {
			continue
		}
		f := strings.Fields(l)
		if len(f) < 6 {
			continue
		}
		seen++
		for _, a := range f[4:6] {
			if !strings.HasPrefix(a, "127.0.0.1:") && a != "*:*" && a != "0.0.0.0:*" {
				bad = append(bad, l)
				break
			}
		}
	}
	return seen, bad
}

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// arrive waits until B's copy of name holds want (an inotify event for
// the name, then the content read back).
func arrive(events <-chan string, path string, want []byte, timeout time.Duration) (time.Time, error) {
	name := filepath.Base(path)
	deadline := time.After(timeout)
	for {
		select {
		case n, ok := <-events:
			if !ok {
				return time.Time{}, fmt.Errorf("inotify closed")
			}
			if n != name {
				continue
			}
			t := time.Now()
			if got, err := os.ReadFile(path); err == nil && bytes.Equal(got, want) {
				return t, nil
			}
		case <-deadline:
			return time.Time{}, fmt.Errorf("%s did not arrive in %v", name, timeout)
		}
	}
}

func (b *bench) syncthing(lat *latencies, nWatch, nScan int) error {
	if _, err := exec.LookPath("syncthing"); err != nil {
		return fmt.Errorf("syncthing is not installed (scripts/ensure-packages.sh syncthing)")
	}
	ver, _ := exec.Command("syncthing", "--version").Output()
	exported := filepath.Join(b.work, "design.json")
	if _, err := b.cw(lat.dirB, "json", "export", "--design", lat.design, "-o", exported); err != nil {
		return err
	}
	base, err := os.ReadFile(exported)
	if err != nil {
		return err
	}
	notesRE := regexp.MustCompile(`"notes":\s*"[^"]*"`)
	if !notesRE.Match(base) {
		return fmt.Errorf("no notes in the exported design")
	}
	content := func(i int) []byte {
		return notesRE.ReplaceAll(base, []byte(fmt.Sprintf(`"notes": "syncthing edit %d"`, i)))
	}
	A, err := b.stGenerate("a")
	if err != nil {
		return err
	}
	B, err := b.stGenerate("b")
	if err != nil {
		return err
	}
	for _, p := range [][2]*stInstance{{A, B}, {B, A}} {
		if err := os.WriteFile(filepath.Join(p[0].home, "config.xml"), []byte(stConfig(p[0], p[1])), 0o600); err != nil {
			return err
		}
	}
	if err := A.start(b.logs); err != nil {
		return err
	}
	defer A.stop()
	if err := B.start(b.logs); err != nil {
		return err
	}
	defer B.stop()
	for _, s := range []*stInstance{A, B} {
		if err := s.waitUntil("REST API up", time.Minute, func() bool { return s.rest("GET", "/rest/system/ping", nil, nil) == nil }); err != nil {
			return err
		}
		if err := s.checkLocal(); err != nil {
			return err
		}
	}
	connected := func(s, o *stInstance) func() bool {
		return func() bool {
			var c struct {
				Connections map[string]struct{ Connected bool } `json:"connections"`
			}
			return s.rest("GET", "/rest/system/connections", nil, &c) == nil && c.Connections[o.id].Connected
		}
	}
	if err := A.waitUntil("connected", 2*time.Minute, connected(A, B)); err != nil {
		return err
	}
	idle := func(s *stInstance) func() bool {
		return func() bool {
			var st struct{ State string }
			return s.rest("GET", "/rest/db/status?folder="+stFolder, nil, &st) == nil && st.State == "idle"
		}
	}
	for _, s := range []*stInstance{A, B} {
		if err := s.waitUntil("folder idle", time.Minute, idle(s)); err != nil {
			return err
		}
	}
	events, closeEv, err := inotify(B.dir)
	if err != nil {
		return err
	}
	defer closeEv()
	pathA, pathB := filepath.Join(A.dir, "design.json"), filepath.Join(B.dir, "design.json")
	n := 0
	edit := func(scan bool) (time.Duration, error) {
		n++
		c := content(n)
		t0 := time.Now()
		if err := writeSynced(pathA, c); err != nil {
			return 0, err
		}
		if scan {
			if err := A.rest("POST", "/rest/db/scan?folder="+stFolder+"&sub=design.json", nil, nil); err != nil {
				return 0, err
			}
		}
		t1, err := arrive(events, pathB, c, time.Minute)
		return t1.Sub(t0), err
	}
	if _, err := edit(false); err != nil { // the first copy
		return err
	}
	var watch, scan []time.Duration
	for range nWatch {
		time.Sleep(200 * time.Millisecond)
		d, err := edit(false)
		if err != nil {
			return err
		}
		watch = append(watch, d)
	}
	for _, s := range []*stInstance{A, B} {
		if err := s.rest("PATCH", "/rest/config/folders/"+stFolder, map[string]any{"fsWatcherEnabled": false}, nil); err != nil {
			return err
		}
	}
	time.Sleep(time.Second)
	for _, s := range []*stInstance{A, B} {
		if err := s.waitUntil("folder idle", time.Minute, idle(s)); err != nil {
			return err
		}
	}
	if err := A.waitUntil("connected", 2*time.Minute, connected(A, B)); err != nil {
		return err
	}
	for i := range 5 + nScan {
		d, err := edit(true)
		if err != nil {
			return err
		}
		if i >= 5 {
			scan = append(scan, d)
		}
	}
	var foreign []string
	sockets := 0
	for _, s := range []*stInstance{A, B} {
		n, bad := s.foreignSockets()
		sockets += n
		foreign = append(foreign, bad...)
	}
	fmt.Printf("== the same change moved by %s as a file (the design's JSON from `cordwain json export`, %d bytes), two instances on 127.0.0.1\n",
		strings.TrimSpace(string(ver)), len(base))
	fmt.Printf("clock from the write on A (write, fsync, close) to B's copy renamed into place (inotify) and read back equal\n")
	fmt.Printf("  watcher (fsWatcherDelayS=1): %s\n", stats(watch))
	fmt.Printf("  forced rescan (watcher off; POST /rest/db/scan?sub=design.json right after the write, inside the timer): %s\n", stats(scan))
	fmt.Printf("  ratio to Cordwain's p50 (%s): watcher %.0f×, rescan %.1f×\n", ms(lat.p50),
		float64(pct(watch, 50))/float64(lat.p50), float64(pct(scan, 50))/float64(lat.p50))
	if len(foreign) > 0 {
		fmt.Printf("  SOCKETS NOT ON 127.0.0.1:\n    %s\n", strings.Join(foreign, "\n    "))
	} else if sockets == 0 {
		fmt.Printf("  config checked through the REST API; ss showed no socket of either instance (cannot confirm the addresses)\n")
	} else {
		fmt.Printf("  config checked through the REST API; all %d sockets of both instances on 127.0.0.1 (ss -tunap)\n", sockets)
	}
	return nil
}

// children lists the processes whose parent is pid (from /proc/*/stat).
func children(pid int) []int {
	var out []int
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		k, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", k))
		if err != nil {
			continue
		}
		st := string(b)
		if i := strings.LastIndexByte(st, ')'); i >= 0 {
			st = st[i+1:]
		}
		if f := strings.Fields(st); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, k)
		}
	}
	return out
}
