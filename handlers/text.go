package handlers

import (
	"strings"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/bot"
)

// The wording the chat adapters share when they render a bot.Reply.

// Ellipsis ends text cut to fit a platform's limit.
const Ellipsis = "…"

// Truncate cuts s to at most n characters, the last an ellipsis.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:n-1]), " \n") + Ellipsis
}

// AreaName is how a document's area reads on a card: "National" for the
// national documents, the area's own name otherwise.
func AreaName(a string) string {
	if a == bot.AreaNational {
		return "National"
	}
	return a
}

// Plural is one when n is 1, and many otherwise.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
