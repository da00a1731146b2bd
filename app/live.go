package app

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"lifeboat/app/present"
	"lifeboat/store"
	"lifeboat/sync/live"
	"lifeboat/sync/rest"
)

// fhirFlags are how a command reaches a FHIR server: timeout, trust and
// authorisation, shared by snapshot and reconcile.
type fhirFlags struct {
	timeout                                       *time.Duration
	caFile, bearerFile                            *string
	smartClient, smartKey, tokenURL, scope, keyID *string
}

func addFHIRFlags(f *flags, scope string) *fhirFlags {
	return &fhirFlags{
		timeout:     f.Duration("timeout", rest.DefaultTimeout, "per-request timeout"),
		caFile:      f.String("ca-file", "", "extra PEM CA certificates to trust"),
		bearerFile:  f.String("bearer-file", "", "file holding a static bearer token (or LIFEBOAT_FHIR_BEARER)"),
		smartClient: f.String("smart-client-id", "", "SMART Backend Services client id"),
		smartKey:    f.String("smart-key", "", "PEM private key for the client assertion (RS384 or ES384)"),
		tokenURL:    f.String("token-url", "", "SMART token endpoint"),
		scope:       f.String("scope", scope, "SMART scopes asked for"),
		keyID:       f.String("smart-kid", "", "kid of the SMART key"),
	}
}

// client makes the FHIR client the flags describe.
func (c *cli) client(base string, ff *fhirFlags) (*rest.Client, error) {
	auth, err := c.auth(ff)
	if err != nil {
		return nil, err
	}
	client, err := rest.New(base, rest.Options{Auth: auth, CAFile: *ff.caFile, Timeout: *ff.timeout})
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return client, nil
}

// liveFlags are snapshot's flags for pulling from a FHIR server.
type liveFlags struct {
	*fhirFlags
	every, fullEvery, margin *time.Duration
	group                    *string
	acceptDrop               *bool
}

func addLiveFlags(f *flags) *liveFlags {
	return &liveFlags{
		fhirFlags:  addFHIRFlags(f, "system/*.rs"),
		every:      f.Duration("every", 0, "keep refreshing at this interval until stopped"),
		fullEvery:  f.Duration("full-every", live.DefaultFullEvery, "a full pull at least this often"),
		margin:     f.Duration("margin", live.DefaultMargin, "safety margin for _lastUpdated"),
		group:      f.String("group", "", "FHIR Group id whose members are the census"),
		acceptDrop: f.Bool("accept-drop", false, "accept a census that shrank by half or more"),
	}
}

// maxSecretFile bounds a token or key file, read whole.
const maxSecretFile = 64 << 10

// auth builds the authorisation from files and the environment, never
// from a secret on the command line.
func (c *cli) auth(lf *fhirFlags) (rest.Auth, error) {
	bearer := strings.TrimSpace(c.getenv("LIFEBOAT_FHIR_BEARER"))
	if *lf.bearerFile != "" {
		b, err := store.ReadRegular(*lf.bearerFile, "The bearer token file", maxSecretFile)
		if errors.Is(err, store.ErrNotRegular) || errors.Is(err, store.ErrTooLarge) {
			return nil, err
		}
		if err != nil {
			return nil, usagef("the bearer token file could not be read")
		}
		bearer = strings.TrimSpace(string(b))
		if bearer == "" {
			return nil, usagef("the bearer token file is empty")
		}
	}
	if *lf.smartClient == "" {
		if *lf.smartKey != "" || *lf.tokenURL != "" {
			return nil, usagef("SMART Backend Services needs --smart-client-id, --smart-key and --token-url")
		}
		if bearer != "" {
			return rest.Bearer(bearer), nil
		}
		return nil, nil
	}
	if bearer != "" {
		return nil, usagef("choose a bearer token or SMART Backend Services, not both")
	}
	if *lf.smartKey == "" || *lf.tokenURL == "" {
		return nil, usagef("SMART Backend Services needs --smart-client-id, --smart-key and --token-url")
	}
	pem, err := store.ReadRegular(*lf.smartKey, "The SMART private key file", maxSecretFile)
	if errors.Is(err, store.ErrNotRegular) || errors.Is(err, store.ErrTooLarge) {
		return nil, err
	}
	if err != nil {
		return nil, usagef("the SMART private key file could not be read")
	}
	key, err := rest.ParseSigningKey(pem)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return &rest.SMART{TokenURL: *lf.tokenURL, ClientID: *lf.smartClient, Scope: *lf.scope, KeyID: *lf.keyID, Key: key}, nil
}

// liveSnapshot pulls from a FHIR server once, or every --every until
// SIGINT or SIGTERM, sealing full and delta generations.
func (c *cli) liveSnapshot(dir, base string, census live.Census, lf *liveFlags) error {
	if *lf.every != 0 && *lf.every < 5*time.Second {
		return usagef("--every must be at least 5s")
	}
	client, err := c.client(base, lf.fhirFlags)
	if err != nil {
		return err
	}
	keys, err := c.unlock(dir)
	if err != nil {
		return err
	}
	p := &live.Puller{Client: client, Census: census, Dir: dir, Keys: keys, Margin: *lf.margin,
		FullEvery: *lf.fullEvery, AcceptDrop: *lf.acceptDrop, Now: c.now}
	defer p.Close()
	ctx, stop := c.interruptible()
	defer stop()
	return live.Run(ctx, p, *lf.every, func(res *live.Result, err error) {
		if err != nil {
			if *lf.every != 0 {
				c.fail("snapshot", fmt.Errorf("the refresh of %s failed and the last good snapshot stays: %s", present.DateTime(c.now()), strings.TrimSuffix(strings.TrimSpace(err.Error()), ".")))
			}
			return
		}
		m := res.Manifest
		what := "full pull"
		if !res.Full {
			what = fmt.Sprintf("refresh: %d changed, %d entered, %d left", res.Changed, res.Entered, res.Left)
		}
		fmt.Fprintf(c.stdout, "Sealed generation %d (%s): %d patients, data as of %s, %s written.\n",
			m.Generation, what, res.Patients, present.DateTime(m.AsOf), bytesText(m.CipherSize))
	})
}

// bytesText is "1.2 MB", "340 kB".
func bytesText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
