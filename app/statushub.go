package app

import (
	"fmt"
	"io"
	"time"

	"lifeboat/app/present"
	"lifeboat/store"
)

// hubReport is what status says of the hub a kiosk is fed by: which hub
// (its id and the fingerprint of the key pinned at enrolment), the ward,
// the index last accepted and the EHR's state it announced.
type hubReport struct {
	HubID          string    `json:"hubId,omitempty"`
	KeyFingerprint string    `json:"keyFingerprint,omitempty"` // as hub init printed it
	Ward           string    `json:"ward,omitempty"`
	Enrolled       time.Time `json:"enrolled,omitzero"`
	// PinProblem says why hub.pin cannot be trusted (then the hub's
	// generations are refused too).
	PinProblem string `json:"pinProblem,omitempty"`
	// IndexSequence is the newest index accepted, from hub.seen (signed
	// by this kiosk): the rollback check refuses any index below it.
	IndexSequence        uint64 `json:"indexSequence"`
	IndexSequenceProblem string `json:"indexSequenceProblem,omitempty"`
	// LastIndex is the index last taken as sync.json keeps it (not
	// signed): its sequence, when the hub published it by its clock, and
	// when this kiosk took it.
	LastIndex *lastIndexReport `json:"lastIndex,omitempty"`
	// EHR is the EHR's state the last index read announced (sync.json).
	EHR *store.HubEHR `json:"ehr,omitempty"`
	// HandIn is how far the journal was handed in to the hub (sync.json).
	HandIn *handInReport `json:"handIn,omitempty"`
}

type handInReport struct {
	HandedIn int64     `json:"handedIn"`
	Waiting  int64     `json:"waiting"`
	At       time.Time `json:"at"`
}

type lastIndexReport struct {
	Sequence  uint64    `json:"sequence"`
	Published time.Time `json:"published,omitzero"`
	Taken     time.Time `json:"taken,omitzero"`
}

// hubFacts reads the hub facts of the kiosk in dir for status: nil when
// it is not enrolled with a hub.
func hubFacts(dir string, cfg *store.Config, sync *store.SyncState) (*hubReport, error) {
	f, err := store.InspectHub(dir, cfg)
	if err != nil || f == nil {
		return nil, err
	}
	r := &hubReport{PinProblem: f.PinProblem, IndexSequence: f.Seen, IndexSequenceProblem: f.SeenProblem}
	if p := f.Pin; p != nil {
		r.HubID, r.KeyFingerprint, r.Ward, r.Enrolled = p.HubID, p.Fingerprint(), p.Ward, p.Enrolled
	}
	if sync != nil && sync.FromHub {
		if sync.HubIndexSequence > 0 {
			r.LastIndex = &lastIndexReport{Sequence: sync.HubIndexSequence, Published: sync.HubIndexTime, Taken: sync.HubIndexTaken}
		}
		r.EHR = sync.HubEHR
		if !sync.HandInAt.IsZero() {
			r.HandIn = &handInReport{HandedIn: sync.HandedIn, Waiting: sync.HandInWaiting, At: sync.HandInAt}
		}
	}
	return r, nil
}

// writeHubFacts says the hub facts in words.
func writeHubFacts(w io.Writer, r *hubReport) {
	if r.PinProblem != "" {
		fmt.Fprintf(w, "Hub: %s; its generations are refused.\n", sentenceText(r.PinProblem))
		return
	}
	fmt.Fprintf(w, "Hub %s (key %s), ward %s, enrolled %s.\n", r.HubID, r.KeyFingerprint, r.Ward, present.DateTime(r.Enrolled))
	switch {
	case r.IndexSequenceProblem != "":
		fmt.Fprintf(w, "Hub index: %s.\n", sentenceText(r.IndexSequenceProblem))
	case r.IndexSequence == 0:
		fmt.Fprintln(w, "Hub index: none accepted yet.")
	default:
		line := fmt.Sprintf("Hub index: %d accepted (hub.seen, signed: an older index is refused)", r.IndexSequence)
		if l := r.LastIndex; l != nil && l.Sequence == r.IndexSequence {
			line += fmt.Sprintf(", published %s by the hub's clock, taken %s", present.DateTime(l.Published), present.DateTime(l.Taken))
		} else if l != nil {
			line += fmt.Sprintf("; sync.json, which is not signed, names index %d", l.Sequence)
		}
		fmt.Fprintln(w, line+".")
	}
	if e := r.EHR; e != nil {
		last := "none yet"
		if !e.LastSuccess.IsZero() {
			last = present.DateTime(e.LastSuccess)
		}
		switch {
		case e.Failures > 0:
			fmt.Fprintf(w, "The hub says its pulls from the EHR have failed since %s (%d failed pulls; last success %s), ",
				present.DateTime(e.FailingSince), e.Failures, last)
			if e.Unreachable {
				fmt.Fprintln(w, "and announces the EHR unreachable.")
			} else {
				fmt.Fprintln(w, "not yet announced as the EHR down.")
			}
		case !e.LastSuccess.IsZero():
			fmt.Fprintf(w, "The hub says its pulls from the EHR work: last success %s.\n", last)
		default:
			fmt.Fprintln(w, "The hub says no pull from the EHR has succeeded yet.")
		}
	}
	if r.HandIn != nil {
		fmt.Fprintln(w, handInWords(r.HandIn))
	}
}

// handInWords says how far the journal went to IT, as the banner does.
func handInWords(h *handInReport) string {
	return fmt.Sprintf("Journal: %s handed in to IT, %d waiting (%s).", count(int(h.HandedIn), "entry", "entries"), h.Waiting, present.DateTime(h.At))
}

// sentenceText is an error's text without its final stop, to go inside
// a sentence.
func sentenceText(s string) string {
	for len(s) > 0 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}
