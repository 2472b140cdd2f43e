package bot

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"
)

// EscalateRisk prompts the duty manager about a question screened as
// immediate risk. The summary names the kinds of risk, never the words.
func (d *Desk) EscalateRisk(ctx context.Context, m Message, risks []string) (Escalation, error) {
	p := m.Sender()
	return d.escalate(ctx, Escalation{
		Trigger: TriggerRisk, Urgency: d.o.RiskPolicy, Requester: p, RequesterConversation: m.ConversationID,
		Summary: fmt.Sprintf("%s described a possible immediate risk (%s) on %s and was shown the act-now steps. Contact them now.",
			p.Mention(), riskWords(risks), PlatformName(p.Platform)),
	})
}

// EscalateManual is a practitioner asking for a duty manager now.
func (d *Desk) EscalateManual(ctx context.Context, m Message) (Reply, error) {
	p := m.Sender()
	summary := fmt.Sprintf("%s on %s has asked for a duty manager now.", p.Mention(), PlatformName(p.Platform))
	if ref, _, ok := parseRef(m.Text); ok {
		if c, err := d.o.Consultations.Consultation(ctx, ref); err == nil && c.Requester.Key() == p.Key() {
			summary += fmt.Sprintf(" It concerns %s (%s, %s).", ref, SpecialismName(c.Specialism), c.Urgency)
		}
	}
	e, err := d.escalate(ctx, Escalation{Trigger: TriggerManual, Urgency: d.o.RiskPolicy, Requester: p, RequesterConversation: m.ConversationID, Summary: summary})
	if err != nil {
		return Reply{}, err
	}
	return Reply{Text: fmt.Sprintf("I have asked the duty manager to contact you (%s). If a child is in immediate danger, call 999 now.", e.ID)}, nil
}

// escalate creates an escalation and prompts its first level.
func (d *Desk) escalate(ctx context.Context, e Escalation) (Escalation, error) {
	e.State = EscalationOpen
	e.CreatedAt = d.o.Clock.Now()
	e, err := d.o.Escalations.CreateEscalation(ctx, e)
	if err := d.committed(ctx, err); err != nil {
		return Escalation{}, err
	}
	d.o.Log.InfoContext(ctx, "desk: escalated", "id", e.ID, "trigger", e.Trigger, "consultation", e.ConsultationRef)
	d.o.Metrics.Escalated(e.Trigger, e.Urgency)
	_, err = d.step(ctx, e, 0, 1)
	return e, err
}

// step prompts level's targets for the prompt-th time, if no replica has
// done so already, and schedules the next step.
func (d *Desk) step(ctx context.Context, e Escalation, level, prompt int) (scheduled bool, err error) {
	policy := d.o.Policies[e.Urgency]
	if level >= len(policy.Levels) {
		e, advanced, err := d.o.Escalations.Advance(ctx, e.ID, level, prompt, true)
		if err != nil || !advanced {
			return false, err
		}
		d.notify(ctx, userTarget(e.Requester), Reply{Notices: []Notice{{Kind: NoticeActNow, Title: "No one has acknowledged yet",
			Text: fmt.Sprintf("No duty manager has acknowledged %s. Please ring the duty manager directly; if a child is in immediate danger, call 999.", e.ID)}}}, "exhausted")
		d.o.Log.WarnContext(ctx, "desk: escalation exhausted", "id", e.ID)
		d.o.Metrics.Exhausted(e.Urgency)
		d.auditStep(ctx, e.ID, AuditExhausted, "no one acknowledged")
		return false, nil
	}
	l := policy.Levels[level]
	// The next step is scheduled before this one is recorded and sent, so
	// an escalation is never left open without a timer.
	if err := d.o.Timers.Schedule(ctx, Timer{ID: escTimer(e.ID), Due: d.o.Clock.Now().Add(l.RepeatEvery), Kind: TimerEscalate, Ref: e.ID}); err != nil {
		return false, err
	}
	e, advanced, err := d.o.Escalations.Advance(ctx, e.ID, level, prompt, false)
	if err != nil || !advanced {
		return true, err
	}
	prompt1 := Reply{
		Notices: []Notice{{Kind: NoticeActNow, Title: promptTitle(e, l.Name), Text: d.waiting(ctx, e)}},
		Text:    ackRequest(e.ID, prompt),
		Buttons: []Button{{ActionID: ActionAck, Label: "Acknowledge " + e.ID, Value: e.ID, Style: StylePrimary}},
	}
	if e.ConsultationRef != "" {
		prompt1.Buttons = append(prompt1.Buttons, Button{ActionID: ActionShowReq, Label: "Show " + e.ConsultationRef, Value: e.ConsultationRef})
	}
	for _, t := range l.Targets {
		d.postPrompt(ctx, e.ID, t, prompt1)
	}
	d.auditStep(ctx, e.ID, AuditPrompted, fmt.Sprintf("level %d (%s), prompt %d", level+1, l.Name, prompt))
	d.o.Metrics.Prompted(level + 1)
	return true, nil
}

