package app

import (
	"os"
	"strings"
	"testing"
)

// Every key lifeboat.toml may hold is documented in docs/install.md.
func TestConfigKeysAreDocumented(t *testing.T) {
	b, err := os.ReadFile("../docs/install.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range configKeys {
		if !strings.Contains(string(b), "| `"+k.key+"` | "+strings.ReplaceAll(k.doc, `\"`, `"`)) {
			t.Errorf("docs/install.md does not document [%s] %s", k.section, k.key)
		}
	}
}
