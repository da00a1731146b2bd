package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCatalogueComplete checks that every message has its Dutch and French,
// that no English text is there twice, and that the three agree on their
// format verbs: the same verbs for the same arguments, whatever their order.
func TestCatalogueComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range catalogue {
		if m.en == "" {
			t.Errorf("a message has no English: %q / %q", m.nl, m.fr)
			continue
		}
		if seen[m.en] {
			t.Errorf("%q is in the catalogue twice", m.en)
		}
		seen[m.en] = true
		for _, tr := range []struct {
			lang Lang
			text string
		}{{Dutch, m.nl}, {French, m.fr}} {
			if strings.TrimSpace(tr.text) == "" {
				t.Errorf("%q has no %s", m.en, tr.lang.Name())
				continue
			}
			want, got := verbs(m.en), verbs(tr.text)
			if !maps(want, got) {
				t.Errorf("%q: the %s %q has the verbs %v, the English %v", m.en, tr.lang.Name(), tr.text, got, want)
			}
		}
	}
}

var verbRE = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// verbs maps each argument (1, 2…) of a format to its verb; "%%" is not
// an argument.
func verbs(format string) map[int]string {
	out := map[int]string{}
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(format, -1) {
		if m[4] == "%" {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		out[next] = m[4]
		next++
	}
	return out
}

func maps(a, b map[int]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestVerbs(t *testing.T) {
	if v := verbs("%s at %d%%, %[1]s"); !maps(v, map[int]string{1: "s", 2: "d"}) {
		t.Errorf("verbs %v", v)
	}
	if v := verbs("%[2]s de %[1]d"); !maps(v, map[int]string{1: "d", 2: "s"}) {
		t.Errorf("verbs %v", v)
	}
}

// TestLookup checks the fallbacks: English is the key, a context reads as
// the word alone, and an unknown message is itself and is noted.
func TestLookup(t *testing.T) {
	t.Cleanup(func() { Set(English); ResetMissing() })
	Set(Dutch)
	if got := T("Unlock"); got != "Ontgrendelen" {
		t.Errorf("Unlock in Dutch is %q", got)
	}
	if got := F("%d of %d patients", 3, 40); got != "3 van 40 patiënten" {
		t.Errorf("got %q", got)
	}
	ResetMissing()
	if got := T("no such message"); got != "no such message" || !slices.Equal(Missing(), []string{"no such message"}) {
		t.Errorf("an unknown message reads %q, missing %v", got, Missing())
	}
	if got := X("no such context", "word"); got != "word" {
		t.Errorf("an unknown word in context reads %q", got)
	}
	Set(French)
	if got := X("sex", "M"); got != "H" {
		t.Errorf("male in French is %q", got)
	}
	Set(English)
	if got := X("sex", "F"); got != "F" {
		t.Errorf("female in English is %q", got)
	}
	if l, ok := Parse("nl_BE.UTF-8"); !ok || l != Dutch {
		t.Errorf("nl_BE reads as %q", l)
	}
	if _, ok := Parse("de"); ok {
		t.Error("German is not offered")
	}
	Set("de")
	if Current() != English {
		t.Errorf("an unknown language leaves %q", Current())
	}
}

// TestCodeInCatalogue reads the packages that show words (the windows and
// what they share, how a chart reads, the printed packs, the transfer
// summary) and checks that
// every message they look up by a constant text (a literal, or a constant
// of the package) is in the catalogue, and so is every text of the
// worklist's strings.go. Texts made at run time are checked by the
// windows' language tests (Missing).
func TestCodeInCatalogue(t *testing.T) {
	used := codeMessages(t, "../kiosk", "../worklist", "../ui", "../present", "../pack", "../ips", "../transfer", "../board")
	if len(used) < 100 {
		t.Fatalf("only %d messages found in the code: is the scan broken?", len(used))
	}
	words := wordFile(t, "../worklist/strings.go")
	if len(words) < 50 || !slices.Contains(words, "CONFLICT") {
		t.Fatalf("only %d texts found in the worklist's strings.go: is the scan broken?", len(words))
	}
	used = append(used, words...)
	// The readiness board's findings, said by the board in the language
	// asked for.
	findings := wordFile(t, "../../sync/fleet/ready.go")
	if !slices.Contains(findings, "Holds no snapshot.") {
		t.Fatalf("the fleet's findings were not found in ready.go: is the scan broken?")
	}
	used = append(used, findings...)
	slices.Sort(used)
	used = slices.Compact(used)
	var missing []string
	for _, s := range used {
		if !Has(s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		if path := os.Getenv("I18N_MISSING"); path != "" {
			os.WriteFile(path, []byte(strings.Join(missing, "\n")+"\n"), 0o644)
		}
		t.Errorf("%d messages are not in the catalogue:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// wordFile is every text of a file that holds a package's words, as the
// worklist's strings.go does: its string constants, and the strings of
// its package-level lists and the values of its maps (the keys are codes).
// The words there reach the lookup through variables (i18n.T(label),
// i18n.T(kindWords[k])), which codeMessages cannot follow.
func wordFile(t *testing.T, name string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	files := []*ast.File{f}
	consts := constStrings(files)
	var out []string
	for _, s := range consts {
		out = append(out, s)
	}
	add := func(e ast.Expr) {
		if s, ok := evalString(e, consts, nil); ok {
			out = append(out, s)
		}
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, spec := range g.Specs {
			for _, v := range spec.(*ast.ValueSpec).Values {
				lit, ok := v.(*ast.CompositeLit)
				if !ok {
					continue
				}
				for _, el := range lit.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						add(kv.Value)
					} else {
						add(el)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// codeMessages are the constant texts passed to i18n.T, F and X (as
// "context|word") in the non-test files of dirs.
func codeMessages(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, dir := range dirs {
		fset := token.NewFileSet()
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		var parsed []*ast.File
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, f)
		}
		consts := constStrings(parsed)
		// present's constants are used by the other packages as present.X.
		presentConsts := constStrings(parseDir(t, "../present"))
		value := func(e ast.Expr) (string, bool) { return evalString(e, consts, presentConsts) }
		for _, f := range parsed {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if len(call.Args) == 0 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "i18n" {
					return true
				}
				switch sel.Sel.Name {
				case "In": // In(lang, text)
					if len(call.Args) == 2 {
						if s, ok := value(call.Args[1]); ok {
							out = append(out, s)
						}
					}
				case "T", "F":
					if s, ok := value(call.Args[0]); ok {
						out = append(out, s)
					}
				case "X":
					if len(call.Args) == 2 {
						ctx, ok1 := value(call.Args[0])
						word, ok2 := value(call.Args[1])
						if ok1 && ok2 {
							out = append(out, ctx+"|"+word)
						}
					}
				}
				return true
			})
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func parseDir(t *testing.T, dir string) []*ast.File {
	fset := token.NewFileSet()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	var out []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

// constStrings are the package-level string constants of files, as far as
// literals and their sums give them.
func constStrings(files []*ast.File) map[string]string {
	specs := map[string]ast.Expr{}
	for _, f := range files {
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if i < len(vs.Values) {
						specs[n.Name] = vs.Values[i]
					}
				}
			}
		}
	}
	out := map[string]string{}
	for range 4 { // constants made of constants
		for name, e := range specs {
			if s, ok := evalString(e, out, nil); ok {
				out[name] = s
			}
		}
	}
	return out
}

func evalString(e ast.Expr, local, present map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := local[e.Name]
		return s, ok
	case *ast.SelectorExpr:
		if pkg, ok := e.X.(*ast.Ident); ok && pkg.Name == "present" {
			s, ok := present[e.Sel.Name]
			return s, ok
		}
	case *ast.ParenExpr:
		return evalString(e.X, local, present)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := evalString(e.X, local, present)
		b, ok2 := evalString(e.Y, local, present)
		return a + b, ok1 && ok2
	}
	return "", false
}
