package app

import (
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// The README's example session is the one testdata/script/readme.txtar
// runs: it cannot drift from what works.
func TestReadmeSession(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "<!-- session:")
	block, _, ok2 := strings.Cut(block, "<!-- /session -->")
	_, block, ok3 := strings.Cut(block, "```sh\n")
	block, _, ok4 := strings.Cut(block, "```")
	if !ok || !ok2 || !ok3 || !ok4 {
		t.Fatal("README.md has no ```sh block between <!-- session: --> and <!-- /session -->")
	}
	story, err := txtar.ParseFile("testdata/script/readme.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range story.Files {
		if f.Name == "session.sh" {
			if string(f.Data) != block {
				t.Fatalf("the README's example session differs from session.sh in testdata/script/readme.txtar: copy the README's block there, and check the story still passes\nREADME:\n%s\nsession.sh:\n%s", block, f.Data)
			}
			return
		}
	}
	t.Fatal("testdata/script/readme.txtar has no session.sh")
}
