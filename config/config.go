// Package config builds Waymark's configuration from, in rising order of
// precedence, built-in defaults, a YAML file (waymark.yaml), environment
// variables (WAYMARK_ and the key in upper case with '.' as '_', so
// search.min_confidence is WAYMARK_SEARCH_MIN_CONFIDENCE) and command-line
// flags. It is the only package that imports viper, and it uses one viper
// instance per Load, never the global one.
//
// Load validates everything at once and returns an *Error listing every
// problem; a Config is never changed after Load returns it.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// DefaultFile is read from the working directory when no file is named.
const DefaultFile = "waymark.yaml"

// Config is Waymark's validated configuration.
type Config struct {
	Corpus CorpusConfig `mapstructure:"corpus"`
	Search SearchConfig `mapstructure:"search"`
	Log    LogConfig    `mapstructure:"log"`
	HTTP   HTTPConfig   `mapstructure:"http"`
	Web    WebConfig    `mapstructure:"web"`
	Limits LimitsConfig `mapstructure:"limits"`

	Retention RetentionConfig `mapstructure:"retention"`
	Redis     RedisConfig     `mapstructure:"redis"`

	Consultations ConsultationsConfig `mapstructure:"consultations"`
	Escalation    EscalationConfig    `mapstructure:"escalation"`
	Console       ConsoleConfig       `mapstructure:"console"`

	// Platforms are the chat platforms' sections, by name, as their
	// Sources.Platforms read them.
	Platforms map[string]Section `mapstructure:"-"`
	order     []string           // of Platforms, as Sources listed them

	// File is the configuration file that was read, or "".
	File string `mapstructure:"-"`
}

// Platform is the section of a chat platform: each one Waymark serves
// (handlers/slack, handlers/teams) reads its own, under its name.
func (c *Config) Platform(name string) Section { return c.Platforms[name] }

// Enabled lists the names of the platforms that are configured, in the
// order Sources listed them.
func (c *Config) Enabled() []string {
	var out []string
	for _, name := range c.order {
		if c.Platforms[name].Enabled() {
			out = append(out, name)
		}
	}
	return out
}

// CorpusConfig says where the corpus is.
type CorpusConfig struct {
	// Dir is the corpus folder; empty means the embedded sample corpus.
	Dir string `mapstructure:"dir"`
}

// SearchConfig tunes answers.
type SearchConfig struct {
	Limit         int     `mapstructure:"limit"`          // results per answer, 1..50
	MinConfidence float64 `mapstructure:"min_confidence"` // 0..1; below it, "I don't know"
}

// LogConfig sets logging.
type LogConfig struct {
	Level  string `mapstructure:"level"`  // debug, info, warn, error
	Format string `mapstructure:"format"` // text or json
}

// HTTPConfig is the HTTP server of waymark serve.
type HTTPConfig struct {
	// Addr is host:port. The default binds loopback only, so the local web
	// chat is not exposed until a council chooses to.
	Addr string `mapstructure:"addr"`
	// WebChat serves the local web chat at /.
	WebChat bool `mapstructure:"web_chat"`
	// AdminAddr is where /metrics (and /healthz, /readyz) are served, apart
	// from the public routes; empty serves no metrics.
	AdminAddr string `mapstructure:"admin_addr"`
	// TrustedProxies are the reverse proxies (addresses or CIDR ranges)
	// whose X-Forwarded-For names the client, for per-address limits.
	TrustedProxies []string `mapstructure:"trusted_proxies"`
}

