package kiosk

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"lifeboat/app/i18n"
	"lifeboat/app/present"
	"lifeboat/app/ui"
	"lifeboat/clinical"
	"lifeboat/store"
)

// The census's medication columns, sort and filter.
//
// Each row says when the patient's next dose is due and how many are
// overdue, from the same schedule as the chart's MAR
// (clinical.CensusDosesOf). The census rows come from the snapshot's
// index, without medications; the dose facts kept beside them in the
// census table (clinical.DoseFacts) say the doses of every patient in a few
// tens of milliseconds at 5,000 patients, adjusted for the downtime
// entries and the clock. A snapshot sealed before the facts were kept,
// a patient stored by an older delta, or a clock so far behind the
// snapshot that the facts do not reach back to it, are read from the
// chart, which takes decoding it: seconds at 5,000 patients. Either way,
// once the census shows, a goroutine (tracked by k.work) finds the doses
// and hands them back with ui.Do in batches; the rows say "…" until
// theirs come, and the first layout never waits for them.
// The work is abandoned, and whatever it hands back is dropped, when the
// kiosk locks (the session's quit channel closes, and k.session moves on),
// when a newer snapshot is swapped in, or when a saved entry starts a new
// round (a newer round number): the context is cancelled and the
// goroutine stops at the next chart. A new round reads only the patients
// whose downtime entries changed, who are not read yet, or whose doses
// are about to go stale (known a day ahead: clinical.CensusDoses.Stale).
//
// What is undocumented is decided once per round; due and overdue are
// decided at the clock's time whenever a row is drawn, and a ticker
// (every censusClockEvery) draws the rows again, sorts and filters again
// when the order depends on the time, and has the open chart's MAR follow
// the time too (chartView.retime).
//
// Sorting and filtering never hide a patient from a wristband or a pack
// code: when the patient scanned is filtered out, the filter goes back to
// all patients (openFirst, openPack).

// chartForMeds reads a chart for the census's medication columns; tests
// hold it to catch the work in flight.
var chartForMeds = func(ctx context.Context, s *store.Snapshot, id string) (*clinical.Chart, error) {
	return s.Chart(ctx, id)
}

// factsForMeds reads the dose facts of a snapshot's census table; tests
// replace it to stand for a snapshot sealed before they were kept.
var factsForMeds = func(ctx context.Context, s *store.Snapshot) (map[string]clinical.DoseFacts, bool, error) {
	return s.DoseFacts(ctx)
}

// medsFacts are the dose facts of one snapshot, read once, by the first
// round that needs them (off the UI thread).
type medsFacts struct {
	mu     sync.Mutex
	snap   *store.Snapshot
	loaded bool
	facts  map[string]clinical.DoseFacts // nil: none kept
}

// get reads the facts, unless read already; a reading that fails (the
// round was abandoned) is tried again by the next round.
func (f *medsFacts) get(ctx context.Context) map[string]clinical.DoseFacts {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.loaded {
		facts, ok, err := factsForMeds(ctx, f.snap)
		if err != nil {
			return nil
		}
		f.loaded = true
		if ok {
			f.facts = facts
		}
	}
	return f.facts
}

const (
	medsBatch        = 200                    // charts read per hand-back…
	medsFlushEvery   = 150 * time.Millisecond // …or sooner
	censusClockEvery = 30 * time.Second
)

// censusMeds are the census's medication columns.
type censusMeds struct {
	doses   map[string]clinical.CensusDoses // by patient id
	sig     map[string]string               // the entries the doses were read with
	failed  map[string]bool                 // charts that could not be read
	facts   *medsFacts                      // the snapshot's dose facts
	round   uint64                          // the round under way, or the last
	cancel  context.CancelFunc
	running bool
	todo    int // patients of the round…
	done    int // …handed back
}

// medsResult is one patient's doses, read in the background.
type medsResult struct {
	id, sig string
	doses   clinical.CensusDoses
	failed  bool
}

