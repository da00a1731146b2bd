package kiosk

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"filippo.io/age"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/transfer"
	"lifeboat/app/ui/uitest"
	"lifeboat/store"
	"lifeboat/store/storetest"
	"lifeboat/sync/fhirtest"
)

// summaryKiosk is an unlocked kiosk on a synthetic ward (real FHIR
// sources, so that the Bundle can be validated), its clock fixed, with
// one removable medium mounted: usb. The first patient's chart is open.
func summaryKiosk(t *testing.T, lang i18n.Lang) (k *Kiosk, usb string) {
	t.Helper()
	now := time.Now()
	dir := sealedWard(t, now.Add(-10*time.Minute), 0, storetest.SyntheticCharts(t, 3, 17, now.Add(-10*time.Minute))...)
	t.Cleanup(func() { i18n.Set(i18n.English) })
	k = New(test.NewTempApp(t), Options{Dir: dir, Now: func() time.Time { return now }, Lang: lang,
		PrintDir: filepath.Join(t.TempDir(), "print")})
	t.Cleanup(k.Lock)
	usb = filepath.Join(t.TempDir(), "KINGSTON")
	if err := os.Mkdir(usb, 0o700); err != nil {
		t.Fatal(err)
	}
	k.media = func() []string { return []string{usb} }
	unlockWith(k, passphrase, "RN Peeters")
	k.openPatient("pat-000001")
	return k, usb
}

// openSummaryDialog taps the chart's "Transfer summary".
func openSummaryDialog(t *testing.T, k *Kiosk) *summaryDialog {
	t.Helper()
	var button *widget.Button
	walk(k.chart.content, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == i18n.T(summaryButton) {
			button = b
		}
	})
	if button == nil {
		t.Fatal("the chart has no Transfer summary button")
	}
	test.Tap(button)
	if k.summary == nil || dialogText(k) == "" {
		t.Fatal("Transfer summary opened no dialog")
	}
	return k.summary
}

// enter presses Enter in the field, as the nurse confirms.
func enterIn(k *Kiosk, f fyne.Focusable) {
	f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	uitest.Settle(k.work.Wait)
}

// toFolder chooses "Another folder…" and types dir.
func (s *summaryDialog) toFolder(dir string) {
	s.where.SetSelectedIndex(len(s.media))
	s.folder.SetText(dir)
}

// summaryFiles are the files of the pair in dir.
func summaryFiles(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range paths {
		paths[i] = filepath.Base(p)
	}
	return paths
}

// summaryAudit is the details of the trail's transfer-summary records.
func summaryAudit(t *testing.T, k *Kiosk) []string {
	t.Helper()
	var details []string
	for line := range strings.Lines(exportedTrail(t, k.opt.Dir)) {
		var r store.AuditRecord
		if json.Unmarshal([]byte(line), &r) == nil && r.Action == store.AuditSummary {
			details = append(details, r.Actor+" "+r.Subject+": "+r.Details)
		}
	}
	return details
}

// documentOf is a summary Bundle's identifier and number of entries.
func documentOf(t *testing.T, raw []byte) (id string, entries int, title string) {
	t.Helper()
	var b struct {
		Type       string
		Identifier struct{ Value string }
		Entry      []struct {
			Resource struct {
				ResourceType, Language string
				Section                []struct{ Title string }
			}
		}
	}
	if err := json.Unmarshal(raw, &b); err != nil || b.Type != "document" || len(b.Entry) == 0 ||
		b.Entry[0].Resource.ResourceType != "Composition" || len(b.Entry[0].Resource.Section) == 0 {
		t.Fatalf("not an IPS document Bundle (%v): %.300s", err, raw)
	}
	return b.Identifier.Value, len(b.Entry), b.Entry[0].Resource.Section[0].Title
}

