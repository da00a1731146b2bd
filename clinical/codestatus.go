package clinical

import (
	"regexp"
	"strings"
)

// Code status as the hospital states it: full code, not for resuscitation,
// or one of the Belgian DNR codes, which grade what is still done:
//
//	DNR 0  no restriction: every treatment, resuscitation included
//	DNR 1  no resuscitation; every other treatment goes on
//	DNR 2  no resuscitation, no new therapies, no ICU admission
//	DNR 3  comfort care only: treatment reduced to comfort
//
// A source writes the code in the Flag's code (a coding's code or
// display, or its text): "DNR 2", "DNR-code 2", "DNR code 2", "code DNR
// 2", "DNR2" are read (docs/fhir-conventions.md). DNR 0 is not an order
// not to resuscitate.
const (
	ResusNotRecorded = ""          // no active code status
	ResusFullCode    = "full-code" // for resuscitation
	ResusDNR         = "dnr"       // not for resuscitation, without a Belgian code
	ResusDNR0        = "dnr-0"
	ResusDNR1        = "dnr-1"
	ResusDNR2        = "dnr-2"
	ResusDNR3        = "dnr-3"
	ResusOther       = "other" // recorded, but in words not read here
)

// ResusLevels are the levels in order, for forms and lists.
var ResusLevels = []string{ResusFullCode, ResusDNR0, ResusDNR1, ResusDNR2, ResusDNR3, ResusDNR}

var (
	belgianDNR       = regexp.MustCompile(`(?i)\bdnr[\s\-–:]*(?:code[\s\-–:]*)?([0-3])\b`)
	belgianCodeDNR   = regexp.MustCompile(`(?i)\bcode[\s\-–:]*dnr[\s\-–:]*([0-3])\b`)
	fullCodeWords    = []string{"full code", "for resuscitation", "for attempted cpr", "for cpr"}
	forResuscitation = "304252001"
)

// BelgianDNRCode is the Belgian DNR code (0 to 3) written in s; ok is
// false when there is none.
func BelgianDNRCode(s string) (code int, ok bool) {
	for _, re := range []*regexp.Regexp{belgianDNR, belgianCodeDNR} {
		if m := re.FindStringSubmatch(s); m != nil {
			return int(m[1][0] - '0'), true
		}
	}
	return 0, false
}

// Resuscitation is the level of a code-status alert.
func (a Alert) Resuscitation() string {
	if a.Kind != AlertCodeStatus || (a.Status != "" && a.Status != "active") {
		return ResusNotRecorded
	}
	return ResuscitationOf(a.Code, a.Text)
}

// ResuscitationOf reads a code status from its code and its text, by the
// one rule every screen, list and print uses: a Belgian DNR code (in the
// code or the text) first; then the coded value (a not-for-resuscitation
// code is DNR, 304252001 is full code); then the words of the text, only
// when the code says nothing. A full-code order whose text reads "DNR
// discussed, declined" is full code.
func ResuscitationOf(code, text string) string {
	if level, ok := belgianLevel(code, text); ok {
		return level
	}
	switch {
	case notForResuscitation[code]:
		return ResusDNR
	case code == forResuscitation:
		return ResusFullCode
	case strings.TrimSpace(code+text) == "":
		return ResusNotRecorded
	}
	return wordsLevel(text)
}

// belgianLevel is the level of the first Belgian DNR code in ss.
func belgianLevel(ss ...string) (string, bool) {
	for _, s := range ss {
		if n, ok := BelgianDNRCode(s); ok {
			return []string{ResusDNR0, ResusDNR1, ResusDNR2, ResusDNR3}[n], true
		}
	}
	return "", false
}

// wordsLevel reads a code status from its words alone: an order not to
// resuscitate, then full code, else words not read here.
func wordsLevel(text string) string {
	if hasDNRWords(text) {
		return ResusDNR
	}
	lower := strings.ToLower(text)
	for _, w := range fullCodeWords {
		if strings.Contains(lower, w) {
			return ResusFullCode
		}
	}
	return ResusOther
}

// NotResuscitated says whether the level is an order not to resuscitate.
func NotResuscitated(level string) bool {
	switch level {
	case ResusDNR, ResusDNR1, ResusDNR2, ResusDNR3:
		return true
	}
	return false
}

func hasDNRWords(text string) bool {
	text = strings.ToLower(text)
	for _, w := range dnrWords {
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// Resuscitation is the level of the patient's current code status.
func (c *Chart) Resuscitation() string {
	if a := c.codeStatus(); a != nil {
		return a.Resuscitation()
	}
	return ResusNotRecorded
}

// Resuscitation is the level of a census row's code status: the level
// sealed with the row (ResuscitationOf of the chart's code and text, the
// chart banner's reading). A row of an older snapshot keeps only the
// text and the DNR flag, that rule's answer then, code included: so a
// Belgian DNR code in the text first, then the flag; a row not flagged
// whose words say DNR had a code saying full code ("DNR discussed,
// declined").
func (r CensusRow) Resuscitation() string {
	if r.Resus != "" {
		return r.Resus
	}
	if level, ok := belgianLevel(r.CodeStatus); ok {
		return level
	}
	switch {
	case r.DNR:
		return ResusDNR
	case strings.TrimSpace(r.CodeStatus) == "":
		return ResusNotRecorded
	}
	if level := wordsLevel(r.CodeStatus); level != ResusDNR {
		return level
	}
	return ResusFullCode
}

// CodeStatusAlert is the chart alert of the newest code status recorded
// during downtime among entries (superseded ones left out); ok is false
// when there is none.
func CodeStatusAlert[J any, P Journaled[J]](entries []J) (a Alert, ok bool) {
	var newest *Entry
	for i := range entries {
		e := P(&entries[i]).Documented()
		if e.CodeStatus == nil || e.Kind != KindCodeStatus || P(&entries[i]).Superseded() {
			continue
		}
		if newest == nil || e.ClinicalTime.After(newest.ClinicalTime) {
			newest = e
		}
	}
	if newest == nil {
		return Alert{}, false
	}
	text := strings.TrimSpace(newest.CodeStatus.Text)
	if text == "" {
		text = ResusWords[newest.CodeStatus.Level]
	}
	code := ""
	switch newest.CodeStatus.Level {
	case ResusFullCode:
		code = forResuscitation
	case ResusDNR:
		code = "304253006"
	case ResusDNR0, ResusDNR1, ResusDNR2, ResusDNR3:
		if _, ok := BelgianDNRCode(text); !ok {
			text = "DNR " + newest.CodeStatus.Level[4:] + " – " + text
		}
	}
	return Alert{Kind: AlertCodeStatus, Text: text, Code: code, Status: "active", Start: newest.ClinicalTime,
		Source: Source{Type: "downtime", ID: newest.ID}}, true
}

// ResusWords are the levels in English words, as the journal and the
// EHR get them when no text was written.
var ResusWords = map[string]string{
	ResusFullCode: "Full code (for resuscitation)",
	ResusDNR:      "DNR – not for resuscitation",
	ResusDNR0:     "DNR 0 – no restriction",
	ResusDNR1:     "DNR 1 – no resuscitation",
	ResusDNR2:     "DNR 2 – no resuscitation, no new therapies, no ICU",
	ResusDNR3:     "DNR 3 – comfort care only",
}
