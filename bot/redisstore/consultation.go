package redisstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

var _ bot.ConsultationStore = (*Store)(nil)

// refPrefix starts every consultation reference.
const refPrefix = "WM"

// Person field prefixes in a consultation's hash.
const (
	requesterFields = "requester"
	claimantFields  = "claimant"
	queuePostFields = "queue_post"
)

// CreateConsultation gives c the next reference (WM-000001, WM-000002, ...,
// from INCR on the counter, six digits and more once past 999999), stores
// it as queued and audits it as created by the requester. c's Ref, State,
// Claimant, ClaimedAt, ClosedAt and Outcome are ignored: a new consultation
// is queued.
//
// It takes four round trips, not one atomic step: the counter, the
// consultation and the audit stream and the requester's index are in
// different cluster slots. The consultation is stored first; if Redis
// fails after that, the error is returned and the consultation stays
// stored under a reference no one was given, unlisted if the index was not
// written. A retry creates a new one. References therefore never repeat
// but may skip a number, as they also do when go-redis retries an INCR
// whose reply was lost.
//
// It returns an EInvalid error when c has no requester or no CreatedAt,
// EUnavailable if Redis cannot be reached.
func (s *Store) CreateConsultation(ctx context.Context, c bot.Consultation) (bot.Consultation, error) {
	if c.Requester.UserID == "" {
		return bot.Consultation{}, invalid("The consultation request has no requester.")
	}
	if c.CreatedAt.IsZero() {
		return bot.Consultation{}, invalid("The consultation request has no creation time.")
	}
	n, err := s.client.Incr(ctx, s.keys.ConsultationSeq()).Result()
	if err != nil {
		return bot.Consultation{}, fmt.Errorf("create consultation: %w", s.wrapRecords("INCR", err))
	}
	c.Ref = formatRef(refPrefix, n)
	c.State = bot.StateQueued
	c.Claimant = bot.Person{}
	c.ClaimedAt, c.ClosedAt, c.Outcome = time.Time{}, time.Time{}, ""

	args := append([]any{newOp()}, consultationFields(c)...)
	stored, err := createScript.Run(ctx, s.client, []string{s.keys.Consultation(c.Ref)}, args...).Int()
	if err != nil {
		return bot.Consultation{}, fmt.Errorf("create consultation %s: %w", c.Ref, s.wrapRecords("EVALSHA", err))
	}
	if stored == 0 {
		return bot.Consultation{}, fmt.Errorf("create consultation %s: it exists already: the counter %s is behind", c.Ref, s.keys.ConsultationSeq())
	}

	// The consultation is stored: finish even if the caller gives up now.
	auditErr := s.audit(ctx, bot.AuditEntry{
		At:     c.CreatedAt,
		Ref:    c.Ref,
		Actor:  c.Requester.Key(),
		Action: bot.AuditCreated,
		Detail: strings.TrimSpace(c.Specialism + " " + c.Urgency),
	})
	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditTimeout)
	defer cancel()
	err = s.client.ZAdd(ictx, s.keys.ConsultationsOf(c.Requester.Key()), redis.Z{
		Score:  float64(c.CreatedAt.UnixMilli()),
		Member: c.Ref,
	}).Err()
	if err != nil {
		return bot.Consultation{}, fmt.Errorf("create consultation %s: index it: %w", c.Ref, s.wrapRecords("ZADD", err))
	}
	if err := s.index(ctx, s.keys.ConsultationIndex(), c.Ref, c.CreatedAt.UnixMilli()); err != nil {
		return bot.Consultation{}, fmt.Errorf("create consultation %s: list it: %w", c.Ref, err)
	}
	if auditErr != nil {
		return c, fmt.Errorf("create consultation: %w", auditErr)
	}
	return c, nil
}

// Consultation returns the consultation with ref. It returns an EInvalid
// error when ref does not look like a reference (WM-000042), ENotFound when
// there is no such consultation, EUnavailable if Redis cannot be reached.
func (s *Store) Consultation(ctx context.Context, ref string) (bot.Consultation, error) {
	ref, err := consultationRef(ref)
	if err != nil {
		return bot.Consultation{}, err
	}
	m, err := s.client.HGetAll(ctx, s.keys.Consultation(ref)).Result()
	if err != nil {
		return bot.Consultation{}, fmt.Errorf("consultation %s: %w", ref, s.wrapRecords("HGETALL", err))
	}
	if len(m) == 0 {
		return bot.Consultation{}, noConsultation(ref)
	}
	return decodeConsultation(m)
}

