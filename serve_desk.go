package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers/web"
)

// openDesk sets up consultations and escalations from the configuration,
// or returns nil when no queues are configured.
// notifier reaches every connected platform and directory looks up
// their groups.
func (a *app) openDesk(kb bot.Knowledge, store *redisstore.Store, notifier bot.MultiNotifier, directory bot.MultiDirectory) (*bot.Desk, error) {
	cc, ec := a.cfg.Consultations, a.cfg.Escalation
	if !cc.Enabled() {
		return nil, nil
	}
	cal, err := calendar(ec.WorkingHours)
	if err != nil {
		return nil, err
	}
	if cal.RunsOut(time.Now(), holidaysAhead) {
		a.holidayWarning = fmt.Sprintf("the bank holiday list ends on %s: routine SLAs will count later bank holidays as working days; set escalation.working_hours.bank_holidays_file to a newer copy of https://www.gov.uk/bank-holidays.json", cal.Until.Format("2 January 2006"))
		a.log.Warn(a.holidayWarning)
	}
	queues := map[string]bot.Target{}
	for specialism, q := range cc.Queues {
		t, err := a.target(q)
		if err != nil {
			return nil, err // validated already
		}
		queues[strings.ToLower(specialism)] = t
	}
	var groups bot.Directory
	if len(directory) > 0 {
		groups = directory
	}
	policies := map[string]bot.EscalationPolicy{}
	for urgency, pc := range ec.Policies {
		p := bot.EscalationPolicy{Urgency: urgency, ClaimWithin: pc.ClaimWithin, ClaimWithinWorkingDays: pc.ClaimWithinWorkingDays}
		for _, lc := range pc.Levels {
			l := bot.EscalationLevel{Name: lc.Name, Repeat: lc.Repeat, RepeatEvery: lc.RepeatEvery}
			for _, ts := range lc.Targets {
				t, err := a.target(ts)
				if err != nil {
					return nil, err
				}
				l.Targets = append(l.Targets, t)
			}
			for _, who := range lc.Acknowledgers {
				l.Acknowledgers = append(l.Acknowledgers, a.person(who))
			}
			p.Levels = append(p.Levels, l)
		}
		policies[urgency] = p
	}
	return bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store,
		Notifier:    notifier,
		Specialists: a.specialists(), Directory: groups, Queues: queues, Policies: policies, Calendar: cal,
		RiskPolicy: ec.RiskPolicy, Log: a.log, Metrics: a.metrics, Clock: a.clock(),
		Leads: a.people(a.cfg.Console.Leads), CorpusOwners: a.people(a.cfg.Console.CorpusOwners),
	})
}

// specialists is who may claim each specialism's requests, as their
// platforms know them (a Teams person with their tenant).
func (a *app) specialists() map[string][]string {
	out := map[string][]string{}
	for s, people := range a.cfg.Consultations.Specialists {
		s = strings.ToLower(s)
		for _, p := range people {
			out[s] = append(out[s], a.person(p))
		}
	}
	return out
}

// person is the configured person who as the desk knows them: a Teams
// person with their tenant, a web person (web:<identity>) by the web user
// id they sign in as.
func (a *app) person(who string) string {
	p := a.cfg.Specialist(who)
	if id, ok := strings.CutPrefix(p, bot.PlatformWeb+":"); ok {
		return bot.PlatformWeb + ":" + web.IdentityUser(id)
	}
	return p
}

// people is person of each of who.
func (a *app) people(who []string) []string {
	var out []string
	for _, p := range who {
		out = append(out, a.person(p))
	}
	return out
}

// target is the configured target s as the desk addresses it, its
// platform having filled in what it needs (a Teams tenant, a web person's
// user id).
func (a *app) target(s string) (bot.Target, error) {
	t, err := a.cfg.Target(s)
	if err != nil {
		return bot.Target{}, err
	}
	if t.Platform == bot.PlatformWeb {
		t.ID = web.IdentityUser(t.ID)
	}
	return bot.Target{Platform: t.Platform, TeamID: t.TeamID, Kind: t.Kind, ID: t.ID}, nil
}

// holidaysAhead is how far ahead the bank holiday list must reach before
// serve warns that it runs out.
const holidaysAhead = 90 * 24 * time.Hour

// calendar is the default working calendar with the configured changes.
func calendar(w config.WorkingHoursConfig) (*bot.Calendar, error) {
	cal, err := bot.DefaultCalendar()
	if err != nil {
		return nil, err
	}
	if w.Location != "" {
		if cal.Location, err = time.LoadLocation(w.Location); err != nil {
			return nil, fmt.Errorf("escalation.working_hours.location: %w", err)
		}
	}
	if w.Start != "" {
		if cal.Start, err = bot.ParseClock(w.Start); err != nil {
			return nil, fmt.Errorf("escalation.working_hours.start: %w", err)
		}
	}
	if w.End != "" {
		if cal.End, err = bot.ParseClock(w.End); err != nil {
			return nil, fmt.Errorf("escalation.working_hours.end: %w", err)
		}
	}
	if w.BankHolidaysFile != "" {
		data, err := os.ReadFile(w.BankHolidaysFile)
		if err != nil {
			return nil, fmt.Errorf("escalation.working_hours.bank_holidays_file: %w", err)
		}
		if cal.Holidays, cal.Until, err = bot.ParseGovUKHolidays(data, w.Division); err != nil {
			return nil, fmt.Errorf("escalation.working_hours.bank_holidays_file %s: %w", w.BankHolidaysFile, err)
		}
	}
	if len(w.BankHolidays) > 0 {
		if cal.Holidays, err = bot.ParseHolidays(w.BankHolidays); err != nil {
			return nil, fmt.Errorf("escalation.working_hours.bank_holidays: %w", err)
		}
		cal.Until = time.Time{}
		for d := range cal.Holidays {
			if t, _ := time.Parse(time.DateOnly, d); t.After(cal.Until) {
				cal.Until = t
			}
		}
	}
	return cal, cal.Validate()
}
