package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.EscalationStore = (*Store)(nil)

// escPrefix starts every escalation id.
const escPrefix = "ESC"

// Person field prefixes in an escalation's hash; requesterFields as well.
const ackByFields = "ack_by"

// CreateEscalation gives e the next id (ESC-000001, ...), stores it as open
// and audits it as escalated. The audit entry's actor is the requester for a
// manual escalation and "system" otherwise; its detail names the trigger,
// the consultation if any and the urgency, never the summary. e's ID,
// State, AckBy and AckAt are ignored; Level and Prompt are kept, so an
// escalation created after its first prompt says so.
//
// As with CreateConsultation, the counter, the escalation and the audit
// stream are three steps; if Redis fails after the escalation is stored, it
// stays stored under an id no one was given. It returns an EInvalid error
// when e has no CreatedAt, EUnavailable if Redis cannot be reached.
func (s *Store) CreateEscalation(ctx context.Context, e bot.Escalation) (bot.Escalation, error) {
	if e.CreatedAt.IsZero() {
		return bot.Escalation{}, invalid("The escalation has no creation time.")
	}
	n, err := s.client.Incr(ctx, s.keys.EscalationSeq()).Result()
	if err != nil {
		return bot.Escalation{}, fmt.Errorf("create escalation: %w", s.wrapRecords("INCR", err))
	}
	e.ID = formatRef(escPrefix, n)
	e.State = bot.EscalationOpen
	e.AckBy, e.AckAt = bot.Person{}, time.Time{}

	args := append([]any{newOp()}, escalationFields(e)...)
	stored, err := createScript.Run(ctx, s.client, []string{s.keys.Escalation(e.ID)}, args...).Int()
	if err != nil {
		return bot.Escalation{}, fmt.Errorf("create escalation %s: %w", e.ID, s.wrapRecords("EVALSHA", err))
	}
	if stored == 0 {
		return bot.Escalation{}, fmt.Errorf("create escalation %s: it exists already: the counter %s is behind", e.ID, s.keys.EscalationSeq())
	}

	// The escalation stands and its prompts go out even if it cannot be
	// listed now: Reindex lists it at the next start.
	_ = s.index(ctx, s.keys.EscalationIndex(), e.ID, e.CreatedAt.UnixMilli())
	actor := "system"
	if e.Trigger == bot.TriggerManual && e.Requester.UserID != "" {
		actor = e.Requester.Key()
	}
	if err := s.audit(ctx, bot.AuditEntry{
		At:     e.CreatedAt,
		Ref:    e.ID,
		Actor:  actor,
		Action: bot.AuditEscalated,
		Detail: strings.Join(strings.Fields(e.Trigger+" "+e.ConsultationRef+" "+e.Urgency), " "),
	}); err != nil {
		return e, fmt.Errorf("create escalation: %w", err) // wraps bot.ErrAuditMissing
	}
	return e, nil
}

// Escalation returns the escalation with id. It returns an EInvalid error
// when id does not look like an escalation id (ESC-000007), ENotFound when
// there is no such escalation, EUnavailable if Redis cannot be reached.
func (s *Store) Escalation(ctx context.Context, id string) (bot.Escalation, error) {
	id, err := escalationID(id)
	if err != nil {
		return bot.Escalation{}, err
	}
	m, err := s.client.HGetAll(ctx, s.keys.Escalation(id)).Result()
	if err != nil {
		return bot.Escalation{}, fmt.Errorf("escalation %s: %w", id, s.wrapRecords("HGETALL", err))
	}
	if len(m) == 0 {
		return bot.Escalation{}, noEscalation(id)
	}
	return decodeEscalation(m)
}

// Acknowledge stops the ladder of an open or exhausted escalation: p has
// it, since at. It is one script, so of concurrent acknowledgements one
// wins; the others, and any later one, get an EConflict error naming who
// acknowledged it ("Already acknowledged by Sam Okafor."). The
// acknowledgement is then audited, with the consultation's reference as the
// detail. It returns an EInvalid error when id does not look like an
// escalation id or p or at is missing, ENotFound for an unknown id,
// EUnavailable if Redis cannot be reached, or could not be reached to audit
// the acknowledgement.
func (s *Store) Acknowledge(ctx context.Context, id string, p bot.Person, at time.Time) (bot.Escalation, error) {
	id, err := escalationID(id)
	if err != nil {
		return bot.Escalation{}, err
	}
	if p.UserID == "" {
		return bot.Escalation{}, invalid("No one is named as acknowledging %s.", id)
	}
	if at.IsZero() {
		return bot.Escalation{}, invalid("The acknowledgement of %s has no time.", id)
	}
	args := []any{bot.EscalationOpen + " " + bot.EscalationExhausted, "", "", "", "", newOp(), 0,
		"state", bot.EscalationAcknowledged, "ack_at", formatTime(at)}
	args = append(args, personArgs(ackByFields, p)...)
	r, err := s.runRecord(ctx, transitionScript, s.keys.Escalation(id), args...)
	if err != nil {
		return bot.Escalation{}, fmt.Errorf("acknowledge %s: %w", id, err)
	}
	if r.status == statusMissing {
		return bot.Escalation{}, noEscalation(id)
	}
	e, err := decodeEscalation(r.rec)
	if err != nil {
		return bot.Escalation{}, err
	}
	if r.status != statusDone {
		if e.State == bot.EscalationAcknowledged {
			return bot.Escalation{}, bot.Errorf(bot.EConflict, "Already acknowledged by %s.", e.AckBy.Display())
		}
		return bot.Escalation{}, bot.Errorf(bot.EConflict, "%s is %s, so it cannot be acknowledged.", id, e.State)
	}
	if err := s.audit(ctx, bot.AuditEntry{At: at, Ref: id, Actor: p.Key(), Action: bot.AuditAcknowledged, Detail: e.ConsultationRef}); err != nil {
		return e, err // the acknowledgement stands; the error wraps bot.ErrAuditMissing
	}
	return e, nil
}

