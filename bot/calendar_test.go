package bot_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// mustDefaultCalendar returns bot.DefaultCalendar, failing tb if it errs.
func mustDefaultCalendar(tb testing.TB) *bot.Calendar {
	tb.Helper()
	c, err := bot.DefaultCalendar()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// londonClock returns a function building wall-clock times in c's zone.
func londonClock(c *bot.Calendar) func(y int, m time.Month, d, h, mi int) time.Time {
	return func(y int, m time.Month, d, h, mi int) time.Time {
		return time.Date(y, m, d, h, mi, 0, 0, c.Location)
	}
}

const layout = "Mon 2006-01-02 15:04:05.999 MST"

func TestDefaultCalendar(t *testing.T) {
	c := mustDefaultCalendar(t)
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if got := c.Location.String(); got != "Europe/London" {
		t.Errorf("Location = %s, want Europe/London", got)
	}
	if want := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}; !slices.Equal(c.Days, want) {
		t.Errorf("Days = %v, want %v", c.Days, want)
	}
	if c.Start != 9*time.Hour || c.End != 17*time.Hour {
		t.Errorf("hours = %v to %v, want 9h0m0s to 17h0m0s", c.Start, c.End)
	}
	// The zone database is embedded: the clocks change on the last Sundays
	// of March and October.
	for _, tt := range []struct {
		at   time.Time
		zone string
	}{
		{time.Date(2026, 3, 29, 0, 59, 0, 0, time.UTC), "GMT"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "BST"},
		{time.Date(2026, 10, 25, 0, 59, 0, 0, time.UTC), "BST"},
		{time.Date(2026, 10, 25, 1, 0, 0, 0, time.UTC), "GMT"},
	} {
		if zone, _ := tt.at.In(c.Location).Zone(); zone != tt.zone {
			t.Errorf("%s is %s in London, want %s", tt.at, zone, tt.zone)
		}
	}

	// Each call returns a calendar of its own.
	c.Holidays["2026-06-01"] = true
	if mustDefaultCalendar(t).Holidays["2026-06-01"] {
		t.Error("changing one default calendar changed another")
	}
}

// TestDefaultCalendarHolidays checks the listed bank holidays against the
// rules they come from, computed here independently: Easter by the
// anonymous Gregorian algorithm, the first and last Mondays, and the
// substitute days for Christmas Day, Boxing Day and New Year's Day falling
// at a weekend.
func TestDefaultCalendarHolidays(t *testing.T) {
	c := mustDefaultCalendar(t)
	var want []string
	for _, y := range []int{2026, 2027, 2028} {
		want = append(want, englandWalesBankHolidays(y)...)
	}
	slices.Sort(want)
	var got []string
	for d, ok := range c.Holidays {
		if ok {
			got = append(got, d)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("holidays:\n got %v\nwant %v", got, want)
	}

	// And against the dates as gov.uk publishes them.
	published := []string{
		"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
		"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
		"2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26",
	}
	if !slices.Equal(got, published) {
		t.Errorf("holidays:\n got %v\nwant %v", got, published)
	}
}

func englandWalesBankHolidays(y int) []string {
	date := func(m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	// Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
	a, b, cc := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := cc/4, cc%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	easter := date(time.Month((h+l-7*m+114)/31), (h+l-7*m+114)%31+1)

	firstMonday := func(mo time.Month) time.Time {
		t := date(mo, 1)
		for t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, 1)
		}
		return t
	}
	lastMonday := func(mo time.Month) time.Time {
		t := date(mo+1, 0)
		for t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, -1)
		}
		return t
	}
	// nextFree moves a holiday at a weekend, or on a day already taken, to
	// the next weekday not taken.
	taken := map[time.Time]bool{}
	nextFree := func(t time.Time) time.Time {
		for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday || taken[t] {
			t = t.AddDate(0, 0, 1)
		}
		taken[t] = true
		return t
	}
	days := []time.Time{
		nextFree(date(time.January, 1)),
		easter.AddDate(0, 0, -2), // Good Friday
		easter.AddDate(0, 0, 1),  // Easter Monday
		firstMonday(time.May),
		lastMonday(time.May),
		lastMonday(time.August),
		nextFree(date(time.December, 25)),
		nextFree(date(time.December, 26)),
	}
	var out []string
	for _, t := range days {
		out = append(out, t.Format("2006-01-02"))
	}
	return out
}