func TestATransferSummaryGoesToTheUSBStickInPlaintextValidAndAudited(t *testing.T) {
	k, usb := summaryKiosk(t, i18n.English)
	s := openSummaryDialog(t, k)
	// The stick is offered first, in plaintext, and the dialog says what
	// plaintext means.
	if s.where.Selected != usb || s.how.SelectedIndex() != 0 || !strings.Contains(dialogText(k), summaryPlainNote) {
		t.Fatalf("where %q, how %q, dialog %q", s.where.Selected, s.how.Selected, dialogText(k))
	}
	enterIn(k, s.where)
	names := summaryFiles(t, usb)
	if len(names) != 2 || !strings.HasSuffix(names[0], ".json") || !strings.HasSuffix(names[1], ".pdf") {
		t.Fatalf("wrote %v, want the Bundle and its PDF", names)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "lifeboat-summary-") || strings.Contains(n, "pat-000001") {
			t.Errorf("file name %q", n)
		}
	}
	raw, _ := os.ReadFile(filepath.Join(usb, names[0]))
	id, entries, _ := documentOf(t, raw)
	if pdf, _ := os.ReadFile(filepath.Join(usb, names[1])); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("%s is not a PDF", names[1])
	}
	if k.summary != nil || !strings.Contains(dialogText(k), names[0]) || !strings.Contains(dialogText(k), "in plaintext") {
		t.Fatalf("after writing the window reads %q", dialogText(k))
	}
	want := "RN Peeters pat-000001: document " + id + ", " + strconv.Itoa(entries) + " resources, PDF "
	if got := summaryAudit(t, k); len(got) != 1 || !strings.HasPrefix(got[0], want) || !strings.HasSuffix(got[0], " in plaintext") {
		t.Fatalf("audited %q, want %q… in plaintext", got, want)
	}
	assertValidSummary(t, filepath.Join(usb, names[0]))
}

// assertValidSummary validates a Bundle with Medplum's validator (it
// skips when node is not there): no error, and no warning but the one for
// every urn:uuid reference, whose target type it cannot check.
func assertValidSummary(t *testing.T, file string) {
	t.Helper()
	issues, ok := fhirtest.Validate(t, file)
	for _, i := range issues {
		if !strings.Contains(i, `Invalid reference: got "urn:uuid:`) {
			t.Errorf("validation: %s", i)
		}
	}
	if !ok {
		t.Error("Medplum's validator refused the Bundle")
	}
}

func TestATransferSummaryEncryptedToTheReceivingHospitalsRecipientOpensWithItsIdentity(t *testing.T) {
	k, usb := summaryKiosk(t, i18n.English)
	id, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	s := openSummaryDialog(t, k)
	s.how.SetSelectedIndex(1)
	s.recip.SetText("not a recipient")
	enterIn(k, s.recip)
	if s.message.Text != summaryBadRecip || len(summaryFiles(t, usb)) != 0 {
		t.Fatalf("a wrong recipient: %q, wrote %v", s.message.Text, summaryFiles(t, usb))
	}
	classic, _ := age.GenerateX25519Identity()
	s.recip.SetText(classic.Recipient().String())
	if s.note.Text != summaryClassic {
		t.Errorf("an X25519 recipient's note reads %q", s.note.Text)
	}
	s.recip.SetText(id.Recipient().String())
	if s.note.Text != summaryRecipNote {
		t.Errorf("a post-quantum recipient's note reads %q", s.note.Text)
	}
	enterIn(k, s.recip)
	names := summaryFiles(t, usb)
	if len(names) != 2 || !strings.HasSuffix(names[0], ".json.age") || !strings.HasSuffix(names[1], ".pdf.age") {
		t.Fatalf("wrote %v", names)
	}
	bundle := decrypt(t, filepath.Join(usb, names[0]), id)
	doc, entries, _ := documentOf(t, bundle)
	if pdf := decrypt(t, filepath.Join(usb, names[1]), id); !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("the decrypted PDF is not a PDF")
	}
	// The Bundle decrypted is the one the trail records.
	want := "document " + doc + ", " + strconv.Itoa(entries) + " resources"
	if got := summaryAudit(t, k); len(got) != 1 || !strings.Contains(got[0], want) || !strings.HasSuffix(got[0], transfer.HowRecipient) {
		t.Fatalf("audited %q, want %q", got, want)
	}
	if !strings.Contains(dialogText(k), summaryDoneRecip) {
		t.Errorf("the window reads %q", dialogText(k))
	}
}

