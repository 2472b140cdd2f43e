package config

import (
	"fmt"
	"net/netip"
	"time"
)

// ParseProxy reads a trusted proxy: an address or a CIDR range.
func ParseProxy(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("http.trusted_proxies: %q is not an address or CIDR range (10.0.0.0/8)", s)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// RetentionConfig is how long each kind of record is kept (0: for ever),
// enforced by a sweep every Every on any replica; conversation context and
// profiles expire by redis.conversation_ttl and redis.profile_ttl.
type RetentionConfig struct {
	Consultations time.Duration `mapstructure:"consultations"` // after closing or cancelling, with their relay threads
	Escalations   time.Duration `mapstructure:"escalations"`   // after acknowledgement or the ladder's end
	Feedback      time.Duration `mapstructure:"feedback"`      // feedback entries, after they were given
	Audit         time.Duration `mapstructure:"audit"`         // audit entries, after they were recorded
	Gaps          time.Duration `mapstructure:"gaps"`          // knowledge gaps (unanswered questions' known words), after they were recorded
	Every         time.Duration `mapstructure:"every"`         // how often serve sweeps (replicas share it)
}

// LimitConfig is at most Max actions per window Per; a Max of 0 is no
// limit.
type LimitConfig struct {
	Max int           `mapstructure:"max"` // at most this many per window (0: no limit)
	Per time.Duration `mapstructure:"per"` // the window
}

// LimitsConfig are the rate limits, shared by replicas through Redis:
// per person for questions, consultation requests and escalations, and per
// client address for everything the web chat is sent.
type LimitsConfig struct {
	Questions   LimitConfig `mapstructure:"questions"`   // questions per person; a risk is still answered
	Bookings    LimitConfig `mapstructure:"bookings"`    // consultation requests per person
	Escalations LimitConfig `mapstructure:"escalations"` // escalations per person (escalate, or a risk in a question)
	WebAddress  LimitConfig `mapstructure:"web_address"` // web chat messages per client address
}

// checkRetentionAndLimits lists the problems of the retention periods and
// rate limits.
func (c *Config) checkRetentionAndLimits() []string {
	var p []string
	for _, s := range c.HTTP.TrustedProxies {
		if _, err := ParseProxy(s); err != nil {
			p = append(p, err.Error())
		}
	}
	rt := c.Retention
	if rt.Consultations < 0 || rt.Escalations < 0 || rt.Feedback < 0 || rt.Audit < 0 || rt.Gaps < 0 {
		p = append(p, "retention periods must be 0 (keep for ever) or positive durations, like 2160h")
	}
	if rt.Every < time.Minute {
		p = append(p, fmt.Sprintf("retention.every must be at least 1m, not %s", rt.Every))
	}
	for name, l := range map[string]LimitConfig{"questions": c.Limits.Questions, "bookings": c.Limits.Bookings, "escalations": c.Limits.Escalations, "web_address": c.Limits.WebAddress} {
		if l.Max < 0 || (l.Max > 0 && l.Per < time.Second) {
			p = append(p, fmt.Sprintf("limits.%s: max must be 0 (no limit) or more, and per at least 1s, not %d per %s", name, l.Max, l.Per))
		}
	}
	if c.Web.Links && len(c.Enabled()) == 0 {
		p = append(p, "web.links needs Slack or Teams configured: a one-time link is asked for there (\"web\" in a direct message)")
	}
	return p
}
