package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack/slacktest"

	"github.com/waymarkhq/waymark/internal/redistest"
)

// posted is one message a replica posted to the fake Slack.
type posted struct{ method, channel, text, ts string }

// recordingSlack is slacktest answering the Web API calls serve makes and
// recording the messages it posts and updates.
type recordingSlack struct {
	*slacktest.Server
	mu    sync.Mutex
	posts []posted
}

func startRecordingSlack(t *testing.T) *recordingSlack {
	t.Helper()
	f := &recordingSlack{}
	record := func(method string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			f.mu.Lock()
			f.posts = append(f.posts, posted{method, r.Form.Get("channel"), r.Form.Get("text") + r.Form.Get("blocks"), r.Form.Get("ts")})
			n := len(f.posts)
			f.mu.Unlock()
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700009999.%06d"}`, r.Form.Get("channel"), n)
		}
	}
	f.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/chat.postMessage", record("chat.postMessage"))
		c.Handle("/chat.update", record("chat.update"))
		c.Handle("/chat.postEphemeral", record("chat.postEphemeral"))
		c.Handle("/users.info", func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"name":"handle","profile":{"display_name":"Name of %s"}}}`, r.Form.Get("user"), r.Form.Get("user"))
		})
		c.Handle("/response/", func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			f.posts = append(f.posts, posted{"response_url", r.URL.Path, "", ""})
			f.mu.Unlock()
			fmt.Fprint(w, `{"ok":true}`)
		})
	})
	f.Start()
	t.Cleanup(f.Stop)
	return f
}

// to counts the messages posted (not updated) to channel.
func (f *recordingSlack) to(channel string) (n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if p.method == "chat.postMessage" && p.channel == channel {
			n++
		}
	}
	return n
}

// updated counts the chat.update calls for each message (channel and ts).
func (f *recordingSlack) updated() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := map[string]int{}
	for _, p := range f.posts {
		if p.method == "chat.update" {
			n[p.channel+" "+p.ts]++
		}
	}
	return n
}

func (f *recordingSlack) count(method string) (n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.posts {
		if p.method == method {
			n++
		}
	}
	return n
}

// until waits for cond, failing the test after a while (only so that a
// broken test ends: nothing here waits for a timer to fire on its own).
func until(t *testing.T, what string, cond func() bool, logs ...*lockedBuffer) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			var all []string
			for _, l := range logs {
				all = append(all, l.String())
			}
			t.Fatalf("never: %s\n%s", what, strings.Join(all, "\n---\n"))
		}
	}
}

// replica is one `waymark serve` process.
type replica struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
}

// TestReplicaKilledMidLadderAnotherFinishesIt runs two serve processes on
// one Redis, built with a clock both read from a file the test moves. A
// risky question to the first escalates to the duty channel; the first is
// killed (SIGKILL: nothing flushed); the second repeats the prompt when
// it falls due, once, takes the duty manager's acknowledgement, and the
// ladder stops there: nothing lost, nothing doubled.
func TestReplicaKilledMidLadderAnotherFinishesIt(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "waymark")
	if out, err := exec.Command("go", "build", "-tags", "testclock", "-o", exe, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags testclock: %v\n%s", err, out)
	}
	redis := redistest.Start(t)
	slack := startRecordingSlack(t)
	clockFile := filepath.Join(dir, "clock")
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) // a Tuesday morning
	setClock := func(at time.Time) {
		t.Helper()
		if err := os.WriteFile(clockFile+".new", []byte(at.Format(time.RFC3339)), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(clockFile+".new", clockFile); err != nil { // whole, never half written
			t.Fatal(err)
		}
	}
	setClock(now)
	const secret = "test-signing-secret"
	if err := os.WriteFile(filepath.Join(dir, "waymark.yaml"), []byte(`
escalation:
  tick: 50ms
  risk_policy: urgent
  policies:
    urgent:
      claim_within: 30m
      levels:
        - {name: duty manager, targets: ["slack:channel:C0DUTY"], acknowledgers: ["slack:U0DUTY1"], repeat: 1, repeat_every: 10m}
        - {name: service manager, targets: ["slack:channel:C0SVC"], acknowledgers: ["slack:U0SVC1"], repeat: 1, repeat_every: 15m}
    routine:
      claim_within_working_days: 2
      levels:
        - {name: duty manager, targets: ["slack:channel:C0DUTY"], acknowledgers: ["slack:U0DUTY1"], repeat: 1, repeat_every: 1h}
consultations:
  specialists:
    psychology: ["slack:U0PSY1"]
  queues:
    psychology: slack:channel:C0PSYQ
