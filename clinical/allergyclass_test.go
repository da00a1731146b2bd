package clinical

import (
	"strings"
	"testing"
)

func TestAllergyClassMatch(t *testing.T) {
	for _, c := range []struct {
		allergy, code, med string
		medCodes           []string
		level              int
		why                string // a part of the reason, when it matches
	}{
		{allergy: "Penicillin", med: "Amoxicillin/clavulanic acid 1 g", level: matchSame, why: "amoxicillin is a penicillin"},
		{allergy: "Penicillins", med: "Augmentin 875 mg", level: matchSame, why: "augmentin is a penicillin"},
		{allergy: "Pénicilline", med: "Clamoxyl 1 g", level: matchSame, why: "is a penicillin"},
		{allergy: "penicilline", med: "flucloxacilline", level: matchSame, why: "is a penicillin"},
		{allergy: "amoxicillin", med: "co-amoxiclav", level: matchSame, why: "is a penicillin"},
		{allergy: "Penicillin", med: "Tazocin 4 g", level: matchSame},
		{allergy: "Penicillin", med: "Cefuroxime 1.5 g", level: matchCross, why: "can cross-react with penicillins"},
		{allergy: "Penicillin", med: "Zinnat", level: matchCross},
		{allergy: "Penicillin", med: "Rocephin 2 g", level: matchCross},
		{allergy: "Penicillin", med: "Meronem 1 g", level: matchCross, why: "meronem is a carbapenem"},
		{allergy: "Cephalosporins", med: "Ceftriaxone", level: matchSame},
		{allergy: "NSAIDs", med: "Ibuprofen 400 mg tablet", level: matchSame, why: "ibuprofen is an NSAID"},
		{allergy: "AINS", med: "ibuprofène 400 mg", level: matchSame},
		{allergy: "NSAIDs", med: "Brufen", level: matchSame},
		{allergy: "NSAIDs", med: "Nurofen", level: matchSame},
		{allergy: "NSAIDs", med: "Voltaren 75 mg", level: matchSame},
		{allergy: "NSAIDs", med: "Aspegic 500 mg", level: matchSame},
		{allergy: "NSAIDs", med: "Asaflow 80 mg", level: matchSame},
		{allergy: "Aspirin", med: "Naproxen 500 mg", level: matchSame},
		{allergy: "Diclofenac", med: "Ibuprofen", level: matchSame},
		{allergy: "Opioids", med: "Tramadol 50 mg", level: matchSame},
		{allergy: "Opioids", med: "Contramal", level: matchSame},
		{allergy: "Morphine", med: "Dafalgan Codeine", level: matchSame, why: "is an opioid"},
		{allergy: "Macrolides", med: "Zithromax 500 mg", level: matchSame},
		{allergy: "clarithromycin", med: "azithromycine", level: matchSame},
		{allergy: "Fluoroquinolones", med: "Ciproxine 500 mg", level: matchSame},
		{allergy: "Ciprofloxacin", med: "Tavanic", level: matchSame},
		{allergy: "levofloxacine", med: "moxifloxacin", level: matchSame},
		{allergy: "Sulfonamides", med: "Bactrim forte", level: matchSame},
		{allergy: "sulfa", med: "Eusaprim", level: matchSame},
		{allergy: "Iodinated contrast", med: "Omnipaque 350", level: matchSame},
		{allergy: "Heparin", med: "Clexane 40 mg", level: matchSame},
		{allergy: "heparine", med: "Fraxiparine 0,3 ml", level: matchSame},
		{allergy: "Latex", med: "Latex gloves", level: matchSame},
		// by code
		{allergy: "drug allergy", code: "J01C", med: "Unknown brand 1 g", medCodes: []string{"http://www.whocc.no/atc|J01CR02"}, level: matchSame, why: "ATC J01CR02 is a penicillin"},
		{allergy: "antibiotic", code: "91936005", med: "Something", medCodes: []string{"723"}, level: matchSame},
		{allergy: "NSAID", med: "Pill", medCodes: []string{"http://www.nlm.nih.gov/research/umls/rxnorm|5640"}, level: matchSame},
		{allergy: "x", code: "387207008", med: "y", medCodes: []string{"387207008"}, level: matchSame},
		{allergy: "Antibiotic", med: "Product 1 g", medCodes: []string{"http://www.whocc.no/atc|J01DD04"}, level: 0},
		// negatives: paracetamol is no NSAID, sulfate no sulfonamide, trimethoprim alone no sulfonamide
		{allergy: "NSAIDs", med: "Dafalgan 1 g", level: 0},
		{allergy: "NSAIDs", med: "Paracetamol 1 g", level: 0},
		{allergy: "NSAIDs", med: "Perdolan", level: 0},
		{allergy: "Aspirin", med: "Dafalgan Codeine", level: 0},
		{allergy: "Sulfonamides", med: "Morphine sulfate 10 mg", level: 0},
		{allergy: "Sulfonamides", med: "Trimethoprim", medCodes: []string{"J01EA01"}, level: 0},
		{allergy: "Penicillin", med: "Vancomycin 1 g", level: 0},
		{allergy: "Penicillin", med: "Ciprofloxacin", level: 0},
		{allergy: "Opioids", med: "Paracetamol", level: 0},
		{allergy: "Iodine", med: "Omnipaque 350", level: 0},
		{allergy: "Peanuts", med: "Ibuprofen", level: 0},
		{allergy: "Heparin", med: "Fondaparinux", level: 0},
		// ATC groups holding non-members, and a food that starts like a brand
		{allergy: "NSAIDs", med: "Glucosamine 1500 mg", medCodes: []string{"M01AX05"}, level: 0},
		{allergy: "Opioids", med: "Dextromethorphan syrup", medCodes: []string{"R05DA09"}, level: 0},
		{allergy: "Opioids", med: "Lofexidine 0.2 mg", medCodes: []string{"http://www.whocc.no/atc|N07BC04"}, level: 0},
		{allergy: "Cephalosporins", med: "Kefir", level: 0},
		{allergy: "Penicillin", med: "kefir drink", level: 0},
		{allergy: "NSAIDs", med: "Nabumetone 1 g", medCodes: []string{"M01AX01"}, level: matchSame, why: "ATC M01AX01 is an NSAID"},
		{allergy: "NSAIDs", med: "nabumetone 1 g", level: matchSame, why: "is an NSAID"},
		{allergy: "Opioids", med: "Codeine syrup", medCodes: []string{"R05DA04"}, level: matchSame, why: "ATC R05DA04 is an opioid"},
		{allergy: "Opioids", med: "Methadone 10 mg", medCodes: []string{"N07BC02"}, level: matchSame, why: "ATC N07BC02 is an opioid"},
		{allergy: "Cephalosporins", med: "Keforal 500 mg", level: matchSame, why: "is a cephalosporin"},
		{allergy: "Penicillin", med: "Keforal 500 mg", level: matchCross},
		{allergy: "drug allergy", code: "M01A", med: "Unknown brand", medCodes: []string{"M01AE01"}, level: matchSame},
	} {
		level, m := allergyClassMatch(allergyFact{Substance: c.allergy, Code: c.code}, c.med, c.medCodes)
		if why := m.English(); level != c.level || !strings.Contains(why, c.why) {
			t.Errorf("allergy %q, medication %q: level %d (%q), want %d (%q)", c.allergy, c.med, level, why, c.level, c.why)
		}
	}
}

