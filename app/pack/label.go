package pack

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"lifeboat/app/i18n"
	"lifeboat/app/paper"
	"lifeboat/app/present"
	"lifeboat/clinical"
)

// A label for a patient registered during downtime, to stick on the
// wristband form, the paper chart and samples: 89 × 36 mm, the size of the
// common address-label rolls of ward label printers. The temporary id is
// printed large and as a QR code, which a wristband scanner types into the
// census search to open the patient.
const labelW, labelH = 89.0, 36.0

// Label is what a registration label shows.
type Label struct {
	Registration clinical.Registration
	ID           string // the temporary identifier
	Printed      time.Time
	PrintedBy    string
}

// WriteLabel writes one label as a PDF page of the label's size.
func WriteLabel(w io.Writer, l Label) error {
	if !clinical.IsTemporaryID(l.ID) {
		return fmt.Errorf("not a temporary identifier")
	}
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: labelW, Ht: labelH}})
	f.SetMargins(3, 3, 3)
	f.SetAutoPageBreak(false, 0)
	paper.AddFonts(f)
	f.AddPage()
	modules, err := paper.QR(l.ID)
	if err != nil {
		return err
	}
	const qr = 26.0
	paper.DrawQR(f, modules, labelW-3-qr, 5, qr)
	textW := labelW - 3 - qr - 3 - 3
	r := l.Registration
	// Each line shrinks to fit beside the QR code (down to 6 pt), and
	// is cut with "…" beyond that.
	line := func(s, style string, size, y float64) {
		s = paper.Fit(f, s, style, size, 6, textW)
		pt, _ := f.GetFontSize()
		f.SetXY(3, y)
		f.CellFormat(textW, paper.LineHeight(pt, 1.2), s, "", 0, "L", false, 0, "")
	}
	line(i18n.T(present.LabelTitle), "B", 7, 3)
	line(l.ID, "B", 13, 7.5)
	name := strings.TrimSpace(strings.ToUpper(r.Family) + ", " + r.Given)
	line(strings.Trim(name, ", "), "B", 10, 14)
	born := present.Date(r.BirthDate)
	if r.BirthDateEstimated {
		born += " " + i18n.T(present.Estimated)
	}
	line(i18n.T(present.Born)+" "+born+" · "+present.SexWord(r.Sex), "", 8, 19)

	line(joinPlace(r), "", 8, 23)
	line(fmt.Sprintf("%s %s · %s", i18n.T(present.PrintedWord), present.DateTime(l.Printed), l.PrintedBy), "", 6, 30)
	return f.Output(w)
}

func joinPlace(r clinical.Registration) string {
	var parts []string
	for _, p := range []string{r.Ward, r.Room, r.Bed} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, " · ")
}