`), 0o600); err != nil {
		t.Fatal(err)
	}
	start := func(name string) *replica {
		t.Helper()
		addr := freeAddr(t)
		r := &replica{base: "http://" + addr, logs: &lockedBuffer{}}
		r.cmd = exec.Command(exe, "serve")
		r.cmd.Dir = dir
		r.cmd.Env = append(os.Environ(),
			"WAYMARK_HTTP_ADDR="+addr, "WAYMARK_HTTP_ADMIN_ADDR=127.0.0.1:0",
			"WAYMARK_REDIS_URL="+redis.URL(),
			"WAYMARK_SLACK_BOT_TOKEN=xoxb-test", "WAYMARK_SLACK_SIGNING_SECRET="+secret,
			"WAYMARK_SLACK_API_URL="+slack.GetAPIURL(),
			"WAYMARK_TEST_CLOCK_FILE="+clockFile)
		r.cmd.Stderr = r.logs
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if r.cmd.ProcessState == nil {
				r.cmd.Process.Kill()
				r.cmd.Wait()
			}
		})
		until(t, name+" ready", func() bool {
			resp, err := http.Get(r.base + "/readyz")
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		}, r.logs)
		return r
	}
	a, b := start("replica A"), start("replica B")
	post := func(r *replica, path, contentType, body string) {
		t.Helper()
		ts := strconv.FormatInt(time.Now().Unix(), 10) // Slack's signatures are checked on the real clock
		mac := hmac.New(sha256.New, []byte(secret))
		fmt.Fprintf(mac, "v0:%s:%s", ts, body)
		req, _ := http.NewRequest(http.MethodPost, r.base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("X-Slack-Request-Timestamp", ts)
		req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST %s: status %d\n%s", path, resp.StatusCode, r.logs.String())
		}
	}

	// 1. A risky question reaches replica A: the duty channel is prompted.
	post(a, "/slack/events", "application/json", `{"token":"x","team_id":"T061EG9R6","api_app_id":"A0MDYCDME","type":"event_callback",`+
		`"event_id":"Ev0KILL001","event_time":1700000000,"event":{"type":"app_mention","user":"U061F7AUR",`+
		`"text":"<@U0LAN0Z89> a boy in year 10 has a knife in his bag and says he will stab a teacher at lunch today","ts":"1700000000.000100","channel":"C0LAN2Q65","event_ts":"1700000000.000100"}}`)
	// (Killed before its answer is posted, the answer would be lost by
	// design: Slack's event is marked answered when accepted, README.)
	until(t, "the duty channel prompted and the question answered", func() bool {
		return slack.to("C0DUTY") == 1 && slack.to("C0LAN2Q65") == 1
	}, a.logs, b.logs)

	// 2. Replica A is killed outright.
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.cmd.Wait()

	// 3. The prompt falls due again: replica B repeats it, once.
	setClock(now.Add(11 * time.Minute))
	until(t, "the prompt repeated by replica B", func() bool { return slack.to("C0DUTY") == 2 }, b.logs)

	// 4. The duty manager acknowledges, on replica B.
	action, _ := json.Marshal(map[string]any{
		"type": "block_actions", "api_app_id": "A0MDYCDME", "token": "x", "trigger_id": "trig-ack",
		"user":         map[string]any{"id": "U0DUTY1", "username": "duty.manager", "name": "duty.manager", "team_id": "T061EG9R6"},
		"team":         map[string]any{"id": "T061EG9R6", "domain": "wyvernvale"},
		"container":    map[string]any{"type": "message", "message_ts": "1700009999.000002", "channel_id": "C0DUTY"},
		"channel":      map[string]any{"id": "C0DUTY", "name": "duty"},
		"message":      map[string]any{"type": "message", "ts": "1700009999.000002", "text": "Escalation"},
		"response_url": slack.GetAPIURL() + "response/trig-ack",
		"actions":      []map[string]any{{"action_id": "acknowledge", "block_id": "b", "value": "ESC-000001", "type": "button", "action_ts": "1700000002.123456"}},
	})
	post(b, "/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(action)}}.Encode())
	until(t, "the acknowledgement answered, both prompts marked and the practitioner told", func() bool {
		return slack.count("response_url") >= 1 && slack.count("chat.update") >= 2 && slack.to("U061F7AUR") >= 1
	}, b.logs)

	// 5. Well past every later step, nothing more is posted: not the
	// second level, not a third duty prompt, not a second answer.
	prompts, svc := slack.to("C0DUTY"), slack.to("C0SVC")
	setClock(now.Add(3 * time.Hour))
	// Ticks run every 50 ms; give them many chances to do a wrong step.
	time.Sleep(500 * time.Millisecond)
	if n := slack.to("C0DUTY"); n != prompts || n != 2 {
		t.Errorf("%d duty prompts in all, want 2 (the first and one repeat)", n)
	}
	if n := slack.to("C0SVC"); n != svc || n != 0 {
		t.Errorf("%d prompts to the second level after the acknowledgement, want 0", n)
	}
	if n := slack.to("C0LAN2Q65"); n != 1 {
		t.Errorf("%d answers in the question's channel, want 1", n)
	}
	if n := slack.to("U061F7AUR"); n != 1 {
		t.Errorf("%d messages to the practitioner, want 1 (who acknowledged)", n)
	}
	// Both prompts are marked. A repeat recorded while the
	// acknowledgement was changing the prompts it found is marked by both
	// (bot/ladder.go), so a prompt may be changed twice, never more.
	if u := slack.updated(); len(u) != 2 {
		t.Errorf("%d prompts marked acknowledged (%v), want both (2)", len(u), u)
	} else {
		for m, n := range u {
			if n > 2 {
				t.Errorf("prompt %s changed %d times, want at most 2", m, n)
			}
		}
	}
	if strings.Contains(b.logs.String(), "knife") {
		t.Error("replica B logged the question's words")
	}
}
