package kiosk

import (
	"strings"
	"testing"
	"time"

	"lifeboat/app/present"
)

func TestAScannedPackCodeOpensItsPatientAtOnce(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	code := present.PackCode("p2", k.snap.Manifest.CipherSHA256)
	submit(k, code)
	if k.chart.current == nil || k.chart.current.Patient.ID != "p2" {
		t.Fatalf("the pack code opened no chart (hint %q)", k.census.hint.Text)
	}
	if k.census.hint.Visible() || k.census.search.Text != "" || len(k.census.shown) != 4 {
		t.Fatalf("hint %q shown, search %q", k.census.hint.Text, k.census.search.Text)
	}
	// A scanner may send it in capitals.
	submit(k, strings.ToUpper(present.PackCode("p3", k.snap.Manifest.CipherSHA256)))
	if k.chart.current.Patient.ID != "p3" || k.census.hint.Visible() {
		t.Fatalf("opened %q, hint %q", k.chart.current.Patient.ID, k.census.hint.Text)
	}
}

func TestAPackFromAnotherGenerationOpensWithAWarning(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	other := "ffff" + k.snap.Manifest.CipherSHA256[4:]
	submit(k, present.PackCode("p1", other))
	if k.chart.current == nil || k.chart.current.Patient.ID != "p1" {
		t.Fatal("a pack of another generation did not open its patient")
	}
	if !k.census.hint.Visible() || k.census.hint.Text != present.OtherGeneration {
		t.Fatalf("hint = %q", k.census.hint.Text)
	}
	// Typing goes on as usual and the warning goes with it.
	k.census.search.SetText("dub")
	if k.census.hint.Visible() {
		t.Fatal("the warning stayed")
	}
}

func TestAPackOfAPatientNotInTheSnapshotSaysSo(t *testing.T) {
	now := time.Now()
	k := newKiosk(t, now, now)
	unlockWith(k, passphrase, "RN Peeters")
	submit(k, present.PackCode("p9", k.snap.Manifest.CipherSHA256))
	if k.chart.current != nil || k.census.hint.Text != present.PackNotInCensus("p9") {
		t.Fatalf("hint = %q", k.census.hint.Text)
	}
}