// Advance records that prompt number prompt of level was sent, if the
// escalation is open and (level, prompt) comes after its (Level, Prompt):
// a later level, or a later prompt at the same level. With exhausted it
// also marks the ladder exhausted. It reports whether it changed the
// escalation, and returns the escalation as it is either way; one script
// checks and changes, so of two replicas firing the same step one gets
// true. Advance is not audited: the prompts are in the notifier's logs.
//
// It returns an EInvalid error when id does not look like an escalation id
// or level or prompt is negative, ENotFound for an unknown id, EUnavailable
// if Redis cannot be reached.
func (s *Store) Advance(ctx context.Context, id string, level, prompt int, exhausted bool) (bot.Escalation, bool, error) {
	id, err := escalationID(id)
	if err != nil {
		return bot.Escalation{}, false, err
	}
	if level < 0 || prompt < 0 {
		return bot.Escalation{}, false, invalid("Level %d, prompt %d of %s is not a step of a ladder.", level, prompt, id)
	}
	flag := "0"
	if exhausted {
		flag = "1"
	}
	r, err := s.runRecord(ctx, advanceScript, s.keys.Escalation(id),
		bot.EscalationOpen, bot.EscalationExhausted, level, prompt, flag, newOp())
	if err != nil {
		return bot.Escalation{}, false, fmt.Errorf("advance %s: %w", id, err)
	}
	if r.status == statusMissing {
		return bot.Escalation{}, false, noEscalation(id)
	}
	e, err := decodeEscalation(r.rec)
	if err != nil {
		return bot.Escalation{}, false, err
	}
	return e, r.status == statusDone, nil
}

// escalationID checks id and returns it upper-cased.
func escalationID(id string) (string, error) {
	r, ok := parseRef(escPrefix, id)
	if !ok {
		return "", invalid("That is not an escalation id: they look like ESC-000007.")
	}
	return r, nil
}

func noEscalation(id string) error {
	return bot.Errorf(bot.ENotFound, "No escalation %s.", id)
}

// escalationFields returns e as the fields of its hash, named and encoded
// as a consultation's are. Level and Prompt are always stored.
func escalationFields(e bot.Escalation) []any {
	var f fields
	f.add("id", e.ID)
	f.add("trigger", e.Trigger)
	f.add("consultation_ref", e.ConsultationRef)
	f.add("urgency", e.Urgency)
	f.person(requesterFields, e.Requester)
	f.add("requester_conversation", e.RequesterConversation)
	f.add("summary", e.Summary)
	f.add("level", strconv.Itoa(e.Level))
	f.add("prompt", strconv.Itoa(e.Prompt))
	f.add("state", e.State)
	f.person(ackByFields, e.AckBy)
	f.time("created_at", e.CreatedAt)
	f.time("ack_at", e.AckAt)
	return f
}

func decodeEscalation(m map[string]string) (bot.Escalation, error) {
	h := hash{m: m}
	e := bot.Escalation{
		ID:                    h.str("id"),
		Trigger:               h.str("trigger"),
		ConsultationRef:       h.str("consultation_ref"),
		Urgency:               h.str("urgency"),
		Requester:             h.person(requesterFields),
		RequesterConversation: h.str("requester_conversation"),
		Summary:               h.str("summary"),
		Level:                 h.int("level"),
		Prompt:                h.int("prompt"),
		State:                 h.str("state"),
		AckBy:                 h.person(ackByFields),
		CreatedAt:             h.time("created_at"),
		AckAt:                 h.time("ack_at"),
	}
	if h.err != nil {
		return bot.Escalation{}, fmt.Errorf("decode escalation %s: %w", e.ID, h.err)
	}
	return e, nil
}
