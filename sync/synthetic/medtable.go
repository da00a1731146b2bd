package synthetic

// routeDef is a route of administration (SNOMED CT) and how nurses say it.
type routeDef struct{ code, display, text string }

var (
	routeOral = routeDef{"26643006", "Oral route", "oral"}
	routeIV   = routeDef{"47625008", "Intravenous route", "IV"}
	routeSC   = routeDef{"34206005", "Subcutaneous route", "subcutaneous"}
	routeNeb  = routeDef{"447694001", "Respiratory tract route", "nebulised"}
)

// medDef is an inpatient medication order template. An order is either
// at fixed clock times (times, as hhmm), or every `every` hours (interval
// orders, given at the ward's standard times), or as needed (prn, with
// `every` the minimum interval). group keeps two alternatives of the same
// kind from being ordered together; class is what an allergy rules out.
//
// Codes are RxNorm ingredient (or multiple-ingredient) concepts chosen to
// look right; they are synthetic data, not a formulary.
type medDef struct {
	key, group, class string
	text              string // product, as shown: "Paracetamol 1 g tablet"
	rx, rxDisplay     string
	dose              float64
	unit, ucum        string // dose unit as read and as UCUM code
	doseText          string // "1 g", "875/125 mg"
	route             routeDef
	every             int   // hours, for interval and PRN orders
	times             []int // hhmm, for fixed-time orders
	prn               string
}

