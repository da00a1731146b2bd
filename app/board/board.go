// Package board is the hub's readiness board (/fleet): every ward and
// kiosk, green, amber or red, the least ready first, in English, Dutch or
// French. It is plain HTML made on the server, readable without
// JavaScript, and reloads itself every 30 seconds.
package board

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/sync/fleet"
)

// Page serves the board.
type Page struct {
	Board      *fleet.Board
	Enrolled   func() []fleet.Enrolled
	Thresholds fleet.Thresholds
	Now        func() time.Time
	// EHR says, in English, what the hub last knew of the EHR (a message
	// of the catalogue, with its arguments), or "" for nothing to say.
	EHR func() (format string, args []any)
	// Reconciliation, when set, is how far each ward's journals handed in
	// are reconciled, by ward id.
	Reconciliation func() map[string]fleet.Progress
}

// Refresh is how often the page reloads itself, in seconds.
const Refresh = 30

// Lang is the language a request asks for: ?lang=, else the first of
// Accept-Language the board speaks, else English.
func Lang(r *http.Request) i18n.Lang {
	if l, ok := i18n.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if l, ok := i18n.Parse(tag); ok {
			return l
		}
	}
	return i18n.English
}

type wardRow struct {
	Name, Level, Class string
	Kiosks             int
	NewestData         string
	Journals           string
}

type kioskRow struct {
	Kiosk, Ward, Level, Class string
	Heard, DataAge, Version   string
	Findings                  []string
}

type langLink struct {
	Code, Name string
	Current    bool
}

type pageData struct {
	Lang, Title, Summary, EHR, Made, Refresh   string
	WardsTitle, KiosksTitle, Empty             string
	HWard, HKiosks, HLevel, HNewest, HJournals string
	HKiosk, HHeard, HData, HVersion, HFindings string
	Wards                                      []wardRow
	Kiosks                                     []kioskRow
	Langs                                      []langLink
}

