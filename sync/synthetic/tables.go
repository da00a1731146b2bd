package synthetic

// Reference tables: people, places, problems and allergies. Tables are
// slices, never maps, so that every draw is reproducible.

// nameSet is a population the ward's patients come from.
type nameSet struct {
	lang     string // BCP 47 preferred language
	weight   int
	families []string
	male     []string
	female   []string
}

var nameSets = []nameSet{
	{"nl-BE", 52,
		[]string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
			"Van den Broeck", "Vermeulen", "De Backer", "Van Damme", "Verhoeven", "Hermans", "Aerts", "Van Dyck", "Smets", "Coppens",
			"Van de Velde", "Verstraeten", "Geerts", "Luyten", "Vandenberghe", "De Wit", "Nuyts", "Sels", "Van Hoof", "Dierckx"},
		[]string{"Jan", "Luc", "Marc", "Wim", "Pieter", "Jozef", "Frans", "Lucas", "Noah", "Arthur", "Stijn", "Koen", "Dirk",
			"Gust", "Rik", "Bart", "Jef", "Lowie", "Warre", "Seppe"},
		[]string{"Maria", "Anna", "Josée", "Els", "An", "Lotte", "Emma", "Lies", "Greet", "Mieke", "Hilde", "Rita", "Godelieve",
			"Marleen", "Fien", "Zoë", "Jana", "Nele", "Liesbeth", "Mariëtte"}},
	{"fr-BE", 24,
		[]string{"Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Lefèvre", "Lejeune", "Renard", "Leclercq",
			"François", "Lemaire", "Mathieu", "Dumont", "Gérard", "Collignon", "Hubert", "Noël", "Étienne", "Delcourt"},
		[]string{"Éric", "François", "Jérôme", "Gérard", "Stéphane", "Thomas", "Louis", "Pierre", "André", "Michel",
			"Benoît", "Raphaël", "Théo", "Jean-Claude", "Gaëtan"},
		[]string{"Marie", "Hélène", "Céline", "Françoise", "Noëlle", "Chloé", "Anaïs", "Inès", "Sylvie", "Monique",
			"Brigitte", "Léa", "Élise", "Geneviève", "Mélanie"}},
	{"tr", 8,
		[]string{"Öztürk", "Yılmaz", "Şahin", "Çelik", "Demir", "Kaya", "Aydın", "Doğan"},
		[]string{"Mehmet", "Ahmet", "Mustafa", "Gökhan", "Hüseyin", "Emre"},
		[]string{"Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Gül"}},
	{"nl-BE", 8,
		[]string{"El Amrani", "Benali", "El Idrissi", "Bouzid", "Azzouzi", "El Khattabi", "Ouali", "Haddouchi"},
		[]string{"Mohamed", "Adam", "Youssef", "Karim", "Rachid", "Ilyas"},
		[]string{"Fatima", "Khadija", "Nadia", "Samira", "Yasmina", "Aïcha"}},
	{"pl", 3,
		[]string{"Kowalski", "Nowak", "Wójcik", "Lewandowski", "Kamiński"},
		[]string{"Piotr", "Krzysztof", "Tomasz", "Paweł"},
		[]string{"Agnieszka", "Małgorzata", "Katarzyna", "Zofia"}},
	{"en", 3,
		[]string{"Smith", "O'Brien", "Taylor", "Walsh", "Murphy"},
		[]string{"John", "David", "Patrick", "James"},
		[]string{"Sarah", "Mary", "Siobhan", "Emily"}},
	{"de", 2,
		[]string{"Müller", "Schröder", "Weiß", "Krüger"},
		[]string{"Jürgen", "Klaus", "Günther"},
		[]string{"Ingrid", "Ursula", "Jutta", "Dörte"}},
}

// Antwerp postal codes with the municipality name used in addresses.
var places = []struct{ postal, city string }{
	{"2000", "Antwerpen"}, {"2018", "Antwerpen"}, {"2020", "Antwerpen"}, {"2030", "Antwerpen"},
	{"2050", "Antwerpen"}, {"2060", "Antwerpen"}, {"2100", "Deurne"}, {"2140", "Borgerhout"},
	{"2170", "Merksem"}, {"2180", "Ekeren"}, {"2600", "Berchem"}, {"2610", "Wilrijk"},
	{"2660", "Hoboken"}, {"2640", "Mortsel"}, {"2650", "Edegem"}, {"2900", "Schoten"},
	{"2930", "Brasschaat"}, {"2540", "Hove"}, {"2550", "Kontich"}, {"2070", "Zwijndrecht"},
}