// Claim moves a queued consultation to claimed by p at at, in one script:
// of any number of concurrent claims exactly one wins, and the others get an
// EConflict error naming the winner ("Already claimed by Sam Okafor.").
// The claim is then audited. Besides the errors of every change (see
// changeConsultation), it returns EConflict for a claimed, closed or
// cancelled consultation.
func (s *Store) Claim(ctx context.Context, ref string, p bot.Person, at time.Time) (bot.Consultation, error) {
	set := append([]any{"state", bot.StateClaimed, "claimed_at", formatTime(at)}, personArgs(claimantFields, p)...)
	return s.changeConsultation(ctx, ref, p, at, consultationChange{
		action: bot.AuditClaimed,
		from:   []string{bot.StateQueued},
		set:    set,
	})
}

// Unclaim returns a consultation claimed by p to the queue, forgetting the
// claimant and the claim time. Someone other than the claimant gets an
// EConflict error naming the claimant, not EForbidden: who may unclaim
// depends on the consultation's state, as with Claim. It returns EConflict
// too for a queued, closed or cancelled consultation.
func (s *Store) Unclaim(ctx context.Context, ref string, p bot.Person, at time.Time) (bot.Consultation, error) {
	return s.changeConsultation(ctx, ref, p, at, consultationChange{
		action: bot.AuditUnclaimed,
		from:   []string{bot.StateClaimed},
		owner:  claimantFields,
		del:    append(personFields(claimantFields), "claimed_at"),
		set:    []any{"state", bot.StateQueued},
	})
}

// HandOver gives a consultation claimed by from to the specialist to, in one
// script, as a claim by to at at. Like Unclaim, it returns EConflict when
// someone other than from has claimed it, and for a queued, closed or
// cancelled one. Whether to may take it is the caller's to check.
func (s *Store) HandOver(ctx context.Context, ref string, from, to bot.Person, at time.Time) (bot.Consultation, error) {
	if to.UserID == "" {
		return bot.Consultation{}, invalid("No one to hand %s over to.", ref)
	}
	set := append([]any{"claimed_at", formatTime(at)}, personArgs(claimantFields, to)...)
	return s.changeConsultation(ctx, ref, from, at, consultationChange{
		action: bot.AuditHandedOver,
		from:   []string{bot.StateClaimed},
		owner:  claimantFields,
		del:    personFields(claimantFields),
		set:    set,
		detail: "to " + to.Key(),
	})
}

// CloseConsultation closes a consultation claimed by p, with outcome as
// the closing note, which is stored but never audited. Like Unclaim, it
// returns EConflict when someone else claimed the consultation, and for a
// queued, closed or cancelled one.
func (s *Store) CloseConsultation(ctx context.Context, ref string, p bot.Person, outcome string, at time.Time) (bot.Consultation, error) {
	return s.changeConsultation(ctx, ref, p, at, consultationChange{
		action: bot.AuditClosed,
		from:   []string{bot.StateClaimed},
		owner:  claimantFields,
		set:    []any{"state", bot.StateClosed, "closed_at", formatTime(at), "outcome", outcome},
	})
}

// Cancel cancels a queued or claimed consultation that p requested; its
// ClosedAt is set to at. It returns EForbidden when p is not the requester,
// and EConflict for a closed or cancelled consultation.
func (s *Store) Cancel(ctx context.Context, ref string, p bot.Person, at time.Time) (bot.Consultation, error) {
	return s.changeConsultation(ctx, ref, p, at, consultationChange{
		action: bot.AuditCancelled,
		from:   []string{bot.StateQueued, bot.StateClaimed},
		owner:  requesterFields,
		set:    []any{"state", bot.StateCancelled, "closed_at", formatTime(at)},
	})
}

