package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// What the console's pages show, read from the desk's stores as the
// person at the page may see it.

// consoleData is what every console page is rendered from.
type consoleData struct {
	Page, Name, CSRF string
	Roles            bot.Roles
	Notice           string
	Refused          bool
	Now              string

	Queues      []queueView
	Escalations []escalationView
	Themes      []themeView
	Weeks       []weekBar
	GapsKept    bool
	Health      healthView
	// Charts on the overview: the median time to claim a request and to
	// acknowledge an escalation, by the week it was made.
	ClaimWeeks, AckWeeks []weekBar
	// and questions a week, and the share of them not answered.
	QuestionWeeks, UnansweredWeeks []weekBar
	// Counts for the overview.
	Waiting, Overdue, Mine, OpenEscalations int
}

// queueView is one specialism's consultations.
type queueView struct {
	Specialism, Name string
	CanClaim         bool
	Open, Closed     []consultationView
	OpenCount        int // open ones, shown or not
	OpenMore         int // open ones not shown
	ClosedMore       int // closed ones not shown
}

// consultationView is one consultation as a row.
type consultationView struct {
	Ref, Urgency, Area, State, Requester, Claimant, Age, Deadline string
	Overdue, Mine                                                 bool
	Question, Times, Outcome                                      string // the claimant's alone
	Created                                                       string
}

// escalationView is one escalation as a row.
type escalationView struct {
	ID, Trigger, Urgency, Summary, State, Consultation, Requester, AckBy, Created, Age, ToAck string
	Level, Prompt                                                                             int
	Open                                                                                      bool
}

// How many consultations each queue lists: the open ones oldest first,
// since the oldest is the one to pick up next, and the latest closed. A
// page of thousands of rows helps no one; the counts say how many more.
const (
	openShown   = 200
	closedShown = 20
)

// consoleData reads the stores for page, as v may see them.
func (c *Chat) consoleData(ctx context.Context, v viewer, page string) (consoleData, error) {
	now := c.console.Now()
	d := consoleData{Page: page, Name: v.sess.Name, CSRF: v.sess.CSRF, Roles: v.roles, Now: c.clock(now)}
	seeQueue := v.roles.Lead || len(v.roles.Specialisms) > 0
	seeEsc := v.roles.Lead || v.roles.DutyManager
	if seeQueue && (page == "queue" || page == "overview") {
		cs, err := c.console.Board.Consultations(ctx)
		if err != nil {
			return d, fmt.Errorf("console queue: %w", err)
		}
		byQueue := map[string]*queueView{}
		claims := make([][]time.Duration, gapWeeks)
		for _, cn := range cs {
			if !v.roles.Lead && !v.roles.Specialist(cn.Specialism) {
				continue
			}
			q := byQueue[cn.Specialism]
			if q == nil {
				q = &queueView{Specialism: cn.Specialism, Name: headline(bot.SpecialismName(cn.Specialism)), CanClaim: v.roles.Specialist(cn.Specialism)}
				byQueue[cn.Specialism] = q
			}
			if i := weekIndex(cn.CreatedAt, mondayOf(now), gapWeeks); i >= 0 && !cn.ClaimedAt.IsZero() && page == "overview" {
				claims[i] = append(claims[i], cn.ClaimedAt.Sub(cn.CreatedAt))
			}
			row := c.consultationRow(cn, v.who, now)
			switch cn.State {
			case bot.StateQueued, bot.StateClaimed:
				q.Open = append(q.Open, row)
				if cn.State == bot.StateQueued {
					d.Waiting++
				}
				if row.Overdue {
					d.Overdue++
				}
				if row.Mine {
					d.Mine++
				}
			default:
				if len(q.Closed) < closedShown {
					q.Closed = append(q.Closed, row)
				} else {
					q.ClosedMore++
				}
			}
		}
		d.ClaimWeeks = c.medianBars(now, claims)
		for _, q := range byQueue {
			// Oldest waiting first: the one to pick up next is at the top;
			// the person's own claims before the rest.
			slices.Reverse(q.Open)
			firstWhen(q.Open, func(r consultationView) bool { return r.Mine })
			q.OpenCount = len(q.Open)
			if len(q.Open) > openShown {
				q.OpenMore, q.Open = len(q.Open)-openShown, q.Open[:openShown]
			}
			d.Queues = append(d.Queues, *q)
		}
		for _, s := range v.roles.Specialisms {
			if byQueue[s] == nil {
				d.Queues = append(d.Queues, queueView{Specialism: s, Name: headline(bot.SpecialismName(s)), CanClaim: true})
			}
		}
		slices.SortFunc(d.Queues, func(a, b queueView) int { return strings.Compare(a.Specialism, b.Specialism) })
	}
	if seeEsc && (page == "escalations" || page == "overview") {
		es, err := c.console.Board.Escalations(ctx)
		if err != nil {
			return d, fmt.Errorf("console escalations: %w", err)
		}
		acks := make([][]time.Duration, gapWeeks)
		for _, e := range es {
			if i := weekIndex(e.CreatedAt, mondayOf(now), gapWeeks); i >= 0 && !e.AckAt.IsZero() && page == "overview" {
				acks[i] = append(acks[i], e.AckAt.Sub(e.CreatedAt))
			}
			row := escalationView{
				ID: e.ID, Trigger: e.Trigger, Urgency: e.Urgency, Summary: bot.PlainText(e.Summary), State: e.State,
				Consultation: e.ConsultationRef, Requester: e.Requester.Display(),
				Level: e.Level + 1, Prompt: e.Prompt, Open: e.State == bot.EscalationOpen,
				Created: c.clock(e.CreatedAt), Age: since(now, e.CreatedAt),
			}
			if !e.AckAt.IsZero() {
				row.AckBy, row.ToAck = e.AckBy.Display(), humanSpan(e.AckAt.Sub(e.CreatedAt))
			}
			if row.Open {
				d.OpenEscalations++
			}
			d.Escalations = append(d.Escalations, row)
		}
		d.AckWeeks = c.medianBars(now, acks)
		// Open ones first, each group newest first.
		firstWhen(d.Escalations, func(e escalationView) bool { return e.Open })
	}
	if page == "overview" && v.roles.Lead && c.console.Usage != nil {
		days, err := c.console.Usage.QuestionsByDay(ctx)
		if err != nil {
			return d, fmt.Errorf("console charts: %w", err)
		}
		asked, missed := make([]float64, gapWeeks), make([]float64, gapWeeks)
		for day, n := range days {
			t, err := time.Parse(time.DateOnly, day)
			if i := weekIndex(t, mondayOf(now), gapWeeks); err == nil && i >= 0 {
				asked[i] += float64(n.Answered + n.Unanswered)
				missed[i] += float64(n.Unanswered)
			}
		}
		askedLabels, rate, rateLabels := make([]string, gapWeeks), make([]float64, gapWeeks), make([]string, gapWeeks)
		for i := range asked {
			if asked[i] > 0 {
				askedLabels[i] = fmt.Sprint(asked[i])
				rate[i] = 100 * missed[i] / asked[i]
				rateLabels[i] = fmt.Sprintf("%.0f%%", rate[i])
			}
		}
		d.QuestionWeeks = c.weekBars(mondayOf(now), asked, askedLabels)
		d.UnansweredWeeks = c.weekBars(mondayOf(now), rate, rateLabels)
	}
	if page == "health" {
		if !v.roles.Lead && !v.roles.CorpusOwner {
			return d, bot.Errorf(bot.EForbidden, "Corpus health is for the safeguarding lead and the corpus owners.")
		}
		if c.console.Corpus != nil {
			var shown map[string]time.Time
			var since time.Time
			if u := c.console.Usage; u != nil {
				var err error
				if shown, since, err = u.LastShown(ctx); err != nil {
					return d, fmt.Errorf("console health: %w", err)
				}
			}
			d.Health = c.health(c.console.Corpus.Documents(), now, shown, since)
		}
	}
	if page == "gaps" {
		if !v.roles.Lead && !v.roles.CorpusOwner {
			return d, bot.Errorf(bot.EForbidden, "Knowledge gaps are for the safeguarding lead and the corpus owners.")
		}
		if g := c.console.Gaps; g != nil {
			gs, err := g.Gaps(ctx)
			if err != nil {
				return d, fmt.Errorf("console gaps: %w", err)
			}
			d.GapsKept = true
			d.Themes, d.Weeks = c.gapsData(gs, now)
		}
	}
	return d, nil
}

