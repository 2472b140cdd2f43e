package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"time"
)

// DeskOptions configure consultations and escalations.
type DeskOptions struct {
	Consultations ConsultationStore
	Escalations   EscalationStore
	Timers        TimerStore
	Notifier      Notifier
	// Specialists lists, per specialism, who may claim and close its
	// requests, as Person keys ("slack:T123:U456"), platform:user
	// ("slack:U456"), or a platform's user group ("slack:group:S0123",
	// looked up in Directory).
	Specialists map[string][]string
	// Directory looks up user-group membership; needed only when
	// Specialists name groups.
	Directory Directory
	// Queues is where each specialism's new requests are posted.
	Queues map[string]Target
	// Policies are the escalation policies by urgency; urgent and routine
	// are required.
	Policies map[string]EscalationPolicy
	// Calendar counts working days for policies that use them.
	Calendar *Calendar
	// RiskPolicy is the urgency whose ladder risk and manual escalations
	// climb; default urgent.
	RiskPolicy string
	Clock      Clock
	Log        *slog.Logger
	// UpdateBudget bounds the time a step spends changing queue cards and
	// prompts it posted earlier. Default DefaultUpdateBudget.
	UpdateBudget time.Duration
}

// Desk runs consultations and escalations: the booking form, the queue,
// claims, the relay between specialist and practitioner, the claim SLA and
// the duty managers' ladder. Everything it knows is in its stores, so any
// replica can serve any step, and its timers survive restarts.
type Desk struct {
	o  DeskOptions
	kb Knowledge
}

// Timer handling.
const (
	timerBatch = 100              // timers taken per tick
	timerRetry = 30 * time.Second // a timer whose work failed is tried again after this
)

// NewDesk checks o and returns a Desk. Every problem is reported at once.
func NewDesk(kb Knowledge, o DeskOptions) (*Desk, error) {
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.UpdateBudget <= 0 {
		o.UpdateBudget = DefaultUpdateBudget
	}
	if o.RiskPolicy == "" {
		o.RiskPolicy = UrgencyUrgent
	}
	var problems []string
	if o.Consultations == nil || o.Escalations == nil || o.Timers == nil {
		problems = append(problems, "the desk needs consultation, escalation and timer stores")
	}
	if o.Notifier == nil {
		problems = append(problems, "the desk needs a notifier to reach specialists and duty managers")
	}
	for _, u := range []string{UrgencyUrgent, UrgencyRoutine} {
		p, ok := o.Policies[u]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("no escalation policy for %s requests", u))
		case p.ClaimWithin <= 0 && p.ClaimWithinWorkingDays <= 0:
			problems = append(problems, fmt.Sprintf("the %s policy needs a claim time", u))
		case p.ClaimWithinWorkingDays > 0 && o.Calendar == nil:
			problems = append(problems, fmt.Sprintf("the %s policy counts working days but there is no working calendar", u))
		case len(p.Levels) == 0:
			problems = append(problems, fmt.Sprintf("the %s policy has no escalation levels", u))
		}
		for i, l := range p.Levels {
			if len(l.Targets) == 0 {
				problems = append(problems, fmt.Sprintf("level %d (%s) of the %s policy has no one to prompt", i+1, l.Name, u))
			}
			if l.RepeatEvery <= 0 {
				problems = append(problems, fmt.Sprintf("level %d (%s) of the %s policy needs a delay (repeat_every)", i+1, l.Name, u))
			}
		}
	}
	if _, ok := o.Policies[o.RiskPolicy]; !ok {
		problems = append(problems, fmt.Sprintf("the risk policy %q does not exist", o.RiskPolicy))
	}
	for s := range o.Queues {
		if len(o.Specialists[s]) == 0 {
			problems = append(problems, fmt.Sprintf("the %s queue has no specialists who can claim", s))
		}
		for _, k := range o.Specialists[s] {
			if strings.Contains(k, ":group:") && o.Directory == nil {
				problems = append(problems, fmt.Sprintf("the %s specialists include a group (%s) but nothing can look groups up", s, k))
			}
		}
	}
	if len(problems) > 0 {
		return nil, Errorf(EInvalid, "consultations are not set up right: %s", strings.Join(problems, "; "))
	}
	return &Desk{o: o, kb: kb}, nil
}

