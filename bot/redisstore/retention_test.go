package redisstore_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/internal/redistest"
)

var (
	sam  = bot.Person{Platform: bot.PlatformSlack, TeamID: "T061EG9R6", UserID: "U0PRAC7", Name: "Sam Okafor"}
	rees = bot.Person{Platform: bot.PlatformSlack, TeamID: "T061EG9R6", UserID: "U0PSY49", Name: "Dr Bethan Rees"}
	owen = bot.Person{Platform: bot.PlatformTeams, TeamID: "aaaaaaaa-1111-1111-1111-111111111111", UserID: "33333333-3333-3333-3333-333333333333", Name: "Owen Price"}
)

// history fills s with a person's consultation (closed at closed), an
// acknowledged escalation, feedback, a profile, a conversation and relay
// threads, as the desk and engine would leave them.
func history(t *testing.T, s *redisstore.Store, at time.Time) (ref, esc string) {
	t.Helper()
	ctx := t.Context()
	c, err := s.CreateConsultation(ctx, bot.Consultation{Specialism: "psychology", Urgency: bot.UrgencyRoutine, Area: "Wyvern Vale",
		Question: "advice on a boy's new online friend", Requester: sam, RequesterConversation: "D0SAM", CreatedAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, c.Ref, rees, at.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPersonThread(ctx, c.Ref, sam, bot.Thread{Platform: bot.PlatformSlack, TeamID: sam.TeamID, ConversationID: "D0SAM", ThreadID: "1700000000.000100"}); err != nil {
		t.Fatal(err)
	}
	if err := s.LinkThread(ctx, bot.Thread{Platform: bot.PlatformSlack, TeamID: sam.TeamID, ConversationID: "D0SAM", ThreadID: "1700000000.000100"}, c.Ref); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CloseConsultation(ctx, c.Ref, rees, "advised", at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	e, err := s.CreateEscalation(ctx, bot.Escalation{Trigger: bot.TriggerManual, Urgency: bot.UrgencyUrgent, Requester: sam, RequesterConversation: "D0SAM",
		Summary: "<@U0PRAC7> (Sam Okafor) on Slack has asked for a duty manager now.", State: bot.EscalationOpen, CreatedAt: at.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acknowledge(ctx, e.ID, owen, at.Add(2*time.Hour+2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFeedback(ctx, bot.Feedback{Ref: "r1", UserKey: bot.FeedbackPseudonym(sam.Key()), Verdict: bot.VerdictHelpful, At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveFeedback(ctx, bot.Feedback{Ref: "r2", UserKey: bot.FeedbackPseudonym(rees.Key()), Verdict: bot.VerdictHelpful, At: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveProfile(ctx, sam.Key(), bot.Profile{Area: "Wyvern Vale", UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveConversation(ctx, "slack:T061EG9R6:D0SAM", bot.Conversation{LastRef: "r1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CountIn(ctx, "question:"+sam.Key(), time.Minute, at); err != nil {
		t.Fatal(err)
	}
	return c.Ref, e.ID
}

// everything is every key and value under the store's prefix, and every
// stream entry, as one string to search.
func everything(t *testing.T, s *redisstore.Store, prefix string) string {
	t.Helper()
	ctx := t.Context()
	var keys []string
	if cc, ok := s.Client().(*redis.ClusterClient); ok {
		var mu sync.Mutex
		err := cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
			ks, err := c.Keys(ctx, prefix+":*").Result()
			mu.Lock()
			keys = append(keys, ks...)
			mu.Unlock()
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	} else {
		var err error
		if keys, err = s.Client().Keys(ctx, prefix+":*").Result(); err != nil {
			t.Fatal(err)
		}
	}
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "\n")
		switch s.Client().Type(ctx, k).Val() {
		case "string":
			b.WriteString(s.Client().Get(ctx, k).Val())
		case "hash":
			j, _ := json.Marshal(s.Client().HGetAll(ctx, k).Val())
			b.Write(j)
		case "list":
			b.WriteString(strings.Join(s.Client().LRange(ctx, k, 0, -1).Val(), "\n"))
		case "zset":
			b.WriteString(strings.Join(s.Client().ZRange(ctx, k, 0, -1).Val(), "\n"))
		case "stream":
			j, _ := json.Marshal(s.Client().XRange(ctx, k, "-", "+").Val())
			b.Write(j)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestSweep: past their retention, finished consultations (with their
// threads and place in the requester's list), ended escalations, old
// feedback and old audit entries are gone from Redis; newer ones and open
// ones stay; a second replica in the same interval does nothing.
func TestSweep(t *testing.T) {
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	old := time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)
	oldRef, oldEsc := history(t, s, old)
	open, err := s.CreateEscalation(ctx, bot.Escalation{Trigger: bot.TriggerRisk, Urgency: bot.UrgencyUrgent, Requester: sam, State: bot.EscalationOpen, CreatedAt: old.Add(5 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	recent := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	newRef, newEsc := history(t, s, recent)
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	r := redisstore.Retention{Consultations: 90 * 24 * time.Hour, Escalations: 90 * 24 * time.Hour, Feedback: 180 * 24 * time.Hour, Audit: 365 * 24 * time.Hour}
	rep, err := s.Sweep(ctx, now, r, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Consultations != 1 || rep.Escalations != 1 || rep.Feedback != 2 || rep.Audit == 0 {
		t.Errorf("report %+v", rep)
	}
	if _, err := s.Consultation(ctx, oldRef); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("old consultation %s: %v, want gone", oldRef, err)
	}
	if _, err := s.Escalation(ctx, oldEsc); bot.ErrorKind(err) != bot.ENotFound {
		t.Errorf("old escalation %s: %v, want gone", oldEsc, err)
	}
	for _, id := range []string{newEsc, open.ID} {
		if _, err := s.Escalation(ctx, id); err != nil {
			t.Errorf("escalation %s: %v, want kept", id, err)
		}
	}
	mine, err := s.ConsultationsOf(ctx, sam)
	if err != nil || len(mine) != 1 || mine[0].Ref != newRef {
		t.Errorf("Sam's requests after the sweep: %+v, %v", mine, err)
	}
	if th, _ := s.PersonThread(ctx, oldRef, sam); th.ThreadID != "" {
		t.Errorf("the old request's relay thread is kept: %+v", th)
	}
	all := everything(t, s, s.Keys().Prefix)
	if strings.Contains(all, oldRef) {
		t.Errorf("the old reference is still in Redis:\n%s", all)
	}
	var since []bot.AuditEntry
	s.AuditSince(ctx, time.Time{}, func(e bot.AuditEntry) error { since = append(since, e); return nil })
	for _, e := range since {
		if e.At.Before(now.Add(-r.Audit)) {
			t.Errorf("an audit entry of %s is kept", e.At)
		}
	}
	// Another replica, within the interval, leaves it to the first.
	if rep, err := s.Sweep(ctx, now.Add(time.Minute), r, time.Hour); err != nil || !rep.Skipped {
		t.Errorf("second sweep in the interval: %+v, %v", rep, err)
	}
}

// TestEraseAndExport: export returns a person's records; after erase,
// nothing in Redis names them, outside the pseudonymised audit and
// records, and export finds nothing more.
func TestEraseAndExport(t *testing.T) {
	s := mustStore(t, redisstore.Config{})
	ctx := t.Context()
	at := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	ref, esc := history(t, s, at)
	ex, err := s.ExportPerson(ctx, sam)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Consultations) != 1 || ex.Consultations[0].Ref != ref || len(ex.Escalations) != 1 || ex.Escalations[0].ID != esc ||
		len(ex.Feedback) != 1 || len(ex.Audit) == 0 || len(ex.Profile) == 0 {
		t.Fatalf("export before erase: %+v", ex)
	}

	rep, err := s.ErasePerson(ctx, sam)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Consultations != 1 || rep.Escalations != 1 || rep.Feedback != 1 || rep.Audit == 0 || rep.Deleted == 0 {
		t.Errorf("report %+v", rep)
	}
	all := everything(t, s, s.Keys().Prefix)
	for _, trace := range []string{sam.UserID, sam.Name, "D0SAM", bot.FeedbackPseudonym(sam.Key())} {
		if strings.Contains(all, trace) {
			t.Errorf("%q is still in Redis after erase:\n%s", trace, all)
		}
	}
	pseudo := redisstore.ErasedPseudonym(sam.Key())
	if !strings.Contains(all, pseudo) {
		t.Errorf("the pseudonym %s is nowhere: the records lost their requester", pseudo)
	}
	// Others are untouched.
	for _, kept := range []string{rees.UserID, owen.Name, bot.FeedbackPseudonym(rees.Key()), "advice on a boy's new online friend"} {
		if !strings.Contains(all, kept) {
			t.Errorf("%q was erased too", kept)
		}
	}
	c, err := s.Consultation(ctx, ref)
	if err != nil || c.Claimant.Key() != rees.Key() || c.Requester.UserID != pseudo {
		t.Errorf("the consultation after erase: %+v, %v", c, err)
	}
	ex, err = s.ExportPerson(ctx, sam)
	if err != nil || len(ex.Consultations)+len(ex.Escalations)+len(ex.Feedback)+len(ex.Audit) != 0 || len(ex.Profile) != 0 {
		t.Errorf("export after erase: %+v, %v", ex, err)
	}
	if rep, err := s.ErasePerson(ctx, sam); err != nil || rep.Consultations+rep.Escalations+rep.Feedback+rep.Audit != 0 {
		t.Errorf("a second erase: %+v, %v", rep, err)
	}
}

// TestSweepEraseAndQueuesOnRedisCluster: the sweep, erasure and queue
// counts scan every master of a three-master cluster, where a person's
// records lie in many slots.
func TestSweepEraseAndQueuesOnRedisCluster(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	s := mustStore(t, redisstore.Config{Addrs: addrs, Cluster: true})
	ctx := t.Context()
	old := time.Date(2025, 1, 6, 10, 0, 0, 0, time.UTC)
	var oldRefs []string
	for i := range 4 {
		ref, _ := history(t, s, old.Add(time.Duration(i)*6*time.Hour))
		oldRefs = append(oldRefs, ref)
	}
	recent := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	for i := range 3 {
		history(t, s, recent.Add(time.Duration(i)*6*time.Hour))
	}
	for i := range 5 {
		if _, err := s.CreateConsultation(ctx, bot.Consultation{Specialism: "prevent", Urgency: bot.UrgencyRoutine, Question: "advice", Requester: rees,
			CreatedAt: recent.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	depth, oldest, err := s.QueueDepth(ctx)
	if err != nil || depth["prevent"] != 5 || depth["psychology"] != 0 || !oldest["prevent"].Equal(recent) {
		t.Errorf("QueueDepth = %v, %v, %v", depth, oldest, err)
	}
	rep, err := s.Sweep(ctx, time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), redisstore.Retention{Consultations: 90 * 24 * time.Hour, Escalations: 90 * 24 * time.Hour}, 0)
	if err != nil || rep.Consultations != 4 || rep.Escalations != 4 {
		t.Errorf("sweep: %+v, %v", rep, err)
	}
	for _, ref := range oldRefs {
		if _, err := s.Consultation(ctx, ref); bot.ErrorKind(err) != bot.ENotFound {
			t.Errorf("%s: %v, want swept", ref, err)
		}
	}
	er, err := s.ErasePerson(ctx, sam)
	if err != nil || er.Consultations != 3 || er.Escalations != 3 {
		t.Errorf("erase: %+v, %v", er, err)
	}
	all := everything(t, s, s.Keys().Prefix)
	for _, trace := range []string{sam.UserID, sam.Name, "D0SAM"} {
		if strings.Contains(all, trace) {
			t.Errorf("%q is still in the cluster after erase:\n%s", trace, grepLines(all, trace))
		}
	}
}

func grepLines(s, sub string) string {
	var out []string
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, sub) {
			prev := ""
			if i > 0 {
				prev = lines[i-1] + " => "
			}
			out = append(out, prev+l)
		}
	}
	return strings.Join(out, "\n")
}