// ackRequest asks for an acknowledgement, saying which reminder this is.
func ackRequest(id string, prompt int) string {
	s := "Please acknowledge " + id + " so the practitioner knows who is dealing with it."
	if prompt > 1 {
		s += fmt.Sprintf(" This is reminder %d.", prompt-1)
	}
	return s
}

// promptTitle heads a prompt, and is what a notification shows: the
// escalation, who it is for, and the request it is about.
func promptTitle(e Escalation, level string) string {
	t := fmt.Sprintf("Escalation %s for the %s", e.ID, level)
	if e.ConsultationRef != "" {
		t += ": " + e.ConsultationRef + " has not been claimed"
	} else if e.Trigger == TriggerRisk {
		t += ": a possible immediate risk"
	}
	return t
}

// waiting is e's summary as a prompt gives it: for a request nobody has
// claimed, how long it has waited.
func (d *Desk) waiting(ctx context.Context, e Escalation) string {
	if e.ConsultationRef == "" {
		return e.Summary
	}
	c, err := d.o.Consultations.Consultation(ctx, e.ConsultationRef)
	if err != nil || c.CreatedAt.IsZero() {
		return e.Summary
	}
	return fmt.Sprintf("%s It has been waiting %s, since it was booked at %s.", e.Summary,
		humanDuration(d.o.Clock.Now().Sub(c.CreatedAt).Truncate(time.Minute)), c.CreatedAt.In(d.location()).Format("15:04 on Mon 2 Jan"))
}

// location is where times shown to people are read: the working
// calendar's (Europe/London by default), or UTC without one.
func (d *Desk) location() *time.Location {
	if d.o.Calendar != nil && d.o.Calendar.Location != nil {
		return d.o.Calendar.Location
	}
	return time.UTC
}

// postPrompt sends an escalation's prompt to t and records where it
// landed, so that it can say who acknowledged.
func (d *Desk) postPrompt(ctx context.Context, id string, t Target, r Reply) {
	th, err := d.notifyThread(ctx, t, r)
	if err != nil {
		d.o.Log.ErrorContext(ctx, "desk: notify failed", "what", "escalation prompt", "platform", t.Platform, "target", t.ID, "err", err)
		return
	}
	if th.ThreadID == "" {
		return
	}
	post := PromptPost{Target: t, Thread: th}
	if err := d.o.Escalations.AddPrompt(ctx, id, post); err != nil {
		d.o.Log.WarnContext(ctx, "desk: prompt not recorded; it will keep its Acknowledge button", "id", id, "err", err)
		return
	}
	// Someone may have acknowledged while this was posted, after their
	// acknowledgement changed the prompts it found: change this one too.
	if e, err := d.o.Escalations.Escalation(ctx, id); err == nil && e.State == EscalationAcknowledged {
		d.updatePrompts(ctx, e, []PromptPost{post})
	}
}

// updatePrompts changes posts, prompts of the acknowledged escalation e,
// to say who acknowledged it, without the Acknowledge button. It gives up
// after DeskOptions.UpdateBudget.
func (d *Desk) updatePrompts(ctx context.Context, e Escalation, posts []PromptPost) {
	u, ok := d.o.Notifier.(Updater)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, d.o.UpdateBudget)
	defer cancel()
	// The prompt keeps what it was about, and says who has it and when.
	r := Reply{
		Notices: []Notice{{Kind: NoticeInfo, Title: fmt.Sprintf("Escalation %s acknowledged", e.ID), Text: e.Summary}},
		Text:    fmt.Sprintf("Escalation %s: acknowledged by %s at %s.", e.ID, e.AckBy.Mention(), e.AckAt.In(d.location()).Format("15:04 on Mon 2 Jan")),
	}
	for _, p := range posts {
		if ctx.Err() != nil {
			d.o.Log.WarnContext(ctx, "desk: prompts left unchanged: out of time", "id", e.ID)
			return
		}
		if err := u.Update(ctx, p.Target, p.Thread, r); err != nil {
			d.o.Log.WarnContext(ctx, "desk: prompt not updated", "id", e.ID, "platform", p.Target.Platform, "err", err)
		}
	}
}

// auditStep records a ladder step; a failure is logged, the step stands.
func (d *Desk) auditStep(ctx context.Context, id, action, detail string) {
	if err := d.o.Consultations.Audit(ctx, AuditEntry{At: d.o.Clock.Now(), Ref: id, Actor: "system", Action: action, Detail: detail}); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: ladder step not audited", "id", id, "action", action, "err", err)
	}
}

