package knowledge

import (
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/waymarkhq/waymark/bot"
)

// Risk kinds a Screening can name.
const (
	RiskTravel  = "travel"  // planned travel to join a group or a conflict
	RiskWeapon  = "weapon"  // a weapon or explosives at hand
	RiskAttack  = "attack"  // a stated intention to attack or kill
	RiskMissing = "missing" // a missing child with another risk
	RiskDanger  = "danger"  // a child in danger now, or afraid to go home
	// RiskMarriage is a child made to marry, or taken abroad to marry.
	RiskMarriage = "forced-marriage"
	// RiskFGM is a child to be taken abroad for female genital mutilation.
	RiskFGM = "fgm"
	// RiskSuicide is a child about to take their own life.
	RiskSuicide = "suicide"
	// RiskSerious is a serious or immediate risk that the learned model
	// recognised where no situation's signals did (riskmodel.go).
	RiskSerious = "serious"
)

// Personal-data kinds a Screening can name.
const (
	PDNameWithDOB = "name_with_dob"
	PDDateOfBirth = "date_of_birth"
	PDAddress     = "address"
	PDPostcode    = "postcode"
	PDNHSNumber   = "nhs_number"
	PDPhone       = "phone"
	PDEmail       = "email"
	// PDRecordNumber is a number that identifies a person's record: a
	// pupil number or UPN, a case or client reference, a National
	// Insurance number.
	PDRecordNumber = "record_number"
)

// screener checks questions for risk and for identifying details. It knows
// the corpus's published service details (phone numbers, emails, postcodes,
// names of teams and places), so a practitioner quoting the MASH's number is
// not told off for posting personal data.
type screener struct {
	publicPhones    map[string]bool
	publicEmails    map[string]bool
	publicPostcodes map[string]bool
	publicNames     map[string]bool // capitalised word pairs the corpus uses
	publicStreets   map[string]bool // street addresses the corpus publishes, lower case
	now             func() time.Time
}

func newScreener(docs []*bot.Document, now func() time.Time) *screener {
	// Documents are read in parallel, each worker into its own sets.
	workers := min(runtime.GOMAXPROCS(0), max(1, len(docs)/64))
	parts := make([]*screener, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = publicDetails(docs[w*len(docs)/workers : (w+1)*len(docs)/workers])
		}()
	}
	wg.Wait()
	s := parts[0]
	for _, p := range parts[1:] {
		maps.Copy(s.publicPhones, p.publicPhones)
		maps.Copy(s.publicEmails, p.publicEmails)
		maps.Copy(s.publicPostcodes, p.publicPostcodes)
		maps.Copy(s.publicNames, p.publicNames)
		maps.Copy(s.publicStreets, p.publicStreets)
	}
	s.now = now
	return s
}

// publicDetails collects the service details docs publish.
func publicDetails(docs []*bot.Document) *screener {
	s := &screener{
		publicPhones:    map[string]bool{},
		publicEmails:    map[string]bool{},
		publicPostcodes: map[string]bool{},
		publicNames:     map[string]bool{},
		publicStreets:   map[string]bool{},
	}
	for _, d := range docs {
		text := d.Title + "\n" + d.Summary + "\n" + d.Body
		if c := d.Contact; c != nil {
			text += "\n" + strings.Join([]string{c.Name, c.Role, c.Team, c.Organisation, c.Phone, c.Email, c.Hours, c.OutOfHours}, "\n")
		}
		// Each pattern is tried only where one can start (a number, a
		// letter before a digit), on a short window: matching the whole
		// text case-insensitively was most of a large corpus's build.
		for _, p := range numberStarts(text) {
			if m := phoneAt.FindString(window(text, p, 24)); m != "" {
				s.publicPhones[digits(m)] = true
			}
			if m := streetAt.FindString(window(text, p, 96)); m != "" {
				s.publicStreets[normaliseStreet(m)] = true
			}
			for q := max(0, p-2); q < p; q++ {
				if q > 0 && isWordByte(text[q-1]) {
					continue
				}
				if m := postcodeAt.FindString(window(text, q, 9)); m != "" {
					s.publicPostcodes[normalisePostcode(m)] = true
				}
			}
		}
		if strings.Contains(text, "+44") {
			for _, m := range phoneRE.FindAllString(text, -1) {
				s.publicPhones[digits(m)] = true
			}
		}
		for _, m := range emailsIn(text) {
			s.publicEmails[strings.ToLower(m)] = true
		}
		for _, p := range capitalisedPairs(text) {
			s.publicNames[p] = true
		}
	}
	return s
}

