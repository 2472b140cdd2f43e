package handlers

import (
	"regexp"
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

// phoneRE finds UK telephone numbers as the corpus writes them (01632 961
// 250, 0800 123 4567, 020 7946 0000, +44 1632 961250) and the emergency
// and non-emergency numbers 999, 111 and 101 said on their own.
var phoneRE = regexp.MustCompile(`(?:\+44 ?\(?0?\)? ?|\b0)\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b(?:999|111|101)\b`)

// Phones rewrites each telephone number in s with link(number, tel), tel
// a tel: URL of its digits, and the rest with text.
func Phones(s string, text func(string) string, link func(number, tel string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range phoneRE.FindAllStringIndex(s, -1) {
		n := s[m[0]:m[1]]
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, n)
		b.WriteString(text(s[last:m[0]]))
		b.WriteString(link(n, "tel:"+digits))
		last = m[1]
	}
	b.WriteString(text(s[last:]))
	return b.String()
}
