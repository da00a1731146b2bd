package pack

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"lifeboat/app/present"
)

// The pack names the vital signs with app/present's labels, the words of
// the window's forms, never its own copies of them: one change of wording
// (and its translations) reaches both.
func TestThePackUsesPresentsVitalSignLabels(t *testing.T) {
	labels := map[string]bool{}
	for _, l := range []string{present.BloodPressure, present.HeartRate, present.RespiratoryRate,
		present.TemperatureLabel, present.SpO2Label, present.PainLabel, present.OxygenLabel,
		present.O2FlowLabel, present.FiO2Label, present.ConsciousnessLabel, present.GlucoseLabel} {
		labels[l] = true
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && labels[s] {
					t.Errorf("%s retypes the label %q: use app/present's constant", name, s)
				}
			}
			return true
		})
	}
}
