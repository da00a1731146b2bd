package reportpdf

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/reconcile"
)

// The report is checked as a reader sees it: written, then read back with
// poppler's pdftotext and pdfinfo (make test-deps installs poppler-utils).

var cet = time.FixedZone("CET", 3600)

func at(day, hour, minute int) time.Time {
	return time.Date(2024, 3, day, hour, minute, 0, 0, time.UTC)
}

const longNote = "Patiënt onrustig tijdens de nacht, klaagt over pijn ter hoogte van de operatiewonde; " +
	"verband droog en intact. Pijnscore 6/10 om 02:00, na toediening van paracetamol 3/10 om 03:00. " +
	"Familie (dochter Anaïs) telefonisch op de hoogte gebracht door de verpleegkundige van dienst. " +
	"Vochtbalans gevolgd, diurese voldoende. Wondinspectie gepland voor de ochtendronde door de chirurg. " +
	"Endofthehighlightedlongwordwithoutanyspacesthatmustbebrokeninsideitbecauseitiswiderthanthecolumn."

func syntheticReport() *reconcile.Report {
	rep := &reconcile.Report{
		Format: 1, KioskID: "kiosk-ward-3B", Server: "https://ehr.example.org/fhir/R4",
		Started: at(12, 7, 5), Finished: at(12, 7, 48), Rounds: 2,
		Stopped: "the EHR stopped answering (connection reset); run lifeboat reconcile again to go on.",
		Totals: reconcile.Totals{Created: 41, AlreadyThere: 3, Linked: 1, Skipped: 1, Superseded: 2, Local: 4,
			Conflict: 2, NeedsLink: 1, Failed: 1, Pending: 7},
		ByKind: map[string]reconcile.Totals{
			"medication":   {Created: 20, Conflict: 2, Skipped: 1},
			"vitals":       {Created: 18, AlreadyThere: 3, Pending: 7},
			"registration": {Linked: 1, NeedsLink: 1},
			"note":         {Created: 3, Failed: 1, Superseded: 2},
			"decision":     {Local: 4},
		},
		ByAuthor: map[string]reconcile.Totals{
			"Zoë Dubois":                   {Created: 30, Conflict: 2},
			"Noël Garçon":                  {Created: 11, AlreadyThere: 3, Local: 4},
			"Hélène Vandenbroucke-Dehaené": {Linked: 1, NeedsLink: 1, Failed: 1, Pending: 7, Skipped: 1, Superseded: 2},
		},
		Resources: map[string][]store.ServerRef{
			"9b2c1f0e-7d4a-4c3b-9a8e-2f1d0c9b8a71": {{Type: "MedicationAdministration", ID: "ma-301", Version: "1"}, {Type: "Provenance", ID: "pv-301", Version: "1"}},
		},
	}
	rep.Items = []reconcile.Item{
		{Entry: "3f6e2a10-1c2d-4e5f-8a9b-0c1d2e3f4a5b", Kind: clinical.KindMedication, Patient: "pat-1042", EHRPatient: "Patient/pat-1042",
			Author: "Zoë Dubois", ClinicalTime: at(12, 2, 0), Outcome: reconcile.Conflict, Conflict: reconcile.ConflictOrderStopped,
			Reason:   "the order was stopped in the EHR after the snapshot was taken",
			Downtime: "Paracetamol 1 g PO given at 02:00",
			Server:   &reconcile.Side{Reference: "MedicationRequest/mr-77", Value: "Paracetamol 1 g PO q6h: stopped", By: "Dr François Lefèvre", At: "2024-03-12T01:30:00+01:00"}},
		{Entry: "9b2c1f0e-7d4a-4c3b-9a8e-2f1d0c9b8a71", Kind: clinical.KindMedication, Patient: "pat-1042",
			Author: "Zoë Dubois", ClinicalTime: at(12, 4, 0), Outcome: reconcile.Create, Conflict: reconcile.ConflictOrderChanged,
			Downtime: "Amoxicilline 1 g IV given", Server: &reconcile.Side{Reference: "MedicationRequest/mr-80", Value: "Amoxicilline 2 g IV q8h", By: "Dr François Lefèvre", At: "2024-03-11"},
			Decision: &reconcile.Decided{Entry: "d-1", Action: clinical.DecisionPush, By: "Noël Garçon", At: at(12, 7, 30), Reason: "dose given as charted on paper; the pharmacist confirmed"}},
		{Entry: "temp-77c1", Kind: clinical.KindRegistration, Patient: "TEMP-0003", Author: "Hélène Vandenbroucke-Dehaené",
			ClinicalTime: at(11, 23, 10), Outcome: reconcile.NeedsLink, Reason: "a temporary patient registered during downtime",
			Downtime: "Françoise Müller-Ängström, born 04/07/1951, F",
			Candidates: []reconcile.Match{
				{Patient: "pat-2201", Name: "Françoise Muller", BirthDate: "1951-07-04", Sex: "female", Score: 90, Why: "same birth date and sex; name alike"},
				{Patient: "pat-3310", Name: "Françoise Martin", BirthDate: "1951-07-14", Sex: "female", Score: 40, Why: "sex; birth year"},
			}},
		{Entry: "note-5512", Kind: clinical.KindNote, Patient: "pat-1042", Author: "Hélène Vandenbroucke-Dehaené",
			ClinicalTime: at(12, 3, 15), Outcome: reconcile.Failed, Reason: "the server refused it: DocumentReference.content is required",
			Downtime: longNote},
	}
	rep.Decisions = []reconcile.DecisionRecord{
		{Decision: "d-1", Entry: "9b2c1f0e-7d4a-4c3b-9a8e-2f1d0c9b8a71", Action: clinical.DecisionPush, By: "Noël Garçon", At: at(12, 7, 30),
			Reason: "dose given as charted on paper; the pharmacist confirmed"},
		{Decision: "d-2", Entry: "reg-0001", Action: clinical.DecisionLink, LinkTo: "pat-2044", By: "Noël Garçon", At: at(12, 7, 31),
			Reason: "same person: checked the identity bracelet"},
		{Decision: "d-3", Entry: "med-0409", Action: clinical.DecisionSkip, By: "Zoë Dubois", At: at(12, 7, 33),
			Reason: "duplicate of the dose recorded by the night pharmacist"},
	}
	return rep
}

