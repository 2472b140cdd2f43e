package bot

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Tick does the work of every due timer once: claim SLAs that passed start
// the ladder, unacknowledged prompts move it on. Several replicas may tick
// at once; each timer is taken by one, and each step is recorded atomically,
// so a timer that fires late after an outage never prompts twice. Taking a
// timer leases it (the store moves it a few minutes ahead), so a replica
// that stops mid-way delays the step instead of losing it; a finished timer
// is cancelled, a ladder's next step replaces it.
func (d *Desk) Tick(ctx context.Context) (int, error) {
	d.saveUnsaved(ctx)
	now := d.o.Clock.Now()
	timers, err := d.o.Timers.TakeDue(ctx, now, timerBatch)
	var errs []error
	if err != nil {
		if len(timers) == 0 {
			return 0, err
		}
		errs = append(errs, err) // some could not be read; do the others
	}
	for _, t := range timers {
		rescheduled, err := d.fire(ctx, t)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("timer %s: %w", t.ID, err))
			t.Due = now.Add(timerRetry)
			if err := d.o.Timers.Schedule(ctx, t); err != nil {
				d.o.Log.ErrorContext(ctx, "desk: failed timer not rescheduled; its lease will bring it back", "timer", t.ID, "err", err)
			}
		case !rescheduled:
			if err := d.o.Timers.CancelTimer(ctx, t.ID); err != nil {
				d.o.Log.WarnContext(ctx, "desk: finished timer not cancelled; it will fire again after its lease", "timer", t.ID, "err", err)
			}
		}
	}
	return len(timers), errors.Join(errs...)
}

// fire does a timer's work. It reports whether it scheduled the same timer
// again (the ladder's next step), which replaces the lease.
func (d *Desk) fire(ctx context.Context, t Timer) (rescheduled bool, err error) {
	switch t.Kind {
	case TimerClaimSLA:
		c, err := d.o.Consultations.Consultation(ctx, t.Ref)
		if err != nil || c.State != StateQueued {
			return false, ignoreNotFound(err)
		}
		// One escalation per request, however often this timer fires (a
		// retry after an error, a lease after a crash, a new deadline after
		// the request was handed back): a request handed back and left
		// unclaimed again resumes its ladder where it stopped.
		esc := Escalation{
			Trigger: TriggerClaimSLA, ConsultationRef: c.Ref, Urgency: c.Urgency, Requester: c.Requester,
			RequesterConversation: c.RequesterConversation, State: EscalationOpen, CreatedAt: d.o.Clock.Now(),
			Summary: fmt.Sprintf("%s, %s %s %s consultation request for %s from %s, has not been claimed %s. It is in the %s queue.",
				c.Ref, article(c.Urgency), c.Urgency, SpecialismName(c.Specialism), areaName(c.Area), c.Requester.Mention(),
				expected(d.o.Policies[c.Urgency]), specialistsName(c.Specialism)),
		}
		e, created, err := d.o.Escalations.CreateEscalationOnce(ctx, "sla:"+c.Ref, esc)
		if err := d.committed(ctx, err); err != nil {
			return false, err
		}
		if !created && e.State != EscalationOpen {
			// Its ladder ended (someone acknowledged, or no one did) and the
			// request is unclaimed again: a new breach, a new escalation,
			// once per deadline (the timer's due time).
			e, created, err = d.o.Escalations.CreateEscalationOnce(ctx, fmt.Sprintf("sla:%s:%d", c.Ref, t.Due.UnixMilli()), esc)
			if err := d.committed(ctx, err); err != nil {
				return false, err
			}
		}
		if created {
			d.o.Log.InfoContext(ctx, "desk: escalated", "id", e.ID, "trigger", e.Trigger, "consultation", e.ConsultationRef)
			if err := d.notifyLinked(ctx, c.Requester, Reply{Text: fmt.Sprintf("No specialist has picked up %s %s, so I have asked the duty manager to chase it (%s). "+
				"I will tell you who has it.", c.Ref, expected(d.o.Policies[c.Urgency]), e.ID)}, c.Ref, "escalated: requester"); err != nil {
				d.o.Log.ErrorContext(ctx, "desk: notify failed", "what", "escalated: requester", "ref", c.Ref, "err", err)
			}
		}
		// The first step is idempotent: Advance refuses it if it was done,
		// and step has re-armed the ladder's timer either way.
		_, err = d.step(ctx, e, 0, 1)
		return false, err
	case TimerEscalate:
		e, err := d.o.Escalations.Escalation(ctx, t.Ref)
		if err != nil || e.State != EscalationOpen {
			return false, ignoreNotFound(err)
		}
		if e.ConsultationRef != "" {
			if c, err := d.o.Consultations.Consultation(ctx, e.ConsultationRef); err == nil && c.State != StateQueued {
				return false, nil // claimed or cancelled meanwhile: nothing to chase
			}
		}
		levels := d.o.Policies[e.Urgency].Levels
		if e.Level < len(levels) && e.Prompt <= levels[e.Level].Repeat {
			return d.step(ctx, e, e.Level, e.Prompt+1)
		}
		return d.step(ctx, e, e.Level+1, 1)
	}
	return false, fmt.Errorf("unknown timer kind %q", t.Kind)
}

// Run ticks every interval until ctx ends, logging failures.
func (d *Desk) Run(ctx context.Context, every time.Duration) {
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			if n, err := d.Tick(ctx); err != nil {
				d.o.Log.ErrorContext(ctx, "desk: timers", "fired", n, "err", err)
			}
		}
	}
}
