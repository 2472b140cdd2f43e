package bot

import (
	"context"
	"fmt"
	"strings"
)

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
	case c.State == StateQueued:
		return Reply{}, Errorf(EConflict, "%s has not been claimed yet: you can write once a specialist picks it up.", ref)
	case c.State != StateClaimed:
		return Reply{}, Errorf(EConflict, "%s is %s, so messages can no longer be sent.", ref, c.State)
	case p.Key() == c.Requester.Key():
		to = c.Claimant
	case p.Key() == c.Claimant.Key():
		to = c.Requester
	default:
		return Reply{}, Errorf(EForbidden, "Only the practitioner and the specialist on %s can write about it.", ref)
	}
	if err := d.notifyLinked(ctx, to, Reply{Text: fmt.Sprintf("%s about %s: %s\n%s", p.Mention(), ref, text, d.replyHint(to, ref, p.Mention()))}, ref, "relay"); err != nil {
		return Reply{}, Errorf(EUnavailable, "I could not deliver that just now; please try again.")
	}
	if err := d.o.Consultations.Audit(ctx, AuditEntry{At: d.o.Clock.Now(), Ref: ref, Actor: p.Key(), Action: AuditReplied}); err != nil {
		d.o.Log.WarnContext(ctx, "desk: relay not audited", "ref", ref, "err", err)
	}
	return Reply{Text: "Sent to " + to.Mention() + ".", Ephemeral: true}, nil
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
	note := fmt.Sprintf("%s has closed %s.", m.Sender().Mention(), ref)
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
		return Reply{Text: "You have no consultation requests. To book one, send \"consult\".", Ephemeral: true}, nil
	}
	var lines []string
	var buttons []Button
	for _, c := range cs {
		line := fmt.Sprintf("%s · %s · %s · %s", c.Ref, SpecialismName(c.Specialism), c.Urgency, c.State)
		if c.State == StateClaimed {
			line += " by " + c.Claimant.Mention()
		}
		lines = append(lines, line)
		if c.State == StateQueued || c.State == StateClaimed {
			buttons = append(buttons, Button{ActionID: ActionCancel, Label: "Cancel " + c.Ref, Value: c.Ref, Style: StyleDanger})
		}
	}
	return Reply{Text: "Your consultation requests:\n" + strings.Join(lines, "\n"), Buttons: buttons, Ephemeral: true}, nil
}

// threadWords are the desk's commands its claimant may type in a
// consultation's own thread, with the command each is.
var threadWords = map[string]string{
	CmdClose: CmdClose, CmdHandBack: CmdHandBack, "hand back": CmdHandBack, CmdHandOver: CmdHandOver, "hand over": CmdHandOver,
}

// ThreadCommand acts on a command the claimant of ref typed in its thread
// (close, hand back, hand over), with or without the reference; it reports
// false for anything else, which is relayed. Only the claimant's words are
// read so: the practitioner's "close to tears..." is a message.
func (d *Desk) ThreadCommand(ctx context.Context, m Message, ref string) (Reply, bool, error) {
	text := strings.TrimSpace(m.Text)
	lower := strings.ToLower(text)
	var cmd, rest string
	for word, c := range threadWords {
		if r, ok := strings.CutPrefix(lower, word); ok && (r == "" || r[0] == ' ') && len(word) > len(cmd) {
			cmd, rest = c, strings.TrimSpace(text[len(word):])
		}
	}
	if cmd == "" {
		return Reply{}, false, nil
	}
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil || c.State != StateClaimed || c.Claimant.Key() != m.Sender().Key() {
		return Reply{}, false, nil
	}
	if r, _, ok := parseRef(rest); !ok || r != ref {
		rest = strings.TrimSpace(ref + " " + rest)
	}
	m.Command, m.Text = cmd, rest
	var r Reply
	switch cmd {
	case CmdClose:
		r, err = d.CloseConsultation(ctx, m)
	case CmdHandBack:
		r, err = d.Unclaim(ctx, m, ref)
	default:
		r, err = d.HandOver(ctx, m)
	}
	return r, true, err
}
