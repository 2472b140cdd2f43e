package redisstore

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/waymarkhq/waymark/bot"
)

// recordsUnavailableMessage is the user-safe message of the EUnavailable
// errors of the consultation, escalation and timer methods. It differs from
// the conversation memory's: a specialist who cannot claim a request should
// be told that, not that the bot has forgotten the conversation.
const recordsUnavailableMessage = "Consultation records (Redis) are unavailable right now. Please try again in a minute."

// wrapRecords is wrap for the consultation, escalation and timer methods:
// the same kinds, with recordsUnavailableMessage for an outage.
func (s *Store) wrapRecords(op string, err error) error {
	err = s.wrap(op, err)
	var berr *bot.Error
	if errors.As(err, &berr) && berr.Kind == bot.EUnavailable {
		berr.Message = recordsUnavailableMessage
	}
	return err
}

// newOp returns a random id for one call of a method that runs a script.
// The script stores it with the change it makes, so that when go-redis
// retries the script after a lost reply (a read timeout, a dropped
// connection), the second run sees that this very call already made the
// change and reports it done instead of refusing it.
func newOp() string {
	return strconv.FormatUint(rand.Uint64(), 36)
}

// Times are stored as RFC 3339 with nanoseconds, in UTC; a zero time is not
// stored. Sorted-set scores and audit stream ids, which must be numbers,
// are unix milliseconds.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// fields builds the field/value pairs of a hash, leaving out empty values.
type fields []any

func (f *fields) add(name, value string) {
	if value != "" {
		*f = append(*f, name, value)
	}
}

func (f *fields) time(name string, t time.Time) {
	f.add(name, formatTime(t))
}

// person adds p as the fields <prefix>_platform, _team_id, _user_id and
// _name.
func (f *fields) person(prefix string, p bot.Person) {
	f.add(prefix+"_platform", p.Platform)
	f.add(prefix+"_team_id", p.TeamID)
	f.add(prefix+"_user_id", p.UserID)
	f.add(prefix+"_name", p.Name)
}

// thread adds th as the fields <prefix>_platform, _team_id, _conversation
// and _thread.
func (f *fields) thread(prefix string, th bot.Thread) {
	f.add(prefix+"_platform", th.Platform)
	f.add(prefix+"_team_id", th.TeamID)
	f.add(prefix+"_conversation", th.ConversationID)
	f.add(prefix+"_thread", th.ThreadID)
}

// personArgs returns p's fields for a script, empty ones included, in the
// order of fields.person.
func personArgs(prefix string, p bot.Person) []any {
	return []any{
		prefix + "_platform", p.Platform,
		prefix + "_team_id", p.TeamID,
		prefix + "_user_id", p.UserID,
		prefix + "_name", p.Name,
	}
}

// personFields are the field names personArgs sets, for a script to delete.
func personFields(prefix string) []string {
	return []string{prefix + "_platform", prefix + "_team_id", prefix + "_user_id", prefix + "_name"}
}

// hash is a stored hash as HGETALL returns it, decoded field by field. The
// first error sticks.
type hash struct {
	m   map[string]string
	err error
}

func (h *hash) str(name string) string { return h.m[name] }

func (h *hash) time(name string) time.Time {
	t, err := parseTime(h.m[name])
	if err != nil && h.err == nil {
		h.err = fmt.Errorf("field %s: %w", name, err)
	}
	return t
}

func (h *hash) int(name string) int {
	v := h.m[name]
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil && h.err == nil {
		h.err = fmt.Errorf("field %s: %w", name, err)
	}
	return n
}

func (h *hash) person(prefix string) bot.Person {
	return bot.Person{
		Platform: h.m[prefix+"_platform"],
		TeamID:   h.m[prefix+"_team_id"],
		UserID:   h.m[prefix+"_user_id"],
		Name:     h.m[prefix+"_name"],
	}
}

// parseRef checks that ref looks like prefix followed by a dash and digits
// (WM-000042, ESC-000007), ignoring case, and returns it upper-cased.
func parseRef(prefix, ref string) (string, bool) {
	ref = strings.ToUpper(strings.TrimSpace(ref))
	digits, ok := strings.CutPrefix(ref, prefix+"-")
	if !ok || digits == "" || len(digits) > 18 {
		return "", false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return ref, true
}

// formatRef returns prefix-n with n zero-padded to six digits.
func formatRef(prefix string, n int64) string {
	return fmt.Sprintf("%s-%06d", prefix, n)
}

func (h *hash) thread(prefix string) bot.Thread {
	return bot.Thread{
		Platform:       h.m[prefix+"_platform"],
		TeamID:         h.m[prefix+"_team_id"],
		ConversationID: h.m[prefix+"_conversation"],
		ThreadID:       h.m[prefix+"_thread"],
	}
}
