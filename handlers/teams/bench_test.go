package teams_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot"
	"github.com/waymarkhq/waymark/bot/redisstore"
	"github.com/waymarkhq/waymark/handlers/teams"
	"github.com/waymarkhq/waymark/internal/loadtest"
	"github.com/waymarkhq/waymark/internal/redistest"
)

// The load benchmark sends signed personal message activities (each with
// its own id and its own token) over loopback HTTP from 4 concurrent
// clients and times each request until the Bot Framework would see the
// 202. The b.N activities are built and signed before the timer starts, so
// the figures are the server's alone.
//
// BenchmarkActivityAck goes through the real handler: JWT verification
// (the signing keys cached by a warm-up activity), JSON parsing,
// de-duplication in a real redis-server, and the bounded queue, while the
// workers compose real answers with the engine (sample corpus) and post
// them to the fake Connector, as in production. BenchmarkVerify is the
// ceiling for the JWT part: Verifier.Verify alone on a cached key.
// BenchmarkCard renders a full reply as an Adaptive Card activity.
//
// The verifier's clock stands still at testEpoch and the tokens expire an
// hour after it, so they stay valid however long a run takes.
//
//	go test ./handlers/teams -run '^$' -bench 'ActivityAck|Verify|Card' -benchtime 3000x -count 3
//
// BenchmarkActivityAck2Replicas is ActivityAck with two replicas sharing
// one redis-server, the activities alternating between them.

const benchClients = 4

func BenchmarkActivityAck(b *testing.B) {
	h, store := mustEngine(b)
	th := newTeamsHarness(b, h, store)
	srv := httptest.NewServer(th.srv)
	b.Cleanup(srv.Close)
	url := srv.URL + "/api/messages"
	warmUp(b, th, url)
	benchAck(b, url, signedActivities(b, th, "bench"))
	loadtest.ReportRSS(b)
}

// BenchmarkActivityAck2Replicas is ActivityAck against two replicas in one
// process, each with its own adapter, engine and Redis client, sharing one
// redis-server and key prefix (so each activity is de-duplicated across
// both), the signing keys and the fake Connector, the activities
// alternating between them as a load balancer would. rss-MB is the
// process's resident memory at the end.
func BenchmarkActivityAck2Replicas(b *testing.B) {
	h1, store1 := mustEngine(b)
	th := newTeamsHarness(b, h1, store1)
	kb, err := sampleKnowledge()
	if err != nil {
		b.Fatal(err)
	}
	store2, err := redisstore.New(redisstore.Config{URL: redistest.Shared(b).URL(), Prefix: store1.(*redisstore.Store).Keys().Prefix})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store2.Close() })
	_, srv2 := mountAdapter(b, th.auth, th.conn,
		bot.NewEngine(kb, store2, bot.EngineOptions{Clock: adapterClock{}, DefaultArea: "Wyvern Vale"}), store2, slog.New(slog.DiscardHandler))
	urls := make([]string, 2)
	for i, h := range []http.Handler{th.srv, srv2} {
		s := httptest.NewServer(h)
		b.Cleanup(s.Close)
		urls[i] = s.URL + "/api/messages"
	}
	warmUp(b, th, urls[0])
	warmUp(b, th, urls[1])
	acts := signedActivities(b, th, "two")
	type item struct {
		url string
		a   signed
	}
	items := make([]item, len(acts))
	for i, a := range acts {
		items[i] = item{urls[i%2], a}
	}
	loadtest.Post(b, benchClients, items, func(it item) (*http.Request, error) {
		return activityRequest(it.url, it.a)
	}, http.StatusAccepted, "requests")
	loadtest.ReportRSS(b)
}

// warmUp posts one activity and waits for its answer to reach the fake
// Connector, so that the signing keys, the Connector's token and the index
// are all in hand before the timer starts.
func warmUp(b *testing.B, th *teamsHarness, url string) {
	b.Helper()
	act := signedActivities(b, th, "warm")[0]
	req, err := activityRequest(url, act)
	if err != nil {
		b.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		b.Fatalf("warm-up: status %d", resp.StatusCode)
	}
	for deadline := time.Now().Add(10 * time.Second); len(th.activityPosts()) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatal("warm-up: no answer posted within 10 s")
		}
	}
}

// signed is one activity body with its Authorization header.
type signed struct {
	body []byte
	auth string
}

// signedActivities builds max(b.N, 1) personal message activities, each
// with its own id (idPrefix and a number) and a token of its own (a jti
// apart), so that producing them costs nothing while the benchmark is timed.
func signedActivities(b *testing.B, th *teamsHarness, idPrefix string) []signed {
	b.Helper()
	out := make([]signed, max(b.N, 1))
	for i := range out {
		id := fmt.Sprintf("%s-%09d", idPrefix, i+1)
		body, err := json.Marshal(th.mustActivity(b, "personal_message", func(act map[string]any) { act["id"] = id }))
		if err != nil {
			b.Fatal(err)
		}
		out[i] = signed{body: body, auth: mustSign(b, th.key, with(th.claims(), "jti", id))}
	}
	return out
}

// activityRequest is a POST of a to url, as the Bot Framework sends it.
func activityRequest(url string, a signed) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(a.body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", a.auth)
	return req, nil
}

// benchAck posts the activities to url and reports requests/s, ack latency
// percentiles and the share refused (a full queue answers 503 so that the
// Bot Framework retries). Any other answer but 202 fails the benchmark.
func benchAck(b *testing.B, url string, acts []signed) {
	loadtest.Post(b, benchClients, acts, func(a signed) (*http.Request, error) {
		return activityRequest(url, a)
	}, http.StatusAccepted, "requests")
}

func BenchmarkVerify(b *testing.B) {
	k := mustKey(b, "k1", "msteams")
	f := newFixture(b, k)
	v := mustVerifier(b, f.config())
	tok := mustSign(b, k, validClaims())
	ctx := context.Background()
	if _, err := v.Verify(ctx, tok, testChannel, testServiceURL, testTenant); err != nil {
		b.Fatal(err) // and the keys are cached
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(ctx, tok, testChannel, testServiceURL, testTenant); err != nil {
			b.Fatal(err)
		}
	}
	if n := f.hits(); n != 2 {
		b.Errorf("%d fetches of the metadata and keys, want 2 (the first Verify's)", n)
	}
}

var cardSink map[string]any

func BenchmarkCard(b *testing.B) {
	r := fullReply()
	b.ReportAllocs()
	for b.Loop() {
		cardSink = teams.Activity(r)
	}
	raw, err := json.Marshal(cardSink)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(raw)), "activity-bytes")
}