func TestCalendarWorking(t *testing.T) {
	c := mustDefaultCalendar(t)
	at := londonClock(c)
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"Monday opening", at(2026, 1, 5, 9, 0), true},
		{"Monday just before opening", at(2026, 1, 5, 9, 0).Add(-time.Nanosecond), false},
		{"Monday midday", at(2026, 1, 5, 12, 30), true},
		{"Monday just before closing", at(2026, 1, 5, 17, 0).Add(-time.Nanosecond), true},
		{"Monday closing", at(2026, 1, 5, 17, 0), false},
		{"Monday midnight", at(2026, 1, 5, 0, 0), false},
		{"Wednesday", at(2026, 1, 7, 10, 0), true},
		{"Friday afternoon", at(2026, 1, 9, 16, 0), true},
		{"Saturday", at(2026, 1, 10, 12, 0), false},
		{"Sunday", at(2026, 1, 11, 12, 0), false},
		{"New Year's Day 2026", at(2026, 1, 1, 12, 0), false},
		{"2 January 2026", at(2026, 1, 2, 12, 0), true},
		{"Good Friday 2026", at(2026, 4, 3, 12, 0), false},
		{"Easter Monday 2026", at(2026, 4, 6, 12, 0), false},
		{"Christmas Eve 2026", at(2026, 12, 24, 12, 0), true},
		{"Christmas Day 2026", at(2026, 12, 25, 12, 0), false},
		{"Boxing Day substitute 2026", at(2026, 12, 28, 12, 0), false},
		{"29 December 2026", at(2026, 12, 29, 12, 0), true},
		{"Good Friday 2027", at(2027, 3, 26, 12, 0), false},
		{"Easter Monday 2027", at(2027, 3, 29, 12, 0), false},
		{"Tuesday after Easter 2027", at(2027, 3, 30, 9, 0), true},
		{"Christmas substitute 2027", at(2027, 12, 27, 12, 0), false},
		{"Boxing Day substitute 2027", at(2027, 12, 28, 12, 0), false},
		// Read in London, whatever zone t is in.
		{"08:30 UTC is 09:30 BST", time.Date(2026, 6, 1, 8, 30, 0, 0, time.UTC), true},
		{"16:30 UTC is 17:30 BST", time.Date(2026, 6, 1, 16, 30, 0, 0, time.UTC), false},
		{"08:30 UTC is 08:30 GMT", time.Date(2026, 1, 5, 8, 30, 0, 0, time.UTC), false},
		{"first BST morning opens at 09:00 BST", time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC), true},
		{"first BST morning, 07:59 UTC", time.Date(2026, 3, 30, 7, 59, 0, 0, time.UTC), false},
		{"first GMT evening closes at 17:00 GMT", time.Date(2026, 10, 26, 16, 59, 0, 0, time.UTC), true},
		{"23:30 UTC Sunday is Monday 00:30 BST", time.Date(2026, 6, 7, 23, 30, 0, 0, time.UTC), false},
		{"Friday 23:30 UTC is Saturday in BST", time.Date(2026, 6, 5, 23, 30, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Working(tt.t); got != tt.want {
				t.Errorf("Working(%s) = %v, want %v", tt.t.Format(layout), got, tt.want)
			}
		})
	}
}

