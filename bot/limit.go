package bot

import (
	"context"
	"time"
)

// Rate limits: how many questions, bookings and escalations one person may
// make in a window, counted in the store so that every replica counts the
// same. A limit reached is told plainly, with what to do instead; a
// question that describes immediate risk is still answered with what to do
// now, and only the duty manager's prompt is held back. When the count
// cannot be reached, the action is allowed: a store outage must not stop
// a practitioner.

// ETooMany is the kind of a limit reached (HTTP 429).
const ETooMany = "too_many"

// Counter counts actions in fixed windows. redisstore.Store is the one
// implementation.
type Counter interface {
	// CountIn adds one to key's count in the window of length per that
	// holds now, and returns the count so far. It returns EUnavailable
	// when the store cannot be reached.
	CountIn(ctx context.Context, key string, per time.Duration, now time.Time) (int64, error)
}

// Limit is at most Max actions per window Per; a zero Max is no limit.
type Limit struct {
	Max int
	Per time.Duration
}

// Limits are the engine's rate limits, per person.
type Limits struct {
	Questions   Limit
	Bookings    Limit
	Escalations Limit
}

// Kinds of action counted.
const (
	limitQuestion   = "question"
	limitBooking    = "booking"
	limitEscalation = "escalation"
)

// allow counts one action of kind by m's sender against l, and returns an
// ETooMany error when that is one too many.
func (e *Engine) allow(ctx context.Context, m Message, kind string, l Limit) error {
	c := e.opts.Counter
	if c == nil || l.Max <= 0 || l.Per <= 0 {
		return nil
	}
	n, err := c.CountIn(ctx, kind+":"+m.UserKey(), l.Per, e.clock.Now())
	if err != nil {
		e.log.WarnContext(ctx, "rate limit not counted; allowed", "kind", kind, "message", m.ID, "err", err)
		return nil
	}
	if n <= int64(l.Max) {
		return nil
	}
	e.log.InfoContext(ctx, "rate limited", "kind", kind, "platform", m.Platform, "message", m.ID)
	e.opts.Metrics.Limited(kind)
	what := map[string]string{limitQuestion: "questions", limitBooking: "consultation requests", limitEscalation: "escalations"}[kind]
	return Errorf(ETooMany, "You have sent %d %s in %s, the most Waymark takes from one person. Please wait a little and try again. If a child is in immediate danger, call 999 now, then your duty manager.",
		l.Max, what, humanDuration(l.Per))
}

// tooMany reports whether err is a limit reached.
func tooMany(err error) bool { return ErrorKind(err) == ETooMany }