// Staff names for authors and performers ("RN M. Peeters", "Dr. A. Dubois").
var (
	staffInitials = []string{"A.", "B.", "C.", "D.", "E.", "F.", "G.", "H.", "I.", "J.", "K.", "L.", "M.", "N.", "S.", "T.", "V.", "W."}
	staffFamilies = []string{"Peeters", "Janssens", "Maes", "Dubois", "Claes", "Lambert", "Wouters", "Goossens", "Van Acker",
		"Declercq", "Bosmans", "El Ouardi", "Verbeke", "Desmet", "Renard", "Celik", "Thys", "Van Looy"}
)

// specialty is a ward's discipline; reasons lists the primary admission
// problems (condition keys, repeated for weight), ageShift moves the
// ward's age mix and minAge is the youngest patient it takes.
type specialty struct {
	name     string
	ageShift int
	minAge   int
	reasons  []string
}

var specialties = []specialty{
	{"Internal Medicine", 0, 18, []string{"pneumonia", "pneumonia", "uti", "cellulitis", "aki", "sepsis", "dehydration", "hyponatraemia", "hf", "copdx", "gibleed", "syncope"}},
	{"Cardiology", 0, 18, []string{"hf", "hf", "hf", "af", "af", "nstemi", "nstemi", "syncope", "pe"}},
	{"Geriatrics", 12, 75, []string{"delirium", "fall", "pneumonia", "aspiration", "uti", "uti", "dehydration", "hf", "hipfx", "hyponatraemia"}},
	{"Pulmonology", 0, 18, []string{"copdx", "copdx", "copdx", "pneumonia", "pneumonia", "pe", "influenza", "covid", "asthmax"}},
	{"Gastroenterology", -3, 18, []string{"gibleed", "gibleed", "pancreatitis", "pancreatitis", "hepenc", "colitis", "cholecystitis"}},
	{"Orthopaedics", 5, 18, []string{"hipfx", "hipfx", "hipfx", "hipfx", "fall", "kneeoa", "anklefx"}},
	{"Neurology", 0, 18, []string{"stroke", "stroke", "stroke", "tia", "seizure", "seizure"}},
	{"Nephrology", 0, 18, []string{"aki", "aki", "aki", "hyperkalaemia", "pyelonephritis", "pyelonephritis", "hyponatraemia"}},
	{"General Surgery", -12, 18, []string{"appendicitis", "appendicitis", "cholecystitis", "cholecystitis", "pancreatitis", "cellulitis"}},
	{"Oncology", -5, 18, []string{"fn", "pneumonia", "hyponatraemia", "pe", "dehydration", "dehydration", "pneumonia"}},
	{"Infectious Diseases", -5, 18, []string{"cellulitis", "cellulitis", "sepsis", "sepsis", "influenza", "pyelonephritis", "pneumonia", "pneumonia"}},
}

// effects are how a problem shows in vitals and labs, each 0..1.
type effects struct {
	fever, infl, hypox, tachy, hypot, pain, renal, gluc, anaem, lowNa, lowK, highK, lowPlt, marrow float64
}

func (e *effects) add(o effects, w float64) {
	e.fever += o.fever * w
	e.infl += o.infl * w
	e.hypox += o.hypox * w
	e.tachy += o.tachy * w
	e.hypot += o.hypot * w
	e.pain += o.pain * w
	e.renal += o.renal * w
	e.gluc += o.gluc * w
	e.anaem += o.anaem * w
	e.lowNa += o.lowNa * w
	e.lowK += o.lowK * w
	e.highK += o.highK * w
	e.lowPlt += o.lowPlt * w
	e.marrow += o.marrow * w
}

// Problem kinds.
const (
	acute     = iota // a reason for admission
	secondary        // arises or is found during the stay; may resolve
	chronic          // long-standing comorbidity
)

// condDef is a problem. meds lists medication keys the problem usually
// brings; "a|b" picks one of the alternatives.
type condDef struct {
	key, code, display string
	kind               int
	minAge             int
	fx                 effects
	meds               []string
	isolation          string
}

