package present

import "strings"

// The code printed (as a QR code) on every page of a downtime pack, so that
// back-entry can scan a paper sheet and land on the right patient:
//
//	LB1-<first 16 hex digits of the snapshot's SHA-256>-<patient id>
//
// Only letters, digits and '-' (a FHIR id is [A-Za-z0-9.-]), so a wristband
// scanner that types as a keyboard sends it intact under any keyboard layout
// that keeps letters and digits where they are. The hash is fixed length, so
// an id that itself holds '-' still parses.
const packPrefix = "LB1-"

const packHashLen = 16

// maxPackID is the longest FHIR id.
const maxPackID = 64

// PackCode is the code for a patient's pages printed from the snapshot whose
// ciphertext has the given SHA-256 (hex).
func PackCode(patientID, snapshotSHA256 string) string {
	h := snapshotSHA256
	if len(h) > packHashLen {
		h = h[:packHashLen]
	}
	for len(h) < packHashLen {
		h += "0"
	}
	return packPrefix + strings.ToLower(h) + "-" + patientID
}

// ParsePackCode reads a scanned pack code back. ok is false for anything
// else, such as a wristband's MRN, which the census searches as typed.
func ParsePackCode(s string) (patientID, hashPrefix string, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) < len(packPrefix) || !strings.EqualFold(s[:len(packPrefix)], packPrefix) {
		return "", "", false
	}
	rest := s[len(packPrefix):]
	if len(rest) < packHashLen+2 || rest[packHashLen] != '-' {
		return "", "", false
	}
	hash := strings.ToLower(rest[:packHashLen])
	for _, c := range hash {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return "", "", false
		}
	}
	id := rest[packHashLen+1:]
	if len(id) > maxPackID {
		return "", "", false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", "", false
		}
	}
	return id, hash, true
}
