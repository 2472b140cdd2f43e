package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/handlers/metrics"
	"github.com/waymarkhq/waymark/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestPlatformCallsCounted: calls through the instrumented transport are
// counted by host and status, a platform's 429 among them, and a call
// that gets no response as "error".
func TestPlatformCallsCounted(t *testing.T) {
	m := metrics.New()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/limited" {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(`{"ok":true}`))
	}))
	defer api.Close()
	c := &http.Client{Transport: m.Transport(http.DefaultTransport)}
	for _, p := range []string{"/chat.postMessage", "/chat.postMessage", "/limited"} {
		resp, err := c.Get(api.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, err := c.Get("http://127.0.0.1:1/unreachable"); err == nil {
		t.Fatal("a call to a closed port succeeded")
	}
	text := scrape(t, m)
	for _, want := range []string{
		`waymark_platform_api_requests_total{code="200",host="127.0.0.1"} 2`,
		`waymark_platform_api_requests_total{code="429",host="127.0.0.1"} 1`,
		`waymark_platform_api_requests_total{code="error",host="127.0.0.1"} 1`,
		`waymark_platform_api_seconds_count{host="127.0.0.1"} 4`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q:\n%s", want, grep(text, "waymark_platform"))
		}
	}
}

// TestDeskAndRedisCounted: the engine's and desk's events and Redis
// commands (a miss is no error) show in the metrics.
func TestDeskAndRedisCounted(t *testing.T) {
	m := metrics.New()
	m.Question("slack", true, false, 20*time.Millisecond)
	m.Question("slack", false, false, time.Millisecond)
	m.Question("teams", true, true, time.Millisecond)
	m.Escalated("claim_sla", "urgent")
	m.Prompted(1)
	m.Prompted(2)
	m.Acknowledged(2, 11*time.Minute)
	m.Limited("question")
	m.Queue(map[string]int{"psychology": 3}, map[string]time.Duration{"psychology": 40 * time.Minute})
	c := redis.NewClient(&redis.Options{Addr: redistest.Shared(t).Addr()})
	defer c.Close()
	c.AddHook(m.RedisHook())
	c.Set(t.Context(), redistest.Prefix(t)+":k", "v", time.Minute)
	c.Get(t.Context(), redistest.Prefix(t)+":missing") // redis.Nil: not an error
	text := scrape(t, m)
	for _, want := range []string{
		`waymark_questions_total{outcome="answered",platform="slack"} 1`,
		`waymark_questions_total{outcome="unanswered",platform="slack"} 1`,
		`waymark_questions_total{outcome="escalated",platform="teams"} 1`,
		`waymark_escalations_total{trigger="claim_sla",urgency="urgent"} 1`,
		`waymark_escalation_prompts_total{level="2"} 1`,
		`waymark_escalation_ack_seconds_sum{level="2"} 660`,
		`waymark_rate_limited_total{kind="question"} 1`,
		`waymark_queue_depth{specialism="psychology"} 3`,
		`waymark_queue_oldest_seconds{specialism="psychology"} 2400`,
		`waymark_redis_commands_total{outcome="ok"} 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, `outcome="error"`) {
		t.Error("a Redis miss was counted as an error")
	}
}

func grep(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