func TestCalendarAddWorkingDays(t *testing.T) {
	c := mustDefaultCalendar(t)
	at := londonClock(c)
	tests := []struct {
		name string
		from time.Time
		n    int
		want time.Time
	}{
		{"in hours, 0 days", at(2026, 1, 5, 10, 0), 0, at(2026, 1, 5, 10, 0)},
		{"in hours, 1 day", at(2026, 1, 5, 10, 0), 1, at(2026, 1, 6, 10, 0)},
		{"in hours, 2 days", at(2026, 1, 5, 10, 0), 2, at(2026, 1, 7, 10, 0)},
		{"in hours, a week", at(2026, 1, 5, 10, 0), 5, at(2026, 1, 12, 10, 0)},
		{"keeps seconds", at(2026, 1, 5, 10, 0).Add(1234567891 * time.Nanosecond), 1, at(2026, 1, 6, 10, 0).Add(1234567891 * time.Nanosecond)},
		{"opening", at(2026, 1, 5, 9, 0), 1, at(2026, 1, 6, 9, 0)},
		{"Friday afternoon over the weekend", at(2026, 1, 9, 16, 59), 1, at(2026, 1, 12, 16, 59)},
		{"Thursday over the weekend", at(2026, 1, 8, 11, 0), 2, at(2026, 1, 12, 11, 0)},
		{"before opening counts from today's opening", at(2026, 1, 6, 7, 30), 1, at(2026, 1, 7, 9, 0)},
		{"before opening, 0 days", at(2026, 1, 6, 7, 30), 0, at(2026, 1, 6, 9, 0)},
		{"midnight", at(2026, 1, 6, 0, 0), 0, at(2026, 1, 6, 9, 0)},
		{"at closing counts from tomorrow's opening", at(2026, 1, 6, 17, 0), 1, at(2026, 1, 8, 9, 0)},
		{"after closing", at(2026, 1, 6, 20, 15), 1, at(2026, 1, 8, 9, 0)},
		{"Friday evening", at(2026, 1, 9, 18, 0), 0, at(2026, 1, 12, 9, 0)},
		{"Friday evening, 2 days", at(2026, 1, 9, 18, 0), 2, at(2026, 1, 14, 9, 0)},
		{"Saturday", at(2026, 1, 10, 11, 0), 1, at(2026, 1, 13, 9, 0)},
		{"Sunday night", at(2026, 1, 11, 23, 59), 0, at(2026, 1, 12, 9, 0)},
		{"negative counts as 0", at(2026, 1, 10, 11, 0), -3, at(2026, 1, 12, 9, 0)},

		// Christmas 2026: Friday 25, weekend, Monday 28 (Boxing Day substitute).
		{"Christmas Eve 2026, 1 day", at(2026, 12, 24, 10, 0), 1, at(2026, 12, 29, 10, 0)},
		{"Christmas Eve 2026, 2 days", at(2026, 12, 24, 10, 0), 2, at(2026, 12, 30, 10, 0)},
		{"23 December 2026, 2 days", at(2026, 12, 23, 15, 0), 2, at(2026, 12, 29, 15, 0)},
		{"Christmas Eve 2026 evening", at(2026, 12, 24, 18, 0), 0, at(2026, 12, 29, 9, 0)},
		{"Christmas Day 2026", at(2026, 12, 25, 10, 0), 1, at(2026, 12, 30, 9, 0)},
		{"Boxing Day substitute 2026", at(2026, 12, 28, 10, 0), 0, at(2026, 12, 29, 9, 0)},
		{"over New Year 2027", at(2026, 12, 31, 10, 0), 1, at(2027, 1, 4, 10, 0)},
		// Christmas 2027: Saturday and Sunday; Monday 27 and Tuesday 28 stand in.
		{"Christmas Eve 2027", at(2027, 12, 24, 10, 0), 1, at(2027, 12, 29, 10, 0)},

		// Easter 2026 (5 April) and 2027 (28 March, the night the clocks go forward).
		{"Maundy Thursday 2026", at(2026, 4, 2, 14, 0), 1, at(2026, 4, 7, 14, 0)},
		{"Maundy Thursday 2027", at(2027, 3, 25, 14, 0), 1, at(2027, 3, 30, 14, 0)},
		{"Good Friday 2027", at(2027, 3, 26, 14, 0), 0, at(2027, 3, 30, 9, 0)},
		{"Easter Monday 2027, 2 days", at(2027, 3, 29, 14, 0), 2, at(2027, 4, 1, 9, 0)},

		// The clocks change: the local clock time is kept.
		{"into BST 2026", at(2026, 3, 27, 10, 0), 1, at(2026, 3, 30, 10, 0)},
		{"into GMT 2026", at(2026, 10, 23, 10, 0), 1, at(2026, 10, 26, 10, 0)},
		{"from UTC into GMT", time.Date(2026, 10, 23, 9, 0, 0, 0, time.UTC), 1, time.Date(2026, 10, 26, 10, 0, 0, 0, time.UTC)},
		{"from UTC into BST", time.Date(2026, 3, 27, 10, 0, 0, 0, time.UTC), 1, time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC)},
		{"Saturday night across the change", time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), 0, time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.AddWorkingDays(tt.from, tt.n)
			if !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s",
					tt.from.Format(layout), tt.n, got.Format(layout), tt.want.In(c.Location).Format(layout))
			}
			if got.Location() != c.Location {
				t.Errorf("AddWorkingDays(%s, %d) is in %s, want %s", tt.from.Format(layout), tt.n, got.Location(), c.Location)
			}
		})
	}
}

