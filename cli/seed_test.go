package cli

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"cordwain/canvas/samples"
)

var update = flag.Bool("update", false, "rewrite cli/samples.seed from canvas/samples")

// The embedded sample roots are exactly what canvas/samples builds, and
// they hold every sample.
func TestSeedMatchesSamples(t *testing.T) {
	built, err := buildSeed()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("samples.seed", built, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(built, sampleSeed) {
		t.Fatal("cli/samples.seed is not what canvas/samples builds: the samples changed; " +
			"move the old root IDs to pastSampleRoots and run go test ./cli -run Seed -update")
	}
	b, err := SampleSeed()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Versions) != len(samples.All()) {
		t.Fatalf("%d roots for %d samples", len(b.Versions), len(samples.All()))
	}
	for _, v := range b.Versions {
		if !IsSampleRoot(v.ID) {
			t.Fatalf("root %s not recognised", v.ID)
		}
	}
	if IsSampleRoot("0000000000000000000000000000000000000000000000000000000000000000") {
		t.Fatal("an unknown ID passes as a sample root")
	}
}
