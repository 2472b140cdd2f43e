package bot

import "time"

// Metrics is told what the engine and the desk do, for a deployer's
// dashboards: counts and timings only, never what anyone said.
// handlers/metrics implements it with Prometheus; NopMetrics counts
// nothing. Its methods must be cheap and safe for concurrent use.
type Metrics interface {
	// Question is a question answered: answered false for "I don't know",
	// escalated when it described immediate risk, and how long the answer
	// took.
	Question(platform string, answered, escalated bool, took time.Duration)
	// Escalated is an escalation raised, by its trigger (claim_sla, risk,
	// manual) and urgency.
	Escalated(trigger, urgency string)
	// Prompted is a level of a ladder prompted (1 for the first).
	Prompted(level int)
	// Acknowledged is an escalation acknowledged at level, after waited.
	Acknowledged(level int, waited time.Duration)
	// Exhausted is a ladder that ran out with no one acknowledging.
	Exhausted(urgency string)
	// Limited is a request refused by a rate limit of kind (question,
	// booking, escalation).
	Limited(kind string)
	// Undelivered is a note the desk could not deliver on platform.
	Undelivered(platform string)
}

// NopMetrics counts nothing.
type NopMetrics struct{}

func (NopMetrics) Question(string, bool, bool, time.Duration) {}
func (NopMetrics) Escalated(string, string)                   {}
func (NopMetrics) Prompted(int)                               {}
func (NopMetrics) Acknowledged(int, time.Duration)            {}
func (NopMetrics) Exhausted(string)                           {}
func (NopMetrics) Limited(string)                             {}
func (NopMetrics) Undelivered(string)                         {}
