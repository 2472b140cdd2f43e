package knowledge

import (
	"slices"
	"testing"

	"github.com/waymarkhq/waymark/bot"
)

// A question asking for a value names the kinds it asks for, and "how
// many" what it counts; other questions ask for none.
func TestAskedValues(t *testing.T) {
	b := &Base{an: newAnalyser()}
	for _, tc := range []struct {
		q       string
		kinds   valueKind
		counted []string
	}{
		{"how much does the level 2 course cost", valueMoney, nil},
		{"foster carer allowance rates this year", valueMoney, nil},
		{"what does the interpreting service pay per hour", valueMoney, nil},
		{"what time does the drop-in open on tuesday", valueClock, nil},
		{"bus times to the civic centre", valueClock, nil},
		{"when is the next panel", valueWhen, nil},
		{"how long does the front door take to decide", valueWhen, nil},
		{"how many referrals did we make last year", valueCount, []string{"referr"}},
		{"how do i make a prevent referral", 0, nil},
		{"who is the duty manager tonight", 0, nil},
		// Wages in a disclosure are not a question about pay.
		{"a boss takes their rent out of wages, is this modern slavery", 0, nil},
		// "How much" of something else, "pay attention", "up to date" and a
		// date of birth ask for no value; a curly apostrophe is one.
		{"how much information should i share with parents", 0, nil},
		{"what do i need to pay attention to on a home visit", 0, nil},
		{"is the prevent referral form up to date", 0, nil},
		{"do i put his date of birth on the form", 0, nil},
		{"when’s the next prevent training", valueWhen, nil},
		{"how much is a dbs check", valueMoney, nil},
	} {
		a := b.askedValues(tc.q)
		if a.kinds != tc.kinds {
			t.Errorf("%q asks for %v, want %v", tc.q, a.kinds, tc.kinds)
		}
		if tc.counted != nil && !slices.Equal(a.counted, tc.counted) {
			t.Errorf("%q counts %v, want %v", tc.q, a.counted, tc.counted)
		}
	}
}

// A document gives a value when it states one; phone numbers and list
// numbers are not counts.
func TestDocumentGivesValues(t *testing.T) {
	doc := func(id, body string) *bot.Document {
		return &bot.Document{ID: id, Title: "Prevent awareness course", Body: body}
	}
	docs := []*bot.Document{
		doc("priced", "The course costs £45 a place and runs termly."),
		doc("free", "The course is free of charge for council staff."),
		doc("timed", "Sessions run from 9:30am to 12:30pm."),
		doc("dated", "Book within 10 working days of starting."),
		doc("counted", "Last year we trained 240 practitioners across 12 schools."),
		doc("plain", "1. Ask your manager.\n2. Book the course.\n\nQuestions: ring 01632 960 123 staff."),
	}
	b := &Base{an: newAnalyser(), docs: map[string]*docTerms{}}
	for _, d := range docs {
		b.docs[d.ID] = &docTerms{}
	}
	for _, tc := range []struct {
		q     string
		gives []string
	}{
		{"how much does the prevent course cost", []string{"priced", "free"}},
		{"what time does the course start", []string{"timed"}},
		{"how soon do i have to book", []string{"priced", "dated"}}, // "termly" is how often
		{"how many schools took part", []string{"counted"}},
		{"how many managers approve it", nil},
		{"how many staff answer the line", nil}, // "123 staff" is a phone number's tail
	} {
		a := b.askedValues(tc.q)
		var got []string
		for _, d := range docs {
			if b.gives(a, d) {
				got = append(got, d.ID)
			}
		}
		if !slices.Equal(got, tc.gives) {
			t.Errorf("%q: given by %v, want %v", tc.q, got, tc.gives)
		}
	}
}

// The feature looks at the top two candidates: the answer is often second.
func TestValueMissingReadsTopTwo(t *testing.T) {
	b := &Base{an: newAnalyser(), docs: map[string]*docTerms{}}
	plain := &bot.Document{ID: "plain", Title: "Booking", Body: "Ask your manager, then book."}
	priced := &bot.Document{ID: "priced", Title: "Fees", Body: "Each place costs £30."}
	for _, d := range []*bot.Document{plain, priced} {
		b.docs[d.ID] = &docTerms{}
	}
	a := b.askedValues("how much is a place")
	for _, tc := range []struct {
		rs   []*bot.Document
		want bool
	}{
		{[]*bot.Document{plain}, true},
		{[]*bot.Document{plain, priced}, false},
		{[]*bot.Document{priced, plain}, false},
		{nil, true},
	} {
		var rs []ranked
		for _, d := range tc.rs {
			rs = append(rs, ranked{doc: d})
		}
		if got := b.valueMissing(a, rs); got != tc.want {
			t.Errorf("candidates %v: value_missing %v, want %v", tc.rs, got, tc.want)
		}
	}
	if b.valueMissing(b.askedValues("how do i book a place"), []ranked{{doc: plain}}) {
		t.Error("a question asking for no value has value_missing")
	}
}

// The shipped abstention model, fitted across councils, has learned that a
// question whose value no top candidate gives is less likely answered.
func TestShippedModelDoubtsMissingValues(t *testing.T) {
	m, err := BuiltinAbstainModel()
	if err != nil {
		t.Fatal(err)
	}
	i := slices.Index(featureNames, "value_missing")
	if i < 0 || i >= len(m.Weights) {
		t.Fatalf("no value_missing feature in %v", m.Features)
	}
	if w := m.Weights[i]; w >= 0 {
		t.Errorf("value_missing weight %.3f, want negative", w)
	}
}
