package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// BookingForm is the form a practitioner fills in to book a consultation.
func (d *Desk) BookingForm(area, specialism string) (Reply, error) {
	options := d.specialisms(area)
	if len(options) == 0 {
		return Reply{}, Errorf(EInvalid, "No specialists in %s take consultations through Waymark yet.", areaName(area))
	}
	if specialism != "" && !slices.ContainsFunc(options, func(o Option) bool { return o.Value == specialism }) {
		return Reply{}, Errorf(EInvalid, "No one in %s takes that kind of consultation.", areaName(area))
	}
	if specialism == "" {
		specialism = options[0].Value
	}
	return Reply{
		Text: "Tell the specialist what you would like to talk through.",
		Form: &Form{
			ID: ActionBook, Title: "Book a consultation", SubmitLabel: "Send request",
			Fields: []Field{
				{Name: "specialism", Label: "Specialism", Kind: FieldSelect, Options: options, Value: specialism, Required: true},
				{Name: "urgency", Label: "Urgency", Kind: FieldSelect, Value: UrgencyRoutine, Required: true, Options: []Option{
					{Value: UrgencyRoutine, Label: "Routine"}, {Value: UrgencyUrgent, Label: "Urgent"}}},
				{Name: "question", Label: "Your question", Kind: FieldTextArea, Required: true, MaxLen: maxQuestion,
					Hint: "Describe the child without name, date of birth or address (\"a 14-year-old boy in year 9\")."},
				{Name: "area", Label: "Area", Kind: FieldText, Value: area, MaxLen: 100},
				{Name: "times", Label: "Times that suit you", Kind: FieldText, MaxLen: 200, Hint: "e.g. Tuesday afternoon"},
			},
		},
	}, nil
}

// expected says when a request of policy p is normally claimed.
func expected(p EscalationPolicy) string {
	if p.ClaimWithinWorkingDays > 0 {
		return fmt.Sprintf("within %d working %s", p.ClaimWithinWorkingDays, plural(p.ClaimWithinWorkingDays, "day", "days"))
	}
	return "within " + humanDuration(p.ClaimWithin)
}

// article is "a" or "an" before word.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIOU", rune(word[0])) {
		return "an"
	}
	return "a"
}

func humanDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= time.Hour:
		h := int(d / time.Hour)
		return fmt.Sprintf("%d %s", h, plural(h, "hour", "hours"))
	case d < time.Minute:
		sec := max(int(d.Round(time.Second)/time.Second), 1)
		return fmt.Sprintf("%d %s", sec, plural(sec, "second", "seconds"))
	default:
		m := int(d.Round(time.Minute) / time.Minute)
		return fmt.Sprintf("%d %s", m, plural(m, "minute", "minutes"))
	}
}

func (d *Desk) deadline(p EscalationPolicy, from time.Time) time.Time {
	if p.ClaimWithinWorkingDays > 0 && d.o.Calendar != nil {
		return d.o.Calendar.Deadline(p, from)
	}
	return from.Add(p.ClaimWithin)
}