// medianBars charts each week's median of spans, written in words.
func (c *Chat) medianBars(now time.Time, weeks [][]time.Duration) []weekBar {
	values := make([]float64, len(weeks))
	labels := make([]string, len(weeks))
	for i, w := range weeks {
		if len(w) == 0 {
			continue
		}
		slices.Sort(w)
		m := w[len(w)/2]
		values[i], labels[i] = m.Minutes(), humanSpan(m)
	}
	return c.weekBars(mondayOf(now), values, labels)
}

// consultationRow is cn as v's row; the question only for its claimant.
func (c *Chat) consultationRow(cn bot.Consultation, who bot.Person, now time.Time) consultationView {
	row := consultationView{
		Ref: cn.Ref, Urgency: cn.Urgency, Area: cn.Area, State: cn.State,
		Requester: cn.Requester.Display(), Age: since(now, cn.CreatedAt), Created: c.clock(cn.CreatedAt),
	}
	if cn.Claimant.UserID != "" {
		row.Claimant = cn.Claimant.Display()
		row.Mine = cn.Claimant.Key() == who.Key()
	}
	if row.Mine {
		row.Question, row.Times, row.Outcome = cn.Question, cn.PreferredTimes, cn.Outcome
	}
	if cn.State == bot.StateQueued && !cn.ClaimBy.IsZero() {
		if now.Before(cn.ClaimBy) {
			row.Deadline = "claim within " + humanSpan(cn.ClaimBy.Sub(now))
		} else {
			row.Deadline, row.Overdue = "overdue by "+humanSpan(now.Sub(cn.ClaimBy)), true
		}
	}
	return row
}

// clock writes t as the console shows times: 3 Dec 09:05.
func (c *Chat) clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(c.console.Location).Format("2 Jan 15:04")
}

// since is how long ago t was, in words.
func since(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return humanSpan(now.Sub(t))
}

// humanSpan writes d to the minute, in its two largest units: "3 h 5 min".
func humanSpan(d time.Duration) string {
	d = max(d, 0).Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d/time.Hour)%24, int(d/time.Minute)%60
	switch {
	case days > 0:
		return fmt.Sprintf("%d d %d h", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d h %d min", hours, mins)
	}
	return fmt.Sprintf("%d min", mins)
}

// headline is s with its first letter in capitals.
func headline(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// firstWhen moves the elements of s for which first is true before the
// others, keeping the order within each part.
func firstWhen[T any](s []T, first func(T) bool) {
	slices.SortStableFunc(s, func(a, b T) int {
		switch fa, fb := first(a), first(b); {
		case fa == fb:
			return 0
		case fa:
			return -1
		}
		return 1
	})
}