// prompted reports whether p may acknowledge e: a user target or a named
// acknowledger of a level reached so far. Being in a channel a prompt was
// posted to is no authority (anyone may join it, and Teams card data comes
// from the client); nor is pressing a button on a prompt for a level not
// yet reached.
func (d *Desk) prompted(ctx context.Context, p Person, e Escalation) (bool, error) {
	levels := d.o.Policies[e.Urgency].Levels
	var lookupErr error
	for i := 0; i < len(levels) && i <= e.Level; i++ {
		for _, t := range levels[i].Targets {
			if t.Platform != p.Platform || (t.TeamID != "" && !strings.EqualFold(t.TeamID, p.TeamID)) {
				continue // another platform, or another workspace or tenant
			}
			if t.Kind == TargetUser && t.ID == p.UserID {
				return true, nil
			}
		}
		ok, err := d.isOneOf(ctx, p, levels[i].Acknowledgers)
		if ok {
			return true, nil
		}
		lookupErr = cmp.Or(lookupErr, err)
	}
	return false, lookupErr
}

// Acknowledge stops an escalation's ladder; the practitioner is told who
// has it.
func (d *Desk) Acknowledge(ctx context.Context, m Message, id string) (Reply, error) {
	p := m.Sender()
	current, err := d.o.Escalations.Escalation(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	if ok, err := d.prompted(ctx, p, current); !ok {
		if err != nil {
			return Reply{}, fmt.Errorf("check who may acknowledge %s: %w", id, err)
		}
		return Reply{}, Errorf(EForbidden, "Only the people prompted for %s can acknowledge it.", id)
	}
	e, err := d.o.Escalations.Acknowledge(ctx, id, p, d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	if err := d.o.Timers.CancelTimer(ctx, escTimer(id)); err != nil {
		d.o.Log.WarnContext(ctx, "desk: escalation timer not cancelled; it will find it acknowledged", "id", id, "err", err)
	}
	d.o.Metrics.Acknowledged(e.Level+1, e.AckAt.Sub(e.CreatedAt))
	about := ""
	if e.ConsultationRef != "" {
		about = " about " + e.ConsultationRef
	}
	d.notify(ctx, userTarget(e.Requester), Reply{Text: fmt.Sprintf("%s has your escalation %s%s and will be in touch.", p.Mention(), id, about)}, "acknowledged: requester")
	if posts, err := d.o.Escalations.Prompts(ctx, id); err != nil {
		d.o.Log.WarnContext(ctx, "desk: prompts not found; they keep their Acknowledge buttons", "id", id, "err", err)
	} else {
		d.updatePrompts(ctx, e, posts)
	}
	d.o.Log.InfoContext(ctx, "desk: acknowledged", "id", id, "by", p.UserID)
	return Reply{Text: fmt.Sprintf("You have acknowledged %s. %s The practitioner is %s, on %s.", id, e.Summary, e.Requester.Mention(), PlatformName(e.Requester.Platform)), Ephemeral: true}, nil
}

// ShowRequest says where consultation ref stands, for a duty manager
// chasing it: its specialism, urgency and area, who asked and when, and
// who has it. Never the question, which only the requester and the
// claimant may see.
func (d *Desk) ShowRequest(ctx context.Context, m Message, ref string) (Reply, error) {
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil {
		return Reply{}, err
	}
	// References are sequential: only the people the request concerns may
	// see where it stands: its requester and claimant, its specialism's
	// specialists, and those who may acknowledge its urgency's ladder.
	p := m.Sender()
	ok := p.Key() == c.Requester.Key() || (c.Claimant.UserID != "" && p.Key() == c.Claimant.Key())
	if !ok {
		if ok, err = d.isSpecialist(ctx, p, c.Specialism); err != nil && !ok {
			return Reply{}, fmt.Errorf("check who may see %s: %w", ref, err)
		}
	}
	if !ok {
		levels := len(d.o.Policies[c.Urgency].Levels)
		if ok, err = d.prompted(ctx, p, Escalation{Urgency: c.Urgency, Level: levels}); err != nil && !ok {
			return Reply{}, fmt.Errorf("check who may see %s: %w", ref, err)
		}
	}
	if !ok {
		return Reply{}, Errorf(EForbidden, "Only the people %s concerns can see where it stands.", ref)
	}
	state := map[string]string{StateQueued: "waiting in the " + specialistsName(c.Specialism) + " queue", StateClaimed: "claimed by " + c.Claimant.Mention(),
		StateClosed: "closed", StateCancelled: "cancelled by the practitioner"}[c.State]
	if state == "" {
		state = c.State
	}
	lines := []string{
		fmt.Sprintf("%s · %s · %s · %s", c.Ref, SpecialismName(c.Specialism), c.Urgency, areaName(c.Area)),
		fmt.Sprintf("Requested by %s at %s.", c.Requester.Mention(), c.CreatedAt.In(d.location()).Format("15:04 on Mon 2 Jan")),
		"Now " + state + ".",
	}
	return Reply{Text: strings.Join(lines, "\n"), Ephemeral: true}, nil
}