// RedisConfig says where conversation state lives. With neither URL nor
// Addrs, waymark serve starts an embedded Redis-compatible server whose
// state is lost on restart.
type RedisConfig struct {
	URL             string        `mapstructure:"url"`              // redis://user:pass@host:6379/0 or rediss://
	Addrs           []string      `mapstructure:"addrs"`            // host:port list: Cluster, or Sentinel with master_name
	MasterName      string        `mapstructure:"master_name"`      // Sentinel master
	Cluster         bool          `mapstructure:"cluster"`          // one address that is a Cluster's configuration endpoint
	Username        string        `mapstructure:"username"`         // Redis ACL user, for redis.addrs
	Password        string        `mapstructure:"password"`         // its password, for redis.addrs
	DB              int           `mapstructure:"db"`               // the database number, for redis.addrs
	Prefix          string        `mapstructure:"prefix"`           // key prefix
	ConversationTTL time.Duration `mapstructure:"conversation_ttl"` // how long a conversation's context is kept
	ProfileTTL      time.Duration `mapstructure:"profile_ttl"`      // how long a practitioner's profile is kept
	// Embedded accepts the in-process Redis off loopback, which keeps
	// nothing past a restart and shares nothing between replicas: without
	// it, serve refuses to listen beyond loopback with no Redis configured.
	Embedded bool `mapstructure:"embedded"`
}

// Configured reports whether an external Redis is configured.
func (r RedisConfig) Configured() bool { return r.URL != "" || len(r.Addrs) > 0 }

// ConsultationsConfig says who takes consultation requests. With no
// queues, consult shows the bookable specialists' contact details instead.
type ConsultationsConfig struct {
	// Specialists lists, per specialism, who may claim its requests:
	// "slack:U0123", "slack:T01:U0123", a user group, or
	// "web:sam.okafor@council.example" for someone who signs in to the
	// console with the identity provider.
	Specialists map[string][]string `mapstructure:"specialists"`
	// Queues is where each specialism's new requests are posted:
	// "slack:channel:C0123".
	Queues map[string]string `mapstructure:"queues"`
}

// Enabled reports whether consultations are set up.
func (c ConsultationsConfig) Enabled() bool { return len(c.Queues) > 0 }

// EscalationConfig is the duty managers' ladder.
type EscalationConfig struct {
	// Policies by urgency: urgent and routine.
	Policies map[string]PolicyConfig `mapstructure:"policies"`
	// RiskPolicy is the ladder risky questions and escalate commands climb.
	RiskPolicy string `mapstructure:"risk_policy"`
	// Tick is how often due timers are checked.
	Tick time.Duration `mapstructure:"tick"`
	// WorkingHours count working days for routine SLAs.
	WorkingHours WorkingHoursConfig `mapstructure:"working_hours"`
}

// PolicyConfig is one urgency's SLA and ladder.
type PolicyConfig struct {
	ClaimWithin            time.Duration `mapstructure:"claim_within"`
	ClaimWithinWorkingDays int           `mapstructure:"claim_within_working_days"`
	Levels                 []LevelConfig `mapstructure:"levels"`
}

// LevelConfig is one rung of the ladder.
type LevelConfig struct {
	Name        string        `mapstructure:"name"`
	Targets     []string      `mapstructure:"targets"` // "slack:channel:C0DUTY", "slack:user:U0SVC", "web:user:duty@council.example"
	Repeat      int           `mapstructure:"repeat"`
	RepeatEvery time.Duration `mapstructure:"repeat_every"`
	// Acknowledgers are the people who may acknowledge this level's
	// prompts besides its user targets, written as specialists are
	// ("slack:U0DUTY1", a user group): a level that posts to a channel must
	// list them, since being in a channel is no authority.
	Acknowledgers []string `mapstructure:"acknowledgers"`
}

// WorkingHoursConfig is the working calendar; empty fields keep the
// defaults (Europe/London, Monday to Friday 09:00-17:00, bank holidays of
// England and Wales).
type WorkingHoursConfig struct {
	Location     string   `mapstructure:"location"`      // the calendar's time zone (IANA; default Europe/London)
	Start        string   `mapstructure:"start"`         // the working day's start, HH:MM (default 09:00)
	End          string   `mapstructure:"end"`           // its end, HH:MM (default 17:00)
	BankHolidays []string `mapstructure:"bank_holidays"` // dates like 2026-12-25 that replace the built-in list when set
	// BankHolidaysFile is a newer list in GOV.UK's JSON format (a copy of
	// https://www.gov.uk/bank-holidays.json), read at start instead of the
	// built-in 2026-2028 one; Division is the part of it to use.
	BankHolidaysFile string `mapstructure:"bank_holidays_file"`
	Division         string `mapstructure:"division"` // england-and-wales, scotland or northern-ireland
}

