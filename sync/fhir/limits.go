package fhir

// Limits on what one input may make the reader hold or do. An input file
// is untrusted: whoever can write the folder it comes from can put there
// a FIFO, a device, a file that never ends or a resource that no chart can
// hold. Each limit below gives one sentence, never a hang, and never a
// snapshot that cannot be opened.
const (
	// MaxInputFile bounds one input file. Bulk Data NDJSON is read line
	// by line, so only this bound applies to it: servers split their
	// exports into files far smaller.
	MaxInputFile = 64 << 30
	// MaxDocument bounds a file that holds one JSON document (a Bundle or
	// a single resource): it is read whole into memory. A larger export
	// must come as NDJSON.
	MaxDocument = 512 << 20
	// MaxResource bounds one resource's JSON. A chart keeps each of its
	// resources whole and must stay under store.MaxChart (64 MiB) to open
	// again, so a resource larger than this (a huge name, an embedded
	// scan or PDF) is refused and counted in Import.TooLarge, never kept.
	MaxResource = 4 << 20
	// MaxDepth bounds how deeply a resource's JSON nests. FHIR resources
	// nest a dozen levels or so; a deeper one is refused as malformed, and
	// a file nested deeper stops the import.
	MaxDepth = 100
)
