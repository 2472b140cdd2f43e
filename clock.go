//go:build !testclock

package main

import "github.com/waymarkhq/waymark/bot"

// clock is the clock serve runs on: the system's (nil), except in a
// binary built with -tags testclock for the tests that run serve as
// separate processes (clock_testclock.go).
func (a *app) clock() bot.Clock { return nil }
