package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/bot"
	wslack "github.com/waymarkhq/waymark/handlers/slack"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// socketServer plays Slack's side of Socket Mode on the fake:
// apps.connections.open hands out a WebSocket URL on the same server, which
// says hello, sends the envelopes given to send, and records the acks.
type socketServer struct {
	send     chan string
	mu       sync.Mutex
	acks     []string
	payloads map[string]json.RawMessage // the acks' payloads, by envelope id
	token    string                     // the Authorization header of apps.connections.open
}

func (s *socketServer) bind(c slacktest.Customize) {
	c.Handle("/apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.token = r.Header.Get("Authorization")
		s.mu.Unlock()
		url := strings.Replace(r.Context().Value(slacktest.ServerURLContextKey).(string), "http://", "ws://", 1) + "socket"
		fmt.Fprintf(w, `{"ok":true,"url":%q}`, url)
	})
	c.Handle("/socket", func(w http.ResponseWriter, r *http.Request) {
		// Slack's client says it comes from https://api.slack.com.
		up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","num_connections":1,"debug_info":{"host":"applink-test","build_number":1,"approximate_connection_time":18060},"connection_info":{"app_id":"A0MDYCDME"}}`))
		go func() {
			for {
				var ack struct {
					EnvelopeID string          `json:"envelope_id"`
					Payload    json.RawMessage `json:"payload"`
				}
				if err := conn.ReadJSON(&ack); err != nil {
					return
				}
				s.mu.Lock()
				s.acks = append(s.acks, ack.EnvelopeID)
				if len(ack.Payload) > 0 {
					if s.payloads == nil {
						s.payloads = map[string]json.RawMessage{}
					}
					s.payloads[ack.EnvelopeID] = ack.Payload
				}
				s.mu.Unlock()
			}
		}()
		for {
			select {
			case m := <-s.send:
				if err := conn.WriteMessage(websocket.TextMessage, []byte(m)); err != nil {
					return
				}
			case <-r.Context().Done():
				return
			}
		}
	})
}

func (s *socketServer) Acks() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.acks...)
}

// envelope wraps a payload as Socket Mode does.
func envelope(id, typ string, payload []byte, retry int) string {
	b, _ := json.Marshal(map[string]any{
		"envelope_id": id, "type": typ, "payload": json.RawMessage(payload),
		"accepts_response_payload": typ != "events_api", "retry_attempt": retry, "retry_reason": map[bool]string{true: "timeout"}[retry > 0],
	})
	return string(b)
}

// TestSocketMode runs the adapter over Socket Mode: every envelope is
// acknowledged, the same event sent twice is answered once, and commands
// and buttons take the same path as over HTTP.
func TestSocketMode(t *testing.T) {
	sock := &socketServer{send: make(chan string, 10)}
	fs := startFakeSlack(t, sock.bind)
	rec := &recorder{}
	store := mustStore(t, redistest.Shared(t))
	logs := &syncBuffer{}
	a, err := wslack.New(wslack.Config{BotToken: "xoxb-test-token", AppToken: "xapp-1-A0MDYCDME-1-test", APIURL: fs.GetAPIURL(), Workers: 2},
		rec, store, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	a.Open()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()

	mention := mustPayload(t, "app_mention", payload{EventID: "Ev0SCK0001", Text: "<@U0LAN0Z89> who is the LADO?", TS: "1700000000.000100"})
	var cmd map[string]string
	json.Unmarshal([]byte(`{"token":"gIkuvaNzQIHg97ATvDxqgjtO","team_id":"T061EG9R6","team_domain":"wyvernvale","channel_id":"C0LAN2Q65","channel_name":"safeguarding-advice","user_id":"U061F7AUR","user_name":"sam.okafor","command":"/waymark","text":"area Wyvern Vale","api_app_id":"A0MDYCDME","is_enterprise_install":"false","trigger_id":"trig-sock-cmd"}`), &cmd)
	cmd["response_url"] = fs.ResponseURL("sock-cmd")
	cmdJSON, _ := json.Marshal(cmd)
	click := mustPayload(t, "block_actions", payload{EventID: "trig-sock-click", ActionID: "ask#2", Text: "What about out of hours?", ThreadTS: "1700000000.000100", ResponseURL: fs.ResponseURL("sock-click")})

	sock.send <- envelope("env-1", "events_api", mention, 0)
	sock.send <- envelope("env-2", "events_api", mention, 1)
	sock.send <- envelope("env-3", "slash_commands", cmdJSON, 0)
	sock.send <- envelope("env-4", "interactive", click, 0)

	waitFor(t, func() bool { return len(sock.Acks()) == 4 })
	fs.WaitCalls(t, 3, "chat.postMessage", "response_url")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunSocketMode after cancel = %v, want nil", err)
	}
	a.Close()

	if got := sock.Acks(); strings.Join(got, ",") != "env-1,env-2,env-3,env-4" {
		t.Errorf("acks %v, want every envelope in order", got)
	}
	sock.mu.Lock()
	token := sock.token
	sock.mu.Unlock()
	if token != "Bearer xapp-1-A0MDYCDME-1-test" {
		t.Errorf("apps.connections.open authorised with %q, want the app-level token", token)
	}
	msgs := rec.Messages()
	if len(msgs) != 3 {
		t.Fatalf("handler got %d messages, want 3 (the retried event once): %+v", len(msgs), msgs)
	}
	byID := map[string]bot.Message{}
	for _, m := range msgs {
		byID[m.ID] = m
	}
	if m := byID["Ev0SCK0001"]; m.Text != "who is the LADO?" || m.ThreadID != "1700000000.000100" || m.ConversationID != channelID || !m.Shared {
		t.Errorf("mention mapped to %+v", m)
	}
	if m := byID["trig-sock-cmd"]; m.Command != bot.CmdArea || m.Text != "Wyvern Vale" || m.ConversationID != channelID || !m.Shared {
		t.Errorf("command mapped to %+v", m)
	}
	if m := byID["trig-sock-click"]; m.Action == nil || *m.Action != (bot.Action{ID: bot.ActionAsk, Value: "What about out of hours?"}) ||
		m.ThreadID != "1700000000.000100" || !m.Shared {
		t.Errorf("button mapped to %+v", m)
	}
	if !delivered(t, store, "Ev0SCK0001") {
		t.Error("the event's delivery is not recorded in Redis")
	}
	if n := len(fs.Replies()); n != 3 {
		t.Errorf("%d replies, want 3: %+v", n, fs.Replies())
	}
}

