package bot

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/London must load on hosts without a zone database
)

// holidayLayout is how a holiday is written: a date in the calendar's zone.
const holidayLayout = "2006-01-02"

// Calendar says when the service works: the working days of the week, the
// hours of a working day and the holidays, all in one time zone. Working
// days and claim SLAs given in working days are counted by it.
//
// Start and End are times of day on the wall clock (9 * time.Hour is 09:00
// whether or not the clocks changed that night), not time elapsed since
// midnight. A moment works when its local date is a working day and its
// local clock is in [Start, End): 09:00 is in, 17:00 is out.
//
// Working, AddWorkingDays and Deadline expect a calendar that passes
// Validate. So that they never panic, they read a nil Location as UTC.
type Calendar struct {
	Location *time.Location
	Days     []time.Weekday // the working days of the week
	Start    time.Duration  // opening, as an offset from midnight: 9 * time.Hour
	End      time.Duration  // closing, likewise; at most 24h
	// Holidays are dates, written as in "2026-12-25" and read in Location,
	// on which no one works even when the weekday is in Days. A date mapped
	// to false is not a holiday.
	Holidays map[string]bool
	// Until is the last day the holiday list covers: past it, bank
	// holidays are working days. Zero when unknown.
	Until time.Time
}

// RunsOut reports whether c's holiday list ends within d of now, so that
// someone should give it a newer list; false when Until is unknown.
func (c *Calendar) RunsOut(now time.Time, d time.Duration) bool {
	return !c.Until.IsZero() && now.Add(d).After(c.Until)
}

// bankHolidaysJSON are the bank holidays of England and Wales for 2026 to
// 2028, in the format GOV.UK publishes at https://www.gov.uk/bank-holidays.json
// (with the substitute days for those falling at a weekend). A council
// updates them without a release by pointing
// escalation.working_hours.bank_holidays_file at a newer copy.
//
//go:embed bank-holidays.json
var bankHolidaysJSON []byte

// DivisionEnglandWales is GOV.UK's division of the default calendar.
const DivisionEnglandWales = "england-and-wales"