// consultationChange is a change of state a script makes.
type consultationChange struct {
	action string   // the audit action, which names the change
	from   []string // the states it may start from
	owner  string   // whose consultation it must be: claimantFields, requesterFields, or "" for anyone
	del    []string // fields to delete
	set    []any    // field/value pairs to set
	detail string   // the audit entry's detail
}

// changeConsultation makes ch to the consultation ref on behalf of p, at at,
// in one script that checks the state and the actor, then appends the audit
// entry (see audit for why that is a second step). It returns the changed
// consultation.
//
// Errors common to every change: EInvalid when ref does not look like a
// reference or p or at is missing, ENotFound for an unknown ref,
// EUnavailable if Redis cannot be reached, or could not be reached to audit
// a change that was made.
func (s *Store) changeConsultation(ctx context.Context, ref string, p bot.Person, at time.Time, ch consultationChange) (bot.Consultation, error) {
	ref, err := consultationRef(ref)
	if err != nil {
		return bot.Consultation{}, err
	}
	if p.UserID == "" {
		return bot.Consultation{}, invalid("No one is named as making the change to %s.", ref)
	}
	if at.IsZero() {
		return bot.Consultation{}, invalid("The change to %s has no time.", ref)
	}
	args := []any{strings.Join(ch.from, " "), ch.owner, p.Platform, p.TeamID, p.UserID, newOp(), len(ch.del)}
	for _, f := range ch.del {
		args = append(args, f)
	}
	args = append(args, ch.set...)
	r, err := s.runRecord(ctx, transitionScript, s.keys.Consultation(ref), args...)
	if err != nil {
		return bot.Consultation{}, fmt.Errorf("%s %s: %w", ch.action, ref, err)
	}
	if r.status == statusMissing {
		return bot.Consultation{}, noConsultation(ref)
	}
	c, err := decodeConsultation(r.rec)
	if err != nil {
		return bot.Consultation{}, err
	}
	if r.status != statusDone {
		return bot.Consultation{}, refusal(ch.action, c, p)
	}
	if err := s.audit(ctx, bot.AuditEntry{At: at, Ref: ref, Actor: p.Key(), Action: ch.action, Detail: ch.detail}); err != nil {
		return c, err // the change stands; the error wraps bot.ErrAuditMissing
	}
	return c, nil
}

// refusal says why the change named by action cannot be made by p to c as
// it is now.
func refusal(action string, c bot.Consultation, p bot.Person) error {
	if action == bot.AuditCancelled && c.Requester.Key() != p.Key() {
		return bot.Errorf(bot.EForbidden, "Only the practitioner who asked for %s can cancel it.", c.Ref)
	}
	switch c.State {
	case bot.StateClosed:
		return bot.Errorf(bot.EConflict, "%s is closed, so it can no longer change.", c.Ref)
	case bot.StateCancelled:
		return bot.Errorf(bot.EConflict, "%s was cancelled, so it can no longer change.", c.Ref)
	case bot.StateClaimed:
		if action == bot.AuditClaimed {
			return bot.Errorf(bot.EConflict, "Already claimed by %s.", c.Claimant.Display())
		}
		return bot.Errorf(bot.EConflict, "%s is claimed by %s, not by you.", c.Ref, c.Claimant.Display())
	case bot.StateQueued:
		if action == bot.AuditClosed {
			return bot.Errorf(bot.EConflict, "%s has not been claimed: claim it before closing it.", c.Ref)
		}
		return bot.Errorf(bot.EConflict, "%s is not claimed by anyone.", c.Ref)
	}
	return bot.Errorf(bot.EConflict, "%s is %s, so that cannot be done.", c.Ref, c.State)
}

