package i18n

import (
	"go/ast"
	"slices"
	"strings"
	"testing"
)

// reviewDirs are the packages whose review gives the warnings of a form.
var reviewDirs = []string{"../../clinical"}

// reviewMessages are every format and phrase of the review's warnings:
// the literal texts of msg("…", …) and tr("…") in the non-test files of
// the review's packages (clinical.Message says every one is written so).
func reviewMessages(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, dir := range reviewDirs {
		for _, f := range parseDir(t, dir) {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) == 0 {
					return true
				}
				if id, ok := call.Fun.(*ast.Ident); ok && (id.Name == "msg" || id.Name == "tr") {
					if s, ok := evalString(call.Args[0], nil, nil); ok && s != "" {
						out = append(out, s)
					} else if id.Name == "tr" {
						t.Errorf("tr(%T): a phrase the window translates must be a literal", call.Args[0])
					}
				}
				return true
			})
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestReviewWarningsInCatalogue checks that every warning the review can
// give, and every phrase in one (a vital sign's name, a drug class, how
// long apart two doses are), has its Dutch and French in the catalogue:
// they are found in the code, not listed here by hand.
func TestReviewWarningsInCatalogue(t *testing.T) {
	used := reviewMessages(t)
	if len(used) < 50 || !slices.Contains(used, "the order is not in the snapshot") || !slices.Contains(used, "a penicillin") ||
		!slices.Contains(used, "heart rate") {
		t.Fatalf("only %d warnings and phrases found in the review: is the scan broken?", len(used))
	}
	var missing []string
	for _, s := range used {
		if !Has(s) {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of the review's warnings and phrases are not in the catalogue:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
