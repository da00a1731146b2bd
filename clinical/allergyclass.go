package clinical

// The drug classes that matter when a dose is checked against the
// patient's allergies at the bedside, and how a medication or an allergy
// is placed in them: by code first (ATC, and a few RxNorm and SNOMED CT
// codes), then by name. The table is curated by hand from public facts:
//
//   - the WHO ATC classification (the ATC groups of each class below, such
//     as J01C for the penicillins and M01A for the NSAIDs);
//   - the international nonproprietary names (INN) of the members, as
//     written in English, Dutch and French (amoxicillin, amoxicilline);
//   - common Belgian brand names of those members (Augmentin, Clamoxyl,
//     Brufen, Nurofen, Voltaren, Aspegic, Asaflow, Contramal, Zinnat,
//     Rocephin, Meronem, Zithromax, Ciproxine, Tavanic, Bactrim, Eusaprim,
//     Clexane, Fraxiparine…);
//   - the well-known cross-reactivity among beta-lactams: an allergy to a
//     penicillin warns on cephalosporins and carbapenems, as possibly
//     cross-reactive, and so on between the three.
//
// docs/allergy-classes.md lists the classes, their sources and their
// limits. The table is deliberately small and conservative: it is a
// safety net for a downtime kiosk, not a drug knowledge base, and what it
// does not know it does not claim (paracetamol, Dafalgan, is in no class).

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// drugClass is one class of the table.
type drugClass struct {
	id     string // "penicillin"
	member string // how one member is described: "a penicillin"
	plural string // the class: "penicillins"
	// atc are ATC code prefixes of the class's members: a group when all
	// of it is in the class, else the members' own 7-character codes (the
	// group M01AX holds nabumetone but also glucosamine).
	atc []string
	// atcGroups are ATC groups that, given as a code themselves (an
	// allergy coded "M01A"), name the class, though some of their members
	// are not in it.
	atcGroups []string
	// words are tokens that name the class itself ("nsaid", "sulfa"):
	// a whole token, folded to lower-case ASCII.
	words []string
	// stems are prefixes of a token that name a member or the class
	// ("amoxicil" for amoxicillin, amoxicilline; "augmentin"); suffixes
	// likewise end one ("floxacin", "penem").
	stems    []string
	suffixes []string
	// cross are the classes that can cross-react with this one: an allergy
	// to this class warns, at a lower level, on their members.
	cross []string
}