// ConsultationsOf lists the consultations requester made, newest first
// (by CreatedAt), from the index kept per requester. It returns an EInvalid
// error when requester has no user id, EUnavailable if Redis cannot be
// reached.
func (s *Store) ConsultationsOf(ctx context.Context, requester bot.Person) ([]bot.Consultation, error) {
	if requester.UserID == "" {
		return nil, invalid("No requester is named.")
	}
	refs, err := s.client.ZRevRange(ctx, s.keys.ConsultationsOf(requester.Key()), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("consultations of %s: %w", requester.Key(), s.wrapRecords("ZREVRANGE", err))
	}
	if len(refs) == 0 {
		return nil, nil
	}
	// The consultations are in different slots: a pipeline, not a script.
	pipe := s.client.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(refs))
	for i, ref := range refs {
		cmds[i] = pipe.HGetAll(ctx, s.keys.Consultation(ref))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, fmt.Errorf("consultations of %s: %w", requester.Key(), s.wrapRecords("HGETALL", err))
	}
	cs := make([]bot.Consultation, 0, len(refs))
	for _, cmd := range cmds {
		if len(cmd.Val()) == 0 {
			continue // deleted by hand
		}
		c, err := decodeConsultation(cmd.Val())
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// consultationRef checks ref and returns it upper-cased.
func consultationRef(ref string) (string, error) {
	r, ok := parseRef(refPrefix, ref)
	if !ok {
		return "", invalid("That is not a consultation reference: they look like WM-000042.")
	}
	return r, nil
}

func noConsultation(ref string) error {
	return bot.Errorf(bot.ENotFound, "No consultation %s.", ref)
}

// consultationFields returns c as the fields of its hash. The field names
// are snake_case; people are stored as <role>_platform, _team_id, _user_id
// and _name; times as RFC 3339 in UTC. Empty values are left out.
func consultationFields(c bot.Consultation) []any {
	var f fields
	f.add("ref", c.Ref)
	f.add("specialism", c.Specialism)
	f.add("urgency", c.Urgency)
	f.add("question", c.Question)
	f.add("area", c.Area)
	f.add("preferred_times", c.PreferredTimes)
	f.person(requesterFields, c.Requester)
	f.add("requester_conversation", c.RequesterConversation)
	f.add("state", c.State)
	f.person(claimantFields, c.Claimant)
	f.time("created_at", c.CreatedAt)
	f.time("claim_by", c.ClaimBy)
	f.time("claimed_at", c.ClaimedAt)
	f.time("closed_at", c.ClosedAt)
	f.add("outcome", c.Outcome)
	f.thread(queuePostFields, c.QueuePost)
	return f
}

func decodeConsultation(m map[string]string) (bot.Consultation, error) {
	h := hash{m: m}
	c := bot.Consultation{
		Ref:                   h.str("ref"),
		Specialism:            h.str("specialism"),
		Urgency:               h.str("urgency"),
		Question:              h.str("question"),
		Area:                  h.str("area"),
		PreferredTimes:        h.str("preferred_times"),
		Requester:             h.person(requesterFields),
		RequesterConversation: h.str("requester_conversation"),
		State:                 h.str("state"),
		Claimant:              h.person(claimantFields),
		CreatedAt:             h.time("created_at"),
		ClaimBy:               h.time("claim_by"),
		ClaimedAt:             h.time("claimed_at"),
		ClosedAt:              h.time("closed_at"),
		Outcome:               h.str("outcome"),
		QueuePost:             h.thread(queuePostFields),
	}
	if h.err != nil {
		return bot.Consultation{}, fmt.Errorf("decode consultation %s: %w", c.Ref, h.err)
	}
	return c, nil
}

// setIfExistsScript sets fields of a hash that exists, and reports whether
// it did: a late write never makes a partial record of a deleted one.
var setIfExistsScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`)

// SetQueuePost records th as where the queue card of the consultation ref
// was posted. It returns EInvalid for a bad ref or an incomplete thread,
// ENotFound for an unknown ref, EUnavailable if Redis cannot be reached.
func (s *Store) SetQueuePost(ctx context.Context, ref string, th bot.Thread) error {
	ref, err := consultationRef(ref)
	if err != nil {
		return err
	}
	if th.Platform == "" || th.ConversationID == "" || th.ThreadID == "" {
		return invalid("The queue post to record is incomplete.")
	}
	var f fields
	f.thread(queuePostFields, th)
	ok, err := setIfExistsScript.Run(ctx, s.client, []string{s.keys.Consultation(ref)}, f...).Int()
	if err != nil {
		return fmt.Errorf("queue post of %s: %w", ref, s.wrapRecords("HSET", err))
	}
	if ok == 0 {
		return noConsultation(ref)
	}
	return nil
}
