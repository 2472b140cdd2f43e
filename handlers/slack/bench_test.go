package slack_test

import (
	"bytes"
	"fmt"
	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/waymarkhq/waymark/internal/loadtest"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// The load benchmarks send signed Events API deliveries (app_mention, each
// with its own event_id) over loopback HTTP from 4 concurrent clients and
// time each request until Slack would see the acknowledgement. The b.N
// deliveries are built and signed before the timer starts, so the figures
// are the server's alone.
//
// BenchmarkEventsAck goes through the real handler: signature check, JSON
// parsing, de-duplication in a real redis-server, and the bounded queue, while
// the workers compose real answers with the engine (sample corpus) and post
// them to slacktest, as in production. BenchmarkBareVerify is the ceiling: an
// HTTP handler that only verifies the signature and answers 200.
//
//	go test ./handlers/slack -run '^$' -bench 'EventsAck|BareVerify' -benchtime 3000x

const benchClients = 4

func BenchmarkEventsAck(b *testing.B) {
	h, _ := newEndToEnd(b, redistest.Shared(b))
	benchAck(b, h.srv.URL+"/slack/events", signedDeliveries(b, "EvBENCH"))
}

func BenchmarkBareVerify(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sv, err := slackgo.NewSecretsVerifier(r.Header, signingSecret)
		if err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if _, err := io.Copy(&sv, http.MaxBytesReader(w, r.Body, 1<<20)); err != nil {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		if err := sv.Ensure(); err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	b.Cleanup(srv.Close)
	benchAck(b, srv.URL, signedDeliveries(b, "EvBARE"))
}

// delivery is one signed Events API request body with its signature
// headers.
type delivery struct {
	body      []byte
	timestamp string // X-Slack-Request-Timestamp
	signature string // X-Slack-Signature
}

// signedDeliveries builds b.N app_mention deliveries, each with its own
// event_id (idPrefix and a number) and ts, signed now, so that producing
// them costs nothing while the benchmark is timed. Slack's signatures are
// good for five minutes, longer than any run of these benchmarks.
func signedDeliveries(b *testing.B, idPrefix string) []delivery {
	b.Helper()
	now := time.Now()
	out := make([]delivery, b.N)
	for i := range out {
		body := mention(b, fmt.Sprintf("%s%09d", idPrefix, i+1), "who is the LADO?", fmt.Sprintf("1700000000.%06d", i+1), "")
		out[i] = delivery{body: body, timestamp: fmt.Sprint(now.Unix()), signature: signature(signingSecret, now, body)}
	}
	return out
}

// benchAck posts the b.N deliveries to url and reports events/s, ack
// latency percentiles and the share refused (a full queue answers 503 so that
// Slack retries).
func benchAck(b *testing.B, url string, deliveries []delivery) {
	loadtest.Post(b, benchClients, deliveries, func(d delivery) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(d.body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", d.timestamp)
		req.Header.Set("X-Slack-Signature", d.signature)
		return req, nil
	}, http.StatusOK, "events")
	loadtest.ReportRSS(b)
}

// BenchmarkEventsAck2Replicas is EventsAck against two replicas in one
// process, each with its own adapter, engine and Redis client, sharing one
// redis-server and key prefix (so each event is de-duplicated across
// both), the deliveries alternating between them as a load balancer
// would. rss-MB is the process's resident memory at the end.
func BenchmarkEventsAck2Replicas(b *testing.B) {
	srv := redistest.Shared(b)
	kb, err := sampleKnowledge()
	if err != nil {
		b.Fatal(err)
	}
	h1, store1 := newEngineHarness(b, kb, srv)
	store2, err := redisstore.New(redisstore.Config{URL: srv.URL(), Prefix: store1.Keys().Prefix})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store2.Close() })
	h2 := newHarnessOn(b, h1.slack, bot.NewEngine(kb, store2, bot.EngineOptions{Clock: fixedClock{}, DefaultArea: "Wyvern Vale"}), store2)
	urls := []string{h1.srv.URL + "/slack/events", h2.srv.URL + "/slack/events"}
	ds := signedDeliveries(b, "EvTWO")
	type item struct {
		url string
		d   delivery
	}
	items := make([]item, len(ds))
	for i, d := range ds {
		items[i] = item{urls[i%2], d}
	}
	loadtest.Post(b, benchClients, items, func(it item) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, it.url, bytes.NewReader(it.d.body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Slack-Request-Timestamp", it.d.timestamp)
		req.Header.Set("X-Slack-Signature", it.d.signature)
		return req, nil
	}, http.StatusOK, "events")
	loadtest.ReportRSS(b)
}