// drugClasses is the table.
var drugClasses = []drugClass{
	{id: "penicillin", member: tr("a penicillin"), plural: tr("penicillins"),
		atc: []string{"J01C"},
		stems: []string{"penicil", "amoxicil", "amoxicl", "coamoxicl", "ampicil", "flucloxacil", "cloxacil",
			"oxacillin", "piperacil", "temocil", "benzylpenicil", "phenoxymethylpenicil", "mecillinam", "pivmecillinam",
			"augmentin", "clamoxyl", "tazocin", "tazocil", "floxapen", "staphycid", "penadur", "selexid", "negaban"},
		cross: []string{"cephalosporin", "carbapenem"}},
	{id: "cephalosporin", member: tr("a cephalosporin"), plural: tr("cephalosporins"),
		atc: []string{"J01DB", "J01DC", "J01DD", "J01DE", "J01DI"},
		// Brands in "kef" are whole stems: "kef" alone is kefir, a food.
		stems: []string{"cef", "ceph", "keflex", "keforal", "kefzol", "zinnat", "zinacef", "rocephin", "fortum", "glazidim", "maxipime", "zinforo"},
		cross: []string{"penicillin", "carbapenem"}},
	{id: "carbapenem", member: tr("a carbapenem"), plural: tr("carbapenems"),
		atc:      []string{"J01DH"},
		stems:    []string{"carbapenem", "meronem", "tienam", "invanz"},
		suffixes: []string{"penem"},
		cross:    []string{"penicillin", "cephalosporin"}},
	{id: "sulfonamide", member: tr("a sulfonamide antibiotic"), plural: tr("sulfonamide antibiotics"),
		// J01EA (trimethoprim alone) is not a sulfonamide.
		atc:   []string{"J01EB", "J01EC", "J01ED", "J01EE"},
		words: []string{"sulfa", "sulpha"},
		stems: []string{"sulfonamid", "sulphonamid", "sulfamid", "sulfamethox", "sulphamethox", "sulfadiazin",
			"cotrimoxazol", "bactrim", "eusaprim"}},
	{id: "nsaid", member: tr("an NSAID"), plural: tr("NSAIDs"),
		// Aspirin is an NSAID also as an antiplatelet (B01AC06, Asaflow).
		// M01AX, "other" non-steroids, holds glucosamine, chondroitin and
		// diacerein too: only its NSAIDs are listed (nabumetone, niflumic
		// acid, azapropazone, nimesulide).
		atc: []string{"M01AA", "M01AB", "M01AC", "M01AE", "M01AG", "M01AH",
			"M01AX01", "M01AX02", "M01AX04", "M01AX17", "N02BA", "B01AC06"},
		atcGroups: []string{"M01A"},
		words:     []string{"nsaid", "nsaids", "ains", "ainss", "nsar"},
		stems: []string{"ibuprof", "naprox", "diclofen", "ketoprof", "dexketoprof", "ketorolac", "indometac",
			"indomethac", "celecox", "etoricox", "parecox", "piroxicam", "meloxicam", "tenoxicam", "mefenam",
			"nimesul", "nabumeton", "aceclofen", "flurbiprof", "acetylsalicyl", "aspirin", "aspro", "aspegic",
			"asaflow", "cardioaspirin", "sedergine", "brufen", "nurofen", "advil", "motrin", "voltaren", "cataflam",
			"apranax", "aleve", "feldene", "mobic", "celebrex", "arcoxia", "taradyl", "dynastat",
			"spidifen", "ponstan", "biofenac", "antiinflammatoire",
			"ontstekingsremmer"}},
	{id: "opioid", member: tr("an opioid"), plural: tr("opioids"),
		// N07BC (opioid dependence) holds lofexidine, no opioid; R05DA
		// (cough suppressants from opium) holds noscapine, dextromethorphan
		// and dimemorfan, none an opioid in the allergy sense: only the
		// opioids of both are listed.
		atc: []string{"N02A",
			"N07BC01", "N07BC02", "N07BC03", "N07BC05", "N07BC06", "N07BC51", // buprenorphine, methadone, levacetylmethadol, levomethadone, diamorphine, buprenorphine combinations
			"R05DA01", "R05DA03", "R05DA04", "R05DA05", "R05DA06", "R05DA08", "R05DA10", "R05DA12"}, // ethylmorphine, hydrocodone, codeine, opium alkaloids with morphine, normethadone, pholcodine, thebacon, acetyldihydrocodeine
		stems: []string{"opioid", "opiat", "opiac", "opiaat", "morphin", "morfin", "codein", "tramadol",
			"contramal", "tradonal", "oxycod", "oxycontin", "oxynorm", "fentanyl", "durogesic", "hydromorph",
			"palladone", "piritramid", "dipidolor", "pethidin", "meperidin", "methadon", "metadon", "buprenorph",
			"temgesic", "transtec", "tapentadol", "palexia", "sufentanil", "remifentanil", "alfentanil", "tilidin",
			"valtran", "nalbuphin", "targinact", "mscontin"}},
	{id: "macrolide", member: tr("a macrolide"), plural: tr("macrolides"),
		atc: []string{"J01FA"},
		stems: []string{"macrolid", "azithromy", "clarithromy", "erythromy", "roxithromy", "zithromax", "biclar",
			"rulid", "erythrocin"}},
	{id: "fluoroquinolone", member: tr("a fluoroquinolone"), plural: tr("fluoroquinolones"),
		atc:      []string{"J01MA"},
		stems:    []string{"fluoroquinolon", "fluorochinolon", "quinolon", "chinolon", "ciproxin", "tavanic", "avelox"},
		suffixes: []string{"floxacin", "floxacine", "floxacino"}},
	{id: "contrast", member: tr("an iodinated contrast medium"), plural: tr("iodinated contrast media"),
		atc: []string{"V08A"},
		// An allergy to iodine (povidone-iodine, shellfish) is not read as
		// one to contrast media: that link is a myth (see the docs).
		words: []string{"contrast", "contraste", "contrastmedia", "iodinated"},
		stems: []string{"contrastmiddel", "contrastvloeistof", "contraststof", "produitdecontraste", "iohexol",
			"iopamidol", "iodixanol", "iomeprol", "iopromid", "ioversol", "iobitridol", "omnipaque", "visipaque",
			"iomeron", "ultravist", "optiray", "xenetix", "iopamiro"}},
	{id: "latex", member: tr("latex"), plural: tr("latex"),
		words: []string{"latex"}},
	{id: "heparin", member: tr("a heparin"), plural: tr("heparins"),
		atc: []string{"B01AB"},
		stems: []string{"heparin", "enoxaparin", "nadroparin", "dalteparin", "tinzaparin", "clexane",
			"fraxiparin", "fraxodi", "fragmin", "innohep", "lovenox"}},
}