// TestCalendarAddWorkingDaysProperties walks 2026 and 2027 in uneven
// steps: the result is always a working moment, never before from, later
// for more days, and exactly from when from is a working moment and n is 0.
func TestCalendarAddWorkingDaysProperties(t *testing.T) {
	c := mustDefaultCalendar(t)
	end := time.Date(2028, 1, 1, 0, 0, 0, 0, c.Location)
	for from := time.Date(2026, 1, 1, 0, 0, 0, 0, c.Location); from.Before(end); from = from.Add(97 * time.Minute) {
		prev := time.Time{}
		for n := range 4 {
			got := c.AddWorkingDays(from, n)
			switch {
			case !c.Working(got):
				t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working moment", from.Format(layout), n, got.Format(layout))
			case got.Before(from):
				t.Fatalf("AddWorkingDays(%s, %d) = %s, before from", from.Format(layout), n, got.Format(layout))
			case n == 0 && c.Working(from) && !got.Equal(from):
				t.Fatalf("AddWorkingDays(%s, 0) = %s, want from itself", from.Format(layout), got.Format(layout))
			case n > 0 && !got.After(prev):
				t.Fatalf("AddWorkingDays(%s, %d) = %s, not after %s", from.Format(layout), n, got.Format(layout), prev.Format(layout))
			case n > 0 && got.Sub(prev) < 23*time.Hour:
				t.Fatalf("AddWorkingDays(%s, %d) = %s, less than a day after %s", from.Format(layout), n, got.Format(layout), prev.Format(layout))
			}
			prev = got
		}
	}
}