func syntheticAudit(n int) []AuditRow {
	actors := []string{"Zoë Dubois", "Noël Garçon", "Hélène Vandenbroucke-Dehaené"}
	actions := []string{store.AuditUnlock, store.AuditViewChart, store.AuditRecordEntry, store.AuditPrint, store.AuditLock}
	var rows []AuditRow
	for i := 1; i <= n; i++ {
		rows = append(rows, AuditRow{Seq: uint64(i), Status: "verified", Time: at(11, 20, 0).Add(time.Duration(i) * 97 * time.Second),
			Actor: actors[i%3], Action: actions[i%5], Subject: fmt.Sprintf("pat-%04d", 1000+i%17)})
	}
	if n < 25 {
		return rows
	}
	rows[9].Status, rows[9].Problem = "altered", "record 10 was altered"
	for i := 20; i < len(rows); i++ {
		rows[i].Seq += 3
	}
	rows = append(rows[:20], append([]AuditRow{{Seq: 21, Status: "removed", Problem: "records 21 to 23 were removed"}}, rows[20:]...)...)
	return rows
}

func needPoppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is missing: install poppler-utils (make test-deps)", tool)
		}
	}
}

func write(t *testing.T, rep *reconcile.Report, audit []AuditRow, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, rep, audit, opts); err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("REPORTPDF_KEEP") // a folder to keep the PDFs in, to look at them
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, t.Name()+".pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pages is each page's text as pdftotext reads it, spaces collapsed.
func pages(t *testing.T, path string, mode string) []string {
	t.Helper()
	out, err := exec.Command("pdftotext", mode, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	ps := strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
	for i := range ps {
		ps[i] = strings.Join(strings.Fields(ps[i]), " ")
	}
	return ps
}

func pageCount(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gives no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

func TestWrite(t *testing.T) {
	needPoppler(t)
	rep := syntheticReport()
	audit := syntheticAudit(150)
	check := &store.AuditReport{Records: 150, Head: 153, Problems: []store.AuditProblem{{Seq: 10, Kind: store.RecordAltered, Text: "record 10 was altered"}}}
	path := write(t, rep, audit, Options{Location: cet, Exported: at(13, 9, 15), ExportedBy: "Noël Garçon", AuditCheck: check})

	n := pageCount(t, path)
	ps := pages(t, path, "-raw")
	if len(ps) != n {
		t.Fatalf("pdftotext reads %d pages, pdfinfo counts %d", len(ps), n)
	}
	if n < 4 || n > 12 {
		t.Errorf("%d pages: want the report on a handful of pages, the 150 audit records on several", n)
	}
	for i, p := range ps {
		for _, want := range []string{Title, "Kiosk kiosk-ward-3B · run of 12/03/2024 08:05", "exported 13/03/2024 10:15",
			fmt.Sprintf("page %d of %d", i+1, n)} {
			if !strings.Contains(p, want) {
				t.Errorf("page %d lacks %q:\n%s", i+1, want, p)
			}
		}
	}
	all := strings.Join(ps, "\n")
	for _, want := range []string{
		// the run
		"https://ehr.example.org/fhir/R4", "Started 12/03/2024 08:05", "Finished 12/03/2024 08:48",
		"Stopped before the end: the EHR stopped answering (connection reset)", "2 rounds",
		"exported 13/03/2024 10:15", "13/03/2024 10:15 by Noël Garçon", "CET, UTC+01:00",
		"the trail was found altered (1 problem): record 10 was altered",
		// totals, per kind, per author
		"Created in the EHR 41", "Already there (an earlier attempt got through) 3", "Refused by the server 1",
		"Still to push (a dry run, or a run stopped early) 7", "All journal entries 63",
		"Medication 20 0 0 1 0 2 0 0 0 0 23", "Vital signs 18 3 0 0 0 0 0 0 7 0 28",
		"Zoë Dubois 30 0 0 0 0 2 0 0 0 0 32",
		// the items: both sides, who and when, the decision
		"1. Medication, in conflict: the order was stopped", "3f6e2a10-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
		"Paracetamol 1 g PO given at 02:00", "Paracetamol 1 g PO q6h: stopped",
		"by Zoë Dubois, 12/03/2024 03:00", "by Dr François Lefèvre, 12/03/2024 01:30, MedicationRequest/",
		"None yet: waits for a person.",
		"push anyway as a new record, by Noël Garçon on 12/03/2024 08:30: dose given as charted on paper",
		"MedicationAdministration/ma-301 (version 1)",
		"Françoise Müller-Ängström", "1. Françoise Muller, born 04/07/1951, female: Patient/pat-2201, score 90",
		"the server refused it: DocumentReference.content is required", "Familie (dochter Anaïs)",
		// the decisions
		"link to an EHR patient Patient/pat-2044", "same person: checked the identity bracelet", "decision d-3",
		// the audit trail
		"Audit trail (151 rows)", "records 21 to 23 were removed", "altered: record 10 was altered",
		"11/03/2024 21:01:37 Noël Garçon view-chart pat-1001",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	// Long texts wrap rather than run off the page: the note's words are all there.
	if !strings.Contains(strings.ReplaceAll(all, " ", ""), strings.ReplaceAll(longNote[:200], " ", "")) {
		t.Errorf("the long note is not printed whole")
	}
	for _, r := range audit {
		if r.Action != "" && !strings.Contains(all, r.Time.In(cet).Format(auditTS)) {
			t.Errorf("audit record %d is missing", r.Seq)
		}
	}
	if strings.Contains(all, "?") {
		t.Errorf("a character was printed as \"?\": the font lacks it")
	}
}

func TestWriteEmpty(t *testing.T) {
	needPoppler(t)
	rep := &reconcile.Report{Format: 1, KioskID: "k1", Server: "http://localhost:8103/fhir/R4", DryRun: true,
		Started: at(12, 7, 5), Finished: at(12, 7, 6), ByKind: map[string]reconcile.Totals{}, ByAuthor: map[string]reconcile.Totals{}}
	path := write(t, rep, nil, Options{Location: cet, Exported: at(13, 9, 15)})
	if n := pageCount(t, path); n != 1 {
		t.Errorf("an empty dry run takes %d pages, want 1", n)
	}
	all := strings.Join(pages(t, path, "-raw"), "\n")
	for _, want := range []string{"Dry run: the plan only", "(dry run)", "No entry waited for a person", "No decision was taken.",
		"The audit trail was not included", "page 1 of 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("the report lacks %q:\n%s", want, all)
		}
	}
}

// A very long text (a note pasted from elsewhere) runs over pages rather
// than off one.
func TestWriteLongItem(t *testing.T) {
	needPoppler(t)
	rep := syntheticReport()
	rep.Items[3].Downtime = strings.Repeat(longNote+"\n", 30)
	path := write(t, rep, syntheticAudit(3), Options{Location: cet, Exported: at(13, 9, 15)})
	n := pageCount(t, path)
	ps := pages(t, path, "-raw")
	if got := strings.Count(strings.Join(ps, "\n"), "Familie (dochter Anaïs)"); got != 30 {
		t.Errorf("the long note is printed %d times whole, want 30", got)
	}
	for i, p := range ps {
		if !strings.Contains(p, fmt.Sprintf("page %d of %d", i+1, n)) {
			t.Errorf("page %d lacks its number", i+1)
		}
	}
}

// ReadAudit reads the trail with the IT recovery key, which cannot sign.
func TestReadAuditWithRecoveryKey(t *testing.T) {
	v := storetest.NewVault(t)
	dir := v.Dir
	a, err := store.OpenAudit(dir, v.Keys)
	if err != nil {
		t.Fatal(err)
	}
	for i, actor := range []string{"Zoë Dubois", "Noël Garçon", "Hélène Vandenbroucke-Dehaené"} {
		if err := a.Append(store.AuditRecord{Time: at(12, 7, i), Actor: actor, Action: store.AuditViewChart, Subject: "pat-1042"}); err != nil {
			t.Fatal(err)
		}
	}
	rk, err := store.UnlockRecovery(dir, v.Recovery)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.OpenAudit(dir, rk); err == nil {
		t.Fatal("the recovery key opened the trail for writing")
	}
	rows, check, err := ReadAudit(dir, rk)
	if err != nil {
		t.Fatal(err)
	}
	if !check.Intact() || len(rows) != 3 {
		t.Fatalf("read %d rows, problems %v", len(rows), check.Problems)
	}
	for i, r := range rows {
		if r.Seq != uint64(i+1) || r.Status != "verified" || r.Action != store.AuditViewChart || !r.Time.Equal(at(12, 7, i)) {
			t.Errorf("row %d: %+v", i, r)
		}
	}
	if rows[1].Actor != "Noël Garçon" {
		t.Errorf("actor %q", rows[1].Actor)
	}
}

func BenchmarkWrite10kAudit(b *testing.B) {
	rep, audit := syntheticReport(), syntheticAudit(10000)
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, rep, audit, Options{Location: cet, Exported: at(13, 9, 15)}); err != nil {
			b.Fatal(err)
		}
	}
}

// The hospital's report, from the hub, counts per ward and per kiosk.
func TestWriteTheHospitalsReport(t *testing.T) {
	needPoppler(t)
	rep := syntheticReport()
	rep.ByWard = map[string]reconcile.Totals{"ward-3b": {Created: 30, Conflict: 2}, "ward-4a": {Created: 11, Skipped: 1}}
	rep.ByKiosk = map[string]reconcile.Totals{"kiosk-3b-1": {Created: 30, Conflict: 2}, "kiosk-4a-1": {Created: 11, Skipped: 1}}
	all := strings.Join(pages(t, write(t, rep, nil, Options{Location: cet}), "-raw"), "\n")
	for _, want := range []string{"Per ward", "ward-3b 30 0 0 0 0 2", "Per kiosk", "kiosk-4a-1 11 0 0 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("the hospital's report lacks %q", want)
		}
	}
	if one := strings.Join(pages(t, write(t, syntheticReport(), nil, Options{Location: cet}), "-raw"), "\n"); strings.Contains(one, "Per ward") {
		t.Error("one kiosk's report counts per ward")
	}
}