// entriesSig sums up a patient's downtime entries: it changes when one is
// recorded, corrected or cancelled.
func entriesSig(entries []store.JournalEntry) string {
	if len(entries) == 0 {
		return ""
	}
	var superseded int
	var seq int64
	for _, e := range entries {
		if e.Superseded() {
			superseded++
		}
		seq = max(seq, e.Seq)
	}
	return strconv.Itoa(len(entries)) + "/" + strconv.Itoa(superseded) + "/" + strconv.FormatInt(seq, 10)
}

// readMeds starts a round of reading the doses in the background, for the
// patients whose doses are missing or out of date; a round under way is
// abandoned. fresh reads every patient again (another snapshot): the doses
// read from the snapshot before stay on screen until theirs come.
func (v *censusView) readMeds(fresh bool) {
	k, m := v.k, &v.meds
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.round++
	m.running = false
	if m.doses == nil {
		m.doses = map[string]clinical.CensusDoses{}
	}
	if fresh || m.sig == nil {
		m.sig, m.failed = map[string]string{}, map[string]bool{}
	}
	if k.snap == nil {
		return
	}
	if fresh || m.facts == nil || m.facts.snap != k.snap {
		m.facts = &medsFacts{snap: k.snap}
	}
	now := k.opt.Now()
	var todo []string
	entries := map[string][]store.JournalEntry{}
	sigs := map[string]string{}
	for _, r := range v.snapRows {
		e := v.byPatient[r.ID]
		sig := entriesSig(e)
		if d, ok := m.doses[r.ID]; ok && !d.Stale(now) {
			if old, read := m.sig[r.ID]; read && old == sig {
				continue
			}
		}
		todo = append(todo, r.ID)
		if len(e) > 0 {
			entries[r.ID] = e
		}
		sigs[r.ID] = sig
	}
	m.todo, m.done = len(todo), 0
	if len(todo) == 0 {
		v.showMedsProgress()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.running = cancel, true
	v.showMedsProgress()
	round, session, snap, facts := m.round, k.session, k.snap, m.facts
	var quit <-chan struct{}
	if k.banner != nil {
		quit = k.banner.quit
	}
	k.work.Add(1)
	go func() {
		defer k.work.Done()
		defer cancel()
		var batch []medsResult
		last, charts := time.Now(), 0
		hand := func(final bool) {
			b := batch
			batch, charts = nil, 0
			ui.Do(func() { v.takeMeds(round, session, b, final) })
		}
		known := facts.get(ctx)
		for _, id := range todo {
			select {
			case <-ctx.Done():
				return
			case <-quit:
				return
			default:
			}
			res := medsResult{id: id, sig: sigs[id]}
			f, ok := known[id]
			if ok {
				res.doses, ok = clinical.CensusDosesOf(f, entries[id], now)
			}
			if !ok {
				charts++
				if c, err := chartForMeds(ctx, snap, id); err != nil {
					if ctx.Err() != nil {
						return
					}
					res.failed = true
				} else {
					res.doses = clinical.NewCensusDoses(c, entries[id], now)
				}
			}
			batch = append(batch, res)
			if charts >= medsBatch || time.Since(last) >= medsFlushEvery {
				hand(false)
				last = time.Now()
			}
		}
		hand(true)
	}()
}

// takeMeds takes a batch of doses read in the background, on the UI
// thread; a batch of another session, census or round is dropped.
func (v *censusView) takeMeds(round, session uint64, results []medsResult, final bool) {
	k, m := v.k, &v.meds
	if k.session != session || k.census != v || m.round != round {
		return
	}
	for _, r := range results {
		if r.failed {
			m.failed[r.id] = true
			delete(m.doses, r.id)
			continue
		}
		delete(m.failed, r.id)
		m.doses[r.id], m.sig[r.id] = r.doses, r.sig
	}
	m.done += len(results)
	if final {
		m.running = false
		m.cancel = nil
	}
	v.showMedsProgress()
	if v.ordersByMeds() {
		v.rearrange()
	} else {
		v.list.Refresh()
	}
}

// showMedsProgress says how far the reading is, or for how many patients
// it failed, or nothing.
func (v *censusView) showMedsProgress() {
	m := &v.meds
	text, importance := "", widget.MediumImportance
	switch {
	case m.running:
		text = present.MedsProgress(m.done, m.todo)
	case len(m.failed) > 0:
		text, importance = present.MedsFailed(len(m.failed)), widget.DangerImportance
	}
	v.progress.Importance = importance
	v.progress.SetText(text)
	if text == "" {
		v.progress.Hide()
	} else {
		v.progress.Show()
	}
}

// medsOf are a row's doses: ok is false until they are read (or when
// they could not be), failed says they could not.
func (v *censusView) medsOf(r clinical.CensusRow) (d clinical.CensusDoses, ok, failed bool) {
	d, ok = v.meds.doses[r.ID]
	return d, ok, v.meds.failed[r.ID]
}

// medsText is a row's "next 14:00" and "2 OVERDUE" (or "" for none).
func (v *censusView) medsText(r clinical.CensusRow, now time.Time) (next, overdue string) {
	if clinical.IsTemporaryID(r.ID) {
		return "", "" // registered during downtime: no orders in the snapshot
	}
	d, ok, failed := v.medsOf(r)
	switch {
	case failed:
		return i18n.T(present.MedsUnreadable), ""
	case !ok:
		return present.MedsPending, ""
	}
	n, has := d.Next(now)
	return present.CensusNextDose(n, has, now), present.CensusOverdue(d.Overdue(now))
}

// ordersByMeds says whether the rows shown depend on the doses and the
// time.
func (v *censusView) ordersByMeds() bool {
	return v.sortBy == present.SortNextDue || v.sortBy == present.SortOverdue || v.show == present.ShowOverdue
}

// keep says whether a row passes the filter.
func (v *censusView) keep(r clinical.CensusRow, now time.Time) bool {
	switch v.show {
	case present.ShowAllergies:
		return r.Allergies > 0 || v.facts[r.ID].allergies > 0
	case present.ShowDNR:
		return clinical.NotResuscitated(r.Resuscitation())
	case present.ShowIsolation:
		return r.Isolation != ""
	case present.ShowOverdue:
		d, ok, _ := v.medsOf(r)
		return ok && d.Overdue(now) > 0
	case present.ShowMine:
		return v.k.isMine(r.ID)
	}
	return true
}

// arrange puts in v.shown the rows matched by the search that pass the
// filter, in the chosen order.
func (v *censusView) arrange() {
	now := v.k.opt.Now()
	v.shown = v.shown[:0]
	for _, r := range v.matched {
		if v.keep(r, now) {
			v.shown = append(v.shown, r)
		}
	}
	switch v.sortBy {
	case present.SortBed:
		slices.SortStableFunc(v.shown, func(a, b clinical.CensusRow) int {
			return cmp.Or(compareBeds(a.Bed, b.Bed), cmp.Compare(v.nameKey(a), v.nameKey(b)))
		})
	case present.SortName:
		slices.SortStableFunc(v.shown, func(a, b clinical.CensusRow) int {
			return cmp.Or(cmp.Compare(v.nameKey(a), v.nameKey(b)), compareBeds(a.Bed, b.Bed))
		})
	case present.SortNextDue, present.SortOverdue:
		type key struct {
			known   int // 0 read, 1 not read yet (or unreadable), last
			overdue int
			next    time.Time // zero: none due
		}
		keys := make(map[string]key, len(v.shown))
		for _, r := range v.shown {
			d, ok, _ := v.medsOf(r)
			if !ok {
				keys[r.ID] = key{known: 1}
				continue
			}
			kk := key{overdue: d.Overdue(now)}
			if n, has := d.Next(now); has {
				kk.next = n.Time
			}
			keys[r.ID] = kk
		}
		byNext := func(a, b key) int {
			switch {
			case a.next.IsZero() && b.next.IsZero():
				return 0
			case a.next.IsZero():
				return 1
			case b.next.IsZero():
				return -1
			}
			return a.next.Compare(b.next)
		}
		slices.SortStableFunc(v.shown, func(a, b clinical.CensusRow) int {
			ka, kb := keys[a.ID], keys[b.ID]
			if c := cmp.Compare(ka.known, kb.known); c != 0 {
				return c
			}
			if v.sortBy == present.SortOverdue {
				if c := cmp.Compare(kb.overdue, ka.overdue); c != 0 {
					return c
				}
			}
			return cmp.Or(byNext(ka, kb), compareBeds(a.Bed, b.Bed))
		})
	}
}

// rearrange sorts and filters again (the doses came, the time moved) and
// shows the rows, unless they stay the same. The selection goes: the row
// it marked may have moved.
func (v *censusView) rearrange() {
	before := make([]string, len(v.shown))
	for i, r := range v.shown {
		before[i] = r.ID
	}
	v.arrange()
	same := len(before) == len(v.shown)
	for i := 0; same && i < len(before); i++ {
		same = before[i] == v.shown[i].ID
	}
	if same {
		v.list.Refresh()
		return
	}
	v.list.UnselectAll()
	v.showRows()
}

// nameKey is a name as sorted: lower case, without accents.
func (v *censusView) nameKey(r clinical.CensusRow) string {
	if k, ok := v.nameKeys[r.ID]; ok {
		return k
	}
	k := foldName(r.Name)
	if v.nameKeys == nil {
		v.nameKeys = map[string]string{}
	}
	v.nameKeys[r.ID] = k
	return k
}

// accents are the accented letters of the names of the ward's languages
// and the base letters they sort with.
var accents = strings.NewReplacer(
	"à", "a", "á", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "æ", "ae",
	"ç", "c", "č", "c", "ć", "c",
	"è", "e", "é", "e", "ê", "e", "ë", "e", "ě", "e",
	"ì", "i", "í", "i", "î", "i", "ï", "i", "ı", "i",
	"ñ", "n", "ń", "n",
	"ò", "o", "ó", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "œ", "oe",
	"ù", "u", "ú", "u", "û", "u", "ü", "u",
	"ý", "y", "ÿ", "y",
	"š", "s", "ş", "s", "ś", "s", "ß", "ss", "ž", "z", "ğ", "g", "ł", "l",
)

func foldName(name string) string { return accents.Replace(strings.ToLower(strings.TrimSpace(name))) }

// compareBeds orders beds as people read them: the numbers in them by
// value ("9" before "10"), the rest by letter; no bed last.
func compareBeds(a, b string) int {
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	a, b = strings.ToLower(a), strings.ToLower(b)
	for a != "" && b != "" {
		ra, rb := rune(a[0]), rune(b[0])
		if unicode.IsDigit(ra) && unicode.IsDigit(rb) {
			na, restA := leadingNumber(a)
			nb, restB := leadingNumber(b)
			if c := cmp.Compare(na, nb); c != 0 {
				return c
			}
			a, b = restA, restB
			continue
		}
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// leadingNumber reads the digits at the start of s (without its leading
// zeros, and no longer than fits), and returns what follows.
func leadingNumber(s string) (uint64, string) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	n, err := strconv.ParseUint(strings.TrimLeft(s[:i], "0"), 10, 64)
	if err != nil {
		n = 0
		if strings.TrimLeft(s[:i], "0") != "" {
			n = ^uint64(0)
		}
	}
	return n, s[i:]
}

// startClock draws the rows again every censusClockEvery while the session
// lasts: due and overdue change with the time.
func (v *censusView) startClock() {
	if v.k.banner == nil {
		return
	}
	quit := v.k.banner.quit
	go func() {
		t := time.NewTicker(censusClockEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				ui.Do(v.tick)
			case <-quit:
				return
			}
		}
	}()
}

// tick follows the time: rows drawn again (sorted and filtered again when
// the order depends on it), stale doses read again, the chart's MAR.
func (v *censusView) tick() {
	k := v.k
	if k.census != v || k.snap == nil {
		return
	}
	now := k.opt.Now()
	if !v.meds.running {
		for _, d := range v.meds.doses {
			if d.Stale(now) {
				v.readMeds(false)
				break
			}
		}
	}
	if v.ordersByMeds() {
		v.rearrange()
	} else {
		v.list.Refresh()
	}
	if k.chart != nil {
		k.chart.retime()
	}
}

// setSort and setShow are the controls' choices.
func (v *censusView) setSort(i int) {
	if i < 0 || i == v.sortBy {
		return
	}
	v.k.touch()
	v.sortBy = i
	v.rearrange()
}

func (v *censusView) setShow(i int) {
	if i < 0 || i == v.show {
		return
	}
	v.k.touch()
	v.show = i
	if v.showSelect != nil && v.showSelect.SelectedIndex() != i {
		v.showSelect.SetSelectedIndex(i) // comes back here, with nothing to do
	}
	v.rearrange()
	v.setHint("")
}

// reveal makes the patient with this id shown when the search matches
// them and only the filter hides them: a scan always finds its patient.
func (v *censusView) reveal(id string) {
	if v.show == present.ShowAll || slices.ContainsFunc(v.shown, func(r clinical.CensusRow) bool { return r.ID == id }) {
		return
	}
	if slices.ContainsFunc(v.matched, func(r clinical.CensusRow) bool { return r.ID == id }) {
		v.setShow(present.ShowAll)
	}
}

// censusRowLayout lays out a census row's labels: bed, name, flags, doses
// overdue, next dose, and (sixth to eighth, shown after the bed) the
// NEWS2 score, the code status cell and the allergy state. The bed, the
// code status, the allergy state and the doses overdue always show whole;
// the name and the flags share what is left, each whole when both fit;
// otherwise the name keeps at least namePart of it (a patient is known by
// name) and the flags (isolation, a look-alike name: the chart's banners
// say them all) are cut short at the end.
//
// A cell is cut here, not by Fyne: a truncating label shapes its whole text
// again (with a new HarfBuzz font) at every refresh and resize, which made
// most of a keystroke's time in the search with every row on screen cut.
// The cut texts are measured once and remembered (cutText, cutTexts).
//
// The whole text of each cell that may be cut is given to the layout by
// the list's bind (setText), never read back from the label: a label
// shows its cut, and a cut to nothing cannot be told from a patient with
// nothing to show in a row that was reused.
type censusRowLayout struct {
	// full are the whole texts of the cells that may be cut, as last set.
	full map[*widget.Label]string
	// name is the patient's name at the start of the name cell (setName).
	name string
}

func newCensusRowLayout() *censusRowLayout {
	return &censusRowLayout{full: map[*widget.Label]string{}}
}

// setText gives cell c its whole text; the next layout shows it, or cuts it.
func (l *censusRowLayout) setText(c *widget.Label, text string) {
	l.full[c] = text
	c.Text = text
}

// setName gives the patient's name the name cell starts with: the part
// of it never cut while the row can hold it.
func (l *censusRowLayout) setName(name string) { l.name = name }

// text is a cell's whole text, as given by setText.
func (l *censusRowLayout) text(c *widget.Label) string { return l.full[c] }

// wholeWidth is the width cell c needs to show its whole text.
func (l *censusRowLayout) wholeWidth(c *widget.Label) float32 {
	if !c.Visible() {
		return 0
	}
	return textWidth(l.text(c), c.TextStyle)
}

// censusNewsCell is the index of the NEWS2 label among a census row's
// labels (the sixth, drawn after the bed).
const censusNewsCell = 5

// censusCodeCell is the index of the code status cell, drawn after the
// NEWS2 score.
const censusCodeCell = 6

// censusAllergyCell is the index of the allergy state cell, drawn after
// the code status.
const censusAllergyCell = 7

const namePart = 0.5

// nameFloor is the share of a row under which the name is not squeezed
// to make room for the next dose (censusRowLayout.widths).
const nameFloor = 0.3

// textWidth is the width a label needs to show text whole: the text as
// Fyne measures it (which remembers the sizes of the texts it shaped),
// the label's inner padding at either side, and a little to spare (cut to
// its exact width, a label may still truncate its last letters).
func textWidth(text string, style fyne.TextStyle) float32 {
	if text == "" {
		return 0
	}
	return fyne.MeasureText(text, theme.TextSize(), style).Width + 2*theme.InnerPadding() + theme.Padding()
}

// rowWidths are the widths of a census row's cells.
type rowWidths struct{ bed, news, code, allergy, name, flags, overdue, next float32 }

// widths shares a row's width out. The bed, the code status, the allergy
// state and the doses overdue are drawn whole; the patient's name (without the sex and age
// after it) is never cut while the row can hold it: the next dose gives
// way first, then the NEWS2 cell drops its time, then goes, then the flags (the chart's
// banners say them all), then the age.
func (l *censusRowLayout) widths(objects []fyne.CanvasObject, width float32) rowWidths {
	var w rowWidths
	w.bed = objects[0].MinSize().Width
	if c := objects[censusCodeCell]; c.Visible() {
		w.code = c.MinSize().Width
	}
	if c := objects[censusAllergyCell]; c.Visible() {
		w.allergy = c.MinSize().Width
	}
	if objects[3].Visible() {
		w.overdue = objects[3].MinSize().Width
	}
	nameLabel := objects[1].(*widget.Label)
	w.news = l.wholeWidth(objects[censusNewsCell].(*widget.Label))
	w.next = l.wholeWidth(objects[4].(*widget.Label))
	w.name, w.flags = l.wholeWidth(nameLabel), l.wholeWidth(objects[2].(*widget.Label))
	// The name whole, and room for the "…" that ends it when the age is cut.
	whole := min(textWidth(l.name+"…", nameLabel.TextStyle), w.name)
	fixed := w.bed + w.code + w.allergy + w.overdue
	if width-fixed-w.news-w.next < max(whole, min(w.name, width*nameFloor)) {
		w.next = 0 // the chart's MAR says it
	}
	if room := width - fixed - w.next - whole; w.news > room {
		w.news = l.newsWithin(objects, room)
	}
	left := max(width-fixed-w.news-w.next, 0)
	if w.name+w.flags > left {
		w.name = max(min(w.name, left*namePart), left-w.flags, min(whole, left))
		w.flags = max(left-w.name, 0)
	}
	return w
}

// censusCuts are the cells a census row may cut short, and whether the
// cut ends with "…" (the next dose is only clipped). The NEWS2 cell is
// only ever cut in whole parts (wholeParts).
var censusCuts = map[int]bool{1: true, 2: true, 4: false, censusNewsCell: false}

// wholeParts is the longest run of text's first parts (" · " between
// them) that fits in width, or "": a score is never cut inside its
// number ("NEWS2 14 · 08:00", then "NEWS2 14", then nothing).
func wholeParts(text string, width float32, style fyne.TextStyle) string {
	for text != "" && textWidth(text, style) > width {
		i := strings.LastIndex(text, " · ")
		if i < 0 {
			return ""
		}
		text = text[:i]
	}
	return text
}

// newsWithin is the width of the NEWS2 cell's whole parts that fit in
// room (wholeParts).
func (l *censusRowLayout) newsWithin(objects []fyne.CanvasObject, room float32) float32 {
	news := objects[censusNewsCell].(*widget.Label)
	return textWidth(wholeParts(l.text(news), room, news.TextStyle), news.TextStyle)
}

// cutWhereNeeded shows each cell that may be cut whole when w holds its
// whole text, cut to its width otherwise.
func (l *censusRowLayout) cutWhereNeeded(objects []fyne.CanvasObject, w rowWidths) {
	for cell, ellipsis := range censusCuts {
		c := objects[cell].(*widget.Label)
		full := l.text(c)
		width := w.name
		switch cell {
		case 2:
			width = w.flags
		case 4:
			width = w.next
		case censusNewsCell:
			width = w.news
		}
		shown := full
		switch {
		case !c.Visible() || width >= textWidth(full, c.TextStyle):
		case cell == censusNewsCell:
			shown = wholeParts(full, width, c.TextStyle)
		default:
			shown = cutText(full, width, c.TextStyle, ellipsis)
		}
		if c.Text != shown {
			c.Text = shown
			c.Refresh()
		}
	}
}

// cutText is the longest start of text that, followed by "…" when
// ellipsis is set, fits in width; remembered in cutTexts (Fyne remembers
// the widths textWidth measures).
func cutText(text string, width float32, style fyne.TextStyle, ellipsis bool) string {
	key := cutKey{text, width, style, theme.TextSize(), ellipsis}
	if s, ok := cutTexts[key]; ok {
		return s
	}
	end := ""
	if ellipsis {
		end = "…"
	}
	runes := []rune(text)
	// The longest n whose start fits: n = 0 always does (an empty cell).
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if textWidth(strings.TrimRight(string(runes[:mid]), " ")+end, style) <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	s := ""
	if lo > 0 {
		s = strings.TrimRight(string(runes[:lo]), " ") + end
	}
	if len(cutTexts) > 4096 { // the texts of the rows on screen are far fewer
		clear(cutTexts)
	}
	cutTexts[key] = s
	return s
}

type cutKey struct {
	text     string
	width    float32
	style    fyne.TextStyle
	size     float32
	ellipsis bool
}

// cutTexts are the texts cutText cut; used on the UI thread only.
var cutTexts = map[cutKey]string{}

// twoLineRows says whether census rows take two lines: with large text,
// where a ward screen's census cannot hold a long name beside the code
// status and the allergy state (French "pas d'allergie connue") on one.
// The first line has the bed, the whole name and the flags; the second,
// under the name, the NEWS2 score, the code status, the allergy state and
// the doses.
func twoLineRows() bool {
	return theme.TextSize() > 1.2*theme.DefaultTheme().Size(theme.SizeNameText)
}

func (l *censusRowLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	two := twoLineRows()
	for i, o := range objects {
		m := o.MinSize()
		if _, cut := censusCuts[i]; cut { // they shrink
			m.Width = 0
		}
		if o.Visible() && (!two || i != 1) {
			s.Width += m.Width
		}
		s.Height = max(s.Height, m.Height)
	}
	if two {
		s.Height *= 2
	}
	return s
}

// widthsOnTwoLines shares the width of a two-line row (twoLineRows): the
// name has the first line but the bed, and the flags what it leaves; the
// second line holds the cells drawn whole, the NEWS2 cell in whole parts
// and the next dose if there is room.
func (l *censusRowLayout) widthsOnTwoLines(objects []fyne.CanvasObject, width float32) rowWidths {
	w := l.widths(objects, 1e6) // every cell whole
	first := max(width-w.bed, 0)
	w.name = min(w.name, first)
	w.flags = min(w.flags, first-w.name)
	second := max(width-w.bed-w.code-w.allergy-w.overdue, 0)
	if w.news > second {
		w.news = l.newsWithin(objects, second)
	}
	if w.next > second-w.news {
		w.next = 0
	}
	return w
}

func (l *censusRowLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	if twoLineRows() {
		l.layoutTwoLines(objects, size)
		return
	}
	w := l.widths(objects, size.Width)
	if size.Width > 0 { // a row not laid out yet is not drawn: nothing to cut
		l.cutWhereNeeded(objects, w)
	}
	place := func(i int, x, width float32) {
		objects[i].Move(fyne.NewPos(x, 0))
		objects[i].Resize(fyne.NewSize(width, size.Height))
	}
	// At the left: the bed, the NEWS2 score, the code status and the
	// allergy state, then the name.
	place(0, 0, w.bed)
	place(censusNewsCell, w.bed, w.news)
	place(censusCodeCell, w.bed+w.news, w.code)
	place(censusAllergyCell, w.bed+w.news+w.code, w.allergy)
	place(1, w.bed+w.news+w.code+w.allergy, w.name)
	// The flags and the doses at the right end.
	place(4, size.Width-w.next, w.next)
	place(3, size.Width-w.next-w.overdue, w.overdue)
	place(2, size.Width-w.next-w.overdue-w.flags, w.flags)
}

// layoutTwoLines lays a row out on two lines (twoLineRows).
func (l *censusRowLayout) layoutTwoLines(objects []fyne.CanvasObject, size fyne.Size) {
	w := l.widthsOnTwoLines(objects, size.Width)
	if size.Width > 0 {
		l.cutWhereNeeded(objects, w)
	}
	line := size.Height / 2
	place := func(i int, x, y, width float32) {
		objects[i].Move(fyne.NewPos(x, y))
		objects[i].Resize(fyne.NewSize(width, line))
	}
	place(0, 0, 0, w.bed)
	place(1, w.bed, 0, w.name)
	place(2, size.Width-w.flags, 0, w.flags)
	place(censusNewsCell, w.bed, line, w.news)
	place(censusCodeCell, w.bed+w.news, line, w.code)
	place(censusAllergyCell, w.bed+w.news+w.code, line, w.allergy)
	place(4, size.Width-w.next, line, w.next)
	place(3, size.Width-w.next-w.overdue, line, w.overdue)
}
