package redisstore

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults for the zero values of Config's fields.
const (
	DefaultPrefix          = "wm"
	DefaultConversationTTL = 24 * time.Hour
	DefaultProfileTTL      = 30 * 24 * time.Hour
	DefaultDedupeTTL       = 24 * time.Hour
	DefaultFeedbackMaxLen  = 100_000
	DefaultDialTimeout     = 500 * time.Millisecond
	DefaultReadTimeout     = 500 * time.Millisecond
	DefaultWriteTimeout    = 500 * time.Millisecond
)

// Config says which Redis to use and how long to keep things. Zero values
// take the defaults above. Set either URL or Addrs.
type Config struct {
	// URL names a single node: redis://[user:password@]host:port/db, or
	// rediss:// for TLS. Timeouts given as URL parameters (dial_timeout=2s)
	// win over the fields below.
	URL string
	// Addrs lists host:port addresses: one for a single node, several seed
	// nodes for a Cluster, or the Sentinels when MasterName is set.
	Addrs []string
	// MasterName is the Sentinel master's name; it makes Addrs Sentinels.
	MasterName string
	// Cluster makes a single address in Addrs a Cluster seed (a managed
	// service's configuration endpoint); several addresses always are.
	Cluster bool
	// Username and Password authenticate to Redis. With URL, they may be
	// given here instead of in the URL, but not in both.
	Username, Password string
	// DB is the database number; Cluster has only database 0. With URL, the
	// URL's path says the database.
	DB int

	// Prefix starts every key; it may not contain '{' or '}'.
	Prefix string

	ConversationTTL time.Duration // how long a conversation is kept after its last save
	ProfileTTL      time.Duration // how long a profile is kept after its last save
	DedupeTTL       time.Duration // how long a delivered event id is remembered
	FeedbackMaxLen  int64         // the feedback stream is trimmed to about this many entries

	DialTimeout  time.Duration // to connect
	ReadTimeout  time.Duration // to read a reply
	WriteTimeout time.Duration // to send a command
}

// Validate reports every problem with c at once, as errors joined with
// errors.Join; it never echoes a password.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf(format, args...))
	}

	switch {
	case c.URL != "" && len(c.Addrs) > 0:
		add("URL and Addrs are both set: set one")
	case c.URL == "" && len(c.Addrs) == 0:
		add("neither URL nor Addrs is set: set one")
	}
	if c.URL != "" {
		opts, err := redis.ParseURL(c.URL)
		if err != nil {
			// url.Error repeats the URL, password included: keep only the cause.
			var uerr *url.Error
			if errors.As(err, &uerr) {
				err = uerr.Err
			}
			add("URL is not a valid Redis URL (redis://[user:password@]host:port/db): %v", err)
		} else {
			if c.Username != "" && opts.Username != "" {
				add("Username is set both in URL and in Username: set one")
			}
			if c.Password != "" && opts.Password != "" {
				add("Password is set both in URL and in Password: set one")
			}
		}
		if c.DB != 0 {
			add("DB is set with URL: give the database in the URL's path (redis://host:port/%d)", c.DB)
		}
		if c.MasterName != "" {
			add("MasterName needs the Sentinels' addresses in Addrs, not URL")
		}
		if c.Cluster {
			add("Cluster needs the seed nodes' addresses in Addrs, not URL")
		}
	}
	for i, a := range c.Addrs {
		host, port, err := net.SplitHostPort(a)
		if err != nil || host == "" {
			add("Addrs[%d] %q is not host:port", i, a)
			continue
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			add("Addrs[%d] %q has no valid port", i, a)
		}
	}
	if c.MasterName != "" && c.Cluster {
		add("MasterName and Cluster are both set: Sentinel or Cluster, not both")
	}
	if c.DB < 0 {
		add("DB must not be negative, not %d", c.DB)
	}
	if c.DB != 0 && c.MasterName == "" && (c.Cluster || len(c.Addrs) > 1) {
		add("DB must be 0 with a Cluster, not %d", c.DB)
	}
	if strings.ContainsAny(c.Prefix, "{}") || strings.ContainsFunc(c.Prefix, isSpaceOrControl) {
		add("Prefix %q must not contain '{', '}', spaces or control characters", c.Prefix)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"ConversationTTL", c.ConversationTTL},
		{"ProfileTTL", c.ProfileTTL},
		{"DedupeTTL", c.DedupeTTL},
	} {
		switch {
		case d.v < 0:
			add("%s must not be negative, not %v", d.name, d.v)
		case d.v > 0 && d.v < time.Millisecond:
			add("%s must be at least 1ms (Redis expires in milliseconds), not %v", d.name, d.v)
		}
	}
	if c.FeedbackMaxLen < 0 {
		add("FeedbackMaxLen must not be negative, not %d", c.FeedbackMaxLen)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"DialTimeout", c.DialTimeout},
		{"ReadTimeout", c.ReadTimeout},
		{"WriteTimeout", c.WriteTimeout},
	} {
		if d.v < 0 {
			add("%s must not be negative, not %v", d.name, d.v)
		}
	}
	return errors.Join(errs...)
}

func isSpaceOrControl(r rune) bool {
	return r <= ' ' || r == 0x7f
}

// withDefaults returns c with every zero value replaced by its default.
func (c Config) withDefaults() Config {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	def(&c.ConversationTTL, DefaultConversationTTL)
	def(&c.ProfileTTL, DefaultProfileTTL)
	def(&c.DedupeTTL, DefaultDedupeTTL)
	if c.FeedbackMaxLen == 0 {
		c.FeedbackMaxLen = DefaultFeedbackMaxLen
	}
	def(&c.DialTimeout, DefaultDialTimeout)
	def(&c.ReadTimeout, DefaultReadTimeout)
	def(&c.WriteTimeout, DefaultWriteTimeout)
	return c
}

// Retry policy: one retry, so a connection Redis closed while idle (a
// restart, a failover) costs nothing, and one dial attempt per try, so an
// outage is reported within about two dial timeouts.
const (
	maxRetries    = 1
	dialerRetries = 1
)

// newClient builds the go-redis client c describes. It does not connect.
func newClient(c Config) (redis.UniversalClient, error) {
	if c.URL != "" {
		opts, err := redis.ParseURL(c.URL)
		if err != nil {
			return nil, err // Validate has already reported it
		}
		if opts.Username == "" {
			opts.Username = c.Username
		}
		if opts.Password == "" {
			opts.Password = c.Password
		}
		// Zero means the URL did not set it.
		if opts.DialTimeout == 0 {
			opts.DialTimeout = c.DialTimeout
		}
		if opts.ReadTimeout == 0 {
			opts.ReadTimeout = c.ReadTimeout
		}
		if opts.WriteTimeout == 0 {
			opts.WriteTimeout = c.WriteTimeout
		}
		if opts.MaxRetries == 0 {
			opts.MaxRetries = maxRetries
		}
		opts.DialerRetries = dialerRetries
		opts.ContextTimeoutEnabled = true
		return redis.NewClient(opts), nil
	}
	return redis.NewUniversalClient(&redis.UniversalOptions{
		Addrs:                 c.Addrs,
		MasterName:            c.MasterName,
		IsClusterMode:         c.Cluster,
		Username:              c.Username,
		Password:              c.Password,
		DB:                    c.DB,
		DialTimeout:           c.DialTimeout,
		ReadTimeout:           c.ReadTimeout,
		WriteTimeout:          c.WriteTimeout,
		MaxRetries:            maxRetries,
		DialerRetries:         dialerRetries,
		ContextTimeoutEnabled: true,
	}), nil
}
