// Package metrics is Waymark's Prometheus metrics: what the engine and the
// desk do (bot.Metrics), the chat platforms' API calls (an instrumented
// http.RoundTripper), Redis commands (a go-redis hook), the index, and
// queue depth, served as /metrics on the admin address. It counts and
// times only: no message text, no ids of people.
package metrics

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"

	"github.com/waymarkhq/waymark/bot"
)

// Metrics holds Waymark's collectors in a registry of its own. It is safe
// for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	questions   *prometheus.CounterVec
	answerTime  *prometheus.HistogramVec
	escalations *prometheus.CounterVec
	prompts     *prometheus.CounterVec
	ackTime     *prometheus.HistogramVec
	exhausted   *prometheus.CounterVec
	apiRequests *prometheus.CounterVec
	apiTime     *prometheus.HistogramVec
	redisCmds   *prometheus.CounterVec
	redisTime   prometheus.Histogram
	indexDocs   prometheus.Gauge
	indexBuild  prometheus.Gauge
	queueDepth  *prometheus.GaugeVec
	queueOldest *prometheus.GaugeVec
	rateLimited *prometheus.CounterVec
	undelivered *prometheus.CounterVec
}

var _ bot.Metrics = (*Metrics)(nil)

// New returns the metrics, registered with the Go runtime's and the
// process's collectors.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	f := func(c prometheus.Collector) { m.reg.MustRegister(c) }
	m.questions = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_questions_total",
		Help: "Questions answered, by platform and outcome (answered, unanswered: \"I don't know\", escalated: immediate risk)."}, []string{"platform", "outcome"})
	m.answerTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "waymark_answer_seconds",
		Help: "Time to compose an answer, by platform.", Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"platform"})
	m.escalations = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_escalations_total",
		Help: "Escalations raised, by trigger (claim_sla: an SLA breach, risk, manual) and urgency."}, []string{"trigger", "urgency"})
	m.prompts = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_escalation_prompts_total",
		Help: "Ladder prompts sent, by level (1 is the first)."}, []string{"level"})
	m.ackTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "waymark_escalation_ack_seconds",
		Help: "Time from an escalation to its acknowledgement, by the level that acknowledged.", Buckets: []float64{30, 60, 120, 300, 600, 900, 1800, 3600, 7200}}, []string{"level"})
	m.exhausted = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_escalations_exhausted_total",
		Help: "Ladders that ran out with no one acknowledging, by urgency."}, []string{"urgency"})
	m.apiRequests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_platform_api_requests_total",
		Help: "Calls to chat platforms' APIs (Slack, Teams, Entra), by host and HTTP status (\"error\": no response; 429: rate-limited)."}, []string{"host", "code"})
	m.apiTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "waymark_platform_api_seconds",
		Help: "Time of calls to chat platforms' APIs, by host.", Buckets: prometheus.DefBuckets}, []string{"host"})
	m.redisCmds = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_redis_commands_total",
		Help: "Redis commands and pipelines, by outcome (ok, error)."}, []string{"outcome"})
	m.redisTime = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "waymark_redis_seconds",
		Help: "Time of Redis commands and pipelines.", Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .5}})
	m.indexDocs = prometheus.NewGauge(prometheus.GaugeOpts{Name: "waymark_index_documents", Help: "Documents in the serving index."})
	m.indexBuild = prometheus.NewGauge(prometheus.GaugeOpts{Name: "waymark_index_build_seconds", Help: "How long the serving index took to build."})
	m.queueDepth = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "waymark_queue_depth",
		Help: "Consultation requests waiting to be claimed, by specialism (as of the last count)."}, []string{"specialism"})
	m.queueOldest = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "waymark_queue_oldest_seconds",
		Help: "Age of the oldest request waiting to be claimed, by specialism."}, []string{"specialism"})
	m.rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_rate_limited_total",
		Help: "Requests refused by Waymark's own rate limits, by kind."}, []string{"kind"})
	m.undelivered = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "waymark_replies_undelivered_total",
		Help: "Replies and notes that could not be delivered, by platform."}, []string{"platform"})
	for _, c := range []prometheus.Collector{m.questions, m.answerTime, m.escalations, m.prompts, m.ackTime, m.exhausted, m.apiRequests, m.apiTime,
		m.redisCmds, m.redisTime, m.indexDocs, m.indexBuild, m.queueDepth, m.queueOldest, m.rateLimited, m.undelivered,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		f(c)
	}
	return m
}

