package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/config"
	"github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/handlers/teams"
)

// openDesk sets up consultations and escalations from the configuration,
// or returns nil when no queues are configured.
func (a *app) openDesk(kb bot.Knowledge, store *redisstore.Store, connector *teams.Connector) (*bot.Desk, error) {
	cc, ec := a.cfg.Consultations, a.cfg.Escalation
	if !cc.Enabled() {
		return nil, nil
	}
	notifier, err := a.deskNotifier(store, connector)
	if err != nil {
		return nil, err
	}
	cal, err := calendar(ec.WorkingHours)
	if err != nil {
		return nil, err
	}
	queues := map[string]bot.Target{}
	for specialism, q := range cc.Queues {
		t, err := config.ParseTarget(q)
		if err != nil {
			return nil, err // validated already
		}
		queues[strings.ToLower(specialism)] = a.target(t)
	}
	specialists := a.specialists()
	var directory bot.Directory
	for _, people := range specialists {
		for _, p := range people {
			if strings.HasPrefix(p, "slack:group:") && directory == nil {
				if directory, err = slack.NewDirectory(slack.Config{BotToken: a.cfg.Slack.BotToken, APIURL: a.cfg.Slack.APIURL}); err != nil {
					return nil, err
				}
			}
		}
	}
	policies := map[string]bot.EscalationPolicy{}
	for urgency, pc := range ec.Policies {
		p := bot.EscalationPolicy{Urgency: urgency, ClaimWithin: pc.ClaimWithin, ClaimWithinWorkingDays: pc.ClaimWithinWorkingDays}
		for _, lc := range pc.Levels {
			l := bot.EscalationLevel{Name: lc.Name, Repeat: lc.Repeat, RepeatEvery: lc.RepeatEvery}
			for _, ts := range lc.Targets {
				t, err := config.ParseTarget(ts)
				if err != nil {
					return nil, err
				}
				l.Targets = append(l.Targets, a.target(t))
			}
			p.Levels = append(p.Levels, l)
		}
		policies[urgency] = p
	}
	return bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store,
		Notifier:    notifier,
		Specialists: specialists, Directory: directory, Queues: queues, Policies: policies, Calendar: cal,
		RiskPolicy: ec.RiskPolicy, Log: a.log,
	})
}

// specialists is who may claim each specialism's requests, Teams people
// with their tenant (the bot's only one when they name none).
func (a *app) specialists() map[string][]string {
	out := map[string][]string{}
	for s, people := range a.cfg.Consultations.Specialists {
		s = strings.ToLower(s)
		for _, p := range people {
			if full, ok := config.TeamsPerson(p, a.cfg.Teams.HomeTenant()); ok {
				p = full
			}
			out[s] = append(out[s], p)
		}
	}
	return out
}

// target is t as the desk addresses it. A Teams target without a tenant
// belongs to the bot's only tenant (config refuses one when there are
// several), so that conversation references, which are kept per tenant,
// are found, and no other tenant's user or channel can stand in for it.
func (a *app) target(t config.Target) bot.Target {
	t = t.InTenant(a.cfg.Teams.HomeTenant())
	return bot.Target{Platform: t.Platform, TeamID: t.TeamID, Kind: t.Kind, ID: t.ID}
}

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
	if len(w.BankHolidays) > 0 {
		if cal.Holidays, err = bot.ParseHolidays(w.BankHolidays); err != nil {
			return nil, fmt.Errorf("escalation.working_hours.bank_holidays: %w", err)
		}
	}
	return cal, cal.Validate()
}

// deskNotifier routes each note to its target's platform: Slack posts,
// Teams messages through stored conversation references, the web inbox.
func (a *app) deskNotifier(store *redisstore.Store, connector *teams.Connector) (bot.MultiNotifier, error) {
	n := bot.MultiNotifier{bot.PlatformWeb: store}
	if a.cfg.Slack.Enabled() {
		s, err := slack.NewNotifier(slack.Config{BotToken: a.cfg.Slack.BotToken, APIURL: a.cfg.Slack.APIURL})
		if err != nil {
			return nil, err
		}
		n[bot.PlatformSlack] = s
	}
	if connector != nil {
		n[bot.PlatformTeams] = teams.NewNotifier(connector, store)
	}
	return n, nil
}
