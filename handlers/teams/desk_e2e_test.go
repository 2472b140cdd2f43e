package teams_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/handlers/teams"
	"github.com/waymarkhq/waymark/internal/clocktest"
)

// The people of the consultation: each talks to the bot in a 1:1 chat of
// their own.
type teamsPerson struct {
	aad, teamsID, name, conv string
}

var (
	e2ePractitioner = teamsPerson{priyaAAD, priyaTeamsID, "Priya Shah", personalConv}
	e2eSpecialist   = teamsPerson{"0a0b0c0d-1111-2222-3333-444455556666", "29:specialist-bethan", "Bethan Rees", "a:specialist-conv"}
	e2eDutyManager  = teamsPerson{"0d0d0d0d-7777-8888-9999-aaaabbbbcccc", "29:duty-manager-owen", "Owen Price", "a:duty-conv"}
	e2eServiceMgr   = teamsPerson{"05e5e5e5-1212-3434-5656-787878787878", "29:service-manager-sian", "Sian Jones", "a:service-conv"}
)

// lateHandler lets the adapter be built before the engine it hands
// messages to, which needs the adapter's fake Connector for its Notifier.
type lateHandler struct {
	mu sync.Mutex
	h  bot.Handler
}

func (l *lateHandler) set(h bot.Handler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.h = h
}

func (l *lateHandler) Handle(ctx context.Context, m bot.Message) (bot.Reply, error) {
	l.mu.Lock()
	h := l.h
	l.mu.Unlock()
	return h.Handle(ctx, m)
}

// as makes a recorded activity come from p in their 1:1 chat, with a fresh
// id.
func as(p teamsPerson, id string) func(map[string]any) {
	return func(act map[string]any) {
		act["id"] = id
		act["from"] = map[string]any{"id": p.teamsID, "name": p.name, "aadObjectId": p.aad}
		if conv, ok := act["conversation"].(map[string]any); ok && conv["conversationType"] == "personal" {
			conv["id"] = p.conv
		}
	}
}

// invokeAs is an adaptiveCard/action from p with verb and data.
func invokeAs(p teamsPerson, id, verb string, data map[string]any) func(map[string]any) {
	return func(act map[string]any) {
		as(p, id)(act)
		a := act["value"].(map[string]any)["action"].(map[string]any)
		a["verb"] = verb
		a["data"] = data
	}
}

var escRE = regexp.MustCompile(`ESC-\d{6}`)

