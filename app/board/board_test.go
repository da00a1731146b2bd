package board

import (
	"crypto/ed25519"
	"crypto/rand"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/sync/fleet"
)

type registry []fleet.Enrolled

func (r registry) Enrolled() []fleet.Enrolled { return r }

var t0 = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

// demoBoard is a hub's board with two wards: kiosks ready, stale, silent,
// never heard from, one whose self-check found HTML in a file name.
func demoBoard(t *testing.T, selfCheck string) Page {
	t.Helper()
	var reg registry
	keys := map[string]ed25519.PrivateKey{}
	for _, k := range []struct{ id, ward, name string }{
		{"5c-nurses-station", "ward-5c", "5C"}, {"5c-med-room", "ward-5c", "5C"}, {"5c-corridor", "ward-5c", "5C"},
		{"4b-nurses-station", "ward-4b", "4B"}, {"4b-office", "ward-4b", "4B"},
	} {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		keys[k.id] = priv
		reg = append(reg, fleet.Enrolled{Kiosk: k.id, Ward: k.ward, WardName: k.name, Signer: pub})
	}
	b, _, err := fleet.Load("", reg)
	if err != nil {
		t.Fatal(err)
	}
	beat := func(id, ward string, sent, asOf time.Time, change func(*fleet.Heartbeat)) {
		h := fleet.Heartbeat{Kiosk: id, Ward: ward, Version: "1.4.0", Seq: 1, Sent: sent, Generation: 812, DataAsOf: asOf,
			FreeDisk: new(uint64(40 << 30)), SelfCheckAt: t0.Add(-6 * time.Hour)}
		if change != nil {
			change(&h)
		}
		raw, err := fleet.Sign(h, func(msg []byte) ([]byte, error) { return ed25519.Sign(keys[id], msg), nil })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.Accept(raw, sent); err != nil {
			t.Fatal(err)
		}
	}
	beat("5c-nurses-station", "ward-5c", t0, t0.Add(-40*time.Second), nil)
	beat("5c-med-room", "ward-5c", t0.Add(-time.Minute), t0.Add(-5*time.Minute), func(h *fleet.Heartbeat) { h.Unreconciled = 4 })
	beat("4b-nurses-station", "ward-4b", t0.Add(-40*time.Minute), t0.Add(-41*time.Minute), nil)
	beat("4b-office", "ward-4b", t0, t0.Add(-30*time.Second), func(h *fleet.Heartbeat) {
		h.SelfCheck = selfCheck
	})
	return Page{Board: b, Enrolled: reg.Enrolled, Now: func() time.Time { return t0.Add(20 * time.Second) },
		Reconciliation: func() map[string]fleet.Progress {
			return map[string]fleet.Progress{"ward-5c": {HandedIn: 120, Pending: 7}}
		}}
}

func get(t *testing.T, h http.Handler, url, acceptLanguage string) string {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: status %d", url, rec.Code)
	}
	return rec.Body.String()
}

// The board in each language: every word translated, the least ready
// first, the counts, a reload without JavaScript, and a kiosk's words
// never taken for HTML.
func TestTheBoardInThreeLanguages(t *testing.T) {
	p := demoBoard(t, "Generation 811 <script>alert(1)</script> does not match its hash.")
	for _, c := range []struct {
		url, accept string
		lang        i18n.Lang
		summary     string
	}{
		{"/fleet", "", i18n.English, "5 kiosks: 3 not ready, 1 to look at, 1 ready."},
		{"/fleet", "nl-BE,nl;q=0.9,en;q=0.5", i18n.Dutch, "5 kiosken: 3 niet paraat, 1 na te kijken, 1 paraat."},
		{"/fleet?lang=fr", "nl-BE", i18n.French, "5 bornes : 3 pas prêtes, 1 à vérifier, 1 prêtes."},
	} {
		i18n.ResetMissing()
		html := get(t, p, c.url, c.accept)
		if m := i18n.Missing(); len(m) > 0 {
			t.Errorf("%s: untranslated: %q", c.lang, m)
		}
		if !strings.Contains(html, `<html lang="`+string(c.lang)+`">`) || !strings.Contains(html, c.summary) {
			t.Errorf("%s: no %q in\n%s", c.lang, c.summary, html)
		}
		if strings.Contains(html, "<script") {
			t.Errorf("%s: a kiosk's words were taken for HTML", c.lang)
		}
		if !strings.Contains(html, `http-equiv="refresh" content="30"`) {
			t.Errorf("%s: the page does not reload itself", c.lang)
		}
	}
	html := get(t, p, "/fleet", "")
	// Kiosks: the red ones (never heard from, silent and stale, the
	// failed self-check) before the amber one before the green one.
	order := []string{"5c-corridor", "5c-med-room", "5c-nurses-station"}
	last := -1
	for _, k := range order {
		i := strings.Index(html, "<td>"+k+"</td>")
		if i < last {
			t.Errorf("%s is listed before a kiosk more ready than it", k)
		}
		last = i
	}
	for _, want := range []string{"No heartbeat since it was enrolled.", "No heartbeat for 40 min.", "Its data is 41 min old.",
		"4 downtime entries not reconciled yet.", "Its self-check failed: Generation 811 &lt;script&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("no %q on the board", want)
		}
	}
	// Wards: 4B (red) and 5C (red, from its corridor kiosk); each with
	// the freshest data of its kiosks.
	if !strings.Contains(html, "<td>5C</td><td class=\"red\">NOT READY</td><td>3</td><td>1 min</td><td>120 entries: 113 reconciled, 7 to go</td>") {
		t.Errorf("ward 5C's row is not as expected:\n%s", html)
	}
	empty := Page{Board: p.Board, Enrolled: func() []fleet.Enrolled { return nil }, Now: p.Now}
	if html := get(t, empty, "/fleet", ""); !strings.Contains(html, "No kiosk is enrolled yet.") {
		t.Errorf("an empty fleet: %s", html)
	}
}

// The board as a browser shows it: Debian's Chromium, headless, reads the
// page from 127.0.0.1 and draws it. FLEET_SHOT=FILE keeps the picture
// (make screenshots writes docs/fleet.png with it).
func TestTheBoardInChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium is missing: install it (make test-deps)")
	}
	srv := httptest.NewServer(demoBoard(t, "Generation 811 does not match its hash."))
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("the test server is not on 127.0.0.1: %s", srv.URL)
	}
	profile := t.TempDir()
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(chromium, append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--user-data-dir=" + profile, "--lang=en-GB", "--hide-scrollbars"}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+profile)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("chromium %v: %v", args, err)
		}
		return out
	}
	dom := string(run("--dump-dom", srv.URL+"/fleet?lang=nl"))
	for _, want := range []string{"5 kiosken: 3 niet paraat, 1 na te kijken, 1 paraat.", "NIET PARAAT", "Al 40 min geen teken van leven."} {
		if !strings.Contains(dom, want) {
			t.Errorf("Chromium's page has no %q", want)
		}
	}
	shot := filepath.Join(t.TempDir(), "fleet.png")
	if p := os.Getenv("FLEET_SHOT"); p != "" {
		shot, _ = filepath.Abs(p)
	}
	run("--screenshot="+shot, "--window-size=1280,720", srv.URL+"/fleet")
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 720 {
		t.Errorf("screenshot %v, want 1280×720", b)
	}
}