var refRE = regexp.MustCompile(`(?i)\b(WM-\d{6})\b`)

// parseRef splits "WM-000042 some text" into the reference and the rest.
func parseRef(s string) (ref, rest string, ok bool) {
	s = strings.TrimSpace(s)
	loc := refRE.FindStringIndex(s)
	if loc == nil || loc[0] != 0 {
		return "", s, false
	}
	return strings.ToUpper(s[loc[0]:loc[1]]), strings.TrimSpace(s[loc[1]:]), true
}

func slaTimer(ref string) string { return "sla:" + ref }
func escTimer(id string) string  { return "esc:" + id }

func userTarget(p Person) Target {
	return Target{Platform: p.Platform, TeamID: p.TeamID, Kind: TargetUser, ID: p.UserID}
}

// notify sends r to t, logging (never failing) when it cannot: the request
// is in the store and its timers will catch what a lost message misses.
func (d *Desk) notify(ctx context.Context, t Target, r Reply, what string) {
	if err := d.o.Notifier.Notify(ctx, t, r); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: notify failed", "what", what, "platform", t.Platform, "target", t.ID, "err", err)
	}
}

// isSpecialist reports whether p may claim specialism's requests. A group
// that cannot be looked up right now counts as no: claiming is refused
// rather than opened to everyone, and the error says why.
// notifyLinked sends r to a person and links the message's thread to ref,
// so that whatever they write in that thread reaches the other side.
func (d *Desk) notifyLinked(ctx context.Context, p Person, r Reply, ref, what string) error {
	th, err := d.notifyThread(ctx, userTarget(p), r)
	if err != nil || th.ThreadID == "" {
		return err // without a thread, 'reply WM-...' is the way back
	}
	if err := d.o.Consultations.LinkThread(ctx, th, ref); err != nil {
		d.o.Log.WarnContext(ctx, "desk: thread not linked; 'reply "+ref+"' still works", "what", what, "err", err)
	}
	return nil
}

// notifyThread sends r to t and returns where it landed, its platform and
// team filled in from t, or no thread when the platform's notifier cannot
// say (or has no threads).
func (d *Desk) notifyThread(ctx context.Context, t Target, r Reply) (Thread, error) {
	tn, ok := d.o.Notifier.(ThreadNotifier)
	if !ok {
		return Thread{}, d.o.Notifier.Notify(ctx, t, r)
	}
	th, err := tn.NotifyThread(ctx, t, r)
	if err != nil || th.ThreadID == "" {
		return Thread{}, err
	}
	if th.Platform == "" {
		th.Platform = t.Platform
	}
	if th.TeamID == "" {
		th.TeamID = t.TeamID
	}
	return th, nil
}

// replyHint tells p how to write to the other side of ref: in the thread
// where their platform has threads, with the reply command everywhere.
func replyHint(p Person, ref, whom string) string {
	switch p.Platform {
	case PlatformWeb:
		return fmt.Sprintf("To write to %s: reply %s <your message>.", whom, ref)
	case PlatformTeams: // chats have no threads: a reply quotes the message
		return fmt.Sprintf("Reply to this message to write to %s (or: reply %s <message>).", whom, ref)
	}
	return fmt.Sprintf("Reply in this thread to write to %s (or: reply %s <message>).", whom, ref)
}

// ThreadConsultation returns the consultation m's thread is linked to, or
// "": a direct message in the thread of a note the desk sent.
func (d *Desk) ThreadConsultation(ctx context.Context, m Message) string {
	if m.Shared || m.ThreadID == "" {
		return ""
	}
	ref, err := d.o.Consultations.ThreadConsultation(ctx, Thread{Platform: m.Platform, TeamID: m.TeamID, ConversationID: m.ConversationID, ThreadID: m.ThreadID})
	if err != nil {
		d.o.Log.WarnContext(ctx, "desk: thread lookup failed", "message", m.ID, "err", err)
		return ""
	}
	return ref
}

func (d *Desk) isSpecialist(ctx context.Context, p Person, specialism string) (bool, error) {
	var lookupErr error
	for _, k := range d.o.Specialists[specialism] {
		if k == p.Key() || k == p.Platform+":"+p.UserID {
			return true, nil
		}
		if group, ok := strings.CutPrefix(k, p.Platform+":group:"); ok && d.o.Directory != nil {
			in, err := d.o.Directory.MemberOf(ctx, p, group)
			if err != nil {
				lookupErr = err
				continue
			}
			if in {
				return true, nil
			}
		}
	}
	return false, lookupErr
}

