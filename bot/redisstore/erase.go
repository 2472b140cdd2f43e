package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// Erasure and subject access: everything the store holds of one person,
// found by their Person key (platform:team:user, as the audit trail names
// them), exported or erased. Erased, the person is gone from profiles,
// conversations, threads, inboxes, sign-ins, rate-limit counts and
// feedback; consultation and escalation records, which the council keeps,
// and the audit trail name them by a pseudonym instead.

// ErasedPseudonym is the stable name an erased person is given in the
// records that remain: the same person always gets the same one, so the
// audit still tells their actions apart from others', and it cannot be
// turned back into their id.
func ErasedPseudonym(key string) string {
	sum := sha256.Sum256([]byte("waymark-erased:" + key))
	return "erased-" + hex.EncodeToString(sum[:6])
}

// ParsePersonKey reads a Person key, platform:team:user; the team may be
// empty (web::u1f...) but the separators must be there.
func ParsePersonKey(key string) (bot.Person, error) {
	parts := strings.Split(strings.TrimSpace(key), ":")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return bot.Person{}, bot.Errorf(bot.EInvalid, "%q is not a person key: write platform:team:user, as the audit trail does (slack:T061EG9R6:U0PRAC7, teams:<tenant>:<object id>, web::<id>).", key)
	}
	return bot.Person{Platform: parts[0], TeamID: parts[1], UserID: parts[2]}, nil
}

// Export is everything the store holds of one person, for a subject
// access request.
type Export struct {
	Person        string             `json:"person"`
	Profile       json.RawMessage    `json:"profile,omitempty"`
	Consultations []bot.Consultation `json:"consultations"`
	Escalations   []bot.Escalation   `json:"escalations"`
	Feedback      []map[string]any   `json:"feedback"`
	Audit         []bot.AuditEntry   `json:"audit"`
	Inbox         []json.RawMessage  `json:"web_inbox,omitempty"`
}

// EraseReport counts what Erase removed or pseudonymised.
type EraseReport struct {
	Deleted       int `json:"deleted_keys"`
	Consultations int `json:"consultations_pseudonymised"`
	Escalations   int `json:"escalations_pseudonymised"`
	Feedback      int `json:"feedback_removed"`
	Audit         int `json:"audit_entries_pseudonymised"`
}