// Handler serves the metrics in Prometheus's exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Question implements bot.Metrics.
func (m *Metrics) Question(platform string, answered, escalated bool, took time.Duration) {
	outcome := "answered"
	switch {
	case escalated:
		outcome = "escalated"
	case !answered:
		outcome = "unanswered"
	}
	m.questions.WithLabelValues(platform, outcome).Inc()
	m.answerTime.WithLabelValues(platform).Observe(took.Seconds())
}

// Escalated implements bot.Metrics.
func (m *Metrics) Escalated(trigger, urgency string) {
	m.escalations.WithLabelValues(trigger, urgency).Inc()
}

// Prompted implements bot.Metrics.
func (m *Metrics) Prompted(level int) { m.prompts.WithLabelValues(strconv.Itoa(level)).Inc() }

// Acknowledged implements bot.Metrics.
func (m *Metrics) Acknowledged(level int, waited time.Duration) {
	m.ackTime.WithLabelValues(strconv.Itoa(level)).Observe(waited.Seconds())
}

// Exhausted implements bot.Metrics.
func (m *Metrics) Exhausted(urgency string) { m.exhausted.WithLabelValues(urgency).Inc() }

// Limited implements bot.Metrics.
func (m *Metrics) Limited(kind string) { m.rateLimited.WithLabelValues(kind).Inc() }

// Undelivered implements bot.Metrics.
func (m *Metrics) Undelivered(platform string) { m.undelivered.WithLabelValues(platform).Inc() }

// Index records the serving index's size and build time.
func (m *Metrics) Index(docs int, built time.Duration) {
	m.indexDocs.Set(float64(docs))
	m.indexBuild.Set(built.Seconds())
}

// Queue records the requests waiting per specialism and the oldest one's
// age; specialisms not given are set to zero.
func (m *Metrics) Queue(depth map[string]int, oldest map[string]time.Duration) {
	m.queueDepth.Reset()
	m.queueOldest.Reset()
	for s, n := range depth {
		m.queueDepth.WithLabelValues(s).Set(float64(n))
		m.queueOldest.WithLabelValues(s).Set(oldest[s].Seconds())
	}
}

// Transport wraps rt, counting and timing every call by host and status.
func (m *Metrics) Transport(rt http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		start := time.Now()
		resp, err := rt.RoundTrip(r)
		host := r.URL.Hostname()
		code := "error"
		if err == nil {
			code = strconv.Itoa(resp.StatusCode)
		}
		m.apiRequests.WithLabelValues(host, code).Inc()
		m.apiTime.WithLabelValues(host).Observe(time.Since(start).Seconds())
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// RedisHook counts and times Redis commands and pipelines.
func (m *Metrics) RedisHook() redis.Hook { return redisHook{m} }

type redisHook struct{ m *Metrics }

func (h redisHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

func (h redisHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		if !setup(cmd) {
			h.observe(start, err)
		}
		return err
	}
}

func (h redisHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		if !slices.ContainsFunc(cmds, setup) {
			h.observe(start, err)
		}
		return err
	}
}

// setup reports whether cmd is part of opening a connection (HELLO,
// CLIENT SETINFO, which servers before 7.2 refuse): plumbing, not a
// command of Waymark's.
func setup(cmd redis.Cmder) bool {
	n := cmd.Name()
	return n == "hello" || n == "client" || n == "auth" || n == "select"
}

func (h redisHook) observe(start time.Time, err error) {
	outcome := "ok"
	if err != nil && !errors.Is(err, redis.Nil) {
		outcome = "error"
	}
	h.m.redisCmds.WithLabelValues(outcome).Inc()
	h.m.redisTime.Observe(time.Since(start).Seconds())
}