func TestCalendarDeadline(t *testing.T) {
	c := mustDefaultCalendar(t)
	at := londonClock(c)
	routine := bot.EscalationPolicy{Urgency: "routine", ClaimWithinWorkingDays: 2}
	urgent := bot.EscalationPolicy{Urgency: "urgent", ClaimWithin: 30 * time.Minute}
	tests := []struct {
		name    string
		p       bot.EscalationPolicy
		from    time.Time
		want    time.Time
		elapsed time.Duration // want - from, when set
	}{
		{"routine, in hours", routine, at(2026, 1, 5, 11, 0), at(2026, 1, 7, 11, 0), 48 * time.Hour},
		{"routine, Friday evening", routine, at(2026, 1, 9, 18, 0), at(2026, 1, 14, 9, 0), 0},
		{"routine, over Christmas 2026", routine, at(2026, 12, 24, 11, 0), at(2026, 12, 30, 11, 0), 0},
		{"routine, over Easter 2027", routine, at(2027, 3, 25, 11, 0), at(2027, 3, 31, 11, 0), 6*24*time.Hour - time.Hour},
		{"routine, into BST 2026", routine, at(2026, 3, 26, 11, 0), at(2026, 3, 30, 11, 0), 4*24*time.Hour - time.Hour},
		{"routine, into GMT 2026", routine, at(2026, 10, 23, 11, 0), at(2026, 10, 27, 11, 0), 4*24*time.Hour + time.Hour},
		{"urgent, in hours", urgent, at(2026, 1, 5, 11, 0), at(2026, 1, 5, 11, 30), 30 * time.Minute},
		{"urgent, at the weekend: clock time", urgent, at(2026, 1, 10, 3, 0), at(2026, 1, 10, 3, 30), 30 * time.Minute},
		{"urgent, on Christmas Day", urgent, at(2026, 12, 25, 16, 50), at(2026, 12, 25, 17, 20), 30 * time.Minute},
		{"urgent, as the clocks go forward", urgent, at(2026, 3, 29, 0, 45), at(2026, 3, 29, 2, 15), 30 * time.Minute},
		{"urgent, as the clocks go back", urgent, time.Date(2026, 10, 25, 0, 45, 0, 0, time.UTC), time.Date(2026, 10, 25, 1, 15, 0, 0, time.UTC), 30 * time.Minute},
		{"working days win over clock time", bot.EscalationPolicy{ClaimWithin: time.Minute, ClaimWithinWorkingDays: 1}, at(2026, 1, 5, 11, 0), at(2026, 1, 6, 11, 0), 24 * time.Hour},
		{"no SLA", bot.EscalationPolicy{}, at(2026, 1, 10, 3, 0), at(2026, 1, 10, 3, 0), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Deadline(tt.p, tt.from)
			if !got.Equal(tt.want) {
				t.Errorf("Deadline(%+v, %s) = %s, want %s", tt.p, tt.from.Format(layout), got.Format(layout), tt.want.Format(layout))
			}
			if tt.elapsed != 0 && got.Sub(tt.from) != tt.elapsed {
				t.Errorf("Deadline(%+v, %s) is %v after from, want %v", tt.p, tt.from.Format(layout), got.Sub(tt.from), tt.elapsed)
			}
		})
	}
}

func TestCalendarCustom(t *testing.T) {
	holidays, err := bot.ParseHolidays([]string{"2026-07-15"})
	if err != nil {
		t.Fatal(err)
	}
	// A service open Monday and Wednesday, 08:00 to midnight, in UTC.
	c := &bot.Calendar{
		Location: time.UTC,
		Days:     []time.Weekday{time.Monday, time.Wednesday},
		Start:    8 * time.Hour,
		End:      24 * time.Hour,
		Holidays: holidays,
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	utc := func(d, h, mi int) time.Time { return time.Date(2026, 7, d, h, mi, 0, 0, time.UTC) }
	if !c.Working(utc(13, 23, 59)) {
		t.Error("Monday 23:59 is not working, want working up to midnight")
	}
	if c.Working(utc(14, 12, 0)) {
		t.Error("Tuesday is working, want not")
	}
	// Wednesday 15 July is a holiday: Monday 13 plus 1 is Monday 20.
	if got, want := c.AddWorkingDays(utc(13, 23, 0), 1), utc(20, 23, 0); !got.Equal(want) {
		t.Errorf("AddWorkingDays = %s, want %s", got.Format(layout), want.Format(layout))
	}
	if got, want := c.AddWorkingDays(utc(14, 3, 0), 1), utc(22, 8, 0); !got.Equal(want) {
		t.Errorf("AddWorkingDays = %s, want %s", got.Format(layout), want.Format(layout))
	}
}

// TestCalendarBroken checks that calendars failing Validate neither panic
// nor hang: with no working moment at all, the SLA falls due at once.
func TestCalendarBroken(t *testing.T) {
	monday := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	mondays := map[string]bool{}
	for d := 0; d < 52*7; d += 7 {
		mondays[monday.AddDate(0, 0, d).Format("2006-01-02")] = true
	}
	tests := []struct {
		name string
		c    *bot.Calendar
		want time.Time
	}{
		{"zero", &bot.Calendar{}, monday},
		{"no hours", &bot.Calendar{Location: time.UTC, Days: []time.Weekday{time.Monday}}, monday},
		{"hours backwards", &bot.Calendar{Location: time.UTC, Days: []time.Weekday{time.Monday}, Start: 17 * time.Hour, End: 9 * time.Hour}, monday},
		{"nil location reads as UTC", &bot.Calendar{Days: []time.Weekday{time.Monday}, Start: 9 * time.Hour, End: 17 * time.Hour}, monday.AddDate(0, 0, 7)},
		{"a year of holidays", &bot.Calendar{Location: time.UTC, Days: []time.Weekday{time.Monday}, Start: 9 * time.Hour, End: 17 * time.Hour, Holidays: mondays},
			time.Date(2027, 1, 11, 9, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.AddWorkingDays(monday, 1); !got.Equal(tt.want) {
				t.Errorf("AddWorkingDays = %s, want %s", got.Format(layout), tt.want.Format(layout))
			}
		})
	}
}

func TestCalendarValidate(t *testing.T) {
	c := &bot.Calendar{
		Start: 17 * time.Hour,
		End:   9 * time.Hour,
		Holidays: map[string]bool{
			"2026-12-25": true,
			"25/12/2026": true,
			"2026-02-30": true,
			"2026-1-5":   true,
		},
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate: no error")
	}
	wants := []string{
		"calendar has no Location",
		"calendar has no working Days",
		"calendar Start 17:00 must be before End 09:00",
		`calendar holiday "2026-02-30" is not a date`,
		`calendar holiday "2026-1-5" is not a date`,
		`calendar holiday "25/12/2026" is not a date`,
	}
	msg := err.Error()
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("Validate error lacks %q:\n%s", w, msg)
		}
	}
	if strings.Contains(msg, `"2026-12-25"`) {
		t.Errorf("Validate error names a good holiday:\n%s", msg)
	}
	if joined, ok := err.(interface{ Unwrap() []error }); !ok || len(joined.Unwrap()) != len(wants) {
		t.Errorf("want %d problems, got:\n%s", len(wants), msg)
	}
	if kind := bot.ErrorKind(err); kind != bot.EInvalid {
		t.Errorf("ErrorKind = %q, want %q", kind, bot.EInvalid)
	}
}

