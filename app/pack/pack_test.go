package pack

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/sync/fhir"
	"lifeboat/sync/synthetic"
)

// The packs are checked the way a reader sees them: written to a file,
// then read back with poppler's pdftotext and pdfinfo (make test-deps
// installs poppler-utils), and the QR code compared module by module
// with a page rendered by pdftoppm.

var (
	asOf    = time.Date(2026, 11, 26, 6, 15, 0, 0, time.Local)
	printed = asOf.Add(2*time.Hour + 17*time.Minute)
	hash    = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

func manifest() store.Manifest {
	return store.Manifest{Generation: 12, AsOf: asOf, CipherSHA256: hash, Census: store.Census{Mode: "ward", Ward: "ward-4b"}}
}

func src(typ, id string) clinical.Source { return clinical.Source{Type: typ, ID: id} }

// emile is a patient with what a pack must get right: a name beyond
// Windows-1252's reach is not needed, but accents and a hyphen are, an
// allergy, a DNR order, isolation, orders at times of day, at an interval,
// as needed and without a schedule.
func emile() *clinical.Chart {
	c := &clinical.Chart{Patient: clinical.Patient{
		ID: "pt-emile", Name: "Vandenbroucke-Dehaené, Émile", Family: "Vandenbroucke-Dehaené", Given: "Émile",
		BirthDate: "1941-03-09", Sex: "male", Identifiers: []clinical.Identifier{{Value: "MRN-40417", Type: "MR"}},
		Ward: "ward-4b", WardName: "Ward 4B", Room: "Room 412", Bed: "412-A",
		Admitted: asOf.Add(-50 * time.Hour),
		Weight:   &clinical.Measure{Value: 71.5, Unit: "kg", Time: asOf.Add(-26 * time.Hour)},
		Source:   src("Patient", "pt-emile"),
	}}
	c.Allergies.Items = []clinical.Allergy{{Substance: "Penicillin", Criticality: "high", Reaction: "Anaphylaxis", ClinicalStatus: "active",
		Source: src("AllergyIntolerance", "al-1")}}
	c.Alerts.Items = []clinical.Alert{
		{Kind: clinical.AlertCodeStatus, Text: "Do not resuscitate (DNR)", Code: "304253006", Status: "active", Source: src("Flag", "fl-1")},
		{Kind: clinical.AlertIsolation, Text: "Contact isolation (MRSA)", Status: "active", Source: src("Flag", "fl-2")},
	}
	c.Medications.Items = []clinical.Medication{
		{Name: "Paracetamol 1 g tablet", Status: "active", Dosage: "1 g oral every 6 h", Timing: clinical.Timing{Frequency: 1, Period: 6, PeriodUnit: "h"},
			LastGiven: asOf.Add(-15 * time.Minute), Source: src("MedicationRequest", "mr-para")},
		{Name: "Enoxaparin 40 mg injection", Status: "active", Dosage: "40 mg subcutaneous daily at 18:00",
			Timing: clinical.Timing{Frequency: 1, Period: 1, PeriodUnit: "d", TimesOfDay: []string{"18:00"}}, Source: src("MedicationRequest", "mr-enox")},
		{Name: "Bisoprolol 2.5 mg tablet", Status: "active", Dosage: "2.5 mg oral at 08:00",
			Timing: clinical.Timing{Frequency: 1, Period: 1, PeriodUnit: "d", TimesOfDay: []string{"08:00"}}, Source: src("MedicationRequest", "mr-biso")},
		{Name: "Morphine 2.5 mg injection", Status: "active", Dosage: "2.5 mg subcutaneous every 4 h as needed for pain", PRN: true, PRNReason: "pain",
			Timing: clinical.Timing{Frequency: 1, Period: 4, PeriodUnit: "h"}, LastGiven: asOf.Add(-3 * time.Hour), Source: src("MedicationRequest", "mr-morph")},
		{Name: "Movicol sachet", Status: "active", Dosage: "1 sachet oral as directed", Source: src("MedicationRequest", "mr-movicol")},
		{Name: "Amoxicillin 500 mg capsule", Status: "stopped", Dosage: "500 mg oral every 8 h", Source: src("MedicationRequest", "mr-amox")},
	}
	c.Problems.Items = []clinical.Problem{{Name: "Community-acquired pneumonia", ClinicalStatus: "active", Source: src("Condition", "c-1")}}
	c.Vitals.Items = []clinical.Observation{{Code: "8867-4", Value: "92", Unit: "/min", Time: asOf.Add(-45 * time.Minute), Source: src("Observation", "o-1")}}
	c.Labs.Items = []clinical.Observation{{Code: "6690-2", Name: "Leukocytes", Value: "14.2", Unit: "10*9/L", Abnormal: true, Flag: "H", Time: asOf.Add(-5 * time.Hour), Source: src("Observation", "o-2")}}
	c.Notes.Items = []clinical.Note{{Title: "Nursing note", Author: "RN Peeters", Text: "Restless at night; family informed.", Time: asOf.Add(-2 * time.Hour), Source: src("DocumentReference", "n-1")}}
	c.Settle()
	return c
}

// noneRecorded is a patient of whom the record says nothing.
func noneRecorded() *clinical.Chart {
	c := &clinical.Chart{Patient: clinical.Patient{ID: "pt-claes", Name: "Claes, Mieke", BirthDate: "1990-12-01", Sex: "female",
		Identifiers: []clinical.Identifier{{Value: "MRN-2", Type: "MR"}}, Ward: "ward-4b", WardName: "Ward 4B", Bed: "413-B",
		Source: src("Patient", "pt-claes")}}
	c.Settle()
	return c
}

// writePack writes p to a file in a test folder and returns its path.
func writePack(t testing.TB, p Pack) (string, Result) {
	t.Helper()
	var b bytes.Buffer
	res, err := Write(&b, p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "pack.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, res
}

func needPoppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is missing: install poppler-utils (make test-deps)", tool)
		}
	}
}

