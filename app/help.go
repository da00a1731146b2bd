package app

import (
	_ "embed"
	"flag"
	"fmt"
	"io"
	"strings"
)

// topic is the help of one command or subcommand: what --help prints,
// and what docs/cli.md is made of.
type topic struct {
	name     string // "status", "audit verify"
	usage    string // after "lifeboat "
	summary  string // one sentence
	notes    string // more, in sentences (optional)
	examples []string
}

// topics are every command and subcommand, in the order of docs/cli.md,
// read from help.txt.
var topics = parseTopics(helpText)

//go:embed help.txt
var helpText string

// parseTopics reads help.txt: a topic is "== NAME", the usage line, the
// summary line, lines of notes, and examples each beginning "$ ".
func parseTopics(text string) []topic {
	var ts []topic
	var notes []string
	for _, line := range strings.Split(text, "\n") {
		if name, ok := strings.CutPrefix(line, "== "); ok {
			ts = append(ts, topic{name: name})
			notes = nil
			continue
		}
		if len(ts) == 0 || strings.TrimSpace(line) == "" {
			continue
		}
		t := &ts[len(ts)-1]
		switch example, isExample := strings.CutPrefix(line, "$ "); {
		case t.usage == "":
			t.usage = line
		case t.summary == "":
			t.summary = line
		case isExample:
			t.examples = append(t.examples, example)
		default:
			notes = append(notes, line)
			t.notes = strings.Join(notes, " ")
		}
	}
	return ts
}

func topicNamed(name string) (topic, bool) {
	for _, t := range topics {
		if t.name == name {
			return t, true
		}
	}
	return topic{}, false
}

// helpWidth is the width help is wrapped to.
const helpWidth = 99

// printHelp writes the help of command name, with the flags of fs (nil
// for a command that only has subcommands).
func printHelp(w io.Writer, name string, fs *flag.FlagSet) {
	t, _ := topicNamed(name)
	fmt.Fprint(w, wrap("Usage: lifeboat "+t.usage, "         ", helpWidth))
	fmt.Fprintln(w)
	fmt.Fprint(w, wrap(t.summary, "", helpWidth))
	if t.notes != "" {
		fmt.Fprint(w, wrap(t.notes, "", helpWidth))
	}
	if fs != nil {
		fmt.Fprintln(w, "\nFlags:")
		var lines [][2]string
		width := 0
		fs.VisitAll(func(f *flag.Flag) {
			left := "--" + f.Name
			if v := flagValueName(name, f); v != "" {
				left += " " + v
			}
			text := f.Usage
			if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "0s" && d != "[]" {
				text += " (default " + d + ")"
			}
			width = max(width, len(left))
			lines = append(lines, [2]string{left, text})
		})
		for _, l := range lines {
			fmt.Fprintf(w, "  %-*s  %s\n", width, l[0], l[1])
		}
	}
	if t.name == "audit" {
		fmt.Fprintln(w, "\nSubcommands:")
		for _, s := range []string{"audit verify", "audit export"} {
			st, _ := topicNamed(s)
			fmt.Fprintf(w, "  %-13s %s\n", strings.TrimPrefix(s, "audit "), st.summary)
		}
	}
	fmt.Fprintln(w, "\nExample:")
	for _, e := range t.examples {
		fmt.Fprintln(w, "  "+e)
	}
}

// valueNames name the value of flags whose type says too little.
var valueNames = map[string]string{
	"data": "DIR", "out": "PATH", "from": "PATH", "fhir": "URL", "patient": "ID", "patients": "ID,...",
	"ward": "ID", "group": "ID", "entry": "ID", "link-to": "ID", "recovery": "RECIPIENT", "recovery-out": "FILE",
	"recovery-key": "FILE", "as-of": "TIME", "lang": "LANG", "amber": "DURATION", "red": "DURATION",
	"user": "NAME", "witness": "NAME", "by": "NAME", "reason": "TEXT", "action": "ACTION", "format": "FORMAT",
	"json": "FILE", "identifier-system": "URI", "temporary-system": "URI", "token-url": "URL",
	"smart-client-id": "ID", "smart-kid": "ID", "smart-key": "FILE", "scope": "SCOPES", "pdf": "FILE",
	"to": "RECIPIENT", "hub": "URL|DIR", "code": "CODE", "listen": "ADDR", "publish": "DIR", "name": "NAME",
	"hub-ca": "FILE", "tls-cert": "FILE", "tls-key": "FILE",
}

// commandValueNames are the value names of flags that mean another thing
// in one command, by command and flag.
var commandValueNames = map[string]string{
	"handin to": "URL|HUBDIR", "reconcile hub": "HUBDIR", "reconcile decide hub": "HUBDIR", "reconcile worklist hub": "HUBDIR",
}

// flagValueName is what a flag's value is called in the help of command
// cmd: none for a switch.
func flagValueName(cmd string, f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	if n, ok := commandValueNames[cmd+" "+f.Name]; ok {
		return n
	}
	if n, ok := valueNames[f.Name]; ok {
		return n
	}
	switch kind, _ := flag.UnquoteUsage(f); kind {
	case "duration":
		return "DURATION"
	case "int", "uint":
		return "N"
	}
	if strings.HasSuffix(f.Name, "-file") {
		return "FILE"
	}
	return "VALUE"
}

// wrap breaks text into lines of at most width columns at spaces, the
// lines after the first indented, each line ended with a newline.
func wrap(text, indent string, width int) string {
	var b strings.Builder
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) > width:
			b.WriteString(line + "\n")
			line = indent + word
		default:
			line += " " + word
		}
	}
	b.WriteString(line + "\n")
	return b.String()
}

// isHelp is whether arg asks for help.
func isHelp(arg string) bool {
	switch arg {
	case "-h", "--help", "-help", "--h", "help":
		return true
	}
	return false
}
