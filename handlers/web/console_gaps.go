package web

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// The knowledge-gaps page: the questions the corpus answered with no
// confidence, and the answers marked not helpful, grouped by theme (the
// two most telling words they share), with counts by week and a CSV of
// the same. Gaps keep only words the corpus or everyday English knows,
// never a question (bot.Gap).

// gapWeeks is how many weeks the page counts by.
const gapWeeks = 12

// themeView is one theme's gaps.
type themeView struct {
	Theme                 string
	Unanswered, Unhelpful int
	Total                 int
	Weeks                 string // counts of the last four weeks, oldest first: "0, 2, 1, 3"
	weeks                 [4]int
	Words                 string // the other words its questions used, most used first
	Docs                  string // documents its unhelpful answers showed
	Last                  string
	last                  time.Time
}

// weekBar is one week of a chart: its Monday, the value written above
// the bar (empty for none), and where the bar goes.
type weekBar struct {
	Label, Value    string
	X, Y, H, LabelX int
}

// weekBars lays out values, one a week, the last this week's (weekStart
// its Monday), each bar's height in proportion to the largest.
func (c *Chat) weekBars(weekStart time.Time, values []float64, labels []string) []weekBar {
	top := 0.0
	for _, v := range values {
		top = max(top, v)
	}
	bars := make([]weekBar, len(values))
	for i, v := range values {
		h := 0
		if top > 0 {
			h = int(v * 90 / top)
		}
		bars[i] = weekBar{Label: weekStart.AddDate(0, 0, -7*(len(values)-1-i)).In(c.console.Location).Format("2 Jan"), Value: labels[i],
			X: 40 + i*50, Y: 110 - h, H: h, LabelX: 40 + i*50 + 17}
	}
	return bars
}

// mondayOf is the start of now's week, Monday 00:00 UTC.
func mondayOf(now time.Time) time.Time {
	return now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -int(now.UTC().Weekday()+6)%7)
}

// weekIndex is the bar of a chart of n weeks ending in weekStart's that t
// falls in, or -1 before them.
func weekIndex(t, weekStart time.Time, n int) int {
	ago := 0
	if t.Before(weekStart) {
		ago = int(weekStart.Sub(t)/(7*24*time.Hour)) + 1
	}
	if ago >= n {
		return -1
	}
	return n - 1 - ago
}

// gapsData groups gs by theme, most frequent first, and counts them by
// week up to now.
func (c *Chat) gapsData(gs []bot.Gap, now time.Time) ([]themeView, []weekBar) {
	byTheme := map[string]*themeView{}
	words := map[string]map[string]int{}
	docs := map[string]map[string]int{}
	weekStart := mondayOf(now)
	counts := make([]int, gapWeeks)
	shared := map[string]int{} // how many gaps use each word
	for _, g := range gs {
		for _, w := range g.Terms {
			shared[w]++
		}
	}
	for _, g := range gs {
		theme := gapTheme(g.Terms, shared)
		t := byTheme[theme]
		if t == nil {
			t = &themeView{Theme: theme}
			byTheme[theme] = t
			words[theme], docs[theme] = map[string]int{}, map[string]int{}
		}
		t.Total++
		if g.Kind == bot.GapNotHelpful {
			t.Unhelpful++
		} else {
			t.Unanswered++
		}
		if g.At.After(t.last) {
			t.last = g.At
		}
		for _, w := range g.Terms {
			words[theme][w]++
		}
		for _, d := range g.Docs {
			docs[theme][d]++
		}
		if i := weekIndex(g.At, weekStart, gapWeeks); i >= 0 {
			counts[i]++
			if j := i - (gapWeeks - 4); j >= 0 {
				t.weeks[j]++
			}
		}
	}
	var out []themeView
	for theme, t := range byTheme {
		t.Words = mostUsed(words[theme], []string{theme}, 6)
		t.Docs = mostUsed(docs[theme], nil, 3)
		t.Last = c.clock(t.last)
		t.Weeks = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(t.weeks)), ", "), "[]")
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b themeView) int {
		return cmp.Or(cmp.Compare(b.Total, a.Total), b.last.Compare(a.last), strings.Compare(a.Theme, b.Theme))
	})
	values := make([]float64, gapWeeks)
	labels := make([]string, gapWeeks)
	for i, n := range counts {
		values[i], labels[i] = float64(n), fmt.Sprint(n)
	}
	bars := c.weekBars(weekStart, values, labels)
	return out, bars
}

// gapTheme is a gap's theme: of its words, the one most gaps share, so
// that questions about the same thing group under one word whatever else
// they say; among equals, the one the corpus uses least.
func gapTheme(terms []string, shared map[string]int) string {
	if len(terms) == 0 {
		return "(no words kept)"
	}
	best := terms[0]
	for _, w := range terms[1:] {
		if shared[w] > shared[best] {
			best = w
		}
	}
	return best
}

// mostUsed lists the n keys of counts used most, leaving out skip.
func mostUsed(counts map[string]int, skip []string, n int) string {
	var keys []string
	for k := range counts {
		if !slices.Contains(skip, k) {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b)) })
	return strings.Join(keys[:min(n, len(keys))], ", ")
}

// gapsCSV answers GET /console/gaps.csv: one row a theme.
func (c *Chat) gapsCSV(w http.ResponseWriter, r *http.Request) error {
	v, err := c.viewerOf(r)
	if err != nil {
		return err
	}
	if !v.roles.Lead && !v.roles.CorpusOwner {
		return bot.Errorf(bot.EForbidden, "Knowledge gaps are for the safeguarding lead and the corpus owners.")
	}
	d, err := c.consoleData(r.Context(), v, "gaps")
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="waymark-knowledge-gaps.csv"`)
	h.Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"theme", "questions", "unanswered", "not_helpful", "other_words", "documents_shown", "last", "last_4_weeks"})
	for _, t := range d.Themes {
		cw.Write([]string{t.Theme, fmt.Sprint(t.Total), fmt.Sprint(t.Unanswered), fmt.Sprint(t.Unhelpful), t.Words, t.Docs, t.last.UTC().Format(time.RFC3339), t.Weeks})
	}
	cw.Flush()
	return cw.Error()
}