// TestSocketModeSubmission: over Socket Mode, a modal's submission is
// acknowledged with what becomes of the modal, as the HTTP response would
// say it: a refusal keeps it open with the reason, a booking clears it.
func TestSocketModeSubmission(t *testing.T) {
	sock := &socketServer{send: make(chan string, 10)}
	fs := startFakeSlack(t, sock.bind)
	rec := &recorder{reply: func(m bot.Message) (bot.Reply, error) {
		if strings.Contains(m.Form["question"], "dob") {
			return bot.Reply{}, bot.Errorf(bot.EInvalid, "Your request included a date of birth.")
		}
		return bot.Reply{Text: "Request WM-000042 is with the psychology specialists."}, nil
	}}
	a, err := wslack.New(wslack.Config{BotToken: "xoxb-test-token", AppToken: "xapp-1-A0MDYCDME-1-test", APIURL: fs.GetAPIURL(), Workers: 2},
		rec, mustStore(t, redistest.Shared(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	a.Open()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.RunSocketMode(ctx) }()

	sock.send <- envelope("env-refused", "interactive", bookingSubmission(t, "trig-sock-pd", "Maisie dob 02/02/2012"), 0)
	sock.send <- envelope("env-booked", "interactive", bookingSubmission(t, "trig-sock-ok", "a teenager's online contacts"), 0)
	waitFor(t, func() bool { return len(sock.Acks()) == 2 })
	fs.WaitCalls(t, 1, "chat.postMessage")
	cancel()
	<-done
	a.Close()

	sock.mu.Lock()
	defer sock.mu.Unlock()
	for id, want := range map[string]string{
		"env-refused": `{"response_action":"errors","errors":{"question":"Your request included a date of birth."}}`,
		"env-booked":  `{"response_action":"clear"}`,
	} {
		if got := string(sock.payloads[id]); got != want {
			t.Errorf("%s acknowledged with %s, want %s", id, got, want)
		}
	}
	if r := fs.Replies(); len(r) != 1 || r[0].Channel != userID || !strings.Contains(r[0].Text, "WM-000042") {
		t.Errorf("replies %+v, want the confirmation by direct message", r)
	}
}

func TestSocketModeNeedsAppToken(t *testing.T) {
	fs := startFakeSlack(t)
	a, err := wslack.New(wslack.Config{BotToken: "xoxb-test-token", SigningSecret: signingSecret, APIURL: fs.GetAPIURL()}, &recorder{}, mustStore(t, redistest.Shared(t)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.RunSocketMode(context.Background()); bot.ErrorKind(err) != bot.EInvalid {
		t.Errorf("RunSocketMode without an app token = %v, want EInvalid", err)
	}
}