// Target is a parsed "platform:kind:id" (or "platform:team:kind:id").
type Target struct{ Platform, TeamID, Kind, ID string }

// ParseTarget reads a target string: platform:kind:id or
// platform:team:kind:id. The id may itself contain colons, as Teams ids do
// ("teams:channel:19:abc@thread.tacv2").
func ParseTarget(s string) (Target, error) {
	parts := strings.Split(strings.TrimSpace(s), ":")
	var t Target
	switch {
	case len(parts) >= 3 && (parts[1] == "channel" || parts[1] == "user"):
		t = Target{Platform: parts[0], Kind: parts[1], ID: strings.Join(parts[2:], ":")}
	case len(parts) >= 4:
		t = Target{Platform: parts[0], TeamID: parts[1], Kind: parts[2], ID: strings.Join(parts[3:], ":")}
	default:
		return t, fmt.Errorf("target %q must be platform:kind:id, like slack:channel:C0123", s)
	}
	if t.Kind != "channel" && t.Kind != "user" {
		return t, fmt.Errorf("target %q: kind must be channel or user", s)
	}
	if t.ID == "" {
		return t, fmt.Errorf("target %q has no id", s)
	}
	return t, nil
}

// defaults lists every key with its default; a key not here is unknown.
var defaults = map[string]any{
	"corpus.dir":              "",
	"search.limit":            5,
	"search.min_confidence":   0.22, // knowledge.DefaultMinConfidence: the abstention model's probability
	"log.level":               "info",
	"log.format":              "text",
	"http.addr":               "127.0.0.1:8080",
	"http.web_chat":           true,
	"web.public_url":          "",
	"web.session_ttl":         "8h",
	"web.links":               false,
	"web.link_ttl":            "10m",
	"web.oidc.issuer":         "",
	"web.oidc.client_id":      "",
	"web.oidc.client_secret":  "",
	"web.oidc.scopes":         []string{"profile", "email"},
	"web.oidc.name_claim":     "name",
	"web.oidc.identity_claim": "email",
	"console.leads":           []string{},
	"console.corpus_owners":   []string{},
	"web.oidc.allowed_groups": []string{},
	"http.trusted_proxies":    []string{},
	"http.admin_addr":         "127.0.0.1:9090",
	"retention.consultations": "2160h",
	"retention.escalations":   "2160h",
	"retention.feedback":      "4320h",
	"retention.audit":         "17520h",
	"retention.gaps":          "4320h",
	"retention.every":         "1h",
	"limits.questions.max":    60,
	"limits.questions.per":    "10m",
	"limits.bookings.max":     10,
	"limits.bookings.per":     "1h",
	"limits.escalations.max":  5,
	"limits.escalations.per":  "1h",
	"limits.web_address.max":  600,
	"limits.web_address.per":  "10m",
	"redis.url":               "",
	"redis.addrs":             []string{},
	"redis.master_name":       "",
	"redis.cluster":           false,
	"redis.username":          "",
	"redis.password":          "",
	"redis.db":                0,
	"redis.prefix":            "wm",
	"redis.conversation_ttl":  "24h",
	"redis.profile_ttl":       "720h",
	"redis.embedded":          false,

	"consultations.specialists":                   map[string]any{},
	"consultations.queues":                        map[string]any{},
	"escalation.policies":                         map[string]any{},
	"escalation.risk_policy":                      "urgent",
	"escalation.tick":                             "15s",
	"escalation.working_hours.location":           "",
	"escalation.working_hours.start":              "",
	"escalation.working_hours.end":                "",
	"escalation.working_hours.bank_holidays":      []string{},
	"escalation.working_hours.bank_holidays_file": "",
	"escalation.working_hours.division":           "england-and-wales",
}

// Default returns key's default, as Load would use it, and whether key is
// one: Waymark's own or a platform's.
func Default(key string, platforms ...Platform) (any, bool) {
	if d, ok := defaults[key]; ok {
		return d, true
	}
	pk, _, _, err := platformKeys(platforms)
	if err != nil {
		return nil, false
	}
	d, ok := pk[key]
	return d, ok
}

