package present

import (
	"time"

	"lifeboat/clinical"
)

// The words of one chart row, for what says rows outside the chart's
// sections (the transfer summary, app/ips): the same as the chart.

// JoinSome joins the parts that are not blank with sep.
func JoinSome(sep string, parts ...string) string { return joinSome(sep, parts...) }

// Since is "inserted 28/11/2026 11:00" (a date alone for a FHIR date), or
// "" for no time.
func Since(word string, t time.Time) string { return since(word, t) }

// ObservationLine is a blood group, pregnancy or other observation row:
// "ABO and Rh group: O Rh(D) positive; on 02/03/2020".
func ObservationLine(o clinical.Observation) string { return observationLine(o) }

// OrderLine is an order row: "nursing: Fluid balance chart; routine".
func OrderLine(o clinical.Order) string { return orderLine(o) }

// DietLine is a diet row, nil by mouth first.
func DietLine(d clinical.Diet) string { return dietLine(d) }