func TestATransferSummaryEncryptedToAPassphraseHoldsItToTheWardsMeasure(t *testing.T) {
	k, usb := summaryKiosk(t, i18n.English)
	s := openSummaryDialog(t, k)
	s.how.SetSelectedIndex(2)
	const agreed = "harbour violet ladder seventeen"
	for _, c := range []struct{ pass, again, want string }{
		{agreed, agreed + "x", summaryPassDiffer},
		{"short one", "short one", summaryPassShort},
		{"aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", summaryPassWeak},
	} {
		s.pass.SetText(c.pass)
		s.again.SetText(c.again)
		enterIn(k, s.again)
		if s.message.Text != c.want || len(summaryFiles(t, usb)) != 0 {
			t.Fatalf("%q: %q, wrote %v", c.pass, s.message.Text, summaryFiles(t, usb))
		}
	}
	s.pass.SetText(agreed)
	s.again.SetText(agreed)
	enterIn(k, s.again)
	names := summaryFiles(t, usb)
	if len(names) != 2 {
		t.Fatalf("wrote %v (%q)", names, s.message.Text)
	}
	id, err := age.NewScryptIdentity(agreed)
	if err != nil {
		t.Fatal(err)
	}
	documentOf(t, decrypt(t, filepath.Join(usb, names[0]), id))
	if got := summaryAudit(t, k); len(got) != 1 || !strings.HasSuffix(got[0], transfer.HowPassphrase) {
		t.Fatalf("audited %q", got)
	}
}