var conditions = []condDef{
	{"pneumonia", "233604007", "Pneumonia", acute, 18, effects{fever: 1, infl: 1, hypox: .6, tachy: .5, pain: .2}, []string{"amoxclav|ceftriaxone", "paracetamol"}, ""},
	{"aspiration", "422588002", "Aspiration pneumonia", acute, 60, effects{fever: .8, infl: .9, hypox: .6, tachy: .5}, []string{"amoxclav", "paracetamol"}, ""},
	{"uti", "68566005", "Urinary tract infectious disease", acute, 18, effects{fever: .7, infl: .6, tachy: .3, pain: .2}, []string{"ceftriaxone", "paracetamol"}, ""},
	{"pyelonephritis", "45816000", "Pyelonephritis", acute, 18, effects{fever: 1, infl: 1, tachy: .5, pain: .6, renal: .3}, []string{"ceftriaxone", "paracetamol"}, ""},
	{"cellulitis", "128045006", "Cellulitis", acute, 18, effects{fever: .6, infl: .8, pain: .6}, []string{"cefazolin", "paracetamol"}, ""},
	{"sepsis", "91302008", "Sepsis", acute, 18, effects{fever: 1, infl: 1, tachy: 1, hypot: 1, renal: .5, lowPlt: .6}, []string{"piptazo", "saline", "paracetamol"}, ""},
	{"influenza", "6142004", "Influenza", acute, 18, effects{fever: 1, infl: .3, hypox: .4, tachy: .4}, []string{"oseltamivir", "paracetamol"}, "Droplet isolation (influenza)"},
	{"covid", "840539006", "COVID-19", acute, 18, effects{fever: .8, infl: .5, hypox: .7, tachy: .3}, []string{"dexamethasone", "paracetamol"}, "Droplet and contact isolation (COVID-19)"},
	{"copdx", "195951007", "Acute exacerbation of chronic obstructive airways disease", acute, 45, effects{hypox: 1, tachy: .5, infl: .4}, []string{"salbutamol", "ipratropium", "methylpred"}, ""},
	{"asthmax", "708038006", "Acute exacerbation of asthma", acute, 18, effects{hypox: .7, tachy: .6}, []string{"salbutamol", "methylpred"}, ""},
	{"hf", "84114007", "Heart failure", acute, 45, effects{hypox: .5, tachy: .4, lowNa: .4, renal: .3}, []string{"furosemide", "bisoprolol", "ramipril|spironolactone"}, ""},
	{"af", "49436004", "Atrial fibrillation", acute, 40, effects{tachy: 1}, []string{"apixaban|enoxaparin", "bisoprolol|digoxin"}, ""},
	{"nstemi", "401314000", "Acute non-ST segment elevation myocardial infarction", acute, 40, effects{pain: .5, tachy: .3}, []string{"aspirin", "clopidogrel", "atorvastatin", "enoxaparin", "bisoprolol"}, ""},
	{"pe", "59282003", "Pulmonary embolism", acute, 18, effects{hypox: .8, tachy: .8, pain: .4}, []string{"apixaban|enoxaparin"}, ""},
	{"syncope", "271594007", "Syncope", acute, 18, effects{hypot: .4}, nil, ""},
	{"stroke", "230690007", "Cerebrovascular accident", acute, 40, effects{}, []string{"aspirin", "atorvastatin"}, ""},
	{"tia", "266257000", "Transient ischemic attack", acute, 40, effects{}, []string{"clopidogrel", "atorvastatin"}, ""},
	{"seizure", "91175000", "Seizure", acute, 18, effects{}, []string{"levetiracetam"}, ""},
	{"hipfx", "5913000", "Fracture of neck of femur", acute, 60, effects{pain: 1, tachy: .2, anaem: .5}, []string{"paracetamol", "morphine|tramadol", "enoxaparin"}, ""},
	{"fall", "217082002", "Accidental fall", acute, 65, effects{pain: .5}, []string{"paracetamol"}, ""},
	{"anklefx", "16114001", "Fracture of ankle", acute, 18, effects{pain: .8}, []string{"paracetamol", "tramadol", "enoxaparin"}, ""},
	{"kneeoa", "239873007", "Osteoarthritis of knee", acute, 55, effects{pain: .7}, []string{"paracetamol", "tramadol", "enoxaparin"}, ""},
	{"delirium", "2776000", "Delirium", acute, 70, effects{tachy: .2}, []string{"haloperidol"}, ""},
	{"dehydration", "34095006", "Dehydration", acute, 18, effects{tachy: .5, hypot: .4, renal: .5}, []string{"saline"}, ""},
	{"hyponatraemia", "89627008", "Hyponatremia", acute, 40, effects{lowNa: 1}, nil, ""},
	{"hyperkalaemia", "14140009", "Hyperkalemia", acute, 40, effects{highK: 1, renal: .6}, []string{"insulin-aspart"}, ""},
	{"aki", "14669001", "Acute kidney injury", acute, 30, effects{renal: 1, highK: .4}, []string{"saline"}, ""},
	{"gibleed", "74474003", "Gastrointestinal hemorrhage", acute, 30, effects{anaem: 1, tachy: .6, hypot: .5}, []string{"pantoprazole-iv"}, ""},
	{"pancreatitis", "197456007", "Acute pancreatitis", acute, 25, effects{pain: 1, infl: .8, fever: .3, gluc: .3}, []string{"saline", "morphine", "paracetamol"}, ""},
	{"cholecystitis", "65275009", "Acute cholecystitis", acute, 25, effects{pain: .8, infl: .8, fever: .6}, []string{"amoxclav", "paracetamol", "morphine|tramadol"}, ""},
	{"appendicitis", "74400008", "Appendicitis", acute, 18, effects{pain: .8, infl: .7, fever: .5}, []string{"amoxclav", "paracetamol", "morphine"}, ""},
	{"hepenc", "13920009", "Hepatic encephalopathy", acute, 40, effects{lowNa: .4, lowPlt: .8, anaem: .3}, []string{"lactulose"}, ""},
	{"colitis", "64766004", "Ulcerative colitis", acute, 18, effects{pain: .5, infl: .6, anaem: .4}, []string{"methylpred"}, ""},
	{"fn", "409089005", "Febrile neutropenia", acute, 18, effects{fever: 1, tachy: .6, marrow: 1, anaem: .6}, []string{"piptazo", "paracetamol"}, "Protective isolation (neutropenia)"},

	{"delirium2", "2776000", "Delirium", secondary, 75, effects{tachy: .1}, []string{"haloperidol"}, ""},
	{"aki2", "14669001", "Acute kidney injury", secondary, 50, effects{renal: .6}, nil, ""},
	{"uti2", "68566005", "Urinary tract infectious disease", secondary, 60, effects{fever: .3, infl: .3}, nil, ""},
	{"hypokalaemia", "43339004", "Hypokalemia", secondary, 30, effects{lowK: 1}, []string{"kcl"}, ""},
	{"constipation", "14760008", "Constipation", secondary, 50, effects{}, []string{"macrogol"}, ""},
	{"pressureulcer", "399912005", "Pressure ulcer", secondary, 75, effects{pain: .2}, nil, ""},
	{"mrsa", "266096002", "Methicillin resistant Staphylococcus aureus carrier", secondary, 50, effects{}, nil, "Contact isolation (MRSA)"},
	{"cdiff", "186431008", "Clostridioides difficile infection", secondary, 50, effects{infl: .4, fever: .2}, []string{"vancomycin-oral"}, "Contact isolation (C. difficile)"},

	{"htn", "38341003", "Hypertensive disorder", chronic, 35, effects{}, []string{"amlodipine|ramipril"}, ""},
	{"t2dm", "44054006", "Diabetes mellitus type 2", chronic, 30, effects{gluc: 1}, []string{"metformin", "insulin-glargine"}, ""},
	{"caf", "49436004", "Atrial fibrillation", chronic, 55, effects{tachy: .2}, []string{"apixaban", "bisoprolol"}, ""},
	{"chf", "48447003", "Chronic heart failure", chronic, 55, effects{lowNa: .2}, []string{"furosemide-oral", "bisoprolol"}, ""},
	{"copd", "13645005", "Chronic obstructive lung disease", chronic, 45, effects{hypox: .4}, []string{"salbutamol-prn"}, ""},
	{"ckd", "709044004", "Chronic kidney disease", chronic, 50, effects{renal: .8, anaem: .3, highK: .2}, nil, ""},
	{"dementia", "52448006", "Dementia", chronic, 70, effects{}, nil, ""},
	{"oa", "396275006", "Osteoarthritis", chronic, 50, effects{pain: .3}, []string{"paracetamol"}, ""},
	{"hypothyroid", "40930008", "Hypothyroidism", chronic, 30, effects{}, []string{"levothyroxine"}, ""},
	{"depression", "35489007", "Depressive disorder", chronic, 18, effects{}, []string{"sertraline"}, ""},
	{"obesity", "414916001", "Obesity", chronic, 18, effects{}, nil, ""},
	{"parkinson", "49049000", "Parkinson's disease", chronic, 60, effects{}, []string{"levodopa"}, ""},
	{"anaemia", "271737000", "Anemia", chronic, 18, effects{anaem: .6}, nil, ""},
	{"lungca", "363358000", "Malignant tumor of lung", chronic, 50, effects{hypox: .3, lowNa: .2}, nil, ""},
	{"colonca", "363406005", "Malignant tumor of colon", chronic, 45, effects{anaem: .4}, nil, ""},
}

