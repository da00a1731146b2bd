package app

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// cliReferencePath is the command-line reference, made of the commands'
// own --help.
const cliReferencePath = "../docs/cli.md"

// helpOf runs lifeboat ARGS... --help in-process and returns what it
// printed on stdout, failing t on any other outcome.
func helpOf(t *testing.T, args ...string) string {
	t.Helper()
	var out, errs bytes.Buffer
	c := &cli{stdin: strings.NewReader(""), stdout: &out, stderr: &errs,
		getenv: func(string) string { return "" }, now: time.Now}
	if code := c.run(append(args, "--help")); code != ExitOK || errs.Len() > 0 {
		t.Fatalf("lifeboat %s --help: exit %d, stderr %q", strings.Join(args, " "), code, errs.String())
	}
	return out.String()
}

// cliReference is docs/cli.md as it must read.
func cliReference(t *testing.T) string {
	var b strings.Builder
	b.WriteString("# Command-line reference\n\n")
	b.WriteString("<!-- Made from the commands' own --help by TestCLIReference (app/cliref_test.go);\n")
	b.WriteString("     do not edit: UPDATE_DOCS=1 go test -tags ci ./app -run TestCLIReference -->\n\n")
	b.WriteString("One binary, `lifeboat`. The ward passphrase comes from `LIFEBOAT_PASSPHRASE` or is asked\n")
	b.WriteString("for, never an argument. An error is one line on standard error, `lifeboat COMMAND: Sentence.`\n")
	b.WriteString("(`lifeboat reconcile decide: …` for a subcommand, `lifeboat: …` for an unknown command), and a\n")
	b.WriteString("warning that does not stop the command begins `Warning: `; the exit statuses are listed in\n")
	b.WriteString("[the IT guide](it.md#exit-statuses).\n\n")
	b.WriteString("```text\n$ lifeboat --help\n" + helpOf(t) + "```\n")
	for _, tp := range topics {
		fmt.Fprintf(&b, "\n## lifeboat %s\n\n```text\n%s```\n", tp.name, helpOf(t, strings.Fields(tp.name)...))
	}
	return b.String()
}

func TestCLIReference(t *testing.T) {
	want := cliReference(t)
	if os.Getenv("UPDATE_DOCS") != "" {
		if err := os.WriteFile(cliReferencePath, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(cliReferencePath)
	if err != nil || string(got) != want {
		t.Fatalf("docs/cli.md is not current with the commands' --help: run UPDATE_DOCS=1 go test -tags ci ./app -run TestCLIReference")
	}
}

// Every command and subcommand has help: a usage line under 100 columns,
// a line for each flag, an example; and the help story asks each one.
func TestEveryCommandHasHelp(t *testing.T) {
	story, err := os.ReadFile("testdata/script/help.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range commands() {
		if _, ok := topicNamed(cmd.name); !ok {
			t.Errorf("command %s has no help topic", cmd.name)
		}
	}
	for _, tp := range topics {
		help := helpOf(t, strings.Fields(tp.name)...)
		for _, line := range strings.Split(help, "\n") {
			if n := len([]rune(line)); n >= 100 {
				t.Errorf("lifeboat %s --help: a line of %d columns: %q", tp.name, n, line)
			}
		}
		if !strings.HasPrefix(help, "Usage: lifeboat "+tp.name+" ") || !strings.Contains(help, "\nExample:\n  lifeboat "+tp.name+" ") {
			t.Errorf("lifeboat %s --help has no usage line or no example:\n%s", tp.name, help)
		}
		if !strings.Contains(string(story), "exec lifeboat "+tp.name+" --help\n") {
			t.Errorf("testdata/script/help.txtar does not ask lifeboat %s --help", tp.name)
		}
	}
	// Each flag has one line of its own.
	help := helpOf(t, "snapshot")
	for _, flag := range []string{"--data DIR", "--from PATH", "--all", "--every DURATION", "--bearer-file FILE"} {
		if !strings.Contains(help, "\n  "+flag+" ") {
			t.Errorf("snapshot --help has no line for %s:\n%s", flag, help)
		}
	}
}
