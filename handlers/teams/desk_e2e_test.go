package teams_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/bot"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
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
	// The prompt says which request, its urgency and queue, who asked and
	// how long it has waited; the practitioner is told it was escalated.
	prompt := postsTo(e2eDutyManager.conv, "Acknowledge", "WM-000001", "an urgent psychology consultation request", "from Priya Shah",
		"in the psychology queue", "It has been waiting 31 minutes")
	esc := escRE.FindString(prompt)
	if esc == "" {
		t.Fatalf("the duty manager's prompt names no escalation:\n%s", prompt)
	}
	postsTo(e2ePractitioner.conv, "No specialist has picked up WM-000001 within 30 minutes", "asked the duty manager to chase it ("+esc+")")
	var promptActivity map[string]any
	if err := json.Unmarshal([]byte(prompt), &promptActivity); err != nil {
		t.Fatal(err)
	}
	golden(t, "desk_sla_prompt", mustJSON(t, promptActivity))

	// (4) The specialist, not on the ladder, forging the card's data,
	// cannot acknowledge it; the duty manager can.
	code, body = send("invoke_action", invokeAs(e2eSpecialist, "ack-0", bot.ActionAck, map[string]any{"value": esc}))
	if !strings.Contains(body, "Only the people prompted for "+esc) || strings.Contains(body, "You have acknowledged") {
		t.Errorf("acknowledgement by someone not prompted: status %d %s, want a refusal", code, body)
	}
	code, body = send("invoke_action", invokeAs(e2eDutyManager, "ack-1", bot.ActionAck, map[string]any{"value": esc}))
	if code != http.StatusOK || !strings.Contains(body, "You have acknowledged "+esc) {
		t.Fatalf("acknowledge: status %d %s, want a card saying You have %s", code, body, esc)
	}
	promptID := th.postedID(t, prompt)
	var acked bool
	for _, r := range th.conn.requests() {
		if r.Method == http.MethodPut && r.Path == convPath(e2eDutyManager.conv, promptID) {
			body := string(r.Body)
			acked = strings.Contains(body, "acknowledged by Owen Price") && strings.Contains(body, "WM-000001") &&
				strings.Contains(body, "has not been claimed") && !strings.Contains(body, `"acknowledge"`)
		}
	}
	if !acked {
		t.Errorf("the prompt %s was not updated to say who acknowledged it: %+v", promptID, th.conn.requests())
	}
	postsTo(e2ePractitioner.conv, "Owen Price has your escalation "+esc+" about WM-000001")

	// (5) The specialist claims the request and sees its details; the
	// practitioner is told.
	code, body = send("invoke_action", invokeAs(e2eSpecialist, "claim-1", bot.ActionClaim, map[string]any{"value": "WM-000001"}))
	if code != http.StatusOK || !strings.Contains(body, "You have WM-000001") || !strings.Contains(body, "stopped eating") {
		t.Fatalf("claim: status %d %s, want the request's details", code, body)
	}
	note := postsTo(e2ePractitioner.conv, "has your consultation request", "WM-000001", "Reply to this message")

	// The queue card now says who has the request, in place, without its
	// Claim button.
	queueID := th.postedID(t, queuePost)
	var updated bool
	for _, r := range th.conn.requests() {
		if r.Method == http.MethodPut && r.Path == convPath(channelTeamID, queueID) {
			body := string(r.Body)
			updated = strings.Contains(body, "claimed by Bethan Rees") && !strings.Contains(body, `"claim"`)
		}
	}
	if !updated {
		t.Errorf("the queue card %s was not updated to say who claimed it: %+v", queueID, th.conn.requests())
	}

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

	// Feedback is thanked with a message: the answer's card, with its
	// booking buttons, stays.
	code, body = send("invoke_action", invokeAs(e2ePractitioner, "fb-1", bot.ActionNotHelpful, map[string]any{"value": "0123456789abcdef"}))
	if code != http.StatusOK || !strings.Contains(body, "activity.message") || !strings.Contains(body, "Thank you: noted") {
		t.Errorf("feedback: status %d %s, want a message, not a card replacing the answer", code, body)
	}

	// (7) A risk in a question prompts the duty manager at once, naming who
	// asked; acknowledged, the prompt still says what it was about.
	if code, body := send("personal_message", as(e2ePractitioner, "risk-1"), func(act map[string]any) {
		act["text"] = "a boy in my class says he will stab someone tomorrow and has a knife"
	}); code >= 300 {
		t.Fatalf("risk question: status %d %s", code, body)
	}
	riskPrompt := postsTo(e2eDutyManager.conv, "ESC-000002", "Priya Shah described a possible immediate risk", "weapon")
	if code, body := send("invoke_action", invokeAs(e2eDutyManager, "ack-2", bot.ActionAck, map[string]any{"value": "ESC-000002"})); code != http.StatusOK {
		t.Fatalf("acknowledge the risk: status %d %s", code, body)
	}
	postsTo(e2ePractitioner.conv, "Owen Price has your escalation ESC-000002")
	riskID := th.postedID(t, riskPrompt)
	var kept bool
	for _, r := range th.conn.requests() {
		if r.Method == http.MethodPut && r.Path == convPath(e2eDutyManager.conv, riskID) {
			body := string(r.Body)
			kept = strings.Contains(body, "acknowledged by Owen Price") && strings.Contains(body, "Priya Shah described a possible immediate risk")
		}
	}
	if !kept {
		t.Errorf("the acknowledged risk prompt %s lost what it was about: %+v", riskID, th.conn.requests())
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

// slackPosts is slacktest standing in for Slack, recording chat.postMessage.
type slackPosts struct {
	srv   *slacktest.Server
	mu    sync.Mutex
	posts []struct{ channel, text, ts string }
}

func newSlackPosts(tb testing.TB) *slackPosts {
	s := &slackPosts{}
	s.srv = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
			_ = r.ParseForm()
			s.mu.Lock()
			ts := fmt.Sprintf("1700000000.%06d", len(s.posts)+1)
			s.posts = append(s.posts, struct{ channel, text, ts string }{r.Form.Get("channel"), r.Form.Get("text") + r.Form.Get("blocks"), ts})
			s.mu.Unlock()
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":%q}`, "D"+r.Form.Get("channel"), ts)
		})
	})
	s.srv.Start()
	tb.Cleanup(s.srv.Stop)
	return s
}

