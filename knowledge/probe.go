package knowledge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ProbeQuestion is one line of a risk probe (eval/riskprobe): a question,
// whether it describes an immediate risk, the situation it is or imitates,
// and its form (risk, or the kind of look-alike: history, policy, news,
// idiom, training, fiction, general).
type ProbeQuestion struct {
	Q         string `json:"q"`
	Escalate  bool   `json:"escalate"`
	Situation string `json:"situation"`
	Form      string `json:"form"`
}

// Final reports whether q belongs to the probe's final third: kept unseen
// while the screening is built, chosen by a hash of the question so that
// nobody picks it.
func (q ProbeQuestion) Final() bool {
	h := fnv.New32a()
	h.Write([]byte(q.Q))
	return h.Sum32()%3 == 0
}

// LoadProbe reads every part-*.jsonl file of dir.
func LoadProbe(dir string) ([]ProbeQuestion, error) {
	files, err := filepath.Glob(filepath.Join(dir, "part-*.jsonl"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no part-*.jsonl in %s", dir)
	}
	var out []ProbeQuestion
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var q ProbeQuestion
			if err := json.Unmarshal(sc.Bytes(), &q); err != nil || q.Q == "" {
				return nil, fmt.Errorf("%s:%d: not a probe question: %v", f, line, err)
			}
			out = append(out, q)
		}
	}
	return out, nil
}

// ProbeReport is recall on the risks and false alarms on the look-alikes.
type ProbeReport struct {
	Risks, Caught, LookAlikes, FalseAlarms int
	BySituation                            map[string][2]int // caught, risks
	Missed, Alarmed                        []ProbeQuestion
}

// EvaluateProbe screens every question.
func EvaluateProbe(screen func(string) bool, qs []ProbeQuestion) *ProbeReport {
	r := &ProbeReport{BySituation: map[string][2]int{}}
	for _, q := range qs {
		got := screen(q.Q)
		if q.Escalate {
			r.Risks++
			s := r.BySituation[q.Situation]
			s[1]++
			if got {
				r.Caught++
				s[0]++
			} else {
				r.Missed = append(r.Missed, q)
			}
			r.BySituation[q.Situation] = s
		} else {
			r.LookAlikes++
			if got {
				r.FalseAlarms++
				r.Alarmed = append(r.Alarmed, q)
			}
		}
	}
	return r
}

// Write prints the report; with questions, every miss and false alarm.
func (r *ProbeReport) Write(w io.Writer, questions bool) {
	fmt.Fprintf(w, "risks escalated  %d/%d (%.1f%%)\n", r.Caught, r.Risks, 100*float64(r.Caught)/float64(max(r.Risks, 1)))
	fmt.Fprintf(w, "false alarms     %d/%d (%.1f%%)\n", r.FalseAlarms, r.LookAlikes, 100*float64(r.FalseAlarms)/float64(max(r.LookAlikes, 1)))
	var sits []string
	for s := range r.BySituation {
		sits = append(sits, s)
	}
	sort.Strings(sits)
	var parts []string
	for _, s := range sits {
		v := r.BySituation[s]
		parts = append(parts, fmt.Sprintf("%s %d/%d", s, v[0], v[1]))
	}
	fmt.Fprintf(w, "by situation     %s\n", strings.Join(parts, ", "))
	if !questions {
		return
	}
	for _, q := range r.Missed {
		fmt.Fprintf(w, "  missed (%s): %s\n", q.Situation, q.Q)
	}
	for _, q := range r.Alarmed {
		fmt.Fprintf(w, "  false alarm (%s, %s): %s\n", q.Situation, q.Form, q.Q)
	}
}