// Book takes a submitted booking form. A request with identifying details
// is refused and nothing of it is kept.
func (d *Desk) Book(ctx context.Context, m Message) (Reply, error) {
	v := m.Form
	specialism := strings.ToLower(strings.TrimSpace(v["specialism"]))
	urgency := strings.ToLower(strings.TrimSpace(v["urgency"]))
	question := strings.TrimSpace(v["question"])
	area := strings.TrimSpace(v["area"])
	times := strings.TrimSpace(v["times"])
	var problems []string
	if _, ok := d.o.Queues[specialism]; !ok {
		problems = append(problems, "choose a specialism")
	}
	if _, ok := d.o.Policies[urgency]; !ok || (urgency != UrgencyUrgent && urgency != UrgencyRoutine) {
		problems = append(problems, "choose urgent or routine")
	}
	if question == "" {
		problems = append(problems, "write your question")
	}
	if len([]rune(question)) > maxQuestion {
		problems = append(problems, fmt.Sprintf("shorten your question to %d characters", maxQuestion))
	}
	if len([]rune(times)) > 200 || len([]rune(area)) > 100 {
		problems = append(problems, "shorten the area or times")
	}
	if len(problems) > 0 {
		return Reply{}, Errorf(EInvalid, "Please %s.", andList(problems))
	}
	if s := d.kb.Screen(question + "\n" + times + "\n" + area); s.PersonalData {
		return Reply{}, Errorf(EInvalid, "Your request included %s, so I have not sent or kept it. "+
			"Describe the child without name, date of birth or address (\"a 14-year-old boy in year 9\"), and send it again.", describeKinds(s.PersonalKinds))
	}
	now := d.o.Clock.Now()
	policy := d.o.Policies[urgency]
	c, err := d.o.Consultations.CreateConsultation(ctx, Consultation{
		Specialism: specialism, Urgency: urgency, Question: question, Area: area, PreferredTimes: times,
		Requester: m.Sender(), RequesterConversation: m.ConversationID,
		State: StateQueued, CreatedAt: now, ClaimBy: d.deadline(policy, now),
	})
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	var notices []Notice
	sla := Timer{ID: slaTimer(c.Ref), Due: c.ClaimBy, Kind: TimerClaimSLA, Ref: c.Ref}
	if err := d.scheduleHard(ctx, sla); err != nil {
		// The request is stored and posted, but nothing will chase it.
		d.o.Log.ErrorContext(ctx, "desk: claim SLA timer not stored yet; retried at every tick", "ref", c.Ref, "err", err)
		notices = append(notices, Notice{Kind: NoticeInfo, Title: "Reminder not set yet",
			Text: "Your request is with the specialists, but I could not set its reminder yet and will keep trying: if no one has picked it up in time, ask the duty manager."})
	}
	d.postQueueCard(ctx, c, "new request")
	d.o.Log.InfoContext(ctx, "desk: booked", "ref", c.Ref, "specialism", specialism, "urgency", urgency, "requester", m.UserID)
	return Reply{
		Text: fmt.Sprintf("Request %s is with the %s specialists. %s %s request is normally claimed %s (by %s). "+
			"I will tell you when a specialist picks it up. To see your requests, send \"my\".",
			c.Ref, specialistsName(specialism), capitalise(article(urgency)), urgency, expected(policy), c.ClaimBy.In(d.location()).Format("Mon 2 Jan 15:04")),
		Buttons: []Button{{ActionID: ActionCancel, Label: "Cancel " + c.Ref, Value: c.Ref, Style: StyleDanger}},
		Notices: notices,
	}, nil
}

// scheduleHard schedules t, trying three times: a request whose timer is
// lost would never be chased. If all three fail, t is kept to be tried
// again at every Tick until it is stored (saveUnsaved).
func (d *Desk) scheduleHard(ctx context.Context, t Timer) error {
	var err error
	for try := range 3 {
		if err = d.o.Timers.Schedule(ctx, t); err == nil {
			d.forgetUnsaved(t.ID)
			return nil
		}
		select {
		case <-ctx.Done():
			d.keepUnsaved(t)
			return err
		case <-time.After(time.Duration(try+1) * 100 * time.Millisecond):
		}
	}
	d.keepUnsaved(t)
	return err
}

func (d *Desk) keepUnsaved(t Timer) {
	d.unsavedMu.Lock()
	defer d.unsavedMu.Unlock()
	if d.unsaved == nil {
		d.unsaved = map[string]Timer{}
	}
	d.unsaved[t.ID] = t
}

func (d *Desk) forgetUnsaved(id string) {
	d.unsavedMu.Lock()
	defer d.unsavedMu.Unlock()
	delete(d.unsaved, id)
}

// saveUnsaved stores the timers scheduleHard could not, keeping those that
// still fail.
func (d *Desk) saveUnsaved(ctx context.Context) {
	d.unsavedMu.Lock()
	ts := make([]Timer, 0, len(d.unsaved))
	for _, t := range d.unsaved {
		ts = append(ts, t)
	}
	d.unsavedMu.Unlock()
	for _, t := range ts {
		if err := d.o.Timers.Schedule(ctx, t); err != nil {
			d.o.Log.WarnContext(ctx, "desk: timer still not stored; trying again next tick", "timer", t.ID, "err", err)
			continue
		}
		d.o.Log.InfoContext(ctx, "desk: timer stored after an outage", "timer", t.ID, "ref", t.Ref)
		d.forgetUnsaved(t.ID)
	}
}