// Keys returns every configuration key, sorted: Waymark's own and those of
// the platforms.
func Keys(platforms ...Platform) []string {
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
	}
	if pk, _, _, err := platformKeys(platforms); err == nil {
		for k := range pk {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// EnvName is the environment variable that sets key.
func EnvName(key string) string {
	return "WAYMARK_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// Error lists every problem with a configuration.
type Error struct {
	Problems []string
}

func (e *Error) Error() string {
	return "configuration has " + fmt.Sprint(len(e.Problems)) + " problem(s):\n  " + strings.Join(e.Problems, "\n  ")
}

// Sources are where Load reads from.
type Sources struct {
	File   string              // a file to read; "" reads DefaultFile if it exists
	Getenv func(string) string // nil reads no environment
	Flags  *pflag.FlagSet      // nil reads no flags
	// FlagKeys maps flag names to configuration keys (corpus -> corpus.dir).
	FlagKeys map[string]string
	// Platforms are the chat platforms whose sections Load reads.
	Platforms []Platform
}

// Load builds and validates a Config.
func Load(src Sources) (*Config, error) {
	pkeys, sections, order, err := platformKeys(src.Platforms)
	if err != nil {
		return nil, err
	}
	known := maps.Clone(defaults)
	maps.Copy(known, pkeys)
	v := viper.New()
	for k, d := range known {
		v.SetDefault(k, d)
	}
	var problems []string
	file := src.File
	if file == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			file = DefaultFile
		}
	}
	if file != "" {
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return nil, &Error{Problems: []string{fmt.Sprintf("config file %s: %v", file, pe.Err)}}
			}
			return nil, &Error{Problems: []string{fmt.Sprintf("config file %s: %v", file, err)}}
		}
		for _, k := range v.AllKeys() {
			if _, ok := known[k]; !ok && !underMap(k) {
				problems = append(problems, fmt.Sprintf("%s: unknown setting %q", file, k))
			}
		}
	}
	// Environment above the file: merge it into the config layer, which
	// viper ranks below flags.
	if src.Getenv != nil {
		env := map[string]any{}
		for k := range known {
			if val, ok := lookup(src.Getenv, EnvName(k)); ok {
				setNested(env, k, val)
			}
		}
		if err := v.MergeConfigMap(env); err != nil {
			return nil, fmt.Errorf("environment: %w", err)
		}
	}
	if src.Flags != nil {
		for name, key := range src.FlagKeys {
			if f := src.Flags.Lookup(name); f != nil {
				if err := v.BindPFlag(key, f); err != nil {
					return nil, fmt.Errorf("flag --%s: %w", name, err)
				}
			}
		}
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		problems = append(problems, fmt.Sprintf("cannot read settings: %v", err))
		return nil, &Error{Problems: problems}
	}
	c.File = file
	c.Platforms, c.order = sections, order
	for _, name := range order {
		if err := v.UnmarshalKey(name, sections[name]); err != nil {
			problems = append(problems, fmt.Sprintf("cannot read %s settings: %v", name, err))
			return nil, &Error{Problems: problems}
		}
		problems = append(problems, sections[name].Check()...)
	}
	problems = append(problems, c.validate()...)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return &c, nil
}

// redactURL hides a password in a URL before it is shown.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable)"
	}
	return u.Redacted()
}

// mapSettings hold maps whose keys the council chooses (specialisms,
// urgencies), so keys beneath them are not unknown.
var mapSettings = []string{"consultations.specialists.", "consultations.queues.", "escalation.policies."}

func underMap(k string) bool {
	for _, m := range mapSettings {
		if strings.HasPrefix(k, m) {
			return true
		}
	}
	return false
}

func lookup(getenv func(string) string, name string) (string, bool) {
	val := getenv(name)
	return val, val != ""
}

func setNested(m map[string]any, key, val string) {
	parts := strings.Split(key, ".")
	for _, p := range parts[:len(parts)-1] {
		sub, ok := m[p].(map[string]any)
		if !ok {
			sub = map[string]any{}
			m[p] = sub
		}
		m = sub
	}
	m[parts[len(parts)-1]] = val
}

