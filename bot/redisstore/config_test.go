package redisstore_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waymarkhq/waymark/bot/redisstore"
)

func TestValidConfigs(t *testing.T) {
	for _, cfg := range []redisstore.Config{
		{URL: "redis://127.0.0.1:6379/0"},
		{URL: "rediss://user:secret@redis.example:6380/2?dial_timeout=2s"},
		{URL: "redis://redis.example:6379", Password: "secret"},
		{URL: "unix:///run/redis.sock"},
		{Addrs: []string{"127.0.0.1:6379"}, DB: 3},
		{Addrs: []string{"10.0.0.1:6379", "10.0.0.2:6379", "10.0.0.3:6379"}},
		{Addrs: []string{"config.example:6379"}, Cluster: true},
		{Addrs: []string{"10.0.0.1:26379", "10.0.0.2:26379"}, MasterName: "mymaster", DB: 1},
		{URL: "redis://127.0.0.1:6379", Prefix: "t:TestX:abc", ConversationTTL: time.Second, ProfileTTL: time.Hour, DedupeTTL: time.Millisecond, FeedbackMaxLen: 10, DialTimeout: time.Second},
	} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("Validate(%+v): %v", cfg, err)
		}
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	cfg := redisstore.Config{
		URL:             "redis://user:hunter2@host:6379/0",
		Addrs:           []string{"no-port", "host:99999"},
		MasterName:      "mymaster",
		Cluster:         true,
		Password:        "other",
		DB:              -1,
		Prefix:          "wm:{x}",
		ConversationTTL: -time.Second,
		ProfileTTL:      time.Microsecond,
		DedupeTTL:       -1,
		FeedbackMaxLen:  -5,
		DialTimeout:     -1,
		ReadTimeout:     -1,
		WriteTimeout:    -1,
	}
	err := cfg.Validate()
	if err == nil {
		t.Fatal("Validate: no error")
	}
	wants := []string{
		"URL and Addrs are both set",
		"Password is set both in URL and in Password",
		"DB is set with URL",
		"MasterName needs the Sentinels' addresses in Addrs",
		"Cluster needs the seed nodes' addresses in Addrs",
		`Addrs[0] "no-port" is not host:port`,
		`Addrs[1] "host:99999" has no valid port`,
		"MasterName and Cluster are both set",
		"DB must not be negative",
		`Prefix "wm:{x}" must not contain '{'`,
		"ConversationTTL must not be negative",
		"ProfileTTL must be at least 1ms",
		"DedupeTTL must not be negative",
		"FeedbackMaxLen must not be negative",
		"DialTimeout must not be negative",
		"ReadTimeout must not be negative",
		"WriteTimeout must not be negative",
	}
	msg := err.Error()
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			t.Errorf("Validate error lacks %q:\n%s", w, msg)
		}
	}
	if joined, ok := err.(interface{ Unwrap() []error }); !ok || len(joined.Unwrap()) != len(wants) {
		t.Errorf("want %d problems, got:\n%s", len(wants), msg)
	}
	if strings.Contains(msg, "hunter2") {
		t.Errorf("Validate error shows the password:\n%s", msg)
	}
}

func TestValidateProblems(t *testing.T) {
	tests := []struct {
		name string
		cfg  redisstore.Config
		want string
	}{
		{"nothing set", redisstore.Config{}, "neither URL nor Addrs is set"},
		{"bad scheme", redisstore.Config{URL: "http://host:6379"}, "URL is not a valid Redis URL"},
		{"bad db path", redisstore.Config{URL: "redis://host:6379/zero"}, "invalid database number"},
		{"unknown parameter", redisstore.Config{URL: "redis://host:6379/0?colour=blue"}, "URL is not a valid Redis URL"},
		{"unparsable URL hides the password", redisstore.Config{URL: "redis://user:hunter2@host:port/0"}, "URL is not a valid Redis URL"},
		{"username twice", redisstore.Config{URL: "redis://user:pw@host:6379", Username: "other"}, "Username is set both"},
		{"cluster db", redisstore.Config{Addrs: []string{"a:1", "b:2"}, DB: 2}, "DB must be 0 with a Cluster"},
		{"prefix with a space", redisstore.Config{URL: "redis://host:6379", Prefix: "w m"}, "must not contain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate = %v, want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("Validate error shows the password: %v", err)
			}
		})
	}
}

func TestNewValidates(t *testing.T) {
	_, err := redisstore.New(redisstore.Config{URL: "redis://host:6379", Addrs: []string{"host:6379"}})
	if err == nil || !strings.Contains(err.Error(), "URL and Addrs are both set") {
		t.Fatalf("New = %v, want the validation error", err)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		t.Errorf("New's error does not wrap the problems: %v", err)
	}
}

// The client type follows the configuration; none of them connects in New.
func TestNewBuildsTheRightClient(t *testing.T) {
	tests := []struct {
		cfg  redisstore.Config
		want string
	}{
		{redisstore.Config{URL: "redis://127.0.0.1:1/0"}, "*redis.Client"},
		{redisstore.Config{Addrs: []string{"127.0.0.1:1"}}, "*redis.Client"},
		{redisstore.Config{Addrs: []string{"127.0.0.1:1", "127.0.0.1:2"}}, "*redis.ClusterClient"},
		{redisstore.Config{Addrs: []string{"127.0.0.1:1"}, Cluster: true}, "*redis.ClusterClient"},
		{redisstore.Config{Addrs: []string{"127.0.0.1:1"}, MasterName: "mymaster"}, "*redis.Client"},
	}
	for _, tt := range tests {
		s, err := redisstore.New(tt.cfg)
		if err != nil {
			t.Fatalf("New(%+v): %v", tt.cfg, err)
		}
		if got := typeName(s.Client()); got != tt.want {
			t.Errorf("New(%+v).Client() is %s, want %s", tt.cfg, got, tt.want)
		}
		s.Close()
	}
}