// globEscape escapes SCAN's pattern characters in s.
func globEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`).Replace(s)
}

// records visits every consultation and escalation in which p appears, and
// every conversation they were told in.
func (s *Store) records(ctx context.Context, p bot.Person, cons func(key string, c bot.Consultation) error, esc func(key string, e bot.Escalation) error) error {
	k := p.Key()
	err := s.scan(ctx, globEscape(s.keys.Prefix)+":{cons:*}", func(key string) error {
		c, err := s.consultationAt(ctx, key)
		if err != nil || (c.Requester.Key() != k && c.Claimant.Key() != k) {
			return err
		}
		return cons(key, c)
	})
	if err != nil {
		return err
	}
	return s.scan(ctx, globEscape(s.keys.Prefix)+":{esc:*}", func(key string) error {
		m, err := s.client.HGetAll(ctx, key).Result()
		if err != nil {
			return s.wrap("HGETALL escalation", err)
		}
		e, err := decodeEscalation(m)
		if err != nil || (e.Requester.Key() != k && e.AckBy.Key() != k) {
			return nil
		}
		return esc(key, e)
	})
}

// ExportPerson returns everything the store holds of p. It returns
// EUnavailable when Redis cannot be reached.
func (s *Store) ExportPerson(ctx context.Context, p bot.Person) (Export, error) {
	k := p.Key()
	out := Export{Person: k, Consultations: []bot.Consultation{}, Escalations: []bot.Escalation{}, Feedback: []map[string]any{}, Audit: []bot.AuditEntry{}}
	if b, err := s.client.Get(ctx, s.keys.Profile(k)).Bytes(); err == nil {
		out.Profile = b
	} else if err != redis.Nil {
		return out, s.wrap("GET profile", err)
	}
	err := s.records(ctx, p,
		func(_ string, c bot.Consultation) error { out.Consultations = append(out.Consultations, c); return nil },
		func(_ string, e bot.Escalation) error { out.Escalations = append(out.Escalations, e); return nil })
	if err != nil {
		return out, err
	}
	pseudo := bot.FeedbackPseudonym(k)
	fb, err := s.feedbackWhere(ctx, func(v map[string]any) bool { return v["user"] == pseudo })
	if err != nil {
		return out, err
	}
	for _, m := range fb {
		out.Feedback = append(out.Feedback, m.Values)
	}
	au, err := s.client.XRange(ctx, s.keys.Audit(), "-", "+").Result()
	if err != nil {
		return out, s.wrap("XRANGE audit", err)
	}
	for _, m := range au {
		if e, err := auditEntry(m); err == nil && (e.Actor == k || strings.Contains(e.Detail, k)) {
			out.Audit = append(out.Audit, e)
		}
	}
	if p.Platform == bot.PlatformWeb {
		notes, err := s.client.LRange(ctx, s.keys.Inbox(k), 0, -1).Result()
		if err != nil {
			return out, s.wrap("LRANGE inbox", err)
		}
		for _, n := range notes {
			out.Inbox = append(out.Inbox, json.RawMessage(n))
		}
	}
	return out, nil
}

// erasedName is the name an erased person's records show.
const erasedName = "a person whose details were erased"

// ErasePerson removes what the store holds of p and pseudonymises them in
// the records that remain (see the package's erasure notes). It may be run
// again: a second run finds nothing more. It returns EUnavailable when
// Redis cannot be reached, with what it did before that.
func (s *Store) ErasePerson(ctx context.Context, p bot.Person) (EraseReport, error) {
	var rep EraseReport
	k, pseudo := p.Key(), ErasedPseudonym(p.Key())
	// One key at a time: on a Cluster, keys of different slots cannot be
	// deleted in one command.
	del := func(keys ...string) error {
		for _, k := range keys {
			n, err := s.client.Del(ctx, k).Result()
			rep.Deleted += int(n)
			if err != nil {
				return s.wrap("DEL", err)
			}
		}
		return nil
	}
	conversations := map[string]bool{}
	err := s.records(ctx, p,
		func(key string, c bot.Consultation) error {
			var set []any
			for _, role := range []struct {
				fields string
				who    bot.Person
			}{{requesterFields, c.Requester}, {claimantFields, c.Claimant}} {
				if role.who.Key() == k {
					set = append(set, role.fields+"_team_id", "", role.fields+"_user_id", pseudo, role.fields+"_name", erasedName)
				}
			}
			if c.Requester.Key() == k && c.RequesterConversation != "" {
				conversations[c.RequesterConversation] = true
				set = append(set, "requester_conversation", "")
			}
			if err := s.client.HSet(ctx, key, set...).Err(); err != nil {
				return s.wrap("HSET consultation", err)
			}
			rep.Consultations++
			return del(s.keys.PersonThread(c.Ref, p))
		},
		func(key string, e bot.Escalation) error {
			var set []any
			if e.Requester.Key() == k {
				set = append(set, requesterFields+"_team_id", "", requesterFields+"_user_id", pseudo, requesterFields+"_name", erasedName, "requester_conversation", "")
				if e.RequesterConversation != "" {
					conversations[e.RequesterConversation] = true
				}
			}
			if e.AckBy.Key() == k {
				set = append(set, ackByFields+"_team_id", "", ackByFields+"_user_id", pseudo, ackByFields+"_name", erasedName)
			}
			// The summary names the requester ("<@U0PRAC7> described ..."):
			// their id and name give way to the pseudonym.
			summary := strings.ReplaceAll(e.Summary, p.UserID, pseudo)
			if e.Requester.Key() == k && e.Requester.Name != "" {
				summary = strings.ReplaceAll(summary, e.Requester.Name, pseudo)
			}
			set = append(set, "summary", summary)
			if err := s.client.HSet(ctx, key, set...).Err(); err != nil {
				return s.wrap("HSET escalation", err)
			}
			rep.Escalations++
			return nil
		})
	if err != nil {
		return rep, err
	}
	// Keys named after the person, or their conversations.
	if err := del(s.keys.Profile(k), s.keys.ConsultationsOf(k), s.keys.Inbox(k), s.keys.ConversationRef(p.Platform, p.TeamID, bot.TargetUser, p.UserID)); err != nil {
		return rep, err
	}
	pre := globEscape(s.keys.Prefix)
	for _, pattern := range []string{
		pre + ":{rl:*:" + globEscape(k) + "}:*",
		pre + ":{conv:" + globEscape(p.Platform+":"+p.TeamID+":") + "*" + globEscape(":"+p.UserID) + "}",
	} {
		if err := s.scanAll(ctx, pattern, func(key string) error { return del(key) }); err != nil {
			return rep, err
		}
	}
	for conv := range conversations {
		if err := s.scanAll(ctx, pre+":{conv:"+globEscape(p.Platform+":"+p.TeamID+":"+conv)+"*}", func(key string) error { return del(key) }); err != nil {
			return rep, err
		}
		if err := s.scanAll(ctx, pre+":{thread:"+globEscape(p.Platform+":"+p.TeamID+":"+conv+":")+"*}", func(key string) error { return del(key) }); err != nil {
			return rep, err
		}
	}
	if p.Platform == bot.PlatformWeb {
		// Web sign-ins name their user inside the token.
		err := s.scanAll(ctx, pre+":{tok:session:*}", func(key string) error {
			var v struct{ User string }
			if b, err := s.client.Get(ctx, key).Bytes(); err == nil && json.Unmarshal(b, &v) == nil && v.User == p.UserID {
				return del(key)
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	// Feedback is named by a digest of the person: removed.
	fp := bot.FeedbackPseudonym(k)
	removed, err := s.deleteFeedback(ctx, func(v map[string]any) bool { return v["user"] == fp })
	rep.Feedback = int(removed)
	if err != nil {
		return rep, err
	}
	// The audit trail is rewritten with the pseudonym, in one script, so
	// that no entry appended meanwhile is lost.
	n, err := auditRewriteScript.Run(ctx, s.client, []string{s.keys.Audit(), s.keys.Audit() + ":rewrite"}, k, pseudo).Int()
	if err != nil {
		return rep, fmt.Errorf("pseudonymise the audit trail: %w", s.wrap("EVAL audit rewrite", err))
	}
	rep.Audit = n
	return rep, nil
}

// scanAll is scan without its skipping of keys beside a record.
func (s *Store) scanAll(ctx context.Context, pattern string, fn func(key string) error) error {
	each := func(ctx context.Context, c redis.UniversalClient) error {
		it := c.Scan(ctx, 0, pattern, 500).Iterator()
		for it.Next(ctx) {
			if err := fn(it.Val()); err != nil {
				return err
			}
		}
		return s.wrap("SCAN", it.Err())
	}
	if cc, ok := s.client.(*redis.ClusterClient); ok {
		// ForEachMaster scans the masters at once; fn is called from one of
		// them at a time, so callers need not lock what they count.
		var mu sync.Mutex
		serial := fn
		fn = func(k string) error {
			mu.Lock()
			defer mu.Unlock()
			return serial(k)
		}
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return each(ctx, c) })
	}
	return each(ctx, s.client)
}

// auditRewriteScript copies the audit stream to KEYS[2] with ARGV[1] (a
// person key) replaced by ARGV[2] (their pseudonym) in every entry's actor
// and detail, keeping entry ids, then renames the copy over the stream;
// it returns how many entries changed. Both keys share the {audit} tag.
var auditRewriteScript = redis.NewScript(`
local function replace(s, from, to)
  local out, i = {}, 1
  while true do
    local a, b = string.find(s, from, i, true)
    if not a then break end
    table.insert(out, string.sub(s, i, a - 1))
    table.insert(out, to)
    i = b + 1
  end
  table.insert(out, string.sub(s, i))
  return table.concat(out)
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('DEL', KEYS[2])
local changed = 0
local entries = redis.call('XRANGE', KEYS[1], '-', '+')
for _, e in ipairs(entries) do
  local fields, hit = e[2], false
  for j = 2, #fields, 2 do
    local v = fields[j]
    if string.find(v, ARGV[1], 1, true) then
      fields[j] = replace(v, ARGV[1], ARGV[2])
      hit = true
    end
  end
  if hit then changed = changed + 1 end
  redis.call('XADD', KEYS[2], e[1], unpack(fields))
end
if #entries > 0 then redis.call('RENAME', KEYS[2], KEYS[1]) end
return changed
`)