// emailsIn is emailRE.FindAllString(text, -1), looking only around each
// "@": unanchored, the pattern is tried at every letter of a document.
func emailsIn(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '@')
		if j < 0 {
			break
		}
		at := i + j
		from := at
		for from > i && isEmailLocalByte(text[from-1]) {
			from--
		}
		to := at + 1
		for to < len(text) && isEmailDomainByte(text[to]) {
			to++
		}
		if loc := emailRE.FindStringIndex(text[from:to]); loc != nil {
			out = append(out, text[from+loc[0]:from+loc[1]])
			i = from + loc[1]
		} else {
			i = at + 1
		}
	}
	return out
}

func isEmailDomainByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

func isEmailLocalByte(c byte) bool {
	return isEmailDomainByte(c) || c == '_' || c == '%' || c == '+'
}

// Anchored forms of the patterns, for numberStarts.
var (
	phoneAt    = regexp.MustCompile(`^(?:` + phoneRE.String() + `)`)
	streetAt   = regexp.MustCompile(`^(?:` + streetRE.String() + `)`)
	postcodeAt = regexp.MustCompile(`^(?:` + postcodeRE.String() + `)`)
)

func isWordByte(c byte) bool {
	// ASCII only, as regexp's \b: a non-breaking space or a curly quote
	// before a postcode is not a word.
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// numberStarts lists where a run of digits starts in text.
func numberStarts(text string) []int {
	var out []int
	for i := 0; i < len(text); i++ {
		if c := text[i]; c >= '0' && c <= '9' && (i == 0 || text[i-1] < '0' || text[i-1] > '9') {
			out = append(out, i)
		}
	}
	return out
}

// window is up to n bytes of text from p.
func window(text string, p, n int) string { return text[p:min(len(text), p+n)] }

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

var (
	phoneRE    = regexp.MustCompile(`(?:\+44\s?\(?0?\)?\s?|\b0)\d(?:[\s-]?\d){8,9}\b`)
	emailRE    = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	postcodeRE = regexp.MustCompile(`(?i)\b[A-Z]{1,2}[0-9][A-Z0-9]?\s?[0-9][ABD-HJLNP-UW-Z]{2}\b`)
	nhsRE      = regexp.MustCompile(`\b\d{3}[\s-]?\d{3}[\s-]?\d{4}\b`)
	streetRE   = regexp.MustCompile(`(?i)\b\d{1,4}[a-z]?,?\s+(?:[a-z'-]+\s+){1,3}(?:road|rd|street|st|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|cres|place|pl|terrace|grove|gardens|gdns|walk|row|mews|square|sq|rise|view|parade|hill|green|estate)\b`)
	flatRE     = regexp.MustCompile(`(?i)\b(?:flat|apartment|apt)\s+\d+[a-z]?\b`)
	dateRE     = regexp.MustCompile(`(?i)\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\b|\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b|\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	nhsCueRE   = regexp.MustCompile(`(?i)\bnhs(?:\s*(?:no|num|number|#))?\.?(?:\s*is)?[\s:#\-]*$`)
	// recordRE is a record's number after what it numbers ("pupil no.
	// 4471203", "UPN: A123...", "case ref 22/0456"), or a National
	// Insurance number by its shape.
	recordRE = regexp.MustCompile(`(?i)\b(?:(?:pupil|student|case|client|child|person|record|file|mosaic|liquidlogic|lcs|eclipse|carefirst|police|crime|ref(?:erence)?|id|unique pupil|uln|upn|ni|national insurance)\s*(?:no\.?|num(?:ber)?|#|ref(?:erence)?\.?|id)?|upn|uln)(?:\s+is)?[\s:#.\-]*([A-Z]{0,2}[\s\-/]?\d(?:[\s/\-]?[A-Z0-9]){3,14})\b|\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b`)
	dobCueRE = regexp.MustCompile(`(?i)\b(?:dob|d\.o\.b|date of birth|born(?: on)?|birthday)\b\.?[\s:\-(]*$`)
)

func normalisePostcode(s string) string { return strings.ToUpper(strings.ReplaceAll(s, " ", "")) }

// nhsCueSpan is how far before a number "NHS no" is looked for: a bounded
// window, so screening stays linear however long the text.
const nhsCueSpan = 24

// nhsValid checks an NHS number's modulus 11 check digit.
func nhsValid(d string) bool {
	if len(d) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(d[9]-'0')
}

// personal returns the kinds of identifying detail in text, and where they
// are (byte spans), so a search can leave them out.
func (s *screener) personal(text string) (kinds []string, spans [][2]int) {
	add := func(k string, sp ...[2]int) {
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
		spans = append(spans, sp...)
	}
	span := func(loc []int) [2]int { return [2]int{loc[0], loc[1]} }
	for _, loc := range nhsRE.FindAllStringIndex(text, -1) {
		// A valid check digit, or "NHS no" before it: a mistyped number
		// is still someone's.
		if nhsValid(digits(text[loc[0]:loc[1]])) || nhsCueRE.MatchString(text[max(0, loc[0]-nhsCueSpan):loc[0]]) {
			add(PDNHSNumber, span(loc))
		}
	}
	for _, loc := range phoneRE.FindAllStringIndex(text, -1) {
		d := digits(text[loc[0]:loc[1]])
		if strings.HasPrefix(d, "44") {
			d = "0" + strings.TrimPrefix(strings.TrimPrefix(d, "44"), "0")
		}
		if !s.publicPhones[d] && !nhsValid(d) {
			add(PDPhone, span(loc))
		}
	}
	for _, loc := range emailRE.FindAllStringIndex(text, -1) {
		if !s.publicEmails[strings.ToLower(text[loc[0]:loc[1]])] {
			add(PDEmail, span(loc))
		}
	}
	for _, loc := range postcodeRE.FindAllStringIndex(text, -1) {
		if !s.publicPostcodes[normalisePostcode(text[loc[0]:loc[1]])] {
			add(PDPostcode, span(loc))
		}
	}
	for _, loc := range streetRE.FindAllStringIndex(text, -1) {
		if !s.publicStreets[normaliseStreet(text[loc[0]:loc[1]])] {
			add(PDAddress, span(loc))
		}
	}
	for _, loc := range flatRE.FindAllStringIndex(text, -1) {
		add(PDAddress, span(loc))
	}
	for _, loc := range recordRE.FindAllStringSubmatchIndex(text, -1) {
		// Four digits or more: "case 12" or "year 9" numbers nothing.
		if n := text[loc[0]:loc[1]]; len(digits(n)) >= 4 && !s.publicPhones[digits(n)] {
			add(PDRecordNumber, span(loc))
		}
	}
	names := s.personNames(text)
	for _, loc := range dateRE.FindAllStringSubmatchIndex(text, -1) {
		t, ok := parseDate(text, loc)
		if !ok {
			continue
		}
		from := max(0, loc[0]-24)
		if cue := dobCueRE.FindStringIndex(text[from:loc[0]]); cue != nil {
			add(PDDateOfBirth, [2]int{from + cue[0], loc[1]}) // "DOB 04/05/2012"
			if len(names) > 0 {
				add(PDNameWithDOB, names...)
			}
			continue
		}
		// A past date near a full name reads as a date of birth.
		now := s.now()
		if t.Before(now) && t.After(now.AddDate(-30, 0, 0)) {
			for _, n := range names {
				if abs(n[0]-loc[0]) <= 60 {
					add(PDNameWithDOB, n, span(loc))
				}
			}
		}
	}
	return kinds, spans
}

// redact blanks the spans of text, so identifying details never reach the
// search (and unknown names do not count against its confidence).
func redact(text string, spans [][2]int) string {
	if len(spans) == 0 {
		return text
	}
	b := []byte(text)
	for _, sp := range spans {
		for i := sp[0]; i < sp[1] && i < len(b); i++ {
			b[i] = ' '
		}
	}
	return string(b)
}

// normaliseStreet folds case, commas and spaces so "12 Mill Lane" and
// "12 mill lane" are the same published address.
func normaliseStreet(m string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(m, ",", " "))), " ")
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

var months = map[string]time.Month{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}

func parseDate(text string, loc []int) (time.Time, bool) {
	group := func(i int) string {
		if loc[2*i] < 0 {
			return ""
		}
		return strings.ToLower(text[loc[2*i]:loc[2*i+1]])
	}
	var day, year int
	var month time.Month
	switch {
	case group(1) != "":
		day, _ = strconv.Atoi(group(1))
		m, _ := strconv.Atoi(group(2))
		month = time.Month(m)
		year, _ = strconv.Atoi(group(3))
		if year < 100 {
			year += 2000
			if year > time.Now().Year() {
				year -= 100
			}
		}
	case group(4) != "":
		day, _ = strconv.Atoi(group(4))
		month = months[group(5)]
		year, _ = strconv.Atoi(group(6))
	case group(10) != "": // ISO 8601: 2012-11-05
		year, _ = strconv.Atoi(group(10))
		m, _ := strconv.Atoi(group(11))
		month = time.Month(m)
		day, _ = strconv.Atoi(group(12))
	default:
		month = months[group(7)]
		day, _ = strconv.Atoi(group(8))
		year, _ = strconv.Atoi(group(9))
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || year < 1900 {
		return time.Time{}, false
	}
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC), true
}

// personNames returns the spans of capitalised word pairs that look like a
// person's full name: two capitalised words that the corpus does not use
// together (so not "Channel Panel" or "Safer Futures").
func (s *screener) personNames(text string) [][2]int {
	var out [][2]int
	words := wordSpans(text)
	for i := 0; i+1 < len(words); i++ {
		a, b := text[words[i][0]:words[i][1]], text[words[i+1][0]:words[i+1][1]]
		if !isCapitalisedName(a) || !isCapitalisedName(b) {
			continue
		}
		if between := text[words[i][1]:words[i+1][0]]; strings.TrimSpace(between) != "" {
			continue
		}
		if s.publicNames[a+" "+b] || commonCapitalised[strings.ToLower(a)] || commonCapitalised[strings.ToLower(b)] {
			continue
		}
		out = append(out, [2]int{words[i][0], words[i+1][1]})
	}
	return out
}

// commonCapitalised are words often capitalised in chat that are not names.
var commonCapitalised = map[string]bool{
	"i": true, "mum": true, "dad": true, "mr": true, "mrs": true, "ms": true, "miss": true, "dr": true,
	"year": true, "monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true,
	"saturday": true, "sunday": true, "the": true, "hi": true, "hello": true, "please": true, "is": true,
	"can": true, "what": true, "who": true, "how": true, "does": true, "do": true, "my": true, "our": true,
	"nhs": true, "dob": true, "police": true, "school": true, "council": true, "prevent": true, "channel": true,
}

// isCapitalisedName reports whether w is written as a name is: a capital
// and lower-case letters, in parts joined by hyphens or apostrophes that
// may each be capitalised (Marsh-Wilcox, O'Brien), or after Mc and Mac
// (McDonald, MacLeod).
func isCapitalisedName(w string) bool {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s") // Kayden's
	if utf8.RuneCountInString(w) < 2 {
		return false
	}
	part := 0 // byte offset where the current part starts
	for i, r := range w {
		switch {
		case r == '-' || r == '\'' || r == '’':
			part = i + utf8.RuneLen(r)
		case i == part:
			if !unicode.IsUpper(r) {
				return false
			}
		case unicode.IsLower(r):
		case unicode.IsUpper(r) && (w[part:i] == "Mc" || w[part:i] == "Mac"):
		default:
			return false
		}
	}
	return part < len(w) // not ending in a hyphen
}

var wordRE = regexp.MustCompile(`[\p{L}][\p{L}'’-]*`)

// wordSpans is wordRE.FindAllStringIndex, without a regular expression:
// it runs over every document.
func wordSpans(text string) [][2]int {
	out := make([][2]int, 0, len(text)/6)
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			i += n
			continue
		}
		start := i
		i += n
		for i < len(text) {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && r != '\'' && r != '’' && r != '-' {
				break
			}
			i += n
		}
		out = append(out, [2]int{start, i})
	}
	return out
}

func capitalisedPairs(text string) []string {
	var out []string
	ws := wordSpans(text)
	for i := 0; i+1 < len(ws); i++ {
		a, b := text[ws[i][0]:ws[i][1]], text[ws[i+1][0]:ws[i+1][1]]
		if isCapitalisedName(a) && isCapitalisedName(b) && strings.TrimSpace(text[ws[i][1]:ws[i+1][0]]) == "" {
			out = append(out, a+" "+b)
		}
	}
	return out
}
