package app

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Event ids of the Windows event log: 1 what a command reports, 2 a
// warning, 3 a failure.
const (
	eventInfo    = 1
	eventWarning = 2
	eventError   = 3
)

// progressEvery is how often a service's event log takes a progress line
// it has already taken: a sync says "Nothing new from the hub." or
// "Received 1 generation(s)…" every 30 s, about 2,900 events a day that
// would push everything else out of Windows's Application log.
const progressEvery = time.Hour

// eventLines decides which lines a Windows service prints reach its event
// log. A line does when no line of its shape (the line without its digits:
// the same sentence with other numbers and times) did in the last
// progressEvery, or when it turns from information to trouble (a warning
// or a failure) or back: a first line, a new kind of news, the start of a
// failure and the recovery from it are always seen, and neither a sync's
// progress nor the same failure every step during a long outage floods
// the log. A line left out is counted, and the next of its shape logged
// says how many were.
type eventLines struct {
	emit func(id uint32, line string)
	now  func() time.Time

	mu      sync.Mutex
	trouble bool // the last line was a warning or a failure
	turn    int  // how many times the lines turned to trouble or back
	shapes  map[string]*shape
}

type shape struct {
	logged time.Time // when a line of this shape was last logged
	turn   int       // at which turn
	held   int       // its lines left out since
}

func newEventLines(emit func(id uint32, line string), now func() time.Time) *eventLines {
	return &eventLines{emit: emit, now: now, shapes: map[string]*shape{}}
}

// maxShapes bounds what eventLines remembers; past it, it starts again.
const maxShapes = 1000

func (l *eventLines) line(id uint32, line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if trouble := id != eventInfo; trouble != l.trouble {
		l.trouble = trouble
		l.turn++
	}
	key := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, line)
	now := l.now()
	sh := l.shapes[key]
	if sh != nil && sh.turn == l.turn && now.Sub(sh.logged) < progressEvery {
		sh.held++
		return
	}
	if sh != nil && sh.held > 0 {
		line += fmt.Sprintf(" (%d more like it since %s not logged: a repeated line is logged once an hour.)",
			sh.held, sh.logged.Local().Format("15:04"))
	}
	if sh == nil {
		if len(l.shapes) >= maxShapes {
			clear(l.shapes)
		}
		sh = &shape{}
		l.shapes[key] = sh
	}
	*sh = shape{logged: now, turn: l.turn}
	l.emit(id, line)
}

// writer is what a command prints to stdout (errors false) or stderr,
// split into lines for the event log: stdout's as information, stderr's as
// failures, its "Warning: …" lines as warnings.
func (l *eventLines) writer(errors bool) *eventWriter {
	return &eventWriter{lines: l, errors: errors}
}

type eventWriter struct {
	lines  *eventLines
	errors bool
	mu     sync.Mutex
	buf    []byte
}

func (w *eventWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := strings.TrimRight(string(w.buf[:i]), "\r")
		w.buf = w.buf[i+1:]
		switch {
		case line == "":
		case !w.errors:
			w.lines.line(eventInfo, line)
		case strings.HasPrefix(line, "Warning: "):
			w.lines.line(eventWarning, line)
		default:
			w.lines.line(eventError, line)
		}
	}
}