// pages returns each page's text, as pdftotext -layout reads it.
func pages(t *testing.T, path string) []string { return pdftotext(t, path, "-layout") }

// rawPages returns each page's text in the order it was drawn, which keeps
// the lines of a table's cell together.
func rawPages(t *testing.T, path string) []string { return pdftotext(t, path, "-raw") }

func pdftotext(t *testing.T, path, mode string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", mode, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	ps := strings.Split(string(out), "\f")
	if len(ps) > 0 && strings.TrimSpace(ps[len(ps)-1]) == "" {
		ps = ps[:len(ps)-1]
	}
	return ps
}

func pdfinfo(t *testing.T, path string) map[string]string {
	t.Helper()
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	info := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// squeeze collapses the layout's runs of spaces, so that a phrase split
// across columns of the layout still matches.
func squeeze(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestPatientPackReadsBackWithNamesBannersAndTheDataTime(t *testing.T) {
	needPoppler(t)
	path, res := writePack(t, Pack{Manifest: manifest(), Printed: printed, PrintedBy: "RN Hanne Verbruggen",
		Patients: []Patient{{Chart: emile()}}})
	ps := pages(t, path)
	if n, _ := strconv.Atoi(pdfinfo(t, path)["Pages"]); n != len(ps) || n != res.Pages || n < 2 {
		t.Fatalf("pdfinfo says %d pages, pdftotext %d, Write %d; want the same, at least 2", n, len(ps), res.Pages)
	}
	for i, p := range ps {
		text := squeeze(p)
		for _, want := range []string{
			"DOWNTIME – data as of " + present.DateTime(asOf) + ", 2 h 17 min old (generation 12)",
			"Vandenbroucke-Dehaené, Émile",
			"MRN-40417",
			"page " + strconv.Itoa(i+1) + " of " + strconv.Itoa(len(ps)),
			"Pack code " + present.PackCode("pt-emile", hash),
			"printed " + present.DateTime(printed) + " by RN Hanne Verbruggen",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, p)
			}
		}
		if strings.Contains(text, "sheet") {
			t.Errorf("page %d of a one-patient pack numbers sheets of the print", i+1)
		}
	}
	all := squeeze(strings.Join(ps, "\n"))
	for _, want := range []string{
		"ALLERGIES: Penicillin (HIGH RISK, Anaphylaxis)",
		"CODE STATUS: Do not resuscitate (DNR)",
		"ALERT: Contact isolation (MRSA)",
		"Weight 71.5 kg (" + present.DateTime(asOf.Add(-26*time.Hour)) + ")",
		"Leukocytes: 14.2 ×10⁹/L [H]",
		"Community-acquired pneumonia",
		"Restless at night; family informed.",
		present.MARTitle(asOf, asOf.Add(12*time.Hour)),
		"As needed (PRN)",
		"Morphine 2.5 mg injection",
		"last given " + present.DateTime(asOf.Add(-3*time.Hour)),
		present.NoTiming,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the pack lacks %q", want)
		}
	}
}

// marLine is the MAR's row of an order: the line that names it.
func marLine(t *testing.T, page, order string) string {
	t.Helper()
	for _, l := range strings.Split(page, "\n") {
		if strings.Contains(l, order) {
			return l
		}
	}
	t.Fatalf("no MAR row for %s in:\n%s", order, page)
	return ""
}