var meds = []medDef{
	{"paracetamol", "paracetamol", "", "Paracetamol 1 g tablet", "161", "acetaminophen", 1, "g", "g", "1 g", routeOral, 6, nil, ""},
	{"paracetamol-iv", "paracetamol", "", "Paracetamol 1 g/100 mL infusion", "161", "acetaminophen", 1, "g", "g", "1 g", routeIV, 6, nil, ""},
	{"amoxclav", "antibiotic", "penicillin", "Amoxicillin/clavulanic acid 875/125 mg tablet", "19711", "amoxicillin / clavulanate", 1, "tablet", "{tablet}", "875/125 mg", routeOral, 12, nil, ""},
	{"amoxclav-iv", "antibiotic", "penicillin", "Amoxicillin/clavulanic acid 1 g/200 mg injection", "19711", "amoxicillin / clavulanate", 1, "g", "g", "1 g/200 mg", routeIV, 8, nil, ""},
	{"ceftriaxone", "antibiotic", "", "Ceftriaxone 2 g injection", "2193", "ceftriaxone", 2, "g", "g", "2 g", routeIV, 0, []int{1000}, ""},
	{"cefazolin", "antibiotic", "", "Cefazolin 2 g injection", "2180", "cefazolin", 2, "g", "g", "2 g", routeIV, 8, nil, ""},
	{"piptazo", "antibiotic", "penicillin", "Piperacillin/tazobactam 4 g/0.5 g injection", "74169", "piperacillin / tazobactam", 4.5, "g", "g", "4 g/0.5 g", routeIV, 8, nil, ""},
	{"vancomycin-oral", "antibiotic2", "", "Vancomycin 125 mg capsule", "11124", "vancomycin", 125, "mg", "mg", "125 mg", routeOral, 6, nil, ""},
	{"oseltamivir", "antiviral", "", "Oseltamivir 75 mg capsule", "260101", "oseltamivir", 75, "mg", "mg", "75 mg", routeOral, 0, []int{800, 2000}, ""},
	{"dexamethasone", "steroid", "", "Dexamethasone 6 mg tablet", "3264", "dexamethasone", 6, "mg", "mg", "6 mg", routeOral, 0, []int{800}, ""},
	{"methylpred", "steroid", "", "Methylprednisolone 32 mg tablet", "6902", "methylprednisolone", 32, "mg", "mg", "32 mg", routeOral, 0, []int{800}, ""},
	{"enoxaparin", "anticoagulant", "", "Enoxaparin 40 mg/0.4 mL injection", "67108", "enoxaparin", 40, "mg", "mg", "40 mg", routeSC, 0, []int{2000}, ""},
	{"apixaban", "anticoagulant", "", "Apixaban 5 mg tablet", "1364430", "apixaban", 5, "mg", "mg", "5 mg", routeOral, 0, []int{800, 2000}, ""},
	{"metformin", "metformin", "", "Metformin 500 mg tablet", "6809", "metformin", 500, "mg", "mg", "500 mg", routeOral, 0, []int{800, 1800}, ""},
	{"insulin-glargine", "insulin-basal", "", "Insulin glargine 100 units/mL pen", "274783", "insulin glargine", 16, "IU", "[iU]", "16 IU", routeSC, 0, []int{2200}, ""},
	{"insulin-aspart", "insulin-meal", "", "Insulin aspart 100 units/mL pen", "51428", "insulin aspart", 4, "IU", "[iU]", "4 IU", routeSC, 0, []int{730, 1130, 1730}, ""},
	{"furosemide", "loop-diuretic", "", "Furosemide 40 mg/4 mL injection", "4603", "furosemide", 40, "mg", "mg", "40 mg", routeIV, 0, []int{800}, ""},
	{"furosemide-oral", "loop-diuretic", "", "Furosemide 40 mg tablet", "4603", "furosemide", 40, "mg", "mg", "40 mg", routeOral, 0, []int{800}, ""},
	{"morphine", "opioid", "morphine", "Morphine 10 mg/mL injection", "7052", "morphine", 2.5, "mg", "mg", "2.5 mg", routeSC, 4, nil, "pain"},
	{"tramadol", "opioid", "", "Tramadol 50 mg capsule", "10689", "tramadol", 50, "mg", "mg", "50 mg", routeOral, 6, nil, "pain"},
	{"ondansetron", "antiemetic", "", "Ondansetron 4 mg/2 mL injection", "26225", "ondansetron", 4, "mg", "mg", "4 mg", routeIV, 8, nil, "nausea"},
	{"metoclopramide", "antiemetic", "", "Metoclopramide 10 mg tablet", "6915", "metoclopramide", 10, "mg", "mg", "10 mg", routeOral, 8, nil, "nausea"},
	{"pantoprazole", "ppi", "", "Pantoprazole 40 mg tablet", "40790", "pantoprazole", 40, "mg", "mg", "40 mg", routeOral, 0, []int{700}, ""},
	{"pantoprazole-iv", "ppi", "", "Pantoprazole 40 mg injection", "40790", "pantoprazole", 40, "mg", "mg", "40 mg", routeIV, 0, []int{800, 2000}, ""},
	{"bisoprolol", "beta-blocker", "", "Bisoprolol 2.5 mg tablet", "19484", "bisoprolol", 2.5, "mg", "mg", "2.5 mg", routeOral, 0, []int{800}, ""},
	{"digoxin", "digoxin", "", "Digoxin 0.125 mg tablet", "3407", "digoxin", 0.125, "mg", "mg", "0.125 mg", routeOral, 0, []int{800}, ""},
	{"ramipril", "acei", "", "Ramipril 2.5 mg tablet", "35296", "ramipril", 2.5, "mg", "mg", "2.5 mg", routeOral, 0, []int{800}, ""},
	{"spironolactone", "mra", "", "Spironolactone 25 mg tablet", "9997", "spironolactone", 25, "mg", "mg", "25 mg", routeOral, 0, []int{800}, ""},
	{"amlodipine", "ccb", "", "Amlodipine 5 mg tablet", "17767", "amlodipine", 5, "mg", "mg", "5 mg", routeOral, 0, []int{800}, ""},
	{"salbutamol", "salbutamol", "", "Salbutamol 5 mg/2.5 mL nebuliser solution", "435", "albuterol", 5, "mg", "mg", "5 mg", routeNeb, 6, nil, ""},
	{"salbutamol-prn", "salbutamol", "", "Salbutamol 2.5 mg/2.5 mL nebuliser solution", "435", "albuterol", 2.5, "mg", "mg", "2.5 mg", routeNeb, 4, nil, "shortness of breath"},
	{"ipratropium", "ipratropium", "", "Ipratropium 0.5 mg/2 mL nebuliser solution", "7213", "ipratropium", 0.5, "mg", "mg", "0.5 mg", routeNeb, 6, nil, ""},
	{"aspirin", "aspirin", "nsaid", "Acetylsalicylic acid 80 mg tablet", "1191", "aspirin", 80, "mg", "mg", "80 mg", routeOral, 0, []int{800}, ""},
	{"clopidogrel", "clopidogrel", "", "Clopidogrel 75 mg tablet", "32968", "clopidogrel", 75, "mg", "mg", "75 mg", routeOral, 0, []int{800}, ""},
	{"atorvastatin", "statin", "", "Atorvastatin 40 mg tablet", "83367", "atorvastatin", 40, "mg", "mg", "40 mg", routeOral, 0, []int{2000}, ""},
	{"levetiracetam", "antiepileptic", "", "Levetiracetam 500 mg tablet", "114477", "levetiracetam", 500, "mg", "mg", "500 mg", routeOral, 0, []int{800, 2000}, ""},
	{"haloperidol", "antipsychotic", "", "Haloperidol 2 mg/mL oral drops", "5093", "haloperidol", 0.5, "mg", "mg", "0.5 mg", routeOral, 12, nil, "agitation"},
	{"lactulose", "laxative", "", "Lactulose 10 g/15 mL syrup", "6218", "lactulose", 15, "mL", "mL", "15 mL", routeOral, 0, []int{800, 2000}, ""},
	{"macrogol", "laxative", "", "Macrogol 13.7 g sachet", "221147", "polyethylene glycol 3350", 13.7, "g", "g", "13.7 g", routeOral, 0, []int{800}, ""},
	{"kcl", "potassium", "", "Potassium chloride 600 mg slow-release tablet", "8591", "potassium chloride", 600, "mg", "mg", "600 mg", routeOral, 0, []int{800, 1800}, ""},
	{"saline", "fluids", "", "Sodium chloride 0.9% 1000 mL infusion", "9863", "sodium chloride", 1000, "mL", "mL", "1000 mL", routeIV, 8, nil, ""},
	{"levothyroxine", "thyroid", "", "Levothyroxine 50 µg tablet", "10582", "levothyroxine", 50, "µg", "ug", "50 µg", routeOral, 0, []int{600}, ""},
	{"sertraline", "ssri", "", "Sertraline 50 mg tablet", "36437", "sertraline", 50, "mg", "mg", "50 mg", routeOral, 0, []int{800}, ""},
	{"levodopa", "levodopa", "", "Levodopa/benserazide 100/25 mg capsule", "6375", "levodopa", 1, "capsule", "{capsule}", "100/25 mg", routeOral, 0, []int{800, 1200, 1600, 2000}, ""},
	{"ibuprofen", "nsaid", "nsaid", "Ibuprofen 400 mg tablet", "5640", "ibuprofen", 400, "mg", "mg", "400 mg", routeOral, 8, nil, "pain"},
}