// specialisms lists the specialisms with a queue that area's practitioners
// can book.
func (d *Desk) specialisms(area string) []Option {
	seen := map[string]bool{}
	var out []Option
	for _, doc := range d.kb.Contacts(area, "") {
		c := doc.Contact
		if c == nil || !c.Bookable || seen[c.Specialism] {
			continue
		}
		if _, ok := d.o.Queues[c.Specialism]; !ok {
			continue
		}
		seen[c.Specialism] = true
		out = append(out, Option{Value: c.Specialism, Label: capitalise(specialismName(c.Specialism))})
	}
	slices.SortFunc(out, func(a, b Option) int { return strings.Compare(a.Value, b.Value) })
	return out
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

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
				{Name: "specialism", Label: "Specialist", Kind: FieldSelect, Options: options, Value: specialism, Required: true},
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

func humanDuration(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= time.Hour:
		h := int(d / time.Hour)
		return fmt.Sprintf("%d %s", h, plural(h, "hour", "hours"))
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
		problems = append(problems, "choose a specialist")
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
		return Reply{}, Errorf(EInvalid, "Please %s.", strings.Join(problems, ", "))
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
		d.o.Log.ErrorContext(ctx, "desk: claim SLA timer not scheduled: this request will not escalate by itself", "ref", c.Ref, "err", err)
		notices = append(notices, Notice{Kind: NoticeInfo, Title: "No automatic reminder",
			Text: "Your request is with the specialists, but I could not set its reminder: if no one has picked it up in time, ask the duty manager."})
	}
	d.postQueueCard(ctx, c, "new request")
	d.o.Log.InfoContext(ctx, "desk: booked", "ref", c.Ref, "specialism", specialism, "urgency", urgency, "requester", m.UserID)
	return Reply{
		Text: fmt.Sprintf("Request %s is with the %s specialists. An %s request is normally claimed %s (by %s). "+
			"I will tell you when a specialist picks it up. See your requests with: my.",
			c.Ref, specialismName(specialism), urgency, expected(policy), c.ClaimBy.In(d.location()).Format("Mon 2 Jan 15:04")),
		Buttons: []Button{{ActionID: ActionCancel, Label: "Cancel " + c.Ref, Value: c.Ref, Style: StyleDanger}},
		Notices: notices,
	}, nil
}

// scheduleHard schedules t, trying three times: a request whose timer is
// lost would never be chased.
func (d *Desk) scheduleHard(ctx context.Context, t Timer) error {
	var err error
	for try := range 3 {
		if err = d.o.Timers.Schedule(ctx, t); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(try+1) * 100 * time.Millisecond):
		}
	}
	return err
}

// queueCard announces a request to its queue. It leaves out the question:
// only the requester and the specialist who claims it see the details.
func (d *Desk) queueCard(c Consultation) Reply {
	return Reply{
		Text:    fmt.Sprintf("New %s %s consultation request %s for %s. Claim it to see the details.", c.Urgency, specialismName(c.Specialism), c.Ref, areaName(c.Area)),
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
		r = queueStatus(c, "claimed by "+c.Claimant.Display()+".")
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
		capitalise(c.Urgency), specialismName(c.Specialism), c.Ref, areaName(c.Area), status)}
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
		fmt.Sprintf("%s · %s · %s · %s", c.Ref, specialismName(c.Specialism), c.Urgency, areaName(c.Area)),
		"Question: " + c.Question,
		"Requested by: " + c.Requester.Display(),
	}
	if c.PreferredTimes != "" {
		lines = append(lines, "Times that suit: "+c.PreferredTimes)
	}
	return strings.Join(lines, "\n")
}