func (p Page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lang := Lang(r)
	t := func(s string) string { return i18n.In(lang, s) }
	now := p.Now()
	rows := fleet.Assess(p.Enrolled(), p.Board.Latest(), now, p.Thresholds)
	d := pageData{Lang: string(lang), Refresh: fmt.Sprint(Refresh),
		Title:      i18n.In(lang, "Lifeboat – kiosk readiness"),
		WardsTitle: i18n.In(lang, "Wards"), KiosksTitle: i18n.In(lang, "Kiosks, the least ready first"),
		Empty: i18n.In(lang, "No kiosk is enrolled yet."),
		HWard: i18n.In(lang, "Ward"), HKiosks: i18n.In(lang, "Kiosks"), HLevel: i18n.In(lang, "Readiness"),
		HNewest: i18n.In(lang, "Newest data"), HJournals: i18n.In(lang, "Journals handed in"), HKiosk: i18n.In(lang, "Kiosk"), HHeard: i18n.In(lang, "Last heard"),
		HData: i18n.In(lang, "Data age"), HVersion: i18n.In(lang, "Version"), HFindings: i18n.In(lang, "What to look at"),
		Made: fmt.Sprintf(i18n.In(lang, "Made at %s by the hub; reloads every %d s."), now.Local().Format("02/01/2006 15:04:05"), Refresh),
	}
	counts := fleet.Count(rows)
	d.Summary = fmt.Sprintf(i18n.In(lang, "%d kiosks: %d not ready, %d to look at, %d ready."), len(rows), counts[fleet.Red], counts[fleet.Amber], counts[fleet.Green])
	if p.EHR != nil {
		if format, args := p.EHR(); format != "" {
			d.EHR = fmt.Sprintf(t(format), args...)
		}
	}
	wards := map[string]*wardRow{}
	worst := map[string]fleet.Level{}
	newest := map[string]time.Duration{}
	var order []string
	for _, r := range rows {
		k := kioskRow{Kiosk: r.Kiosk, Ward: cmp.Or(r.WardName, r.Ward), Level: levelWord(lang, r.Level), Class: r.Level.String(),
			Heard: "–", DataAge: "–", Version: "–"}
		if h := r.Latest; h != nil {
			k.Heard = fmt.Sprintf(i18n.In(lang, "%s ago"), age(lang, r.Silent))
			if h.Generation > 0 && !h.DataAsOf.IsZero() {
				k.DataAge = age(lang, r.DataAge)
			}
			k.Version = h.Version
		}
		for _, f := range r.Findings {
			k.Findings = append(k.Findings, fmt.Sprintf(t(f.Format), f.Args...))
		}
		d.Kiosks = append(d.Kiosks, k)
		wr, ok := wards[r.Ward]
		if !ok {
			wr = &wardRow{Name: k.Ward}
			wards[r.Ward] = wr
			order = append(order, r.Ward)
			newest[r.Ward] = -1
		}
		wr.Kiosks++
		worst[r.Ward] = max(worst[r.Ward], r.Level)
		if k.DataAge != "–" && (newest[r.Ward] < 0 || r.DataAge < newest[r.Ward]) {
			newest[r.Ward] = r.DataAge
		}
	}
	// Wards, the least ready first (rows came so: the first kiosk of a
	// ward is its worst), each with the freshest data any of its kiosks
	// holds.
	var progress map[string]fleet.Progress
	if p.Reconciliation != nil {
		progress = p.Reconciliation()
	}
	for _, id := range order {
		wr := wards[id]
		wr.Level, wr.Class = levelWord(lang, worst[id]), worst[id].String()
		wr.NewestData, wr.Journals = "–", "–"
		if newest[id] >= 0 {
			wr.NewestData = age(lang, newest[id])
		}
		if pr := progress[id]; pr.HandedIn > 0 {
			wr.Journals = fmt.Sprintf(t("%d entries: %d reconciled, %d to go"), pr.HandedIn, pr.HandedIn-pr.Pending, pr.Pending)
		}
		d.Wards = append(d.Wards, *wr)
	}
	slices.SortStableFunc(d.Wards, func(a, b wardRow) int { return cmp.Compare(rank(b.Class), rank(a.Class)) })
	for _, l := range i18n.Langs {
		d.Langs = append(d.Langs, langLink{Code: string(l), Name: l.Name(), Current: l == lang})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	if err := page.Execute(w, d); err != nil {
		http.Error(w, "the board could not be made", http.StatusInternalServerError)
	}
}

func rank(class string) int {
	return map[string]int{"green": 0, "amber": 1, "red": 2}[class]
}

// levelWord says a level in words: colour is never the only sign.
func levelWord(lang i18n.Lang, l fleet.Level) string {
	switch l {
	case fleet.Red:
		return i18n.In(lang, "NOT READY")
	case fleet.Amber:
		return i18n.In(lang, "LOOK AT IT")
	}
	return i18n.In(lang, "ready")
}

// age is a duration as the kiosk's banner says one (present.AgeIn), and
// "under 1 min" for less.
func age(lang i18n.Lang, d time.Duration) string {
	if d < time.Minute {
		return i18n.In(lang, "under 1 min")
	}
	return present.AgeIn(lang, d)
}

var page = template.Must(template.New("fleet").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="{{.Refresh}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.5em; margin: 0 0 .3em; }
h2 { font-size: 1.2em; margin: 1.2em 0 .4em; }
p.summary { font-size: 1.15em; font-weight: bold; }
table { border-collapse: collapse; width: 100%; }
table.wards { width: auto; min-width: 40em; }
th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid #ccc; vertical-align: top; }
table.kiosks td:not(:last-child), th { white-space: nowrap; }
td.red { background: #c62828; color: #fff; font-weight: bold; }
td.amber { background: #ffb300; color: #000; font-weight: bold; }
td.green { background: #2e7d32; color: #fff; }
ul { margin: 0; padding-left: 1.1em; }
nav a, nav strong { margin-right: 1em; }
footer { margin-top: 1.5em; color: #555; font-size: .9em; }
</style>
</head>
<body>
<nav>{{range .Langs}}{{if .Current}}<strong>{{.Name}}</strong>{{else}}<a href="?lang={{.Code}}" hreflang="{{.Code}}">{{.Name}}</a>{{end}}{{end}}</nav>
<h1>{{.Title}}</h1>
<p class="summary">{{.Summary}}</p>
{{with .EHR}}<p class="ehr">{{.}}</p>{{end}}
{{if not .Kiosks}}<p>{{.Empty}}</p>{{else}}
<h2>{{.WardsTitle}}</h2>
<table class="wards">
<tr><th>{{.HWard}}</th><th>{{.HLevel}}</th><th>{{.HKiosks}}</th><th>{{.HNewest}}</th><th>{{.HJournals}}</th></tr>
{{range .Wards}}<tr><td>{{.Name}}</td><td class="{{.Class}}">{{.Level}}</td><td>{{.Kiosks}}</td><td>{{.NewestData}}</td><td>{{.Journals}}</td></tr>
{{end}}</table>
<h2>{{.KiosksTitle}}</h2>
<table class="kiosks">
<tr><th>{{.HKiosk}}</th><th>{{.HWard}}</th><th>{{.HLevel}}</th><th>{{.HData}}</th><th>{{.HHeard}}</th><th>{{.HVersion}}</th><th>{{.HFindings}}</th></tr>
{{range .Kiosks}}<tr><td>{{.Kiosk}}</td><td>{{.Ward}}</td><td class="{{.Class}}">{{.Level}}</td><td>{{.DataAge}}</td><td>{{.Heard}}</td><td>{{.Version}}</td><td>{{if .Findings}}<ul>{{range .Findings}}<li>{{.}}</li>{{end}}</ul>{{end}}</td></tr>
{{end}}</table>{{end}}
<footer>{{.Made}}</footer>
</body>
</html>
`))
