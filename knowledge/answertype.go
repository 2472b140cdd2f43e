package knowledge

import (
	"regexp"
	"slices"
	"strings"

	"github.com/waymarkhq/waymark/bot"
)

// Questions that ask for a value (what it costs, what time, when, how
// many) are answered only by a document that gives one. A procedure that
// shares the question's words but names no price, time or count does not
// answer "how much does the course cost" or "how many referrals did we
// make last year", and those are the questions near a council's topic
// that its corpus does not cover. The abstention model's value_missing
// feature says that neither of the top two candidates gives a value asked for;
// its weight, like the others', is fitted across councils.

// valueKind is a set of kinds of value.
type valueKind uint8

const (
	valueMoney valueKind = 1 << iota // a price, fee, rate or "free"
	valueClock                       // a time of day or opening hours
	valueWhen                        // a date, a day, a period or how often
	valueCount                       // a number of things
)

// valueAsk is what a question asks for: the kinds of value and, for "how
// many", the index terms of what is counted.
type valueAsk struct {
	kinds   valueKind
	counted []string
}

// kindsRE is one pattern a kind of value, for questions (asking for it)
// or for documents (giving it).
type kindsRE [3]*regexp.Regexp // money, clock, when

// matches is the kinds whose pattern matches s.
func (k *kindsRE) matches(s string) valueKind {
	var v valueKind
	for i, re := range k {
		if re.MatchString(s) {
			v |= 1 << i
		}
	}
	return v
}

var askRE = kindsRE{
	regexp.MustCompile(`(?i)\bhow much\b[\w'’ ]{0,40}\b(?:costs?|charged?|pay|paid|earn|fees?|spend|claim|prices?|money|allowances?|salary)\b|\bhow much (?:is|are|does|do) (?:an?|the)\b|\bcosts?\b|\bprices?\b|\bfees?\b|\bsalar(?:y|ies)\b|\ballowances?\b|\b(?:pay|hourly|daily|mileage|overtime|sessional) rates?\b|\bwhat (?:does|do|will|would) [\w'’ ]{1,40}\bpay\b`),
	regexp.MustCompile(`(?i)\bwhat time\b|\b(?:train|bus|ferry|tram|opening|closing|start|finish|departure|arrival|visiting|surgery|session|meeting|service) times\b|\btimetables?\b|\b(?:opening|office|visiting) hours\b|\bwhat hours\b`),
	regexp.MustCompile(`(?i)\bdates?\b|\bdeadlines?\b|\bwhen(?:['’]s| is| are| does| do| will| was| did)\b|\bhow soon\b|\bby when\b|\bhow often\b|\bhow long (?:do|does|did|is|are|will|can|should|have|has|until|before|after)\b`),
}

var askCountRE = regexp.MustCompile(`(?i)\bhow many\b((?:\s+[\w'’]+){0,2})`)

// notAskRE are phrases that look like asking for a value and are not:
// "pay attention", "up to date", "date of birth". A kind stays asked for
// only if its pattern still matches without them.
var notAskRE = regexp.MustCompile(`(?i)\bpay(?:ing)? (?:close |more )?attention\b|\b(?:up|out) to date\b|\bout of date\b|\bdates? of birth\b`)

// askedValues reads what values q asks for.
func (b *Base) askedValues(q string) valueAsk {
	if notAskRE.MatchString(q) {
		q = notAskRE.ReplaceAllString(q, " ")
	}
	a := valueAsk{kinds: askRE.matches(q)}
	if m := askCountRE.FindStringSubmatch(q); m != nil {
		a.kinds |= valueCount
		a.counted = b.an.terms(m[1])
	}
	return a
}

