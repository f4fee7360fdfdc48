//go:build linux

package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"cordwain/internal/threadcpu"
	"cordwain/models"
	"cordwain/models/store"
	"cordwain/p2p"
)

// TestScaleSteps runs the steps of one `cordwain edit --set` (or, with
// CORDWAIN_SCALE_STEPS=log, one `cordwain log`) of the 1,000-element
// design on the studio in CORDWAIN_SCALE_DIR, the same calls as the
// command, and prints each step's wall and thread CPU time as one JSON
// line. Run it as a fresh process each time (`go test -c`, then the
// binary): that is what a command pays, less the process start. It
// commits: give it a copy. Skipped without CORDWAIN_SCALE_DIR.
func TestScaleSteps(t *testing.T) {
	dir, _ := scaleEnv(t)
	mode := os.Getenv("CORDWAIN_SCALE_STEPS")
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	out := map[string]float64{}
	var order []string
	var r0 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
	t00 := time.Now()
	c0, t0, f0 := threadcpu.Now(), time.Now(), faults()
	step := func(name string) {
		out[name+"_ms"] = float64(time.Since(t0).Microseconds()) / 1000
		out[name+"_cpu_ms"] = float64((threadcpu.Now() - c0).Microseconds()) / 1000
		out[name+"_faults"] = float64(faults() - f0)
		order = append(order, name)
		c0, t0, f0 = threadcpu.Now(), time.Now(), faults()
	}
	name := "Scale 0000"
	m := Write
	if mode == "log" {
		m = Read
	}
	s, err := Open(dir, m)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	step("open")
	info, err := pickDesign(s.Store, name)
	if err != nil {
		t.Fatal(err)
	}
	step("find")
	if err := s.Store.LoadDesign(info.ID); err != nil {
		t.Fatal(err)
	}
	step("load")
	if mode == "log" {
		vs := s.Store.History(info.ID)
		step("history")
		_ = s.Store.Refs(info.ID)
		members := p2p.CurrentMembers(s.Store)
		step("refs_members")
		var b bytes.Buffer
		for _, v := range vs {
			fmt.Fprintf(&b, "%s %s %v\n", store.Short(v.ID), v.Message, members.Has(v.Author.PeerID))
		}
		step("rows")
	} else {
		id, err := s.Identity(false)
		if err != nil {
			t.Fatal(err)
		}
		step("identity")
		head, err := s.Store.Head(info.ID, store.DefaultBranch)
		if err != nil {
			t.Fatal(err)
		}
		d, err := s.Store.Checkout(head.ID)
		if err != nil {
			t.Fatal(err)
		}
		step("checkout")
		if err := setProperty(d, fmt.Sprintf("meta.notes=steps %d", time.Now().UnixNano())); err != nil {
			t.Fatal(err)
		}
		if err := models.Validate(d); err != nil {
			t.Fatal(err)
		}
		step("validate")
		if _, err := s.Store.CommitDesign(store.DefaultBranch, d, "steps", id); err != nil {
			t.Fatal(err)
		}
		step("commit")
	}
	s.Close()
	step("close")
	out["total_ms"] = float64(time.Since(t00).Microseconds()) / 1000
	var r1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
	cpu := time.Duration(r1.Utime.Nano()+r1.Stime.Nano()-r0.Utime.Nano()-r0.Stime.Nano()) * time.Nanosecond
	out["process_cpu_ms"] = float64(cpu.Microseconds()) / 1000
	out["minflt"] = float64(r1.Minflt - r0.Minflt)
	b, _ := json.Marshal(out)
	fmt.Printf("STEPS %s\n", b)
}

// faults is the process's minor page faults so far (a first touch of a
// page of the mapped store file is one).
func faults() int64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return r.Minflt
}
