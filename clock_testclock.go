//go:build testclock

package main

import (
	"os"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// clock, in a binary built with -tags testclock, reads the time from the
// file WAYMARK_TEST_CLOCK_FILE names (RFC 3339) at every reading, so a
// test can move the time of several serve processes at once. Never in a
// release build: clock.go is the one without the tag.
func (a *app) clock() bot.Clock {
	if f := a.getenv("WAYMARK_TEST_CLOCK_FILE"); f != "" {
		return fileClock(f)
	}
	return nil
}

type fileClock string

func (f fileClock) Now() time.Time {
	b, err := os.ReadFile(string(f))
	if err != nil {
		panic("test clock: " + err.Error())
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b)))
	if err != nil {
		panic("test clock: " + err.Error())
	}
	return t
}