func TestCalendarValidateProblems(t *testing.T) {
	valid := func() *bot.Calendar {
		return &bot.Calendar{Location: time.UTC, Days: []time.Weekday{time.Monday}, Start: 9 * time.Hour, End: 17 * time.Hour}
	}
	tests := []struct {
		name   string
		change func(*bot.Calendar)
		want   string // "" for valid
	}{
		{"valid", func(*bot.Calendar) {}, ""},
		{"all day", func(c *bot.Calendar) { c.Start, c.End = 0, 24*time.Hour }, ""},
		{"nil location", func(c *bot.Calendar) { c.Location = nil }, "no Location"},
		{"no days", func(c *bot.Calendar) { c.Days = nil }, "no working Days"},
		{"bad weekday", func(c *bot.Calendar) { c.Days = append(c.Days, 7) }, "Days[1] 7 is not a weekday"},
		{"start equals end", func(c *bot.Calendar) { c.End = c.Start }, "Start 09:00 must be before End 09:00"},
		{"negative start", func(c *bot.Calendar) { c.Start = -time.Hour }, "Start -1h0m0s must not be before 00:00"},
		{"end after midnight", func(c *bot.Calendar) { c.End = 25 * time.Hour }, "End 25h0m0s must not be after 24:00"},
		{"bad holiday", func(c *bot.Calendar) { c.Holidays = map[string]bool{"Christmas": true} }, `holiday "Christmas" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.change(c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestCalendarParseHolidays(t *testing.T) {
	got, err := bot.ParseHolidays([]string{"2026-12-25", " 2026-12-28 ", "2026-12-25"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]bool{"2026-12-25": true, "2026-12-28": true}; !maps.Equal(got, want) {
		t.Errorf("ParseHolidays = %v, want %v", got, want)
	}

	got, err = bot.ParseHolidays(nil)
	if err != nil || len(got) != 0 {
		t.Errorf("ParseHolidays(nil) = %v, %v; want empty, nil", got, err)
	}

	_, err = bot.ParseHolidays([]string{"2026-12-25", "25/12/2026", "", "2027-02-29", "2026-12-28T00:00:00Z"})
	if err == nil {
		t.Fatal("ParseHolidays: no error")
	}
	for _, w := range []string{`holiday 2 "25/12/2026"`, `holiday 3 ""`, `holiday 4 "2027-02-29"`, `holiday 5 "2026-12-28T00:00:00Z"`} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("ParseHolidays error lacks %q:\n%v", w, err)
		}
	}
	if strings.Contains(err.Error(), `"2026-12-25"`) {
		t.Errorf("ParseHolidays error names a good date:\n%v", err)
	}
	var e *bot.Error
	if !errors.As(err, &e) || e.Kind != bot.EInvalid {
		t.Errorf("ParseHolidays error is not EInvalid: %v", err)
	}
}

func TestCalendarParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"09:00", 9 * time.Hour, true},
		{"9:00", 9 * time.Hour, true},
		{"17:30", 17*time.Hour + 30*time.Minute, true},
		{"00:00", 0, true},
		{"23:59", 23*time.Hour + 59*time.Minute, true},
		{"24:00", 24 * time.Hour, true},
		{" 08:15 ", 8*time.Hour + 15*time.Minute, true},
		{"24:01", 0, false},
		{"25:00", 0, false},
		{"12:60", 0, false},
		{"12:5", 0, false},
		{"123:00", 0, false},
		{"-1:00", 0, false},
		{"+9:00", 0, false},
		{"0900", 0, false},
		{"9", 0, false},
		{"9am", 0, false},
		{"09:00:00", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			got, err := bot.ParseClock(tt.in)
			switch {
			case tt.ok && (err != nil || got != tt.want):
				t.Errorf("ParseClock(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			case !tt.ok && err == nil:
				t.Errorf("ParseClock(%q) = %v, want an error", tt.in, got)
			case !tt.ok && bot.ErrorKind(err) != bot.EInvalid:
				t.Errorf("ParseClock(%q) error kind = %q, want %q", tt.in, bot.ErrorKind(err), bot.EInvalid)
			}
		})
	}
}

// TestGovUKHolidays: bank holidays are read in GOV.UK's format for one
// division, with the last date they cover; what is wrong is said.
func TestGovUKHolidays(t *testing.T) {
	data := []byte(`{"england-and-wales":{"division":"england-and-wales","events":[
		{"title":"Christmas Day","date":"2029-12-25","notes":"","bunting":true},
		{"title":"New Year's Day","date":"2029-01-01","notes":"","bunting":true}]},
		"scotland":{"division":"scotland","events":[{"title":"St Andrew's Day","date":"2029-11-30"}]}}`)
	h, last, err := bot.ParseGovUKHolidays(data, bot.DivisionEnglandWales)
	if err != nil || !h["2029-12-25"] || !h["2029-01-01"] || h["2029-11-30"] || last.Format("2006-01-02") != "2029-12-25" {
		t.Fatalf("ParseGovUKHolidays = %v, %v, %v", h, last, err)
	}
	for _, tc := range []struct{ data, division, want string }{
		{`{"england-and-wales":`, bot.DivisionEnglandWales, "not GOV.UK's JSON format"},
		{string(data), "wales", `no division "wales" (they have england-and-wales, scotland)`},
		{`{"england-and-wales":{"events":[]}}`, bot.DivisionEnglandWales, "no events"},
		{`{"england-and-wales":{"events":[{"date":"25/12/2029"}]}}`, bot.DivisionEnglandWales, "not a date like 2026-12-25"},
	} {
		if _, _, err := bot.ParseGovUKHolidays([]byte(tc.data), tc.division); bot.ErrorKind(err) != bot.EInvalid || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.data, err, tc.want)
		}
	}
	c := mustDefaultCalendar(t)
	if c.Until.Format("2006-01-02") != "2028-12-26" {
		t.Errorf("the shipped list ends %s, want 2028-12-26", c.Until)
	}
	if c.RunsOut(time.Date(2028, 9, 1, 0, 0, 0, 0, time.UTC), 90*24*time.Hour) != false ||
		c.RunsOut(time.Date(2028, 10, 1, 0, 0, 0, 0, time.UTC), 90*24*time.Hour) != true {
		t.Error("RunsOut does not see the end of the list 90 days ahead")
	}
}
