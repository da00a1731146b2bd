package app

import (
	"cmp"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

// Stamped at build time (make build, make release):
//
//	-ldflags "-X lifeboat/app.stampVersion=1.2.0 -X lifeboat/app.stampCommit=… -X lifeboat/app.stampDate=…"
//
// A plain go build leaves them empty: the version is then "devel", and
// the commit and its time come from what the Go toolchain recorded of
// the checkout, when it did.
var stampVersion, stampCommit, stampDate string

// buildInfo is what a binary says of itself.
type buildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit,omitempty"`
	Date     string `json:"date,omitempty"` // the commit's time (reproducible), RFC 3339
	Modified bool   `json:"modified,omitempty"`
	Go       string `json:"go"`
	Fyne     string `json:"fyne,omitempty"`
}

func build() buildInfo {
	b := buildInfo{Version: cmp.Or(stampVersion, "devel"), Commit: stampCommit, Date: stampDate, Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if stampVersion == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = cmp.Or(b.Commit, s.Value)
		case "vcs.time":
			b.Date = cmp.Or(b.Date, s.Value)
		case "vcs.modified":
			b.Modified = s.Value == "true" && stampCommit == ""
		}
	}
	for _, d := range info.Deps {
		if d.Path == "fyne.io/fyne/v2" {
			b.Fyne = d.Version
		}
	}
	return b
}

// version is the program's version in one word, as heartbeats and the
// board say it: "1.2.0+1a2b3c4d", or "devel+1a2b3c4d".
func version() string {
	b := build()
	if len(b.Commit) >= 8 {
		return b.Version + "+" + b.Commit[:8]
	}
	return b.Version
}

// versionCmd says which Lifeboat this is.
func (c *cli) versionCmd(args []string) error {
	f := c.newFlags("version")
	asJSON := f.Bool("json", false, "JSON output")
	if err := f.noPositional(args); err != nil {
		return err
	}
	b := build()
	if *asJSON {
		return json.NewEncoder(c.stdout).Encode(b)
	}
	line := "Lifeboat " + b.Version
	if b.Commit != "" {
		line += ", commit " + b.Commit
		if b.Modified {
			line += " (with changes not committed)"
		}
	}
	if t, err := time.Parse(time.RFC3339, b.Date); err == nil {
		line += ", of " + t.UTC().Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintln(c.stdout, line+".")
	fmt.Fprintf(c.stdout, "Built with %s and Fyne %s.\n", b.Go, cmp.Or(b.Fyne, "(unknown)"))
	return nil
}
