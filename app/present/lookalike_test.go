package present

import (
	"testing"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
)

func TestSimilarNameBanner(t *testing.T) {
	if got := SimilarNameBanner(nil); got != "" {
		t.Errorf("no look-alike: %q", got)
	}
	others := []clinical.CensusRow{{ID: "p3", Name: "De Smet, Jozef Luc", Bed: "101-B"}, {ID: "T-6AFB-1574-NH0C", Name: "De Smet, Jos"}}
	want := "Similar name on this ward: De Smet, Jozef Luc (101-B); De Smet, Jos (T-6AFB-1574-NH0C) — check the wristband"
	if got := SimilarNameBanner(others); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for _, l := range []i18n.Lang{i18n.Dutch, i18n.French} {
		if !i18n.Has(SimilarNameFlag) || i18n.In(l, SimilarNameFlag) == SimilarNameFlag {
			t.Errorf("%v: %q not translated", l, SimilarNameFlag)
		}
	}
}