func TestAnAllergysEveryCodingIsReadForItsClass(t *testing.T) {
	a := allergyFact{Substance: "Antibiotic", Code: "999999", Codes: []string{"http://snomed.info/sct|999999", "http://www.whocc.no/atc|J01C"}}
	if level, why := allergyClassMatch(a, "Local product 1 g", []string{"http://www.whocc.no/atc|J01CR02"}); level != matchSame || why.English() != "ATC J01CR02 is a penicillin" {
		t.Fatalf("level %d, %q", level, why)
	}
	if level, _ := allergyClassMatch(a, "Local product 1 g", []string{"http://www.whocc.no/atc|J01DD04"}); level != matchCross {
		t.Fatalf("level %d, want cross-reactive", level)
	}
}

func TestAllergyHardStop(t *testing.T) {
	for _, c := range []struct {
		a    allergyFact
		stop bool
	}{
		{allergyFact{Criticality: "high"}, true},
		{allergyFact{Reaction: "Anaphylaxis"}, true},
		{allergyFact{Reaction: "anafylaxie"}, true},
		{allergyFact{Reaction: "choc anaphylactique"}, true},
		{allergyFact{Criticality: "low", Reaction: "rash"}, false},
		{allergyFact{Criticality: "unable-to-assess"}, false},
	} {
		if got := c.a.hardStop(); got != c.stop {
			t.Errorf("%+v: hard stop %v, want %v", c.a, got, c.stop)
		}
	}
}

func TestAllergyWarningsStopAndCross(t *testing.T) {
	allergies := []allergyFact{
		{Substance: "Penicillin", Criticality: "high", Reaction: "Anaphylaxis"},
		{Substance: "NSAIDs", Criticality: "high", Reaction: "Bronchospasm"},
		{Substance: "Codeine", Criticality: "low", Reaction: "nausea"},
	}
	for _, c := range []struct {
		med, rule, text string
	}{
		{"Amoxicillin/clavulanic acid 1 g", ruleStop, "hard stop: allergy to Penicillin (high criticality, anaphylaxis): amoxicillin is a penicillin"},
		{"Ibuprofen 400 mg tablet", ruleStop, "allergy to NSAIDs (high criticality): ibuprofen is an NSAID"},
		{"Cefazolin 2 g", "allergy", "possible cross-reactivity with the allergy to Penicillin: cefazolin is a cephalosporin"},
		{"Tramadol 50 mg", "allergy", "allergy to Codeine, which matches this medication: tramadol is an opioid"},
		{"Dafalgan 1 g", "", ""},
	} {
		ws := allergyWarnings(c.med, nil, allergies)
		switch {
		case c.rule == "" && len(ws) != 0:
			t.Errorf("%s: %v, want no warning", c.med, ws)
		case c.rule != "" && (len(ws) != 1 || ws[0].rule != c.rule || !strings.Contains(ws[0].msg.English(), c.text)):
			t.Errorf("%s: %v, want %s %q", c.med, ws, c.rule, c.text)
		}
	}
}