// classByID is the table by id.
var classByID = func() map[string]*drugClass {
	m := map[string]*drugClass{}
	for i := range drugClasses {
		m[drugClasses[i].id] = &drugClasses[i]
	}
	return m
}()

// rxnormClass and snomedClass place the few RxNorm ingredient codes and
// SNOMED CT substance (and "allergy to") codes this program knows in a
// class. A code not listed here falls back to the name.
var rxnormClass = map[string]string{
	"7980": "penicillin", "7984": "penicillin", "723": "penicillin", // penicillin G, penicillin V, amoxicillin
	"5640": "nsaid", "1191": "nsaid", "7258": "nsaid", "3355": "nsaid", // ibuprofen, aspirin, naproxen, diclofenac
	"7052": "opioid", "2670": "opioid", "10689": "opioid", // morphine, codeine, tramadol
	"2551": "fluoroquinolone", // ciprofloxacin
	"5224": "heparin",         // heparin
}

var snomedClass = map[string]string{
	"373270004": "penicillin", // Penicillin -class of antibiotic- (substance)
	"91936005":  "penicillin", // Allergy to penicillin (disorder)
	"372687004": "penicillin", // Amoxicillin (substance)
	"387207008": "nsaid",      // Ibuprofen (substance)
	"387458008": "nsaid",      // Aspirin (substance)
	"16403005":  "nsaid",      // Non-steroidal anti-inflammatory agent (substance)
	"111088007": "latex",      // Latex (substance)
	"300916003": "latex",      // Latex allergy (disorder)
}

// atcCode is how an ATC code looks: J01CA04, M01A, V08.
var atcCode = regexp.MustCompile(`^[A-V][0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?$`)

// classMatch is one class a medication or an allergy was placed in, and
// why: the token or code that placed it.
type classMatch struct {
	class *drugClass
	by    string // "amoxicillin", "ATC J01CR02"
}

