package main

import (
	"strings"
	"testing"
)

func TestLastLine(t *testing.T) {
	for in, want := range map[string]string{
		"lifeboat kiosk: The data folder does not exist.\n": "lifeboat kiosk: The data folder does not exist.",
		"Warning: one\r\nlifeboat kiosk: Two.\r\n\r\n":      "lifeboat kiosk: Two.",
		"":           "",
		"no newline": "no newline",
	} {
		if got := lastLine([]byte(in)); got != want {
			t.Errorf("lastLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTailBufferKeepsTheEnd(t *testing.T) {
	tb := &tailBuffer{max: 10}
	for range 5 {
		tb.Write([]byte(strings.Repeat("x", 7)))
	}
	tb.Write([]byte("\nlast"))
	if got := tb.String(); got != "xxxxx\nlast" {
		t.Errorf("kept %q", got)
	}
}