// condIndex finds a condition by key; it panics on a table typo, which the
// tests catch.
func condIndex(key string) int {
	for i := range conditions {
		if conditions[i].key == key {
			return i
		}
	}
	panic("synthetic: unknown condition " + key)
}

// reactionDef is an allergic or intolerance reaction.
type reactionDef struct {
	key, code, display string
	severities         []string
	high               bool // makes the allergy high criticality
}

var reactions = []reactionDef{
	{"urticaria", "126485001", "Urticaria", []string{"mild", "moderate"}, false},
	{"anaphylaxis", "39579001", "Anaphylaxis", []string{"severe"}, true},
	{"rash", "271807003", "Eruption of skin", []string{"mild", "mild", "moderate"}, false},
	{"nausea", "422587007", "Nausea", []string{"mild", "moderate"}, false},
	{"vomiting", "422400008", "Vomiting", []string{"mild", "moderate"}, false},
	{"angioedema", "41291007", "Angioedema", []string{"moderate", "severe"}, true},
	{"bronchospasm", "4386001", "Bronchospasm", []string{"moderate", "severe"}, true},
	{"pruritus", "418290006", "Itching", []string{"mild"}, false},
	{"diarrhoea", "62315008", "Diarrhea", []string{"mild"}, false},
}

func reactionByKey(key string) reactionDef {
	for _, r := range reactions {
		if r.key == key {
			return r
		}
	}
	panic("synthetic: unknown reaction " + key)
}

