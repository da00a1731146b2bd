package present

import (
	"strings"

	"lifeboat/app/i18n"
	"lifeboat/clinical"
)

// SimilarNameFlag marks a census row whose patient has a look-alike name
// on the ward (clinical.LookAlikes).
const SimilarNameFlag = "SIMILAR NAME"

// SimilarNameBanner is the chart's warning of the patients on the ward
// with names like this one's, each with their bed (or id): "Similar name
// on this ward: De Smet, Jozef Luc (101-B) — check the wristband". "" for
// none.
func SimilarNameBanner(others []clinical.CensusRow) string {
	if len(others) == 0 {
		return ""
	}
	names := make([]string, 0, len(others))
	for _, o := range others {
		where := o.Bed
		if where == "" {
			where = o.ID
		}
		names = append(names, o.Name+" ("+where+")")
	}
	return i18n.F("Similar name on this ward: %s — check the wristband", strings.Join(names, "; "))
}