// classesOfCodes places codes in classes. A code may be bare or
// "system|code"; a bare numeric code is looked up as RxNorm first for a
// medication (rxFirst) and as SNOMED CT first for an allergy.
func classesOfCodes(codes []string, rxFirst bool) []classMatch {
	var out []classMatch
	for _, c := range codes {
		system, code, found := strings.Cut(strings.TrimSpace(c), "|")
		if !found {
			system, code = "", system
		}
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		var id, by string
		switch {
		case strings.Contains(system, "atc") || (system == "" && atcCode.MatchString(strings.ToUpper(code))):
			up := strings.ToUpper(code)
			for i := range drugClasses {
				c := &drugClasses[i]
				if slices.ContainsFunc(c.atc, func(p string) bool { return strings.HasPrefix(up, p) }) || slices.Contains(c.atcGroups, up) {
					out = append(out, classMatch{c, "ATC " + up})
				}
			}
			continue
		case strings.Contains(system, "rxnorm"):
			id, by = rxnormClass[code], "RxNorm "+code
		case strings.Contains(system, "snomed"):
			id, by = snomedClass[code], "SNOMED CT "+code
		case system == "" && rxFirst:
			id, by = cmpOr(rxnormClass[code], snomedClass[code]), "code "+code
		case system == "":
			id, by = cmpOr(snomedClass[code], rxnormClass[code]), "code "+code
		}
		if id != "" {
			out = append(out, classMatch{classByID[id], by})
		}
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// classesOfName places a name (of a medication or of an allergy's
// substance) in classes by its words.
func classesOfName(name string) []classMatch {
	var out []classMatch
	toks := foldedWords(name)
	// "co-amoxiclav", "Dafalgan Codeine" are also read joined.
	for i, n := 0, len(toks); i+1 < n; i++ {
		toks = append(toks, toks[i]+toks[i+1])
	}
	seen := map[string]bool{}
	for _, t := range toks {
		for i := range drugClasses {
			c := &drugClasses[i]
			if seen[c.id] {
				continue
			}
			if slices.Contains(c.words, t) ||
				slices.ContainsFunc(c.stems, func(s string) bool { return strings.HasPrefix(t, s) }) ||
				slices.ContainsFunc(c.suffixes, func(s string) bool { return strings.HasSuffix(t, s) && len(t) > len(s) }) {
				seen[c.id] = true
				out = append(out, classMatch{c, t})
			}
		}
	}
	return out
}

// foldedWords are the words of s in lower-case ASCII letters and digits:
// "Ibuprofène" is "ibuprofene".
func foldedWords(s string) []string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	return words(folded)
}

// classMatches is every class of a medication, by its codes and then
// by its name, each class once.
func classMatches(name string, codes []string, rxFirst bool) []classMatch {
	out := classesOfCodes(codes, rxFirst)
	for _, m := range classesOfName(name) {
		if !slices.ContainsFunc(out, func(o classMatch) bool { return o.class == m.class }) {
			out = append(out, m)
		}
	}
	return out
}

// Levels of an allergy match.
const (
	matchSame  = 1 // the medication is the allergy's substance, or in its class
	matchCross = 2 // the medication is in a class that can cross-react
)

// allergyFact is an active allergy, from the snapshot or the journal, as
// the dose check needs it.
type allergyFact struct {
	Substance   string
	Code        string
	Codes       []string // every coding, "system|code", when the snapshot kept them
	Criticality string
	Reaction    string
}

// hardStop says whether a match against the allergy stops the dose until
// a second person witnesses it: a high criticality, or an anaphylaxis.
func (a allergyFact) hardStop() bool {
	return a.Criticality == "high" || a.anaphylaxis()
}

// anaphylaxis says whether the reaction was an anaphylaxis, in English,
// Dutch or French.
func (a allergyFact) anaphylaxis() bool {
	for _, w := range foldedWords(a.Reaction) {
		if strings.HasPrefix(w, "anaphyla") || strings.HasPrefix(w, "anafyla") {
			return true
		}
	}
	return false
}

// risk says why the allergy is a hard stop: "high criticality",
// "anaphylaxis" or both.
func (a allergyFact) risk() Message {
	high, ana := a.Criticality == "high", a.anaphylaxis()
	switch {
	case high && ana:
		return msg("high criticality, anaphylaxis")
	case high:
		return msg("high criticality")
	case ana:
		return msg("anaphylaxis")
	}
	return msg("")
}

// allergyClassMatch says whether a medication (its name and codes) matches
// an allergy, at which level, and why, in one phrase without the patient:
// "amoxicillin is a penicillin". Level 0 is no match.
func allergyClassMatch(a allergyFact, medName string, medCodes []string) (level int, why Message) {
	if allergyMatches(a.Substance, medName) {
		return matchSame, msg("the medication's name matches it")
	}
	if a.Code != "" && slices.ContainsFunc(medCodes, func(c string) bool {
		_, code, found := strings.Cut(c, "|")
		if !found {
			code = c
		}
		return code == a.Code
	}) {
		return matchSame, msg("the medication has the allergy's code %s", a.Code)
	}
	codes := a.Codes
	if a.Code != "" {
		codes = append([]string{a.Code}, codes...)
	}
	allergic := classMatches(a.Substance, codes, false)
	if len(allergic) == 0 {
		return 0, Message{}
	}
	med := classMatches(medName, medCodes, true)
	for _, m := range med {
		for _, al := range allergic {
			if m.class == al.class {
				return matchSame, msg("%s is %s", m.by, msg(m.class.member))
			}
		}
	}
	for _, m := range med {
		for _, al := range allergic {
			if slices.Contains(al.class.cross, m.class.id) {
				return matchCross, msg("%s is %s, which can cross-react with %s", m.by, msg(m.class.member), msg(al.class.plural))
			}
		}
	}
	return 0, Message{}
}
