// Lifeboat is an offline-first downtime medical-record kiosk: it keeps a
// sealed snapshot of the ward's essential records and opens it with no
// network at all. See README.md.
package main

import (
	"os"

	"lifeboat/app"
)

func main() { os.Exit(app.Main(os.Args[1:])) }
