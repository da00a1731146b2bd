package diskfree

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Free agrees with df's available blocks (within what is written
// meanwhile), and a folder that is not there is an error.
func TestFreeAgreesWithDf(t *testing.T) {
	dir := t.TempDir()
	got, err := Free(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("df", "--output=avail", "-B1", dir).Output()
	if err != nil {
		t.Skipf("df: %v", err)
	}
	lines := strings.Fields(string(out))
	want, err := strconv.ParseUint(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("df said %q", out)
	}
	diff := int64(got) - int64(want)
	if diff < -64<<20 || diff > 64<<20 {
		t.Errorf("Free %d, df %d", got, want)
	}
	if _, err := Free(dir + "/not-there"); err == nil {
		t.Error("a folder that is not there has free space")
	}
}
