package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// A chart that would not open again is never sealed: not one too large to
// unpack, not one whose document does not read back. The seal fails with
// one sentence naming the chart by number, and no generation is written.

func generations(t *testing.T, dir string) int {
	t.Helper()
	gens, err := listGenerations(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(gens)
}

// hugeChart holds a source resource whose one string is larger than a
// chart may hold unpacked (an embedded 65 MiB attachment).
func hugeChart(id string) clinical.Chart {
	c := testChart(id, "Peeters, Maria", "MRN-"+id)
	c.Patient.Source.JSON = json.RawMessage(`{"resourceType":"Patient","id":"` + id + `","photo":[{"data":"` +
		strings.Repeat("A", maxChart+1) + `"}]}`)
	return c
}

func checkRefusal(t *testing.T, err error, chart string) {
	t.Helper()
	if !errors.Is(err, ErrUnreadableChart) {
		t.Fatalf("got %v, want ErrUnreadableChart", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, chart) || !strings.Contains(msg, "no generation was sealed") || strings.Contains(msg, "Peeters") || strings.Contains(msg, "\n") {
		t.Errorf("sentence %q", msg)
	}
}

func TestAChartTooLargeToOpenIsNeverBuiltOrSealed(t *testing.T) {
	dir, keys := testVault(t)
	sealCharts(t, dir, keys, testChart("p1", "Dubois, Jean", "MRN1"))
	_, err := BuildWard(context.Background(), []clinical.Chart{testChart("p1", "Dubois, Jean", "MRN1"), hugeChart("p2")})
	checkRefusal(t, err, "chart 2 ")
	if n := generations(t, dir); n != 1 {
		t.Fatalf("%d generations, want the 1 sealed before", n)
	}
}

func TestSealReadsEveryChartBackBeforeCallingTheGenerationGood(t *testing.T) {
	ctx := context.Background()
	for name, doc := range map[string][]byte{
		// unpacks to more than opening allows
		"too large unpacked": bytes.Repeat([]byte{' '}, maxChart+1),
		// unpacks, but is not JSON that opening can read
		"not JSON":      []byte(`{"chart":{"patient":`),
		"nested deeply": []byte(`{"chart":{},"raw":{"Patient/p2":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`),
	} {
		t.Run(name, func(t *testing.T) {
			dir, keys := testVault(t)
			sealCharts(t, dir, keys, testChart("p1", "Dubois, Jean", "MRN1"))
			w, err := BuildWard(ctx, []clinical.Chart{testChart("p1", "Dubois, Jean", "MRN1"), testChart("p2", "Peeters, Maria", "MRN2"),
				testChart("p3", "Maes, An", "MRN3")})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			packed, err := pack(doc)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.conn.ExecContext(ctx, `UPDATE patient SET chart = ? WHERE id = 'p2'`, packed); err != nil {
				t.Fatal(err)
			}
			_, err = Seal(ctx, dir, keys, w, SealRequest{AsOf: time.Now(), Source: "files", Census: Census{Mode: "all"}})
			checkRefusal(t, err, "chart 2 ")
			if n := generations(t, dir); n != 1 {
				t.Fatalf("%d generations, want the 1 sealed before", n)
			}
			s, err := Open(ctx, dir, keys)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Manifest.Generation != 1 {
				t.Fatalf("opened generation %d", s.Manifest.Generation)
			}
		})
	}
}

func TestADeltaWithAChartTooLargeToOpenIsNotSealed(t *testing.T) {
	dir, keys, w, full := deltaVault(t)
	_, err := SealDelta(context.Background(), dir, keys, w, full, Delta{Upsert: []clinical.Chart{hugeChart("p4")},
		Order: []string{"p1", "p2", "p3", "p4"}}, SealRequest{AsOf: time.Now(), Source: "files", Census: Census{Mode: "all"}})
	checkRefusal(t, err, "chart 1 ")
	if n := generations(t, dir); n != 1 {
		t.Fatalf("%d generations, want only the full one", n)
	}
}

func TestADeltaWhoseChartDoesNotReadBackIsNotSealed(t *testing.T) {
	ctx := context.Background()
	dir, keys, _, full := deltaVault(t)
	dw, err := buildWard(ctx, Prepare([]clinical.Chart{testChart("p4", "Maes, An", "MRN4")}, 0), 1024)
	if err != nil {
		t.Fatal(err)
	}
	defer dw.Close()
	packed, _ := pack([]byte(`{"chart":`))
	if _, err := dw.conn.ExecContext(ctx, `UPDATE patient SET chart = ?`, packed); err != nil {
		t.Fatal(err)
	}
	_, err = sealGeneration(ctx, dir, keys, dw, dw, SealRequest{AsOf: time.Now(), Source: "files"},
		Manifest{Kind: KindDelta, Base: full.Generation, Parent: full.Generation, ParentSHA256: full.CipherSHA256, Chain: 1})
	checkRefusal(t, err, "chart 1 ")
	if n := generations(t, dir); n != 1 {
		t.Fatalf("%d generations, want only the full one", n)
	}
}
