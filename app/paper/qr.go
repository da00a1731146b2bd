package paper

import (
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/yeqown/go-qrcode/v2"
)

// QR codes are drawn as vector squares rather than placed as a PNG image:
// a raster of a few hundred pixels gets smoothed by viewers and printer
// drivers into grey edges that scanners misread, while vector modules stay
// sharp at any printer resolution, and no image has to be encoded and
// decoded per page.

// qrLevel is error correction level M (15 %): enough for a sheet that
// gets creased or marked by a pen, while keeping modules large.
const qrLevel = qrcode.ErrorCorrectionMedium

// QR is the QR code of payload as rows of dark (true) modules, without the
// quiet zone: the page leaves white space around it.
func QR(payload string) ([][]bool, error) {
	q, err := qrcode.NewWith(payload, qrcode.WithErrorCorrectionLevel(qrLevel))
	if err != nil {
		return nil, err
	}
	var m matrix
	if err := q.Save(&m); err != nil {
		return nil, err
	}
	return m.modules, nil
}

// matrix is a qrcode.Writer that keeps the modules of the code saved.
type matrix struct{ modules [][]bool }

func (m *matrix) Write(mat qrcode.Matrix) error {
	m.modules = mat.Bitmap()
	return nil
}

func (m *matrix) Close() error { return nil }

// DrawQR draws modules as a black square of side size (mm) with its top
// left corner at x, y (mm). Each row's runs of dark modules are rectangles
// of one path filled once, so that no seam shows between them.
func DrawQR(f *fpdf.Fpdf, modules [][]bool, x, y, size float64) {
	n := len(modules)
	if n == 0 {
		return
	}
	k := f.GetConversionRatio()
	_, pageH := f.GetPageSize()
	m := size / float64(n)
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	var b strings.Builder
	b.WriteString("q 0 0 0 rg\n")
	for r, row := range modules {
		for c := 0; c < n; {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < n && row[c] {
				c++
			}
			left := (x + float64(start)*m) * k
			bottom := (pageH - (y + float64(r+1)*m)) * k
			b.WriteString(num(left) + " " + num(bottom) + " " + num(float64(c-start)*m*k) + " " + num(m*k) + " re\n")
		}
	}
	b.WriteString("f Q")
	f.RawWriteStr(b.String())
}
