package ips

import (
	"io"
	"time"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
)

// Page is what the printed summary says besides its sections: the patient
// header and the snapshot's freshness, as the chart says them.
type Page struct {
	Patient   string   // the name line
	Header    []string // identifiers, birth date, location
	Freshness string   // "Data as of …"
	Warnings  []string // banners: code status, allergies, an unreadable journal
	Made      time.Time
	By        string
}

// WritePDF writes the summary's human-readable copy: the same sections and
// lines as the Composition's narrative, with the patient and the data time
// on every page, in the language in use.
func WritePDF(w io.Writer, s *Summary, p Page) (pages int, err error) {
	f := paper.A4(i18n.T("Patient summary"), p.Made)
	f.SetMargins(15, 22, 15)
	f.SetAutoPageBreak(true, 18)
	f.AddPage()
	pageW, _ := f.GetPageSize()
	width := pageW - 30
	text := func(s string, size float64, bold bool) {
		f.SetFont(paper.Family, paper.Style(bold), size)
		for _, l := range paper.Wrap(f, s, width) {
			f.CellFormat(width, paper.LineHeight(size, 1.28), l, "", 1, "L", false, 0, "")
		}
	}
	text(i18n.T("Patient summary (International Patient Summary) for a transfer"), 15, true)
	text(p.Patient, 13, true)
	for _, l := range p.Header {
		text(l, 10, false)
	}
	text(p.Freshness, 10, true)
	for _, l := range p.Warnings {
		text(l, 11, true)
	}
	text(i18n.F("Document %s, made %s by %s. Its FHIR copy (a document Bundle) holds the same sections.",
		s.ID, p.Made.Local().Format("02/01/2006 15:04"), p.By), 9, false)
	for _, sec := range s.Sections {
		f.Ln(2)
		text(sec.Title, 12, true)
		if sec.Warning != "" {
			text(sec.Warning, 10, true)
		}
		if len(sec.Lines) == 0 {
			text(sec.Empty, 10, false)
		}
		for _, l := range sec.Lines {
			text("• "+l, 10, false)
		}
	}
	paper.Frame(f, func(page, total int) {
		f.SetFont(paper.Family, "", 8)
		f.SetXY(15, 8)
		f.CellFormat(width, 4, paper.Printable(p.Patient+" – "+p.Freshness), "", 0, "L", false, 0, "")
		paper.Rule(f, 13)
		paper.PageNumber(f, i18n.F("page %d of %d", page, total), 8, 285, 4)
	})
	pages = f.PageCount()
	if err := f.Output(w); err != nil {
		return 0, err
	}
	return pages, nil
}
