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
	"os"
	"slices"
	"sort"
	"strings"

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

	// File is the configuration file that was read, or "".
	File string `mapstructure:"-"`
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

// defaults lists every key with its default; a key not here is unknown.
var defaults = map[string]any{
	"corpus.dir":            "",
	"search.limit":          5,
	"search.min_confidence": 0.26,
	"log.level":             "info",
	"log.format":            "text",
}

// Keys returns every configuration key, sorted.
func Keys() []string {
	keys := make([]string, 0, len(defaults))
	for k := range defaults {
		keys = append(keys, k)
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
}

// Load builds and validates a Config.
func Load(src Sources) (*Config, error) {
	v := viper.New()
	for k, d := range defaults {
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
			if _, ok := defaults[k]; !ok {
				problems = append(problems, fmt.Sprintf("%s: unknown setting %q", file, k))
			}
		}
	}
	// Environment above the file: merge it into the config layer, which
	// viper ranks below flags.
	if src.Getenv != nil {
		env := map[string]any{}
		for k := range defaults {
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
	problems = append(problems, c.validate()...)
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	return &c, nil
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
	return p
}
