package app

import (
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

// topics are every command and subcommand, in the order of docs/cli.md.
var topics = []topic{
	{name: "init", usage: "init --data DIR (--recovery RECIPIENT | --recovery-out FILE)",
		summary: "Create the kiosk's keys, sealed under the ward passphrase.",
		notes: "The passphrase comes from LIFEBOAT_PASSPHRASE or is asked for twice. IT's recovery key is " +
			"the hospital's age recipient (--recovery), or a new identity written to a file for IT " +
			"(--recovery-out), never printed and never in the data folder.",
		examples: []string{`lifeboat init --data "$dir/kiosk" --recovery-out "$dir/it-recovery.txt"`}},
	{name: "snapshot",
		usage:   "snapshot --data DIR (--from PATH... | --fhir URL [--every 1m]) (--ward ID | --group ID | --patients ID,... | --all)",
		summary: "Seal a new snapshot generation from FHIR files, or keep one fresh from a FHIR server.",
		notes:   "Needs the ward passphrase. --group and the SMART and timeout flags are for --fhir only.",
		examples: []string{`lifeboat snapshot --data "$dir/kiosk" --from "$dir/ward" --ward ward-2`,
			`lifeboat snapshot --data DIR --fhir https://ehr.example/fhir --ward ward-2 --every 1m`}},
	{name: "status", usage: "status --data DIR [--json] [--amber 15m] [--red 60m]",
		summary:  "List generations, the newest good one and its age (no passphrase needed).",
		notes:    "Exits 6 when the data is older than --amber, 7 when older than --red, 9 on a refused generation or a rollback.",
		examples: []string{`lifeboat status --data "$dir/kiosk"`}},
	{name: "chart", usage: "chart --data DIR --patient ID [--json]",
		summary:  "Print one patient's chart from the newest good snapshot.",
		notes:    "Needs the ward passphrase. ID is the FHIR id or an identifier such as the MRN.",
		examples: []string{`lifeboat chart --data "$dir/kiosk" --patient pat-000031`}},
	{name: "record", usage: "record --data DIR --json FILE --user NAME [--force] [--witness NAME --reason TEXT]",
		summary:  "Record downtime entries; prints each entry's id once it is saved.",
		notes:    "Needs the ward passphrase. A dose matching a serious allergy needs --witness and --reason.",
		examples: []string{`lifeboat record --data DIR --json entries.json --user "RN Peeters"`}},
	{name: "journal", usage: "journal --data DIR [--json]",
		summary:  "List the downtime journal with each entry's state.",
		notes:    "Needs the ward passphrase.",
		examples: []string{`lifeboat journal --data DIR --json`}},
	{name: "print", usage: "print --data DIR [--patient ID | --all] [--census] --out FILE.pdf|DIR|-",
		summary:  "Write a downtime pack as PDF: one patient, the whole ward, the census.",
		notes:    "Needs the ward passphrase.",
		examples: []string{`lifeboat print --data DIR --all --census --out ward.pdf`}},
	{name: "reconcile", usage: "reconcile --data DIR --fhir URL [--dry-run] [--json] [--batch 50]",
		summary: "Push the downtime journal into the EHR once; conflicts and links wait for a person.",
		notes: "Needs the ward passphrase, or IT's recovery key with --recovery-key. " +
			"An entry's requests stay together in one transaction Bundle. " +
			"Its subcommands are decide, report and worklist (lifeboat reconcile decide --help).",
		examples: []string{`lifeboat reconcile --data DIR --fhir https://ehr.example/fhir --dry-run`}},
	{name: "reconcile decide",
		usage:    "reconcile decide --data DIR --entry ID --action push|skip|link|new-patient [--link-to ID] [--reason TEXT] --by NAME",
		summary:  "Record a person's decision on an entry that reconcile left waiting.",
		notes:    "Needs the ward passphrase, or IT's recovery key with --recovery-key.",
		examples: []string{`lifeboat reconcile decide --data DIR --entry ID --action skip --reason "given twice" --by RN7`}},
	{name: "reconcile report", usage: "reconcile report --data DIR --out FILE.json|FILE.pdf|-",
		summary:  "Write the newest reconciliation report out of its encryption (plaintext!).",
		notes:    "Needs the ward passphrase, or IT's recovery key with --recovery-key.",
		examples: []string{`lifeboat reconcile report --data DIR --out report.pdf`}},
	{name: "reconcile worklist", usage: "reconcile worklist --data DIR",
		summary:  "Open the reconciliation worklist window: the same decisions, side by side.",
		notes:    "The window asks for IT's recovery key.",
		examples: []string{`lifeboat reconcile worklist --data DIR`}},
	{name: "gen", usage: "gen --patients N --out DIR [--seed S] [--as-of TIME]",
		summary:  "Write a synthetic ward as FHIR Bulk Data NDJSON.",
		examples: []string{`lifeboat gen --patients 60 --out "$dir/ward" --seed 7`}},
	{name: "demo", usage: "demo [--lang en|nl|fr]",
		summary:  "Open the kiosk window on a built-in synthetic ward (the passphrase is shown).",
		examples: []string{`lifeboat demo --lang nl`}},
	{name: "audit", usage: "audit verify|export --data DIR ...",
		summary: "Check the audit trail, or write it out for compliance staff.",
		notes:   "See lifeboat audit verify --help and lifeboat audit export --help.",
		examples: []string{`lifeboat audit verify --data DIR`,
			`lifeboat audit export --data DIR --out trail.csv --format csv`}},
	{name: "audit verify", usage: "audit verify --data DIR",
		summary: "Check the audit trail's chain, and the downtime journal against it.",
		notes: "Needs the ward passphrase (LIFEBOAT_PASSPHRASE or asked for): the trail is encrypted. " +
			"Exits 5 when the trail was altered, 10 when the journal fails verification.",
		examples: []string{`lifeboat audit verify --data "$dir/kiosk"`}},
	{name: "audit export", usage: "audit export --data DIR --out FILE [--format jsonl|csv]",
		summary:  "Write the decrypted audit trail, each record with its status (plaintext!).",
		notes:    "Needs the ward passphrase.",
		examples: []string{`lifeboat audit export --data DIR --out trail.jsonl`}},
	{name: "kiosk", usage: "kiosk [--data DIR] [--amber 15m] [--red 60m] [--lang en|nl|fr]",
		summary:  "Open the kiosk window (the default when no command is given).",
		notes:    "DIR defaults to $LIFEBOAT_DATA, else the lifeboat folder of the user's configuration folder.",
		examples: []string{`lifeboat kiosk --data "$dir/kiosk" --lang fr`}},
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
			if v := flagValueName(f); v != "" {
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
	"smart-client-id": "ID", "smart-kid": "ID", "smart-key": "FILE", "scope": "SCOPES",
}

// flagValueName is what a flag's value is called in help: none for a
// switch.
func flagValueName(f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
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
