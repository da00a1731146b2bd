package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"lifeboat/store"
	"lifeboat/sync/hub"
)

// errKeptApart is a journal the hub keeps apart: its kiosk is not one
// the hub enrolled (exit 8, as entries that wait for a person).
type errKeptApart struct{}

func (errKeptApart) Error() string {
	return "the hub did not enrol this kiosk, or revoked it: its journal is kept apart for a person and is not reconciled as it is"
}

// handinCmd hands a kiosk's journal and audit trail in to IT's hub, as
// they are: to the hub's listener (with the ward passphrase, which signs
// the hand-in), or, for a kiosk that never comes back, from a copy of its
// folder straight into the hub's folder at the hub (no passphrase).
func (c *cli) handinCmd(args []string) error {
	f := c.vaultFlags("handin")
	to := f.String("to", "", "the hub's address (http(s)://…), or the hub's data folder, at the hub")
	timeout := f.Duration("timeout", 2*time.Minute, "how long to wait for each answer of the hub")
	dir, err := f.parseVault(args)
	if err != nil {
		return err
	}
	if *to == "" {
		return usagef("--to is required: the hub's address, or its data folder")
	}
	ctx := context.Background()
	var sum *hub.HandInSummary
	if remoteURL(*to) {
		keys, err := c.unlock(dir)
		if err != nil {
			return err
		}
		pin, err := keys.Hub(dir)
		if errors.Is(err, store.ErrNotEnrolled) {
			return usagef("this kiosk is not enrolled with a hub: hand its folder in at the hub, with --to and the hub's data folder")
		}
		if err != nil {
			return err
		}
		sum, err = hub.HandInTo(ctx, dir, keys, pin, c.httpClient(*timeout), *to, 0)
		if err != nil {
			return err
		}
	} else {
		if sum, err = hub.HandInToFolder(ctx, dir, *to, c.now()); err != nil {
			if errors.Is(err, hub.ErrNotHubFolder) || errors.Is(err, store.ErrNothingToHandIn) {
				return badInput{err}
			}
			return err
		}
	}
	return handInSaid(c.stdout, sum)
}

// handInSaid says what a hand-in did, and returns what a person must
// look at: a journal kept apart (exit 8), entries refused (exit 10).
func handInSaid(w io.Writer, s *hub.HandInSummary) error {
	fmt.Fprintf(w, "Handed in to hub %s: %s new, %d held already, %d kept apart; %s new.\n", s.Hub,
		count(s.Stored, "entry", "entries"), s.Had, s.Apart, count(s.Lines, "audit record", "audit records"))
	fmt.Fprintf(w, "The hub holds %s of this kiosk's journal.\n", count(int(s.Held), "entry", "entries"))
	for _, p := range s.Problems {
		fmt.Fprintln(w, "  "+p)
	}
	switch {
	case s.KeptApart:
		return errKeptApart{}
	case s.Apart > 0:
		return fmt.Errorf("%w: %s refused by the hub and kept apart for a person", store.ErrJournalUnverified, count(s.Apart, "entry", "entries"))
	}
	return nil
}

func remoteURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// httpClient is the client of the commands that talk to the hub.
func (c *cli) httpClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout}
}