func TestTheMARShowsEachScheduledDoseOfTheTwelveHoursInItsHour(t *testing.T) {
	needPoppler(t)
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: emile()}}})
	ps := pages(t, path)
	var mar string
	for _, p := range ps {
		if strings.Contains(p, "Medication administration record") {
			mar = p
		}
	}
	if mar == "" {
		t.Fatal("no MAR page")
	}
	// The hours of the grid: 06 to 18 for a data time of 06:15.
	if !regexp.MustCompile(`06\s+07\s+08\s+09\s+10\s+11\s+12\s+13\s+14\s+15\s+16\s+17\s+18`).MatchString(mar) {
		t.Errorf("the grid's hours are not 06 to 18:\n%s", mar)
	}
	rows := present.MAR(emile(), nil, asOf, asOf.Add(12*time.Hour))
	for _, r := range rows {
		if len(r.Due) == 0 {
			continue
		}
		line := marLine(t, mar, r.Order.Name[:12])
		for _, due := range r.Due {
			if !strings.Contains(line, present.Clock(due)) {
				t.Errorf("%s: the row lacks the dose at %s: %q", r.Order.Name, present.Clock(due), line)
			}
		}
	}
	for _, want := range []string{"08:00", "18:00", "12:00"} {
		if !strings.Contains(mar, want) {
			t.Errorf("the MAR lacks a dose at %s", want)
		}
	}
	if strings.Contains(mar, "Amoxicillin") {
		t.Error("a stopped order is on the MAR")
	}
}

func TestEmptyAllergiesSayNoneRecordedAsTheWindowDoes(t *testing.T) {
	needPoppler(t)
	c := noneRecorded()
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: c}}})
	all := squeeze(strings.Join(pages(t, path), "\n"))
	for _, want := range []string{squeeze(present.AllergyBanner(c)), present.CodeStatus(c), present.Empty(clinical.NoneRecorded, "medications")} {
		if !strings.Contains(all, want) {
			t.Errorf("the pack lacks %q:\n%s", want, all)
		}
	}
	known := noneRecorded()
	known.Allergies.Assertion = &clinical.Source{Type: "AllergyIntolerance", ID: "nka"}
	known.Settle()
	path, _ = writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: known}}})
	if all := squeeze(strings.Join(pages(t, path), "\n")); !strings.Contains(all, present.AllergyBanner(known)) {
		t.Errorf("the pack lacks %q", present.AllergyBanner(known))
	}
}

var (
	wardOnce   sync.Once
	wardCharts []clinical.Chart
	wardErr    error
)

// syntheticWard is a 40-patient synthetic ward read through the FHIR
// reader, as a snapshot would hold it.
func syntheticWard(t testing.TB) []clinical.Chart {
	t.Helper()
	wardOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lifeboat-pack-")
		if err != nil {
			wardErr = err
			return
		}
		defer os.RemoveAll(dir)
		if _, err := synthetic.WriteNDJSON(dir, synthetic.Options{Patients: 40, Seed: 1, AsOf: asOf}); err != nil {
			wardErr = err
			return
		}
		im, err := fhir.Read(dir)
		if err != nil {
			wardErr = err
			return
		}
		wardCharts, wardErr = im.Census(fhir.Selection{All: true})
	})
	if wardErr != nil {
		t.Fatal(wardErr)
	}
	return wardCharts
}

func patients(charts []clinical.Chart) []Patient {
	out := make([]Patient, len(charts))
	for i := range charts {
		out[i] = Patient{Chart: &charts[i]}
	}
	return out
}