func TestTeamsConsultationClaimedAndEscalated(t *testing.T) {
	store := mustRedisStore(t)
	lh := &lateHandler{}
	th := newTeamsHarness(t, lh, store)
	th.adapter.WithRefs(store)

	kb, err := sampleKnowledge()
	if err != nil {
		t.Fatal(err)
	}
	cal, err := bot.DefaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	// Tuesday 24 November 2026, 10:00 in London: inside working hours.
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	teamsUser := func(p teamsPerson) bot.Target {
		return bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetUser, ID: p.aad}
	}
	queue := bot.Target{Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetChannel, ID: channelTeamID}
	levels := []bot.EscalationLevel{
		{Name: "duty manager", Targets: []bot.Target{teamsUser(e2eDutyManager)}, Repeat: 1, RepeatEvery: 10 * time.Minute},
		{Name: "service manager", Targets: []bot.Target{teamsUser(e2eServiceMgr)}, RepeatEvery: 15 * time.Minute},
	}
	desk, err := bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store,
		Notifier:    bot.MultiNotifier{bot.PlatformTeams: teams.NewNotifier(mustConnector(t, th.conn.config()), store)},
		Specialists: map[string][]string{"psychology": {"teams:" + e2eSpecialist.aad}},
		Queues:      map[string]bot.Target{"psychology": queue},
		Policies: map[string]bot.EscalationPolicy{
			bot.UrgencyUrgent:  {Urgency: bot.UrgencyUrgent, ClaimWithin: 30 * time.Minute, Levels: levels},
			bot.UrgencyRoutine: {Urgency: bot.UrgencyRoutine, ClaimWithinWorkingDays: 2, Levels: levels},
		},
		Calendar: cal,
		Clock:    clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	lh.set(bot.NewEngine(kb, store, bot.EngineOptions{Clock: clock, DefaultArea: "Wyvern Vale", Desk: desk}))

	send := func(name string, mods ...func(map[string]any)) (int, string) {
		t.Helper()
		return th.post(t, th.mustActivity(t, name, mods...), mustSign(t, th.key, th.claims()))
	}
	// postsTo waits for a post into conversation whose body contains all of
	// want, and returns its body.
	postsTo := func(conversation string, want ...string) string {
		t.Helper()
		path := convPath(conversation, "")
		deadline := time.Now().Add(10 * time.Second)
		for {
			for _, p := range th.activityPosts() {
				if p.Method != http.MethodPost || p.Path != path {
					continue
				}
				body, ok := string(p.Body), true
				for _, w := range want {
					ok = ok && strings.Contains(body, w)
				}
				if ok {
					return body
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("no post to %s containing %q; posts: %+v", conversation, want, th.activityPosts())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	// (1) Everyone the desk will reach talks to the bot first.
	for i, p := range []teamsPerson{e2ePractitioner, e2eSpecialist, e2eDutyManager, e2eServiceMgr} {
		if code, body := send("personal_message", as(p, "hello-"+string(rune('a'+i)))); code >= 300 {
			t.Fatalf("%s: status %d %s", p.name, code, body)
		}
	}
	if code, body := send("channel_mention", func(act map[string]any) { act["id"] = "channel-hello" }); code >= 300 {
		t.Fatalf("channel: status %d %s", code, body)
	}
	for _, p := range []teamsPerson{e2ePractitioner, e2eSpecialist, e2eDutyManager} {
		ref, err := store.ConversationRef(t.Context(), bot.PlatformTeams, adapterTenant, bot.TargetUser, p.aad)
		if err != nil || ref == nil || ref["conversation_id"] != p.conv {
			t.Fatalf("%s's reference = %v, %v; want their 1:1 chat %s", p.name, ref, err, p.conv)
		}
	}
	if ref, err := store.ConversationRef(t.Context(), bot.PlatformTeams, adapterTenant, bot.TargetChannel, channelTeamID); err != nil || ref == nil {
		t.Fatalf("channel reference = %v, %v", ref, err)
	}

	// (2) The practitioner books an urgent psychology consultation.
	code, body := send("invoke_action", invokeAs(e2ePractitioner, "book-1", bot.ActionBook, map[string]any{
		"specialism": "psychology", "urgency": "urgent", "area": "Wyvern Vale",
		"question": "A 14-year-old boy in year 9 has stopped eating at school; how should we approach his parents?",
	}))
	if code != http.StatusOK || !strings.Contains(body, "WM-000001") || !strings.Contains(body, teams.ContentType) {
		t.Fatalf("booking: status %d %s, want a card with WM-000001", code, body)
	}
	queuePost := postsTo(channelTeamID, "WM-000001", `"claim"`)
	if strings.Contains(queuePost, "stopped eating") {
		t.Errorf("the queue card carries the question:\n%s", queuePost)
	}

	// (3) No one claims it within 30 minutes: the duty manager is prompted.
	clock.Advance(31 * time.Minute)
	if _, err := desk.Tick(t.Context()); err != nil {
		t.Fatal(err)
	}
	prompt := postsTo(e2eDutyManager.conv, "Acknowledge")
	esc := escRE.FindString(prompt)
	if esc == "" {
		t.Fatalf("the duty manager's prompt names no escalation:\n%s", prompt)
	}

	// (4) The duty manager acknowledges it.
	code, body = send("invoke_action", invokeAs(e2eDutyManager, "ack-1", bot.ActionAck, map[string]any{"value": esc}))
	if code != http.StatusOK || !strings.Contains(body, "You have "+esc) {
		t.Fatalf("acknowledge: status %d %s, want a card saying You have %s", code, body, esc)
	}

	// (5) The specialist claims the request and sees its details; the
	// practitioner is told.
	code, body = send("invoke_action", invokeAs(e2eSpecialist, "claim-1", bot.ActionClaim, map[string]any{"value": "WM-000001"}))
	if code != http.StatusOK || !strings.Contains(body, "You have WM-000001") || !strings.Contains(body, "stopped eating") {
		t.Fatalf("claim: status %d %s, want the request's details", code, body)
	}
	note := postsTo(e2ePractitioner.conv, "has your consultation request", "WM-000001", "Reply to this message")

	// (6) The practitioner answers that note by quoting it, as a 1:1 chat
	// replies; the specialist gets the answer, and the quote stays behind.
	noteID := th.postedID(t, note)
	quote := `<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="` + noteID + `">` +
		`<strong itemprop="mri">Waymark</strong><p itemprop="preview">Bethan Rees has your consultation request WM-000001.</p></blockquote>` +
		`<p>Tuesday afternoon suits me</p>`
	if code, body := send("personal_message", as(e2ePractitioner, "relay-1"), func(act map[string]any) {
		act["text"] = "WaymarkBethan Rees has your consultation request WM-000001.Tuesday afternoon suits me"
		act["attachments"] = []any{map[string]any{"contentType": "text/html", "content": quote}}
	}); code >= 300 {
		t.Fatalf("relay: status %d %s", code, body)
	}
	relayed := postsTo(e2eSpecialist.conv, "about WM-000001", "Tuesday afternoon suits me")
	if strings.Contains(relayed, "has your consultation request") {
		t.Errorf("the relay carries the quoted note:\n%s", relayed)
	}
	th.drain(t)
}

// postedID is the id the fake Connector gave the activity posted with body.
func (th *teamsHarness) postedID(tb testing.TB, body string) string {
	tb.Helper()
	for i, r := range th.conn.requests() {
		if string(r.Body) == body {
			return fmt.Sprintf("act-%d", i+1)
		}
	}
	tb.Fatalf("no post with body %s", body)
	return ""
}
