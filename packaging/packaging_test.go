// Package packaging_test checks the .deb's files against what they mirror:
// the desktop entries and the package's homepage against FyneApp.toml
// (Fyne's metadata for the program), and the default lifeboat.toml against
// the keys docs/install.md documents. packaging/check.sh checks the .deb
// itself (make package-check).
package packaging_test

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// fyneApp is the part of FyneApp.toml the package repeats.
type fyneApp struct {
	Website string
	Details struct {
		Name string
	}
	LinuxAndBSD struct {
		GenericName string
		Comment     string
		Categories  []string
		Keywords    []string
		ExecParams  string
	}
}

func readFyneApp(t *testing.T) fyneApp {
	t.Helper()
	var app fyneApp
	if _, err := toml.DecodeFile("../FyneApp.toml", &app); err != nil {
		t.Fatal(err)
	}
	if app.Website == "" || app.LinuxAndBSD.Comment == "" || app.LinuxAndBSD.GenericName == "" {
		t.Fatal("FyneApp.toml has no Website, or [LinuxAndBSD] no Comment or GenericName")
	}
	return app
}

// desktopEntry reads the [Desktop Entry] group of a .desktop file.
func desktopEntry(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entry, in := map[string]string{}, false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			in = line == "[Desktop Entry]"
		case in:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: %q is not key=value", path, line)
			}
			if _, dup := entry[k]; dup {
				t.Fatalf("%s: %s twice", path, k)
			}
			entry[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return entry
}

// TestDesktopEntries: the menu entry and the autostart entry say what
// FyneApp.toml says (fyne package makes its desktop entry from it).
func TestDesktopEntries(t *testing.T) {
	app := readFyneApp(t)
	want := map[string]string{
		"Type":        "Application",
		"Name":        app.Details.Name,
		"GenericName": app.LinuxAndBSD.GenericName,
		"Comment":     app.LinuxAndBSD.Comment,
		"Exec":        strings.TrimSpace("lifeboat " + app.LinuxAndBSD.ExecParams),
		"Icon":        "lifeboat",
		"Terminal":    "false",
	}
	for _, path := range []string{"lifeboat.desktop", "lifeboat-kiosk.desktop"} {
		got := desktopEntry(t, path)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s=%q, want %q (FyneApp.toml)", path, k, got[k], v)
			}
		}
		for _, lang := range []string{"nl", "fr"} {
			for _, k := range []string{"GenericName", "Comment"} {
				if got[k+"["+lang+"]"] == "" {
					t.Errorf("%s: no %s[%s]: the kiosk speaks Dutch and French too", path, k, lang)
				}
			}
		}
		if path == "lifeboat-kiosk.desktop" {
			if got["Hidden"] == "true" || got["X-GNOME-Autostart-enabled"] != "true" {
				t.Errorf("%s: the kiosk's autostart is not on", path)
			}
			continue
		}
		if want := strings.Join(app.LinuxAndBSD.Categories, ";") + ";"; got["Categories"] != want {
			t.Errorf("%s: Categories=%q, want %q (FyneApp.toml)", path, got["Categories"], want)
		}
		if want := strings.Join(app.LinuxAndBSD.Keywords, ";") + ";"; got["Keywords"] != want {
			t.Errorf("%s: Keywords=%q, want %q (FyneApp.toml)", path, got["Keywords"], want)
		}
	}
}

// TestHomepage: the .deb's homepage is FyneApp.toml's website.
func TestHomepage(t *testing.T) {
	app := readFyneApp(t)
	b, err := os.ReadFile("nfpm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^homepage:\s*(\S+)\s*$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("nfpm.yaml has no homepage")
	}
	if string(m[1]) != app.Website {
		t.Errorf("nfpm.yaml's homepage is %s, FyneApp.toml's website %s", m[1], app.Website)
	}
}

// TestDefaultConfig: /etc/lifeboat/lifeboat.toml, with every commented
// example key turned on, is TOML whose sections and keys docs/install.md
// documents (the program refuses any other), and the keys the package
// sets are the data folders its units use.
func TestDefaultConfig(t *testing.T) {
	b, err := os.ReadFile("lifeboat.toml")
	if err != nil {
		t.Fatal(err)
	}
	var set map[string]map[string]any
	if _, err := toml.Decode(string(b), &set); err != nil {
		t.Fatalf("lifeboat.toml: %v", err)
	}
	if set["kiosk"]["data"] != "/var/lib/lifeboat" || set["hub"]["data"] != "/var/lib/lifeboat-hub" {
		t.Errorf("lifeboat.toml sets %v, want the units' data folders /var/lib/lifeboat and /var/lib/lifeboat-hub", set)
	}
	examples := regexp.MustCompile(`(?m)^#([a-z_]+ = )`).ReplaceAll(b, []byte("$1"))
	var all map[string]map[string]any
	if _, err := toml.Decode(string(examples), &all); err != nil {
		t.Fatalf("lifeboat.toml with its examples on: %v", err)
	}
	doc, err := os.ReadFile("../docs/install.md")
	if err != nil {
		t.Fatal(err)
	}
	for section, keys := range all {
		table := documentedKeys(string(doc), section)
		if len(table) == 0 {
			t.Errorf("docs/install.md has no table of [%s]", section)
		}
		for key := range keys {
			if !table[key] {
				t.Errorf("lifeboat.toml: [%s] %s is not a key docs/install.md documents", section, key)
			}
		}
	}
}

// documentedKeys are the keys of a section's table in docs/install.md: the
// rows "| `key` | …" after the line "**[section]**".
func documentedKeys(doc, section string) map[string]bool {
	keys := map[string]bool{}
	_, rest, ok := strings.Cut(doc, "**["+section+"]**")
	if !ok {
		return keys
	}
	row := regexp.MustCompile("^\\| `([a-z_]+)` \\|")
	started := false
	for line := range strings.SplitSeq(rest, "\n") {
		m := row.FindStringSubmatch(line)
		switch {
		case m != nil:
			keys[m[1]], started = true, true
		case started && !strings.HasPrefix(line, "|"):
			return keys
		}
	}
	return keys
}