func (c *Config) validate() []string {
	var p []string
	if c.Corpus.Dir != "" {
		if st, err := os.Stat(c.Corpus.Dir); err != nil {
			p = append(p, fmt.Sprintf("corpus.dir: %v", err))
		} else if !st.IsDir() {
			p = append(p, fmt.Sprintf("corpus.dir: %s is not a directory", c.Corpus.Dir))
		}
	}
	if c.Search.Limit < 1 || c.Search.Limit > 50 {
		p = append(p, fmt.Sprintf("search.limit must be between 1 and 50, not %d", c.Search.Limit))
	}
	if c.Search.MinConfidence <= 0 || c.Search.MinConfidence > 1 {
		p = append(p, fmt.Sprintf("search.min_confidence must be more than 0 and at most 1, not %g", c.Search.MinConfidence))
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		p = append(p, fmt.Sprintf("log.level must be debug, info, warn or error, not %q", c.Log.Level))
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		p = append(p, fmt.Sprintf("log.format must be text or json, not %q", c.Log.Format))
	}
	if _, port, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		p = append(p, fmt.Sprintf("http.addr %q must be host:port: %v", c.HTTP.Addr, err))
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		p = append(p, fmt.Sprintf("http.addr %q has a bad port", c.HTTP.Addr))
	} else if c.HTTP.WebChat && !Loopback(c.HTTP.Addr) && !c.Web.SignIn() {
		p = append(p, fmt.Sprintf("http.web_chat is on but http.addr %q is not loopback and no sign-in is configured: anonymous web chat is served on 127.0.0.1, ::1 or localhost only; configure web.oidc or web.links (with web.public_url), or set http.web_chat: false to serve Slack and Teams on this address", c.HTTP.Addr))
	}
	p = append(p, c.Web.check()...)
	p = append(p, c.checkRetentionAndLimits()...)
	r := c.Redis
	if !r.Configured() && !r.Embedded && !Loopback(c.HTTP.Addr) {
		if _, _, err := net.SplitHostPort(c.HTTP.Addr); err == nil {
			p = append(p, fmt.Sprintf("http.addr %q is not loopback but no Redis is configured: a deployed Waymark keeps its state in Redis (set redis.url); redis.embedded: true accepts an in-memory store that loses every consultation on restart", c.HTTP.Addr))
		}
	}
	if r.URL != "" && len(r.Addrs) > 0 {
		p = append(p, "redis.url and redis.addrs are both set: use one")
	}
	if r.URL != "" && !strings.HasPrefix(r.URL, "redis://") && !strings.HasPrefix(r.URL, "rediss://") && !strings.HasPrefix(r.URL, "unix://") {
		p = append(p, fmt.Sprintf("redis.url must start with redis://, rediss:// or unix://, not %q", redactURL(r.URL)))
	}
	if r.MasterName != "" && len(r.Addrs) == 0 {
		p = append(p, "redis.master_name needs redis.addrs (the Sentinel addresses)")
	}
	if r.ConversationTTL <= 0 || r.ProfileTTL <= 0 {
		p = append(p, "redis.conversation_ttl and redis.profile_ttl must be positive durations, like 24h")
	}
	p = append(p, c.validateDesk()...)
	return p
}