// allergyDef is an allergen. class names the medication class it rules
// out, so that nobody is prescribed what they are allergic to. An empty
// code makes a text-only allergy, as sources often have.
type allergyDef struct {
	code, display, text string
	category, typ       string
	weight              int
	class               string
	reactions           []string
}

var allergens = []allergyDef{
	{"764146007", "Penicillin", "Penicillin", "medication", "allergy", 30, "penicillin", []string{"rash", "urticaria", "urticaria", "anaphylaxis", "angioedema"}},
	{"372687004", "Amoxicillin", "Amoxicillin", "medication", "allergy", 10, "penicillin", []string{"rash", "rash", "urticaria", "anaphylaxis"}},
	{"387494007", "Codeine", "Codeine", "medication", "intolerance", 8, "codeine", []string{"nausea", "vomiting", "pruritus"}},
	{"373529000", "Morphine", "Morphine", "medication", "intolerance", 5, "morphine", []string{"nausea", "pruritus", "vomiting"}},
	{"387406002", "Sulfonamide", "Sulfonamides", "medication", "allergy", 7, "sulfa", []string{"rash", "urticaria"}},
	{"111088007", "Latex", "Latex", "environment", "allergy", 5, "", []string{"urticaria", "rash", "anaphylaxis", "bronchospasm"}},
	{"762952008", "Peanut", "Peanut", "food", "allergy", 5, "", []string{"urticaria", "anaphylaxis", "angioedema"}},
	{"735029006", "Shellfish", "Shellfish", "food", "allergy", 4, "", []string{"urticaria", "angioedema", "anaphylaxis", "vomiting"}},
	{"385420005", "Contrast media", "Iodinated contrast media", "medication", "allergy", 6, "", []string{"urticaria", "rash", "bronchospasm", "anaphylaxis"}},
	{"387207008", "Ibuprofen", "Ibuprofen", "medication", "allergy", 5, "nsaid", []string{"urticaria", "angioedema", "bronchospasm", "rash"}},
	{"16403005", "Non-steroidal anti-inflammatory agent", "NSAIDs", "medication", "allergy", 5, "nsaid", []string{"bronchospasm", "angioedema", "urticaria"}},
	{"387458008", "Aspirin", "Aspirin", "medication", "allergy", 4, "nsaid", []string{"bronchospasm", "urticaria", "angioedema"}},
	{"102263004", "Eggs (edible)", "Egg", "food", "allergy", 3, "", []string{"urticaria", "vomiting", "rash"}},
	{"288328004", "Bee venom", "Bee venom", "environment", "allergy", 3, "", []string{"anaphylaxis", "urticaria", "angioedema"}},
	{"372840008", "Ciprofloxacin", "Ciprofloxacin", "medication", "allergy", 3, "quinolone", []string{"rash", "urticaria", "nausea"}},
	{"", "", "Adhesive plaster", "environment", "allergy", 3, "", []string{"rash", "pruritus"}},
	{"", "", "Clarithromycin", "medication", "intolerance", 2, "macrolide", []string{"nausea", "diarrhoea"}},
}