// Claim lets a specialist of the request's specialism take it.
func (d *Desk) Claim(ctx context.Context, m Message, ref string) (Reply, error) {
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil {
		return Reply{}, err
	}
	p := m.Sender()
	ok, err := d.isSpecialist(ctx, p, c.Specialism)
	if err != nil && !ok {
		return Reply{}, Errorf(EUnavailable, "I could not check who the %s specialists are just now; please try again.", specialismName(c.Specialism))
	}
	if !ok {
		return Reply{}, Errorf(EForbidden, "Only the %s specialists can claim %s.", specialismName(c.Specialism), ref)
	}
	c, err = d.o.Consultations.Claim(ctx, ref, p, d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	if err := d.o.Timers.CancelTimer(ctx, slaTimer(ref)); err != nil {
		d.o.Log.WarnContext(ctx, "desk: SLA timer not cancelled; it will find the request claimed", "ref", ref, "err", err)
	}

	if err := d.notifyLinked(ctx, c.Requester, Reply{Text: fmt.Sprintf(
		"%s has your consultation request %s. %s", p.Display(), ref, replyHint(c.Requester, ref, "them"))}, ref, "claimed: requester"); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: requester not told of the claim", "ref", ref, "err", err)
	}
	if err := d.notifyLinked(ctx, p, Reply{Text: "You have " + ref + ".\n" + details(c) +
		"\n" + replyHint(p, ref, "the practitioner")}, ref, "claimed: claimant"); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: claimant's thread not started", "ref", ref, "err", err)
	}
	if !d.syncQueueCard(ctx, ref, "claimed: queue card") {
		d.notify(ctx, d.o.Queues[c.Specialism], Reply{Text: fmt.Sprintf("%s has been claimed by %s.", ref, p.Display())}, "claimed: queue")
	}
	d.o.Log.InfoContext(ctx, "desk: claimed", "ref", ref, "by", p.UserID)
	return Reply{
		Text: "You have " + ref + ".\n" + details(c) + "\nTo write to the practitioner: reply " + ref +
			" <message>. To close it: close " + ref + " <outcome>.",
		Buttons:   []Button{{ActionID: ActionUnclaim, Label: "Hand back " + ref, Value: ref}},
		Ephemeral: true,
	}, nil
}

// Unclaim hands a request back to the queue.
func (d *Desk) Unclaim(ctx context.Context, m Message, ref string) (Reply, error) {
	c, err := d.o.Consultations.Unclaim(ctx, ref, m.Sender(), d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	due := c.ClaimBy
	if now := d.o.Clock.Now(); due.Before(now) {
		due = now
	}
	reply := Reply{Text: ref + " is back in the queue.", Ephemeral: true}
	toRequester := fmt.Sprintf("%s is back in the queue; another specialist will pick it up.", ref)
	if err := d.scheduleHard(ctx, Timer{ID: slaTimer(ref), Due: due, Kind: TimerClaimSLA, Ref: ref}); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: claim SLA timer not scheduled: this request will not escalate by itself", "ref", ref, "err", err)
		warning := "I could not set its reminder: if no one picks it up in time, ask the duty manager."
		reply.Text += " " + warning
		toRequester += " " + warning
	}
	// A new card tells the queue it is back; the old one then points to
	// it. Should the new card not be posted and recorded, the old one is
	// made claimable again instead, so there is always one to press.
	old := c.QueuePost
	if d.postQueueCard(ctx, c, "unclaimed: queue") {
		d.updateCard(ctx, c, old, queueStatus(c, "handed back to the queue; see the newer card."), "unclaimed: old queue card")
	} else {
		d.syncQueueCard(ctx, ref, "unclaimed: old queue card")
	}
	d.notify(ctx, userTarget(c.Requester), Reply{Text: toRequester}, "unclaimed: requester")
	return reply, nil
}

// mentionRE reads a user named in a command: a platform mention ("<@U0123>"
// or "<@U0123|sam>" in Slack) or a bare id.
var mentionRE = regexp.MustCompile(`^<?@?([A-Za-z0-9_.-]+)(?:\|[^>]*)?>?$`)

