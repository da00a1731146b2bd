package synthetic

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestTheTablesReferToEachOther(t *testing.T) {
	defer func() {
		if r := recover(); r != nil {
			t.Fatal(r)
		}
	}()
	for _, s := range specialties {
		young := false
		for _, k := range s.reasons {
			young = young || conditions[condIndex(k)].minAge <= s.minAge
		}
		if !young {
			t.Errorf("%s has no reason for admission for its youngest patients", s.name)
		}
	}
	for _, c := range conditions {
		for _, m := range c.meds {
			for _, k := range strings.Split(m, "|") {
				medByKey(k)
			}
		}
	}
	for _, c := range commonOrders {
		for _, k := range strings.Split(c.keys, "|") {
			medByKey(k)
		}
	}
	for _, k := range fillerOrders {
		medByKey(k)
	}
	for _, c := range chronicPrevalence {
		if conditions[condIndex(c.key)].kind != chronic {
			t.Errorf("%s is not chronic", c.key)
		}
	}
	for _, k := range secondaryProblems {
		if conditions[condIndex(k)].kind != secondary {
			t.Errorf("%s is not a problem of the stay", k)
		}
	}
	for _, a := range allergens {
		for _, k := range a.reactions {
			reactionByKey(k)
		}
	}
	for _, m := range meds {
		if (m.every > 0) == (len(m.times) > 0) || (m.prn != "" && m.every == 0) || !routes[m.route.code] {
			t.Errorf("%s: schedule or route is ill-formed", m.key)
		}
	}
	for code, l := range vitalLimits {
		b := physiology[code]
		if l[0] < b[0] || l[1] > b[1] {
			t.Errorf("the limits of %s go beyond physiology", code)
		}
	}
	for _, l := range labs {
		if l.min <= 0 || l.lowF > l.highF || l.lowM > l.highM || l.min > l.highF || l.max < l.highM {
			t.Errorf("%s: ill-formed range", l.code)
		}
	}
}

// BenchmarkWard measures generation per patient (a 1,000-patient ward).
func BenchmarkWard(b *testing.B) {
	opt := Options{Patients: 1000, Seed: 1, AsOf: downtime}
	size := 0
	for b.Loop() {
		size = 0
		if err := Ward(opt, func(_ string, res []byte) error { size += len(res); return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/1000, "bytes/patient")
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "µs/patient")
}

// BenchmarkTenThousandPatients streams a 10,000-patient hospital to NDJSON.
func BenchmarkTenThousandPatients(b *testing.B) {
	opt := Options{Patients: 10_000, Seed: 1, AsOf: time.Date(2025, 3, 14, 6, 32, 0, 0, brussels)}
	for b.Loop() {
		if _, err := WriteNDJSON(b.TempDir(), opt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBundle measures a small ward as one Bundle.
func BenchmarkBundle(b *testing.B) {
	opt := Options{Patients: 30, Seed: 1, AsOf: downtime}
	for b.Loop() {
		raw, err := Bundle(opt)
		if err != nil {
			b.Fatal(err)
		}
		io.Discard.Write(raw)
	}
}