func TestAWardPackNumbersEachPatientsPagesAndStartsEachOnANewPage(t *testing.T) {
	needPoppler(t)
	charts := syntheticWard(t)
	ps := patients(charts)
	path, res := writePack(t, Pack{Manifest: manifest(), Printed: printed, Census: ps, Patients: ps})
	text := pages(t, path)
	if n, _ := strconv.Atoi(pdfinfo(t, path)["Pages"]); n != len(text) || n != res.Pages {
		t.Fatalf("pdfinfo says %d pages, pdftotext %d, Write %d", n, len(text), res.Pages)
	}
	wards := map[string]bool{}
	for _, c := range charts {
		wards[c.Patient.Ward] = true
	}
	if len(res.Sections) != len(wards)+len(charts) {
		t.Fatalf("%d sections, want a census per ward (%d) and one per patient (%d)", len(res.Sections), len(wards), len(charts))
	}
	next := 1
	for i, s := range res.Sections {
		if s.First != next || s.Last < s.First {
			t.Fatalf("section %d runs from page %d to %d, want it to start on %d", i, s.First, s.Last, next)
		}
		next = s.Last + 1
		for page := s.First; page <= s.Last; page++ {
			p := squeeze(text[page-1])
			want := "page " + strconv.Itoa(page-s.First+1) + " of " + strconv.Itoa(s.Last-s.First+1)
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q", page, want)
			}
			if sheet := "sheet " + strconv.Itoa(page) + " of " + strconv.Itoa(res.Pages); !strings.Contains(p, sheet) {
				t.Errorf("page %d lacks %q", page, sheet)
			}
			if s.PatientID == "" {
				if !strings.Contains(p, "Ward census") || strings.Contains(p, "Pack code") {
					t.Errorf("census page %d is not headed as the census, or carries a pack code", page)
				}
				continue
			}
			var c *clinical.Chart
			for j := range charts {
				if charts[j].Patient.ID == s.PatientID {
					c = &charts[j]
				}
			}
			for _, want := range []string{c.Patient.Name, present.MRN(c.Patient.MRN()), present.PackCode(c.Patient.ID, hash)} {
				if !strings.Contains(p, want) {
					t.Errorf("page %d of %s lacks %q", page, s.PatientID, want)
				}
			}
		}
	}
	if next != res.Pages+1 {
		t.Errorf("the sections end on page %d of %d", next-1, res.Pages)
	}
	// The census lists every patient with its bed.
	census := ""
	for _, s := range res.Sections {
		if s.PatientID == "" {
			for page := s.First; page <= s.Last; page++ {
				census += text[page-1]
			}
		}
	}
	for _, c := range charts {
		if !strings.Contains(census, c.Patient.MRN()) {
			t.Errorf("the census lacks %s", c.Patient.ID)
		}
	}
}

// TestTheQRCodeOnThePageIsThePackCode renders the first page and compares
// every module of the QR code drawn there with the QR code of the expected
// pack code: no Go QR decoder is at hand, so the code is regenerated and
// compared rather than decoded.
func TestTheQRCodeOnThePageIsThePackCode(t *testing.T) {
	needPoppler(t)
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: emile()}}})
	const dpi = 300
	img := renderPage(t, path, 1, dpi)
	want, err := paper.QR(present.PackCode("pt-emile", hash))
	if err != nil {
		t.Fatal(err)
	}
	if got := sampleQR(img, len(want), dpi); !equalModules(got, want) {
		t.Errorf("the QR code on page 1 is not the pack code's")
	}
	other, _ := paper.QR(present.PackCode("pt-other", hash))
	if equalModules(sampleQR(img, len(other), dpi), other) {
		t.Error("the comparison cannot tell two pack codes apart")
	}
}