// HandOver lets the claimant give a request to another specialist of its
// specialism: "handover WM-000042 @colleague". The new claimant gets the
// details in a DM thread; the practitioner and the queue are told.
func (d *Desk) HandOver(ctx context.Context, m Message) (Reply, error) {
	ref, rest, ok := parseRef(m.Text)
	who := mentionRE.FindStringSubmatch(strings.TrimSpace(rest))
	if !ok || who == nil {
		return Reply{}, Errorf(EInvalid, "Write: handover WM-000042 @colleague.")
	}
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil {
		return Reply{}, err
	}
	to := Person{Platform: m.Platform, TeamID: m.TeamID, UserID: who[1]}
	ok, err = d.isSpecialist(ctx, to, c.Specialism)
	if err != nil && !ok {
		return Reply{}, Errorf(EUnavailable, "I could not check who the %s specialists are just now; please try again.", specialismName(c.Specialism))
	}
	if !ok {
		return Reply{}, Errorf(EInvalid, "That colleague is not one of the %s specialists, so %s cannot go to them.", specialismName(c.Specialism), ref)
	}
	from := m.Sender()
	c, err = d.o.Consultations.HandOver(ctx, ref, from, to, d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	if err := d.notifyLinked(ctx, to, Reply{Text: from.Display() + " has handed " + ref + " to you.\n" + details(c) +
		"\n" + replyHint(to, ref, "the practitioner")}, ref, "handed over: new claimant"); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: new claimant not told of the hand-over", "ref", ref, "err", err)
	}
	d.notify(ctx, userTarget(c.Requester), Reply{Text: fmt.Sprintf("%s is now with another specialist, who will be in touch.", ref)}, "handed over: requester")
	if !d.syncQueueCard(ctx, ref, "handed over: queue card") {
		d.notify(ctx, d.o.Queues[c.Specialism], Reply{Text: fmt.Sprintf("%s has been handed over by %s.", ref, from.Display())}, "handed over: queue")
	}
	return Reply{Text: "Handed " + ref + " over.", Ephemeral: true}, nil
}

// Relay passes a message between requester and claimant: "reply WM-000042
// text". It is forwarded, never stored, and refused when identifying.
func (d *Desk) Relay(ctx context.Context, m Message) (Reply, error) {
	ref, text, ok := parseRef(m.Text)
	if !ok || text == "" {
		return Reply{}, Errorf(EInvalid, "Write: reply WM-000042 <your message>.")
	}
	return d.RelayTo(ctx, m, ref, text)
}

// RelayTo passes text about consultation ref to the other side, in a new
// thread of theirs that is linked to ref too.
func (d *Desk) RelayTo(ctx context.Context, m Message, ref, text string) (Reply, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return Reply{}, Errorf(EInvalid, "Write your message in the thread.")
	}
	if s := d.kb.Screen(text); s.PersonalData {
		return Reply{}, Errorf(EInvalid, "Your message included %s, so I have not sent it. Please leave identifying details out.", describeKinds(s.PersonalKinds))
	}
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil {
		return Reply{}, err
	}
	p := m.Sender()
	var to Person
	switch {
	case c.State != StateClaimed:
		return Reply{}, Errorf(EConflict, "%s is %s: messages go through once a specialist has claimed it.", ref, c.State)
	case p.Key() == c.Requester.Key():
		to = c.Claimant
	case p.Key() == c.Claimant.Key():
		to = c.Requester
	default:
		return Reply{}, Errorf(EForbidden, "Only the practitioner and the specialist on %s can write about it.", ref)
	}
	if err := d.notifyLinked(ctx, to, Reply{Text: fmt.Sprintf("%s about %s: %s\n%s", p.Display(), ref, text, replyHint(to, ref, p.Display()))}, ref, "relay"); err != nil {
		return Reply{}, Errorf(EUnavailable, "I could not deliver that just now; please try again.")
	}
	if err := d.o.Consultations.Audit(ctx, AuditEntry{At: d.o.Clock.Now(), Ref: ref, Actor: p.Key(), Action: AuditReplied}); err != nil {
		d.o.Log.WarnContext(ctx, "desk: relay not audited", "ref", ref, "err", err)
	}
	return Reply{Text: "Sent to " + to.Display() + ".", Ephemeral: true}, nil
}

