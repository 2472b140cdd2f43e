package handlers_test

import (
	"testing"

	"github.com/waymarkhq/waymark/handlers"
)

// Each UK telephone number, as corpora write them, becomes a tel: link of
// its digits; years, times and case numbers do not.
func TestPhonesLinkTelephoneNumbers(t *testing.T) {
	link := func(n, tel string) string { return "[" + n + "|" + tel + "]" }
	same := func(s string) string { return s }
	for in, want := range map[string]string{
		"call 999 now":                          "call [999|tel:999] now",
		"Duty Manager Rota, 01632 961 210.":     "Duty Manager Rota, [01632 961 210|tel:01632961210].",
		"EDT 01632 961999 (out of hours)":       "EDT [01632 961999|tel:01632961999] (out of hours)",
		"ring 020 7946 0000 or +44 1632 961250": "ring [020 7946 0000|tel:02079460000] or [+44 1632 961250|tel:+441632961250]",
		"reviewed 2026, at 09:00, WM-000042":    "reviewed 2026, at 09:00, WM-000042",
		"NHS 111 or police 101":                 "NHS [111|tel:111] or police [101|tel:101]",
	} {
		if got := handlers.Phones(in, same, link); got != want {
			t.Errorf("Phones(%q) = %q, want %q", in, got, want)
		}
	}
}