// Extra orders most inpatients get, with their chance; "a|b" picks one.
var commonOrders = []struct {
	keys   string
	chance float64
}{
	{"paracetamol|paracetamol|paracetamol|paracetamol-iv", 0.6},
	{"enoxaparin", 0.55},
	{"pantoprazole", 0.3},
	{"ondansetron|metoclopramide", 0.3},
	{"morphine|tramadol", 0.15},
	{"macrogol", 0.12},
}

// fillerOrders make up a longer medication list.
var fillerOrders = []string{"pantoprazole", "macrogol", "atorvastatin", "ondansetron", "metoclopramide", "tramadol",
	"amlodipine", "levothyroxine", "sertraline", "kcl", "salbutamol-prn", "ibuprofen", "lactulose", "bisoprolol"}

func medByKey(key string) *medDef {
	for i := range meds {
		if meds[i].key == key {
			return &meds[i]
		}
	}
	panic("synthetic: unknown medication " + key)
}

// intervalTimes are the ward's standard administration times of interval
// orders, as hhmm.
func intervalTimes(every int) []int {
	switch every {
	case 4:
		return []int{200, 600, 1000, 1400, 1800, 2200}
	case 6:
		return []int{0, 600, 1200, 1800}
	case 8:
		return []int{600, 1400, 2200}
	case 12:
		return []int{800, 2000}
	}
	return []int{800}
}