func decrypt(t *testing.T, path string, id age.Identity) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatalf("%s does not open with the identity: %v", filepath.Base(path), err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The data folder is refused, through a link too, and so is a name that
// is taken: nothing is written, nothing replaced.
func TestATransferSummaryRefusesTheDataFolderAndAFileThatIsThere(t *testing.T) {
	k, usb := summaryKiosk(t, i18n.English)
	link := filepath.Join(t.TempDir(), "looks-like-a-stick")
	if err := os.Symlink(k.opt.Dir, link); err != nil {
		t.Fatal(err)
	}
	before := summaryFiles(t, k.opt.Dir)
	s := openSummaryDialog(t, k)
	for _, dir := range []string{k.opt.Dir, link} {
		s.toFolder(dir)
		enterIn(k, s.folder)
		if s.message.Text != summaryDataFolder {
			t.Fatalf("%s: %q", dir, s.message.Text)
		}
	}
	if after := summaryFiles(t, k.opt.Dir); !slices.Equal(after, before) {
		t.Fatalf("wrote into the data folder: %v", after)
	}
	s.toFolder("")
	enterIn(k, s.folder)
	if s.message.Text != summaryNoFolder {
		t.Fatalf("no folder: %q", s.message.Text)
	}

	taken := transfer.InFolder(usb, k.opt.Now(), transfer.Plaintext).Bundle
	if err := os.WriteFile(taken, []byte("the stick's own file"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.where.SetSelectedIndex(0)
	enterIn(k, s.where)
	if s.message.Text != summaryExists || k.summary != s {
		t.Fatalf("a name taken: %q", s.message.Text)
	}
	if b, _ := os.ReadFile(taken); string(b) != "the stick's own file" || len(summaryFiles(t, usb)) != 1 {
		t.Fatalf("the file there was replaced, or a PDF written: %v", summaryFiles(t, usb))
	}
	if got := summaryAudit(t, k); len(got) != 0 {
		t.Fatalf("audited what was not written: %q", got)
	}
	press(k, fyne.KeyEscape)
	if k.summary != nil || dialogText(k) != "" {
		t.Fatalf("Escape left the dialog open: %q", dialogText(k))
	}
}

func TestATransferSummaryPrintedIsThePDFInThePrintFolderOnly(t *testing.T) {
	k, usb := summaryKiosk(t, i18n.English)
	var opened []string
	k.opt.Open = func(path string) error { opened = append(opened, path); return nil }
	s := openSummaryDialog(t, k)
	s.where.SetSelectedIndex(len(s.where.Options) - 1)
	if !s.how.Disabled() || !strings.Contains(dialogText(k), summaryPrintNote) {
		t.Fatalf("printing: how enabled=%v, dialog %q", !s.how.Disabled(), dialogText(k))
	}
	enterIn(k, s.where)
	names := summaryFiles(t, k.opt.PrintDir)
	if len(names) != 1 || !strings.HasPrefix(names[0], "lifeboat-summary-") || !strings.HasSuffix(names[0], ".pdf") ||
		len(opened) != 1 || opened[0] != filepath.Join(k.opt.PrintDir, names[0]) {
		t.Fatalf("print folder %v, opened %v", names, opened)
	}
	if b, _ := os.ReadFile(opened[0]); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if len(summaryFiles(t, usb)) != 0 {
		t.Fatal("printing wrote to the stick")
	}
	if got := summaryAudit(t, k); len(got) != 1 || !strings.HasSuffix(got[0], ", "+transfer.Printed) {
		t.Fatalf("audited %q", got)
	}
	k.Lock() // a printed summary is plaintext: locking removes it, as it does packs
	if left := summaryFiles(t, k.opt.PrintDir); len(left) != 0 {
		t.Fatalf("left in the print folder: %v", left)
	}
}

// A patient registered during the downtime has no record in the snapshot:
// the summary holds the registration's Patient and what was recorded.
func TestATemporaryPatientsTransferSummaryIsMadeFromTheJournal(t *testing.T) {
	k, _ := kioskWithClock(t)
	unlockWith(k, passphrase, "RN Peeters")
	id := registerJane(t, k)
	k.openPatient(id)
	usb := t.TempDir()
	s := openSummaryDialog(t, k)
	s.toFolder(usb)
	enterIn(k, s.folder)
	names := summaryFiles(t, usb)
	if len(names) != 2 {
		t.Fatalf("wrote %v (%q)", names, s.message.Text)
	}
	raw, _ := os.ReadFile(filepath.Join(usb, names[0]))
	documentOf(t, raw)
	if !bytes.Contains(raw, []byte(`"family": "Doe"`)) {
		t.Error("the registered patient is not in the Bundle")
	}
	if got := summaryAudit(t, k); len(got) != 1 || !strings.Contains(got[0], " "+id+": document ") {
		t.Fatalf("audited %q", got)
	}
}

// In Dutch and French the dialog, the message and the summary's words
// (the PDF's, and the Composition's) are in that language, with no word
// missing from the catalogue.
func TestATransferSummaryInDutchAndFrenchLacksNoWord(t *testing.T) {
	for _, c := range []struct {
		lang            i18n.Lang
		written, title  string
		pdfTitle, fresh string
	}{
		{i18n.Dutch, "Geschreven naar", "Allergieën en intoleranties", "Patiëntsamenvatting", "DOWNTIME – gegevens van"},
		{i18n.French, "Écrit dans", "Allergies et intolérances", "Résumé patient", "MODE DÉGRADÉ – données du"},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			i18n.ResetMissing()
			k, usb := summaryKiosk(t, c.lang)
			s := openSummaryDialog(t, k)
			for i := range s.how.Options {
				s.how.SetSelectedIndex(i) // every note shown once
			}
			s.how.SetSelectedIndex(0)
			enterIn(k, s.where)
			names := summaryFiles(t, usb)
			if len(names) != 2 || !strings.Contains(dialogText(k), c.written) {
				t.Fatalf("wrote %v; the window reads %q", names, dialogText(k))
			}
			raw, _ := os.ReadFile(filepath.Join(usb, names[0]))
			if _, _, title := documentOf(t, raw); title != c.title {
				t.Errorf("the first section is %q, want %q", title, c.title)
			}
			if missing := i18n.Missing(); len(missing) > 0 {
				t.Errorf("not in the catalogue: %q", missing)
			}
			if _, err := exec.LookPath("pdftotext"); err != nil {
				t.Skip("no pdftotext here to read the PDF back")
			}
			text, err := exec.Command("pdftotext", "-layout", filepath.Join(usb, names[1]), "-").Output()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{c.pdfTitle, c.fresh, c.title} {
				if !strings.Contains(string(text), want) {
					t.Errorf("the PDF lacks %q:\n%s", want, text)
				}
			}
		})
	}
}