// find returns the ts of a post to channel containing want, or "".
func (s *slackPosts) find(channel, want string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.posts {
		if p.channel == channel && strings.Contains(p.text, want) {
			return p.ts
		}
	}
	return ""
}

// TestSlackPractitionerTeamsSpecialist: one engine and one queue serve both
// platforms at once. A practitioner on Slack books; the request is posted
// to a Teams queue channel; a Teams specialist claims it; the practitioner
// is told in Slack, and what they write in that Slack thread reaches the
// specialist's Teams chat.
func TestSlackPractitionerTeamsSpecialist(t *testing.T) {
	store := mustRedisStore(t)
	lh := &lateHandler{}
	th := newTeamsHarness(t, lh, store)
	th.adapter.WithRefs(store)
	slack := newSlackPosts(t)
	slackNotifier, err := wslack.NewNotifier(wslack.Config{BotToken: "xoxb-test", APIURL: slack.srv.GetAPIURL()})
	if err != nil {
		t.Fatal(err)
	}
	kb, err := sampleKnowledge()
	if err != nil {
		t.Fatal(err)
	}
	clock := clocktest.At(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	levels := []bot.EscalationLevel{{Name: "duty manager", Repeat: 1, RepeatEvery: 10 * time.Minute,
		Targets: []bot.Target{{Platform: bot.PlatformSlack, TeamID: "T1", Kind: bot.TargetChannel, ID: "CDUTY"}}}}
	desk, err := bot.NewDesk(kb, bot.DeskOptions{
		Consultations: store, Escalations: store, Timers: store,
		Notifier: bot.MultiNotifier{
			bot.PlatformTeams: teams.NewNotifier(mustConnector(t, th.conn.config()), store),
			bot.PlatformSlack: slackNotifier,
		},
		Specialists: map[string][]string{"psychology": {"teams:" + adapterTenant + ":" + e2eSpecialist.aad}},
		Queues:      map[string]bot.Target{"psychology": {Platform: bot.PlatformTeams, TeamID: adapterTenant, Kind: bot.TargetChannel, ID: channelTeamID}},
		Policies: map[string]bot.EscalationPolicy{
			bot.UrgencyUrgent:  {Urgency: bot.UrgencyUrgent, ClaimWithin: 30 * time.Minute, Levels: levels},
			bot.UrgencyRoutine: {Urgency: bot.UrgencyRoutine, ClaimWithin: 4 * time.Hour, Levels: levels},
		},
		Clock: clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	engine := bot.NewEngine(kb, store, bot.EngineOptions{Clock: clock, DefaultArea: "Wyvern Vale", Desk: desk})
	lh.set(engine)
	send := func(name string, mods ...func(map[string]any)) (int, string) {
		t.Helper()
		return th.post(t, th.mustActivity(t, name, mods...), mustSign(t, th.key, th.claims()))
	}
	waitFor := func(what string, found func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !found(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s; Teams posts %+v; Slack posts %+v", what, th.activityPosts(), slack.posts)
			}
		}
	}

	// The specialist and the queue channel have talked to the bot.
	if code, body := send("personal_message", as(e2eSpecialist, "hello-specialist")); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}
	if code, body := send("channel_mention", func(act map[string]any) { act["id"] = "channel-hello" }); code >= 300 {
		t.Fatalf("status %d %s", code, body)
	}

	// A Slack practitioner books.
	fromSlack := bot.Message{Platform: bot.PlatformSlack, TeamID: "T1", UserID: "UPRAC1", UserName: "Sam", ConversationID: "DUPRAC1", ID: "m1"}
	book := fromSlack
	book.Action = &bot.Action{ID: bot.ActionBook}
	book.Form = map[string]string{"specialism": "psychology", "urgency": "routine", "area": "Wyvern Vale",
		"question": "A 15-year-old girl in year 10 is sharing extremist videos; is this a Prevent referral?"}
	r, err := engine.Handle(t.Context(), book)
	if err != nil || !strings.Contains(r.Text, "WM-000001") {
		t.Fatalf("booking: %q, %v", r.Text, err)
	}
	waitFor("queue post in the Teams channel", func() bool {
		for _, p := range th.activityPosts() {
			if p.Path == convPath(channelTeamID, "") && strings.Contains(string(p.Body), "WM-000001") {
				return true
			}
		}
		return false
	})

	// A Teams specialist claims it; the Slack practitioner is told.
	code, body := send("invoke_action", invokeAs(e2eSpecialist, "claim-x", bot.ActionClaim, map[string]any{"value": "WM-000001"}))
	if code != http.StatusOK || !strings.Contains(body, "You have WM-000001") || !strings.Contains(body, "extremist videos") {
		t.Fatalf("claim: status %d %s", code, body)
	}
	var noteTS string
	waitFor("note to the Slack practitioner", func() bool {
		noteTS = slack.find("UPRAC1", "has your consultation request")
		return noteTS != ""
	})

	// The practitioner answers in that Slack thread; it reaches Teams.
	reply := fromSlack
	reply.ID, reply.ThreadID, reply.Text = "m2", noteTS, "Thursday morning is best for me"
	if _, err := engine.Handle(t.Context(), reply); err != nil {
		t.Fatal(err)
	}
	waitFor("relay to the specialist's Teams chat", func() bool {
		for _, p := range th.activityPosts() {
			if p.Path == convPath(e2eSpecialist.conv, "") && strings.Contains(string(p.Body), "Thursday morning is best for me") {
				return true
			}
		}
		return false
	})
	th.drain(t)
}