// queueCard announces a request to its queue. It leaves out the question:
// only the requester and the specialist who claims it see the details.
func (d *Desk) queueCard(c Consultation) Reply {
	return Reply{
		Text:    fmt.Sprintf("New %s %s consultation request %s for %s. Claim it to see the details.", c.Urgency, SpecialismName(c.Specialism), c.Ref, areaName(c.Area)),
		Buttons: []Button{{ActionID: ActionClaim, Label: "Claim " + c.Ref, Value: c.Ref, Style: StylePrimary}},
	}
}

// postQueueCard posts c's card to its queue and records where it landed,
// so that the card can show what becomes of the request. It reports
// whether the card was posted and recorded.
func (d *Desk) postQueueCard(ctx context.Context, c Consultation, what string) bool {
	t := d.o.Queues[c.Specialism]
	th, err := d.notifyThread(ctx, t, d.queueCard(c))
	if err != nil {
		d.o.Log.ErrorContext(ctx, "desk: notify failed", "what", what, "platform", t.Platform, "target", t.ID, "err", err)
		return false
	}
	if th.ThreadID == "" {
		return false
	}
	if err := d.o.Consultations.SetQueuePost(ctx, c.Ref, th); err != nil {
		d.o.Log.WarnContext(ctx, "desk: queue card not recorded; it will not show what becomes of the request", "ref", c.Ref, "err", err)
		return false
	}
	return true
}

// DefaultUpdateBudget bounds the time spent changing cards and prompts
// after a step: they only tidy what people see, and must not hold up the
// answer to the person who acted (a rate-limited platform can ask to wait
// long).
const DefaultUpdateBudget = 5 * time.Second

// syncQueueCard makes the recorded queue card of the request ref show its
// state as it is now, read afresh so that of two changes racing the card
// ends with the later state: claimable while queued, otherwise who has it,
// or that it was closed or cancelled, without a Claim button. It reports
// whether the card was updated; if not, the caller tells the queue in a
// message.
func (d *Desk) syncQueueCard(ctx context.Context, ref, what string) bool {
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil || c.QueuePost.ThreadID == "" {
		return false
	}
	var r Reply
	switch c.State {
	case StateQueued:
		r = d.queueCard(c)
	case StateClaimed:
		r = queueStatus(c, "claimed by "+c.Claimant.Mention()+".")
	case StateClosed:
		r = queueStatus(c, "closed.")
	case StateCancelled:
		r = queueStatus(c, "cancelled by the practitioner.")
	default:
		return false
	}
	return d.updateCard(ctx, c, c.QueuePost, r, what)
}

// queueStatus is a queue card that says what became of c: no question, no
// buttons.
func queueStatus(c Consultation, status string) Reply {
	return Reply{Text: fmt.Sprintf("%s %s consultation request %s for %s: %s",
		capitalise(c.Urgency), SpecialismName(c.Specialism), c.Ref, areaName(c.Area), status)}
}

// updateCard replaces the queue card th of c with r, reporting whether it
// did.
func (d *Desk) updateCard(ctx context.Context, c Consultation, th Thread, r Reply, what string) bool {
	u, ok := d.o.Notifier.(Updater)
	if !ok || th.ThreadID == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, d.o.UpdateBudget)
	defer cancel()
	t := d.o.Queues[c.Specialism]
	if err := u.Update(ctx, t, th, r); err != nil {
		d.o.Log.WarnContext(ctx, "desk: queue card not updated", "what", what, "ref", c.Ref, "platform", t.Platform, "err", err)
		return false
	}
	return true
}

// details are what the requester and claimant see.
func details(c Consultation) string {
	lines := []string{
		fmt.Sprintf("%s · %s · %s · %s", c.Ref, SpecialismName(c.Specialism), c.Urgency, areaName(c.Area)),
		"Question: " + c.Question,
		"Requested by: " + c.Requester.Mention(),
	}
	if c.PreferredTimes != "" {
		lines = append(lines, "Times that suit: "+c.PreferredTimes)
	}
	return strings.Join(lines, "\n")
}

// andList joins items as "a, b and c".
func andList(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
