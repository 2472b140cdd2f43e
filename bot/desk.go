package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// DeskOptions configure consultations and escalations.
type DeskOptions struct {
	Consultations ConsultationStore
	Escalations   EscalationStore
	Timers        TimerStore
	Notifier      Notifier
	// Specialists lists, per specialism, who may claim and close its
	// requests, as Person keys (platform:team:user), platform:user, or a
	// platform's user group (platform:group:id, looked up in Directory);
	// each platform's adapter documents its ids.
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
	// Metrics counts escalations, prompts and acknowledgements; nothing is
	// counted when nil.
	Metrics Metrics
	// Leads are the safeguarding leads and CorpusOwners the people who
	// keep the corpus, written as Specialists are: the console shows
	// leads everything, and corpus owners the knowledge gaps and the
	// corpus's health.
	Leads, CorpusOwners []string
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

	// Timers that could not be stored (Redis down): each Tick tries them
	// again first, so a request booked in an outage is still chased once
	// Redis is back. Kept in memory: a restart before then loses them, and
	// the log says which.
	unsavedMu sync.Mutex
	unsaved   map[string]Timer
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
	if o.Metrics == nil {
		o.Metrics = NopMetrics{}
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
		d.o.Metrics.Undelivered(t.Platform)
	}
}

// isSpecialist reports whether p may claim specialism's requests. A group
// that cannot be looked up right now counts as no: claiming is refused
// rather than opened to everyone, and the error says why.
// notifyLinked sends r to a person and links the message's thread to ref,
// so that whatever they write in that thread reaches the other side.
func (d *Desk) notifyLinked(ctx context.Context, p Person, r Reply, ref, what string) error {
	// One thread a consultation for each side: later notes continue it.
	if tr, ok := d.o.Notifier.(ThreadReplier); ok {
		if th, err := d.o.Consultations.PersonThread(ctx, ref, p); err == nil && th.ThreadID != "" {
			err := tr.NotifyInThread(ctx, userTarget(p), th, r)
			if err == nil {
				return nil
			}
			d.o.Log.WarnContext(ctx, "desk: could not continue the thread; starting another", "what", what, "ref", ref, "err", err)
		}
	}
	th, err := d.notifyThread(ctx, userTarget(p), r)
	if err != nil || th.ThreadID == "" {
		return err // without a thread, 'reply WM-...' is the way back
	}
	if err := d.o.Consultations.LinkThread(ctx, th, ref); err != nil {
		d.o.Log.WarnContext(ctx, "desk: thread not linked; 'reply "+ref+"' still works", "what", what, "err", err)
	}
	if err := d.o.Consultations.SetPersonThread(ctx, ref, p, th); err != nil {
		d.o.Log.WarnContext(ctx, "desk: thread not kept; later notes start their own", "what", what, "ref", ref, "err", err)
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

// replyHint tells p how to write to the other side of ref, in the words
// of p's platform when its notifier has them.
func (d *Desk) replyHint(p Person, ref, whom string) string {
	if h, ok := d.o.Notifier.(ReplyHinter); ok {
		if hint := h.ReplyHint(p, ref, whom); hint != "" {
			return hint
		}
	}
	return fmt.Sprintf("To write to %s: reply %s <your message>.", whom, ref)
}

// actHint tells the claimant p how to close, hand back or hand over ref:
// in a platform with threads, by typing the command in ref's thread.
func (d *Desk) actHint(p Person, ref string) string {
	if h, ok := d.o.Notifier.(ReplyHinter); ok && h.ReplyHint(p, ref, "") != "" {
		return "In this thread, type close <outcome>, handback or handover @colleague to act on " + ref + "; anything else you type goes to the practitioner."
	}
	return "To act on it: close " + ref + " <outcome>, handback " + ref + " or handover " + ref + " @colleague."
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
	return d.isOneOf(ctx, p, d.o.Specialists[specialism])
}

// isOneOf reports whether p is one of people, written as Specialists are:
// Person keys, platform:user, or a platform's user group.
func (d *Desk) isOneOf(ctx context.Context, p Person, people []string) (bool, error) {
	var lookupErr error
	for _, k := range people {
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
		out = append(out, Option{Value: c.Specialism, Label: capitalise(SpecialismName(c.Specialism))})
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