// CloseConsultation closes a claimed request with an outcome note: "close
// WM-000042 outcome".
func (d *Desk) CloseConsultation(ctx context.Context, m Message) (Reply, error) {
	ref, outcome, ok := parseRef(m.Text)
	if !ok {
		return Reply{}, Errorf(EInvalid, "Write: close WM-000042 <outcome>.")
	}
	if s := d.kb.Screen(outcome); s.PersonalData {
		return Reply{}, Errorf(EInvalid, "The outcome included %s; please leave identifying details out.", describeKinds(s.PersonalKinds))
	}
	c, err := d.o.Consultations.CloseConsultation(ctx, ref, m.Sender(), outcome, d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	note := fmt.Sprintf("%s has closed %s.", m.Sender().Display(), ref)
	if outcome != "" {
		note += " Outcome: " + outcome
	}
	d.notify(ctx, userTarget(c.Requester), Reply{Text: note}, "closed: requester")
	d.syncQueueCard(ctx, ref, "closed: queue card")
	return Reply{Text: "Closed " + ref + ".", Ephemeral: true}, nil
}

// Cancel lets the requester withdraw a request: "cancel WM-000042" or the
// button.
func (d *Desk) Cancel(ctx context.Context, m Message, ref string) (Reply, error) {
	if r, _, ok := parseRef(ref); ok {
		ref = r
	} else {
		return Reply{}, Errorf(EInvalid, "Write: cancel WM-000042.")
	}
	c, err := d.o.Consultations.Cancel(ctx, ref, m.Sender(), d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	if err := d.o.Timers.CancelTimer(ctx, slaTimer(ref)); err != nil {
		d.o.Log.WarnContext(ctx, "desk: SLA timer not cancelled; it will find the request cancelled", "ref", ref, "err", err)
	}
	if !d.syncQueueCard(ctx, ref, "cancelled: queue card") {
		d.notify(ctx, d.o.Queues[c.Specialism], Reply{Text: ref + " has been cancelled by the practitioner."}, "cancelled: queue")
	}
	if c.Claimant.UserID != "" {
		d.notify(ctx, userTarget(c.Claimant), Reply{Text: ref + " has been cancelled by the practitioner."}, "cancelled: claimant")
	}
	return Reply{Text: "Cancelled " + ref + ".", Ephemeral: true}, nil
}

// Mine lists the requester's consultations.
func (d *Desk) Mine(ctx context.Context, m Message) (Reply, error) {
	cs, err := d.o.Consultations.ConsultationsOf(ctx, m.Sender())
	if err != nil {
		return Reply{}, err
	}
	if len(cs) == 0 {
		return Reply{Text: "You have no consultation requests. Book one with: consult.", Ephemeral: true}, nil
	}
	var lines []string
	var buttons []Button
	for _, c := range cs {
		line := fmt.Sprintf("%s · %s · %s · %s", c.Ref, specialismName(c.Specialism), c.Urgency, c.State)
		if c.State == StateClaimed {
			line += " by " + c.Claimant.Display()
		}
		lines = append(lines, line)
		if c.State == StateQueued || c.State == StateClaimed {
			buttons = append(buttons, Button{ActionID: ActionCancel, Label: "Cancel " + c.Ref, Value: c.Ref, Style: StyleDanger})
		}
	}
	return Reply{Text: "Your consultation requests:\n" + strings.Join(lines, "\n"), Buttons: buttons, Ephemeral: true}, nil
}

// EscalateRisk prompts the duty manager about a question screened as
// immediate risk. The summary names the kinds of risk, never the words.
func (d *Desk) EscalateRisk(ctx context.Context, m Message, risks []string) (Escalation, error) {
	p := m.Sender()
	return d.escalate(ctx, Escalation{
		Trigger: TriggerRisk, Urgency: d.o.RiskPolicy, Requester: p, RequesterConversation: m.ConversationID,
		Summary: fmt.Sprintf("%s described a possible immediate risk (%s) on %s and was shown the act-now steps. Contact them now.",
			p.Display(), strings.Join(risks, ", "), p.Platform),
	})
}

// EscalateManual is a practitioner asking for a duty manager now.
func (d *Desk) EscalateManual(ctx context.Context, m Message) (Reply, error) {
	p := m.Sender()
	summary := fmt.Sprintf("%s on %s has asked for a duty manager now.", p.Display(), p.Platform)
	if ref, _, ok := parseRef(m.Text); ok {
		if c, err := d.o.Consultations.Consultation(ctx, ref); err == nil && c.Requester.Key() == p.Key() {
			summary += fmt.Sprintf(" It concerns %s (%s, %s).", ref, specialismName(c.Specialism), c.Urgency)
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
		Notices: []Notice{{Kind: NoticeActNow, Title: fmt.Sprintf("Escalation %s for the %s", e.ID, l.Name), Text: e.Summary}},
		Text:    fmt.Sprintf("Please acknowledge %s so the practitioner knows who has it (prompt %d at this level).", e.ID, prompt),
		Buttons: []Button{{ActionID: ActionAck, Label: "Acknowledge " + e.ID, Value: e.ID, Style: StylePrimary}},
	}
	for _, t := range l.Targets {
		d.postPrompt(ctx, e.ID, t, prompt1)
	}
	d.auditStep(ctx, e.ID, AuditPrompted, fmt.Sprintf("level %d (%s), prompt %d", level+1, l.Name, prompt))
	return true, nil
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
	r := Reply{Text: fmt.Sprintf("Escalation %s: acknowledged by %s at %s.", e.ID, e.AckBy.Display(), e.AckAt.In(d.location()).Format("15:04 on Mon 2 Jan"))}
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

// prompted reports whether p was among those prompted for e so far: a user
// target of a level reached, or anyone on the platform of a channel target
// of a level reached (only the channel's members see its Acknowledge
// button). Anyone else, on the web chat say, cannot acknowledge it.
func (d *Desk) prompted(p Person, e Escalation) bool {
	levels := d.o.Policies[e.Urgency].Levels
	for i := 0; i < len(levels) && i <= e.Level; i++ {
		for _, t := range levels[i].Targets {
			if t.Platform != p.Platform || (t.TeamID != "" && !strings.EqualFold(t.TeamID, p.TeamID)) {
				continue // another platform, or another workspace or tenant
			}
			if t.Kind == TargetChannel || (t.Kind == TargetUser && t.ID == p.UserID) {
				return true
			}
		}
	}
	return false
}

// Acknowledge stops an escalation's ladder; the practitioner is told who
// has it.
func (d *Desk) Acknowledge(ctx context.Context, m Message, id string) (Reply, error) {
	p := m.Sender()
	current, err := d.o.Escalations.Escalation(ctx, id)
	if err != nil {
		return Reply{}, err
	}
	if !d.prompted(p, current) {
		return Reply{}, Errorf(EForbidden, "Only the people prompted for %s can acknowledge it.", id)
	}
	e, err := d.o.Escalations.Acknowledge(ctx, id, p, d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	if err := d.o.Timers.CancelTimer(ctx, escTimer(id)); err != nil {
		d.o.Log.WarnContext(ctx, "desk: escalation timer not cancelled; it will find it acknowledged", "id", id, "err", err)
	}
	d.notify(ctx, userTarget(e.Requester), Reply{Text: fmt.Sprintf("%s has your escalation %s and will be in touch.", p.Display(), id)}, "acknowledged: requester")
	if posts, err := d.o.Escalations.Prompts(ctx, id); err != nil {
		d.o.Log.WarnContext(ctx, "desk: prompts not found; they keep their Acknowledge buttons", "id", id, "err", err)
	} else {
		d.updatePrompts(ctx, e, posts)
	}
	d.o.Log.InfoContext(ctx, "desk: acknowledged", "id", id, "by", p.UserID)
	return Reply{Text: fmt.Sprintf("You have %s. %s They are %s on %s.", id, e.Summary, e.Requester.Display(), e.Requester.Platform), Ephemeral: true}, nil
}

// Tick does the work of every due timer once: claim SLAs that passed start
// the ladder, unacknowledged prompts move it on. Several replicas may tick
// at once; each timer is taken by one, and each step is recorded atomically,
// so a timer that fires late after an outage never prompts twice. Taking a
// timer leases it (the store moves it a few minutes ahead), so a replica
// that stops mid-way delays the step instead of losing it; a finished timer
// is cancelled, a ladder's next step replaces it.
func (d *Desk) Tick(ctx context.Context) (int, error) {
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
			Summary: fmt.Sprintf("%s, an %s %s consultation request for %s, has not been claimed %s.",
				c.Ref, c.Urgency, specialismName(c.Specialism), areaName(c.Area), expected(d.o.Policies[c.Urgency])),
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

// committed lets a change whose audit entry alone is missing go on: the
// change stands, so people must be told; the gap is logged.
func (d *Desk) committed(ctx context.Context, err error) error {
	if err != nil && errors.Is(err, ErrAuditMissing) {
		d.o.Log.ErrorContext(ctx, "desk: a change was made but its audit entry is missing", "err", err)
		return nil
	}
	return err
}

func ignoreNotFound(err error) error {
	if ErrorKind(err) == ENotFound {
		return nil
	}
	return err
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