// ParseGovUKHolidays reads bank holidays in GOV.UK's JSON format
// ({"england-and-wales": {"division": ..., "events": [{"title", "date",
// ...}]}, ...}) for one division, and returns them as a Calendar's
// Holidays with the last date listed. It returns an EInvalid *Error for
// malformed JSON, an unknown division, a division with no events or a date
// not written like 2026-12-25.
func ParseGovUKHolidays(data []byte, division string) (map[string]bool, time.Time, error) {
	var doc map[string]struct {
		Events []struct {
			Title string `json:"title"`
			Date  string `json:"date"`
		} `json:"events"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, time.Time{}, Errorf(EInvalid, "bank holidays are not GOV.UK's JSON format: %v", err)
	}
	d, ok := doc[division]
	if !ok {
		var have []string
		for k := range doc {
			have = append(have, k)
		}
		slices.Sort(have)
		return nil, time.Time{}, Errorf(EInvalid, "bank holidays have no division %q (they have %s)", division, strings.Join(have, ", "))
	}
	if len(d.Events) == 0 {
		return nil, time.Time{}, Errorf(EInvalid, "bank holidays list no events for %s", division)
	}
	dates := make([]string, len(d.Events))
	for i, e := range d.Events {
		dates[i] = e.Date
	}
	holidays, err := ParseHolidays(dates)
	if err != nil {
		return nil, time.Time{}, err
	}
	var last time.Time
	for day := range holidays {
		if t, _ := time.Parse(holidayLayout, day); t.After(last) {
			last = t
		}
	}
	return holidays, last, nil
}

// DefaultCalendar returns a new calendar for a council in England or Wales:
// Europe/London, Monday to Friday, 09:00 to 17:00, with the bank holidays of
// 2026 to 2028 (bank-holidays.json). The caller may change it; each call returns a fresh one.
func DefaultCalendar() (*Calendar, error) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return nil, fmt.Errorf("default calendar: %w", err)
	}
	holidays, last, err := ParseGovUKHolidays(bankHolidaysJSON, DivisionEnglandWales)
	if err != nil {
		return nil, fmt.Errorf("default calendar: %w", err)
	}
	return &Calendar{
		Location: loc,
		Days:     []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		Start:    9 * time.Hour,
		End:      17 * time.Hour,
		Holidays: holidays,
		Until:    last,
	}, nil
}

// Validate reports every problem with c at once, as EInvalid *Errors joined
// with errors.Join.
func (c *Calendar) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, Errorf(EInvalid, format, args...))
	}

	if c.Location == nil {
		add("calendar has no Location: set a time zone such as Europe/London")
	}
	if len(c.Days) == 0 {
		add("calendar has no working Days")
	}
	for i, d := range c.Days {
		if d < time.Sunday || d > time.Saturday {
			add("calendar Days[%d] %d is not a weekday (0 Sunday to 6 Saturday)", i, int(d))
		}
	}
	if c.Start < 0 {
		add("calendar Start %s must not be before 00:00", formatClock(c.Start))
	}
	if c.End > 24*time.Hour {
		add("calendar End %s must not be after 24:00", formatClock(c.End))
	}
	if c.Start >= c.End {
		add("calendar Start %s must be before End %s", formatClock(c.Start), formatClock(c.End))
	}
	for _, d := range slices.Sorted(maps.Keys(c.Holidays)) {
		if _, err := time.Parse(holidayLayout, d); err != nil {
			add("calendar holiday %q is not a date like 2026-12-25", d)
		}
	}
	return errors.Join(errs...)
}

// Working reports whether t is inside working hours on a working day, read
// in c's zone: a weekday in Days, not a holiday, at a clock time in
// [Start, End).
func (c *Calendar) Working(t time.Time) bool {
	t = t.In(c.loc())
	if !c.workingDay(t) {
		return false
	}
	clock := clockOf(t)
	return clock >= c.Start && clock < c.End
}

// AddWorkingDays returns the moment n working days after from, in c's zone.
//
// The rule has two steps. First from moves to the next working moment: it
// stays where it is inside working hours, and otherwise goes to Start on the
// next working day, which is today when from is before opening on a working
// day (Friday 18:00 and Saturday 11:00 both go to Monday 09:00; Tuesday
// 07:30 goes to Tuesday 09:00). Then the date steps forward n working days,
// skipping the days not in Days and the holidays, keeping that wall-clock
// time: Monday 10:00 plus 2 is Wednesday 10:00, Friday 18:00 plus 2 is
// Wednesday 09:00, across a change of the clocks too. So the result is
// always a working moment, and n = 0 gives the next working moment.
//
// A negative n counts as 0. If c has no working day at all (it fails
// Validate), AddWorkingDays returns from unchanged, so that an SLA counted
// by a broken calendar falls due at once rather than never.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	start, ok := c.nextWorking(from)
	if !ok {
		return from
	}
	y, m, d := start.Date()
	for counted := 0; counted < n; {
		d++
		if c.workingDay(time.Date(y, m, d, 12, 0, 0, 0, c.loc())) {
			counted++
		}
	}
	h, mi, s := start.Clock()
	return time.Date(y, m, d, h, mi, s, start.Nanosecond(), c.loc())
}

// Deadline returns when the claim SLA of p ends for a request made at from:
// ClaimWithinWorkingDays working days later by c (see AddWorkingDays) when
// that is set, and ClaimWithin of clock time later otherwise.
func (c *Calendar) Deadline(p EscalationPolicy, from time.Time) time.Time {
	if p.ClaimWithinWorkingDays > 0 {
		return c.AddWorkingDays(from, p.ClaimWithinWorkingDays)
	}
	return from.Add(p.ClaimWithin)
}

// ParseHolidays turns dates written like "2026-12-25" into a Calendar's
// Holidays. Spaces around a date are ignored. It reports every date it
// cannot read at once, as EInvalid *Errors joined with errors.Join.
func ParseHolidays(dates []string) (map[string]bool, error) {
	holidays := make(map[string]bool, len(dates))
	var errs []error
	for i, s := range dates {
		d, err := time.Parse(holidayLayout, strings.TrimSpace(s))
		if err != nil {
			errs = append(errs, Errorf(EInvalid, "holiday %d %q is not a date like 2026-12-25", i+1, s))
			continue
		}
		holidays[d.Format(holidayLayout)] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return holidays, nil
}

// ParseClock reads a time of day written "HH:MM" on the 24-hour clock, such
// as "09:00" or "17:30", as an offset from midnight for a Calendar's Start
// or End. "24:00" is the end of the day. It returns an EInvalid *Error for
// anything else.
func ParseClock(s string) (time.Duration, error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	bad := func() (time.Duration, error) {
		return 0, Errorf(EInvalid, "%q is not a time of day like 09:00 (HH:MM, 24-hour clock)", s)
	}
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !allDigits(hs) || !allDigits(ms) {
		return bad()
	}
	h, _ := strconv.Atoi(hs)
	m, _ := strconv.Atoi(ms)
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return bad()
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// loc is c's zone, UTC when it has none.
func (c *Calendar) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// workingDay reports whether t's date, t being in c's zone, is a working
// day: its weekday is in Days and it is not a holiday.
func (c *Calendar) workingDay(t time.Time) bool {
	return slices.Contains(c.Days, t.Weekday()) && !c.Holidays[t.Format(holidayLayout)]
}

// nextWorking returns from if it is a working moment and otherwise Start on
// the next working day, in c's zone. It reports false when there is no
// working day to be found.
func (c *Calendar) nextWorking(from time.Time) (time.Time, bool) {
	t := from.In(c.loc())
	if c.Start < 0 || c.Start >= c.End || c.Start >= 24*time.Hour {
		return time.Time{}, false // no working hours on any day
	}
	y, m, d := t.Date()
	if c.workingDay(t) {
		switch clock := clockOf(t); {
		case clock < c.Start:
			return c.at(y, m, d, c.Start), true
		case clock < c.End:
			return t, true
		}
	}
	// Every week has a working day unless Days is empty or each of its
	// days in a week is a holiday, so this many days always finds one.
	limit := 7 * (len(c.Holidays) + 1)
	for i := 1; i <= limit; i++ {
		day := time.Date(y, m, d+i, 12, 0, 0, 0, c.loc())
		if c.workingDay(day) {
			return c.at(y, m, d+i, c.Start), true
		}
	}
	return time.Time{}, false
}

// at returns the wall-clock time clock on the given date in c's zone.
func (c *Calendar) at(y int, m time.Month, d int, clock time.Duration) time.Time {
	h, rest := clock/time.Hour, clock%time.Hour
	mi, rest := rest/time.Minute, rest%time.Minute
	sec, ns := rest/time.Second, rest%time.Second
	return time.Date(y, m, d, int(h), int(mi), int(sec), int(ns), c.loc())
}

// clockOf returns t's wall-clock time of day as an offset from midnight.
func clockOf(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute +
		time.Duration(s)*time.Second + time.Duration(t.Nanosecond())
}

// formatClock writes an offset from midnight as HH:MM, or as a duration
// when it is not a whole minute in [0, 24h].
func formatClock(d time.Duration) string {
	if d < 0 || d > 24*time.Hour || d%time.Minute != 0 {
		return d.String()
	}
	return fmt.Sprintf("%02d:%02d", d/time.Hour, d%time.Hour/time.Minute)
}