func (c *Config) validateDesk() []string {
	var p []string
	cs := c.Consultations
	if !cs.Enabled() {
		return nil
	}
	if len(c.Enabled()) == 0 {
		p = append(p, fmt.Sprintf("consultations need %s configured: queues and prompts are posted there", strings.ReplaceAll(orList(c.order), " and ", " or ")))
	}
	for _, group := range [][]string{queueTargets(cs.Queues), ladderTargets(c.Escalation)} {
		for _, ts := range group {
			t, err := c.parseTarget(ts)
			if err != nil {
				continue // reported below
			}
			if t.Platform == "web" {
				p = append(p, c.webTarget(fmt.Sprintf("target %q", ts), t)...)
			} else if s := c.Platforms[t.Platform]; !s.Enabled() {
				p = append(p, fmt.Sprintf("target %q needs %s configured", ts, t.Platform))
			} else {
				_, problems := s.Target(fmt.Sprintf("target %q", ts), t)
				p = append(p, problems...)
			}
		}
	}
	for specialism, people := range cs.Specialists {
		for _, who := range people {
			what := fmt.Sprintf("consultations.specialists.%s: %q", specialism, who)
			name, _, _ := strings.Cut(strings.TrimSpace(who), ":")
			if s, ok := c.Platforms[name]; ok && s.Enabled() || name == "web" {
				p = append(p, c.checkPerson(what, who)...)
			}
		}
	}
	for key, people := range map[string][]string{"console.leads": c.Console.Leads, "console.corpus_owners": c.Console.CorpusOwners} {
		for _, who := range people {
			p = append(p, c.checkPerson(fmt.Sprintf("%s: %q", key, who), who)...)
		}
	}
	for specialism, q := range cs.Queues {
		if _, err := c.parseTarget(q); err != nil {
			p = append(p, fmt.Sprintf("consultations.queues.%s: %v", specialism, err))
		}
		if len(cs.Specialists[specialism]) == 0 {
			p = append(p, fmt.Sprintf("consultations.specialists.%s: the %s queue needs specialists who can claim", specialism, specialism))
		}
	}
	e := c.Escalation
	for _, u := range []string{"urgent", "routine"} {
		pol, ok := e.Policies[u]
		if !ok {
			p = append(p, fmt.Sprintf("escalation.policies.%s is missing", u))
			continue
		}
		if pol.ClaimWithin <= 0 && pol.ClaimWithinWorkingDays <= 0 {
			p = append(p, fmt.Sprintf("escalation.policies.%s needs claim_within or claim_within_working_days", u))
		}
		if len(pol.Levels) == 0 {
			p = append(p, fmt.Sprintf("escalation.policies.%s needs levels", u))
		}
		for i, l := range pol.Levels {
			if len(l.Targets) == 0 {
				p = append(p, fmt.Sprintf("escalation.policies.%s.levels[%d] needs targets", u, i))
			}
			for _, t := range l.Targets {
				if _, err := c.parseTarget(t); err != nil {
					p = append(p, fmt.Sprintf("escalation.policies.%s.levels[%d]: %v", u, i, err))
				}
			}
			if l.RepeatEvery <= 0 {
				p = append(p, fmt.Sprintf("escalation.policies.%s.levels[%d] needs repeat_every, like 10m", u, i))
			}
			channel := false
			for _, t := range l.Targets {
				if pt, err := c.parseTarget(t); err == nil && pt.Kind == "channel" {
					channel = true
				}
			}
			for _, who := range l.Acknowledgers {
				p = append(p, c.checkPerson(fmt.Sprintf("escalation.policies.%s.levels[%d].acknowledgers: %q", u, i, who), who)...)
			}
			if channel && len(l.Acknowledgers) == 0 {
				p = append(p, fmt.Sprintf("escalation.policies.%s.levels[%d] posts to a channel, so it needs acknowledgers: the people who may acknowledge its prompts, written as consultations.specialists are (slack:U0DUTY1, or a user group); anyone else in the channel may not", u, i))
			}
		}
	}
	if _, ok := e.Policies[e.RiskPolicy]; !ok {
		p = append(p, fmt.Sprintf("escalation.risk_policy %q is not a policy", e.RiskPolicy))
	}
	if e.Tick <= 0 {
		p = append(p, "escalation.tick must be a positive duration")
	}
	return p
}

func queueTargets(q map[string]string) []string {
	var out []string
	for _, t := range q {
		out = append(out, t)
	}
	return out
}

func ladderTargets(e EscalationConfig) []string {
	var out []string
	for _, p := range e.Policies {
		for _, l := range p.Levels {
			out = append(out, l.Targets...)
		}
	}
	return out
}

// Loopback reports whether addr (host:port) listens on this machine only:
// 127.0.0.0/8, ::1 or localhost. An empty host or 0.0.0.0 listens on every
// interface.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