var giveRE = kindsRE{
	regexp.MustCompile(`(?i)£\s?\d|\b\d+(?:\.\d\d)?p\b|\bpence\b|\bpounds\b|\bfree of charge\b|\bno charge\b|\bat no cost\b|\bis free\b|\bper (?:mile|hour|session|day)\b`),
	regexp.MustCompile(`(?i)\b\d{1,2}(?:[:.]\d\d)?\s?(?:am|pm)\b|\b\d{1,2}:\d\d\b|\bmidday\b|\bnoon\b|\bmidnight\b|\b24/7\b|\b24 hours\b|\bround the clock\b`),
	regexp.MustCompile(`(?i)\b(?:january|february|march|april|june|july|august|september|october|november|december|jan|feb|apr|jun|jul|aug|sept|oct|nov|dec)\b|\b\d{1,2}(?:st|nd|rd|th)? may\b|\bmay \d|\b\d{1,2}/\d{1,2}\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekday|weekend)s?\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a|an|each|every|per|the same|the next)\s+(?:working |calendar |school |clear )?(?:days?|weeks?|fortnights?|months?|hours?|years?|terms?|minutes?)\b|\b(?:daily|weekly|fortnightly|monthly|quarterly|termly|annually|yearly|immediately|straight away|tomorrow|today)\b`),
}

var (
	// Phone numbers and list numbers are not counts.
	notCountRE = regexp.MustCompile(`(?:\+44\s?|\b0)\d[\d ]{7,12}\d|(?m)^\s*\d+[.)]`)
	numberRE   = regexp.MustCompile(`(?i)\b(?:\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozen)\b`)
)

// givenValues is what kinds of value document d gives, and the index terms
// it counts (the first three index terms in the 40 bytes after a number).
// Made the first time d is a top candidate for a question asking for a
// value.
func (b *Base) givenValues(d *bot.Document) (valueKind, []string) {
	dt := b.docs[d.ID]
	dt.valuesOnce.Do(func() {
		text := d.Title + "\n" + d.Summary + "\n" + dt.plainBody(d)
		if c := d.Contact; c != nil {
			text += "\n" + c.Hours + "\n" + c.OutOfHours
		}
		dt.values = giveRE.matches(text)
		var counted []string
		text = notCountRE.ReplaceAllString(text, " ")
		for _, loc := range numberRE.FindAllStringIndex(text, -1) {
			// Digits inside a phone number or a reference are not counts.
			if loc[0] > 0 && isDigitByte(text[loc[0]-1]) || loc[1] < len(text) && (isDigitByte(text[loc[1]]) || text[loc[1]] == '/') {
				continue
			}
			dt.values |= valueCount
			after := text[loc[1]:min(len(text), loc[1]+40)]
			ts := b.an.terms(after)
			counted = append(counted, ts[:min(3, len(ts))]...)
		}
		slices.Sort(counted)
		dt.counted = slices.Compact(counted)
	})
	return dt.values, dt.counted
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// valueMissing reports whether a asks for values and neither of the top
// two candidates rs gives any of them (the answer is often the second).
func (b *Base) valueMissing(a valueAsk, rs []ranked) bool {
	if a.kinds == 0 {
		return false
	}
	for _, r := range rs[:min(2, len(rs))] {
		if b.gives(a, r.doc) {
			return false
		}
	}
	return true
}

// gives reports whether d gives one of the values a asks for.
func (b *Base) gives(a valueAsk, d *bot.Document) bool {
	given, counted := b.givenValues(d)
	if given&a.kinds&^valueCount != 0 {
		return true
	}
	if a.kinds&valueCount == 0 || given&valueCount == 0 {
		return false
	}
	if len(a.counted) == 0 {
		return true
	}
	for _, t := range a.counted {
		if _, ok := slices.BinarySearch(counted, t); ok {
			return true
		}
	}
	return false
}

// String names the kinds in k, for explain.
func (k valueKind) String() string {
	var ns []string
	for i, n := range []string{"money", "clock", "when", "count"} {
		if k&(1<<i) != 0 {
			ns = append(ns, n)
		}
	}
	return strings.Join(ns, "+")
}