// renderPage renders one page with pdftoppm.
func renderPage(t *testing.T, path string, page, dpi int) image.Image {
	t.Helper()
	prefix := filepath.Join(t.TempDir(), "page")
	n := strconv.Itoa(page)
	if out, err := exec.Command("pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-f", n, "-l", n, "-singlefile", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	f, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// sampleQR reads n×n modules at the centres of the QR code's modules,
// where the page draws it.
func sampleQR(img image.Image, n, dpi int) [][]bool {
	px := func(mm float64) int { return int(mm / 25.4 * float64(dpi)) }
	m := qrSize / float64(n)
	out := make([][]bool, n)
	for r := range out {
		out[r] = make([]bool, n)
		for c := range out[r] {
			x := px(pageW - margin - qrSize + (float64(c)+0.5)*m)
			y := px(6 + (float64(r)+0.5)*m)
			cr, cg, cb, _ := img.At(x, y).RGBA()
			out[r][c] = (cr+cg+cb)/3 < 0x8000
		}
	}
	return out
}

func equalModules(a, b [][]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for r := range a {
		for c := range a[r] {
			if a[r][c] != b[r][c] {
				return false
			}
		}
	}
	return true
}

func TestWhatWasRecordedDuringDowntimeIsPrintedAndCountsAsTheLastDose(t *testing.T) {
	needPoppler(t)
	given := store.JournalEntry{Entry: clinical.Entry{ID: "e1", Kind: clinical.KindMedication, Patient: "pt-emile",
		Author: "RN Claes", ClinicalTime: asOf.Add(90 * time.Minute), EnteredAt: asOf.Add(95 * time.Minute),
		Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Bisoprolol 2.5 mg tablet", OrderID: "mr-biso"}}}
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed,
		Patients: []Patient{{Chart: emile(), Downtime: []store.JournalEntry{given}}}})
	all := squeeze(strings.Join(pages(t, path), "\n"))
	for _, want := range []string{
		present.DowntimeTitle,
		squeeze(present.EntryLine(given)),
		"last given " + present.DateTime(given.ClinicalTime) + " (recorded during downtime)",
		"1 stopped or completed order is not printed: see the kiosk.",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the pack lacks %q", want)
		}
	}

	// A dose without an order, given despite a hard stop, says both.
	stopped := store.JournalEntry{Entry: clinical.Entry{ID: "e2", Kind: clinical.KindMedication, Patient: "pt-emile",
		Author: "RN Claes", ClinicalTime: asOf.Add(80 * time.Minute), EnteredAt: asOf.Add(85 * time.Minute),
		Medication: &clinical.Administered{Outcome: clinical.OutcomeGiven, Medication: "Augmentin 1 g", Route: "IV",
			Dose: &clinical.Quantity{Value: 1, Unit: "g"}, Override: &clinical.Override{Witness: "Dr Peeters", Reason: "tolerated before"}}}}
	path, _ = writePack(t, Pack{Manifest: manifest(), Printed: printed,
		Patients: []Patient{{Chart: emile(), Downtime: []store.JournalEntry{stopped}}}})
	all = squeeze(strings.Join(pages(t, path), "\n"))
	if want := "no order · hard stop witnessed by Dr Peeters: tolerated before"; !strings.Contains(all, want) {
		t.Errorf("the pack lacks %q", want)
	}

	path, _ = writePack(t, Pack{Manifest: manifest(), Printed: printed, JournalUnreadable: true,
		Warning: "Showing older generation 11.", Patients: []Patient{{Chart: emile()}}})
	all = squeeze(strings.Join(pages(t, path), "\n"))
	for _, want := range []string{present.JournalUnreadable, "Showing older generation 11."} {
		if !strings.Contains(all, want) {
			t.Errorf("the pack lacks %q", want)
		}
	}
}

func TestALongNameIsPrintedWholeInASmallerType(t *testing.T) {
	needPoppler(t)
	c := emile()
	c.Patient.Name = "Vandenbroucke-Dehaené de Saint-Ghislain-Oudenaarde, Émile Jean-Baptiste Marie-Joseph"
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: c}}})
	for i, p := range pages(t, path) {
		if !strings.Contains(squeeze(p), c.Patient.Name) {
			t.Errorf("page %d lacks the whole name:\n%s", i+1, p)
		}
	}
}

func TestCensusPagesCarryNoQRCode(t *testing.T) {
	needPoppler(t)
	path, res := writePack(t, Pack{Manifest: manifest(), Printed: printed, Census: []Patient{{Chart: emile()}, {Chart: noneRecorded()}}})
	if len(res.Sections) != 1 || res.Sections[0].PatientID != "" || res.Pages != 1 {
		t.Fatalf("sections %+v, want one census page", res.Sections)
	}
	img := renderPage(t, path, 1, 150)
	for _, row := range sampleQR(img, 29, 150) {
		for _, dark := range row {
			if dark {
				t.Fatal("the census page has something dark where a patient page has its QR code")
			}
		}
	}
	// A cell's line broken after a hyphen joins up again.
	text := strings.ReplaceAll(squeeze(rawPages(t, path)[0]), "- ", "-")
	for _, want := range []string{"Ward census – Ward 4B", "2 patients", "412-A", "Vandenbroucke-Dehaené, Émile", "MRN-40417",
		"Penicillin (HIGH RISK, Anaphylaxis)", "Do not resuscitate (DNR)", "Contact isolation (MRSA)", "08:00 Bisoprolol 2.5 mg tablet",
		"Snapshot generation 12, 0123456789abcdef", "page 1 of 1"} {
		if !strings.Contains(text, want) {
			t.Errorf("the census lacks %q:\n%s", want, text)
		}
	}
}

// TestTheQRCodeScans decodes the QR code of a page rendered at 80 dpi with
// zbarimg (zbar-tools, which make test installs).
func TestTheQRCodeScans(t *testing.T) {
	needPoppler(t)
	if _, err := exec.LookPath("zbarimg"); err != nil {
		t.Skip("zbarimg is missing: install zbar-tools (make test-deps)")
	}
	path, _ := writePack(t, Pack{Manifest: manifest(), Printed: printed, Patients: []Patient{{Chart: emile()}}})
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command("pdftoppm", "-png", "-r", "80", "-f", "2", "-l", "2", "-singlefile", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command("zbarimg", "-q", "--raw", prefix+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got, want := strings.TrimSpace(string(out)), present.PackCode("pt-emile", hash); got != want {
		t.Errorf("scanned %q, want %q", got, want)
	}
}
