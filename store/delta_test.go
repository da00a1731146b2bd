package store

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"lifeboat/clinical"
)

// deltaVault seals p1, p2, p3 as a full generation and returns the vault
// with the writer's ward (the state of that generation).
func deltaVault(t *testing.T) (string, *Keys, *Ward, *Manifest) {
	t.Helper()
	dir, keys := testVault(t)
	ctx := context.Background()
	w, err := BuildWard(ctx, []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001"),
		testChart("p2", "Dubois, Jean", "MRN0000002"), testChart("p3", "Janssens, Luc", "MRN0000003")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	m, err := Seal(ctx, dir, keys, w, SealRequest{AsOf: time.Now(), Source: "files", Census: Census{Mode: "all"}})
	if err != nil {
		t.Fatal(err)
	}
	return dir, keys, w, m
}

func sealDelta(t *testing.T, dir string, keys *Keys, w *Ward, parent *Manifest, d Delta) *Manifest {
	t.Helper()
	m, err := SealDelta(context.Background(), dir, keys, w, parent, d, SealRequest{AsOf: time.Now(), Source: "files",
		Census: Census{Mode: "all"}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func censusIDs(t *testing.T, w *Ward) []string {
	t.Helper()
	rows, err := w.Census(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ID)
	}
	return ids
}

func TestDeltasOpenToTheChangedWard(t *testing.T) {
	dir, keys, w, full := deltaVault(t)
	changed := testChart("p2", "Dubois, Jean", "MRN0000002")
	changed.Patient.Bed = "102-B"
	changed.Allergies = clinical.Section[clinical.Allergy]{}
	d1 := sealDelta(t, dir, keys, w, full, Delta{Upsert: []clinical.Chart{changed}, Remove: []string{"p1"}, Order: []string{"p3", "p2"}})
	d2 := sealDelta(t, dir, keys, w, d1, Delta{Upsert: []clinical.Chart{testChart("p4", "Maes, An", "MRN0000004")},
		Order: []string{"p4", "p3", "p2"}})
	if d1.Kind != KindDelta || d1.Base != full.Generation || d2.Base != full.Generation || d2.Parent != d1.Generation || d2.Chain != 2 {
		t.Fatalf("manifests: %+v %+v", d1, d2)
	}
	if d2.Counts["patients"] != 3 || d2.Counts["allergies"] != 2 || d1.Changed != 1 || d1.Removed != 1 {
		t.Fatalf("counts: %v, %+v", d2.Counts, d1)
	}

	s, err := Open(context.Background(), dir, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Manifest.Generation != d2.Generation || len(s.Refused) != 0 {
		t.Fatalf("opened %d, refused %v", s.Manifest.Generation, s.Refused)
	}
	if got := censusIDs(t, s.Ward); !slices.Equal(got, []string{"p4", "p3", "p2"}) {
		t.Fatalf("census %v", got)
	}
	if _, err := s.Chart(context.Background(), "MRN0000001"); !errors.Is(err, clinical.ErrNoPatient) {
		t.Fatalf("the patient who left is still found: %v", err)
	}
	c, err := s.Chart(context.Background(), "MRN0000002")
	if err != nil || c.Patient.Bed != "102-B" || len(c.Allergies.Items) != 0 {
		t.Fatalf("changed chart: %+v, %v", c, err)
	}
	if src, err := s.Resource(context.Background(), "AllergyIntolerance", "p1-a1"); err == nil {
		t.Fatalf("a resource of the patient who left is still indexed: %+v", src)
	}
	counts, _ := s.Count(context.Background())
	if !equalCounts(counts, d2.Counts) {
		t.Fatalf("opened counts %v, signed %v", counts, d2.Counts)
	}
	// The writer's ward and the opened one agree.
	if got := censusIDs(t, w); !slices.Equal(got, []string{"p4", "p3", "p2"}) {
		t.Fatalf("writer's census %v", got)
	}
}

func equalCounts(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestABrokenLinkFallsBackToTheLastGoodGeneration(t *testing.T) {
	cases := map[string]struct {
		damage func(t *testing.T, dir string, gens []Generation)
		opens  uint64 // generation expected to open
		reason string
	}{
		"an altered delta": {func(t *testing.T, dir string, gens []Generation) { flip(t, gens[0].Path, -1200) }, 2, "is altered"},
		"an altered middle delta": {func(t *testing.T, dir string, gens []Generation) { flip(t, gens[1].Path, -1200) }, 1,
			"builds on generation 2, which is altered"},
		"a missing middle delta": {func(t *testing.T, dir string, gens []Generation) { os.Remove(gens[1].Path) }, 1,
			"builds on generation 2, which is missing"},
		"an altered base": {func(t *testing.T, dir string, gens []Generation) { flip(t, gens[2].Path, -1200) }, 0,
			"builds on generation 1, which is altered"},
		"a delta put in another's place": {func(t *testing.T, dir string, gens []Generation) {
			// Generation 2 replaced by another signed delta on generation 1,
			// which is not what generation 3 was built on.
			if err := os.WriteFile(gens[1].Path, otherDelta(t), 0o600); err != nil {
				t.Fatal(err)
			}
		}, 2, "builds on generation 2, which is not the generation it was built on"},
	}
	var other []byte
	otherDelta = func(t *testing.T) []byte { return other }
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir, keys, w, full := deltaVault(t)
			// The same vault, copied after generation 1, takes another way.
			twin := t.TempDir()
			if err := os.CopyFS(twin, os.DirFS(dir)); err != nil {
				t.Fatal(err)
			}
			tw, err := BuildWard(context.Background(), []clinical.Chart{testChart("p1", "Peeters, Maria", "MRN0000001"),
				testChart("p2", "Dubois, Jean", "MRN0000002"), testChart("p3", "Janssens, Luc", "MRN0000003")})
			if err != nil {
				t.Fatal(err)
			}
			defer tw.Close()
			sealDelta(t, twin, keys, tw, full, Delta{Remove: []string{"p3"}, Order: []string{"p1", "p2"}})
			twins, _ := listGenerations(twin)
			if other, err = os.ReadFile(twins[0].Path); err != nil {
				t.Fatal(err)
			}
			d1 := sealDelta(t, dir, keys, w, full, Delta{Remove: []string{"p1"}, Order: []string{"p2", "p3"}})
			sealDelta(t, dir, keys, w, d1, Delta{Remove: []string{"p2"}, Order: []string{"p3"}})
			gens, err := listGenerations(dir)
			if err != nil {
				t.Fatal(err)
			}
			tc.damage(t, dir, gens)
			s, err := Open(context.Background(), dir, keys)
			if tc.opens == 0 {
				if !errors.Is(err, ErrNoSnapshot) || !strings.Contains(err.Error(), tc.reason) {
					t.Fatalf("opened with %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Manifest.Generation != tc.opens {
				t.Fatalf("opened %d, refused %+v", s.Manifest.Generation, s.Refused)
			}
			if tc.reason != "" && (len(s.Refused) == 0 || !strings.Contains(s.Refused[0].Reason, tc.reason)) {
				t.Fatalf("refused %+v", s.Refused)
			}
			_, st, err := Inspect(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range st {
				if g.Good != (g.Generation <= tc.opens) {
					t.Errorf("status of generation %d: good=%v (%s)", g.Generation, g.Good, g.Problem)
				}
			}
		})
	}
}

var otherDelta func(t *testing.T) []byte

// flip changes one byte of a file, at off from the end when negative.
func flip(t *testing.T, path string, off int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += len(b)
	}
	b[off] ^= 1
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestADeltaOnAGenerationThatIsNoLongerNewestIsRefused(t *testing.T) {
	dir, keys, w, full := deltaVault(t)
	sealCharts(t, dir, keys, testChart("p9", "Other, Writer", "MRN0000009"))
	_, err := SealDelta(context.Background(), dir, keys, w, full, Delta{Remove: []string{"p1"}, Order: []string{"p2", "p3"}},
		SealRequest{AsOf: time.Now()})
	if !errors.Is(err, ErrStaleParent) {
		t.Fatalf("err = %v", err)
	}
}

func TestADeltaWhoseOrderDoesNotMatchIsRefusedBeforeSealing(t *testing.T) {
	dir, keys, w, full := deltaVault(t)
	_, err := SealDelta(context.Background(), dir, keys, w, full, Delta{Remove: []string{"p1"}, Order: []string{"p2"}},
		SealRequest{AsOf: time.Now()})
	if err == nil {
		t.Fatal("sealed a delta whose census order leaves a patient out")
	}
	gens, _ := listGenerations(dir)
	if len(gens) != 1 {
		t.Fatalf("%d generations on disk", len(gens))
	}
}

func TestPruningKeepsTheDeltasOfKeptFullGenerations(t *testing.T) {
	dir, keys, w, m := deltaVault(t)
	keys.Config.Keep = 2
	for i := range 3 {
		m = sealDelta(t, dir, keys, w, m, Delta{Order: []string{"p1", "p2", "p3"}})
		if i < 2 {
			if m, _ = Seal(context.Background(), dir, keys, w, SealRequest{AsOf: time.Now()}); m == nil {
				t.Fatal("full seal failed")
			}
		}
	}
	// 1 full, 2 delta, 3 full, 4 delta, 5 full, 6 delta: keep 2 fulls (5, 3)
	// and what follows them.
	gens, _ := listGenerations(dir)
	var have []uint64
	for _, g := range gens {
		have = append(have, g.Generation)
	}
	if !slices.Equal(have, []uint64{6, 5, 4, 3}) {
		t.Fatalf("kept %v", have)
	}
	s, err := Open(context.Background(), dir, keys)
	if err != nil || s.Manifest.Generation != 6 {
		t.Fatalf("open: %v", err)
	}
	s.Close()
}
