package bot

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
)

// Claim lets a specialist of the request's specialism take it.
func (d *Desk) Claim(ctx context.Context, m Message, ref string) (Reply, error) {
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil {
		return Reply{}, err
	}
	p := m.Sender()
	ok, err := d.isSpecialist(ctx, p, c.Specialism)
	if err != nil && !ok {
		return Reply{}, Errorf(EUnavailable, "I could not check who the %s specialists are just now; please try again.", specialistsName(c.Specialism))
	}
	if !ok {
		return Reply{}, Errorf(EForbidden, "Only the %s specialists can claim %s.", specialistsName(c.Specialism), ref)
	}
	c, err = d.o.Consultations.Claim(ctx, ref, p, d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	if err := d.o.Timers.CancelTimer(ctx, slaTimer(ref)); err != nil {
		d.o.Log.WarnContext(ctx, "desk: SLA timer not cancelled; it will find the request claimed", "ref", ref, "err", err)
	}

	if err := d.notifyLinked(ctx, c.Requester, Reply{Text: fmt.Sprintf(
		"%s has your consultation request %s. %s", p.Mention(), ref, d.replyHint(c.Requester, ref, "them"))}, ref, "claimed: requester"); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: requester not told of the claim", "ref", ref, "err", err)
	}
	if err := d.notifyLinked(ctx, p, Reply{Text: "You have " + ref + ".\n" + details(c) +
		"\n" + d.replyHint(p, ref, "the practitioner") + " " + d.actHint(p, ref)}, ref, "claimed: claimant"); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: claimant's thread not started", "ref", ref, "err", err)
	}
	if !d.syncQueueCard(ctx, ref, "claimed: queue card") {
		d.notify(ctx, d.o.Queues[c.Specialism], Reply{Text: fmt.Sprintf("%s has been claimed by %s.", ref, p.Mention())}, "claimed: queue")
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
		d.o.Log.ErrorContext(ctx, "desk: claim SLA timer not stored yet; retried at every tick", "ref", ref, "err", err)
		warning := "I could not set its reminder yet and will keep trying: if no one picks it up in time, ask the duty manager."
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

// userIDRE reads a colleague named by a bare user id ("@dr.achebe" in the
// web chat, which has no mentions).
var userIDRE = regexp.MustCompile(`^@?([A-Za-z0-9_.:-]+)$`)

// colleague is the person m names after a command's reference: its first
// mention, else a bare user id of m's platform.
func colleague(m Message, rest string) (Person, bool) {
	if len(m.Mentioned) > 0 {
		p := m.Mentioned[0]
		p.Platform = cmp.Or(p.Platform, m.Platform)
		p.TeamID = cmp.Or(p.TeamID, m.TeamID)
		return p, p.UserID != ""
	}
	id := userIDRE.FindStringSubmatch(strings.TrimSpace(rest))
	if id == nil {
		return Person{}, false
	}
	return Person{Platform: m.Platform, TeamID: m.TeamID, UserID: id[1]}, true
}

// HandOver lets the claimant give a request to another specialist of its
// specialism: "handover WM-000042 @colleague". The new claimant gets the
// details in a DM thread; the practitioner and the queue are told.
func (d *Desk) HandOver(ctx context.Context, m Message) (Reply, error) {
	ref, rest, ok := parseRef(m.Text)
	to, named := colleague(m, rest)
	if !ok || !named {
		return Reply{}, Errorf(EInvalid, "Write: handover WM-000042 @colleague.")
	}
	c, err := d.o.Consultations.Consultation(ctx, ref)
	if err != nil {
		return Reply{}, err
	}
	ok, err = d.isSpecialist(ctx, to, c.Specialism)
	if err != nil && !ok {
		return Reply{}, Errorf(EUnavailable, "I could not check who the %s specialists are just now; please try again.", specialistsName(c.Specialism))
	}
	if !ok {
		return Reply{}, Errorf(EInvalid, "That colleague is not one of the %s specialists, so %s cannot go to them.", specialistsName(c.Specialism), ref)
	}
	from := m.Sender()
	c, err = d.o.Consultations.HandOver(ctx, ref, from, to, d.o.Clock.Now())
	if err := d.committed(ctx, err); err != nil {
		return Reply{}, err
	}
	if err := d.notifyLinked(ctx, to, Reply{Text: from.Mention() + " has handed " + ref + " to you.\n" + details(c) +
		"\n" + d.replyHint(to, ref, "the practitioner") + " " + d.actHint(to, ref)}, ref, "handed over: new claimant"); err != nil {
		d.o.Log.ErrorContext(ctx, "desk: new claimant not told of the hand-over", "ref", ref, "err", err)
	}
	d.notify(ctx, userTarget(c.Requester), Reply{Text: fmt.Sprintf("%s is now with another specialist, who will be in touch.", ref)}, "handed over: requester")
	if !d.syncQueueCard(ctx, ref, "handed over: queue card") {
		d.notify(ctx, d.o.Queues[c.Specialism], Reply{Text: fmt.Sprintf("%s has been handed over by %s to %s.", ref, from.Mention(), to.Mention())}, "handed over: queue")
	}
	return Reply{Text: "Handed " + ref + " to " + to.Mention() + ".", Ephemeral: true}, nil
}
