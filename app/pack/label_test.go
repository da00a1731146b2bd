package pack

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

func TestARegistrationLabelCarriesTheTemporaryIDAndThePatient(t *testing.T) {
	needPoppler(t)
	id, err := clinical.NewTemporaryID()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = WriteLabel(&b, Label{ID: id, Printed: time.Date(2026, 11, 26, 14, 5, 0, 0, time.Local), PrintedBy: "RN Claes",
		Registration: clinical.Registration{TemporaryID: id, Family: "Vandenbroucke-Dehaené", Given: "Émile", Sex: "male",
			BirthDate: "1950", BirthDateEstimated: true, Ward: "4B", Bed: "7"}})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "label.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(pages(t, path), "")
	for _, want := range []string{id, "VANDENBROUCKE-DEHAENÉ, Émile", "(estimated)", "4B · 7", "RN Claes", "26/11/2026 14:05"} {
		if !strings.Contains(text, want) {
			t.Errorf("the label lacks %q:\n%s", want, text)
		}
	}
	if info := pdfinfo(t, path); info["Pages"] != "1" || !strings.Contains(info["Page size"], "252.28 x 102.05") {
		t.Errorf("pdfinfo %v", info)
	}
	if err := WriteLabel(&b, Label{ID: "MRN0001"}); err == nil {
		t.Error("a label for an id that is not temporary")
	}
}
